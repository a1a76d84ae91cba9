"""The monitoring framework's data, in memory: indicators with their yearly results and breakdowns, facts quoted in
the report, the budget, registers (IT projects, UCC projects, expert teams, electronic systems) and the relations
between figures that the checks verify. Pure: no database, no I/O.

A figure carries the number (``value``) and the text the report prints (``printed``); the printed text gives the
precision the figure was rounded to, which is what the checks allow for."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any, Iterable

LEVELS = {"OP": "output", "RES": "result", "IMP": "impact"}
AGGREGATES = ("sum", "mean", "overlap", "shares", "subset", "none")
DIRECTIONS = ("increase", "decrease", "none")
TARGET_KINDS = ("annual", "by_year", "cycle_total")
RELATIONS = ("above", "below", "equal", "same", "above_by", "below_by", "increase", "decrease", "increase_by",
             "decrease_by", "on_track", "pace")
REFERENCES = ("target", "milestone", "previous_year", "stated")
RATIO_UNITS = {"%", "score/5"}
MULTIPLIERS = {"billion": Decimal(10) ** 9, "million": Decimal(10) ** 6, "thousand": Decimal(10) ** 3}

_ID = re.compile(r"^\s*(OP|RES|IMP)\s*(\d+(?:\.\d+)?)\.?\s*(?:customs\s*-?\s*)?(?:sub-?indicator\s*|\.)(\d+)\s*$", re.I)


def indicator_id(text: str) -> str:
    """The framework id of an indicator: ``"RES 2.1 sub-indicator 1"`` from that, ``"RES 2.1.1"``,
    ``"res 2.1. Sub-indicator 1"`` or ``"OP 1.2. Customs - Sub-indicator 4"``. Unknown shapes are returned stripped."""
    m = _ID.match(text.replace("–", "-"))
    if not m:
        return text.strip()
    level, objective, sub = m.groups()
    return f"{level.upper()} {objective} sub-indicator {int(sub)}"


def short_id(ident: str) -> str:
    """``"RES 2.1 sub-indicator 1"`` → ``"RES 2.1.1"`` (for tables and charts)."""
    return ident.replace(" sub-indicator ", ".")


def dec(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError("a boolean is not a figure")
    return Decimal(str(value))


_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:[ \u00a0\u202f,]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(billion|million|thousand)?", re.I)


def precision(printed: str | None, value: Decimal | None) -> tuple[Decimal, bool]:
    """``(ulp, scaled)``: one unit of the last digit the report printed for ``value`` (``"99.984%"`` → 0.001,
    ``"16.467 billion"`` → 1 000 000) and whether a multiplier word scaled it. Without a printed number that
    matches, the value's own last digit."""
    if value is None:
        return Decimal(1), False
    best: tuple[Decimal, Decimal, bool] | None = None
    for m in _NUMBER.finditer(printed or ""):
        digits = re.sub(r"[ \u00a0\u202f,]", "", m.group(1))
        try:
            number = Decimal(digits)
        except ArithmeticError:
            continue
        mult = MULTIPLIERS.get((m.group(2) or "").lower(), Decimal(1))
        distance = abs(number * mult - value)
        decimals = -number.as_tuple().exponent if "." in digits else 0
        ulp = Decimal(1).scaleb(-decimals) * mult
        if best is None or distance < best[0]:
            best = (distance, ulp, mult != 1)
    if best is None or best[0] > best[1]:
        exponent = value.normalize().as_tuple().exponent
        return Decimal(1).scaleb(min(int(exponent), 0)), False
    return best[1], best[2]


@dataclass(frozen=True)
class Figure:
    """A number as printed, with the rounding it may carry."""

    value: Decimal
    printed: str
    unit: str = ""
    qualifier: str = "exact"  # exact / approx / more_than
    where: str = ""  # how to find it: "OP 2.1 sub-indicator 2#format/physical", "fact:participants", "line 194"

    @property
    def ulp(self) -> Decimal:
        return precision(self.printed, self.value)[0]

    @property
    def error(self) -> Decimal:
        """How far the true figure may be from ``value`` because of rounding: nothing for a count or an amount in
        euro printed in full, half a unit of the last digit for a ratio, a measure or an abbreviated figure, a whole
        unit for a figure the report calls approximate."""
        ulp, scaled = precision(self.printed, self.value)
        if self.qualifier == "approx":
            return ulp
        if scaled or self.unit in RATIO_UNITS:
            return ulp / 2
        if ulp >= 1 or self.unit == "EUR":
            return Decimal(0)
        return ulp / 2

    def show(self) -> str:
        return self.printed or fmt(self.value)


def fmt(value: Decimal | float | int | None, places: int | None = None) -> str:
    """A number the way the report prints it: groups of three separated by a thin space, a point for decimals."""
    if value is None:
        return "—"
    d = dec(value)
    assert d is not None
    if places is None:
        places = 0 if d == d.to_integral_value() else max(0, -int(d.normalize().as_tuple().exponent))
    return f"{d:,.{places}f}".replace(",", "\u202f")


def truncate(value: Decimal, ulp: Decimal) -> Decimal:
    return (value / ulp).to_integral_value(rounding=ROUND_FLOOR) * ulp


