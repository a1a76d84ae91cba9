"""ICS2 use cases at the common repository: lodging, amending and invalidating filings, consultation,
arrival, answers to referrals, and the results that come back from the national entry systems."""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import ErrorCode, Forbidden, Issue, NotFound, Rejected
from eucustoms.core.identifiers import MRN
from eucustoms.platform import notifications, telemetry
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.bus import CENTRAL, Envelope, batched, message_log, writer_turn
from eucustoms.platform.context import Context
from eucustoms.platform.db import Database
from eucustoms.platform.numbering import allocate_mrn
from eucustoms.refdata import RefData
from eucustoms.systems.risk import service as risk

from . import SYSTEM, codes, repository, states
from .deadlines import assess
from .facts import house_facts
from .messages import Filing, Links, filing_type, linking_key, validate_filing
from .store import ics2_filing, ics2_log, ics2_referral

PROCEDURE = "T"  # MRN procedure category: entry summary declaration only


# -- helpers ------------------------------------------------------------------------------------------------

# Built once: building a statement costs more than executing it.
_LOG = insert(ics2_log)
_STORE = insert(ics2_filing)
# (declarant IN ... AND lrn IN ...), filtered after: SQLite scans the table for a row-value IN (VALUES ...).
_LRNS_USED = select(ics2_filing.c.declarant, ics2_filing.c.lrn).where(
    ics2_filing.c.declarant.in_(bindparam("declarants", expanding=True)),
    ics2_filing.c.lrn.in_(bindparam("lrns", expanding=True)))
_RESULT = update(ics2_filing).where(ics2_filing.c.mrn == bindparam("b_mrn")).values(
    state=bindparam("b_state"), risk_outcome=bindparam("b_risk_outcome"), assessed_at=bindparam("b_assessed_at"))
_TRANSITIONS: dict[tuple[str, ...], Any] = {}


def _log(conn: Connection, mrn: str | None, direction: str, message_type: str, party: str, payload: dict) -> None:
    conn.execute(_LOG, {"mrn": mrn, "direction": direction, "message_type": message_type, "party": party,
                        "at": now(), "payload": payload})
    telemetry.count(conn, SYSTEM, telemetry.MESSAGES, message_type)


def _tell(conn: Connection, eori: str, message_type: str, mrn: str | None, payload: dict) -> None:
    """A message to a trader: kept in the ENS's log and queued as a notification (pull and push)."""
    _log(conn, mrn, "out", message_type, eori, payload)
    notifications.notify(conn, eori, SYSTEM, message_type, payload, subject=mrn)


class _Tx:
    """One transaction of the common repository that writes its trader messages (log and notifications, in
    the order they were made) and its counts together at the end (:meth:`flush`), and can hold back the state
    changes of rows it stores itself later (``unsaved``) or all at once (``deferred``)."""

    def __init__(self, ctx: Context, conn: Connection):
        self.ctx = ctx
        self.conn = conn
        self.log_rows: list[dict[str, Any]] = []
        self.notes: list[tuple[str, str, str, str | None, dict]] = []
        self.counts: list[tuple[str, str, str]] = []
        self.unsaved: set[str] = set()
        self.deferred = False
        # When a list: the risk analyses to start are kept here, to be run for a whole group of filings at
        # once (see _register_group); when None they run at once.
        self.analyses: list[tuple[str, str, dict[str, int], list[dict]]] | None = None

    def log(self, mrn: str | None, direction: str, message_type: str, party: str, payload: dict) -> None:
        self.log_rows.append({"mrn": mrn, "direction": direction, "message_type": message_type, "party": party,
                              "at": now(), "payload": payload})

    def tell(self, eori: str, message_type: str, mrn: str | None, payload: dict) -> None:
        self.log(mrn, "out", message_type, eori, payload)
        self.notes.append((eori, SYSTEM, message_type, mrn, payload))

    def transition(self, row: dict[str, Any], action: str, **values: Any) -> str:
        if self.deferred or row["mrn"] in self.unsaved:
            state = states.next_state(row["mrn"], row["state"], action)
            row["state"] = state
            row.update(values)
            return state
        return _transition(self.conn, row, action, **values)

    def absorb(self, other: _Tx) -> None:
        """Take over what ``other`` (in the same transaction) has still to write, after what this one has."""
        self.log_rows += other.log_rows
        self.notes += other.notes
        self.counts += other.counts
        if other.analyses:
            self.analyses = (self.analyses or []) + other.analyses
        other.log_rows, other.notes, other.counts, other.analyses = [], [], [], None

    def analyse(self) -> None:
        """Run the risk analyses kept (:attr:`analyses`), in order, and send their requests."""
        analyses, self.analyses = self.analyses or [], None
        if not analyses:
            return
        signals = risk.central_analyses(self.conn, [(facts, country) for _, country, _, facts in analyses],
                                        counts=self.counts)
        envelopes = [env for (group_id, country, versions, facts), sigs in zip(analyses, signals)
                     for env in _requests(group_id, country, versions, facts, sigs)]
        self.ctx.bus.send(self.conn, *envelopes, counts=self.counts)

    def flush(self) -> None:
        if self.log_rows:
            self.conn.execute(_LOG, self.log_rows)
            # Trader messages (filings in, responses and notifications out) are ICS2 messages too: the
            # EU's 2.28 billion count includes them.
            self.counts.extend((SYSTEM, telemetry.MESSAGES, r["message_type"]) for r in self.log_rows)
        notifications.notify_many(self.conn, self.notes)
        telemetry.count_many(self.conn, self.counts)
        self.log_rows, self.notes, self.counts = [], [], []


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


