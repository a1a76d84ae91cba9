"""The office of destination (the member state's domain that received the AAR).

It keeps the anticipated arrival record (IE001) sent at release; accepts the trader's arrival notification
(CC007C) and tells the office of departure (IE006 arrival advice); gives the authorised consignee the
unloading permission (CC043C: at once when the arrival is notified under the simplified procedure, else by an
officer); takes the unloading remarks (CC044C); and releases the goods (CC025C) with the control results sent
to the office of departure (IE018): at once when the remarks are conform, otherwise once an officer recorded
the results. It reads only its own table (:data:`.store.transit_arrival`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select

from eucustoms.core.clock import now
from eucustoms.core.errors import ErrorCode, Forbidden, InvalidIdentifier, Issue, NotFound, Rejected
from eucustoms.core.identifiers import MRN
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.bus import Envelope, writer_turn
from eucustoms.platform.context import Context
from eucustoms.systems.guarantees.service import refdata_for

from . import codes, replies, states
from .exchange import Attempt, Exchange, Sent, domains, identification_of, outcome, parse_mrn, sender_of
from .messages import node, nodes, text
from .store import Row, save, transit_arrival

_A = transit_arrival
RESULTS = {"satisfactory": codes.RESULT_SATISFACTORY, "discrepancies": codes.RESULT_NOT_SATISFACTORY}
AUTHORISED_CONSIGNEE = "C522"  # ACE, CL236 AuthorisationTypeDestination


_LOAD = select(_A).where(_A.c.country == bindparam("country"), _A.c.mrn == bindparam("mrn"))
_LOAD_FOR_UPDATE = _LOAD.with_for_update()
_INSERT = insert(_A)


def _load(conn: Connection, country: str, mrn: str, *, for_update: bool = False) -> Row | None:
    q = _LOAD_FOR_UPDATE if for_update and conn.dialect.name == "postgresql" else _LOAD
    row = conn.execute(q, {"country": country, "mrn": mrn}).mappings().first()
    return Row(row) if row else None


def _save(conn: Connection, row: Row) -> None:
    row["updated_at"] = now()
    save(conn, _A, row)


def _step(row: dict[str, Any], action: str) -> None:
    row["state"] = states.next_state(states.DESTINATION, f"transit movement {row['mrn']} at destination",
                                     row["state"], action)


def _tell(tx: Exchange, row: dict[str, Any], message_type: str, data: dict[str, Any], *,
          correlation: str | None = None) -> Sent:
    """A CC message from the office of destination to the trader at destination."""
    return tx.reply(message_type, data, mrn=row["mrn"], lrn=None, trader=row["trader"],
                    recipient=(row["arrival"] or {}).get("sender") or row["trader"], notify=(row["trader"],),
                    correlation=correlation)


def _answer(row: dict[str, Any], sent: list[Sent]) -> dict[str, Any]:
    return {"mrn": row["mrn"], "country": row["country"], "state": row["state"], "office_actual": row["office_actual"],
            "trader": row["trader"], "updated_at": row["updated_at"], "replies": [s.as_dict() for s in sent]}


# -- from the office of departure ---------------------------------------------------------------------------

def on_aar(ctx: Context, conn: Connection, env: Envelope) -> None:
    """IE001: a movement released for this member state's office of destination is expected."""
    p = env.payload
    if _load(conn, env.recipient, p["mrn"]) is not None:
        return
    moment = now()
    conn.execute(_INSERT, dict(
        country=env.recipient, mrn=p["mrn"], departure_country=env.sender, office_of_departure=p["office_of_departure"],
        office_of_destination=p["office_of_destination"], office_actual=None,
        holder=(p.get("holder") or {}).get("identificationNumber"), trader=None, simplified=None,
        state=states.next_state(states.DESTINATION, f"transit movement {p['mrn']}", states.NEW, "aar"),
        received_at=moment, arrived_at=None, unloading_permitted_at=None, remarks_at=None, released_at=None,
        updated_at=moment, aar=p, arrival=None, unloading=None, control=None))


# -- the trader at destination --------------------------------------------------------------------------------

def _identify(attempt: Attempt) -> tuple[str, str, list[Issue]]:
    """The MRN and the office of destination (actual) a CC007C/CC044C names, and what is wrong with them."""
    data, root = attempt.message.data, f"/{attempt.message.type}"
    issues: list[Issue] = []
    mrn = text(data, "TransitOperation", "MRN") or ""
    try:
        mrn = str(MRN.parse(mrn))
    except InvalidIdentifier as exc:
        issues.append(Issue(ErrorCode.INVALID_MRN, f"{root}/TransitOperation/MRN", exc.reason))
    office = text(data, "CustomsOfficeOfDestinationActual", "referenceNumber") or ""
    trader = (text(data, "TraderAtDestination", "identificationNumber") or "").upper()
    if trader != attempt.eori:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, f"{root}/TraderAtDestination/identificationNumber",
                            f"the trader at destination must be you ({attempt.eori})"))
    return mrn, office, issues