@dataclass
class Target:
    value: Decimal
    printed: str
    kind: str = "annual"  # annual / by_year / cycle_total
    year: int | None = None
    first: int | None = None  # cycle_total: the cycle's years
    last: int | None = None
    direction: str = "at_least"
    source: dict[str, Any] = field(default_factory=dict)

    @property
    def cycle_years(self) -> int | None:
        return self.last - self.first + 1 if self.first and self.last else None

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "printed": self.printed, "kind": self.kind, "year": self.year,
                "from": self.first, "to": self.last, "direction": self.direction, **self.source}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "Target | None":
        if not d:
            return None
        extra = {k: v for k, v in d.items() if k in ("line", "read", "note")}
        return cls(value=dec(d["value"]), printed=str(d.get("printed") or fmt(dec(d["value"]))), kind=d.get("kind", "annual"),
                   year=d.get("year"), first=d.get("from"), last=d.get("to"),
                   direction=d.get("direction", "at_least"), source=extra)


@dataclass
class Indicator:
    id: str
    label: str
    name: str
    level: str
    unit: str = ""
    disaggregation: str = ""
    direction: str = "increase"
    source: str = "recorded"  # recorded / computed
    objective: str = ""
    live: str | None = None  # the box's computation (live.py) for a computed indicator
    register: str | None = None
    survey: str | None = None  # the survey question feeding it (records)
    target: Target | None = None
    milestones: dict[int, dict[str, Any]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    position: int = 0

    @property
    def short(self) -> str:
        return short_id(self.id)

    def milestone(self, year: int) -> Decimal | None:
        m = self.milestones.get(year)
        return dec(m["value"]) if m else None


@dataclass
class Item:
    dimension: str
    key: str
    label: str
    value: Decimal | None
    printed: str
    unit: str | None = None
    share: Decimal | None = None
    share_printed: str | None = None
    parent: str | None = None
    system: str | None = None
    line: int | None = None
    position: int = 0

    def figure(self, unit: str, where: str) -> Figure | None:
        if self.value is None:
            return None
        return Figure(self.value, self.printed, self.unit or unit, where=where)


@dataclass
class Dimension:
    name: str
    label: str
    aggregate: str = "none"
    total: dict[str, Any] | None = None  # {value, printed, line, read}: a printed total other than the headline
    read: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"dimension": self.name, "label": self.label, "aggregate": self.aggregate,
                "total": _jsonable(self.total), "read": self.read}


@dataclass
class Claim:
    """A statement of a narrative comparing a value with a reference (target, milestone, previous year)."""

    quote: str
    subject: str = "value"  # value / all:<dimension> / item:<dimension>/<key> / target
    relation: str = "above"
    reference: str = "target"
    reference_value: Decimal | None = None
    reference_printed: str | None = None
    amount: Decimal | None = None
    amount_printed: str | None = None
    read: str | None = None
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Claim":
        return cls(quote=d["quote"], subject=d.get("subject", "value"), relation=d.get("relation", "above"),
                   reference=d.get("reference", "target"), reference_value=dec(d.get("reference_value")),
                   reference_printed=d.get("reference_printed"), amount=dec(d.get("amount")),
                   amount_printed=d.get("amount_printed"), read=d.get("read"), line=d.get("line"))


@dataclass
class Result:
    indicator_id: str
    year: int
    value: Decimal | None
    printed: str
    period: str | None = None
    narrative: str = ""
    dimensions: list[Dimension] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)  # {line, read, dataset} or {computed: ...}
    origin: str = "dataset"  # dataset / recorded / records (derived from recorded activity data)

    def dimension(self, name: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.name == name), None)

    def items_of(self, dimension: str) -> list[Item]:
        return [i for i in self.items if i.dimension == dimension]

    def item(self, dimension: str, key: str) -> Item | None:
        return next((i for i in self.items if i.dimension == dimension and i.key == key), None)


@dataclass
class Fact:
    key: str
    year: int
    label: str
    value: Decimal | None
    printed: str
    unit: str = ""
    qualifier: str = "exact"
    section: str = ""
    source: dict[str, Any] = field(default_factory=dict)


@dataclass
class BudgetLine:
    year: int
    category: str
    label: str
    amount: Decimal
    printed: str
    kind: str = "commitment"  # commitment / total / financing_decision
    note: str | None = None
    source: dict[str, Any] = field(default_factory=dict)


@dataclass
class Relation:
    id: str
    check: str
    spec: dict[str, Any]
    note: str | None = None


@dataclass
class Dataset:
    """Everything the checks and the report read for one year."""

    year: int
    indicators: dict[str, Indicator] = field(default_factory=dict)
    results: dict[str, Result] = field(default_factory=dict)  # this year's, by indicator id
    previous: dict[str, Result] = field(default_factory=dict)  # the year before's, where known
    facts: dict[str, Fact] = field(default_factory=dict)
    previous_facts: dict[str, Fact] = field(default_factory=dict)
    budget: list[BudgetLine] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    registers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    survey: dict[str, Any] = field(default_factory=dict)  # {respondents, printed, line, read}
    derived: dict[str, Result] = field(default_factory=dict)  # computed from the recorded activity data
    meta: dict[str, Any] = field(default_factory=dict)

    def result(self, ident: str) -> Result | None:
        return self.results.get(ident) or self.derived.get(ident)

    def ordered(self) -> list[Indicator]:
        return sorted(self.indicators.values(), key=lambda i: (i.position, i.id))


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


jsonable = _jsonable


def register_matches(entry: dict[str, Any], where: dict[str, str]) -> bool:
    """A register entry matches ``field=value`` conditions; ``revised`` is true when a revised date is set."""
    for name, wanted in where.items():
        if name == "revised":
            actual: Any = bool(entry.get("revised_delivery"))
        else:
            actual = entry.get(name)
        if isinstance(actual, bool) or wanted in ("true", "false"):
            if bool(actual) != (wanted == "true"):
                return False
        elif str(actual) != wanted:
            return False
    return True


def count_register(entries: Iterable[dict[str, Any]], where: dict[str, str]) -> int:
    return sum(1 for e in entries if register_matches(e, where))
