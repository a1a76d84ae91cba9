"""A simulated day through the systems' services: planted patterns with their ground truth, bad messages
rejected with the right error and nothing else lost, and the ground-truth scoring of the risk engine."""

from __future__ import annotations

from datetime import UTC

from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.context import Context
from eucustoms.sim import badinput, fraud, truth

ADMIN = Principal(role=Role.COMMISSION, name="test")


def test_every_good_message_passes_and_nothing_is_lost(simulated):
    s = simulated["summary"]
    assert s["errors"]["count"] == 0, s["errors"]["sample"]
    assert s["audit"]["missing"] == 0 and s["audit"]["checked"] > 50
    systems = {r["system"]: r for r in s["systems"]}
    assert systems["ICS2"]["generated"] > 0 and systems["IMPORTS"]["generated"] > 0
    assert systems["SURV"]["generated"] > 0 and systems["DDS"]["generated"] > 0
    assert systems["POUS"]["generated"] >= 1 and systems["CERTEX"]["generated"] >= 1
    counters = s["counters"]
    assert counters.get("ics2.arrivals", 0) > 0 and counters.get("imports.following_arrival", 0) > 0
    assert counters.get("pous.endorsed", 0) >= 1
    assert any(k.startswith("certex.used.") for k in counters)


def test_planted_patterns_are_recorded_with_their_truth(simulated):
    db, s = simulated["db"], simulated["summary"]
    with db.read() as conn:
        cases = truth.cases(conn, s["run_id"])
    planted = {c["pattern"] for c in cases if c["pattern"]}
    assert {"undervaluation", "origin_fraud", "misclassification", "split_consignment", "smuggling_network"} <= planted
    ctx = Context.open(db)
    from eucustoms.systems.ics2 import service as ics2
    from eucustoms.systems.imports import service as imports

    for c in cases:
        if not c["pattern"]:
            continue
        assert c["risk_type"] in ("financial", "safety_security")
        consult = ics2.consult if c["system"] == "ICS2" else imports.consult
        found = consult(ctx, ADMIN, c["reference"])  # the reference is the system's own MRN
        assert found["mrn"] == c["reference"]
        if c["pattern"] == "undervaluation":
            assert float(c["facts"]["declared_value"]) < 0.2 * float(c["facts"]["true_value"])
        if c["pattern"] == "smuggling_network":
            assert c["facts"]["network"] and c["facts"]["entry_country"] in ("NL", "BE", "DE", "FR", "ES")
    network_entries = {c["facts"]["entry_country"] for c in cases if c["pattern"] == "smuggling_network"
                       and c["system"] == "ICS2"}
    assert network_entries  # the network's goods enter through the member states of its fronts


def test_controls_find_the_truth(simulated):
    counters = simulated["summary"]["counters"]
    # Controlled planted declarations are found irregular (the officer finds what was planted).
    assert counters.get("imports.controls.irregularity", 0) > 0


def test_bad_messages_are_rejected_as_expected_and_change_nothing(simulated):
    bad = simulated["summary"]["bad_input"]
    assert bad["ok"], bad
    sent = {k: v["sent"] for k, v in bad["kinds"].items()}
    for kind in ("ics2.malformed", "ics2.duplicate", "ics2.unknown_reference", "imports.malformed",
                 "imports.duplicate", "imports.unknown_reference", "dds.malformed"):
        assert sent[kind] >= 1, (kind, bad["kinds"][kind])
    for kind, v in bad["kinds"].items():
        assert v["rejected_as_expected"] == v["sent"], (kind, v["mismatches"])
        assert v["victims_changed"] == 0
    assert set(badinput.KINDS) == set(bad["kinds"])


def test_ground_truth_scoring(simulated):
    from eucustoms.systems.risk.ground_truth import evaluate

    db, s = simulated["db"], simulated["summary"]
    result = evaluate(db, run=s["run_id"], rates=[0.01, 0.05, 0.2])
    assert result["run"] == s["run_id"] and result["planted"] > 0
    assert result["unreadable"] == 0
    recalls = [r["recall"] for r in result["all"]["at_rates"]]
    assert recalls == sorted(recalls)  # more controls never find less
    imports = result["systems"]["IMPORTS"]
    assert imports["at_rates"][-1]["patterns"]["undervaluation"]["recall"] > 0.5  # the reference-price rules work
    assert 0 < imports["engine_selection"]["controlled"] < imports["consignments"]


def test_fraud_shares_are_documented():
    assert set(fraud.SHARES) == set(fraud.PATTERNS)
    for pattern in fraud.PATTERNS:
        assert f"``{pattern}``" in fraud.__doc__
    for kind in badinput.KINDS:
        assert f"``{kind}``" in badinput.__doc__


def test_transit_and_export_flows(simulated):
    """Transit (NCTS) movements and exports run through their services, with their ground truth."""
    s = simulated["summary"]
    c = s["counters"]
    assert c.get("transit.CC015C", 0) >= 1 and c.get("export.lodged", 0) >= 1
    systems = {r["system"]: r for r in s["systems"]}
    assert systems["NCTS"]["generated"] > 0 and systems["ECS"]["generated"] > 0
    with simulated["db"].read() as conn:
        cases = truth.cases(conn, s["run_id"])
    assert {"NCTS", "ECS"} <= {x["system"] for x in cases}


def test_on_postgresql_with_two_worker_processes(pg_box):
    """The same run on PostgreSQL, shared by two worker processes: nothing lost, every bad message rejected."""
    from datetime import datetime

    from eucustoms.sim.runner import Config
    from eucustoms.sim.workers import simulate_parallel

    s = simulate_parallel(pg_box, Config(days=0.25, scale=0.0001, seed=9, threads=2, workers=2, bad_share=0.05,
                                         start=datetime(2026, 3, 2, tzinfo=UTC)))
    assert s["errors"]["count"] == 0, s["errors"]["sample"]
    assert s["bad_input"]["ok"], s["bad_input"]
    assert s["audit"]["missing"] == 0
    assert len(s["per_worker"]) == 2 and all(w["steps"] > 0 for w in s["per_worker"])
    systems = {r["system"]: r for r in s["systems"]}
    assert systems["ICS2"]["generated"] > 0 and systems["IMPORTS"]["generated"] > 0
    with pg_box.read() as conn:
        assert truth.cases(conn, s["run_id"])
