"""The fields a rule condition may test, how to read each from :class:`Facts` and how to check rule values.

A field is named by a dotted path. Consignment-level fields (``mode``, ``countries.dispatch``,
``parties.consignee.eori``, ``totals.value_eur``, ``attributes.<name>``...) have one value per filing;
``goods.*`` fields have one value per goods item. ``countries.origin``, ``countries.routing`` and
``countries.involved`` hold several values (see the operators for what that means).

Every getter takes the evaluation context and the current goods item (``None`` outside an item context) so
that compiled conditions are plain closure calls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Mapping, Protocol

from eucustoms.core.ids.countries import is_customs_country
from eucustoms.core.ids.substances import CUSNumber
from eucustoms.core.errors import InvalidIdentifier
from eucustoms.systems.risk.criteria.facts import KINDS, MODE_NAMES, ROLES, Facts, GoodsItem


class PriceTable(Protocol):
    def per_kg(self, hs6: str) -> Decimal | None: ...


class EvalContext:
    """What one evaluation reads: the facts and the reference price table in force (if any)."""

    __slots__ = ("f", "prices", "_ratios")

    def __init__(self, facts: Facts, prices: PriceTable | None = None):
        self.f = facts
        self.prices = prices
        self._ratios: dict[int, Decimal | None] | None = None

    def reference_price(self, item: GoodsItem) -> Decimal | None:
        if self.prices is None or not item.hs6:
            return None
        return self.prices.per_kg(item.hs6)

    def price_ratio(self, item: GoodsItem) -> Decimal | None:
        """Declared value per kg / reference price per kg for the item's HS code."""
        ratios = self._ratios
        if ratios is None:
            ratios = self._ratios = {}
        elif item.number in ratios:
            return ratios[item.number]
        ratio = None
        per_kg = item.value_per_kg
        if per_kg is not None:
            reference = self.reference_price(item)
            if reference:
                ratio = per_kg / reference
        ratios[item.number] = ratio
        return ratio


Getter = Callable[[EvalContext, Any], Any]
#: Checks and normalises a rule value for a field: ``(text, as_prefix) -> normalised``; raises ValueError.
Normaliser = Callable[[str, bool], str]

TEXT = "text"  # free text: eq/in/in_prefix/regex/contains_any
CODE = "code"  # a code: eq/in/in_prefix/regex, values normalised and checked
COUNTRY = "country"
CHOICE = "choice"
NUMBER = "number"
DATE = "date"
ANY = "any"  # free attributes: type known only at run time


@dataclass(frozen=True)
class FieldSpec:
    path: str
    label: str
    kind: str
    item: bool
    get: Getter
    many: bool = False
    normalise: Normaliser | None = None
    choices: frozenset[str] | None = None
    #: dotted attribute read by ``get``: on the goods item for item fields, on the Facts otherwise (None when
    #: the value is computed); lets compiled conditions use a C-level ``attrgetter``.
    attr: str | None = None


_SEPARATORS = re.compile(r"[\s.]")


def _digits(length: int, what: str) -> Normaliser:
    def normalise(text: str, prefix: bool) -> str:
        code = _SEPARATORS.sub("", text)
        if not code.isdigit() or not code.isascii():
            raise ValueError(f"{what} {text!r} may hold only digits")
        if prefix and not 1 <= len(code) <= length:
            raise ValueError(f"{what} prefix {text!r} must have 1 to {length} digits")
        if not prefix and len(code) != length:
            raise ValueError(f"{what} {text!r} must have {length} digits")
        return code

    return normalise


def country_code(text: str, prefix: bool = False) -> str:
    """``text`` as an upper-case ISO alpha-2 code (or XI/XU); ValueError otherwise."""
    code = text.strip().upper()
    if len(code) != 2 or not is_customs_country(code):
        raise ValueError(f"{text!r} is not an ISO 3166 alpha-2 country code")
    return code


