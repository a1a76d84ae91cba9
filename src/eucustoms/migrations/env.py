"""Alembic environment: runs migrations on the database handed over by ``eucustoms.migrations.upgrade``
(or on ``sqlalchemy.url`` when called from the ``alembic`` command line)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from eucustoms.schema import metadata

config = context.config


def run() -> None:
    db = config.attributes.get("database")
    engine = db.engine if db is not None else create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        if connection.in_transaction():
            connection.commit()


run()
