"""``eucustoms risk evaluate --ground-truth``: how well the risk engine finds the fraud the simulator planted.

A simulated run (``eucustoms simulate``) keeps the truth about every consignment it sent (:mod:`eucustoms.sim.truth`):
clean, or carrying a planted pattern (undervaluation, misclassification, origin fraud, split consignments, drug
precursors, a smuggling network). Here the risk results of the run's consignments are read back the way the
member states see them — the ENS through the ICS2 consultation (IE3Q05 → IE3R08: the risk outcome of the member
state of first entry), with the central analysis' score and signals (this package's own assessments); the import
declarations through the import system's consultation (the risk analysis at lodgement) — and each consignment
gets a *priority*: what a targeting officer would sort the day's traffic by.

A member state cannot control everything: at an inspection rate *r* it controls the top *r* of its traffic by
priority. For each rate: precision (share of the controlled consignments that are planted cases) and recall
(share of the planted cases controlled), overall, per system and per pattern; and the engine's own selection
(what it asked to control). Unlike ``risk evaluate`` on control results, the truth here covers *every*
consignment, controlled or not: recall is measured against all the fraud, not only the fraud found.

Priority (ties broken by a hash of the MRN, i.e. at random but reproducibly):

* ENS: referral (DNL 5, RFS 4, RFI 3) + 2 if a control is recommended + 0.5 per rule hit or signal in the
  member state's reasons + 0.5 per EU-level signal of the central analysis + the analytics model's score (0–1)
  when a model is trained.
* Import declaration: 3 for a physical control suggested, 2 for a documentary one, + 0.5 per rule hit.

Each system controls the given share of its own traffic (entry controls and import controls are separate
capacities); the overall figures add the systems' selections up.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from eucustoms.core.errors import CustomsError, ErrorCode, Rejected
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.context import Context
from eucustoms.platform.db import Database

from .store import risk_assessment

RATES = (0.01, 0.02, 0.05, 0.10)
REFERRAL_WEIGHT = {"DNL": 5.0, "RFS": 4.0, "RFI": 3.0}
READER = Principal(role=Role.COMMISSION, name="risk evaluation (ground truth)")


def _tiebreak(reference: str) -> float:
    return int(hashlib.sha256(reference.encode()).hexdigest()[:8], 16) / 16**8


def _ens_priority(ctx: Context, mrn: str, central: dict[str, dict[str, Any]]) -> tuple[float, bool]:
    from eucustoms.systems.ics2 import service as ics2

    found = ics2.consult(ctx, READER, mrn)
    outcome = found.get("risk_outcome") or {}
    score = REFERRAL_WEIGHT.get(outcome.get("outcome") or "none", 0.0)
    flagged = bool(outcome.get("control_recommended")) or score > 0
    score += 2.0 if outcome.get("control_recommended") else 0.0
    score += 0.5 * len(outcome.get("reasons") or [])
    c = central.get(mrn)
    if c:
        score += 0.5 * c["signals"] + (c["score"] or 0.0)
    return score, flagged


def _import_priority(ctx: Context, mrn: str) -> tuple[float, bool]:
    from eucustoms.systems.imports import service as imports

    found = imports.consult(ctx, READER, mrn)
    risk = (found.get("risk") or {}).get("lodgement") or {}
    suggested = risk.get("suggested") or "none"
    score = {"physical": 3.0, "documentary": 2.0}.get(suggested, 0.0) + 0.5 * len(risk.get("rules") or [])
    return score, suggested != "none"


def _central(db: Database, mrns: list[str]) -> dict[str, dict[str, Any]]:
    """The central analysis of each ENS (this package's assessments): EU-level signals and model score."""
    out: dict[str, dict[str, Any]] = {}
    a = risk_assessment
    with db.read() as conn:
        for start in range(0, len(mrns), 500):
            rows = conn.execute(select(a.c.subject, a.c.score, a.c.signals).where(
                a.c.subject.in_(mrns[start:start + 500]))).mappings()
            for r in rows:
                cur = out.setdefault(r["subject"], {"signals": 0, "score": None})
                cur["signals"] += len(r["signals"] or [])
                if r["score"] is not None:
                    cur["score"] = max(cur["score"] or 0.0, float(r["score"]))
    return out


def _selection(items: list[dict[str, Any]], rate: float) -> dict[str, Any]:
    n = len(items)
    k = min(n, math.ceil(rate * n)) if n else 0
    chosen = items[:k]
    tp = sum(1 for x in chosen if x["pattern"])
    positives = sum(1 for x in items if x["pattern"])
    per_pattern: dict[str, dict[str, Any]] = {}
    for pattern in sorted({x["pattern"] for x in items if x["pattern"]}):
        total = sum(1 for x in items if x["pattern"] == pattern)
        hit = sum(1 for x in chosen if x["pattern"] == pattern)
        per_pattern[pattern] = {"planted": total, "controlled": hit, "recall": round(hit / total, 3)}
    return {"rate": rate, "controlled": k, "found": tp, "precision": round(tp / k, 3) if k else None,
            "recall": round(tp / positives, 3) if positives else None, "patterns": per_pattern}


def _combined(parts: list[dict[str, Any]], items: list[dict[str, Any]], rate: float) -> dict[str, Any]:
    """Every system controlling ``rate`` of its own traffic (the entry and the import controls are separate
    capacities: priorities of different systems are not compared with each other)."""
    controlled = sum(p["controlled"] for p in parts)
    found = sum(p["found"] for p in parts)
    positives = sum(1 for x in items if x["pattern"])
    patterns: dict[str, dict[str, Any]] = {}
    for p in parts:
        for name, v in p["patterns"].items():
            cur = patterns.setdefault(name, {"planted": 0, "controlled": 0})
            cur["planted"] += v["planted"]
            cur["controlled"] += v["controlled"]
    for v in patterns.values():
        v["recall"] = round(v["controlled"] / v["planted"], 3) if v["planted"] else None
    return {"rate": rate, "controlled": controlled, "found": found,
            "precision": round(found / controlled, 3) if controlled else None,
            "recall": round(found / positives, 3) if positives else None, "patterns": dict(sorted(patterns.items()))}


def _flagged(items: list[dict[str, Any]]) -> dict[str, Any]:
    chosen = [x for x in items if x["flagged"]]
    positives = sum(1 for x in items if x["pattern"])
    tp = sum(1 for x in chosen if x["pattern"])
    return {"controlled": len(chosen), "share": round(len(chosen) / len(items), 4) if items else None,
            "found": tp, "precision": round(tp / len(chosen), 3) if chosen else None,
            "recall": round(tp / positives, 3) if positives else None}


def evaluate(db: Database, *, run: str | None = None, rates: Iterable[float] = RATES) -> dict[str, Any]:
    """Precision and recall of the planted cases at each inspection rate, for the run ``run`` (default: the latest)."""
    from eucustoms.sim import truth

    with db.read() as conn:
        runs = truth.runs(conn)
        run_id = run or (runs[0]["run_id"] if runs else None)
        if run_id is None or not any(r["run_id"] == run_id for r in runs):
            raise Rejected.one(ErrorCode.NOT_FOUND, "/run", f"no simulated run {run or ''} with ground truth: run "
                               "`eucustoms simulate` first" if run is None else f"no simulated run {run}")
        params = next(r["facts"] for r in runs if r["run_id"] == run_id)
        cases = truth.cases(conn, run_id)
    ctx = Context.open(db)
    ens = [c for c in cases if c["system"] == "ICS2"]
    central = _central(db, [c["reference"] for c in ens])
    scored: dict[str, list[dict[str, Any]]] = defaultdict(list)
    unreadable = 0
    for c in cases:
        try:
            if c["system"] == "ICS2":
                priority, flagged = _ens_priority(ctx, c["reference"], central)
            elif c["system"] == "IMPORTS":
                priority, flagged = _import_priority(ctx, c["reference"])
            else:
                continue
        except CustomsError:
            unreadable += 1
            continue
        scored[c["system"]].append({"reference": c["reference"], "pattern": c["pattern"], "priority": priority,
                                    "flagged": flagged})
    rates = sorted({float(r) for r in rates})
    systems: dict[str, Any] = {}
    everything: list[dict[str, Any]] = []
    for system, items in sorted(scored.items()):
        items.sort(key=lambda x: (-x["priority"], _tiebreak(x["reference"])))
        everything += items
        systems[system] = {"consignments": len(items), "planted": sum(1 for x in items if x["pattern"]),
                           "at_rates": [_selection(items, r) for r in rates], "engine_selection": _flagged(items)}
    return {
        "run": run_id, "parameters": {k: params.get(k) for k in ("seed", "days", "scale", "start", "end")},
        "consignments": len(everything), "planted": sum(1 for x in everything if x["pattern"]),
        "unreadable": unreadable, "rates": rates, "systems": systems,
        "all": {"at_rates": [_combined([s["at_rates"][i] for s in systems.values()], everything, r)
                             for i, r in enumerate(rates)],
                "engine_selection": _flagged(everything)},
        "method": "priority per consignment from the risk results the member states see (see the module's doc); "
                  "the top share by priority is controlled at each inspection rate",
    }


def evaluate_command(run: str | None, rate: str | None, as_json: bool) -> None:
    """What ``eucustoms risk evaluate --ground-truth`` prints."""
    from rich.table import Table

    from eucustoms.platform.clitools import console, database, print_json, reported

    with reported(as_json):
        rates = [float(x) for x in rate.split(",")] if rate else list(RATES)
        result = evaluate(database(), run=run, rates=rates)
    if as_json:
        print_json(result)
        return
    p = result["parameters"]
    console.print(f"run [bold]{result['run']}[/bold] (seed {p['seed']}, {p['days']} day(s) at scale {p['scale']}): "
                  f"{result['consignments']:,} consignments, {result['planted']:,} planted")
    t = Table(title="Controls at the inspection rates a member state can afford")
    for col in ("system", "rate", "controlled", "found", "precision", "recall", "recall per pattern"):
        t.add_column(col, justify="left" if col in ("system", "recall per pattern") else "right")
    blocks = [(name, s["at_rates"], s["engine_selection"]) for name, s in result["systems"].items()]
    blocks.append(("all", result["all"]["at_rates"], result["all"]["engine_selection"]))
    for name, at_rates, engine in blocks:
        for r in at_rates:
            t.add_row(name, f"{r['rate']:.0%}", f"{r['controlled']:,}", f"{r['found']:,}", _f(r["precision"]),
                      _f(r["recall"]), ", ".join(f"{k} {_f(v['recall'])}" for k, v in r["patterns"].items()))
        t.add_row(name, "engine", f"{engine['controlled']:,}", f"{engine['found']:,}", _f(engine["precision"]),
                  _f(engine["recall"]), f"(what the risk analysis asked to control: {_f(engine['share'])} of the traffic)")
    console.print(t)
    console.print(f"[dim]{result['method']}[/dim]")


def _f(x: Any) -> str:
    return "n/a" if x is None else f"{x:.3f}"
