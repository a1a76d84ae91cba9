"""The customs goods manifest: its vessel and ports, and its use item by item across presentations."""

from __future__ import annotations

import pytest
from pous_support import (
    DE_OFFICER,
    HOLDER,
    NL_OFFICER,
    ROTTERDAM,
    TRADER,
    cgm,
    registered,
    request,
    show,
    use,
)

from eucustoms.core.errors import IncorrectState, Rejected
from eucustoms.systems.status import service


def test_a_manifest_is_used_item_by_item_across_two_presentations(pbox):
    proof = registered(pbox, cgm(items=4))
    assert proof.document_code == "N785" and proof.port_of_arrival == "NLRTM"

    first = use(pbox, proof.mrn, NL_OFFICER, items=[1, 3], reference="26NL000000000042U3")
    assert first.state == "partially_used" and first.items_used == 2
    assert [i.item_number for i in first.items if i.used] == [1, 3]
    assert first.allowed_actions == ["invalidate_ex_officio", "use", "use_partially"]
    with pbox.begin() as conn:
        assert service.verify(conn, proof.mrn).usable is True  # the rest is still usable

    with pytest.raises(Rejected) as exc:  # every problem at once: used already, unknown, twice
        use(pbox, proof.mrn, NL_OFFICER, items=[3, 9, 2, 2])
    assert [(i.code, i.pointer) for i in exc.value.issues] == [("14", "/items/0"), ("14", "/items/1"), ("26", "/items/3")]
    assert show(pbox, proof.mrn).items_used == 2

    last = use(pbox, proof.mrn, NL_OFFICER)  # no items: all that remain
    assert last.state == "used" and last.items_used == 4
    assert [(u.items, u.complete, u.office) for u in last.uses] == [([1, 3], False, ROTTERDAM), ([2, 4], True, ROTTERDAM)]
    assert [m.payload.get("items_remaining") for m in last.message_log if m.message_type == "POUS_USE"] == [2, 0]
    with pytest.raises(IncorrectState):
        use(pbox, proof.mrn, NL_OFFICER, items=[1])


def test_a_manifest_used_up_by_naming_every_remaining_item_is_used(pbox):
    proof = registered(pbox, cgm(items=2))
    assert use(pbox, proof.mrn, NL_OFFICER, items=[2]).state == "partially_used"
    assert use(pbox, proof.mrn, NL_OFFICER, items=[1]).state == "used"


def test_a_manifest_needs_its_vessel_and_ports_and_departs_from_the_member_state_of_issue(pbox):
    with pytest.raises(Rejected) as exc:
        request(pbox, cgm(transport=None))
    assert [(i.code, i.pointer) for i in exc.value.issues] == [("13", "/transport")]
    bad = cgm()
    bad["transport"] = {"mode": "3", "vessel_name": "NORDIC FEEDER", "imo_number": "9512340",
                        "port_of_departure": "NLRTM", "port_of_arrival": "CHBSL"}
    with pytest.raises(Rejected) as exc:
        request(pbox, bad)
    assert {(i.code, i.pointer) for i in exc.value.issues} == {
        ("14", "/transport/mode"), ("14", "/transport/imo_number"),
        ("14", "/transport/port_of_departure"),  # Rotterdam, but the office of issue is in Hamburg
        ("14", "/transport/port_of_arrival"),  # Basel is outside the Union
    }
    missing = cgm()
    missing["transport"] = {"vessel_name": "NORDIC FEEDER"}
    with pytest.raises(Rejected) as exc:
        request(pbox, missing)
    assert [i.pointer for i in exc.value.issues] == [
        "/transport/imo_number", "/transport/port_of_departure", "/transport/port_of_arrival"]


def test_the_office_of_arrival_sees_the_manifest_before_its_use_and_the_holder_is_told(pbox):
    proof = registered(pbox, cgm())
    with pbox.read() as conn:
        assert service.show(conn, NL_OFFICER, proof.mrn).requester == HOLDER
        assert [p.mrn for p in service.search(conn, NL_OFFICER).items] == [proof.mrn]
        assert [p.mrn for p in service.search(conn, DE_OFFICER).items] == [proof.mrn]
        assert service.search(conn, TRADER, state="registered").total == 1
