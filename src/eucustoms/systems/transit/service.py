"""Transit movements: the traders' messages (:func:`submit`), the office of departure's use cases and its
handlers of the messages from the offices of transit and destination, and the reading of movements.

A trader's XML message is parsed and validated against its schema (a CC917C XML NACK lists every error
otherwise), must be one that traders send (else a CC906C functional NACK), then goes to its office:
CC015C, CC013C, CC014C and CC170C to the office of departure (here), CC007C and CC044C to the office of
destination (:mod:`.destination`). A business rejection is answered with a CC056C (departure) or CC057C
(destination) listing every error, code 92 for a message the movement's state does not allow, 90 for an
unknown MRN; the movement is left as it was. Every CC message received or sent is kept in the movement's log
with its XML (:data:`.store.transit_log`); the IE messages between the offices are the bus's own log.

Acceptance runs the guarantee checks in GUM (the amount to be covered in the departure country, the
territorial scope for the countries of transit and destination, EUR 10 000 for guarantee types 0, 1, 2, 4
and 9 without a declared amount) and the member state's risk analysis; the goods are then released (GUM
debited, CC029C, the AAR to the destination and an ATR to each office of transit), put under control
(CC060C) or refused for the guarantee (CC055C). The arrival advice (IE006) and the destination control
results (IE018) end the movement: written off with GUM credited (CC045C), or discrepancies (CC019C) for the
officers to resolve or recover (CC035C)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable

from sqlalchemy import Connection, bindparam, func, insert, or_, select

from eucustoms.core.clock import now
from eucustoms.core.errors import (
    CustomsError, ErrorCode, Forbidden, InvalidIdentifier, Issue, NotFound, Rejected,
)
from eucustoms.core.identifiers import MRN
from eucustoms.core.money import Money
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.bus import CENTRAL, Envelope, message_log, writer_turn
from eucustoms.platform.context import Context
from eucustoms.platform.numbering import allocate_mrn
from eucustoms.refdata import RefData
from eucustoms.systems.guarantees import service as guarantees
from eucustoms.systems.guarantees.messages import Amount, CheckRequest
from eucustoms.systems.risk import service as risk
from eucustoms.systems.transit import xml
from eucustoms.systems.transit.xml import Message, RenderError, XmlRejected

from . import SYSTEM, codes, destination, replies, rules, states
from .exchange import (
    Attempt, Exchange, MessageRejected, Sent, domains, identification_of, outcome, parse_mrn, sender_of,
)
from .messages import Declaration, node, nodes, text
from .store import Row, save, transit_arrival, transit_log, transit_movement, transit_passage

_M = transit_movement
_L = transit_log
_A = transit_arrival
_P = transit_passage

CONTROLS = tuple(codes.CONTROL_TYPES)  # documentary, scan, physical
CONTROL_RESULTS = ("no_irregularity", "irregularity", "seizure")
_KEPT_BYTES = 64 * 1024  # what the log keeps of a message that could not be read


# -- plumbing ---------------------------------------------------------------------------------------------------

def _trader(principal: Principal) -> str:
    if principal.role is not Role.TRADER or not principal.eori:
        raise Forbidden("transit messages are sent by traders (holder of the procedure, representative, consignee)")
    return principal.eori


_LOAD = select(_M).where(_M.c.mrn == bindparam("mrn"))
_LOAD_FOR_UPDATE = _LOAD.with_for_update()
_INSERT = insert(_M)


def _load(conn: Connection, mrn: str, *, for_update: bool = False) -> Row | None:
    q = _LOAD_FOR_UPDATE if for_update and conn.dialect.name == "postgresql" else _LOAD
    row = conn.execute(q, {"mrn": mrn}).mappings().first()
    return Row(row) if row else None


def _save(conn: Connection, row: Row) -> None:
    row["updated_at"] = now()
    save(conn, _M, row)


def _owns(eori: str | None, row: dict[str, Any]) -> bool:
    return eori is not None and eori in (row["holder"], row["representative"])


def _visible(principal: Principal, row: dict[str, Any]) -> bool:
    if principal.role is Role.COMMISSION:
        return True
    if principal.role is Role.TRADER:
        return _owns(principal.eori, row)
    if principal.role is Role.OFFICER:
        return principal.country == row["country"]
    return False


def _step(row: dict[str, Any], action: str) -> None:
    row["state"] = states.next_state(states.DEPARTURE, f"transit movement {row['mrn']}", row["state"], action)


def _tell(tx: Exchange, row: dict[str, Any], message_type: str, data: dict[str, Any], *,
          correlation: str | None = None, payload: dict | None = None) -> Sent:
    """A CC message from the office of departure to the holder (and its representative)."""
    return tx.reply(message_type, data, mrn=row["mrn"], lrn=row["lrn"], trader=row["representative"] or row["holder"],
                    recipient=sender_of(row["declaration"]), notify=(row["holder"], row["representative"]),
                    correlation=correlation, payload=payload)


def _answer(row: dict[str, Any], sent: list[Sent] | None = None) -> dict[str, Any]:
    out = {k: row[k] for k in ("mrn", "lrn", "state", "office_of_departure", "office_of_destination", "guarantee_status",
                               "updated_at")}
    if sent is not None:
        out["replies"] = [s.as_dict() for s in sent]
    return out


# -- guarantees -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Cover:
    grn: str
    guarantee_type: str
    access_code: str
    amount: Money


def _covers(row: dict[str, Any]) -> list[_Cover]:
    codes_by_grn = {g.grn: g.access_code for g in Declaration(row["declaration"]).guarantees if g.grn}
    return [_Cover(c["grn"], c["type"], codes_by_grn.get(c["grn"]) or "", Money(Decimal(c["amount"]), c["currency"]))
            for c in row["guarantees"]]


def _scope(conn: Connection, row: dict[str, Any], covers: list[_Cover], refdata: RefData) -> dict[str, list[Issue]]:
    """G08 (not valid in a country of transit or of destination) and G13 (type differs), from the guarantee
    as GUM keeps it; the other reasons come from GUM's check or debit in the country of departure."""
    day = now().date()
    countries = dict.fromkeys([*(o[:2] for o in row["transit_offices"]), row["destination_country"]])
    area = None
    reasons: dict[str, list[Issue]] = {}
    for c in covers:
        try:
            kept = guarantees.get(conn, c.grn)
        except (NotFound, InvalidIdentifier):
            continue  # GUM answers G01 on the check
        found = []
        if kept.guarantee_type != c.guarantee_type:
            found.append(Issue("G13", "/grn", f"guarantee {c.grn} is of type {kept.guarantee_type}, "
                                              f"not {c.guarantee_type} as declared"))
        if kept.countries is None and area is None:
            area = refdata.member_states(day) | refdata.common_transit_countries(day)
        for country in countries:
            if country not in (kept.countries if kept.countries is not None else area):
                found.append(Issue("G08", "/country", f"guarantee {c.grn} is not valid in {country}"))
        if found:
            reasons.setdefault(c.grn, []).extend(found)
    return reasons


