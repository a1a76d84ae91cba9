"""ICS2 end to end through the API: lodging, the common repository linking partial filings, risk analysis
by the member state of first entry, referrals, do-not-load, amendment, invalidation, arrival, presentation,
control, and the access rules."""

from __future__ import annotations

import copy

import pytest

from eucustoms.core.identifiers import MRN
from eucustoms.systems.ics2.messages import examples

CARRIER = examples.OCEAN_CARRIER["identification_number"]
AIRLINE = examples.AIRLINE["identification_number"]
HOUSE_FILER = examples.HOUSE_FILER["identification_number"]


def trader(api, eori):
    return api.headers_for("trader", eori=eori)


def notifications(api, eori):
    return [n["message_type"] for n in api.get("/notifications", headers=trader(api, eori)).json()]


def consult(api, eori, mrn):
    r = api.get(f"/ics2/filings/{mrn}", headers=trader(api, eori))
    assert r.status_code == 200, r.text
    return r.json()


def test_a_complete_sea_filing_is_registered_analysed_and_assessed(box_api):
    api = box_api
    r = api.post("/ics2/filings/IE3F11", json=examples.sea_f11(), headers=trader(api, CARRIER))
    assert r.status_code == 201, r.text
    answer = r.json()
    mrn = MRN.parse(answer["mrn"])
    assert mrn.procedure.value == "T" and mrn.country == "NL"
    assert answer["state"] == "under_risk_analysis"
    api.drain()
    ens = consult(api, CARRIER, answer["mrn"])
    assert ens["state"] == "assessment_complete"
    assert [m["message_type"] for m in ens["message_log"]] == ["IE3F11", "IE3R01", "IE3N03"]
    assert notifications(api, CARRIER) == ["IE3R01", "IE3N03"]
    # The national entry system of first entry has its case; officers of that country see it.
    nl = api.headers_for("officer", country="NL", office="NL000396")
    cases = api.get("/ics2/national/cases", headers=nl).json()
    assert [c["mrn"] for c in cases["items"]] == [answer["mrn"]]
    assert api.get(f"/ics2/filings/{answer['mrn']}", headers=nl).status_code == 200
    officer_view = api.get(f"/ics2/filings/{answer['mrn']}", headers=nl).json()
    assert {x["message_type"] for x in officer_view["domain_exchanges"]} == {"ICS2_RA_REQ", "ICS2_RA_RES"}


def test_partial_filings_wait_for_each_other_and_the_missing_party_is_told(box_api):
    api = box_api
    master = api.post("/ics2/filings/IE3F12", json=examples.sea_f12(), headers=trader(api, CARRIER)).json()
    assert master["state"] == "pending"
    api.drain()
    assert consult(api, CARRIER, master["mrn"])["state"] == "pending"
    assert notifications(api, CARRIER) == ["IE3R01", "IE3N11"]
    assert notifications(api, HOUSE_FILER) == ["IE3N02"]

    house = api.post("/ics2/filings/IE3F15", json=examples.sea_f15(), headers=trader(api, HOUSE_FILER)).json()
    assert house["state"] == "under_risk_analysis"
    api.drain()
    for eori, mrn in ((CARRIER, master["mrn"]), (HOUSE_FILER, house["mrn"])):
        ens = consult(api, eori, mrn)
        assert ens["state"] == "assessment_complete"
        assert {f["mrn"] for f in ens["linked_filings"]} == {master["mrn"], house["mrn"]}


def _air_with(description: str | None = None, hs: str | None = None, un: list[str] | None = None) -> dict:
    payload = examples.air_f26()
    item = payload["consignment"]["house_consignments"][0]["goods_items"][0]
    if description:
        item["description_of_goods"] = description
    if hs:
        item["hs_code"] = hs
        item.pop("cn_code", None)
    if un is not None:
        item["un_dangerous_goods_codes"] = un
    return payload


