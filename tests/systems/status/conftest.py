"""PoUS fixtures: a box (reference data loaded) with the PoUS tables created here until their migration exists,
operators registered in EOS, an authorised issuer authorisation, and a clock standing still on 2 March 2026."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from pous_support import prepare

from eucustoms.platform.db import Database


@pytest.fixture(autouse=True)
def _fixed_clock():
    from eucustoms.core.clock import Clock, use_clock

    clock = Clock.fixed(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    old = use_clock(clock)
    yield clock
    use_clock(old)


@pytest.fixture
def pbox(box) -> Database:
    """A PoUS box on SQLite and on PostgreSQL."""
    return prepare(box)


@pytest.fixture
def sqlite_pbox(sqlite_box) -> Database:
    return prepare(sqlite_box)


@pytest.fixture
def pous_api(box, box_api):
    """``box_api`` with the PoUS tables and routes (included here until ``app.py`` includes the router)."""
    from eucustoms.systems.status.routes import router

    prepare(box)
    if not any(getattr(r, "path", "").startswith("/pous") for r in box_api.app.routes):
        box_api.app.include_router(router)
    return box_api
