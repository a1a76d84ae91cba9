"""H1 and H7 lifecycles: green lane with a guarantee, control by the officer, payment, pre-lodging,
amendment, invalidation giving back quota and guarantee."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from imports_support import DE_OFFICER, TRADER, declaration, issue_guarantee

from eucustoms.core.errors import IncorrectState, Rejected
from eucustoms.systems.guarantees import service as gum
from eucustoms.systems.imports import service
from eucustoms.systems.tariff import quota
PREF = {"preference": "300", "documents": [{"type": "N954"}]}


def outstanding(db, grn: str, mrn: str) -> Decimal:
    with db.read() as conn:
        return gum.outstanding(conn, grn, mrn).amount


def test_h1_green_lane_secured_by_guarantee_is_released_at_acceptance(ictx):
    grn = issue_guarantee(ictx.db)
    out = service.lodge(ictx, TRADER, "H1", declaration(guarantee={"grn": grn, "access_code": "AB12"}))
    assert out["mrn"][16] == "R" and out["mrn"][2:4] == "DE"
    assert out["state"] == "released" and out["debt_status"] == "secured"
    # 12 % × 1000 = 120 duty; VAT DE 19 % × 1120 = 212.80
    assert out["debt"]["customs_duties"] == "120.00" and out["debt"]["vat"] == "212.80"
    assert out["debt"]["total"] == "332.80"
    assert outstanding(ictx.db, grn, out["mrn"]) == Decimal("332.80")
    seen = service.consult(ictx, TRADER, out["mrn"])
    assert seen["release_seconds"] == 0.0 and seen["accepted_at"] == seen["released_at"]
    assert [m["message_type"] for m in seen["message_log"]] == ["IMP_H1", "IMP_ACC", "IMP_REL"]
    # Paying the secured debt afterwards credits the guarantee.
    service.pay(ictx, TRADER, out["mrn"])
    assert outstanding(ictx.db, grn, out["mrn"]) == 0


def test_h1_with_control_decided_by_the_risk_analysis_then_officer_result_and_release(sctx, _fixed_clock):
    # 1 000 kg of T-shirts for EUR 1 000: EUR 1/kg against a reference price of 14/kg → CRC-FIN-001.
    out = service.lodge(sctx, TRADER, "H1", declaration(mass="1000"))
    assert out["state"] == "under_control" and out["control"] == "documentary"
    assert out["debt_status"] == "unpaid"
    seen = service.consult(sctx, DE_OFFICER, out["mrn"])
    assert "CRC-FIN-001" in seen["risk"]["lodgement"]["rules"]
    with pytest.raises(Rejected):  # no release while the control is pending
        service.release(sctx, DE_OFFICER, out["mrn"])
    service.decide_control(sctx, DE_OFFICER, out["mrn"], "physical")
    _fixed_clock.advance(timedelta(minutes=90))
    r = service.record_control(sctx, DE_OFFICER, out["mrn"], {"result": "no_irregularity", "findings": "invoice ok"})
    assert r["state"] == "controlled"
    with pytest.raises(Rejected) as exc:  # the debt is neither paid nor secured
        service.release(sctx, DE_OFFICER, out["mrn"])
    assert exc.value.issues[0].pointer == "/debt"
    assert service.pay(sctx, TRADER, out["mrn"])["state"] == "controlled"  # a controlled one waits for the officer
    done = service.release(sctx, DE_OFFICER, out["mrn"])
    assert done["state"] == "released"
    assert service.consult(sctx, TRADER, out["mrn"])["release_seconds"] == 5400.0


def test_officer_decides_a_control_on_an_unpaid_green_declaration_and_may_waive_it(sctx):
    out = service.lodge(sctx, TRADER, "H1", declaration())
    assert out["state"] == "accepted" and out["debt_status"] == "unpaid"
    assert service.decide_control(sctx, DE_OFFICER, out["mrn"], "documentary")["state"] == "under_control"
    with pytest.raises(IncorrectState):  # no amendment once a control is decided (Art. 173(1))
        service.amend(sctx, TRADER, out["mrn"], declaration(value="900.00"))
    assert service.decide_control(sctx, DE_OFFICER, out["mrn"], "none")["state"] == "accepted"
    assert service.pay(sctx, TRADER, out["mrn"])["state"] == "released"


def test_h7_low_value_consignment_duty_relief_and_ioss(sctx):
    h7 = declaration("H7-1", value="40.00", mass="1")
    out = service.lodge(sctx, TRADER, "H7", h7)
    assert out["debt"]["customs_duties"] == "0" and out["debt"]["vat"] == "7.60"  # 19 % of 40
    assert out["state"] == "accepted" and service.pay(sctx, TRADER, out["mrn"])["state"] == "released"
    ioss = service.lodge(sctx, TRADER, "H7", declaration("H7-2", value="40.00", mass="1", ioss_number="IM2760000001"))
    assert ioss["debt_status"] == "none" and ioss["state"] == "released"
    with pytest.raises(Rejected) as exc:
        service.lodge(sctx, TRADER, "H7", declaration("H7-3", value="151.00", mass="1"))
    assert "exceeds EUR 150" in exc.value.issues[0].reason


def test_pre_lodged_declaration_is_accepted_on_presentation(sctx, _fixed_clock):
    grn = issue_guarantee(sctx.db)
    out = service.lodge(sctx, TRADER, "H1", declaration(additional_declaration_type="D",
                                                         guarantee={"grn": grn, "access_code": "AB12"}))
    assert out["state"] == "pre_lodged" and out["accepted_at"] is None and out["debt"] is None
    assert outstanding(sctx.db, grn, out["mrn"]) == 0
    _fixed_clock.advance(timedelta(hours=5))
    done = service.present(sctx, TRADER, out["mrn"])
    assert done["state"] == "released" and done["accepted_at"] == _fixed_clock.now()


def test_quota_is_requested_at_acceptance_and_returned_with_the_guarantee_on_invalidation(ictx):
    grn = issue_guarantee(ictx.db)
    d = declaration("Q-1", origin="UA", item={"quota_order_number": "094099", "supplementary_units": {"NAR": "500"}, **PREF},
                    guarantee={"grn": grn, "access_code": "AB12"})
    out = service.lodge(ictx, TRADER, "H1", d)
    ref = f"{out['mrn']}/1"
    with ictx.db.read() as conn:
        assert quota.request_status(conn, ref)["status"] == "pending"
    assert out["state"] == "released"
    with ictx.db.begin() as conn:
        quota.allocate_day(conn, ictx_day())
    with pytest.raises(IncorrectState):  # released: no invalidation
        service.invalidate(ictx, TRADER, out["mrn"])
    d2 = declaration("Q-2", origin="UA", item={"quota_order_number": "094099", "supplementary_units": {"NAR": "300"}, **PREF},
                     guarantee={"grn": grn, "access_code": "AB12"}, additional_declaration_type="D")
    pre = service.lodge(ictx, TRADER, "H1", d2)
    accepted = service.present(ictx, DE_OFFICER, pre["mrn"])
    assert accepted["state"] == "released"
    # a third one is held for control, its quota allocated, then invalidated: all of it comes back
    d3 = declaration("Q-3", origin="UA", mass="1000", item={"quota_order_number": "094099", "supplementary_units": {"NAR": "200"}, **PREF},
                     guarantee={"grn": grn, "access_code": "AB12"})
    third = service.lodge(ictx, TRADER, "H1", d3)
    assert third["state"] == "under_control"  # EUR 1/kg: the risk analysis asks for the documents
    service.record_control(ictx, DE_OFFICER, third["mrn"], {"result": "no_irregularity"})
    with ictx.db.begin() as conn:
        quota.allocate_day(conn, ictx_day())
        before = Decimal(quota.balance(conn, "094099", ictx_day())["balance"])
    assert outstanding(ictx.db, grn, third["mrn"]) > 0
    gone = service.invalidate(ictx, TRADER, third["mrn"], "sold elsewhere")
    assert gone["state"] == "invalidated"
    with ictx.db.read() as conn:
        assert quota.request_status(conn, f"{third['mrn']}/1")["status"] == "returned"
        assert Decimal(quota.balance(conn, "094099", ictx_day())["balance"]) == before + 200
    assert outstanding(ictx.db, grn, third["mrn"]) == 0


def ictx_day():
    from eucustoms.core.clock import now

    return now().date()


def test_amendment_recomputes_the_debt_and_re_secures_it(sctx):
    grn = issue_guarantee(sctx.db, amount="500.00")
    d = declaration(guarantee={"grn": grn, "access_code": "AB12"})
    out = service.lodge(sctx, TRADER, "H1", {**d, "additional_declaration_type": "D"})
    amended = service.amend(sctx, TRADER, out["mrn"], {**declaration(value="500.00", guarantee=d["guarantee"]),
                                                       "additional_declaration_type": "D"})
    assert amended["version"] == 2 and amended["state"] == "pre_lodged"
    accepted = service.present(sctx, TRADER, out["mrn"])
    assert accepted["debt"]["total"] == "166.40"  # 60 + 19 % × 560
    assert outstanding(sctx.db, grn, out["mrn"]) == Decimal("166.40")


def test_amendment_of_an_accepted_declaration(sctx):
    out = service.lodge(sctx, TRADER, "H1", declaration(value="2000.00"))
    amended = service.amend(sctx, TRADER, out["mrn"], declaration(value="1000.00"))
    assert amended["debt"]["total"] == "332.80" and amended["version"] == 2
    log = [m["message_type"] for m in service.consult(sctx, TRADER, out["mrn"])["message_log"]]
    assert log[-3:] == ["IMP_AMD", "IMP_ACC", "IMP_AMDA"]
    with pytest.raises(Rejected):
        service.amend(sctx, TRADER, out["mrn"], declaration("OTHER-LRN"))
