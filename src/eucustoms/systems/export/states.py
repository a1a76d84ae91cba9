"""The two lifecycles of AES, as transition tables.

At the **customs office of export** (the declaration, :data:`TRANSITIONS`)::

    pre_lodged ──present (IE511)──▶ accepted                      (lodged on presentation: accepted at once)
    accepted ──(no control: green lane)──────────────────────────▶ released ──IE501 to the office of exit
    accepted ──decide_control (IE560)──▶ under_control ──record_control──▶ controlled ──release (IE529)──▶ released
    under_control ──waive_control──▶ accepted                               └──refuse_release (IE551)──▶ not_released
    released ──exit (IE518 A1/A2/A4, then IE599)──▶ exited
    released ──exit_refused (IE518 B1)──▶ exit_refused
    pre_lodged, accepted ──amend (IE513 → IE504)──▶ (same state, new version)              (Art. 173 UCC)
    pre_lodged, accepted, controlled, not_released, released, exit_refused ──invalidate (IE514 → IE509)──▶ invalidated

An amendment is refused once a control was decided (Art. 173(1) UCC) and after release; an invalidation is
refused while a control is pending (Art. 174(2) UCC) and once the goods have left. A declaration released for
export may still be invalidated while the goods have not left (Art. 248 UCC DA): the office of exit is told.

At the **customs office of exit** (its exit case, :data:`EXIT_TRANSITIONS`)::

    aer_received ──arrive (IE507)──▶ arrived ──release_for_exit (IE525)──▶ released_for_exit ──exit (IE590)──▶ exited
                                     arrived ──decide_control (IE561)──▶ under_control ──record_control──▶ controlled
                                     arrived, controlled ──refuse_exit (IE525)──▶ exit_refused
    any state before exited ──cancel (the declaration was invalidated)──▶ cancelled
"""

from __future__ import annotations

from eucustoms.core.errors import IncorrectState

# -- the declaration at the office of export -------------------------------------------------------------------

PRE_LODGED = "pre_lodged"
ACCEPTED = "accepted"
UNDER_CONTROL = "under_control"
CONTROLLED = "controlled"
RELEASED = "released"
NOT_RELEASED = "not_released"
EXITED = "exited"
EXIT_REFUSED = "exit_refused"
INVALIDATED = "invalidated"

STATES = (PRE_LODGED, ACCEPTED, UNDER_CONTROL, CONTROLLED, RELEASED, NOT_RELEASED, EXITED, EXIT_REFUSED, INVALIDATED)
FINAL = (EXITED, INVALIDATED)

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
    (CONTROLLED, "release"): RELEASED,
    (ACCEPTED, "refuse_release"): NOT_RELEASED,
    (CONTROLLED, "refuse_release"): NOT_RELEASED,
    (RELEASED, "exit"): EXITED,
    (RELEASED, "exit_refused"): EXIT_REFUSED,
    **{(s, "invalidate"): INVALIDATED for s in (PRE_LODGED, ACCEPTED, CONTROLLED, NOT_RELEASED, RELEASED, EXIT_REFUSED)},
    # Export followed by transit: the transit MRN may be recorded until the goods have left.
    **{(s, "link_transit"): s for s in (PRE_LODGED, ACCEPTED, UNDER_CONTROL, CONTROLLED, RELEASED)},
}

TRADER_ACTIONS = ("amend", "invalidate", "present", "link_transit")


def next_state(mrn: str, state: str, action: str) -> str:
    """The state after ``action``, or :class:`IncorrectState` (code 92) when the table does not allow it."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise IncorrectState(f"export declaration {mrn}", state, action) from None


def allowed(state: str, action: str) -> bool:
    return (state, action) in TRANSITIONS


def allowed_for_trader(state: str) -> list[str]:
    return sorted(a for a in TRADER_ACTIONS if allowed(state, a))


# -- the exit case at the office of exit -----------------------------------------------------------------------

AER_RECEIVED = "aer_received"
ARRIVED = "arrived"
EXIT_UNDER_CONTROL = "under_control"
EXIT_CONTROLLED = "controlled"
RELEASED_FOR_EXIT = "released_for_exit"
EXIT_DONE = "exited"
EXIT_CASE_REFUSED = "exit_refused"
CANCELLED = "cancelled"

EXIT_STATES = (AER_RECEIVED, ARRIVED, EXIT_UNDER_CONTROL, EXIT_CONTROLLED, RELEASED_FOR_EXIT, EXIT_DONE,
               EXIT_CASE_REFUSED, CANCELLED)
EXIT_FINAL = (EXIT_DONE, EXIT_CASE_REFUSED, CANCELLED)

EXIT_TRANSITIONS: dict[tuple[str, str], str] = {
    (AER_RECEIVED, "arrive"): ARRIVED,
    (ARRIVED, "decide_control"): EXIT_UNDER_CONTROL,
    (EXIT_UNDER_CONTROL, "decide_control"): EXIT_UNDER_CONTROL,
    (EXIT_UNDER_CONTROL, "record_control"): EXIT_CONTROLLED,
    (ARRIVED, "release_for_exit"): RELEASED_FOR_EXIT,
    (EXIT_CONTROLLED, "release_for_exit"): RELEASED_FOR_EXIT,
    (ARRIVED, "refuse_exit"): EXIT_CASE_REFUSED,
    (EXIT_CONTROLLED, "refuse_exit"): EXIT_CASE_REFUSED,
    (RELEASED_FOR_EXIT, "exit"): EXIT_DONE,
    **{(s, "cancel"): CANCELLED for s in (AER_RECEIVED, ARRIVED, EXIT_UNDER_CONTROL, EXIT_CONTROLLED, RELEASED_FOR_EXIT)},
}


def next_exit_state(mrn: str, state: str, action: str) -> str:
    try:
        return EXIT_TRANSITIONS[(state, action)]
    except KeyError:
        raise IncorrectState(f"exit of {mrn}", state, action) from None


def exit_allowed(state: str, action: str) -> bool:
    return (state, action) in EXIT_TRANSITIONS
