"""AES tables. The customs office of export's system (member state A) keeps the declarations; the customs
office of exit's system (member state B, possibly A itself) keeps its exit cases, made from the anticipated
export records it received. Neither reads the other's rows: they exchange IE501/IE518 over the bus. The message
log holds both domains' entries, each row marked with the country and the side (export or exit) that keeps it."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Index, Integer, String, Table, UniqueConstraint

from eucustoms.platform.db import BigIntPK, UTCDateTime, metadata

exp_declaration = Table(
    "exp_declaration",
    metadata,
    Column("mrn", String(18), primary_key=True),
    Column("lrn", String(22), nullable=False),  # D.E. 2/5
    Column("declaration_type", String(2), nullable=False),  # D.E. 1/1: EX | CO
    Column("additional_type", String(1), nullable=False),  # D.E. 1/2: A | D
    Column("security", Integer, nullable=False),  # 0 | 2 (exit summary data included)
    Column("procedure", String(4), nullable=False),  # D.E. 1/10 of the declaration
    Column("declarant", String(17), nullable=False, index=True),  # D.E. 3/18
    Column("exporter", String(17), nullable=False, index=True),  # D.E. 3/2
    Column("representative", String(17)),  # D.E. 3/20
    Column("country", String(2), nullable=False),  # member state of the office of export (its domain)
    Column("office_of_export", String(8), nullable=False),
    Column("office_of_exit", String(8), nullable=False),  # D.E. 5/12 as declared
    Column("exit_country", String(2), nullable=False),
    Column("actual_office_of_exit", String(8)),  # from the exit results
    Column("destination", String(2), nullable=False),  # D.E. 5/8
    Column("state", String(16), nullable=False),
    Column("lodged_at", UTCDateTime, nullable=False),
    Column("accepted_at", UTCDateTime),
    Column("released_at", UTCDateTime),
    Column("exited_at", UTCDateTime),  # the date of exit reported in IE518
    Column("invalidated_at", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("control_type", String(12)),  # none | documentary | physical (decided)
    Column("control_suggested", String(12)),  # from the risk analysis
    Column("control_decided_by", String(64)),
    Column("controlled", Boolean, nullable=False),
    Column("control_result", JSON),
    Column("risk", JSON),
    Column("exit_result", JSON),  # the IE518 received
    Column("followed_by_transit", Boolean, nullable=False),
    Column("transit_mrn", String(18), index=True),
    Column("payload", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("declarant", "lrn", name="uq_exp_declaration_declarant_lrn"),
)
Index("ix_exp_declaration_country_state", exp_declaration.c.country, exp_declaration.c.state)
Index("ix_exp_declaration_country_lodged", exp_declaration.c.country, exp_declaration.c.lodged_at)

exp_log = Table(
    "exp_log",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("country", String(2), nullable=False),  # the domain that keeps the entry
    Column("side", String(6), nullable=False),  # export | exit
    Column("mrn", String(18), nullable=False),
    Column("direction", String(3), nullable=False),  # in | out
    Column("message_type", String(16), nullable=False),
    Column("party", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("payload", JSON, nullable=False),
)
Index("ix_exp_log_mrn_side", exp_log.c.mrn, exp_log.c.side)

# The customs office of exit's side (domain of member state B).
exp_exit_case = Table(
    "exp_exit_case",
    metadata,
    Column("country", String(2), primary_key=True),
    Column("mrn", String(18), primary_key=True),
    Column("export_country", String(2), nullable=False),
    Column("office_of_export", String(8), nullable=False),
    Column("declared_office_of_exit", String(8), nullable=False),
    Column("office_of_exit", String(8)),  # where the goods were actually presented (IE507)
    Column("state", String(20), nullable=False),
    Column("aer", JSON, nullable=False),  # the IE501 received
    Column("received_at", UTCDateTime, nullable=False),
    Column("arrived_at", UTCDateTime),
    Column("presented_by", String(17)),  # EORI of the person presenting (IE507)
    Column("arrival", JSON),
    Column("risk", JSON),
    Column("control_type", String(12)),
    Column("control_result", JSON),
    Column("exit_released_at", UTCDateTime),
    Column("exited_at", UTCDateTime),
    Column("carrier", String(17)),  # EORI of the carrier who notified the exit (IE590)
    Column("exit_control_result", String(2)),  # A1 | A2 | A4 | B1 sent in IE518
    Column("refusal_reason", String(512)),
    Column("updated_at", UTCDateTime, nullable=False),
)
Index("ix_exp_exit_case_country_state", exp_exit_case.c.country, exp_exit_case.c.state)

TABLES = (exp_declaration, exp_log, exp_exit_case)
