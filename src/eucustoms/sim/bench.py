"""``eucustoms bench``: every system's benchmark in one run, with the machine's ceiling measured in the same run,
written as ``bench.json`` and ``bench.md`` with each figure next to the EU's 2024 average rate (headroom factor).

The benchmark scripts of ``benchmarks/`` run as subprocesses with their own options (``--quick`` gives each a
small workload: a few minutes in all), each writing its JSON; their peak memory is read from the operating
system (``wait4``). Measured here, in this process: the raw durable insert rate of the database in use
(the ceiling: one row per committed transaction, and 100 rows per transaction), the surveillance records
stored per second (no script exists for it), and the simulator's own planning speed (it must never be the
bottleneck of a benchmark).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import volumes

ROOT = Path(__file__).resolve().parents[3]
SCRIPTS = ROOT / "benchmarks"
# name → (script, quick options, full options, takes --db (a fresh PostgreSQL database is made for it), --out)
SUITE: dict[str, tuple[str, list[str], list[str], str, bool]] = {
    "bus_throughput": ("bus_throughput.py", ["--messages", "3000", "--per-transaction", "1", "100"],
                       ["--messages", "30000"], "scratch", True),
    "ics2_filing": ("ics2_filing.py", ["--filings", "400", "--warmup", "40", "--mode", "direct"],
                    ["--filings", "4000", "--mode", "both"], "parent", True),
    "import_clearance": ("import_clearance.py", ["--declarations", "300", "--warmup", "30", "--mode", "direct"],
                         ["--declarations", "2000", "--mode", "both"], "parent", True),
    "export_declarations": ("export_declarations.py", ["--exports", "100", "--warmup", "10", "--clients", "2"],
                            ["--exports", "1000"], "parent", True),
    "ncts_movements": ("ncts_movements.py", ["--movements", "100", "--warm-up", "5"], ["--movements", "1000"],
                       "", False),
    "ncts_validation": ("ncts_validation.py", ["--seconds", "0.5", "--repeat", "1"], [], "", True),
    "dds_lookups": ("dds_lookups.py", ["--duration", "5", "--warmup", "1", "--workers", "1", "--operators", "100"],
                    [], "", True),
    "duty_calc": ("duty_calc.py", ["--calls", "20000", "--distinct", "2000"], [], "", True),
}
IN_PROCESS = ("ceiling", "surveillance_records", "simulator_planning")


def _eu(key: str) -> float:
    return volumes.VOLUMES[key].per_second


def run_suite(out: Path, *, quick: bool = False, db: str | None = None, only: list[str] | None = None,
              echo: Callable[[str], None] | None = print, timeout: float = 1800) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    say = echo or (lambda _: None)
    started = time.perf_counter()
    results: dict[str, Any] = {}
    names = [n for n in (*IN_PROCESS, *SUITE) if not only or n in only]
    for name in names:
        say(f"bench: {name}…")
        t0 = time.perf_counter()
        try:
            if name == "ceiling":
                results[name] = ceiling(db, seconds=1.5 if quick else 5)
            elif name == "surveillance_records":
                results[name] = surveillance_records(db, 5000 if quick else 50000)
            elif name == "simulator_planning":
                results[name] = simulator_planning(0.002 if quick else 0.01)
            else:
                results[name] = _script(name, out, quick=quick, db=db, timeout=timeout)
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
        results[name]["wall_seconds"] = round(time.perf_counter() - t0, 1)
    rows = table(results)
    meta = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "quick": quick,
            "database": _describe(db), "cpus": os.cpu_count(), "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()], "seconds": round(time.perf_counter() - started, 1),
            "eu_2024_per_second": {k: round(v.per_second, 3) for k, v in volumes.VOLUMES.items()},
            "sources": {k: v.source for k, v in volumes.VOLUMES.items()}}
    doc = {"meta": meta, "rows": rows, "results": results}
    (out / "bench.json").write_text(json.dumps(doc, indent=2, default=str))
    (out / "bench.md").write_text(markdown(doc))
    return doc


def _describe(db: str | None) -> str:
    if not db:
        return "sqlite (WAL, synchronous=FULL)"
    from sqlalchemy.engine import make_url

    return make_url(db).render_as_string(hide_password=True)


# -- the scripts ---------------------------------------------------------------------------------------------------


def _scratch_database(url: str) -> tuple[str, Callable[[], None]]:
    """A fresh PostgreSQL database next to ``url``, and how to drop it."""
    import sqlalchemy as sa

    from eucustoms.platform.db import normalise_url

    base = normalise_url(url)
    name = f"eucustoms_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()

    return base.rsplit("/", 1)[0] + f"/{name}", drop


def _script(name: str, out: Path, *, quick: bool, db: str | None, timeout: float) -> dict[str, Any]:
    script, quick_args, full_args, takes_db, takes_out = SUITE[name]
    path = SCRIPTS / script
    if not path.exists():
        return {"error": f"{path} does not exist"}
    raw = out / "raw"
    raw.mkdir(exist_ok=True)
    args = [sys.executable, str(path), *(quick_args if quick else full_args)]
    if takes_out:
        args += ["--out", str(raw)]
    cleanup = None
    if db and takes_db == "parent":
        args += ["--db", db]
    elif db and takes_db == "scratch":
        scratch, cleanup = _scratch_database(db)
        args += ["--db", scratch]
    expected = (raw if takes_out else SCRIPTS / "results") / f"{name}.json"
    before = expected.stat().st_mtime if expected.exists() else 0.0
    log = raw / f"{name}.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    t0 = time.perf_counter()
    try:
        with log.open("w") as fh:
            proc = subprocess.Popen(args, stdout=fh, stderr=subprocess.STDOUT, cwd=str(ROOT), env=env)
            deadline = time.monotonic() + timeout
            peak_kb = 0
            while True:
                pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                peak_kb = max(peak_kb, _tree_rss_kb(proc.pid))
                if time.monotonic() > deadline:
                    proc.kill()
                    os.wait4(proc.pid, 0)
                    return {"error": f"timed out after {timeout:.0f} s", "log": str(log)}
                time.sleep(0.2)
    finally:
        if cleanup:
            cleanup()
    code = os.waitstatus_to_exitcode(status)
    found: dict[str, Any] = {"exit_code": code, "seconds": round(time.perf_counter() - t0, 1),
                             "peak_rss_mb": round(peak_kb / 1024, 1), "log": str(log),
                             "command": " ".join(a if a != sys.executable else "python" for a in args[1:])}
    if expected.exists() and expected.stat().st_mtime > before:
        found["json"] = json.loads(expected.read_text())
    else:
        found["error"] = f"no new {expected.name} (exit code {code}); see {log}"
    return found


def _tree_rss_kb(pid: int) -> int:
    """The resident memory of a process and its descendants now (kB, from /proc; 0 where /proc is missing).
    Sampled while a benchmark runs: its peak is the memory the benchmark needed (the child's own rusage would
    count the parent's memory at fork time)."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(x) for x in fh.read().split()]
        except (OSError, ValueError):
            continue
    return total


# -- measured here ---------------------------------------------------------------------------------------------------


def ceiling(db: str | None, *, seconds: float = 3.0) -> dict[str, Any]:
    """The raw durable insert rate of the database in use: a small row per committed transaction, and 100 rows
    per transaction, for ``seconds`` each — what no pipeline of the box can exceed on this machine."""
    import sqlalchemy as sa

    from eucustoms.platform.db import Database

    cleanup = None
    tmp = None
    if db:
        url, cleanup = _scratch_database(db)
    else:
        tmp = tempfile.TemporaryDirectory()
        url = f"sqlite:///{tmp.name}/ceiling.db"
    database = Database(url)
    md = sa.MetaData()
    t = sa.Table("bench_ceiling", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                 sa.Column("body", sa.String(200), nullable=False))
    md.create_all(database.engine)
    body = "x" * 150
    out: dict[str, Any] = {"database": _describe(db)}
    try:
        for per_tx in (1, 100):
            n, t0 = 0, time.perf_counter()
            while time.perf_counter() - t0 < seconds:
                with database.begin() as conn:
                    conn.execute(t.insert(), [{"body": body}] * per_tx)
                n += per_tx
            out[f"rows_per_s_tx{per_tx}"] = round(n / (time.perf_counter() - t0))
    finally:
        database.dispose()
        if cleanup:
            cleanup()
        if tmp:
            tmp.cleanup()
    return out


def surveillance_records(db: str | None, n: int) -> dict[str, Any]:
    """Surveillance records stored per second through the surveillance service (batches of 500, as a releasing
    system's day would), on a freshly migrated database."""
    from datetime import date, timedelta
    from decimal import Decimal

    from eucustoms.core.identifiers import MRN
    from eucustoms.migrations import upgrade
    from eucustoms.platform.db import Database
    from eucustoms.systems.surveillance import service as surveillance

    cleanup = tmp = None
    if db:
        url, cleanup = _scratch_database(db)
    else:
        tmp = tempfile.TemporaryDirectory()
        url = f"sqlite:///{tmp.name}/surv.db"
    database = Database(url)
    try:
        upgrade(database)
        today = date.today()
        batches = []
        for start in range(0, n, 500):
            batches.append([{"flow": "I", "mrn": str(MRN.build(today.year, "NL", 10**9 + i, "R")), "item": 1,
                             "country": "NL", "office": "NL000396", "release_date": today - timedelta(days=i % 30),
                             "procedure": "4000", "goods_code": "6109100000", "origin": "CN", "partner": "CN",
                             "net_mass": Decimal(10 + i % 900), "value_eur": Decimal(100 + i % 9000)}
                            for i in range(start, min(n, start + 500))])
        t0 = time.perf_counter()
        for b in batches:
            with database.begin() as conn:
                surveillance.record(conn, b)
        seconds = time.perf_counter() - t0
    finally:
        database.dispose()
        if cleanup:
            cleanup()
        if tmp:
            tmp.cleanup()
    return {"records": n, "seconds": round(seconds, 2), "records_per_s": round(n / seconds)}


def simulator_planning(scale: float) -> dict[str, Any]:
    """How fast the simulator generates traffic (world and plan of a day, no database): the messages it plans per
    second must stay far above what any system absorbs."""
    from datetime import datetime

    from .runner import Config, make_plan
    from .world import World

    start = datetime(2026, 3, 2, tzinfo=UTC)
    t0 = time.perf_counter()
    world = World.build(1, start.date())
    plan = make_plan(world, Config(days=1, scale=scale, seed=1, start=start), "B")
    seconds = time.perf_counter() - t0
    ens = sum(1 for _, s in plan.stories if s.kind == "ens")
    messages = ens * volumes.BOX_MESSAGES_PER["ICS2"]
    return {"scale": scale, "stories": len(plan.stories), "seconds": round(seconds, 2),
            "stories_per_s": round(len(plan.stories) / seconds), "ics2_messages_planned_per_s": round(messages / seconds)}


# -- the table ---------------------------------------------------------------------------------------------------------


def _pct(d: dict | None, key: str) -> float | None:
    return (d or {}).get(key)


def table(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per pipeline: throughput, latency p50/p99, peak memory, the EU's 2024 average rate it compares
    with, and the headroom factor (throughput ÷ EU average)."""
    rows: list[dict[str, Any]] = []

    def add(pipeline: str, value: float | None, unit: str, eu_key: str | None, *, p50: float | None = None,
            p99: float | None = None, memory: float | None = None, note: str = "", per: float = 1.0) -> None:
        eu = _eu(eu_key) if eu_key else None
        rows.append({"pipeline": pipeline, "throughput": value, "unit": unit, "p50_ms": p50, "p99_ms": p99,
                     "peak_rss_mb": memory, "eu_2024_average_per_s": round(eu, 2) if eu else None,
                     "eu_figure": eu_key, "headroom": round(value * per / eu, 1) if (eu and value) else None,
                     "note": note})

    c = results.get("ceiling", {})
    if "rows_per_s_tx1" in c:
        add("ceiling: raw durable inserts, 1 row per transaction", c["rows_per_s_tx1"], "rows/s", "CCN",
            note=f"{c['database']}: the machine's bound for one commit per message")
        add("ceiling: raw durable inserts, 100 rows per transaction", c["rows_per_s_tx100"], "rows/s", "CCN")
    for name, r in results.items():
        j = r.get("json") if isinstance(r, dict) else None
        mem = r.get("peak_rss_mb") if isinstance(r, dict) else None
        if isinstance(r, dict) and r.get("error") and not j and name not in IN_PROCESS:
            rows.append({"pipeline": name, "throughput": None, "unit": "", "p50_ms": None, "p99_ms": None,
                         "peak_rss_mb": mem, "eu_2024_average_per_s": None, "eu_figure": None, "headroom": None,
                         "note": f"failed: {r['error'][:160]}"})
            continue
        if name == "bus_throughput" and j:
            for run in j["runs"]:
                add(f"message exchange, {run['per_transaction']} msg/transaction (end to end)", run["end_to_end_per_s"],
                    "msg/s", "CCN", memory=mem, note=f"ceiling at this size {run.get('ceiling_inserts_per_s'):,}/s")
        elif name == "ics2_filing" and j:
            for run in j["runs"]:
                lat = run.get("lodged_to_assessed_ms") or {}
                add(f"ICS2 filing → assessment ({run.get('mode')})", run.get("trader_messages_per_s"), "msg/s", "ICS2",
                    p50=lat.get("p50"), p99=lat.get("p99"), memory=mem,
                    note=f"{run.get('filings_per_s')} filings/s; {run.get('cpu_ms_per_filing')} ms CPU each")
        elif name == "import_clearance" and j:
            for run in j["runs"]:
                lat = ((run.get("lanes") or {}).get("all") or {}).get("acceptance_to_release_ms") or {}
                add(f"import declaration → release ({run.get('mode')})", run.get("released_per_s"), "decl/s", None,
                    p50=lat.get("p50"), p99=lat.get("p99"), memory=mem,
                    note="no 2024 count of import declarations in the report")
        elif name == "export_declarations" and j:
            for run in j["runs"]:
                lat = run.get("lodge_to_exit_certified_ms") or {}
                add(f"export → exit certified ({run.get('clients')} clients)", run.get("messages_per_s"), "msg/s", "ECS",
                    p50=lat.get("p50"), p99=lat.get("p99"), memory=mem, note=f"{run.get('exports_per_s')} exports/s")
        elif name == "ncts_movements" and j:
            add("NCTS movement, declaration → write-off", j.get("movements_per_s"), "movements/s", "NCTS",
                per=volumes.BOX_MESSAGES_PER["NCTS"], memory=mem,
                note=f"headroom counts {volumes.BOX_MESSAGES_PER['NCTS']:.0f} NCTS messages per movement")
        elif name == "ncts_validation" and j:
            first = (j.get("runs") or [{}])[0]
            add(f"NCTS XML validation ({first.get('message')})", first.get("validate_per_s"), "msg/s", "NCTS", memory=mem)
        elif name == "dds_lookups" and j:
            add("DDS public look-ups (HTTP)", j.get("lookups_per_s"), "look-ups/s", "DDS", p50=j.get("p50_ms"),
                p99=j.get("p99_ms"), memory=mem)
        elif name == "duty_calc" and j:
            run = (j.get("runs") or [{}])[0]
            us = run.get("us") or {}
            add("duty calculation (cached tariff)", run.get("per_s"), "calc/s", None,
                p50=round(us["p50"] / 1000, 3) if us.get("p50") else None,
                p99=round(us["p99"] / 1000, 3) if us.get("p99") else None, memory=mem)
    s = results.get("surveillance_records", {})
    if "records_per_s" in s:
        add("surveillance records stored (batches of 500)", s["records_per_s"], "records/s", "SURV")
    p = results.get("simulator_planning", {})
    if "stories_per_s" in p:
        add("simulator: traffic planned (no database)", p["ics2_messages_planned_per_s"], "ICS2 msg/s", "ICS2",
            note=f"{p['stories_per_s']:,} stories/s: never the bottleneck")
    return rows


def _n(x: Any, digits: int = 0) -> str:
    if x is None:
        return "—"
    if isinstance(x, (int, float)):
        return f"{x:,.{digits}f}" if digits else f"{x:,.0f}"
    return str(x)


def markdown(doc: dict[str, Any]) -> str:
    m = doc["meta"]
    lines = [f"# eucustoms bench — {m['at']}", "",
             (f"{'Quick' if m['quick'] else 'Full'} run on {m['database']}, {m['cpus']} CPUs, Python {m['python']}, "
              f"load average {m['load_average']} at the end; {m['seconds']} s in all. Headroom = throughput ÷ the EU's "
              "2024 average rate of the same kind (2024: 366 days); sources in bench.json."), "",
             "| pipeline | throughput | unit | p50 ms | p99 ms | peak memory MB | EU 2024 average /s | headroom × | note |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in doc["rows"]:
        eu = f"{r['eu_2024_average_per_s']:,} ({r['eu_figure']})" if r["eu_2024_average_per_s"] else "—"
        lines.append(f"| {r['pipeline']} | {_n(r['throughput'])} | {r['unit']} | {_n(r['p50_ms'], 1)} | "
                     f"{_n(r['p99_ms'], 1)} | {_n(r['peak_rss_mb'])} | {eu} | {_n(r['headroom'], 1)} | {r['note']} |")
    lines += ["", "EU 2024 average rates used: " + "; ".join(
        f"{k} {v:,.2f}/s" for k, v in m["eu_2024_per_second"].items() if k in ("CCN", "ICS2", "SURV", "NCTS", "ECS", "DDS")), ""]
    return "\n".join(lines)
