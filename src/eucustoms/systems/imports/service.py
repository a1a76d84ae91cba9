"""Import declarations at the member state's import system (the office of lodgement): lodging, acceptance
with the customs debt, risk analysis and control decision, control result, release or no release, amendment,
invalidation, payment, consultation — and, in centralised clearance, the supervising customs office's side of
the exchanges with the customs office of presentation (see :mod:`.cci` for the other side).

Every state change goes through :mod:`.states`. Acceptance, the quota requests (QUOTA2), the guarantee debit
(GUM) and the release happen in one transaction: a rejection leaves no quota request and no debit behind;
invalidation (and a refusal of release) gives both back. Lodgings and payments are written in groups (one
transaction for the requests that arrive together, see :mod:`.tx`). A control result that finds other particulars
reassesses the debt (:func:`_reassess`): the difference is notified, quota and security adjusted."""

from __future__ import annotations

import time
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import (
    CustomsError, ErrorCode, Forbidden, IncorrectState, InvalidIdentifier, Issue, NotFound, Rejected,
)
from eucustoms.core.identifiers import MRN
from eucustoms.core.money import Money
from eucustoms.platform import telemetry
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.bus import Envelope, batched, message_log
from eucustoms.platform.context import Context
from eucustoms.platform.numbering import allocate_mrn
from eucustoms.refdata import RefData
from eucustoms.systems.guarantees import service as guarantees
from eucustoms.systems.risk import service as risk
from eucustoms.systems.tariff import quota
from eucustoms.systems.tariff.tariff import is_current, tariff

from . import SYSTEM, codes, states
from .store import imp_authorisation, imp_declaration, imp_log
from .tx import Tx, writer
from .validation import Prepared, apply_corrections, guarantee_issues, parse, prepare, reassess

DATASETS = {"H1": codes.DECLARATION_H1, "H7": codes.DECLARATION_H7}
CONTROL_TYPES = ("none", "documentary", "physical")
CONTROL_RESULTS = ("no_irregularity", "irregularity", "seizure")
_PHYSICAL = {"physical", "scan"}
_DOCUMENTARY = {"document_check", "screen"}

_D = imp_declaration
_LRN_USED = select(_D.c.mrn).where(_D.c.declarant == bindparam("declarant"), _D.c.lrn == bindparam("lrn"))
_BY_MRN = select(imp_declaration).where(_D.c.mrn == bindparam("b_mrn"))
_BY_MRN_FOR_UPDATE = _BY_MRN.with_for_update()
_LIGHT = select(*[c for c in _D.c if c.name != "payload"]).where(_D.c.mrn == bindparam("b_mrn"))
_LIGHT_FOR_UPDATE = _LIGHT.with_for_update()
_UPDATE = update(imp_declaration).where(_D.c.mrn == bindparam("b_mrn"))
_Tx = Tx  # the transaction's buffered writes (see tx.py)


# -- plumbing ---------------------------------------------------------------------------------------------------

def _check_trader(principal: Principal) -> str:
    if principal.role is not Role.TRADER or not principal.eori:
        raise Forbidden("import declarations are lodged by traders (declarant or representative)")
    return principal.eori


def _check_officer(principal: Principal, row: dict[str, Any]) -> None:
    if principal.role is not Role.OFFICER:
        raise Forbidden("this decision is taken by the customs officers of the office of lodgement")
    if principal.country != row["country"]:
        raise NotFound("import declaration", row["mrn"])


def _visible(principal: Principal, row: dict[str, Any]) -> bool:
    if principal.role is Role.COMMISSION:
        return True
    if principal.role is Role.TRADER:
        return principal.eori is not None and principal.eori in {row["declarant"], row["representative"], row["importer"]}
    if principal.role is Role.OFFICER:
        return principal.country == row["country"]
    return False


def _parse_mrn(mrn: str) -> str:
    try:
        return str(MRN.parse(mrn))
    except InvalidIdentifier as exc:
        raise Rejected.one(ErrorCode.INVALID_MRN, "/mrn", exc.message) from None


class _Row(dict):
    """A declaration as read, remembering what was read, so that :func:`_save` writes only what changed."""

    loaded: dict[str, Any]


def _load(conn: Connection, mrn: str, *, for_update: bool = False, payload: bool = True) -> dict[str, Any]:
    """The declaration ``mrn`` (without its stored message when ``payload`` is False: the hot paths that do not
    need it neither read nor write it)."""
    pg = for_update and conn.dialect.name == "postgresql"
    q = (_BY_MRN_FOR_UPDATE if pg else _BY_MRN) if payload else (_LIGHT_FOR_UPDATE if pg else _LIGHT)
    found = conn.execute(q, {"b_mrn": mrn}).mappings().first()
    if found is None:
        raise NotFound("import declaration", mrn)
    row = _Row(found)
    row.loaded = dict(found)
    return row


def _load_many(conn: Connection, mrns: list[str]) -> dict[str, dict[str, Any]]:
    """The declarations ``mrns`` (without their stored messages), read at once (locked on PostgreSQL)."""
    q = select(*[c for c in _D.c if c.name != "payload"]).where(_D.c.mrn.in_(mrns))
    if conn.dialect.name == "postgresql":
        q = q.with_for_update()
    out: dict[str, dict[str, Any]] = {}
    for found in conn.execute(q).mappings():
        row = _Row(found)
        row.loaded = dict(found)
        out[row["mrn"]] = row
    return out


def _load_visible(conn: Connection, principal: Principal, mrn: str, *, for_update: bool = False,
                  payload: bool = True) -> dict[str, Any]:
    mrn = _parse_mrn(mrn)
    row = _load(conn, mrn, for_update=for_update, payload=payload)
    if not _visible(principal, row):
        raise NotFound("import declaration", mrn)  # the same answer as for an unknown MRN
    return row


_ALWAYS_WRITTEN = frozenset({"control_result", "risk", "debt", "quota_refs"})  # small JSON, may change in place


