"""PoUS tables. PoUS is a central (Commission) system: one register of proofs consulted by the customs
authorities of every member state. A proof carries the member state of its office of issue (which endorses and
may invalidate it), its goods items (each used at most once), the uses recorded by offices of presentation,
its message log, and the authorised issuer (ACP) authorisations recorded until the customs decisions system
provides them."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from eucustoms.platform.db import BigIntPK, UTCDateTime, metadata

pous_proof = Table(
    "pous_proof",
    metadata,
    Column("mrn", String(18), primary_key=True),  # procedure category: proof of the customs status of Union goods
    Column("lrn", String(22), nullable=False),  # the requester's own reference
    Column("proof_type", String(4), nullable=False),  # T2L | T2LF | CGM
    Column("requester", String(17), nullable=False),  # EORI of the person concerned (holder of the proof)
    Column("authorised_issuer", Boolean, nullable=False),
    Column("authorisation_reference", String(35)),  # ACP authorisation of an authorised issuer
    Column("office_of_issue", String(8), nullable=False),
    Column("country", String(2), nullable=False),  # member state of the office of issue
    Column("port_of_departure", String(5)),  # UN/LOCODE
    Column("port_of_arrival", String(5)),  # UN/LOCODE
    Column("arrival_country", String(2)),  # country of the port of arrival (where the proof is expected to be used)
    Column("state", String(16), nullable=False),  # stored state; "expired" is derived from valid_until
    Column("requested_at", UTCDateTime, nullable=False),
    Column("registered_at", UTCDateTime),
    Column("valid_until", Date),  # last day of validity (90 days after registration)
    Column("registered_by", String(120)),  # the endorsing officer, or "authorised issuer"
    Column("endorsing_office", String(8)),
    Column("remarks", Text),
    Column("rejected_at", UTCDateTime),
    Column("rejection_reason", Text),
    Column("invalidated_at", UTCDateTime),
    Column("invalidated_by", String(120)),
    Column("invalidation_reason", Text),
    Column("items_total", Integer, nullable=False),
    Column("items_used", Integer, nullable=False),
    Column("transport", JSON),
    Column("payload", JSON, nullable=False),  # the request as accepted
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("requester", "lrn", name="uq_pous_proof_requester_lrn"),
)
Index("ix_pous_proof_requester", pous_proof.c.requester)
Index("ix_pous_proof_country_state", pous_proof.c.country, pous_proof.c.state)
Index("ix_pous_proof_arrival_country", pous_proof.c.arrival_country)

pous_use = Table(
    "pous_use",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("mrn", String(18), ForeignKey("pous_proof.mrn"), nullable=False),
    Column("office", String(8), nullable=False),  # office where the goods were presented
    Column("country", String(2), nullable=False),
    Column("items", JSON, nullable=False),  # item numbers used by this presentation
    Column("complete", Boolean, nullable=False),  # the proof was used up by this presentation
    Column("reference", String(70)),  # e.g. the temporary storage or customs declaration it supports
    Column("at", UTCDateTime, nullable=False),
    Column("by", String(120), nullable=False),
)
Index("ix_pous_use_mrn", pous_use.c.mrn)
Index("ix_pous_use_country_mrn", pous_use.c.country, pous_use.c.mrn)

pous_item = Table(
    "pous_item",
    metadata,
    Column("mrn", String(18), ForeignKey("pous_proof.mrn"), primary_key=True),
    Column("item_number", Integer, primary_key=True),
    Column("description", Text, nullable=False),
    Column("cn_code", String(8)),
    Column("gross_mass", String(32), nullable=False),  # kg, decimal text
    Column("packages", Integer, nullable=False),
    Column("package_kind", String(2)),
    Column("containers", JSON, nullable=False),
    Column("non_union_packaging", Boolean, nullable=False),  # Art. 199(4) IA: "N packaging" indication
    Column("transport_document", String(70)),
    Column("use_id", BigInteger, ForeignKey("pous_use.id")),  # set when the item was used
)

pous_log = Table(
    "pous_log",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("mrn", String(18), nullable=False),
    Column("direction", String(3), nullable=False),  # in | out
    Column("message_type", String(16), nullable=False),
    Column("party", String(120), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("payload", JSON, nullable=False),
)
Index("ix_pous_log_mrn_id", pous_log.c.mrn, pous_log.c.id)

# Authorised issuer (ACP) authorisations, recorded by the granting member state until the decisions system exists.
pous_authorisation = Table(
    "pous_authorisation",
    metadata,
    Column("reference", String(35), primary_key=True),
    Column("holder", String(17), nullable=False),
    Column("country", String(2), nullable=False),  # the granting member state: the only one where it applies
    Column("proof_types", JSON, nullable=False),  # T2L / T2LF / CGM covered
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("recorded_by", String(120), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)
Index("ix_pous_authorisation_holder", pous_authorisation.c.holder)

TABLES = (pous_proof, pous_use, pous_item, pous_log, pous_authorisation)
