"""The transcribed datasets (``data/apr2024.yaml``): read, validated (every problem listed with its pointer) and
turned into a :class:`~.model.Dataset` for a year without any database (the checks run on it directly)."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from eucustoms.core.errors import ErrorCode, Issue, Rejected

from .model import (
    AGGREGATES,
    LEVELS,
    RELATIONS,
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
    dec,
    indicator_id,
)

DEFAULT = "apr2024.yaml"
CHECK_IDS = ("BREAKDOWN_SUM", "BREAKDOWN_MEAN", "PERCENT_FROM_COUNTS", "SHARE_OF_RESPONDENTS", "NARRATIVE_VS_TARGET",
             "CROSS_REFERENCE", "COUNT_FROM_REGISTER", "BUDGET_TOTAL", "UNIQUE_LABEL", "EXPERT_TEAM_DATES",
             "RECORDS_VS_REPORTED")


def shipped(name: str = DEFAULT) -> Path:
    """A dataset shipped with the package."""
    return Path(str(resources.files("eucustoms.systems.programme") / "data" / name))


def read(path: str | Path | None = None) -> tuple[dict[str, Any], str]:
    """The document and the SHA-256 of its bytes; a rejection when it cannot be read or parsed."""
    p = Path(path) if path else shipped()
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise Rejected.one(ErrorCode.SYNTAX, str(p), f"cannot read the dataset: {exc}") from None
    try:
        doc = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise Rejected.one(ErrorCode.SYNTAX, str(p), f"not YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise Rejected.one(ErrorCode.SYNTAX, str(p), "the dataset is not a mapping")
    validate(doc)
    return doc, hashlib.sha256(raw).hexdigest()


def validate(doc: dict[str, Any]) -> None:
    """Every structural problem of a dataset, at once."""
    issues: list[Issue] = []

    def need(obj: dict[str, Any], key: str, pointer: str) -> None:
        if obj.get(key) in (None, ""):
            issues.append(Issue(ErrorCode.MISSING, f"{pointer}/{key}", f"{key} is required"))

    if not isinstance(doc.get("year"), int):
        issues.append(Issue(ErrorCode.MISSING, "/year", "the dataset's year is required"))
    seen: set[str] = set()
    for i, ind in enumerate(doc.get("indicators") or []):
        p = f"/indicators/{i}"
        for key in ("id", "label", "name", "level"):
            need(ind, key, p)
        if ind.get("level") not in LEVELS:
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"{p}/level", f"level is one of {', '.join(LEVELS)}"))
        ident = indicator_id(str(ind.get("id", "")))
        if ident in seen:
            issues.append(Issue(ErrorCode.DUPLICATE, f"{p}/id", f"indicator {ident} is listed twice"))
        seen.add(ident)
        for year, res in (ind.get("results") or {}).items():
            rp = f"{p}/results/{year}"
            if not isinstance(year, int):
                issues.append(Issue(ErrorCode.RULE_VIOLATION, rp, "results are keyed by year"))
            if "printed" not in res:
                issues.append(Issue(ErrorCode.MISSING, f"{rp}/printed", "printed is required (the figure as the report prints it)"))
            for j, b in enumerate(res.get("breakdowns") or []):
                if b.get("aggregate", "none") not in AGGREGATES:
                    issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"{rp}/breakdowns/{j}/aggregate",
                                        f"aggregate is one of {', '.join(AGGREGATES)}"))
                keys = [it.get("key") for it in b.get("items") or []]
                if len(keys) != len(set(keys)):
                    issues.append(Issue(ErrorCode.DUPLICATE, f"{rp}/breakdowns/{j}/items", "an item key is listed twice"))
            for j, c in enumerate(res.get("claims") or []):
                if c.get("relation") not in RELATIONS:
                    issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"{rp}/claims/{j}/relation",
                                        f"relation is one of {', '.join(RELATIONS)}"))
                need(c, "quote", f"{rp}/claims/{j}")
    for i, f in enumerate(doc.get("facts") or []):
        need(f, "key", f"/facts/{i}")
        if "printed" not in f:
            issues.append(Issue(ErrorCode.MISSING, f"/facts/{i}/printed", "printed is required"))
    for i, r in enumerate(doc.get("relations") or []):
        need(r, "id", f"/relations/{i}")
        if r.get("check") not in CHECK_IDS:
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"/relations/{i}/check", f"check is one of {', '.join(CHECK_IDS)}"))
    if issues:
        raise Rejected(issues, "the dataset was rejected")


# -- building the in-memory model from a document ----------------------------------------------------------------

def indicator_of(d: dict[str, Any], position: int) -> Indicator:
    return Indicator(
        id=indicator_id(d["id"]), label=d["label"], name=d["name"], level=d["level"], unit=d.get("unit", ""),
        disaggregation=d.get("disaggregation") or "", direction=d.get("direction", "increase"),
        source=d.get("source", "recorded"), objective=d.get("objective", ""), live=d.get("live"),
        register=d.get("register"), survey=d.get("survey"), target=Target.from_dict(d.get("target")),
        milestones={int(y): m for y, m in (d.get("milestones") or {}).items()},
        notes={k: d[k] for k in ("label_note", "milestones_note") if d.get(k)}, position=position,
    )


def result_of(ident: str, year: int, r: dict[str, Any], dataset: str | None = None) -> Result:
    dims: list[Dimension] = []
    items: list[Item] = []
    for b in r.get("breakdowns") or []:
        dims.append(Dimension(b["dimension"], b.get("label") or b["dimension"], b.get("aggregate", "none"),
                              b.get("total"), b.get("read")))
        for pos, it in enumerate(b.get("items") or []):
            items.append(Item(
                dimension=b["dimension"], key=str(it["key"]), label=it.get("label") or str(it["key"]),
                value=dec(it.get("value")), printed=str(it.get("printed", "")), unit=it.get("unit"),
                share=dec(it.get("share")), share_printed=it.get("share_printed"), parent=it.get("parent"),
                system=it.get("system"), line=it.get("line") or r.get("line"), position=pos))
    source = {k: r[k] for k in ("line", "read") if r.get(k) is not None}
    if dataset:
        source["dataset"] = dataset
    return Result(indicator_id=ident, year=year, value=dec(r.get("value")), printed=str(r.get("printed", "")),
                  period=str(r["period"]) if r.get("period") else None, narrative=r.get("narrative") or "",
                  dimensions=dims, items=items, claims=[Claim.from_dict(c) for c in r.get("claims") or []],
                  source=source)


def fact_of(d: dict[str, Any], default_year: int) -> Fact:
    return Fact(key=d["key"], year=int(d.get("year", default_year)), label=d.get("label", d["key"]),
                value=dec(d.get("value")), printed=str(d.get("printed", "")), unit=d.get("unit", ""),
                qualifier=d.get("qualifier", "exact"), section=d.get("section", ""),
                source={k: d[k] for k in ("line", "read") if d.get(k) is not None})


def budget_of(d: dict[str, Any], year: int) -> BudgetLine:
    return BudgetLine(year=year, category=d["category"], label=d.get("label", d["category"]), amount=dec(d["amount"]),
                      printed=str(d.get("printed", "")), kind=d.get("kind", "commitment"), note=d.get("note"),
                      source={k: d[k] for k in ("line", "read") if d.get(k) is not None})


def relation_of(d: dict[str, Any]) -> Relation:
    spec = {k: v for k, v in d.items() if k not in ("id", "check", "note")}
    return Relation(id=d["id"], check=d["check"], spec=spec, note=d.get("note"))


def from_document(doc: dict[str, Any], year: int | None = None) -> Dataset:
    """The dataset of ``year`` (default: the document's) straight from a document, without a database."""
    year = year or int(doc["year"])
    name = doc.get("dataset")
    ds = Dataset(year=year, meta={k: doc.get(k) for k in ("dataset", "document", "published", "source_file")})
    for pos, d in enumerate(doc.get("indicators") or []):
        ind = indicator_of(d, pos)
        ds.indicators[ind.id] = ind
        for y, r in (d.get("results") or {}).items():
            if int(y) == year:
                ds.results[ind.id] = result_of(ind.id, int(y), r, name)
            elif int(y) == year - 1:
                ds.previous[ind.id] = result_of(ind.id, int(y), r, name)
    for d in doc.get("facts") or []:
        f = fact_of(d, int(doc["year"]))
        if f.year == year:
            ds.facts[f.key] = f
        elif f.year == year - 1:
            ds.previous_facts[f.key] = f
    if int(doc["year"]) == year:
        ds.budget = [budget_of(b, year) for b in (doc.get("budget") or {}).get("lines") or []]
        ds.relations = [relation_of(r) for r in doc.get("relations") or []]
        ds.survey = dict(doc.get("survey") or {})
        regs = doc.get("registers") or {}
        ds.registers = {name_: list(regs.get(name_) or []) for name_ in ("it_projects", "ucc_projects", "expert_teams", "systems")}
    return ds