def _save(conn: Connection, row: dict[str, Any]) -> None:
    """Write the columns of ``row`` that changed since it was read (every column of a row not read here)."""
    before = getattr(row, "loaded", None)
    if before is None:
        values = {k: v for k, v in row.items() if k != "mrn"}
    else:
        values = {k: v for k, v in row.items() if k != "mrn" and (
            k in _ALWAYS_WRITTEN or k not in before or (v is not before[k] and v != before[k]))}
    if values:
        conn.execute(_UPDATE, {**values, "b_mrn": row["mrn"]})


def _count_rejection(ctx: Context, dataset: str) -> None:
    try:
        with ctx.db.begin() as conn:
            telemetry.count(conn, SYSTEM, "rejections", dataset)
    except Exception:  # noqa: BLE001 - a count must never hide the rejection
        pass


_REFERENCE_TTL = 1.0  # seconds


def _refdata_tariff(ctx: Context):  # noqa: ANN202
    """The reference data and the tariff of the box. Finding them reads the loaded versions (two read
    transactions), so they are looked up again at most once a second per box: a release loaded by another
    process is seen within a second; a tariff loaded in this process at once."""
    found = ctx.__dict__.get("_imports_reference")
    clock = time.monotonic()
    if found is not None and clock - found[2] < _REFERENCE_TTL and is_current(found[1]):
        return found[0], found[1]
    refdata, t = RefData.from_db(ctx.db), tariff(ctx.db)
    ctx.__dict__["_imports_reference"] = (refdata, t, clock)
    return refdata, t


# -- acceptance, debt, risk, release ------------------------------------------------------------------------

def _suggest(result: dict[str, Any]) -> str:
    """The control the risk analysis suggests: physical, documentary or none."""
    if not result.get("control_recommended"):
        return "none"
    actions = {h["outcome"]["action"] for h in result.get("hits", [])}
    if actions & _PHYSICAL or result.get("outcome") in ("RFS", "DNL"):
        return "physical"
    return "documentary"


def _risk_summary(result: dict[str, Any], country: str) -> dict[str, Any]:
    return {"country": country, "suggested": _suggest(result), "control_recommended": result["control_recommended"],
            "rules": sorted({h["rule_id"] for h in result["hits"]}), "reasons": result["reasons"]}


def _analyse(conn: Connection, prep: Prepared, reference: str, counts: list) -> dict[str, Any]:
    """The risk analysis of the member state of the office of lodgement (the common risk criteria on the facts
    of the declaration; nothing is read or written but the rule hits, appended to ``counts``)."""
    return risk.national_assessment(conn, prep.country, [{**prep.facts, "reference": reference}], [],
                                    counts=counts)[reference]


def _accept(tx: _Tx, row: dict[str, Any], prep: Prepared, moment: datetime,
            analysis: tuple[dict[str, Any], list] | None = None) -> None:
    """Acceptance (Art. 172 UCC): the debt, the quota requests, the security, the risk analysis, and the
    release at once in the green lane when the debt is secured (or nothing is due). ``analysis``: the risk
    analysis already made on the validated declaration (and its counts), to keep it out of the write."""
    conn, mrn, d = tx.conn, row["mrn"], prep.declaration
    version = row["version"]
    row.update(state=states.ACCEPTED, accepted_at=row["accepted_at"] or moment, debt=prep.debt,
               debt_total=str(prep.total), control_type=None, control_suggested=None, control_decided_by=None,
               awaiting=None, grn=d.guarantee.grn if d.guarantee else None)
    refs = []
    for req in prep.quota_requests:
        ref = f"{mrn}/{req['item_number']}" if version == 1 else f"{mrn}/v{version}/{req['item_number']}"
        try:
            quota.request_allocation(conn, req["order_number"], req["origin"], req["quantity"], moment, ref,
                                     unit=req["unit"])
        except Rejected as exc:
            index = next(n for n, i in enumerate(d.items) if i.item_number == req["item_number"])
            raise Rejected([type(i)(i.code, f"/items/{index}/quota_order_number", i.reason) for i in exc.issues],
                           "the quota request was rejected") from None
        refs.append(ref)
    row["quota_refs"] = refs
    if prep.total <= 0:
        row["debt_status"] = "none"
    elif d.guarantee is not None:
        operation = mrn if version == 1 else f"{mrn}:v{version}"
        try:
            guarantees.debit(conn, d.guarantee.grn, Money(prep.total, "EUR"), mrn, operation, row["country"],
                             d.guarantee.access_code, by=f"{SYSTEM}:{mrn}", refdata=prep.refdata)
        except CustomsError as exc:
            raise Rejected(guarantee_issues(exc), f"the guarantee cannot secure the debt: {exc.message}") from None
        row["debt_status"] = "secured"
    else:
        row["debt_status"] = "unpaid"
    facts = {**prep.facts, "reference": mrn}
    if analysis is None:
        result = _analyse(conn, prep, mrn, tx.counts)
    else:
        result = analysis[0]
        tx.counts.extend(analysis[1])
    summary = _risk_summary(result, row["country"])
    row["risk"] = {"lodgement": summary}
    answer = {"mrn": mrn, "lrn": row["lrn"], "accepted_at": row["accepted_at"].isoformat(), "debt": prep.debt,
              "debt_status": row["debt_status"]}
    tx.tell(row, codes.ACCEPTANCE, answer)
    tx.count("accepted", row["dataset"])
    if summary["suggested"] != "none":
        _decide(tx, row, summary["suggested"], "risk analysis", suggested=True)
    if row["cci"]:
        if row["state"] == states.ACCEPTED:
            row["awaiting"] = "cci_risk"
        tx.send(Envelope(codes.CCI_PARTICULARS, SYSTEM, row["country"], row["presentation_country"], {
            "mrn": mrn, "version": version, "lrn": row["lrn"], "dataset": row["dataset"],
            "supervising_office": row["office_of_lodgement"], "office_of_presentation": row["office_of_presentation"],
            "declarant": row["declarant"], "importer": row["importer"], "location_of_goods": d.location_of_goods,
            "items": [{"item_number": i.item_number, "cn_code": i.cn_code, "description": i.description,
                       "origin": i.origin, "net_mass": str(i.net_mass) if i.net_mass is not None else None,
                       "documents": [doc.type for doc in i.documents]} for i in d.items],
            "facts": facts, "accepted_at": row["accepted_at"].isoformat()}, subject=mrn))
    _try_release(tx, row, "automatic (no control, debt secured)")


