"""What one import transaction writes besides its own rows (message log, trader notifications, counts, messages
to other domains), written together at the end; and the group commit of the traders' hot writes (lodging,
payment): the writes of the requests that arrive together are done in one transaction.

Group commit (leader/follower, no thread of its own): a request validates in its caller's thread, then queues
its write. The first caller that finds no group under way leads: it takes what is queued (at most
:data:`GroupWriter.GROUP`), runs every write in one transaction — each in a savepoint of its own, so that a
rejected one leaves nothing behind and does not hold up the others — writes the group's logs, notifications,
counts, messages and new declarations with one statement each, commits, and answers each caller. If more
requests queued meanwhile, it hands the lead to the first one's thread. A lone request is written at once; under
load one commit (one hold of SQLite's write lock, one fsync) serves many declarations instead of each waiting
for the lock on its own. Should the group's common writes fail, every request is written again on its own."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import Connection, insert, select

from eucustoms.core.clock import now
from eucustoms.platform import notifications, telemetry
from eucustoms.platform.bus import Envelope, writer_turn
from eucustoms.platform.context import Context

from . import SYSTEM
from .store import imp_declaration, imp_log

_INSERT = insert(imp_declaration)
_LOG = insert(imp_log)


class Tx:
    """What one transaction tells traders, logs, counts, sends to other domains and inserts, written at the end
    (:meth:`flush`)."""

    def __init__(self, ctx: Context, conn: Connection):
        self.ctx, self.conn = ctx, conn
        self.log_rows: list[dict[str, Any]] = []
        self.notes: list[tuple[str, str, str, str | None, dict]] = []
        self.counts: list[tuple[str, str, str]] = []
        self.envelopes: list[Envelope] = []
        self.new_rows: list[dict[str, Any]] = []  # declarations to insert (lodged in this transaction)
        # (declarant, LRN) pairs already used, read for the whole group at once (None: ask the database)
        self.lrns_used: set[tuple[str, str]] | None = None

    def log(self, mrn: str | None, direction: str, message_type: str, party: str, payload: dict) -> None:
        self.log_rows.append({"mrn": mrn, "direction": direction, "message_type": message_type, "party": party,
                              "at": now(), "payload": payload})

    def tell(self, row: dict[str, Any], message_type: str, payload: dict) -> None:
        self.log(row["mrn"], "out", message_type, row["declarant"], payload)
        for eori in sorted({row["declarant"], row["representative"]} - {None}):
            self.notes.append((eori, SYSTEM, message_type, row["mrn"], payload))

    def count(self, metric: str, key: str = "") -> None:
        self.counts.append((SYSTEM, metric, key))

    def send(self, env: Envelope) -> None:
        self.envelopes.append(env)

    def insert(self, row: dict[str, Any]) -> None:
        self.new_rows.append(row)

    def absorb(self, other: Tx) -> None:
        """Take over what ``other`` (in the same transaction) has still to write, after what this one has."""
        self.log_rows += other.log_rows
        self.notes += other.notes
        self.counts += other.counts
        self.envelopes += other.envelopes
        self.new_rows += other.new_rows
        other.log_rows, other.notes, other.counts, other.envelopes, other.new_rows = [], [], [], [], []

    def flush(self) -> None:
        conn = self.conn
        if self.new_rows:
            conn.execute(_INSERT, self.new_rows)
        if self.log_rows:
            conn.execute(_LOG, self.log_rows)
        notifications.notify_many(conn, self.notes)
        if self.envelopes:
            self.ctx.bus.send(conn, *self.envelopes, counts=self.counts)
        telemetry.count_many(conn, self.counts)
        self.log_rows, self.notes, self.counts, self.envelopes, self.new_rows = [], [], [], [], []


@dataclass
class Job:
    """A write waiting for its group: ``apply(tx)`` does it in the group's transaction and gives the answer."""

    apply: Callable[[Tx], dict[str, Any]]
    lrn: tuple[str, str] | None = None  # (declarant, LRN) of a declaration to lodge
    answer: dict[str, Any] | None = None
    error: BaseException | None = None
    settled: threading.Event = field(default_factory=threading.Event)
    lead: bool = False  # asked to lead the next group


class GroupWriter:
    """The group commit of one box's import writes (see the module docstring)."""

    GROUP = 64

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.lock = threading.Lock()
        self.queue: list[Job] = []
        self.leading = False

    def submit(self, apply: Callable[[Tx], dict[str, Any]], *, lrn: tuple[str, str] | None = None) -> dict[str, Any]:
        job = Job(apply, lrn)
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
                write_group(self.ctx, group)
            finally:
                for job in group:
                    if job.error is None and job.answer is None:
                        job.error = RuntimeError("the request was not written")
                    job.settled.set()
        finally:
            with self.lock:
                if self.queue:
                    successor = self.queue[0]
                    successor.lead = True
                    successor.settled.set()
                else:
                    self.leading = False


_writers_lock = threading.Lock()


def writer(ctx: Context) -> GroupWriter:
    found = ctx.__dict__.get("_imports_writer")
    if found is None:
        with _writers_lock:
            found = ctx.__dict__.setdefault("_imports_writer", GroupWriter(ctx))
    return found


def write_group(ctx: Context, jobs: list[Job]) -> None:
    """Do ``jobs`` in one transaction; every job ends with its answer or its error (never both).

    First all together, without savepoints (failures are rare: the requests were validated); if one fails, the
    transaction is rolled back and done again with a savepoint per job, so that the failure stays its own; if
    even the group's common writes fail, each job is done in a transaction of its own."""
    if len(jobs) > 1:
        for savepoints in (False, True):
            try:
                _write(ctx, jobs, savepoints)
                return
            except Exception:  # noqa: BLE001 - done again as described above
                for job in jobs:
                    job.answer, job.error = None, None
    for job in jobs:
        try:
            _write(ctx, [job], False)
        except BaseException as exc:
            job.answer, job.error = None, exc
            if not isinstance(exc, Exception):
                raise


def _lrns_used(conn: Connection, jobs: list[Job]) -> set[tuple[str, str]] | None:
    """The (declarant, LRN) pairs of the group's lodgings already stored, with one query."""
    keys = [job.lrn for job in jobs if job.lrn is not None]
    if len(keys) < 2:
        return None
    wanted = set(keys)
    c = imp_declaration.c
    found = conn.execute(select(c.declarant, c.lrn).where(  # the (declarant, lrn) unique index serves it
        c.declarant.in_(sorted({d for d, _ in wanted})), c.lrn.in_(sorted({lrn for _, lrn in wanted}))))
    return {(d, lrn) for d, lrn in found if (d, lrn) in wanted}


def _write(ctx: Context, jobs: list[Job], savepoints: bool) -> None:
    with writer_turn(ctx.db), ctx.db.begin() as conn:
        group = Tx(ctx, conn)
        used = _lrns_used(conn, jobs)
        for job in jobs:
            tx = Tx(ctx, conn)
            tx.lrns_used = used
            if not savepoints:  # a failure rolls back the transaction
                job.answer = job.apply(tx)
            else:
                savepoint = conn.begin_nested()
                try:
                    job.answer = job.apply(tx)
                    savepoint.commit()
                except Exception as exc:  # noqa: BLE001 - this request fails, the others go on
                    savepoint.rollback()
                    job.answer, job.error = None, exc
                    continue
            group.absorb(tx)
        group.flush()
