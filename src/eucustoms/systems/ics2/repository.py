"""The common repository's memory of filings: storing them, their linking keys, and relating partial
filings into the linked set that makes one complete ENS."""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import Connection, delete, insert, or_, select, update

from eucustoms.core.errors import NotFound

from .messages import Filing, linking_key, unmet
from .store import ics2_filing, ics2_link_key


def save_keys(conn: Connection, mrn: str, filing: Filing) -> None:
    links = linking_key(filing)
    conn.execute(delete(ics2_link_key).where(ics2_link_key.c.mrn == mrn))
    rows = [{"key": str(k), "direction": "provides", "mrn": mrn} for k in links.provides]
    rows += [{"key": str(k), "direction": "expects", "mrn": mrn} for k in links.expects]
    if rows:
        conn.execute(insert(ics2_link_key), rows)


def related(conn: Connection, mrn: str) -> set[str]:
    """MRNs of the filings linked to ``mrn`` directly: one provides what the other expects, or both provide
    the same master-level key (a carrier's filing and a house filer's pre-loading part)."""
    k = ics2_link_key
    mine = conn.execute(select(k.c.key, k.c.direction).where(k.c.mrn == mrn)).all()
    if not mine:
        return set()
    conditions = []
    for key, direction in mine:
        other = "expects" if direction == "provides" else "provides"
        conditions.append((k.c.key == key) & (k.c.direction == other))
        if direction == "provides":
            conditions.append((k.c.key == key) & (k.c.direction == "provides"))
    rows = conn.execute(select(k.c.mrn).where(or_(*conditions), k.c.mrn != mrn)).scalars()
    return set(rows)


def merge_groups(conn: Connection, mrn: str) -> str:
    """Put ``mrn`` and every live filing linked to it into one group (the oldest group id wins)."""
    f = ics2_filing
    linked = related(conn, mrn)
    if not linked:
        return conn.execute(select(f.c.group_id).where(f.c.mrn == mrn)).scalar_one()
    groups = set(conn.execute(select(f.c.group_id).where(f.c.mrn.in_(linked | {mrn}),
                                                          f.c.state != "invalidated")).scalars())
    groups.add(conn.execute(select(f.c.group_id).where(f.c.mrn == mrn)).scalar_one())
    target = min(groups)
    conn.execute(update(f).where(f.c.group_id.in_(groups)).values(group_id=target))
    return target


def group_rows(conn: Connection, group_id: str, *, live_only: bool = True) -> list[dict[str, Any]]:
    f = ics2_filing
    q = select(f).where(f.c.group_id == group_id)
    if live_only:
        q = q.where(f.c.state != "invalidated")
    return [dict(r) for r in conn.execute(q.order_by(f.c.lodged_at, f.c.mrn)).mappings()]


def parse_rows(rows: Iterable[dict[str, Any]]) -> list[tuple[dict[str, Any], Filing]]:
    return [(r, Filing.model_validate(r["payload"])) for r in rows]


def missing_parts(filings: list[Filing]) -> list[Any]:
    return sorted(unmet(filings))


def load(conn: Connection, mrn: str, *, for_update: bool = False) -> dict[str, Any]:
    q = select(ics2_filing).where(ics2_filing.c.mrn == mrn)
    if for_update and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).mappings().first()
    if row is None:
        raise NotFound("ENS", mrn)
    return dict(row)
