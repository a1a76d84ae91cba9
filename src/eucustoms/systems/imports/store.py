"""Import tables. A member state's import system (the office where the declaration is lodged: the customs
office of presentation, or the supervising customs office in centralised clearance) keeps the declarations,
their message log and the CCL authorisations it recorded; the office of presentation of a centralised
clearance keeps its own case of the declarations sent to it. Neither reads the other's tables: they exchange
messages over the bus."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, Float, Index, Integer, String, Table, UniqueConstraint

from eucustoms.platform.db import BigIntPK, UTCDateTime, metadata

imp_declaration = Table(
    "imp_declaration",
    metadata,
    Column("mrn", String(18), primary_key=True),
    Column("lrn", String(22), nullable=False),
    Column("dataset", String(2), nullable=False),  # H1 | H7
    Column("additional_type", String(1), nullable=False),  # D.E. 1/2: A (on presentation) | D (pre-lodged)
    Column("procedure", String(4), nullable=False),  # D.E. 1/10 of the first item
    Column("declarant", String(17), nullable=False, index=True),  # D.E. 3/17
    Column("representative", String(17)),  # D.E. 3/20
    Column("importer", String(17)),  # D.E. 3/15
    Column("country", String(2), nullable=False),  # member state of the office of lodgement (decides release)
    Column("office_of_lodgement", String(8), nullable=False),  # D.E. 5/27 in CCI, else 5/26
    Column("office_of_presentation", String(8), nullable=False),  # D.E. 5/26
    Column("presentation_country", String(2), nullable=False),
    Column("cci", Boolean, nullable=False),
    Column("state", String(16), nullable=False),
    Column("lodged_at", UTCDateTime, nullable=False),
    Column("accepted_at", UTCDateTime),
    Column("released_at", UTCDateTime),
    Column("release_seconds", Float),  # acceptance → release
    Column("invalidated_at", UTCDateTime),
    Column("control_type", String(12)),  # none | documentary | physical (decided)
    Column("control_suggested", String(12)),  # from the risk analysis
    Column("control_decided_by", String(64)),
    Column("controlled", Boolean, nullable=False),  # a control was performed before the release decision
    Column("control_result", JSON),
    Column("awaiting", String(16)),  # cci_risk: waiting for the office of presentation's risk analysis
    Column("risk", JSON),
    Column("debt", JSON),  # D.E. 4/8 per item and the totals
    Column("debt_total", String(24)),  # EUR, decimal text
    Column("debt_status", String(10), nullable=False),  # none | unpaid | secured | paid | cancelled
    Column("grn", String(24)),  # D.E. 8/2
    Column("paid_at", UTCDateTime),
    Column("quota_refs", JSON, nullable=False),  # quota request references (MRN/item)
    Column("payload", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("declarant", "lrn", name="uq_imp_declaration_declarant_lrn"),
)
Index("ix_imp_declaration_country_accepted", imp_declaration.c.country, imp_declaration.c.accepted_at)
Index("ix_imp_declaration_country_state", imp_declaration.c.country, imp_declaration.c.state)

imp_log = Table(
    "imp_log",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("mrn", String(18), index=True),
    Column("direction", String(3), nullable=False),  # in | out
    Column("message_type", String(16), nullable=False),
    Column("party", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("payload", JSON, nullable=False),
)

# Decisions (authorisations) recorded directly until the customs decisions system exists: CCL for now.
imp_authorisation = Table(
    "imp_authorisation",
    metadata,
    Column("reference", String(35), primary_key=True),
    Column("type", String(3), nullable=False),  # CCL
    Column("holder", String(17), nullable=False, index=True),
    Column("country", String(2), nullable=False),  # member state that granted it
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("countries", JSON),  # member states of presentation covered (None: all)
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

# The customs office of presentation's side of a centralised clearance (domain of member state B).
imp_cci_case = Table(
    "imp_cci_case",
    metadata,
    Column("country", String(2), primary_key=True),
    Column("mrn", String(18), primary_key=True),
    Column("supervising_country", String(2), nullable=False),
    Column("supervising_office", String(8), nullable=False),
    Column("office_of_presentation", String(8), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("state", String(16), nullable=False),  # assessed | to_control | controlled | released | not_released
    Column("particulars", JSON, nullable=False),
    Column("risk", JSON),
    Column("control", JSON),
    Column("released_at", UTCDateTime),
)
Index("ix_imp_cci_case_country_state", imp_cci_case.c.country, imp_cci_case.c.state)

TABLES = (imp_declaration, imp_log, imp_authorisation, imp_cci_case)
