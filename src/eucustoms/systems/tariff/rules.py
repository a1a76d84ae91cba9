"""TARIC business rules, one small class per rule named by its TARIC rule id; each returns every violation.

The rule ids and wordings follow the TARIC3 business rules as published with the TARIC specification and as
implemented by uktrade/tamato. Rules marked "ours" have no TARIC id. They run on a :class:`Dataset` (what is
about to be loaded, or what is stored), so loading and ``tariff check`` apply the very same checks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import ClassVar, Iterable

from .dataset import Dataset, ancestors

OPEN = date.max


@dataclass(frozen=True)
class Violation:
    """A broken rule: which rule, which record (``subject``) and why."""

    rule: str
    subject: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule} {self.subject}: {self.message}"


def _end(d: date | None) -> date:
    return d or OPEN


def _spans(outer_from: date, outer_to: date | None, inner_from: date, inner_to: date | None) -> bool:
    """Does [outer] contain [inner] (inclusive; None is open-ended)?"""
    return outer_from <= inner_from and _end(inner_to) <= _end(outer_to)


def _overlap(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    return a_from <= _end(b_to) and b_from <= _end(a_to)


def _covered(periods: list[tuple[date, date | None]], start: date, end: date | None) -> bool:
    """Is [start, end] covered by the union of ``periods`` (adjacent periods join)?"""
    cursor = start
    for p_from, p_to in sorted(periods):
        if p_from > cursor:
            break
        if _end(p_to) >= cursor:
            if _end(p_to) >= _end(end):
                return True
            cursor = p_to + timedelta(days=1)  # type: ignore[operator]
    return False


def _m(m: dict) -> str:
    return f"measure {m['sid']} ({m['measure_type_id']} {m['area_id']} {m['goods_code']})"


class Rule:
    """A TARIC business rule: ``id``, the rule's wording (the docstring) and :meth:`check`."""

    id: ClassVar[str]

    @property
    def description(self) -> str:
        return (self.__doc__ or "").strip()

    def check(self, ds: Dataset) -> list[Violation]:  # pragma: no cover - overridden
        raise NotImplementedError

    def v(self, subject: str, message: str | None = None) -> Violation:
        return Violation(self.id, subject, message or self.description)


# ------------------------------------------------------------------------------------------------- measures

class ME1(Rule):
    """The combination of measure type, geographical area, goods code, additional code, order number and start date must be unique."""

    id = "ME1"

    def check(self, ds: Dataset) -> list[Violation]:
        seen: dict[tuple, int] = {}
        out = []
        for m in ds.measures:
            key = (m["measure_type_id"], m["area_id"], m["goods_code"], m["additional_code"], m["order_number"], m["valid_from"])
            if key in seen:
                out.append(self.v(_m(m), f"same key as measure {seen[key]}"))
            seen.setdefault(key, m["sid"])
        return out


class ME2(Rule):
    """The measure type must exist."""

    id = "ME2"

    def check(self, ds: Dataset) -> list[Violation]:
        types = {t["measure_type_id"] for t in ds.measure_types}
        return [self.v(_m(m), f"measure type {m['measure_type_id']} does not exist") for m in ds.measures
                if m["measure_type_id"] not in types]


class ME3(Rule):
    """The validity period of the measure type must span the validity period of the measure."""

    id = "ME3"

    def check(self, ds: Dataset) -> list[Violation]:
        types = {t["measure_type_id"]: t for t in ds.measure_types}
        return [self.v(_m(m)) for m in ds.measures if (t := types.get(m["measure_type_id"]))
                and not _spans(t["valid_from"], t["valid_to"], m["valid_from"], m["valid_to"])]


class ME4(Rule):
    """The geographical area must exist (and so must every excluded area)."""

    id = "ME4"

    def check(self, ds: Dataset) -> list[Violation]:
        areas = {a["area_id"] for a in ds.areas}
        out = []
        for m in ds.measures:
            for area in [m["area_id"], *m["excluded_areas"]]:
                if area not in areas:
                    out.append(self.v(_m(m), f"geographical area {area} does not exist"))
        return out


class ME5(Rule):
    """The validity period of the geographical area must span the validity period of the measure."""

    id = "ME5"

    def check(self, ds: Dataset) -> list[Violation]:
        areas = {a["area_id"]: a for a in ds.areas}
        return [self.v(_m(m)) for m in ds.measures if (a := areas.get(m["area_id"]))
                and not _spans(a["valid_from"], a["valid_to"], m["valid_from"], m["valid_to"])]


