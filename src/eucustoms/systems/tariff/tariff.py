"""``Tariff``: the loaded tariff in memory with "as of" queries; measures per (code, day) are resolved once and cached."""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from eucustoms.core.errors import CustomsError
from eucustoms.platform.db import Database

from . import store
from .dataset import Dataset, ancestors, components_of, from_db, significant
from .duty import Component, duty_text

OPEN = date.max


class TariffNotLoaded(CustomsError):
    """No tariff data in this database: run ``eucustoms init`` (or :func:`load_tariff`)."""

    status = 503


@dataclass(frozen=True, slots=True)
class GoodsItem:
    """A goods nomenclature line valid on the queried day."""

    sid: int
    code: str
    suffix: str
    indent: int
    description: str
    valid_from: date
    valid_to: date | None
    origin: str


@dataclass(frozen=True, slots=True)
class Condition:
    code: str
    certificate: str | None
    action: str


@dataclass(frozen=True, slots=True)
class Measure:
    """A measure with its duty (components) and conditions, ready for the calculator."""

    sid: int
    type_id: str
    type_description: str
    kind: str
    area_id: str
    goods_code: str
    additional_code: str | None
    order_number: str | None
    regulation_id: str
    valid_from: date
    valid_to: date | None
    excluded: frozenset[str]
    components: tuple[Component, ...]
    conditions: tuple[Condition, ...]
    preference_category: str | None  # "2" GSP, "3" agreement: for preferences and preferential quotas
    duty: str  # the printed duty expression ("" without components)

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= (self.valid_to or OPEN)

    @property
    def origin_proofs(self) -> tuple[str, ...]:
        return tuple(c.certificate for c in self.conditions if c.code == "PO" and c.certificate)

    def as_dict(self) -> dict:
        return {"sid": self.sid, "measure_type": self.type_id, "description": self.type_description,
                "geographical_area": self.area_id, "excluded_areas": sorted(self.excluded),
                "goods_code": self.goods_code, "additional_code": self.additional_code,
                "order_number": self.order_number, "regulation": self.regulation_id, "duty": self.duty,
                "valid_from": self.valid_from.isoformat(), "valid_to": self.valid_to.isoformat() if self.valid_to else None,
                "conditions": [{"code": c.code, "certificate": c.certificate, "action": c.action} for c in self.conditions]}


def _on(day: date, start: date, end: date | None) -> bool:
    return start <= day <= (end or OPEN)


