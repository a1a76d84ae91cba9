"""Centralised clearance for import: the customs office of presentation's side (member state B).

It receives the particulars of a declaration accepted at a supervising customs office in another member
state (CCI_PART), runs its own risk analysis and answers (CCI_RISK), performs the control when one is decided
and reports it (CCI_CTRL), and on the release decision (CCI_REL) releases the goods physically (CCI_EXIT).
It reads only its own table (:data:`imp_cci_case`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import ErrorCode, Forbidden, NotFound, Rejected
from eucustoms.platform import telemetry
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.bus import Envelope
from eucustoms.platform.context import Context
from eucustoms.systems.risk import service as risk

from . import SYSTEM, codes
from .service import CONTROL_RESULTS, _parse_mrn, _risk_summary
from .store import imp_cci_case

_C = imp_cci_case


def _case(conn: Connection, country: str, mrn: str) -> dict[str, Any] | None:
    row = conn.execute(select(_C).where(_C.c.country == country, _C.c.mrn == mrn)).mappings().first()
    return dict(row) if row else None


def on_particulars(ctx: Context, conn: Connection, env: Envelope) -> None:
    """CCI_PART: keep the case, analyse it with the common risk criteria, answer CCI_RISK."""
    p = env.payload
    country = env.recipient
    result = risk.national_assessment(conn, country, [p["facts"]], [])[p["mrn"]]
    summary = _risk_summary(result, country)
    values = {"supervising_country": env.sender, "supervising_office": p["supervising_office"],
              "office_of_presentation": p["office_of_presentation"], "received_at": now(),
              "state": "to_control" if summary["suggested"] != "none" else "assessed",
              "particulars": {k: v for k, v in p.items() if k != "facts"}, "risk": summary, "control": None,
              "released_at": None}
    if _case(conn, country, p["mrn"]) is None:
        conn.execute(insert(_C).values(country=country, mrn=p["mrn"], **values))
    else:  # a new version after an amendment
        conn.execute(update(_C).where(_C.c.country == country, _C.c.mrn == p["mrn"]).values(**values))
    telemetry.count(conn, SYSTEM, "cci_particulars_received", country)
    ctx.bus.send(conn, env.reply(codes.CCI_RISK_RESULT, {"mrn": p["mrn"], "version": p["version"], "risk": summary}))


def on_decision(ctx: Context, conn: Connection, env: Envelope) -> None:
    """CCI_REL: release the goods physically and tell the supervising office (CCI_EXIT); CCI_NREL: the goods
    are not released (or the declaration was invalidated)."""
    p = env.payload
    case = _case(conn, env.recipient, p["mrn"])
    if case is None:
        return
    moment = now()
    if env.message_type == codes.CCI_RELEASE:
        conn.execute(update(_C).where(_C.c.country == env.recipient, _C.c.mrn == p["mrn"]).values(
            state="released", released_at=moment))
        ctx.bus.send(conn, env.reply(codes.CCI_EXIT, {"mrn": p["mrn"], "office": case["office_of_presentation"],
                                                       "released_at": moment.isoformat()}))
    else:
        conn.execute(update(_C).where(_C.c.country == env.recipient, _C.c.mrn == p["mrn"]).values(
            state="invalidated" if p.get("reason") == "invalidated" else "not_released"))


# -- officers of the office of presentation ------------------------------------------------------------------

def _officer_case(conn: Connection, principal: Principal, mrn: str) -> dict[str, Any]:
    if principal.role is not Role.OFFICER:
        raise Forbidden("the office of presentation's cases are for that member state's officers")
    case = _case(conn, principal.country or "", _parse_mrn(mrn))
    if case is None:
        raise NotFound("centralised clearance case", mrn)
    return case


def record_control(ctx: Context, principal: Principal, mrn: str, control: dict[str, Any]) -> dict[str, Any]:
    """The office of presentation records the control it performed; the result goes to the supervising office."""
    if control.get("result") not in CONTROL_RESULTS:
        raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/result", f"one of {', '.join(CONTROL_RESULTS)}")
    with ctx.db.begin() as conn:
        case = _officer_case(conn, principal, mrn)
        if case["state"] not in ("assessed", "to_control"):
            raise Rejected.one(ErrorCode.OUT_OF_SEQUENCE, "/", f"case {case['mrn']} is {case['state']}")
        record = {**control, "office": principal.office, "officer": principal.name, "at": now().isoformat()}
        conn.execute(update(_C).where(_C.c.country == case["country"], _C.c.mrn == case["mrn"]).values(
            state="controlled", control=record))
        ctx.bus.send(conn, Envelope(codes.CCI_CONTROL_RESULT, SYSTEM, case["country"], case["supervising_country"],
                                    {"mrn": case["mrn"], "result": record}, subject=case["mrn"]))
        telemetry.count(conn, SYSTEM, "cci_controls", control["result"])
    return {**case, "state": "controlled", "control": record}


def case(ctx: Context, principal: Principal, mrn: str) -> dict[str, Any]:
    with ctx.db.read() as conn:
        return _officer_case(conn, principal, mrn)


def work_queue(ctx: Context, principal: Principal, *, state: str | None = None, limit: int = 50,
               offset: int = 0) -> dict[str, Any]:
    if principal.role is not Role.OFFICER:
        raise Forbidden("the office of presentation's cases are for that member state's officers")
    q = select(_C.c.mrn, _C.c.state, _C.c.supervising_office, _C.c.office_of_presentation, _C.c.received_at,
               _C.c.released_at).where(_C.c.country == principal.country)
    if state:
        q = q.where(_C.c.state == state)
    with ctx.db.read() as conn:
        total = conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()
        items = [dict(r) for r in conn.execute(q.order_by(_C.c.received_at.desc()).limit(limit).offset(offset)).mappings()]
    return {"total": total, "limit": limit, "offset": offset, "items": items}
