"""Import declarations at the member state's import system (the office of lodgement): lodging, acceptance
with the customs debt, risk analysis and control decision, control result, release or no release, amendment,
invalidation, payment, consultation — and, in centralised clearance, the supervising customs office's side of
the exchanges with the customs office of presentation (see :mod:`.cci` for the other side).

Every state change goes through :mod:`.states`. Acceptance, the quota requests (QUOTA2), the guarantee debit
(GUM) and the risk analysis happen in one transaction: a rejection leaves no quota request and no debit
behind; invalidation (and a refusal of release) gives both back."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import (
    CustomsError, ErrorCode, Forbidden, IncorrectState, InvalidIdentifier, NotFound, Rejected,
)
from eucustoms.core.identifiers import MRN
from eucustoms.core.money import Money
from eucustoms.platform import notifications, telemetry
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.bus import Envelope, message_log
from eucustoms.platform.context import Context
from eucustoms.platform.numbering import allocate_mrn
from eucustoms.refdata import RefData
from eucustoms.systems.guarantees import service as guarantees
from eucustoms.systems.risk import service as risk
from eucustoms.systems.tariff import quota
from eucustoms.systems.tariff.tariff import tariff

from . import SYSTEM, codes, states
from .store import imp_authorisation, imp_declaration, imp_log
from .validation import Prepared, guarantee_issues, parse, prepare

DATASETS = {"H1": codes.DECLARATION_H1, "H7": codes.DECLARATION_H7}
CONTROL_TYPES = ("none", "documentary", "physical")
CONTROL_RESULTS = ("no_irregularity", "irregularity", "seizure")
_PHYSICAL = {"physical", "scan"}
_DOCUMENTARY = {"document_check", "screen"}

_D = imp_declaration
_INSERT = insert(imp_declaration)
_LOG = insert(imp_log)


# -- plumbing ---------------------------------------------------------------------------------------------------

class _Tx:
    """What one transaction tells traders, logs, counts and sends to other domains, written at the end."""

    def __init__(self, ctx: Context, conn: Connection):
        self.ctx, self.conn = ctx, conn
        self.log_rows: list[dict[str, Any]] = []
        self.notes: list[tuple[str, str, str, str | None, dict]] = []
        self.counts: list[tuple[str, str, str]] = []
        self.envelopes: list[Envelope] = []

    def log(self, mrn: str | None, direction: str, message_type: str, party: str, payload: dict) -> None:
        self.log_rows.append({"mrn": mrn, "direction": direction, "message_type": message_type, "party": party,
                              "at": now(), "payload": payload})

    def tell(self, row: dict[str, Any], message_type: str, payload: dict) -> None:
        self.log(row["mrn"], "out", message_type, row["declarant"], payload)
        for eori in {row["declarant"], row["representative"]} - {None}:
            self.notes.append((eori, SYSTEM, message_type, row["mrn"], payload))

    def count(self, metric: str, key: str = "") -> None:
        self.counts.append((SYSTEM, metric, key))

    def send(self, env: Envelope) -> None:
        self.envelopes.append(env)

    def flush(self) -> None:
        if self.log_rows:
            self.conn.execute(_LOG, self.log_rows)
        notifications.notify_many(self.conn, self.notes)
        if self.envelopes:
            self.ctx.bus.send(self.conn, *self.envelopes, counts=self.counts)
        telemetry.count_many(self.conn, self.counts)
        self.log_rows, self.notes, self.counts, self.envelopes = [], [], [], []


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


def _load(conn: Connection, mrn: str, *, for_update: bool = False) -> dict[str, Any]:
    q = select(imp_declaration).where(_D.c.mrn == mrn)
    if for_update and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).mappings().first()
    if row is None:
        raise NotFound("import declaration", mrn)
    return dict(row)


def _load_visible(conn: Connection, principal: Principal, mrn: str, *, for_update: bool = False) -> dict[str, Any]:
    mrn = _parse_mrn(mrn)
    row = _load(conn, mrn, for_update=for_update)
    if not _visible(principal, row):
        raise NotFound("import declaration", mrn)  # the same answer as for an unknown MRN
    return row


def _save(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(update(imp_declaration).where(_D.c.mrn == row["mrn"]).values(
        {k: v for k, v in row.items() if k != "mrn"}))


def _count_rejection(ctx: Context, dataset: str) -> None:
    try:
        with ctx.db.begin() as conn:
            telemetry.count(conn, SYSTEM, "rejections", dataset)
    except Exception:  # noqa: BLE001 - a count must never hide the rejection
        pass


def _refdata_tariff(ctx: Context):  # noqa: ANN202
    return RefData.from_db(ctx.db), tariff(ctx.db)


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


def _accept(tx: _Tx, row: dict[str, Any], prep: Prepared, moment: datetime) -> None:
    """Acceptance (Art. 172 UCC): the debt, the quota requests, the security, the risk analysis, and the
    release at once in the green lane when the debt is secured (or nothing is due)."""
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
                             d.guarantee.access_code, by=f"{SYSTEM}:{mrn}")
        except CustomsError as exc:
            raise Rejected(guarantee_issues(exc), f"the guarantee cannot secure the debt: {exc.message}") from None
        row["debt_status"] = "secured"
    else:
        row["debt_status"] = "unpaid"
    facts = {**prep.facts, "reference": mrn}
    result = risk.national_assessment(conn, row["country"], [facts], [], counts=tx.counts)[mrn]
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
    IMP_REG), or raises :class:`Rejected` with every error (IMP_REJ)."""
    eori = _check_trader(principal)
    dataset = dataset.upper()
    if dataset not in DATASETS:
        raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/dataset", f"{dataset} is not H1 or H7")
    moment = now()
    try:
        d = parse(payload)
        refdata, t = _refdata_tariff(ctx)
        with ctx.db.read() as conn:
            prep = prepare(conn, refdata, t, d, dataset, eori, moment.date())
    except Rejected:
        _count_rejection(ctx, dataset)
        raise
    pre = d.additional_declaration_type == "D"
    data = d.model_dump(mode="json", exclude_none=True)
    with ctx.db.begin() as conn:
        if conn.execute(select(_D.c.mrn).where(_D.c.declarant == d.declarant.eori, _D.c.lrn == d.lrn)).first():
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
        tx = _Tx(ctx, conn)
        tx.log(mrn, "in", DATASETS[dataset], eori, data)
        tx.count("declarations", dataset)
        if pre:
            tx.tell(row, codes.REGISTRATION, {"mrn": mrn, "lrn": d.lrn, "registered_at": moment.isoformat(),
                                              "state": states.PRE_LODGED})
        else:
            _accept(tx, row, prep, moment)
        conn.execute(_INSERT, row)
        tx.flush()
    return _answer(row)


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
        prep = prepare(conn, refdata, t, d, row["dataset"], row["representative"] or row["declarant"], moment.date())
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
        row["debt_status"] = "refund_due" if row["debt_status"] == "paid" else "cancelled"
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
    """Record the payment of the customs debt (the whole amount). A debt secured by a guarantee is paid
    too: the guarantee is then credited. The goods are released if nothing else holds them."""
    eori = _check_trader(principal)
    with ctx.db.begin() as conn:
        row = _load_visible(conn, principal, mrn, for_update=True)
        if row["debt_status"] not in ("unpaid", "secured") or row["state"] in (states.PRE_LODGED, states.INVALIDATED,
                                                                              states.NOT_RELEASED):
            raise IncorrectState(f"import declaration {row['mrn']} (debt {row['debt_status']})", row["state"], "pay")
        due = Decimal(row["debt_total"])
        if amount is not None and Decimal(str(amount)) != due:
            raise Rejected.one(ErrorCode.RULE_VIOLATION, "/amount", f"the debt is EUR {due}: pay it in full")
        tx = _Tx(ctx, conn)
        tx.log(row["mrn"], "in", codes.PAYMENT, eori, {"amount": str(due), "currency": "EUR",
                                                       "payment_reference": payment_reference})
        if row["debt_status"] == "secured" and row["grn"]:
            guarantees.release(conn, row["grn"], row["mrn"], f"{row['mrn']}:paid", by=f"{SYSTEM}:{row['mrn']}")
        moment = now()
        row["debt_status"], row["paid_at"] = "paid", moment
        tx.tell(row, codes.PAYMENT_RECORDED, {"mrn": row["mrn"], "amount": str(due), "currency": "EUR",
                                               "paid_at": moment.isoformat()})
        tx.count("payments", row["dataset"])
        _try_release(tx, row, "automatic (no control, debt paid)")
        _save(conn, row)
        tx.flush()
    return _answer(row)


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
    row["state"] = states.next_state(row["mrn"], row["state"], "record_control")
    row["controlled"] = True
    row["control_result"] = result
    risk.record_control_result(tx.conn, [row["mrn"]], country=country, result=result)
    tx.count("control_results", result["result"])


