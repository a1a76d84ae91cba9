"""AES fixtures: a box (SQLite and PostgreSQL, or SQLite only for the longer scenarios) with the export tables,
the example parties registered in EOS, and the export domains on the bus; an API client with the export routes;
a clock standing still on 2 March 2026."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from export_support import open_context, register_parties, with_export_tables


@pytest.fixture(autouse=True)
def _fixed_clock():
    from eucustoms.core.clock import Clock, use_clock

    clock = Clock.fixed(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    old = use_clock(clock)
    yield clock
    use_clock(old)


def _ready(db):
    with_export_tables(db)
    register_parties(db)
    return db


@pytest.fixture
def ectx(box):
    """A context over a box with the AES tables and parties, on both databases."""
    ctx = open_context(_ready(box))
    yield ctx
    ctx.bus.stop()


@pytest.fixture
def sctx(sqlite_box):
    """The same on SQLite only."""
    ctx = open_context(_ready(sqlite_box))
    yield ctx
    ctx.bus.stop()


@pytest.fixture
def eapi(sqlite_box):
    """An API client with the export routes (included here until app.py includes the router); ``drain()``
    delivers the bus."""
    from fastapi.testclient import TestClient

    from eucustoms.app import create_app
    from eucustoms.platform.auth import issue_token
    from eucustoms.systems.export.routes import router

    ctx = open_context(_ready(sqlite_box))
    app = create_app(ctx, deliver_messages=False)
    if not any(getattr(r, "path", "").startswith("/export") for r in app.routes):
        app.include_router(router)
    client = TestClient(app, raise_server_exceptions=False)

    def headers(role: str, **binding) -> dict[str, str]:
        with sqlite_box.begin() as conn:
            token, _ = issue_token(conn, role=role, name=binding.pop("name", f"test {role}"), **binding)
        return {"Authorization": f"Bearer {token}"}

    client.headers_for = headers  # type: ignore[attr-defined]
    client.ctx = ctx  # type: ignore[attr-defined]
    client.drain = ctx.bus.drain  # type: ignore[attr-defined]
    with client:
        yield client
