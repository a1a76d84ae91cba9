"""EOS tables: operators, their amendment history and their AEO statuses."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text

from eucustoms.platform.db import BigIntPK, UTCDateTime, metadata

eos_operator = Table(
    "eos_operator",
    metadata,
    Column("eori", String(17), primary_key=True),
    Column("country", String(2), nullable=False),
    Column("name", String(512), nullable=False),
    Column("short_name", String(70)),
    Column("street_and_number", String(70), nullable=False),
    Column("postcode", String(17)),
    Column("city", String(35), nullable=False),
    Column("address_country", String(2), nullable=False),
    Column("established_in_union", Boolean, nullable=False),
    Column("legal_status", String(50)),
    Column("vat_numbers", JSON, nullable=False),
    Column("contact", JSON),
    Column("publication_consent", Boolean, nullable=False),
    Column("status", String(12), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date),
    Column("registered_by", String(120), nullable=False),
    Column("registered_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)
Index("ix_eos_operator_country_name", eos_operator.c.country, eos_operator.c.name)

eos_operator_history = Table(
    "eos_operator_history",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("eori", String(17), ForeignKey("eos_operator.eori"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("action", String(24), nullable=False),
    Column("changed_by", String(120), nullable=False),
    Column("changed_at", UTCDateTime, nullable=False),
    Column("reason", Text),
    Column("changes", JSON, nullable=False),
)

eos_aeo = Table(
    "eos_aeo",
    metadata,
    Column("eori", String(17), ForeignKey("eos_operator.eori"), primary_key=True),
    Column("aeo_type", String(4), primary_key=True),
    Column("decision_reference", String(35), primary_key=True),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
)
