"""The lifecycle of an ENS filing in the common repository, as a transition table.

Every change of state goes through :func:`next_state`; a message that the table does not allow in the
current state is answered with the "ENS in incorrect state" notification (IE3N07), code 92.
"""

from __future__ import annotations

from eucustoms.core.errors import IncorrectState

REGISTERED = "registered"  # IE3R01 sent; momentary, the filing moves on at once
PENDING = "pending"  # a partial filing waiting for the parts others must lodge (IE3N02 / IE3N11 sent)
UNDER_RISK_ANALYSIS = "under_risk_analysis"
REFERRAL = "referral"  # an RFI or RFS is open: risk analysis waits for the answer
DO_NOT_LOAD = "do_not_load"  # IE3Q01 sent
ASSESSED = "assessment_complete"  # IE3N03 sent
ARRIVED = "arrived"  # arrival notified (IE3N06 → IE3R04)
PRESENTED = "presented"  # goods presented at the office of first entry
CONTROLLED = "controlled"  # control result recorded by the member state
INVALIDATED = "invalidated"  # IE3Q04 → IE3R07

STATES = (REGISTERED, PENDING, UNDER_RISK_ANALYSIS, REFERRAL, DO_NOT_LOAD, ASSESSED, ARRIVED, PRESENTED,
          CONTROLLED, INVALIDATED)

_BEFORE_ARRIVAL = (REGISTERED, PENDING, UNDER_RISK_ANALYSIS, REFERRAL, ASSESSED)

TRANSITIONS: dict[tuple[str, str], str] = {
    (REGISTERED, "await_other_parts"): PENDING,
    (REGISTERED, "start_risk_analysis"): UNDER_RISK_ANALYSIS,
    (PENDING, "start_risk_analysis"): UNDER_RISK_ANALYSIS,
    (UNDER_RISK_ANALYSIS, "refer"): REFERRAL,
    (REFERRAL, "refer"): REFERRAL,
    (REFERRAL, "referral_answered"): UNDER_RISK_ANALYSIS,
    (UNDER_RISK_ANALYSIS, "do_not_load"): DO_NOT_LOAD,
    (REFERRAL, "do_not_load"): DO_NOT_LOAD,
    (UNDER_RISK_ANALYSIS, "complete_assessment"): ASSESSED,
    # An amendment re-opens the risk analysis (or the wait for the other parts) before arrival.
    **{(s, "amend"): UNDER_RISK_ANALYSIS for s in (UNDER_RISK_ANALYSIS, REFERRAL, ASSESSED)},
    (PENDING, "amend"): PENDING,
    **{(s, "invalidate"): INVALIDATED for s in (*_BEFORE_ARRIVAL, DO_NOT_LOAD)},
    # Arrival is notified whatever the risk analysis has reached; a do-not-load consignment must not arrive.
    **{(s, "arrive"): ARRIVED for s in (PENDING, UNDER_RISK_ANALYSIS, REFERRAL, ASSESSED)},
    (ARRIVED, "present"): PRESENTED,
    (ARRIVED, "record_control"): CONTROLLED,
    (PRESENTED, "record_control"): CONTROLLED,
}

# Messages a trader may send per state, for the consultation answer (IE3R08) and the console.
ALLOWED_BY_TRADER = {
    state: sorted({action for (s, action) in TRANSITIONS if s == state} & {"amend", "invalidate", "arrive"})
    for state in STATES
}


def next_state(mrn: str, state: str, action: str) -> str:
    """The state after ``action``, or :class:`IncorrectState` (IE3N07, code 92) if not allowed."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise IncorrectState(f"ENS {mrn}", state, action) from None


def allowed(state: str, action: str) -> bool:
    return (state, action) in TRANSITIONS
