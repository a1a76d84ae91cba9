"""ICS2 use cases at the common repository: lodging, amending and invalidating filings, consultation,
arrival, answers to referrals, and the results that come back from the national entry systems."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import ErrorCode, Forbidden, Issue, NotFound, Rejected
from eucustoms.core.identifiers import MRN
from eucustoms.platform import notifications, telemetry
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.bus import CENTRAL, Envelope, message_log
from eucustoms.platform.context import Context
from eucustoms.platform.numbering import allocate_mrn
from eucustoms.refdata import RefData
from eucustoms.systems.risk import service as risk

from . import SYSTEM, codes, repository, states
from .deadlines import assess
from .facts import house_facts
from .messages import Filing, filing_type, linking_key, validate_filing
from .store import ics2_filing, ics2_log, ics2_referral

PROCEDURE = "T"  # MRN procedure category: entry summary declaration only


# -- helpers ------------------------------------------------------------------------------------------------

def _log(conn: Connection, mrn: str | None, direction: str, message_type: str, party: str, payload: dict) -> None:
    conn.execute(insert(ics2_log).values(mrn=mrn, direction=direction, message_type=message_type, party=party,
                                         at=now(), payload=payload))


def _tell(conn: Connection, eori: str, message_type: str, mrn: str | None, payload: dict) -> None:
    """A message to a trader: kept in the ENS's log and queued as a notification (pull and push)."""
    _log(conn, mrn, "out", message_type, eori, payload)
    notifications.notify(conn, eori, SYSTEM, message_type, payload, subject=mrn)


def _check_trader(principal: Principal) -> str:
    if principal.role is not Role.TRADER or not principal.eori:
        raise Forbidden("entry summary declarations are lodged by traders")
    return principal.eori


def _parties_of(row: dict[str, Any]) -> set[str]:
    return {p for p in (row["declarant"], row["representative"]) if p}


def _visible(principal: Principal, row: dict[str, Any], conn: Connection | None = None) -> bool:
    if principal.role is Role.COMMISSION:
        return True
    if principal.role is Role.TRADER:
        return principal.eori in _parties_of(row)
    if principal.role is Role.OFFICER:
        if principal.country == row["country"]:
            return True
        if conn is not None:  # a member state that received a risk signal about it
            from .store import ics2_nes_case

            return conn.execute(select(ics2_nes_case.c.mrn).where(
                ics2_nes_case.c.country == principal.country, ics2_nes_case.c.mrn == row["mrn"])).first() is not None
    return False


def _load_visible(conn: Connection, principal: Principal, mrn: str, *, for_update: bool = False) -> dict[str, Any]:
    mrn = str(MRN.parse(mrn))
    row = repository.load(conn, mrn, for_update=for_update)
    if not _visible(principal, row, conn):
        raise NotFound("ENS", mrn)  # the same answer as for an unknown MRN: nothing is revealed
    return row


def _responsible_country(filing: Filing) -> str:
    office = filing.consignment.customs_office_of_first_entry
    return office[:2] if office else (filing.addressed_member_state or "")


def _validate(ctx: Context, principal: Principal, message_type: str, payload: Any) -> Filing:
    eori = _check_trader(principal)
    refdata = RefData.from_db(ctx.db)
    filing, issues = validate_filing(message_type, payload, refdata, as_of=now())
    if filing is not None:
        filer = filing.declarant.identification_number
        agent = filing.representative.identification_number if filing.representative else None
        if eori not in (filer, agent):
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/declarant/identification_number",
                                f"the person filing ({filer}) or its representative must be you ({eori})"))
        if not _responsible_country(filing):
            issues.append(Issue(ErrorCode.MISSING, "/consignment/customs_office_of_first_entry",
                                "give the customs office of first entry or the addressed member state"))
    if issues:
        raise Rejected(issues, f"the {message_type} filing was rejected ({codes.ERROR_NOTIFICATION})")
    return filing


# -- lodging ------------------------------------------------------------------------------------------------

