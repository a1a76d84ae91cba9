"""REX through the API (roles, every error, the public validation without a token) and the command line."""

from __future__ import annotations

import json

from rex_support import EU_NUMBER, EXPORTER, OTHER
from typer.testing import CliRunner

from eucustoms.platform.clitools import set_database_url
from eucustoms.systems.rex.cli import app
from eucustoms.systems.rex.examples import example


def test_apply_register_validate_over_http(rex_api):
    trader = rex_api.headers_for("trader", eori=EXPORTER)
    other = rex_api.headers_for("trader", eori=OTHER)
    de = rex_api.headers_for("officer", country="DE", office="DE002150")
    fr = rex_api.headers_for("officer", country="FR", office="FR000690")
    assert rex_api.post("/rex/exporters", json=example()).status_code == 401
    r = rex_api.post("/rex/exporters", json=example(), headers=trader)
    assert r.status_code == 201 and r.json()["rex_number"] == EU_NUMBER
    assert rex_api.post(f"/rex/exporters/{EU_NUMBER}/register", headers=trader).status_code == 403
    assert rex_api.post(f"/rex/exporters/{EU_NUMBER}/register", headers=fr).status_code == 404
    r = rex_api.post(f"/rex/exporters/{EU_NUMBER}/register", headers=de)
    assert r.status_code == 200 and r.json()["state"] == "registered"
    assert rex_api.get(f"/rex/exporters/{EU_NUMBER}", headers=other).status_code == 404
    assert rex_api.get(f"/rex/exporters/{EU_NUMBER}/history", headers=trader).status_code == 200
    public = rex_api.get(f"/rex/public/{EU_NUMBER}").json()
    assert public["valid"] and public["name"] == "Elbe Maschinenbau GmbH"
    assert rex_api.get("/rex/public/DEREX12").status_code == 422
    check = rex_api.get("/rex/statements/check", params={"rex_number": EU_NUMBER, "made_out_on": "2026-03-05"}, headers=fr)
    assert check.status_code == 200 and check.json()["valid"]
    assert rex_api.get("/rex/statements/check", params={"rex_number": EU_NUMBER, "made_out_on": "2026-03-05"},
                       headers=trader).status_code == 403
    r = rex_api.post(f"/rex/exporters/{EU_NUMBER}/revoke", json={"ground": "exporter_request", "reason": "stops"}, headers=de)
    assert r.status_code == 200 and r.json()["revoked_from"] == "2026-03-02"
    r = rex_api.post(f"/rex/exporters/{EU_NUMBER}/register", headers=de)
    assert r.status_code == 409 and r.json()["errors"][0]["code"] == "92"


def test_every_error_over_http(rex_api):
    de = rex_api.headers_for("officer", country="DE", office="DE002150")
    body = {**example(), "activities": ["smuggler"], "goods": [{"code": "8422x"}], "purposes": [], "colour": 1}
    r = rex_api.post("/rex/exporters", json=body, headers=de)
    assert r.status_code == 422
    assert {e["pointer"] for e in r.json()["errors"]} >= {"/activities/0", "/goods/0/code", "/purposes", "/colour"}


def test_the_rex_commands(sqlite_rbox, tmp_path):
    set_database_url(sqlite_rbox.url)
    runner = CliRunner()
    path = tmp_path / "rex.json"
    path.write_text(runner.invoke(app, ["example"]).stdout)
    done = runner.invoke(app, ["apply", str(path), "--register", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["state"] == "registered"
    assert runner.invoke(app, ["validate", EU_NUMBER]).exit_code == 0
    assert runner.invoke(app, ["check-statement", EU_NUMBER, "--date", "2026-03-02"]).exit_code == 0
    assert runner.invoke(app, ["amend", EU_NUMBER, "--no-publish"]).exit_code == 0
    shown = json.loads(runner.invoke(app, ["show", EU_NUMBER, "--json"]).stdout)
    assert shown["publication_consent"] is False and shown["version"] == 3
    assert runner.invoke(app, ["revoke", EU_NUMBER, "--reason", "closed"]).exit_code == 0
    assert runner.invoke(app, ["validate", EU_NUMBER]).exit_code == 1
    assert runner.invoke(app, ["check-statement", EU_NUMBER, "--date", "2026-03-02"]).exit_code == 1
    history = json.loads(runner.invoke(app, ["history", EU_NUMBER, "--json"]).stdout)
    assert [h["action"] for h in history] == ["apply", "register", "amend", "revoke"]
    bad = runner.invoke(app, ["register", "XX", "--json"])
    assert bad.exit_code == 1 and json.loads(bad.stdout)["errors"]
    third = tmp_path / "in.json"
    third.write_text(runner.invoke(app, ["example", "--third-country"]).stdout)
    assert runner.invoke(app, ["apply", str(third)]).exit_code == 0