def _decide(tx: _Tx, row: dict[str, Any], control: str, by: str, *, suggested: bool = False) -> None:
    row["state"] = states.next_state(row["mrn"], row["state"], "decide_control")
    row["control_type"], row["control_decided_by"] = control, by
    if suggested:
        row["control_suggested"] = control
    tx.tell(row, codes.CONTROL_NOTIFICATION, {"mrn": row["mrn"], "control": control, "decided_by": by})
    tx.count("control_decisions", control)


def _paid(row: dict[str, Any]) -> Decimal:
    """What the declarant has paid of the debt so far (EUR)."""
    paid = (row["debt"] or {}).get("paid")
    if paid is None:  # recorded before payments were kept in the debt
        return Decimal(row["debt_total"] or "0") if row["debt_status"] == "paid" else Decimal(0)
    return Decimal(paid)


def _debt_settled(row: dict[str, Any]) -> bool:
    return row["debt_status"] in ("none", "secured", "paid")


def _try_release(tx: _Tx, row: dict[str, Any], how: str) -> None:
    if (row["state"] == states.ACCEPTED and not row["awaiting"] and row["control_type"] in (None, "none")
            and _debt_settled(row)):
        _release(tx, row, how)


def _release(tx: _Tx, row: dict[str, Any], how: str) -> None:
    row["state"] = states.next_state(row["mrn"], row["state"], "release")
    moment = now()
    row["released_at"] = moment
    row["release_seconds"] = max(0.0, (moment - row["accepted_at"]).total_seconds())
    tx.tell(row, codes.RELEASE, {"mrn": row["mrn"], "released_at": moment.isoformat(), "decided": how})
    tx.count("released", "controlled" if row["controlled"] else "green")
    if row["cci"]:
        tx.send(Envelope(codes.CCI_RELEASE, SYSTEM, row["country"], row["presentation_country"],
                         {"mrn": row["mrn"], "released_at": moment.isoformat()}, subject=row["mrn"]))


def _give_back(tx: _Tx, row: dict[str, Any], tag: str) -> None:
    """Return every quota quantity requested and credit the guarantee (invalidation, no release, amendment)."""
    for ref in row["quota_refs"] or []:
        try:
            quota.return_quantity(tx.conn, ref)
        except (NotFound, IncorrectState):
            pass  # already cancelled or returned
    if row["grn"] and row["debt_status"] == "secured":
        guarantees.release(tx.conn, row["grn"], row["mrn"], f"{row['mrn']}:{tag}", by=f"{SYSTEM}:{row['mrn']}")
    row["quota_refs"] = []


# -- trader: lodge, present, amend, invalidate, pay ------------------------------------------------------------

def lodge(ctx: Context, principal: Principal, dataset: str, payload: Any) -> dict[str, Any]:
    """Lodge an H1 or H7 declaration. With additional declaration type A it is accepted at once (the goods
    are presented); with D it is registered as pre-lodged and accepted on presentation. Answers IMP_ACC (or
    IMP_REG), or raises :class:`Rejected` with every error (IMP_REJ).

    Validation (and the customs debt) is done in the caller's thread; the write joins the other lodgings and
    payments of the moment in one transaction (group commit, see :mod:`.tx`)."""
    eori = _check_trader(principal)
    dataset = dataset.upper()
    if dataset not in DATASETS:
        raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/dataset", f"{dataset} is not H1 or H7")
    moment = now()
    try:
        d = parse(payload)
        pre = d.additional_declaration_type == "D"
        refdata, t = _refdata_tariff(ctx)
        with ctx.db.read() as conn:
            # Accepted at once: the guarantee is checked by its debit at acceptance (not twice).
            prep = prepare(conn, refdata, t, d, dataset, eori, moment.date(), check_guarantee=pre)
            # The risk analysis needs nothing the write makes: done here, in the caller's thread.
            hits: list = []
            analysis = None if pre else (_analyse(conn, prep, f"{d.declarant.eori}/{d.lrn}", hits), hits)
    except Rejected:
        _count_rejection(ctx, dataset)
        raise
    data = d.model_dump(mode="json", exclude_none=True)

    def write(tx: Tx) -> dict[str, Any]:
        conn = tx.conn
        key = (d.declarant.eori, d.lrn)
        if (key in tx.lrns_used if tx.lrns_used is not None
                else conn.execute(_LRN_USED, {"declarant": key[0], "lrn": key[1]}).first()):
            raise Rejected.one(ErrorCode.DUPLICATE, "/lrn", f"LRN {d.lrn} was already used by {d.declarant.eori}")
        mrn = str(allocate_mrn(conn, prep.country, "S" if d.serves_as_ens else "R"))
        row = {
            "mrn": mrn, "lrn": d.lrn, "dataset": dataset, "additional_type": d.additional_declaration_type,
            "procedure": d.procedure, "declarant": d.declarant.eori,
            "representative": d.representative.eori if d.representative else None, "importer": d.importer.eori,
            "country": prep.country, "office_of_lodgement": d.office_of_lodgement,
            "office_of_presentation": d.office_of_presentation, "presentation_country": prep.presentation_country,
            "cci": d.cci, "state": states.PRE_LODGED, "lodged_at": moment, "accepted_at": None, "released_at": None,
            "release_seconds": None, "invalidated_at": None, "control_type": None, "control_suggested": None,
            "control_decided_by": None, "controlled": False, "control_result": None, "awaiting": None,
            "risk": None, "debt": None, "debt_total": None, "debt_status": "none", "grn": None, "paid_at": None,
            "quota_refs": [], "payload": data, "version": 1,
        }
        tx.log(mrn, "in", DATASETS[dataset], eori, data)
        tx.count("declarations", dataset)
        if pre:
            tx.tell(row, codes.REGISTRATION, {"mrn": mrn, "lrn": d.lrn, "registered_at": moment.isoformat(),
                                              "state": states.PRE_LODGED})
        else:
            _accept(tx, row, prep, moment, analysis)
        tx.insert(row)
        if tx.lrns_used is not None:
            tx.lrns_used.add(key)  # for a second lodging of it in the same group
        return _answer(row)

    try:
        return writer(ctx).submit(write, lrn=(d.declarant.eori, d.lrn))
    except Rejected:
        _count_rejection(ctx, dataset)
        raise


