"""The customs debt reassessed after a control found other particulars (Art. 191 UCC): the difference notified
(additional amount, repayment or remission, Art. 102/105, 116–117 UCC), quota requests and the guarantee
adjusted; before release and after it (post-release control, Art. 48 UCC); in centralised clearance from the
office of presentation's findings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from imports_support import DE_OFFICER, NL_OFFICER, TRADER, cci_declaration, declaration, issue_guarantee, record_ccl

from eucustoms.core.errors import IncorrectState, Rejected
from eucustoms.systems.guarantees import service as gum
from eucustoms.systems.imports import cci, service
from eucustoms.systems.tariff import quota

PREF = {"preference": "300", "documents": [{"type": "N954"}]}


def outstanding(db, grn: str, mrn: str) -> Decimal:
    with db.read() as conn:
        return gum.outstanding(conn, grn, mrn).amount


def last(ctx, mrn: str, principal=TRADER) -> dict:
    seen = service.consult(ctx, principal, mrn)
    return seen["debt"]["reassessments"][-1]


def messages(ctx, mrn: str) -> list[str]:
    return [m["message_type"] for m in service.consult(ctx, TRADER, mrn)["message_log"]]


def controlled(ctx, grn: str | None = None, **kw) -> dict:
    """An H1 the risk analysis sends to a documentary control (EUR 1 per kg of T-shirts: CRC-FIN-001)."""
    extra = {"guarantee": {"grn": grn, "access_code": "AB12"}} if grn else {}
    out = service.lodge(ctx, TRADER, "H1", declaration(kw.pop("lrn", "RA-1"), mass="1000", **extra, **kw))
    assert out["state"] == "under_control"
    return out


def test_a_higher_value_found_adds_to_the_secured_debt_and_debits_the_guarantee(ictx):
    grn = issue_guarantee(ictx.db)
    out = controlled(ictx, grn)
    assert out["debt"]["total"] == "332.80" and outstanding(ictx.db, grn, out["mrn"]) == Decimal("332.80")
    r = service.record_control(ictx, DE_OFFICER, out["mrn"], {
        "result": "irregularity", "findings": "invoice shows EUR 2 000",
        "corrections": [{"item_number": 1, "item_price": {"amount": "2000.00", "currency": "EUR"}}]})
    # 12 % × 2000 = 240; VAT 19 % × 2240 = 425.60
    assert r["state"] == "controlled" and r["debt"]["total"] == "665.60" and r["debt_status"] == "secured"
    done = last(ictx, out["mrn"])
    assert (done["outcome"], done["difference"], done["previous_total"]) == ("additional_amount", "332.80", "332.80")
    assert done["security"] == {"debited": "332.80"}
    assert outstanding(ictx.db, grn, out["mrn"]) == Decimal("665.60")
    assert messages(ictx, out["mrn"])[-1] == "IMP_RASS"
    assert service.release(ictx, DE_OFFICER, out["mrn"])["state"] == "released"


def test_a_lower_value_found_is_remitted_on_the_guarantee(sctx):
    grn = issue_guarantee(sctx.db)
    out = controlled(sctx, grn)
    r = service.record_control(sctx, DE_OFFICER, out["mrn"], {
        "result": "irregularity",
        "corrections": [{"item_number": 1, "item_price": {"amount": "500.00", "currency": "EUR"}}]})
    assert r["debt"]["total"] == "166.40"  # 60 + 19 % × 560
    done = last(sctx, out["mrn"])
    assert (done["outcome"], done["difference"]) == ("remission", "-166.40")
    assert "Art. 116" in done["legal_basis"] and done["security"] == {"credited": "166.40"}
    assert outstanding(sctx.db, grn, out["mrn"]) == Decimal("166.40")
    # invalidated afterwards: everything still secured comes back
    service.invalidate(sctx, TRADER, out["mrn"])
    assert outstanding(sctx.db, grn, out["mrn"]) == 0


def test_paid_debt_reassessed_lower_is_repaid_and_higher_must_be_paid_before_release(sctx):
    low = controlled(sctx, lrn="RA-LOW")
    service.pay(sctx, TRADER, low["mrn"])
    r = service.record_control(sctx, DE_OFFICER, low["mrn"], {
        "result": "irregularity", "corrections": [{"item_number": 1, "item_price": {"amount": "500", "currency": "EUR"}}]})
    assert r["debt_status"] == "paid"
    done = last(sctx, low["mrn"])
    assert (done["outcome"], done["repayment"]) == ("repayment", "166.40")
    assert service.release(sctx, DE_OFFICER, low["mrn"])["state"] == "released"

    high = controlled(sctx, lrn="RA-HIGH")
    service.pay(sctx, TRADER, high["mrn"])
    r = service.record_control(sctx, DE_OFFICER, high["mrn"], {
        "result": "irregularity", "corrections": [{"item_number": 1, "item_price": {"amount": "1500", "currency": "EUR"}}]})
    assert r["debt_status"] == "unpaid" and r["debt"]["total"] == "499.20"  # 180 + 19 % × 1680
    assert last(sctx, high["mrn"])["due"] == "166.40"
    with pytest.raises(Rejected) as exc:
        service.release(sctx, DE_OFFICER, high["mrn"])
    assert exc.value.issues[0].pointer == "/debt"
    with pytest.raises(Rejected):  # the whole debt is not what is due
        service.pay(sctx, TRADER, high["mrn"], amount="499.20")
    assert service.pay(sctx, TRADER, high["mrn"], amount="166.40")["debt_status"] == "paid"
    assert service.release(sctx, DE_OFFICER, high["mrn"])["state"] == "released"


def test_quota_quantity_found_lower_gives_back_the_difference(ictx):
    grn = issue_guarantee(ictx.db)
    g = {"grn": grn, "access_code": "AB12"}
    pending = controlled(ictx, lrn="Q-PEND", origin="UA", guarantee=g,
                         item={"quota_order_number": "094099", "supplementary_units": {"NAR": "500"}, **PREF})
    ref = f"{pending['mrn']}/1"
    service.record_control(ictx, DE_OFFICER, pending["mrn"], {
        "result": "irregularity", "corrections": [{"item_number": 1, "supplementary_units": {"NAR": "300"}}]})
    with ictx.db.read() as conn:
        status = quota.request_status(conn, ref)
    assert status["status"] == "pending" and Decimal(status["quantity"]) == 300
    assert last(ictx, pending["mrn"])["quota"] == [{"item_number": 1, "order_number": "094099", "returned": "200"}]

    allocated = controlled(ictx, lrn="Q-ALLOC", origin="UA", guarantee=g,
                           item={"quota_order_number": "094099", "supplementary_units": {"NAR": "400"}, **PREF})
    with ictx.db.begin() as conn:
        quota.allocate_day(conn, allocated["accepted_at"].date())
        before = Decimal(quota.balance(conn, "094099", allocated["accepted_at"].date())["balance"])
    service.record_control(ictx, DE_OFFICER, allocated["mrn"], {
        "result": "irregularity", "corrections": [{"item_number": 1, "supplementary_units": {"NAR": "150"}}]})
    with ictx.db.read() as conn:
        status = quota.request_status(conn, f"{allocated['mrn']}/1")
        after = Decimal(quota.balance(conn, "094099", allocated["accepted_at"].date())["balance"])
    assert Decimal(status["allocated"]) == 150 and Decimal(status["returned"]) == 250
    assert after == before + 250


def test_origin_found_different_refuses_preference_and_quota(sctx):
    grn = issue_guarantee(sctx.db)
    out = controlled(sctx, grn, origin="UA", item={"quota_order_number": "094099", "supplementary_units": {"NAR": "500"},
                                                   **PREF})
    assert out["debt"]["customs_duties"] == "0.00"
    r = service.record_control(sctx, DE_OFFICER, out["mrn"], {
        "result": "irregularity", "findings": "made in China",
        "corrections": [{"item_number": 1, "origin": "CN"}]})
    assert r["debt"]["customs_duties"] == "120.00"  # the third-country duty: 12 % × 1000
    done = last(sctx, out["mrn"])
    assert {c["claim"] for c in done["claims_refused"]} == {"quota", "preference"}
    assert done["outcome"] == "additional_amount" and done["difference"] == "142.80"  # 120 + 19 % of it
    assert done["security"] == {"debited": "142.80"}
    with sctx.db.read() as conn:
        assert quota.request_status(conn, f"{out['mrn']}/1")["status"] == "cancelled"
    assert done["quota"] == [{"item_number": 1, "order_number": "094099", "returned": "500"}]


def test_goods_found_subject_to_a_restriction_are_not_released(sctx):
    grn = issue_guarantee(sctx.db)
    out = controlled(sctx, grn)
    r = service.record_control(sctx, DE_OFFICER, out["mrn"], {
        "result": "seizure", "findings": "live reptiles, no CITES permit",
        "corrections": [{"item_number": 1, "cn_code": "01062000", "origin": "BR"}]})
    assert r["state"] == "controlled"
    assert last(sctx, out["mrn"])["restrictions"][0]["missing_one_of"] == ["C400", "Y900"]
    with pytest.raises(Rejected) as exc:
        service.release(sctx, DE_OFFICER, out["mrn"])
    assert "Art. 198" in exc.value.message
    refused = service.refuse_release(sctx, DE_OFFICER, out["mrn"], "CITES permit missing")
    assert refused["state"] == "not_released" and outstanding(sctx.db, grn, out["mrn"]) == 0


def test_post_release_control_additional_amount_and_repayment(sctx):
    grn = issue_guarantee(sctx.db)
    released = service.lodge(sctx, TRADER, "H1", declaration("PR-1", guarantee={"grn": grn, "access_code": "AB12"}))
    assert released["state"] == "released"
    r = service.record_control(sctx, DE_OFFICER, released["mrn"], {
        "result": "irregularity", "control_type": "documentary",
        "corrections": [{"item_number": 1, "item_price": {"amount": "1200.00", "currency": "EUR"}}]})
    # 144 + 19 % × 1344 = 399.36; the guarantee secures the additional 66.56
    assert r["state"] == "released" and r["debt"]["total"] == "399.36" and r["debt_status"] == "secured"
    seen = service.consult(sctx, DE_OFFICER, released["mrn"])
    assert seen["controlled"] is False and seen["control_result"]["post_release"] is True
    assert last(sctx, released["mrn"])["post_release"] is True
    assert outstanding(sctx.db, grn, released["mrn"]) == Decimal("399.36")

    paid = service.lodge(sctx, TRADER, "H1", declaration("PR-2"))
    paid = service.pay(sctx, TRADER, paid["mrn"])
    assert paid["state"] == "released"
    service.record_control(sctx, DE_OFFICER, paid["mrn"], {
        "result": "irregularity", "corrections": [{"item_number": 1, "item_price": {"amount": "800", "currency": "EUR"}}]})
    done = last(sctx, paid["mrn"])
    assert (done["outcome"], done["repayment"]) == ("repayment", "66.56")  # 332.80 − (96 + 19 % × 896 = 266.24)
    more = service.lodge(sctx, TRADER, "H1", declaration("PR-3"))
    service.pay(sctx, TRADER, more["mrn"])
    r = service.record_control(sctx, DE_OFFICER, more["mrn"], {
        "result": "irregularity", "corrections": [{"item_number": 1, "net_mass": "50", "origin": "CN",
                                                   "item_price": {"amount": "1500", "currency": "USD"}}]})
    assert r["state"] == "released" and r["debt_status"] == "unpaid"
    assert "pay" in service.consult(sctx, TRADER, more["mrn"])["allowed_messages"]
    due = last(sctx, more["mrn"])["due"]
    assert service.pay(sctx, TRADER, more["mrn"], amount=due)["debt_status"] == "paid"


def test_findings_that_cannot_be_assessed_are_rejected_and_change_nothing(sctx):
    grn = issue_guarantee(sctx.db)
    out = controlled(sctx, grn)
    for corrections, pointer in (([{"item_number": 7, "origin": "CN"}], "/corrections/0/item_number"),
                                 ([{"item_number": 1, "cn_code": "99999999"}], "/items/0/cn_code")):
        with pytest.raises(Rejected) as exc:
            service.record_control(sctx, DE_OFFICER, out["mrn"], {"result": "irregularity", "corrections": corrections})
        assert exc.value.issues[0].pointer == pointer
    seen = service.consult(sctx, DE_OFFICER, out["mrn"])
    assert seen["state"] == "under_control" and "reassessments" not in seen["debt"]
    assert outstanding(sctx.db, grn, out["mrn"]) == Decimal("332.80")
    with pytest.raises(IncorrectState):  # no control result on a declaration not under control nor released
        service.record_control(sctx, DE_OFFICER, service.lodge(sctx, TRADER, "H1", declaration("RA-X"))["mrn"],
                               {"result": "no_irregularity"})


def test_cci_findings_of_the_office_of_presentation_reassess_the_debt_at_the_supervising_office(sctx):
    record_ccl(sctx)
    grn = issue_guarantee(sctx.db)
    out = service.lodge(sctx, TRADER, "H1", cci_declaration(mass="1000", guarantee={"grn": grn, "access_code": "AB12"}))
    sctx.bus.drain()
    with pytest.raises(Rejected):  # NL checks the goods item numbers against the particulars it received
        cci.record_control(sctx, NL_OFFICER, out["mrn"], {"result": "irregularity",
                                                          "corrections": [{"item_number": 2, "origin": "CN"}]})
    cci.record_control(sctx, NL_OFFICER, out["mrn"], {
        "control_type": "physical", "result": "irregularity",
        "corrections": [{"item_number": 1, "item_price": {"amount": "2000.00", "currency": "EUR"}}]})
    sctx.bus.drain()
    seen = service.consult(sctx, DE_OFFICER, out["mrn"])
    assert seen["state"] == "controlled" and seen["debt"]["total"] == "710.40"  # 240 + NL VAT 21 % × 2240
    assert seen["debt"]["reassessments"][-1]["outcome"] == "additional_amount"
    assert outstanding(sctx.db, grn, out["mrn"]) == Decimal("710.40")
    service.release(sctx, DE_OFFICER, out["mrn"])
    sctx.bus.drain()
    assert cci.case(sctx, NL_OFFICER, out["mrn"])["state"] == "released"


def test_control_result_with_corrections_through_the_api(iapi):
    from imports_support import DECLARANT

    trader = iapi.headers_for("trader", eori=DECLARANT)
    de = iapi.headers_for("officer", country="DE", office="DE002101")
    r = iapi.post("/imports/declarations/H1", json=declaration("API-1", mass="1000"), headers=trader)
    mrn = r.json()["mrn"]
    bad = iapi.post(f"/imports/declarations/{mrn}/control-result",
                    json={"result": "irregularity", "corrections": [{"item_number": 1, "cn_code": "6109"}]}, headers=de)
    assert bad.status_code == 422
    ok = iapi.post(f"/imports/declarations/{mrn}/control-result", json={
        "result": "irregularity", "corrections": [{"item_number": 1, "item_price": {"amount": "2000.00", "currency": "EUR"}}]},
        headers=de)
    assert ok.status_code == 200, ok.text
    assert ok.json()["debt"]["total"] == "665.60" and ok.json()["debt_status"] == "unpaid"
    shown = iapi.get(f"/imports/declarations/{mrn}", headers=trader).json()
    assert shown["message_log"][-1]["message_type"] == "IMP_RASS"
    assert shown["message_log"][-1]["payload"]["outcome"] == "additional_amount"
