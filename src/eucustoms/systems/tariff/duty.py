"""Duty expressions: measure components (ad valorem, specific, compound, MIN/MAX), their text and their arithmetic."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Mapping

from eucustoms.core.money import ARITHMETIC

HUNDRED = Decimal(100)
ZERO = Decimal(0)

#: TARIC duty expressions we evaluate (real ids). "+" after a MIN/MAX belongs to that bound (19/20).
DUTY_EXPRESSIONS: dict[str, str] = {
    "01": "% or amount",
    "02": "minus % or amount",
    "04": "+ % or amount",
    "15": "Minimum",
    "17": "Maximum",
    "19": "+ % or amount (of the minimum)",
    "20": "+ % or amount (of the maximum)",
    "35": "Maximum",
    "37": "(nothing)",
    "99": "Supplementary unit",
}
_BOUNDS = {"15": "MIN", "17": "MAX", "35": "MAX"}

#: Measurement units: (base unit, factor to the base): a quantity in DTN is one in KGM divided by 100.
UNITS: dict[str, tuple[str, Decimal]] = {
    "KGM": ("KGM", Decimal(1)), "DTN": ("KGM", Decimal(100)), "TNE": ("KGM", Decimal(1000)),
    "GRM": ("KGM", Decimal("0.001")), "LTR": ("LTR", Decimal(1)), "HLT": ("LTR", Decimal(100)),
    "NAR": ("NAR", Decimal(1)), "NPR": ("NPR", Decimal(1)), "LPA": ("LPA", Decimal(1)), "ASV": ("ASV", Decimal(1)),
    "MTK": ("MTK", Decimal(1)), "MTQ": ("MTQ", Decimal(1)), "MTR": ("MTR", Decimal(1)), "KWH": ("KWH", Decimal(1)),
}
UNIT_TEXT = {"KGM": "kg", "DTN": "100 kg", "TNE": "t", "GRM": "g", "LTR": "l", "HLT": "hl", "NAR": "p/st",
             "NPR": "pa", "LPA": "l alc. 100 %", "ASV": "% vol", "MTK": "m²", "MTQ": "m³", "MTR": "m", "KWH": "kWh"}
#: Qualifier X: "per hectolitre" (EUR per % vol per hl: multiplied by the strength and the hectolitres).
QUALIFIERS = {"X": ("HLT", "hl")}


class MissingQuantity(ValueError):
    """A specific duty needs a quantity in a unit that was not given (nor one convertible to it)."""

    def __init__(self, unit: str):
        super().__init__(f"a quantity in {unit} ({UNIT_TEXT.get(unit, unit)}) is needed")
        self.unit = unit


@dataclass(frozen=True, slots=True)
class Component:
    """One measure component: a duty expression with an amount in % (currency None) or currency per unit."""

    expression: str
    amount: Decimal
    currency: str | None = None
    unit: str | None = None
    qualifier: str | None = None

    @property
    def is_ad_valorem(self) -> bool:
        return self.currency is None

    def text(self) -> str:
        """The rate without its operator: "12.8 %", "176.8 EUR / 100 kg", "1 EUR / % vol / hl"."""
        amount = _num(self.amount)
        if self.currency is None:
            return f"{amount} %"
        per = f" / {UNIT_TEXT.get(self.unit or '', self.unit)}" if self.unit else ""
        if self.qualifier in QUALIFIERS:
            per += f" / {QUALIFIERS[self.qualifier][1]}"
        return f"{amount} {self.currency}{per}"


def _num(d: Decimal) -> str:
    """A rate as printed in the tariff: no trailing zeros, no exponent."""
    text = format(d.normalize(), "f")
    return text


_TOKEN = re.compile(r"\s*(\+|-|MIN|MAX)?\s*([0-9]+(?:\.[0-9]+)?)\s*(%|[A-Z]{3})(?:\s+(?!MIN\b|MAX\b)([A-Z]{3})\b(?:\s+([A-Z])\b)?)?\s*")


def parse_duty(text: str) -> tuple[Component, ...]:
    """Parse "12.8 % + 176.8 EUR DTN MAX 18 %" into components with TARIC duty expression ids."""
    components: list[Component] = []
    pos, bound = 0, None
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError(f"cannot read the duty expression {text!r} at {text[pos:]!r}")
        op, amount, cur, unit, qualifier = m.groups()
        if not components:
            if op not in (None,):
                raise ValueError(f"the duty expression {text!r} must start with a rate")
            expression = "01"
        elif op in ("MIN", "MAX"):
            bound = op
            expression = "15" if op == "MIN" else "17"
        elif op == "+":
            expression = {None: "04", "MIN": "19", "MAX": "20"}[bound]
        elif op == "-":
            expression = "02"
        else:
            raise ValueError(f"expected +, -, MIN or MAX before {m.group(0).strip()!r} in {text!r}")
        if cur == "%":
            if unit:
                raise ValueError(f"a percentage takes no unit in {text!r}")
            components.append(Component(expression, Decimal(amount)))
        else:
            if unit and unit not in UNITS:
                raise ValueError(f"unknown measurement unit {unit} in {text!r}")
            if qualifier and qualifier not in QUALIFIERS:
                raise ValueError(f"unknown measurement unit qualifier {qualifier} in {text!r}")
            components.append(Component(expression, Decimal(amount), cur, unit, qualifier))
        pos = m.end()
    if not components:
        raise ValueError("empty duty expression")
    return tuple(components)


def duty_text(components: tuple[Component, ...]) -> str:
    """The whole expression as printed: "12.8 % + 176.8 EUR / 100 kg MAX 18 %"."""
    parts = []
    for c in components:
        op = {"01": "", "02": "- ", "04": "+ ", "19": "+ ", "20": "+ ", "15": "MIN ", "17": "MAX ", "35": "MAX "}.get(c.expression, "")
        parts.append(op + c.text())
    return " ".join(parts)


def quantity_in(unit: str, quantities: Mapping[str, Decimal]) -> Decimal:
    """The declared quantity expressed in ``unit``, converting within a base (KGM→DTN, LTR→HLT)."""
    if unit in quantities:
        return quantities[unit]
    base, factor = UNITS.get(unit, (unit, Decimal(1)))
    for given, value in quantities.items():
        gbase, gfactor = UNITS.get(given, (given, Decimal(1)))
        if gbase == base:
            return ARITHMETIC.divide(ARITHMETIC.multiply(value, gfactor), factor)
    raise MissingQuantity(unit)


CENT = Decimal("0.01")


def fmt_eur(amount: Decimal, currency: str = "EUR") -> str:
    """ "EUR 1,234.56": two decimals with thousands separators, half-up (display only; amounts stay exact)."""
    return f"{currency} {amount.quantize(CENT, rounding=ROUND_HALF_UP, context=ARITHMETIC):,.2f}"


def _fmt_qty(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else f"{value.normalize():f}"


@dataclass(frozen=True, slots=True)
class Evaluated:
    """The amount of a measure's duty in EUR (rounded half-up to the cent) and the arithmetic as text."""

    amount: Decimal
    lines: tuple[str, ...]


