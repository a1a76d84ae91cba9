"""``RefData``: an in-memory, per-process snapshot of the loaded reference data with "as of" queries."""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable, Mapping

from sqlalchemy import select

from eucustoms.core.clock import now
from eucustoms.core.errors import CustomsError
from eucustoms.platform.db import Database

from . import store
from .goods import GoodsIndex, normalise_code
from .model import CodeEntry, Country, Goods, Office, Place, Release, SpecialTerritory
from .periods import OPEN_END, Periods, index
from .rates import RateTable, customs_rate_day

GROUPS = ("EU", "CUSTOMS", "ICS2", "CTC", "EURO", "CANDIDATE", "POTENTIAL_CANDIDATE", "EFTA")


class RefDataNotLoaded(CustomsError):
    """The database has no reference data: run ``eucustoms init`` (or :func:`load_reference_data`)."""

    status = 503


class UnknownCodeList(KeyError):
    """A code list name (or CL number) that the loaded data does not have: a programming error."""


def _day(as_of: date | datetime | None) -> date:
    if as_of is None:
        return now().date()
    return as_of.date() if isinstance(as_of, datetime) else as_of


@contextmanager
def _bulk():
    """Building a section allocates ~10^5 long-lived objects; the cyclic GC would rescan them over and over
    (it doubled the build time), and none of them form cycles worth collecting."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# ---------------------------------------------------------------------------------------------- the snapshot

class _Snapshot:
    """The data of one set of releases, loaded section by section on first use and shared by every
    database holding the same releases (same sha256s), e.g. the many test databases of one session."""

    def __init__(self, releases: dict[str, Release]):
        self.releases = releases
        self.lock = threading.RLock()
        self.sections: dict[str, Any] = {}
        self.lists: dict[str, dict[str, Periods[tuple[str, dict | None]]]] = {}
        self.memo: dict[tuple, Any] = {}

    def section(self, name: str, db: Database, build: Callable[[Any], Any]) -> Any:
        value = self.sections.get(name)
        if value is None:
            with self.lock:
                value = self.sections.get(name)
                if value is None:
                    with db.read() as conn, _bulk():
                        value = self.sections[name] = build(conn)
        return value

    def remember(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """Memoises small as-of results (group members, code list views); bounded so that a simulation
        walking through thousands of days does not grow it without limit."""
        try:
            return self.memo[key]
        except KeyError:
            if len(self.memo) > 4096:
                self.memo.clear()
            value = self.memo[key] = compute()
            return value


_cache: OrderedDict[frozenset, _Snapshot] = OrderedDict()
_cache_lock = threading.Lock()
_MAX_SNAPSHOTS = 4


def invalidate() -> None:
    """Forget every cached snapshot (the next :meth:`RefData.from_db` reads the database again)."""
    with _cache_lock:
        _cache.clear()


def _releases(db: Database) -> dict[str, Release]:
    with db.read() as conn:
        rows = conn.execute(select(store.release)).all()
    return {r.dataset: Release(r.dataset, r.version, r.sha256, r.rows, r.loaded_at) for r in rows}


# ---------------------------------------------------------------------------------------------- queries

class RefData:
    """Reference data queries. Every ``as_of`` defaults to today (``eucustoms.core.clock``)."""

    def __init__(self, db: Database, snapshot: _Snapshot):
        self._db = db
        self._s = snapshot

    @classmethod
    def from_db(cls, db: Database, *, refresh: bool = False) -> "RefData":
        """The snapshot for ``db``'s loaded releases, shared with every database holding the same ones."""
        releases = _releases(db)
        if not releases:
            raise RefDataNotLoaded("no reference data loaded in this database: run `eucustoms init`")
        key = frozenset((r.dataset, r.sha256) for r in releases.values())
        with _cache_lock:
            snapshot = None if refresh else _cache.get(key)
            if snapshot is None:
                snapshot = _cache[key] = _Snapshot(releases)
                while len(_cache) > _MAX_SNAPSHOTS:
                    _cache.popitem(last=False)
            _cache.move_to_end(key)
        return cls(db, snapshot)

    @property
    def releases(self) -> dict[str, Release]:
        return dict(self._s.releases)

    # -- code lists ---------------------------------------------------------------------------------

    def _list_index(self) -> dict[str, str]:
        """Every list name, plus CL numbers ("CL218") mapped to their list names."""
        def build(conn) -> dict[str, str]:
            names = {n: n for n in conn.execute(select(store.code.c.list_name).distinct()).scalars()}
            numbers = conn.execute(
                select(store.code.c.code, store.code.c.description).where(store.code.c.list_name == "CodeListIndex")
            ).all()
            names.update({cl: name for name, cl in numbers if cl})
            return names
        return self._s.section("list_index", self._db, build)

    def list_name(self, name_or_cl: str) -> str:
        """The list name for a name or a CL number ("CL218" → "TransportModeCode")."""
        found = self._list_index().get(name_or_cl) or self._list_index().get(name_or_cl.upper())
        if found is None:
            raise UnknownCodeList(name_or_cl)
        return found

    def _entries(self, list_name: str) -> dict[str, Periods[tuple[str, dict | None]]]:
        """Code → periods of ``(description, attributes)``; :class:`CodeEntry` objects are made on demand
        because building 10^5 of them up front for the big lists (UN/LOCODE, CUS) costs a second."""
        name = self.list_name(list_name)
        entries = self._s.lists.get(name)
        if entries is None:
            with self._s.lock:
                entries = self._s.lists.get(name)
                if entries is None:
                    c = store.code.c
                    with self._db.read() as conn, _bulk():
                        rows = conn.execute(
                            select(c.code, c.valid_from, c.valid_to, c.description, c.attributes)
                            .where(c.list_name == name)
                        ).all()
                        entries = self._s.lists[name] = index(
                            (r.code, r.valid_from, r.valid_to, (r.description, r.attributes)) for r in rows)
        return entries

    def code(self, list_name: str, code: str, as_of: date | None = None) -> CodeEntry | None:
        periods = self._entries(list_name).get(code)
        span = periods.span_at(_day(as_of)) if periods else None
        if span is None:
            return None
        start, end, (description, attributes) = span
        return CodeEntry(self.list_name(list_name), code, description, start, None if end == OPEN_END else end,
                         attributes or {})

    def code_valid(self, list_name: str, code: str, as_of: date | None = None) -> bool:
        periods = self._entries(list_name).get(code)
        return periods is not None and periods.at(_day(as_of)) is not None

    def codelist(self, list_name: str, as_of: date | None = None) -> dict[str, str]:
        """``{code: description}`` of the entries valid on ``as_of``."""
        day = _day(as_of)
        name = self.list_name(list_name)

        def compute() -> Mapping[str, str]:
            result = {}
            for code, periods in self._entries(name).items():
                entry = periods.at(day)
                if entry is not None:
                    result[code] = entry[0]
            return result
        return dict(self._s.remember(("codelist", name, day), compute))

    def codelists(self) -> dict[str, str | None]:
        """Every loaded list name with its CL number (None where it has none)."""
        names = {n for n, target in self._list_index().items() if n == target}
        cl = {name: cl for cl, name in self._list_index().items() if cl != name}
        return {n: cl.get(n) for n in sorted(names)}

    # -- countries ----------------------------------------------------------------------------------

    def country(self, code: str, as_of: date | None = None) -> Country | None:
        day = _day(as_of)
        entry = self.code("Country", code, day)
        if entry is None:
            return None
        return Country(code, entry.description, entry.attributes.get("kind", "iso"),
                       frozenset(g for g in GROUPS if self.in_group(code, g, day)), self.currency_of(code, day))

    def in_group(self, code: str, group: str, as_of: date | None = None) -> bool:
        return self.code_valid(f"group:{group}", code, as_of)

    def group_members(self, group: str, as_of: date | None = None) -> frozenset[str]:
        day = _day(as_of)
        return self._s.remember(("group", group, day),
                                lambda: frozenset(self.codelist(f"group:{group}", day)))

    def groups(self) -> dict[str, str]:
        """Group code → name (EU, CUSTOMS, ICS2, CTC, EURO, CANDIDATE, POTENTIAL_CANDIDATE, EFTA)."""
        return self.codelist("CountryGroup", date.max)

    def member_states(self, as_of: date | None = None) -> frozenset[str]:
        return self.group_members("EU", as_of)

    def is_member_state(self, code: str, as_of: date | None = None) -> bool:
        return self.in_group(code, "EU", as_of)

    def ics2_area(self, as_of: date | None = None) -> frozenset[str]:
        return self.group_members("ICS2", as_of)

    def euro_area(self, as_of: date | None = None) -> frozenset[str]:
        return self.group_members("EURO", as_of)

    def common_transit_countries(self, as_of: date | None = None) -> frozenset[str]:
        return self.group_members("CTC", as_of)

    def enlargement_countries(self, as_of: date | None = None) -> frozenset[str]:
        """Candidate and potential candidate countries."""
        return self.group_members("CANDIDATE", as_of) | self.group_members("POTENTIAL_CANDIDATE", as_of)

    def in_customs_territory(self, code: str, as_of: date | None = None) -> bool:
        return self.in_group(code, "CUSTOMS", as_of)

    def is_third_country(self, code: str, as_of: date | None = None) -> bool:
        """A known country or territory outside the customs territory of the Union (statistical codes such
        as QU are neither)."""
        entry = self.code("Country", code, as_of)
        if entry is None or entry.attributes.get("kind") == "statistical":
            return False
        return not self.in_customs_territory(code, as_of)

    def currency_of(self, country: str, as_of: date | None = None) -> str | None:
        """The national currency of a European country on ``as_of`` (EUR for the euro area from adoption)."""
        periods = self._entries("CountryCurrency").get(country)
        entry = periods.at(_day(as_of)) if periods else None
        return entry[0] if entry else None

    def special_territory(self, code: str, as_of: date | None = None) -> SpecialTerritory | None:
        entry = self.code("SpecialTerritory", code, as_of)
        return _territory(entry) if entry else None

    def special_territories(self, as_of: date | None = None) -> list[SpecialTerritory]:
        day = _day(as_of)
        return [t for t in (self.special_territory(c, day) for c in sorted(self._entries("SpecialTerritory")))
                if t is not None]

    # -- offices ------------------------------------------------------------------------------------

    def _offices(self) -> dict[str, Periods[Office]]:
        def build(conn) -> dict[str, Periods[Office]]:
            rows = conn.execute(select(store.office).order_by(store.office.c.reference_number)).all()
            return index((r.reference_number, r.valid_from, r.valid_to, _office(r)) for r in rows)
        return self._s.section("offices", self._db, build)

    def office(self, reference: str, as_of: date | None = None) -> Office | None:
        periods = self._offices().get(reference)
        return periods.at(_day(as_of)) if periods else None

    def office_has_role(self, reference: str, role: str, as_of: date | None = None) -> bool:
        found = self.office(reference, as_of)
        return found is not None and role in found.roles

    def offices(self, country: str | None = None, role: str | None = None,
                as_of: date | None = None) -> list[Office]:
        day = _day(as_of)
        result = []
        for ref, periods in self._offices().items():
            if country and not ref.startswith(country):
                continue
            found = periods.at(day)
            if found is not None and (role is None or role in found.roles):
                result.append(found)
        return result

    def office_roles(self) -> dict[str, str]:
        """Role code → English name (DEP → "Office of departure (transit)" …)."""
        return self.codelist("OfficeRole", date.max)

    # -- goods --------------------------------------------------------------------------------------

    def _goods(self) -> GoodsIndex:
        return self._s.section("goods", self._db, GoodsIndex.build)

    def goods(self, code: str, as_of: date | None = None) -> Goods | None:
        """A chapter (2 digits), heading (4), HS6 subheading (6) or CN8 code (8) valid on ``as_of``."""
        return self._goods().find(normalise_code(code), _day(as_of))

    def is_valid_goods_code(self, code: str, as_of: date | None = None) -> bool:
        return self._goods().row(normalise_code(code), _day(as_of)) is not None

    def children(self, code: str, as_of: date | None = None) -> list[Goods]:
        """Headings of a chapter, HS6 subheadings of a heading, or CN8 codes of an HS6 subheading."""
        day = _day(as_of)
        goods = self._goods()
        found = [goods.find(child, day) for child in goods.children.get(normalise_code(code), ())]
        return sorted((g for g in found if g is not None), key=lambda g: g.code)

    def supplementary_unit(self, code: str, as_of: date | None = None) -> str | None:
        """The TARIC unit code of a CN8 code's supplementary unit (None when it has none)."""
        found = self.goods(code, as_of)
        return found.supplementary_unit if found else None

    def supplementary_units(self) -> dict[str, str]:
        """EU Vocabularies supplementary unit identifier → TARIC measurement unit (PST → NAR …)."""
        return {e: p.at(date.max)[1]["taric"] for e, p in self._entries("SupplementaryUnit").items()}

    # -- places -------------------------------------------------------------------------------------

    def _places(self) -> dict[str, Any]:
        """UN/LOCODE → database row; :class:`Place` objects are made on demand (see :meth:`_entries`)."""
        def build(conn) -> dict[str, Any]:
            return {r.unlocode: r for r in conn.execute(select(store.place).order_by(store.place.c.unlocode))}
        return self._s.section("places", self._db, build)

    def place(self, unlocode: str) -> Place | None:
        row = self._places().get(unlocode.replace(" ", "").upper())
        return _place(row) if row is not None else None

    def places(self, country: str, function: str | None = None) -> list[Place]:
        """The places of a country, optionally only those with a function ("port", "airport", …)."""
        found = (_place(r) for code, r in self._places().items() if code.startswith(country))
        return [p for p in found if function is None or function in p.functions]

    # -- exchange rates ------------------------------------------------------------------------------

    def _rates(self) -> RateTable:
        def build(conn) -> RateTable:
            rows = conn.execute(select(store.rate.c.currency, store.rate.c.day, store.rate.c.rate))
            return RateTable((cur, day, Decimal(str(value))) for cur, day, value in rows)
        return self._s.section("rates", self._db, build)

    def exchange_rate(self, currency: str, day: date | None = None) -> Decimal | None:
        """ECB units of ``currency`` per 1 EUR on ``day`` (or the previous publication day)."""
        return self._rates().rate(currency, _day(day))

    def customs_exchange_rate(self, currency: str, month: date | None = None) -> Decimal | None:
        """The customs rate for the month containing ``month`` (Art. 146 IA: ECB rate of the penultimate
        Wednesday of the previous month, or of the last publication day before it)."""
        return self._rates().customs_rate(currency, _day(month))

    def customs_rate_day(self, month: date | None = None) -> date:
        return customs_rate_day(_day(month))

    def rate_currencies(self) -> frozenset[str]:
        return self._rates().currencies

    def rates_until(self) -> date | None:
        """The last ECB publication day in the loaded data: later days fall back to it, so a caller that
        needs a current rate should compare against this."""
        days = self._rates().days
        return days[-1] if days else None


# ---------------------------------------------------------------------------------------------- row mapping

def _territory(entry: CodeEntry) -> SpecialTerritory:
    a = entry.attributes
    return SpecialTerritory(entry.code, entry.description, a["member_state"], a["declared_as"],
                            a["customs_territory"], a["vat_territory"], a.get("legal_basis", ""),
                            entry.valid_from, entry.valid_to)


def _office(r) -> Office:
    a = r.attributes or {}
    return Office(r.reference_number, r.country, r.name, tuple(filter(None, r.roles.split(";"))),
                  r.valid_from, r.valid_to, a.get("phone", ""), a.get("names", {}))


def _place(r) -> Place:
    a = r.attributes or {}
    return Place(r.unlocode, r.country, r.name, r.name_ascii, r.subdivision, r.status, r.function, r.iata,
                 r.latitude, r.longitude, tuple(a.get("alt_names", ())))
