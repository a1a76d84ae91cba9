"""Alembic migrations of the whole box, and the functions ``init`` uses to run them."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from eucustoms.platform.db import Database

HERE = Path(__file__).parent


def config(db: Database | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    if db is not None:
        cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
        cfg.attributes["database"] = db
    return cfg


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the database schema to ``revision`` (creating it on an empty database)."""
    command.upgrade(config(db), revision)


def current(db: Database) -> str | None:
    with db.engine.connect().execution_options(eucustoms_readonly=True) as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head() -> str | None:
    return ScriptDirectory.from_config(config()).get_current_head()
