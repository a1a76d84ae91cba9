"""``eucustoms decisions``: example, lodge, accept, grant, show, holds, lookup (on the CDS Typer app until it is
mounted on ``eucustoms``)."""

from __future__ import annotations

import json

from decisions_support import HOLDER
from typer.testing import CliRunner

from eucustoms.platform.clitools import set_database_url
from eucustoms.systems.decisions.cli import app


def run(*args):
    return CliRunner().invoke(app, list(args))


def test_the_decision_commands(sqlite_cbox, tmp_path):
    set_database_url(sqlite_cbox.url)
    example = run("example", "CGU")
    assert example.exit_code == 0 and json.loads(example.stdout)["guarantee_amount"]["amount"] == "250000.00"
    path = tmp_path / "cgu.json"
    path.write_text(example.stdout)
    lodged = run("lodge", str(path), "--json")
    assert lodged.exit_code == 0, lodged.output
    ref = json.loads(lodged.stdout)["reference"]
    assert run("accept", ref).exit_code == 0
    shown = json.loads(run("show", ref, "--json").stdout)
    assert shown["state"] == "accepted" and shown["time_limits"]["decision_due"] == "2026-06-30"
    assert run("holds", HOLDER, "CGU").exit_code == 1
    granted = run("grant", ref, "--json")
    assert granted.exit_code == 0, granted.output
    number = json.loads(granted.stdout)["reference"]
    assert run("holds", HOLDER, "CGU", "--country", "DE").exit_code == 0
    assert run("lookup", number).exit_code == 0
    assert run("show", number).exit_code == 0
    listed = json.loads(run("list", "--json").stdout)
    assert listed["total"] == 1 and listed["items"][0]["decision_reference"] == number
    assert run("suspend", number, "--reason", "audit").exit_code == 0
    assert run("lookup", number).exit_code == 1
    bad = run("grant", ref, "--json")
    assert bad.exit_code == 1 and json.loads(bad.stdout)["errors"][0]["code"] == "92"
    assert run("example", "XYZ").exit_code == 1
    assert run("types").exit_code == 0
    assert run("aeo", HOLDER).exit_code == 1
