"""Loading a transcribed dataset into the programme tables (idempotent: loading the same file twice leaves the same
rows), and reading a year's :class:`~.model.Dataset` back from them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, delete, insert, or_, select, update

from eucustoms.core.clock import now

from .dataset import budget_of, fact_of, indicator_of, relation_of, result_of
from .model import (
    BudgetLine,
    Claim,
    Dataset,
    Dimension,
    Fact,
    Indicator,
    Item,
    Relation,
    Result,
    Target,
    jsonable,
)
from .store import programme_availability as AV
from .store import programme_breakdown as B
from .store import programme_budget as BU
from .store import programme_dataset as DS
from .store import programme_expert_team as ET
from .store import programme_fact as F
from .store import programme_indicator as I
from .store import programme_it_project as P
from .store import programme_pics as PI
from .store import programme_relation as REL
from .store import programme_result as R
from .store import programme_system as S

#: The PICS statistics the RES 2.2 rows carry (indicator → measure).
PICS_MEASURES = {"RES 2.2 sub-indicator 2": "groups", "RES 2.2 sub-indicator 3": "active_users",
                 "RES 2.2 sub-indicator 4": "interactions"}
#: Availability figures per system (OP 1.3.1 networks, OP 1.3.3 systems).
AVAILABILITY = ("OP 1.3 sub-indicator 1", "OP 1.3 sub-indicator 3")


def load(conn: Connection, doc: dict[str, Any], digest: str, *, by: str) -> dict[str, int]:
    """Write every figure of ``doc`` (already validated); replaces what an earlier load of the same years wrote."""
    year = int(doc["year"])
    name = doc.get("dataset") or f"dataset{year}"
    moment = now()
    recorder = f"dataset:{name}"
    counts: dict[str, int] = {}

    inds = [indicator_of(d, pos) for pos, d in enumerate(doc.get("indicators") or [])]
    known = {r[0] for r in conn.execute(select(I.c.id))}
    for i in inds:  # updated in place: published results refer to them
        row = _indicator_row(i)
        if i.id in known:
            conn.execute(update(I).where(I.c.id == i.id).values(**{k: v for k, v in row.items() if k != "id"}))
        else:
            conn.execute(insert(I).values(**row))
    counts["indicators"] = len(inds)

    results: list[Result] = []
    for d, ind in zip(doc.get("indicators") or [], inds):
        for y, r in (d.get("results") or {}).items():
            results.append(result_of(ind.id, int(y), r, name))
    for res in results:
        conn.execute(delete(B).where(B.c.indicator_id == res.indicator_id, B.c.year == res.year))
        conn.execute(delete(R).where(R.c.indicator_id == res.indicator_id, R.c.year == res.year))
    if results:
        conn.execute(insert(R), [_result_row(r, recorder, moment) for r in results])
        items = [_item_row(r, it) for r in results for it in r.items]
        if items:
            conn.execute(insert(B), items)
        counts["results"] = len(results)
        counts["breakdown_items"] = len(items)

    facts = [fact_of(f, year) for f in doc.get("facts") or []]
    for f in facts:
        conn.execute(delete(F).where(F.c.year == f.year, F.c.key == f.key))
    if facts:
        conn.execute(insert(F), [{"year": f.year, "key": f.key, "label": f.label, "value": f.value, "printed": f.printed,
                                  "unit": f.unit, "qualifier": f.qualifier, "section": f.section, "source": f.source}
                                 for f in facts])
    counts["facts"] = len(facts)

    budget = [budget_of(b, year) for b in (doc.get("budget") or {}).get("lines") or []]
    conn.execute(delete(BU).where(BU.c.year == year))
    if budget:
        conn.execute(insert(BU), [{"year": b.year, "category": b.category, "label": b.label, "amount": b.amount,
                                   "printed": b.printed, "kind": b.kind, "note": b.note, "source": b.source, "position": pos}
                                  for pos, b in enumerate(budget)])
    counts["budget_lines"] = len(budget)

    relations = [relation_of(r) for r in doc.get("relations") or []]
    conn.execute(delete(REL).where(REL.c.year == year))
    if relations:
        conn.execute(insert(REL), [{"year": year, "id": r.id, "check": r.check, "spec": r.spec, "note": r.note} for r in relations])
    counts["relations"] = len(relations)

    registers = doc.get("registers") or {}
    conn.execute(delete(P).where(P.c.year == year))
    projects = [_project_row(year, reg, e, pos) for reg in ("it_projects", "ucc_projects")
                for pos, e in enumerate(registers.get(reg) or [])]
    if projects:
        conn.execute(insert(P), projects)
    counts["it_projects"] = len(projects)

    teams = registers.get("expert_teams") or []
    if teams:
        conn.execute(delete(ET).where(ET.c.code.in_([t["code"] for t in teams])))
        conn.execute(insert(ET), [_team_row(t) for t in teams])
    counts["expert_teams"] = len(teams)

    systems = registers.get("systems") or []
    if systems:
        earlier = {r.acronym: list(r.financed_in or []) for r in conn.execute(select(S.c.acronym, S.c.financed_in))}
        conn.execute(delete(S).where(S.c.acronym.in_([s["acronym"] for s in systems])))
        conn.execute(insert(S), [{
            "acronym": s["acronym"], "number": s.get("number"), "name": s["name"], "kind": s.get("kind", "central"),
            "ucc": bool(s.get("ucc")), "box": s.get("box"),
            "financed_in": sorted(set(earlier.get(s["acronym"], [])) | {year}),
            "source": {k: s[k] for k in ("line", "read") if s.get(k) is not None},
        } for s in systems])
    counts["systems"] = len(systems)

    # Registers that only the indicator rows carry: the availability per system, the PICS statistics.
    conn.execute(delete(AV).where(AV.c.year == year))
    availability = []
    for res in results:
        if res.year == year and res.indicator_id in AVAILABILITY:
            for it in res.items:
                availability.append({"year": year, "key": it.key, "system": it.system, "value": it.value,
                                     "printed": it.printed, "indicator_id": res.indicator_id,
                                     "source": {"line": it.line, "read": f"{res.indicator_id}, breakdown by {it.dimension}"}})
    if availability:
        conn.execute(insert(AV), availability)
    counts["availability"] = len(availability)

    conn.execute(delete(PI).where(PI.c.year == year, PI.c.recorded_by == recorder))
    pics = []
    for res in results:
        measure = PICS_MEASURES.get(res.indicator_id)
        if res.year != year or measure is None:
            continue
        if res.value is not None:
            pics.append({"year": year, "measure": measure, "dimension": "", "key": "", "value": int(res.value),
                         "recorded_by": recorder, "recorded_at": moment})
        for it in res.items:
            if it.value is not None:
                pics.append({"year": year, "measure": measure, "dimension": it.dimension, "key": it.key,
                             "value": int(it.value), "recorded_by": recorder, "recorded_at": moment})
    if pics:
        conn.execute(delete(PI).where(or_(*[and_(PI.c.year == p["year"], PI.c.measure == p["measure"],
                                                 PI.c.dimension == p["dimension"], PI.c.key == p["key"]) for p in pics])))
        conn.execute(insert(PI), pics)
    counts["pics"] = len(pics)

    conn.execute(delete(DS).where(DS.c.name == name))
    conn.execute(insert(DS).values(name=name, year=year, document=doc.get("document"), digest=digest,
                                   survey=doc.get("survey"),
                                   meta={k: doc.get(k) for k in ("published", "source_file")} | {"budget": {k: v for k, v in (doc.get("budget") or {}).items() if k != "lines"}},
                                   loaded_by=by, loaded_at=moment))
    return counts


def _indicator_row(i: Indicator) -> dict[str, Any]:
    return {"id": i.id, "label": i.label, "name": i.name, "level": i.level, "objective": i.objective,
            "disaggregation": i.disaggregation, "unit": i.unit, "direction": i.direction, "source": i.source,
            "live": i.live, "register": i.register, "survey": i.survey,
            "target": jsonable(i.target.as_dict()) if i.target else None,
            "milestones": {str(y): jsonable(m) for y, m in i.milestones.items()}, "notes": i.notes, "position": i.position}


def _result_row(r: Result, by: str, moment: Any) -> dict[str, Any]:
    return {"indicator_id": r.indicator_id, "year": r.year, "value": r.value, "printed": r.printed, "period": r.period,
            "narrative": r.narrative, "dimensions": [d.as_dict() for d in r.dimensions],
            "claims": [c.as_dict() for c in r.claims], "source": jsonable(r.source), "origin": r.origin,
            "recorded_by": by, "recorded_at": moment}


def _item_row(r: Result, it: Item) -> dict[str, Any]:
    return {"indicator_id": r.indicator_id, "year": r.year, "dimension": it.dimension, "key": it.key, "label": it.label,
            "value": it.value, "printed": it.printed, "unit": it.unit, "share": it.share, "share_printed": it.share_printed,
            "parent": it.parent, "system": it.system, "line": it.line, "position": it.position}


def _project_row(year: int, register: str, e: dict[str, Any], position: int = 0) -> dict[str, Any]:
    return {"year": year, "register": register, "name": e["name"], "phase": e.get("phase") or "",
            "status": e.get("status", "ongoing"), "rag": e.get("rag"), "component": e.get("component"),
            "planned_delivery": e.get("planned_delivery"), "revised_delivery": e.get("revised_delivery"),
            "cost_status": e.get("cost_status"), "released_as_required": e.get("released_as_required"),
            "delivered_on_time": e.get("delivered_on_time"),
            "details": {"position": position} | {k: e[k] for k in ("line", "read", "note", "printed_status") if e.get(k) is not None}}


def _team_row(t: dict[str, Any]) -> dict[str, Any]:
    return {"code": t["code"], "name": t["name"], "grant": t.get("grant", ""), "mff": t.get("mff"),
            "objective": t.get("objective"), "duration_months": t.get("duration_months"),
            "initial_duration_months": t.get("initial_duration_months"), "extensions": t.get("extensions") or [],
            "end_month": t.get("end"), "printed_duration": t.get("printed_duration"), "countries": t.get("countries") or [],
            "status": t.get("status", "active"), "outputs": t.get("outputs"), "developments": t.get("developments"),
            "source": {k: t[k] for k in ("line", "read", "printed_countries") if t.get(k) is not None}}


# -- reading back ------------------------------------------------------------------------------------------------

def indicators(conn: Connection) -> dict[str, Indicator]:
    out = {}
    for r in conn.execute(select(I).order_by(I.c.position, I.c.id)).mappings():
        out[r["id"]] = Indicator(
            id=r["id"], label=r["label"], name=r["name"], level=r["level"], unit=r["unit"],
            disaggregation=r["disaggregation"] or "", direction=r["direction"], source=r["source"],
            objective=r["objective"] or "", live=r["live"], register=r["register"], survey=r["survey"],
            target=Target.from_dict(r["target"]), milestones={int(y): m for y, m in (r["milestones"] or {}).items()},
            notes=r["notes"] or {}, position=r["position"])
    return out


def results(conn: Connection, year: int) -> dict[str, Result]:
    out: dict[str, Result] = {}
    for r in conn.execute(select(R).where(R.c.year == year)).mappings():
        out[r["indicator_id"]] = Result(
            indicator_id=r["indicator_id"], year=r["year"], value=r["value"], printed=r["printed"], period=r["period"],
            narrative=r["narrative"] or "",
            dimensions=[Dimension(d["dimension"], d["label"], d["aggregate"], d.get("total"), d.get("read"))
                        for d in r["dimensions"] or []],
            claims=[Claim.from_dict(c) for c in r["claims"] or []], source=r["source"] or {}, origin=r["origin"])
    for r in conn.execute(select(B).where(B.c.year == year).order_by(B.c.indicator_id, B.c.dimension, B.c.position)).mappings():
        res = out.get(r["indicator_id"])
        if res is not None:
            res.items.append(Item(dimension=r["dimension"], key=r["key"], label=r["label"], value=r["value"],
                                  printed=r["printed"], unit=r["unit"], share=r["share"], share_printed=r["share_printed"],
                                  parent=r["parent"], system=r["system"], line=r["line"], position=r["position"]))
    return out


def facts(conn: Connection, year: int) -> dict[str, Fact]:
    return {r["key"]: Fact(key=r["key"], year=r["year"], label=r["label"], value=r["value"], printed=r["printed"],
                           unit=r["unit"] or "", qualifier=r["qualifier"], section=r["section"] or "", source=r["source"] or {})
            for r in conn.execute(select(F).where(F.c.year == year)).mappings()}


def budget(conn: Connection, year: int) -> list[BudgetLine]:
    return [BudgetLine(year=r["year"], category=r["category"], label=r["label"], amount=r["amount"], printed=r["printed"],
                       kind=r["kind"], note=r["note"], source=r["source"] or {})
            for r in conn.execute(select(BU).where(BU.c.year == year).order_by(BU.c.position)).mappings()]


def registers(conn: Connection, year: int) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {"it_projects": [], "ucc_projects": []}
    for r in conn.execute(select(P).where(P.c.year == year)).mappings():
        entry = {k: v for k, v in dict(r).items() if k not in ("details", "year", "register") and v is not None}
        entry.update(r["details"] or {})
        if not entry.get("phase"):
            entry.pop("phase", None)
        out[r["register"]].append(entry)
    for entries in out.values():
        entries.sort(key=lambda e: e.get("position", 0))
    out["expert_teams"] = [{**{k: v for k, v in dict(r).items() if k not in ("source", "end_month")}, "end": r["end_month"],
                            **(r["source"] or {})} for r in conn.execute(select(ET).order_by(ET.c.code)).mappings()]
    out["expert_teams"].sort(key=lambda t: (t.get("line") or 10**9, t["code"]))  # the report's order
    systems = [dict(r) for r in conn.execute(select(S).order_by(S.c.number, S.c.acronym)).mappings()]
    financed = [s for s in systems if year in (s["financed_in"] or [])]
    if not financed and systems:  # a year without its own list: the latest list published
        latest = max(max(s["financed_in"] or [0]) for s in systems)
        financed = [s for s in systems if latest in (s["financed_in"] or [])]
    out["systems"] = [{**{k: v for k, v in s.items() if k != "source"}, **(s["source"] or {})} for s in financed]
    return out


def survey_meta(conn: Connection, year: int) -> dict[str, Any]:
    row = conn.execute(select(DS.c.survey).where(DS.c.year == year).order_by(DS.c.loaded_at.desc())).first()
    return dict(row[0]) if row and row[0] else {}


def relations(conn: Connection, year: int) -> list[Relation]:
    return [Relation(id=r["id"], check=r["check"], spec=r["spec"], note=r["note"])
            for r in conn.execute(select(REL).where(REL.c.year == year).order_by(REL.c.id)).mappings()]


def read_dataset(conn: Connection, year: int, *, with_records: bool = True) -> Dataset:
    """The year's dataset as stored: published figures, facts, budget, registers, relations, and the indicators
    computed from the activity data recorded for the year."""
    ds = Dataset(year=year, indicators=indicators(conn), results=results(conn, year), previous=results(conn, year - 1),
                 facts=facts(conn, year), previous_facts=facts(conn, year - 1), budget=budget(conn, year),
                 relations=relations(conn, year), registers=registers(conn, year), survey=survey_meta(conn, year))
    row = conn.execute(select(DS).where(DS.c.year == year).order_by(DS.c.loaded_at.desc())).mappings().first()
    if row:
        ds.meta = {"dataset": row["name"], "document": row["document"], "digest": row["digest"],
                   "loaded_at": row["loaded_at"], **(row["meta"] or {})}
    if with_records:
        from .derive import derive

        ds.derived = derive(conn, year, ds.indicators)
        if not ds.survey.get("respondents"):
            from .derive import respondents

            n = respondents(conn, year)
            if n:
                ds.survey = {"respondents": n, "read": f"administrations that answered the {year} survey in the box"}
    return ds

