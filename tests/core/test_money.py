"""Money: exact decimal amounts, one currency at a time, half-up rounding to the minor unit, no floats."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eucustoms.core.errors import CustomsError, InvalidIdentifier
from eucustoms.core.money import AmountError, CurrencyMismatch, FloatNotAllowed, Money, minor_unit

CURRENCIES = ["EUR", "USD", "JPY", "KWD", "CHF"]


def amounts(places: int = 6, bound: int = 10**12) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=-bound, max_value=bound, places=places, allow_nan=False, allow_infinity=False)


def money(currency: str = "EUR", places: int = 6) -> st.SearchStrategy[Money]:
    return amounts(places).map(lambda a: Money(a, currency))


# --- properties of the arithmetic -------------------------------------------------------------------------------------


@settings(max_examples=200)
@given(money(), money(), money())
def test_addition_is_associative_and_commutative(a: Money, b: Money, c: Money) -> None:
    assert (a + b) + c == a + (b + c)
    assert a + b == b + a


@settings(max_examples=200)
@given(money(), money())
def test_adding_then_subtracting_gives_back_the_same_amount(a: Money, b: Money) -> None:
    assert a + b - b == a
    assert (a + b - b).amount == a.amount
    assert a - a == Money.zero("EUR")
    assert -(-a) == a and a + (-a) == Money.zero("EUR")


@settings(max_examples=200)
@given(st.sampled_from(["EUR", "JPY", "KWD"]).flatmap(lambda c: st.tuples(st.just(c), amounts(places=minor_unit(c)))))
def test_rounding_never_changes_a_value_already_at_minor_unit_precision(case: tuple[str, Decimal]) -> None:
    currency, amount = case
    m = Money(amount, currency)
    assert m.quantize() == m
    assert m.quantize().amount.as_tuple().exponent == -minor_unit(currency)


@settings(max_examples=200)
@given(money(places=8))
def test_rounding_is_within_half_a_cent_and_idempotent(m: Money) -> None:
    q = m.quantize()
    assert abs(q.amount - m.amount) <= Decimal("0.005")
    assert q.quantize() == q
    assert (-m).quantize() == -q  # half-up is symmetric around zero (halves go away from zero)


@settings(max_examples=100)
@given(st.lists(money(places=2), max_size=10))
def test_sum_equals_repeated_addition(items: list[Money]) -> None:
    total = Money.zero("EUR")
    for item in items:
        total = total + item
    assert sum(items, Money.zero("EUR")) == total
    if items:
        assert sum(items) == total


@settings(max_examples=100)
@given(money(places=2), st.integers(-1000, 1000))
def test_multiplying_by_an_int_is_repeated_addition(m: Money, n: int) -> None:
    expected = Money.zero("EUR")
    for _ in range(abs(n)):
        expected = expected + m
    assert m * n == n * m == (expected if n >= 0 else -expected)


@settings(max_examples=100)
@given(money(), money())
def test_ordering_matches_the_amounts(a: Money, b: Money) -> None:
    assert (a < b) == (a.amount < b.amount)
    assert (a <= b) == (a.amount <= b.amount)
    assert (a > b) == (a.amount > b.amount)
    assert (a >= b) == (a.amount >= b.amount)


# --- rounding -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("0.125", "EUR", "0.13"),  # half-up, where banker's rounding would give 0.12
        ("-0.125", "EUR", "-0.13"),
        ("0.124999", "EUR", "0.12"),
        ("2.675", "EUR", "2.68"),  # 2.675 is 2.67499999... as a float
        ("2.5", "JPY", "3"),
        ("1.0005", "KWD", "1.001"),
        ("10", "EUR", "10.00"),
    ],
)
def test_quantize_rounds_half_up_to_the_minor_unit(amount: str, currency: str, expected: str) -> None:
    q = Money.parse(amount, currency).quantize()
    assert str(q.amount) == expected


def test_quantize_with_explicit_places_and_currencies_without_minor_unit() -> None:
    assert Money("1.23456", "EUR").quantize(4).amount == Decimal("1.2346")
    assert Money("1.5", "XAU").quantize(0).amount == Decimal(2)
    with pytest.raises(AmountError):
        Money("1.5", "XAU").quantize()


@pytest.mark.parametrize(("currency", "places"), [("EUR", 2), ("usd", 2), ("JPY", 0), ("KWD", 3), ("CLF", 4), ("XAU", None)])
def test_minor_units(currency: str, places: int | None) -> None:
    assert minor_unit(currency) == places


# --- construction -----------------------------------------------------------------------------------------------------------


def test_parse() -> None:
    m = Money.parse(" 123.45 ", " eur ")
    assert (m.amount, m.currency) == (Decimal("123.45"), "EUR")
    assert Money.parse("-0.5", "EUR").amount == Decimal("-0.5")
    assert Money.parse(".5", "EUR").amount == Decimal("0.5")
    assert str(Money.parse("7.10", "USD")) == "7.10 USD"


@settings(max_examples=100)
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_floats_are_never_accepted(f: float) -> None:
    with pytest.raises(FloatNotAllowed):
        Money(f, "EUR")  # type: ignore[arg-type]
    with pytest.raises(FloatNotAllowed):
        Money.parse(f, "EUR")
    with pytest.raises(FloatNotAllowed):
        Money(1, "EUR") * f
    with pytest.raises(FloatNotAllowed):
        Money(1, "EUR") / f


def test_float_error_is_clear_and_catchable_as_type_and_customs_error() -> None:
    with pytest.raises(FloatNotAllowed) as exc:
        Money(0.1, "EUR")  # type: ignore[arg-type]
    assert isinstance(exc.value, TypeError) and isinstance(exc.value, CustomsError)
    assert "float" in str(exc.value) and "Decimal" in str(exc.value)


@pytest.mark.parametrize("text", ["", "abc", "1,5", "1e3", "NaN", "Infinity", "1_000", "--1", "1.2.3", "€5"])
def test_bad_amount_text_is_rejected(text: str) -> None:
    with pytest.raises(AmountError):
        Money.parse(text, "EUR")


@pytest.mark.parametrize("amount", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), True, None, [1]])
def test_non_finite_and_non_numbers_are_rejected(amount: object) -> None:
    with pytest.raises(AmountError):
        Money(amount, "EUR")  # type: ignore[arg-type]


@pytest.mark.parametrize("currency", ["EURO", "XYZ", "", "E1R", None, 978])
def test_unknown_currencies_are_rejected(currency: object) -> None:
    with pytest.raises(InvalidIdentifier) as exc:
        Money(1, currency)  # type: ignore[arg-type]
    assert exc.value.kind == "currency"


def test_every_iso_4217_currency_is_accepted() -> None:
    for currency in pycountry.currencies:
        assert Money(1, currency.alpha_3.lower()).currency == currency.alpha_3


def test_money_is_frozen_and_hashable() -> None:
    m = Money(1, "EUR")
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.amount = Decimal(2)  # type: ignore[misc]
    assert Money("1.0", "EUR") == Money("1.00", "EUR")
    assert hash(Money("1.0", "EUR")) == hash(Money(1, "EUR"))
    assert Money(1, "EUR") != Money(1, "USD")
    assert len({Money("1.0", "EUR"), Money(1, "EUR"), Money(1, "USD")}) == 2


# --- one currency at a time --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "operation",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
        lambda a, b: a / b,
        lambda a, b: sum([a, b]),
    ],
)
def test_mixing_currencies_raises(operation) -> None:
    with pytest.raises(CurrencyMismatch):
        operation(Money(1, "EUR"), Money(1, "USD"))


def test_other_operand_types_are_refused() -> None:
    m = Money(1, "EUR")
    with pytest.raises(TypeError):
        m + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        m * m
    with pytest.raises(TypeError):
        m < 1  # type: ignore[operator]
    assert m != 1


def test_division() -> None:
    assert Money(10, "EUR") / 4 == Money("2.5", "EUR")
    assert Money(10, "EUR") / Money(4, "EUR") == Decimal("2.5")
    assert (Money(1, "EUR") / 3).quantize() == Money("0.33", "EUR")
    with pytest.raises(ZeroDivisionError):
        Money(1, "EUR") / 0