def _answer(row: dict[str, Any]) -> dict[str, Any]:
    return {"mrn": row["mrn"], "lrn": row["lrn"], "dataset": row["dataset"], "state": row["state"],
            "accepted_at": row["accepted_at"], "released_at": row["released_at"], "debt": row["debt"],
            "debt_status": row["debt_status"], "control": row["control_type"], "version": row["version"]}


def present(ctx: Context, principal: Principal, mrn: str) -> dict[str, Any]:
    """The goods of a pre-lodged declaration are presented: the declaration is accepted now (Art. 171-172 UCC),
    with the debt computed as of today. By the declarant (trader) or an officer of the office of lodgement."""
    moment = now()
    with ctx.db.begin() as conn:
        row = _load_visible(conn, principal, mrn, for_update=True)
        if principal.role not in (Role.TRADER, Role.OFFICER):
            raise Forbidden("the presentation is notified by the declarant or recorded by an officer")
        states.next_state(row["mrn"], row["state"], "present")
        refdata, t = _refdata_tariff(ctx)
        d = parse(row["payload"])
        prep = prepare(conn, refdata, t, d, row["dataset"], row["representative"] or row["declarant"], moment.date(),
                       check_guarantee=False)  # the debit at acceptance checks the guarantee
        tx = _Tx(ctx, conn)
        tx.log(row["mrn"], "in", codes.PRESENTATION, principal.eori or principal.name, {"mrn": row["mrn"]})
        _accept(tx, row, prep, moment)
        _save(conn, row)
        tx.flush()
    return _answer(row)


def amend(ctx: Context, principal: Principal, mrn: str, payload: Any) -> dict[str, Any]:
    """Amend the declaration (Art. 173 UCC): allowed before a control is decided and before release. The debt,
    the quota requests, the security and the risk analysis are done again (the acceptance time stays)."""
    eori = _check_trader(principal)
    moment = now()
    with ctx.db.read() as conn:
        row = _load_visible(conn, principal, mrn)
    d = parse(payload)
    if d.lrn != row["lrn"]:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/lrn", "an amendment keeps the LRN of the declaration")
    if d.office_of_lodgement != row["office_of_lodgement"]:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/supervising_office", "an amendment keeps the office of lodgement")
    refdata, t = _refdata_tariff(ctx)
    day = (row["accepted_at"] or moment).date()
    with ctx.db.read() as conn:
        prep = prepare(conn, refdata, t, d, row["dataset"], eori, day, check_guarantee=False)
    with ctx.db.begin() as conn:
        row = _load(conn, row["mrn"], for_update=True)
        states.next_state(row["mrn"], row["state"], "amend")
        tx = _Tx(ctx, conn)
        data = d.model_dump(mode="json", exclude_none=True)
        tx.log(row["mrn"], "in", codes.AMENDMENT, eori, data)
        row["version"] += 1
        row["payload"] = data
        row["importer"] = d.importer.eori
        row["office_of_presentation"] = d.office_of_presentation
        if row["state"] == states.ACCEPTED:
            _give_back(tx, row, f"amend{row['version']}")
            _accept(tx, row, prep, row["accepted_at"])
        tx.tell(row, codes.AMENDMENT_ACCEPTED, {"mrn": row["mrn"], "version": row["version"], "debt": row["debt"],
                                                 "amended_at": moment.isoformat()})
        tx.count("amendments", row["dataset"])
        _save(conn, row)
        tx.flush()
    return _answer(row)


def invalidate(ctx: Context, principal: Principal, mrn: str, reason: str | None = None) -> dict[str, Any]:
    """Invalidate the declaration (Art. 174 UCC): quota quantities and the guarantee are given back."""
    eori = _check_trader(principal)
    with ctx.db.begin() as conn:
        row = _load_visible(conn, principal, mrn, for_update=True)
        row["state"] = states.next_state(row["mrn"], row["state"], "invalidate")
        tx = _Tx(ctx, conn)
        tx.log(row["mrn"], "in", codes.INVALIDATION_REQUEST, eori, {"mrn": row["mrn"], "reason": reason})
        _give_back(tx, row, "inv")
        moment = now()
        row["invalidated_at"] = moment
        row["debt_status"] = "refund_due" if _paid(row) > 0 else "cancelled"
        tx.tell(row, codes.INVALIDATION_ACCEPTED, {"mrn": row["mrn"], "invalidated_at": moment.isoformat()})
        tx.count("invalidations", row["dataset"])
        if row["cci"]:
            tx.send(Envelope(codes.CCI_NO_RELEASE, SYSTEM, row["country"], row["presentation_country"],
                             {"mrn": row["mrn"], "reason": "invalidated"}, subject=row["mrn"]))
        _save(conn, row)
        tx.flush()
    return _answer(row)


