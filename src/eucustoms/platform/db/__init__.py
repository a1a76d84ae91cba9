"""Storage: one SQLAlchemy 2 engine per database, SQLite (WAL, embedded default) or PostgreSQL.

Every system declares its tables on :data:`metadata`; Alembic migrations (``eucustoms.migrations``) create
them. Writes go through :meth:`Database.begin`, which on SQLite takes the write lock up front
(``BEGIN IMMEDIATE``) so that concurrent writers queue instead of failing half-way.
"""

from .engine import Database, connect, default_url, metadata, normalise_url
from .sequences import next_value
from .types import BigIntPK, ExactDecimal, UTCDateTime
from .upsert import insert_ignore, upsert_add

__all__ = ["Database", "connect", "default_url", "metadata", "normalise_url", "next_value", "insert_ignore", "upsert_add", "BigIntPK", "ExactDecimal", "UTCDateTime"]
