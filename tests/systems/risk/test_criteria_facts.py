"""Building the neutral Facts view from plain data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from eucustoms.core.errors import ErrorCode, Rejected
from eucustoms.systems.risk.criteria import Facts, GoodsItem, facts_from_dict


def test_plain_data_is_normalised():
    f = Facts.from_dict(
        {
            "kind": "ENS",
            "mode": 4,
            "reference": "26DE000000000001T1",
            "countries": {"dispatch": "cn", "origin": "CN", "routing": ["CN", "AE"], "first_entry": "NL"},
            "places": {"loading": "CN PVG", "unloading": "nlams"},
            "parties": {"consignee": {"id": "de 1234567", "name": " Acme ", "country": "de"}, "carrier": {"id": "US99"}},
            "items": [
                {"code": "2939490000", "description": "ephedra", "gross_mass_kg": 25, "value": "21.50", "currency": "eur"},
                {"hs6": "6109.10", "net_mass_kg": 2.5, "gross_mass_kg": "3", "value": "100", "currency": "USD", "origin": "VN"},
                {"number": 7, "cn8": "36030010", "un_dg": "UN 0105", "cus": "0000000-0"},
            ],
            "dates": {"lodged": "2026-03-02T10:15:00Z", "arrival": dt.date(2026, 3, 5)},
            "attributes": {"score": 0.5, "tags": ["a"]},
        },
        eur_rates={"USD": "0.9"},
    )
    assert (f.kind, f.mode, f.reference) == ("ens", "air", "26DE000000000001T1")
    assert f.countries.dispatch == "CN" and f.countries.routing == ("CN", "AE")
    assert f.countries.origin == ("CN", "VN")
    assert f.countries.involved == ("CN", "VN", "AE", "NL")
    assert (f.places.loading, f.places.unloading) == ("CNPVG", "NLAMS")
    assert f.parties["consignee"].eori == "DE1234567" and f.parties["consignee"].name == "Acme"
    assert f.parties["carrier"].eori is None  # a US number is not an EORI number
    one, two, three = f.items
    assert (one.number, one.hs6, one.cn8, one.hs4, one.chapter) == (1, "293949", "29394900", "2939", "29")
    assert one.origin == "CN"  # the consignment's only origin
    assert one.value_eur == Decimal("21.50") and one.value_per_kg == Decimal("0.86")
    assert two.value_eur == Decimal("90.0") and two.value_per_kg == Decimal("36")  # per kg of net mass
    assert (three.number, three.hs6, three.un_dg, three.cus, three.value_per_kg) == (7, "360300", "0105", "0000000-0", None)
    assert f.totals.items == 3 and f.totals.value_eur == Decimal("111.50")
    assert f.totals.gross_mass_kg is None  # item 3 has no mass
    assert f.dates.lodged == dt.date(2026, 3, 2) and f.dates.arrival == dt.date(2026, 3, 5)
    assert f.attributes["score"] == Decimal("0.5") and f.attributes["tags"] == ("a",)
    assert f.item(7) is three


def test_declared_totals_win_over_the_sums():
    f = facts_from_dict(
        {"kind": "import", "items": [{"hs6": "610910", "gross_mass_kg": "3"}], "totals": {"gross_mass_kg": "5", "value_eur": "7"}}
    )
    assert (f.totals.gross_mass_kg, f.totals.value_eur) == (5, 7)


def test_a_value_in_another_currency_has_no_euro_value_without_a_rate():
    item = facts_from_dict({"kind": "import", "items": [{"hs6": "610910", "value": "10", "currency": "CNY"}]}).items[0]
    assert item.value_eur is None and item.value_per_kg is None


def test_every_problem_is_listed_with_its_pointer():
    with pytest.raises(Rejected) as info:
        facts_from_dict(
            {
                "kind": "declaration",
                "mode": "balloon",
                "countries": {"dispatch": "XX", "routing": "CN"},
                "places": {"loading": "Shanghai"},
                "parties": {"captain": {}, "consignee": {"eori": "DE1"}},
                "items": [
                    {"hs6": "7701", "gross_mass_kg": "-1", "value": "ten"},
                    {"cn8": "61091000", "hs6": "610990", "un_dg": "12", "cus": "0000000-1", "colour": "red"},
                    {"number": 1, "value": "1"},
                ],
                "dates": {"lodged": "yesterday"},
                "extra": 1,
            }
        )
    pointers = {i.pointer for i in info.value.issues}
    assert pointers == {
        "/extra",
        "/kind",
        "/mode",
        "/countries/dispatch",
        "/countries/routing",
        "/places/loading",
        "/parties/captain",
        "/parties/consignee/eori",
        "/items/0/hs6",
        "/items/0/gross_mass_kg",
        "/items/0/value",
        "/items/1/colour",
        "/items/1/hs6",
        "/items/1/un_dg",
        "/items/1/cus",
        "/items/2/currency",
        "/items",
        "/dates/lodged",
    }
    codes = {i.pointer: i.code for i in info.value.issues}
    assert codes["/extra"] == ErrorCode.NOT_ALLOWED and codes["/items"] == ErrorCode.DUPLICATE


def test_items_built_directly_derive_their_fields():
    item = GoodsItem(number=1, hs6="871200", gross_mass_kg=Decimal(13), value_eur=Decimal(130))
    assert (item.hs4, item.chapter, item.value_per_kg) == ("8712", "87", Decimal(10))
