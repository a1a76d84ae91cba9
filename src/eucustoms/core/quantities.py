"""Quantity: an exact Decimal value with a measurement unit code (TARIC/UN-ECE Rec. 20 style, e.g. KGM, NAR)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from eucustoms.core.errors import InvalidIdentifier
from eucustoms.core.money import ARITHMETIC, AmountError, round_half_up, to_decimal

#: Common TARIC measurement units, for documentation and defaults; other well-formed codes are accepted too
#: (the reference-data layer checks a code against the current TARIC list).
COMMON_UNITS: dict[str, str] = {
    "KGM": "kilogram",
    "GRM": "gram",
    "DTN": "hectokilogram (100 kg)",
    "TNE": "tonne",
    "NAR": "number of items",
    "NPR": "number of pairs",
    "LTR": "litre",
    "HLT": "hectolitre",
    "LPA": "litre pure (100 %) alcohol",
    "MTQ": "cubic metre",
    "MTK": "square metre",
    "MTR": "metre",
    "KWH": "kilowatt hour",
    "TJO": "terajoule",
    "CCT": "carrying capacity in tonnes",
    "CEN": "hundred items",
    "MIL": "thousand items",
    "CTM": "carats",
    "GFI": "gram of fissile isotopes",
}

_UNIT = re.compile(r"[A-Z0-9]{3}[A-Z]?")


class UnitMismatch(AmountError):
    """Arithmetic or comparison between quantities in different units."""


class NegativeQuantity(AmountError):
    """A quantity that must not be negative is."""


def unit_code(code: object) -> str:
    """``code`` normalised (strip, upper-case): a 3-character unit code plus an optional qualifier letter (KGMG)."""
    if not isinstance(code, str):
        raise InvalidIdentifier("measurement unit", code, f"must be a string, not {type(code).__name__}")
    text = code.strip().upper()
    if not _UNIT.fullmatch(text):
        raise InvalidIdentifier(
            "measurement unit", code, "must be a 3-character unit code (e.g. KGM) with an optional qualifier letter"
        )
    return text


def _scalar(value: object) -> Decimal:
    if isinstance(value, Quantity):
        raise TypeError("cannot multiply a quantity by a quantity")
    return to_decimal(value, "factor")


@dataclass(frozen=True, slots=True)
class Quantity:
    """An exact ``Decimal`` value in ``unit``; ``+``/``-``/ordering only within one unit, ``*``/``/`` by numbers."""

    value: Decimal
    unit: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", to_decimal(self.value, "quantity"))
        object.__setattr__(self, "unit", unit_code(self.unit))

    @classmethod
    def parse(cls, value: object, unit: str) -> "Quantity":
        """``Quantity.parse("12.5", "kgm")``."""
        return cls(value, unit)  # type: ignore[arg-type]

    @classmethod
    def zero(cls, unit: str) -> "Quantity":
        return cls(Decimal(0), unit)

    def is_non_negative(self) -> bool:
        return self.value >= 0

    def require_non_negative(self, what: str = "quantity") -> "Quantity":
        """``self`` if it is zero or more, else :class:`NegativeQuantity` naming ``what``."""
        if not self.is_non_negative():
            raise NegativeQuantity(f"{what} must not be negative, got {self}")
        return self

    def quantize(self, places: int) -> "Quantity":
        """Rounded half-up to ``places`` decimals."""
        return Quantity(round_half_up(self.value, places), self.unit)

    def _same(self, other: "Quantity", op: str) -> None:
        if other.unit != self.unit:
            raise UnitMismatch(f"cannot {op} {self.unit} and {other.unit}")

    def __add__(self, other: object) -> "Quantity":
        if not isinstance(other, Quantity):
            return NotImplemented
        self._same(other, "add")
        return Quantity(ARITHMETIC.add(self.value, other.value), self.unit)

    def __radd__(self, other: object) -> "Quantity":
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self  # so that sum(quantities) works
        return NotImplemented

    def __sub__(self, other: object) -> "Quantity":
        if not isinstance(other, Quantity):
            return NotImplemented
        self._same(other, "subtract")
        return Quantity(ARITHMETIC.subtract(self.value, other.value), self.unit)

    def __neg__(self) -> "Quantity":
        return Quantity(ARITHMETIC.minus(self.value), self.unit)

    def __mul__(self, factor: object) -> "Quantity":
        return Quantity(ARITHMETIC.multiply(self.value, _scalar(factor)), self.unit)

    __rmul__ = __mul__

    def __truediv__(self, divisor: object) -> "Quantity | Decimal":
        """Quantity / number is a Quantity; Quantity / Quantity (same unit) is their Decimal ratio."""
        if isinstance(divisor, Quantity):
            self._same(divisor, "divide")
            return ARITHMETIC.divide(self.value, divisor.value)
        return Quantity(ARITHMETIC.divide(self.value, _scalar(divisor)), self.unit)

    def _compare(self, other: object, op: str) -> Decimal:
        if not isinstance(other, Quantity):
            raise TypeError(f"cannot compare Quantity with {type(other).__name__}")
        self._same(other, f"compare ({op})")
        return self.value.compare(other.value)

    def __lt__(self, other: object) -> bool:
        return self._compare(other, "<") < 0

    def __le__(self, other: object) -> bool:
        return self._compare(other, "<=") <= 0

    def __gt__(self, other: object) -> bool:
        return self._compare(other, ">") > 0

    def __ge__(self, other: object) -> bool:
        return self._compare(other, ">=") >= 0

    def __str__(self) -> str:
        return f"{self.value} {self.unit}"
