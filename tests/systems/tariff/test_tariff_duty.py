"""Duty expressions: parsing, printing and the arithmetic (with Hypothesis for its properties)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eucustoms.systems.tariff.duty import MissingQuantity, duty_text, evaluate, parse_duty, quantity_in

values = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)
CENT = Decimal("0.01")


def test_parse_and_print_use_the_taric_duty_expressions():
    c = parse_duty("8.3 % + 12 EUR DTN MAX 18 % + 2 EUR DTN")
    assert [x.expression for x in c] == ["01", "04", "17", "20"]
    assert duty_text(c) == "8.3 % + 12 EUR / 100 kg MAX 18 % + 2 EUR / 100 kg"
    assert [x.expression for x in parse_duty("15.2 % MIN 4.5 EUR DTN")] == ["01", "15"]
    assert parse_duty("1 EUR ASV X")[0].qualifier == "X"
    for bad in ("", "12", "+ 3 %", "3 % 4 %", "3 EUR FOO", "3 % DTN"):
        with pytest.raises(ValueError):
            parse_duty(bad)


def test_quantities_convert_within_their_base_unit():
    assert quantity_in("DTN", {"KGM": Decimal("250")}) == Decimal("2.5")
    assert quantity_in("HLT", {"LTR": Decimal("50")}) == Decimal("0.5")
    assert quantity_in("KGM", {"TNE": Decimal("2")}) == Decimal("2000")
    with pytest.raises(MissingQuantity):
        quantity_in("HLT", {"KGM": Decimal("1")})


@settings(max_examples=200, deadline=None)
@given(values, rates)
def test_ad_valorem_is_value_times_rate_rounded_half_up(value, rate):
    result = evaluate(parse_duty(f"{rate} %"), value, {})
    assert result.amount == (value * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)


@settings(max_examples=200, deadline=None)
@given(values, values, rates)
def test_ad_valorem_is_additive_up_to_a_cent(a, b, rate):
    duty = parse_duty(f"{rate} %")
    total = evaluate(duty, a + b, {}).amount
    assert abs(total - evaluate(duty, a, {}).amount - evaluate(duty, b, {}).amount) <= CENT


@settings(max_examples=200, deadline=None)
@given(values, rates, st.decimals(min_value=0, max_value=10**6, places=3), st.decimals(min_value=0, max_value=500, places=1))
def test_min_and_max_bound_the_duty(value, rate, kg, per100):
    qty = {"KGM": kg}
    base = evaluate(parse_duty(f"{rate} %"), value, qty).amount
    bound = evaluate(parse_duty(f"{per100} EUR DTN"), value, qty).amount
    assert evaluate(parse_duty(f"{rate} % MIN {per100} EUR DTN"), value, qty).amount == max(base, bound)
    assert evaluate(parse_duty(f"{rate} % MAX {per100} EUR DTN"), value, qty).amount == min(base, bound)


def test_explain_false_gives_the_same_amount_without_text():
    duty = parse_duty("12.8 % + 176.8 EUR DTN")
    full = evaluate(duty, Decimal("5000"), {"KGM": Decimal("1000")})
    quick = evaluate(duty, Decimal("5000"), {"KGM": Decimal("1000")}, explain=False)
    assert full.amount == quick.amount == Decimal("2408.00") and quick.lines == () and len(full.lines) == 3
