"""``eucustoms risk``: rules in force and rule file checks, the SSA model commands on a migrated SQLite box, and a
quick benchmark run on a share of the public data."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from risk_analytics_support import benchmark_dir_or_skip
from test_ssa_training import START, Traffic, feed

from eucustoms.core.clock import Clock, use_clock
from eucustoms.migrations import upgrade
from eucustoms.platform.db import Database
from eucustoms.systems.risk import service
from eucustoms.systems.risk.cli import app as risk_app

BROKEN = """\
ruleset: CRC-TEST
version: 2026.1
valid_from: 2026-01-01
description: a broken rule set
rules:
  - id: CRC-TEST-001
    title: unknown risk type and operator
    risk_type: smuggling
    when: {goods.hs6: {resembles: "2939"}}
    outcome: {action: scan}
    rationale: testing
  - id: CRC-TEST-001
    title: duplicate id, no rationale
    risk_type: financial
    when: {mode: {eq: air}}
    outcome: {action: physical, colour: red}
"""


def _root() -> typer.Typer:
    """The ``eucustoms`` command as it mounts this group: its global options (--db) then ``risk``."""
    from eucustoms import cli

    root = typer.Typer(pretty_exceptions_enable=False)
    root.callback()(cli.main_options)
    root.add_typer(risk_app, name="risk")
    return root


ROOT = _root()


def run(env: dict[str, str], *args: str):
    return CliRunner().invoke(ROOT, list(args), env=env)


@pytest.fixture
def box(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'box.db'}")
    upgrade(db)
    env = {"EUCUSTOMS_DATABASE_URL": db.url, "EUCUSTOMS_HOME": str(tmp_path / "home")}
    yield db, env
    db.dispose()


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


def test_rules_lists_the_criteria_in_force_on_a_day(tmp_path):
    env = {"EUCUSTOMS_HOME": str(tmp_path)}
    listed = run(env, "risk", "rules", "--as-of", "2026-06-01", "--json")
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.stdout)
    rules = {r["rule_id"]: r for r in data["rules"]}
    assert data["as_of"] == "2026-06-01" and "CRC-FIN-001" in rules
    assert rules["CRC-FIN-001"]["risk_type"] == "financial" and rules["CRC-FIN-001"]["outcome"]["action"] == "document_check"
    assert {r["risk_type"] for r in data["rules"]} == {"financial", "safety_security", "prohibitions_restrictions"}
    assert json.loads(run(env, "risk", "rules", "--as-of", "2020-01-01", "--json").stdout)["rules"] == []
    table = run(env, "risk", "rules", "--as-of", "2026-06-01")
    assert table.exit_code == 0 and "CRC-FIN-001" in table.stdout
    assert run(env, "risk", "rules", "--check").exit_code == 0  # the shipped files are valid


def test_rules_check_prints_every_problem_with_its_pointer(tmp_path):
    env = {"EUCUSTOMS_HOME": str(tmp_path)}
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    result = run(env, "risk", "rules", "--check", str(broken), "--json")
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    pointers = {e["pointer"] for e in errors}
    assert {"/rules/0/risk_type", "/rules/1/id", "/rules/1/rationale", "/rules/1/outcome/colour"} <= pointers, errors
    assert any(e["pointer"].startswith("/rules/0/when") for e in errors)
    assert all(e["reason"].startswith("broken.yaml:") for e in errors)
    table = run(env, "risk", "rules", "--check", str(broken), str(tmp_path / "missing.yaml"))
    assert table.exit_code == 1 and "/rules/0/risk_type" in table.output and "NOT_FOUND" in table.output


def test_model_commands_refuse_clearly_on_an_empty_box(box):
    _, env = box
    refused = run(env, "risk", "train")
    assert refused.exit_code == 1 and "only 0 consignment" in refused.output and "/label" in refused.output
    as_json = json.loads(run(env, "risk", "train", "--json").stdout)
    assert as_json["errors"][0]["pointer"] == "/label" and "at least 200" in as_json["errors"][0]["reason"]
    assert run(env, "risk", "evaluate").exit_code == 1
    assert json.loads(run(env, "risk", "models", "--json").stdout) == []
    assert run(env, "risk", "train", "--since", "yesterday").exit_code == 1


def test_train_then_models_and_evaluate_on_labelled_consignments(box, clock, tmp_path):
    db, env = box
    with db.begin() as conn:
        feed(conn, Traffic(seed=4), clock, 240)
    trained = run(env, "risk", "train", "--min-rows", "100", "--out-dir", str(tmp_path / "models"), "--json")
    assert trained.exit_code == 0, trained.output
    summary = json.loads(trained.stdout)
    assert summary["active"] and summary["rows"] == 240 and (tmp_path / "models").is_dir()
    listed = json.loads(run(env, "risk", "models", "--json").stdout)
    assert [m["version"] for m in listed] == [summary["version"]] and listed[0]["active"]
    assert summary["version"] in run(env, "risk", "models").stdout
    pending = run(env, "risk", "evaluate")
    assert pending.exit_code == 0 and "nothing to evaluate yet" in pending.stdout
    period = json.loads(run(env, "risk", "evaluate", "--since", "2026-03-01", "--json").stdout)
    assert period["rows"] == 240 and period["metrics"]["auc"] > 0.5
    text = run(env, "risk", "evaluate", "--since", "2026-03-01")
    assert text.exit_code == 0 and "SSA rule signals" in text.stdout and "precision@10%" in text.stdout
    human = run(env, "risk", "train", "--min-rows", "100", "--no-activate", "--out-dir", str(tmp_path / "models"))
    assert human.exit_code == 0 and "signal threshold" in human.stdout and "(active)" not in human.stdout


def test_a_quick_benchmark_on_a_share_of_the_data(tmp_path):
    data = benchmark_dir_or_skip()
    out = tmp_path / "report.md"
    result = run({"EUCUSTOMS_HOME": str(tmp_path)}, "risk", "benchmark", "--data", str(data), "--quick",
                 "--fraction", "0.1", "--threads", "1", "--json", "--out", str(out))
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["fraction"] == 0.1 and figures["diagnostics"] == {}
    for key in ("precision@1%", "precision@2%", "precision@5%", "precision@10%", "recall@5%", "recall@10%", "auc",
                "critical_recall@5%", "critical_recall@10%"):
        assert 0 <= figures["test"][key] <= 1, key
    report = out.read_text(encoding="utf-8")
    assert "| LightGBM (published) | 0.762" in report and f"**{figures['test']['precision@5%']:.3f}**" in report
    missing = run({"EUCUSTOMS_HOME": str(tmp_path)}, "risk", "benchmark", "--data", str(tmp_path / "none"), "--json")
    assert missing.exit_code == 1 and json.loads(missing.stdout)["errors"][0]["pointer"] == "--data"
