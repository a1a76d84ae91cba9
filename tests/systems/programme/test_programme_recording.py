"""Recording a year's activity data (API and service): who may record what, and the 2025 indicators the records give."""

from __future__ import annotations

from decimal import Decimal

from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.clitools import ADMIN
from eucustoms.systems.programme import loader, service
from eucustoms.systems.programme.checks import DISCREPANCY, FINDING, PASSED, run_checks
from eucustoms.systems.programme.messages import (
    ActionRecord,
    IncidentRecord,
    MeetingRecord,
    ParticipantsRecord,
    SurveyRecord,
    TrainingRecord,
    ValueRecord,
)

ACTION = {"reference": "PG-2025-001", "title": "Project group on e-commerce controls", "kind": "project_group",
          "areas": ["union_law", "best_practices"], "start_date": "2025-01-15"}
MEETING = {"reference": "M-2025-001", "action": "PG-2025-001", "title": "Kick-off", "format": "physical", "area": "union_law",
           "start_date": "2025-02-10", "end_date": "2025-02-11", "host_country": "DE"}


def test_a_coordinator_records_its_own_countrys_data_only(prog_api):
    api = prog_api
    commission = api.headers_for("commission")
    de = api.headers_for("officer", country="DE", office="DE004700", name="programme coordinator DE")
    fr = api.headers_for("officer", country="FR", office="FR000690", name="programme coordinator FR")
    trader = api.headers_for("trader", eori="DE000000000001")

    assert api.post("/programme/actions", json=ACTION, headers=commission).status_code == 201
    assert api.post("/programme/actions", json=ACTION, headers=de).status_code == 403  # the Commission's action
    own = {**ACTION, "reference": "WV-2025-DE", "kind": "working_visit", "lead_country": "DE"}
    assert api.post("/programme/actions", json=own, headers=de).status_code == 201
    assert api.post("/programme/actions", json={**own, "reference": "WV-2025-FR", "lead_country": "FR"}, headers=de).status_code == 403

    r = api.post("/programme/meetings", json={**MEETING, "participants": {"DE": 12}}, headers=de)
    assert r.status_code == 201, r.text
    assert r.json()["participants"] == {"DE": 12}
    r = api.post("/programme/meetings", json={**MEETING, "reference": "M-2", "participants": {"FR": 3}}, headers=de)
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/participants/FR"
    assert api.post("/programme/meetings", json={**MEETING, "reference": "M-3", "host_country": "FR"}, headers=de).status_code == 403
    unknown = api.post("/programme/meetings", json={**MEETING, "reference": "M-4", "action": "NOPE"}, headers=commission)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["pointer"] == "/action"

    # Each country records its own participants at any meeting, never another country's.
    assert api.post("/programme/participants", json={"meeting": "M-2025-001", "country": "FR", "participants": 4}, headers=fr).status_code == 201
    assert api.post("/programme/participants", json={"meeting": "M-2025-001", "country": "DE", "participants": 4}, headers=fr).status_code == 403

    training = {"reference": "CLEP-2025-07", "country": "FR", "year": 2025, "kind": "clep", "title": "X-ray scanner images",
                "customs_officials": 15}
    assert api.post("/programme/training", json=training, headers=fr).status_code == 201
    assert api.post("/programme/training", json={**training, "country": "DE"}, headers=fr).status_code == 403
    survey = {"year": 2025, "country": "FR", "answers": {"awareness": "advanced", "networking": 80}}
    assert api.post("/programme/survey", json=survey, headers=fr).status_code == 201
    assert api.post("/programme/survey", json={**survey, "country": "DE"}, headers=fr).status_code == 403
    bad = api.post("/programme/survey", json={**survey, "answers": {"awareness": "total"}}, headers=fr)
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"].startswith("/answers")
    incident = {"reference": "INC-1", "country": "FR", "system": "NCTS P5", "category": "gold",
                "opened_at": "2025-03-01T10:00:00Z", "resolved_at": "2025-03-01T12:00:00Z", "satisfaction": 4}
    assert api.post("/programme/incidents", json=incident, headers=fr).status_code == 201
    assert api.post("/programme/incidents", json={**incident, "country": "DE"}, headers=de).status_code == 403  # FR's incident

    assert api.post("/programme/actions", json={**ACTION, "reference": "X"}, headers=trader).status_code == 403
    assert api.post("/programme/values", json={"indicator": "OP 2.1.1", "year": 2025, "value": 1}, headers=de).status_code == 403
    assert api.get("/programme/indicators").status_code == 401

    seen_by_fr = api.get("/programme/records/2025", headers=fr).json()
    assert {p["country"] for p in seen_by_fr["participants"]} == {"FR"}
    assert [t["country"] for t in seen_by_fr["training"]] == ["FR"] and seen_by_fr["survey"] == {"FR": {"awareness": "advanced", "networking": 80}}
    seen_by_de = api.get("/programme/records/2025", headers=de).json()
    assert {p["country"] for p in seen_by_de["participants"]} == {"DE"} and seen_by_de["incidents"] == []
    everything = api.get("/programme/records/2025", headers=commission).json()
    assert {p["country"] for p in everything["participants"]} == {"DE", "FR"} and len(everything["actions"]) == 2

    ind = api.get("/programme/indicators/OP 2.1.2", params={"year": 2025}, headers=fr).json()
    assert ind["result"]["origin"] == "records" and ind["result"]["value"] == "1"
    participants = next(b for b in ind["result"]["breakdowns"] if b["dimension"] == "participants")
    assert participants["items"][0]["value"] == "16"