def _cl252(exc: Rejected) -> list[Issue]:
    """The CL252 reasons of a refusal by GUM; anything else is not a guarantee reason and goes on up."""
    if exc.issues and all(i.code.startswith("G") for i in exc.issues):
        return exc.issues
    raise exc


def _check(conn: Connection, row: dict[str, Any], covers: list[_Cover], refdata: RefData) -> dict[str, list[Issue]]:
    """GUM's guarantee query for each reference, in the country of departure (at acceptance)."""
    reasons: dict[str, list[Issue]] = {}
    for c in covers:
        result = guarantees.check(conn, CheckRequest(
            grn=c.grn, access_code=c.access_code or "-", amount=Amount(amount=c.amount.amount, currency=c.amount.currency),
            country=row["country"], holder=row["holder"], guarantee_type=c.guarantee_type), refdata=refdata)
        if not result.valid:
            reasons.setdefault(c.grn, []).extend(Issue(r.code, "/grn", r.reason) for r in result.reasons)
    return reasons


def _debit(conn: Connection, row: dict[str, Any], covers: list[_Cover], refdata: RefData,
           refused: dict[str, list[Issue]]) -> dict[str, list[Issue]]:
    """Debit every reference in GUM (at release), all or none: with the reasons already ``refused`` (or any
    GUM finds) nothing stays debited, and every reason is returned."""
    reasons = {grn: list(issues) for grn, issues in refused.items()}
    savepoint = conn.begin_nested()
    try:
        for n, c in enumerate(covers):
            try:
                guarantees.debit(conn, c.grn, c.amount, row["mrn"], f"{row['mrn']}:debit:{n}", row["country"],
                                 c.access_code or None, holder=row["holder"], by=f"{SYSTEM}:{row['office_of_departure']}",
                                 refdata=refdata)
            except Rejected as exc:
                reasons.setdefault(c.grn, []).extend(_cl252(exc))
    except BaseException:
        savepoint.rollback()
        raise
    if reasons:
        savepoint.rollback()
    else:
        savepoint.commit()
    return reasons


def _credit(conn: Connection, row: dict[str, Any], tag: str) -> None:
    """Give back to GUM everything the movement debited at release (write-off)."""
    if row["guarantee_status"] != "debited":
        return
    for grn in dict.fromkeys(c["grn"] for c in row["guarantees"]):
        guarantees.credit(conn, grn, row["mrn"], f"{row['mrn']}:{tag}:{grn}", by=f"{SYSTEM}:{row['office_of_departure']}")
    row["guarantee_status"] = "credited"


def _refuse_guarantee(tx: Exchange, row: dict[str, Any], reasons: dict[str, list[Issue]]) -> None:
    _step(row, "guarantee_refused")
    row["guarantee_status"] = "not_valid"
    _tell(tx, row, codes.GUARANTEE_NOT_VALID, replies.guarantee_not_valid(row, reasons),
          payload={"reasons": {grn: [i.as_dict() for i in issues] for grn, issues in reasons.items()}})
    tx.count("guarantee_not_valid", next(iter(reasons.values()))[0].code)


# -- acceptance, risk, control, release -------------------------------------------------------------------------

def _suggest(result: dict[str, Any]) -> str:
    """The control the risk analysis suggests: physical, scan, documentary or none."""
    if not result.get("control_recommended"):
        return "none"
    actions = {h["outcome"]["action"] for h in result.get("hits", [])}
    if "physical" in actions or result.get("outcome") in ("RFS", "DNL"):
        return "physical"
    if "scan" in actions:
        return "scan"
    return "documentary"


def _assess(tx: Exchange, row: dict[str, Any]) -> dict[str, Any]:
    d = Declaration(row["declaration"])
    facts = rules.facts(d, row["mrn"], row["country"], row["destination_country"], row["transit_offices"], now().date())
    try:
        result = risk.national_assessment(tx.conn, row["country"], [facts], [], counts=tx.counts)[row["mrn"]]
    except Rejected:  # facts the criteria cannot read: assess the bare movement
        result = risk.national_assessment(tx.conn, row["country"], [{"kind": "transit", "reference": row["mrn"]}], [],
                                          counts=tx.counts)[row["mrn"]]
    return {"suggested": _suggest(result), "control_recommended": result["control_recommended"],
            "rules": sorted({h["rule_id"] for h in result["hits"]}), "reasons": result["reasons"]}


