"""The message exchange between domains: send (outbox, in the sender's transaction), deliver in batches,
consume idempotently (inbox, in the consumer's transaction)."""

from __future__ import annotations

import collections
import contextlib
import functools
import logging
import threading
import traceback
import weakref
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable, Iterable, Sequence

from sqlalchemy import Connection, bindparam, event, func, insert, select, update

from eucustoms.platform import telemetry
from eucustoms.platform.db import Database

from .envelope import Envelope
from .store import bus_inbox, bus_message
from .transport import Delivery, OutboxTransport, Transport, wall_now

log = logging.getLogger(__name__)

Handler = Callable[[Connection, Envelope], None]
BatchHandler = Callable[[Connection, list[Envelope]], None]

MAX_ATTEMPTS = 5

# Built once: building a statement costs more than executing it.
_STORE = insert(bus_message)
_SEEN = select(bus_inbox.c.message_id).where(bus_inbox.c.consumer == bindparam("consumer"),
                                               bus_inbox.c.message_id.in_(bindparam("ids", expanding=True)))
_REMEMBER = insert(bus_inbox)

# Where Bus.send leaves word on a pooled connection that the buses of its engine must wake once the
# connection goes back to the pool, i.e. after the sender's transaction committed (or rolled back).
_WAKE_KEY = "eucustoms.bus.wake"
_buses_by_engine: weakref.WeakKeyDictionary[object, weakref.WeakSet[Bus]] = weakref.WeakKeyDictionary()
_buses_lock = threading.Lock()


def _wake_on_checkin(_dbapi_conn, record) -> None:  # noqa: ANN001 - pool event
    engine = record.info.pop(_WAKE_KEY, None) if record is not None else None
    if engine is None:
        return
    for bus in list(_buses_by_engine.get(engine, ())):
        bus._wake.set()


def batched(many: Callable) -> Callable[[Callable], Callable]:
    """Declare that a per-message handler has a batch variant ``many``, taking the same leading arguments
    and a list of envelopes instead of one, with the effect of handling them one after the other. The bus
    then calls ``many`` with the consecutive messages of a delivery batch whose handlers share that batch
    variant (several message types may share one), also through :func:`functools.partial`, as in
    ``subscribe(domain, partial(handler, ctx))``::

        @batched(on_results)
        def on_result(ctx, conn, env): on_results(ctx, conn, [env])
    """

    def mark(handler: Callable) -> Callable:
        handler.__bus_batch__ = many  # type: ignore[attr-defined]
        return handler

    return mark


def _batch_variant(handler: Callable) -> tuple[Callable, tuple] | None:
    """The batch variant of a handler marked with :func:`batched`, and what identifies it (the function and
    the arguments bound to it), so that handlers sharing it take their messages together."""
    many = getattr(handler, "__bus_batch__", None)
    if many is not None:
        return many, (many,)
    inner = getattr(handler, "func", None)  # functools.partial
    many = getattr(inner, "__bus_batch__", None)
    if many is not None:
        args, keywords = handler.args, handler.keywords  # type: ignore[attr-defined]
        key = (many, *(id(a) for a in args), *sorted((k, id(v)) for k, v in keywords.items()))
        return functools.partial(many, *args, **keywords), key
    return None


