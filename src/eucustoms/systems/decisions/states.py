"""The lifecycles of an application and of a decision, as transition tables.

Application::

    lodged ──request_information──▶ incomplete ──supplement──▶ lodged
    lodged ──accept──▶ accepted ──hear──▶ hearing ──refuse──▶ refused
    accepted / hearing ──grant──▶ granted (a decision is taken)
    lodged / incomplete ──not_accept──▶ not_accepted
    lodged / incomplete / accepted / hearing ──withdraw──▶ withdrawn

A refusal is possible only from ``hearing``: the applicant is heard before an unfavourable decision
(Art. 22(6) UCC). Decision::

    valid ──suspend──▶ suspended ──reinstate──▶ valid
    valid / suspended ──revoke──▶ revoked          (Art. 28 UCC, from a date)
    valid / suspended / revoked ──annul──▶ annulled  (Art. 27 UCC, from the start)
"""

from __future__ import annotations

from eucustoms.core.errors import IncorrectState

# application states
LODGED = "lodged"
INCOMPLETE = "incomplete"
ACCEPTED = "accepted"
HEARING = "hearing"
GRANTED = "granted"
REFUSED = "refused"
NOT_ACCEPTED = "not_accepted"
WITHDRAWN = "withdrawn"

APPLICATION_STATES = (LODGED, INCOMPLETE, ACCEPTED, HEARING, GRANTED, REFUSED, NOT_ACCEPTED, WITHDRAWN)
OPEN_APPLICATION_STATES = (LODGED, INCOMPLETE, ACCEPTED, HEARING)

APPLICATION_TRANSITIONS: dict[tuple[str, str], str] = {
    (LODGED, "request_information"): INCOMPLETE,
    (ACCEPTED, "request_information"): ACCEPTED,  # after acceptance: extends the time-limit (Art. 13(1) DA)
    (INCOMPLETE, "supplement"): LODGED,
    (ACCEPTED, "supplement"): ACCEPTED,
    (HEARING, "supplement"): HEARING,
    (LODGED, "accept"): ACCEPTED,
    (LODGED, "not_accept"): NOT_ACCEPTED,
    (INCOMPLETE, "not_accept"): NOT_ACCEPTED,
    (ACCEPTED, "consult"): ACCEPTED,
    (ACCEPTED, "answer_consultation"): ACCEPTED,
    (HEARING, "answer_consultation"): HEARING,
    (ACCEPTED, "extend"): ACCEPTED,
    (HEARING, "extend"): HEARING,
    (ACCEPTED, "hear"): HEARING,
    (HEARING, "comment"): HEARING,
    (ACCEPTED, "grant"): GRANTED,
    (HEARING, "grant"): GRANTED,
    (HEARING, "refuse"): REFUSED,
    (LODGED, "withdraw"): WITHDRAWN,
    (INCOMPLETE, "withdraw"): WITHDRAWN,
    (ACCEPTED, "withdraw"): WITHDRAWN,
    (HEARING, "withdraw"): WITHDRAWN,
}

# decision states
VALID = "valid"
SUSPENDED = "suspended"
REVOKED = "revoked"
ANNULLED = "annulled"

DECISION_STATES = (VALID, SUSPENDED, REVOKED, ANNULLED)

DECISION_TRANSITIONS: dict[tuple[str, str], str] = {
    (VALID, "suspend"): SUSPENDED,
    (SUSPENDED, "reinstate"): VALID,
    (VALID, "revoke"): REVOKED,
    (SUSPENDED, "revoke"): REVOKED,
    (VALID, "annul"): ANNULLED,
    (SUSPENDED, "annul"): ANNULLED,
    (REVOKED, "annul"): ANNULLED,
}


def next_application_state(reference: str, state: str, action: str) -> str:
    """The application's state after ``action``, or :class:`IncorrectState` (code 92)."""
    try:
        return APPLICATION_TRANSITIONS[(state, action)]
    except KeyError:
        raise IncorrectState(f"application {reference}", state, action) from None


def next_decision_state(reference: str, state: str, action: str) -> str:
    """The decision's state after ``action``, or :class:`IncorrectState` (code 92)."""
    try:
        return DECISION_TRANSITIONS[(state, action)]
    except KeyError:
        raise IncorrectState(f"decision {reference}", state, action) from None
