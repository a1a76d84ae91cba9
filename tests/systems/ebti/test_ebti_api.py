"""EBTI through the API: traders apply, officers decide, and the public look-up (no token) finds decisions by
code, keywords, country and validity without ever showing the holder or confidential data."""

from __future__ import annotations

import json

from eucustoms.platform import telemetry
from eucustoms.systems.ebti import examples

HOLDER = examples.HOLDER


def _decide(api, kind: str, member_state: str, officer: dict, trader: dict, **application) -> dict:
    r = api.post("/ebti/applications", json=examples.application(kind, member_state=member_state, **application), headers=trader)
    assert r.status_code == 201, r.text
    reference = r.json()["reference"]
    assert api.post(f"/ebti/applications/{reference}/accept", headers=officer).status_code == 200
    r = api.post(f"/ebti/applications/{reference}/decision", json=examples.decision(kind), headers=officer)
    assert r.status_code == 201, r.text
    return r.json()


def test_the_public_look_up_never_shows_the_holder_or_confidential_data(eapi):
    trader = eapi.headers_for("trader", eori=HOLDER)
    de = eapi.headers_for("officer", country="DE", office="DE004700")
    nl = eapi.headers_for("officer", country="NL", office="NL000396")
    fr = eapi.headers_for("officer", country="FR", office="FR000690")
    drill = _decide(eapi, "drill", "DE", de, trader, confidential=["commercial_denomination", "attachments"])
    phone = _decide(eapi, "smartphone", "NL", nl, trader)
    shirt = _decide(eapi, "tshirt", "FR", fr, trader)
    assert drill["holder"] == HOLDER and drill["commercial_denomination"] == "Kraftwerk DS-18 BL Set"

    r = eapi.get("/ebti/bti", params={"keywords": "CORDLESS Drill"})
    assert r.status_code == 200, r.text
    page = r.json()
    assert [b["reference"] for b in page["items"]] == [drill["reference"]]
    found = page["items"][0]
    assert found["commercial_denomination"] is None and found["attachments"] == [] and "holder" not in found
    assert HOLDER not in r.text and "Kraftwerk" not in r.text and "example.org" not in r.text
    # A confidential word finds nothing; a public one (accents and case ignored, prefixes match) does.
    assert eapi.get("/ebti/bti", params={"keywords": "kraftwerk"}).json()["total"] == 0
    assert eapi.get("/ebti/bti", params={"keywords": "polder"}).json()["total"] == 1  # not confidential
    assert [b["reference"] for b in eapi.get("/ebti/bti", params={"keywords": "coton BONNETERIE"}).json()["items"]] == [shirt["reference"]]
    assert eapi.get("/ebti/bti", params={"keywords": "côtôn"}).json()["total"] == 1
    assert eapi.get("/ebti/bti", params={"keywords": "smart"}).json()["total"] == 1
    # By code (start of), country and validity.
    assert [b["reference"] for b in eapi.get("/ebti/bti", params={"code": "8517"}).json()["items"]] == [phone["reference"]]
    assert eapi.get("/ebti/bti", params={"country": "fr"}).json()["total"] == 1
    assert eapi.get("/ebti/bti").json()["total"] == 3
    assert eapi.get("/ebti/bti", params={"validity": "invalid"}).json()["total"] == 0
    assert eapi.get("/ebti/bti", params={"on": "2040-01-01", "validity": "invalid"}).json()["total"] == 3
    one = eapi.get(f"/ebti/bti/{drill['reference'].lower()}")
    assert one.status_code == 200 and one.json()["commercial_denomination"] is None and HOLDER not in one.text
    visible = eapi.get(f"/ebti/bti/{phone['reference']}").json()
    assert visible["commercial_denomination"] == "Polder One 5G" and visible["issuing_country"] == "NL"
    with eapi.ctx.db.read() as conn:
        assert telemetry.totals(conn, metric=telemetry.CONSULTATIONS) == {("dds", "EBTI"): 13}
        assert telemetry.totals(conn, metric=telemetry.APPLICATIONS) == {("ebti", "DE"): 1, ("ebti", "NL"): 1, ("ebti", "FR"): 1}


def test_bad_look_ups_give_the_reason(eapi):
    r = eapi.get("/ebti/bti/DEBTI2026999999")
    assert r.status_code == 404 and r.json()["errors"][0]["code"] == "NOT_FOUND"
    r = eapi.get("/ebti/bti/QQBTI1")
    assert r.status_code == 422 and "'QQ' is not the code of a member state" in r.json()["errors"][0]["reason"]
    r = eapi.get("/ebti/bti/DEXYZ1")
    assert r.status_code == 422 and "must be 'BTI'" in r.json()["errors"][0]["reason"]
    r = eapi.get("/ebti/bti", params={"code": "85x", "country": "US", "keywords": "--"})
    assert r.status_code == 422
    assert {e["pointer"] for e in r.json()["errors"]} == {"query:code", "query:country", "query:keywords"}
    with eapi.ctx.db.read() as conn:
        assert telemetry.totals(conn, metric=telemetry.CONSULTATIONS) == {}


def test_applications_need_a_token_and_the_right_role(eapi):
    trader = eapi.headers_for("trader", eori=HOLDER)
    other = eapi.headers_for("trader", eori="NL123456789")
    de = eapi.headers_for("officer", country="DE", office="DE004700")
    fr = eapi.headers_for("officer", country="FR", office="FR000690")
    assert eapi.post("/ebti/applications", json=examples.application()).status_code == 401
    assert eapi.post("/ebti/applications", json=examples.application(), headers=de).status_code == 403
    bad = eapi.post("/ebti/applications", json={**examples.application(), "colour": "red", "goods_description": ""}, headers=trader)
    assert bad.status_code == 422 and {e["pointer"] for e in bad.json()["errors"]} == {"/colour", "/goods_description"}
    r = eapi.post("/ebti/applications", json=examples.application(), headers=trader)
    reference = r.json()["reference"]
    assert eapi.get(f"/ebti/applications/{reference}", headers=other).status_code == 404
    assert eapi.get(f"/ebti/applications/{reference}", headers=fr).status_code == 404
    assert eapi.post(f"/ebti/applications/{reference}/accept", headers=trader).status_code == 403
    assert eapi.post(f"/ebti/applications/{reference}/accept", headers=de).status_code == 200
    r = eapi.post(f"/ebti/applications/{reference}/decision", json=examples.decision(), headers=de)
    bti = r.json()["reference"]
    assert eapi.get(f"/ebti/decisions/{bti}", headers=fr).json()["holder"] == HOLDER
    assert eapi.get(f"/ebti/decisions/{bti}", headers=other).status_code == 404
    assert eapi.get(f"/ebti/decisions/{bti}").status_code == 401
    valid = eapi.get(f"/ebti/holders/{HOLDER}/valid", params={"code": "8467211000"}, headers=trader)
    assert [b["reference"] for b in valid.json()] == [bti]
    assert eapi.get(f"/ebti/holders/{HOLDER}/valid", params={"code": "84672110"}, headers=other).status_code == 404
    assert eapi.post(f"/ebti/decisions/{bti}/revoke", json={"reason": "x"}, headers=fr).status_code == 403
    history = eapi.get(f"/ebti/decisions/{bti}/history", headers=de).json()
    assert [h["action"] for h in history] == ["decide"]
    assert json.dumps(eapi.get("/ebti/applications", headers=trader).json()["items"][0]["attachments"])
