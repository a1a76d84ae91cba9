"""``pous example/request/endorse/show/list/use/invalidate/verify/authorise`` (run on the PoUS Typer app until it is
mounted on ``eucustoms``)."""

from __future__ import annotations

import json

from pous_support import HOLDER, ISSUER
from typer.testing import CliRunner

from eucustoms.platform.auth import issue_token
from eucustoms.platform.clitools import set_database_url
from eucustoms.systems.status.cli import app


def run(*args):
    return CliRunner().invoke(app, list(args))


def token(db, role: str, **binding) -> str:
    with db.begin() as conn:
        return issue_token(conn, role=role, name=f"cli {role}", **binding)[0]


def test_a_manifest_from_the_command_line(sqlite_pbox, tmp_path):
    set_database_url(sqlite_pbox.url)
    trader = token(sqlite_pbox, "trader", eori=HOLDER)
    de = token(sqlite_pbox, "officer", country="DE", office="DE004851")
    nl = token(sqlite_pbox, "officer", country="NL", office="NL000396")

    example = run("example", "CGM", "--requester", HOLDER)
    assert example.exit_code == 0
    path = tmp_path / "cgm.json"
    path.write_text(example.stdout)

    asked = run("request", str(path), "--token", trader, "--json")
    assert asked.exit_code == 0, asked.output
    mrn = json.loads(asked.stdout)["mrn"]
    again = run("request", str(path), "--token", trader, "--json")
    assert again.exit_code == 1 and json.loads(again.stdout)["errors"][0]["pointer"] == "/lrn"

    assert run("verify", mrn).exit_code == 1  # not endorsed yet
    assert json.loads(run("endorse", mrn, "--token", de, "--json").stdout)["state"] == "registered"
    assert run("verify", mrn).exit_code == 0

    used = run("use", mrn, "--token", nl, "--item", "1", "--item", "3", "--reference", "TS-42", "--json")
    assert used.exit_code == 0 and json.loads(used.stdout)["state"] == "partially_used"
    shown = run("show", mrn)  # the administrator, as a table
    assert shown.exit_code == 0 and "partially_used" in shown.stdout and "POUS_OUSE" in shown.stdout
    listed = json.loads(run("list", "--token", trader, "--json").stdout)
    assert [p["mrn"] for p in listed["items"]] == [mrn]

    refused = run("invalidate", mrn, "--reason", "changed my mind", "--token", trader, "--json")
    assert refused.exit_code == 1 and json.loads(refused.stdout)["errors"][0]["code"] == "92"
    done = run("invalidate", mrn, "--reason", "goods not Union goods", "--token", de, "--json")
    assert done.exit_code == 0 and json.loads(done.stdout)["state"] == "invalidated"
    verified = run("verify", mrn, "--json")
    assert verified.exit_code == 1 and json.loads(verified.stdout)["state"] == "invalidated"


def test_authorise_reject_and_examples(sqlite_pbox, tmp_path):
    set_database_url(sqlite_pbox.url)
    de = token(sqlite_pbox, "officer", country="DE", office="DE004851")
    issuer = token(sqlite_pbox, "trader", eori=ISSUER)
    out = run("authorise", "--reference", "DEACP-CLI", "--holder", ISSUER, "--type", "t2l", "--token", de, "--json")
    assert out.exit_code == 0 and json.loads(out.stdout)["proof_types"] == ["T2L"]
    for kind in ("T2L", "T2LF", "CGM"):
        assert json.loads(run("example", kind).stdout)["proof_type"] == kind
    assert run("example", "T3").exit_code == 1

    path = tmp_path / "t2l.json"
    path.write_text(run("example", "T2L", "--requester", HOLDER).stdout)
    holder = token(sqlite_pbox, "trader", eori=HOLDER)
    mrn = json.loads(run("request", str(path), "--token", holder, "--json").stdout)["mrn"]
    refused = run("reject", mrn, "--reason", "no evidence of Union status", "--token", de, "--json")
    assert json.loads(refused.stdout)["state"] == "rejected"
    assert run("request", str(path), "--json").exit_code == 1  # no token
    assert run("endorse", mrn, "--token", issuer, "--json").exit_code == 1  # a trader does not endorse
