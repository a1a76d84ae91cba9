"""COPIS through the API and the command line."""

from __future__ import annotations

import json
from datetime import timedelta

from copis_support import DECLARANT, HOLDER
from typer.testing import CliRunner

from eucustoms.platform.clitools import set_database_url
from eucustoms.systems.copis import examples
from eucustoms.systems.copis.cli import app


def test_application_and_detention_over_http(copis_api, clock):
    holder = copis_api.headers_for("trader", eori=HOLDER)
    declarant = copis_api.headers_for("trader", eori=DECLARANT)
    de = copis_api.headers_for("officer", country="DE", office="DE002150")
    nl = copis_api.headers_for("officer", country="NL", office="NL000563")
    r = copis_api.post("/copis/applications", json=examples.application(), headers=holder)
    assert r.status_code == 201, r.text
    ref = r.json()["reference"]
    assert copis_api.post(f"/copis/applications/{ref}/grant", json={}, headers=holder).status_code == 403
    assert copis_api.post(f"/copis/applications/{ref}/grant", json={}, headers=de).status_code == 200
    clock.advance(timedelta(days=1))
    r = copis_api.post("/copis/detentions", json=examples.detention(ref), headers=nl)
    assert r.status_code == 201, r.text
    det = r.json()["reference"]
    assert copis_api.get(f"/copis/detentions/{det}", headers=declarant).status_code == 200
    r = copis_api.post(f"/copis/detentions/{det}/holder-response", json={"infringement": True, "agree_to_destruction": True},
                       headers=holder)
    assert r.status_code == 200
    r = copis_api.post(f"/copis/detentions/{det}/declarant-response", json={"agree_to_destruction": True}, headers=declarant)
    assert r.status_code == 200
    assert copis_api.post(f"/copis/detentions/{det}/destroy", json={"reason": "agreed"}, headers=nl).json()["state"] == "destroyed"
    assert copis_api.get(f"/copis/applications/{ref}/detentions", headers=holder).json()["total"] == 1
    stats = copis_api.get("/copis/statistics", headers=nl).json()
    assert stats["by_right_type"]["trademark"]["articles"] == 1200
    assert copis_api.get("/copis/statistics", headers=holder).status_code == 403
    r = copis_api.post("/copis/applications", json={**examples.application(), "rights": [], "undertaking": "maybe"}, headers=holder)
    assert r.status_code == 422 and {e["pointer"] for e in r.json()["errors"]} == {"/rights", "/undertaking"}


def test_the_copis_commands(sqlite_pbox, clock, tmp_path):
    set_database_url(sqlite_pbox.url)
    runner = CliRunner()
    path = tmp_path / "afa.json"
    path.write_text(runner.invoke(app, ["example"]).stdout)
    lodged = runner.invoke(app, ["lodge", str(path), "--json"])
    assert lodged.exit_code == 0, lodged.output
    ref = json.loads(lodged.stdout)["reference"]
    assert runner.invoke(app, ["grant", ref]).exit_code == 0
    clock.advance(timedelta(days=1))
    det_path = tmp_path / "det.json"
    det_path.write_text(runner.invoke(app, ["example", "detention", "--application", ref]).stdout)
    detained = runner.invoke(app, ["detain", str(det_path), "--json"])
    assert detained.exit_code == 0, detained.output
    det = json.loads(detained.stdout)["reference"]
    assert runner.invoke(app, ["release", det, "--reason", "x"]).exit_code == 1  # too early
    assert runner.invoke(app, ["holder-response", det, "--no-infringement", "--no-destruction"]).exit_code == 0
    assert runner.invoke(app, ["release", det, "--reason", "genuine"]).exit_code == 0
    assert json.loads(runner.invoke(app, ["show", det, "--json"]).stdout)["state"] == "released"
    assert json.loads(runner.invoke(app, ["detentions", "--application", ref, "--json"]).stdout)["total"] == 1
    stats = json.loads(runner.invoke(app, ["statistics", "--json"]).stdout)
    assert stats["by_outcome"] == {"released": 1}
    assert runner.invoke(app, ["show", ref]).exit_code == 0
