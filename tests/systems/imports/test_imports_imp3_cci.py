"""IMP 3 on declarations with known times; centralised clearance DE (supervising) → NL (presentation) over the
bus; access rules through the API."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from imports_support import (
    DE_OFFICER, DECLARANT, NL_OFFICER, OTHER_TRADER, TRADER, cci_declaration, declaration, issue_guarantee, record_ccl,
)

from eucustoms.core.errors import NotFound, Rejected
from eucustoms.platform.bus import message_log
from eucustoms.systems.imports import cci, service
from eucustoms.systems.imports.indicators import imp3

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def test_imp3_share_released_within_one_hour(sctx, _fixed_clock):
    grn = issue_guarantee(sctx.db, amount="100000")
    g = {"grn": grn, "access_code": "AB12"}
    service.lodge(sctx, TRADER, "H1", declaration("A", guarantee=g))  # released at once: 0 s
    late = service.lodge(sctx, TRADER, "H1", declaration("B"))  # paid after 2 h
    quick = service.lodge(sctx, TRADER, "H1", declaration("C"))  # paid after 30 min
    control = service.lodge(sctx, TRADER, "H1", declaration("D", mass="1000", guarantee=g))  # needs a control
    service.lodge(sctx, TRADER, "H1", declaration("E"))  # never paid
    gone = service.lodge(sctx, TRADER, "H1", declaration("F"))
    service.invalidate(sctx, TRADER, gone["mrn"])
    _fixed_clock.advance(timedelta(minutes=30))
    service.pay(sctx, TRADER, quick["mrn"])
    _fixed_clock.advance(timedelta(minutes=90))
    service.pay(sctx, TRADER, late["mrn"])
    service.record_control(sctx, DE_OFFICER, control["mrn"], {"result": "no_irregularity"})
    service.release(sctx, DE_OFFICER, control["mrn"])
    _fixed_clock.advance(timedelta(minutes=10))
    fresh = service.lodge(sctx, TRADER, "H1", declaration("G"))  # accepted 10 min ago at the time of computing
    assert fresh["state"] == "accepted"
    _fixed_clock.advance(timedelta(minutes=10))
    with sctx.db.read() as conn:
        r = imp3(conn, "DE", T0, T0 + timedelta(days=1))
        assert (r["released_within_1h"], r["released_later"], r["not_released_after_1h"]) == (2, 1, 1)
        assert r["excluded_controlled"] == 1 and r["pending"] == 1 and r["share"] == 0.5 and not r["met"]
        with_controls = imp3(conn, "DE", T0, T0 + timedelta(days=1), include_controlled=True)
        assert with_controls["declarations"] == 5 and with_controls["released_later"] == 2
        assert imp3(conn, "DE", T0, T0 + timedelta(minutes=1))["declarations"] == 4  # accepted at T0 only
        assert imp3(conn, "NL", T0, T0 + timedelta(days=1))["share"] is None


def test_cci_green_lane_across_two_member_states(ictx):
    record_ccl(ictx)
    grn = issue_guarantee(ictx.db)
    out = service.lodge(ictx, TRADER, "H1", cci_declaration(guarantee={"grn": grn, "access_code": "AB12"}))
    assert out["mrn"][2:4] == "DE" and out["state"] == "accepted"  # waiting for the office of presentation
    assert out["debt"]["vat"] == "235.20"  # NL VAT 21 % × 1120: VAT of the member state of presentation
    ictx.bus.drain()
    seen = service.consult(ictx, DE_OFFICER, out["mrn"])
    assert seen["state"] == "released" and seen["risk"]["presentation"]["country"] == "NL"
    assert [x["message_type"] for x in seen["domain_exchanges"]] == ["CCI_PART", "CCI_RISK", "CCI_REL", "CCI_EXIT"]
    assert [(x["sender"], x["recipient"]) for x in seen["domain_exchanges"]] == [
        ("DE", "NL"), ("NL", "DE"), ("DE", "NL"), ("NL", "DE")]
    case = cci.case(ictx, NL_OFFICER, out["mrn"])
    assert case["state"] == "released" and case["supervising_office"] == "DE002150"
    assert case["particulars"]["items"][0]["cn_code"] == "61091000"
    with pytest.raises(NotFound):  # the NL officer does not read the DE declaration
        service.consult(ictx, NL_OFFICER, out["mrn"])
    with pytest.raises(NotFound):
        cci.case(ictx, DE_OFFICER, out["mrn"])


def test_cci_control_at_the_office_of_presentation(sctx):
    record_ccl(sctx)
    out = service.lodge(sctx, TRADER, "H1", cci_declaration(mass="1000"))
    assert out["state"] == "under_control"
    sctx.bus.drain()
    with pytest.raises(Rejected):
        service.release(sctx, DE_OFFICER, out["mrn"])
    cci.record_control(sctx, NL_OFFICER, out["mrn"], {"control_type": "physical", "result": "no_irregularity"})
    sctx.bus.drain()
    assert service.consult(sctx, DE_OFFICER, out["mrn"])["state"] == "controlled"
    service.pay(sctx, TRADER, out["mrn"])
    service.release(sctx, DE_OFFICER, out["mrn"])
    sctx.bus.drain()
    assert cci.case(sctx, NL_OFFICER, out["mrn"])["state"] == "released"
    with sctx.db.read() as conn:
        kinds = [m["message_type"] for m in message_log(conn, out["mrn"])]
    assert kinds == ["CCI_PART", "CCI_RISK", "CCI_CTRL", "CCI_REL", "CCI_EXIT"]


def test_cci_needs_a_valid_ccl_authorisation(sctx):
    with pytest.raises(Rejected) as exc:
        service.lodge(sctx, TRADER, "H1", cci_declaration())
    assert "no CCL authorisation" in exc.value.issues[0].reason
    record_ccl(sctx, countries=["BE"])
    with pytest.raises(Rejected) as exc:
        service.lodge(sctx, TRADER, "H1", cci_declaration())
    assert "does not cover presentation in NL" in exc.value.issues[0].reason
    d = cci_declaration()
    d.pop("holder_of_authorisation")
    with pytest.raises(Rejected):
        service.lodge(sctx, TRADER, "H1", d)


def test_access_rules_through_the_api(iapi):
    trader = iapi.headers_for("trader", eori=DECLARANT)
    other = iapi.headers_for("trader", eori=OTHER_TRADER.eori)
    de = iapi.headers_for("officer", country="DE", office="DE002101")
    fr = iapi.headers_for("officer", country="FR", office="FR000690")
    r = iapi.post("/imports/declarations/H1", json=declaration(), headers=trader)
    assert r.status_code == 201, r.text
    mrn = r.json()["mrn"]
    assert iapi.get(f"/imports/declarations/{mrn}", headers=trader).json()["state"] == "accepted"
    assert iapi.get(f"/imports/declarations/{mrn}", headers=trader).json()["risk"] is None
    assert iapi.get(f"/imports/declarations/{mrn}", headers=other).status_code == 404
    assert iapi.get(f"/imports/declarations/{mrn}", headers=fr).status_code == 404
    assert iapi.get(f"/imports/declarations/{mrn}", headers=de).json()["risk"]["lodgement"]["suggested"] == "none"
    assert iapi.get(f"/imports/declarations/{mrn}").status_code == 401
    assert iapi.post(f"/imports/declarations/{mrn}/release", headers=trader).status_code == 403
    assert iapi.post(f"/imports/declarations/{mrn}/payment", json={}, headers=other).status_code == 404
    assert iapi.post(f"/imports/declarations/{mrn}/control-decision", json={"control": "physical"},
                     headers=fr).status_code == 404
    assert iapi.get("/imports/declarations", headers=other).json()["total"] == 0
    assert iapi.get("/imports/declarations", headers=de).json()["total"] == 1
    paid = iapi.post(f"/imports/declarations/{mrn}/payment", json={"amount": "332.80"}, headers=trader)
    assert paid.json()["state"] == "released"
    bad = iapi.post("/imports/declarations/H1", json=declaration("X", code="99999999"), headers=trader)
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "/items/0/cn_code"
    since, until = "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z"
    imp = iapi.get("/imports/indicators/imp3", params={"country": "DE", "since": since, "until": until}, headers=de)
    assert imp.json()["released_within_1h"] == 1
    assert iapi.get("/imports/indicators/imp3", params={"country": "DE", "since": since, "until": until},
                    headers=fr).status_code == 403
