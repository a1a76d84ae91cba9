"""The reference data tables (``refdata_*``), declared on the shared metadata.

Every versioned row carries ``valid_from`` / ``valid_to`` (inclusive). ``valid_from`` is part of the primary
key so that a code can have several validity periods; :data:`OPEN_START` (``0001-01-01``) stands for "valid
since before the data's horizon", because a NOT NULL key column cannot say "unknown" with NULL.
``valid_to`` NULL means open-ended.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Column, Date, DateTime, Float, Index, Integer, Numeric, String, Table, Text

from eucustoms.platform.db import metadata

OPEN_START = date.min

# SQL NULL rather than the JSON text 'null' when a row has no attributes: smaller, and nothing to parse.
Attributes = JSON(none_as_null=True)

# Exact decimals on both databases: PostgreSQL NUMERIC keeps every digit; SQLite has no decimal type and
# would round-trip through float, so there the text form is stored and parsed back into Decimal.
ExactDecimal = Numeric(asdecimal=True).with_variant(String(32), "sqlite")

release = Table(
    "refdata_release",
    metadata,
    Column("dataset", String(64), primary_key=True),
    Column("version", String(128), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)

code = Table(
    "refdata_code",
    metadata,
    Column("list_name", String(64), primary_key=True),
    Column("code", String(64), primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("valid_to", Date, nullable=True),
    Column("description", Text, nullable=False, default=""),
    Column("attributes", Attributes, nullable=True),
    Column("dataset", String(64), nullable=False),
)
Index("ix_refdata_code_dataset", code.c.dataset)

office = Table(
    "refdata_office",
    metadata,
    Column("reference_number", String(8), primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("valid_to", Date, nullable=True),
    Column("country", String(2), nullable=False),
    Column("name", Text, nullable=False),
    Column("roles", Text, nullable=False),  # role codes joined with ";" (e.g. "DEP;DES;TRA")
    Column("attributes", Attributes, nullable=True),
)
Index("ix_refdata_office_country", office.c.country)

goods = Table(
    "refdata_goods",
    metadata,
    Column("nomenclature", String(2), primary_key=True),  # "HS" or "CN"
    Column("code", String(10), primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("valid_to", Date, nullable=True),
    Column("level", String(16), nullable=False),  # section, chapter, heading, subheading, hs6, cn8
    Column("parent", String(10), nullable=False, default=""),
    Column("description", Text, nullable=False),
    Column("supplementary_unit", String(8), nullable=True),  # TARIC measurement unit code
    Column("attributes", Attributes, nullable=True),
)

place = Table(
    "refdata_place",
    metadata,
    Column("unlocode", String(5), primary_key=True),
    Column("country", String(2), nullable=False),
    Column("name", Text, nullable=False),
    Column("name_ascii", Text, nullable=False),
    Column("subdivision", String(8), nullable=True),
    Column("status", String(2), nullable=True),
    Column("function", String(8), nullable=False),
    Column("iata", String(3), nullable=True),
    Column("latitude", Float, nullable=True),
    Column("longitude", Float, nullable=True),
    Column("attributes", Attributes, nullable=True),
)
Index("ix_refdata_place_country", place.c.country)

rate = Table(
    "refdata_rate",
    metadata,
    Column("currency", String(3), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("rate", ExactDecimal, nullable=False),  # units of currency per 1 EUR, as published by the ECB
)

TABLES = {t.name: t for t in (release, code, office, goods, place, rate)}
