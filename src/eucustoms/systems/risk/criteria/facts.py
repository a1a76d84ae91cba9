"""The neutral view of a filing that the common risk criteria read.

An ENS, an import or export declaration and a transit movement all become one :class:`Facts`: what kind of
filing it is, the mode of transport, the countries and places on the route, the parties by role, the goods
items and totals, the key dates and any free ``attributes`` a caller wants rules to see (for instance the
number of consignments the same consignee received that day). The rules never see a message type.

Values are normalised once, here, so that evaluating hundreds of rules is cheap: codes are upper-case text
without spaces (``"293949"``, ``"NLRTM"``), countries ISO alpha-2, masses and values exact ``Decimal``.
:func:`facts_from_dict` (also ``Facts.from_dict``) builds a ``Facts`` from plain dicts, JSON or YAML, and
rejects bad input listing every problem with a pointer (``/items/1/gross_mass_kg``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, Mapping, Sequence

from eucustoms.core.errors import ErrorCode, InvalidIdentifier, Issues
from eucustoms.core.ids.countries import is_customs_country
from eucustoms.core.ids.goods import CNCode, HSCode, TaricCode
from eucustoms.core.ids.parties import EORI
from eucustoms.core.ids.substances import CUSNumber

#: What was filed. The same rules serve entry summaries, customs declarations and transit movements.
KINDS: tuple[str, ...] = ("ens", "import", "export", "exs", "transit", "temporary_storage")

#: Mode of transport names, keyed by the UCC code (CS/RD2 ``TransportMode``) they may also be given as.
MODES: Mapping[str, str] = MappingProxyType(
    {
        "1": "sea",
        "2": "rail",
        "3": "road",
        "4": "air",
        "5": "post",
        "7": "fixed_installation",
        "8": "inland_waterway",
        "9": "own_propulsion",
    }
)
MODE_NAMES: frozenset[str] = frozenset(MODES.values())

#: Party roles a filing may name.
ROLES: tuple[str, ...] = (
    "consignor",
    "consignee",
    "declarant",
    "representative",
    "importer",
    "exporter",
    "seller",
    "buyer",
    "carrier",
    "notify_party",
    "holder",
)

_SPACES = re.compile(r"[\s.]")
_LOCODE = re.compile(r"[A-Z]{2}[A-Z0-9]{3}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_UN_NUMBER = re.compile(r"(?:UN)?([0-9]{4})")


def _freeze(value: Any) -> Any:
    """An attribute value in its comparable form: numbers as Decimal, sequences as tuples, dates as dates."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, dt.date, Decimal)):
        if isinstance(value, dt.datetime):
            return value.date()
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): _freeze(v) for k, v in value.items()})
    return str(value)


@dataclass(frozen=True, slots=True)
class Party:
    """A party in a role: its identifier (EORI or other TIN), name and country. ``eori`` is set only when
    ``id`` is a well-formed EORI number issued in the Union (a third-country TIN is not an EORI)."""

    role: str
    id: str | None = None
    name: str | None = None
    country: str | None = None
    eori: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        eori = None
        if self.id:
            try:
                eori = str(EORI(self.id))
            except InvalidIdentifier:
                eori = None
        object.__setattr__(self, "eori", eori)


@dataclass(frozen=True, slots=True)
class GoodsItem:
    """One goods item. ``number`` is the item number as filed (1-based).

    Derived when built: ``hs4`` and ``chapter`` (from ``hs6``) and ``value_per_kg``: the value in euro per kg
    of net mass, or of gross mass when no net mass is given (``None`` without a euro value or a mass).
    """

    number: int
    hs6: str | None = None
    cn8: str | None = None
    description: str | None = None
    gross_mass_kg: Decimal | None = None
    net_mass_kg: Decimal | None = None
    value: Decimal | None = None
    currency: str | None = None
    value_eur: Decimal | None = None
    origin: str | None = None
    un_dg: str | None = None
    cus: str | None = None
    attributes: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    hs4: str | None = field(init=False, default=None)
    chapter: str | None = field(init=False, default=None)
    value_per_kg: Decimal | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if self.hs6:
            object.__setattr__(self, "hs4", self.hs6[:4])
            object.__setattr__(self, "chapter", self.hs6[:2])
        mass = self.net_mass_kg if self.net_mass_kg else self.gross_mass_kg
        if self.value_eur is not None and mass:
            object.__setattr__(self, "value_per_kg", self.value_eur / mass)


