"""Counters that feed the programme's indicators (messages exchanged per system, consultations of the
data-dissemination services, registrations, applications...).

Counts are kept per (system, metric, key, UTC day) and added with one upsert per distinct counter, in the
caller's transaction: a count exists exactly when the thing it counts was committed.
"""

from __future__ import annotations

from collections import Counter as _Counter
from datetime import date
from typing import Iterable, Mapping

from sqlalchemy import BigInteger, Column, Connection, Date, String, Table, func, select

from eucustoms.core.clock import now
from eucustoms.platform.db import metadata, upsert_add

telemetry_counter = Table(
    "telemetry_counter",
    metadata,
    Column("system", String(32), primary_key=True),
    Column("metric", String(48), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("count", BigInteger, nullable=False),
)

# Metric names used by more than one system.
MESSAGES = "messages"  # system-to-system messages (RES 2.1 sub-indicator 2), key = message type
CONSULTATIONS = "consultations"  # DDS look-ups (RES 2.1 sub-indicator 1), key = service
REGISTRATIONS = "registrations"  # registered operators (RES 3.1 sub-indicator 1)
APPLICATIONS = "applications"  # applications lodged (RES 3.1 sub-indicator 2)


def count(conn: Connection, system: str, metric: str, key: str = "", n: int = 1, day: date | None = None) -> None:
    count_many(conn, [(system, metric, key)], day=day, n=n)


def count_many(conn: Connection, keys: Iterable[tuple[str, str, str]], day: date | None = None, n: int = 1) -> None:
    """Add ``n`` to every (system, metric, key) listed; repeated keys add up. One statement per batch."""
    totals = _Counter(keys)
    if n != 1:
        totals = _Counter({k: c * n for k, c in totals.items()})
    add_totals(conn, totals, day=day)


def add_totals(conn: Connection, totals: Mapping[tuple[str, str, str], int], day: date | None = None) -> None:
    """Add each count of ``totals`` ((system, metric, key) → n) to the day's counters. One statement."""
    if not totals:
        return
    day = day or now().date()
    rows = [
        {"system": s, "metric": m, "key": k, "day": day, "count": c}
        for (s, m, k), c in sorted(totals.items())  # sorted: a stable lock order across writers on PostgreSQL
    ]
    conn.execute(upsert_add(conn, telemetry_counter, ["system", "metric", "key", "day"], "count"), rows)


def totals(
    conn: Connection,
    *,
    metric: str,
    system: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> dict[tuple[str, str], int]:
    """Sum of ``metric`` per (system, key) over the days ``since``..``until`` inclusive."""
    t = telemetry_counter
    q = select(t.c.system, t.c.key, func.sum(t.c.count)).where(t.c.metric == metric)
    if system:
        q = q.where(t.c.system == system)
    if since:
        q = q.where(t.c.day >= since)
    if until:
        q = q.where(t.c.day <= until)
    q = q.group_by(t.c.system, t.c.key)
    return {(s, k): int(c) for s, k, c in conn.execute(q)}
