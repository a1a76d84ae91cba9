"""CDS tables: applications, their extensions and consultations, decisions, suspensions, and the log of every step."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text

from eucustoms.platform.db import BigIntPK, UTCDateTime, metadata

cds_application = Table(
    "cds_application",
    metadata,
    Column("reference", String(24), primary_key=True),
    Column("decision_type", String(4), nullable=False),
    Column("applicant", String(17), nullable=False),
    Column("country", String(2), nullable=False),  # member state of the competent customs authority
    Column("countries", JSON),  # geographical validity applied for; null: every member state (AEO)
    Column("customs_office", String(8)),
    Column("description", Text, nullable=False),
    Column("details", JSON, nullable=False),  # goods, guarantee amount, location, requested start, consult
    Column("publication_consent", Boolean, nullable=False),
    Column("state", String(16), nullable=False),
    Column("lodged_on", Date, nullable=False),
    Column("complete_on", Date),  # the day the last missing information was received
    Column("info_due", Date),
    Column("accepted_on", Date),
    Column("hearing_on", Date),
    Column("hearing_grounds", Text),
    Column("comment_on", Date),
    Column("comment", Text),
    Column("decided_on", Date),
    Column("decision_reference", String(35)),
    Column("outcome_reason", Text),
    Column("lodged_by", String(120), nullable=False),
    Column("lodged_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)
Index("ix_cds_application_country_state", cds_application.c.country, cds_application.c.state)
Index("ix_cds_application_applicant", cds_application.c.applicant)

cds_extension = Table(
    "cds_extension",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("application", String(24), ForeignKey("cds_application.reference"), nullable=False, index=True),
    Column("ground", String(16), nullable=False),
    Column("days", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("recorded_on", Date, nullable=False),
    Column("by", String(120), nullable=False),
)

cds_consultation = Table(
    "cds_consultation",
    metadata,
    Column("application", String(24), ForeignKey("cds_application.reference"), primary_key=True),
    Column("country", String(2), primary_key=True),  # the consulted member state
    Column("requested_on", Date, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("answer", String(8)),  # agreed / objected; null: not answered
    Column("answered_on", Date),
    Column("answered_by", String(120)),
    Column("reason", Text),
)
Index("ix_cds_consultation_country", cds_consultation.c.country)

cds_decision = Table(
    "cds_decision",
    metadata,
    Column("reference", String(35), primary_key=True),
    Column("application", String(24), ForeignKey("cds_application.reference"), nullable=False, unique=True),
    Column("decision_type", String(4), nullable=False),
    Column("holder", String(17), nullable=False),
    Column("country", String(2), nullable=False),  # the member state that took it
    Column("countries", JSON),  # geographical validity; null: every member state (AEO)
    Column("customs_office", String(8)),
    Column("decided_on", Date, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("state", String(12), nullable=False),
    Column("ends_on", Date),  # first day it no longer applies (revocation)
    Column("ended_on", Date),  # the day it was revoked or annulled
    Column("revocation_ground", String(32)),
    Column("status_reason", Text),
    Column("conditions", Text),
    Column("details", JSON, nullable=False),
    Column("publication_consent", Boolean, nullable=False),
    Column("decided_by", String(120), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)
Index("ix_cds_decision_holder_type", cds_decision.c.holder, cds_decision.c.decision_type)
Index("ix_cds_decision_country_state", cds_decision.c.country, cds_decision.c.state)

cds_suspension = Table(
    "cds_suspension",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("decision", String(35), ForeignKey("cds_decision.reference"), nullable=False, index=True),
    Column("suspended_from", Date, nullable=False),
    Column("lifted_on", Date),  # first day it applies again
    Column("reason", Text, nullable=False),
)

cds_event = Table(
    "cds_event",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("application", String(24), ForeignKey("cds_application.reference"), nullable=False),
    Column("decision", String(35)),
    Column("action", String(32), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("by", String(120), nullable=False),
    Column("details", JSON, nullable=False),
)
Index("ix_cds_event_application_id", cds_event.c.application, cds_event.c.id)

TABLES = (cds_application, cds_extension, cds_consultation, cds_decision, cds_suspension, cds_event)