def _locode(text: str, prefix: bool) -> str:
    code = _SEPARATORS.sub("", text).upper()
    if not code.isalnum() or not code.isascii():
        raise ValueError(f"UN/LOCODE {text!r} may hold only letters and digits")
    if prefix and not 1 <= len(code) <= 5:
        raise ValueError(f"UN/LOCODE prefix {text!r} must have 1 to 5 characters")
    if not prefix and (len(code) != 5 or not is_customs_country(code[:2])):
        raise ValueError(f"{text!r} is not a UN/LOCODE (country + 3 characters)")
    return code


def _un_number(text: str, prefix: bool) -> str:
    code = _SEPARATORS.sub("", text).upper()
    if code.startswith("UN"):
        code = code[2:]
    return _digits(4, "UN number")(code, prefix)


def _cus(text: str, prefix: bool) -> str:
    if prefix:
        code = text.strip()
        if not re.fullmatch(r"[0-9]{1,7}(-[0-9]?)?", code):
            raise ValueError(f"CUS number prefix {text!r} must be digits (NNNNNNN-C)")
        return code
    try:
        return str(CUSNumber(text))
    except InvalidIdentifier as exc:
        raise ValueError(f"CUS number {text!r}: {exc.reason}") from None


def _currency(text: str, prefix: bool) -> str:
    code = text.strip().upper()
    if not re.fullmatch(r"[A-Z]{1,3}" if prefix else r"[A-Z]{3}", code):
        raise ValueError(f"{text!r} is not an ISO 4217 currency code")
    return code


def _party_id(text: str, prefix: bool) -> str:
    code = text.replace(" ", "").upper()
    if not code.isalnum() or not code.isascii():
        raise ValueError(f"identifier {text!r} may hold only letters and digits")
    return code


def _spec(path: str, label: str, kind: str, get: Getter, computed: bool = False, **kw: Any) -> FieldSpec:
    item = path.startswith("goods.")
    attr = None if computed else (path[len("goods.") :] if item else path)
    return FieldSpec(path=path, label=label, kind=kind, item=item, get=get, attr=attr, **kw)


_FIELDS: dict[str, FieldSpec] = {
    s.path: s
    for s in (
        _spec("kind", "kind of filing", CHOICE, lambda c, i: c.f.kind, choices=frozenset(KINDS)),
        _spec("mode", "mode of transport", CHOICE, lambda c, i: c.f.mode, choices=MODE_NAMES),
        _spec("countries.dispatch", "country of dispatch", COUNTRY, lambda c, i: c.f.countries.dispatch),
        _spec("countries.origin", "country of origin", COUNTRY, lambda c, i: c.f.countries.origin, many=True),
        _spec("countries.routing", "routing country", COUNTRY, lambda c, i: c.f.countries.routing, many=True),
        _spec("countries.first_entry", "country of first entry", COUNTRY, lambda c, i: c.f.countries.first_entry),
        _spec("countries.destination", "country of destination", COUNTRY, lambda c, i: c.f.countries.destination),
        _spec("countries.involved", "country on the route", COUNTRY, lambda c, i: c.f.countries.involved, many=True),
        _spec("places.loading", "place of loading", CODE, lambda c, i: c.f.places.loading, normalise=_locode),
        _spec("places.unloading", "place of unloading", CODE, lambda c, i: c.f.places.unloading, normalise=_locode),
        _spec("totals.gross_mass_kg", "total gross mass kg", NUMBER, lambda c, i: c.f.totals.gross_mass_kg),
        _spec("totals.value_eur", "total value EUR", NUMBER, lambda c, i: c.f.totals.value_eur),
        _spec("totals.items", "number of goods items", NUMBER, lambda c, i: c.f.totals.items),
        _spec("dates.lodged", "date lodged", DATE, lambda c, i: c.f.dates.lodged),
        _spec("dates.loading", "loading date", DATE, lambda c, i: c.f.dates.loading),
        _spec("dates.arrival", "arrival date", DATE, lambda c, i: c.f.dates.arrival),
        _spec("goods.number", "item number", NUMBER, lambda c, i: i.number),
        _spec("goods.hs6", "hs6", CODE, lambda c, i: i.hs6, normalise=_digits(6, "HS code")),
        _spec("goods.hs4", "hs4", CODE, lambda c, i: i.hs4, normalise=_digits(4, "HS heading")),
        _spec("goods.chapter", "chapter", CODE, lambda c, i: i.chapter, normalise=_digits(2, "HS chapter")),
        _spec("goods.cn8", "cn8", CODE, lambda c, i: i.cn8, normalise=_digits(8, "CN code")),
        _spec("goods.description", "description", TEXT, lambda c, i: i.description),
        _spec("goods.gross_mass_kg", "gross mass kg", NUMBER, lambda c, i: i.gross_mass_kg),
        _spec("goods.net_mass_kg", "net mass kg", NUMBER, lambda c, i: i.net_mass_kg),
        _spec("goods.value", "value", NUMBER, lambda c, i: i.value),
        _spec("goods.currency", "currency", CODE, lambda c, i: i.currency, normalise=_currency),
        _spec("goods.value_eur", "value EUR", NUMBER, lambda c, i: i.value_eur),
        _spec("goods.value_per_kg", "value per kg", NUMBER, lambda c, i: i.value_per_kg),
        _spec("goods.reference_price_per_kg", "reference price per kg", NUMBER, lambda c, i: c.reference_price(i), computed=True),
        _spec("goods.price_ratio", "declared/reference price ratio", NUMBER, lambda c, i: c.price_ratio(i), computed=True),
        _spec("goods.origin", "origin", COUNTRY, lambda c, i: i.origin),
        _spec("goods.un_dg", "UN number", CODE, lambda c, i: i.un_dg, normalise=_un_number),
        _spec("goods.cus", "CUS number", CODE, lambda c, i: i.cus, normalise=_cus),
    )
}

