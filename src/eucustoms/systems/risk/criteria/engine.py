"""The rule book: every loaded version of every rule set, evaluated against :class:`Facts`.

``RuleBook.evaluate(facts, as_of)`` picks, for each rule set, the version in force on ``as_of`` (default: the
date the filing was lodged, else today in UTC), runs each enabled rule that applies to the kind of filing and
returns a :class:`Hit` per rule whose condition holds. Conditions are compiled closures; the explanation of a
hit (which conditions matched, on which goods items) is worked out only for hits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable

from eucustoms.core.errors import ErrorCode, Issue, Rejected
from eucustoms.systems.risk.criteria.facts import KINDS, Facts
from eucustoms.systems.risk.criteria.fields import EvalContext
from eucustoms.systems.risk.criteria.model import CompiledRule, Outcome, ReferencePrices, RiskType, RuleSet


@dataclass(frozen=True)
class Hit:
    """A rule whose condition held: which rule (set and version), what it asks for and why.

    ``items`` are the numbers of the goods items the condition matched on (empty for a purely
    consignment-level rule); ``reasons`` the matched conditions, item-level ones as
    ``"goods item 2: hs6 293949 starts with 2939; value per kg 0.84 < 2"``.
    """

    ruleset: str
    version: str
    rule_id: str
    title: str
    risk_type: RiskType
    area: str | None
    outcome: Outcome
    items: tuple[int, ...]
    reasons: tuple[str, ...]

    @property
    def explanation(self) -> str:
        return "; ".join(self.reasons)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ruleset": self.ruleset,
            "version": self.version,
            "rule_id": self.rule_id,
            "title": self.title,
            "risk_type": self.risk_type.value,
            "area": self.area,
            "outcome": self.outcome.model_dump(mode="json", exclude_none=True),
            "items": list(self.items),
            "reasons": list(self.reasons),
            "explanation": self.explanation,
        }


class _Prices:
    """The reference price tables in force, merged: for each code the price of the first table (by id)."""

    __slots__ = ("tables", "_index")

    def __init__(self, tables: tuple[ReferencePrices, ...]):
        self.tables = tables
        index: dict[str, Decimal] = {}
        for table in tables:
            for price in table.prices:
                index.setdefault(price.hs, price.per_kg)
        self._index = index

    def per_kg(self, hs6: str) -> Decimal | None:
        """The price per kg for ``hs6``, else for its heading. A table's subheading price wins over any
        table's heading price."""
        index = self._index
        price = index.get(hs6)
        if price is None:
            price = index.get(hs6[:4])
        return price


class _Selection:
    """What is in force on one day: the rule sets, the price tables and, per kind of filing, the enabled rules
    that apply to it with their compiled tests (kept in a separate tuple for the hot loop)."""

    __slots__ = ("rulesets", "by_kind", "tests", "prices")

    def __init__(self, rulesets: tuple[RuleSet, ...], prices: _Prices | None):
        self.rulesets = rulesets
        self.prices = prices
        self.by_kind: dict[str, tuple[tuple[RuleSet, CompiledRule], ...]] = {}
        self.tests: dict[str, tuple[Any, ...]] = {}
        for kind in KINDS:
            rules = tuple(
                (rs, cr)
                for rs in rulesets
                for cr in rs.compiled
                if cr.rule.enabled and (cr.kinds is None or kind in cr.kinds)
            )
            self.by_kind[kind] = rules
            self.tests[kind] = tuple(cr.test for _, cr in rules)


def _in_force(versions: Iterable[Any], day: dt.date) -> Any | None:
    """The version in force on ``day``: among those whose period covers it, the one that started last."""
    best = None
    for version in versions:
        if version.in_force(day) and (best is None or version.valid_from > best.valid_from):
            best = version
    return best


