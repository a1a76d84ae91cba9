"""``eucustoms export`` on an initialised box: the exporter lodges an example, the carrier presents the goods and
notifies the exit, the exporter reads its proof of exit; bad files and missing tokens are refused with reasons.

Until cli.py mounts the sub-application, the commands run under a small root application with the same
``--db`` option and a context factory that installs the export domains."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer
from export_support import CARRIER, EXPORTER, open_context, register_parties, with_export_tables
from typer.testing import CliRunner

from eucustoms.platform.auth import Role, issue_token
from eucustoms.platform.clitools import set_database_url
from eucustoms.systems.export.cli import app as export_app


def _root() -> typer.Typer:
    root = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)

    @root.callback()
    def options(db: Annotated[Optional[str], typer.Option("--db", envvar="EUCUSTOMS_DATABASE_URL")] = None) -> None:
        set_database_url(db, context=open_context)

    root.add_typer(export_app, name="export")
    return root


def run(env, *args):
    return CliRunner().invoke(_root(), list(args), env=env)


def tokens(db) -> dict[str, str]:
    with db.begin() as conn:
        return {"exporter": issue_token(conn, role=Role.TRADER, name="exporter", eori=EXPORTER)[0],
                "carrier": issue_token(conn, role=Role.TRADER, name="carrier", eori=CARRIER)[0],
                "de": issue_token(conn, role=Role.OFFICER, name="DE desk", country="DE", office="DE002101")[0]}


def test_lodge_present_at_exit_and_read_the_proof_of_exit(sqlite_box, tmp_path):
    db = with_export_tables(sqlite_box)
    register_parties(db)
    tok = tokens(db)
    env = {"EUCUSTOMS_DATABASE_URL": db.url, "EUCUSTOMS_HOME": str(tmp_path)}

    example = run(env, "export", "example", "standard")
    assert example.exit_code == 0, example.output
    path = tmp_path / "ie515.json"
    path.write_text(example.stdout)
    lodged = run(env, "export", "lodge", str(path), "--token", tok["exporter"], "--json")
    assert lodged.exit_code == 0, lodged.output
    mrn = json.loads(lodged.stdout)["mrn"]
    assert json.loads(lodged.stdout)["state"] == "released"

    arrived = run(env, "export", "arrive", mrn, "--office", "NL000396", "--token", tok["carrier"], "--json")
    assert arrived.exit_code == 0, arrived.output
    assert json.loads(arrived.stdout)["state"] == "released_for_exit"  # the AER was delivered by the lodge command
    left = run(env, "export", "exit", mrn, "--office", "NL000396", "--token", tok["carrier"], "--json")
    assert left.exit_code == 0 and json.loads(left.stdout)["exit_control_result"] == "A2"

    shown = json.loads(run(env, "export", "show", mrn, "--token", tok["exporter"], "--json").stdout)
    assert shown["state"] == "exited"
    log = json.loads(run(env, "export", "log", mrn, "--token", tok["exporter"], "--json").stdout)
    assert [m["message_type"] for m in log] == ["IE515", "IE528", "IE529", "IE501", "IE518", "IE599"]
    exit_log = json.loads(run(env, "export", "log", mrn, "--exit", "--json").stdout)
    assert [m["message_type"] for m in exit_log] == ["IE501", "IE507", "IE525", "IE590", "IE518"]
    table = run(env, "export", "show", mrn)  # the administrator, as a table
    assert table.exit_code == 0 and "exited" in table.stdout and "IE599" in table.stdout
    status = json.loads(run(env, "export", "status", mrn, "--json").stdout)
    assert status["state"] == "exited" and status["system"] == "export"
    counts = json.loads(run(env, "export", "counts", "--since", "2000-01-01", "--until", "2100-01-01", "--json").stdout)
    assert counts["by_country"]["DE"]["lodged"] == 1 and counts["by_country"]["NL"]["exits_confirmed"] == 1
    listed = json.loads(run(env, "export", "list", "--token", tok["de"], "--json").stdout)
    assert listed["total"] == 1


def test_bad_files_missing_tokens_and_unknown_examples(sqlite_box, tmp_path):
    db = with_export_tables(sqlite_box)
    register_parties(db)
    tok = tokens(db)
    env = {"EUCUSTOMS_DATABASE_URL": db.url, "EUCUSTOMS_HOME": str(tmp_path)}
    broken = tmp_path / "broken.json"
    broken.write_text('{"lrn": ')
    r = run(env, "export", "lodge", str(broken), "--token", tok["exporter"], "--json")
    assert r.exit_code == 1 and json.loads(r.stdout)["errors"][0]["code"] == "SYNTAX"
    ok = tmp_path / "ok.json"
    ok.write_text(run(env, "export", "example", "controlled").stdout)
    r = run(env, "export", "lodge", str(ok), "--json")
    assert r.exit_code == 1 and json.loads(r.stdout)["errors"][0]["pointer"] == "--token"
    bad = json.loads(ok.read_text())
    bad["office_of_exit"] = "DE002101"  # an office of export, not of exit
    ok.write_text(json.dumps(bad))
    r = run(env, "export", "lodge", str(ok), "--token", tok["exporter"], "--json")
    assert r.exit_code == 1 and json.loads(r.stdout)["errors"][0]["pointer"] == "/office_of_exit"
    assert run(env, "export", "example", "nonsense").exit_code == 1
    assert run(env, "export", "status", "26DE000000000001A4").exit_code == 1  # unknown (or ill-formed)
