"""``eucustoms ecics`` through Typer's runner (the ecics app on its own until cli.py adds it)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from eucustoms.platform.clitools import set_database_url
from eucustoms.systems.ecics.cli import app


def test_cli_load_search_and_maintain(cbox_sqlite, tmp_path):
    set_database_url(cbox_sqlite.url)
    runner = CliRunner()
    try:
        r = runner.invoke(app, ["load", "--json"])
        assert r.exit_code == 0, r.output
        assert json.loads(r.output)["unchanged"] == 95
        r = runner.invoke(app, ["lookup", "64-17-5", "--json"])
        assert r.exit_code == 0 and json.loads(r.output)[0]["names"]["en"] == ["ethanol"]
        r = runner.invoke(app, ["lookup", "64-17-4"])
        assert r.exit_code == 1 and "wrong check digit" in r.output
        r = runner.invoke(app, ["lookup", "7440-44-0"])
        assert r.exit_code == 1 and "not found" in r.output
        r = runner.invoke(app, ["search", "--name", "toluol", "--json"])
        assert [s["cas"] for s in json.loads(r.output)["items"]] == ["108-88-3"]
        r = runner.invoke(app, ["search", "--precursor", "1"])
        assert r.exit_code == 0 and "4 substance(s)" in r.output
        r = runner.invoke(app, ["example", "acetic_anhydride"])
        entry = json.loads(r.output)
        entry.update(cus="0010003-8", cas=None, ec=None)
        path = tmp_path / "entry.json"
        path.write_text(json.dumps(entry))
        r = runner.invoke(app, ["add", str(path), "--json"])
        assert r.exit_code == 0, r.output
        ident = json.loads(r.output)["id"]
        change = tmp_path / "change.json"
        change.write_text(json.dumps({"notes": "CLEN"}))
        assert runner.invoke(app, ["amend", str(ident), str(change)]).exit_code == 0
        r = runner.invoke(app, ["show", str(ident)])
        assert r.exit_code == 0 and "Essigsäureanhydrid" in r.output
        assert runner.invoke(app, ["end", str(ident), "--reason", "test"]).exit_code == 0
        r = runner.invoke(app, ["search", "--cus", "0010003-8", "--include-ended", "--json"])
        assert json.loads(r.output)["items"][0]["status"] == "ended"
        bad = tmp_path / "bad.csv"
        bad.write_text("cas,cn_code,name_en\n64-17-6,22071000,ethanol\n")
        r = runner.invoke(app, ["load", str(bad), "--json"])
        assert r.exit_code == 1 and "line 2/cas" in r.output
    finally:
        set_database_url(None)
