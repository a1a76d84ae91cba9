"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, and an API client over it.

PostgreSQL tests run wherever the server answers; on CI (CI=true) a missing server is a failure, never a skip."""

from __future__ import annotations

import os
import uuid
from typing import Iterator

import pytest
import sqlalchemy as sa

from eucustoms.migrations import upgrade
from eucustoms.platform.db import Database

PG_URL = os.environ.get("EUCUSTOMS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ON_CI = os.environ.get("CI", "").lower() == "true"


def _postgres_available() -> str | None:
    try:
        engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL at {PG_URL} is not reachable: {exc}"


_pg_problem: list[str | None] = []


def postgres_or_skip() -> None:
    if not _pg_problem:
        _pg_problem.append(_postgres_available())
    problem = _pg_problem[0]
    if problem:
        if ON_CI:
            pytest.fail(problem + " (CI=true: the PostgreSQL tests must run)")
        pytest.skip(problem)


def make_sqlite(tmp_path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'box.db'}")
    upgrade(db)
    return db


@pytest.fixture
def sqlite_db(tmp_path) -> Iterator[Database]:
    db = make_sqlite(tmp_path)
    yield db
    db.dispose()


@pytest.fixture
def pg_db() -> Iterator[Database]:
    postgres_or_skip()
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    db = Database(PG_URL, schema=schema)
    try:
        upgrade(db)
        yield db
    finally:
        db.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db(request) -> Database:
    """The same test on both supported databases."""
    return request.getfixturevalue(f"{'sqlite' if request.param == 'sqlite' else 'pg'}_db")


@pytest.fixture
def api(db):
    """An API client over ``db`` (both databases), with a helper to issue tokens as headers."""
    from fastapi.testclient import TestClient

    from eucustoms.app import create_app
    from eucustoms.platform.auth import issue_token
    from eucustoms.union import open_union

    ctx = open_union(db=db)
    client = TestClient(create_app(ctx, deliver_messages=False), raise_server_exceptions=False)

    def headers(role: str, **binding) -> dict[str, str]:
        with db.begin() as conn:
            token, _ = issue_token(conn, role=role, name=binding.pop("name", f"test {role}"), **binding)
        return {"Authorization": f"Bearer {token}"}

    client.headers_for = headers  # type: ignore[attr-defined]
    client.ctx = ctx  # type: ignore[attr-defined]
    with client:
        yield client
