"""The simulator split across worker processes sharing one database (PostgreSQL) and one message exchange.

The parent builds and installs the world and plans the run; each worker process plans the same run (same seed,
same run tag: the same stories) and plays the stories whose number falls to it (story number modulo the
number of workers; a bad message goes with its victim), delivering the bus messages of every domain as it goes
(the outbox is shared: a batch is claimed with a lease, ``FOR UPDATE SKIP LOCKED``, so two workers never deliver
the same message). The parent adds up what the workers counted and measures the box's counters over the whole
run. On SQLite the workers queue on the single write lock: use PostgreSQL to measure scaling."""

from __future__ import annotations

import multiprocessing as mp
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from . import badinput, truth
from .runner import Config, Simulation


def _worker(url: str, schema: str | None, cfg: Config, out: Any) -> None:
    from eucustoms.platform.db import Database
    from eucustoms.union import open_union

    try:
        db = Database(url, schema=schema)
        ctx = open_union(db=db)
        sim = Simulation(ctx, cfg)
        plan = sim.prepare()
        summary = sim.run(plan)
        summary["bad_results"] = [b.result for b in plan.bad]
        out.put((cfg.worker, summary, None))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        import traceback

        out.put((cfg.worker, None, f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=6)}"))


def simulate_parallel(db: Any, cfg: Config, *, progress: Callable[[int, int, str], None] | None = None) -> dict[str, Any]:
    from eucustoms.union import open_union

    t0 = time.perf_counter()
    ctx = open_union(db=db)
    parent = Simulation(ctx, replace(cfg, workers=1, worker=0))
    plan = parent.prepare()  # builds and installs the world, takes the run tag, plans
    prepared = time.perf_counter() - t0
    with db.begin() as conn:
        truth.start_run(conn, parent.run_id, parent.parameters(plan))
    before = parent._telemetry()
    spawn = mp.get_context("spawn")
    queue = spawn.Queue()
    procs = []
    wall0 = time.perf_counter()
    for w in range(cfg.workers):
        wcfg = replace(cfg, worker=w, run_tag=parent.run_tag, records_run=False, audit=w == 0)
        p = spawn.Process(target=_worker, args=(db.url, db.schema, wcfg, queue), daemon=True)
        p.start()
        procs.append(p)
    results: dict[int, dict[str, Any]] = {}
    failures = []
    for _ in procs:
        w, summary, error = queue.get()
        if error:
            failures.append({"worker": w, "error": error})
        else:
            results[w] = summary
        if progress:
            progress(len(results) + len(failures), len(procs), f"{len(results)} of {len(procs)} workers done")
    for p in procs:
        p.join(timeout=60)
    wall = time.perf_counter() - wall0
    parent.drain()
    after = parent._telemetry()
    if failures:
        raise RuntimeError(f"{len(failures)} worker(s) failed: {failures[0]['error']}")
    # The box's counters over the whole run, and the workers' own counts added up.
    parent.counters = sum((Counter(s["counters"]) for s in results.values()), Counter())
    for s in results.values():
        parent.errors += s["errors"]["sample"]
    for b, r in zip(plan.bad, _bad_results(plan, results, cfg.workers)):
        b.result = r
    summary = parent._summary(plan, before, after, wall, sum(s["cpu_seconds"] for s in results.values()))
    summary["errors"]["count"] = sum(s["errors"]["count"] for s in results.values())
    summary["workers"] = cfg.workers
    summary["per_worker"] = [{"worker": w, "seconds": s["seconds"], "cpu_seconds": s["cpu_seconds"],
                              "max_rss_mb": s["max_rss_mb"], "stories": s["plan"]["stories"],
                              "steps": sum(t["calls"] for t in s["time_by_step"])} for w, s in sorted(results.items())]
    summary["audit"] = results.get(0, {}).get("audit")
    summary["prepare_seconds"] = round(prepared, 2)
    summary["ground_truth"] = parent._truth_counts()
    with db.begin() as conn:
        truth.finish_run(conn, parent.run_id, {k: summary[k] for k in ("systems", "bad_input", "seconds")})
    return summary


def _bad_results(plan: Any, results: dict[int, dict[str, Any]], workers: int) -> list[dict[str, Any]]:
    """The workers' bad-message results, in the order of the parent's plan (each worker played its share)."""
    out = []
    cursors = {w: iter(s.get("bad_results", [])) for w, s in results.items()}
    for b in plan.bad:
        owner = (b.victim.number if b.victim else b.number) % workers
        out.append(next(cursors.get(owner, iter(())), {}) or {})
    return out


__all__ = ["badinput", "simulate_parallel"]
