"""ECICS fixtures: the session box (reference data loaded) with the ECICS tables and the shipped dataset loaded,
and an API client with the ECICS router.

The ``ecics_*`` tables are created here with ``create_all`` (checkfirst) until their Alembic migration exists;
once it does this is a no-op. Likewise the router is included only if ``app.py`` does not include it yet, and
the dataset is loaded here until ``eucustoms init`` loads it (then loading again changes nothing)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from eucustoms.core.clock import Clock, use_clock
from eucustoms.platform.db import Database, metadata
from eucustoms.systems.ecics.loader import load_ecics
from eucustoms.systems.ecics.store import TABLES


def with_inventory(db: Database) -> Database:
    metadata.create_all(db.engine, tables=TABLES, checkfirst=True)
    load_ecics(db)
    return db


@pytest.fixture
def cbox(box) -> Database:
    """A box on SQLite and PostgreSQL with the shipped ECICS dataset loaded."""
    return with_inventory(box)


@pytest.fixture
def cbox_sqlite(sqlite_box) -> Database:
    return with_inventory(sqlite_box)


@pytest.fixture
def clock():
    """A fixed clock at 2026-03-02 09:00 UTC, restored afterwards."""
    fixed = Clock.fixed(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    old = use_clock(fixed)
    yield fixed
    use_clock(old)


@pytest.fixture
def capi(cbox):
    from fastapi.testclient import TestClient

    from eucustoms.app import create_app
    from eucustoms.platform.auth import issue_token
    from eucustoms.systems.ecics.routes import router
    from eucustoms.union import open_union

    ctx = open_union(db=cbox)
    app = create_app(ctx, deliver_messages=False)
    if not any(getattr(r, "path", "").startswith("/ecics") for r in app.routes):
        app.include_router(router)
    client = TestClient(app, raise_server_exceptions=False)

    def headers(role: str, **binding) -> dict[str, str]:
        with cbox.begin() as conn:
            token, _ = issue_token(conn, role=role, name=binding.pop("name", f"test {role}"), **binding)
        return {"Authorization": f"Bearer {token}"}

    client.headers_for = headers  # type: ignore[attr-defined]
    client.ctx = ctx  # type: ignore[attr-defined]
    with client:
        yield client
