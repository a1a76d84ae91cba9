"""The lifecycles of a BTI application and of a BTI decision as transition tables."""

from __future__ import annotations

from eucustoms.core.errors import IncorrectState

# -- applications ----------------------------------------------------------------------------------------------
LODGED = "lodged"  # received; the authority has 30 days to accept it (Art. 22(2) UCC)
ACCEPTED = "accepted"  # complete; the decision is due within 120 days (Art. 22(3) UCC)
NOT_ACCEPTED = "not_accepted"  # incomplete or not admissible
WITHDRAWN = "withdrawn"  # by the applicant
DECIDED = "decided"  # a BTI decision was taken
REFUSED = "refused"  # a decision refusing the BTI

APPLICATION_STATES = (LODGED, ACCEPTED, NOT_ACCEPTED, WITHDRAWN, DECIDED, REFUSED)

APPLICATION_TRANSITIONS: dict[tuple[str, str], str] = {
    (LODGED, "accept"): ACCEPTED,
    (LODGED, "not_accept"): NOT_ACCEPTED,
    (LODGED, "withdraw"): WITHDRAWN,
    (ACCEPTED, "withdraw"): WITHDRAWN,
    (ACCEPTED, "decide"): DECIDED,
    (ACCEPTED, "refuse"): REFUSED,
}

# -- decisions -------------------------------------------------------------------------------------------------
VALID = "valid"
ANNULLED = "annulled"  # Art. 27 UCC: as if never taken
REVOKED = "revoked"  # Art. 28 and 34(5)-(7) UCC: ends from the day it takes effect
EXPIRED = "expired"  # the three years of Art. 33(3) UCC have passed
CEASED = "ceased"  # Art. 34(1)(a) UCC: the code no longer exists after a change of the nomenclature

DECISION_STATES = (VALID, ANNULLED, REVOKED, EXPIRED, CEASED)

DECISION_TRANSITIONS: dict[tuple[str, str], str] = {
    (VALID, "annul"): ANNULLED,
    (VALID, "revoke"): REVOKED,
    (VALID, "expire"): EXPIRED,
    (VALID, "cease"): CEASED,
}


def next_application_state(reference: str, state: str, action: str) -> str:
    try:
        return APPLICATION_TRANSITIONS[(state, action)]
    except KeyError:
        raise IncorrectState(f"BTI application {reference}", state, action) from None


def next_decision_state(reference: str, state: str, action: str) -> str:
    try:
        return DECISION_TRANSITIONS[(state, action)]
    except KeyError:
        raise IncorrectState(f"BTI {reference}", state, action) from None
