"""The ground truth of a simulated run: every consignment the simulator sent, with the pattern planted in it
(or none), so that the risk engine's detection can be scored (``eucustoms risk evaluate --ground-truth``).

Table ``sim_ground_truth`` (one row per system reference of a run; the run itself is a row of system ``RUN``
whose facts are the run's parameters). The simulator owns the table: it is written here and read through
:func:`runs` and :func:`cases`, never by the systems under test (they must not see the truth)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Index,
    String,
    Table,
    UniqueConstraint,
    func,
    select,
)

from eucustoms.core.clock import now
from eucustoms.platform.db import BigIntPK, UTCDateTime, metadata

RUN = "RUN"

sim_ground_truth = Table(
    "sim_ground_truth",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("run_id", String(40), nullable=False),
    Column("system", String(16), nullable=False),  # ICS2, IMPORTS, POUS, … or RUN
    Column("reference", String(40), nullable=False),  # the MRN the system gave (the run id for RUN)
    Column("story", String(40), nullable=False),  # the simulator's story (ens#12, import#7)
    Column("pattern", String(32)),  # the planted pattern, or NULL for a clean consignment
    Column("risk_type", String(24)),  # financial | safety_security
    Column("facts", JSON, nullable=False),  # what was declared and what was true
    Column("recorded_at", UTCDateTime, nullable=False),
    UniqueConstraint("run_id", "system", "reference", name="uq_sim_ground_truth_run_id_system_reference"),
    Index("ix_sim_ground_truth_run_id_pattern", "run_id", "pattern"),
)


def start_run(conn: Connection, run_id: str, parameters: dict[str, Any]) -> None:
    conn.execute(sim_ground_truth.insert().values(run_id=run_id, system=RUN, reference=run_id[:40], story="run",
                                                  pattern=None, risk_type=None, facts=parameters, recorded_at=now()))


def finish_run(conn: Connection, run_id: str, summary: dict[str, Any]) -> None:
    t = sim_ground_truth
    row = conn.execute(select(t.c.facts).where(t.c.run_id == run_id, t.c.system == RUN)).scalar_one()
    conn.execute(t.update().where(t.c.run_id == run_id, t.c.system == RUN).values(facts={**row, "summary": summary}))


def record(conn: Connection, rows: Iterable[dict[str, Any]]) -> int:
    rows = [{"recorded_at": now(), **r} for r in rows]
    if rows:
        conn.execute(sim_ground_truth.insert(), rows)
    return len(rows)


def runs(conn: Connection) -> list[dict[str, Any]]:
    t = sim_ground_truth
    rows = conn.execute(select(t.c.run_id, t.c.facts, t.c.recorded_at).where(t.c.system == RUN)
                        .order_by(t.c.recorded_at.desc(), t.c.id.desc())).mappings().all()
    return [dict(r) for r in rows]


def latest_run(conn: Connection) -> str | None:
    found = runs(conn)
    return found[0]["run_id"] if found else None


def cases(conn: Connection, run_id: str, *, system: str | None = None) -> list[dict[str, Any]]:
    """Every consignment of the run (clean ones have ``pattern`` None)."""
    t = sim_ground_truth
    q = select(t.c.system, t.c.reference, t.c.story, t.c.pattern, t.c.risk_type, t.c.facts).where(
        t.c.run_id == run_id, t.c.system != RUN)
    if system:
        q = q.where(t.c.system == system)
    return [dict(r) for r in conn.execute(q.order_by(t.c.id)).mappings()]


def counts(conn: Connection, run_id: str) -> dict[tuple[str, str | None], int]:
    t = sim_ground_truth
    rows = conn.execute(select(t.c.system, t.c.pattern, func.count()).where(t.c.run_id == run_id, t.c.system != RUN)
                        .group_by(t.c.system, t.c.pattern)).all()
    return {(s, p): n for s, p, n in rows}


def moment() -> datetime:
    return now()
