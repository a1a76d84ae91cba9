"""COPIS tables: applications for action, detentions, and the log of every step on a detention."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text

from eucustoms.platform.db import BigIntPK, ExactDecimal, UTCDateTime, metadata

copis_application = Table(
    "copis_application",
    metadata,
    Column("reference", String(24), primary_key=True),
    Column("kind", String(8), nullable=False),  # national / union
    Column("country", String(2), nullable=False),  # member state of the competent customs department
    Column("member_states", JSON, nullable=False),  # where action is requested
    Column("applicant", JSON, nullable=False),
    Column("applicant_eori", String(17)),
    Column("applicant_status", String(40), nullable=False),
    Column("representative", JSON),
    Column("rights", JSON, nullable=False),
    Column("goods", JSON, nullable=False),
    Column("small_consignments", Boolean, nullable=False),
    Column("state", String(12), nullable=False),
    Column("lodged_on", Date, nullable=False),
    Column("complete_on", Date),
    Column("info_due", Date),
    Column("decided_on", Date),
    Column("valid_from", Date),
    Column("valid_to", Date),
    Column("extension_requested_on", Date),
    Column("outcome_reason", Text),
    Column("lodged_by", String(120), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)
Index("ix_copis_application_country_state", copis_application.c.country, copis_application.c.state)
Index("ix_copis_application_applicant_eori", copis_application.c.applicant_eori)

copis_detention = Table(
    "copis_detention",
    metadata,
    Column("reference", String(24), primary_key=True),
    Column("application", String(24), ForeignKey("copis_application.reference"), nullable=False, index=True),
    Column("country", String(2), nullable=False),  # member state of the detaining office
    Column("office", String(8), nullable=False),
    Column("declaration", String(70), nullable=False),
    Column("situation", String(20), nullable=False),
    Column("declarant", JSON, nullable=False),
    Column("declarant_eori", String(17)),
    Column("holder_of_goods", JSON),
    Column("holder_of_goods_eori", String(17)),
    Column("rights", JSON, nullable=False),  # the application's rights concerned, with their types
    Column("goods", JSON, nullable=False),
    Column("articles", Integer, nullable=False),
    Column("perishable", Boolean, nullable=False),
    Column("small_consignment", Boolean, nullable=False),
    Column("gross_mass_kg", ExactDecimal()),
    Column("state", String(12), nullable=False),
    Column("detained_on", Date, nullable=False),
    Column("notified_on", Date, nullable=False),
    Column("due", Date, nullable=False),
    Column("extended_by", Integer, nullable=False),
    Column("holder_infringement", Boolean),
    Column("holder_agrees", Boolean),
    Column("holder_answered_on", Date),
    Column("declarant_agrees", Boolean),
    Column("declarant_answered_on", Date),
    Column("proceedings", JSON),
    Column("closed_on", Date),
    Column("outcome_reason", Text),
    Column("detained_by", String(120), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)
Index("ix_copis_detention_country_detained_on", copis_detention.c.country, copis_detention.c.detained_on)
Index("ix_copis_detention_declarant_eori", copis_detention.c.declarant_eori)

copis_event = Table(
    "copis_event",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("subject", String(24), nullable=False),  # application or detention reference
    Column("action", String(32), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("by", String(120), nullable=False),
    Column("details", JSON, nullable=False),
)
Index("ix_copis_event_subject_id", copis_event.c.subject, copis_event.c.id)

TABLES = (copis_application, copis_detention, copis_event)
