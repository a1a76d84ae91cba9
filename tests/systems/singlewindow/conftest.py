"""CERTEX fixtures: a box with the CERTEX tables, and the API with the /certex routes."""

from __future__ import annotations

import pytest
from certex_support import with_certex_tables

from eucustoms.platform.db import Database


@pytest.fixture
def cbox(box) -> Database:
    """A box with reference data and the CERTEX tables, on SQLite and PostgreSQL."""
    return with_certex_tables(box)


@pytest.fixture
def sqlite_cbox(sqlite_box) -> Database:
    return with_certex_tables(sqlite_box)


@pytest.fixture
def certex_api(box, box_api):
    """``box_api`` with the CERTEX tables and routes (included here until ``app.py`` includes the router)."""
    from eucustoms.systems.singlewindow.routes import router

    with_certex_tables(box)
    if not any(getattr(r, "path", "").startswith("/certex") for r in box_api.app.routes):
        box_api.app.include_router(router)
    return box_api
