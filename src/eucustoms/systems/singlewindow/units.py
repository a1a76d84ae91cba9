"""Unit conversion between a declared quantity and a certificate's unit (TARIC measurement unit codes).

Only exact conversions are made: every factor is a power of ten (or the metric carat, 0.2 g), so a quantity
converted and converted back is the same decimal. Units of different dimensions (kg and litres), and
qualified units (KGMG gross kilograms, LPA litres of pure alcohol), are never converted into one another."""

from __future__ import annotations

from decimal import Decimal

from eucustoms.core.errors import InvalidIdentifier
from eucustoms.core.money import ARITHMETIC
from eucustoms.core.quantities import unit_code

#: unit → (dimension, factor to the dimension's base unit)
UNITS: dict[str, tuple[str, Decimal]] = {
    "GRM": ("mass", Decimal("0.001")),
    "CTM": ("mass", Decimal("0.0002")),  # metric carat: 200 mg
    "KGM": ("mass", Decimal("1")),
    "DTN": ("mass", Decimal("100")),
    "TNE": ("mass", Decimal("1000")),
    "LTR": ("volume", Decimal("0.001")),
    "HLT": ("volume", Decimal("0.1")),
    "KLT": ("volume", Decimal("1")),
    "MTQ": ("volume", Decimal("1")),
    "MTQC": ("volume", Decimal("1000")),
    "NAR": ("number of items", Decimal("1")),
    "CEN": ("number of items", Decimal("100")),
    "MIL": ("number of items", Decimal("1000")),
    "NPR": ("number of pairs", Decimal("1")),
    "MPR": ("number of pairs", Decimal("1000")),
    "MTR": ("length", Decimal("1")),
    "HMT": ("length", Decimal("100")),
    "KMT": ("length", Decimal("1000")),
    "MTK": ("area", Decimal("1")),
    "KWH": ("electrical energy", Decimal("1")),
    "MWH": ("electrical energy", Decimal("1000")),
}

NAMES: dict[str, str] = {
    "GRM": "g", "CTM": "carat", "KGM": "kg", "DTN": "100 kg", "TNE": "t", "LTR": "l", "HLT": "hl", "KLT": "1 000 l",
    "MTQ": "m³", "MTQC": "1 000 m³", "NAR": "items", "CEN": "100 items", "MIL": "1 000 items", "NPR": "pairs",
    "MPR": "1 000 pairs", "MTR": "m", "HMT": "100 m", "KMT": "km", "MTK": "m²", "KWH": "kWh", "MWH": "MWh",
}


class IncompatibleUnits(ValueError):
    """The declared unit cannot be converted into the certificate's."""


def normalise(code: object) -> str:
    """A well-formed unit code (``"kgm"`` → ``"KGM"``), or :class:`IncompatibleUnits` saying why not."""
    try:
        return unit_code(code)
    except InvalidIdentifier as exc:
        raise IncompatibleUnits(exc.reason) from None


def dimension(unit: str) -> str | None:
    found = UNITS.get(unit)
    return found[0] if found else None


def convertible(source: str, target: str) -> bool:
    if source == target:
        return True
    a, b = UNITS.get(source), UNITS.get(target)
    return a is not None and b is not None and a[0] == b[0]


def convert(value: Decimal, source: str, target: str) -> Decimal:
    """``value`` in ``source`` expressed in ``target``, exactly; :class:`IncompatibleUnits` with the reason."""
    source, target = normalise(source), normalise(target)
    if source == target:
        return value
    a, b = UNITS.get(source), UNITS.get(target)
    if a is None or b is None:
        unknown = source if a is None else target
        raise IncompatibleUnits(f"{unknown} cannot be converted: only the same unit is accepted, "
                                f"{source} cannot be used for a certificate in {target}")
    if a[0] != b[0]:
        raise IncompatibleUnits(f"{source} ({a[0]}) cannot be converted into {target} ({b[0]})")
    return normal(ARITHMETIC.multiply(value, ARITHMETIC.divide(a[1], b[1])))


def normal(value: Decimal) -> Decimal:
    """The same number without trailing zeros or exponent noise (``2.000`` → ``2``, ``1.5E+3`` → ``1500``)."""
    if value == 0:
        return Decimal(0)
    value = value.normalize(ARITHMETIC)
    if value.as_tuple().exponent > 0:  # type: ignore[operator]
        value = value.quantize(Decimal(1), context=ARITHMETIC)
    return value