class ME7(Rule):
    """The goods nomenclature code must be a product code ("real" line, suffix 80) that exists."""

    id = "ME7"

    def check(self, ds: Dataset) -> list[Violation]:
        real = {g["code"] for g in ds.goods if g["suffix"] == "80"}
        return [self.v(_m(m), f"goods code {m['goods_code']} is not a line of the nomenclature with suffix 80")
                for m in ds.measures if m["goods_code"] not in real]


class ME8(Rule):
    """The validity period of the goods code must span the validity period of the measure."""

    id = "ME8"

    def check(self, ds: Dataset) -> list[Violation]:
        periods: dict[str, list] = defaultdict(list)
        for g in ds.goods:
            periods[g["code"]].append((g["valid_from"], g["valid_to"]))
        return [self.v(_m(m)) for m in ds.measures if m["goods_code"] in periods
                and not _covered(periods[m["goods_code"]], m["valid_from"], m["valid_to"])]


class ME10(Rule):
    """The order number must be given if the measure type's order number flag is "mandatory", and must not be given if it is "not permitted"."""

    id = "ME10"

    def check(self, ds: Dataset) -> list[Violation]:
        capture = {t["measure_type_id"]: t["order_number_capture"] for t in ds.measure_types}
        out = []
        for m in ds.measures:
            flag = capture.get(m["measure_type_id"])
            if flag == 1 and not m["order_number"]:
                out.append(self.v(_m(m), "this measure type needs a quota order number"))
            elif flag == 2 and m["order_number"]:
                out.append(self.v(_m(m), "this measure type does not permit a quota order number"))
        return out


class ME12(Rule):
    """If the additional code is specified then the additional code type must be applicable to the measure type."""

    id = "ME12"

    def check(self, ds: Dataset) -> list[Violation]:
        codes = {a["code"]: a for a in ds.additional_codes}
        out = []
        for m in ds.measures:
            code = m["additional_code"]
            if code is None:
                continue
            found = codes.get(code)
            if found is None:
                out.append(self.v(_m(m), f"additional code {code} does not exist"))
            elif m["measure_type_id"] not in found["measure_types"]:
                out.append(self.v(_m(m), f"additional code {code} is not applicable to measure type {m['measure_type_id']}"))
        return out


class ME24(Rule):
    """The role + regulation id must exist (the measure-generating regulation)."""

    id = "ME24"

    def check(self, ds: Dataset) -> list[Violation]:
        regs = {r["regulation_id"] for r in ds.regulations}
        return [self.v(_m(m), f"regulation {m['regulation_id']} does not exist") for m in ds.measures
                if m["regulation_id"] not in regs]


class ME25(Rule):
    """If the measure's end date is specified, it must be greater than or equal to the measure's start date."""

    id = "ME25"

    def check(self, ds: Dataset) -> list[Violation]:
        return [self.v(_m(m), f"ends {m['valid_to']} before it starts {m['valid_from']}") for m in ds.measures
                if m["valid_to"] is not None and m["valid_to"] < m["valid_from"]]


class ME32(Rule):
    """There may be no overlap in time with other measure occurrences with a goods code in the same nomenclature
    hierarchy which references the same measure type, geographical area, order number and additional code."""

    id = "ME32"

    def check(self, ds: Dataset) -> list[Violation]:
        groups: dict[tuple, list[dict]] = defaultdict(list)
        for m in ds.measures:
            groups[(m["measure_type_id"], m["area_id"], m["order_number"], m["additional_code"])].append(m)
        out = []
        for members in groups.values():
            by_code: dict[str, list[dict]] = defaultdict(list)
            for m in members:
                by_code[m["goods_code"]].append(m)
            for m in members:
                # Same code (later sids only, to report a pair once) and every ancestor code.
                same = [o for o in by_code[m["goods_code"]] if o["sid"] > m["sid"]]
                above = [o for a in ancestors(m["goods_code"]) for o in by_code.get(a, ())]
                for o in same + above:
                    if _overlap(m["valid_from"], m["valid_to"], o["valid_from"], o["valid_to"]):
                        out.append(self.v(_m(m), f"overlaps measure {o['sid']} on {o['goods_code']}"))
        return out


