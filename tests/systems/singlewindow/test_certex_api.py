"""CERTEX through the API: the partner system (commission role) issues and changes the status; officers check
and see their country's uses; holders see only their own certificates and movements."""

from __future__ import annotations

from certex_support import HOLDER, MRN1, OTHER, mrn, use

from eucustoms.platform.telemetry import totals
from eucustoms.systems.singlewindow import examples


def _partner(api):
    return api.headers_for("commission", name="TRACES")


def test_the_partner_issues_and_the_holder_follows_balance_and_movements(certex_api):
    api = certex_api
    body = examples.example("CHED-P")
    assert api.post("/certex/certificates", json=body, headers=api.headers_for("trader", eori=HOLDER)).status_code == 403
    assert api.post("/certex/certificates", json=body, headers=api.headers_for("officer", country="DE", office="DE004700")).status_code == 403
    assert api.post("/certex/certificates", json=body).status_code == 401
    r = api.post("/certex/certificates", json=body, headers=_partner(api))
    assert r.status_code == 201, r.text
    cert = r.json()
    assert cert["balance"] == {"value": "18000", "unit": "KGM"} and cert["document_code"] == "N853"
    assert api.post("/certex/certificates", json=body, headers=_partner(api)).status_code == 409
    use(api.ctx.db, cert["reference"], "2500", op="u1")
    use(api.ctx.db, cert["reference"], "100", declaration=mrn(4, "DE"), op="u2")

    holder = api.headers_for("trader", eori=HOLDER)
    listed = api.get("/certex/certificates", headers=holder).json()
    assert listed["total"] == 1 and listed["items"][0]["balance"]["value"] == "15400"
    moves = api.get(f"/certex/certificates/{cert['reference']}/movements", headers=holder).json()
    assert [(m["kind"], m["quantity"]["value"], m["declaration_ref"]) for m in moves] == [
        ("use", "-2500", MRN1), ("use", "-100", mrn(4, "DE"))]
    assert api.get("/certex/uses", headers=holder).json()["total"] == 2

    other = api.headers_for("trader", eori=OTHER)
    assert api.get("/certex/certificates", headers=other).json()["total"] == 0
    for path in ("", "/movements"):
        assert api.get(f"/certex/certificates/{cert['reference']}{path}", headers=other).status_code == 404
    assert api.get("/certex/uses", headers=other).json()["total"] == 0
    assert api.get("/certex/certificates").status_code == 401


def test_rejections_list_every_error(certex_api):
    api = certex_api
    bad = {**examples.example("COI"), "holder": "QQ123", "goods_codes": ["0901", "7"], "unit": "XXX"}
    r = api.post("/certex/certificates", json=bad, headers=_partner(api))
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/holder"  # structure first (pydantic)
    r = api.post("/certex/certificates", json={**examples.example("COI"), "goods_codes": ["0901", "7"], "unit": "XXX"},
                 headers=_partner(api))
    assert r.status_code == 422
    assert sorted(e["pointer"] for e in r.json()["errors"]) == ["/goods_codes/1", "/unit"]


def test_officers_check_and_see_their_country_uses(certex_api):
    api = certex_api
    cert = api.post("/certex/certificates", json=examples.example("CITES"), headers=_partner(api)).json()
    use(api.ctx.db, cert["reference"], "1.5", goods="16043100", op="u1")
    de = api.headers_for("officer", country="DE", office="DE004700")
    fr = api.headers_for("officer", country="FR", office="FR000690")
    check = {"reference": cert["reference"], "holder": HOLDER, "goods_code": "16043100", "quantity": "12",
             "unit": "KGM", "procedure": "4000", "country": "DE"}
    assert api.post("/certex/check", json=check, headers=api.headers_for("trader", eori=HOLDER)).status_code == 403
    answer = api.post("/certex/check", json=check, headers=fr).json()  # any customs authority may ask
    assert answer["valid"] is False and [r["code"] for r in answer["reasons"]] == ["CX09"]
    assert "11 KGM left" in answer["reasons"][0]["reason"] and answer["action"] == "reserve"
    assert api.post("/certex/check", json={**check, "quantity": "11"}, headers=de).json()["valid"] is True

    assert api.get(f"/certex/certificates/{cert['reference']}", headers=fr).status_code == 200
    assert api.get(f"/certex/certificates/{cert['reference']}/movements", headers=fr).json() == []
    assert len(api.get(f"/certex/certificates/{cert['reference']}/movements", headers=de).json()) == 1
    assert api.get("/certex/uses", headers=de).json()["total"] == 1
    assert api.get("/certex/uses", headers=fr).json()["total"] == 0
    assert api.get("/certex/uses?country=DE", headers=fr).status_code == 403
    assert api.get("/certex/certificates", headers=de).json()["total"] == 1
    assert api.get("/certex/certificates", headers=fr).json()["total"] == 0
    with api.ctx.db.read() as conn:
        assert totals(conn, metric="checks", system="certex") == {("certex", "CITES"): 2}


def test_the_partner_changes_the_status(certex_api):
    api = certex_api
    cert = api.post("/certex/certificates", json=examples.example("FLEGT"), headers=_partner(api)).json()
    path = f"/certex/certificates/{cert['reference']}/status"
    holder = api.headers_for("trader", eori=HOLDER)
    assert api.post(path, json={"status": "suspended", "reason": "x"}, headers=holder).status_code == 403
    r = api.post(path, json={"status": "suspended", "reason": "licence under review"}, headers=_partner(api))
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    assert api.post(path, json={"status": "suspended", "reason": "again"}, headers=_partner(api)).status_code == 409
    assert api.post(path, json={"status": "exhausted", "reason": "x"}, headers=_partner(api)).status_code == 422
    assert api.post(path, json={"status": "cancelled", "reason": "revoked"}, headers=_partner(api)).json()["status"] == "cancelled"
    assert api.post("/certex/certificates/NOPE.1/status", json={"status": "valid", "reason": "x"},
                    headers=_partner(api)).status_code == 404


def test_the_catalogue_is_public(certex_api):
    domains = certex_api.get("/certex/domains").json()
    assert len(domains) == 14
    ched = next(d for d in domains if d["id"] == "CHED-P")
    assert ched["document_codes"] == ["N853"] and "40" in ched["consuming_procedures"] and ched["partner_system"].startswith("TRACES")
