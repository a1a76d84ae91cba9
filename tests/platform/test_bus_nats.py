"""The message exchange over NATS JetStream keeps the bus's guarantees: nothing acknowledged is lost, a
redelivery has no second effect, failures are isolated and end dead in the database.

Runs wherever the NATS server answers; on CI (CI=true) a missing server is a failure, never a skip."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from datetime import timedelta

import nats
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, update

from eucustoms.platform.bus import Bus, Envelope, bus_message, probe
from eucustoms.platform.bus.bus import MAX_ATTEMPTS
from eucustoms.platform.bus.nats_transport import NatsTransport, encode
from eucustoms.platform.db import Database

NATS_URL = os.environ.get("EUCUSTOMS_TEST_NATS_URL", "nats://127.0.0.1:4222")
ON_CI = os.environ.get("CI", "").lower() == "true"

_nats_problem: list[str | None] = []

# A table of "effects" outside the shared metadata: each handled message adds one row.
_effects_md = MetaData()
effects = Table("test_nats_effects", _effects_md, Column("id", Integer, primary_key=True, autoincrement=True),
                Column("message_id", String(36)), Column("value", Integer))


def _setup(db: Database) -> None:
    _effects_md.create_all(db.engine)


def record(conn, env: Envelope) -> None:
    conn.execute(insert(effects).values(message_id=env.message_id, value=env.payload["n"]))


def effect_count(db: Database) -> int:
    with db.read() as conn:
        return conn.execute(select(func.count()).select_from(effects)).scalar_one()


def msg(n: int, recipient: str = "DE", type_: str = "TEST01") -> Envelope:
    return Envelope(type_, "test", "EU", recipient, {"n": n})


async def _check_nats() -> None:
    async def quiet(exc: Exception) -> None:
        pass

    # max_reconnect_attempts=1: nats-py retries a first connection for ever with 0 or -1.
    nc = await asyncio.wait_for(
        nats.connect(NATS_URL, connect_timeout=2, max_reconnect_attempts=1, reconnect_time_wait=0.1,
                     error_cb=quiet),
        5,
    )
    try:
        await nc.jetstream().account_info()
    finally:
        await nc.close()


def nats_or_skip() -> None:
    if not _nats_problem:
        try:
            asyncio.run(_check_nats())
            _nats_problem.append(None)
        except Exception as exc:  # noqa: BLE001
            _nats_problem.append(f"NATS JetStream at {NATS_URL} is not reachable: {exc!r}")
    problem = _nats_problem[0]
    if problem:
        if ON_CI:
            pytest.fail(problem + " (CI=true: the NATS tests must run)")
        pytest.skip(problem)


async def _delete_stream(name: str) -> None:
    nc = await nats.connect(NATS_URL)
    try:
        await nc.jetstream().delete_stream(name)
    except nats.js.errors.NotFoundError:
        pass
    finally:
        await nc.close()


@pytest.fixture
def transport(db):
    """Makes transports over ``db`` on a stream of this test's own, deleted afterwards."""
    nats_or_skip()
    name = "TEST_" + uuid.uuid4().hex[:12].upper()
    made: list[NatsTransport] = []

    def make(cls: type[NatsTransport] = NatsTransport, **options) -> NatsTransport:
        t = cls(db, NATS_URL, stream=name, subject_prefix=f"test.{name}", **options)
        made.append(t)
        return t

    yield make
    for t in made:
        t.close()
    asyncio.run(_delete_stream(name))


class LosesAcks(NatsTransport):
    """A process that dies between its commit and its acknowledgement (while ``losing``)."""

    losing = True

    def ack_after(self, deliveries):
        if not self.losing:
            super().ack_after(deliveries)


class NoBackoff(NatsTransport):
    """Retries at once instead of after the back-off, to keep the test short."""

    def fail(self, delivery, error, *, dead, retry_in):
        super().fail(delivery, error, dead=dead, retry_in=timedelta(0))


def test_every_message_is_delivered_once_in_order(db, transport):
    _setup(db)
    bus = Bus(db, transport(), batch_size=7)
    seen: list[int] = []

    def handler(conn, env):
        record(conn, env)
        seen.append(env.payload["n"])

    bus.subscribe("DE", handler)
    with db.begin() as conn:
        bus.send(conn, *[msg(i) for i in range(50)])
    assert bus.drain() == 50
    assert seen == list(range(50))
    assert effect_count(db) == 50
    assert bus.pending() == 0
    assert bus.transport.fetch({"DE"}, 10) == []


def test_domains_exchange_requests_and_replies(db, transport):
    bus = Bus(db, transport())
    domains = ["EU", "AT", "BE", "DE", "FR", "IT", "XI"]
    for d in domains:
        probe.install(bus, d)
    with db.begin() as conn:
        pings = probe.ping(conn, bus, "EU", domains[1:], nonce="n1")
    bus.drain()
    with db.read() as conn:
        rows = conn.execute(select(bus_message.c.message_type, bus_message.c.correlation_id,
                                   bus_message.c.delivered_at)).all()
    pongs = [r for r in rows if r.message_type == probe.PONG]
    assert sorted(p.correlation_id for p in pongs) == sorted(p.message_id for p in pings)
    assert all(r.delivered_at is not None for r in rows)
    assert bus.pending() == 0


