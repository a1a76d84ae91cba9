"""COPIS fixtures: a box with the COPIS tables, operators in EOS and a fixed clock; an API client with the routes."""

from __future__ import annotations

import pytest
from copis_support import T0, register_operators, with_copis_tables

from eucustoms.core.clock import Clock, use_clock


@pytest.fixture
def clock():
    fixed = Clock.fixed(T0)
    old = use_clock(fixed)
    yield fixed
    use_clock(old)


@pytest.fixture
def pbox(box, clock):
    with_copis_tables(box)
    register_operators(box)
    return box


@pytest.fixture
def sqlite_pbox(sqlite_box, clock):
    with_copis_tables(sqlite_box)
    register_operators(sqlite_box)
    return sqlite_box


@pytest.fixture
def copis_api(box, box_api, clock):
    """``box_api`` with the COPIS tables and routes (included here until ``app.py`` includes the router)."""
    from eucustoms.systems.copis.routes import router

    with_copis_tables(box)
    register_operators(box)
    if not any(getattr(r, "path", "").startswith("/copis") for r in box_api.app.routes):
        box_api.app.include_router(router)
    return box_api
