"""The tariff data as plain rows: built from the shipped YAML and the reference nomenclature, or read back from the
database, so that the business rules check exactly what is (or will be) stored."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

import yaml
from sqlalchemy import Connection, select

from eucustoms.refdata import store as refstore

from . import store
from .duty import Component, parse_duty

DATA = Path(__file__).parent / "data" / "tariff.yaml"
SUFFIX = "80"  # TARIC "producline suffix" of a real line; intermediate (grouping) lines would have 10, 20 …


@dataclass
class Dataset:
    """Every tariff table's rows as dicts (the column names of :mod:`store`), plus measures' parts."""

    goods: list[dict] = field(default_factory=list)
    areas: list[dict] = field(default_factory=list)
    memberships: list[dict] = field(default_factory=list)
    regulations: list[dict] = field(default_factory=list)
    measure_types: list[dict] = field(default_factory=list)
    additional_codes: list[dict] = field(default_factory=list)
    certificates: list[dict] = field(default_factory=list)
    order_numbers: list[dict] = field(default_factory=list)
    origins: list[dict] = field(default_factory=list)
    definitions: list[dict] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)  # with "components" and "conditions" lists of dicts
    vat_rates: list[dict] = field(default_factory=list)
    version: str = ""


def ten(code: str) -> str:
    """A 2/4/6/8-digit code as a 10-digit goods nomenclature item id (CN8 + "00" and so on)."""
    return code.ljust(10, "0")


def significant(code: str) -> int:
    """Digits that matter in a 10-digit code: 2 (chapter), 4 (heading), 6, 8 or 10."""
    n = len(code.rstrip("0"))
    return min(10, max(2, n + (n % 2)))


def ancestors(code: str) -> list[str]:
    """The codes above a 10-digit code in the hierarchy (nearest first): its 8-, 6-, 4- and 2-digit prefixes."""
    seen, result = {code}, []
    for n in (8, 6, 4, 2):
        candidate = code[:n].ljust(10, "0")
        if candidate not in seen:
            seen.add(candidate)
            result.append(candidate)
    return result


# -------------------------------------------------------------------------------------------- from YAML + refdata

_LEVEL_RANK = {("CN", "chapter"): 0, ("CN", "heading"): 1, ("CN", "subheading"): 2, ("CN", "cn8"): 3, ("HS", "hs6"): 4}


def _nomenclature(conn: Connection, subdivisions: list[dict], horizon: date) -> list[dict]:
    """Goods nomenclature items from the reference CN (and HS6 lines the CN data lacks), plus TARIC subdivisions.

    Two source lines can give the same 10-digit code (heading 8712 and subheading 8712 00): the CN line of the
    highest level wins, since TARIC has one line per code and suffix."""
    g = refstore.goods.c
    rows = conn.execute(select(g.nomenclature, g.code, g.level, g.valid_from, g.valid_to, g.description)
                        .where(g.level.in_(["chapter", "heading", "subheading", "cn8", "hs6"]))).all()
    best: dict[str, tuple[int, list]] = {}
    for r in rows:
        rank = _LEVEL_RANK.get((r.nomenclature, r.level))
        if rank is None or not r.code.isdigit():
            continue
        code = ten(r.code)
        found = best.get(code)
        if found is None or rank < found[0]:
            best[code] = (rank, [r])
        elif rank == found[0]:
            found[1].append(r)
    items = []
    for code, (_, lines) in best.items():
        for r in lines:
            items.append({"code": code, "suffix": SUFFIX, "valid_from": r.valid_from, "valid_to": r.valid_to,
                          "description": r.description, "origin": r.nomenclature})
    for s in subdivisions:
        items.append({"code": s["code"], "suffix": SUFFIX, "valid_from": s.get("from", horizon), "valid_to": s.get("to"),
                      "description": s["description"], "origin": "TARIC"})
    codes = {i["code"] for i in items}
    for item in items:
        # Indent as in TARIC: chapters and headings 0, each level below the heading one more.
        depth = sum(1 for a in ancestors(item["code"]) if a in codes and significant(a) > 4)
        item["indent"] = 0 if significant(item["code"]) <= 4 else depth + 1
    items.sort(key=lambda i: (i["code"], i["valid_from"]))
    for sid, item in enumerate(items, start=1):
        item["sid"] = sid
    return items


def _areas(conn: Connection, spec: list[dict]) -> tuple[list[dict], list[dict]]:
    """Countries from the reference data, the groups of the dataset, and group memberships with validity."""
    c = refstore.code.c
    countries = conn.execute(select(c.code, c.valid_from, c.valid_to, c.description)
                             .where(c.list_name == "Country")).all()
    areas: dict[str, dict] = {}
    for r in countries:
        if len(r.code) != 2:
            continue
        a = areas.get(r.code)
        if a is None or r.valid_from < a["valid_from"]:
            areas[r.code] = {"area_id": r.code, "area_code": "0", "description": r.description,
                             "valid_from": r.valid_from, "valid_to": r.valid_to, "preference_category": None}
    memberships = []
    for group in spec:
        areas[group["id"]] = {"area_id": group["id"], "area_code": "1", "description": group["description"],
                              "valid_from": group.get("from", date(1958, 1, 1)), "valid_to": group.get("to"),
                              "preference_category": group.get("preference_category")}
        members = group["members"]
        if members == "EU":
            eu = conn.execute(select(c.code, c.valid_from, c.valid_to).where(c.list_name == "group:EU")).all()
            memberships += [{"group_id": group["id"], "member_id": r.code, "valid_from": r.valid_from,
                             "valid_to": r.valid_to} for r in eu]
        elif isinstance(members, list):
            memberships += [{"group_id": group["id"], "member_id": m, "valid_from": group.get("from", date(2014, 1, 1)),
                             "valid_to": None} for m in members]
        # "all" (1011) and "third_countries" (1008) are computed when matching: every country, or every
        # country not in 1013 on the day (so GB's move out of the Union is right without copying periods).
    return list(areas.values()), memberships


def _seasonal(m: dict) -> Iterable[tuple[date, date | None]]:
    if "seasons" not in m:
        yield m.get("from"), m.get("to")
        return
    first, last = m["years"]
    for year in range(first, last + 1):
        for start, end in m["seasons"]:
            yield date.fromisoformat(f"{year}-{start}"), date.fromisoformat(f"{year}-{end}")


def component_rows(components: Iterable[Component]) -> list[dict]:
    return [{"sequence": i, "duty_expression": c.expression, "amount": c.amount, "currency": c.currency,
             "unit": c.unit, "qualifier": c.qualifier} for i, c in enumerate(components, start=1)]


def from_yaml(conn: Connection, path: Path = DATA) -> Dataset:
    """The shipped dataset, with the nomenclature of the reference data already loaded in ``conn``'s database."""
    raw = path.read_bytes()
    spec = yaml.safe_load(raw)
    horizon: date = spec["horizon"]
    ds = Dataset()
    ds.goods = _nomenclature(conn, spec["taric_subdivisions"], horizon)
    ds.areas, ds.memberships = _areas(conn, spec["geographical_groups"])
    ds.regulations = [{"regulation_id": r["id"], "role": 1, "valid_from": r["from"], "valid_to": r.get("to"),
                       "information": r["info"]} for r in spec["regulations"]]
    ds.measure_types = [{"measure_type_id": t["id"], "description": t["description"], "series": t["series"],
                         "kind": t["kind"], "order_number_capture": t["order_number"],
                         "component_applicable": t["components"], "valid_from": t.get("from", date(1958, 1, 1)),
                         "valid_to": t.get("to")} for t in spec["measure_types"]]
    ds.additional_codes = [{"code": a["code"], "description": a["description"], "measure_types": a["measure_types"],
                            "valid_from": a.get("from", date(1958, 1, 1)), "valid_to": a.get("to")}
                           for a in spec["additional_codes"]]
    ds.certificates = [{"code": c["code"], "description": c["description"],
                        "valid_from": c.get("from", date(1958, 1, 1)), "valid_to": c.get("to")} for c in spec["certificates"]]
    for q in spec["quota_order_numbers"]:
        ds.order_numbers.append({"order_number": q["order_number"], "valid_from": q["from"], "valid_to": q.get("to"),
                                 "description": q["description"]})
        ds.origins += [{"order_number": q["order_number"], "area_id": o["area"], "valid_from": o["from"],
                        "valid_to": o.get("to"), "excluded": o.get("excluded", [])} for o in q["origins"]]
        ds.definitions += [{"sid": d["sid"], "order_number": q["order_number"], "valid_from": d["from"],
                            "valid_to": d["to"], "initial_volume": Decimal(str(d["volume"])),
                            "balance": Decimal(str(d["volume"])), "unit": d["unit"],
                            "critical_threshold": d["critical_threshold"], "critical": "N", "exhausted": "N",
                            "description": d.get("description", q["description"])} for d in q["definitions"]]
    proofs = spec["origin_proofs"]
    categories = {a["area_id"]: a["preference_category"] for a in ds.areas}
    kinds = {t["measure_type_id"]: t["kind"] for t in ds.measure_types}
    sid = 1
    for m in spec["measures"]:
        components = component_rows(parse_duty(m["duty"])) if "duty" in m else []
        area = m.get("area", "1011")
        conditions = [{"sequence": i, "condition_code": c["code"], "certificate": c.get("certificate"),
                       "action": c["action"]} for i, c in enumerate(m.get("conditions", []), start=1)]
        if kinds.get(m["type"]) in ("preference", "preferential_quota"):
            # A preference needs a proof of origin; "PO" rows list the accepted documents (ours, see YAML).
            for code in proofs[categories.get(area) or "3"]:
                conditions.append({"sequence": len(conditions) + 1, "condition_code": "PO", "certificate": code,
                                   "action": "27"})
        for start, end in _seasonal(m):
            ds.measures.append({
                "sid": m.get("sid", sid), "measure_type_id": m["type"], "area_id": area, "goods_code": m["goods"],
                "additional_code": m.get("additional_code"), "order_number": m.get("order_number"),
                "regulation_id": m.get("regulation", "R8726580"), "valid_from": max(start or horizon, horizon),
                "valid_to": end, "excluded_areas": m.get("excluded", []), "footnote": m.get("footnote"),
                "components": [dict(c) for c in components], "conditions": conditions,
            })
            sid += 1
    for ms, periods in spec["vat"]["standard"].items():
        if not isinstance(periods, list):
            periods = [{"rate": periods, "from": horizon}]
        ds.vat_rates += [{"member_state": ms, "goods_prefix": "", "valid_from": p["from"], "valid_to": p.get("to"),
                          "rate": Decimal(str(p["rate"])), "category": "standard"} for p in periods]
    for r in spec["vat"]["reduced"]:
        ds.vat_rates += [{"member_state": r["member_state"], "goods_prefix": g, "valid_from": r.get("from", horizon),
                          "valid_to": r.get("to"), "rate": Decimal(str(r["rate"])), "category": "reduced"}
                         for g in r["goods"]]
    # The version changes when the YAML or any reference data release (nomenclature, countries) changes.
    release = conn.execute(select(refstore.release.c.sha256)).scalars().all()
    ds.version = hashlib.sha256(raw + "".join(sorted(release)).encode()).hexdigest()
    return ds


