"""The commands end to end: ``simulate`` through the command-line runner on SQLite, ``risk evaluate
--ground-truth``'s function, and ``bench`` on a tiny configuration."""

from __future__ import annotations

import json
import time

from typer.testing import CliRunner

from eucustoms.sim.cli import app

from .conftest import copy_template


def test_simulate_a_day_through_the_command_line(_sqlite_template, tmp_path):
    db = copy_template(_sqlite_template, tmp_path / "box.db")
    db.dispose()
    t0 = time.perf_counter()
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'box.db'}", "simulate", "--days", "1",
                                      "--scale", "0.0001", "--start", "2026-03-02", "--seed", "3", "--json",
                                      "--out", str(tmp_path / "summary.json")])
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - t0 < 60
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["errors"]["count"] == 0, summary["errors"]
    assert summary["bad_input"]["ok"]
    assert {r["system"] for r in summary["systems"]} >= {"ICS2", "IMPORTS", "SURV", "POUS", "DDS", "CCN"}
    ics2 = next(r for r in summary["systems"] if r["system"] == "ICS2")
    assert ics2["generated"] > 0.5 * ics2["target"]
    # Readable for a person too.
    text = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'box.db'}", "simulate", "--days", "0.05",
                                    "--scale", "0.0001", "--start", "2026-03-03", "--no-lookups"])
    assert text.exit_code == 0, text.output
    assert "Traffic against the EU's 2024 average" in text.output and "bad messages" in text.output


def test_bench_on_a_tiny_configuration(tmp_path):
    from eucustoms.sim.bench import run_suite

    doc = run_suite(tmp_path, quick=True, only=["ceiling", "simulator_planning", "ncts_validation"], echo=None)
    assert (tmp_path / "bench.json").exists() and (tmp_path / "bench.md").exists()
    rows = {r["pipeline"]: r for r in doc["rows"]}
    ceiling = rows["ceiling: raw durable inserts, 1 row per transaction"]
    assert ceiling["throughput"] > 0 and ceiling["eu_figure"] == "CCN" and ceiling["headroom"] > 0
    assert any(p.startswith("NCTS XML validation") for p in rows), doc["results"]["ncts_validation"]
    md = (tmp_path / "bench.md").read_text()
    assert "| pipeline | throughput |" in md and "headroom" in md