COORDINATOR_PL = Principal(role=Role.OFFICER, name="coordinator PL", country="PL", office="PL000000")


def _record_2025(conn) -> None:  # noqa: ANN001
    service.record_action(conn, ADMIN, ActionRecord.model_validate(ACTION))
    service.record_action(conn, ADMIN, ActionRecord.model_validate({**ACTION, "reference": "SEM-2025", "kind": "seminar",
                                                                     "areas": ["innovation"]}))
    for ref, action, fmt_, area, country in (("M1", "PG-2025-001", "physical", "union_law", "DE"), ("M2", "PG-2025-001", "online", "best_practices", None),
                                             ("M3", "SEM-2025", "hybrid", "innovation", "PL"), ("M4", "SEM-2025", "online", "other", None)):
        service.record_meeting(conn, ADMIN, MeetingRecord.model_validate({**MEETING, "reference": ref, "action": action, "format": fmt_,
                                                                          "area": area, "host_country": country}))
    service.record_meeting(conn, ADMIN, MeetingRecord.model_validate({**MEETING, "reference": "M5", "status": "cancelled"}))
    for meeting, country, n in (("M1", "DE", 10), ("M1", "PL", 5), ("M3", "PL", 20), ("M4", "FR", 7)):
        service.record_participants(conn, ADMIN if country != "PL" else COORDINATOR_PL,
                                    ParticipantsRecord(meeting=meeting, country=country, participants=n))
    service.record_training(conn, ADMIN, TrainingRecord.model_validate(
        {"reference": "ELC-GUM", "country": "EU", "year": 2025, "kind": "elearning", "title": "UCC Guarantee Management",
         "new_course": True, "languages": ["en", "de", "fr", "pl"], "quality": {"content": 80, "methodology": 70, "technology": 75}}))
    service.record_training(conn, COORDINATOR_PL, TrainingRecord.model_validate(
        {"reference": "ELC-GUM", "country": "PL", "year": 2025, "kind": "elearning", "title": "UCC Guarantee Management",
         "customs_officials": 400, "economic_operators": 100}))
    service.record_training(conn, COORDINATOR_PL, TrainingRecord.model_validate(
        {"reference": "CLEP-PL-1", "country": "PL", "year": 2025, "kind": "clep", "title": "Sniffer dogs", "customs_officials": 12}))
    for country, level, score in (("PL", "advanced", 80), ("DE", "basic", 60), ("FR", "basic", 70), ("IT", "none", 50)):
        service.record_survey(conn, ADMIN, SurveyRecord(year=2025, country=country, answers={"awareness": level, "ees_innovation": score}))
    for ref, opened, resolved, cat, sat in (("I1", "2025-05-01T08:00:00Z", "2025-05-01T10:00:00Z", "gold", 5),
                                            ("I2", "2025-05-02T08:00:00Z", "2025-05-03T08:00:00Z", "silver", 3),
                                            ("I3", "2025-05-03T08:00:00Z", None, "best_effort", None)):
        service.record_incident(conn, ADMIN, IncidentRecord.model_validate(
            {"reference": ref, "country": "PL", "system": "UCC GUM", "category": cat, "opened_at": opened, "resolved_at": resolved,
             "satisfaction": sat}))


