"""Whole movements: Hamburg → Amsterdam to write-off (both databases), through an office of transit, pre-lodged
and presented, amended, invalidated, controlled at departure, not released, with discrepancies at destination,
recovered; the guarantee debited at release and credited at write-off."""

from __future__ import annotations

from decimal import Decimal

import pytest
from transit_support import (
    AT_OFFICER, CONSIGNEE, DE_OFFICER, DEPARTURE, DESTINATION_HU, FR_OFFICER, HU_CONSIGNEE, HU_OFFICER, HU_TRADER,
    NL_OFFICER, NL_TRADER, TRADER, TRANSIT_AT, TRANSIT_CH, amendment, arrival, declaration, invalidation,
    issue_guarantee, outstanding, presentation, replies, unloading_remarks,
)

from eucustoms.core.errors import IncorrectState, NotFound
from eucustoms.core.identifiers import MRN
from eucustoms.platform import notifications
from eucustoms.systems.transit import service
from eucustoms.systems.transit.xml import parse


def _state(ctx, mrn: str) -> str:
    with ctx.db.read() as conn:
        return service.status(conn, mrn)["state"]


def test_hamburg_to_amsterdam_from_declaration_to_write_off(tctx):
    grn = issue_guarantee(tctx.db)
    out = service.submit(tctx, TRADER, declaration(grn, amount="18400.00"))
    mrn = out["mrn"]
    assert MRN.parse(mrn).country == "DE" and mrn[16] == "J"  # security 0: transit declaration only
    assert out["state"] == "released" and replies(out) == ["CC928C", "CC028C", "CC029C"]
    assert outstanding(tctx.db, grn, mrn) == Decimal("18400.00")  # debited at release
    release = parse(out["replies"][2]["xml"].encode(), expected="CC029C").data
    assert release["TransitOperation"]["MRN"] == mrn and release["TransitOperation"]["releaseDate"] == "2026-03-02"
    assert release["Guarantee"][0]["GuaranteeReference"][0]["amountToBeCovered"] == "18400.00"
    assert "accessCode" not in release["Guarantee"][0]["GuaranteeReference"][0]
    assert tctx.bus.drain() == 1  # the AAR to the Netherlands

    arrived = service.submit(tctx, NL_TRADER, arrival(mrn))
    assert arrived["state"] == "unloading" and replies(arrived) == ["CC043C"]  # authorised consignee: unload at once
    permission = parse(arrived["replies"][0]["xml"].encode(), expected="CC043C").data
    assert len(permission["Consignment"]["HouseConsignment"][0]["ConsignmentItem"]) == 2
    tctx.bus.drain()
    assert _state(tctx, mrn) == "arrived"  # IE006 at the office of departure

    done = service.submit(tctx, NL_TRADER, unloading_remarks(mrn))
    assert done["state"] == "goods_released" and replies(done) == ["CC025C"]
    tctx.bus.drain()  # IE018: satisfactory
    with tctx.db.read() as conn:
        status = service.status(conn, mrn)
    assert status == {"mrn": mrn, "system": "transit", "state": "written_off", "office_of_departure": DEPARTURE,
                      "office_of_destination": "NL000854", "updated_at": status["updated_at"]}
    assert outstanding(tctx.db, grn, mrn) == 0  # credited at write-off

    seen = service.consult(tctx, TRADER, mrn)
    assert seen["departure"]["guarantee_status"] == "credited" and "destination" not in seen
    log = service.log(tctx, TRADER, mrn)["entries"]
    assert [e["message_type"] for e in log] == ["CC015C", "CC928C", "CC028C", "CC029C", "CC045C"]
    full = service.log(tctx, service_principal(), mrn, with_xml=True)["entries"]
    assert {"CC007C", "CC043C", "CC044C", "CC025C", "IE001", "IE006", "IE018"} <= {e["message_type"] for e in full}
    assert all(e["xml"].startswith("<") for e in full if e["message_type"].startswith("CC"))
    with tctx.db.read() as conn:  # every message sent to the holder is in its queue as well
        queued = [n["message_type"] for n in notifications.pending(conn, TRADER.eori, system="transit")]
    assert queued == ["CC928C", "CC028C", "CC029C", "CC045C"]


def service_principal():
    from transit_support import COMMISSION

    return COMMISSION


