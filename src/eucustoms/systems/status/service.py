"""PoUS use cases: request, endorse, reject, register (authorised issuer), use at an office of presentation
(whole, or item by item for a customs goods manifest), invalidate, show, list, the public verification and the
status for the DDS MRN follow-up.

Every function runs in the caller's transaction (``db.begin()`` for the writers; ``verify`` writes a count too).
A proof row is locked for its changes (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite ``db.begin()`` holds the
write lock), so two offices can never use the same item of a manifest. Every state change goes through
:mod:`.states`; validation lists every error and happens before anything is written."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from eucustoms.core.clock import now
from eucustoms.core.errors import (
    ErrorCode,
    Forbidden,
    IncorrectState,
    InvalidIdentifier,
    Issue,
    NotFound,
    Rejected,
)
from eucustoms.core.identifiers import MRN, ProcedureCategory
from eucustoms.platform import notifications, telemetry
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.numbering import allocate_mrn

from . import SYSTEM, codes, states, validation
from .messages import (
    AcpAuthorisation,
    Authorisation,
    Endorsement,
    Invalidation,
    Item,
    LogEntry,
    Presentation,
    Proof,
    ProofPage,
    ProofRequest,
    ProofSummary,
    Refusal,
    Use,
    Verification,
)
from .store import pous_authorisation, pous_item, pous_log, pous_proof, pous_use

#: Art. 123 DA: a proof is valid for 90 days from its registration. Reg. 1182/71: the day of registration is not
#: counted and the period ends with its last day, so a proof registered on 2 March may be used until 31 May.
VALIDITY = timedelta(days=90)
CATEGORY = ProcedureCategory.PROOF_OF_UNION_STATUS
DDS_SERVICE = "pous"
KIND = "proof of Union status"

_P, _I, _U, _L, _A = pous_proof, pous_item, pous_use, pous_log, pous_authorisation


# -- plumbing ---------------------------------------------------------------------------------------------------

class _Out:
    """What one use case records besides the proof: its message log, the holder's notifications and the counts,
    written together at the end (in the caller's transaction)."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.log: list[dict[str, Any]] = []
        self.notes: list[tuple[str, str, str, str | None, dict]] = []
        self.counts: list[tuple[str, str, str]] = []

    def received(self, mrn: str, message_type: str, party: str, payload: dict[str, Any]) -> None:
        self.log.append({"mrn": mrn, "direction": "in", "message_type": message_type, "party": party,
                         "at": now(), "payload": payload})

    def sent(self, row: dict[str, Any], message_type: str, payload: dict[str, Any]) -> None:
        """A message to the holder: logged, and queued in its notifications."""
        self.log.append({"mrn": row["mrn"], "direction": "out", "message_type": message_type,
                         "party": row["requester"], "at": now(), "payload": payload})
        self.notes.append((row["requester"], SYSTEM, message_type, row["mrn"], payload))

    def count(self, metric: str, key: str = "") -> None:
        self.counts.append((SYSTEM, metric, key))

    def flush(self) -> None:
        if self.log:
            self.conn.execute(insert(_L), self.log)
        notifications.notify_many(self.conn, self.notes)
        telemetry.count_many(self.conn, self.counts)
        self.log, self.notes, self.counts = [], [], []


def _parse_mrn(mrn: str) -> str:
    try:
        return str(MRN.parse(mrn))
    except InvalidIdentifier as exc:
        raise Rejected.one(ErrorCode.INVALID_MRN, "/mrn", exc.message) from None


def _load(conn: Connection, mrn: str, *, for_update: bool = False) -> dict[str, Any] | None:
    q = select(_P).where(_P.c.mrn == mrn)
    if for_update and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def _used_in(conn: Connection, mrn: str, country: str | None) -> bool:
    return conn.execute(select(_U.c.id).where(_U.c.mrn == mrn, _U.c.country == country).limit(1)).first() is not None


def _visible(conn: Connection, principal: Principal, row: dict[str, Any]) -> bool:
    """The holder; the customs authorities of the member state of issue, of the port of arrival, or of an office
    where it was used; the Commission."""
    if principal.role is Role.COMMISSION:
        return True
    if principal.role is Role.TRADER:
        return principal.eori is not None and principal.eori == row["requester"]
    if principal.role is Role.OFFICER and principal.country:
        return principal.country in (row["country"], row["arrival_country"]) or _used_in(conn, row["mrn"], principal.country)
    return False


def _open(conn: Connection, principal: Principal, mrn: str, *, for_update: bool = False) -> dict[str, Any]:
    """The proof if ``principal`` may see it; an unknown and an invisible MRN get the same answer."""
    mrn = _parse_mrn(mrn)
    row = _load(conn, mrn, for_update=for_update)
    if row is None or not _visible(conn, principal, row):
        raise NotFound(KIND, mrn)
    return row


def _trader(principal: Principal) -> str:
    if principal.role is not Role.TRADER or not principal.eori:
        raise Forbidden("proofs of Union status are requested by the person concerned (a trader with an EORI)")
    return principal.eori


def _officer(principal: Principal) -> None:
    if principal.role is not Role.OFFICER or not principal.country or not principal.office:
        raise Forbidden("this is done by a customs officer")


def _issuing(conn: Connection, principal: Principal, mrn: str) -> dict[str, Any]:
    """The proof, for an officer of its member state of issue (who endorses, refuses and invalidates it)."""
    _officer(principal)
    row = _open(conn, principal, mrn, for_update=True)
    if principal.country != row["country"]:
        raise Forbidden(f"proof {row['mrn']} was issued at an office of {row['country']}: "
                        f"only {row['country']}'s customs authorities endorse, refuse or invalidate it")
    return row


def _state(row: dict[str, Any], moment: datetime) -> str:
    return states.effective(row["state"], row["valid_until"], moment.date())


def _save(conn: Connection, row: dict[str, Any], moment: datetime, **changes: Any) -> None:
    changes.update(version=row["version"] + 1, updated_at=moment)
    conn.execute(update(_P).where(_P.c.mrn == row["mrn"]).values(**changes))
    row.update(changes)


def _incorrect(row: dict[str, Any], state: str, action: str) -> IncorrectState:
    subject = f"{KIND} {row['mrn']}"
    if state == states.EXPIRED:
        subject += f" (valid until {row['valid_until']}, Art. 123 DA)"
    return IncorrectState(subject, state, action)


def _next(row: dict[str, Any], current: str, action: str) -> str:
    """The transition table's answer; an expired proof says until when it was valid."""
    if not states.allowed(current, action):
        raise _incorrect(row, current, action)
    return states.next_state(row["mrn"], current, action)


# -- request, registration --------------------------------------------------------------------------------------

def request(conn: Connection, principal: Principal, payload: ProofRequest | dict[str, Any]) -> Proof:
    """The person concerned requests a T2L, T2LF or customs goods manifest at the office of issue: the MRN is
    allocated and the request awaits endorsement (POUS_ACK); an authorised issuer's proof is registered at once,
    without endorsement (Art. 128 DA; POUS_REG). Raises :class:`Rejected` listing every error."""
    eori = _trader(principal)
    req: ProofRequest = validation.parse(ProofRequest, payload, "the proof request was rejected")
    moment = now()
    day = moment.date()
    ref = validation.refdata(conn)
    issues = validation.check_request(conn, ref, req, eori, day)
    if conn.execute(select(_P.c.mrn).where(_P.c.requester == req.requester, _P.c.lrn == req.lrn)).first():
        issues.append(Issue(ErrorCode.DUPLICATE, "/lrn", f"LRN {req.lrn} was already used by {req.requester}"))
    if issues:
        raise Rejected(issues, f"the {req.proof_type} request was rejected")

    country = req.office_of_issue[:2]
    mrn = str(allocate_mrn(conn, country, CATEGORY))
    t = req.transport
    arrival = ref.place(t.port_of_arrival) if t and t.port_of_arrival else None
    data = req.model_dump(mode="json", exclude_none=True)
    row = {
        "mrn": mrn, "lrn": req.lrn, "proof_type": req.proof_type, "requester": req.requester,
        "authorised_issuer": req.authorised_issuer, "authorisation_reference": req.authorisation_reference,
        "office_of_issue": req.office_of_issue, "country": country,
        "port_of_departure": t.port_of_departure if t else None, "port_of_arrival": t.port_of_arrival if t else None,
        "arrival_country": arrival.country if arrival else None, "state": states.REQUESTED, "requested_at": moment,
        "registered_at": None, "valid_until": None, "registered_by": None, "endorsing_office": None, "remarks": None,
        "rejected_at": None, "rejection_reason": None, "invalidated_at": None, "invalidated_by": None,
        "invalidation_reason": None, "items_total": len(req.items), "items_used": 0,
        "transport": t.model_dump(mode="json", exclude_none=True) if t else None, "payload": data,
        "updated_at": moment, "version": 1,
    }
    try:
        conn.execute(insert(_P).values(row))
    except IntegrityError:  # the same LRN lodged concurrently
        raise Rejected.one(ErrorCode.DUPLICATE, "/lrn", f"LRN {req.lrn} was already used by {req.requester}") from None
    conn.execute(insert(_I), [{
        "mrn": mrn, "item_number": i.item_number, "description": i.description, "cn_code": i.cn_code,
        "gross_mass": str(i.gross_mass), "packages": i.packages, "package_kind": i.package_kind,
        "containers": i.containers, "non_union_packaging": i.non_union_packaging,
        "transport_document": i.transport_document, "use_id": None} for i in req.items])
    out = _Out(conn)
    out.received(mrn, codes.REQUEST, eori, data)
    out.count("requests", req.proof_type)
    if req.authorised_issuer:
        _register(conn, out, row, "register", moment, by="authorised issuer", office=None, remarks=None)
    else:
        out.sent(row, codes.ACKNOWLEDGEMENT, {"mrn": mrn, "lrn": req.lrn, "proof_type": req.proof_type,
                                              "state": states.REQUESTED, "office_of_issue": req.office_of_issue,
                                              "requested_at": moment.isoformat()})
    out.flush()
    return _proof(conn, principal, mrn)


def _register(conn: Connection, out: _Out, row: dict[str, Any], action: str, moment: datetime, *, by: str,
              office: str | None, remarks: str | None) -> None:
    """The proof is registered (endorsed, or by an authorised issuer): valid for 90 days from today."""
    state = _next(row, _state(row, moment), action)
    valid_until = moment.date() + VALIDITY
    _save(conn, row, moment, state=state, registered_at=moment, valid_until=valid_until, registered_by=by,
          endorsing_office=office, remarks=remarks)
    out.sent(row, codes.REGISTRATION, {"mrn": row["mrn"], "proof_type": row["proof_type"],
                                       "document_code": codes.DOCUMENT_CODES[row["proof_type"]],
                                       "registered_at": moment.isoformat(), "valid_until": valid_until.isoformat(),
                                       "endorsed": action == "endorse"})
    out.count("registered", "endorsed" if action == "endorse" else "authorised_issuer")


def endorse(conn: Connection, principal: Principal, mrn: str, decision: Endorsement | dict[str, Any] | None = None) -> Proof:
    """An officer of the member state of issue endorses the request: the proof is registered, valid 90 days."""
    d: Endorsement = validation.parse(Endorsement, decision or {}, "the endorsement was rejected")
    row = _issuing(conn, principal, mrn)
    moment = now()
    _next(row, _state(row, moment), "endorse")
    out = _Out(conn)
    out.received(row["mrn"], codes.OFFICER_ENDORSEMENT, principal.name,
                 {"office": principal.office, **({"remarks": d.remarks} if d.remarks else {})})
    _register(conn, out, row, "endorse", moment, by=principal.name, office=principal.office, remarks=d.remarks)
    out.flush()
    return _proof(conn, principal, row["mrn"])


def reject(conn: Connection, principal: Principal, mrn: str, refusal: Refusal | dict[str, Any]) -> Proof:
    """An officer of the member state of issue refuses to endorse the request (e.g. the goods are not Union goods)."""
    r: Refusal = validation.parse(Refusal, refusal, "the refusal was rejected")
    row = _issuing(conn, principal, mrn)
    moment = now()
    state = _next(row, _state(row, moment), "reject")
    _save(conn, row, moment, state=state, rejected_at=moment, rejection_reason=r.reason, registered_by=principal.name,
          endorsing_office=principal.office)
    out = _Out(conn)
    out.received(row["mrn"], codes.OFFICER_REJECTION, principal.name, {"office": principal.office, "reason": r.reason})
    out.sent(row, codes.REJECTION, {"mrn": row["mrn"], "reason": r.reason, "rejected_at": moment.isoformat()})
    out.count("rejected", row["proof_type"])
    out.flush()
    return _proof(conn, principal, row["mrn"])


# -- use at the office of presentation --------------------------------------------------------------------------

def use(conn: Connection, principal: Principal, mrn: str, presentation: Presentation | dict[str, Any] | None = None) -> Proof:
    """The goods are presented at an office in the Union and the proof is used there, recorded by an officer of
    that office's member state (any member state: the MRN shown by the holder is the key). A T2L/T2LF is used as a
    whole; a customs goods manifest item by item, the rest staying usable (partially used). Refused once the
    proof expired (90 days), was used up, invalidated, or never registered."""
    _officer(principal)
    p: Presentation = validation.parse(Presentation, presentation or {}, "the presentation was rejected")
    number = _parse_mrn(mrn)
    row = _load(conn, number, for_update=True)
    if row is None:
        raise NotFound(KIND, number)
    moment = now()
    day = moment.date()
    current = _state(row, moment)
    if not (states.allowed(current, "use") or states.allowed(current, "use_partially")):
        raise _incorrect(row, current, "use")

    office = p.office or principal.office or ""
    ref = validation.refdata(conn)
    issues = validation.check_office(ref, office, day, "/office",
                                     "a proof of Union status is presented where the goods arrive in the Union")
    if office[:2] != principal.country:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/office", f"{office} is not an office of your member state ({principal.country})"))
    items = {r["item_number"]: dict(r) for r in conn.execute(
        select(_I.c.item_number, _I.c.use_id).where(_I.c.mrn == number)).mappings()}
    remaining = sorted(n for n, r in items.items() if r["use_id"] is None)
    if row["proof_type"] != "CGM":
        if p.items is not None and sorted(set(p.items)) != sorted(items):
            issues.append(Issue(ErrorCode.NOT_ALLOWED, "/items",
                                f"a {row['proof_type']} is used as a whole: omit the items or list all of them"))
        wanted = remaining
    else:
        wanted = sorted(set(p.items)) if p.items is not None else remaining
        seen: set[int] = set()
        for k, n in enumerate(p.items or []):
            if n in seen:
                issues.append(Issue(ErrorCode.DUPLICATE, f"/items/{k}", f"item {n} is listed twice"))
            elif n not in items:
                issues.append(Issue(ErrorCode.RULE_VIOLATION, f"/items/{k}", f"the manifest has no item {n}"))
            elif items[n]["use_id"] is not None:
                issues.append(Issue(ErrorCode.RULE_VIOLATION, f"/items/{k}", f"item {n} of the manifest was already used"))
            seen.add(n)
    if issues:
        raise Rejected(issues, f"the use of proof {number} was rejected")

    action = "use" if wanted == remaining else "use_partially"
    state = _next(row, current, action)
    use_row = {"mrn": number, "office": office, "country": office[:2], "items": wanted, "complete": action == "use",
               "reference": p.reference, "at": moment, "by": principal.name}
    use_id = conn.execute(insert(_U).values(use_row).returning(_U.c.id)).scalar_one()
    conn.execute(update(_I).where(_I.c.mrn == number, _I.c.item_number.in_(wanted)).values(use_id=use_id))
    _save(conn, row, moment, state=state, items_used=row["items_used"] + len(wanted))
    out = _Out(conn)
    out.received(number, codes.OFFICER_USE, principal.name,
                 {"office": office, "items": wanted, **({"reference": p.reference} if p.reference else {})})
    out.sent(row, codes.USE_NOTIFICATION, {"mrn": number, "office": office, "items": wanted, "state": state,
                                           "items_remaining": len(remaining) - len(wanted), "used_at": moment.isoformat()})
    out.count("uses", "complete" if action == "use" else "partial")
    out.count("uses_by_country", office[:2])
    out.flush()
    return _proof(conn, principal, number)


# -- invalidation -------------------------------------------------------------------------------------------------

def invalidate(conn: Connection, principal: Principal, mrn: str, invalidation: Invalidation | dict[str, Any]) -> Proof:
    """Invalidation: at the request of the holder (a pending request, or a registered proof not used yet), or by
    the customs authorities of the member state of issue (a registered proof, also a partly used manifest: its
    remaining items can no longer be used)."""
    inv: Invalidation = validation.parse(Invalidation, invalidation, "the invalidation was rejected")
    if principal.role is Role.TRADER:
        eori = _trader(principal)
        row = _open(conn, principal, mrn, for_update=True)
        action, message, by = "invalidate", codes.INVALIDATION_REQUEST, eori
    elif principal.role is Role.OFFICER:
        row = _issuing(conn, principal, mrn)
        action, message, by = "invalidate_ex_officio", codes.OFFICER_INVALIDATION, principal.name
    else:
        raise Forbidden("a proof is invalidated by its holder or by the customs authorities of its member state of issue")
    moment = now()
    state = _next(row, _state(row, moment), action)
    _save(conn, row, moment, state=state, invalidated_at=moment, invalidated_by=by, invalidation_reason=inv.reason)
    out = _Out(conn)
    out.received(row["mrn"], message, by, {"reason": inv.reason})
    out.sent(row, codes.INVALIDATION, {"mrn": row["mrn"], "reason": inv.reason, "by": "holder" if action == "invalidate" else "customs",
                                       "invalidated_at": moment.isoformat()})
    out.count("invalidations", "holder" if action == "invalidate" else "customs")
    out.flush()
    return _proof(conn, principal, row["mrn"])


# -- reading ----------------------------------------------------------------------------------------------------

def _build(conn: Connection, row: dict[str, Any], moment: datetime) -> Proof:
    mrn = row["mrn"]
    items = conn.execute(select(_I).where(_I.c.mrn == mrn).order_by(_I.c.item_number)).mappings().all()
    uses = conn.execute(select(_U).where(_U.c.mrn == mrn).order_by(_U.c.id)).mappings().all()
    log = conn.execute(select(_L).where(_L.c.mrn == mrn).order_by(_L.c.id)).mappings().all()
    state = _state(row, moment)
    return Proof(
        **{k: row[k] for k in ("mrn", "lrn", "proof_type", "requester", "authorised_issuer", "authorisation_reference",
                               "office_of_issue", "country", "port_of_departure", "port_of_arrival", "requested_at",
                               "registered_at", "valid_until", "registered_by", "endorsing_office", "remarks",
                               "rejected_at", "rejection_reason", "invalidated_at", "invalidated_by",
                               "invalidation_reason", "items_total", "items_used", "transport", "updated_at", "version")},
        document_code=codes.DOCUMENT_CODES[row["proof_type"]], state=state,
        items=[Item(**{k: i[k] for k in ("item_number", "description", "cn_code", "packages", "package_kind", "containers",
                                         "non_union_packaging", "transport_document", "use_id")},
                    gross_mass=Decimal(i["gross_mass"]), used=i["use_id"] is not None) for i in items],
        uses=[Use(**{k: u[k] for k in ("id", "office", "country", "items", "complete", "reference", "at", "by")}) for u in uses],
        allowed_actions=states.allowed_actions(state),
        message_log=[LogEntry(**{k: x[k] for k in ("direction", "message_type", "party", "at", "payload")}) for x in log],
    )


def _proof(conn: Connection, principal: Principal, mrn: str) -> Proof:
    return _build(conn, _open(conn, principal, mrn), now())


def show(conn: Connection, principal: Principal, mrn: str) -> Proof:
    """The proof with its items, uses and message log, for its holder, the customs authorities concerned (member
    state of issue, of the port of arrival, of an office where it was used) and the Commission."""
    return _proof(conn, principal, mrn)


def get(conn: Connection, mrn: str) -> Proof:
    """A proof by MRN without access rules, for other systems (e.g. a temporary storage declaration quoting it)."""
    number = _parse_mrn(mrn)
    row = _load(conn, number)
    if row is None:
        raise NotFound(KIND, number)
    return _build(conn, row, now())


def _expired_clause(day: date):
    return and_(_P.c.state.in_(states.USABLE), _P.c.valid_until < day)


def search(conn: Connection, principal: Principal, *, state: str | None = None, proof_type: str | None = None,
           limit: int = 50, offset: int = 0) -> ProofPage:
    """A trader's own proofs; an officer's country's (issued there, arriving there or used there); all for the
    Commission. ``state`` is the state as of now (``expired`` included)."""
    q = select(_P.c.mrn, _P.c.lrn, _P.c.proof_type, _P.c.state, _P.c.requester, _P.c.office_of_issue,
               _P.c.requested_at, _P.c.valid_until, _P.c.items_total, _P.c.items_used)
    if principal.role is Role.TRADER:
        q = q.where(_P.c.requester == principal.eori)
    elif principal.role is Role.OFFICER:
        c = principal.country
        q = q.where(or_(_P.c.country == c, _P.c.arrival_country == c,
                        exists(select(_U.c.id).where(_U.c.mrn == _P.c.mrn, _U.c.country == c))))
    elif principal.role is not Role.COMMISSION:
        raise Forbidden("proofs of Union status are shown to their holders and to the customs authorities; "
                        "the public verifies one by its MRN")
    moment = now()
    day = moment.date()
    if state:
        if state not in states.STATES:
            raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "query:state", f"one of {', '.join(states.STATES)}")
        if state == states.EXPIRED:
            q = q.where(_expired_clause(day))
        elif state in states.USABLE:
            q = q.where(_P.c.state == state, _P.c.valid_until >= day)
        else:
            q = q.where(_P.c.state == state)
    if proof_type:
        q = q.where(_P.c.proof_type == proof_type.upper())
    total = conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()
    rows = conn.execute(q.order_by(_P.c.requested_at.desc(), _P.c.mrn).limit(limit).offset(offset)).mappings().all()
    items = [ProofSummary(**{**dict(r), "state": states.effective(r["state"], r["valid_until"], day)}) for r in rows]
    return ProofPage(total=total, limit=limit, offset=offset, items=items)


