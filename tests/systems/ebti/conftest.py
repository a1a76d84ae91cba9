"""EBTI fixtures: the session box (reference data and tariff loaded) with the EBTI tables, a fixed clock, and
an API client with the EBTI router.

The ``ebti_*`` tables are created here with ``create_all`` (checkfirst) until their Alembic migration exists;
once it does this is a no-op. Likewise the router is included only if ``app.py`` does not include it yet."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from eucustoms.core.clock import Clock, use_clock
from eucustoms.platform.db import Database, metadata
from eucustoms.systems.ebti.store import TABLES

UTC = timezone.utc


def with_tables(db: Database) -> Database:
    metadata.create_all(db.engine, tables=TABLES, checkfirst=True)
    return db


@pytest.fixture
def ebox(box) -> Database:
    """A box on SQLite and PostgreSQL with the EBTI tables."""
    return with_tables(box)


@pytest.fixture
def ebox_sqlite(sqlite_box) -> Database:
    return with_tables(sqlite_box)


@pytest.fixture
def clock():
    """A fixed clock at 2026-03-02 09:00 UTC, restored afterwards; tests move it with ``clock.set``."""
    fixed = Clock.fixed(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    old = use_clock(fixed)
    yield fixed
    use_clock(old)


@pytest.fixture
def eapi(ebox):
    """An API client over an EBTI box (both databases), with ``headers_for`` as in ``tests/conftest.py``."""
    from fastapi.testclient import TestClient

    from eucustoms.app import create_app
    from eucustoms.platform.auth import issue_token
    from eucustoms.systems.ebti.routes import router
    from eucustoms.union import open_union

    ctx = open_union(db=ebox)
    app = create_app(ctx, deliver_messages=False)
    if not any(getattr(r, "path", "").startswith("/ebti") for r in app.routes):
        app.include_router(router)
    client = TestClient(app, raise_server_exceptions=False)

    def headers(role: str, **binding) -> dict[str, str]:
        with ebox.begin() as conn:
            token, _ = issue_token(conn, role=role, name=binding.pop("name", f"test {role}"), **binding)
        return {"Authorization": f"Bearer {token}"}

    client.headers_for = headers  # type: ignore[attr-defined]
    client.ctx = ctx  # type: ignore[attr-defined]
    with client:
        yield client