class Tariff:
    """The tariff of one loaded dataset version; immutable, shared by threads."""

    def __init__(self, ds: Dataset):
        self.version = ds.version
        self.items: dict[str, list[GoodsItem]] = defaultdict(list)
        for g in ds.goods:
            self.items[g["code"]].append(GoodsItem(g["sid"], g["code"], g["suffix"], g["indent"], g["description"],
                                                   g["valid_from"], g["valid_to"], g["origin"]))
        # Parent = the nearest existing code above (codes are unique per suffix 80 in our data).
        self.children: dict[str, set[str]] = defaultdict(set)
        for code in self.items:
            parent = next((a for a in ancestors(code) if a in self.items), None)
            if parent:
                self.children[parent].add(code)
        self.areas = {a["area_id"]: a for a in ds.areas}
        self.members: dict[str, list[tuple[str, date, date | None]]] = defaultdict(list)
        for m in ds.memberships:
            self.members[m["group_id"]].append((m["member_id"], m["valid_from"], m["valid_to"]))
        self.types = {t["measure_type_id"]: t for t in ds.measure_types}
        self.certificates = {c["code"]: c["description"] for c in ds.certificates}
        self.regulations = {r["regulation_id"]: r for r in ds.regulations}
        self.order_numbers = {o["order_number"]: o for o in ds.order_numbers}
        self.origins: dict[str, list[dict]] = defaultdict(list)
        for o in ds.origins:
            self.origins[o["order_number"]].append(o)
        # Quota periods (their fixed part: the balances live in QUOTA2's table, see quota.py).
        self.quota_periods: dict[str, list[tuple[int, date, date, str]]] = defaultdict(list)
        for q in ds.definitions:
            self.quota_periods[q["order_number"]].append((q["sid"], q["valid_from"], q["valid_to"], q["unit"]))
        self.vat: dict[str, list[tuple[str, date, date | None, Decimal, str]]] = defaultdict(list)
        for r in ds.vat_rates:
            self.vat[r["member_state"]].append((r["goods_prefix"], r["valid_from"], r["valid_to"], Decimal(str(r["rate"])), r["category"]))
        self.measures_by_code: dict[str, list[Measure]] = defaultdict(list)
        for m in ds.measures:
            t = self.types.get(m["measure_type_id"], {})
            components = components_of(m)
            area = self.areas.get(m["area_id"], {})
            measure = Measure(
                m["sid"], m["measure_type_id"], t.get("description", ""), t.get("kind", ""), m["area_id"],
                m["goods_code"], m["additional_code"], m["order_number"], m["regulation_id"], m["valid_from"],
                m["valid_to"], frozenset(m["excluded_areas"] or ()), components,
                tuple(Condition(c["condition_code"], c["certificate"], c["action"]) for c in m["conditions"]),
                area.get("preference_category") or "3", duty_text(components) if components else "")
            self.measures_by_code[m["goods_code"]].append(measure)
        self._resolved: OrderedDict[tuple[str, date], tuple[Measure, ...]] = OrderedDict()
        self._goods_memo: dict[tuple[str, date], tuple[str, str] | None] = {}
        self._group_cache: dict[tuple[str, date], frozenset[str]] = {}
        self._lock = threading.Lock()

    # -- nomenclature --------------------------------------------------------------------------------------

    def known(self, code: str) -> bool:
        return code in self.items

    def item(self, code: str, day: date) -> GoodsItem | None:
        for it in self.items.get(code, ()):
            if _on(day, it.valid_from, it.valid_to):
                return it
        return None

    def children_of(self, code: str, day: date) -> list[GoodsItem]:
        found = (self.item(c, day) for c in self.children.get(code, ()))
        return sorted((g for g in found if g is not None), key=lambda g: g.code)

    def is_declarable(self, code: str, day: date) -> bool:
        """A line valid on ``day`` with suffix 80 and no child lines valid that day (an "end-line")."""
        it = self.item(code, day)
        return it is not None and it.suffix == "80" and not self.children_of(code, day)

    def goods_problem(self, code: str, day: date) -> tuple[str, str] | None:
        """Why ``code`` cannot be declared on ``day`` as (error code, reason), or None. Memoised."""
        key = (code, day)
        try:
            return self._goods_memo[key]
        except KeyError:
            pass
        from eucustoms.core.errors import ErrorCode

        problem = None
        if not self.known(code):
            problem = (ErrorCode.CODELIST_VIOLATION, f"goods code {code} does not exist in the nomenclature")
        elif self.item(code, day) is None:
            problem = (ErrorCode.CODELIST_VIOLATION, f"goods code {code} is not valid on {day}")
        elif not self.is_declarable(code, day):
            subs = ", ".join(c.code for c in self.children_of(code, day)[:8])
            problem = (ErrorCode.RULE_VIOLATION,
                       f"goods code {code} is not a declarable end-line on {day}: declare one of its subdivisions ({subs} …)")
        if len(self._goods_memo) > 100_000:
            self._goods_memo.clear()
        self._goods_memo[key] = problem
        return problem

    def ancestry(self, code: str, day: date) -> list[GoodsItem]:
        """The lines above ``code`` valid on ``day``, chapter first."""
        found = (self.item(a, day) for a in ancestors(code))
        return [g for g in reversed([g for g in found if g is not None])]

    # -- geography -----------------------------------------------------------------------------------------

    def group_members(self, group: str, day: date) -> frozenset[str]:
        key = (group, day)
        found = self._group_cache.get(key)
        if found is None:
            if len(self._group_cache) > 8192:
                self._group_cache.clear()
            found = self._group_cache[key] = frozenset(m for m, start, end in self.members.get(group, ()) if _on(day, start, end))
        return found

    def in_area(self, origin: str, area_id: str, day: date) -> bool:
        """Is the country ``origin`` covered by area ``area_id`` on ``day``? 1011 is every country, 1008 every
        country outside the Union (1013) that day."""
        if area_id == origin:
            return True
        if area_id == "1011":
            return True
        if area_id == "1008":
            return origin not in self.group_members("1013", day)
        return origin in self.group_members(area_id, day)

    # -- measures ------------------------------------------------------------------------------------------

    def measures_on(self, code: str, day: date) -> tuple[Measure, ...]:
        """The measures of ``code`` and of every line above it, valid on ``day`` (any origin). Cached."""
        key = (code, day)
        found = self._resolved.get(key)
        if found is not None:
            return found
        found = tuple(m for c in (code, *ancestors(code)) for m in self.measures_by_code.get(c, ()) if m.valid_on(day))
        with self._lock:
            self._resolved[key] = found
            if len(self._resolved) > 100_000:  # bounded: a long simulation walks through many days
                self._resolved.popitem(last=False)
        return found

    def applicable(self, code: str, day: date, origin: str) -> list[Measure]:
        """The measures for goods from ``origin``: area covering it, not excluded."""
        return [m for m in self.measures_on(code, day) if origin not in m.excluded and self.in_area(origin, m.area_id, day)]

    # -- quotas and VAT ------------------------------------------------------------------------------------

    def order_number_open(self, order_number: str, origin: str, day: date) -> bool:
        for o in self.origins.get(order_number, ()):
            if _on(day, o["valid_from"], o["valid_to"]) and origin not in (o["excluded"] or ()) \
                    and self.in_area(origin, o["area_id"], day):
                return True
        return False

    def quota_unit(self, order_number: str, day: date) -> str | None:
        """The measurement unit of the quota period of ``order_number`` open on ``day`` (None: no period open)."""
        for _sid, start, end, unit in self.quota_periods.get(order_number, ()):
            if start <= day <= end:
                return unit
        return None

    def vat_rate(self, member_state: str, code: str, day: date) -> tuple[Decimal, str] | None:
        """The VAT rate (percent) and category: the longest goods prefix that matches ``code`` wins."""
        best = None
        for prefix, start, end, rate, category in self.vat.get(member_state, ()):
            if code.startswith(prefix) and _on(day, start, end) and (best is None or len(prefix) > len(best[0])):
                best = (prefix, rate, category)
        return (best[1], best[2]) if best else None


# -------------------------------------------------------------------------------------------------- the cache

_cache: dict[str, Tariff] = {}
_cache_lock = threading.Lock()


def invalidate() -> None:
    """Forget the cached tariffs (after a load)."""
    with _cache_lock:
        _cache.clear()


def is_current(t: Tariff) -> bool:
    """Whether ``t`` is still a cached tariff (no load in this process replaced it since)."""
    return any(found is t for found in list(_cache.values()))


def tariff(db: Database) -> Tariff:
    """The tariff of ``db``'s loaded version: read once per process and version, then shared (it holds no
    database handle, so databases with the same version, e.g. test copies, share it safely)."""
    with db.read() as conn:
        version = conn.execute(select(store.release.c.sha256).where(store.release.c.dataset == "tariff")).scalar()
    if version is None:
        raise TariffNotLoaded("no tariff data loaded in this database: run `eucustoms init`")
    found = _cache.get(version)
    if found is None:
        with _cache_lock:
            found = _cache.get(version)
            if found is None:
                with db.read() as conn:
                    ds = from_db(conn)
                found = _cache[version] = Tariff(ds)
    return found


__all__ = ["GoodsItem", "Measure", "Tariff", "TariffNotLoaded", "invalidate", "is_current", "significant", "tariff"]
