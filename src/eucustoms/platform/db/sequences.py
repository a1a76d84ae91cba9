"""Durable named sequences (e.g. ``mrn:DE:2026``): allocated by one atomic upsert, so that a number is never
handed out twice, across restarts and concurrent writers, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Connection, String, Table

from .engine import metadata
from .upsert import _insert

sequence_counter = Table(
    "sequence_counter",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
)


def next_value(conn: Connection, name: str, count: int = 1) -> int:
    """Reserve ``count`` numbers of sequence ``name`` and return the first. Numbers start at 1.

    Runs in the caller's transaction: if that transaction rolls back, nothing was issued, so nothing can
    have been used by anyone.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    stmt = _insert(conn, sequence_counter).values(name=name, value=count)
    stmt = stmt.on_conflict_do_update(
        index_elements=["name"], set_={"value": sequence_counter.c.value + count}
    ).returning(sequence_counter.c.value)
    last = conn.execute(stmt).scalar_one()
    return last - count + 1
