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


# -- a box with its reference data loaded ----------------------------------------------------------------------
# Loading the reference data takes seconds, so each session loads it once into a template (a SQLite file, a
# PostgreSQL template database) and every test gets a copy of it.

@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory):
    from eucustoms.refdata import load_reference_data
    from eucustoms.systems.ecics.loader import load_ecics
    from eucustoms.systems.tariff.loader import load_tariff

    path = tmp_path_factory.mktemp("template") / "box.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    load_reference_data(db)
    load_tariff(db)
    load_ecics(db)
    db.dispose()  # the last connection to close checkpoints the WAL into the main file
    return path


@pytest.fixture(scope="session")
def _pg_template():
    from eucustoms.refdata import load_reference_data
    from eucustoms.systems.ecics.loader import load_ecics
    from eucustoms.systems.tariff.loader import load_tariff

    postgres_or_skip()
    name = f"eucustoms_tmpl_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    db = Database(url)
    upgrade(db)
    load_reference_data(db)
    load_tariff(db)
    load_ecics(db)
    db.dispose()
    yield name
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


@pytest.fixture
def sqlite_box(_sqlite_template, tmp_path) -> Iterator[Database]:
    import shutil

    target = tmp_path / "box.db"
    shutil.copyfile(_sqlite_template, target)
    wal = _sqlite_template.with_name(_sqlite_template.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + "-wal"))
    db = Database(f"sqlite:///{target}")
    yield db
    db.dispose()


@pytest.fixture
def pg_box(_pg_template) -> Iterator[Database]:
    name = f"eucustoms_t_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {_pg_template}")
    db = Database(PG_URL.rsplit("/", 1)[0] + f"/{name}")
    try:
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def box(request) -> Database:
    """A migrated database with the reference data loaded, on both databases."""
    return request.getfixturevalue(f"{request.param if request.param == 'sqlite' else 'pg'}_box")


@pytest.fixture
def box_api(box):
    """An API client over a box with reference data; the bus is drained explicitly with ``drain()``."""
    from fastapi.testclient import TestClient

    from eucustoms.app import create_app
    from eucustoms.platform.auth import issue_token
    from eucustoms.union import open_union

    ctx = open_union(db=box)
    client = TestClient(create_app(ctx, deliver_messages=False), raise_server_exceptions=False)

    def headers(role: str, **binding) -> dict[str, str]:
        with box.begin() as conn:
            token, _ = issue_token(conn, role=role, name=binding.pop("name", f"test {role}"), **binding)
        return {"Authorization": f"Bearer {token}"}

    client.headers_for = headers  # type: ignore[attr-defined]
    client.ctx = ctx  # type: ignore[attr-defined]
    client.drain = ctx.bus.drain  # type: ignore[attr-defined]
    with client:
        yield client
