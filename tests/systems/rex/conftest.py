"""REX fixtures: a box with the REX tables, operators in EOS and a fixed clock; an API client with the REX routes."""

from __future__ import annotations

import pytest
from rex_support import T0, register_operators, with_rex_tables

from eucustoms.core.clock import Clock, use_clock


@pytest.fixture
def clock():
    fixed = Clock.fixed(T0)
    old = use_clock(fixed)
    yield fixed
    use_clock(old)


@pytest.fixture
def rbox(box, clock):
    with_rex_tables(box)
    register_operators(box)
    return box


@pytest.fixture
def sqlite_rbox(sqlite_box, clock):
    with_rex_tables(sqlite_box)
    register_operators(sqlite_box)
    return sqlite_box


@pytest.fixture
def rex_api(box, box_api, clock):
    """``box_api`` with the REX tables and routes (included here until ``app.py`` includes the router)."""
    from eucustoms.systems.rex.routes import router

    with_rex_tables(box)
    register_operators(box)
    if not any(getattr(r, "path", "").startswith("/rex") for r in box_api.app.routes):
        box_api.app.include_router(router)
    return box_api
