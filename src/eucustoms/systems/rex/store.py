"""REX tables: registered exporters and the history of every change to a registration."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text

from eucustoms.platform.db import BigIntPK, UTCDateTime, metadata

rex_exporter = Table(
    "rex_exporter",
    metadata,
    Column("rex_number", String(35), primary_key=True),
    Column("country", String(2), nullable=False),  # the registering country
    Column("eori", String(17)),
    Column("national_id", String(30)),
    Column("name", String(512), nullable=False),
    Column("street_and_number", String(70), nullable=False),
    Column("postcode", String(17)),
    Column("city", String(35), nullable=False),
    Column("address_country", String(2), nullable=False),
    Column("contact", JSON),
    Column("activities", JSON, nullable=False),
    Column("goods", JSON, nullable=False),
    Column("purposes", JSON, nullable=False),
    Column("publication_consent", Boolean, nullable=False),
    Column("state", String(12), nullable=False),
    Column("applied_on", Date, nullable=False),
    Column("valid_from", Date),
    Column("revoked_from", Date),  # first day statements on origin are invalid
    Column("revoked_on", Date),  # the day the revocation was entered
    Column("revocation_ground", String(32)),
    Column("status_reason", Text),
    Column("applied_by", String(120), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)
Index("ix_rex_exporter_country_state", rex_exporter.c.country, rex_exporter.c.state)
Index("ix_rex_exporter_eori", rex_exporter.c.eori)

rex_history = Table(
    "rex_history",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("rex_number", String(35), ForeignKey("rex_exporter.rex_number"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("action", String(16), nullable=False),
    Column("changed_by", String(120), nullable=False),
    Column("changed_at", UTCDateTime, nullable=False),
    Column("reason", Text),
    Column("changes", JSON, nullable=False),
)

TABLES = (rex_exporter, rex_history)
