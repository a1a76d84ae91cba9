"""The illustrative rule sets shipped with the package: they load, catch planted consignments, spare benign ones."""

from __future__ import annotations

from typing import Any

import pytest

from eucustoms.systems.risk.criteria import Action, Referral, RiskType, facts_from_dict, shipped_rulebook, shipped_rules_dir

BOOK = shipped_rulebook()

PARTIES = {
    "consignee": {"id": "DE123456789012", "name": "Acme GmbH", "country": "DE"},
    "consignor": {"id": "CN913100", "name": "Shanghai Trading", "country": "CN"},
}
ITEMS = [
    {"hs6": "610910", "description": "T-shirts of cotton, knitted", "gross_mass_kg": "500", "value": "8000", "currency": "EUR"},
    {"hs6": "640299", "description": "sports shoes, rubber soles", "gross_mass_kg": "300", "value": "3200", "currency": "EUR"},
    {"hs6": "950300", "description": "plastic toy cars", "gross_mass_kg": "200", "value": "1900", "currency": "EUR"},
]


def evaluate(data: dict[str, Any]) -> dict[str, Any]:
    data = {"dates": {"lodged": "2026-03-02"}, **data}
    return {h.rule_id: h for h in BOOK.evaluate(facts_from_dict(data, eur_rates={"USD": "0.92"}))}


def test_the_shipped_files_load_as_three_illustrative_rule_sets():
    names = sorted(p.name for p in shipped_rules_dir().glob("*.yaml"))
    assert names == ["crc_financial.yaml", "crc_prohibitions_restrictions.yaml", "crc_safety_security.yaml", "reference_prices.yaml"]
    counts = {rs.ruleset: len(rs.rules) for rs in BOOK.rulesets}
    assert counts == {"CRC-FIN": 8, "CRC-PR": 11, "CRC-SS": 11}
    assert all(rs.illustrative for rs in BOOK.rulesets)
    assert all(t.illustrative for t in BOOK.prices_as_of(BOOK.rulesets[0].valid_from))
    risk_types = {rs.ruleset: {r.risk_type for r in rs.rules} for rs in BOOK.rulesets}
    assert risk_types["CRC-FIN"] == {RiskType.FINANCIAL}
    assert risk_types["CRC-PR"] == {RiskType.PROHIBITIONS_RESTRICTIONS}
    assert risk_types["CRC-SS"] == {RiskType.SAFETY_SECURITY}
    assert all(len(r.rationale) > 40 for rs in BOOK.rulesets for r in rs.rules)


@pytest.mark.parametrize("kind", ["ens", "import", "export", "exs", "transit"])
def test_a_benign_consignment_hits_nothing(kind):
    destination = "US" if kind in ("export", "exs") else "DE"
    hits = evaluate(
        {
            "kind": kind,
            "mode": "sea",
            "countries": {"dispatch": "CN", "origin": "CN", "routing": ["CN", "SG", "NL"], "destination": destination},
            "places": {"loading": "CNSHA", "unloading": "NLRTM"},
            "parties": PARTIES,
            "items": ITEMS,
        }
    )
    assert hits == {}


def test_cheap_ephedra_alkaloids_are_stopped():
    hits = evaluate(
        {
            "kind": "import",
            "mode": "air",
            "countries": {"dispatch": "IN", "origin": "IN"},
            "parties": PARTIES,
            "items": [ITEMS[0], {"hs6": "293949", "description": "pharmaceutical intermediate", "gross_mass_kg": "120", "value": "100", "currency": "EUR"}],
        }
    )
    assert set(hits) == {"CRC-SS-008", "CRC-FIN-001"}
    assert hits["CRC-SS-008"].items == (2,) and hits["CRC-SS-008"].outcome.action is Action.PHYSICAL
    assert hits["CRC-SS-008"].explanation == "goods item 2: hs6 293949 starts with 2939; value per kg 0.83 < 2"
    assert hits["CRC-FIN-001"].explanation == (
        "goods item 2: declared/reference price ratio 0.0208 < 0.2; value EUR 100 >= 100"
    )


