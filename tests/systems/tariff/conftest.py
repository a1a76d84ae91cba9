"""Tariff fixtures: a box with the reference data *and* the tariff loaded, copied from a per-session template.

The tariff tables are created here with ``create_all`` until their Alembic migration exists (checkfirst: a no-op
once it does)."""

from __future__ import annotations

import os

import pytest

from eucustoms.platform.db import Database

PG_URL = os.environ.get("EUCUSTOMS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


# The session templates of tests/conftest.py are migrated and carry the reference data and the tariff, as
# `eucustoms init` leaves a box: the tariff tests use them as they are.
@pytest.fixture(scope="session")
def _tariff_sqlite_template(_sqlite_template):
    return _sqlite_template


@pytest.fixture
def tariff_sqlite(sqlite_box) -> Database:
    return sqlite_box


@pytest.fixture
def tariff_pg(pg_box) -> Database:
    return pg_box


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