def test_the_2025_indicators_come_from_the_records_and_are_checked_against_published_values(loaded):
    with loaded.begin() as conn:
        _record_2025(conn)
    with loaded.read() as conn:
        ds = loader.read_dataset(conn, 2025)
    d = ds.derived
    assert d["OP 2.1 sub-indicator 1"].value == 2
    assert {i.key: i.value for i in d["OP 2.1 sub-indicator 1"].items} == {"best_practices": 1, "innovation": 1, "union_law": 1}
    meetings = d["OP 2.1 sub-indicator 2"]
    assert meetings.value == 4  # the cancelled meeting does not count
    assert {i.key: i.value for i in meetings.items_of("format")} == {"hybrid": 1, "online": 2, "physical": 1}
    assert {i.key: i.value for i in meetings.items_of("area")} == {"union_law": 1, "other": 3}
    assert meetings.item("participants", "total").value == 42
    assert {i.key: i.value for i in d["OP 2.2 sub-indicator 1"].items} == {"english": 1, "national": 3}
    trained = d["OP 2.2 sub-indicator 2"]
    assert trained.value == 512 and trained.item("training", "clep").value == 12
    assert trained.item("professional", "economic_operators").value == 100
    assert d["OP 2.2 sub-indicator 3"].value == Decimal("75.0")
    assert d["OP 1.4 sub-indicator 1"].value == Decimal("50.00")  # gold in 2 h (on time), silver in 24 h (late)
    assert d["OP 1.4 sub-indicator 2"].value == Decimal("4.00")
    awareness = d["OP 3 sub-indicator 1"]
    assert {i.key: i.value for i in awareness.items} == {"advanced": Decimal("25.00"), "basic": Decimal("50.00"),
                                                         "very_basic": Decimal("0.00"), "none": Decimal("25.00")}
    assert awareness.value == Decimal("58.33")  # (1 + 2/3 + 2/3 + 0) / 4
    assert d["RES 4 sub-indicator 1"].value == Decimal("65.00")
    assert ds.survey["respondents"] == 4

    assert run_checks(ds, ["RECORDS_VS_REPORTED"]).outcomes[0].status == "skipped"  # nothing published for 2025 yet

    with loaded.begin() as conn:
        service.record_value(conn, ADMIN, ValueRecord(indicator="OP 2.1.2", year=2025, value=Decimal(5), narrative="five meetings"))
        service.record_value(conn, ADMIN, ValueRecord(indicator="OP 2.2.1", year=2025, value=Decimal(4), breakdowns=[
            {"dimension": "language", "aggregate": "sum", "items": [{"key": "english", "value": 1}, {"key": "national", "value": 3}]}]))
    with loaded.read() as conn:
        ds = loader.read_dataset(conn, 2025)
    outcomes = {o.subject: o for o in run_checks(ds, ["RECORDS_VS_REPORTED"]).outcomes}
    assert (outcomes["OP 2.1.2"].status, outcomes["OP 2.1.2"].severity) == (FINDING, DISCREPANCY)
    assert "published 5, records give 4" in outcomes["OP 2.1.2"].message
    assert outcomes["OP 2.2.1"].status == PASSED