def test_through_an_office_of_transit_to_budapest(sctx):
    grn = issue_guarantee(sctx.db)
    out = service.submit(sctx, TRADER, declaration(grn, destination=DESTINATION_HU, transit=(TRANSIT_CH, TRANSIT_AT)))
    mrn = out["mrn"]
    assert out["state"] == "released"
    assert outstanding(sctx.db, grn, mrn) == Decimal("10000.00")  # type 1 without an amount: EUR 10 000
    assert sctx.bus.drain() == 2  # AAR to HU, ATR to AT (Switzerland is not connected)
    queue = service.consult(sctx, AT_OFFICER, mrn)
    assert "departure" not in queue and queue["transit"][0]["state"] == "atr_received"
    with pytest.raises(NotFound):  # Basel is not one of Austria's offices
        service.consult(sctx, FR_OFFICER, mrn)

    from eucustoms.systems.transit import transit_office
    crossed = transit_office.record_crossing(sctx, AT_OFFICER, mrn)
    assert crossed["office"] == TRANSIT_AT and crossed["state"] == "crossed"
    with pytest.raises(IncorrectState):
        transit_office.record_crossing(sctx, AT_OFFICER, mrn)
    sctx.bus.drain()  # IE118
    assert service.consult(sctx, DE_OFFICER, mrn)["departure"]["crossings"][0]["office"] == TRANSIT_AT

    service.submit(sctx, HU_TRADER, arrival(mrn, office=DESTINATION_HU, trader=HU_CONSIGNEE, simplified=False))
    sctx.bus.drain()
    assert service.consult(sctx, HU_OFFICER, mrn)["destination"]["state"] == "arrival_accepted"
    from eucustoms.systems.transit import destination
    assert destination.record_results(sctx, HU_OFFICER, mrn, "satisfactory")["state"] == "goods_released"
    sctx.bus.drain()
    assert _state(sctx, mrn) == "written_off" and outstanding(sctx.db, grn, mrn) == 0
    exchanged = [e["message_type"] for e in service.log(sctx, DE_OFFICER, mrn)["entries"] if e["id"] is None]
    assert exchanged == ["IE001", "IE050", "IE118", "IE006", "IE018"]


def test_pre_lodged_declaration_is_accepted_when_the_goods_are_presented(sctx, grn):
    out = service.submit(sctx, TRADER, declaration(grn, pre_lodged=True))
    assert out["state"] == "pre_lodged" and replies(out) == ["CC928C"]
    ack = parse(out["replies"][0]["xml"].encode(), expected="CC928C").data
    assert ack["TransitOperation"]["MRN"] == out["mrn"]
    assert outstanding(sctx.db, grn, out["mrn"]) == 0
    presented = service.submit(sctx, TRADER, presentation("ELBE-2026-000123"))
    assert presented["mrn"] == out["mrn"] and replies(presented) == ["CC028C", "CC029C"]
    release = parse(presented["replies"][1]["xml"].encode(), expected="CC029C").data
    assert release["Consignment"]["TransportEquipment"][0]["Seal"][0]["identifier"] == "DE-SEAL-0042"
    assert release["Consignment"]["HouseConsignment"][0]["DepartureTransportMeans"][0]["identificationNumber"] == "HH-EL 2027"


def test_amendment_before_presentation_and_invalidation(sctx, grn):
    xml = declaration(grn, pre_lodged=True)
    mrn = service.submit(sctx, TRADER, xml)["mrn"]
    amended = service.submit(sctx, TRADER, amendment(xml, mrn, Consignment__grossMass="1700"))
    assert amended["state"] == "pre_lodged" and replies(amended) == ["CC004C"]
    seen = service.consult(sctx, TRADER, mrn)["departure"]
    assert seen["version"] == 2 and seen["declaration"]["Consignment"]["grossMass"] == "1700"
    assert seen["allowed_messages"] == ["CC013C", "CC014C", "CC170C"]
    gone = service.submit(sctx, TRADER, invalidation(mrn))
    assert gone["state"] == "invalidated" and replies(gone) == ["CC009C"]
    decision = parse(gone["replies"][0]["xml"].encode(), expected="CC009C").data
    assert decision["Invalidation"]["decision"] == "1"


def test_control_decided_by_the_risk_analysis_then_result_and_release(sctx, grn):
    # CRC-SS-009: designer precursors named in the description → physical control.
    out = service.submit(sctx, TRADER, declaration(grn, description="BMK glycidate in steel drums"))
    mrn = out["mrn"]
    assert out["state"] == "under_control" and replies(out) == ["CC928C", "CC028C", "CC060C"]
    assert outstanding(sctx.db, grn, mrn) == 0  # checked, not yet debited
    assert "CRC-SS-009" in service.consult(sctx, DE_OFFICER, mrn)["departure"]["risk"]["rules"]
    assert service.consult(sctx, TRADER, mrn)["departure"]["risk"] is None
    with pytest.raises(IncorrectState):  # the result first
        service.release(sctx, DE_OFFICER, mrn)
    with pytest.raises(NotFound):  # another member state's officers cannot act
        service.record_control(sctx, NL_OFFICER, mrn, "no_irregularity")
    assert service.record_control(sctx, DE_OFFICER, mrn, "no_irregularity", "seals checked")["state"] == "controlled"
    released = service.release(sctx, DE_OFFICER, mrn)
    assert released["state"] == "released" and [r["message_type"] for r in released["replies"]] == ["CC029C"]
    data = parse(released["replies"][0]["xml"].encode(), expected="CC029C").data
    assert data["ControlResult"]["code"] == "A1" and data["ControlResult"]["text"] == "seals checked"
    assert outstanding(sctx.db, grn, mrn) == Decimal("10000.00")


