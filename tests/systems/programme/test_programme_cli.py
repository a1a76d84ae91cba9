"""``eucustoms programme load/indicators/check/probe/live/record`` and ``eucustoms report apr`` (run on the programme's
Typer apps, mounted here as the main command will mount them)."""

from __future__ import annotations

import json

import typer
from programme_support import with_programme_tables
from typer.testing import CliRunner

from eucustoms.platform.auth import issue_token
from eucustoms.platform.clitools import set_database_url
from eucustoms.systems.programme.cli import app as programme_app
from eucustoms.systems.programme.cli import report_app

main = typer.Typer()
main.add_typer(programme_app, name="programme")
main.add_typer(report_app, name="report")


def run(*args):
    return CliRunner().invoke(main, list(args))


def _open_box(db):  # noqa: ANN001, ANN202
    from eucustoms.union import open_union

    return open_union(db=db)


def test_load_indicators_check_probe_and_live(sqlite_db):
    with_programme_tables(sqlite_db)
    set_database_url(sqlite_db.url, context=_open_box)
    loaded = run("programme", "load", "--json")
    assert loaded.exit_code == 0, loaded.output
    assert json.loads(loaded.stdout)["loaded"]["indicators"] == 42
    again = run("programme", "load")
    assert again.exit_code == 0 and "apr2024" in again.stdout

    listed = json.loads(run("programme", "indicators", "--year", "2024", "--level", "RES", "--json").stdout)
    assert len(listed) == 16 and listed[0]["short"] == "RES 1.1"
    table = run("programme", "indicators", "--level", "IMP")
    assert table.exit_code == 0 and "IMP 3.1" in table.stdout

    checked = run("programme", "check", "--year", "2024", "--json")
    assert checked.exit_code == 0
    body = json.loads(checked.stdout)
    assert body["by_severity"]["discrepancy"] == 11
    assert any(f["subject"] == "RES 2.1.2 by system" for f in body["findings"])
    assert run("programme", "check", "--strict").exit_code == 1
    assert run("programme", "check", "--check", "BUDGET_TOTAL", "--strict").exit_code == 0

    probed = run("programme", "probe", "--json")
    assert probed.exit_code == 0, probed.output
    assert json.loads(probed.stdout)["down"] == []
    rounds = run("programme", "probe", "--every", "0.01", "--rounds", "2")
    assert rounds.exit_code == 0 and rounds.stdout.count(" round ") == 2

    shown = json.loads(run("programme", "live", "--json").stdout)
    avail = next(i for i in shown["indicators"] if i["indicator"] == "OP 1.3 sub-indicator 1")
    assert avail["value"] == "100.00" and avail["eu_2024_printed"] == "99.63%"


def test_record_with_a_coordinators_token_and_write_the_report(sqlite_db, tmp_path):
    with_programme_tables(sqlite_db)
    set_database_url(sqlite_db.url, context=_open_box)
    with sqlite_db.begin() as conn:
        token_de, _ = issue_token(conn, role="officer", name="coordinator DE", country="DE", office="DE004700")
    action = tmp_path / "action.json"
    action.write_text(json.dumps({"reference": "WV-2025-1", "title": "Working visit to Hamburg", "kind": "working_visit",
                                  "areas": ["cooperation"], "lead_country": "DE", "start_date": "2025-04-01"}))
    meetings = tmp_path / "meetings.json"
    meetings.write_text(json.dumps([
        {"reference": "WV-2025-1-M1", "action": "WV-2025-1", "title": "Port visit", "format": "physical", "area": "best_practices",
         "start_date": "2025-04-02", "host_country": "DE", "participants": {"DE": 4}},
        {"reference": "WV-2025-1-M2", "action": "WV-2025-1", "title": "Debrief", "format": "online", "area": "other",
         "start_date": "2025-04-10", "host_country": "DE"}]))
    foreign = tmp_path / "participants.json"
    foreign.write_text(json.dumps({"meeting": "WV-2025-1-M1", "country": "FR", "participants": 2}))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")

    assert run("programme", "record", "activity", str(action), "--token", token_de).exit_code == 0
    recorded = run("programme", "record", "meeting", str(meetings), "--token", token_de, "--json")
    assert recorded.exit_code == 0, recorded.output
    assert [m["participants"] for m in json.loads(recorded.stdout)] == [{"DE": 4}, {}]
    refused = run("programme", "record", "participants", str(foreign), "--token", token_de, "--json")
    assert refused.exit_code == 1 and "records participants of DE only" in refused.stdout
    assert run("programme", "record", "participants", str(foreign)).exit_code == 0  # the CLI's own rights: the Commission's
    bad = run("programme", "record", "survey", str(broken), "--json")
    assert bad.exit_code == 1 and json.loads(bad.stdout)["errors"][0]["code"] == "SYNTAX"

    written = run("report", "apr", "--year", "2025", "--out", str(tmp_path / "out"), "--json")
    assert written.exit_code == 0, written.output
    paths = json.loads(written.stdout)
    html = (tmp_path / "out" / "report-apr-2025.html").read_text(encoding="utf-8")
    assert paths["charts"] >= 2 and html.count("<svg") == paths["charts"]
    assert (tmp_path / "out" / "report-apr-2025.pdf").read_bytes().startswith(b"%PDF")
