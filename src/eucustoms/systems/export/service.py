"""AES at the customs office of export (member state A): lodging (IE515 → IE528), acceptance with the risk
analysis and the control decision (IE560), the control result, release for export (IE529, with the anticipated
export record IE501 to the office of exit) or no release (IE551), amendment (IE513 → IE504), invalidation
(IE514 → IE509), the presentation of a pre-lodged declaration (IE511), the link to a following transit movement,
and — when the office of exit reports the exit (IE518) — the certification of exit to the declarant and the
exporter (IE599). :mod:`.exit` is the office of exit's side.

Every state change goes through :mod:`.states`; each use case is one transaction, so a rejection stores nothing
and what a transaction tells the traders, logs, counts and sends to the other domain exists iff it commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import ErrorCode, Forbidden, InvalidIdentifier, Issue, NotFound, Rejected
from eucustoms.core.identifiers import MRN
from eucustoms.platform import notifications, telemetry
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.bus import Envelope, message_log
from eucustoms.platform.context import Context
from eucustoms.platform.numbering import allocate_mrn
from eucustoms.refdata import RefData
from eucustoms.systems.risk import service as risk
from eucustoms.systems.surveillance import service as surveillance
from eucustoms.systems.tariff.tariff import tariff

from . import SYSTEM, codes, states
from .store import exp_declaration, exp_log
from .validation import Prepared, check_transit_mrn, mrn_letter, parse, prepare

CONTROL_TYPES = ("none", "documentary", "physical")
CONTROL_RESULTS = ("no_irregularity", "irregularity", "seizure")
_PHYSICAL = {"physical", "scan"}

_D = exp_declaration
_INSERT = insert(exp_declaration)
_LOG = insert(exp_log)
EXPORT, EXIT = "export", "exit"


# -- plumbing ---------------------------------------------------------------------------------------------------

class Tx:
    """What one transaction logs, tells traders, counts and sends to other domains, written at the end."""

    def __init__(self, ctx: Context | None, conn: Connection):
        self.ctx, self.conn = ctx, conn  # no context: the transaction sends nothing over the bus
        self.log_rows: list[dict[str, Any]] = []
        self.notes: list[tuple[str, str, str, str | None, dict]] = []
        self.counts: list[tuple[str, str, str]] = []
        self.envelopes: list[Envelope] = []

    def log(self, country: str, side: str, mrn: str, direction: str, message_type: str, party: str,
            payload: dict) -> None:
        self.log_rows.append({"country": country, "side": side, "mrn": mrn, "direction": direction,
                              "message_type": message_type, "party": party or "", "at": now(), "payload": payload})

    def notify(self, eoris: set[str | None], message_type: str, mrn: str, payload: dict) -> None:
        for eori in sorted(eoris - {None}):  # type: ignore[operator]
            self.notes.append((eori, SYSTEM, message_type, mrn, payload))

    def count(self, metric: str, key: str = "") -> None:
        self.counts.append((SYSTEM, metric, key))

    def send(self, env: Envelope) -> None:
        self.envelopes.append(env)

    def flush(self) -> None:
        if self.log_rows:
            self.conn.execute(_LOG, self.log_rows)
        notifications.notify_many(self.conn, self.notes)
        if self.envelopes:
            assert self.ctx is not None, "sending needs the context's bus"
            self.ctx.bus.send(self.conn, *self.envelopes, counts=self.counts)
        telemetry.count_many(self.conn, self.counts)
        self.log_rows, self.notes, self.counts, self.envelopes = [], [], [], []


def _log(tx: Tx, row: dict[str, Any], direction: str, message_type: str, party: str, payload: dict) -> None:
    tx.log(row["country"], EXPORT, row["mrn"], direction, message_type, party, payload)


def _tell(tx: Tx, row: dict[str, Any], message_type: str, payload: dict, *, exporter: bool = False) -> None:
    """A message to the declarant (and its representative; the exporter too where ``exporter``)."""
    _log(tx, row, "out", message_type, row["declarant"], payload)
    tx.notify({row["declarant"], row["representative"], row["exporter"] if exporter else None},
              message_type, row["mrn"], payload)


def check_trader(principal: Principal) -> str:
    if principal.role is not Role.TRADER or not principal.eori:
        raise Forbidden("this message is lodged by a trader (with its EORI)")
    return principal.eori


def parse_mrn(mrn: str, pointer: str = "/mrn") -> str:
    try:
        return str(MRN.parse(mrn))
    except InvalidIdentifier as exc:
        raise Rejected.one(ErrorCode.INVALID_MRN, pointer, exc.reason) from None


def _visible(principal: Principal, row: dict[str, Any]) -> bool:
    if principal.role is Role.COMMISSION:
        return True
    if principal.role is Role.TRADER:
        return principal.eori is not None and principal.eori in {row["declarant"], row["exporter"], row["representative"]}
    if principal.role is Role.OFFICER:
        return principal.country == row["country"]
    return False


class Row(dict):
    """A stored row as a dict that remembers what was loaded, so that saving writes only what changed."""

    def __init__(self, data: Any):
        super().__init__(data)
        self.loaded = dict(data)

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.items() if k not in self.loaded or self.loaded[k] != v}


def _load(conn: Connection, mrn: str, *, for_update: bool = False) -> Row:
    q = select(exp_declaration).where(_D.c.mrn == mrn)
    if for_update and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).mappings().first()
    if row is None:
        raise NotFound("export declaration", mrn)
    return Row(row)


def _load_visible(conn: Connection, principal: Principal, mrn: str, *, for_update: bool = False) -> Row:
    mrn = parse_mrn(mrn)
    row = _load(conn, mrn, for_update=for_update)
    if not _visible(principal, row):
        raise NotFound("export declaration", mrn)  # the same answer as for an unknown MRN
    return row


def _save(conn: Connection, row: Row) -> None:
    row["updated_at"] = now()
    changed = {k: v for k, v in row.changes().items() if k != "mrn"}
    if changed:
        conn.execute(update(exp_declaration).where(_D.c.mrn == row["mrn"]).values(changed))


def _count_rejection(ctx: Context, payload: Any) -> None:
    office = payload.get("office_of_export") if isinstance(payload, dict) else None
    key = office[:2].upper() if isinstance(office, str) and len(office) >= 2 else ""
    try:
        with ctx.db.begin() as conn:
            telemetry.count(conn, SYSTEM, "rejected", key)
    except Exception:  # noqa: BLE001 - a count must never hide the rejection
        pass


def _answer(row: dict[str, Any]) -> dict[str, Any]:
    return {"mrn": row["mrn"], "lrn": row["lrn"], "state": row["state"], "declaration_type": row["declaration_type"],
            "additional_declaration_type": row["additional_type"], "security": row["security"],
            "office_of_export": row["office_of_export"], "office_of_exit": row["office_of_exit"],
            "lodged_at": row["lodged_at"], "accepted_at": row["accepted_at"], "released_at": row["released_at"],
            "exited_at": row["exited_at"], "control": row["control_type"], "version": row["version"],
            "followed_by_transit": row["followed_by_transit"], "transit_mrn": row["transit_mrn"]}


def _prepare(ctx: Context, d, filer: str, day) -> Prepared:  # noqa: ANN001
    refdata, t = RefData.from_db(ctx.db), tariff(ctx.db)
    with ctx.db.read() as conn:
        return prepare(conn, refdata, t, d, filer, day)


# -- acceptance, risk, release --------------------------------------------------------------------------------

def suggest(result: dict[str, Any]) -> str:
    """The control the risk analysis suggests: physical, documentary or none."""
    if not result.get("control_recommended"):
        return "none"
    actions = {h["outcome"]["action"] for h in result.get("hits", [])}
    if actions & _PHYSICAL or result.get("outcome") in ("RFS", "DNL"):
        return "physical"
    return "documentary"


def risk_summary(result: dict[str, Any], country: str) -> dict[str, Any]:
    return {"country": country, "suggested": suggest(result), "control_recommended": result["control_recommended"],
            "rules": sorted({h["rule_id"] for h in result["hits"]}), "reasons": result["reasons"]}


def _assess(tx: Tx, row: dict[str, Any], facts: dict[str, Any]) -> None:
    """Acceptance's risk analysis (Art. 46 UCC): the control it suggests is decided at once (IE560); the officer
    may change or waive it. Without one the goods are released in the same transaction (green lane)."""
    row.update(control_type=None, control_suggested=None, control_decided_by=None)
    facts = {**facts, "reference": row["mrn"]}
    result = risk.national_assessment(tx.conn, row["country"], [facts], [], counts=tx.counts)[row["mrn"]]
    summary = risk_summary(result, row["country"])
    row["risk"] = {"export": summary, "facts": facts}
    if summary["suggested"] != "none":
        _decide(tx, row, summary["suggested"], "risk analysis", suggested=True)
    else:
        _release(tx, row, "automatic (no control)")


def _decide(tx: Tx, row: dict[str, Any], control: str, by: str, *, suggested: bool = False) -> None:
    row["state"] = states.next_state(row["mrn"], row["state"], "decide_control")
    row["control_type"], row["control_decided_by"] = control, by
    if suggested:
        row["control_suggested"] = control
    _tell(tx, row, codes.CONTROL_NOTIFICATION, {"mrn": row["mrn"], "control": control, "decided_by": by})
    tx.count("control_decisions", control)


def _release(tx: Tx, row: dict[str, Any], how: str) -> None:
    """Release for export (IE529) and the anticipated export record (IE501) to the office of exit."""
    row["state"] = states.next_state(row["mrn"], row["state"], "release")
    moment = now()
    row["released_at"] = moment
    d = row["payload"]
    items = [{"item_number": i["item_number"], "cn_code": i["cn_code"], "description": i["description"],
              **{k: i[k] for k in ("net_mass", "gross_mass", "packages") if k in i}} for i in d["items"]]
    _tell(tx, row, codes.RELEASE_FOR_EXPORT, {
        "mrn": row["mrn"], "lrn": row["lrn"], "released_at": moment.isoformat(), "decided": how,
        "office_of_export": row["office_of_export"], "office_of_exit": row["office_of_exit"],
        "country_of_destination": row["destination"], "items": items})
    tx.count("released", row["country"])
    tx.count("released_after", "control" if row["controlled"] else "green_lane")
    facts = (row["risk"] or {}).get("facts") or {}
    aer = {
        "mrn": row["mrn"], "version": row["version"], "office_of_export": row["office_of_export"],
        "office_of_exit": row["office_of_exit"], "export_country": row["country"],
        "declaration_type": row["declaration_type"], "security": row["security"], "procedure": row["procedure"],
        "exporter": d["exporter"], "declarant": d["declarant"], "representative": d.get("representative"),
        "consignee": d.get("consignee"), "country_of_destination": row["destination"],
        "transport": d.get("transport", {}), "items": items, "released_at": moment.isoformat(),
        "controlled_at_export": row["controlled"],
        "export_control_result": (row["control_result"] or {}).get("result"),
        "followed_by_transit": row["followed_by_transit"], "transit_mrn": row["transit_mrn"], "facts": facts,
    }
    tx.send(Envelope(codes.AER, SYSTEM, row["country"], row["exit_country"], aer, subject=row["mrn"]))
    _log(tx, row, "out", codes.AER, row["exit_country"], {"mrn": row["mrn"], "office_of_exit": row["office_of_exit"]})
    surveillance.record(tx.conn, [_surveillance_record(row, i, moment) for i in d["items"]])


def _surveillance_record(row: dict[str, Any], item: dict[str, Any], moment: datetime) -> dict[str, Any]:
    """The surveillance data of a released goods item (flow E); the statistical value only when in euro
    (surveillance aggregates euro amounts; other currencies are left out rather than converted at a guess)."""
    value = item.get("statistical_value") or {}
    return {"flow": "E", "mrn": row["mrn"], "item": item["item_number"], "country": row["country"],
            "office": row["office_of_export"], "release_date": moment.date(),
            "procedure": item.get("procedure") or row["procedure"], "goods_code": item["cn_code"][:10],
            "origin": item.get("origin"), "partner": row["destination"],
            "net_mass": item.get("net_mass"), "supplementary_quantity": item.get("supplementary_units"),
            "value_eur": value.get("amount") if value.get("currency") == "EUR" else None}


def _new_row(d, prep: Prepared, mrn: str, moment: datetime) -> dict[str, Any]:  # noqa: ANN001
    return {
        "mrn": mrn, "lrn": d.lrn, "declaration_type": d.declaration_type, "additional_type": d.additional_declaration_type,
        "security": d.security, "procedure": d.procedure, "declarant": d.declarant.eori, "exporter": d.exporter.eori,
        "representative": d.representative.eori if d.representative else None, "country": prep.country,
        "office_of_export": d.office_of_export, "office_of_exit": d.office_of_exit, "exit_country": prep.exit_country,
        "actual_office_of_exit": None, "destination": d.country_of_destination, "state": states.PRE_LODGED,
        "lodged_at": moment, "accepted_at": None, "released_at": None, "exited_at": None, "invalidated_at": None,
        "updated_at": moment, "control_type": None, "control_suggested": None, "control_decided_by": None,
        "controlled": False, "control_result": None, "risk": None, "exit_result": None,
        "followed_by_transit": bool(d.transit and d.transit.followed_by_transit), "transit_mrn": prep.transit_mrn,
        "payload": d.model_dump(mode="json", exclude_none=True), "version": 1,
    }


# -- trader: lodge, present, amend, invalidate, link a transit ------------------------------------------------

def lodge(ctx: Context, principal: Principal, payload: Any) -> dict[str, Any]:
    """Lodge an export declaration (IE515). The MRN is allocated in the member state of the office of export,
    letter A (export), B (with the exit summary data, security 2) or E (CO: dispatch to a special fiscal
    territory); IE528 answers. Additional declaration type A: accepted at once, analysed, and released for export
    (IE529 + IE501) unless a control is decided (IE560). D: registered as pre-lodged until presented (IE511).
    Otherwise :class:`Rejected` with every error (IE556)."""
    eori = check_trader(principal)
    moment = now()
    try:
        d = parse(payload)
        prep = _prepare(ctx, d, eori, moment.date())
    except Rejected:
        _count_rejection(ctx, payload)
        raise
    with ctx.db.begin() as conn:
        if conn.execute(select(_D.c.mrn).where(_D.c.declarant == d.declarant.eori, _D.c.lrn == d.lrn)).first():
            raise Rejected.one(ErrorCode.DUPLICATE, "/lrn", f"LRN {d.lrn} was already used by {d.declarant.eori}")
        mrn = str(allocate_mrn(conn, prep.country, prep.letter))
        row = _new_row(d, prep, mrn, moment)
        tx = Tx(ctx, conn)
        _log(tx, row, "in", codes.DECLARATION, eori, row["payload"])
        tx.count("lodged", prep.country)
        accepted = d.additional_declaration_type == "A"
        if accepted:
            row["state"], row["accepted_at"] = states.ACCEPTED, moment
            tx.count("accepted", prep.country)
        _tell(tx, row, codes.MRN_ALLOCATED, {"mrn": mrn, "lrn": d.lrn, "state": row["state"],
                                              "accepted_at": moment.isoformat() if accepted else None})
        if prep.transit_mrn:
            _log(tx, row, "in", codes.TRANSIT_LINK, eori, {"transit_mrn": prep.transit_mrn})
        if accepted:
            _assess(tx, row, prep.facts)
        conn.execute(_INSERT, row)
        tx.flush()
    return _answer(row)


def present(ctx: Context, principal: Principal, mrn: str) -> dict[str, Any]:
    """IE511: the goods of a pre-lodged declaration are presented at the office of export; the declaration is
    accepted now (Art. 171–172 UCC), checked again as of today, and analysed. By the declarant or its
    representative, or recorded by an officer of the office of export."""
    if principal.role not in (Role.TRADER, Role.OFFICER):
        raise Forbidden("the presentation is notified by the declarant or recorded by an officer")
    moment = now()
    with ctx.db.read() as conn:
        row = _load_visible(conn, principal, mrn)
    states.next_state(row["mrn"], row["state"], "present")
    d = parse(row["payload"])
    prep = _prepare(ctx, d, row["representative"] or row["declarant"], moment.date())
    with ctx.db.begin() as conn:
        row = _load(conn, row["mrn"], for_update=True)
        row["state"] = states.next_state(row["mrn"], row["state"], "present")
        row["accepted_at"] = moment
        tx = Tx(ctx, conn)
        _log(tx, row, "in", codes.PRESENTATION, principal.eori or principal.name, {"mrn": row["mrn"]})
        tx.count("accepted", row["country"])
        _assess(tx, row, prep.facts)
        _save(conn, row)
        tx.flush()
    return _answer(row)


def amend(ctx: Context, principal: Principal, mrn: str, payload: Any) -> dict[str, Any]:
    """IE513 (the whole declaration again, same LRN) → IE504. Allowed while pre-lodged or accepted, not once a
    control was decided nor after release (Art. 173 UCC). An accepted declaration is analysed again (and may be
    released at once)."""
    eori = check_trader(principal)
    moment = now()
    with ctx.db.read() as conn:
        row = _load_visible(conn, principal, mrn)
    states.next_state(row["mrn"], row["state"], "amend")  # the state first: no use validating a refused amendment
    d = parse(payload)
    issues = []
    if d.lrn != row["lrn"]:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/lrn", "an amendment keeps the LRN of the declaration"))
    if d.office_of_export != row["office_of_export"]:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/office_of_export", "an amendment keeps the office of export"))
    if d.declarant.eori != row["declarant"]:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/declarant/eori", "an amendment keeps the declarant"))
    if mrn_letter(d) != row["mrn"][16]:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/security",
                            f"the amendment changes the MRN procedure category ({row['mrn'][16]} → {mrn_letter(d)}): "
                            "invalidate the declaration and lodge a new one"))
    if issues:
        raise Rejected(issues, "the amendment was rejected")
    prep = _prepare(ctx, d, eori, (row["accepted_at"] or moment).date())
    with ctx.db.begin() as conn:
        row = _load(conn, row["mrn"], for_update=True)
        states.next_state(row["mrn"], row["state"], "amend")
        tx = Tx(ctx, conn)
        fresh = _new_row(d, prep, row["mrn"], moment)
        _log(tx, row, "in", codes.AMENDMENT, eori, fresh["payload"])
        row["version"] += 1
        for k in ("payload", "procedure", "exporter", "representative", "office_of_exit", "exit_country", "destination",
                  "followed_by_transit", "additional_type"):
            row[k] = fresh[k]
        row["transit_mrn"] = prep.transit_mrn or row["transit_mrn"]
        _tell(tx, row, codes.AMENDMENT_ACCEPTANCE, {"mrn": row["mrn"], "version": row["version"],
                                                     "amended_at": moment.isoformat()})
        tx.count("amended", row["country"])
        if row["state"] == states.ACCEPTED:
            _assess(tx, row, prep.facts)
        _save(conn, row)
        tx.flush()
    return _answer(row)


def invalidate(ctx: Context, principal: Principal, mrn: str, reason: str | None = None) -> dict[str, Any]:
    """IE514 → IE509 (Art. 174 UCC). After release, while the goods have not left, the office of exit is told to
    close its case (Art. 248 UCC DA)."""
    eori = check_trader(principal)
    with ctx.db.begin() as conn:
        row = _load_visible(conn, principal, mrn, for_update=True)
        if eori not in {row["declarant"], row["representative"]}:
            raise Forbidden("the declarant or its representative requests the invalidation")
        before = row["state"]
        row["state"] = states.next_state(row["mrn"], row["state"], "invalidate")
        moment = now()
        row["invalidated_at"] = moment
        tx = Tx(ctx, conn)
        _log(tx, row, "in", codes.INVALIDATION_REQUEST, eori, {"mrn": row["mrn"], "reason": reason})
        _tell(tx, row, codes.INVALIDATION_DECISION, {"mrn": row["mrn"], "invalidated_at": moment.isoformat()})
        tx.count("invalidated", row["country"])
        if before == states.RELEASED:
            tx.send(Envelope(codes.AER_CANCELLATION, SYSTEM, row["country"], row["exit_country"],
                             {"mrn": row["mrn"], "reason": reason or "invalidated"}, subject=row["mrn"]))
        _save(conn, row)
        tx.flush()
    return _answer(row)


def record_transit(conn: Connection, mrn: str, transit_mrn: str, *, by: str) -> dict[str, Any]:
    """Export followed by transit: record the MRN of the transit movement the goods were placed under, in the
    caller's transaction (for the transit system, or :func:`link_transit`). The export keeps its own exit."""
    issues: list[Issue] = []
    transit = check_transit_mrn(transit_mrn, "/transit_mrn", issues)
    if issues:
        raise Rejected(issues, "the transit link was rejected")
    row = _load(conn, parse_mrn(mrn), for_update=True)
    states.next_state(row["mrn"], row["state"], "link_transit")
    if row["transit_mrn"] and row["transit_mrn"] != transit:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/transit_mrn",
                           f"export {row['mrn']} is already followed by transit {row['transit_mrn']}")
    row["transit_mrn"], row["followed_by_transit"] = transit, True
    tx = Tx(None, conn)
    _log(tx, row, "in", codes.TRANSIT_LINK, by, {"transit_mrn": transit})
    tx.count("followed_by_transit", row["country"])
    _save(conn, row)
    tx.flush()
    return _answer(row)


