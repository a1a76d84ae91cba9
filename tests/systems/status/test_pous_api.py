"""The PoUS API: a trader requests, the office of issue endorses, the office of arrival uses, anyone verifies."""

from __future__ import annotations

from pous_support import ACP, HOLDER, ISSUER, OTHER, cgm

from eucustoms.systems.status import examples


def test_request_endorse_use_and_verify_over_http(pous_api):
    trader = pous_api.headers_for("trader", eori=HOLDER)
    de = pous_api.headers_for("officer", country="DE", office="DE004851")
    nl = pous_api.headers_for("officer", country="NL", office="NL000396")

    r = pous_api.post("/pous/proofs", json=cgm(), headers=trader)
    assert r.status_code == 201, r.text
    mrn = r.json()["mrn"]
    assert r.json()["state"] == "requested"

    r = pous_api.post(f"/pous/proofs/{mrn}/endorsement", json={"remarks": "documents checked"}, headers=de)
    assert r.status_code == 200 and r.json()["state"] == "registered" and r.json()["valid_until"] == "2026-05-31"

    r = pous_api.post(f"/pous/proofs/{mrn}/uses", json={"items": [2]}, headers=nl)
    assert r.status_code == 200 and r.json()["state"] == "partially_used"
    r = pous_api.post(f"/pous/proofs/{mrn}/uses", json={"items": [2]}, headers=nl)
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/items/0"
    r = pous_api.post(f"/pous/proofs/{mrn}/uses", headers=nl)  # no body: what remains
    assert r.status_code == 200 and r.json()["state"] == "used"
    r = pous_api.post(f"/pous/proofs/{mrn}/uses", headers=nl)
    assert r.status_code == 409 and r.json()["errors"][0]["code"] == "92"

    r = pous_api.get(f"/pous/verify/{mrn}")  # public, no token
    assert r.status_code == 200
    assert r.json()["found"] is True and r.json()["state"] == "used" and "requester" not in r.json()

    assert pous_api.get("/pous/proofs", headers=trader).json()["total"] == 1
    other = pous_api.headers_for("trader", eori=OTHER)
    assert pous_api.get(f"/pous/proofs/{mrn}", headers=other).status_code == 404
    assert pous_api.get("/pous/proofs", headers=other).json()["total"] == 0


def test_roles_and_rejections_over_http(pous_api):
    trader = pous_api.headers_for("trader", eori=HOLDER)
    de = pous_api.headers_for("officer", country="DE", office="DE004851")
    assert pous_api.post("/pous/proofs", json=cgm()).status_code == 401
    assert pous_api.post("/pous/proofs", json=cgm(), headers=de).status_code == 403
    assert pous_api.get("/pous/proofs").status_code == 401

    bad = cgm(office_of_issue="CH001001", lrn="")
    r = pous_api.post("/pous/proofs", json=bad, headers=trader)
    assert r.status_code == 422 and r.json()["type"] == "rejection"
    assert [e["pointer"] for e in r.json()["errors"]] == ["/lrn"]

    r = pous_api.post("/pous/authorisations", json={"reference": "DEACP-9", "holder": ISSUER, "proof_types": ["CGM"]},
                      headers=de)
    assert r.status_code == 201 and r.json()["country"] == "DE"
    issuer = pous_api.headers_for("trader", eori=ISSUER)
    r = pous_api.post("/pous/proofs", json=examples.cgm(ISSUER, lrn="ISS-1") | {
        "authorised_issuer": True, "authorisation_reference": "DEACP-9"}, headers=issuer)
    assert r.status_code == 201 and r.json()["state"] == "registered"
    r = pous_api.post("/pous/proofs", json=examples.t2l(ISSUER, authorisation="DEACP-9", lrn="ISS-2"), headers=issuer)
    assert r.status_code == 422 and "does not cover T2L" in r.json()["errors"][0]["reason"]
    r = pous_api.post("/pous/proofs", json=examples.t2l(ISSUER, authorisation=ACP, lrn="ISS-3"), headers=issuer)
    assert r.status_code == 201
    mrn = r.json()["mrn"]
    r = pous_api.post(f"/pous/proofs/{mrn}/invalidation", json={"reason": "voyage cancelled"}, headers=issuer)
    assert r.status_code == 200 and r.json()["state"] == "invalidated"
    assert pous_api.get(f"/pous/verify/{mrn[:-1]}X").status_code == 422
