"""The schema of rule set and reference price files (pydantic, unknown fields rejected) and compiled rules.

A rule set file::

    ruleset: CRC-SS                     # id: letters, digits, '.', '_', '-'
    version: 2026.1                     # a label (kept as written: 2026.10 is not 2026.1)
    valid_from: 2026-01-01
    valid_to: null                      # inclusive; null = open-ended
    description: ...
    illustrative: true                  # not the EU's (confidential) criteria
    lists:                              # optional named value lists, used as {in: {list: high_risk_origins}}
      high_risk_origins: [AF, IR]
    rules:
      - id: CRC-SS-001                  # unique in the rule set
        title: ...
        risk_type: safety_security      # safety_security | financial | prohibitions_restrictions
        area: explosives                # optional free tag
        applies_to: [ens, import]       # optional: kinds of filing the rule is evaluated for
        enabled: true                   # optional; a disabled rule is loaded and checked but never hits
        when: {all: [...]}              # the condition (see conditions.py)
        outcome: {action: screen, level: high, referral: RFS, note: ...}
        rationale: why this is a risk
        legal_basis: [Regulation (EC) No 111/2005]   # optional

A reference price file::

    reference_prices: REF-PRICES
    version: 2026.1
    valid_from: 2026-01-01
    currency: EUR
    illustrative: true
    note: ...
    prices:
      - {hs: "2939 41", per_kg: 60, description: ephedrine and its salts}   # hs: 4 or 6 digits
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from eucustoms.systems.risk.criteria.conditions import Node
from eucustoms.systems.risk.criteria.facts import KINDS

_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
_LIST_NAME = r"^[a-z][a-z0-9_]*$"

Kind = Literal["ens", "import", "export", "exs", "transit", "temporary_storage"]
assert set(Kind.__args__) == set(KINDS)  # type: ignore[attr-defined]


class RiskType(StrEnum):
    SAFETY_SECURITY = "safety_security"
    FINANCIAL = "financial"
    PROHIBITIONS_RESTRICTIONS = "prohibitions_restrictions"


class Action(StrEnum):
    """What the hit asks for, from mildest to strongest."""

    NONE = "none"  # flag only (monitoring, profiling)
    DOCUMENT_CHECK = "document_check"
    SCREEN = "screen"  # pre-loading screening of air cargo (ICS2)
    SCAN = "scan"  # non-intrusive inspection
    PHYSICAL = "physical"
    DO_NOT_LOAD = "do_not_load"


class Level(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Referral(StrEnum):
    """ICS2 pre-loading referrals: request for information, request for high-risk cargo screening, do not load."""

    RFI = "RFI"
    RFS = "RFS"
    DNL = "DNL"


_STRICT = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


#: pydantic error type of duplicate checks; the loader reports duplicates itself, at the duplicate's pointer.
DUPLICATE_ERROR = "duplicate"


def _check_period(value: dt.date | None, info: ValidationInfo) -> dt.date | None:
    start = info.data.get("valid_from")
    if value is not None and start is not None and value < start:
        raise ValueError(f"valid_to {value} is before valid_from {start}")
    return value


def _label(value: Any) -> Any:
    """Version labels are text; an unquoted number from Python data is taken as written."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value)
    return value


class Outcome(BaseModel):
    model_config = _STRICT

    action: Action
    level: Level = Level.MEDIUM
    referral: Referral | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _dnl(self) -> "Outcome":
        if (self.referral == Referral.DNL) != (self.action == Action.DO_NOT_LOAD):
            raise ValueError("referral DNL and action do_not_load go together: use both or neither")
        return self