def lodge(ctx: Context, principal: Principal, message_type: str, payload: Any) -> dict[str, Any]:
    """Register an ENS filing: validate (every error at once), allocate its MRN, relate it to the other parts
    of the same ENS, and start risk analysis once the ENS is complete. Answers the IE3R01."""
    filing = _validate(ctx, principal, message_type, payload)
    kind = filing_type(filing.message_type)
    country = _responsible_country(filing)
    lodged = now()
    with ctx.db.begin() as conn:
        if conn.execute(select(ics2_filing.c.mrn).where(ics2_filing.c.declarant == filing.declarant.identification_number,
                                                         ics2_filing.c.lrn == filing.lrn)).first():
            raise Rejected.one(ErrorCode.DUPLICATE, "/lrn", f"LRN {filing.lrn} was already used by {filing.declarant.identification_number}")
        mrn = str(allocate_mrn(conn, country, PROCEDURE))
        carrier_filing = _carrier_filing_for(conn, filing)
        late = assess(filing, lodged, linked=carrier_filing)
        c = filing.consignment
        conn.execute(insert(ics2_filing).values(
            mrn=mrn, group_id=mrn, message_type=filing.message_type, filing_type=filing.filing_type,
            mode=c.active_means.mode if c.active_means else None, lrn=filing.lrn,
            declarant=filing.declarant.identification_number,
            representative=filing.representative.identification_number if filing.representative else None,
            carrier=c.carrier.identification_number if c.carrier else None,
            transport_document=c.transport_document.reference_number if c.transport_document else None,
            office_of_first_entry=c.customs_office_of_first_entry, country=country, state=states.REGISTERED,
            pre_loading=kind.pre_loading, lodged_at=lodged, deadline=late.deadline, deadline_rule=late.rule_id,
            late=late.late, payload=filing.model_dump(mode="json", exclude_none=True), version=1,
        ))
        _log(conn, mrn, "in", filing.message_type, principal.eori, filing.model_dump(mode="json", exclude_none=True))
        response = {"mrn": mrn, "lrn": filing.lrn, "message_type": filing.message_type,
                    "registered_at": lodged.isoformat(), "late": late.late,
                    "deadline": late.deadline.isoformat() if late.deadline else None, "deadline_rule": late.rule_id}
        _tell(conn, filing.declarant.identification_number, codes.REGISTRATION_RESPONSE, mrn, response)
        telemetry.count_many(conn, [(SYSTEM, "filings", filing.filing_type)]
                             + ([(SYSTEM, "late_filings", late.rule_id)] if late.late else []))
        repository.save_keys(conn, mrn, filing)
        group_id = repository.merge_groups(conn, mrn)
        _progress_group(ctx, conn, group_id)
        state = conn.execute(select(ics2_filing.c.state).where(ics2_filing.c.mrn == mrn)).scalar_one()
    return {**response, "state": state}


def _carrier_filing_for(conn: Connection, filing: Filing) -> Filing | None:
    """For a house-level part: the carrier's filing it quotes, to take the journey times from (deadlines)."""
    for key in linking_key(filing).expects:
        if key.filer is None:
            rows = conn.execute(select(ics2_filing.c.payload).where(
                ics2_filing.c.transport_document == key.transport_document, ics2_filing.c.carrier == key.carrier)
                .limit(1)).scalars().all()
            if rows:
                return Filing.model_validate(rows[0])
    return None


def _progress_group(ctx: Context, conn: Connection, group_id: str) -> None:
    """After a filing joined or changed the group: wait for missing parts (and say who must file), or start
    the risk analysis of the complete ENS. Pre-loading filings are analysed at once on their own."""
    parsed = repository.parse_rows(repository.group_rows(conn, group_id))
    waiting = [(r, f) for r, f in parsed if r["state"] in (states.REGISTERED, states.PENDING)]
    if not waiting:
        return
    missing = repository.missing_parts([f for _, f in parsed])
    if missing:
        ready = [(r, f) for r, f in waiting if r["pre_loading"] and r["state"] == states.REGISTERED]
        for r, _ in waiting:
            if r["state"] == states.REGISTERED and not r["pre_loading"]:
                _transition(conn, r, "await_other_parts")
                names = [str(k) for k in missing]
                _tell(conn, r["declarant"], codes.ENS_NOT_COMPLETE, r["mrn"],
                      {"mrn": r["mrn"], "missing_parts": names})
                for key in missing:
                    if key.filer and key.filer not in _parties_of(r):
                        _tell(conn, key.filer, codes.HOUSE_FILING_PENDING, r["mrn"], {
                            "mrn": r["mrn"], "transport_document": key.transport_document, "carrier": key.carrier,
                            "expected_from": key.filer})
        if ready:
            _start_analysis(ctx, conn, group_id, ready)
        return
    _start_analysis(ctx, conn, group_id, waiting)