class ME40(Rule):
    """If the measure type's flag "measure component applicable" is "mandatory" the measure must have components;
    if it is "not permitted" it must have none."""

    id = "ME40"

    def check(self, ds: Dataset) -> list[Violation]:
        flags = {t["measure_type_id"]: t["component_applicable"] for t in ds.measure_types}
        out = []
        for m in ds.measures:
            flag = flags.get(m["measure_type_id"])
            if flag == 0 and not m["components"]:
                out.append(self.v(_m(m), "this measure type needs a duty (measure components)"))
            elif flag == 2 and m["components"]:
                out.append(self.v(_m(m), "this measure type does not permit measure components"))
        return out


class ME41(Rule):
    """The referenced duty expression must exist."""

    id = "ME41"

    def check(self, ds: Dataset) -> list[Violation]:
        from .duty import DUTY_EXPRESSIONS

        return [self.v(_m(m), f"duty expression {c['duty_expression']} does not exist") for m in ds.measures
                for c in m["components"] if c["duty_expression"] not in DUTY_EXPRESSIONS]


class ME43(Rule):
    """The same duty expression can only be used once with the same measure."""

    id = "ME43"

    def check(self, ds: Dataset) -> list[Violation]:
        out = []
        for m in ds.measures:
            used = [c["duty_expression"] for c in m["components"]]
            for e in sorted({e for e in used if used.count(e) > 1}):
                out.append(self.v(_m(m), f"duty expression {e} is used {used.count(e)} times"))
        return out


class ME56(Rule):
    """The referenced certificate of a measure condition must exist."""

    id = "ME56"

    def check(self, ds: Dataset) -> list[Violation]:
        certs = {c["code"] for c in ds.certificates}
        return [self.v(_m(m), f"certificate {c['certificate']} does not exist") for m in ds.measures
                for c in m["conditions"] if c["certificate"] and c["certificate"] not in certs]


# ------------------------------------------------------------------------------------------------- quota order numbers

class ON1(Rule):
    """Quota order number id + start date must be unique."""

    id = "ON1"

    def check(self, ds: Dataset) -> list[Violation]:
        seen, out = set(), []
        for o in ds.order_numbers:
            key = (o["order_number"], o["valid_from"])
            if key in seen:
                out.append(self.v(f"order number {o['order_number']}"))
            seen.add(key)
        return out


class ON2(Rule):
    """There may be no overlap in time of two quota order numbers with the same quota order number id."""

    id = "ON2"

    def check(self, ds: Dataset) -> list[Violation]:
        out = []
        rows = ds.order_numbers
        for i, a in enumerate(rows):
            for b in rows[i + 1:]:
                if a["order_number"] == b["order_number"] and _overlap(a["valid_from"], a["valid_to"], b["valid_from"], b["valid_to"]):
                    out.append(self.v(f"order number {a['order_number']}"))
        return out


class ON5(Rule):
    """There may be no overlap in time of two quota order number origins with the same order number and geographical area."""

    id = "ON5"

    def check(self, ds: Dataset) -> list[Violation]:
        out = []
        for i, a in enumerate(ds.origins):
            for b in ds.origins[i + 1:]:
                if (a["order_number"], a["area_id"]) == (b["order_number"], b["area_id"]) and _overlap(
                        a["valid_from"], a["valid_to"], b["valid_from"], b["valid_to"]):
                    out.append(self.v(f"origin {a['area_id']} of {a['order_number']}"))
        return out


class ON6(Rule):
    """The validity period of the geographical area must span the validity period of the quota order number origin."""

    id = "ON6"

    def check(self, ds: Dataset) -> list[Violation]:
        areas = {a["area_id"]: a for a in ds.areas}
        out = []
        for o in ds.origins:
            a = areas.get(o["area_id"])
            if a is None:
                out.append(self.v(f"origin {o['area_id']} of {o['order_number']}", f"geographical area {o['area_id']} does not exist"))
            elif not _spans(a["valid_from"], a["valid_to"], o["valid_from"], o["valid_to"]):
                out.append(self.v(f"origin {o['area_id']} of {o['order_number']}"))
        return out


