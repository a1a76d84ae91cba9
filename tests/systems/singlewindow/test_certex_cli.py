"""``certex domains/example/issue/show/uses/check/status`` (run on the CERTEX Typer app until it is mounted)."""

from __future__ import annotations

import json

from certex_support import HOLDER, use
from typer.testing import CliRunner

from eucustoms.platform.clitools import set_database_url
from eucustoms.systems.singlewindow.cli import app


def run(*args):
    return CliRunner().invoke(app, list(args))


def test_issue_show_uses_check_and_status_from_the_command_line(sqlite_cbox, tmp_path):
    set_database_url(sqlite_cbox.url)
    assert len(json.loads(run("domains", "--json").stdout)) == 14
    assert run("domains").exit_code == 0
    example = run("example", "eudr")
    assert example.exit_code == 0, example.output
    path = tmp_path / "dds.json"
    path.write_text(example.stdout)
    issued = run("issue", str(path), "--json")
    assert issued.exit_code == 0, issued.output
    reference = json.loads(issued.stdout)["reference"]
    assert run("issue", str(path), "--json").exit_code == 1  # recorded once

    use(sqlite_cbox, reference, "4", "TNE", goods="18010000", op="u1")
    shown = json.loads(run("show", reference, "--json").stdout)
    assert shown["balance"] == {"value": "21", "unit": "TNE"}
    assert run("show", reference).exit_code == 0
    moves = json.loads(run("uses", reference, "--json").stdout)
    assert [(m["kind"], m["declared"]["value"]) for m in moves] == [("use", "4")]
    assert run("uses", reference).exit_code == 0

    ok = run("check", reference, "--holder", HOLDER, "--goods", "1801 00 00", "--quantity", "21000", "--unit", "KGM",
             "--procedure", "1000")
    assert ok.exit_code == 0, ok.output
    refused = run("check", reference, "--holder", "FR987654321", "--goods", "18010000", "--quantity", "21.5", "--unit",
                  "TNE", "--json")
    assert refused.exit_code == 1
    assert [r["code"] for r in json.loads(refused.stdout)["reasons"]] == ["CX05", "CX09"]

    suspended = run("status", reference, "--to", "suspended", "--reason", "under review", "--json")
    assert suspended.exit_code == 0 and json.loads(suspended.stdout)["status"] == "suspended"
    bad = run("status", reference, "--to", "exhausted", "--reason", "x", "--json")
    assert bad.exit_code == 1 and json.loads(bad.stdout)["errors"][0]["pointer"] == "/status"
    assert run("example", "nope").exit_code == 1
    broken = tmp_path / "broken.json"
    broken.write_text('{"domain": "COI"}')
    assert run("issue", str(broken), "--json").exit_code == 1
    assert run("show", "UNKNOWN.1", "--json").exit_code == 1
