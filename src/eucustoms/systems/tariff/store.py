"""TARIC tables (``tariff_*``): nomenclature, geographical areas, measures and their parts, quotas and QUOTA2.

Names follow the TARIC3 record types (goods.nomenclature, measure, measure.component, quota.definition …).
Validity is ``valid_from``/``valid_to`` inclusive, ``valid_to`` NULL meaning open-ended. Amounts, rates and
quota volumes are exact decimals (text on SQLite, which has no decimal type).
"""

from __future__ import annotations


from sqlalchemy import (
    JSON,
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


from eucustoms.platform.db import BigIntPK, ExactDecimal, UTCDateTime, metadata


release = Table(
    "tariff_release",
    metadata,
    Column("dataset", String(64), primary_key=True),
    Column("version", String(128), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("loaded_at", UTCDateTime, nullable=False),
)

goods_nomenclature = Table(
    "tariff_goods_nomenclature",
    metadata,
    Column("sid", Integer, primary_key=True, autoincrement=False),
    Column("code", String(10), nullable=False),  # goods.nomenclature.item.id
    Column("suffix", String(2), nullable=False),  # producline.suffix: "80" for real (declarable-capable) lines
    Column("indent", Integer, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("description", Text, nullable=False),
    Column("origin", String(16), nullable=False),  # "CN" (EU Vocabularies data) or "TARIC" (our subdivisions)
    UniqueConstraint("code", "suffix", "valid_from"),
)

geographical_area = Table(
    "tariff_geographical_area",
    metadata,
    Column("area_id", String(4), primary_key=True),  # ISO country code or 4-digit group id (1011, 2020 …)
    Column("area_code", String(1), nullable=False),  # 0 country, 1 group, 2 region
    Column("description", Text, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("preference_category", String(1)),  # 2 GSP group, 3 preferential agreement, NULL otherwise
)

geographical_membership = Table(
    "tariff_geographical_membership",
    metadata,
    Column("group_id", String(4), ForeignKey("tariff_geographical_area.area_id"), primary_key=True),
    Column("member_id", String(4), primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("valid_to", Date),
)

regulation = Table(
    "tariff_regulation",
    metadata,
    Column("regulation_id", String(8), primary_key=True),
    Column("role", Integer, nullable=False),  # 1 base regulation
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("information", Text, nullable=False),
)

measure_type = Table(
    "tariff_measure_type",
    metadata,
    Column("measure_type_id", String(3), primary_key=True),
    Column("description", Text, nullable=False),
    Column("series", String(1), nullable=False),  # A prohibitions, B restrictions, C duties, D AD/CVD, P VAT …
    Column("kind", String(24), nullable=False),  # third_country, preference, suspension, quota, … (ours)
    Column("order_number_capture", Integer, nullable=False),  # 1 mandatory, 2 not permitted
    Column("component_applicable", Integer, nullable=False),  # 0 mandatory, 1 permitted, 2 not permitted
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
)

additional_code = Table(
    "tariff_additional_code",
    metadata,
    Column("code", String(4), primary_key=True),  # type letter + 3 characters, e.g. C520
    Column("description", Text, nullable=False),
    Column("measure_types", JSON, nullable=False),  # measure types the additional code type applies to (ME12)
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
)

certificate = Table(
    "tariff_certificate",
    metadata,
    Column("code", String(4), primary_key=True),  # certificate type + code, e.g. C400, Y900, N954
    Column("description", Text, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
)

quota_order_number = Table(
    "tariff_quota_order_number",
    metadata,
    Column("order_number", String(6), primary_key=True),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("description", Text, nullable=False),
)

quota_order_origin = Table(
    "tariff_quota_order_origin",
    metadata,
    Column("order_number", String(6), ForeignKey("tariff_quota_order_number.order_number"), primary_key=True),
    Column("area_id", String(4), primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("valid_to", Date),
    Column("excluded", JSON, nullable=False),  # areas excluded from a group origin
)

measure = Table(
    "tariff_measure",
    metadata,
    Column("sid", Integer, primary_key=True, autoincrement=False),
    Column("measure_type_id", String(3), nullable=False),
    Column("area_id", String(4), nullable=False),
    Column("goods_code", String(10), nullable=False),
    Column("additional_code", String(4)),
    Column("order_number", String(6)),
    Column("regulation_id", String(8), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("excluded_areas", JSON, nullable=False),  # measure.excluded.geographical.area
    Column("footnote", Text),
)
Index("ix_tariff_measure_goods_code", measure.c.goods_code)

measure_component = Table(
    "tariff_measure_component",
    metadata,
    Column("measure_sid", Integer, ForeignKey("tariff_measure.sid"), primary_key=True),
    Column("sequence", Integer, primary_key=True),  # the order of the duty expression
    Column("duty_expression", String(2), nullable=False),  # 01 % or amount, 04 + …, 15 MIN, 17 MAX …
    Column("amount", ExactDecimal(), nullable=False),
    Column("currency", String(3)),  # NULL: a percentage (ad valorem)
    Column("unit", String(3)),  # measurement unit of a specific duty (DTN, HLT, NAR, ASV …)
    Column("qualifier", String(1)),  # measurement unit qualifier (X: per hl of ASV …)
)

measure_condition = Table(
    "tariff_measure_condition",
    metadata,
    Column("measure_sid", Integer, ForeignKey("tariff_measure.sid"), primary_key=True),
    Column("sequence", Integer, primary_key=True),
    Column("condition_code", String(2), nullable=False),  # B certificate, Y other conditions, PO proof (ours)
    Column("certificate", String(4)),  # NULL: the "otherwise" branch of the condition
    Column("action", String(2), nullable=False),  # 29 allowed after control, 09 not allowed, 01 apply …
)

vat_rate = Table(
    "tariff_vat_rate",
    metadata,
    Column("member_state", String(2), primary_key=True),
    Column("goods_prefix", String(10), primary_key=True),  # "" for the standard rate of every code
    Column("valid_from", Date, primary_key=True),
    Column("valid_to", Date),
    Column("rate", ExactDecimal(), nullable=False),  # percent
    Column("category", String(16), nullable=False),  # standard, reduced
)

# -- QUOTA2: the central management of tariff quotas ---------------------------------------------------------

quota_definition = Table(
    "tariff_quota_definition",
    metadata,
    Column("sid", Integer, primary_key=True, autoincrement=False),
    Column("order_number", String(6), ForeignKey("tariff_quota_order_number.order_number"), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=False),
    Column("initial_volume", ExactDecimal(), nullable=False),
    Column("balance", ExactDecimal(), nullable=False),  # the volume still available
    Column("unit", String(4), nullable=False),
    Column("critical_threshold", Integer, nullable=False),  # % of the initial volume used that makes it critical
    Column("critical", String(1), nullable=False),  # Y/N
    Column("exhausted", String(1), nullable=False),  # Y/N
    Column("description", Text, nullable=False),
    UniqueConstraint("order_number", "valid_from"),
)

quota_request = Table(
    "tariff_quota_request",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("declaration_ref", String(40), nullable=False, unique=True),
    Column("definition_sid", Integer, ForeignKey("tariff_quota_definition.sid"), nullable=False),
    Column("order_number", String(6), nullable=False),
    Column("origin", String(2), nullable=False),
    Column("quantity", ExactDecimal(), nullable=False),
    Column("accepted_at", UTCDateTime, nullable=False),  # acceptance of the declaration: the FCFS order
    Column("day", Date, nullable=False),  # the allocation day (requests of one day are equal: pro rata)
    Column("status", String(12), nullable=False),  # pending, allocated, returned, cancelled
    Column("allocated", ExactDecimal()),
    Column("allocated_on", Date),
    Column("returned", ExactDecimal()),
)
Index("ix_tariff_quota_request_day", quota_request.c.definition_sid, quota_request.c.status, quota_request.c.day)

quota_event = Table(
    "tariff_quota_event",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("definition_sid", Integer, ForeignKey("tariff_quota_definition.sid"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # allocation, critical, exhausted, return, reopened
    Column("day", Date, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("balance", ExactDecimal(), nullable=False),
    Column("detail", JSON, nullable=False),
)

TABLES = [
    release, goods_nomenclature, geographical_area, geographical_membership, regulation, measure_type,
    additional_code, certificate, quota_order_number, quota_order_origin, measure, measure_component, measure_condition, vat_rate,
    quota_definition, quota_request, quota_event,
]