# Which reference data releases a database holds is read at most once a second: a release loaded while the box
# runs is used from then on (RefData.from_db reads the releases on every call otherwise, a read transaction per
# filing).
REFDATA_RECHECK = 1.0
_refdata_seen: weakref.WeakKeyDictionary[Database, tuple[float, RefData]] = weakref.WeakKeyDictionary()


def _refdata(db: Database) -> RefData:
    seen = _refdata_seen.get(db)
    moment = time.monotonic()
    if seen is not None and moment - seen[0] < REFDATA_RECHECK:
        return seen[1]
    refdata = RefData.from_db(db)
    _refdata_seen[db] = (moment, refdata)
    return refdata


def _validate(ctx: Context, principal: Principal, message_type: str, payload: Any) -> Filing:
    eori = _check_trader(principal)
    refdata = _refdata(ctx.db)
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
    of the same ENS, and start risk analysis once the ENS is complete. Answers the IE3R01 once the filing is
    committed.

    Validation runs in the caller's thread; the registration joins the filings lodged at the same moment in
    one transaction (group commit, see :class:`_Lodger` and :func:`_register_group`); a filing's failure
    stays its own."""
    filing = _validate(ctx, principal, message_type, payload)
    job = _Job(principal, filing, now(), filing.model_dump(mode="json", exclude_none=True), linking_key(filing))
    return _lodger(ctx).submit(job)


@dataclass
class _Job:
    """A validated filing waiting for its registration, and then its answer (or the error to raise)."""

    principal: Principal
    filing: Filing
    lodged: datetime
    data: dict[str, Any]  # the filing as stored (JSON)
    links: Links
    answer: dict[str, Any] | None = None
    error: BaseException | None = None
    tx: _Tx | None = None
    settled: threading.Event = field(default_factory=threading.Event)
    lead: bool = False  # asked to lead the next group (see _Lodger)

    @property
    def declarant(self) -> str:
        return self.filing.declarant.identification_number


class _Lodger:
    """Group commit of the filings of one box (leader/follower, no thread of its own).

    A filing waits in a queue; the first thread that finds no group under way leads: it takes what is queued
    (at most :data:`GROUP`), registers it in one transaction and answers each filing once it is committed. If
    more filings queued meanwhile, it hands the lead to the thread of the first one and returns its own
    answer. A group is as large as what arrived while the previous one ran, so a lone filing is registered at
    once, and under load one commit (one write-lock hold, one fsync) serves many filings instead of each
    filing waiting for the write lock on its own."""

    GROUP = 64

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.lock = threading.Lock()
        self.queue: list[_Job] = []
        self.leading = False

    def submit(self, job: _Job) -> dict[str, Any]:
        with self.lock:
            self.queue.append(job)
            lead = not self.leading
            self.leading = True
        if not lead:
            job.settled.wait()
        if not job.settled.is_set() or job.lead:
            self._lead()
        if job.error is not None:
            raise job.error
        assert job.answer is not None
        return job.answer

    def _lead(self) -> None:
        try:
            with self.lock:
                group, self.queue = self.queue[:self.GROUP], self.queue[self.GROUP:]
            try:
                _register_group(self.ctx, group)
            finally:
                for job in group:
                    if job.error is None and job.answer is None:
                        job.error = RuntimeError("the filing was not registered")
                    job.settled.set()
        finally:
            with self.lock:
                if self.queue:
                    successor = self.queue[0]
                    successor.lead = True
                    successor.settled.set()
                else:
                    self.leading = False


_lodgers_lock = threading.Lock()


def _lodger(ctx: Context) -> _Lodger:
    lodger = ctx.__dict__.get("_ics2_lodger")
    if lodger is None:
        with _lodgers_lock:
            lodger = ctx.__dict__.setdefault("_ics2_lodger", _Lodger(ctx))
    return lodger


def _register_group(ctx: Context, jobs: list[_Job]) -> None:
    """Register ``jobs`` in one transaction; every job ends with its answer or its error.

    The filings are stored one after the other and the risk analyses they start are run together at the end
    (one read and one write of the entity history for the group). Should anything fail, the group is
    registered again filing by filing, each in a savepoint of its own with its own analysis, so that a
    failure stays with its filing."""
    try:
        _register_all(ctx, jobs, together=True)
        return
    except Exception:  # noqa: BLE001 - retried filing by filing
        for job in jobs:
            job.answer, job.error = None, None
    _register_all(ctx, jobs, together=False)


def _register_all(ctx: Context, jobs: list[_Job], *, together: bool) -> None:
    live: list[_Job] = []
    try:
        with writer_turn(ctx.db), ctx.db.begin() as conn:
            wanted = {(j.declarant, j.filing.lrn) for j in jobs}
            used = set()
            for start in range(0, len(jobs), 400):
                chunk = jobs[start:start + 400]
                used.update(pair for pair in (tuple(r) for r in conn.execute(_LRNS_USED, {
                    "declarants": sorted({j.declarant for j in chunk}), "lrns": sorted({j.filing.lrn for j in chunk})}))
                    if pair in wanted)
            for job in jobs:
                key = (job.declarant, job.filing.lrn)
                if key in used:
                    job.error = Rejected.one(ErrorCode.DUPLICATE, "/lrn",
                                             f"LRN {job.filing.lrn} was already used by {job.declarant}")
                    continue
                used.add(key)
                job.tx = _Tx(ctx, conn)
                if together:  # any failure sends the whole group round again, filing by filing
                    job.tx.analyses = []
                    job.answer = _register(job.tx, job)
                    live.append(job)
                    continue
                savepoint = conn.begin_nested()
                try:
                    job.answer = _register(job.tx, job)
                    savepoint.commit()
                except Exception as exc:  # noqa: BLE001 - this filing fails, the others go on
                    savepoint.rollback()
                    job.error, job.answer = exc, None
                    continue
                live.append(job)
            if live:
                group = _Tx(ctx, conn)
                for job in live:
                    group.absorb(job.tx)
                group.analyse()
                group.flush()
    except BaseException as exc:
        if together and isinstance(exc, Exception):
            raise
        for job in jobs:
            if job.error is None:  # not committed: none of them exists
                job.error, job.answer = exc, None
        if not isinstance(exc, Exception):
            raise
    finally:
        for job in jobs:
            job.tx = None
    for job in jobs:
        if job.error is None and job.answer is None:
            job.error = RuntimeError("the filing was not registered")


def _register(tx: _Tx, job: _Job) -> dict[str, Any]:
    """Store one validated filing, relate it to its group and move the group on; returns the IE3R01 answer."""
    conn, filing, lodged = tx.conn, job.filing, job.lodged
    kind = filing_type(filing.message_type)
    country = _responsible_country(filing)
    data, links = job.data, job.links
    declarant = job.declarant
    mrn = str(allocate_mrn(conn, country, PROCEDURE))
    carrier_filing = _carrier_filing_for(conn, links)
    late = assess(filing, lodged, linked=carrier_filing)
    c = filing.consignment
    row = {
        "mrn": mrn, "group_id": mrn, "message_type": filing.message_type, "filing_type": filing.filing_type,
        "mode": c.active_means.mode if c.active_means else None, "lrn": filing.lrn, "declarant": declarant,
        "representative": filing.representative.identification_number if filing.representative else None,
        "carrier": c.carrier.identification_number if c.carrier else None,
        "transport_document": c.transport_document.reference_number if c.transport_document else None,
        "office_of_first_entry": c.customs_office_of_first_entry, "country": country,
        "state": states.REGISTERED, "pre_loading": kind.pre_loading, "lodged_at": lodged,
        "deadline": late.deadline, "deadline_rule": late.rule_id, "late": late.late,
        "analysis_started_at": None, "assessed_at": None, "arrived_at": None, "invalidated_at": None,
        "risk_outcome": None, "payload": data, "version": 1,
    }
    tx.log(mrn, "in", filing.message_type, job.principal.eori, data)
    response = {"mrn": mrn, "lrn": filing.lrn, "message_type": filing.message_type,
                "registered_at": lodged.isoformat(), "late": late.late,
                "deadline": late.deadline.isoformat() if late.deadline else None, "deadline_rule": late.rule_id}
    tx.tell(declarant, codes.REGISTRATION_RESPONSE, mrn, response)
    tx.counts.append((SYSTEM, "filings", filing.filing_type))
    if late.late:
        tx.counts.append((SYSTEM, "late_filings", late.rule_id))
    linked = repository.related(conn, mrn, links)
    if linked:
        conn.execute(_STORE, row)
        repository.save_keys(conn, mrn, filing, links, new=True)
        group_id = repository.merge_groups(conn, mrn, linked)
        group = _progress_group(tx, group_id, known={mrn: filing})
        state = next(r["state"] for r, _ in group if r["mrn"] == mrn)
    else:
        # A filing on its own (so far) is its own group: its state is settled before it is stored.
        tx.unsaved.add(mrn)
        _progress(tx, mrn, [(row, filing)])
        conn.execute(_STORE, row)
        repository.save_keys(conn, mrn, filing, links, new=True)
        state = row["state"]
    return {**response, "state": state}


def _carrier_filing_for(conn: Connection, links: Links) -> Filing | None:
    """For a house-level part: the carrier's filing it quotes, to take the journey times from (deadlines)."""
    for key in links.expects:
        if key.filer is None:
            rows = conn.execute(select(ics2_filing.c.payload).where(
                ics2_filing.c.transport_document == key.transport_document, ics2_filing.c.carrier == key.carrier)
                .limit(1)).scalars().all()
            if rows:
                return Filing.model_validate(rows[0])
    return None


