"""``eucustoms imports …``: every command through Typer's runner on a copy of the imports box (the file is not
called ``test_cli.py``: ``tests/test_cli.py`` has that module name already)."""

from __future__ import annotations

import json

import pytest
from imports_support import DECLARANT, declaration, issue_guarantee
from typer.testing import CliRunner

from eucustoms.cli import app
from eucustoms.core.identifiers import MRN
from eucustoms.platform.auth import issue_token


@pytest.fixture
def cli(imp_sqlite, tmp_path):
    """Run ``eucustoms --db <box> imports …``; tokens for the declarant and a German officer."""
    with imp_sqlite.begin() as conn:
        trader, _ = issue_token(conn, role="trader", name="importer", eori=DECLARANT)
        officer, _ = issue_token(conn, role="officer", name="DE desk", country="DE", office="DE002101")

    def run(*args: str):
        return CliRunner().invoke(app, ["--db", imp_sqlite.url, "imports", *args])

    def file(name: str, data) -> str:  # noqa: ANN001
        path = tmp_path / name
        path.write_text(json.dumps(data))
        return str(path)

    run.trader, run.officer, run.file, run.db = trader, officer, file, imp_sqlite  # type: ignore[attr-defined]
    return run


def ok(result) -> dict:  # noqa: ANN001
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_lodge_show_list_amend_pay(cli):
    t = cli.trader
    out = ok(cli("lodge", cli.file("h1.json", declaration("CLI-1")), "--token", t, "--json"))
    mrn = out["mrn"]
    assert out["state"] == "accepted" and out["debt_status"] == "unpaid" and out["debt"]["total"] == "332.80"
    shown = ok(cli("show", mrn, "--token", t, "--json"))
    assert shown["message_log"][0]["message_type"] == "IMP_H1" and shown["risk"] is None
    plain = cli("show", mrn)  # the box's administrator, as a table
    assert plain.exit_code == 0 and mrn in plain.output and "IMP_ACC" in plain.output
    listed = ok(cli("list", "--token", cli.officer, "--state", "accepted", "--json"))
    assert [i["mrn"] for i in listed["items"]] == [mrn]
    assert cli("list").exit_code == 0
    amended = ok(cli("amend", mrn, cli.file("amend.json", declaration("CLI-1", value="500.00")), "--token", t, "--json"))
    assert amended["version"] == 2 and amended["debt"]["total"] == "166.40"
    paid = ok(cli("pay", mrn, "--token", t, "--reference", "BANK-1", "--json"))
    assert paid["state"] == "released" and paid["debt_status"] == "paid"
    assert "IMP_REL" in cli("show", mrn, "--token", t).output


def test_pre_lodged_presented_then_invalidated(cli):
    grn = issue_guarantee(cli.db)
    d = declaration("CLI-PRE", additional_declaration_type="D", guarantee={"grn": grn, "access_code": "AB12"})
    pre = ok(cli("lodge", cli.file("pre.json", d), "--token", cli.trader, "--json"))
    assert pre["state"] == "pre_lodged"
    presented = ok(cli("present", pre["mrn"], "--token", cli.officer, "--json"))
    assert presented["state"] == "released" and presented["debt_status"] == "secured"
    other = ok(cli("lodge", cli.file("inv.json", declaration("CLI-INV")), "--token", cli.trader, "--json"))
    gone = ok(cli("invalidate", other["mrn"], "--token", cli.trader, "--reason", "sold elsewhere", "--json"))
    assert gone["state"] == "invalidated"
    again = cli("invalidate", other["mrn"], "--token", cli.trader, "--json")
    assert again.exit_code == 1


def test_officer_control_result_with_corrections_release_and_no_release(cli):
    t, o = cli.trader, cli.officer
    held = ok(cli("lodge", cli.file("c1.json", declaration("CLI-C1", mass="1000")), "--token", t, "--json"))
    assert held["state"] == "under_control"
    assert ok(cli("control", held["mrn"], "physical", "--token", o, "--json"))["control"] == "physical"
    corrections = cli.file("found.json", [{"item_number": 1, "item_price": {"amount": "2000.00", "currency": "EUR"}}])
    result = ok(cli("result", held["mrn"], "--token", o, "--result", "irregularity", "--findings", "invoice EUR 2000",
                    "--corrections", corrections, "--json"))
    assert result["state"] == "controlled" and result["debt"]["total"] == "665.60"
    refused = cli("release", held["mrn"], "--token", o, "--json")  # unpaid
    assert refused.exit_code == 1 and json.loads(refused.stdout)["errors"][0]["pointer"] == "/debt"
    ok(cli("pay", held["mrn"], "--token", t, "--json"))
    assert ok(cli("release", held["mrn"], "--token", o, "--json"))["state"] == "released"

    seized = ok(cli("lodge", cli.file("c2.json", declaration("CLI-C2", mass="1000")), "--token", t, "--json"))
    ok(cli("result", seized["mrn"], "--token", o, "--result", "seizure", "--json"))
    gone = ok(cli("no-release", seized["mrn"], "--token", o, "--reason", "counterfeit goods", "--json"))
    assert gone["state"] == "not_released" and gone["debt_status"] == "cancelled"
    waived = ok(cli("lodge", cli.file("c3.json", declaration("CLI-C3", mass="1000")), "--token", t, "--json"))
    assert ok(cli("control", waived["mrn"], "none", "--token", o, "--json"))["state"] == "accepted"


def test_imp3_and_rejections(cli):
    ok(cli("lodge", cli.file("a.json", declaration("CLI-A")), "--token", cli.trader, "--json"))
    imp = ok(cli("imp3", "DE", "2026-03-02T00:00:00", "2026-03-03T00:00:00", "--json"))
    assert imp["indicator"] == "IMP 3" and imp["pending"] == 1 and imp["share"] is None
    assert "IMP 3" in cli("imp3", "DE", "2026-03-02", "2026-03-03").output
    no_token = cli("lodge", cli.file("b.json", declaration("CLI-B")), "--json")
    assert no_token.exit_code == 1 and json.loads(no_token.stdout)["errors"][0]["pointer"] == "--token"
    bad = cli("lodge", cli.file("bad.json", declaration("CLI-BAD", code="99999999")), "--token", cli.trader, "--json")
    assert bad.exit_code == 1 and json.loads(bad.stdout)["errors"][0]["pointer"] == "/items/0/cn_code"
    broken = cli.file("broken.json", {})
    with open(broken, "w") as f:
        f.write("{not json")
    assert cli("lodge", broken, "--token", cli.trader, "--json").exit_code == 1
    unknown = str(MRN.build(2026, "DE", 999_999, "R"))
    missing = cli("show", unknown, "--json")
    assert missing.exit_code == 1 and unknown in missing.stdout
    assert cli("show", "26DE000000000001R", "--json").exit_code == 1  # not an MRN
    assert cli("control", unknown, "sideways", "--token", cli.officer, "--json").exit_code == 1