def _decide(tx: Exchange, row: dict[str, Any], control: str, by: str, note: str | None = None, *,
            suggested: bool = False) -> None:
    _step(row, "decide_control")
    moment = now()
    row["control"] = {"type": control, "decided_by": by, "decided_at": moment.isoformat(), "suggested": suggested,
                      **({"note": note} if note else {})}
    _tell(tx, row, codes.CONTROL_DECISION, replies.control_decision(row, [codes.CONTROL_TYPES[control]], moment, note))
    tx.count("control_decisions", control)


def _accept(tx: Exchange, row: dict[str, Any], refdata: RefData, correlation: str | None) -> None:
    """Acceptance (Art. 172 UCC): the MRN is notified (CC028C), then the movement goes on (:func:`_proceed`)."""
    row["accepted_at"] = now()
    _tell(tx, row, codes.MRN_ALLOCATED, replies.mrn_allocated(row), correlation=correlation)
    tx.count("accepted", row["declaration_type"])
    _proceed(tx, row, refdata)


def _proceed(tx: Exchange, row: dict[str, Any], refdata: RefData) -> None:
    """After acceptance or an amendment: the guarantee's scope, the risk analysis, then the control decision
    (with GUM's check of the guarantee) or the release at once (with GUM's debit)."""
    row["risk"] = _assess(tx, row)
    if row["risk"]["suggested"] != "none":
        covers = _covers(row)
        reasons = _scope(tx.conn, row, covers, refdata)
        for grn, found in _check(tx.conn, row, covers, refdata).items():
            reasons.setdefault(grn, []).extend(found)
        if reasons:
            _refuse_guarantee(tx, row, reasons)
            return
        row["guarantee_status"] = "valid" if covers else "none"
        _decide(tx, row, row["risk"]["suggested"], "risk analysis", suggested=True)
        return
    _release(tx, row, refdata, None)


def _release(tx: Exchange, row: dict[str, Any], refdata: RefData, control_result: dict[str, Any] | None) -> bool:
    """Release for transit: GUM debited, CC029C to the holder, the AAR to the office of destination and an ATR
    to each office of transit in a connected member state. False (and CC055C) if GUM refuses the guarantee."""
    covers = _covers(row)
    reasons = _debit(tx.conn, row, covers, refdata, _scope(tx.conn, row, covers, refdata))
    if reasons:
        _refuse_guarantee(tx, row, reasons)
        return False
    _step(row, "release")
    row["released_at"] = now()
    row["guarantee_status"] = "debited" if covers else "none"
    _tell(tx, row, codes.RELEASE_FOR_TRANSIT, replies.release_for_transit(row, control_result))
    d = row["declaration"]
    operation = node(d, "TransitOperation")
    common = {"mrn": row["mrn"], "lrn": row["lrn"], "office_of_departure": row["office_of_departure"],
              "office_of_destination": row["office_of_destination"], "transit_offices": row["transit_offices"],
              "declaration_type": row["declaration_type"], "security": row["security"],
              "reduced_dataset": text(operation, "reducedDatasetIndicator") or "0",
              "accepted_on": row["accepted_at"].date().isoformat(), "released_on": row["released_at"].date().isoformat(),
              "holder": node(d, "HolderOfTheTransitProcedure")}
    tx.send(codes.AAR, row["destination_country"], {**common, "consignment": node(d, "Consignment")}, subject=row["mrn"])
    connected = domains(tx.ctx, refdata)
    for office in dict.fromkeys(row["transit_offices"]):
        if office[:2] in connected:
            tx.send(codes.ATR, office[:2], {**common, "office": office}, subject=row["mrn"])
    tx.count("released", "controlled" if control_result else "green")
    return True


def _write_off(tx: Exchange, row: dict[str, Any], how: str) -> None:
    _step(row, "write_off")
    moment = now()
    row["written_off_at"] = moment
    _credit(tx.conn, row, "writeoff")
    _tell(tx, row, codes.WRITE_OFF, replies.write_off(row, moment.date()), payload={"how": how})
    tx.count("written_off", how)


# -- the traders' messages --------------------------------------------------------------------------------------

def submit(ctx: Context, principal: Principal, body: bytes) -> dict[str, Any]:
    """A trader's CC message (XML): the answer with the replies sent at once, or :class:`MessageRejected`."""
    eori = _trader(principal)
    try:
        message = xml.parse(body)
    except XmlRejected as exc:
        raise _refuse_xml(ctx, eori, body, exc) from None
    if message.type not in codes.INBOUND:
        issue = Issue(ErrorCode.NOT_ALLOWED, f"/{message.type}/messageType",
                      f"{message.type} is not a message traders send to the transit system "
                      f"(one of {', '.join(codes.INBOUND)})")
        raise _refuse(ctx, Attempt(message, eori), [issue], nack=True) from None
    attempt = Attempt(message, eori)
    try:
        return _HANDLERS[message.type](ctx, attempt)
    except Rejected as exc:
        raise _refuse(ctx, attempt, exc.issues or [Issue(ErrorCode.RULE_VIOLATION, "", exc.message)]) from None


def _status_of(issues: list[Issue]) -> int:
    found = {i.code for i in issues}
    if found == {ErrorCode.OUT_OF_SEQUENCE}:
        return 409
    if found == {ErrorCode.UNKNOWN_MRN}:
        return 404
    return 422