def verify(conn: Connection, mrn: str) -> Verification:
    """The public verification: type, state and validity of a registered proof, nothing about parties or goods.
    A request not (yet) endorsed or refused is not a proof: not found. Counted as a consultation."""
    number = _parse_mrn(mrn)
    moment = now()
    row = _load(conn, number)
    telemetry.count(conn, "dds", telemetry.CONSULTATIONS, DDS_SERVICE)
    if row is None or row["registered_at"] is None:
        return Verification(mrn=number, found=False, checked_at=moment)
    state = _state(row, moment)
    return Verification(mrn=number, found=True, proof_type=row["proof_type"], state=state,
                        valid_from=row["registered_at"].date(), valid_until=row["valid_until"],
                        usable=state in states.USABLE, checked_at=moment)


def status(conn: Connection, mrn: str) -> dict[str, Any] | None:
    """For the DDS MRN follow-up: ``{mrn, system, state, type, valid_until, updated_at}`` as of now, or None
    when PoUS has no proof with this MRN (a malformed MRN is rejected, code 93)."""
    number = _parse_mrn(mrn)
    row = _load(conn, number)
    if row is None:
        return None
    return {"mrn": number, "system": SYSTEM, "state": _state(row, now()), "type": row["proof_type"],
            "valid_until": row["valid_until"], "updated_at": row["updated_at"]}