def link_transit(ctx: Context, principal: Principal, mrn: str, transit_mrn: str) -> dict[str, Any]:
    """The declarant records the transit movement following the export (until the transit system does it)."""
    eori = check_trader(principal)
    with ctx.db.begin() as conn:
        row = _load_visible(conn, principal, mrn)
        if eori not in {row["declarant"], row["representative"]}:
            raise Forbidden("the declarant or its representative records the transit movement")
        return record_transit(conn, row["mrn"], transit_mrn, by=eori)


# -- officers of the office of export -------------------------------------------------------------------------

def _officer_row(conn: Connection, principal: Principal, mrn: str) -> Row:
    if principal.role is not Role.OFFICER:
        raise Forbidden("this decision is taken by the customs officers of the office of export")
    row = _load(conn, parse_mrn(mrn), for_update=True)
    if principal.country != row["country"]:
        raise NotFound("export declaration", row["mrn"])
    return row


def _by(principal: Principal) -> str:
    return f"{principal.name} ({principal.office or principal.country})"


def decide_control(ctx: Context, principal: Principal, mrn: str, control: str) -> dict[str, Any]:
    """The officer's control decision: none (waive the one suggested: the goods are released), documentary or
    physical (IE560)."""
    if control not in CONTROL_TYPES:
        raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/control", f"one of {', '.join(CONTROL_TYPES)}")
    with ctx.db.begin() as conn:
        row = _officer_row(conn, principal, mrn)
        tx = Tx(ctx, conn)
        if control == "none":
            row["state"] = states.next_state(row["mrn"], row["state"], "waive_control")
            row["control_type"], row["control_decided_by"] = "none", _by(principal)
            _log(tx, row, "in", codes.OFFICER_CONTROL_DECISION, principal.name, {"control": control})
            tx.count("control_decisions", "none")
            _release(tx, row, f"no control, decided by {_by(principal)}")
        else:
            states.next_state(row["mrn"], row["state"], "decide_control")
            _log(tx, row, "in", codes.OFFICER_CONTROL_DECISION, principal.name, {"control": control})
            _decide(tx, row, control, _by(principal))
        _save(conn, row)
        tx.flush()
    return _answer(row)