def _group(conn: Connection, group_id: str, known: dict[str, Filing] | None = None) -> list[tuple[dict, Filing]]:
    """The live filings of a group with their parsed particulars (``known``: those the caller has parsed)."""
    known = known or {}
    return [(r, known[r["mrn"]] if r["mrn"] in known else Filing.model_validate(r["payload"]))
            for r in repository.group_rows(conn, group_id)]


def _progress_group(tx: _Tx, group_id: str, known: dict[str, Filing] | None = None) -> list[tuple[dict, Filing]]:
    """After a filing joined or changed the group: see :func:`_progress`. Returns the group."""
    parsed = _group(tx.conn, group_id, known)
    _progress(tx, group_id, parsed)
    return parsed


def _progress(tx: _Tx, group_id: str, parsed: list[tuple[dict, Filing]]) -> None:
    """Wait for missing parts (and say who must file), or start the risk analysis of the complete ENS.
    Pre-loading filings are analysed at once on their own. ``parsed``: the live filings of the group."""
    waiting = [(r, f) for r, f in parsed if r["state"] in (states.REGISTERED, states.PENDING)]
    if not waiting:
        return
    missing = repository.missing_parts([f for _, f in parsed])
    if missing:
        ready = [(r, f) for r, f in waiting if r["pre_loading"] and r["state"] == states.REGISTERED]
        for r, _ in waiting:
            if r["state"] == states.REGISTERED and not r["pre_loading"]:
                tx.transition(r, "await_other_parts")
                names = [str(k) for k in missing]
                tx.tell(r["declarant"], codes.ENS_NOT_COMPLETE, r["mrn"], {"mrn": r["mrn"], "missing_parts": names})
                for key in missing:
                    if key.filer and key.filer not in _parties_of(r):
                        tx.tell(key.filer, codes.HOUSE_FILING_PENDING, r["mrn"], {
                            "mrn": r["mrn"], "transport_document": key.transport_document, "carrier": key.carrier,
                            "expected_from": key.filer})
        if ready:
            _start_analysis(tx, group_id, ready, parsed)
        return
    _start_analysis(tx, group_id, waiting, parsed)