# -- authorised issuer (ACP) authorisations -----------------------------------------------------------------------

def record_authorisation(conn: Connection, principal: Principal, body: AcpAuthorisation | dict[str, Any]) -> Authorisation:
    """An officer records an authorised issuer (ACP) authorisation granted by its member state (until the customs
    decisions system provides them). It lets its holder register proofs without endorsement, in that member
    state only (Art. 128 DA)."""
    _officer(principal)
    a: AcpAuthorisation = validation.parse(AcpAuthorisation, body, "the authorisation was rejected")
    moment = now()
    valid_from = a.valid_from or moment.date()
    issues = validation.check_operator(conn, a.holder, "/holder", valid_from)
    if a.valid_to is not None and a.valid_to < valid_from:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/valid_to", f"valid_to {a.valid_to} is before valid_from {valid_from}"))
    if conn.execute(select(_A.c.reference).where(_A.c.reference == a.reference)).first():
        issues.append(Issue(ErrorCode.DUPLICATE, "/reference", f"authorisation {a.reference} is already recorded"))
    if issues:
        raise Rejected(issues, "the authorisation was rejected")
    row = {"reference": a.reference, "holder": a.holder, "country": principal.country,
           "proof_types": sorted(set(a.proof_types)), "valid_from": valid_from, "valid_to": a.valid_to,
           "recorded_by": principal.name, "recorded_at": moment}
    conn.execute(insert(_A).values(row))
    telemetry.count(conn, SYSTEM, "authorisations", "ACP")
    return Authorisation(**row)
