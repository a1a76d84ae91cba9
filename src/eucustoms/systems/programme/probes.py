"""Health probes of the box's systems (the availability indicators OP 1.3.1 and OP 1.3.3, computed).

A round probes every system of the box once and records, for each, whether it answered, when, and how fast:

* a system: its own ``health(conn)`` service function where it has one, otherwise a cheap read of one of its
  tables (its storage answers); a system whose package is not in the box is not probed (no source yet);
* the message exchange (CCN2): the central domain pings every national domain (``CCN_PING``, platform.bus.probe) and
  a domain is up when its ``CCN_PONG`` came back within the timeout.

Availability over a period is the share of the probes that found the system up. Rounds are run by
``eucustoms programme probe`` (one round, or ``--every SECONDS``) or by :func:`run_every`."""

from __future__ import annotations

import importlib
import importlib.util
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Callable

from sqlalchemy import Connection, Table, case, func, insert, inspect, literal, select

from eucustoms.core.clock import now
from eucustoms.platform.bus import CENTRAL, Envelope, message_log
from eucustoms.platform.bus import probe as ccn

from .store import programme_probe as PR

NETWORK = "ccn2"

#: The box's packages and where their tables are (the probe reads one row of the first table listed there).
STORES: dict[str, str] = {
    "eos": "eucustoms.systems.eos.store", "rex": "eucustoms.systems.rex.store",
    "decisions": "eucustoms.systems.decisions.store", "ebti": "eucustoms.systems.ebti.store",
    "ecics": "eucustoms.systems.ecics.store", "copis": "eucustoms.systems.copis.store",
    "tariff": "eucustoms.systems.tariff.store", "refdata": "eucustoms.refdata.store",
    "ics2": "eucustoms.systems.ics2.store", "risk": "eucustoms.systems.risk.store",
    "imports": "eucustoms.systems.imports.store", "export": "eucustoms.systems.export.store",
    "transit": "eucustoms.systems.transit.store", "guarantees": "eucustoms.systems.guarantees.store",
    "status": "eucustoms.systems.status.store", "singlewindow": "eucustoms.systems.singlewindow.store",
    "surveillance": "eucustoms.systems.surveillance.store", "auth": "eucustoms.platform.auth.tokens",
    "programme": "eucustoms.systems.programme.store",
}
#: Packages without tables of their own, and what they stand on.
FACADES: dict[str, str] = {"dds": "refdata"}


@dataclass
class Probe:
    system: str
    target: str
    up: bool | None  # None: not installed in this database (its tables are not created): not a probe
    latency_ms: float | None
    detail: str | None = None


def present(package: str) -> bool:
    """Whether the box has ``package`` (its module can be found)."""
    if package == NETWORK:
        return True
    module = STORES.get(package) or (f"eucustoms.systems.{package}" if package in FACADES else None)
    if module is None:
        return False
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def probed_systems() -> list[str]:
    return [p for p in sorted(set(STORES) | set(FACADES)) if present(p)]


def _tables(module: str) -> list[Table]:
    mod = importlib.import_module(module)
    return [t for t in vars(mod).values() if isinstance(t, Table)]


def _check(conn: Connection, package: str) -> None:
    base = FACADES.get(package, package)
    service = STORES[base].rsplit(".", 1)[0] + ".service"
    try:
        health: Callable[[Connection], Any] | None = getattr(importlib.import_module(service), "health", None)
    except ImportError:
        health = None
    if callable(health):
        health(conn)
        return
    tables = _tables(STORES[base])
    if not tables:
        raise RuntimeError(f"{STORES[base]} declares no table")
    table = sorted(tables, key=lambda t: t.name)[0]
    conn.execute(select(literal(1)).select_from(table).limit(1)).first()


class NotInstalled(Exception):
    """The system's tables are not in this database: it is not deployed here (not an outage)."""


def installed(conn: Connection, package: str) -> None:
    """Raise :class:`NotInstalled` when none of the package's tables exists in this database."""
    base = FACADES.get(package, package)
    tables = _tables(STORES[base])
    missing = [t.name for t in tables if not inspect(conn).has_table(t.name)]
    if tables and len(missing) == len(tables):
        raise NotInstalled(f"its tables ({', '.join(sorted(missing)[:3])}…) are not created: run the migrations")


def probe_system(ctx: Any, package: str) -> Probe:
    started = time.perf_counter()
    try:
        with ctx.db.read() as conn:
            installed(conn, package)
    except NotInstalled as exc:
        return Probe(package, "", None, None, str(exc))
    except Exception:  # noqa: BLE001 - the probe below reports it
        pass
    try:
        with ctx.db.read() as conn:
            _check(conn, package)
        return Probe(package, "", True, round((time.perf_counter() - started) * 1000, 2))
    except Exception as exc:  # noqa: BLE001 - a probe reports any failure as "down" with its reason
        return Probe(package, "", False, round((time.perf_counter() - started) * 1000, 2),
                     f"{exc.__class__.__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}")


