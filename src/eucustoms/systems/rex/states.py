"""The lifecycle of a REX registration as a transition table::

    applied ──register──▶ registered ──revoke──▶ revoked
    applied ──reject──▶ rejected ──reapply──▶ applied
    registered ──amend──▶ registered
"""

from __future__ import annotations

from eucustoms.core.errors import IncorrectState

APPLIED = "applied"
REGISTERED = "registered"
REJECTED = "rejected"
REVOKED = "revoked"

STATES = (APPLIED, REGISTERED, REJECTED, REVOKED)

TRANSITIONS: dict[tuple[str, str], str] = {
    (APPLIED, "register"): REGISTERED,
    (APPLIED, "reject"): REJECTED,
    (REJECTED, "reapply"): APPLIED,
    (REGISTERED, "amend"): REGISTERED,
    (REGISTERED, "revoke"): REVOKED,
}


def next_state(rex_number: str, state: str, action: str) -> str:
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise IncorrectState(f"REX registration {rex_number}", state, action) from None