def evaluate(components: tuple[Component, ...], value_eur: Decimal, quantities: Mapping[str, Decimal],
             explain: bool = True) -> Evaluated:
    """The duty of the components on a customs value in EUR and quantities; exact, rounded once at the end.
    With ``explain`` the arithmetic is written out as text (formatting costs more than the arithmetic)."""
    groups: list[tuple[str | None, list[tuple[Decimal, str]]]] = [(None, [])]
    for c in components:
        if c.expression in ("37", "99"):
            continue
        bound = _BOUNDS.get(c.expression)
        if bound:
            groups.append((bound, []))
        amount, line = _component(c, value_eur, quantities, explain)
        if c.expression == "02":
            amount = -amount
        groups[-1][1].append((amount, line))
    lines: list[str] = []
    base = sum((a for a, _ in groups[0][1]), ZERO)
    if explain:
        lines += [line for _, line in groups[0][1]]
        if len(groups[0][1]) > 1:
            lines.append(f"sum = {fmt_eur(base)}")
    for bound, items in groups[1:]:
        limit = sum((a for a, _ in items), ZERO)
        if explain:
            lines += [f"{bound}: {line}" for _, line in items]
        if bound == "MIN" and limit > base:
            if explain:
                lines.append(f"minimum applies: {fmt_eur(limit)} > {fmt_eur(base)}")
            base = limit
        elif bound == "MAX" and limit < base:
            if explain:
                lines.append(f"maximum applies: {fmt_eur(limit)} < {fmt_eur(base)}")
            base = limit
    total = base.quantize(CENT, rounding=ROUND_HALF_UP, context=ARITHMETIC)
    return Evaluated(total, tuple(lines))


def _component(c: Component, value_eur: Decimal, quantities: Mapping[str, Decimal], explain: bool) -> tuple[Decimal, str]:
    if c.currency is None:
        amount = ARITHMETIC.divide(ARITHMETIC.multiply(value_eur, c.amount), HUNDRED)
        return amount, (f"{_num(c.amount)} % × {fmt_eur(value_eur)} = {fmt_eur(amount)}" if explain else "")
    if c.unit is None:  # a fixed amount per declaration line
        return c.amount, (f"{_num(c.amount)} {c.currency} = {fmt_eur(c.amount)}" if explain else "")
    qty = quantity_in(c.unit, quantities)
    amount = ARITHMETIC.multiply(c.amount, qty)
    per = None
    if c.qualifier in QUALIFIERS:
        per = quantity_in(QUALIFIERS[c.qualifier][0], quantities)
        amount = ARITHMETIC.multiply(amount, per)
    if not explain:
        return amount, ""
    text = f"{c.text()} × {_fmt_qty(qty)} ({UNIT_TEXT.get(c.unit, c.unit)})"
    if per is not None:
        text += f" × {_fmt_qty(per)} ({QUALIFIERS[c.qualifier][1]})"  # type: ignore[index]
    return amount, f"{text} = {fmt_eur(amount)}"
