"""The ``eucustoms`` command on a fresh embedded database: init, MRNs, EORI, tokens, demo."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from eucustoms.cli import app
from eucustoms.core.identifiers import MRN


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """One initialised box for the whole module (reference data loading is the slow part)."""
    path = tmp_path_factory.mktemp("box")
    env = {"EUCUSTOMS_HOME": str(path), "EUCUSTOMS_DATABASE_URL": ""}
    result = CliRunner().invoke(app, ["init", "--json"], env=env)
    assert result.exit_code == 0, result.output
    return env


def run(env, *args):
    return CliRunner().invoke(app, list(args), env=env)


def test_init_reports_the_reference_data_loaded(home):
    result = run(home, "init", "--json")
    assert result.exit_code == 0, result.output
    loaded = json.loads(result.stdout)["reference_data"]
    assert loaded and all(isinstance(v, int) for v in loaded.values())


def test_commands_on_an_uninitialised_database_say_so(tmp_path):
    env = {"EUCUSTOMS_HOME": str(tmp_path), "EUCUSTOMS_DATABASE_URL": ""}
    result = run(env, "eori", "show", "DE1234567")
    assert result.exit_code == 1
    assert "eucustoms init" in result.output


def test_mrn_validate_exit_codes_and_reasons(home):
    good = MRN.build(2026, "DE", 42, "J")
    ok = run(home, "mrn", "validate", str(good), "--json")
    assert ok.exit_code == 0 and json.loads(ok.stdout)["procedure"] == "J"
    bad_check = str(good)[:17] + ("0" if str(good)[17] != "0" else "1")
    bad = run(home, "mrn", "validate", bad_check)
    assert bad.exit_code == 1 and "check" in bad.output
    assert run(home, "mrn", "validate", "26DE").exit_code == 1


def test_mrn_new_allocates_distinct_valid_numbers(home):
    first = run(home, "mrn", "new", "--country", "IT", "--procedure", "R", "--count", "3")
    second = run(home, "mrn", "new", "--country", "IT", "--procedure", "R")
    numbers = first.stdout.split() + second.stdout.split()
    assert first.exit_code == 0 and second.exit_code == 0
    assert len(numbers) == 4 and len(set(numbers)) == 4
    assert all(MRN.parse(n).procedure.value == "R" and MRN.parse(n).country == "IT" for n in numbers)
    assert run(home, "mrn", "new", "--country", "IT", "--procedure", "Z").exit_code == 1


def test_eori_register_show_validate_and_token(home):
    reg = run(home, "eori", "register", "--name", "Ligure Spedizioni Srl", "--street", "Via del Molo 2",
              "--city", "Genova", "--country", "IT", "--postcode", "16126", "--publish", "--json")
    assert reg.exit_code == 0, reg.output
    eori = json.loads(reg.stdout)["eori"]
    assert eori.startswith("IT")
    shown = run(home, "eori", "show", eori, "--json")
    assert json.loads(shown.stdout)["name"] == "Ligure Spedizioni Srl"
    amended = run(home, "eori", "amend", eori, "--name", "Ligure Spedizioni S.r.l.", "--json")
    assert amended.exit_code == 0 and json.loads(amended.stdout)["version"] == 2
    half_address = run(home, "eori", "amend", eori, "--city", "Savona", "--json")
    assert half_address.exit_code == 1
    assert {e["pointer"] for e in json.loads(half_address.stdout)["errors"]} >= {"/address/street_and_number", "/address/country"}
    valid = run(home, "eori", "validate", eori, "--json")
    assert valid.exit_code == 0 and json.loads(valid.stdout)["valid"] is True
    assert run(home, "eori", "validate", "IT000000000000999").exit_code == 1
    token = run(home, "token", "issue", "--role", "trader", "--name", "Ligure desk", "--eori", eori, "--json")
    assert token.exit_code == 0, token.output
    assert json.loads(token.stdout)["token"].startswith("euc_")
    # A trader token needs a registered EORI, an officer token a real customs office.
    assert run(home, "token", "issue", "--role", "trader", "--name", "x", "--eori", "IT999999999").exit_code == 1
    assert run(home, "token", "issue", "--role", "officer", "--name", "x", "--office", "IT999999").exit_code == 1
    officer = run(home, "token", "issue", "--role", "officer", "--name", "Genova desk", "--office", "IT261101", "--json")
    assert officer.exit_code == 0, officer.output
    assert json.loads(officer.stdout)["country"] == "IT"


def test_a_bad_registration_prints_every_error(home):
    result = run(home, "eori", "register", "--name", "X", "--street", "s", "--city", "c", "--country", "QQ",
                 "--vat", "IT00000000000", "--json")
    assert result.exit_code == 1
    pointers = {e["pointer"] for e in json.loads(result.stdout)["errors"]}
    # QQ is neither a country of the address nor a member state that issues EORI numbers.
    assert pointers == {"/eori", "/address/country", "/vat_numbers/0"}


def test_demo_without_serving_prints_a_json_summary(home):
    result = run(home, "demo", "--no-serve", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["operators"]["registered_now"] + summary["operators"]["already_registered"] == 59
    assert summary["tokens"]["officers"] == 28
    assert summary["message_exchange"]["pending"] == 0
    assert summary["message_exchange"]["messages_delivered"] == 4 * 28
    assert summary["telemetry"]["messages"]["ccn2/CCN_PING"] >= 56
    assert summary["eori_validation"]["valid"] == 59
    assert {e["pointer"] for e in summary["rejection_example"]} >= {"/eori", "/address/country", "/vat_numbers/0"}
    for mrn in summary["mrn_examples"].values():
        assert MRN.is_valid(mrn)
    ics2 = summary["ics2"]
    assert ics2["rejected_example"] is None
    assert ics2["states"] == {"assessment_complete": len(ics2["filed"]) - 1, "controlled": 1}
    assert ics2["referrals_answered"] == 1
    assert summary["telemetry"]["messages"]["ics2/ICS2_RA_REQ"] >= 10