def _transition(conn: Connection, row: dict[str, Any], action: str, **values: Any) -> str:
    state = states.next_state(row["mrn"], row["state"], action)
    columns = tuple(sorted(values))
    stmt = _TRANSITIONS.get(columns)
    if stmt is None:
        stmt = _TRANSITIONS[columns] = update(ics2_filing).where(ics2_filing.c.mrn == bindparam("b_mrn")).values(
            state=bindparam("b_state"), **{c: bindparam(f"b_{c}") for c in columns})
    conn.execute(stmt, {"b_mrn": row["mrn"], "b_state": state, **{f"b_{c}": v for c, v in values.items()}})
    row["state"] = state
    row.update(values)
    return state


def _start_analysis(tx: _Tx, group_id: str, rows: list[tuple[dict, Filing]],
                    everyone: list[tuple[dict, Filing]] | None = None) -> None:
    """Send the listed filings of the group to risk analysis. ``everyone``: the group's live filings, when
    the caller has them."""
    conn, ctx = tx.conn, tx.ctx
    moment = now()
    for r, _ in rows:
        tx.transition(r, "start_risk_analysis" if r["state"] in (states.REGISTERED, states.PENDING) else "amend",
                      analysis_started_at=moment)
    # The master-level journey comes from the whole linked set; only the listed filings are analysed.
    if everyone is None:
        everyone = _group(conn, group_id, {r["mrn"]: f for r, f in rows})
    mrn_of = {id(f): r["mrn"] for r, f in everyone}
    wanted = {r["mrn"] for r, _ in rows}
    facts = [x for x in house_facts(mrn_of, [f for _, f in everyone]) if x["reference"].split("/")[0] in wanted]
    country = rows[0][0]["country"]
    versions = {r["mrn"]: r["version"] for r, _ in rows}
    if tx.analyses is not None:
        tx.analyses.append((group_id, country, versions, facts))
        return
    signals = risk.central_analysis(conn, facts, country=country, counts=tx.counts)
    ctx.bus.send(conn, *_requests(group_id, country, versions, facts, signals), counts=tx.counts)