@dataclass(frozen=True, slots=True)
class Countries:
    """Countries of the route. ``origin`` holds every origin declared (consignment and items); ``routing``
    the itinerary in order; ``involved`` every country named anywhere (derived)."""

    dispatch: str | None = None
    origin: tuple[str, ...] = ()
    routing: tuple[str, ...] = ()
    first_entry: str | None = None
    destination: str | None = None
    involved: tuple[str, ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        seen: dict[str, None] = {}
        for code in (self.dispatch, *self.origin, *self.routing, self.first_entry, self.destination):
            if code:
                seen.setdefault(code, None)
        object.__setattr__(self, "involved", tuple(seen))


@dataclass(frozen=True, slots=True)
class Places:
    """Places as UN/LOCODEs (``CNSHA``, ``NLRTM``)."""

    loading: str | None = None
    unloading: str | None = None


@dataclass(frozen=True, slots=True)
class Totals:
    """Consignment totals: gross mass (declared, else the sum over items when every item has one), value in
    euro (sum of the items' euro values, ``None`` when no item has one) and the number of goods items."""

    gross_mass_kg: Decimal | None = None
    value_eur: Decimal | None = None
    items: int = 0

    @classmethod
    def of(
        cls, items: Sequence[GoodsItem], gross_mass_kg: Decimal | None = None, value_eur: Decimal | None = None
    ) -> "Totals":
        if gross_mass_kg is None and items and all(i.gross_mass_kg is not None for i in items):
            gross_mass_kg = sum((i.gross_mass_kg for i in items), Decimal(0))  # type: ignore[misc]
        if value_eur is None:
            values = [i.value_eur for i in items if i.value_eur is not None]
            if values:
                value_eur = sum(values, Decimal(0))
        return cls(gross_mass_kg, value_eur, len(items))


@dataclass(frozen=True, slots=True)
class Dates:
    lodged: dt.date | None = None
    loading: dt.date | None = None
    arrival: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Facts:
    """A consignment as the risk rules see it, whatever message it came from."""

    kind: str
    mode: str | None = None
    countries: Countries = field(default_factory=Countries)
    places: Places = field(default_factory=Places)
    parties: Mapping[str, Party] = field(default_factory=lambda: MappingProxyType({}))
    items: tuple[GoodsItem, ...] = ()
    totals: Totals = field(default_factory=Totals)
    dates: Dates = field(default_factory=Dates)
    attributes: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    reference: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, eur_rates: Mapping[str, Any] | None = None) -> "Facts":
        """See :func:`facts_from_dict`."""
        return facts_from_dict(data, eur_rates=eur_rates)

    def item(self, number: int) -> GoodsItem:
        for item in self.items:
            if item.number == number:
                return item
        raise KeyError(number)


# --------------------------------------------------------------------------------------------------------------
# Building Facts from plain dicts
# --------------------------------------------------------------------------------------------------------------

_TOP_KEYS = frozenset(
    {"kind", "mode", "countries", "places", "parties", "items", "totals", "dates", "attributes", "reference"}
)
_COUNTRY_KEYS = frozenset({"dispatch", "origin", "routing", "first_entry", "destination"})
_PLACE_KEYS = frozenset({"loading", "unloading"})
_PARTY_KEYS = frozenset({"id", "name", "country"})
_ITEM_KEYS = frozenset(
    {
        "number",
        "hs6",
        "cn8",
        "code",
        "description",
        "gross_mass_kg",
        "net_mass_kg",
        "value",
        "currency",
        "value_eur",
        "origin",
        "un_dg",
        "cus",
        "attributes",
    }
)
_TOTAL_KEYS = frozenset({"gross_mass_kg", "value_eur"})
_DATE_KEYS = frozenset({"lodged", "loading", "arrival"})