def test_a_message_fetched_and_not_acknowledged_comes_back_after_its_lease_with_one_effect(db, transport):
    _setup(db)
    t = transport(lease=timedelta(seconds=1))
    bus = Bus(db, t)
    bus.subscribe("DE", record)
    with db.begin() as conn:
        bus.send(conn, *[msg(i) for i in range(3)])
    Bus(db, t).pump()  # relays only (no subscriptions); then a worker takes them and dies without processing
    claimed = bus.transport.fetch({"DE"}, 10)
    assert len(claimed) == 3 and all(d.attempts == 0 for d in claimed)
    assert bus.transport.fetch({"DE"}, 10) == []  # while the lease runs nobody else gets them
    time.sleep(1.2)
    again = bus.transport.fetch({"DE"}, 10)
    assert [d.envelope.message_id for d in again] == [d.envelope.message_id for d in claimed]
    assert all(d.attempts == 1 for d in again)
    time.sleep(1.2)  # dropped again; the Bus gets them on the next round
    assert bus.drain() == 3
    assert effect_count(db) == 3


def test_a_lost_acknowledgement_has_no_second_effect(db, transport):
    _setup(db)
    t = transport(LosesAcks, lease=timedelta(seconds=1))
    bus = Bus(db, t)
    bus.subscribe("DE", record)
    with db.begin() as conn:
        bus.send(conn, *[msg(i) for i in range(10)])
    assert bus.drain() == 10
    assert effect_count(db) == 10
    t.losing = False
    time.sleep(1.2)  # the broker never got the acks: after the lease it delivers everything again
    assert bus.drain() == 10
    assert effect_count(db) == 10  # the inbox recognised every one
    assert bus.transport.fetch({"DE"}, 10) == []


def test_a_message_relayed_twice_has_no_second_effect(db, transport):
    _setup(db)
    bus = Bus(db, transport())
    bus.subscribe("DE", record)
    with db.begin() as conn:
        bus.send(conn, *[msg(i) for i in range(5)])
    assert bus.drain() == 5
    # The relay's commit was lost after the broker stored the messages: they are relayed again.
    with db.begin() as conn:
        conn.execute(update(bus_message).values(delivered_at=None))
    assert bus.pending() == 5
    assert bus.drain() == 0  # JetStream dropped the copies (same Nats-Msg-Id within its window)
    assert bus.pending() == 0
    assert effect_count(db) == 5
    # And a copy the broker did not de-duplicate (outside its window) is recognised by the inbox.
    with db.read() as conn:
        first = conn.execute(select(bus_message).order_by(bus_message.c.seq)).mappings().first()
    copy = Envelope(**{k: first[k] for k in ("message_type", "system", "sender", "recipient", "payload",
                                             "correlation_id", "subject", "created_at")},
                    message_id=first["message_id"])
    t = bus.transport
    t._run(t._nc.publish(f"{t.prefix}.DE.TEST01", encode(copy)))  # noqa: SLF001 - no de-duplication id
    assert bus.drain() == 1
    assert effect_count(db) == 5


def test_a_failing_message_does_not_hold_up_the_others_and_ends_dead(db, transport):
    _setup(db)
    bus = Bus(db, transport(NoBackoff), batch_size=100)

    def handler(conn, env):
        if env.payload["n"] == 3:
            raise ValueError("cannot process 3")
        record(conn, env)

    bus.subscribe("DE", handler)
    with db.begin() as conn:
        bus.send(conn, *[msg(i) for i in range(6)])
    bus.pump()
    assert effect_count(db) == 5
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        bus.pump()
        with db.read() as conn:
            row = conn.execute(select(bus_message).where(bus_message.c.dead_at.is_not(None))).mappings().first()
        if row:
            break
    assert row is not None
    assert row["payload"] == {"n": 3}
    assert row["attempts"] == MAX_ATTEMPTS
    assert "cannot process 3" in row["last_error"]
    assert effect_count(db) == 5
    assert bus.pending() == 0
    time.sleep(0.1)
    assert bus.transport.fetch({"DE"}, 10) == []  # terminated in the broker too


def test_a_message_type_without_handler_is_dead_lettered_not_lost(db, transport):
    bus = Bus(db, transport())
    bus.subscribe("DE", record, types=["KNOWN"])
    with db.begin() as conn:
        bus.send(conn, msg(1, type_="UNKNOWN"))
    bus.drain()
    with db.read() as conn:
        row = conn.execute(select(bus_message)).mappings().one()
    assert row["dead_at"] is not None
    assert "no handler" in row["last_error"]


def test_messages_survive_a_restart_and_wait_for_their_domain(db, transport):
    _setup(db)
    relay_only = Bus(db, transport())  # subscribes nothing: it only relays the outbox to the broker
    with db.begin() as conn:
        relay_only.send(conn, *[msg(i) for i in range(25)], msg(100, recipient="FR"))
    assert relay_only.pump() == 0
    assert relay_only.pending() == 0  # everything is in the broker now
    relay_only.stop()  # the process goes away before any delivery

    de = Bus(db, transport())
    de.subscribe("DE", record)
    assert de.drain() == 25
    de.stop()
    fr = Bus(db, transport())  # FR comes up later still: its message waited in the broker
    fr.subscribe("FR", record)
    assert fr.drain() == 1
    assert effect_count(db) == 26
