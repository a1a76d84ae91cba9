"""``tariff show|duty|quota show|check`` through Typer's runner (the tariff app on its own until cli.py adds it)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from eucustoms.platform.clitools import set_database_url
from eucustoms.systems.tariff.cli import app


def test_cli_commands(tariff_sqlite):
    set_database_url(tariff_sqlite.url)
    runner = CliRunner()
    r = runner.invoke(app, ["duty", "0201100000", "--origin", "AR", "--value", "5000EUR", "--quantity", "1000KGM",
                            "--on", "2026-03-02", "--member-state", "FR", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["customs_duties"] == "2408.00"
    r = runner.invoke(app, ["show", "6109100000", "--on", "2026-03-02", "--origin", "VN"])
    assert r.exit_code == 0 and "6109100000" in r.output
    r = runner.invoke(app, ["show", "6109100000", "--on", "2026-03-02", "--origin", "VN", "--json"])
    assert {m["measure_type"] for m in json.loads(r.output)["measures"]} == {"103", "142"}
    r = runner.invoke(app, ["quota", "show", "091528", "--on", "2026-03-02", "--json"])
    assert r.exit_code == 0 and json.loads(r.output)["unit"] == "LTR"
    r = runner.invoke(app, ["duty", "6109100000", "--origin", "VN", "--value", "10EUR", "--preference", "300", "--json"])
    assert r.exit_code == 1 and "/proofs" in r.output
    r = runner.invoke(app, ["check"])
    assert r.exit_code == 0 and "no violations" in r.output
    set_database_url(None)