def pay(ctx: Context, principal: Principal, mrn: str, amount: Decimal | str | None = None,
        payment_reference: str | None = None) -> dict[str, Any]:
    """Record the payment of the customs debt (the whole amount still due). A debt secured by a guarantee is
    paid too: the guarantee is then credited. The goods are released if nothing else holds them. Written with
    the other lodgings and payments of the moment (group commit)."""
    eori = _check_trader(principal)
    mrn = _parse_mrn(mrn)

    def write(tx: Tx) -> dict[str, Any]:
        conn = tx.conn
        row = _load_visible(conn, principal, mrn, for_update=True, payload=False)
        if row["debt_status"] not in ("unpaid", "secured") or row["state"] in (states.PRE_LODGED, states.INVALIDATED,
                                                                              states.NOT_RELEASED):
            raise IncorrectState(f"import declaration {row['mrn']} (debt {row['debt_status']})", row["state"], "pay")
        total = Decimal(row["debt_total"])
        due = total - _paid(row)
        if amount is not None and Decimal(str(amount)) != due:
            raise Rejected.one(ErrorCode.RULE_VIOLATION, "/amount", f"the debt is EUR {due}: pay it in full")
        tx.log(row["mrn"], "in", codes.PAYMENT, eori, {"amount": str(due), "currency": "EUR",
                                                       "payment_reference": payment_reference})
        if row["debt_status"] == "secured" and row["grn"]:
            guarantees.release(conn, row["grn"], row["mrn"], f"{row['mrn']}:paid", by=f"{SYSTEM}:{row['mrn']}")
        moment = now()
        row["debt_status"], row["paid_at"] = "paid", moment
        row["debt"] = {**row["debt"], "paid": str(total)}
        tx.tell(row, codes.PAYMENT_RECORDED, {"mrn": row["mrn"], "amount": str(due), "currency": "EUR",
                                               "paid_at": moment.isoformat()})
        tx.count("payments", row["dataset"])
        _try_release(tx, row, "automatic (no control, debt paid)")
        _save(conn, row)
        return _answer(row)

    return writer(ctx).submit(write)


# -- officers: control decision, control result, release ----------------------------------------------------

def _officer_row(conn: Connection, principal: Principal, mrn: str) -> dict[str, Any]:
    if principal.role is not Role.OFFICER:
        raise Forbidden("this decision is taken by the customs officers of the office of lodgement")
    row = _load(conn, _parse_mrn(mrn), for_update=True)
    _check_officer(principal, row)
    return row


def decide_control(ctx: Context, principal: Principal, mrn: str, control: str) -> dict[str, Any]:
    """The officer's control decision: none (waive what the risk analysis suggested), documentary or physical."""
    if control not in CONTROL_TYPES:
        raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/control", f"one of {', '.join(CONTROL_TYPES)}")
    with ctx.db.begin() as conn:
        row = _officer_row(conn, principal, mrn)
        tx = _Tx(ctx, conn)
        by = f"{principal.name} ({principal.office or principal.country})"
        tx.log(row["mrn"], "in", codes.OFFICER_CONTROL_DECISION, principal.name, {"control": control})
        if control == "none":
            row["state"] = states.next_state(row["mrn"], row["state"], "waive_control")
            row["control_type"], row["control_decided_by"] = "none", by
            tx.count("control_decisions", "none")
            _try_release(tx, row, f"no control decided by {by}")
        else:
            _decide(tx, row, control, by)
        _save(conn, row)
        tx.flush()
    return _answer(row)


def _record_control(tx: _Tx, row: dict[str, Any], result: dict[str, Any], country: str) -> None:
    """A control result: before release it ends the control (the officer then decides on release); after release
    it is a post-release control (Art. 48 UCC). Findings that change the particulars (``corrections``) reassess
    the customs debt."""
    post_release = row["state"] == states.RELEASED
    row["state"] = states.next_state(row["mrn"], row["state"],
                                     "post_release_control" if post_release else "record_control")
    if not post_release:
        row["controlled"] = True
    row["control_result"] = {**result, **({"post_release": True} if post_release else {})}
    risk.record_control_result(tx.conn, [row["mrn"]], country=country, result=result)
    tx.count("control_results", result["result"])
    if result.get("corrections"):
        _reassess(tx, row, result["corrections"], by=f"{result.get('officer') or country}",
                  post_release=post_release)


def _check_result(control: dict[str, Any]) -> dict[str, Any]:
    if control.get("result") not in CONTROL_RESULTS:
        raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/result", f"one of {', '.join(CONTROL_RESULTS)}")
    corrections = control.get("corrections")
    if corrections is not None and (not isinstance(corrections, list)
                                    or not all(isinstance(c, dict) for c in corrections)):
        raise Rejected.one(ErrorCode.SYNTAX, "/corrections", "a list of goods items with the particulars found")
    return control


def record_control(ctx: Context, principal: Principal, mrn: str, control: dict[str, Any]) -> dict[str, Any]:
    """The control result (no irregularity, irregularity, seizure) with the findings; ``corrections`` lists the
    particulars found different per goods item (goods code, origin, price, quantities …): the customs debt is
    then reassessed. On a released declaration it is a post-release control."""
    _check_result(control)
    with ctx.db.begin() as conn:
        row = _officer_row(conn, principal, mrn)
        tx = _Tx(ctx, conn)
        record = {**control, "control_type": control.get("control_type") or row["control_type"],
                  "office": principal.office, "officer": principal.name, "at": now().isoformat()}
        tx.log(row["mrn"], "in", codes.OFFICER_CONTROL_RESULT, principal.name, record)
        _record_control(tx, row, record, principal.country or row["country"])
        _save(conn, row)
        tx.flush()
    return _answer(row)


# -- reassessment of the debt after a control --------------------------------------------------------------------

def _quota_state(conn: Connection, refs: list[str]) -> dict[int, list[dict[str, Any]]]:
    """The declaration's live quota requests per goods item (refs end with the item number)."""
    out: dict[int, list[dict[str, Any]]] = {}
    for ref in refs:
        try:
            status = quota.request_status(conn, ref)
        except NotFound:
            continue
        if status["status"] not in ("pending", "allocated"):
            continue
        held = Decimal(status["quantity"] if status["status"] == "pending" else status["allocated"])
        out.setdefault(int(ref.rsplit("/", 1)[1]), []).append({**status, "ref": ref, "held": held})
    return out