def _refuse(ctx: Context, attempt: Attempt, issues: list[Issue], *, nack: bool = False) -> MessageRejected:
    """Answer a refused message (CC056C, CC057C or CC906C), keep both in the log; nothing else changes."""
    message = attempt.message
    issues = [i if i.pointer else Issue(i.code, f"/{message.type}", i.reason) for i in issues]
    departure = message.type in codes.DEPARTURE_INBOUND
    office = attempt.office or text(message.data, "CustomsOfficeOfDeparture" if departure else
                                    "CustomsOfficeOfDestinationActual", "referenceNumber")
    domain = attempt.domain or (office[:2] if office else CENTRAL)
    lrn = text(message.data, "TransitOperation", "LRN")
    moment = now()
    reply = None
    with writer_turn(ctx.db), ctx.db.begin() as conn:
        tx = Exchange(ctx, conn, domain, office)
        tx.received(message, attempt.mrn, lrn, attempt.eori, payload={"rejected": True})
        errors = {"errors": [i.as_dict() for i in issues]}
        common = {"mrn": attempt.mrn, "lrn": lrn, "trader": attempt.eori, "recipient": sender_of(message),
                  "notify": (attempt.eori,), "correlation": identification_of(message), "payload": errors}
        if not nack:
            try:
                if departure:
                    data = replies.departure_rejection(message.data, message.type, issues, moment, attempt.mrn)
                    reply = tx.reply(codes.REJECTION_DEPARTURE, data, **common)
                else:
                    data = replies.destination_rejection(message.data, message.type, issues, moment)
                    reply = tx.reply(codes.REJECTION_DESTINATION, data, **common)
            except RenderError:  # the message lacks what a CC056C/CC057C must repeat: a functional NACK then
                reply = None
        if reply is None:
            reply = tx.reply(codes.FUNCTIONAL_NACK, replies.functional_nack(message.data, issues), **common)
        tx.count("rejected", message.type)
        tx.flush()
    return MessageRejected(issues, f"the {message.type} was rejected: {len(issues)} error(s)", message_type=message.type,
                           reply=reply, mrn=attempt.mrn, status=_status_of(issues))


def _refuse_xml(ctx: Context, eori: str, body: bytes, exc: XmlRejected) -> MessageRejected:
    """CC917C for a message that is not well-formed or not schema-valid; kept in the log of no movement."""
    with writer_turn(ctx.db), ctx.db.begin() as conn:
        tx = Exchange(ctx, conn, CENTRAL)
        kept = bytes(body[:_KEPT_BYTES]).decode("utf-8", errors="replace") if isinstance(body, (bytes, bytearray)) else None
        tx.received_unreadable(eori, kept, len(body) if kept is not None else 0)
        reply = tx.reply(codes.XML_NACK, replies.xml_nack(exc.errors), mrn=None, lrn=None, trader=eori,
                         recipient=eori, notify=(eori,), payload={"errors": [i.as_dict() for i in exc.issues]})
        tx.count("rejected", "XML")
        tx.flush()
    return MessageRejected(exc.issues, exc.message, message_type=None, reply=reply, status=400)


def _declaration(ctx: Context, attempt: Attempt) -> dict[str, Any]:
    """CC015C: check, register (MRN, CC928C), and accept at once (CC028C...) unless it is pre-lodged."""
    message, eori = attempt.message, attempt.eori
    d = Declaration(message.data)
    moment = now()
    with writer_turn(ctx.db), ctx.db.begin() as conn:
        refdata = guarantees.refdata_for(conn)
        checked, issues = rules.check_declaration(conn, refdata, d, eori, moment.date(), domains(ctx, refdata))
        if issues:
            raise Rejected(issues, "the transit declaration was rejected")
        assert checked is not None
        attempt.domain = checked.country
        if conn.execute(select(_M.c.mrn).where(_M.c.holder == d.holder_id, _M.c.lrn == d.lrn)).first():
            raise Rejected.one(ErrorCode.DUPLICATE, d.at("TransitOperation", "LRN"),
                               f"LRN {d.lrn} was already used for a declaration of {d.holder_id}")
        mrn = str(allocate_mrn(conn, checked.country, rules.MRN_LETTER[d.security or "0"]))
        row = {
            "mrn": mrn, "lrn": d.lrn, "holder": d.holder_id, "representative": d.representative_id,
            "country": checked.country, "office_of_departure": d.office_of_departure,
            "office_of_destination": d.office_of_destination, "destination_country": checked.destination_country,
            "transit_offices": checked.transit_offices, "declaration_type": d.declaration_type,
            "additional_type": d.additional_type, "security": d.security or "0", "state": states.NEW,
            "submitted_at": moment, "accepted_at": None, "released_at": None, "arrived_at": None,
            "written_off_at": None, "invalidated_at": None, "updated_at": moment,
            "guarantees": [c.as_dict() for c in checked.covers], "guarantee_status": "none", "control": None,
            "risk": None, "destination_results": None, "crossings": [], "declaration": message.data, "version": 1,
        }
        tx = Exchange(ctx, conn, checked.country, d.office_of_departure)
        tx.received(message, mrn, d.lrn, eori)
        correlation = identification_of(message)
        pre = d.additional_type == "D"
        _step(row, "prelodge" if pre else "lodge")
        _tell(tx, row, codes.POSITIVE_ACK, replies.positive_ack(row), correlation=correlation)
        if not pre:
            _accept(tx, row, refdata, correlation)
        conn.execute(_INSERT, row)
        tx.flush()
    return outcome(message, row, tx.sent)


def _own_movement(conn: Connection, attempt: Attempt, d: Declaration, *, for_update: bool = True) -> dict[str, Any]:
    """The movement a CC013C/CC014C/CC170C is about (by MRN, else by LRN), if the sender is its holder or
    representative; an unknown one and another trader's look the same (code 90)."""
    eori = attempt.eori
    row = None
    if d.mrn:
        row = _load(conn, d.mrn, for_update=for_update)
        pointer = d.at("TransitOperation", "MRN")
        if row is not None and d.lrn and d.lrn != row["lrn"]:
            raise Rejected.one(ErrorCode.RULE_VIOLATION, d.at("TransitOperation", "LRN"),
                               f"LRN {d.lrn} is not the LRN of movement {d.mrn}")
    elif d.lrn:
        pointer = d.at("TransitOperation", "LRN")
        found = conn.execute(select(_M.c.mrn).where(_M.c.lrn == d.lrn, or_(_M.c.holder == eori, _M.c.representative == eori))
                             .order_by(_M.c.submitted_at.desc())).first()
        row = _load(conn, found.mrn, for_update=for_update) if found else None
    else:
        raise Rejected.one(ErrorCode.MISSING, d.at("TransitOperation"), "the MRN or the LRN of the movement is required")
    if row is None or not _owns(eori, row):
        raise Rejected.one(ErrorCode.UNKNOWN_MRN, pointer, f"no movement {d.mrn or d.lrn} of yours is known")
    attempt.mrn, attempt.domain, attempt.office = row["mrn"], row["country"], row["office_of_departure"]
    office = d.office_of_departure
    if office and office != row["office_of_departure"]:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, d.at("CustomsOfficeOfDeparture", "referenceNumber"),
                           f"movement {row['mrn']} was declared at {row['office_of_departure']}, not {office}")
    return row


