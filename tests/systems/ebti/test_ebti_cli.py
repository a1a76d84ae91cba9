"""``eucustoms ebti`` through Typer's runner (the ebti app on its own until cli.py adds it)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from eucustoms.platform.clitools import set_database_url
from eucustoms.systems.ebti.cli import app


def test_cli_from_application_to_public_look_up(ebox_sqlite, clock, tmp_path):
    set_database_url(ebox_sqlite.url)
    runner = CliRunner()
    try:
        r = runner.invoke(app, ["example", "application", "--goods", "smartphone"])
        assert r.exit_code == 0, r.output
        application = tmp_path / "application.json"
        application.write_text(r.output)
        r = runner.invoke(app, ["apply", str(application), "--json"])
        assert r.exit_code == 0, r.output
        reference = json.loads(r.output)["reference"]
        assert reference.startswith("NLAPP2026")
        assert runner.invoke(app, ["accept", reference]).exit_code == 0
        r = runner.invoke(app, ["decide", reference, "--code", "8517 13 00", "--justification", "GIR 1 and 6",
                                "--keyword", "smartphone", "--keyword", "5G", "--json"])
        assert r.exit_code == 0, r.output
        bti = json.loads(r.output)["reference"]
        r = runner.invoke(app, ["search", "--keywords", "smartphone", "--json"])
        assert json.loads(r.output)["items"][0]["reference"] == bti and "DE4471190023" not in r.output
        r = runner.invoke(app, ["search", "--code", "8517"])
        assert r.exit_code == 0 and "1 BTI decision(s)" in r.output
        assert runner.invoke(app, ["valid", "DE4471190023", "8517130000"]).exit_code == 0
        assert runner.invoke(app, ["valid", "DE4471190023", "8517130000", "--on", "2030-01-01"]).exit_code == 1
        r = runner.invoke(app, ["show", bti])
        assert r.exit_code == 0 and "Polder One 5G" in r.output
        r = runner.invoke(app, ["show", reference, "--json"])
        assert json.loads(r.output)["state"] == "decided"
        r = runner.invoke(app, ["refresh", "--on", "2029-03-02", "--json"])
        assert json.loads(r.output) == {"checked": 1, "updated": 0, "expired": 1, "ceased": 0}
        # Errors are listed with their reasons and exit 1.
        r = runner.invoke(app, ["decide", reference, "--code", "1", "--justification", "x", "--keyword", "k", "--json"])
        assert r.exit_code == 1 and "92" in r.output
        r = runner.invoke(app, ["show", "QQBTI1", "--json"])
        assert r.exit_code == 1 and "member state" in r.output
        r = runner.invoke(app, ["example", "nothing"])
        assert r.exit_code == 1
    finally:
        set_database_url(None)
