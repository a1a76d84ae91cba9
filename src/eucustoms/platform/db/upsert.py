"""Dialect-aware "insert or ignore" and "insert or add" statements (SQLite and PostgreSQL share the
``ON CONFLICT`` syntax, but SQLAlchemy builds them from dialect-specific constructs)."""

from __future__ import annotations

from typing import Sequence

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def _insert(conn: Connection, table: Table):
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def insert_ignore(conn: Connection, table: Table, index: Sequence[str]):
    """``INSERT ... ON CONFLICT (index) DO NOTHING`` for ``table``; execute it with rows."""
    return _insert(conn, table).on_conflict_do_nothing(index_elements=list(index))


def upsert_add(conn: Connection, table: Table, index: Sequence[str], column: str):
    """``INSERT ... ON CONFLICT (index) DO UPDATE SET column = column + excluded.column``: a counter."""
    stmt = _insert(conn, table)
    return stmt.on_conflict_do_update(
        index_elements=list(index), set_={column: table.c[column] + stmt.excluded[column]}
    )