def _amendment(ctx: Context, attempt: Attempt) -> dict[str, Any]:
    """CC013C: the declaration as amended replaces it (before any control is decided and before release)."""
    message, eori = attempt.message, attempt.eori
    d = Declaration(message.data, codes.AMENDMENT)
    moment = now()
    with writer_turn(ctx.db), ctx.db.begin() as conn:
        refdata = guarantees.refdata_for(conn)
        row = _own_movement(conn, attempt, d)
        before = row["state"]
        _step(row, "amend")
        checked, issues = rules.check_declaration(conn, refdata, d, eori, moment.date(), domains(ctx, refdata))
        for what, old, new, pointer in (
                ("holder of the transit procedure", row["holder"], d.holder_id,
                 d.at("HolderOfTheTransitProcedure", "identificationNumber")),
                ("security indicator", row["security"], d.security, d.at("TransitOperation", "security")),
                ("additional declaration type", row["additional_type"], d.additional_type,
                 d.at("TransitOperation", "additionalDeclarationType"))):
            if new is not None and new != old:
                issues.append(Issue(ErrorCode.RULE_VIOLATION, pointer, f"the {what} cannot be amended ({old} declared)"))
        if issues:
            raise Rejected(issues, "the amendment was rejected")
        assert checked is not None
        data = {k: v for k, v in message.data.items() if k != "Extensions"}
        operation = dict(node(data, "TransitOperation"))
        operation.pop("MRN", None)
        operation.pop("amendmentTypeFlag", None)
        operation["LRN"] = row["lrn"]
        data["TransitOperation"] = operation
        data["messageSender"] = sender_of(row["declaration"])
        row.update(declaration=data, version=row["version"] + 1, office_of_destination=d.office_of_destination,
                   destination_country=checked.destination_country, transit_offices=checked.transit_offices,
                   declaration_type=d.declaration_type, representative=d.representative_id or row["representative"],
                   guarantees=[c.as_dict() for c in checked.covers])
        tx = Exchange(ctx, conn, row["country"], row["office_of_departure"])
        tx.received(message, row["mrn"], row["lrn"], eori, payload={"version": row["version"]})
        _tell(tx, row, codes.AMENDMENT_ACCEPTANCE,
              replies.amendment_accepted(row, _sent_at(message) or moment, moment),
              correlation=identification_of(message), payload={"version": row["version"]})
        tx.count("amendments", before)
        if row["state"] == states.ACCEPTED:
            _proceed(tx, row, refdata)
        _save(conn, row)
        tx.flush()
    return outcome(message, row, tx.sent)


def _sent_at(message: Message) -> datetime | None:
    value = text(message.data, "preparationDateAndTime")
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _invalidation(ctx: Context, attempt: Attempt) -> dict[str, Any]:
    """CC014C: the holder asks to invalidate the declaration (before release; not while a control is pending)."""
    message, eori = attempt.message, attempt.eori
    d = Declaration(message.data, codes.INVALIDATION_REQUEST)
    request = node(message.data, "Invalidation")
    with writer_turn(ctx.db), ctx.db.begin() as conn:
        row = _own_movement(conn, attempt, d)
        if text(request, "initiatedByCustoms") == "1":
            raise Rejected.one(ErrorCode.RULE_VIOLATION, d.at("Invalidation", "initiatedByCustoms"),
                               "a holder's invalidation request is not initiated by customs (0)")
        _step(row, "invalidate")
        moment = now()
        row["invalidated_at"] = moment
        tx = Exchange(ctx, conn, row["country"], row["office_of_departure"])
        tx.received(message, row["mrn"], row["lrn"], eori)
        _tell(tx, row, codes.INVALIDATION_DECISION, replies.invalidation_decision(row, request, moment),
              correlation=identification_of(message))
        tx.count("invalidated", row["declaration_type"])
        _save(conn, row)
        tx.flush()
    return outcome(message, row, tx.sent)


_PRESENTED = ("containerIndicator", "inlandModeOfTransport", "modeOfTransportAtTheBorder", "TransportEquipment",
              "LocationOfGoods", "DepartureTransportMeans", "ActiveBorderTransportMeans", "PlaceOfLoading")


def _presentation(ctx: Context, attempt: Attempt) -> dict[str, Any]:
    """CC170C: the goods of a pre-lodged declaration are presented; the transport details it gives complete the
    declaration, which is accepted now."""
    message, eori = attempt.message, attempt.eori
    d = Declaration(message.data, codes.PRESENTATION)
    with writer_turn(ctx.db), ctx.db.begin() as conn:
        refdata = guarantees.refdata_for(conn)
        row = _own_movement(conn, attempt, d)
        _step(row, "present")
        declaration = dict(row["declaration"])
        consignment = dict(node(declaration, "Consignment"))
        presented = node(message.data, "Consignment")
        for key in _PRESENTED:
            if presented.get(key) not in (None, ""):
                consignment[key] = presented[key]
        means = {text(h, "sequenceNumber"): nodes(h, "DepartureTransportMeans") for h in nodes(presented, "HouseConsignment")}
        houses = []
        for house in nodes(consignment, "HouseConsignment"):
            if means.get(text(house, "sequenceNumber")):
                house = {**house, "DepartureTransportMeans": means[text(house, "sequenceNumber")]}
            houses.append(house)
        consignment["HouseConsignment"] = houses
        declaration["Consignment"] = consignment
        limit = text(message.data, "TransitOperation", "limitDate")
        if limit:
            declaration["TransitOperation"] = {**node(declaration, "TransitOperation"), "limitDate": limit}
        row["declaration"] = declaration
        tx = Exchange(ctx, conn, row["country"], row["office_of_departure"])
        tx.received(message, row["mrn"], row["lrn"], eori)
        _accept(tx, row, refdata, identification_of(message))
        _save(conn, row)
        tx.flush()
    return outcome(message, row, tx.sent)