def test_no_release_after_a_control(sctx, grn):
    mrn = service.submit(sctx, TRADER, declaration(grn, description="BMK glycidate in steel drums"))["mrn"]
    service.decide_control(sctx, DE_OFFICER, mrn, "documentary", "show the invoices")
    service.record_control(sctx, DE_OFFICER, mrn, "seizure", "precursors found")
    out = service.refuse_release(sctx, DE_OFFICER, mrn, "prohibited goods")
    assert out["state"] == "not_released" and [r["message_type"] for r in out["replies"]] == ["CC051C"]
    assert outstanding(sctx.db, grn, mrn) == 0
    assert sctx.bus.drain() == 0  # nothing announced to the destination


def test_discrepancies_at_destination_then_officer_write_off(sctx, grn):
    mrn = service.submit(sctx, TRADER, declaration(grn))["mrn"]
    sctx.bus.drain()
    service.submit(sctx, NL_TRADER, arrival(mrn))
    out = service.submit(sctx, NL_TRADER, unloading_remarks(mrn, conform=False, remark="2 packages missing"))
    assert out["state"] == "unloading_remarks" and replies(out) == []  # an officer examines them
    from eucustoms.systems.transit import destination
    done = destination.record_results(sctx, NL_OFFICER, mrn, "discrepancies", "item 2: 10 packages, 12 declared")
    assert [r["message_type"] for r in done["replies"]] == ["CC025C"]
    sctx.bus.drain()
    assert _state(sctx, mrn) == "discrepancies"
    assert outstanding(sctx.db, grn, mrn) == Decimal("10000.00")  # still secured
    holder_log = [e["message_type"] for e in service.log(sctx, TRADER, mrn)["entries"]]
    assert holder_log[-1] == "CC019C"
    out = service.write_off(sctx, DE_OFFICER, mrn, "duty paid for the missing packages")
    assert out["state"] == "written_off" and outstanding(sctx.db, grn, mrn) == 0


def test_recovery_when_the_movement_does_not_end(sctx, grn):
    mrn = service.submit(sctx, TRADER, declaration(grn))["mrn"]
    out = service.recover(sctx, DE_OFFICER, mrn, "4200.00", note="not presented at destination")
    assert out["state"] == "under_recovery" and [r["message_type"] for r in out["replies"]] == ["CC035C"]
    data = parse(out["replies"][0]["xml"].encode(), expected="CC035C").data
    assert data["RecoveryNotification"]["amountClaimed"] == "4200.00"
    assert outstanding(sctx.db, grn, mrn) == Decimal("10000.00")  # the guarantee secures the debt meanwhile
    assert service.write_off(sctx, DE_OFFICER, mrn, "debt recovered")["state"] == "written_off"
    assert outstanding(sctx.db, grn, mrn) == 0


def test_cash_guarantee_needs_no_gum(sctx):
    out = service.submit(sctx, TRADER, declaration(None))
    assert out["state"] == "released"
    assert service.consult(sctx, TRADER, out["mrn"])["departure"]["guarantee_status"] == "none"


def test_security_indicator_chooses_the_mrn_letter(sctx, grn):
    letters = {}
    for n, security in enumerate("0123"):
        out = service.submit(sctx, TRADER, declaration(grn, lrn=f"SEC-{n}", security=security))
        letters[security] = out["mrn"][16]
    assert letters == {"0": "J", "1": "L", "2": "K", "3": "M"}


def test_consignee_sees_its_arrival_only(sctx, grn):
    mrn = service.submit(sctx, TRADER, declaration(grn))["mrn"]
    sctx.bus.drain()
    service.submit(sctx, NL_TRADER, arrival(mrn))
    seen = service.consult(sctx, NL_TRADER, mrn)
    assert "departure" not in seen and seen["destination"]["trader"] == CONSIGNEE
    assert [e["message_type"] for e in service.log(sctx, NL_TRADER, mrn)["entries"]] == ["CC007C", "CC043C"]