def _requests(group_id: str, country: str, versions: dict[str, int], facts: list[dict],
              signals: list[dict]) -> list[Envelope]:
    """The ICS2_RA_REQ to the member state of first entry, and an ICS2_SIGNAL to each other one concerned."""
    envelopes = [Envelope(codes.RA_REQUEST, SYSTEM, CENTRAL, country, {
        "group_id": group_id, "versions": versions, "facts": facts, "signals": signals,
    }, subject=group_id)]
    concerned: dict[str, list[dict]] = {}
    for signal in signals:
        for other in signal.get("concerned", []):
            if other != country:
                concerned.setdefault(other, []).append(signal)
    for other, sigs in sorted(concerned.items()):
        envelopes.append(Envelope(codes.RISK_SIGNAL, SYSTEM, CENTRAL, other,
                                  {"group_id": group_id, "mrns": sorted(versions), "signals": sigs,
                                   "facts": [x for x in facts if any(s["reference"] == x["reference"] for s in sigs)]},
                                  subject=group_id))
    return envelopes


# -- results from the national entry system -----------------------------------------------------------------

def on_risk_results(ctx: Context, conn: Connection, envs: list[Envelope]) -> None:
    """ICS2_RA_RES, for a batch of results in the order received: apply the outcome of the member state of
    first entry to each filing analysed (the filings are read, and their new states written, all at once)."""
    tx = _Tx(ctx, conn)
    tx.deferred = True
    rows = repository.load_many(conn, (mrn for env in envs for mrn in env.payload["versions"]), for_update=True,
                                payload=False)
    changed: dict[str, dict[str, Any]] = {}
    for env in envs:
        result = env.payload
        moment = now()
        for mrn, version in result["versions"].items():
            row = rows[mrn]
            outcome = result["outcomes"].get(mrn, {"outcome": "none"})
            if row["version"] != version or row["state"] not in (states.UNDER_RISK_ANALYSIS, states.REFERRAL):
                continue  # superseded by an amendment, or overtaken by arrival/invalidation
            row["risk_outcome"] = outcome
            changed[mrn] = row
            kind = outcome["outcome"]
            if kind == "DNL":
                tx.transition(row, "do_not_load")
                _refer(tx, row, "DNL", env.sender, outcome)
            elif kind in ("RFI", "RFS"):
                tx.transition(row, "refer")
                _refer(tx, row, kind, env.sender, outcome)
            else:
                tx.transition(row, "complete_assessment", assessed_at=moment)
                tx.tell(row["declarant"], codes.ASSESSMENT_COMPLETE, mrn, {"mrn": mrn, "assessed_at": moment.isoformat()})
                tx.counts.append((SYSTEM, "assessments", row["filing_type"]))
    if changed:
        conn.execute(_RESULT, [{"b_mrn": mrn, "b_state": r["state"], "b_risk_outcome": r["risk_outcome"],
                                "b_assessed_at": r["assessed_at"]} for mrn, r in changed.items()])
    tx.flush()


