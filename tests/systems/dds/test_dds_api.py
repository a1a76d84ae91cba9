"""The public data-dissemination services: no token, every answered look-up counted per service (and only
those), the per-caller rate limit, and what each service reveals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient

from eucustoms.app import create_app
from eucustoms.core.identifiers import MRN
from eucustoms.platform import telemetry
from eucustoms.systems.dds.catalogue import SERVICES, TOTAL_2024
from eucustoms.systems.dds.routes import tally
from eucustoms.systems.surveillance import service as surveillance
from eucustoms.union import open_union


def consultations(api) -> dict[str, int]:
    tally(api.ctx).flush()
    with api.ctx.db.read() as conn:
        return {k: n for (s, k), n in telemetry.totals(conn, metric=telemetry.CONSULTATIONS).items() if s == "dds"}


def test_the_catalogue_adds_up_to_the_reports_total(box_api):
    assert sum(s.consultations_2024 for s in SERVICES if s.consultations_2024) == TOTAL_2024
    listed = box_api.get("/dds/services").json()
    assert {s["key"] for s in listed} == {"CDS", "COL", "EBTI", "MRN", "QUOTA", "TARIC", "CLASS", "EOS", "ECICS",
                                          "SUSP", "SURV", "REX"}


def test_offices_taric_quota_and_suspension_look_ups_are_public_and_counted(box_api):
    office = box_api.get("/dds/offices/DE004851")
    assert office.status_code == 200, office.text
    assert office.json()["country"] == "DE" and office.json()["roles"]
    listed = box_api.get("/dds/offices", params={"country": "NL", "role": "ENT"}).json()
    assert listed["total"] > 0 and all("ENT" in o["roles"] for o in listed["items"])
    taric = box_api.get("/dds/taric/6109100000", params={"on": "2026-03-02", "origin": "VN"})
    assert taric.status_code == 200 and taric.json()["declarable"]
    quota = box_api.get("/dds/quotas/091528", params={"on": "2026-05-01"})
    assert quota.status_code == 200 and quota.json()["balance"] == "2550000"
    susp = box_api.get("/dds/suspensions/8507600010", params={"on": "2026-03-02"}).json()
    assert susp["suspended"] and {m["measure_type"] for m in susp["measures"]} == {"112"}
    assert box_api.get("/dds/suspensions/6109100000", params={"on": "2026-03-02"}).json()["suspended"] is False
    assert consultations(box_api) == {"COL": 2, "TARIC": 1, "QUOTA": 1, "SUSP": 2}


def test_unknown_and_malformed_numbers_get_a_reason_and_are_not_counted(box_api):
    r = box_api.get("/dds/offices/DE999999")
    assert r.status_code == 404 and r.json()["errors"][0]["code"] == "NOT_FOUND"
    bad = box_api.get("/dds/offices/D3")
    assert bad.status_code == 422 and bad.json()["errors"][0]["reason"]
    assert box_api.get("/dds/quotas/12").status_code == 422
    assert box_api.get("/dds/quotas/099999").status_code == 404
    assert box_api.get("/dds/mrn/26DE00000000000000").status_code == 422  # wrong procedure letter / check digit
    assert box_api.get("/dds/taric/99").status_code in (404, 422)
    assert consultations(box_api) == {}


def test_surveillance_is_public_only_as_totals_of_enough_items(box_api):
    with box_api.ctx.db.begin() as conn:
        rows = [{"flow": "I", "mrn": str(MRN.build(2026, "NL", n, "R")), "item": 1, "country": "NL", "office": "NL000396",
                 "release_date": date(2026, 3, 2 + n % 3), "procedure": "4000", "goods_code": "6403999300",
                 "origin": "CN", "partner": "CN", "net_mass": Decimal("100.5"), "value_eur": Decimal("1000")}
                for n in range(4)]
        rows.append({**rows[0], "mrn": str(MRN.build(2026, "DE", 9, "R")), "country": "DE", "office": "DE004851",
                     "origin": "VN", "partner": "VN"})
        assert surveillance.record(conn, rows) == 5
        assert surveillance.record(conn, rows[:2]) == 0  # a second record of the same item changes nothing
    r = box_api.get("/dds/surveillance", params={"goods_code": "6403", "by": "origin"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["groups"] == [{"origin": "CN", "items": 4, "declarations": 4, "net_mass_kg": "402.0",
                               "supplementary_quantity": "0", "value_eur": "4000"}]
    assert body["suppressed_groups"] == 1  # VN: a single item would reveal one trader's business
    assert "mrn" not in str(body)
    officer = box_api.headers_for("officer", country="DE", office="DE004851")
    full = box_api.post("/surveillance/aggregates", json={"goods_code": "6403", "group_by": ["origin"]},
                        headers=officer).json()
    assert full["groups"] == [{"origin": "VN", "items": 1, "declarations": 1, "net_mass_kg": "100.5",
                               "supplementary_quantity": "0", "value_eur": "1000"}]  # its own country only
    assert box_api.post("/surveillance/aggregates", json={"group_by": ["origin"]}).status_code == 401
    assert consultations(box_api) == {"SURV": 1}


def test_a_greedy_caller_is_slowed_down_and_others_are_not(box):
    ctx = open_union(db=box)
    ctx.settings["public_rate"] = (1, 3)
    with TestClient(create_app(ctx, deliver_messages=False), raise_server_exceptions=False) as client:
        codes = [client.get("/dds/services").status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
        r = client.get("/dds/services")
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert r.json()["errors"][0]["code"] == "429"
        # A caller with a token has its own bucket.
        assert client.get("/dds/services", headers={"Authorization": "Bearer euc_x_y"}).status_code == 200



def test_mrn_follow_up_shows_only_the_status_of_a_proof_of_union_status(box_api):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "status"))
    import pous_support as ps

    from eucustoms.systems.status import service as pous

    ps.prepare(box_api.ctx.db)
    with box_api.ctx.db.begin() as conn:
        proof = pous.request(conn, ps.TRADER, ps.t2l())
        pous.endorse(conn, ps.DE_OFFICER, proof.mrn)
    r = box_api.get(f"/dds/mrn/{proof.mrn}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["mrn"] == proof.mrn and body["system"] == "pous" and body["state"] == "registered"
    assert ps.HOLDER not in r.text  # no party is public
    assert proof.mrn[16] == "P"
    assert box_api.get(f"/dds/mrn/{proof.mrn[:16]}J{proof.mrn[17]}").status_code in (404, 422)
    assert consultations(box_api) == {"MRN": 1}


def test_decisions_aeo_and_rex_look_ups_say_not_found_or_invalid(box_api):
    # As the EORI validation: a well-formed number that is not registered is an answer ("not found"), counted.
    unknown = box_api.get("/dds/decisions/DECCL0000000042")
    assert unknown.status_code == 200 and unknown.json()["found"] is False
    assert box_api.get("/dds/decisions/nonsense").status_code == 422
    assert box_api.get("/dds/aeo/XX12").status_code == 422
    aeo = box_api.get("/dds/aeo/DE1234567890")
    assert aeo.status_code == 200, aeo.text
    assert box_api.get("/dds/rex/garbage!").status_code == 422
    assert consultations(box_api) == {"EOS": 1, "CDS": 1}


def test_chemicals_and_bti_look_ups(box_api):
    found = box_api.get("/dds/ecics/64-17-5")
    assert found.status_code == 200, found.text
    assert any("ethanol" in str(s).lower() for s in found.json())
    assert box_api.get("/dds/ecics/64-17-6").status_code == 422  # wrong CAS check digit, with the reason
    assert box_api.get("/dds/ecics/7440-44-0").status_code in (404, 200)
    by_name = box_api.get("/dds/ecics", params={"name": "ACETONE"})
    assert by_name.status_code == 200 and by_name.json()["total"] >= 1
    bti = box_api.get("/dds/ebti", params={"code": "0702"})
    assert bti.status_code == 200 and bti.json()["total"] == 0
    assert box_api.get("/dds/ebti/not a reference").status_code == 422
    counts = consultations(box_api)
    assert counts["EBTI"] == 1 and counts["ECICS"] >= 2