_PARTY_FIELDS: Mapping[str, tuple[str, str, Normaliser | None]] = {
    "id": ("id", CODE, _party_id),
    "eori": ("EORI", CODE, _party_id),
    "name": ("name", TEXT, None),
    "country": ("country", COUNTRY, None),
}

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _party_getter(role: str, attr: str) -> Getter:
    def get(c: EvalContext, i: Any) -> Any:
        party = c.f.parties.get(role)
        return None if party is None else getattr(party, attr)

    return get


def _attribute_getter(name: str, item: bool) -> Getter:
    if item:
        return lambda c, i: i.attributes.get(name)
    return lambda c, i: c.f.attributes.get(name)


_CACHE: dict[str, FieldSpec] = {}


def field_names() -> list[str]:
    """Every fixed field path plus the patterns of the open ones, for error messages and docs."""
    return sorted(_FIELDS) + [
        "parties.<role>.id|eori|name|country",
        "attributes.<name>",
        "goods.attributes.<name>",
    ]


def resolve(path: str) -> FieldSpec:
    """The field named ``path``; ValueError saying why when there is none."""
    spec = _FIELDS.get(path) or _CACHE.get(path)
    if spec is not None:
        return spec
    parts = path.split(".")
    if parts[0] == "parties":
        if len(parts) != 3 or parts[1] not in ROLES or parts[2] not in _PARTY_FIELDS:
            raise ValueError(
                f"unknown party field {path!r}: use parties.<role>.<id|eori|name|country> with role one of "
                + ", ".join(ROLES)
            )
        role, attr = parts[1], parts[2]
        label, kind, normalise = _PARTY_FIELDS[attr]
        spec = _spec(
            path, f"{role.replace('_', ' ')} {label}", kind, _party_getter(role, attr), computed=True, normalise=normalise
        )
    elif parts[0] == "attributes" or parts[:2] == ["goods", "attributes"]:
        item = parts[0] == "goods"
        name = ".".join(parts[2:] if item else parts[1:])
        if not _NAME.fullmatch(name):
            raise ValueError(f"attribute field {path!r} needs a name of letters, digits, '_' or '-'")
        spec = _spec(path, name.replace("_", " "), ANY, _attribute_getter(name, item), computed=True)
    else:
        import difflib

        close = difflib.get_close_matches(path, list(_FIELDS), n=1, cutoff=0.8)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"unknown field {path!r}{hint}")
    _CACHE[path] = spec
    return spec
