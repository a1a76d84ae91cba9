"""Surveillance use cases: recording released items (idempotent per flow, MRN and item) and aggregating them.

Releasing systems call :func:`record` in the transaction that releases the declaration, so a record exists
exactly when the release does. Aggregates are open to customs authorities in full and to the public (DDS SURV)
only as totals: no MRN, no office, no group smaller than :data:`PUBLIC_MIN_ITEMS` items (statistical
confidentiality: a total of one or two declarations would reveal a trader's business)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Iterable

from sqlalchemy import Connection, func, select

from eucustoms.core.clock import now
from eucustoms.core.errors import ErrorCode, Forbidden, Issue, Rejected
from eucustoms.core.identifiers import MRN
from eucustoms.platform import telemetry
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.db import insert_ignore

from . import SYSTEM
from .messages import AggregateQuery, SurveillanceRecord
from .store import surv_record

PUBLIC_MIN_ITEMS = 3
MAX_GROUPS = 5000


def record(conn: Connection, records: Iterable[SurveillanceRecord | dict[str, Any]]) -> int:
    """Store the surveillance records of released items; a record already held (same flow, MRN and item) is
    kept as it was. Returns how many were new."""
    rows = []
    for r in records:
        rec = r if isinstance(r, SurveillanceRecord) else SurveillanceRecord.model_validate(r)
        rows.append({**rec.model_dump(), "recorded_at": now()})
    if not rows:
        return 0
    # RETURNING tells which rows were new (an executemany's rowcount is not reliable across drivers).
    stmt = insert_ignore(conn, surv_record, ["flow", "mrn", "item"]).returning(surv_record.c.id)
    new = len(conn.execute(stmt, rows).all())
    if new:
        telemetry.count(conn, SYSTEM, "records", "", n=new)
    return new


def records_of(conn: Connection, principal: Principal, mrn: str) -> list[dict[str, Any]]:
    """The records of one declaration, for customs authorities (an officer sees its own country's)."""
    if principal.role not in (Role.OFFICER, Role.COMMISSION):
        raise Forbidden("surveillance records are for customs authorities")
    number = str(MRN.parse(mrn))
    q = select(surv_record).where(surv_record.c.mrn == number).order_by(surv_record.c.flow, surv_record.c.item)
    if principal.role is Role.OFFICER:
        q = q.where(surv_record.c.country == principal.country)
    return [_plain(dict(r)) for r in conn.execute(q).mappings()]


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in row.items():
        if isinstance(v, Decimal):
            out[k] = str(v)
        elif isinstance(v, date):
            out[k] = v.isoformat()
        else:
            out[k] = v
    return out


def _check(q: AggregateQuery) -> None:
    issues = []
    if q.since and q.until and q.since > q.until:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/until", "the period ends before it starts"))
    if not q.group_by:
        issues.append(Issue(ErrorCode.MISSING, "/group_by", "group by at least one of the dimensions"))
    if len(set(q.group_by)) != len(q.group_by):
        issues.append(Issue(ErrorCode.DUPLICATE, "/group_by", "a dimension is given twice"))
    if issues:
        raise Rejected(issues, "the surveillance query was rejected")


def _dimension(conn: Connection, name: str):  # a SQL expression
    s = surv_record.c
    if name == "chapter":
        return func.substr(s.goods_code, 1, 2)
    if name == "heading":
        return func.substr(s.goods_code, 1, 4)
    if name == "cn8":
        return func.substr(s.goods_code, 1, 8)
    if name == "month":
        if conn.dialect.name == "postgresql":
            return func.to_char(s.release_date, "YYYY-MM")
        return func.strftime("%Y-%m", s.release_date)
    return s[name]


def aggregate(conn: Connection, query: AggregateQuery, *, public: bool = False,
              principal: Principal | None = None) -> dict[str, Any]:
    """Totals (items, declarations, net mass, supplementary quantity, value) per group of ``query.group_by``.

    ``public``: the DDS SURV view (groups under :data:`PUBLIC_MIN_ITEMS` items are suppressed). An officer's
    query is limited to its own member state's releases."""
    _check(query)
    s = surv_record.c
    dims = [(name, _dimension(conn, name).label(name)) for name in query.group_by]
    cols = [d for _, d in dims] + [
        func.count().label("items"), func.count(func.distinct(s.mrn)).label("declarations"),
        # Exact sums: the decimals are text on SQLite, so they are summed here, not in SQL (see below).
    ]
    where = []
    if query.flow:
        where.append(s.flow == query.flow)
    if query.goods_code:
        where.append(s.goods_code.startswith(query.goods_code))
    if query.origin:
        where.append(s.origin == query.origin.upper())
    if query.partner:
        where.append(s.partner == query.partner.upper())
    country = query.country.upper() if query.country else None
    if principal is not None and principal.role is Role.OFFICER and not public:
        country = principal.country
    if country:
        where.append(s.country == country)
    if query.since:
        where.append(s.release_date >= query.since)
    if query.until:
        where.append(s.release_date <= query.until)
    counts = conn.execute(select(*cols).where(*where).group_by(*[d for _, d in dims])
                          .order_by(*[d for _, d in dims]).limit(MAX_GROUPS + 1)).all()
    truncated = len(counts) > MAX_GROUPS
    counts = counts[:MAX_GROUPS]
    # Exact totals of the decimal columns, per group, from the rows themselves (one pass).
    sums: dict[tuple, list[Decimal]] = {}
    measure = select(*[d for _, d in dims], s.net_mass, s.supplementary_quantity, s.value_eur).where(*where)
    width = len(dims)
    for row in conn.execute(measure):
        key = tuple(row[:width])
        acc = sums.setdefault(key, [Decimal(0), Decimal(0), Decimal(0)])
        for i, v in enumerate(row[width:]):
            if v is not None:
                acc[i] += v
    groups = []
    suppressed = 0
    for row in counts:
        key = tuple(row[:width])
        items, declarations = row[width], row[width + 1]
        if public and items < PUBLIC_MIN_ITEMS:
            suppressed += 1
            continue
        mass, quantity, value = sums.get(key, [Decimal(0)] * 3)
        groups.append({**{name: key[i] for i, (name, _) in enumerate(dims)}, "items": items,
                       "declarations": declarations, "net_mass_kg": str(mass),
                       "supplementary_quantity": str(quantity), "value_eur": str(value)})
    return {"query": query.model_dump(mode="json", exclude_none=True), "groups": groups,
            "truncated": truncated, "suppressed_groups": suppressed,
            "confidentiality": f"groups of fewer than {PUBLIC_MIN_ITEMS} items are not shown" if public else None}