@batched(on_risk_results)
def on_risk_result(ctx: Context, conn: Connection, env: Envelope) -> None:
    """ICS2_RA_RES: apply the outcome of the member state of first entry to each filing analysed."""
    on_risk_results(ctx, conn, [env])


def _refer(tx: _Tx, row: dict[str, Any], kind: str, country: str, outcome: dict[str, Any]) -> None:
    # An RFS or a do-not-load goes to the carrier when it filed; an RFI to whoever lodged the data.
    addressee = row["declarant"] if kind == "RFI" else (row["carrier"] or row["declarant"])
    request = {"mrn": row["mrn"], "kind": kind, "reasons": outcome.get("reasons", []),
               "houses": outcome.get("houses", [])}
    rid = tx.conn.execute(insert(ics2_referral).values(
        mrn=row["mrn"], kind=kind, addressee=addressee, requested_by=country, requested_at=now(), request=request,
        state="open" if kind != "DNL" else "closed").returning(ics2_referral.c.id)).scalar_one()
    message = {"RFI": codes.RFI, "RFS": codes.RFS, "DNL": codes.DO_NOT_LOAD}[kind]
    tx.tell(addressee, message, row["mrn"], {**request, "referral_id": rid})
    tx.counts.append((SYSTEM, "referrals", kind))


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
        data = filing.model_dump(mode="json", exclude_none=True)
        conn.execute(update(ics2_filing).where(ics2_filing.c.mrn == row["mrn"]).values(
            payload=data, version=version,
            country=_responsible_country(filing), office_of_first_entry=filing.consignment.customs_office_of_first_entry))
        tx = _Tx(ctx, conn)
        tx.log(row["mrn"], "in", message_type, eori, data)
        answer = {"mrn": row["mrn"], "version": version, "amended_at": now().isoformat()}
        tx.tell(row["declarant"], codes.AMENDMENT_NOTIFICATION, row["mrn"], answer)
        repository.save_keys(conn, row["mrn"], filing)
        group_id = repository.merge_groups(conn, row["mrn"])
        row = repository.load(conn, row["mrn"])
        if new_state == states.PENDING:
            _progress_group(tx, group_id)
        else:
            _start_analysis(tx, group_id, [(row, filing)])
        tx.flush()
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