def test_an_rfs_referral_holds_the_analysis_until_the_screening_answer(box_api):
    api = box_api
    r = api.post("/ics2/filings/IE3F26", json=_air_with(description="Electric detonators for mining"),
                 headers=trader(api, AIRLINE))
    assert r.status_code == 201, r.text
    mrn = r.json()["mrn"]
    api.drain()
    ens = consult(api, AIRLINE, mrn)
    assert ens["state"] == "referral"
    assert notifications(api, AIRLINE)[-1] == "IE3Q03"
    referral = api.get("/ics2/referrals", headers=trader(api, AIRLINE)).json()
    assert [x["kind"] for x in referral] == ["RFS"]
    # An incomplete answer is rejected with every missing element.
    bad = api.post(f"/ics2/referrals/{referral[0]['id']}/response", json={}, headers=trader(api, AIRLINE))
    assert bad.status_code == 422 and {e["pointer"] for e in bad.json()["errors"]} == {"/screening_methods", "/result"}
    ok = api.post(f"/ics2/referrals/{referral[0]['id']}/response",
                  json={"screening_methods": ["EDS", "XRY"], "result": "no_threat"}, headers=trader(api, AIRLINE))
    assert ok.status_code == 200 and ok.json()["state"] == "under_risk_analysis"
    api.drain()
    assert consult(api, AIRLINE, mrn)["state"] == "assessment_complete"
    assert [m["message_type"] for m in consult(api, AIRLINE, mrn)["message_log"]][-2:] == ["IE3R03", "IE3N03"]


def test_a_screening_that_finds_a_threat_ends_in_do_not_load(box_api):
    api = box_api
    mrn = api.post("/ics2/filings/IE3F26", json=_air_with(description="Detonating cord"),
                   headers=trader(api, AIRLINE)).json()["mrn"]
    api.drain()
    ref = api.get("/ics2/referrals", headers=trader(api, AIRLINE)).json()[0]
    api.post(f"/ics2/referrals/{ref['id']}/response", json={"screening_methods": ["XRY"], "result": "threat"},
             headers=trader(api, AIRLINE))
    api.drain()
    assert consult(api, AIRLINE, mrn)["state"] == "do_not_load"
    assert notifications(api, AIRLINE)[-1] == "IE3Q01"


def test_explosives_without_a_class_1_number_are_do_not_load_at_once(box_api):
    api = box_api
    mrn = api.post("/ics2/filings/IE3F26", json=_air_with(hs="360200", un=[]), headers=trader(api, AIRLINE)).json()["mrn"]
    api.drain()
    ens = consult(api, AIRLINE, mrn)
    assert ens["state"] == "do_not_load"
    assert ens["referrals"][0]["kind"] == "DNL"
    # A do-not-load consignment cannot be notified as arrived: the incorrect-state rejection.
    r = api.post("/ics2/arrivals", json={"mrns": [mrn]}, headers=trader(api, AIRLINE))
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "92"


def test_amendment_reopens_the_analysis_and_is_refused_after_arrival(box_api):
    api = box_api
    payload = examples.sea_f11()
    mrn = api.post("/ics2/filings/IE3F11", json=payload, headers=trader(api, CARRIER)).json()["mrn"]
    api.drain()
    changed = copy.deepcopy(payload)
    changed["consignment"]["house_consignments"][0]["goods_items"][0]["description_of_goods"] = "Wooden dining chairs, oak"
    r = api.post(f"/ics2/filings/{mrn}/amendments/IE3A11", json=changed, headers=trader(api, CARRIER))
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "under_risk_analysis" and r.json()["version"] == 2
    api.drain()
    assert consult(api, CARRIER, mrn)["state"] == "assessment_complete"
    assert api.post("/ics2/arrivals", json={"mrns": [mrn]}, headers=trader(api, CARRIER)).status_code == 200
    late = api.post(f"/ics2/filings/{mrn}/amendments/IE3A11", json=changed, headers=trader(api, CARRIER))
    assert late.status_code == 409 and late.json()["errors"][0]["code"] == "92"
    wrong_type = api.post(f"/ics2/filings/{mrn}/amendments/IE3A12", json=changed, headers=trader(api, CARRIER))
    assert wrong_type.status_code == 422


def test_invalidation_then_nothing_more(box_api):
    api = box_api
    mrn = api.post("/ics2/filings/IE3F11", json=examples.sea_f11(), headers=trader(api, CARRIER)).json()["mrn"]
    r = api.post(f"/ics2/filings/{mrn}/invalidation", json={"reason": "booking cancelled"}, headers=trader(api, CARRIER))
    assert r.status_code == 200 and r.json()["state"] == "invalidated"
    api.drain()  # the late risk result finds the filing invalidated and changes nothing
    assert consult(api, CARRIER, mrn)["state"] == "invalidated"
    again = api.post(f"/ics2/filings/{mrn}/invalidation", json={}, headers=trader(api, CARRIER))
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "92"


