"""GUM fixtures: a box with the guarantee tables, and a cheap access-code hash."""

from __future__ import annotations

import pytest
from guarantee_support import with_gum_tables

from eucustoms.platform.db import Database
from eucustoms.systems.guarantees import access


@pytest.fixture(autouse=True)
def _cheap_access_hash(monkeypatch):
    """The access code hash is deliberately slow; tests make many guarantees."""
    monkeypatch.setattr(access, "ITERATIONS", 50)


@pytest.fixture
def gbox(box) -> Database:
    """A box with reference data and the GUM tables, on SQLite and PostgreSQL."""
    return with_gum_tables(box)


@pytest.fixture
def sqlite_gbox(sqlite_box) -> Database:
    return with_gum_tables(sqlite_box)


@pytest.fixture
def gum_api(box, box_api):
    """``box_api`` with the GUM tables and routes (included here until ``app.py`` includes the router)."""
    from eucustoms.systems.guarantees.routes import router

    with_gum_tables(box)
    if not any(getattr(r, "path", "").startswith("/guarantees") for r in box_api.app.routes):
        box_api.app.include_router(router)
    return box_api
