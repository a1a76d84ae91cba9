"""Evaluating a rule book: item-level vs consignment-level conditions, versions in force, explanations."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from typing import Any

import pytest

from eucustoms.core.errors import Rejected
from eucustoms.systems.risk.criteria import (
    Facts,
    RuleBook,
    facts_from_dict,
    load_reference_prices_text,
    load_ruleset_data,
    load_ruleset_text,
)

DAY = dt.date(2026, 3, 1)


def book_of(*conditions: Any, prices: str | None = None, **rule: Any) -> RuleBook:
    rules = [
        {
            "id": f"R-{n}",
            "title": f"rule {n}",
            "risk_type": "financial",
            "when": condition,
            "outcome": {"action": "document_check"},
            "rationale": "r",
            **rule,
        }
        for n, condition in enumerate(conditions, start=1)
    ]
    ruleset = load_ruleset_data(
        {"ruleset": "E", "version": "1", "valid_from": "2026-01-01", "description": "d", "rules": rules}
    )
    tables = [load_reference_prices_text(prices)] if prices else []
    return RuleBook([ruleset], tables)


def facts(*items: dict[str, Any], **top: Any) -> Facts:
    return facts_from_dict({"kind": "import", "items": list(items), **top})


EXPENSIVE_EPHEDRA = {"hs6": "293949", "description": "ephedra extract", "gross_mass_kg": "10", "value": "900", "currency": "EUR"}
CHEAP_SHIRTS = {"hs6": "610910", "description": "t-shirts", "gross_mass_kg": "100", "value": "50", "currency": "EUR"}
CHEAP_EPHEDRA = {"hs6": "293949", "description": "ephedra extract", "gross_mass_kg": "25", "value": "21", "currency": "EUR"}

SEPARATE = {"all": [{"goods.hs6": {"in_prefix": ["2939"]}}, {"goods.value_per_kg": {"lt": 2}}]}
SAME_ITEM = {"any_item": {"all": [{"goods.hs6": {"in_prefix": ["2939"]}}, {"goods.value_per_kg": {"lt": 2}}]}}


def test_consignment_level_goods_conditions_may_be_met_by_different_items():
    mixed = facts(EXPENSIVE_EPHEDRA, CHEAP_SHIRTS)
    (hit,) = book_of(SEPARATE).evaluate(mixed, DAY)
    assert hit.items == (1, 2)
    assert book_of(SAME_ITEM).evaluate(mixed, DAY) == []


def test_an_item_quantifier_needs_one_item_meeting_every_condition():
    (hit,) = book_of(SAME_ITEM).evaluate(facts(CHEAP_SHIRTS, CHEAP_EPHEDRA, EXPENSIVE_EPHEDRA), DAY)
    assert hit.items == (2,)
    assert hit.reasons == ("goods item 2: hs6 293949 starts with 2939; value per kg 0.84 < 2",)
    assert hit.explanation == "goods item 2: hs6 293949 starts with 2939; value per kg 0.84 < 2"


def test_several_operators_on_one_goods_field_apply_to_the_same_item():
    # Item 1 is above 5 EUR/kg, item 2 below 1: no single item is between 1 and 5.
    rule = {"goods.value_per_kg": {"gte": 1, "lte": 5}}
    assert book_of(rule).evaluate(facts(EXPENSIVE_EPHEDRA, CHEAP_SHIRTS), DAY) == []
    (hit,) = book_of(rule).evaluate(facts(EXPENSIVE_EPHEDRA, {**CHEAP_SHIRTS, "value": "300"}), DAY)
    assert hit.items == (2,)


def test_all_items_needs_every_item_and_at_least_one():
    rule = {"all_items": {"goods.value_per_kg": {"lt": 2}}}
    assert book_of(rule).evaluate(facts(CHEAP_SHIRTS, CHEAP_EPHEDRA), DAY)[0].items == (1, 2)
    assert book_of(rule).evaluate(facts(CHEAP_SHIRTS, EXPENSIVE_EPHEDRA), DAY) == []
    assert book_of(rule).evaluate(facts(), DAY) == []


def test_no_item_via_not_and_its_explanation():
    rule = {"all": [{"mode": {"eq": "air"}}, {"not": {"goods.hs6": {"in_prefix": ["2939"]}}}]}
    (hit,) = book_of(rule).evaluate(facts(CHEAP_SHIRTS, mode="air"), DAY)
    assert hit.items == ()  # items shown under not did not match the rule
    assert hit.reasons == (
        "mode of transport is air",
        "goods item 1 does not match: hs6 610910 does not start with any of [2939]",
    )
    assert book_of(rule).evaluate(facts(CHEAP_SHIRTS, CHEAP_EPHEDRA, mode="air"), DAY) == []


def test_items_found_under_a_double_negation_are_matches():
    # not (no 2939 item and sea) = some 2939 item or not sea: item 2 is why the rule holds.
    rule = {"not": {"all": [{"not": {"goods.hs6": {"in_prefix": ["2939"]}}}, {"mode": {"eq": "sea"}}]}}
    (hit,) = book_of(rule).evaluate(facts(CHEAP_SHIRTS, CHEAP_EPHEDRA, mode="sea"), DAY)
    assert hit.items == (2,)
    assert hit.reasons == ("goods item 2: hs6 293949 starts with 2939",)
    assert book_of(rule).evaluate(facts(CHEAP_SHIRTS, mode="sea"), DAY) == []


def test_ne_and_not_in_need_a_value_on_multi_valued_fields():
    for rule in ({"countries.routing": {"not_in": ["AE"]}}, {"countries.routing": {"ne": "AE"}}):
        assert book_of(rule).evaluate(facts(countries={"routing": ["CN", "NL"]}), DAY)
        assert book_of(rule).evaluate(facts(countries={"routing": ["CN", "AE"]}), DAY) == []
        assert book_of(rule).evaluate(facts(), DAY) == []


def test_consignment_conditions_inside_an_item_quantifier():
    rule = {"any_item": {"all": [{"countries.dispatch": {"eq": "CN"}}, {"goods.origin": {"in": ["KH", "LK"]}}]}}
    bikes = {"hs6": "871200", "origin": "KH", "gross_mass_kg": "13"}
    (hit,) = book_of(rule).evaluate(facts(CHEAP_SHIRTS, bikes, countries={"dispatch": "CN"}), DAY)
    assert hit.items == (2,)
    assert hit.reasons == ("goods item 2: country of dispatch is CN; origin KH is in [KH, LK]",)
    assert book_of(rule).evaluate(facts(CHEAP_SHIRTS, bikes, countries={"dispatch": "VN"}), DAY) == []
    assert book_of(rule).evaluate(facts(countries={"dispatch": "CN"}), DAY) == []


def test_any_and_consignment_level_explanations():
    rule = {
        "all": [
            {"any": [{"parties.consignee.eori": {"exists": False}}, {"totals.value_eur": {"gt": 10000}}]},
            {"countries.routing": {"in": ["AE", "TR"]}},
        ]
    }
    f = facts(CHEAP_SHIRTS, countries={"routing": ["CN", "AE", "NL"]}, parties={"consignee": {"name": "X"}})
    (hit,) = book_of(rule).evaluate(f, DAY)
    assert hit.reasons == ("consignee EORI is missing", "routing country AE is in [AE, TR]")


PRICES = textwrap.dedent(
    """\
    reference_prices: P
    version: 1
    valid_from: 2026-01-01
    prices:
      - {hs: "6109", per_kg: 10}
      - {hs: "6109 10", per_kg: 14}
    """
)


def test_price_ratio_uses_the_subheading_then_the_heading_price():
    rule = {"goods.price_ratio": {"lt": "0.2"}}
    cheap = facts({"hs6": "610910", "gross_mass_kg": "10", "value": "20", "currency": "EUR"})  # 2/kg vs 14
    (hit,) = book_of(rule, prices=PRICES).evaluate(cheap, DAY)
    assert hit.reasons == ("goods item 1: declared/reference price ratio 0.14 < 0.2",)
    other = facts({"hs6": "610990", "gross_mass_kg": "10", "value": "25", "currency": "EUR"})  # 2.5/kg vs 10
    assert book_of(rule, prices=PRICES).evaluate(other, DAY) == []
    assert book_of({"goods.reference_price_per_kg": {"eq": 10}}, prices=PRICES).evaluate(other, DAY)
    # Without a price table (or a euro value) there is no ratio, and no hit.
    assert book_of(rule).evaluate(cheap, DAY) == []
    no_value = facts({"hs6": "610910", "gross_mass_kg": "10", "value": "20", "currency": "USD"})
    assert book_of(rule, prices=PRICES).evaluate(no_value, DAY) == []


def test_applies_to_and_disabled_rules():
    rule = {"totals.items": {"gte": 1}}
    assert book_of(rule, applies_to=["ens"]).evaluate(facts(CHEAP_SHIRTS), DAY) == []
    assert book_of(rule, applies_to=["ens", "import"]).evaluate(facts(CHEAP_SHIRTS), DAY)
    assert book_of(rule, enabled=False).evaluate(facts(CHEAP_SHIRTS), DAY) == []


def test_an_unknown_kind_of_filing_is_rejected():
    with pytest.raises(Rejected):
        book_of({"totals.items": {"gte": 1}}).evaluate(Facts(kind="manifest"), DAY)


def version_text(version: str, valid_from: str, valid_to: str, threshold: int) -> str:
    return textwrap.dedent(
        f"""\
        ruleset: CRC-VER
        version: {version}
        valid_from: {valid_from}
        valid_to: {valid_to}
        description: versions
        rules:
          - id: VER-1
            title: high value
            risk_type: financial
            when: {{totals.value_eur: {{gt: {threshold}}}}}
            outcome: {{action: document_check}}
            rationale: r
        """
    )


@pytest.fixture
def versioned() -> RuleBook:
    return RuleBook(
        [
            load_ruleset_text(version_text("2026.2", "2026-07-01", "null", 500)),
            load_ruleset_text(version_text("2025.1", "2025-01-01", "2025-12-31", 10)),
            load_ruleset_text(version_text("2026.1", "2026-01-01", "null", 1000)),
        ]
    )


def test_as_of_selects_the_version_in_force(versioned):
    assert versioned.as_of(dt.date(2024, 12, 31)) == ()
    assert [rs.version for rs in versioned.as_of(dt.date(2025, 12, 31))] == ["2025.1"]
    assert [rs.version for rs in versioned.as_of(dt.date(2026, 1, 1))] == ["2026.1"]
    assert [rs.version for rs in versioned.as_of(dt.date(2026, 6, 30))] == ["2026.1"]
    # 2026.1 is open-ended, but 2026.2 started later and supersedes it.
    assert [rs.version for rs in versioned.as_of(dt.date(2026, 7, 1))] == ["2026.2"]
    assert [rs.version for rs in versioned.rulesets] == ["2025.1", "2026.1", "2026.2"]


def test_evaluation_uses_the_version_in_force_on_the_lodging_date(versioned):
    f = facts({"hs6": "610910", "gross_mass_kg": "10", "value": "800", "currency": "EUR"}, dates={"lodged": "2026-08-01"})
    (hit,) = versioned.evaluate(f)
    assert (hit.ruleset, hit.version, hit.rule_id) == ("CRC-VER", "2026.2", "VER-1")
    assert versioned.evaluate(f, as_of=dt.date(2026, 3, 1)) == []  # 2026.1: above 1000 only
    assert versioned.evaluate(f, as_of=dt.date(2025, 3, 1))[0].version == "2025.1"


def test_a_hit_carries_its_rule_and_serialises():
    (hit,) = book_of(SAME_ITEM, area="drugs").evaluate(facts(CHEAP_EPHEDRA), DAY)
    data = hit.as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data == {
        "ruleset": "E",
        "version": "1",
        "rule_id": "R-1",
        "title": "rule 1",
        "risk_type": "financial",
        "area": "drugs",
        "outcome": {"action": "document_check", "level": "medium"},
        "items": [1],
        "reasons": ["goods item 1: hs6 293949 starts with 2939; value per kg 0.84 < 2"],
        "explanation": "goods item 1: hs6 293949 starts with 2939; value per kg 0.84 < 2",
    }


def test_hits_come_in_rule_order_and_each_names_its_items():
    book = book_of(
        {"goods.description": {"contains_any": ["ephedra"]}},
        {"totals.items": {"eq": 3}},
        {"goods.hs6": {"eq": "610910"}},
    )
    hits = book.evaluate(facts(CHEAP_EPHEDRA, CHEAP_SHIRTS, EXPENSIVE_EPHEDRA), DAY)
    assert [(h.rule_id, h.items) for h in hits] == [("R-1", (1, 3)), ("R-2", ()), ("R-3", (2,))]
    assert hits[0].reasons == (
        "goods item 1: description 'ephedra extract' mentions 'ephedra'",
        "goods item 3: description 'ephedra extract' mentions 'ephedra'",
    )
