"""``eucustoms ics2`` on an initialised box: a carrier files, consults, gets an arrival registered; bad
files are rejected with every error."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from eucustoms.cli import app
from eucustoms.systems.ics2.messages import examples

CARRIER = examples.OCEAN_CARRIER["identification_number"]


def run(env, *args):
    return CliRunner().invoke(app, list(args), env=env)


def test_a_carrier_files_follows_and_notifies_arrival_from_the_command_line(sqlite_box, tmp_path):
    env = {"EUCUSTOMS_DATABASE_URL": sqlite_box.url, "EUCUSTOMS_HOME": str(tmp_path)}
    reg = run(env, "eori", "register", "--eori", CARRIER, "--name", "Nordic Ocean Lines A/S", "--street", "Esplanaden 50",
              "--city", "København", "--country", "DK", "--postcode", "1263")
    assert reg.exit_code == 0, reg.output
    token = json.loads(run(env, "token", "issue", "--role", "trader", "--name", "NOL desk", "--eori", CARRIER, "--json").stdout)["token"]
    env["EUCUSTOMS_TOKEN"] = token

    filing = tmp_path / "f11.json"
    filing.write_text(run(env, "ics2", "example", "IE3F11").stdout)
    filed = run(env, "ics2", "file", str(filing), "--json")
    assert filed.exit_code == 0, filed.output
    answer = json.loads(filed.stdout)
    assert answer["state"] == "assessment_complete"  # the domains exchanged the risk analysis already

    shown = json.loads(run(env, "ics2", "show", answer["mrn"], "--json").stdout)
    assert [m["message_type"] for m in shown["message_log"]] == ["IE3F11", "IE3R01", "IE3N03"]
    arrived = run(env, "ics2", "arrive", answer["mrn"], "--json")
    assert arrived.exit_code == 0 and json.loads(arrived.stdout)["mrns"] == [answer["mrn"]]
    assert json.loads(run(env, "ics2", "show", answer["mrn"], "--json").stdout)["state"] == "arrived"
    listed = json.loads(run(env, "ics2", "list", "--json").stdout)
    assert listed["total"] == 1


def test_bad_files_and_missing_token_are_rejected_with_reasons(sqlite_box, tmp_path):
    env = {"EUCUSTOMS_DATABASE_URL": sqlite_box.url, "EUCUSTOMS_HOME": str(tmp_path)}
    broken = tmp_path / "broken.json"
    broken.write_text('{"message_type": "IE3F11", ')
    r = run(env, "ics2", "file", str(broken), "--token", "euc_0000000000000000_" + "a" * 43, "--json")
    assert r.exit_code == 1 and json.loads(r.stdout)["errors"][0]["code"] == "SYNTAX"
    ok = tmp_path / "ok.json"
    ok.write_text(json.dumps(examples.sea_f11()))
    r = run(env, "ics2", "file", str(ok), "--json")
    assert r.exit_code == 1 and json.loads(r.stdout)["errors"][0]["pointer"] == "--token"
    assert run(env, "ics2", "example", "IE3F99").exit_code == 1
