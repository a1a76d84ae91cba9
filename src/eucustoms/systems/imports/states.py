"""The lifecycle of an import declaration, as a transition table.

    pre_lodged ──present──▶ accepted ──(green lane, debt secured or paid)──▶ released
    (lodged on presentation: accepted at once)
    accepted ──decide_control──▶ under_control ──record_control──▶ controlled ──release──▶ released
                                                                             └──refuse───▶ not_released
    accepted / under_control (officer waives) ──waive──▶ accepted
    pre_lodged, accepted ──amend──▶ (same state, new version)          (Art. 173 UCC)
    pre_lodged, accepted, controlled, not_released ──invalidate──▶ invalidated   (Art. 174 UCC)
    released ──post_release_control──▶ released   (Art. 48 UCC; findings reassess the debt)

An amendment is refused once a control was decided (Art. 173(1)(a)); an invalidation is refused while a
control is pending (Art. 174(2)) and after release.
"""

from __future__ import annotations

from eucustoms.core.errors import IncorrectState

PRE_LODGED = "pre_lodged"
ACCEPTED = "accepted"
UNDER_CONTROL = "under_control"
CONTROLLED = "controlled"
RELEASED = "released"
NOT_RELEASED = "not_released"
INVALIDATED = "invalidated"

STATES = (PRE_LODGED, ACCEPTED, UNDER_CONTROL, CONTROLLED, RELEASED, NOT_RELEASED, INVALIDATED)
FINAL = (RELEASED, INVALIDATED)

TRANSITIONS: dict[tuple[str, str], str] = {
    (PRE_LODGED, "present"): ACCEPTED,
    (PRE_LODGED, "amend"): PRE_LODGED,
    (ACCEPTED, "amend"): ACCEPTED,
    (ACCEPTED, "decide_control"): UNDER_CONTROL,
    (UNDER_CONTROL, "decide_control"): UNDER_CONTROL,  # the officer changes the kind of control
    (UNDER_CONTROL, "waive_control"): ACCEPTED,
    (ACCEPTED, "waive_control"): ACCEPTED,
    (UNDER_CONTROL, "record_control"): CONTROLLED,
    (ACCEPTED, "release"): RELEASED,
    (RELEASED, "post_release_control"): RELEASED,  # Art. 48 UCC: the result may reassess the debt
    (CONTROLLED, "release"): RELEASED,
    (CONTROLLED, "refuse_release"): NOT_RELEASED,
    (ACCEPTED, "refuse_release"): NOT_RELEASED,
    **{(s, "invalidate"): INVALIDATED for s in (PRE_LODGED, ACCEPTED, CONTROLLED, NOT_RELEASED)},
}

TRADER_ACTIONS = ("amend", "invalidate", "present", "pay")


def next_state(mrn: str, state: str, action: str) -> str:
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise IncorrectState(f"import declaration {mrn}", state, action) from None


def allowed(state: str, action: str) -> bool:
    return (state, action) in TRANSITIONS


def allowed_for_trader(state: str, debt_status: str) -> list[str]:
    out = [a for a in ("amend", "invalidate", "present") if allowed(state, a)]
    if debt_status in ("unpaid", "secured") and state not in (INVALIDATED, NOT_RELEASED, PRE_LODGED):
        out.append("pay")
    return sorted(out)