def record_control(ctx: Context, principal: Principal, mrn: str, control: dict[str, Any]) -> dict[str, Any]:
    """The control result (no irregularity, irregularity, seizure) with the findings; it labels the risk
    assessment for the risk analysis."""
    if control.get("result") not in CONTROL_RESULTS:
        raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/result", f"one of {', '.join(CONTROL_RESULTS)}")
    with ctx.db.begin() as conn:
        row = _officer_row(conn, principal, mrn)
        row["state"] = states.next_state(row["mrn"], row["state"], "record_control")
        tx = Tx(ctx, conn)
        record = {**control, "control_type": control.get("control_type") or row["control_type"],
                  "office": principal.office, "officer": principal.name, "at": now().isoformat()}
        _log(tx, row, "in", codes.OFFICER_CONTROL_RESULT, principal.name, record)
        row["controlled"], row["control_result"] = True, record
        risk.record_control_result(conn, [row["mrn"]], country=row["country"], result=record)
        tx.count("control_results", control["result"])
        _save(conn, row)
        tx.flush()
    return _answer(row)


def release(ctx: Context, principal: Principal, mrn: str) -> dict[str, Any]:
    """The officer releases the goods for export after the control (IE529, and IE501 to the office of exit)."""
    with ctx.db.begin() as conn:
        row = _officer_row(conn, principal, mrn)
        if row["state"] == states.UNDER_CONTROL:
            raise Rejected.one(ErrorCode.OUT_OF_SEQUENCE, "/", "a control was decided: record its result first")
        states.next_state(row["mrn"], row["state"], "release")
        tx = Tx(ctx, conn)
        _log(tx, row, "in", codes.OFFICER_RELEASE, principal.name, {})
        _release(tx, row, f"released by {_by(principal)}")
        _save(conn, row)
        tx.flush()
    return _answer(row)


