"""The life of a transit movement at each office, as transition tables (one per role of the office).

Office of departure (the movement; DDNTA state names in brackets)::

    CC015C (A) ─lodge─▶ accepted [Accepted] ──(guarantee valid, no control)──release──▶ released [Movement released]
    CC015C (D) ─prelodge─▶ pre_lodged [Pre-lodged] ──CC170C present──▶ accepted
    accepted ──guarantee_refused (CC055C)──▶ guarantee_not_valid ──amend (CC013C)──▶ accepted
                                                                └──release (officer, guarantee valid again)──▶ released
    accepted ──decide_control (CC060C)──▶ under_control [Under control] ──record_control──▶ controlled
    controlled ──release (CC029C)──▶ released            controlled ──refuse_release (CC051C)──▶ not_released
    released ──arrive (IE006)──▶ arrived [Arrived] ──write_off (IE018 A1, CC045C)──▶ written_off [Movement written off]
    arrived ──discrepancies (IE018 B1, CC019C)──▶ discrepancies [Waiting for discrepancies resolution]
    discrepancies ──write_off (officer)──▶ written_off
    released | arrived | discrepancies ──recover (officer, CC035C)──▶ under_recovery [Under recovery procedure]
    under_recovery ──write_off (officer: recovered)──▶ written_off
    pre_lodged | accepted | guarantee_not_valid | controlled ──invalidate (CC014C → CC009C)──▶ invalidated

An amendment is refused once a control was decided and after release (Art. 173 UCC); an invalidation while
a control is pending and after release (Art. 174 UCC). A message that the table does not allow in the current
state is rejected with code 92 (message out of sequence) and changes nothing.

Office of destination::

    IE001 ─aar─▶ aar_received [AAR created] ──CC007C arrive──▶ arrival_accepted [Arrival accepted] (IE006 sent)
    arrival_accepted ──permit_unloading (CC043C)──▶ unloading [Unloading]
    unloading ──unloading_remarks (CC044C)──▶ unloading_remarks [Unloading remarks]
    arrival_accepted | unloading_remarks ──release_goods (IE018, CC025C)──▶ goods_released [Goods released]

Office of transit::

    IE050 ─atr─▶ atr_received [ATR created] ──cross (IE118)──▶ crossed [NCF registered]
"""

from __future__ import annotations

from eucustoms.core.errors import IncorrectState

NEW = ""  # before the first message

# -- office of departure -----------------------------------------------------------------------------------
PRE_LODGED = "pre_lodged"
ACCEPTED = "accepted"
GUARANTEE_NOT_VALID = "guarantee_not_valid"
UNDER_CONTROL = "under_control"
CONTROLLED = "controlled"
RELEASED = "released"
NOT_RELEASED = "not_released"
ARRIVED = "arrived"
DISCREPANCIES = "discrepancies"
UNDER_RECOVERY = "under_recovery"
WRITTEN_OFF = "written_off"
INVALIDATED = "invalidated"

DEPARTURE_STATES = (PRE_LODGED, ACCEPTED, GUARANTEE_NOT_VALID, UNDER_CONTROL, CONTROLLED, RELEASED, NOT_RELEASED,
                    ARRIVED, DISCREPANCIES, UNDER_RECOVERY, WRITTEN_OFF, INVALIDATED)

DEPARTURE: dict[tuple[str, str], str] = {
    (NEW, "lodge"): ACCEPTED,
    (NEW, "prelodge"): PRE_LODGED,
    (PRE_LODGED, "present"): ACCEPTED,
    (PRE_LODGED, "amend"): PRE_LODGED,
    (ACCEPTED, "amend"): ACCEPTED,
    (GUARANTEE_NOT_VALID, "amend"): ACCEPTED,
    (ACCEPTED, "guarantee_refused"): GUARANTEE_NOT_VALID,
    (CONTROLLED, "guarantee_refused"): CONTROLLED,  # the officer's release failed on the guarantee: still controlled
    (GUARANTEE_NOT_VALID, "guarantee_refused"): GUARANTEE_NOT_VALID,
    (ACCEPTED, "decide_control"): UNDER_CONTROL,
    (GUARANTEE_NOT_VALID, "decide_control"): UNDER_CONTROL,
    (UNDER_CONTROL, "decide_control"): UNDER_CONTROL,  # the officer changes the kind of control
    (UNDER_CONTROL, "record_control"): CONTROLLED,
    (ACCEPTED, "release"): RELEASED,
    (GUARANTEE_NOT_VALID, "release"): RELEASED,
    (CONTROLLED, "release"): RELEASED,
    (CONTROLLED, "refuse_release"): NOT_RELEASED,
    (RELEASED, "cross"): RELEASED,  # IE118: recorded, the movement stays released
    (RELEASED, "arrive"): ARRIVED,
    (ARRIVED, "write_off"): WRITTEN_OFF,
    (ARRIVED, "discrepancies"): DISCREPANCIES,
    (DISCREPANCIES, "write_off"): WRITTEN_OFF,
    (UNDER_RECOVERY, "write_off"): WRITTEN_OFF,
    **{(s, "recover"): UNDER_RECOVERY for s in (RELEASED, ARRIVED, DISCREPANCIES)},
    **{(s, "invalidate"): INVALIDATED for s in (PRE_LODGED, ACCEPTED, GUARANTEE_NOT_VALID, CONTROLLED)},
}

# -- office of destination ---------------------------------------------------------------------------------
AAR_RECEIVED = "aar_received"
ARRIVAL_ACCEPTED = "arrival_accepted"
UNLOADING = "unloading"
UNLOADING_REMARKS = "unloading_remarks"
GOODS_RELEASED = "goods_released"

DESTINATION_STATES = (AAR_RECEIVED, ARRIVAL_ACCEPTED, UNLOADING, UNLOADING_REMARKS, GOODS_RELEASED)

DESTINATION: dict[tuple[str, str], str] = {
    (NEW, "aar"): AAR_RECEIVED,
    (AAR_RECEIVED, "arrive"): ARRIVAL_ACCEPTED,
    (ARRIVAL_ACCEPTED, "permit_unloading"): UNLOADING,
    (UNLOADING, "unloading_remarks"): UNLOADING_REMARKS,
    (ARRIVAL_ACCEPTED, "release_goods"): GOODS_RELEASED,
    (UNLOADING_REMARKS, "release_goods"): GOODS_RELEASED,
}

# -- office of transit -------------------------------------------------------------------------------------
ATR_RECEIVED = "atr_received"
CROSSED = "crossed"

TRANSIT_OFFICE_STATES = (ATR_RECEIVED, CROSSED)

TRANSIT_OFFICE: dict[tuple[str, str], str] = {
    (NEW, "atr"): ATR_RECEIVED,
    (ATR_RECEIVED, "cross"): CROSSED,
}

#: What a trader may still send at the office of departure, by state (shown with the movement).
TRADER_MESSAGES = {"amend": "CC013C", "invalidate": "CC014C", "present": "CC170C"}


def next_state(table: dict[tuple[str, str], str], subject: str, state: str, action: str) -> str:
    """The state after ``action``; :class:`IncorrectState` (code 92) if the table does not allow it."""
    try:
        return table[(state, action)]
    except KeyError:
        raise IncorrectState(subject, state or "none", action) from None


def allowed(table: dict[tuple[str, str], str], state: str, action: str) -> bool:
    return (state, action) in table


def trader_messages(state: str) -> list[str]:
    """The CC messages the holder may send in ``state`` at the office of departure."""
    return sorted(m for a, m in TRADER_MESSAGES.items() if allowed(DEPARTURE, state, a))