def _transition(conn: Connection, row: dict[str, Any], action: str, **values: Any) -> str:
    state = states.next_state(row["mrn"], row["state"], action)
    conn.execute(update(ics2_filing).where(ics2_filing.c.mrn == row["mrn"]).values(state=state, **values))
    row["state"] = state
    return state


def _start_analysis(ctx: Context, conn: Connection, group_id: str, rows: list[tuple[dict, Filing]]) -> None:
    moment = now()
    for r, _ in rows:
        _transition(conn, r, "start_risk_analysis" if r["state"] in (states.REGISTERED, states.PENDING) else "amend",
                    analysis_started_at=moment)
    # The master-level journey comes from the whole linked set; only the listed filings are analysed.
    everyone = repository.parse_rows(repository.group_rows(conn, group_id))
    mrn_of = {id(f): r["mrn"] for r, f in everyone}
    wanted = {r["mrn"] for r, _ in rows}
    facts = [x for x in house_facts(mrn_of, [f for _, f in everyone]) if x["reference"].split("/")[0] in wanted]
    country = rows[0][0]["country"]
    signals = risk.central_analysis(conn, facts, country=country)
    versions = {r["mrn"]: r["version"] for r, _ in rows}
    ctx.bus.send(conn, Envelope(codes.RA_REQUEST, SYSTEM, CENTRAL, country, {
        "group_id": group_id, "versions": versions, "facts": facts, "signals": signals,
    }, subject=group_id))
    concerned: dict[str, list[dict]] = {}
    for signal in signals:
        for other in signal.get("concerned", []):
            if other != country:
                concerned.setdefault(other, []).append(signal)
    for other, sigs in sorted(concerned.items()):
        ctx.bus.send(conn, Envelope(codes.RISK_SIGNAL, SYSTEM, CENTRAL, other,
                                    {"group_id": group_id, "mrns": sorted(versions), "signals": sigs,
                                     "facts": [x for x in facts if any(s["reference"] == x["reference"] for s in sigs)]},
                                    subject=group_id))


# -- results from the national entry system -----------------------------------------------------------------

def on_risk_result(ctx: Context, conn: Connection, env: Envelope) -> None:
    """ICS2_RA_RES: apply the outcome of the member state of first entry to each filing analysed."""
    result = env.payload
    moment = now()
    for mrn, version in result["versions"].items():
        row = repository.load(conn, mrn, for_update=True)
        outcome = result["outcomes"].get(mrn, {"outcome": "none"})
        if row["version"] != version or row["state"] not in (states.UNDER_RISK_ANALYSIS, states.REFERRAL):
            continue  # superseded by an amendment, or overtaken by arrival/invalidation
        conn.execute(update(ics2_filing).where(ics2_filing.c.mrn == mrn).values(risk_outcome=outcome))
        kind = outcome["outcome"]
        if kind == "DNL":
            _transition(conn, row, "do_not_load")
            _refer(conn, row, "DNL", env.sender, outcome)
        elif kind in ("RFI", "RFS"):
            _transition(conn, row, "refer")
            _refer(conn, row, kind, env.sender, outcome)
        else:
            _transition(conn, row, "complete_assessment", assessed_at=moment)
            _tell(conn, row["declarant"], codes.ASSESSMENT_COMPLETE, mrn,
                  {"mrn": mrn, "assessed_at": moment.isoformat()})
            telemetry.count(conn, SYSTEM, "assessments", row["filing_type"])


