"""Quantity: exact decimal value with a measurement unit; arithmetic only within a unit."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eucustoms.core.errors import InvalidIdentifier
from eucustoms.core.money import AmountError, FloatNotAllowed
from eucustoms.core.quantities import COMMON_UNITS, NegativeQuantity, Quantity, UnitMismatch


def quantities(unit: str = "KGM") -> st.SearchStrategy[Quantity]:
    values = st.decimals(min_value=-10**9, max_value=10**9, places=6, allow_nan=False, allow_infinity=False)
    return values.map(lambda v: Quantity(v, unit))


@settings(max_examples=150)
@given(quantities(), quantities(), quantities())
def test_addition_properties(a: Quantity, b: Quantity, c: Quantity) -> None:
    assert (a + b) + c == a + (b + c)
    assert a + b == b + a
    assert a + b - b == a
    assert sum([a, b, c]) == a + b + c


@settings(max_examples=150)
@given(quantities())
def test_non_negative_helpers(q: Quantity) -> None:
    assert q.is_non_negative() == (q.value >= 0)
    if q.value >= 0:
        assert q.require_non_negative() is q
    else:
        with pytest.raises(NegativeQuantity):
            q.require_non_negative()


def test_negative_quantity_error_names_the_field() -> None:
    with pytest.raises(NegativeQuantity, match="net mass must not be negative, got -1.5 KGM"):
        Quantity("-1.5", "KGM").require_non_negative("net mass")
    assert Quantity.zero("KGM").require_non_negative().value == 0


@pytest.mark.parametrize("unit", sorted(COMMON_UNITS) + ["kgm", " ltr ", "KGMG", "DTNR", "ASVX", "HLTZ"])
def test_unit_codes_are_normalised(unit: str) -> None:
    assert Quantity(1, unit).unit == unit.strip().upper()


@pytest.mark.parametrize("unit", ["", "KG", "KGM1", "KGMGX", "KG-", "K GM", "KGΜ", None, 1])
def test_bad_unit_codes(unit: object) -> None:
    with pytest.raises(InvalidIdentifier):
        Quantity(1, unit)  # type: ignore[arg-type]


@pytest.mark.parametrize("operation", [lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a < b, lambda a, b: a / b])
def test_mixing_units_raises(operation) -> None:
    with pytest.raises(UnitMismatch):
        operation(Quantity(1, "KGM"), Quantity(1, "LTR"))


def test_floats_are_refused() -> None:
    with pytest.raises(FloatNotAllowed):
        Quantity(1.5, "KGM")  # type: ignore[arg-type]
    with pytest.raises(FloatNotAllowed):
        Quantity(1, "KGM") * 0.5
    with pytest.raises(AmountError):
        Quantity.parse("1,5", "KGM")


def test_scaling_rounding_and_display() -> None:
    q = Quantity.parse(" 12.5 ", "kgm")
    assert (q.value, q.unit, str(q)) == (Decimal("12.5"), "KGM", "12.5 KGM")
    assert q * 2 == 2 * q == Quantity(25, "KGM")
    assert q / 4 == Quantity("3.125", "KGM")
    assert (q / 4).quantize(2) == Quantity("3.13", "KGM")
    assert q / Quantity(5, "KGM") == Decimal("2.5")
    assert Quantity(1, "KGM") < Quantity(2, "KGM") <= Quantity(2, "KGM")
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.value = Decimal(1)  # type: ignore[misc]
    with pytest.raises(TypeError):
        q * q
