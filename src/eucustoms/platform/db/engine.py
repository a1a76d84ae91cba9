"""Engine creation for the two supported databases and the shared table metadata."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Connection, Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


def default_home() -> Path:
    return Path(os.environ.get("EUCUSTOMS_HOME", ".eucustoms")).resolve()


def default_url() -> str:
    """``EUCUSTOMS_DATABASE_URL`` if set, else the embedded SQLite file under ``EUCUSTOMS_HOME``."""
    url = os.environ.get("EUCUSTOMS_DATABASE_URL")
    if url:
        return normalise_url(url)
    return f"sqlite:///{default_home() / 'eucustoms.db'}"


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and route them to the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Database:
    """A database handle: ``begin()`` for a write transaction, ``read()`` for a consistent read."""

    def __init__(self, url: str, *, schema: str | None = None, echo: bool = False):
        self.url = normalise_url(url)
        self.schema = schema
        parsed = make_url(self.url)
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            self.engine = _sqlite_engine(self.url, echo)
        elif self.dialect == "postgresql":
            connect_args = {"options": f"-csearch_path={schema}"} if schema else {}
            self.engine = create_engine(
                self.url, echo=echo, pool_size=10, max_overflow=20, pool_pre_ping=True, connect_args=connect_args
            )
        else:
            raise ValueError(f"unsupported database {self.dialect!r}: use sqlite or postgresql")

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A write transaction: committed when the block ends, rolled back on any exception."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction (on SQLite a deferred one, so readers never take the write lock)."""
        with self.engine.connect().execution_options(eucustoms_readonly=True) as conn:
            with conn.begin():
                yield conn

    def dispose(self) -> None:
        self.engine.dispose()

    def describe(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)


def _sqlite_engine(url: str, echo: bool) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        echo=echo,
        pool_size=8,
        max_overflow=16,
        connect_args={"check_same_thread": False, "timeout": 60, "isolation_level": None},
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # noqa: ANN001
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed (acknowledged) transaction survives an OS crash or power loss, not only a
        # process crash. Batching keeps the fsync cost per message small.
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # The driver runs in autocommit mode (isolation_level=None) so that we choose how to begin:
        # writers take the lock at once, readers take a snapshot without blocking writers.
        if conn.get_execution_options().get("eucustoms_readonly"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def connect(url: str | None = None, *, schema: str | None = None) -> Database:
    return Database(url or default_url(), schema=schema)
