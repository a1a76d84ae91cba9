"""The lifecycle of a proof of Union status, as a transition table.

    requested ──endorse (office of issue)──────────────▶ registered ──use──────────▶ used
        │     ──register (authorised issuer, Art. 128 DA)─┘   │  └──use_partially──▶ partially_used ──use──▶ used
        ├──reject────▶ rejected                             │                      └─use_partially─┘
        └──invalidate (the requester withdraws)──▶ invalidated ◀──invalidate (requester, not used yet)
                                                            ◀──invalidate_ex_officio (customs of the member
                                                               state of issue; also a partially used manifest)

``expired`` is never stored: a registered or partially used proof whose 90 days (Art. 123 DA) are over is
expired as of the day after ``valid_until`` (:func:`effective`), without any job having to run. Nothing is
allowed in ``expired``, ``used``, ``rejected`` or ``invalidated``.
"""

from __future__ import annotations

from datetime import date

from eucustoms.core.errors import IncorrectState

REQUESTED = "requested"
REGISTERED = "registered"
PARTIALLY_USED = "partially_used"
USED = "used"
EXPIRED = "expired"
INVALIDATED = "invalidated"
REJECTED = "rejected"

STATES = (REQUESTED, REGISTERED, PARTIALLY_USED, USED, EXPIRED, INVALIDATED, REJECTED)
#: States a stored proof expires from once its validity is over.
USABLE = (REGISTERED, PARTIALLY_USED)
FINAL = (USED, EXPIRED, INVALIDATED, REJECTED)

TRANSITIONS: dict[tuple[str, str], str] = {
    (REQUESTED, "endorse"): REGISTERED,
    (REQUESTED, "register"): REGISTERED,
    (REQUESTED, "reject"): REJECTED,
    (REQUESTED, "invalidate"): INVALIDATED,
    (REGISTERED, "use"): USED,
    (REGISTERED, "use_partially"): PARTIALLY_USED,
    (PARTIALLY_USED, "use"): USED,
    (PARTIALLY_USED, "use_partially"): PARTIALLY_USED,
    (REGISTERED, "invalidate"): INVALIDATED,
    (REGISTERED, "invalidate_ex_officio"): INVALIDATED,
    (PARTIALLY_USED, "invalidate_ex_officio"): INVALIDATED,
}

ACTIONS = tuple(sorted({action for _state, action in TRANSITIONS}))
#: "register" happens within an authorised issuer's request, never as an action of its own.
INTERNAL = ("register",)


def effective(state: str, valid_until: date | None, on: date) -> str:
    """The state as of ``on``: a usable proof past its last day of validity is expired."""
    if state in USABLE and valid_until is not None and on > valid_until:
        return EXPIRED
    return state


def allowed(state: str, action: str) -> bool:
    return (state, action) in TRANSITIONS


def allowed_actions(state: str) -> list[str]:
    """The actions someone may take next (the holder, the office of issue, an office of presentation)."""
    return [a for a in ACTIONS if a not in INTERNAL and allowed(state, a)]


def next_state(mrn: str, state: str, action: str) -> str:
    """The state after ``action`` in ``state`` (the effective one), or :class:`IncorrectState` (code 92)."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise IncorrectState(f"proof of Union status {mrn}", state, action) from None
