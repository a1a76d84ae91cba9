"""The lifecycle of an ECICS entry as a transition table."""

from __future__ import annotations

from eucustoms.core.errors import IncorrectState

ACTIVE = "active"
ENDED = "ended"

TRANSITIONS: dict[tuple[str, str], str] = {
    (ACTIVE, "amend"): ACTIVE,
    (ACTIVE, "end"): ENDED,
}


def next_state(substance_id: int, state: str, action: str) -> str:
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise IncorrectState(f"ECICS entry {substance_id}", state, action) from None