def test_undeclared_explosives_by_air_must_not_be_loaded():
    hits = evaluate(
        {
            "kind": "ens",
            "mode": "4",
            "countries": {"dispatch": "TR", "routing": ["TR", "DE"]},
            "items": [ITEMS[2], {"hs6": "360300", "description": "industrial fuses", "gross_mass_kg": "12"}],
        }
    )
    assert set(hits) == {"CRC-SS-001"}
    hit = hits["CRC-SS-001"]
    assert (hit.outcome.action, hit.outcome.referral, hit.items) == (Action.DO_NOT_LOAD, Referral.DNL, (2,))
    # The same fuses declared as class 1 dangerous goods are not a do-not-load case.
    declared = evaluate(
        {
            "kind": "ens",
            "mode": "air",
            "countries": {"dispatch": "TR"},
            "items": [{"hs6": "360300", "description": "industrial fuses", "gross_mass_kg": "12", "un_dg": "0105"}],
        }
    )
    assert declared == {}


@pytest.mark.parametrize(
    ("data", "rule", "items"),
    [
        (
            {
                "kind": "ens",
                "mode": "air",
                "countries": {"dispatch": "AE", "routing": ["YE", "AE", "DE"]},
                "items": [{"hs6": "310230", "description": "fertiliser", "gross_mass_kg": "40"}],
            },
            "CRC-SS-002",
            (1,),
        ),
        (
            {
                "kind": "import",
                "mode": "sea",
                "countries": {"dispatch": "KH"},
                "places": {"loading": "CN SHA"},
                "parties": PARTIES,
                "items": [{"hs6": "871200", "description": "city bicycles", "origin": "KH", "gross_mass_kg": "1300", "value": "9000", "currency": "USD"}],
            },
            "CRC-FIN-003",
            (1,),
        ),
        (
            {
                "kind": "import",
                "mode": "post",
                "countries": {"dispatch": "NG"},
                "parties": {"consignee": {"name": "J. Doe", "country": "FR"}},
                "items": [{"hs6": "442090", "description": "Carved Ivory statuette", "gross_mass_kg": "1.2", "value": "120", "currency": "EUR"}],
            },
            "CRC-PR-001",
            (1,),
        ),
        (
            {
                "kind": "export",
                "mode": "sea",
                "countries": {"dispatch": "BE", "destination": "GH"},
                "items": [ITEMS[0], {"hs6": "854919", "description": "mixed batteries scrap", "gross_mass_kg": "18000"}],
            },
            "CRC-PR-009",
            (2,),
        ),
        (
            {
                "kind": "import",
                "mode": "air",
                "countries": {"dispatch": "CN"},
                "parties": {"consignee": {"name": "J. Doe", "country": "FR"}},
                "items": [{"hs6": "851713", "description": "phone", "gross_mass_kg": "0.4", "value": "149", "currency": "EUR"}],
                "attributes": {"consignee_consignments_same_day": 4},
            },
            "CRC-FIN-006",
            (),
        ),
        (
            {
                "kind": "export",
                "mode": "road",
                "countries": {"dispatch": "PL", "destination": "BY"},
                "items": [{"hs6": "854231", "description": "microcontrollers", "gross_mass_kg": "3", "value": "5000", "currency": "EUR"}],
            },
            "CRC-PR-011",
            (1,),
        ),
        (
            {
                "kind": "ens",
                "mode": "sea",
                "countries": {"dispatch": "EC"},
                "parties": {"consignee": {"id": "NL857", "name": "Fresh BV"}},
                "items": [{"hs6": "080390", "description": "fresh bananas", "gross_mass_kg": "20000"}],
                "attributes": {"consignee_age_days": 40},
            },
            "CRC-SS-010",
            (1,),
        ),
    ],
    ids=["precursor-via-yemen", "bicycles-via-china", "ivory", "e-waste", "split-parcels", "sanctions", "bananas"],
)
def test_a_planted_consignment_hits_the_expected_rule(data, rule, items):
    hits = evaluate(data)
    assert set(hits) == {rule}
    assert hits[rule].items == items
    assert hits[rule].reasons


def test_a_planted_consignment_is_not_hit_once_the_suspicious_fact_is_removed():
    planted = {
        "kind": "import",
        "mode": "sea",
        "countries": {"dispatch": "KH"},
        "places": {"loading": "CNSHA"},
        "parties": PARTIES,
        "items": [{"hs6": "871200", "description": "city bicycles", "origin": "KH", "gross_mass_kg": "1300", "value": "9000", "currency": "USD"}],
    }
    assert set(evaluate(planted)) == {"CRC-FIN-003"}
    sri_lanka = {**planted, "items": [{**planted["items"][0], "origin": "LK"}]}
    assert set(evaluate(sri_lanka)) == {"CRC-FIN-003"}
    assert evaluate({**planted, "places": {"loading": "KHKOS"}}) == {}
    chinese = {**planted, "items": [{**planted["items"][0], "origin": "CN"}]}
    assert evaluate(chinese) == {}
