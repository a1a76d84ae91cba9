"""The surveillance records: one row per released declaration item (flow I = import, E = export)."""

from __future__ import annotations

from sqlalchemy import Column, Date, Index, Integer, String, Table, UniqueConstraint

from eucustoms.platform.db import BigIntPK, ExactDecimal, UTCDateTime, metadata

surv_record = Table(
    "surv_record",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("flow", String(1), nullable=False),  # I | E
    Column("mrn", String(18), nullable=False),
    Column("item", Integer, nullable=False),  # D.E. 1/6 goods item number
    Column("country", String(2), nullable=False),  # member state where the declaration was released
    Column("office", String(8), nullable=False),
    Column("release_date", Date, nullable=False),
    Column("procedure", String(4), nullable=False),  # D.E. 1/10 requested + previous procedure
    Column("goods_code", String(10), nullable=False),  # CN 8 or TARIC 10 (D.E. 6/14–6/15)
    Column("origin", String(2)),  # D.E. 5/16 (import)
    Column("partner", String(2)),  # country of dispatch (import, D.E. 5/14) or destination (export, D.E. 5/8)
    Column("preference", String(3)),  # D.E. 4/17 (import)
    Column("net_mass", ExactDecimal),  # kg, D.E. 6/1
    Column("supplementary_quantity", ExactDecimal),  # D.E. 6/2
    Column("supplementary_unit", String(6)),
    Column("value_eur", ExactDecimal),  # statistical value (export) or customs value (import), in EUR
    Column("recorded_at", UTCDateTime, nullable=False),
    UniqueConstraint("flow", "mrn", "item", name="uq_surv_record_flow_mrn_item"),
    Index("ix_surv_record_code_date", "goods_code", "release_date"),
    Index("ix_surv_record_date_country", "release_date", "country"),
)
