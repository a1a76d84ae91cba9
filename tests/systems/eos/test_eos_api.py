"""EOS through the API: registration by the issuing country, amendment, end of validity, AEO, the public
EORI validation, and the access rules."""

from __future__ import annotations

from eucustoms.platform import telemetry
from eucustoms.systems.dds.routes import tally

ADDRESS = {"street_and_number": "Am Sandtorkai 50", "postcode": "20457", "city": "Hamburg", "country": "DE"}


def registration(eori: str = "DE1234567890", **extra) -> dict:
    return {"eori": eori, "name": "Elbe Hafen Logistik GmbH", "address": ADDRESS, "established_in_union": True,
            "publication_consent": True, **extra}


def test_an_officer_registers_and_the_public_validates(api):
    de = api.headers_for("officer", country="DE", office="DE004700")
    r = api.post("/eos/operators", json=registration(vat_numbers=["DE136695976"]), headers=de)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["eori"] == "DE1234567890" and body["status"] == "valid" and body["version"] == 1

    v = api.get("/dds/eori/de1234567890")
    assert v.status_code == 200
    assert v.json()["valid"] is True and v.json()["name"] == "Elbe Hafen Logistik GmbH"
    unknown = api.get("/dds/eori/DE999")
    assert unknown.status_code == 200 and unknown.json()["valid"] is False
    tally(api.ctx).flush()  # look-ups are counted in memory and written in batches
    with api.ctx.db.read() as conn:
        assert telemetry.totals(conn, metric=telemetry.CONSULTATIONS) == {("dds", "EOS"): 2}


def test_without_consent_the_public_sees_validity_only(api):
    de = api.headers_for("officer", country="DE", office="DE004700")
    api.post("/eos/operators", json=registration(publication_consent=False), headers=de)
    v = api.get("/dds/eori/DE1234567890").json()
    assert v["valid"] is True and v["name"] is None and v["address"] is None


def test_the_eori_is_assigned_by_the_registering_country_when_omitted(api):
    fr = api.headers_for("officer", country="FR", office="FR000690")
    body = {**registration(), "eori": None, "address": {**ADDRESS, "city": "Le Havre", "country": "FR"}}
    a = api.post("/eos/operators", json=body, headers=fr).json()
    b = api.post("/eos/operators", json=body, headers=fr).json()
    assert a["eori"].startswith("FR") and b["eori"].startswith("FR") and a["eori"] != b["eori"]


def test_a_bad_registration_lists_every_error_and_stores_nothing(api):
    de = api.headers_for("officer", country="DE", office="DE004700")
    bad = {"eori": "DE12!", "name": "", "address": {"city": "Hamburg", "country": "DE"}, "colour": "blue"}
    r = api.post("/eos/operators", json=bad, headers=de)
    assert r.status_code == 422
    errors = {(e["code"], e["pointer"]) for e in r.json()["errors"]}
    assert ("13", "/address/street_and_number") in errors
    assert ("13", "/established_in_union") in errors
    assert ("15", "/colour") in errors
    assert any(p == "/eori" for _, p in errors) and any(p == "/name" for _, p in errors)
    # Business rules also report everything at once.
    r = api.post("/eos/operators", json=registration(address={**ADDRESS, "country": "QQ"}, vat_numbers=["DE000000000"]), headers=de)
    assert r.status_code == 422
    assert {e["pointer"] for e in r.json()["errors"]} == {"/address/country", "/vat_numbers/0"}
    assert api.get("/eos/operators", headers=de).json()["total"] == 0


def test_only_the_issuing_country_manages_its_eori_numbers(api):
    de = api.headers_for("officer", country="DE", office="DE004700")
    fr = api.headers_for("officer", country="FR", office="FR000690")
    assert api.post("/eos/operators", json=registration(), headers=fr).status_code == 403
    assert api.post("/eos/operators", json=registration(), headers=de).status_code == 201
    assert api.patch("/eos/operators/DE1234567890", json={"name": "X"}, headers=fr).status_code == 403
    # Every customs authority may read the central registry.
    assert api.get("/eos/operators/DE1234567890", headers=fr).status_code == 200


def test_a_trader_sees_only_its_own_registration(api):
    de = api.headers_for("officer", country="DE", office="DE004700")
    api.post("/eos/operators", json=registration("DE1111111111"), headers=de)
    api.post("/eos/operators", json=registration("DE2222222222"), headers=de)
    me = api.headers_for("trader", eori="DE1111111111")
    assert api.get("/eos/operators/DE1111111111", headers=me).status_code == 200
    other = api.get("/eos/operators/DE2222222222", headers=me)
    assert other.status_code == 404 and "Elbe" not in other.text
    assert api.get("/eos/operators", headers=me).status_code == 403
    assert api.post("/eos/operators", json=registration("DE3333333333"), headers=me).status_code == 403
    assert api.get("/eos/operators/DE2222222222/history", headers=me).status_code == 404


def test_amend_end_validity_and_incorrect_state(api):
    de = api.headers_for("officer", country="DE", office="DE004700")
    api.post("/eos/operators", json=registration(start_date="2020-01-01"), headers=de)
    early = api.post("/eos/operators/DE1234567890/end-validity", json={"end_date": "2019-12-31", "reason": "x"}, headers=de)
    assert early.status_code == 422 and early.json()["errors"][0]["pointer"] == "/end_date"
    r = api.patch("/eos/operators/DE1234567890", json={"name": "Elbe Hafen Logistik SE"}, headers=de)
    assert r.status_code == 200 and r.json()["name"] == "Elbe Hafen Logistik SE" and r.json()["version"] == 2
    r = api.post("/eos/operators/DE1234567890/aeo", json={"aeo_type": "AEOF", "decision_reference": "DEAEOF123456", "valid_from": "2024-01-01"}, headers=de)
    assert r.status_code == 200 and r.json()["aeo"][0]["aeo_type"] == "AEOF"
    assert api.get("/dds/eori/DE1234567890").json()["aeo"] == ["AEOF"]
    r = api.post("/eos/operators/DE1234567890/end-validity", json={"end_date": "2025-01-01", "reason": "ceased trading"}, headers=de)
    assert r.status_code == 200 and r.json()["status"] == "ended"
    late = api.patch("/eos/operators/DE1234567890", json={"name": "Y"}, headers=de)
    assert late.status_code == 409 and late.json()["errors"][0]["code"] == "92"
    assert api.get("/dds/eori/DE1234567890").json()["valid"] is False
    assert api.get("/dds/eori/DE1234567890?on=2024-12-31").json()["valid"] is True
    history = api.get("/eos/operators/DE1234567890/history", headers=de).json()
    assert [h["action"] for h in history] == ["register", "amend", "record_aeo", "end_validity"]


def test_duplicate_registration_is_a_conflict(api):
    de = api.headers_for("officer", country="DE", office="DE004700")
    assert api.post("/eos/operators", json=registration(), headers=de).status_code == 201
    r = api.post("/eos/operators", json=registration(), headers=de)
    assert r.status_code == 409 and r.json()["errors"][0]["code"] == "26"
