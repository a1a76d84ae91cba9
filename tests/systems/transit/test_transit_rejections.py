"""Bad input: every error in one rejection message (CC056C, CC057C, CC906C, CC917C), the movement unchanged;
guarantees GUM refuses (CC055C); traders and officers who may not see a movement; the official samples."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from transit_support import (
    DE_OFFICER, FR_OFFICER, NL_OFFICER, NL_TRADER, OTHER, OTHER_TRADER, TRADER,
    amendment, arrival, declaration, invalidation, issue_guarantee, outstanding, presentation, replies,
    unloading_remarks,
)

from eucustoms.core.errors import ErrorCode, NotFound
from eucustoms.core.identifiers import MRN
from eucustoms.systems.transit import service
from eucustoms.systems.transit.exchange import MessageRejected
from eucustoms.systems.transit.xml import parse, render
from eucustoms.systems.transit.xml.examples import cc029c

SAMPLES = Path(__file__).parent / "samples"


def _rejected(ctx, principal, body: bytes) -> MessageRejected:
    with pytest.raises(MessageRejected) as info:
        service.submit(ctx, principal, body)
    return info.value


def _errors(exc: MessageRejected, expected_type: str) -> list[dict]:
    """The functional errors of the rejection message, checked against its schema by parse."""
    assert [r.message_type for r in exc.replies] == [expected_type]
    data = parse(exc.replies[0].xml.encode(), expected=expected_type).data
    return data.get("FunctionalError") or data.get("XMLError")


def _movement(ctx, mrn: str) -> dict:
    return service.consult(ctx, DE_OFFICER, mrn)["departure"]


def test_wrong_state_is_code_92_and_changes_nothing(tctx):
    grn = issue_guarantee(tctx.db)
    xml = declaration(grn)
    mrn = service.submit(tctx, TRADER, xml)["mrn"]
    before = _movement(tctx, mrn)
    exc = _rejected(tctx, TRADER, amendment(xml, mrn, Consignment__grossMass="1700"))  # released: too late
    assert exc.status == 409 and [i.code for i in exc.issues] == [ErrorCode.OUT_OF_SEQUENCE]
    errors = _errors(exc, "CC056C")
    assert errors[0]["errorCode"] == "92"
    rejection = parse(exc.replies[0].xml.encode()).data["TransitOperation"]
    assert rejection["businessRejectionType"] == "013" and rejection["MRN"] == mrn
    after = _movement(tctx, mrn)
    assert after == before  # state, version, declaration, timestamps: all as they were
    exc = _rejected(tctx, TRADER, invalidation(mrn))  # no invalidation after release either
    assert _errors(exc, "CC056C")[0]["errorCode"] == "92"
    assert _movement(tctx, mrn)["state"] == "released"
    logged = [(e["direction"], e["message_type"]) for e in service.log(tctx, TRADER, mrn)["entries"]]
    assert logged[-4:] == [("in", "CC013C"), ("out", "CC056C"), ("in", "CC014C"), ("out", "CC056C")]


def test_unknown_mrn_at_departure_and_at_destination(sctx):
    unknown = str(MRN.build(2026, "DE", 999_999, "J"))
    exc = _rejected(sctx, TRADER, invalidation(unknown))
    assert exc.status == 404 and _errors(exc, "CC056C")[0]["errorCode"] == "90"
    exc = _rejected(sctx, NL_TRADER, arrival(unknown))
    assert exc.status == 404 and _errors(exc, "CC057C")[0]["errorCode"] == "90"
    exc = _rejected(sctx, TRADER, presentation("NO-SUCH-LRN"))
    assert _errors(exc, "CC056C")[0]["errorCode"] == "90"


def test_insufficient_guarantee_is_answered_with_cc055c(sctx):
    grn = issue_guarantee(sctx.db, "5000.00")
    out = service.submit(sctx, TRADER, declaration(grn, amount="18400.00"))
    mrn = out["mrn"]
    assert out["state"] == "guarantee_not_valid" and replies(out) == ["CC928C", "CC028C", "CC055C"]
    data = parse(out["replies"][2]["xml"].encode(), expected="CC055C").data
    assert data["GuaranteeReference"][0]["GRN"] == grn
    assert [r["code"] for r in data["GuaranteeReference"][0]["InvalidGuaranteeReason"]] == ["G09"]
    assert outstanding(sctx.db, grn, mrn) == 0 and sctx.bus.drain() == 0  # nothing debited, nothing announced
    # The holder amends the amount: the guarantee covers it now and the goods are released.
    xml = declaration(grn, amount="18400.00")
    again = service.submit(sctx, TRADER, amendment(xml, mrn, Guarantee__0__GuaranteeReference__0__amountToBeCovered="4000.00"))
    assert again["state"] == "released" and replies(again) == ["CC004C", "CC029C"]
    assert outstanding(sctx.db, grn, mrn) == Decimal("4000.00")


def test_every_guarantee_reason_at_once_wrong_code_and_foreign_scope(sctx):
    grn = issue_guarantee(sctx.db, countries=["DE", "AT"], holder=OTHER)  # another's, not for the Netherlands
    out = service.submit(sctx, TRADER, declaration(grn, access_code="ZZ99"))
    assert out["state"] == "guarantee_not_valid"
    reasons = parse(out["replies"][-1]["xml"].encode(), expected="CC055C").data["GuaranteeReference"][0]
    found = {r["code"]: r["text"] for r in reasons["InvalidGuaranteeReason"]}
    assert sorted(found) == ["G03", "G04", "G08"] and found["G08"] == f"guarantee {grn} is not valid in NL"
    assert outstanding(sctx.db, grn, out["mrn"]) == 0
    assert service.log(sctx, DE_OFFICER, out["mrn"])["entries"][-1]["message_type"] == "CC055C"


def test_unknown_guarantee_and_the_officer_release_checks_again(sctx):
    from eucustoms.core.identifiers import GRN

    missing = str(GRN.build(2026, "DE", 424242))
    out = service.submit(sctx, TRADER, declaration(missing))
    assert out["state"] == "guarantee_not_valid"
    reasons = parse(out["replies"][-1]["xml"].encode(), expected="CC055C").data["GuaranteeReference"][0]
    assert [r["code"] for r in reasons["InvalidGuaranteeReason"]] == ["G01"]
    released = service.release(sctx, DE_OFFICER, out["mrn"])  # still not valid: CC055C again, nothing changes
    assert released["state"] == "guarantee_not_valid" and [r["message_type"] for r in released["replies"]] == ["CC055C"]


def test_business_rules_list_every_error(sctx, grn):
    body = declaration(grn, departure="NL000396", destination="DE004851", holder=OTHER,
                       TransitOperation__declarationType="TIR",
                       Consignment__HouseConsignment=[{"sequenceNumber": 1, "grossMass": Decimal("10"), "ConsignmentItem": [
                           {"goodsItemNumber": 1, "declarationGoodsItemNumber": 1,
                            "Commodity": {"descriptionOfGoods": "Cheese",
                                          "CommodityCode": {"harmonizedSystemSubHeadingCode": "999999"}},
                            "Packaging": [{"sequenceNumber": 1, "typeOfPackages": "Z9"}]},
                           {"goodsItemNumber": 2, "declarationGoodsItemNumber": 1,
                            "Commodity": {"descriptionOfGoods": "Butter", "GoodsMeasure": {"grossMass": Decimal("5")}},
                            "Packaging": [{"sequenceNumber": 1, "typeOfPackages": "PX"}]}]}])
    exc = _rejected(sctx, TRADER, body)
    found = {(e["errorCode"], e["errorPointer"]) for e in _errors(exc, "CC056C")}
    item = "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem"
    assert found == {
        ("15", "/CC015C/TransitOperation/declarationType"),  # TIR is not handled
        ("14", "/CC015C/HolderOfTheTransitProcedure/identificationNumber"),  # the holder is not the sender
        ("12", "/CC015C/CustomsOfficeOfDeparture/referenceNumber"),  # Amsterdam has no DEP role
        ("12", f"{item}[1]/Commodity/CommodityCode/harmonizedSystemSubHeadingCode"),
        ("13", f"{item}[1]/Commodity/GoodsMeasure/grossMass"),
        ("12", f"{item}[1]/Packaging[1]/typeOfPackages"),
        ("14", f"{item}[2]/declarationGoodsItemNumber"),
    }
    assert exc.status == 422 and service.search(sctx, TRADER)["total"] == 0  # nothing registered


def test_duplicate_lrn_and_office_without_the_role(sctx, grn):
    service.submit(sctx, TRADER, declaration(grn))
    exc = _rejected(sctx, TRADER, declaration(grn))
    assert [(e["errorCode"], e["errorPointer"]) for e in _errors(exc, "CC056C")] == [("26", "/CC015C/TransitOperation/LRN")]
    exc = _rejected(sctx, TRADER, declaration(grn, lrn="LRN-X", transit=("DE002150",)))  # Berlin is no office of transit
    assert [e["errorPointer"] for e in _errors(exc, "CC056C")] == ["/CC015C/CustomsOfficeOfTransitDeclared[1]/referenceNumber"]


def test_malformed_xml_and_wrong_message_type(sctx, grn):
    exc = _rejected(sctx, TRADER, b"<ncts:CC015C xmlns:ncts='http://ncts.dgtaxud.ec'><messageSender>")
    assert exc.status == 400 and _errors(exc, "CC917C")[0]["errorCode"] == "52"
    body = declaration(grn).replace(b"<messageType>CC015C</messageType>", b"")
    exc = _rejected(sctx, TRADER, body)
    assert "13" in {e["errorCode"] for e in _errors(exc, "CC917C")}
    exc = _rejected(sctx, TRADER, render("CC029C", cc029c()))  # not a message traders send
    errors = _errors(exc, "CC906C")
    assert exc.status == 422 and errors[0]["errorCode"] == "15" and errors[0]["errorPointer"] == "/CC029C/messageType"


def test_destination_rules(sctx, grn):
    mrn = service.submit(sctx, TRADER, declaration(grn))["mrn"]
    sctx.bus.drain()
    exc = _rejected(sctx, NL_TRADER, unloading_remarks(mrn))  # no arrival yet
    assert _errors(exc, "CC057C")[0]["errorCode"] == "92"
    exc = _rejected(sctx, NL_TRADER, arrival(mrn, trader=OTHER))  # not the sender
    assert {e["errorCode"] for e in _errors(exc, "CC057C")} == {"14"}
    exc = _rejected(sctx, NL_TRADER, arrival(mrn, office="NL000396"))  # Rotterdam Maasvlakte is no office of destination
    assert [e["errorPointer"] for e in _errors(exc, "CC057C")] == ["/CC007C/CustomsOfficeOfDestinationActual/referenceNumber"]
    assert service.consult(sctx, NL_OFFICER, mrn)["destination"]["state"] == "aar_received"
    service.submit(sctx, NL_TRADER, arrival(mrn))
    exc = _rejected(sctx, NL_TRADER, arrival(mrn))  # twice
    assert _errors(exc, "CC057C")[0]["errorCode"] == "92"


def test_traders_and_officers_see_only_their_own(sctx, grn):
    mrn = service.submit(sctx, TRADER, declaration(grn, pre_lodged=True))["mrn"]
    with pytest.raises(NotFound):
        service.consult(sctx, OTHER_TRADER, mrn)
    with pytest.raises(NotFound):
        service.log(sctx, OTHER_TRADER, mrn)
    with pytest.raises(NotFound):
        service.consult(sctx, FR_OFFICER, mrn)
    assert service.search(sctx, OTHER_TRADER)["total"] == 0 and service.search(sctx, TRADER)["total"] == 1
    assert service.search(sctx, FR_OFFICER)["total"] == 0 and service.search(sctx, DE_OFFICER)["total"] == 1
    # Another trader cannot invalidate (or even learn of) the movement: the same answer as an unknown MRN.
    exc = _rejected(sctx, OTHER_TRADER, invalidation(mrn, sender=OTHER))
    assert _errors(exc, "CC056C")[0]["errorCode"] == "90"
    assert service.consult(sctx, TRADER, mrn)["departure"]["state"] == "pre_lodged"
    assert all(e["message_type"] != "CC014C" for e in service.log(sctx, TRADER, mrn)["entries"])
    with pytest.raises(NotFound):
        service.release(sctx, FR_OFFICER, mrn)


def test_official_samples_pass_the_schema(sctx):
    """Every ``*-valid*`` sample passes the schema (what rejects it is a business rule, answered with CC056C or
    CC057C); every ``*-invalid*`` sample is answered with a CC917C."""
    valid, invalid = sorted(SAMPLES.glob("*-valid*.xml")), sorted(SAMPLES.glob("*-invalid*.xml"))
    assert len(valid) == 5 and len(invalid) == 8
    for path in valid:
        exc = _rejected(sctx, TRADER, path.read_bytes())
        kind = "CC057C" if path.name.startswith("cc044c") else "CC056C"
        assert [r.message_type for r in exc.replies] == [kind], path.name
        assert exc.status in (404, 422), path.name
    for path in invalid:
        exc = _rejected(sctx, TRADER, path.read_bytes())
        assert [r.message_type for r in exc.replies] == ["CC917C"], path.name


def test_only_traders_send_messages(sctx):
    from eucustoms.core.errors import Forbidden

    with pytest.raises(Forbidden):
        service.submit(sctx, DE_OFFICER, b"<x/>")