class ON7(Rule):
    """The validity period of the quota order number must span the validity period of the quota order number origin."""

    id = "ON7"

    def check(self, ds: Dataset) -> list[Violation]:
        numbers = {o["order_number"]: o for o in ds.order_numbers}
        out = []
        for o in ds.origins:
            n = numbers.get(o["order_number"])
            if n is None or not _spans(n["valid_from"], n["valid_to"], o["valid_from"], o["valid_to"]):
                out.append(self.v(f"origin {o['area_id']} of {o['order_number']}"))
        return out


class ON8(Rule):
    """The validity period of the quota order number must span the validity period of the referencing quota definition."""

    id = "ON8"

    def check(self, ds: Dataset) -> list[Violation]:
        numbers = {o["order_number"]: o for o in ds.order_numbers}
        out = []
        for d in ds.definitions:
            n = numbers.get(d["order_number"])
            if n is None or not _spans(n["valid_from"], n["valid_to"], d["valid_from"], d["valid_to"]):
                out.append(self.v(f"quota definition {d['sid']} of {d['order_number']}"))
        return out


class ON9(Rule):
    """When a quota order number is used in a measure then the validity period of the quota order number must span the validity period of the measure."""

    id = "ON9"

    def check(self, ds: Dataset) -> list[Violation]:
        numbers = {o["order_number"]: o for o in ds.order_numbers}
        out = []
        for m in ds.measures:
            if not m["order_number"]:
                continue
            n = numbers.get(m["order_number"])
            if n is None:
                out.append(self.v(_m(m), f"quota order number {m['order_number']} does not exist"))
            elif not _spans(n["valid_from"], n["valid_to"], m["valid_from"], m["valid_to"]):
                out.append(self.v(_m(m)))
        return out


class ON10(Rule):
    """When a quota order number is used in a measure then the validity period of the quota order number origin
    (for the measure's geographical area) must span the validity period of the measure."""

    id = "ON10"

    def check(self, ds: Dataset) -> list[Violation]:
        origins: dict[tuple[str, str], list] = defaultdict(list)
        for o in ds.origins:
            origins[(o["order_number"], o["area_id"])].append((o["valid_from"], o["valid_to"]))
        return [self.v(_m(m)) for m in ds.measures if m["order_number"]
                and not _covered(origins.get((m["order_number"], m["area_id"]), []), m["valid_from"], m["valid_to"])]


class ON13(Rule):
    """An exclusion can only be entered if the order number origin is a geographical area group (area code 1)."""

    id = "ON13"

    def check(self, ds: Dataset) -> list[Violation]:
        codes = {a["area_id"]: a["area_code"] for a in ds.areas}
        return [self.v(f"origin {o['area_id']} of {o['order_number']}") for o in ds.origins
                if o["excluded"] and codes.get(o["area_id"]) != "1"]


class ON14(Rule):
    """The excluded geographical area must be a member of the geographical area group."""

    id = "ON14"

    def check(self, ds: Dataset) -> list[Violation]:
        members = _members(ds)
        return [self.v(f"origin {o['area_id']} of {o['order_number']}", f"{x} is not a member of {o['area_id']}")
                for o in ds.origins for x in o["excluded"]
                if o["area_id"] in members and x not in members[o["area_id"]]]


def _members(ds: Dataset) -> dict[str, set[str]]:
    """Group → members (ever); the computed groups 1011 and 1008 contain every country."""
    countries = {a["area_id"] for a in ds.areas if a["area_code"] == "0"}
    result: dict[str, set[str]] = defaultdict(set)
    for m in ds.memberships:
        result[m["group_id"]].add(m["member_id"])
    result["1011"] = set(countries)
    result["1008"] = set(countries)
    return result


# ------------------------------------------------------------------------------------------------- quota definitions

class QD1(Rule):
    """Quota order number id + start date must be unique (for quota definitions)."""

    id = "QD1"

    def check(self, ds: Dataset) -> list[Violation]:
        seen, out = set(), []
        for d in ds.definitions:
            key = (d["order_number"], d["valid_from"])
            if key in seen:
                out.append(self.v(f"quota definition {d['sid']} of {d['order_number']}"))
            seen.add(key)
        return out


class QD2(Rule):
    """The start date of a quota definition must be less than or equal to its end date."""

    id = "QD2"

    def check(self, ds: Dataset) -> list[Violation]:
        return [self.v(f"quota definition {d['sid']} of {d['order_number']}") for d in ds.definitions
                if d["valid_to"] < d["valid_from"]]


