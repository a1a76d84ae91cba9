"""EBTI tables (``ebti_*``): applications, decisions, the public search terms of each decision and the history."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text

from eucustoms.platform.db import BigIntPK, UTCDateTime, metadata

ebti_application = Table(
    "ebti_application",
    metadata,
    Column("reference", String(35), primary_key=True),
    Column("member_state", String(2), nullable=False),
    Column("holder_eori", String(17), nullable=False),
    Column("representative_eori", String(17)),  # the trader who applied for the holder, if not the holder
    Column("lodged_by", String(120), nullable=False),
    Column("goods_description", Text, nullable=False),
    Column("commercial_denomination", Text),
    Column("proposed_code", String(10)),
    Column("attachments", JSON, nullable=False),  # [{uri, media_type, sha256, kind, description}]
    Column("samples", Boolean, nullable=False),
    Column("confidential", JSON, nullable=False),  # names of the fields the applicant asked to keep confidential
    Column("language", String(2)),
    Column("state", String(16), nullable=False),
    Column("state_reason", Text),
    Column("lodged_at", UTCDateTime, nullable=False),
    Column("acceptance_due", Date, nullable=False),
    Column("accepted_at", UTCDateTime),
    Column("decision_due", Date),
    Column("closed_at", UTCDateTime),
    Column("bti_reference", String(35)),
    Column("version", Integer, nullable=False),
)
Index("ix_ebti_application_member_state_state", ebti_application.c.member_state, ebti_application.c.state)
Index("ix_ebti_application_holder_eori", ebti_application.c.holder_eori)

ebti_decision = Table(
    "ebti_decision",
    metadata,
    Column("reference", String(35), primary_key=True),
    Column("application_reference", String(35), ForeignKey("ebti_application.reference"), nullable=False, unique=True),
    Column("member_state", String(2), nullable=False),
    Column("holder_eori", String(17), nullable=False),
    Column("representative_eori", String(17)),
    Column("code", String(10), nullable=False),  # CN (8 digits) or TARIC (10 digits)
    Column("goods_description", Text, nullable=False),
    Column("commercial_denomination", Text),
    Column("attachments", JSON, nullable=False),
    Column("confidential", JSON, nullable=False),
    Column("justification", Text, nullable=False),
    Column("keywords", JSON, nullable=False),
    Column("language", String(2)),
    Column("decided_by", String(120), nullable=False),
    Column("decided_at", UTCDateTime, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=False),  # the end of the three years (Art. 33(3) UCC)
    Column("code_valid_to", Date),  # the last day the code exists in the nomenclature (NULL: open-ended)
    Column("ended_on", Date),  # the last day of validity set by a revocation
    Column("last_day", Date, nullable=False),  # the earliest of the three: the last day the BTI is valid
    Column("status", String(12), nullable=False),
    Column("end_reason", Text),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)
Index("ix_ebti_decision_holder_eori_code", ebti_decision.c.holder_eori, ebti_decision.c.code)
Index("ix_ebti_decision_code", ebti_decision.c.code)
Index("ix_ebti_decision_member_state_last_day", ebti_decision.c.member_state, ebti_decision.c.last_day)

# The words of a decision's public fields (description, keywords, commercial denomination unless confidential),
# folded to lower case without accents: the portable full-text index of the public search.
ebti_term = Table(
    "ebti_term",
    metadata,
    Column("reference", String(35), ForeignKey("ebti_decision.reference"), primary_key=True),
    Column("term", String(64), primary_key=True),
)
Index("ix_ebti_term_term", ebti_term.c.term)

ebti_history = Table(
    "ebti_history",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("subject", String(35), nullable=False, index=True),  # an application or a BTI reference
    Column("version", Integer, nullable=False),
    Column("action", String(24), nullable=False),
    Column("changed_by", String(120), nullable=False),
    Column("changed_at", UTCDateTime, nullable=False),
    Column("reason", Text),
    Column("changes", JSON, nullable=False),
)

TABLES = [ebti_application, ebti_decision, ebti_term, ebti_history]
