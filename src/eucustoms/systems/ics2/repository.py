"""The common repository's memory of filings: storing them, their linking keys, and relating partial
filings into the linked set that makes one complete ENS."""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import Connection, and_, bindparam, delete, insert, or_, select, update

from eucustoms.core.errors import NotFound

from .messages import Filing, Links, linking_key, unmet
from .store import ics2_filing, ics2_link_key

# Built once: building a statement costs more than executing it.
_k = ics2_link_key
_KEYS_OF = select(_k.c.key, _k.c.direction).where(_k.c.mrn == bindparam("mrn"))
# Linked: a key I provide that another filing expects or provides too, or a key I expect that one provides.
_RELATED = select(_k.c.mrn).where(
    or_(_k.c.key.in_(bindparam("provides", expanding=True)),
        and_(_k.c.key.in_(bindparam("expects", expanding=True)), _k.c.direction == "provides")),
    _k.c.mrn != bindparam("mrn"))
_SAVE_KEYS = insert(ics2_link_key)
_LOAD = select(ics2_filing).where(ics2_filing.c.mrn == bindparam("mrn"))
_LOAD_LOCKED = _LOAD.with_for_update()
_f = ics2_filing
_LOAD_MANY = (select(_f).where(_f.c.mrn.in_(bindparam("mrns", expanding=True))).order_by(_f.c.mrn))
_LOAD_MANY_LOCKED = _LOAD_MANY.with_for_update()
# Without the particulars (payload), for the state changes that do not need them.
_STATES = select(*[c for c in _f.c if c.name != "payload"]).where(
    _f.c.mrn.in_(bindparam("mrns", expanding=True))).order_by(_f.c.mrn)
_STATES_LOCKED = _STATES.with_for_update()


def save_keys(conn: Connection, mrn: str, filing: Filing, links: Links | None = None, *, new: bool = False) -> None:
    """Store the keys ``filing`` provides and expects (replacing those of an earlier version unless ``new``)."""
    links = links or linking_key(filing)
    if not new:
        conn.execute(delete(ics2_link_key).where(ics2_link_key.c.mrn == mrn))
    rows = [{"key": str(k), "direction": "provides", "mrn": mrn} for k in links.provides]
    rows += [{"key": str(k), "direction": "expects", "mrn": mrn} for k in links.expects]
    if rows:
        conn.execute(_SAVE_KEYS, rows)


def related(conn: Connection, mrn: str, links: Links | None = None) -> set[str]:
    """MRNs of the filings linked to ``mrn`` directly: one provides what the other expects, or both provide
    the same master-level key (a carrier's filing and a house filer's pre-loading part). ``links``: the keys
    of ``mrn`` when the caller has them (else they are read)."""
    if links is not None:
        provides, expects = sorted(map(str, links.provides)), sorted(map(str, links.expects))
    else:
        mine = conn.execute(_KEYS_OF, {"mrn": mrn}).all()
        provides = sorted(key for key, direction in mine if direction == "provides")
        expects = sorted(key for key, direction in mine if direction == "expects")
    if not provides and not expects:
        return set()
    return set(conn.execute(_RELATED, {"provides": provides, "expects": expects, "mrn": mrn}).scalars())


def merge_groups(conn: Connection, mrn: str, linked: set[str] | None = None) -> str:
    """Put ``mrn`` and every live filing linked to it into one group (the oldest group id wins). ``linked``:
    :func:`related` of ``mrn`` when the caller has it."""
    f = ics2_filing
    linked = related(conn, mrn) if linked is None else linked
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
    q = _LOAD_LOCKED if for_update and conn.dialect.name == "postgresql" else _LOAD
    row = conn.execute(q, {"mrn": mrn}).mappings().first()
    if row is None:
        raise NotFound("ENS", mrn)
    return dict(row)


def load_many(conn: Connection, mrns: Iterable[str], *, for_update: bool = False,
              payload: bool = True) -> dict[str, dict[str, Any]]:
    """MRN → row for each of ``mrns`` (locked in MRN order with ``for_update`` on PostgreSQL); NotFound for
    the first unknown one. Without ``payload`` the rows lack the particulars (no JSON to read)."""
    wanted = sorted(set(mrns))
    locked = for_update and conn.dialect.name == "postgresql"
    q = (_LOAD_MANY_LOCKED if locked else _LOAD_MANY) if payload else (_STATES_LOCKED if locked else _STATES)
    rows: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):
        rows.update((r["mrn"], dict(r)) for r in conn.execute(q, {"mrns": wanted[start:start + 500]}).mappings())
    for mrn in wanted:
        if mrn not in rows:
            raise NotFound("ENS", mrn)
    return rows
