"""Each condition operator, true and false, on one consignment; missing and multi-valued fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from eucustoms.core.errors import Rejected
from eucustoms.systems.risk.criteria import RuleBook, facts_from_dict, load_ruleset_data

DAY = dt.date(2026, 3, 2)

FACTS = facts_from_dict(
    {
        "kind": "import",
        "mode": "1",
        "countries": {"dispatch": "CN", "origin": "CN", "routing": ["CN", "AE", "NL"], "first_entry": "NL", "destination": "DE"},
        "places": {"loading": "CNSHA", "unloading": "NL RTM"},
        "parties": {
            "consignee": {"id": "DE123456789", "name": "Muller Handels GmbH", "country": "DE"},
            "consignor": {"id": "CN913100", "name": "Ningbo Export Co"},
        },
        "items": [
            {"hs6": "610910", "description": "T-shirts of cotton", "gross_mass_kg": "100", "value": "1400", "currency": "EUR"},
            {
                "cn8": "2939 49 00",
                "description": "Ephedra extract, pharmaceutical  grade",
                "gross_mass_kg": "25",
                "value": "21",
                "currency": "EUR",
                "un_dg": "UN1993",
                "origin": "IN",
            },
            {
                "hs6": "970300",
                "description": "Carved IVORY figurine",
                "gross_mass_kg": "2",
                "value": "900",
                "currency": "USD",
                "attributes": {"age_years": 120},
            },
        ],
        "dates": {"lodged": "2026-03-02", "arrival": "2026-03-20"},
        "attributes": {"consignee_age_days": 30, "channel": "B2C", "flags": ["new", "urgent"], "reviewed": False},
    },
    eur_rates={"USD": "0.9"},
)


def holds(condition: dict[str, Any]) -> bool:
    ruleset = load_ruleset_data(
        {
            "ruleset": "OPS",
            "version": "1",
            "valid_from": "2026-01-01",
            "description": "one rule",
            "lists": {"asia": ["CN", "HK", "IN"]},
            "rules": [
                {
                    "id": "OP-1",
                    "title": "t",
                    "risk_type": "financial",
                    "when": condition,
                    "outcome": {"action": "none"},
                    "rationale": "r",
                }
            ],
        }
    )
    hits = RuleBook([ruleset]).evaluate(FACTS, DAY)
    assert all(h.reasons for h in hits)  # every hit can be explained
    return bool(hits)


def test_the_facts_are_what_the_cases_below_assume():
    assert FACTS.totals.value_eur == 2231 and FACTS.totals.gross_mass_kg == 127
    assert FACTS.items[1].hs6 == "293949" and FACTS.items[1].un_dg == "1993"
    assert FACTS.countries.origin == ("CN", "IN")


CASES = [
    # eq / ne
    ({"mode": {"eq": "sea"}}, True),
    ({"mode": {"eq": "air"}}, False),
    ({"mode": {"ne": "air"}}, True),
    ({"mode": {"ne": "sea"}}, False),
    ({"goods.hs6": {"eq": "2939 49"}}, True),
    ({"goods.hs6": {"eq": "293941"}}, False),
    # in / not_in, inline and named lists
    ({"countries.dispatch": {"in": ["HK", "CN"]}}, True),
    ({"countries.dispatch": {"in": ["HK"]}}, False),
    ({"countries.dispatch": {"not_in": ["HK"]}}, True),
    ({"countries.dispatch": {"not_in": ["CN"]}}, False),
    ({"countries.dispatch": {"in": {"list": "asia"}}}, True),
    ({"countries.destination": {"in": {"list": "eu_member_states"}}}, True),
    ({"countries.dispatch": {"in": {"list": "eu_member_states"}}}, False),
    ({"totals.items": {"in": [2, 3]}}, True),
    # in_prefix: goods codes (spaces ignored), UN/LOCODEs
    ({"goods.hs6": {"in_prefix": ["2939"]}}, True),
    ({"goods.hs6": {"in_prefix": ["2834 21", "3602"]}}, False),
    ({"goods.cn8": {"in_prefix": ["2939 49"]}}, True),
    ({"places.loading": {"in_prefix": ["CN"]}}, True),
    ({"places.unloading": {"in_prefix": ["NLRTM"]}}, True),
    ({"places.loading": {"in_prefix": ["NL"]}}, False),
    # regex
    ({"goods.un_dg": {"regex": "^19"}}, True),
    ({"goods.un_dg": {"regex": "^0"}}, False),
    ({"parties.consignor.name": {"regex": "(?i)ningbo"}}, True),
    # gt / gte / lt / lte on numbers (at the boundary) and dates
    ({"totals.value_eur": {"gt": 2231}}, False),
    ({"totals.value_eur": {"gte": 2231}}, True),
    ({"totals.value_eur": {"lt": 2231}}, False),
    ({"totals.value_eur": {"lte": "2231.00"}}, True),
    ({"totals.gross_mass_kg": {"gt": 126.5}}, True),
    ({"dates.lodged": {"gte": "2026-03-02"}}, True),
    ({"dates.lodged": {"gt": "2026-03-02"}}, False),
    ({"dates.arrival": {"lt": dt.date(2026, 4, 1)}}, True),
    ({"goods.value_per_kg": {"lt": 1}}, True),
    # between, inclusive
    ({"totals.value_eur": {"between": [2000, 2231]}}, True),
    ({"totals.value_eur": {"between": [2232, 3000]}}, False),
    ({"dates.lodged": {"between": ["2026-03-01", "2026-03-31"]}}, True),
    # exists
    ({"parties.consignee.eori": {"exists": True}}, True),
    ({"parties.consignor.eori": {"exists": True}}, False),  # a Chinese TIN is not an EORI number
    ({"parties.consignor.id": {"exists": True}}, True),
    ({"parties.carrier.id": {"exists": False}}, True),
    ({"goods.un_dg": {"exists": True}}, True),
    ({"countries.routing": {"exists": False}}, False),
    # contains_any: case-insensitive whole words, phrases, prefixes
    ({"goods.description": {"contains_any": ["ivory"]}}, True),
    ({"goods.description": {"contains_any": ["ivor"]}}, False),
    ({"goods.description": {"contains_any": ["ivor*"]}}, True),
    ({"goods.description": {"contains_any": ["pharmaceutical grade"]}}, True),
    ({"goods.description": {"contains_any": ["grade pharmaceutical"]}}, False),
    ({"goods.description": {"contains_any": ["t-shirts"]}}, True),
    ({"goods.description": {"contains_any": ["shirts"]}}, True),
    ({"goods.description": {"contains_any": ["shirt"]}}, False),
    ({"goods.description": {"contains_any": ["shirts of wool", "pangolin"]}}, False),
    # several values: positive operators need one value, ne / not_in need none
    ({"countries.routing": {"in": ["AE"]}}, True),
    ({"countries.routing": {"eq": "AE"}}, True),
    ({"countries.routing": {"not_in": ["AE"]}}, False),
    ({"countries.routing": {"not_in": ["US", "TR"]}}, True),
    ({"countries.routing": {"ne": "AE"}}, False),
    ({"countries.origin": {"in": ["IN"]}}, True),
    ({"countries.involved": {"in": ["AE"]}}, True),
    # free attributes, typed at run time
    ({"attributes.consignee_age_days": {"lt": 180}}, True),
    ({"attributes.consignee_age_days": {"gt": 180}}, False),
    ({"attributes.consignee_age_days": {"eq": "30"}}, True),
    ({"attributes.consignee_age_days": {"between": [0, 30]}}, True),
    ({"attributes.channel": {"eq": "B2C"}}, True),
    ({"attributes.channel": {"in_prefix": ["B2"]}}, True),
    ({"attributes.channel": {"gt": 3}}, False),
    ({"attributes.flags": {"in": ["urgent"]}}, True),
    ({"attributes.flags": {"not_in": ["urgent"]}}, False),
    ({"attributes.reviewed": {"eq": False}}, True),
    ({"attributes.reviewed": {"eq": True}}, False),
    ({"goods.attributes.age_years": {"gte": 100}}, True),
    ({"attributes.unknown": {"exists": False}}, True),
    # a missing value fails every operator but exists
    ({"dates.loading": {"gt": "2020-01-01"}}, False),
    ({"dates.loading": {"ne": "2020-01-01"}}, False),
    ({"parties.carrier.country": {"not_in": ["CN"]}}, False),
    ({"parties.carrier.name": {"contains_any": ["ningbo"]}}, False),
    ({"attributes.unknown": {"ne": 1}}, False),
    # several operators on one field all apply
    ({"totals.value_eur": {"gt": 2000, "lt": 2500}}, True),
    ({"totals.value_eur": {"gt": 2000, "lt": 2100}}, False),
]


@pytest.mark.parametrize(("condition", "expected"), CASES, ids=[f"{c}->{e}" for c, e in CASES])
def test_operator(condition, expected):
    assert holds(condition) is expected


@pytest.mark.parametrize(
    ("condition", "pointer"),
    [
        ({"goods.description": {"gt": 3}}, "/goods.description/gt"),
        ({"countries.dispatch": {"in_prefix": ["C"]}}, "/countries.dispatch/in_prefix"),
        ({"goods.hs6": {"contains_any": ["29"]}}, "/goods.hs6/contains_any"),
        ({"dates.lodged": {"regex": "2026"}}, "/dates.lodged/regex"),
        ({"goods.hs6": {"eq": "2939"}}, "/goods.hs6/eq"),
        ({"places.loading": {"eq": "CNSH"}}, "/places.loading/eq"),
        ({"goods.un_dg": {"in": ["UN19931"]}}, "/goods.un_dg/in/0"),
        ({"kind": {"eq": "declaration"}}, "/kind/eq"),
        ({"mode": {"exists": "yes"}}, "/mode/exists"),
        ({"totals.value_eur": {"between": [1]}}, "/totals.value_eur/between"),
        ({"goods.description": {"contains_any": []}}, "/goods.description/contains_any"),
        ({"countries.dispatch": {"in": []}}, "/countries.dispatch/in"),
        ({"countries.dispatch": {"eq": ["CN"]}}, "/countries.dispatch/eq"),
        ({"all": []}, "/all"),
        ({"not": ["mode"]}, "/not"),
        ({"parties.captain.name": {"eq": "x"}}, "/parties.captain.name"),
        ({"goods.cus": {"eq": "0012345-0"}}, "/goods.cus/eq"),
    ],
)
def test_values_and_operators_are_checked_against_the_field(condition, pointer):
    with pytest.raises(Rejected) as info:
        holds(condition)
    assert [i.pointer for i in info.value.issues] == ["/rules/0/when" + pointer]
