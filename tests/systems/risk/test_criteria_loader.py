"""Loading rule set files: valid files, strict validation with every error pointed at, versions in a book."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from eucustoms.core.errors import ErrorCode, Rejected
from eucustoms.systems.risk.criteria import (
    Action,
    Level,
    Referral,
    RiskType,
    RuleBook,
    load_document,
    load_reference_prices_text,
    load_rulebook,
    RuleSet,
    load_ruleset_data,
    load_ruleset_file,
    load_ruleset_text,
)

VALID = textwrap.dedent(
    """\
    ruleset: CRC-TEST
    version: 2026.10
    valid_from: 2026-01-01
    valid_to: 2026-12-31
    description: a test rule set
    illustrative: true
    lists:
      nordics: [DK, FI, IS, NO, SE]
    rules:
      - id: T-001
        title: Bananas from a Nordic country by sea
        risk_type: financial
        area: origin
        applies_to: [import]
        when:
          all:
            - goods.hs6: {in_prefix: [0803, 0701]}
            - countries.dispatch: {in: {list: nordics}}
            - mode: {eq: sea}
        outcome: {action: document_check, level: low}
        rationale: bananas do not grow there
        legal_basis: [UCC Art. 60]
      - id: T-002
        title: Explosives by air
        risk_type: safety_security
        when: {goods.hs6: {in_prefix: ["3602"]}}
        outcome: {action: do_not_load, level: high, referral: DNL}
        rationale: must not fly
        enabled: false
    """
)


def rejected(text: str) -> list:
    with pytest.raises(Rejected) as info:
        load_ruleset_text(text, "broken.yaml")
    return info.value.issues


def test_a_valid_file_loads_with_its_rules_and_outcomes():
    rs = load_ruleset_text(VALID, "valid.yaml")
    assert (rs.ruleset, rs.valid_from, rs.valid_to) == ("CRC-TEST", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert [r.id for r in rs.rules] == ["T-001", "T-002"]
    first, second = rs.rules
    assert first.risk_type is RiskType.FINANCIAL and first.applies_to == ("import",)
    assert first.outcome.action is Action.DOCUMENT_CHECK and first.outcome.level is Level.LOW
    assert second.outcome.referral is Referral.DNL and second.enabled is False
    assert len(rs.compiled) == 2 and rs.source == "valid.yaml"


def test_yaml_scalars_are_kept_as_written():
    rs = load_ruleset_text(VALID)
    # 2026.10 is a label, not the float 2026.1; NO is Norway, not false; 0803 is a code, not an octal number.
    assert rs.version == "2026.10"
    assert rs.lists["nordics"] == ("DK", "FI", "IS", "NO", "SE")
    assert rs.rules[0].when["all"][0] == {"goods.hs6": {"in_prefix": ["0803", "0701"]}}


BROKEN = textwrap.dedent(
    """\
    ruleset: CRC-BAD
    version: 1
    valid_from: 2026-06-01
    valid_to: 2026-01-01
    description: every kind of mistake
    colour: blue
    lists:
      hubs: [AE, ZZ]
    rules:
      - id: B-001
        title: first
        risk_type: safety
        when: {mode: {eq: air}}
        outcome: {action: screen, referral: DNL}
        rationale: r
      - id: B-001
        title: duplicate id
        risk_type: financial
        when:
          all:
            - goods.hs6: {in_prefix: ["29x9", "2834 21"]}
            - mode: {eq: aeroplane}
            - countries.dispatch: {in: [CN, XX]}
            - countries.routing: {in: {list: hubs}}
            - goods.value_per_kg: {lt: cheap}
            - goods.description: {gt: 3}
            - totals.value_eur: {between: [200, 100]}
            - goods.colour: {eq: red}
            - any_item: {any_item: {goods.hs6: {eq: "293949"}}}
            - goods.un_dg: {regex: "([0-9]"}
            - mode: {equals: air}
            - countries.dispatch: {in: {list: nowhere}}
            - {mode: {eq: air}, countries.dispatch: {eq: CN}}
        outcome: {action: physical, urgency: now}
        rationale: r
      - id: B-003
        title: no condition
        risk_type: financial
        outcome: {action: none}
    """
)


def test_a_broken_file_reports_every_error_with_its_pointer():
    issues = rejected(BROKEN)
    by_pointer = {i.pointer: i for i in issues}
    assert set(by_pointer) == {
        "/colour",
        "/valid_to",
        "/rules/0/risk_type",
        "/rules/0/outcome",
        "/rules/1/id",
        "/rules/1/when/all/0/goods.hs6/in_prefix/0",
        "/rules/1/when/all/1/mode/eq",
        "/rules/1/when/all/2/countries.dispatch/in/1",
        "/rules/1/when/all/3/countries.routing/in/list",
        "/rules/1/when/all/4/goods.value_per_kg/lt",
        "/rules/1/when/all/5/goods.description/gt",
        "/rules/1/when/all/6/totals.value_eur/between",
        "/rules/1/when/all/7/goods.colour",
        "/rules/1/when/all/8/any_item/any_item",
        "/rules/1/when/all/9/goods.un_dg/regex",
        "/rules/1/when/all/10/mode/equals",
        "/rules/1/when/all/11/countries.dispatch/in/list",
        "/rules/1/when/all/12",
        "/rules/1/outcome/urgency",
        "/rules/2/when",
        "/rules/2/rationale",
    }
    assert len(issues) == len(by_pointer)
    assert by_pointer["/colour"].code == ErrorCode.NOT_ALLOWED
    assert by_pointer["/rules/1/id"].code == ErrorCode.DUPLICATE
    assert by_pointer["/rules/2/when"].code == ErrorCode.MISSING
    assert by_pointer["/rules/0/risk_type"].code == ErrorCode.CODELIST_VIOLATION
    # Reasons name the file and line and say what is wrong.
    assert by_pointer["/colour"].reason == "broken.yaml:6: unknown field 'colour'"
    assert by_pointer["/valid_to"].reason.startswith("broken.yaml:4: valid_to 2026-01-01 is before valid_from")
    assert by_pointer["/rules/1/id"].reason.startswith("broken.yaml:16: rule id B-001 is already used")
    assert by_pointer["/rules/1/when/all/0/goods.hs6/in_prefix/0"].reason.startswith("broken.yaml:21:")
    assert "'ZZ'" in by_pointer["/rules/1/when/all/3/countries.routing/in/list"].reason
    assert "'XX'" in by_pointer["/rules/1/when/all/2/countries.dispatch/in/1"].reason
    assert "unknown field 'goods.colour'" in by_pointer["/rules/1/when/all/7/goods.colour"].reason
    assert "cannot be nested" in by_pointer["/rules/1/when/all/8/any_item/any_item"].reason
    assert "exactly one key" in by_pointer["/rules/1/when/all/12"].reason
    assert "DNL" in by_pointer["/rules/0/outcome"].reason


def test_a_misspelt_field_gets_a_suggestion():
    text = VALID.replace("countries.dispatch", "countries.dispach")
    (issue,) = rejected(text)
    assert issue.pointer == "/rules/0/when/all/1/countries.dispach"
    assert "did you mean 'countries.dispatch'" in issue.reason


def test_yaml_syntax_errors_and_duplicate_keys_are_reported():
    (syntax,) = rejected("ruleset: X\nrules: [\n")
    assert syntax.code == ErrorCode.SYNTAX and syntax.reason.startswith("broken.yaml:3: YAML syntax error")
    (dup,) = rejected(VALID.replace("    area: origin\n", "    area: origin\n    area: again\n"))
    assert dup.code == ErrorCode.DUPLICATE and dup.pointer == "/rules/0/area"


def test_a_rule_set_needs_rules_and_a_known_top_key():
    (empty,) = rejected("ruleset: X\nversion: 1\nvalid_from: 2026-01-01\ndescription: d\nrules: []\n")
    assert empty.pointer == "/rules" and "at least one rule" in empty.reason
    with pytest.raises(Rejected) as info:
        load_document("something: else\n")
    assert info.value.issues[0].code == ErrorCode.MISSING


def test_plain_data_loads_too_and_is_validated_the_same_way():
    data = {
        "ruleset": "CRC-DATA",
        "version": 3,
        "valid_from": dt.date(2026, 1, 1),
        "description": "from Python",
        "rules": [
            {
                "id": "D-1",
                "title": "t",
                "risk_type": "financial",
                "when": {"totals.value_eur": {"gt": 100}},
                "outcome": {"action": "none"},
                "rationale": "r",
            }
        ],
    }
    rs = load_ruleset_data(data)
    assert rs.version == "3" and rs.rules[0].id == "D-1"
    data["rules"][0]["when"] = {"totals.value_eur": {"gt": "lots"}}
    with pytest.raises(Rejected) as info:
        load_ruleset_data(data, "data")
    assert [i.pointer for i in info.value.issues] == ["/rules/0/when/totals.value_eur/gt"]


def _version(version: str, valid_from: str, valid_to: str = "null", ruleset: str = "CRC-V", rule: str = "V-1") -> str:
    return (
        VALID.replace("ruleset: CRC-TEST", f"ruleset: {ruleset}")
        .replace("version: 2026.10", f"version: {version}")
        .replace("valid_from: 2026-01-01", f"valid_from: {valid_from}")
        .replace("valid_to: 2026-12-31", f"valid_to: {valid_to}")
        .replace("T-001", rule)
        .replace("T-002", rule + "b")
    )


def test_a_book_refuses_ambiguous_or_clashing_versions():
    book = RuleBook([load_ruleset_text(_version("1", "2026-01-01"))])
    with pytest.raises(Rejected) as same_version:
        book.add(load_ruleset_text(_version("1", "2026-02-01")))
    assert same_version.value.issues[0].code == ErrorCode.DUPLICATE
    with pytest.raises(Rejected) as same_start:
        book.add(load_ruleset_text(_version("2", "2026-01-01")))
    assert "ambiguous" in same_start.value.issues[0].reason
    with pytest.raises(Rejected) as foreign_id:
        book.add(load_ruleset_text(_version("1", "2026-01-01", ruleset="CRC-OTHER")))
    assert {i.pointer for i in foreign_id.value.issues} == {"/rules/0/id", "/rules/1/id"}
    book.add(load_ruleset_text(_version("2", "2026-07-01")))
    assert [rs.version for rs in book.versions("CRC-V")] == ["1", "2"]


def test_loading_a_directory_reports_the_problems_of_every_file(tmp_path):
    (tmp_path / "a.yaml").write_text(VALID.replace("risk_type: financial", "risk_type: money"))
    (tmp_path / "b.yaml").write_text(VALID.replace("mode: {eq: sea}", "mode: {eq: ship}"))
    (tmp_path / "notes.txt").write_text("not a rule file")
    with pytest.raises(Rejected) as info:
        load_rulebook(tmp_path)
    reasons = sorted(i.reason.split(":")[0] for i in info.value.issues)
    assert reasons == ["a.yaml", "b.yaml"]


def test_loading_a_directory_builds_a_book(tmp_path):
    (tmp_path / "set.yaml").write_text(VALID)
    (tmp_path / "prices.yaml").write_text(PRICES)
    book = load_rulebook(tmp_path)
    assert [rs.ruleset for rs in book.as_of(dt.date(2026, 5, 1))] == ["CRC-TEST"]
    assert [t.reference_prices for t in book.prices_as_of(dt.date(2026, 5, 1))] == ["REF-TEST"]


PRICES = textwrap.dedent(
    """\
    reference_prices: REF-TEST
    version: 2026.1
    valid_from: 2026-01-01
    note: test prices
    prices:
      - {hs: "2939", per_kg: 40}
      - {hs: "2939 41", per_kg: 60.5}
    """
)


def test_reference_prices_load_and_are_checked():
    table = load_reference_prices_text(PRICES)
    assert table.per_kg("293941") == 60.5 and table.per_kg("293949") == 40 and table.per_kg("610910") is None
    broken = PRICES.replace('"2939 41", per_kg: 60.5', '"293941", per_kg: -1') + '  - {hs: "29394", per_kg: 1}\n' + (
        '  - {hs: "2939", per_kg: 2}\n'
    )
    with pytest.raises(Rejected) as info:
        load_reference_prices_text(broken, "prices.yaml")
    assert {i.pointer for i in info.value.issues} == {"/prices/1/per_kg", "/prices/2/hs", "/prices/3/hs"}
    duplicate = next(i for i in info.value.issues if i.pointer == "/prices/3/hs")
    assert duplicate.code == ErrorCode.DUPLICATE and duplicate.reason.startswith("prices.yaml:9:")


def test_a_rule_set_built_without_the_loader_is_compiled_and_checked_when_added(tmp_path):
    path = tmp_path / "set.yaml"
    path.write_text(VALID)
    data = load_ruleset_file(path).model_dump()
    assert len(RuleBook([RuleSet.model_validate(data)]).as_of(dt.date(2026, 2, 1))) == 1
    data["rules"][0]["when"] = {"mode": {"eq": "rocket"}}
    with pytest.raises(Rejected) as info:
        RuleBook([RuleSet.model_validate(data)])
    assert [i.pointer for i in info.value.issues] == ["/rules/0/when/mode/eq"]
