"""Transit fixtures: a box (the shared template with the reference data) with the transit tables, the traders
registered in EOS, a comprehensive guarantee in GUM, and a context with the transit handlers on the bus; the
messages traders send, built from the XML layer's examples.

The transit tables are created here from :mod:`eucustoms.systems.transit.store` until their migration exists."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from transit_support import issue_guarantee, open_context, prepare


@pytest.fixture(autouse=True)
def _cheap_access_hash(monkeypatch):
    from eucustoms.systems.guarantees import access

    monkeypatch.setattr(access, "ITERATIONS", 50)


@pytest.fixture(autouse=True)
def _fixed_clock():
    """Every test runs on 2 March 2026, the clock standing still unless a test moves it."""
    from eucustoms.core.clock import Clock, use_clock

    clock = Clock.fixed(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    old = use_clock(clock)
    yield clock
    use_clock(old)


@pytest.fixture
def tctx(box):
    """A context over a box with the transit tables and traders, on SQLite and PostgreSQL."""
    prepare(box)
    ctx = open_context(box)
    yield ctx
    ctx.bus.stop()


@pytest.fixture
def sctx(sqlite_box):
    """The same on SQLite only (the longer scenarios)."""
    prepare(sqlite_box)
    ctx = open_context(sqlite_box)
    yield ctx
    ctx.bus.stop()


@pytest.fixture
def grn(sctx) -> str:
    return issue_guarantee(sctx.db)