_HANDLERS: dict[str, Callable[[Context, Attempt], dict[str, Any]]] = {
    codes.DECLARATION: _declaration, codes.AMENDMENT: _amendment, codes.INVALIDATION_REQUEST: _invalidation,
    codes.PRESENTATION: _presentation, codes.ARRIVAL_NOTIFICATION: destination.arrival,
    codes.UNLOADING_REMARKS: destination.unloading_remarks,
}


# -- officers of the office of departure --------------------------------------------------------------------------

def _officer_movement(conn: Connection, principal: Principal, mrn: str) -> dict[str, Any]:
    if principal.role is not Role.OFFICER:
        raise Forbidden("this decision is taken by the customs officers of the office of departure")
    row = _load(conn, parse_mrn(mrn), for_update=True)
    if row is None or principal.country != row["country"]:
        raise NotFound("transit movement", mrn)
    return row


def _officer(principal: Principal) -> str:
    return f"{principal.name} ({principal.office or principal.country})"


def decide_control(ctx: Context, principal: Principal, mrn: str, control: str, note: str | None = None) -> dict[str, Any]:
    """The officer decides (or changes) the control before release: documentary, scan or physical (CC060C)."""
    if control not in CONTROLS:
        raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/control", f"one of {', '.join(CONTROLS)}")
    with writer_turn(ctx.db), ctx.db.begin() as conn:
        row = _officer_movement(conn, principal, mrn)
        tx = Exchange(ctx, conn, row["country"], row["office_of_departure"])
        tx.action(row["mrn"], codes.OFFICER_CONTROL_DECISION, principal.name, {"control": control, "note": note})
        _decide(tx, row, control, _officer(principal), note)
        _save(conn, row)
        tx.flush()
    return _answer(row, tx.sent)


def record_control(ctx: Context, principal: Principal, mrn: str, result: str, findings: str | None = None) -> dict[str, Any]:
    """The control's result (no irregularity, irregularity, seizure), which also labels the risk history."""
    if result not in CONTROL_RESULTS:
        raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/result", f"one of {', '.join(CONTROL_RESULTS)}")
    with writer_turn(ctx.db), ctx.db.begin() as conn:
        row = _officer_movement(conn, principal, mrn)
        tx = Exchange(ctx, conn, row["country"], row["office_of_departure"])
        record = {"result": result, "findings": findings, "by": _officer(principal), "at": now().isoformat()}
        tx.action(row["mrn"], codes.OFFICER_CONTROL_RESULT, principal.name, record)
        _step(row, "record_control")
        row["control"] = {**(row["control"] or {}), **record}
        risk.record_control_result(conn, [row["mrn"]], country=row["country"], result={
            "result": result, "control_type": (row["control"] or {}).get("type")})
        tx.count("control_results", result)
        _save(conn, row)
        tx.flush()
    return _answer(row, tx.sent)


def release(ctx: Context, principal: Principal, mrn: str) -> dict[str, Any]:
    """The officer releases the goods after the control, or once the guarantee is valid again; GUM is debited
    (CC029C), or refuses (CC055C: the movement stays where it was)."""
    with writer_turn(ctx.db), ctx.db.begin() as conn:
        refdata = guarantees.refdata_for(conn)
        row = _officer_movement(conn, principal, mrn)
        states.next_state(states.DEPARTURE, f"transit movement {row['mrn']}", row["state"], "release")
        tx = Exchange(ctx, conn, row["country"], row["office_of_departure"])
        tx.action(row["mrn"], codes.OFFICER_RELEASE, principal.name, {})
        control = row["control"] if row["state"] == states.CONTROLLED else None
        result = None
        if control:
            result = {"code": codes.RESULT_SATISFACTORY if control.get("result") == "no_irregularity"
                      else codes.RESULT_NOT_SATISFACTORY,
                      "date": now().date(), "controlledBy": (principal.name or principal.office or "customs")[:35],
                      "text": (control.get("findings") or None) and control["findings"][:512]}
        _release(tx, row, refdata, result)
        _save(conn, row)
        tx.flush()
    return _answer(row, tx.sent)


def refuse_release(ctx: Context, principal: Principal, mrn: str, reason: str) -> dict[str, Any]:
    """The goods are not released for transit after the control (CC051C)."""
    with writer_turn(ctx.db), ctx.db.begin() as conn:
        row = _officer_movement(conn, principal, mrn)
        _step(row, "refuse_release")
        tx = Exchange(ctx, conn, row["country"], row["office_of_departure"])
        tx.action(row["mrn"], codes.OFFICER_NO_RELEASE, principal.name, {"reason": reason})
        _tell(tx, row, codes.NO_RELEASE, replies.no_release(row, codes.NO_RELEASE_CONTROL, reason))
        tx.count("not_released", row["declaration_type"])
        _save(conn, row)
        tx.flush()
    return _answer(row, tx.sent)