def _adjust_quotas(tx: _Tx, row: dict[str, Any], wanted: list[dict[str, Any]], tag: str, moment: datetime,
                   index: dict[int, int]) -> list[dict[str, Any]]:
    """Bring the declaration's quota requests to the quantities found: the excess is given back (a pending
    request reduced, an allocated one returned in part), a claim no longer supported is returned whole, more than
    requested is requested anew (first come, first served from now)."""
    conn, mrn = tx.conn, row["mrn"]
    held = _quota_state(conn, row["quota_refs"] or [])
    changes: list[dict[str, Any]] = []
    refs = list(row["quota_refs"] or [])
    want = {w["item_number"]: w for w in wanted}
    for item in sorted(set(held) | set(want)):
        have = held.get(item, [])
        w = want.get(item)
        same = [h for h in have if w is not None and h["order_number"] == w["order_number"]]
        for h in have:
            if h not in same:  # the claim (or this order number) does not hold any more
                quota.return_quantity(conn, h["ref"])
                changes.append({"item_number": item, "order_number": h["order_number"], "returned": str(h["held"])})
        if w is None:
            continue
        target = Decimal(w["quantity"])
        current = sum((h["held"] for h in same), Decimal(0))
        if target < current:
            excess = current - target
            for h in reversed(same):  # the latest requests give back first
                give = min(excess, h["held"])
                if give <= 0:
                    continue
                quota.reduce_request(conn, h["ref"], h["held"] - give)
                excess -= give
            changes.append({"item_number": item, "order_number": w["order_number"], "returned": str(current - target)})
        elif target > current:
            ref = f"{mrn}/{tag}/{item}"
            try:
                quota.request_allocation(conn, w["order_number"], w["origin"], target - current, moment, ref,
                                         unit=w["unit"])
            except Rejected as exc:
                raise Rejected([type(i)(i.code, f"/corrections/items/{index.get(item, 0)}/quota_order_number", i.reason)
                                for i in exc.issues], "the quota request was rejected") from None
            refs.append(ref)
            changes.append({"item_number": item, "order_number": w["order_number"], "requested": str(target - current)})
    row["quota_refs"] = refs
    return changes


def _reassess(tx: _Tx, row: dict[str, Any], corrections: list[dict[str, Any]], *, by: str,
              post_release: bool) -> None:
    """Recompute the customs debt from the particulars a control found (Art. 191 UCC) with the tariff calculator,
    as of the day of acceptance; adjust the quota requests and the security; notify the difference (IMP_RASS):
    an additional amount to pay (Art. 102 and 105 UCC), or, when lower, the repayment of what was paid or the
    remission of what was not (Art. 116(1)(a) and 117 UCC)."""
    conn, mrn, ctx = tx.conn, row["mrn"], tx.ctx
    declared = parse(row["payload"])
    found = parse(apply_corrections(row["payload"], corrections))
    refdata, t = _refdata_tariff(ctx)
    day = row["accepted_at"].date()
    r = reassess(refdata, t, found, row["dataset"], row["presentation_country"], day)
    moment = now()
    previous = Decimal(row["debt_total"] or "0")
    history = list((row["debt"] or {}).get("reassessments", []))
    tag = f"c{len(history) + 1}"
    paid = _paid(row)
    index = {i.item_number: n for n, i in enumerate(found.items)}
    quota_changes = _adjust_quotas(tx, row, r.quota_requests, tag, moment, index)
    total, difference = r.total, r.total - previous
    status = row["debt_status"]
    security: dict[str, Any] | None = None
    g = declared.guarantee
    if status == "secured" and row["grn"]:
        operation = f"{mrn}:{tag}"
        try:
            if total == 0:
                guarantees.release(conn, row["grn"], mrn, operation, by=f"{SYSTEM}:{mrn}")
                status, security = "none", {"credited": str(previous)}
            elif difference > 0:
                savepoint = conn.begin_nested()
                try:
                    guarantees.debit(conn, row["grn"], Money(difference, "EUR"), mrn, operation, row["country"],
                                     g.access_code if g else None, by=f"{SYSTEM}:{mrn}", refdata=refdata)
                    savepoint.commit()
                    security = {"debited": str(difference)}
                except CustomsError as exc:  # the guarantee cannot secure more: the whole debt is to be paid
                    savepoint.rollback()
                    guarantees.release(conn, row["grn"], mrn, f"{operation}:rel", by=f"{SYSTEM}:{mrn}")
                    status, security = "unpaid", {"credited": str(previous), "refused": exc.message}
            elif difference < 0:
                guarantees.credit(conn, row["grn"], mrn, operation, amount=Money(-difference, "EUR"),
                                  by=f"{SYSTEM}:{mrn}", refdata=refdata)
                security = {"credited": str(-difference)}
        except CustomsError as exc:
            raise Rejected(guarantee_issues(exc), f"the security cannot be adjusted: {exc.message}") from None
    elif paid > 0:
        status = "paid" if total <= paid else "unpaid"
    elif total > 0 and status == "none" and g is not None and not post_release:
        try:
            guarantees.debit(conn, g.grn, Money(total, "EUR"), mrn, f"{mrn}:{tag}", row["country"], g.access_code,
                             by=f"{SYSTEM}:{mrn}", refdata=refdata)
            status, security = "secured", {"debited": str(total)}
            row["grn"] = g.grn
        except CustomsError as exc:
            status, security = "unpaid", {"refused": exc.message}
    else:
        status = "unpaid" if total > 0 else "none"
    if difference > 0:
        outcome, basis = "additional_amount", "Art. 102 and 105 UCC: notification of the additional amount"
    elif difference < 0:
        outcome = "repayment" if paid > total else "remission"
        basis = "Art. 116(1)(a) and 117 UCC: amount of import duty overcharged"
    else:
        outcome, basis = "unchanged", None
    record = {"at": moment.isoformat(), "by": by, "post_release": post_release, "previous_total": str(previous),
              "total": str(total), "difference": str(difference), "outcome": outcome, "legal_basis": basis,
              "due": str(max(total - paid, Decimal(0))) if status == "unpaid" else "0",
              "repayment": str(paid - total) if paid > total else "0", "corrections": corrections,
              "claims_refused": r.claims_refused, "restrictions": r.restrictions, "quota": quota_changes,
              "security": security, "debt_status": status}
    row["debt"] = {**r.debt, "reassessments": history + [record],
                   **({"paid": str(paid)} if paid > 0 else {})}
    if r.dataset != row["dataset"]:
        row["debt"]["dataset_found"] = r.dataset
    row["debt_total"] = str(total)
    row["debt_status"] = status
    tx.tell(row, codes.REASSESSMENT, {"mrn": mrn, **{k: record[k] for k in (
        "previous_total", "total", "difference", "outcome", "legal_basis", "due", "repayment", "debt_status",
        "claims_refused", "restrictions")}, "debt": row["debt"]})
    tx.count("reassessments", outcome)


