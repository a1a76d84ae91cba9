"""Centralised clearance for import: the customs office of presentation's side (member state B).

It receives the particulars of a declaration accepted at a supervising customs office in another member
state (CCI_PART), runs its own risk analysis and answers (CCI_RISK), performs the control when one is decided
and reports it (CCI_CTRL), and on the release decision (CCI_REL) releases the goods physically (CCI_EXIT).
It reads only its own table (:data:`imp_cci_case`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import ErrorCode, Forbidden, Issue, NotFound, Rejected
from eucustoms.platform import telemetry
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.bus import Envelope, batched
from eucustoms.platform.context import Context
from eucustoms.systems.risk import service as risk

from . import SYSTEM, codes
from .service import _check_result, _parse_mrn, _risk_summary
from .store import imp_cci_case

_C = imp_cci_case


def _case(conn: Connection, country: str, mrn: str) -> dict[str, Any] | None:
    row = conn.execute(select(_C).where(_C.c.country == country, _C.c.mrn == mrn)).mappings().first()
    return dict(row) if row else None


def _cases(conn: Connection, keys: set[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """The cases of ``keys`` (country, MRN) that exist, read at once."""
    if not keys:
        return {}
    rows = conn.execute(select(_C).where(_C.c.country.in_(sorted({c for c, _ in keys})),  # the primary key serves it
                                         _C.c.mrn.in_(sorted({m for _, m in keys})))).mappings()
    return {(r["country"], r["mrn"]): dict(r) for r in rows if (r["country"], r["mrn"]) in keys}


def on_particulars_many(ctx: Context, conn: Connection, envs: list[Envelope]) -> None:
    """CCI_PART (consecutive messages of a delivery, in order): keep each case, analyse it with the common risk
    criteria, answer CCI_RISK. One risk analysis per member state, one insert, one count and one send."""
    mrns = [env.payload["mrn"] for env in envs]
    if len(set(mrns)) < len(mrns):  # two versions of one declaration: one after the other
        for env in envs:
            on_particulars_many(ctx, conn, [env])
        return
    counts: list[tuple[str, str, str]] = []
    summaries: dict[str, dict[str, Any]] = {}
    by_country: dict[str, list[Envelope]] = {}
    for env in envs:
        by_country.setdefault(env.recipient, []).append(env)
    for country, group in by_country.items():
        results = risk.national_assessment(conn, country, [env.payload["facts"] for env in group], [], counts=counts)
        for env in group:
            summaries[env.payload["mrn"]] = _risk_summary(results[env.payload["mrn"]], country)
    existing = _cases(conn, {(env.recipient, env.payload["mrn"]) for env in envs})
    moment = now()
    new_rows, replies = [], []
    for env in envs:
        p, country = env.payload, env.recipient
        summary = summaries[p["mrn"]]
        values = {"supervising_country": env.sender, "supervising_office": p["supervising_office"],
                  "office_of_presentation": p["office_of_presentation"], "received_at": moment,
                  "state": "to_control" if summary["suggested"] != "none" else "assessed",
                  "particulars": {k: v for k, v in p.items() if k != "facts"}, "risk": summary, "control": None,
                  "released_at": None}
        if (country, p["mrn"]) in existing:  # a new version after an amendment
            conn.execute(update(_C).where(_C.c.country == country, _C.c.mrn == p["mrn"]).values(**values))
        else:
            new_rows.append({"country": country, "mrn": p["mrn"], **values})
        counts.append((SYSTEM, "cci_particulars_received", country))
        replies.append(env.reply(codes.CCI_RISK_RESULT, {"mrn": p["mrn"], "version": p["version"], "risk": summary}))
    if new_rows:
        conn.execute(insert(_C), new_rows)
    ctx.bus.send(conn, *replies, counts=counts)
    telemetry.count_many(conn, counts)


@batched(on_particulars_many)
def on_particulars(ctx: Context, conn: Connection, env: Envelope) -> None:
    """CCI_PART: keep the case, analyse it with the common risk criteria, answer CCI_RISK."""
    on_particulars_many(ctx, conn, [env])


def on_decisions(ctx: Context, conn: Connection, envs: list[Envelope]) -> None:
    """CCI_REL / CCI_NREL (consecutive messages of a delivery, in order): release the goods physically and tell
    the supervising office (CCI_EXIT); or the goods are not released (or the declaration was invalidated)."""
    cases = _cases(conn, {(env.recipient, env.payload["mrn"]) for env in envs})
    moment = now()
    replies = []
    for env in envs:
        p = env.payload
        case = cases.get((env.recipient, p["mrn"]))
        if case is None:
            continue
        where = (_C.c.country == env.recipient, _C.c.mrn == p["mrn"])
        if env.message_type == codes.CCI_RELEASE:
            conn.execute(update(_C).where(*where).values(state="released", released_at=moment))
            replies.append(env.reply(codes.CCI_EXIT, {"mrn": p["mrn"], "office": case["office_of_presentation"],
                                                      "released_at": moment.isoformat()}))
        else:
            conn.execute(update(_C).where(*where).values(
                state="invalidated" if p.get("reason") == "invalidated" else "not_released"))
    ctx.bus.send(conn, *replies)


@batched(on_decisions)
def on_decision(ctx: Context, conn: Connection, env: Envelope) -> None:
    """CCI_REL: release the goods physically and tell the supervising office (CCI_EXIT); CCI_NREL: the goods
    are not released (or the declaration was invalidated)."""
    on_decisions(ctx, conn, [env])


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
    _check_result(control)
    with ctx.db.begin() as conn:
        case = _officer_case(conn, principal, mrn)
        if case["state"] not in ("assessed", "to_control"):
            raise Rejected.one(ErrorCode.OUT_OF_SEQUENCE, "/", f"case {case['mrn']} is {case['state']}")
        numbers = {i["item_number"] for i in case["particulars"].get("items", [])}
        wrong = [n for n, c in enumerate(control.get("corrections") or []) if c.get("item_number") not in numbers]
        if wrong:
            raise Rejected([Issue(ErrorCode.RULE_VIOLATION, f"/corrections/{n}/item_number",
                                  "the declaration has no such goods item") for n in wrong],
                           "the control result was rejected")
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
