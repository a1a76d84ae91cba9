"""The SSA analytics model trained on control results: consignments analysed by the central analysis, labelled by
the member states' controls, a model trained on them, registered, activated and then used by the analysis.

The traffic is synthetic: ordinary consignees that enter the Union through their own member state, and two
planted patterns that only the EU-level view shows: a network of consignees entering through several member
states at shared addresses, and footwear (HS 6403) dispatched from one origin."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from sqlalchemy import select

from eucustoms.core.clock import Clock, use_clock
from eucustoms.core.errors import Rejected
from eucustoms.systems.risk import service, training
from eucustoms.systems.risk.ssa_model import SsaModel, metadata_path
from eucustoms.systems.risk.store import risk_assessment, risk_model

MEMBER_STATES = ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
                 "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK")
ORIGINS = ("CN", "VN", "US", "TR", "IN", "HK")
GOODS = ("851712", "847130", "940350", "620342", "392690", "950300", "640399", "420292")
NETWORK_STATES = ("BE", "NL", "DE", "FR", "PL")
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone.utc)


class Traffic:
    """Consignments with a ground truth: ``fraud`` says whether a control would find an irregularity."""

    def __init__(self, seed: int = 0):
        self.rng = np.random.default_rng(seed)
        self.n = 0
        self.consignees = [(f"DE{100000 + i}", f"Trading {i} GmbH", self.rng.choice(MEMBER_STATES), f"street {i}")
                           for i in range(120)]
        self.network = [(f"NL{900000 + i}", f"Shell {i} BV", None, f"Hub {i % 2} Avenue") for i in range(8)]

    def consignment(self) -> tuple[dict, bool]:
        rng = self.rng
        self.n += 1
        networked = rng.random() < 0.12
        if networked:
            cid, name, _, address = self.network[rng.integers(len(self.network))]
            country = str(rng.choice(NETWORK_STATES))
        else:
            cid, name, home, address = self.consignees[rng.integers(len(self.consignees))]
            country = str(home if rng.random() < 0.9 else rng.choice(MEMBER_STATES))
        dispatch = str(rng.choice(ORIGINS))
        hs6 = str(rng.choice(GOODS))
        n_items = int(rng.integers(1, 4))
        items = [{"hs6": hs6 if i == 0 else str(rng.choice(GOODS)), "gross_mass_kg": round(float(rng.lognormal(3, 1)), 1)}
                 for i in range(n_items)]
        footwear_route = hs6.startswith("6403") and dispatch == "HK"
        p = 0.75 if networked else (0.6 if footwear_route else 0.03)
        fraud = bool(rng.random() < p)
        facts = {
            "kind": "ens", "mode": str(rng.choice(["air", "sea", "road"])),
            "reference": f"26{country}{self.n:014d}/1",
            "countries": {"dispatch": dispatch, "origin": dispatch, "first_entry": country},
            "parties": {"consignee": {"id": cid, "name": name, "country": country},
                        "consignor": {"name": f"Exporter {int(rng.integers(40))}", "country": dispatch},
                        "declarant": {"id": f"IE{int(rng.integers(15)):06d}"}},
            "items": items,
            "attributes": {"consignee_address": address},
        }
        return facts, fraud


def feed(conn, traffic: Traffic, clock: Clock, n: int, *, batch: int = 20,
         controlled: float = 1.0) -> list[tuple[str, bool, dict]]:
    """Analyse ``n`` consignments in batches (an hour apart) and feed back the control results of the
    ``controlled`` share of them before the next batch, as the member states would. Returns (reference,
    fraud, facts) of each."""
    out: list[tuple[str, bool, dict]] = []
    for _ in range(0, n, batch):
        made = [traffic.consignment() for _ in range(batch)]
        by_country: dict[str, list[dict]] = {}
        for facts, _ in made:
            by_country.setdefault(facts["countries"]["first_entry"], []).append(facts)
        for country, facts_list in by_country.items():
            service.central_analysis(conn, facts_list, country=country)
        for facts, fraud in made:
            if traffic.rng.random() < controlled:
                result = {"result": "seizure" if fraud else "no_findings", "risk_type": "financial",
                          "critical": bool(fraud and traffic.rng.random() < 0.3)}
                service.record_control_result(conn, [facts["reference"]], country=facts["countries"]["first_entry"],
                                              result=result)
            out.append((facts["reference"], fraud, facts))
        clock.advance(dt.timedelta(hours=1))
    return out


@pytest.fixture
def clock():
    fixed = Clock.fixed(START)
    old = use_clock(fixed)
    service._models.clear()
    try:
        yield fixed
    finally:
        use_clock(old)
        service._models.clear()


def test_a_model_trained_on_control_results_ranks_the_planted_frauds_first_and_signals_them(db, clock, tmp_path):
    traffic = Traffic(seed=1)
    with db.begin() as conn:
        feed(conn, traffic, clock, 400)
    steps: list[str] = []
    summary = training.train(db, out_dir=tmp_path / "models", min_rows=200, progress=steps.append)
    json.dumps(summary)
    assert summary["version"].startswith("ssa-2026030") and summary["active"]
    assert summary["rows"] == 400 and summary["split"]["train"] == 300 and summary["valid"]["rows"] == 100
    assert 0 < summary["signal"]["threshold"] < 1 and steps and steps[-1].startswith("saved")
    with db.read() as conn:
        reg = conn.execute(select(risk_model)).mappings().one()
    assert reg["kind"] == "ssa" and reg["active"] and reg["rows"] == 400 and reg["path"] == summary["path"]
    assert reg["metrics"]["valid"]["auc"] > 0.7

    # held out: the traffic that follows, scored by the active model as it arrives
    clock.advance(dt.timedelta(days=1))
    with db.begin() as conn:
        later = feed(conn, traffic, clock, 300)
    result = training.evaluate(db)
    base_rate = sum(f for _, f, _ in later) / len(later)
    assert result["rows"] == 300 and result["seen_in_training"] == 0
    assert result["metrics"]["precision@10%"] >= max(0.6, 3 * base_rate), result["metrics"]
    assert result["metrics"]["auc"] > 0.75
    rules = result["baselines"]["ssa_rule_signals"]
    assert rules["rows"] == 300 and "precision@10%" in rules["metrics"]
    # The criteria run in the member states' domains: the central evaluation does not read their tables.
    assert result["baselines"]["common_risk_criteria"]["rows"] == 0
    json.dumps(result)

    with db.read() as conn:
        model = service.active_model(conn)
        rows = conn.execute(select(risk_assessment).where(risk_assessment.c.reference.in_([r for r, _, _ in later]))
                            ).mappings().all()
    assert model is not None and model.version == summary["version"]
    assert all(r["model_version"] == summary["version"] and r["score"] is not None for r in rows)
    signalled = [r for r in rows if any(s["source"] == f"SSA-MODEL:{model.version}" for s in r["signals"])]
    truth = {ref: fraud for ref, fraud, _ in later}
    assert signalled and sum(truth[r["reference"]] for r in signalled) / len(signalled) > 2 * base_rate
    assert all(r["score"] >= model.threshold for r in signalled)
    assert all(any(s["source"].startswith("SSA-MODEL") for s in r["signals"]) for r in rows
               if r["score"] >= model.threshold)


def test_save_and_load_give_identical_scores_and_a_new_model_replaces_the_active_one(db, clock, tmp_path):
    traffic = Traffic(seed=2)
    with db.begin() as conn:
        feed(conn, traffic, clock, 240)
    first = training.train(db, out_dir=tmp_path, min_rows=200)
    assert metadata_path(first["path"]).is_file()
    with db.read() as conn:
        features = [r for r in conn.execute(select(risk_assessment.c.features)).scalars()]
        model = service.active_model(conn)
    again = SsaModel.load(first["path"], version=first["version"], metrics={"x": 1})
    assert again.score(features) == model.score(features)
    assert again.threshold == model.threshold and again.version == first["version"] and again.metrics == {"x": 1}
    partial = [{k: v for k, v in f.items() if k != "consignee_countries"} for f in features[:5]]
    assert len(model.score(partial)) == 5 and model.score([]) == []  # a missing feature is unknown, not an error

    clock.advance(dt.timedelta(minutes=5))
    second = training.train(db, out_dir=tmp_path, min_rows=200, activate=True, seed=1)
    trial = training.train(db, out_dir=tmp_path, min_rows=200, activate=False)
    assert len({first["version"], second["version"], trial["version"]}) == 3  # same second: a suffix
    listed = {m["version"]: m for m in training.models(db)}
    assert [v for v, m in listed.items() if m["active"]] == [second["version"]]
    assert listed[trial["version"]]["file_present"] and listed[first["version"]]["threshold"] is not None
    with db.read() as conn:
        assert service.active_model(conn).version == second["version"]
    nothing_new = training.evaluate(db)
    assert nothing_new["rows"] == 0 and nothing_new["metrics"] is None and "nothing to evaluate" in nothing_new["message"]
    everything = training.evaluate(db, since="2026-03-01")
    assert everything["rows"] == 240 and everything["seen_in_training"] == 240 and everything["caveats"]


def test_training_is_refused_without_enough_labelled_rows_or_both_outcomes(db, clock, tmp_path):
    with pytest.raises(Rejected, match="only 0 consignment"):
        training.train(db, out_dir=tmp_path)
    traffic = Traffic(seed=3)
    with db.begin() as conn:
        feed(conn, traffic, clock, 60, controlled=0.5)
    with pytest.raises(Rejected) as caught:
        training.train(db, out_dir=tmp_path, min_rows=200)
    assert "at least 200" in caught.value.issues[0].reason and caught.value.issues[0].pointer == "/label"
    with db.begin() as conn:
        conn.execute(risk_assessment.update().where(risk_assessment.c.label.is_not(None)).values(label=0))
    with pytest.raises(Rejected, match="both outcomes"):
        training.train(db, out_dir=tmp_path, min_rows=10)
    with pytest.raises(Rejected, match="no active SSA model"):
        training.evaluate(db)
    with pytest.raises(Rejected, match="not a date"):
        training.train(db, since="March")
    assert training.models(db) == []
