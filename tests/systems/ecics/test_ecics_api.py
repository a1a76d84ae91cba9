"""ECICS through the API: the public look-up needs no token and is counted; maintenance is the Commission's."""

from __future__ import annotations

from eucustoms.platform import telemetry
from eucustoms.systems.ecics import examples


def test_public_look_up_and_maintenance(capi):
    r = capi.get("/ecics/substances", params={"name": "ACETONA"})
    assert r.status_code == 200, r.text
    assert [s["cas"] for s in r.json()["items"]] == ["67-64-1"]
    assert r.json()["items"][0]["names"]["de"] == ["Aceton"] and r.json()["items"][0]["drug_precursor_category"] == "3"
    r = capi.get("/ecics/numbers/200-578-6")
    assert r.status_code == 200 and r.json()[0]["names"]["fr"] == ["éthanol"]
    r = capi.get("/ecics/numbers/200-578-7")
    assert r.status_code == 422 and "wrong check digit: expected '6', given '7'" in r.json()["errors"][0]["reason"]
    r = capi.get("/ecics/numbers/7440-44-0")
    assert r.status_code == 404 and r.json()["message"] == "CAS number 7440-44-0 not found"
    r = capi.get("/ecics/substances", params={"cas": "67-64-2", "cn": "x"})
    assert r.status_code == 422 and {e["pointer"] for e in r.json()["errors"]} == {"query:cas", "query:cn"}
    first = capi.get("/ecics/substances", params={"cn": "29"}).json()
    assert first["total"] > 60 and len(first["items"]) == 20
    ident = first["items"][0]["id"]
    assert capi.get(f"/ecics/substances/{ident}").status_code == 200
    assert capi.get("/ecics/substances/99999").status_code == 404
    with capi.ctx.db.read() as conn:
        assert telemetry.totals(conn, metric=telemetry.CONSULTATIONS) == {("dds", "ECICS"): 4}

    body = examples.entry("paracetamol", cus="0010002-7", cas=None, ec=None)
    assert capi.post("/ecics/substances", json=body).status_code == 401
    officer = capi.headers_for("officer", country="DE", office="DE004700")
    assert capi.post("/ecics/substances", json=body, headers=officer).status_code == 403
    commission = capi.headers_for("commission", name="CLEN")
    r = capi.post("/ecics/substances", json=body, headers=commission)
    assert r.status_code == 201, r.text
    new = r.json()["id"]
    r = capi.patch(f"/ecics/substances/{new}", json={"inn": "paracetamol", "reason": "INN list"}, headers=commission)
    assert r.status_code == 200 and r.json()["version"] == 2
    r = capi.post(f"/ecics/substances/{new}/end", json={"reason": "merged"}, headers=commission)
    assert r.status_code == 200 and r.json()["status"] == "ended"
    history = capi.get(f"/ecics/substances/{new}/history", headers=officer).json()
    assert [h["action"] for h in history] == ["add", "amend", "end"] and history[1]["reason"] == "INN list"
    bad = capi.post("/ecics/substances", json={"cas": "50-00-1", "cn_code": "2912", "names": {"english": ["x"]}},
                    headers=commission)
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "/names"
