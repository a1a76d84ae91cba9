"""The tariff API on both databases: public look-ups (counted), the calculator, bad input, QUOTA2 for officers."""

from __future__ import annotations

from eucustoms.platform import telemetry


def test_commodity_duty_and_quota_look_ups_are_public_and_counted(tapi):
    r = tapi.get("/tariff/commodities/6109100000", params={"on": "2026-03-02", "origin": "VN"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["declarable"] and body["ancestors"][0]["code"] == "6100000000"
    assert {m["measure_type"] for m in body["measures"]} == {"103", "142"}
    duty = tapi.post("/tariff/duty", json={"goods_code": "8712 00 30", "origin": "CN", "on": "2026-03-02",
                                          "customs_value": "1000", "quantities": {"NAR": "10"},
                                          "additional_codes": ["C999"], "member_state": "DE"})
    assert duty.status_code == 200, duty.text
    d = duty.json()
    assert d["customs_duties"] == "625.00" and d["vat"] == "308.75" and d["total"] == "933.75"
    assert d["duties"][0]["arithmetic"] == ["14 % × EUR 1,000.00 = EUR 140.00"]
    q = tapi.get("/tariff/quotas/091528", params={"on": "2026-05-01"})
    assert q.status_code == 200 and q.json()["balance"] == "2550000"
    with tapi.ctx.db.read() as conn:
        assert telemetry.totals(conn, metric=telemetry.CONSULTATIONS) == {("dds", "TARIC"): 2, ("dds", "QUOTA"): 1}


def test_bad_duty_input_lists_every_error(tapi):
    r = tapi.post("/tariff/duty", json={"goods_code": "0000", "origin": "QQ", "customs_value": "12", "currency": "ABC",
                                       "preference": "300", "quota_order_number": "099999", "member_state": "GB"})
    assert r.status_code == 422
    pointers = {e["pointer"] for e in r.json()["errors"]}
    assert {"/currency", "/goods_code", "/origin", "/quota_order_number", "/member_state"} <= pointers
    r = tapi.post("/tariff/duty", json={"goods_code": "6109100000", "origin": "VN", "customs_value": "12",
                                       "preference": "300", "on": "2026-03-02"})
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/proofs"
    assert tapi.get("/tariff/commodities/9999999999").status_code == 404


def test_quota_requests_and_runs_need_a_customs_authority(tapi):
    body = {"origin": "BA", "quantity": "1000", "accepted_at": "2026-03-02T10:00:00Z", "declaration_ref": "26DE000000000001A1"}
    assert tapi.post("/tariff/quotas/091528/requests", json=body).status_code == 401
    assert tapi.post("/tariff/quotas/091528/requests", json=body,
                     headers=tapi.headers_for("trader", eori="DE1234567890")).status_code == 403
    officer = tapi.headers_for("officer", country="DE", office="DE004700")
    r = tapi.post("/tariff/quotas/091528/requests", json=body, headers=officer)
    assert r.status_code == 201, r.text
    run = tapi.post("/tariff/quotas/allocations", json={"day": "2026-03-02"}, headers=officer)
    assert run.status_code == 200 and run.json()[0]["allocated"] == "1000"
    assert tapi.get("/tariff/quotas/091528", params={"on": "2026-03-02"}).json()["balance"] == "2549000"
    back = tapi.post("/tariff/quotas/requests/26DE000000000001A1/return", json={}, headers=officer)
    assert back.status_code == 200 and back.json()["status"] == "returned"
    assert tapi.get("/tariff/quotas/091528", params={"on": "2026-03-02"}).json()["balance"] == "2550000"