def _refer(conn: Connection, row: dict[str, Any], kind: str, country: str, outcome: dict[str, Any]) -> None:
    # An RFS or a do-not-load goes to the carrier when it filed; an RFI to whoever lodged the data.
    addressee = row["declarant"] if kind == "RFI" else (row["carrier"] or row["declarant"])
    request = {"mrn": row["mrn"], "kind": kind, "reasons": outcome.get("reasons", []),
               "houses": outcome.get("houses", [])}
    rid = conn.execute(insert(ics2_referral).values(
        mrn=row["mrn"], kind=kind, addressee=addressee, requested_by=country, requested_at=now(), request=request,
        state="open" if kind != "DNL" else "closed").returning(ics2_referral.c.id)).scalar_one()
    message = {"RFI": codes.RFI, "RFS": codes.RFS, "DNL": codes.DO_NOT_LOAD}[kind]
    _tell(conn, addressee, message, row["mrn"], {**request, "referral_id": rid})
    telemetry.count(conn, SYSTEM, "referrals", kind)


def on_presentation(ctx: Context, conn: Connection, env: Envelope) -> None:
    for mrn in env.payload["mrns"]:
        row = repository.load(conn, mrn, for_update=True)
        if states.allowed(row["state"], "present"):
            _transition(conn, row, "present")


def on_control_result(ctx: Context, conn: Connection, env: Envelope) -> None:
    for mrn in env.payload["mrns"]:
        row = repository.load(conn, mrn, for_update=True)
        if states.allowed(row["state"], "record_control"):
            _transition(conn, row, "record_control")
    risk.record_control_result(conn, env.payload["references"], country=env.sender, result=env.payload["result"])


# -- trader messages after registration ---------------------------------------------------------------------

def amend(ctx: Context, principal: Principal, mrn: str, message_type: str, payload: Any) -> dict[str, Any]:
    """IE3Axx: replace the particulars of a filing (same filing type), re-opening the risk analysis."""
    eori = _check_trader(principal)
    message_type = message_type.upper()
    if not message_type.startswith(codes.AMENDMENT_PREFIX):
        raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/message_type", f"{message_type} is not an amendment (IE3Axx)")
    filed_as = "IE3F" + message_type[4:]
    with ctx.db.read() as conn:
        row = _load_visible(conn, principal, mrn)
    if row["message_type"] != filed_as:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/message_type",
                           f"{mrn} was lodged as {row['message_type']}; amend it with IE3A{row['message_type'][4:]}")
    data = dict(payload) if isinstance(payload, dict) else payload
    if isinstance(data, dict):
        data.setdefault("message_type", filed_as)
        if data.get("message_type") == message_type:
            data["message_type"] = filed_as
    filing = _validate(ctx, principal, filed_as, data)
    if filing.lrn != row["lrn"]:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/lrn", "an amendment keeps the LRN of the filing")
    with ctx.db.begin() as conn:
        row = repository.load(conn, row["mrn"], for_update=True)
        new_state = states.next_state(row["mrn"], row["state"], "amend")
        version = row["version"] + 1
        conn.execute(update(ics2_filing).where(ics2_filing.c.mrn == row["mrn"]).values(
            payload=filing.model_dump(mode="json", exclude_none=True), version=version,
            country=_responsible_country(filing), office_of_first_entry=filing.consignment.customs_office_of_first_entry))
        _log(conn, row["mrn"], "in", message_type, eori, filing.model_dump(mode="json", exclude_none=True))
        answer = {"mrn": row["mrn"], "version": version, "amended_at": now().isoformat()}
        _tell(conn, row["declarant"], codes.AMENDMENT_NOTIFICATION, row["mrn"], answer)
        repository.save_keys(conn, row["mrn"], filing)
        group_id = repository.merge_groups(conn, row["mrn"])
        row = repository.load(conn, row["mrn"])
        if new_state == states.PENDING:
            _progress_group(ctx, conn, group_id)
        else:
            _start_analysis(ctx, conn, group_id, [(row, filing)])
        state = conn.execute(select(ics2_filing.c.state).where(ics2_filing.c.mrn == row["mrn"])).scalar_one()
    return {**answer, "state": state}


def invalidate(ctx: Context, principal: Principal, mrn: str, reason: str | None = None) -> dict[str, Any]:
    """IE3Q04 → IE3R07."""
    eori = _check_trader(principal)
    with ctx.db.begin() as conn:
        row = _load_visible(conn, principal, mrn, for_update=True)
        moment = now()
        _transition(conn, row, "invalidate", invalidated_at=moment)
        conn.execute(update(ics2_referral).where(ics2_referral.c.mrn == row["mrn"], ics2_referral.c.state == "open")
                     .values(state="closed"))
        _log(conn, row["mrn"], "in", codes.INVALIDATION_REQUEST, eori, {"mrn": row["mrn"], "reason": reason})
        answer = {"mrn": row["mrn"], "invalidated_at": moment.isoformat()}
        _tell(conn, row["declarant"], codes.INVALIDATION_ACCEPTANCE, row["mrn"], answer)
    return {**answer, "state": states.INVALIDATED}


