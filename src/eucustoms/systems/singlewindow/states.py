"""The status of a certificate as a transition table (valid, suspended, exhausted, cancelled).

    valid ──suspend──▶ suspended ──reinstate──▶ valid
    valid ──exhaust (balance reaches 0)──▶ exhausted ──replenish (a use is given back)──▶ valid
    valid, suspended, exhausted ──cancel──▶ cancelled

Partner systems suspend, reinstate and cancel; CERTEX exhausts and replenishes. Quantities go out only from a
valid certificate; what a declaration took is given back (invalidation, amendment downwards) in every status,
so that the accounts of earlier uses can always be closed."""

from __future__ import annotations

from eucustoms.core.errors import IncorrectState

VALID = "valid"
SUSPENDED = "suspended"
EXHAUSTED = "exhausted"
CANCELLED = "cancelled"

STATES = (VALID, SUSPENDED, EXHAUSTED, CANCELLED)

TRANSITIONS: dict[tuple[str, str], str] = {
    (VALID, "use"): VALID,
    (VALID, "suspend"): SUSPENDED,
    (SUSPENDED, "reinstate"): VALID,
    (VALID, "exhaust"): EXHAUSTED,
    (EXHAUSTED, "replenish"): VALID,
    (VALID, "cancel"): CANCELLED,
    (SUSPENDED, "cancel"): CANCELLED,
    (EXHAUSTED, "cancel"): CANCELLED,
    **{(s, "give_back"): s for s in STATES},
}

#: Status changes a partner system may ask for, by the status it asks for.
PARTNER_ACTIONS = {SUSPENDED: "suspend", VALID: "reinstate", CANCELLED: "cancel"}


def allowed(state: str, action: str) -> bool:
    return (state, action) in TRANSITIONS


def next_state(reference: str, state: str, action: str) -> str:
    """The status after ``action``, or :class:`IncorrectState` (code 92)."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise IncorrectState(f"certificate {reference}", state, action) from None


def after_balance(state: str, balance_is_zero: bool) -> str:
    """Exhausted when a valid certificate's balance reaches zero; valid again when an exhausted one gets some back."""
    if state == VALID and balance_is_zero:
        return EXHAUSTED
    if state == EXHAUSTED and not balance_is_zero:
        return VALID
    return state
