"""Imports fixtures: a box with the reference data and the tariff (the shared session template), copied
from a per-session template of its own; a context with the imports
domains on the bus; operators registered in EOS, a guarantee, a CCL authorisation."""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import date
from typing import Iterator

import pytest
import sqlalchemy as sa
from imports_support import DE_OFFICER, DECLARANT, OTHER

from eucustoms.platform.db import Database

PG_URL = os.environ.get("EUCUSTOMS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _prepare(db: Database) -> None:
    from eucustoms.systems.eos import service as eos
    from eucustoms.systems.eos.messages import Address, OperatorRegistration
    with db.begin() as conn:
        for eori, name in ((DECLARANT, "Importer GmbH"), (OTHER, "Other GmbH")):
            eos.register(conn, DE_OFFICER, OperatorRegistration(
                eori=eori, name=name, address=Address(street_and_number="Hauptstr. 1", postcode="10115",
                                                      city="Berlin", country="DE"),
                established_in_union=True, start_date=date(2020, 1, 1)))


@pytest.fixture(scope="session")
def _imp_sqlite_template(_sqlite_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("imports") / "box.db"
    shutil.copyfile(_sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    _prepare(db)
    db.dispose()
    return path


@pytest.fixture(scope="session")
def _imp_pg_template(_pg_template):
    name = f"eucustoms_itmpl_{uuid.uuid4().hex[:10]}"
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
def imp_sqlite(_imp_sqlite_template, tmp_path) -> Iterator[Database]:
    target = tmp_path / "box.db"
    shutil.copyfile(_imp_sqlite_template, target)
    db = Database(f"sqlite:///{target}")
    yield db
    db.dispose()


@pytest.fixture
def imp_pg(_imp_pg_template) -> Iterator[Database]:
    name = f"eucustoms_it_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {_imp_pg_template}")
    db = Database(PG_URL.rsplit("/", 1)[0] + f"/{name}")
    try:
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture(autouse=True)
def _cheap_access_hash(monkeypatch):
    from eucustoms.systems.guarantees import access

    monkeypatch.setattr(access, "ITERATIONS", 50)


@pytest.fixture(autouse=True)
def _fixed_clock():
    """Every test runs on 2 March 2026 (the tariff's and the quotas' period), the clock standing still."""
    from datetime import datetime, timezone

    from eucustoms.core.clock import Clock, use_clock

    clock = Clock.fixed(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    old = use_clock(clock)
    yield clock
    use_clock(old)


def _context(db: Database):
    from eucustoms.systems.imports import domains
    from eucustoms.union import PARTICIPATING, open_union

    ctx = open_union(db=db)
    try:
        domains.install(ctx, PARTICIPATING)
    except ValueError:
        pass  # union.py installs them already
    return ctx


@pytest.fixture(params=["sqlite", "postgres"])
def ictx(request):
    """A context over an imports box, on both databases."""
    db = request.getfixturevalue("imp_sqlite" if request.param == "sqlite" else "imp_pg")
    ctx = _context(db)
    yield ctx
    ctx.bus.stop()


@pytest.fixture
def sctx(imp_sqlite):
    """A context over an imports box on SQLite only (for the longer scenarios)."""
    ctx = _context(imp_sqlite)
    yield ctx
    ctx.bus.stop()


@pytest.fixture
def iapi(imp_sqlite):
    from fastapi.testclient import TestClient

    from eucustoms.app import create_app
    from eucustoms.platform.auth import issue_token
    from eucustoms.systems.imports.routes import router

    ctx = _context(imp_sqlite)
    app = create_app(ctx, deliver_messages=False)
    if not any(getattr(r, "path", "").startswith("/imports") for r in app.routes):
        app.include_router(router)
    client = TestClient(app, raise_server_exceptions=False)

    def headers(role: str, **binding) -> dict[str, str]:
        with imp_sqlite.begin() as conn:
            token, _ = issue_token(conn, role=role, name=binding.pop("name", f"test {role}"), **binding)
        return {"Authorization": f"Bearer {token}"}

    client.headers_for = headers  # type: ignore[attr-defined]
    client.ctx = ctx  # type: ignore[attr-defined]
    with client:
        yield client
