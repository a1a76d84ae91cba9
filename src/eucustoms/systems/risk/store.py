"""Risk management tables of the central domain (SSA): every consignment scored with its EU-level features,
signals and, once a member state reports its control, the label; the history of the entities seen across
all member states; and the registry of trained models."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, Float, Index, Integer, String, Table

from eucustoms.platform.db import UTCDateTime, metadata

risk_assessment = Table(
    "risk_assessment",
    metadata,
    Column("reference", String(40), primary_key=True),  # MRN/house number
    Column("subject", String(18), nullable=False, index=True),  # the MRN
    Column("kind", String(20), nullable=False),
    Column("country", String(2), nullable=False),  # member state of first entry / responsible
    Column("scored_at", UTCDateTime, nullable=False),
    Column("day", Date, nullable=False),
    Column("features", JSON, nullable=False),
    Column("entities", JSON, nullable=False),  # the entity keys it was counted under (see risk_entity)
    Column("score", Float),
    Column("model_version", String(40)),
    Column("signals", JSON, nullable=False),
    Column("label", Integer),  # 1 irregularity found, 0 control without findings, NULL not controlled
    Column("critical", Boolean),
    Column("labelled_at", UTCDateTime),
    Column("labelled_by", String(2)),
)
Index("ix_risk_assessment_labelled", risk_assessment.c.label, risk_assessment.c.day)

risk_entity = Table(
    "risk_entity",
    metadata,
    Column("kind", String(24), primary_key=True),  # consignee, consignor, address, route, hs4, declarant
    Column("key", String(200), primary_key=True),
    Column("first_seen", Date, nullable=False),
    Column("last_seen", Date, nullable=False),
    Column("filings", Integer, nullable=False),
    Column("countries", JSON, nullable=False),  # member states of first entry where it appeared
    Column("names", JSON, nullable=False),  # distinct party names seen under this key (for addresses)
    Column("controls", Integer, nullable=False),
    Column("positives", Integer, nullable=False),
)

risk_model = Table(
    "risk_model",
    metadata,
    Column("version", String(40), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("trained_at", UTCDateTime, nullable=False),
    Column("path", String(512), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("metrics", JSON, nullable=False),
    Column("active", Boolean, nullable=False),
)