def refuse_release(ctx: Context, principal: Principal, mrn: str, reason: str) -> dict[str, Any]:
    """No release for export (IE551), e.g. prohibited goods found or a licence missing."""
    with ctx.db.begin() as conn:
        row = _officer_row(conn, principal, mrn)
        row["state"] = states.next_state(row["mrn"], row["state"], "refuse_release")
        tx = Tx(ctx, conn)
        _log(tx, row, "in", codes.OFFICER_NO_RELEASE, principal.name, {"reason": reason})
        _tell(tx, row, codes.NO_RELEASE, {"mrn": row["mrn"], "reason": reason, "decided_by": _by(principal)})
        tx.count("not_released", row["country"])
        _save(conn, row)
        tx.flush()
    return _answer(row)


# -- the office of exit's answer (bus handler in the office of export's domain) -------------------------------

def on_exit_results(ctx: Context, conn: Connection, env: Envelope) -> None:
    """IE518 from the office of exit: the goods left (A1, A2, A4) → exited and IE599 to the declarant and the
    exporter, the proof of exit (Art. 334 UCC IA); exit refused (B1) → exit_refused. Results for a declaration
    no longer released (invalidated meanwhile) are logged and counted, nothing else."""
    p = env.payload
    row = _load(conn, p["mrn"], for_update=True)
    tx = Tx(ctx, conn)
    _log(tx, row, "in", codes.EXIT_RESULTS, env.sender, p)
    if row["state"] != states.RELEASED:
        tx.count("exit_results_ignored", row["state"])
        tx.flush()
        return
    row["exit_result"] = p
    row["actual_office_of_exit"] = p.get("office_of_exit")
    if p["exit_control_result"] == codes.EXIT_NOT_SATISFACTORY:
        row["state"] = states.next_state(row["mrn"], row["state"], "exit_refused")
        _tell(tx, row, codes.EXIT_REFUSED, {"mrn": row["mrn"], "office_of_exit": p.get("office_of_exit"),
                                             "reason": p.get("reason")}, exporter=True)
        tx.count("exit_refused", row["country"])
    else:
        row["state"] = states.next_state(row["mrn"], row["state"], "exit")
        row["exited_at"] = datetime.fromisoformat(p["exited_at"])
        _tell(tx, row, codes.EXIT_CERTIFICATION, {
            "mrn": row["mrn"], "lrn": row["lrn"], "exporter": row["exporter"], "office_of_export": row["office_of_export"],
            "office_of_exit": p.get("office_of_exit"), "exited_at": p["exited_at"],
            "exit_control_result": p["exit_control_result"], "country_of_destination": row["destination"],
            "transit_mrn": row["transit_mrn"]}, exporter=True)
        tx.count("exited", row["country"])
    _save(conn, row)
    tx.flush()


