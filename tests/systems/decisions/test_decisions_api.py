"""CDS through the API: roles, every error listed, the lifecycle, the public look-ups without a token."""

from __future__ import annotations

from decisions_support import HOLDER, OTHER

from eucustoms.systems.decisions.examples import example


def test_lodge_accept_grant_and_look_up_over_http(cds_api):
    trader = cds_api.headers_for("trader", eori=HOLDER)
    other = cds_api.headers_for("trader", eori=OTHER)
    de = cds_api.headers_for("officer", country="DE", office="DE002150")
    nl = cds_api.headers_for("officer", country="NL", office="NL000563")

    assert cds_api.post("/decisions/applications", json=example("ACP")).status_code == 401
    r = cds_api.post("/decisions/applications", json=example("ACP"), headers=trader)
    assert r.status_code == 201, r.text
    ref = r.json()["reference"]
    assert r.json()["time_limits"]["acceptance_due"] == "2026-04-01"
    assert cds_api.post(f"/decisions/applications/{ref}/accept", headers=trader).status_code == 403
    assert cds_api.post(f"/decisions/applications/{ref}/accept", headers=nl).status_code == 404  # not NL's
    assert cds_api.get(f"/decisions/applications/{ref}", headers=other).status_code == 404
    r = cds_api.post(f"/decisions/applications/{ref}/accept", headers=de)
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    r = cds_api.post(f"/decisions/applications/{ref}/refuse", json={"grounds": "x"}, headers=de)
    assert r.status_code == 409 and r.json()["errors"][0]["code"] == "92"
    r = cds_api.post(f"/decisions/applications/{ref}/grant", json={}, headers=de)
    assert r.status_code == 201, r.text
    number = r.json()["reference"]
    assert number.startswith("DEACP")
    assert cds_api.get(f"/decisions/{number}", headers=trader).json()["valid_today"] is True
    assert cds_api.get(f"/decisions/{number}", headers=other).status_code == 404
    assert cds_api.get("/decisions", headers=trader).json()["total"] == 1
    assert cds_api.get("/decisions", headers=other).json()["total"] == 0
    held = cds_api.get(f"/decisions/holders/{HOLDER}/holds/ACP", params={"country": "DE"}, headers=nl).json()
    assert held["holds"] is True and held["decision"]["reference"] == number

    public = cds_api.get(f"/decisions/public/{number}")
    assert public.status_code == 200 and public.json()["valid"] and public.json()["holder"]["eori"] == HOLDER
    assert cds_api.get("/decisions/public/ZZ123").status_code == 422
    assert cds_api.get(f"/decisions/public/aeo/{HOLDER}").json()["found"] is False
    assert {t["code"] for t in cds_api.get("/decisions/types").json()} >= {"AEOC", "AEOS", "AEOF", "CCL", "CGU", "IPO",
                                                                         "OPO", "TST", "ACP"}


def test_every_error_is_listed_with_its_pointer(cds_api):
    de = cds_api.headers_for("officer", country="DE", office="DE002150")
    r = cds_api.post("/decisions/applications", headers=de, json={
        "decision_type": "CCL", "applicant": HOLDER, "countries": ["DE"], "description": "centralised clearance",
        "customs_office": "DE002150", "goods": [{"cn_code": "0101", "description": "x"}], "extra": 1})
    assert r.status_code == 422
    assert {(e["code"], e["pointer"]) for e in r.json()["errors"]} >= {("14", "/goods/0/cn_code"), ("15", "/extra")}
    r = cds_api.post("/decisions/applications", headers=de, json={
        "decision_type": "CCL", "applicant": HOLDER, "countries": ["DE"], "description": "centralised clearance",
        "consult": ["XX"]})
    assert r.status_code == 422
    assert {(e["code"], e["pointer"]) for e in r.json()["errors"]} == {("14", "/countries"), ("12", "/consult/0")}
    assert cds_api.get("/decisions/applications", headers=de).json()["total"] == 0
