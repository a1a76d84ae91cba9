"""The offices of transit (each in its member state's domain): the anticipated transit record (IE050) each
receives at release, and the notification crossing frontier (IE118) an officer sends to the office of
departure when the goods pass. It reads only its own table (:data:`.store.transit_passage`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import ErrorCode, Forbidden, NotFound, Rejected
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.bus import Envelope, writer_turn
from eucustoms.platform.context import Context

from . import codes, states
from .exchange import Exchange, parse_mrn
from .store import transit_passage

_P = transit_passage


def on_atr(ctx: Context, conn: Connection, env: Envelope) -> None:
    """IE050: a movement declared through this office of transit was released."""
    p = env.payload
    exists = conn.execute(select(_P.c.mrn).where(_P.c.country == env.recipient, _P.c.mrn == p["mrn"],
                                                 _P.c.office == p["office"])).first()
    if exists:
        return
    conn.execute(insert(_P).values(
        country=env.recipient, mrn=p["mrn"], office=p["office"], departure_country=env.sender,
        state=states.next_state(states.TRANSIT_OFFICE, f"transit movement {p['mrn']}", states.NEW, "atr"),
        received_at=now(), crossed_at=None, atr=p))


def record_crossing(ctx: Context, principal: Principal, mrn: str, office: str | None = None) -> dict[str, Any]:
    """The goods passed the office of transit: IE118 to the office of departure. ``office`` may be left out
    when the officer's own office (or the only one of its member state on the route) is meant."""
    if principal.role is not Role.OFFICER or not principal.country:
        raise Forbidden("the crossing is recorded by the customs officers of the office of transit")
    mrn = parse_mrn(mrn)
    with writer_turn(ctx.db), ctx.db.begin() as conn:
        rows = [dict(r) for r in conn.execute(select(_P).where(_P.c.country == principal.country, _P.c.mrn == mrn)
                                              .order_by(_P.c.office)).mappings()]
        if not rows:
            raise NotFound("transit movement at an office of transit", mrn)
        wanted = (office or "").upper() or principal.office
        row = next((r for r in rows if r["office"] == wanted), None)
        if row is None:
            if office or len(rows) > 1:
                raise Rejected.one(ErrorCode.RULE_VIOLATION, "/office",
                                   f"movement {mrn} passes {', '.join(r['office'] for r in rows)} here: name one of them")
            row = rows[0]
        row["state"] = states.next_state(states.TRANSIT_OFFICE, f"transit movement {mrn} at {row['office']}",
                                         row["state"], "cross")
        moment = now()
        row["crossed_at"] = moment
        conn.execute(update(_P).where(_P.c.country == row["country"], _P.c.mrn == mrn, _P.c.office == row["office"])
                     .values(state=row["state"], crossed_at=moment))
        tx = Exchange(ctx, conn, row["country"], row["office"])
        tx.action(mrn, codes.OFFICER_CROSSING, principal.name, {"office": row["office"]})
        tx.send(codes.CROSSING, row["departure_country"], {"mrn": mrn, "office": row["office"],
                                                           "crossed_at": moment.isoformat()}, subject=mrn)
        tx.count("crossings_notified", row["country"])
        tx.flush()
    return {k: row[k] for k in ("mrn", "country", "office", "state", "received_at", "crossed_at")}


def work_queue(ctx: Context, principal: Principal, *, state: str | None = None, limit: int = 50,
               offset: int = 0) -> dict[str, Any]:
    """The movements announced to the officer's member state's offices of transit."""
    if principal.role is not Role.OFFICER:
        raise Forbidden("the offices of transit's movements are for that member state's officers")
    q = select(_P.c.mrn, _P.c.office, _P.c.state, _P.c.received_at, _P.c.crossed_at).where(_P.c.country == principal.country)
    if state:
        q = q.where(_P.c.state == state)
    with ctx.db.read() as conn:
        total = conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()
        items = [dict(r) for r in conn.execute(q.order_by(_P.c.received_at.desc(), _P.c.mrn).limit(limit).offset(offset)).mappings()]
    return {"total": total, "limit": limit, "offset": offset, "items": items}