# -- reading --------------------------------------------------------------------------------------------------

def consult(ctx: Context, principal: Principal, mrn: str) -> dict[str, Any]:
    """The declaration, its state, control, times and message log (officers: the risk analysis and the
    exchanges with the office of exit too)."""
    with ctx.db.read() as conn:
        row = _load_visible(conn, principal, mrn)
        log = conn.execute(select(exp_log).where(exp_log.c.mrn == row["mrn"], exp_log.c.side == EXPORT,
                                                 exp_log.c.country == row["country"]).order_by(exp_log.c.id)).mappings().all()
        exchanges = message_log(conn, row["mrn"]) if principal.role is not Role.TRADER else []
    officer = principal.role is not Role.TRADER
    risk_view = None
    if officer and row["risk"]:
        risk_view = {k: v for k, v in row["risk"].items() if k != "facts"}
    return {
        **{k: row[k] for k in ("mrn", "lrn", "declaration_type", "additional_type", "security", "procedure", "state",
                               "country", "office_of_export", "office_of_exit", "actual_office_of_exit", "exit_country",
                               "destination", "declarant", "exporter", "representative", "lodged_at", "accepted_at",
                               "released_at", "exited_at", "invalidated_at", "updated_at", "control_type", "controlled",
                               "control_result", "exit_result", "followed_by_transit", "transit_mrn", "version")},
        "risk": risk_view,
        "control_suggested": row["control_suggested"] if officer else None,
        "allowed_messages": states.allowed_for_trader(row["state"]),
        "declaration": row["payload"],
        "message_log": [{"direction": x["direction"], "message_type": x["message_type"], "party": x["party"],
                         "at": x["at"], "payload": x["payload"]} for x in log],
        "domain_exchanges": [{"message_type": x["message_type"], "sender": x["sender"], "recipient": x["recipient"],
                              "at": x["created_at"]} for x in exchanges],
    }