# -------------------------------------------------------------------------------------------- from the database

def _rows(conn: Connection, table, order) -> list[dict]:
    return [dict(r) for r in conn.execute(select(table).order_by(*order)).mappings()]


def from_db(conn: Connection) -> Dataset:
    """The loaded tariff data as a :class:`Dataset` (for ``tariff check`` and the in-memory tariff)."""
    ds = Dataset()
    s = store
    ds.goods = _rows(conn, s.goods_nomenclature, [s.goods_nomenclature.c.sid])
    ds.areas = _rows(conn, s.geographical_area, [s.geographical_area.c.area_id])
    ds.memberships = _rows(conn, s.geographical_membership, [s.geographical_membership.c.group_id])
    ds.regulations = _rows(conn, s.regulation, [s.regulation.c.regulation_id])
    ds.measure_types = _rows(conn, s.measure_type, [s.measure_type.c.measure_type_id])
    ds.additional_codes = _rows(conn, s.additional_code, [s.additional_code.c.code])
    ds.certificates = _rows(conn, s.certificate, [s.certificate.c.code])
    ds.order_numbers = _rows(conn, s.quota_order_number, [s.quota_order_number.c.order_number])
    ds.origins = _rows(conn, s.quota_order_origin, [s.quota_order_origin.c.order_number])
    ds.definitions = _rows(conn, s.quota_definition, [s.quota_definition.c.sid])
    ds.vat_rates = _rows(conn, s.vat_rate, [s.vat_rate.c.member_state])
    for r in ds.vat_rates:
        r["rate"] = Decimal(str(r["rate"]))
    comps: dict[int, list[dict]] = {}
    for r in _rows(conn, s.measure_component, [s.measure_component.c.measure_sid, s.measure_component.c.sequence]):
        r["amount"] = Decimal(str(r["amount"]))
        comps.setdefault(r.pop("measure_sid"), []).append(r)
    conds: dict[int, list[dict]] = {}
    for r in _rows(conn, s.measure_condition, [s.measure_condition.c.measure_sid, s.measure_condition.c.sequence]):
        conds.setdefault(r.pop("measure_sid"), []).append(r)
    for m in _rows(conn, s.measure, [s.measure.c.sid]):
        m["components"] = comps.get(m["sid"], [])
        m["conditions"] = conds.get(m["sid"], [])
        ds.measures.append(m)
    row = conn.execute(select(s.release.c.sha256).where(s.release.c.dataset == "tariff")).first()
    ds.version = row.sha256 if row else ""
    return ds


def components_of(measure: dict[str, Any]) -> tuple[Component, ...]:
    return tuple(Component(c["duty_expression"], Decimal(str(c["amount"])), c.get("currency"), c.get("unit"),
                           c.get("qualifier")) for c in measure["components"])