def probe_network(ctx: Any, round_id: str, *, timeout: float = 5.0, deliver: bool = True) -> list[Probe]:
    """Ping every national domain from the central one; up where the answer came back within ``timeout``."""
    domains = [d for d in (ctx.settings.get("domains") or ()) if d != CENTRAL]
    if not domains:
        return []
    subject = f"probe:{round_id}"
    started = time.perf_counter()
    try:
        with ctx.db.begin() as conn:
            ctx.bus.send(conn, *[Envelope(ccn.PING, ccn.SYSTEM, CENTRAL, d, {"nonce": round_id}, subject=subject) for d in domains])
    except Exception as exc:  # noqa: BLE001 - the exchange itself is down
        return [Probe(NETWORK, d, False, None, f"the ping could not be sent: {exc.__class__.__name__}") for d in domains]
    answered: dict[str, float] = {}
    deadline = started + timeout
    while True:
        if deliver:
            ctx.bus.drain()
        with ctx.db.read() as conn:
            for m in message_log(conn, subject):
                if m["message_type"] == ccn.PONG and m["delivered_at"] is not None and m["sender"] not in answered:
                    answered[m["sender"]] = round((time.perf_counter() - started) * 1000, 2)
        if len(answered) == len(domains) or time.perf_counter() >= deadline:
            break
        time.sleep(0.05)
    return [Probe(NETWORK, d, d in answered, answered.get(d), None if d in answered else f"no answer within {timeout:g} s")
            for d in domains]


def probe_systems(ctx: Any, *, timeout: float = 5.0, deliver: bool = True, network: bool = True) -> dict[str, Any]:
    """One round: every system of the box, then the network; recorded in ``programme_probe``."""
    round_id = now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    results = [probe_system(ctx, p) for p in probed_systems()]
    if network:
        results += probe_network(ctx, round_id, timeout=timeout, deliver=deliver)
    moment = now()
    recorded = [p for p in results if p.up is not None]
    with ctx.db.begin() as conn:
        conn.execute(insert(PR), [{"round": round_id, "at": moment, "system": p.system, "target": p.target, "up": p.up,
                                   "latency_ms": p.latency_ms, "detail": p.detail} for p in recorded])
    down = [p for p in recorded if not p.up]
    return {"round": round_id, "at": moment, "probes": len(recorded), "up": len(recorded) - len(down),
            "down": [{"system": p.system, "target": p.target, "detail": p.detail} for p in down],
            "not_installed": {p.system: p.detail for p in results if p.up is None},
            "results": [p.__dict__ for p in results]}


def run_every(ctx: Any, seconds: float, *, rounds: int | None = None, stop: threading.Event | None = None,
              on_round: Callable[[dict[str, Any]], None] | None = None, **kw: Any) -> int:
    """Probe every ``seconds`` until ``stop`` is set (or ``rounds`` were run); returns the rounds run."""
    stop = stop or threading.Event()
    done = 0
    while not stop.is_set() and (rounds is None or done < rounds):
        started = time.monotonic()
        summary = probe_systems(ctx, **kw)
        done += 1
        if on_round:
            on_round(summary)
        if rounds is not None and done >= rounds:
            break
        stop.wait(max(0.0, seconds - (time.monotonic() - started)))
    return done


def _bounds(since: date | None, until: date | None) -> list[Any]:
    conds = []
    if since:
        conds.append(PR.c.at >= datetime(since.year, since.month, since.day, tzinfo=timezone.utc))
    if until:
        end = until + timedelta(days=1)
        conds.append(PR.c.at < datetime(end.year, end.month, end.day, tzinfo=timezone.utc))
    return conds


def availability(conn: Connection, *, since: date | None = None, until: date | None = None) -> dict[str, dict[str, Any]]:
    """Per probed system (and per domain of the network, as ``ccn2:DE``): probes, probes up, availability in %."""
    out: dict[str, dict[str, Any]] = {}
    q = (select(PR.c.system, PR.c.target, func.count(), func.sum(case((PR.c.up, 1), else_=0)), func.max(PR.c.at))
         .where(*_bounds(since, until)).group_by(PR.c.system, PR.c.target))
    per_target: dict[str, list[tuple[str, int, int, Any]]] = {}
    for system, target, n, ups, last in conn.execute(q):
        per_target.setdefault(system, []).append((target, int(n), int(ups or 0), last))
    for system, rows in per_target.items():
        n = sum(r[1] for r in rows)
        ups = sum(r[2] for r in rows)
        out[system] = {"probes": n, "up": ups, "availability": _pct(ups, n), "last": max(r[3] for r in rows)}
        if system == NETWORK:
            for target, tn, tup, last in rows:
                out[f"{NETWORK}:{target}"] = {"probes": tn, "up": tup, "availability": _pct(tup, tn), "last": last}
    return out


def _pct(k: int, n: int) -> Decimal | None:
    return (Decimal(k) / n * 100).quantize(Decimal("0.01")) if n else None