def search(ctx: Context, principal: Principal, *, state: str | None = None, country: str | None = None,
           limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """The caller's declarations: a trader's own (as declarant, exporter or representative), an officer's
    member state's, any for the Commission."""
    q = select(_D.c.mrn, _D.c.lrn, _D.c.declaration_type, _D.c.security, _D.c.state, _D.c.country,
               _D.c.office_of_export, _D.c.office_of_exit, _D.c.declarant, _D.c.exporter, _D.c.lodged_at,
               _D.c.released_at, _D.c.exited_at, _D.c.control_type, _D.c.transit_mrn)
    if principal.role is Role.TRADER:
        q = q.where((_D.c.declarant == principal.eori) | (_D.c.exporter == principal.eori)
                    | (_D.c.representative == principal.eori))
    elif principal.role is Role.OFFICER:
        q = q.where(_D.c.country == principal.country)
    elif principal.role is not Role.COMMISSION:
        raise Forbidden("export declarations are not public")
    if state:
        q = q.where(_D.c.state == state)
    if country and principal.role is Role.COMMISSION:
        q = q.where(_D.c.country == country.upper())
    with ctx.db.read() as conn:
        total = conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()
        items = [dict(r) for r in conn.execute(q.order_by(_D.c.lodged_at.desc(), _D.c.mrn).limit(limit).offset(offset)).mappings()]
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def status(conn: Connection, mrn: str) -> dict[str, Any] | None:
    """The public status of an export MRN for the data-dissemination MRN follow-up: ``{mrn, system, state,
    office_of_export, office_of_exit, updated_at}`` (the office of exit where the goods left once known, else the
    declared one), or ``None`` when ``mrn`` is no export declaration. An ill-formed MRN is rejected (code 93)."""
    mrn = parse_mrn(mrn)
    row = conn.execute(select(_D.c.mrn, _D.c.state, _D.c.office_of_export, _D.c.office_of_exit,
                              _D.c.actual_office_of_exit, _D.c.updated_at).where(_D.c.mrn == mrn)).mappings().first()
    if row is None:
        return None
    return {"mrn": row["mrn"], "system": SYSTEM, "state": row["state"], "office_of_export": row["office_of_export"],
            "office_of_exit": row["actual_office_of_exit"] or row["office_of_exit"], "updated_at": row["updated_at"]}

