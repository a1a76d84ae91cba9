"""ECICS tables (``ecics_*``): the substances, the names they are searched by, and the history of each entry."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, ForeignKey, Index, Integer, String, Table, Text

from eucustoms.platform.db import BigIntPK, UTCDateTime, metadata

ecics_substance = Table(
    "ecics_substance",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cus", String(9), unique=True),  # NNNNNNN-C; NULL where the CUS number is not known (see docs/ecics.md)
    Column("cas", String(12), index=True),
    Column("ec", String(9), index=True),
    Column("cn_code", String(8), nullable=False, index=True),
    Column("names", JSON, nullable=False),  # {"en": ["ethanol", ...], "fr": [...], ...}
    Column("inn", String(256)),  # International Nonproprietary Name (WHO)
    Column("iso_name", String(256)),  # ISO common name (pesticides)
    Column("formula", String(128), index=True),  # Hill notation
    Column("synonyms", JSON, nullable=False),
    Column("drug_precursor_category", String(2)),  # Regulation (EC) No 273/2004 / 111/2005: 1, 2A, 2B, 3, 4
    Column("un_number", String(4)),  # UN dangerous goods number (CS/RD2 CL101)
    Column("notes", Text),
    Column("status", String(8), nullable=False),  # active, ended
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("source", String(64), nullable=False),  # the file an entry was loaded from, or "officer"
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(120), nullable=False),
    Column("version", Integer, nullable=False),
)

# Every name, synonym, INN and ISO name of a substance, folded (lower case, no accents) for substring search.
ecics_name = Table(
    "ecics_name",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("substance_id", Integer, ForeignKey("ecics_substance.id"), nullable=False, index=True),
    Column("kind", String(8), nullable=False),  # name, synonym, inn, iso
    Column("language", String(2)),
    Column("name", String(512), nullable=False),
    Column("folded", String(512), nullable=False),
)
Index("ix_ecics_name_folded", ecics_name.c.folded)

ecics_history = Table(
    "ecics_history",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("substance_id", Integer, ForeignKey("ecics_substance.id"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("action", String(16), nullable=False),  # add, amend, end, load
    Column("changed_by", String(120), nullable=False),
    Column("changed_at", UTCDateTime, nullable=False),
    Column("reason", Text),
    Column("changes", JSON, nullable=False),
)

TABLES = [ecics_substance, ecics_name, ecics_history]
