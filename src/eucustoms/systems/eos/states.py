"""The lifecycle of an EORI registration as a transition table."""

from __future__ import annotations

from eucustoms.core.errors import IncorrectState

VALID = "valid"
ENDED = "ended"

TRANSITIONS: dict[tuple[str, str], str] = {
    (VALID, "amend"): VALID,
    (VALID, "record_aeo"): VALID,
    (VALID, "end_validity"): ENDED,
}


def next_state(eori: str, state: str, action: str) -> str:
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise IncorrectState(f"EORI {eori}", state, action) from None