def notify_arrival(ctx: Context, principal: Principal, mrns: list[str], arrived_at: datetime | None = None,
                   office: str | None = None) -> dict[str, Any]:
    """IE3N06 → IE3R04: the carrier notifies the arrival of the means of transport for these ENS."""
    eori = _check_trader(principal)
    moment = arrived_at or now()
    done: list[str] = []
    with ctx.db.begin() as conn:
        issues: list[Issue] = []
        rows = []
        for i, mrn in enumerate(mrns):
            try:
                row = _load_visible(conn, principal, mrn, for_update=True)
            except NotFound as exc:
                issues.append(Issue(ErrorCode.UNKNOWN_MRN, f"/mrns/{i}", exc.message))
                continue
            if not states.allowed(row["state"], "arrive"):
                issues.append(Issue(ErrorCode.OUT_OF_SEQUENCE, f"/mrns/{i}",
                                    f"ENS {row['mrn']} is {row['state']}: arrival is not allowed ({codes.INCORRECT_STATE})"))
                continue
            rows.append(row)
        if issues:
            raise Rejected(issues, "the arrival notification was rejected")
        by_country: dict[str, list[str]] = {}
        for row in rows:
            _transition(conn, row, "arrive", arrived_at=moment)
            by_country.setdefault(row["country"], []).append(row["mrn"])
            done.append(row["mrn"])
            _log(conn, row["mrn"], "in", codes.ARRIVAL_NOTIFICATION, eori, {"mrn": row["mrn"], "office": office})
        for country, ms in sorted(by_country.items()):
            ctx.bus.send(conn, Envelope(codes.ARRIVAL, SYSTEM, CENTRAL, country,
                                        {"mrns": ms, "arrived_at": moment.isoformat(), "office": office}))
        answer = {"mrns": done, "arrived_at": moment.isoformat()}
        for row in rows:
            _tell(conn, row["declarant"], codes.ARRIVAL_REGISTRATION, row["mrn"], answer)
    return answer


def answer_referral(ctx: Context, principal: Principal, referral_id: int, answer: dict[str, Any]) -> dict[str, Any]:
    """IE3R02 (RFI response) or IE3R03 (RFS response: screening methods and result)."""
    eori = _check_trader(principal)
    with ctx.db.begin() as conn:
        ref = conn.execute(select(ics2_referral).where(ics2_referral.c.id == referral_id)).mappings().first()
        if ref is None or ref["addressee"] != eori:
            raise NotFound("referral", referral_id)
        if ref["state"] != "open":
            raise Rejected.one(ErrorCode.OUT_OF_SEQUENCE, "/", f"referral {referral_id} is {ref['state']}")
        if ref["kind"] == "RFI" and not answer.get("information"):
            raise Rejected.one(ErrorCode.MISSING, "/information", "an RFI is answered with the information asked for")
        if ref["kind"] == "RFS" and (not answer.get("screening_methods") or not answer.get("result")):
            raise Rejected([Issue(ErrorCode.MISSING, p, r) for p, r in (
                ("/screening_methods", "an RFS is answered with the screening methods used"),
                ("/result", "and the result of the screening")) if not answer.get(p[1:])],
                "the RFS response was rejected")
        message = codes.RFI_RESPONSE if ref["kind"] == "RFI" else codes.RFS_RESPONSE
        conn.execute(update(ics2_referral).where(ics2_referral.c.id == referral_id).values(
            state="answered", answered_at=now(), answer=answer))
        _log(conn, ref["mrn"], "in", message, eori, {"referral_id": referral_id, **answer})
        row = repository.load(conn, ref["mrn"], for_update=True)
        still_open = conn.execute(select(func.count()).select_from(ics2_referral).where(
            ics2_referral.c.mrn == ref["mrn"], ics2_referral.c.state == "open")).scalar_one()
        if not still_open and states.allowed(row["state"], "referral_answered"):
            _transition(conn, row, "referral_answered")
            ctx.bus.send(conn, Envelope(codes.REFERRAL_ANSWER, SYSTEM, CENTRAL, ref["requested_by"], {
                "mrn": ref["mrn"], "version": row["version"], "kind": ref["kind"], "answer": answer}, subject=ref["mrn"]))
        state = row["state"]
    return {"referral_id": referral_id, "mrn": ref["mrn"], "state": state}