def write_off(ctx: Context, principal: Principal, mrn: str, note: str | None = None) -> dict[str, Any]:
    """The officer ends the procedure after discrepancies were resolved or the debt was recovered: written off,
    GUM credited (CC045C)."""
    with writer_turn(ctx.db), ctx.db.begin() as conn:
        row = _officer_movement(conn, principal, mrn)
        tx = Exchange(ctx, conn, row["country"], row["office_of_departure"])
        tx.action(row["mrn"], codes.OFFICER_WRITE_OFF, principal.name, {"note": note})
        _write_off(tx, row, "officer")
        _save(conn, row)
        tx.flush()
    return _answer(row, tx.sent)


def recover(ctx: Context, principal: Principal, mrn: str, amount: Decimal | str, currency: str = "EUR",
            note: str | None = None) -> dict[str, Any]:
    """The movement did not end properly: the recovery procedure starts (CC035C); the guarantee stays debited
    to secure the debt until the officer writes the movement off."""
    try:
        claimed = Money(Decimal(str(amount)), currency.upper()).quantize()
    except (CustomsError, ArithmeticError, ValueError) as exc:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/amount", f"not an amount of money: {exc}") from None
    if claimed.amount <= 0:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/amount", "the amount claimed must be positive")
    with writer_turn(ctx.db), ctx.db.begin() as conn:
        row = _officer_movement(conn, principal, mrn)
        _step(row, "recover")
        tx = Exchange(ctx, conn, row["country"], row["office_of_departure"])
        record = {"amount": str(claimed.amount), "currency": claimed.currency, "note": note, "by": _officer(principal),
                  "at": now().isoformat()}
        tx.action(row["mrn"], codes.OFFICER_RECOVERY, principal.name, record)
        row["control"] = {**(row["control"] or {}), "recovery": record}
        _tell(tx, row, codes.RECOVERY, replies.recovery(row, now().date(), claimed.amount, claimed.currency, note,
                                                       principal.office or row["office_of_departure"]))
        tx.count("recoveries", row["declaration_type"])
        _save(conn, row)
        tx.flush()
    return _answer(row, tx.sent)


# -- the office of departure's handlers of the other offices' messages -------------------------------------------

def _departure_row(conn: Connection, env: Envelope) -> dict[str, Any] | None:
    row = _load(conn, env.payload["mrn"], for_update=True)
    if row is None or row["country"] != env.recipient:
        return None
    return row


def on_crossing(ctx: Context, conn: Connection, env: Envelope) -> None:
    """IE118: the goods passed an office of transit."""
    row = _departure_row(conn, env)
    if row is None or not states.allowed(states.DEPARTURE, row["state"], "cross"):
        return
    row["crossings"] = [*row["crossings"], {"office": env.payload["office"], "at": env.payload["crossed_at"]}]
    _save(conn, row)


def on_arrival_advice(ctx: Context, conn: Connection, env: Envelope) -> None:
    """IE006: the goods arrived at the office of destination."""
    row = _departure_row(conn, env)
    if row is None or not states.allowed(states.DEPARTURE, row["state"], "arrive"):
        return
    _step(row, "arrive")
    row["arrived_at"] = now()
    _save(conn, row)


def on_destination_results(ctx: Context, conn: Connection, env: Envelope) -> None:
    """IE018: the office of destination's control results. Satisfactory: the movement is written off and GUM
    credited (CC045C); otherwise the holder is told of the discrepancies (CC019C) and the officers decide."""
    row = _departure_row(conn, env)
    if row is None:
        return
    p = env.payload
    if states.allowed(states.DEPARTURE, row["state"], "arrive"):  # the arrival advice has not come (yet)
        _step(row, "arrive")
        row["arrived_at"] = now()
    if not states.allowed(states.DEPARTURE, row["state"], "write_off") or row["state"] != states.ARRIVED:
        return
    row["destination_results"] = p
    tx = Exchange(ctx, conn, row["country"], row["office_of_departure"])
    if p.get("result") == codes.RESULT_SATISFACTORY:
        _write_off(tx, row, "destination results")
    else:
        _step(row, "discrepancies")
        _tell(tx, row, codes.DISCREPANCIES, replies.discrepancies(row, now().date(), p.get("text")))
        tx.count("discrepancies", env.sender)
    _save(conn, row)
    tx.flush()


# -- reading ----------------------------------------------------------------------------------------------------------

_DEPARTURE_FIELDS = ("mrn", "lrn", "state", "holder", "representative", "country", "office_of_departure",
                     "office_of_destination", "transit_offices", "declaration_type", "additional_type", "security",
                     "submitted_at", "accepted_at", "released_at", "arrived_at", "written_off_at", "invalidated_at",
                     "updated_at", "guarantees", "guarantee_status", "control", "crossings", "destination_results",
                     "version")


def _log_rows(conn: Connection, mrn: str, principal: Principal, movement: dict[str, Any] | None,
              arrival: dict[str, Any] | None) -> list[dict[str, Any]]:
    q = select(_L).where(_L.c.mrn == mrn).order_by(_L.c.id)
    rows = [dict(r) for r in conn.execute(q).mappings()]
    if principal.role is Role.COMMISSION:
        return rows
    if principal.role is Role.OFFICER:
        return [r for r in rows if r["domain"] == principal.country]
    mine = {principal.eori}
    if movement is not None and _owns(principal.eori, movement):
        mine |= {movement["holder"], movement["representative"]}
    mine.discard(None)
    return [r for r in rows if r["trader"] in mine]


