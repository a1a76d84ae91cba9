"""ICS2 tables. The common repository (central domain): filings, their linking keys, referrals and the
trader-facing message log. The national entry systems (one domain per member state): their case of each
ENS they analyse, with its risk result, presentation and control."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Index, Integer, String, Table, Text, UniqueConstraint

from eucustoms.platform.db import BigIntPK, UTCDateTime, metadata

# -- common repository (domain EU) -------------------------------------------------------------------------

ics2_filing = Table(
    "ics2_filing",
    metadata,
    Column("mrn", String(18), primary_key=True),
    Column("group_id", String(18), nullable=False, index=True),  # MRN of the first filing of the linked set
    Column("message_type", String(8), nullable=False),
    Column("filing_type", String(4), nullable=False),
    Column("mode", String(1)),
    Column("lrn", String(22), nullable=False),
    Column("declarant", String(17), nullable=False, index=True),
    Column("representative", String(17)),
    Column("carrier", String(17)),
    Column("transport_document", String(70)),
    Column("office_of_first_entry", String(8)),
    Column("country", String(2), nullable=False),  # the member state responsible (first entry / addressed)
    Column("state", String(24), nullable=False),
    Column("pre_loading", Boolean, nullable=False),
    Column("lodged_at", UTCDateTime, nullable=False),
    Column("deadline", UTCDateTime),
    Column("deadline_rule", String(24), nullable=False),
    Column("late", Boolean, nullable=False),
    Column("analysis_started_at", UTCDateTime),
    Column("assessed_at", UTCDateTime),
    Column("arrived_at", UTCDateTime),
    Column("invalidated_at", UTCDateTime),
    Column("risk_outcome", JSON),
    Column("payload", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("declarant", "lrn"),
)
Index("ix_ics2_filing_country_state", ics2_filing.c.country, ics2_filing.c.state)
Index("ix_ics2_filing_transport_document", ics2_filing.c.transport_document)

ics2_link_key = Table(
    "ics2_link_key",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("direction", String(8), primary_key=True),  # "provides" | "expects"
    Column("mrn", String(18), primary_key=True),
)
Index("ix_ics2_link_key_mrn", ics2_link_key.c.mrn)

ics2_referral = Table(
    "ics2_referral",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("mrn", String(18), nullable=False, index=True),
    Column("kind", String(3), nullable=False),  # RFI | RFS | DNL
    Column("addressee", String(17), nullable=False),  # EORI of the trader who must answer
    Column("requested_by", String(2), nullable=False),  # member state that asked
    Column("requested_at", UTCDateTime, nullable=False),
    Column("request", JSON, nullable=False),
    Column("state", String(10), nullable=False),  # open | answered | closed
    Column("answered_at", UTCDateTime),
    Column("answer", JSON),
)

ics2_log = Table(
    "ics2_log",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("mrn", String(18), index=True),
    Column("direction", String(3), nullable=False),  # in | out
    Column("message_type", String(8), nullable=False),
    Column("party", String(17), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("payload", JSON, nullable=False),
)

# -- national entry systems (one domain per member state) ---------------------------------------------------

ics2_nes_case = Table(
    "ics2_nes_case",
    metadata,
    Column("country", String(2), primary_key=True),
    Column("mrn", String(18), primary_key=True),
    Column("group_id", String(18), nullable=False),
    Column("role", String(12), nullable=False),  # first_entry | concerned (received a risk signal only)
    Column("received_at", UTCDateTime, nullable=False),
    Column("state", String(24), nullable=False),
    Column("facts", JSON, nullable=False),
    Column("signals", JSON, nullable=False),
    Column("hits", JSON, nullable=False),
    Column("outcome", String(16)),
    Column("control_recommended", Boolean, nullable=False),
    Column("assessed_at", UTCDateTime),
    Column("presented_at", UTCDateTime),
    Column("control", JSON),
    Column("comments", Text),
)
Index("ix_ics2_nes_case_country_state", ics2_nes_case.c.country, ics2_nes_case.c.state)
