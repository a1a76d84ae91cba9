"""Every TARIC business rule: a small valid dataset passes all of them; one change per rule breaks exactly it."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest

from eucustoms.systems.tariff.dataset import Dataset, from_db
from eucustoms.systems.tariff.rules import RULES, check

D = date


def base() -> Dataset:
    ds = Dataset()
    ds.goods = [
        {"sid": 1, "code": "6109000000", "suffix": "80", "indent": 0, "valid_from": D(2023, 1, 1), "valid_to": None, "description": "T-shirts", "origin": "CN"},
        {"sid": 2, "code": "6109100000", "suffix": "80", "indent": 1, "valid_from": D(2023, 1, 1), "valid_to": None, "description": "Of cotton", "origin": "CN"},
    ]
    ds.areas = [
        {"area_id": "VN", "area_code": "0", "description": "Viet Nam", "valid_from": D(1958, 1, 1), "valid_to": None, "preference_category": None},
        {"area_id": "UA", "area_code": "0", "description": "Ukraine", "valid_from": D(1958, 1, 1), "valid_to": None, "preference_category": None},
        {"area_id": "DE", "area_code": "0", "description": "Germany", "valid_from": D(1958, 1, 1), "valid_to": None, "preference_category": None},
        {"area_id": "1011", "area_code": "1", "description": "ERGA OMNES", "valid_from": D(1958, 1, 1), "valid_to": None, "preference_category": None},
        {"area_id": "1013", "area_code": "1", "description": "European Union", "valid_from": D(1958, 1, 1), "valid_to": None, "preference_category": None},
        {"area_id": "2020", "area_code": "1", "description": "GSP", "valid_from": D(1958, 1, 1), "valid_to": None, "preference_category": "2"},
    ]
    ds.memberships = [{"group_id": "1013", "member_id": "DE", "valid_from": D(1958, 1, 1), "valid_to": None},
                      {"group_id": "2020", "member_id": "VN", "valid_from": D(2014, 1, 1), "valid_to": None}]
    ds.regulations = [{"regulation_id": "R8726580", "role": 1, "valid_from": D(1988, 1, 1), "valid_to": None, "information": "CN"}]
    ds.measure_types = [
        {"measure_type_id": "103", "description": "Third country duty", "series": "C", "kind": "third_country", "order_number_capture": 2, "component_applicable": 0, "valid_from": D(1958, 1, 1), "valid_to": None},
        {"measure_type_id": "143", "description": "Preferential tariff quota", "series": "C", "kind": "preferential_quota", "order_number_capture": 1, "component_applicable": 0, "valid_from": D(1958, 1, 1), "valid_to": None},
        {"measure_type_id": "552", "description": "Anti-dumping", "series": "D", "kind": "additional", "order_number_capture": 2, "component_applicable": 0, "valid_from": D(1958, 1, 1), "valid_to": None},
        {"measure_type_id": "710", "description": "CITES", "series": "B", "kind": "restriction", "order_number_capture": 2, "component_applicable": 2, "valid_from": D(1958, 1, 1), "valid_to": None},
    ]
    ds.additional_codes = [{"code": "C999", "description": "Other", "measure_types": ["552"], "valid_from": D(1958, 1, 1), "valid_to": None}]
    ds.certificates = [{"code": "C400", "description": "CITES", "valid_from": D(1958, 1, 1), "valid_to": None}]
    ds.order_numbers = [{"order_number": "094099", "valid_from": D(2023, 1, 1), "valid_to": None, "description": "q"}]
    ds.origins = [{"order_number": "094099", "area_id": "UA", "valid_from": D(2023, 1, 1), "valid_to": None, "excluded": []}]
    ds.definitions = [{"sid": 1, "order_number": "094099", "valid_from": D(2026, 1, 1), "valid_to": D(2026, 12, 31), "initial_volume": Decimal(100), "balance": Decimal(100), "unit": "NAR", "critical_threshold": 90, "critical": "N", "exhausted": "N", "description": "q"}]
    pct = lambda r: [{"sequence": 1, "duty_expression": "01", "amount": Decimal(r), "currency": None, "unit": None, "qualifier": None}]  # noqa: E731
    m = lambda sid, **kw: {"sid": sid, "measure_type_id": "103", "area_id": "1011", "goods_code": "6109000000", "additional_code": None, "order_number": None, "regulation_id": "R8726580", "valid_from": D(2023, 1, 1), "valid_to": None, "excluded_areas": [], "footnote": None, "components": pct("12"), "conditions": [], **kw}  # noqa: E731
    ds.measures = [
        m(1),
        m(2, measure_type_id="143", area_id="UA", goods_code="6109100000", order_number="094099", components=pct("0")),
        m(3, measure_type_id="552", area_id="VN", additional_code="C999"),
        m(4, measure_type_id="710", components=[], conditions=[{"sequence": 1, "condition_code": "B", "certificate": "C400", "action": "29"}]),
    ]
    ds.vat_rates = [{"member_state": "DE", "goods_prefix": "", "valid_from": D(2023, 1, 1), "valid_to": None, "rate": Decimal(19), "category": "standard"}]
    return ds


def _measure(ds, sid):
    return next(m for m in ds.measures if m["sid"] == sid)


def _dup_measure(ds, **kw):
    ds.measures.append({**copy.deepcopy(ds.measures[0]), "sid": 99, **kw})


# rule id → a change that breaks it (and only it, or it among others)
BREAKS = {
    "ME1": lambda ds: _dup_measure(ds, valid_to=D(2023, 6, 1)),
    "ME2": lambda ds: _measure(ds, 1).update(measure_type_id="999"),
    "ME3": lambda ds: ds.measure_types[0].update(valid_to=D(2024, 1, 1)),
    "ME4": lambda ds: _measure(ds, 1).update(excluded_areas=["ZZ"]),
    "ME5": lambda ds: ds.areas[1].update(valid_to=D(2024, 1, 1)),
    "ME7": lambda ds: _measure(ds, 1).update(goods_code="6109990000"),
    "ME8": lambda ds: _measure(ds, 1).update(valid_from=D(2020, 1, 1)),
    "ME10": lambda ds: _measure(ds, 2).update(order_number=None),
    "ME12": lambda ds: _measure(ds, 1).update(additional_code="C999"),
    "ME24": lambda ds: _measure(ds, 1).update(regulation_id="R0000000"),
    "ME25": lambda ds: _measure(ds, 1).update(valid_to=D(2022, 1, 1), valid_from=D(2023, 1, 1)),
    "ME32": lambda ds: _dup_measure(ds, goods_code="6109100000", valid_from=D(2024, 1, 1)),
    "ME40": lambda ds: _measure(ds, 4).update(components=_measure(ds, 1)["components"]),
    "ME41": lambda ds: _measure(ds, 1)["components"][0].update(duty_expression="98"),
    "ME43": lambda ds: _measure(ds, 1)["components"].append({**_measure(ds, 1)["components"][0], "sequence": 2}),
    "ME56": lambda ds: _measure(ds, 4)["conditions"][0].update(certificate="C999"),
    "ON1": lambda ds: ds.order_numbers.append(dict(ds.order_numbers[0])),
    "ON2": lambda ds: ds.order_numbers.append({**ds.order_numbers[0], "valid_from": D(2025, 1, 1)}),
    "ON5": lambda ds: ds.origins.append({**ds.origins[0], "valid_from": D(2024, 1, 1)}),
    "ON6": lambda ds: ds.origins.append({**ds.origins[0], "area_id": "XX"}),
    "ON7": lambda ds: ds.origins[0].update(valid_from=D(2020, 1, 1)),
    "ON8": lambda ds: ds.definitions[0].update(valid_from=D(2020, 1, 1)),
    "ON9": lambda ds: ds.order_numbers[0].update(valid_to=D(2024, 12, 31)),
    "ON10": lambda ds: ds.origins[0].update(area_id="VN"),
    "ON13": lambda ds: ds.origins[0].update(excluded=["VN"]),
    "ON14": lambda ds: ds.origins.append({"order_number": "094099", "area_id": "2020", "valid_from": D(2023, 1, 1), "valid_to": None, "excluded": ["UA"]}),
    "QD1": lambda ds: ds.definitions.append({**ds.definitions[0], "sid": 2}),
    "QD2": lambda ds: ds.definitions[0].update(valid_to=D(2025, 1, 1)),
    "QD3": lambda ds: ds.definitions[0].update(initial_volume=Decimal(0)),
    "QD7": lambda ds: ds.definitions.append({**ds.definitions[0], "sid": 2, "valid_from": D(2026, 6, 1)}),
    "NIG1": lambda ds: ds.goods.append({**ds.goods[0], "sid": 3, "valid_from": D(2024, 1, 1)}),
    "GA3": lambda ds: ds.memberships.append({"group_id": "2020", "member_id": "ZZ", "valid_from": D(2014, 1, 1), "valid_to": None}),
    "VAT1": lambda ds: ds.vat_rates.append({**ds.vat_rates[0], "rate": Decimal(120), "valid_from": D(2030, 1, 1)}),
}


def test_every_rule_has_a_breaking_case():
    assert {r.id for r in RULES} == set(BREAKS)


def test_the_valid_dataset_passes_every_rule():
    assert check(base()) == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_each_rule_reports_its_violation(rule):
    assert rule.check(base()) == []
    ds = base()
    BREAKS[rule.id](ds)
    found = rule.check(ds)
    assert found and all(v.rule == rule.id for v in found)
    assert rule.description  # every rule states what it checks


def test_all_violations_are_returned_not_only_the_first():
    ds = base()
    for sid in (1, 3):
        _measure(ds, sid).update(measure_type_id="999")
    assert len([v for v in check(ds) if v.rule == "ME2"]) == 2


def test_the_loaded_tariff_passes_every_rule(tariff_sqlite):
    with tariff_sqlite.read() as conn:
        ds = from_db(conn)
    assert len(ds.goods) > 10_000 and len(ds.measures) > 50
    assert check(ds) == []