def _known(conn: Connection, attempt: Attempt, country: str, mrn: str) -> dict[str, Any]:
    row = _load(conn, country, mrn, for_update=True)
    if row is None or row["trader"] not in (None, attempt.eori):
        raise Rejected.one(ErrorCode.UNKNOWN_MRN, f"/{attempt.message.type}/TransitOperation/MRN",
                           f"no movement {mrn} is expected at the offices of destination of {country}")
    attempt.mrn = mrn
    return row


def arrival(ctx: Context, attempt: Attempt) -> dict[str, Any]:
    """CC007C: the goods are at the office of destination. The arrival is accepted (IE006 to the office of
    departure); an authorised consignee (simplified procedure) gets the unloading permission at once (CC043C)."""
    message, eori = attempt.message, attempt.eori
    data, root = message.data, f"/{message.type}"
    mrn, office, issues = _identify(attempt)
    moment = now()
    day = moment.date()
    simplified = text(data, "TransitOperation", "simplifiedProcedure") == "1"
    pointer = f"{root}/CustomsOfficeOfDestinationActual/referenceNumber"
    with writer_turn(ctx.db), ctx.db.begin() as conn:
        refdata = refdata_for(conn)
        if not refdata.office_has_role(office, "DES", day):
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, pointer, f"{office} is not a customs office of destination on {day}"))
        elif office[:2] not in domains(ctx, refdata):
            issues.append(Issue(ErrorCode.RULE_VIOLATION, pointer, f"{office[:2]}'s transit application is not connected"))
        types = []
        for n, auth in enumerate(nodes(data, "Authorisation"), 1):
            kind = text(auth, "type")
            types.append(kind)
            if kind and not refdata.code_valid("AuthorisationTypeDestination", kind, day):
                issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"{root}/Authorisation[{n}]/type",
                                    f"{kind!r} is not an authorisation type at destination (CL236)"))
        if simplified and AUTHORISED_CONSIGNEE not in types:
            issues.append(Issue(ErrorCode.MISSING, f"{root}/Authorisation",
                                f"the simplified procedure needs the authorised consignee's authorisation ({AUTHORISED_CONSIGNEE})"))
        if issues:
            raise Rejected(issues, "the arrival notification was rejected")
        attempt.domain, attempt.office = office[:2], office
        row = _known(conn, attempt, office[:2], mrn)
        _step(row, "arrive")
        row.update(office_actual=office, trader=eori, simplified="1" if simplified else "0", arrived_at=moment,
                   arrival={"sender": sender_of(message), "notified_at": text(data, "TransitOperation", "arrivalNotificationDateAndTime"),
                            "location": node(data, "Consignment", "LocationOfGoods"),
                            "authorisations": [a for a in types if a]})
        tx = Exchange(ctx, conn, row["country"], office)
        tx.received(message, mrn, None, eori)
        tx.send(codes.ARRIVAL_ADVICE, row["departure_country"], {
            "mrn": mrn, "office_actual": office, "trader": eori, "arrived_at": moment.isoformat()}, subject=mrn)
        tx.count("arrivals", "simplified" if simplified else "standard")
        if simplified:
            _permit_unloading(tx, row, identification_of(message))
        _save(conn, row)
        tx.flush()
    return outcome(message, row, tx.sent)


def unloading_remarks(ctx: Context, attempt: Attempt) -> dict[str, Any]:
    """CC044C: the authorised consignee's unloading remarks. Conform, complete and with the seals intact: the
    goods are released at once (CC025C, IE018 satisfactory); otherwise an officer examines them first."""
    message, eori = attempt.message, attempt.eori
    data, root = message.data, f"/{message.type}"
    mrn, office, issues = _identify(attempt)
    if issues:
        raise Rejected(issues, "the unloading remarks were rejected")
    attempt.domain, attempt.office = office[:2], office
    with writer_turn(ctx.db), ctx.db.begin() as conn:
        row = _known(conn, attempt, office[:2], mrn)
        if row["office_actual"] and office != row["office_actual"]:
            raise Rejected.one(ErrorCode.RULE_VIOLATION, f"{root}/CustomsOfficeOfDestinationActual/referenceNumber",
                               f"the arrival of {mrn} was notified at {row['office_actual']}, not {office}")
        _step(row, "unloading_remarks")
        remark = node(data, "UnloadingRemark")
        unloading = {
            "conform": text(remark, "conform") == "1", "completed": text(remark, "unloadingCompletion") == "1",
            "seals_ok": text(remark, "stateOfSeals") in (None, "1"), "date": text(remark, "unloadingDate"),
            "remark": text(remark, "unloadingRemark"), "other": text(data, "TransitOperation", "otherThingsToReport"),
            "consignment": node(data, "Consignment") or None,
        }
        row.update(unloading=unloading, remarks_at=now())
        tx = Exchange(ctx, conn, row["country"], office)
        tx.received(message, mrn, None, eori, payload={k: unloading[k] for k in ("conform", "completed", "seals_ok")})
        tx.count("unloading_remarks", "conform" if unloading["conform"] else "not_conform")
        if unloading["conform"] and unloading["completed"] and unloading["seals_ok"]:
            _release_goods(tx, row, codes.RESULT_SATISFACTORY, None, "conform unloading remarks")
        _save(conn, row)
        tx.flush()
    return outcome(message, row, tx.sent)