class _Builder:
    def __init__(self) -> None:
        self.issues = Issues()

    def mapping(self, value: Any, pointer: str, allowed: frozenset[str]) -> Mapping[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.issues.add(ErrorCode.RULE_VIOLATION, pointer, f"must be an object, not {type(value).__name__}")
            return {}
        for key in value:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.issues.add(ErrorCode.NOT_ALLOWED, f"{pointer}/{key}", f"unknown field {key!r} (known: {known})")
        return value

    def text(self, value: Any, pointer: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            self.issues.add(ErrorCode.RULE_VIOLATION, pointer, f"must be text, not {type(value).__name__}")
            return None
        value = value.strip()
        return value or None

    def country(self, value: Any, pointer: str) -> str | None:
        text = self.text(value, pointer)
        if text is None:
            return None
        code = text.upper()
        if len(code) != 2 or not is_customs_country(code):
            self.issues.add(ErrorCode.CODELIST_VIOLATION, pointer, f"{text!r} is not an ISO 3166 alpha-2 country code")
            return None
        return code

    def countries(self, value: Any, pointer: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            code = self.country(value, pointer)
            return (code,) if code else ()
        if not isinstance(value, (list, tuple)):
            self.issues.add(ErrorCode.RULE_VIOLATION, pointer, "must be a country code or a list of them")
            return ()
        out = [self.country(v, f"{pointer}/{n}") for n, v in enumerate(value)]
        return tuple(c for c in out if c)

    def locode(self, value: Any, pointer: str) -> str | None:
        text = self.text(value, pointer)
        if text is None:
            return None
        code = _SPACES.sub("", text).upper()
        if not _LOCODE.fullmatch(code) or not is_customs_country(code[:2]):
            self.issues.add(ErrorCode.CODELIST_VIOLATION, pointer, f"{text!r} is not a UN/LOCODE (country + 3 characters)")
            return None
        return code

    def decimal(self, value: Any, pointer: str) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, bool):
            self.issues.add(ErrorCode.RULE_VIOLATION, pointer, "must be a number, not a bool")
            return None
        try:
            if isinstance(value, float):
                number = Decimal(str(value))
            elif isinstance(value, (int, Decimal)):
                number = Decimal(value)
            elif isinstance(value, str):
                number = Decimal(value.strip())
            else:
                raise InvalidOperation
        except InvalidOperation:
            self.issues.add(ErrorCode.RULE_VIOLATION, pointer, f"{value!r} is not a number")
            return None
        if not number.is_finite() or number < 0:
            self.issues.add(ErrorCode.RULE_VIOLATION, pointer, f"{value!r} must be a finite number >= 0")
            return None
        return number

    def date(self, value: Any, pointer: str) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()[:10])
            except ValueError:
                pass
        self.issues.add(ErrorCode.RULE_VIOLATION, pointer, f"{value!r} is not a date (YYYY-MM-DD)")
        return None

    def identifier(self, cls: type, value: Any, pointer: str) -> str | None:
        text = self.text(value, pointer)
        if text is None:
            return None
        try:
            return str(cls(text))
        except InvalidIdentifier as exc:
            self.issues.add(ErrorCode.RULE_VIOLATION, pointer, f"{cls.kind} {text!r}: {exc.reason}")
            return None

    def attributes(self, value: Any, pointer: str) -> Mapping[str, Any]:
        if value is None:
            return MappingProxyType({})
        if not isinstance(value, Mapping):
            self.issues.add(ErrorCode.RULE_VIOLATION, pointer, "must be an object")
            return MappingProxyType({})
        return MappingProxyType({str(k): _freeze(v) for k, v in value.items()})

    def item(self, raw: Any, index: int, eur_rates: Mapping[str, Decimal]) -> GoodsItem | None:
        p = f"/items/{index}"
        data = self.mapping(raw, p, _ITEM_KEYS)
        if not isinstance(raw, Mapping):
            return None
        number = data.get("number", index + 1)
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            self.issues.add(ErrorCode.RULE_VIOLATION, f"{p}/number", "must be a whole number >= 1")
            number = index + 1
        hs6 = self.identifier(HSCode, data.get("hs6"), f"{p}/hs6")
        cn8 = self.identifier(CNCode, data.get("cn8"), f"{p}/cn8")
        code = self.text(data.get("code"), f"{p}/code")
        if code is not None:
            digits = _SPACES.sub("", code)
            cls = {6: HSCode, 8: CNCode, 10: TaricCode}.get(len(digits))
            if cls is None:
                self.issues.add(ErrorCode.RULE_VIOLATION, f"{p}/code", f"{code!r} must have 6, 8 or 10 digits")
            else:
                full = self.identifier(cls, digits, f"{p}/code")
                if full:
                    hs6 = hs6 or full[:6]
                    if len(full) >= 8:
                        cn8 = cn8 or full[:8]
        if cn8 and hs6 and cn8[:6] != hs6:
            self.issues.add(ErrorCode.RULE_VIOLATION, f"{p}/hs6", f"HS code {hs6} does not head CN code {cn8}")
        if cn8 and not hs6:
            hs6 = cn8[:6]
        value = self.decimal(data.get("value"), f"{p}/value")
        currency = self.text(data.get("currency"), f"{p}/currency")
        if currency is not None:
            currency = currency.upper()
            if not _CURRENCY.fullmatch(currency):
                self.issues.add(ErrorCode.CODELIST_VIOLATION, f"{p}/currency", f"{currency!r} is not an ISO 4217 code")
                currency = None
        if value is not None and currency is None and "currency" not in data:
            self.issues.add(ErrorCode.MISSING, f"{p}/currency", "a value needs its currency")
        value_eur = self.decimal(data.get("value_eur"), f"{p}/value_eur")
        if value_eur is None and value is not None and currency is not None:
            if currency == "EUR":
                value_eur = value
            elif currency in eur_rates:
                value_eur = value * eur_rates[currency]
        un_dg = self.text(data.get("un_dg"), f"{p}/un_dg")
        if un_dg is not None:
            match = _UN_NUMBER.fullmatch(_SPACES.sub("", un_dg).upper())
            if match is None:
                self.issues.add(ErrorCode.RULE_VIOLATION, f"{p}/un_dg", f"{un_dg!r} is not a UN number (4 digits)")
                un_dg = None
            else:
                un_dg = match.group(1)
        return GoodsItem(
            number=number,
            hs6=hs6,
            cn8=cn8,
            description=self.text(data.get("description"), f"{p}/description"),
            gross_mass_kg=self.decimal(data.get("gross_mass_kg"), f"{p}/gross_mass_kg"),
            net_mass_kg=self.decimal(data.get("net_mass_kg"), f"{p}/net_mass_kg"),
            value=value,
            currency=currency,
            value_eur=value_eur,
            origin=self.country(data.get("origin"), f"{p}/origin"),
            un_dg=un_dg,
            cus=self.identifier(CUSNumber, data.get("cus"), f"{p}/cus"),
            attributes=self.attributes(data.get("attributes"), f"{p}/attributes"),
        )


def facts_from_dict(data: Mapping[str, Any], *, eur_rates: Mapping[str, Any] | None = None) -> Facts:
    """Build :class:`Facts` from plain data (as parsed from JSON or YAML).

    Layout (every key optional except ``kind``)::

        kind: import                      # ens | import | export | exs | transit | temporary_storage
        mode: air                         # or the UCC code "4"
        reference: 26DE...                # MRN/LRN, only carried along
        countries: {dispatch: CN, origin: CN | [CN, VN], routing: [CN, AE, NL], first_entry: NL, destination: DE}
        places: {loading: CNPVG, unloading: NLAMS}
        parties: {consignee: {id: DE123456789012345, name: ..., country: DE}, ...}
        items:
          - {number: 1, hs6 | cn8 | code (6/8/10 digits), description, gross_mass_kg, net_mass_kg,
             value, currency, value_eur, origin, un_dg, cus, attributes: {...}}
        totals: {gross_mass_kg, value_eur}  # default: computed from the items
        dates: {lodged, loading, arrival}
        attributes: {...}                 # free facts for rules: attributes.<name>

    Item values in another currency get a euro value from ``eur_rates`` (currency -> euro per unit) when given.
    An item without an origin takes the consignment's when exactly one is declared. Raises
    :class:`~eucustoms.core.errors.Rejected` listing every problem.
    """
    b = _Builder()
    top = b.mapping(data, "", _TOP_KEYS)
    rates: dict[str, Decimal] = {}
    for cur, rate in (eur_rates or {}).items():
        number = b.decimal(rate, f"(eur_rates)/{cur}")
        if number is not None:
            rates[str(cur).upper()] = number

    kind = b.text(top.get("kind"), "/kind")
    if kind is None:
        b.issues.add(ErrorCode.MISSING, "/kind", f"the kind of filing is required ({', '.join(KINDS)})")
    elif kind.lower() not in KINDS:
        b.issues.add(ErrorCode.CODELIST_VIOLATION, "/kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    raw_mode = top.get("mode")
    mode = None
    if raw_mode is not None:
        if isinstance(raw_mode, (str, int)) and not isinstance(raw_mode, bool):
            text = str(raw_mode).strip().lower()
            mode = MODES.get(text, text)
        if mode not in MODE_NAMES:
            b.issues.add(
                ErrorCode.CODELIST_VIOLATION,
                "/mode",
                f"{raw_mode!r} is not a mode of transport ({', '.join(sorted(MODE_NAMES))} or codes {', '.join(MODES)})",
            )
            mode = None

    c = b.mapping(top.get("countries"), "/countries", _COUNTRY_KEYS)
    consignment_origins = b.countries(c.get("origin"), "/countries/origin")
    routing = c.get("routing")
    if isinstance(routing, str):
        b.issues.add(ErrorCode.RULE_VIOLATION, "/countries/routing", "must be a list of country codes")
        routing = None

    raw_items = top.get("items") or []
    items: list[GoodsItem] = []
    if not isinstance(raw_items, (list, tuple)):
        b.issues.add(ErrorCode.RULE_VIOLATION, "/items", "must be a list of goods items")
    else:
        for n, raw in enumerate(raw_items):
            item = b.item(raw, n, rates)
            if item is not None:
                items.append(item)
    numbers = [i.number for i in items]
    if len(set(numbers)) != len(numbers):
        b.issues.add(ErrorCode.DUPLICATE, "/items", f"goods item numbers must be unique, got {numbers}")
    if len(consignment_origins) == 1:
        items = [i if i.origin else replace(i, origin=consignment_origins[0]) for i in items]
    origins = dict.fromkeys(consignment_origins)
    for item in items:
        if item.origin:
            origins.setdefault(item.origin, None)

    p = b.mapping(top.get("places"), "/places", _PLACE_KEYS)
    parties: dict[str, Party] = {}
    raw_parties = b.mapping(top.get("parties"), "/parties", frozenset(ROLES))
    for role, raw in raw_parties.items():
        if role not in ROLES:
            continue
        pd = b.mapping(raw, f"/parties/{role}", _PARTY_KEYS)
        party_id = b.text(pd.get("id"), f"/parties/{role}/id")
        parties[role] = Party(
            role=role,
            id=party_id.upper().replace(" ", "") if party_id else None,
            name=b.text(pd.get("name"), f"/parties/{role}/name"),
            country=b.country(pd.get("country"), f"/parties/{role}/country"),
        )
    t = b.mapping(top.get("totals"), "/totals", _TOTAL_KEYS)
    d = b.mapping(top.get("dates"), "/dates", _DATE_KEYS)
    facts = Facts(
        kind=kind.lower() if kind else "",
        mode=mode,
        countries=Countries(
            dispatch=b.country(c.get("dispatch"), "/countries/dispatch"),
            origin=tuple(origins),
            routing=b.countries(routing, "/countries/routing"),
            first_entry=b.country(c.get("first_entry"), "/countries/first_entry"),
            destination=b.country(c.get("destination"), "/countries/destination"),
        ),
        places=Places(
            loading=b.locode(p.get("loading"), "/places/loading"),
            unloading=b.locode(p.get("unloading"), "/places/unloading"),
        ),
        parties=MappingProxyType(parties),
        items=tuple(items),
        totals=Totals.of(
            items,
            gross_mass_kg=b.decimal(t.get("gross_mass_kg"), "/totals/gross_mass_kg"),
            value_eur=b.decimal(t.get("value_eur"), "/totals/value_eur"),
        ),
        dates=Dates(
            lodged=b.date(d.get("lodged"), "/dates/lodged"),
            loading=b.date(d.get("loading"), "/dates/loading"),
            arrival=b.date(d.get("arrival"), "/dates/arrival"),
        ),
        attributes=b.attributes(top.get("attributes"), "/attributes"),
        reference=b.text(top.get("reference"), "/reference"),
    )
    b.issues.raise_if_any("the facts were rejected")
    return facts

