"""The lifecycle of a guarantee as a transition table (valid, suspended, revoked, released)."""

from __future__ import annotations

from eucustoms.core.errors import IncorrectState

VALID = "valid"
SUSPENDED = "suspended"
REVOKED = "revoked"
RELEASED = "released"

STATES = (VALID, SUSPENDED, REVOKED, RELEASED)

#: (state, action) → next state. Debits need a valid guarantee; credits (discharge, write-off) are always
#: accepted while the guarantee is not released, so that the accounts of earlier uses can be closed.
TRANSITIONS: dict[tuple[str, str], str] = {
    (VALID, "debit"): VALID,
    (VALID, "credit"): VALID,
    (SUSPENDED, "credit"): SUSPENDED,
    (REVOKED, "credit"): REVOKED,
    (VALID, "adjust"): VALID,
    (SUSPENDED, "adjust"): SUSPENDED,
    (VALID, "amend"): VALID,
    (SUSPENDED, "amend"): SUSPENDED,
    (VALID, "suspend"): SUSPENDED,
    (SUSPENDED, "reinstate"): VALID,
    (VALID, "revoke"): REVOKED,
    (SUSPENDED, "revoke"): REVOKED,
    (VALID, "release"): RELEASED,
    (SUSPENDED, "release"): RELEASED,
    (REVOKED, "release"): RELEASED,
}


def allowed(state: str, action: str) -> bool:
    """Whether ``action`` may happen in ``state``."""
    return (state, action) in TRANSITIONS


def next_state(grn: str, state: str, action: str) -> str:
    """The state after ``action``, or :class:`IncorrectState` (code 92)."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise IncorrectState(f"guarantee {grn}", state, action) from None