def test_arrival_presentation_and_control_result_label_the_consignment(box_api):
    from sqlalchemy import select

    from eucustoms.systems.risk.store import risk_assessment

    api = box_api
    mrn = api.post("/ics2/filings/IE3F11", json=examples.sea_f11(), headers=trader(api, CARRIER)).json()["mrn"]
    api.drain()
    r = api.post("/ics2/arrivals", json={"mrns": [mrn], "office": "NL000396"}, headers=trader(api, CARRIER))
    assert r.status_code == 200 and r.json()["mrns"] == [mrn]
    api.drain()
    nl = api.headers_for("officer", country="NL", office="NL000396")
    de = api.headers_for("officer", country="DE", office="DE004700")
    assert api.post(f"/ics2/national/cases/{mrn}/presentation", headers=de).status_code == 404
    assert api.post(f"/ics2/national/cases/{mrn}/presentation", headers=nl).status_code == 200
    bad = api.post(f"/ics2/national/cases/{mrn}/control-result", json={"control_type": "x", "result": "y"}, headers=nl)
    assert bad.status_code == 422 and {e["pointer"] for e in bad.json()["errors"]} == {"/control_type", "/result"}
    done = api.post(f"/ics2/national/cases/{mrn}/control-result",
                    json={"control_type": "physical", "result": "seizure", "risk_type": "safety_security",
                          "findings": "undeclared lithium batteries"}, headers=nl)
    assert done.status_code == 200, done.text
    api.drain()
    assert consult(api, CARRIER, mrn)["state"] == "controlled"
    with api.ctx.db.read() as conn:
        labels = conn.execute(select(risk_assessment.c.label, risk_assessment.c.labelled_by)
                              .where(risk_assessment.c.subject == mrn)).all()
    assert labels and all(label == 1 and by == "NL" for label, by in labels)


def test_bad_filings_list_every_error_and_store_nothing(box_api):
    api = box_api
    payload = examples.sea_f11()
    del payload["consignment"]["place_of_loading"]
    payload["consignment"]["house_consignments"][0]["goods_items"][0]["hs_code"] = "999999"
    payload["consignment"]["house_consignments"][0]["goods_items"][0]["packaging"][0]["type_of_packages"] = "Q9"
    r = api.post("/ics2/filings/IE3F11", json=payload, headers=trader(api, CARRIER))
    assert r.status_code == 422
    pointers = {e["pointer"] for e in r.json()["errors"]}
    assert "/consignment/place_of_loading" in pointers
    assert "/consignment/house_consignments/0/goods_items/0/hs_code" in pointers
    assert "/consignment/house_consignments/0/goods_items/0/packaging/0/type_of_packages" in pointers
    assert api.get("/ics2/filings", headers=trader(api, CARRIER)).json()["total"] == 0
    assert notifications(api, CARRIER) == []
    assert api.post("/ics2/filings/IE3F99", json=payload, headers=trader(api, CARRIER)).status_code == 422
    assert api.post("/ics2/filings/IE3F11", json=[1], headers=trader(api, CARRIER)).status_code == 422


def test_duplicate_lrn_and_filing_for_someone_else(box_api):
    api = box_api
    assert api.post("/ics2/filings/IE3F11", json=examples.sea_f11(), headers=trader(api, CARRIER)).status_code == 201
    dup = api.post("/ics2/filings/IE3F11", json=examples.sea_f11(), headers=trader(api, CARRIER))
    assert dup.status_code == 422 and dup.json()["errors"][0]["code"] == "26"
    other = api.post("/ics2/filings/IE3F11", json=examples.sea_f11(), headers=trader(api, "FR12345678901"))
    assert other.status_code == 422
    assert other.json()["errors"][0]["pointer"] == "/declarant/identification_number"


def test_a_trader_never_sees_or_acts_on_another_traders_filing(box_api):
    api = box_api
    mrn = api.post("/ics2/filings/IE3F11", json=examples.sea_f11(), headers=trader(api, CARRIER)).json()["mrn"]
    intruder = trader(api, "FR12345678901")
    assert api.get(f"/ics2/filings/{mrn}", headers=intruder).status_code == 404
    assert api.post(f"/ics2/filings/{mrn}/invalidation", json={}, headers=intruder).status_code == 404
    assert api.post("/ics2/arrivals", json={"mrns": [mrn]}, headers=intruder).status_code == 422
    assert api.get("/ics2/filings", headers=intruder).json()["total"] == 0
    assert api.get(f"/ics2/filings/{mrn}", headers=api.headers_for("officer", country="DE", office="DE004700")).status_code == 404
    assert api.get(f"/ics2/filings/{mrn}").status_code == 401
    # The trader's own view never shows the risk analysis.
    api.drain()
    assert consult(api, CARRIER, mrn)["risk_outcome"] is None