def _visible_parts(conn: Connection, principal: Principal, mrn: str) -> tuple[dict | None, dict | None, list[dict]]:
    movement = _load(conn, mrn)
    if movement is not None and not _visible(principal, movement):
        movement = None
    arrivals = [dict(r) for r in conn.execute(select(_A).where(_A.c.mrn == mrn)).mappings()]
    arrival = next((a for a in arrivals if principal.role is Role.COMMISSION
                    or (principal.role is Role.OFFICER and principal.country == a["country"])
                    or (principal.role is Role.TRADER and principal.eori is not None and principal.eori == a["trader"])), None)
    passages = []
    if principal.role in (Role.OFFICER, Role.COMMISSION):
        passages = [dict(r) for r in conn.execute(select(_P).where(_P.c.mrn == mrn).order_by(_P.c.office)).mappings()
                    if principal.role is Role.COMMISSION or r["country"] == principal.country]
    if movement is None and arrival is None and not passages:
        raise NotFound("transit movement", mrn)  # the same answer for an unknown MRN and another's movement
    return movement, arrival, passages


def consult(ctx: Context, principal: Principal, mrn: str) -> dict[str, Any]:
    """The movement as its viewer may see it: the office of departure's record (holder, representative,
    officers of that member state), the office of destination's (trader at destination, its officers), the
    offices of transit's (their officers); the Commission sees every part."""
    mrn = parse_mrn(mrn)
    with ctx.db.read() as conn:
        movement, arrival, passages = _visible_parts(conn, principal, mrn)
    officer = principal.role is not Role.TRADER
    out: dict[str, Any] = {"mrn": mrn, "system": SYSTEM}
    if movement is not None:
        out["departure"] = {**{k: movement[k] for k in _DEPARTURE_FIELDS},
                            "risk": movement["risk"] if officer else None,
                            "allowed_messages": states.trader_messages(movement["state"]),
                            "declaration": movement["declaration"]}
    if arrival is not None:
        out["destination"] = {k: arrival[k] for k in ("country", "state", "office_of_destination", "office_actual",
                                                      "trader", "simplified", "received_at", "arrived_at",
                                                      "unloading_permitted_at", "remarks_at", "released_at",
                                                      "updated_at", "unloading", "control")}
    if passages:
        out["transit"] = [{k: p[k] for k in ("country", "office", "state", "received_at", "crossed_at")} for p in passages]
    return out


def log(ctx: Context, principal: Principal, mrn: str, *, with_xml: bool = False) -> dict[str, Any]:
    """The movement's message log as its viewer may see it: the CC messages (with their XML when asked), the
    officers' actions and, for customs, the IE messages exchanged between the offices (the bus's log)."""
    mrn = parse_mrn(mrn)
    with ctx.db.read() as conn:
        movement, arrival, passages = _visible_parts(conn, principal, mrn)
        rows = _log_rows(conn, mrn, principal, movement, arrival)
        exchanges = message_log(conn, mrn) if principal.role is not Role.TRADER else []
    if principal.role is Role.OFFICER:
        exchanges = [x for x in exchanges if principal.country in (x["sender"], x["recipient"])]
    entries = [{"id": r["id"], "at": r["at"], "domain": r["domain"], "office": r["office"], "direction": r["direction"],
                "message_type": r["message_type"], "party": r["party"], "payload": r["payload"],
                **({"xml": r["xml"]} if with_xml else {})} for r in rows]
    entries += [{"id": None, "at": x["created_at"], "domain": x["sender"], "office": None, "direction": "out",
                 "message_type": x["message_type"], "party": x["recipient"], "payload": x["payload"]} for x in exchanges]
    entries.sort(key=lambda e: (e["at"], e["id"] is None, e["id"] or 0))
    return {"mrn": mrn, "entries": entries}


def message_xml(ctx: Context, principal: Principal, mrn: str, entry: int) -> str:
    """The XML of one CC message of the movement's log."""
    mrn = parse_mrn(mrn)
    with ctx.db.read() as conn:
        movement, arrival, _ = _visible_parts(conn, principal, mrn)
        rows = _log_rows(conn, mrn, principal, movement, arrival)
    found = next((r for r in rows if r["id"] == entry and r["xml"]), None)
    if found is None:
        raise NotFound("message", f"{mrn}/{entry}")
    return found["xml"]


def search(ctx: Context, principal: Principal, *, state: str | None = None, office: str | None = None,
           limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Movements at departure: a trader's own (as holder or representative), an officer's country's, all for the
    Commission."""
    q = select(_M.c.mrn, _M.c.lrn, _M.c.state, _M.c.holder, _M.c.office_of_departure, _M.c.office_of_destination,
               _M.c.declaration_type, _M.c.submitted_at, _M.c.released_at, _M.c.updated_at)
    if principal.role is Role.TRADER:
        q = q.where(or_(_M.c.holder == principal.eori, _M.c.representative == principal.eori))
    elif principal.role is Role.OFFICER:
        q = q.where(_M.c.country == principal.country)
    elif principal.role is not Role.COMMISSION:
        raise Forbidden("transit movements are not public (see the MRN follow-up)")
    if state:
        q = q.where(_M.c.state == state)
    if office:
        q = q.where(_M.c.office_of_departure == office.upper())
    with ctx.db.read() as conn:
        total = conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()
        items = [dict(r) for r in conn.execute(q.order_by(_M.c.submitted_at.desc(), _M.c.mrn).limit(limit).offset(offset)).mappings()]
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def status(conn: Connection, mrn: str) -> dict[str, Any]:
    """The movement's public status for the MRN follow-up: its state at the office of departure.
    :class:`NotFound` for an unknown (or malformed) MRN."""
    try:
        mrn = str(MRN.parse(mrn))
    except InvalidIdentifier:
        raise NotFound("transit movement", mrn) from None
    row = conn.execute(select(_M.c.mrn, _M.c.state, _M.c.office_of_departure, _M.c.office_of_destination,
                              _M.c.updated_at).where(_M.c.mrn == mrn)).mappings().first()
    if row is None:
        raise NotFound("transit movement", mrn)
    return {"mrn": row["mrn"], "system": SYSTEM, "state": row["state"], "office_of_departure": row["office_of_departure"],
            "office_of_destination": row["office_of_destination"], "updated_at": row["updated_at"]}
