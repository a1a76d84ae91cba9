"""The national entry system of a member state: it analyses the ENS whose first entry is in its territory
(common risk criteria + the EU-level signals), answers the common repository, follows arrival and
presentation, and records the controls its officers perform."""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import Connection, bindparam, func, insert, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import ErrorCode, Forbidden, Issue, NotFound, Rejected
from eucustoms.core.identifiers import MRN
from eucustoms.platform import telemetry
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.bus import CENTRAL, Envelope, batched
from eucustoms.platform.context import Context
from eucustoms.systems.risk import service as risk

from . import SYSTEM, codes
from .store import ics2_nes_case

CONTROL_RESULTS = ("no_irregularity", "irregularity", "seizure")
CONTROL_TYPES = ("documentary", "scan", "physical", "screening")


def _outcome_per_mrn(per_ref: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The strongest outcome over the house consignments of each filing."""
    order = {"none": 0, "RFI": 1, "RFS": 2, "DNL": 3}
    out: dict[str, dict[str, Any]] = {}
    for ref, r in per_ref.items():
        mrn, house = ref.split("/")
        cur = out.setdefault(mrn, {"outcome": "none", "control_recommended": False, "reasons": [], "houses": []})
        if order[r["outcome"]] > order[cur["outcome"]]:
            cur["outcome"] = r["outcome"]
        cur["control_recommended"] |= r["control_recommended"]
        cur["reasons"] += [f"house {house}: {x}" for x in r["reasons"]]
        if r["outcome"] != "none":
            cur["houses"].append(int(house))
    return out


_CASE_COLUMNS = ("group_id", "role", "received_at", "state", "facts", "signals", "hits", "outcome",
                 "control_recommended", "assessed_at")
_c = ics2_nes_case
# (country IN ... AND mrn IN ...), filtered after: SQLite scans the table for a row-value IN (VALUES ...).
_CASES_KNOWN = select(_c.c.country, _c.c.mrn).where(_c.c.country.in_(bindparam("countries", expanding=True)),
                                                    _c.c.mrn.in_(bindparam("mrns", expanding=True)))
_CASE_INSERT = insert(_c)
_CASE_UPDATE = update(_c).where(_c.c.country == bindparam("b_country"), _c.c.mrn == bindparam("b_mrn")).values(
    **{col: bindparam(f"b_{col}") for col in _CASE_COLUMNS})


class _Cases:
    """The cases of the national entry systems written by a batch of messages: read once, changed in
    memory in the order of the messages, written at the end (an insert of the new, an update of the others)."""

    def __init__(self, conn: Connection, pairs: Iterable[tuple[str, str]]):
        self.conn = conn
        self.values: dict[tuple[str, str], dict[str, Any]] = {}
        wanted = sorted(set(pairs))
        self.stored: set[tuple[str, str]] = set()
        for start in range(0, len(wanted), 400):
            chunk = wanted[start:start + 400]
            found = conn.execute(_CASES_KNOWN, {"countries": sorted({c for c, _ in chunk}),
                                                "mrns": sorted({m for _, m in chunk})})
            self.stored.update(pair for pair in ((r.country, r.mrn) for r in found) if pair in set(chunk))

    def exists(self, pair: tuple[str, str]) -> bool:
        return pair in self.values or pair in self.stored

    def put(self, pair: tuple[str, str], values: dict[str, Any]) -> None:
        self.values[pair] = {**dict.fromkeys(_CASE_COLUMNS), **values}

    def write(self) -> None:
        pairs = sorted(self.values)
        fresh = [{"country": c, "mrn": m, **self.values[(c, m)]} for c, m in pairs if (c, m) not in self.stored]
        if fresh:
            self.conn.execute(_CASE_INSERT, fresh)
        again = [{"b_country": c, "b_mrn": m, **{f"b_{k}": v for k, v in self.values[(c, m)].items()}}
                 for c, m in pairs if (c, m) in self.stored]
        if again:
            self.conn.execute(_CASE_UPDATE, again)


def on_messages(ctx: Context, conn: Connection, envs: list[Envelope]) -> None:
    """The batch variant of :func:`on_risk_analysis_request` and :func:`on_risk_signal`: the requests and
    signals of a delivery batch, in order, with their cases and answers written all at once."""
    def pairs(env: Envelope) -> list[tuple[str, str]]:
        key = "versions" if env.message_type == codes.RA_REQUEST else "mrns"
        return [(env.recipient, mrn) for mrn in env.payload[key]]

    cases = _Cases(conn, (pair for env in envs for pair in pairs(env)))
    counts: list[tuple[str, str, str]] = []
    replies: list[Envelope] = []
    for env in envs:
        if env.message_type == codes.RA_REQUEST:
            replies.append(_analyse(cases, env, counts))
        elif env.message_type == codes.RISK_SIGNAL:
            _signal(cases, env)
        else:
            raise ValueError(f"{env.message_type} is not handled in batches")
    cases.write()
    ctx.bus.send(conn, *replies, counts=counts)
    telemetry.count_many(conn, counts)


def _analyse(cases: _Cases, env: Envelope, counts: list) -> Envelope:
    """ICS2_RA_REQ: analyse, keep the case; returns the ICS2_RA_RES."""
    country = env.recipient
    p = env.payload
    per_ref = risk.national_assessment(cases.conn, country, p["facts"], p["signals"], counts=counts)
    moment = now()
    for mrn in p["versions"]:
        refs = {ref: r for ref, r in per_ref.items() if ref.split("/")[0] == mrn}
        facts = [x for x in p["facts"] if x["reference"].split("/")[0] == mrn]
        worst = _outcome_per_mrn(refs).get(mrn, {"outcome": "none", "control_recommended": False})
        cases.put((country, mrn), {
            "group_id": p["group_id"], "role": "first_entry", "received_at": moment,
            "state": "referral" if worst["outcome"] in ("RFI", "RFS") else
                     ("do_not_load" if worst["outcome"] == "DNL" else "assessed"),
            "facts": facts, "signals": [s for s in p["signals"] if s["reference"].split("/")[0] == mrn],
            "hits": [h for r in refs.values() for h in r["hits"]], "outcome": worst["outcome"],
            "control_recommended": worst["control_recommended"], "assessed_at": moment})
    counts.extend([(SYSTEM, "risk_analyses", country)] * len(per_ref))
    return env.reply(codes.RA_RESULT, {
        "group_id": p["group_id"], "versions": p["versions"], "outcomes": _outcome_per_mrn(per_ref)})


def _signal(cases: _Cases, env: Envelope) -> None:
    """ICS2_SIGNAL: another member state is concerned by an ENS it does not analyse itself."""
    p = env.payload
    moment = now()
    for mrn in p["mrns"]:
        sigs = [s for s in p["signals"] if s["reference"].split("/")[0] == mrn]
        if not sigs or cases.exists((env.recipient, mrn)):
            continue  # nothing for it, or it is already a case of this member state
        cases.put((env.recipient, mrn), {
            "group_id": p["group_id"], "role": "concerned", "received_at": moment, "state": "signal_received",
            "facts": [x for x in p["facts"] if x["reference"].split("/")[0] == mrn], "signals": sigs, "hits": [],
            "outcome": None, "control_recommended": False})


@batched(on_messages)
def on_risk_analysis_request(ctx: Context, conn: Connection, env: Envelope) -> None:
    """ICS2_RA_REQ: analyse, keep the case, answer ICS2_RA_RES."""
    on_messages(ctx, conn, [env])


@batched(on_messages)
def on_risk_signal(ctx: Context, conn: Connection, env: Envelope) -> None:
    """ICS2_SIGNAL: another member state is concerned by an ENS it does not analyse itself."""
    on_messages(ctx, conn, [env])


def on_referral_answer(ctx: Context, conn: Connection, env: Envelope) -> None:
    """ICS2_REF_ANS: re-assess with the trader's answer and answer the repository again."""
    p = env.payload
    c = ics2_nes_case
    case = conn.execute(select(c).where(c.c.country == env.recipient, c.c.mrn == p["mrn"])).mappings().first()
    if case is None:
        return
    per_ref = risk.national_assessment(conn, env.recipient, case["facts"], case["signals"],
                                       answers={p["mrn"]: {"kind": p["kind"], **p["answer"]}})
    worst = _outcome_per_mrn(per_ref).get(p["mrn"], {"outcome": "none", "control_recommended": False})
    conn.execute(update(c).where(c.c.country == env.recipient, c.c.mrn == p["mrn"]).values(
        state="do_not_load" if worst["outcome"] == "DNL" else "assessed", outcome=worst["outcome"],
        control_recommended=worst["control_recommended"] or p["kind"] == "RFS", assessed_at=now()))
    ctx.bus.send(conn, env.reply(codes.RA_RESULT, {
        "group_id": case["group_id"], "versions": {p["mrn"]: p["version"]}, "outcomes": {p["mrn"]: worst}}))


def on_arrival(ctx: Context, conn: Connection, env: Envelope) -> None:
    c = ics2_nes_case
    for mrn in env.payload["mrns"]:
        conn.execute(update(c).where(c.c.country == env.recipient, c.c.mrn == mrn).values(state="arrived"))


# -- officer actions -------------------------------------------------------------------------------------------

def _officer_case(conn: Connection, principal: Principal, mrn: str) -> dict[str, Any]:
    if principal.role is not Role.OFFICER:
        raise Forbidden("presentation and control are recorded by the customs officers of the member state")
    mrn = str(MRN.parse(mrn))
    c = ics2_nes_case
    case = conn.execute(select(c).where(c.c.country == principal.country, c.c.mrn == mrn)).mappings().first()
    if case is None or case["role"] != "first_entry":
        raise NotFound("ENS", mrn)
    return dict(case)


def present(ctx: Context, principal: Principal, mrn: str) -> dict[str, Any]:
    """The goods are presented at the office of first entry (Art. 139 UCC)."""
    with ctx.db.begin() as conn:
        case = _officer_case(conn, principal, mrn)
        if case["state"] != "arrived":
            raise Rejected.one(ErrorCode.OUT_OF_SEQUENCE, "/", f"ENS {case['mrn']} is {case['state']} here: presentation needs arrival")
        moment = now()
        conn.execute(update(ics2_nes_case).where(ics2_nes_case.c.country == principal.country,
                                                 ics2_nes_case.c.mrn == case["mrn"]).values(
            state="presented", presented_at=moment))
        ctx.bus.send(conn, Envelope(codes.PRESENTATION, SYSTEM, principal.country, CENTRAL,
                                    {"mrns": [case["mrn"]], "office": principal.office, "at": moment.isoformat()},
                                    subject=case["mrn"]))
    return {"mrn": case["mrn"], "state": "presented", "presented_at": moment.isoformat()}


def record_control(ctx: Context, principal: Principal, mrn: str, control: dict[str, Any]) -> dict[str, Any]:
    """The result of a control: type, result (no irregularity, irregularity, seizure), what was found.
    Sent to the repository, where it labels the consignment for the analytics model."""
    issues = []
    if control.get("control_type") not in CONTROL_TYPES:
        issues.append(("/control_type", f"one of {', '.join(CONTROL_TYPES)}"))
    if control.get("result") not in CONTROL_RESULTS:
        issues.append(("/result", f"one of {', '.join(CONTROL_RESULTS)}"))
    if issues:
        raise Rejected([Issue(ErrorCode.CODELIST_VIOLATION, p, r) for p, r in issues], "the control result was rejected")
    with ctx.db.begin() as conn:
        case = _officer_case(conn, principal, mrn)
        if case["state"] not in ("arrived", "presented"):
            raise Rejected.one(ErrorCode.OUT_OF_SEQUENCE, "/", f"ENS {case['mrn']} is {case['state']} here: control needs arrival")
        moment = now()
        record = {**control, "office": principal.office, "officer": principal.name, "at": moment.isoformat()}
        conn.execute(update(ics2_nes_case).where(ics2_nes_case.c.country == principal.country,
                                                 ics2_nes_case.c.mrn == case["mrn"]).values(
            state="controlled", control=record))
        references = [x["reference"] for x in case["facts"]]
        ctx.bus.send(conn, Envelope(codes.CONTROL_RESULT, SYSTEM, principal.country, CENTRAL,
                                    {"mrns": [case["mrn"]], "references": references, "result": record},
                                    subject=case["mrn"]))
        telemetry.count(conn, SYSTEM, "controls", control["result"])
    return {"mrn": case["mrn"], "state": "controlled", "control": record}


def work_queue(ctx: Context, principal: Principal, *, state: str | None = None, limit: int = 50,
               offset: int = 0) -> dict[str, Any]:
    """The officer's country's cases: awaiting arrival, to present, to control, signals received."""
    if principal.role is not Role.OFFICER:
        raise Forbidden("the national entry system is for that member state's officers")
    c = ics2_nes_case
    q = select(c.c.mrn, c.c.role, c.c.state, c.c.outcome, c.c.control_recommended, c.c.received_at,
               c.c.assessed_at, c.c.signals, c.c.hits).where(c.c.country == principal.country)
    if state:
        q = q.where(c.c.state == state)
    with ctx.db.read() as conn:
        total = conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()
        rows = conn.execute(q.order_by(c.c.control_recommended.desc(), c.c.received_at.desc()).limit(limit)
                            .offset(offset)).mappings().all()
    return {"total": total, "limit": limit, "offset": offset, "items": [
        {**{k: v for k, v in r.items() if k not in ("signals", "hits")},
         "signals": [s["source"] for s in r["signals"]], "rules": sorted({h["rule_id"] for h in r["hits"]})}
        for r in rows]}


def case(ctx: Context, principal: Principal, mrn: str) -> dict[str, Any]:
    if principal.role is not Role.OFFICER:
        raise Forbidden("the national entry system is for that member state's officers")
    mrn = str(MRN.parse(mrn))
    with ctx.db.read() as conn:
        row = conn.execute(select(ics2_nes_case).where(ics2_nes_case.c.country == principal.country,
                                                       ics2_nes_case.c.mrn == mrn)).mappings().first()
    if row is None:
        raise NotFound("ENS", mrn)
    return dict(row)