class Rule(BaseModel):
    model_config = _STRICT

    id: str = Field(pattern=_ID, max_length=64)
    title: str = Field(min_length=1)
    risk_type: RiskType
    area: str | None = None
    applies_to: tuple[Kind, ...] | None = Field(default=None, min_length=1)
    enabled: bool = True
    when: Any
    outcome: Outcome
    rationale: str = Field(min_length=1)
    legal_basis: tuple[str, ...] = ()

    @field_validator("when")
    @classmethod
    def _when_given(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("a rule needs a condition")
        return value


class RuleSet(BaseModel):
    """One version of a rule set. ``compiled`` holds its rules ready to evaluate (set by the loader)."""

    model_config = _STRICT

    ruleset: str = Field(pattern=_ID, max_length=64)
    version: str = Field(pattern=_ID, max_length=32)
    valid_from: dt.date
    valid_to: dt.date | None = None
    description: str = Field(min_length=1)
    illustrative: bool = False
    lists: dict[str, tuple[str, ...]] = {}
    rules: tuple[Rule, ...]

    _compiled: tuple["CompiledRule", ...] | None = PrivateAttr(default=None)
    _source: str | None = PrivateAttr(default=None)

    @field_validator("version", mode="before")
    @classmethod
    def _version_label(cls, value: Any) -> Any:
        return _label(value)

    @field_validator("valid_to")
    @classmethod
    def _after_start(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        return _check_period(value, info)

    @field_validator("rules")
    @classmethod
    def _unique_ids(cls, value: tuple[Rule, ...]) -> tuple[Rule, ...]:
        if not value:
            raise ValueError("a rule set needs at least one rule")
        seen: set[str] = set()
        for rule in value:
            if rule.id in seen:
                raise PydanticCustomError(DUPLICATE_ERROR, "rule id {id} is used twice", {"id": rule.id})
            seen.add(rule.id)
        return value

    @field_validator("lists")
    @classmethod
    def _list_names(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for name, items in value.items():
            if not re.fullmatch(_LIST_NAME, name):
                raise ValueError(f"list name {name!r} must be lower-case letters, digits and '_'")
            if not items:
                raise ValueError(f"list {name!r} is empty")
        return value

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def source(self) -> str | None:
        """The file the rule set was loaded from, if any."""
        return self._source

    @property
    def compiled(self) -> tuple["CompiledRule", ...]:
        if self._compiled is None:
            from eucustoms.systems.risk.criteria.loader import compile_ruleset

            self._compiled = compile_ruleset(self)
        return self._compiled

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


class CompiledRule:
    """A rule with its condition compiled; ``kinds`` is the ``applies_to`` filter (None = every kind)."""

    __slots__ = ("rule", "node", "test", "kinds")

    def __init__(self, rule: Rule, node: Node):
        self.rule = rule
        self.node = node
        self.test = node.test
        self.kinds = frozenset(rule.applies_to) if rule.applies_to else None


class ReferencePrice(BaseModel):
    model_config = _STRICT

    hs: str
    per_kg: Decimal = Field(gt=0)
    description: str | None = None

    @field_validator("hs", mode="before")
    @classmethod
    def _hs(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            code = value.replace(" ", "").replace(".", "")
            if not code.isdigit() or len(code) not in (4, 6):
                raise ValueError(f"{value!r} must be an HS heading (4 digits) or subheading (6 digits)")
            return code
        return value


class ReferencePrices(BaseModel):
    """Reference prices in euro per kg by HS subheading (6 digits) or heading (4 digits, the fallback)."""

    model_config = _STRICT

    reference_prices: str = Field(pattern=_ID, max_length=64)
    version: str = Field(pattern=_ID, max_length=32)
    valid_from: dt.date
    valid_to: dt.date | None = None
    currency: Literal["EUR"] = "EUR"
    illustrative: bool = False
    note: str | None = None
    prices: tuple[ReferencePrice, ...]

    _index: dict[str, Decimal] = PrivateAttr(default_factory=dict)

    @field_validator("version", mode="before")
    @classmethod
    def _version_label(cls, value: Any) -> Any:
        return _label(value)

    @field_validator("valid_to")
    @classmethod
    def _after_start(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        return _check_period(value, info)

    @field_validator("prices")
    @classmethod
    def _unique(cls, value: tuple[ReferencePrice, ...]) -> tuple[ReferencePrice, ...]:
        if not value:
            raise ValueError("a reference price table needs at least one price")
        seen: set[str] = set()
        for price in value:
            if price.hs in seen:
                raise PydanticCustomError(DUPLICATE_ERROR, "HS code {hs} is priced twice", {"hs": price.hs})
            seen.add(price.hs)
        return value

    def model_post_init(self, __context: Any) -> None:
        self._index = {p.hs: p.per_kg for p in self.prices}

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def per_kg(self, hs6: str) -> Decimal | None:
        """The reference price per kg for ``hs6``: its own, else its heading's, else None."""
        index = self._index
        price = index.get(hs6)
        if price is None:
            price = index.get(hs6[:4])
        return price