class RuleBook:
    """Every loaded version of the rule sets and reference price tables."""

    def __init__(self, rulesets: Iterable[RuleSet] = (), prices: Iterable[ReferencePrices] = ()):
        self._rulesets: dict[str, list[RuleSet]] = {}
        self._prices: dict[str, list[ReferencePrices]] = {}
        self._cache: dict[dt.date, _Selection] = {}
        for ruleset in rulesets:
            self.add(ruleset)
        for table in prices:
            self.add_prices(table)

    # ---- loading -----------------------------------------------------------------------------------------

    def add(self, ruleset: RuleSet) -> None:
        """Add one version of a rule set. Rejected when the same version is there already, when another
        version starts on the same day (which one is in force would be ambiguous) or when one of its rule ids
        belongs to another rule set."""
        compiled = ruleset.compiled  # compiles (and rejects) a rule set built without the loader
        assert compiled is not None
        where = f"{ruleset.source}: " if ruleset.source else ""
        issues: list[Issue] = []
        for other in self._rulesets.get(ruleset.ruleset, ()):
            if other.version == ruleset.version:
                issues.append(
                    Issue(ErrorCode.DUPLICATE, "/version", f"{where}rule set {ruleset.ruleset} version {ruleset.version} is loaded twice")
                )
            elif other.valid_from == ruleset.valid_from:
                issues.append(
                    Issue(
                        ErrorCode.DUPLICATE,
                        "/valid_from",
                        f"{where}versions {other.version} and {ruleset.version} of {ruleset.ruleset} both start on "
                        f"{ruleset.valid_from}: which one is in force would be ambiguous",
                    )
                )
        owners = {
            rule.id: set_id
            for set_id, versions in self._rulesets.items()
            if set_id != ruleset.ruleset
            for other in versions
            for rule in other.rules
        }
        for n, rule in enumerate(ruleset.rules):
            if rule.id in owners:
                issues.append(
                    Issue(ErrorCode.DUPLICATE, f"/rules/{n}/id", f"{where}rule id {rule.id} is also used in rule set {owners[rule.id]}")
                )
        if issues:
            raise Rejected(issues, f"rule set {ruleset.ruleset} {ruleset.version} was not added")
        self._rulesets.setdefault(ruleset.ruleset, []).append(ruleset)
        self._cache.clear()

    def add_prices(self, table: ReferencePrices) -> None:
        """Add one version of a reference price table (same checks on versions as :meth:`add`)."""
        for other in self._prices.get(table.reference_prices, ()):
            if other.version == table.version or other.valid_from == table.valid_from:
                raise Rejected.one(
                    ErrorCode.DUPLICATE,
                    "/version",
                    f"reference prices {table.reference_prices}: version {table.version} clashes with {other.version}",
                )
        self._prices.setdefault(table.reference_prices, []).append(table)
        self._cache.clear()

    # ---- looking up --------------------------------------------------------------------------------------

    @property
    def rulesets(self) -> tuple[RuleSet, ...]:
        """Every loaded version of every rule set, by id then start date."""
        return tuple(
            rs for key in sorted(self._rulesets) for rs in sorted(self._rulesets[key], key=lambda r: r.valid_from)
        )

    def versions(self, ruleset_id: str) -> tuple[RuleSet, ...]:
        return tuple(sorted(self._rulesets.get(ruleset_id, ()), key=lambda r: r.valid_from))

    def as_of(self, day: dt.date) -> tuple[RuleSet, ...]:
        """The version of each rule set in force on ``day`` (rule sets with none in force are left out)."""
        return self._select(day).rulesets

    def prices_as_of(self, day: dt.date) -> tuple[ReferencePrices, ...]:
        selection = self._select(day)
        return selection.prices.tables if selection.prices else ()

    def _select(self, day: dt.date) -> _Selection:
        selection = self._cache.get(day)
        if selection is None:
            rulesets = tuple(
                v for key in sorted(self._rulesets) if (v := _in_force(self._rulesets[key], day)) is not None
            )
            tables = tuple(
                v for key in sorted(self._prices) if (v := _in_force(self._prices[key], day)) is not None
            )
            selection = _Selection(rulesets, _Prices(tables) if tables else None)
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[day] = selection
        return selection

    # ---- evaluating --------------------------------------------------------------------------------------

    def evaluate(self, facts: Facts, as_of: dt.date | dt.datetime | None = None) -> list[Hit]:
        """The hits of the rules in force on ``as_of`` (default: the lodging date, else today UTC), in rule
        set id order and, within a rule set, in file order."""
        day = as_of or facts.dates.lodged or dt.datetime.now(dt.timezone.utc).date()
        if isinstance(day, dt.datetime):
            day = day.date()
        selection = self._select(day)
        tests = selection.tests.get(facts.kind)
        if tests is None:
            raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/kind", f"{facts.kind!r} is not one of {', '.join(KINDS)}")
        ctx = EvalContext(facts, selection.prices)
        matched = [n for n, test in enumerate(tests) if test(ctx, None)]
        if not matched:
            return []
        rules = selection.by_kind[facts.kind]
        return [_hit(*rules[n], ctx) for n in matched]


def _hit(ruleset: RuleSet, compiled: CompiledRule, ctx: EvalContext) -> Hit:
    items: set[int] = set()
    reasons = compiled.node.explain(ctx, None, items)
    rule = compiled.rule
    return Hit(
        ruleset=ruleset.ruleset,
        version=ruleset.version,
        rule_id=rule.id,
        title=rule.title,
        risk_type=rule.risk_type,
        area=rule.area,
        outcome=rule.outcome,
        items=tuple(sorted(items)),
        reasons=tuple(reasons),
    )