class _Turns:
    """A first-come, first-served lock: each waiter is handed the lock in turn and woken at once."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._waiting: collections.deque[threading.Event] = collections.deque()
        self._held = False

    def __enter__(self) -> _Turns:
        with self._guard:
            if not self._held:
                self._held = True
                return self
            turn = threading.Event()
            self._waiting.append(turn)
        turn.wait()  # the lock was handed over
        return self

    def __exit__(self, *exc: object) -> None:
        with self._guard:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._held = False


_turns: weakref.WeakKeyDictionary[Database, _Turns] = weakref.WeakKeyDictionary()


def writer_turn(db: Database) -> contextlib.AbstractContextManager:
    """Take turns, in this process, for ``db``'s single writer (SQLite; on PostgreSQL a no-op).

    SQLite lets one write transaction at a time; a writer that finds the lock taken polls it, sleeping 1, 2,
    5 ... 100 ms between tries, so that under load a busy writer can keep another (the delivery loop) out
    for seconds. The bus's delivery loop and the other hot writers (ICS2's registration) begin their write
    transactions in this turn instead: they queue in the process, first come first served, and are woken as
    soon as the previous writer committed. Other writers are not held up by it (they poll as before)."""
    if db.dialect != "sqlite":
        return contextlib.nullcontext()
    with _buses_lock:
        turns = _turns.get(db)
        if turns is None:
            turns = _turns[db] = _Turns()
    return turns


class NoHandler(Exception):
    """A domain received a message type it has no handler for (the CCN2 equivalent of an unknown service)."""


@dataclass
class _Route:
    handler: Callable
    consumer: str
    batch: bool = False
    batch_key: object = None  # routes with one batch key take consecutive messages together


class Bus:
    """``send`` stores messages in the caller's transaction; ``pump``/``drain``/``start`` deliver them.

    Each national or central domain subscribes handlers per message type (or ``"*"``). A message is
    processed by a domain at most once: its id is written to that domain's inbox in the same transaction
    as the handler's effects, so a redelivery (after a crash, a lease expiry or a broker redelivery) is
    recognised and skipped.
    """

    def __init__(self, db: Database, transport: Transport | None = None, *, batch_size: int = 500):
        self.db = db
        self.transport = transport or OutboxTransport(db)
        self.batch_size = batch_size
        self._routes: dict[str, dict[str, _Route]] = {}
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        # Wake the delivery loop when a sender's connection returns to the pool: only then is the message
        # committed and visible. Waking at send time (inside the sender's transaction) made the loop look,
        # find nothing yet, and sleep its whole idle wait.
        with _buses_lock:
            if db.engine not in _buses_by_engine:
                _buses_by_engine[db.engine] = weakref.WeakSet()
                event.listen(db.engine.pool, "checkin", _wake_on_checkin)
            _buses_by_engine[db.engine].add(self)

    # -- sending -------------------------------------------------------------------------------------

    def send(self, conn: Connection, *envelopes: Envelope, counts: list | None = None) -> None:
        """Store ``envelopes`` in the outbox within ``conn``'s transaction: they exist iff it commits.

        Each message is counted in the telemetry (per system and type) in the same transaction. A caller that
        counts other things in that transaction may pass ``counts``: the message counts are appended to it
        instead, and the caller must add them with one :func:`telemetry.count_many` before committing."""
        if not envelopes:
            return
        rows = [
            {
                "message_id": e.message_id, "message_type": e.message_type, "system": e.system,
                "sender": e.sender, "recipient": e.recipient, "correlation_id": e.correlation_id,
                "subject": e.subject, "created_at": e.created_at, "payload": e.payload,
            }
            for e in envelopes
        ]
        conn.execute(_STORE, rows)
        keys = [(e.system, telemetry.MESSAGES, e.message_type) for e in envelopes]
        if counts is None:
            telemetry.count_many(conn, keys)
        else:
            counts.extend(keys)
        if conn.engine is self.db.engine:
            conn.info[_WAKE_KEY] = conn.engine  # wake on the connection's return to the pool (after commit)
        else:
            self._wake.set()

    # -- subscribing -----------------------------------------------------------------------------------

    def subscribe(self, domain: str, handler: Handler | BatchHandler, *, types: Iterable[str] = ("*",),
                  batch: bool = False) -> None:
        """Route messages of ``types`` addressed to ``domain`` to ``handler``. One handler per type.

        With ``batch``, the handler is called with a list of envelopes: the consecutive messages of a delivery
        batch that go to it, in order (a list of one when a failing batch is retried message by message). It
        must have the effect of handling them one after the other. A handler marked with :func:`batched`
        gets its batch variant."""
        key: object = handler
        if not batch:
            variant = _batch_variant(handler)
            if variant is not None:
                (handler, key), batch = variant, True
        routes = self._routes.setdefault(domain, {})
        for t in types:
            if t in routes:
                raise ValueError(f"domain {domain} already has a handler for {t}")
            routes[t] = _Route(handler, consumer=domain, batch=batch, batch_key=key if batch else None)

    @property
    def domains(self) -> set[str]:
        return set(self._routes)

    def _route(self, env: Envelope) -> _Route:
        routes = self._routes.get(env.recipient, {})
        route = routes.get(env.message_type) or routes.get("*")
        if route is None:
            raise NoHandler(f"domain {env.recipient} has no handler for {env.message_type}")
        return route

    # -- delivering ------------------------------------------------------------------------------------

    def pump(self) -> int:
        """Deliver one batch; returns how many messages were taken (processed, skipped or failed)."""
        fetch_within = getattr(self.transport, "fetch_within", None)
        if self.transport.relays or fetch_within is None:
            if self.transport.relays:
                self._relay()
            deliveries = self.transport.fetch(self.domains, self.batch_size)
            if not deliveries:
                return 0
        else:
            deliveries = []
        try:
            with writer_turn(self.db), self.db.begin() as conn:
                if fetch_within is not None and not self.transport.relays:
                    # The outbox is the queue: claim and consume in one transaction (one commit). Should the
                    # batch fail, the claim goes with it, and the messages are taken one by one below.
                    deliveries = fetch_within(conn, self.domains, self.batch_size)
                    if not deliveries:
                        return 0
                self._consume(conn, deliveries)
                self.transport.ack_within(conn, deliveries)
        except Exception:  # noqa: BLE001 - isolate the failing message(s), keep the others
            log.debug("batch of %d failed, retrying one by one", len(deliveries), exc_info=True)
            for d in deliveries:
                self._consume_one(d)
            return len(deliveries)
        self._ack_after(deliveries)
        return len(deliveries)

    def _ack_after(self, deliveries: Sequence[Delivery]) -> None:
        # The effects are committed: a lost acknowledgement only means a redelivery, which the inbox absorbs.
        # It must not count as a failed attempt (that could dead-letter a message that was processed).
        try:
            self.transport.ack_after(deliveries)
        except Exception:  # noqa: BLE001
            log.warning("acknowledging %d message(s) failed; they will be redelivered and skipped",
                        len(deliveries), exc_info=True)

    def _consume(self, conn: Connection, deliveries: Sequence[Delivery]) -> None:
        ids_by_consumer: dict[str, list[Delivery]] = {}
        for d in deliveries:
            ids_by_consumer.setdefault(self._route(d.envelope).consumer, []).append(d)
        fresh: list[Delivery] = []
        moment = wall_now()
        for consumer, ds in ids_by_consumer.items():
            ids = [d.envelope.message_id for d in ds]
            seen = set(conn.execute(_SEEN, {"consumer": consumer, "ids": ids}).scalars())
            new = [d for d in ds if d.envelope.message_id not in seen]
            # Two copies of one message in the same batch are still one effect.
            unique: dict[str, Delivery] = {}
            for d in new:
                unique.setdefault(d.envelope.message_id, d)
            if unique:
                conn.execute(
                    _REMEMBER,
                    [{"consumer": consumer, "message_id": mid, "processed_at": moment} for mid in unique],
                )
            fresh.extend(unique.values())
        fresh.sort(key=lambda d: d.seq)
        # In order; consecutive messages for one batch handler go to it together.
        i = 0
        while i < len(fresh):
            route = self._route(fresh[i].envelope)
            if not route.batch:
                route.handler(conn, fresh[i].envelope)
                i += 1
                continue
            j = i + 1
            while j < len(fresh) and self._route(fresh[j].envelope).batch_key == route.batch_key:
                j += 1
            route.handler(conn, [d.envelope for d in fresh[i:j]])
            i = j

    def _consume_one(self, d: Delivery) -> None:
        try:
            with writer_turn(self.db), self.db.begin() as conn:
                self._consume(conn, [d])
                self.transport.ack_within(conn, [d])
        except Exception as exc:  # noqa: BLE001
            dead = isinstance(exc, NoHandler) or d.attempts + 1 >= MAX_ATTEMPTS
            error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            log.warning("message %s (%s) failed%s: %s", d.envelope.message_id, d.envelope.message_type,
                        " for good" if dead else "", error)
            with writer_turn(self.db) if not self.transport.relays else contextlib.nullcontext():
                self.transport.fail(d, error, dead=dead, retry_in=timedelta(seconds=min(60, 2 ** d.attempts)))
            return
        self._ack_after([d])

    def _relay(self) -> None:
        """Copy outbox rows not yet handed to the broker (only for transports that relay)."""
        m = bus_message
        with self.db.read() as conn:
            rows = conn.execute(
                select(m).where(m.c.claimed_until.is_(None), m.c.delivered_at.is_(None), m.c.dead_at.is_(None))
                .order_by(m.c.seq).limit(self.batch_size)
            ).all()
        if not rows:
            return
        # Outside any write transaction: publishing waits for the broker, and on SQLite a write transaction
        # holds the database's only write lock. If the process dies before the update below, the rows are
        # relayed again and the broker drops the copies by message id (the inbox catches any it does not).
        self.transport.publish([
            (r.seq, Envelope(
                message_type=r.message_type, system=r.system, sender=r.sender, recipient=r.recipient,
                payload=r.payload, correlation_id=r.correlation_id, subject=r.subject,
                message_id=r.message_id, created_at=r.created_at,
            ))
            for r in rows
        ])
        # For a relaying transport, "delivered" means "in the broker": the broker redelivers from there.
        with self.db.begin() as conn:
            conn.execute(update(m).where(m.c.seq.in_([r.seq for r in rows])).values(delivered_at=wall_now()))

    def drain(self, max_rounds: int = 1_000_000) -> int:
        """Deliver until nothing is pending for the subscribed domains (messages may cause more messages)."""
        total = 0
        for _ in range(max_rounds):
            n = self.pump()
            if n == 0:
                break
            total += n
        return total

    def start(self, idle_wait: float = 0.05) -> None:
        """Deliver in a background thread until :meth:`stop`."""
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    n = self.pump()
                except Exception:  # noqa: BLE001 - e.g. the database is briefly unavailable: keep going
                    log.exception("bus delivery round failed")
                    n = 0
                if n == 0:
                    self._wake.wait(idle_wait)
                    self._wake.clear()

        self._thread = threading.Thread(target=loop, name="eucustoms-bus", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)
        self.transport.close()

    # -- reading -----------------------------------------------------------------------------------------

    def pending(self) -> int:
        m = bus_message
        with self.db.read() as conn:
            return conn.execute(
                select(func.count()).select_from(m).where(m.c.delivered_at.is_(None), m.c.dead_at.is_(None))
            ).scalar_one()


def message_log(conn: Connection, subject: str) -> list[dict]:
    """Every message exchanged about ``subject`` (an MRN, GRN, EORI...), oldest first."""
    m = bus_message
    rows = conn.execute(select(m).where(m.c.subject == subject).order_by(m.c.seq)).mappings().all()
    return [dict(r) for r in rows]
