"""AES at the customs office of exit (member state B, or A itself for a direct export).

It keeps an exit case per anticipated export record received (IE501). The person presenting the goods (the
carrier, the declarant or their agent) lodges the arrival at exit (IE507); the office of exit analyses the risk
and either releases the goods for exit (IE525) or examines them first (IE561, then the officer's result and
decision: released for exit, or exit refused, IE525). When the goods have left, the carrier's exit notification
(IE590) closes the case and the exit results (IE518) go to the office of export, which certifies the exit to the
declarant (IE599). It reads only its own table (:data:`exp_exit_case`), never the declaration."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, func, insert, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import ErrorCode, Forbidden, InvalidIdentifier, Issue, NotFound, Rejected
from eucustoms.core.identifiers import CustomsOfficeRef
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.bus import Envelope
from eucustoms.platform.context import Context
from eucustoms.platform.http.errors import issues_from_pydantic
from eucustoms.refdata import RefData
from eucustoms.systems.risk import service as risk

from . import SYSTEM, codes, states
from .messages import Arrival, ExitNotification
from .service import CONTROL_RESULTS, EXIT, Row, Tx, parse_mrn, risk_summary
from .store import exp_exit_case, exp_log

_C = exp_exit_case
EXIT_CONTROL_TYPES = ("documentary", "physical")


def _case(conn: Connection, country: str, mrn: str, *, for_update: bool = False) -> Row | None:
    q = select(_C).where(_C.c.country == country, _C.c.mrn == mrn)
    if for_update and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).mappings().first()
    return Row(row) if row else None


def _save(conn: Connection, case: Row) -> None:
    case["updated_at"] = now()
    changed = {k: v for k, v in case.changes().items() if k not in ("country", "mrn")}
    if changed:
        conn.execute(update(_C).where(_C.c.country == case["country"], _C.c.mrn == case["mrn"]).values(changed))


def _no_aer(mrn: str, country: str) -> Rejected:
    return Rejected.one(ErrorCode.UNKNOWN_MRN, "/mrn", f"no anticipated export record for {mrn} at the customs offices "
                                                       f"of exit of {country}")


def _expect_case(ctx: Context, country: str, mrn: str) -> None:
    """Refuse (code 90) before taking the write lock when there is no exit case at all."""
    with ctx.db.read() as conn:
        if conn.execute(select(_C.c.state).where(_C.c.country == country, _C.c.mrn == mrn)).first() is None:
            raise _no_aer(mrn, country)


def _log(tx: Tx, case: dict[str, Any], direction: str, message_type: str, party: str, payload: dict) -> None:
    tx.log(case["country"], EXIT, case["mrn"], direction, message_type, party, payload)


def _tell_presenter(tx: Tx, case: dict[str, Any], message_type: str, payload: dict) -> None:
    _log(tx, case, "out", message_type, case["presented_by"] or "", payload)
    tx.notify({case["presented_by"]}, message_type, case["mrn"], payload)


def _parse(model, payload: Any, what: str):  # noqa: ANN001, ANN202
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise Rejected(issues_from_pydantic(exc.errors()), f"the {what} was rejected") from None


def _moment(value: str | None, pointer: str) -> datetime:
    if value is None:
        return now()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, pointer, f"{value!r} is not a date and time (ISO 8601)") from None
    if moment.tzinfo is None:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, pointer, "give the time zone (e.g. 2026-03-02T10:00:00Z)")
    if moment > now():
        raise Rejected.one(ErrorCode.RULE_VIOLATION, pointer, "the moment is in the future")
    return moment


def _office_of_exit(ctx: Context, ref: str, pointer: str, issues: list[Issue]) -> str | None:
    try:
        ref = str(CustomsOfficeRef.parse(ref))
    except InvalidIdentifier as exc:
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, pointer, f"invalid customs office reference: {exc.reason}"))
        return None
    day = now().date()
    if not RefData.from_db(ctx.db).office_has_role(ref, "EXT", day):
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, pointer, f"{ref} is not a customs office of exit (role EXT) on {day}"))
        return None
    return ref


# -- the anticipated export record and its cancellation (bus handlers of the exit member state) ---------------

def on_aer(ctx: Context, conn: Connection, env: Envelope) -> None:
    """IE501: open the exit case, awaiting the goods (a repeated AER for an open case is only logged)."""
    p = env.payload
    country, moment = env.recipient, now()
    case = _case(conn, country, p["mrn"], for_update=True)
    tx = Tx(ctx, conn)
    if case is None:
        case = {"country": country, "mrn": p["mrn"], "export_country": env.sender,
                "office_of_export": p["office_of_export"], "declared_office_of_exit": p["office_of_exit"],
                "office_of_exit": None, "state": states.AER_RECEIVED, "aer": p, "received_at": moment,
                "arrived_at": None, "presented_by": None, "arrival": None, "risk": None, "control_type": None,
                "control_result": None, "exit_released_at": None, "exited_at": None, "carrier": None,
                "exit_control_result": None, "refusal_reason": None, "updated_at": moment}
        conn.execute(insert(_C).values(case))
        tx.count("aer_received", country)
    _log(tx, case, "in", codes.AER, env.sender, {k: v for k, v in p.items() if k != "facts"})
    tx.flush()


def on_aer_cancellation(ctx: Context, conn: Connection, env: Envelope) -> None:
    """The declaration was invalidated after release: the exit case is closed (a later IE507/IE590 is refused)."""
    p = env.payload
    case = _case(conn, env.recipient, p["mrn"], for_update=True)
    if case is None:
        return
    tx = Tx(ctx, conn)
    _log(tx, case, "in", codes.AER_CANCELLATION, env.sender, p)
    if states.exit_allowed(case["state"], "cancel"):
        case["state"] = states.next_exit_state(case["mrn"], case["state"], "cancel")
        if case["presented_by"]:
            _tell_presenter(tx, case, codes.EXIT_RELEASE, {"mrn": case["mrn"], "released": False,
                                                           "reason": "the export declaration was invalidated"})
        _save(conn, case)
    tx.flush()


# -- the person presenting the goods and the carrier ----------------------------------------------------------

def arrive(ctx: Context, principal: Principal, payload: Any) -> dict[str, Any]:
    """IE507, arrival at exit, lodged by the person presenting the goods (a trader) or recorded by an officer of
    the office of exit. Refused (code 90) when that member state holds no anticipated export record for the MRN —
    goods presented in another member state than the declared office of exit's would need the AER requested
    from the office of export, which the box does not do yet. The office of exit then analyses the risk: with
    no control to make the goods are released for exit at once (IE525)."""
    if principal.role not in (Role.TRADER, Role.OFFICER) or (principal.role is Role.TRADER and not principal.eori):
        raise Forbidden("the arrival at exit is lodged by the person presenting the goods or recorded by an officer")
    a: Arrival = _parse(Arrival, payload, "arrival at exit")
    issues: list[Issue] = []
    try:
        mrn = parse_mrn(a.mrn)
    except Rejected as exc:
        issues.extend(exc.issues)
        mrn = None
    office = _office_of_exit(ctx, a.office_of_exit, "/office_of_exit", issues)
    if issues:
        raise Rejected(issues, "the arrival at exit was rejected")
    country = office[:2]  # type: ignore[index]
    if principal.role is Role.OFFICER and principal.country != country:
        raise Forbidden("an officer records arrivals at the offices of exit of its own member state")
    presented_at = _moment(a.presented_at, "/presented_at")
    presenter = principal.eori  # None when an officer records the arrival
    _expect_case(ctx, country, mrn)  # type: ignore[arg-type]
    with ctx.db.begin() as conn:
        case = _case(conn, country, mrn, for_update=True)  # type: ignore[arg-type]
        if case is None:
            raise _no_aer(mrn, country)  # type: ignore[arg-type]
        case["state"] = states.next_exit_state(case["mrn"], case["state"], "arrive")
        data = {**a.model_dump(mode="json", exclude_none=True),
                **({} if presenter else {"recorded_by": principal.name})}
        case.update(office_of_exit=office, arrived_at=presented_at, presented_by=presenter, arrival=data)
        tx = Tx(ctx, conn)
        _log(tx, case, "in", codes.ARRIVAL_AT_EXIT, presenter or principal.name, data)
        tx.count("exit_arrivals", country)
        _assess(tx, case, a.stated_discrepancies)
        _save(conn, case)
        tx.flush()
    return _answer(case)


def _assess(tx: Tx, case: dict[str, Any], discrepancies: str | None) -> None:
    """The office of exit's risk analysis (common risk criteria on the AER's facts). Goods already examined at
    the office of export are not examined again on a mere rule hit; stated discrepancies are always checked."""
    aer = case["aer"]
    facts = {**(aer.get("facts") or {"kind": "export"}), "reference": case["mrn"]}
    result = risk.national_assessment(tx.conn, case["country"], [facts], [], counts=tx.counts)[case["mrn"]]
    summary = risk_summary(result, case["country"])
    case["risk"] = summary
    control = summary["suggested"]
    if control != "none" and aer.get("controlled_at_export") and aer.get("export_control_result") == "no_irregularity":
        control = "none"
    if discrepancies and control == "none":
        control = "documentary"
    if control != "none":
        _decide(tx, case, control, "risk analysis at exit" if not discrepancies else "stated discrepancies")
    else:
        _release_for_exit(tx, case, "automatic (no control at exit)")


def _decide(tx: Tx, case: dict[str, Any], control: str, by: str) -> None:
    case["state"] = states.next_exit_state(case["mrn"], case["state"], "decide_control")
    case["control_type"] = control
    _tell_presenter(tx, case, codes.EXIT_CONTROL_NOTIFICATION, {"mrn": case["mrn"], "control": control, "decided_by": by})
    tx.count("exit_controls", control)


def _release_for_exit(tx: Tx, case: dict[str, Any], how: str) -> None:
    case["state"] = states.next_exit_state(case["mrn"], case["state"], "release_for_exit")
    case["exit_released_at"] = now()
    _tell_presenter(tx, case, codes.EXIT_RELEASE, {"mrn": case["mrn"], "released": True,
                                                   "office_of_exit": case["office_of_exit"], "decided": how})


def _exit_result_code(case: dict[str, Any]) -> str:
    result = (case["control_result"] or {}).get("result")
    if result is None:
        return codes.EXIT_CONSIDERED_SATISFACTORY
    return codes.EXIT_SATISFACTORY if result == "no_irregularity" else codes.EXIT_MINOR_DISCREPANCIES


def notify_exit(ctx: Context, principal: Principal, payload: Any) -> dict[str, Any]:
    """IE590, exit notification by the carrier: the goods have left. Only for goods released for exit (the
    arrival at exit IE507 comes first); the exit results (IE518) go to the office of export."""
    if principal.role is not Role.TRADER or not principal.eori:
        raise Forbidden("the exit notification is lodged by the carrier (a trader with its EORI)")
    n: ExitNotification = _parse(ExitNotification, payload, "exit notification")
    issues: list[Issue] = []
    try:
        mrn = parse_mrn(n.mrn)
    except Rejected as exc:
        issues.extend(exc.issues)
        mrn = None
    office = _office_of_exit(ctx, n.office_of_exit, "/office_of_exit", issues)
    if issues:
        raise Rejected(issues, "the exit notification was rejected")
    exited_at = _moment(n.exited_at, "/exited_at")
    country = office[:2]  # type: ignore[index]
    _expect_case(ctx, country, mrn)  # type: ignore[arg-type]
    with ctx.db.begin() as conn:
        case = _case(conn, country, mrn, for_update=True)  # type: ignore[arg-type]
        if case is None:
            raise _no_aer(mrn, country)  # type: ignore[arg-type]
        case["state"] = states.next_exit_state(case["mrn"], case["state"], "exit")
        if case["office_of_exit"] != office:
            raise Rejected.one(ErrorCode.RULE_VIOLATION, "/office_of_exit",
                               f"the goods were presented at {case['office_of_exit']}, not {office}")
        data = n.model_dump(mode="json", exclude_none=True)
        case.update(exited_at=exited_at, carrier=principal.eori, exit_control_result=_exit_result_code(case))
        tx = Tx(ctx, conn)
        _log(tx, case, "in", codes.EXIT_NOTIFICATION, principal.eori, data)
        _send_results(tx, case, exited_at)
        tx.count("exits_confirmed", country)
        _save(conn, case)
        tx.flush()
    return _answer(case)


def confirm_exit(ctx: Context, principal: Principal, mrn: str, exited_at: str | None = None,
                 note: str | None = None) -> dict[str, Any]:
    """An officer of the office of exit confirms the exit of goods released for exit without waiting for the
    carrier's IE590 (e.g. seen leaving, or on the carrier's manifest); the exit results (IE518) go to the office
    of export as after an IE590."""
    moment = _moment(exited_at, "/exited_at")
    with ctx.db.begin() as conn:
        case = _officer_case(conn, principal, mrn, for_update=True)
        case["state"] = states.next_exit_state(case["mrn"], case["state"], "exit")
        case.update(exited_at=moment, exit_control_result=_exit_result_code(case))
        tx = Tx(ctx, conn)
        _log(tx, case, "in", codes.EXIT_OFFICER_CONFIRMATION, principal.name,
             {"exited_at": moment.isoformat(), **({"note": note} if note else {})})
        _send_results(tx, case, moment)
        tx.count("exits_confirmed", case["country"])
        _save(conn, case)
        tx.flush()
    return _answer(case)


def _send_results(tx: Tx, case: dict[str, Any], exited_at: datetime | None, reason: str | None = None) -> None:
    """IE518 to the office of export (Art. 333 UCC IA): the exit, or the refusal (B1)."""
    results = {"mrn": case["mrn"], "office_of_exit": case["office_of_exit"],
               "exited_at": exited_at.isoformat() if exited_at else None,
               "exit_control_result": case["exit_control_result"], "control": case["control_result"],
               "stated_discrepancies": (case["arrival"] or {}).get("stated_discrepancies"),
               **({"reason": reason} if reason else {})}
    tx.send(Envelope(codes.EXIT_RESULTS, SYSTEM, case["country"], case["export_country"], results, subject=case["mrn"]))
    _log(tx, case, "out", codes.EXIT_RESULTS, case["export_country"], results)


# -- officers of the office of exit ---------------------------------------------------------------------------

def _officer_case(conn: Connection, principal: Principal, mrn: str, *, for_update: bool = False) -> Row:
    if principal.role is not Role.OFFICER:
        raise Forbidden("the exit cases are handled by the customs officers of the office of exit's member state")
    case = _case(conn, principal.country or "", parse_mrn(mrn), for_update=for_update)
    if case is None:
        raise NotFound("exit case", mrn)
    return case


def decide_control(ctx: Context, principal: Principal, mrn: str, control: str) -> dict[str, Any]:
    """The officer examines the goods presented at exit (documentary or physical, IE561)."""
    if control not in EXIT_CONTROL_TYPES:
        raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/control", f"one of {', '.join(EXIT_CONTROL_TYPES)}")
    with ctx.db.begin() as conn:
        case = _officer_case(conn, principal, mrn, for_update=True)
        states.next_exit_state(case["mrn"], case["state"], "decide_control")
        tx = Tx(ctx, conn)
        _log(tx, case, "in", codes.EXIT_OFFICER_CONTROL_DECISION, principal.name, {"control": control})
        _decide(tx, case, control, f"{principal.name} ({principal.office or principal.country})")
        _save(conn, case)
        tx.flush()
    return _answer(case)


def record_control(ctx: Context, principal: Principal, mrn: str, control: dict[str, Any]) -> dict[str, Any]:
    """The result of the control at exit; the officer then releases the goods for exit or refuses the exit."""
    if control.get("result") not in CONTROL_RESULTS:
        raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/result", f"one of {', '.join(CONTROL_RESULTS)}")
    with ctx.db.begin() as conn:
        case = _officer_case(conn, principal, mrn, for_update=True)
        case["state"] = states.next_exit_state(case["mrn"], case["state"], "record_control")
        record = {**control, "control_type": control.get("control_type") or case["control_type"],
                  "office": principal.office, "officer": principal.name, "at": now().isoformat()}
        case["control_result"] = record
        tx = Tx(ctx, conn)
        _log(tx, case, "in", codes.EXIT_OFFICER_CONTROL_RESULT, principal.name, record)
        risk.record_control_result(conn, [case["mrn"]], country=case["country"], result=record)
        tx.count("exit_control_results", control["result"])
        _save(conn, case)
        tx.flush()
    return _answer(case)


def release_for_exit(ctx: Context, principal: Principal, mrn: str) -> dict[str, Any]:
    """The officer lets the goods leave (IE525, released)."""
    with ctx.db.begin() as conn:
        case = _officer_case(conn, principal, mrn, for_update=True)
        if case["state"] == states.EXIT_UNDER_CONTROL:
            raise Rejected.one(ErrorCode.OUT_OF_SEQUENCE, "/", "a control was decided: record its result first")
        states.next_exit_state(case["mrn"], case["state"], "release_for_exit")
        tx = Tx(ctx, conn)
        _log(tx, case, "in", codes.EXIT_OFFICER_RELEASE, principal.name, {})
        _release_for_exit(tx, case, f"released by {principal.name}")
        _save(conn, case)
        tx.flush()
    return _answer(case)


def refuse_exit(ctx: Context, principal: Principal, mrn: str, reason: str) -> dict[str, Any]:
    """The goods may not leave (IE525, refused); the office of export is told (IE518 with result B1)."""
    with ctx.db.begin() as conn:
        case = _officer_case(conn, principal, mrn, for_update=True)
        case["state"] = states.next_exit_state(case["mrn"], case["state"], "refuse_exit")
        case["refusal_reason"], case["exit_control_result"] = reason, codes.EXIT_NOT_SATISFACTORY
        tx = Tx(ctx, conn)
        _log(tx, case, "in", codes.EXIT_OFFICER_REFUSAL, principal.name, {"reason": reason})
        _tell_presenter(tx, case, codes.EXIT_RELEASE, {"mrn": case["mrn"], "released": False, "reason": reason})
        _send_results(tx, case, None, reason)
        tx.count("exits_refused", case["country"])
        _save(conn, case)
        tx.flush()
    return _answer(case)


# -- reading --------------------------------------------------------------------------------------------------

def _answer(case: dict[str, Any]) -> dict[str, Any]:
    return {"mrn": case["mrn"], "state": case["state"], "office_of_exit": case["office_of_exit"] or case["declared_office_of_exit"],
            "office_of_export": case["office_of_export"], "arrived_at": case["arrived_at"],
            "control": case["control_type"], "exit_released_at": case["exit_released_at"],
            "exited_at": case["exited_at"], "exit_control_result": case["exit_control_result"]}


def _visible_to_trader(eori: str, case: dict[str, Any]) -> bool:
    aer = case["aer"] or {}
    parties = {case["presented_by"], case["carrier"], *((aer.get(r) or {}).get("eori") for r in
                                                         ("declarant", "exporter", "representative"))}
    return eori in parties


def case(ctx: Context, principal: Principal, mrn: str) -> dict[str, Any]:
    """An exit case and its log: officers of the exit member state; the person presenting, the carrier, the
    declarant, the exporter and the representative; the Commission."""
    mrn = parse_mrn(mrn)
    with ctx.db.read() as conn:
        if principal.role is Role.OFFICER:
            found = [_officer_case(conn, principal, mrn)]
        elif principal.role in (Role.TRADER, Role.COMMISSION):
            found = [dict(r) for r in conn.execute(select(_C).where(_C.c.mrn == mrn)).mappings()]
            if principal.role is Role.TRADER:
                found = [c for c in found if principal.eori and _visible_to_trader(principal.eori, c)]
        else:
            raise Forbidden("exit cases are not public")
        if not found:
            raise NotFound("exit case", mrn)
        c = found[0]
        log = conn.execute(select(exp_log).where(exp_log.c.mrn == mrn, exp_log.c.side == EXIT,
                                                 exp_log.c.country == c["country"]).order_by(exp_log.c.id)).mappings().all()
    officer = principal.role is not Role.TRADER
    aer = {k: v for k, v in (c["aer"] or {}).items() if k != "facts"}
    return {**{k: c[k] for k in ("mrn", "country", "state", "export_country", "office_of_export",
                                 "declared_office_of_exit", "office_of_exit", "received_at", "arrived_at",
                                 "presented_by", "control_type", "control_result", "exit_released_at", "exited_at",
                                 "carrier", "exit_control_result", "refusal_reason", "updated_at")},
            "aer": aer, "risk": c["risk"] if officer else None,
            "message_log": [{"direction": x["direction"], "message_type": x["message_type"], "party": x["party"],
                             "at": x["at"], "payload": x["payload"]} for x in log]}


def work_queue(ctx: Context, principal: Principal, *, state: str | None = None, limit: int = 50,
               offset: int = 0) -> dict[str, Any]:
    """The exit cases of the officer's member state (goods expected, presented, under control...)."""
    if principal.role is not Role.OFFICER:
        raise Forbidden("the exit cases are handled by the customs officers of the office of exit's member state")
    q = select(_C.c.mrn, _C.c.state, _C.c.office_of_export, _C.c.declared_office_of_exit, _C.c.office_of_exit,
               _C.c.received_at, _C.c.arrived_at, _C.c.exited_at).where(_C.c.country == principal.country)
    if state:
        q = q.where(_C.c.state == state)
    with ctx.db.read() as conn:
        total = conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()
        items = [dict(r) for r in conn.execute(q.order_by(_C.c.received_at.desc(), _C.c.mrn).limit(limit).offset(offset)).mappings()]
    return {"total": total, "limit": limit, "offset": offset, "items": items}
