"""Money: an exact Decimal amount in an ISO 4217 currency, rounded half-up to the currency's minor unit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from functools import lru_cache

import pycountry

from eucustoms.core.errors import CustomsError, InvalidIdentifier

#: Arithmetic context: sums, differences and products are exact up to 100 significant digits (far beyond any
#: customs amount); a quotient is rounded half-up at 100 digits. Invalid operations and division by zero raise.
ARITHMETIC = Context(prec=100, rounding=ROUND_HALF_UP, traps=[InvalidOperation, DivisionByZero, Overflow])

_DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")

#: ISO 4217 minor units that differ from 2; ``None`` where ISO says "N.A." (metals, units of account, testing).
MINOR_UNIT_EXCEPTIONS: dict[str, int | None] = {
    **dict.fromkeys("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split(), 0),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
    **dict.fromkeys("CLF UYW".split(), 4),
    **dict.fromkeys("XAG XAU XBA XBB XBC XBD XDR XPD XPT XSU XTS XUA XXX".split(), None),
}


class AmountError(CustomsError, ValueError):
    """A monetary amount or quantity that cannot be used as given."""


class FloatNotAllowed(AmountError, TypeError):
    """A float was given where an exact decimal is required."""


class CurrencyMismatch(AmountError):
    """Arithmetic or comparison between amounts in different currencies."""


def to_decimal(value: object, what: str = "amount") -> Decimal:
    """``value`` (Decimal, int or decimal text such as ``"-12.50"``) as a finite Decimal; floats are refused."""
    if isinstance(value, float):
        raise FloatNotAllowed(
            f"{what} {value!r} is a float; floats are inexact and never accepted: "
            f"pass a Decimal, an int or a decimal string such as '{value}'"
        )
    if isinstance(value, bool):
        raise AmountError(f"{what} must be a Decimal, an int or a decimal string, not a bool")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if not _DECIMAL_TEXT.fullmatch(text):
            raise AmountError(f"{what} {value!r} is not a decimal number like 123.45")
        result = Decimal(text)
    else:
        raise AmountError(f"{what} must be a Decimal, an int or a decimal string, not {type(value).__name__}")
    if not result.is_finite():
        raise AmountError(f"{what} {value!r} must be a finite number")
    return result


def currency_code(code: object) -> str:
    """``code`` normalised (strip, upper-case) and checked against ISO 4217 (pycountry)."""
    if not isinstance(code, str):
        raise InvalidIdentifier("currency", code, f"must be a string, not {type(code).__name__}")
    return _currency_code(code)


@lru_cache(maxsize=1024)
def _currency_code(code: str) -> str:
    text = code.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise InvalidIdentifier("currency", code, "must be three letters (ISO 4217 alphabetic code)")
    if pycountry.currencies.get(alpha_3=text) is None:
        raise InvalidIdentifier("currency", code, f"{text} is not an ISO 4217 currency code")
    return text


def minor_unit(currency: str) -> int | None:
    """Decimal places of ``currency``'s minor unit (2 unless listed otherwise), ``None`` if it has none."""
    return MINOR_UNIT_EXCEPTIONS.get(currency_code(currency), 2)


def round_half_up(value: Decimal, places: int) -> Decimal:
    """``value`` rounded to ``places`` decimals, halves away from zero (the customs rounding)."""
    exponent = Decimal(1).scaleb(-places)
    context = Context(prec=max(ARITHMETIC.prec, value.adjusted() + places + 2), rounding=ROUND_HALF_UP)
    return value.quantize(exponent, rounding=ROUND_HALF_UP, context=context)


def _scalar(value: object) -> Decimal:
    if isinstance(value, Money):
        raise TypeError("cannot multiply money by money")
    return to_decimal(value, "factor")


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of money: exact ``Decimal`` plus ISO 4217 ``currency``; never a float.

    ``+``/``-`` and ordering only within one currency (else :class:`CurrencyMismatch`); ``*`` and ``/`` by a
    Decimal or int. Arithmetic is exact (see :data:`ARITHMETIC`); round explicitly with :meth:`quantize`.
    Equality is numeric within a currency: ``Money("1.0", "EUR") == Money("1.00", "EUR")``.
    """

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))
        object.__setattr__(self, "currency", currency_code(self.currency))

    @classmethod
    def parse(cls, amount: object, currency: str) -> "Money":
        """``Money.parse("123.45", "EUR")``; the text may have surrounding spaces, a sign and a decimal point."""
        return cls(amount, currency)  # type: ignore[arg-type]

    @classmethod
    def zero(cls, currency: str) -> "Money":
        return cls(Decimal(0), currency)

    @property
    def minor_unit(self) -> int | None:
        return minor_unit(self.currency)

    def quantize(self, places: int | None = None) -> "Money":
        """Rounded half-up to ``places`` decimals, by default the currency's minor unit."""
        if places is None:
            places = self.minor_unit
            if places is None:
                raise AmountError(f"{self.currency} has no minor unit: give the number of places")
        return Money(round_half_up(self.amount, places), self.currency)

    def is_zero(self) -> bool:
        return self.amount.is_zero()

    def is_negative(self) -> bool:
        return self.amount < 0

    def _same(self, other: "Money", op: str) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot {op} {self.currency} and {other.currency}")

    def __add__(self, other: object) -> "Money":
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "add")
        return Money(ARITHMETIC.add(self.amount, other.amount), self.currency)

    def __radd__(self, other: object) -> "Money":
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self  # so that sum(moneys) works
        return NotImplemented

    def __sub__(self, other: object) -> "Money":
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "subtract")
        return Money(ARITHMETIC.subtract(self.amount, other.amount), self.currency)

    def __neg__(self) -> "Money":
        return Money(ARITHMETIC.minus(self.amount), self.currency)

    def __abs__(self) -> "Money":
        return Money(ARITHMETIC.abs(self.amount), self.currency)

    def __mul__(self, factor: object) -> "Money":
        return Money(ARITHMETIC.multiply(self.amount, _scalar(factor)), self.currency)

    __rmul__ = __mul__

    def __truediv__(self, divisor: object) -> "Money | Decimal":
        """Money / number is Money; Money / Money (same currency) is their Decimal ratio."""
        if isinstance(divisor, Money):
            self._same(divisor, "divide")
            return ARITHMETIC.divide(self.amount, divisor.amount)
        return Money(ARITHMETIC.divide(self.amount, _scalar(divisor)), self.currency)

    def _compare(self, other: object, op: str) -> Decimal:
        if not isinstance(other, Money):
            raise TypeError(f"cannot compare Money with {type(other).__name__}")
        self._same(other, f"compare ({op})")
        return self.amount.compare(other.amount)

    def __lt__(self, other: object) -> bool:
        return self._compare(other, "<") < 0

    def __le__(self, other: object) -> bool:
        return self._compare(other, "<=") <= 0

    def __gt__(self, other: object) -> bool:
        return self._compare(other, ">") > 0

    def __ge__(self, other: object) -> bool:
        return self._compare(other, ">=") >= 0

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