def _check_result(control: dict[str, Any]) -> dict[str, Any]:
    if control.get("result") not in CONTROL_RESULTS:
        raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/result", f"one of {', '.join(CONTROL_RESULTS)}")
    return control


def record_control(ctx: Context, principal: Principal, mrn: str, control: dict[str, Any]) -> dict[str, Any]:
    """The control result (no irregularity, irregularity, seizure) with the findings."""
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
        row["debt_status"] = "cancelled" if row["debt_status"] != "paid" else "refund_due"
        tx.tell(row, codes.NO_RELEASE, {"mrn": row["mrn"], "reason": reason})
        tx.count("not_released", row["dataset"])
        if row["cci"]:
            tx.send(Envelope(codes.CCI_NO_RELEASE, SYSTEM, row["country"], row["presentation_country"],
                             {"mrn": row["mrn"], "reason": reason}, subject=row["mrn"]))
        _save(conn, row)
        tx.flush()
    return _answer(row)


# -- centralised clearance: the supervising office's handlers -------------------------------------------------

def on_cci_risk_result(ctx: Context, conn: Connection, env: Envelope) -> None:
    """CCI_RISK: the office of presentation's risk analysis; a control it recommends is decided, otherwise
    the release may go ahead."""
    p = env.payload
    row = _load(conn, p["mrn"], for_update=True)
    tx = _Tx(ctx, conn)
    tx.log(row["mrn"], "in", codes.CCI_RISK_RESULT, env.sender, p)
    if row["version"] != p["version"] or row["state"] in (states.INVALIDATED, states.RELEASED, states.NOT_RELEASED):
        tx.flush()
        return
    row["risk"] = {**(row["risk"] or {}), "presentation": p["risk"]}
    row["awaiting"] = None
    suggested = p["risk"]["suggested"]
    if suggested != "none" and row["state"] == states.ACCEPTED:
        _decide(tx, row, suggested, f"risk analysis of {env.sender} (office of presentation)", suggested=True)
    _try_release(tx, row, "automatic (no control at either office, debt secured)")
    _save(conn, row)
    tx.flush()


def on_cci_control_result(ctx: Context, conn: Connection, env: Envelope) -> None:
    """CCI_CTRL: the office of presentation performed the control; the supervising office decides release."""
    p = env.payload
    row = _load(conn, p["mrn"], for_update=True)
    tx = _Tx(ctx, conn)
    tx.log(row["mrn"], "in", codes.CCI_CONTROL_RESULT, env.sender, p)
    if states.allowed(row["state"], "record_control"):
        _record_control(tx, row, p["result"], env.sender)
        _save(conn, row)
    tx.flush()


def on_cci_exit(ctx: Context, conn: Connection, env: Envelope) -> None:
    """CCI_EXIT: the goods left the office of presentation (physical release)."""
    tx = _Tx(ctx, conn)
    tx.log(env.payload["mrn"], "in", codes.CCI_EXIT, env.sender, env.payload)
    tx.count("cci_physical_releases", env.sender)
    tx.flush()


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