class QD3(Rule):
    """The volume of a quota definition must be positive and its critical threshold a percentage (ours, after QD3-6)."""

    id = "QD3"

    def check(self, ds: Dataset) -> list[Violation]:
        return [self.v(f"quota definition {d['sid']} of {d['order_number']}") for d in ds.definitions
                if Decimal(str(d["initial_volume"])) <= 0 or not 0 <= int(d["critical_threshold"]) <= 100]


class QD7(Rule):
    """There may be no overlap in time of two quota definitions with the same quota order number id."""

    id = "QD7"

    def check(self, ds: Dataset) -> list[Violation]:
        out = []
        for i, a in enumerate(ds.definitions):
            for b in ds.definitions[i + 1:]:
                if a["order_number"] == b["order_number"] and _overlap(a["valid_from"], a["valid_to"], b["valid_from"], b["valid_to"]):
                    out.append(self.v(f"quota definitions {a['sid']} and {b['sid']} of {a['order_number']}"))
        return out


# ------------------------------------------------------------------------------------------------- others

class NIG1(Rule):
    """The validity periods of goods nomenclature lines with the same code and suffix must not overlap."""

    id = "NIG1"

    def check(self, ds: Dataset) -> list[Violation]:
        by_key: dict[tuple, list[dict]] = defaultdict(list)
        for g in ds.goods:
            by_key[(g["code"], g["suffix"])].append(g)
        out = []
        for (code, _), items in by_key.items():
            items = sorted(items, key=lambda g: g["valid_from"])
            for a, b in zip(items, items[1:]):
                if _overlap(a["valid_from"], a["valid_to"], b["valid_from"], b["valid_to"]):
                    out.append(self.v(f"goods code {code}"))
        return out


class GA3(Rule):
    """A member of a geographical area group must itself exist as a geographical area (country or region)."""

    id = "GA3"

    def check(self, ds: Dataset) -> list[Violation]:
        areas = {a["area_id"]: a["area_code"] for a in ds.areas}
        out = []
        for m in ds.memberships:
            if areas.get(m["group_id"]) != "1":
                out.append(self.v(f"group {m['group_id']}", f"{m['group_id']} is not a geographical area group"))
            if m["member_id"] not in areas:
                out.append(self.v(f"group {m['group_id']}", f"member {m['member_id']} does not exist"))
        return out


class VAT1(Rule):
    """VAT rates (ours): a percentage between 0 and 100, for a member state, without overlapping periods for the
    same member state and goods prefix."""

    id = "VAT1"

    def check(self, ds: Dataset) -> list[Violation]:
        out = []
        groups: dict[tuple, list[dict]] = defaultdict(list)
        eu = {m["member_id"] for m in ds.memberships if m["group_id"] == "1013"}
        for r in ds.vat_rates:
            groups[(r["member_state"], r["goods_prefix"])].append(r)
            if not Decimal(0) <= r["rate"] <= Decimal(100):
                out.append(self.v(f"VAT {r['member_state']} {r['goods_prefix'] or '*'}", f"rate {r['rate']} is not a percentage"))
            if eu and r["member_state"] not in eu:
                out.append(self.v(f"VAT {r['member_state']}", f"{r['member_state']} is not a member state"))
        for (ms, prefix), rows in groups.items():
            for i, a in enumerate(rows):
                for b in rows[i + 1:]:
                    if _overlap(a["valid_from"], a["valid_to"], b["valid_from"], b["valid_to"]):
                        out.append(self.v(f"VAT {ms} {prefix or '*'}", "overlapping periods"))
        return out


RULES: tuple[Rule, ...] = (
    ME1(), ME2(), ME3(), ME4(), ME5(), ME7(), ME8(), ME10(), ME12(), ME24(), ME25(), ME32(), ME40(), ME41(), ME43(),
    ME56(), ON1(), ON2(), ON5(), ON6(), ON7(), ON8(), ON9(), ON10(), ON13(), ON14(), QD1(), QD2(), QD3(), QD7(),
    NIG1(), GA3(), VAT1(),
)


def check(ds: Dataset, rules: Iterable[Rule] = RULES) -> list[Violation]:
    """Every violation of every rule."""
    return [v for rule in rules for v in rule.check(ds)]