def _unmet_restrictions(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The prohibitions and restrictions the goods found by the last reassessment do not meet."""
    done = (row["debt"] or {}).get("reassessments") or []
    return list(done[-1].get("restrictions") or []) if done else []


def release(ctx: Context, principal: Principal, mrn: str) -> dict[str, Any]:
    """The officer's release decision after a control (Art. 194 UCC): only once the debt is paid or secured."""
    with ctx.db.begin() as conn:
        row = _officer_row(conn, principal, mrn)
        if row["awaiting"]:
            raise Rejected.one(ErrorCode.OUT_OF_SEQUENCE, "/", "the office of presentation's risk analysis is awaited")
        if not _debt_settled(row):
            raise Rejected.one(ErrorCode.RULE_VIOLATION, "/debt",
                               f"the customs debt (EUR {row['debt_total']}) is neither paid nor secured")
        if row["state"] == states.UNDER_CONTROL:
            raise Rejected.one(ErrorCode.OUT_OF_SEQUENCE, "/", "a control was decided: record its result first")
        unmet = _unmet_restrictions(row)
        if unmet:
            raise Rejected([Issue(ErrorCode.MISSING, "/documents", f"goods item {x['item_number']}: measure "
                                  f"{x['measure_type']}: {x['note']}") for x in unmet],
                           "the goods found are subject to a prohibition or restriction: release refused (Art. 198 UCC)")
        tx = _Tx(ctx, conn)
        tx.log(row["mrn"], "in", codes.OFFICER_RELEASE, principal.name, {})
        _release(tx, row, f"released by {principal.name}")
        _save(conn, row)
        tx.flush()
    return _answer(row)


def refuse_release(ctx: Context, principal: Principal, mrn: str, reason: str) -> dict[str, Any]:
    """The goods are not released (e.g. prohibited goods found): quota and guarantee are given back."""
    with ctx.db.begin() as conn:
        row = _officer_row(conn, principal, mrn)
        row["state"] = states.next_state(row["mrn"], row["state"], "refuse_release")
        tx = _Tx(ctx, conn)
        tx.log(row["mrn"], "in", codes.OFFICER_NO_RELEASE, principal.name, {"reason": reason})
        _give_back(tx, row, "norel")
        row["debt_status"] = "refund_due" if _paid(row) > 0 else "cancelled"
        tx.tell(row, codes.NO_RELEASE, {"mrn": row["mrn"], "reason": reason})
        tx.count("not_released", row["dataset"])
        if row["cci"]:
            tx.send(Envelope(codes.CCI_NO_RELEASE, SYSTEM, row["country"], row["presentation_country"],
                             {"mrn": row["mrn"], "reason": reason}, subject=row["mrn"]))
        _save(conn, row)
        tx.flush()
    return _answer(row)


# -- centralised clearance: the supervising office's handlers -------------------------------------------------

def on_cci_risk_results(ctx: Context, conn: Connection, envs: list[Envelope]) -> None:
    """CCI_RISK (consecutive messages of a delivery, in order): the office of presentation's risk analysis; a
    control it recommends is decided, otherwise the release may go ahead. The declarations are read at once and
    what the answers cause is written together."""
    rows = _load_many(conn, sorted({env.payload["mrn"] for env in envs}))
    tx = _Tx(ctx, conn)
    touched: dict[str, dict[str, Any]] = {}
    for env in envs:
        p = env.payload
        row = rows.get(p["mrn"])
        if row is None:
            raise NotFound("import declaration", p["mrn"])
        tx.log(row["mrn"], "in", codes.CCI_RISK_RESULT, env.sender, p)
        if row["version"] != p["version"] or row["state"] in (states.INVALIDATED, states.RELEASED, states.NOT_RELEASED):
            continue
        row["risk"] = {**(row["risk"] or {}), "presentation": p["risk"]}
        row["awaiting"] = None
        suggested = p["risk"]["suggested"]
        if suggested != "none" and row["state"] == states.ACCEPTED:
            _decide(tx, row, suggested, f"risk analysis of {env.sender} (office of presentation)", suggested=True)
        _try_release(tx, row, "automatic (no control at either office, debt secured)")
        touched[row["mrn"]] = row
    for row in touched.values():
        _save(conn, row)
    tx.flush()


@batched(on_cci_risk_results)
def on_cci_risk_result(ctx: Context, conn: Connection, env: Envelope) -> None:
    """CCI_RISK: the office of presentation's risk analysis; a control it recommends is decided, otherwise
    the release may go ahead."""
    on_cci_risk_results(ctx, conn, [env])


def on_cci_control_result(ctx: Context, conn: Connection, env: Envelope) -> None:
    """CCI_CTRL: the office of presentation performed the control; the supervising office decides release."""
    p = env.payload
    row = _load(conn, p["mrn"], for_update=True)
    tx = _Tx(ctx, conn)
    tx.log(row["mrn"], "in", codes.CCI_CONTROL_RESULT, env.sender, p)
    if states.allowed(row["state"], "record_control"):
        result = p["result"]
        if result.get("corrections"):
            # Findings the supervising office cannot assess must not hold up the message: the result is kept
            # without the reassessment, and why, for the officers to follow up.
            attempt, work = conn.begin_nested(), _Tx(ctx, conn)
            found = dict(row)
            try:
                _record_control(work, found, result, env.sender)
                attempt.commit()
                row = found
                tx.absorb(work)
            except Rejected as exc:
                attempt.rollback()
                _record_control(tx, row, {**{k: v for k, v in result.items() if k != "corrections"},
                                          "corrections_not_assessed": result["corrections"],
                                          "reassessment_refused": [f"{i.pointer}: {i.reason}" for i in exc.issues]},
                                env.sender)
        else:
            _record_control(tx, row, result, env.sender)
        _save(conn, row)
    tx.flush()


def on_cci_exits(ctx: Context, conn: Connection, envs: list[Envelope]) -> None:
    """CCI_EXIT (consecutive messages of a delivery): the goods left the office of presentation (physical
    release)."""
    tx = _Tx(ctx, conn)
    for env in envs:
        tx.log(env.payload["mrn"], "in", codes.CCI_EXIT, env.sender, env.payload)
        tx.count("cci_physical_releases", env.sender)
    tx.flush()


@batched(on_cci_exits)
def on_cci_exit(ctx: Context, conn: Connection, env: Envelope) -> None:
    """CCI_EXIT: the goods left the office of presentation (physical release)."""
    on_cci_exits(ctx, conn, [env])


# -- CCL authorisations (recorded directly until the decisions system exists) --------------------------------

def record_authorisation(ctx: Context, principal: Principal, data: dict[str, Any]) -> dict[str, Any]:
    """An officer records a centralised clearance (CCL) authorisation granted by its member state."""
    if principal.role is not Role.OFFICER or not principal.country:
        raise Forbidden("authorisations are recorded by the customs officers of the granting member state")
    moment = now()
    row = {"reference": data["reference"], "type": "CCL", "holder": data["holder"], "country": principal.country,
           "valid_from": data.get("valid_from") or moment.date(), "valid_to": data.get("valid_to"),
           "countries": data.get("countries"), "recorded_by": principal.name, "recorded_at": moment}
    with ctx.db.begin() as conn:
        if conn.execute(select(imp_authorisation.c.reference).where(
                imp_authorisation.c.reference == row["reference"])).first():
            raise Rejected.one(ErrorCode.DUPLICATE, "/reference", f"authorisation {row['reference']} exists")
        conn.execute(insert(imp_authorisation).values(row))
        telemetry.count(conn, SYSTEM, "authorisations", "CCL")
    return row


# -- reading ----------------------------------------------------------------------------------------------------

def consult(ctx: Context, principal: Principal, mrn: str) -> dict[str, Any]:
    """The declaration, its state, debt, control, times and message log (officers: the domain exchanges and
    the risk analysis too)."""
    with ctx.db.read() as conn:
        row = _load_visible(conn, principal, mrn)
        log = conn.execute(select(imp_log).where(imp_log.c.mrn == row["mrn"]).order_by(imp_log.c.id)).mappings().all()
        exchanges = message_log(conn, row["mrn"]) if principal.role is not Role.TRADER else []
    officer = principal.role is not Role.TRADER
    return {
        **{k: row[k] for k in ("mrn", "lrn", "dataset", "additional_type", "procedure", "state", "country",
                               "office_of_lodgement", "office_of_presentation", "cci", "declarant", "importer",
                               "lodged_at", "accepted_at", "released_at", "release_seconds", "invalidated_at",
                               "control_type", "controlled", "control_result", "debt", "debt_status", "grn",
                               "paid_at", "version", "awaiting")},
        "risk": row["risk"] if officer else None,
        "control_suggested": row["control_suggested"] if officer else None,
        "allowed_messages": states.allowed_for_trader(row["state"], row["debt_status"]),
        "declaration": row["payload"],
        "message_log": [{"direction": x["direction"], "message_type": x["message_type"], "party": x["party"],
                         "at": x["at"], "payload": x["payload"]} for x in log],
        "domain_exchanges": [{"message_type": x["message_type"], "sender": x["sender"], "recipient": x["recipient"],
                              "at": x["created_at"]} for x in exchanges],
    }


def search(ctx: Context, principal: Principal, *, state: str | None = None, country: str | None = None,
           limit: int = 50, offset: int = 0) -> dict[str, Any]:
    q = select(_D.c.mrn, _D.c.lrn, _D.c.dataset, _D.c.state, _D.c.country, _D.c.declarant, _D.c.accepted_at,
               _D.c.released_at, _D.c.control_type, _D.c.debt_status, _D.c.cci)
    if principal.role is Role.TRADER:
        q = q.where((_D.c.declarant == principal.eori) | (_D.c.representative == principal.eori)
                    | (_D.c.importer == principal.eori))
    elif principal.role is Role.OFFICER:
        q = q.where(_D.c.country == principal.country)
    elif principal.role is not Role.COMMISSION:
        raise Forbidden("import declarations are not public")
    if state:
        q = q.where(_D.c.state == state)
    if country and principal.role is Role.COMMISSION:
        q = q.where(_D.c.country == country.upper())
    with ctx.db.read() as conn:
        total = conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()
        items = [dict(r) for r in conn.execute(q.order_by(_D.c.lodged_at.desc(), _D.c.mrn).limit(limit).offset(offset)).mappings()]
    return {"total": total, "limit": limit, "offset": offset, "items": items}