def _permit_unloading(tx: Exchange, row: dict[str, Any], correlation: str | None = None) -> None:
    _step(row, "permit_unloading")
    row["unloading_permitted_at"] = now()
    _tell(tx, row, codes.UNLOADING_PERMISSION, replies.unloading_permission(row), correlation=correlation)
    tx.count("unloading_permissions", row["country"])


def _release_goods(tx: Exchange, row: dict[str, Any], result: str, note: str | None, how: str) -> None:
    """The goods are released at destination (CC025C); the control results go to the office of departure (IE018)."""
    _step(row, "release_goods")
    moment = now()
    row["released_at"] = moment
    row["control"] = {**(row["control"] or {}), "result": result, "text": note, "how": how, "at": moment.isoformat()}
    tx.send(codes.DESTINATION_CONTROL_RESULTS, row["departure_country"], {
        "mrn": row["mrn"], "office_actual": row["office_actual"], "result": result, "text": note,
        "unloading": {k: v for k, v in (row["unloading"] or {}).items() if k != "consignment"},
        "released_on": moment.date().isoformat()}, subject=row["mrn"])
    _tell(tx, row, codes.GOODS_RELEASE, replies.goods_release(row, moment.date()))
    tx.count("goods_released", result)


# -- officers of the office of destination ------------------------------------------------------------------------

def _officer_row(conn: Connection, principal: Principal, mrn: str) -> dict[str, Any]:
    if principal.role is not Role.OFFICER or not principal.country:
        raise Forbidden("this decision is taken by the customs officers of the office of destination")
    row = _load(conn, principal.country, parse_mrn(mrn), for_update=True)
    if row is None:
        raise NotFound("transit movement at destination", mrn)
    return row


def permit_unloading(ctx: Context, principal: Principal, mrn: str) -> dict[str, Any]:
    """The officer allows the trader at destination to unload (CC043C)."""
    with writer_turn(ctx.db), ctx.db.begin() as conn:
        row = _officer_row(conn, principal, mrn)
        tx = Exchange(ctx, conn, row["country"], row["office_actual"])
        tx.action(row["mrn"], codes.OFFICER_UNLOADING_PERMISSION, principal.name, {})
        _permit_unloading(tx, row)
        _save(conn, row)
        tx.flush()
    return _answer(row, tx.sent)


def record_results(ctx: Context, principal: Principal, mrn: str, result: str, note: str | None = None) -> dict[str, Any]:
    """The officer's control results at destination (satisfactory, or discrepancies with what was found): the
    goods are released (CC025C) and the results go to the office of departure (IE018)."""
    if result not in RESULTS:
        raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/result", f"one of {', '.join(RESULTS)}")
    if result == "discrepancies" and not note:
        raise Rejected.one(ErrorCode.MISSING, "/note", "say what the discrepancies are")
    with writer_turn(ctx.db), ctx.db.begin() as conn:
        row = _officer_row(conn, principal, mrn)
        tx = Exchange(ctx, conn, row["country"], row["office_actual"])
        tx.action(row["mrn"], codes.OFFICER_DESTINATION_RESULT, principal.name, {"result": result, "note": note})
        _release_goods(tx, row, RESULTS[result], note, f"officer {principal.name}")
        _save(conn, row)
        tx.flush()
    return _answer(row, tx.sent)


def work_queue(ctx: Context, principal: Principal, *, state: str | None = None, limit: int = 50,
               offset: int = 0) -> dict[str, Any]:
    """The movements expected at or arrived at the officer's member state's offices of destination."""
    if principal.role is not Role.OFFICER:
        raise Forbidden("the offices of destination's movements are for that member state's officers")
    q = select(_A.c.mrn, _A.c.state, _A.c.office_of_destination, _A.c.office_actual, _A.c.trader, _A.c.received_at,
               _A.c.arrived_at, _A.c.updated_at).where(_A.c.country == principal.country)
    if state:
        q = q.where(_A.c.state == state)
    with ctx.db.read() as conn:
        total = conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()
        items = [dict(r) for r in conn.execute(q.order_by(_A.c.received_at.desc(), _A.c.mrn).limit(limit).offset(offset)).mappings()]
    return {"total": total, "limit": limit, "offset": offset, "items": items}
