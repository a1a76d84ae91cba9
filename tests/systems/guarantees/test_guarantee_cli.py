"""``guarantee issue/show/check/history`` (run on the GUM Typer app until it is mounted on ``eucustoms``)."""

from __future__ import annotations

import json

from guarantee_support import HOLDER, MRN1, OFFICE, eur
from typer.testing import CliRunner

from eucustoms.platform.clitools import set_database_url
from eucustoms.systems.guarantees import service
from eucustoms.systems.guarantees.cli import app


def run(*args):
    return CliRunner().invoke(app, list(args))


def test_issue_show_check_and_history_from_the_command_line(sqlite_gbox):
    set_database_url(sqlite_gbox.url)
    issued = run("issue", "--type", "1", "--holder", HOLDER, "--office", OFFICE, "--amount", "5000",
                 "--authorisation", "DECGU-9", "--access-code", "ZX98", "--json")
    assert issued.exit_code == 0, issued.output
    grn = json.loads(issued.stdout)["grn"]
    with sqlite_gbox.begin() as conn:
        service.debit(conn, grn, eur("1200"), MRN1, "op", "BE", "ZX98")
    shown = json.loads(run("show", grn, "--json").stdout)
    assert shown["balance"]["amount"] == "3800.00"
    ok = run("check", grn, "--access-code", "ZX98", "--amount", "3800", "--country", "NL")
    assert ok.exit_code == 0
    refused = run("check", grn, "--access-code", "ZX98", "--amount", "3800.01", "--country", "NL", "--json")
    assert refused.exit_code == 1 and [r["code"] for r in json.loads(refused.stdout)["reasons"]] == ["G09"]
    moves = json.loads(run("history", grn, "--json").stdout)
    assert [m["kind"] for m in moves] == ["debit"]
    bad = run("issue", "--type", "1", "--holder", HOLDER, "--office", OFFICE, "--amount", "5000", "--json")
    assert bad.exit_code == 1 and json.loads(bad.stdout)["errors"][0]["pointer"] == "/authorisation_reference"