# -- reading --------------------------------------------------------------------------------------------------

def _referrals(conn: Connection, mrn: str) -> list[dict[str, Any]]:
    r = ics2_referral
    return [dict(x) for x in conn.execute(select(r).where(r.c.mrn == mrn).order_by(r.c.id)).mappings()]


def consult(ctx: Context, principal: Principal, mrn: str) -> dict[str, Any]:
    """IE3Q05 → IE3R08: the ENS filing as registered, its state, referrals and message log."""
    with ctx.db.read() as conn:
        row = _load_visible(conn, principal, mrn)
        log = [dict(x) for x in conn.execute(select(ics2_log).where(ics2_log.c.mrn == row["mrn"])
                                             .order_by(ics2_log.c.id)).mappings()]
        exchanges = message_log(conn, row["group_id"]) + (message_log(conn, row["mrn"]) if row["group_id"] != row["mrn"] else [])
        group = [{"mrn": r["mrn"], "filing_type": r["filing_type"], "state": r["state"]}
                 for r in repository.group_rows(conn, row["group_id"], live_only=False)]
        referrals = _referrals(conn, row["mrn"])
    show_risk = principal.role is not Role.TRADER
    return {
        "mrn": row["mrn"], "lrn": row["lrn"], "message_type": row["message_type"], "state": row["state"],
        "country": row["country"], "declarant": row["declarant"], "lodged_at": row["lodged_at"],
        "late": row["late"], "deadline": row["deadline"], "deadline_rule": row["deadline_rule"],
        "assessed_at": row["assessed_at"], "arrived_at": row["arrived_at"], "version": row["version"],
        "allowed_messages": states.ALLOWED_BY_TRADER.get(row["state"], []),
        "linked_filings": group, "referrals": referrals,
        "risk_outcome": row["risk_outcome"] if show_risk else None,
        "filing": row["payload"],
        "message_log": [{"direction": x["direction"], "message_type": x["message_type"], "party": x["party"],
                         "at": x["at"], "payload": x["payload"]} for x in log],
        "domain_exchanges": [{"message_type": x["message_type"], "sender": x["sender"], "recipient": x["recipient"],
                              "at": x["created_at"]} for x in exchanges] if show_risk else [],
    }


def search(ctx: Context, principal: Principal, *, state: str | None = None, country: str | None = None,
           limit: int = 50, offset: int = 0) -> dict[str, Any]:
    f = ics2_filing
    q = select(f.c.mrn, f.c.lrn, f.c.message_type, f.c.state, f.c.country, f.c.declarant, f.c.lodged_at, f.c.late)
    if principal.role is Role.TRADER:
        q = q.where((f.c.declarant == principal.eori) | (f.c.representative == principal.eori))
    elif principal.role is Role.OFFICER:
        q = q.where(f.c.country == principal.country)
    elif principal.role is not Role.COMMISSION:
        raise Forbidden("ENS are not public")
    if state:
        q = q.where(f.c.state == state)
    if country and principal.role is Role.COMMISSION:
        q = q.where(f.c.country == country.upper())
    with ctx.db.read() as conn:
        total = conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()
        items = [dict(r) for r in conn.execute(q.order_by(f.c.lodged_at.desc(), f.c.mrn).limit(limit).offset(offset)).mappings()]
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def referrals_for(ctx: Context, principal: Principal, *, open_only: bool = True) -> list[dict[str, Any]]:
    eori = _check_trader(principal)
    r = ics2_referral
    q = select(r).where(r.c.addressee == eori)
    if open_only:
        q = q.where(r.c.state == "open")
    with ctx.db.read() as conn:
        return [dict(x) for x in conn.execute(q.order_by(r.c.id)).mappings()]
