"""Programme fixtures: databases with the programme tables (SQLite and PostgreSQL), the 2024 dataset loaded, and an
API client with the programme's routes."""

from __future__ import annotations

import pytest
from programme_support import with_programme_tables

from eucustoms.platform.clitools import ADMIN
from eucustoms.platform.db import Database
from eucustoms.systems.programme import service


@pytest.fixture
def pdb(db) -> Database:
    """A migrated database with the programme tables, on SQLite and PostgreSQL."""
    return with_programme_tables(db)


@pytest.fixture
def sqlite_pdb(sqlite_db) -> Database:
    return with_programme_tables(sqlite_db)


@pytest.fixture
def loaded(sqlite_pdb) -> Database:
    """SQLite with the 2024 dataset loaded."""
    with sqlite_pdb.begin() as conn:
        service.load_dataset(conn, ADMIN)
    return sqlite_pdb


@pytest.fixture
def prog_api(api, db):
    """``api`` (both databases) with the programme tables, the 2024 dataset and the programme's routes (included here
    until ``app.py`` includes the router)."""
    from eucustoms.systems.programme.routes import router

    with_programme_tables(db)
    with db.begin() as conn:
        service.load_dataset(conn, ADMIN)
    if not any(getattr(r, "path", "").startswith("/programme") for r in api.app.routes):
        api.app.include_router(router)
    return api


@pytest.fixture
def sqlite_prog_api(loaded):
    """An API client over SQLite with the 2024 dataset and the programme's routes (for the slower report downloads)."""
    from fastapi.testclient import TestClient

    from eucustoms.app import create_app
    from eucustoms.platform.auth import issue_token
    from eucustoms.systems.programme.routes import router
    from eucustoms.union import open_union

    ctx = open_union(db=loaded)
    app = create_app(ctx, deliver_messages=False)
    app.include_router(router)
    client = TestClient(app, raise_server_exceptions=False)

    def headers(role: str, **binding) -> dict[str, str]:
        with loaded.begin() as conn:
            token, _ = issue_token(conn, role=role, name=binding.pop("name", f"test {role}"), **binding)
        return {"Authorization": f"Bearer {token}"}

    client.headers_for = headers  # type: ignore[attr-defined]
    with client:
        yield client
