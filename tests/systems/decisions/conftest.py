"""CDS fixtures: a box (reference data, both databases) with the CDS tables, operators registered in EOS and a
fixed clock; and an API client with the CDS routes."""

from __future__ import annotations

import pytest
from decisions_support import T0, register_operators, with_cds_tables

from eucustoms.core.clock import Clock, use_clock
from eucustoms.platform.db import Database


@pytest.fixture
def clock():
    fixed = Clock.fixed(T0)
    old = use_clock(fixed)
    yield fixed
    use_clock(old)


@pytest.fixture
def cbox(box, clock) -> Database:
    with_cds_tables(box)
    register_operators(box)
    return box


@pytest.fixture
def sqlite_cbox(sqlite_box, clock) -> Database:
    with_cds_tables(sqlite_box)
    register_operators(sqlite_box)
    return sqlite_box


@pytest.fixture
def cds_api(box, box_api, clock):
    """``box_api`` with the CDS tables and routes (included here until ``app.py`` includes the router)."""
    from eucustoms.systems.decisions.routes import router

    with_cds_tables(box)
    register_operators(box)
    if not any(getattr(r, "path", "").startswith("/decisions") for r in box_api.app.routes):
        box_api.app.include_router(router)
    return box_api
