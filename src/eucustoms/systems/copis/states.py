"""The lifecycles of an application for action and of a detention, as transition tables.

Application for action::

    lodged ──request_information──▶ incomplete ──supplement──▶ lodged
    lodged ──grant──▶ granted ──suspend──▶ suspended ──reinstate──▶ granted
    lodged ──reject──▶ rejected          granted / suspended ──revoke──▶ revoked
    lodged / incomplete ──withdraw──▶ withdrawn
    granted ──request_extension / extend──▶ granted     (the period of action, Art. 11(2))

Its period of action ends by itself (``in_force`` is computed). Detention::

    detained ──respond_holder / respond_declarant / extend──▶ detained
    detained ──proceedings──▶ proceedings
    detained / proceedings ──destroy──▶ destroyed
    detained / proceedings ──release──▶ released
"""

from __future__ import annotations

from eucustoms.core.errors import IncorrectState

LODGED = "lodged"
INCOMPLETE = "incomplete"
GRANTED = "granted"
REJECTED = "rejected"
SUSPENDED = "suspended"
REVOKED = "revoked"
WITHDRAWN = "withdrawn"

APPLICATION_TRANSITIONS: dict[tuple[str, str], str] = {
    (LODGED, "request_information"): INCOMPLETE,
    (INCOMPLETE, "supplement"): LODGED,
    (LODGED, "grant"): GRANTED,
    (LODGED, "reject"): REJECTED,
    (INCOMPLETE, "reject"): REJECTED,
    (LODGED, "withdraw"): WITHDRAWN,
    (INCOMPLETE, "withdraw"): WITHDRAWN,
    (GRANTED, "request_extension"): GRANTED,
    (GRANTED, "extend"): GRANTED,
    (GRANTED, "suspend"): SUSPENDED,
    (SUSPENDED, "reinstate"): GRANTED,
    (GRANTED, "revoke"): REVOKED,
    (SUSPENDED, "revoke"): REVOKED,
    (GRANTED, "detain"): GRANTED,
}

DETAINED = "detained"
PROCEEDINGS = "proceedings"
DESTROYED = "destroyed"
RELEASED = "released"

DETENTION_TRANSITIONS: dict[tuple[str, str], str] = {
    (DETAINED, "respond_holder"): DETAINED,
    (DETAINED, "respond_declarant"): DETAINED,
    (DETAINED, "extend"): DETAINED,
    (DETAINED, "proceedings"): PROCEEDINGS,
    (DETAINED, "destroy"): DESTROYED,
    (PROCEEDINGS, "destroy"): DESTROYED,
    (DETAINED, "release"): RELEASED,
    (PROCEEDINGS, "release"): RELEASED,
}


def next_application_state(reference: str, state: str, action: str) -> str:
    try:
        return APPLICATION_TRANSITIONS[(state, action)]
    except KeyError:
        raise IncorrectState(f"application for action {reference}", state, action) from None


def next_detention_state(reference: str, state: str, action: str) -> str:
    try:
        return DETENTION_TRANSITIONS[(state, action)]
    except KeyError:
        raise IncorrectState(f"detention {reference}", state, action) from None
