"""CERTEX tables: the certificates partner systems issued (with their balance) and every use of them by a
customs declaration item (reservations, verifications, restorations, adjustments), with the balance before and
after."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from eucustoms.platform.db import BigIntPK, ExactDecimal, UTCDateTime, metadata

#: Exact decimal quantities: NUMERIC on PostgreSQL, decimal text on SQLite.
Quantity = ExactDecimal()

certex_certificate = Table(
    "certex_certificate",
    metadata,
    Column("reference", String(70), primary_key=True),  # as issued by the partner system
    Column("domain", String(16), nullable=False),  # catalogue.DOMAINS
    Column("document_code", String(4)),  # CL213/TARIC code; null where the domain's code is not confirmed
    Column("partner_system", String(64), nullable=False),
    Column("holder_eori", String(17), nullable=False),
    Column("goods_codes", JSON, nullable=False),  # CN/TARIC code prefixes (2 to 10 digits) the certificate covers
    Column("goods_description", Text, nullable=False),
    Column("quantity_managed", Boolean, nullable=False),
    Column("unit", String(4)),  # TARIC measurement unit of total and balance
    Column("total", Quantity),
    Column("balance", Quantity),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),  # null: open-ended
    Column("countries", JSON),  # member states where it may be used; null: every member state
    Column("issuing_authority", String(120)),
    Column("status", String(12), nullable=False),
    Column("status_reason", Text),
    Column("issued_by", String(120), nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)
Index("ix_certex_certificate_holder_eori", certex_certificate.c.holder_eori)
Index("ix_certex_certificate_domain_status", certex_certificate.c.domain, certex_certificate.c.status)

certex_movement = Table(
    "certex_movement",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("reference", String(70), ForeignKey("certex_certificate.reference"), nullable=False),
    Column("kind", String(8), nullable=False),  # use | verify | restore | adjust
    Column("quantity", Quantity),  # signed effect on the balance, in the certificate's unit (0 for a verification)
    Column("declared_quantity", Quantity),  # as declared, before conversion
    Column("declared_unit", String(4)),
    Column("balance_before", Quantity),
    Column("balance_after", Quantity),
    Column("declaration_ref", String(70), nullable=False),  # MRN (or LRN before acceptance)
    Column("item_no", Integer, nullable=False),  # D.E. 1/6 goods item number
    Column("procedure", String(4)),  # D.E. 1/10 or transit declaration type
    Column("goods_code", String(10)),
    Column("country", String(2)),  # member state of the customs office
    Column("operation_id", String(64), nullable=False),  # idempotency key of the call
    Column("seq", Integer, nullable=False),  # position within the call (an invalidation restores several items)
    Column("at", UTCDateTime, nullable=False),
    Column("by", String(120), nullable=False),
    UniqueConstraint("operation_id", "seq", name="uq_certex_movement_operation_id_seq"),
)
Index("ix_certex_movement_reference_id", certex_movement.c.reference, certex_movement.c.id)
Index("ix_certex_movement_declaration_ref_item_no", certex_movement.c.declaration_ref, certex_movement.c.item_no)
Index("ix_certex_movement_country_at", certex_movement.c.country, certex_movement.c.at)

TABLES = (certex_certificate, certex_movement)
