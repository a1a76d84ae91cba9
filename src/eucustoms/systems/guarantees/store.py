"""GUM tables: guarantees (balance, access code hash, validity) and their movements (debits, credits, adjustments)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, ForeignKey, Index, Integer, String, Table, Text

from eucustoms.platform.db import BigIntPK, ExactDecimal, UTCDateTime, metadata

#: Exact decimal amounts: NUMERIC on PostgreSQL, decimal text on SQLite (which has no exact decimal type).
Amount = ExactDecimal()

guarantee_guarantee = Table(
    "guarantee_guarantee",
    metadata,
    Column("grn", String(24), primary_key=True),
    Column("guarantee_type", String(1), nullable=False),  # CL251
    Column("holder_eori", String(17), nullable=False),
    Column("office", String(8), nullable=False),  # office of guarantee
    Column("country", String(2), nullable=False),  # country of the office of guarantee
    Column("authorisation_reference", String(35)),  # CGU decision for types 0 and 1
    Column("currency", String(3), nullable=False),
    Column("reference_amount", Amount, nullable=False),
    Column("balance", Amount, nullable=False),
    Column("access_code_hash", String(160), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("countries", JSON),  # null: every EU member state and common transit country on the day of use
    Column("status", String(12), nullable=False),
    Column("status_reason", Text),
    Column("issued_by", String(120), nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)
Index("ix_guarantee_guarantee_holder_eori", guarantee_guarantee.c.holder_eori)
Index("ix_guarantee_guarantee_country_status", guarantee_guarantee.c.country, guarantee_guarantee.c.status)

guarantee_movement = Table(
    "guarantee_movement",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("grn", String(24), ForeignKey("guarantee_guarantee.grn"), nullable=False),
    Column("kind", String(12), nullable=False),  # debit / credit / adjustment / amendment
    Column("amount", Amount, nullable=False),  # signed effect on the balance, in the guarantee's currency
    Column("requested_amount", Amount),  # as asked, before conversion
    Column("requested_currency", String(3)),
    Column("balance_after", Amount, nullable=False),
    Column("reference", String(70)),  # MRN / declaration the movement is for
    Column("country", String(2)),  # where the guarantee was used
    Column("operation_id", String(64), nullable=False, unique=True),  # idempotency key
    Column("reason", Text),
    Column("at", UTCDateTime, nullable=False),
    Column("by", String(120), nullable=False),
)
Index("ix_guarantee_movement_grn_id", guarantee_movement.c.grn, guarantee_movement.c.id)
Index("ix_guarantee_movement_grn_reference", guarantee_movement.c.grn, guarantee_movement.c.reference)

TABLES = (guarantee_guarantee, guarantee_movement)
