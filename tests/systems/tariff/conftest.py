"""Tariff fixtures: a box with the reference data *and* the tariff loaded, copied from a per-session template.

The tariff tables are created here with ``create_all`` until their Alembic migration exists (checkfirst: a no-op
once it does)."""

from __future__ import annotations

import os
import shutil
import uuid
from typing import Iterator

import pytest
import sqlalchemy as sa

from eucustoms.platform.db import Database, metadata
from eucustoms.systems.tariff import store
from eucustoms.systems.tariff.loader import load_tariff

PG_URL = os.environ.get("EUCUSTOMS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _prepare(db: Database) -> None:
    metadata.create_all(db.engine, tables=store.TABLES, checkfirst=True)
    load_tariff(db)


@pytest.fixture(scope="session")
def _tariff_sqlite_template(_sqlite_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("tariff") / "box.db"
    shutil.copyfile(_sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    _prepare(db)
    db.dispose()
    return path


@pytest.fixture(scope="session")
def _tariff_pg_template(_pg_template):
    name = f"eucustoms_ttmpl_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {_pg_template}")
    db = Database(PG_URL.rsplit("/", 1)[0] + f"/{name}")
    _prepare(db)
    db.dispose()
    yield name
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


@pytest.fixture
def tariff_sqlite(_tariff_sqlite_template, tmp_path) -> Iterator[Database]:
    target = tmp_path / "box.db"
    shutil.copyfile(_tariff_sqlite_template, target)
    db = Database(f"sqlite:///{target}")
    yield db
    db.dispose()


@pytest.fixture
def tariff_pg(_tariff_pg_template) -> Iterator[Database]:
    name = f"eucustoms_tt_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {_tariff_pg_template}")
    db = Database(PG_URL.rsplit("/", 1)[0] + f"/{name}")
    try:
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def tbox(request) -> Database:
    """A box with reference data and the tariff, on both databases."""
    return request.getfixturevalue("tariff_sqlite" if request.param == "sqlite" else "tariff_pg")


@pytest.fixture(scope="session")
def the_tariff(_tariff_sqlite_template):
    """The in-memory tariff and reference data (read-only use: the calculator is pure)."""
    from eucustoms.refdata import RefData
    from eucustoms.systems.tariff.tariff import tariff

    db = Database(f"sqlite:///{_tariff_sqlite_template}")
    t, ref = tariff(db), RefData.from_db(db)
    ref.customs_exchange_rate("USD")  # load the sections while the database is open
    ref.code_valid("Country", "US")
    yield t, ref
    db.dispose()


@pytest.fixture
def tapi(tbox):
    """An API client over a tariff box, with the tariff router included (until app.py includes it)."""
    from fastapi.testclient import TestClient

    from eucustoms.app import create_app
    from eucustoms.platform.auth import issue_token
    from eucustoms.systems.tariff.routes import router
    from eucustoms.union import open_union

    ctx = open_union(db=tbox)
    app = create_app(ctx, deliver_messages=False)
    if not any(getattr(r, "path", "").startswith("/tariff") for r in app.routes):
        app.include_router(router)
    client = TestClient(app, raise_server_exceptions=False)

    def headers(role: str, **binding) -> dict[str, str]:
        with tbox.begin() as conn:
            token, _ = issue_token(conn, role=role, name=binding.pop("name", f"test {role}"), **binding)
        return {"Authorization": f"Bearer {token}"}

    client.headers_for = headers  # type: ignore[attr-defined]
    client.ctx = ctx  # type: ignore[attr-defined]
    with client:
        yield client
