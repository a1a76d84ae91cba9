"""The message exchange: nothing acknowledged is lost, a redelivery has no second effect, failures are isolated."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table, MetaData, func, insert, select, update

from eucustoms.platform import telemetry
from eucustoms.platform.bus import Bus, Envelope, bus_message
from eucustoms.platform.bus.bus import MAX_ATTEMPTS
from eucustoms.platform.db import Database

# A table of "effects" outside the shared metadata: each handled message adds one row.
_effects_md = MetaData()
effects = Table("test_effects", _effects_md, Column("id", Integer, primary_key=True, autoincrement=True),
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


def test_every_message_is_delivered_once_in_order(db):
    _setup(db)
    bus = Bus(db, batch_size=7)
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


def test_a_message_sent_in_a_rolled_back_transaction_never_exists(db):
    bus = Bus(db)
    try:
        with db.begin() as conn:
            bus.send(conn, msg(1))
            raise RuntimeError("the business transaction fails after sending")
    except RuntimeError:
        pass
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(bus_message)).scalar_one() == 0


def test_redelivery_after_a_lost_acknowledgement_has_no_second_effect(db):
    _setup(db)
    bus = Bus(db)
    bus.subscribe("DE", record)
    with db.begin() as conn:
        bus.send(conn, *[msg(i) for i in range(10)])
    bus.drain()
    # The broker "forgets" the acknowledgements (a crash between processing and ack): all come back.
    with db.begin() as conn:
        conn.execute(update(bus_message).values(delivered_at=None, claimed_until=None))
    assert bus.drain() == 10
    assert effect_count(db) == 10


def test_duplicate_copies_in_one_batch_have_one_effect(db):
    _setup(db)
    bus = Bus(db)
    bus.subscribe("DE", record)
    original = msg(1)
    with db.begin() as conn:
        bus.send(conn, original)
    # The same message id arriving again (e.g. a sender that retried) is refused by the outbox's unique id.
    try:
        with db.begin() as conn:
            bus.send(conn, original)
        raised = False
    except Exception:  # noqa: BLE001
        raised = True
    assert raised
    bus.drain()
    assert effect_count(db) == 1


def test_messages_survive_a_restart(tmp_path):
    from eucustoms.migrations import upgrade

    url = f"sqlite:///{tmp_path / 'restart.db'}"
    first = Database(url)
    upgrade(first)
    _setup(first)
    with first.begin() as conn:
        Bus(first).send(conn, *[msg(i) for i in range(25)])
    first.dispose()  # the process "dies" before any delivery

    second = Database(url)
    bus = Bus(second)
    bus.subscribe("DE", record)
    assert bus.drain() == 25
    assert effect_count(second) == 25
    second.dispose()


def test_a_failing_message_does_not_hold_up_the_others_and_ends_dead(db):
    _setup(db)
    bus = Bus(db, batch_size=100)

    def handler(conn, env):
        if env.payload["n"] == 3:
            raise ValueError("cannot process 3")
        record(conn, env)

    bus.subscribe("DE", handler)
    with db.begin() as conn:
        bus.send(conn, *[msg(i) for i in range(6)])
    bus.pump()
    assert effect_count(db) == 5
    # Retries happen after a back-off; make them due at once.
    for _ in range(MAX_ATTEMPTS + 2):
        with db.begin() as conn:
            conn.execute(update(bus_message).where(bus_message.c.dead_at.is_(None)).values(claimed_until=None))
        bus.pump()
    with db.read() as conn:
        row = conn.execute(select(bus_message).where(bus_message.c.dead_at.is_not(None))).mappings().one()
    assert row["payload"] == {"n": 3}
    assert row["attempts"] == MAX_ATTEMPTS
    assert "cannot process 3" in row["last_error"]
    assert effect_count(db) == 5
    assert bus.pending() == 0


def test_a_message_type_without_handler_is_dead_lettered_not_lost(db):
    bus = Bus(db)
    bus.subscribe("DE", record, types=["KNOWN"])
    with db.begin() as conn:
        bus.send(conn, msg(1, type_="UNKNOWN"))
    bus.drain()
    with db.read() as conn:
        row = conn.execute(select(bus_message)).mappings().one()
    assert row["dead_at"] is not None
    assert "no handler" in row["last_error"]


def test_messages_for_a_domain_that_is_not_up_wait_for_it(db):
    _setup(db)
    bus = Bus(db)
    bus.subscribe("DE", record)
    with db.begin() as conn:
        bus.send(conn, msg(1, recipient="FR"), msg(2, recipient="DE"))
    assert bus.drain() == 1
    later = Bus(db)
    later.subscribe("FR", record)
    assert later.drain() == 1
    assert effect_count(db) == 2


def test_handlers_reply_through_the_bus_and_messages_are_counted_per_system_and_type(db):
    bus = Bus(db)
    answers: list[Envelope] = []

    def departure(conn, env):
        bus.send(conn, env.reply("CC028C", {"mrn": "x"}))

    bus.subscribe("DE", departure, types=["CC015C"])
    bus.subscribe("EU", lambda conn, env: answers.append(env), types=["CC028C"])
    with db.begin() as conn:
        bus.send(conn, Envelope("CC015C", "transit", "EU", "DE", {}, subject="22DE"))
    bus.drain()
    assert [a.message_type for a in answers] == ["CC028C"]
    assert answers[0].correlation_id is not None
    with db.read() as conn:
        counts = telemetry.totals(conn, metric=telemetry.MESSAGES)
    assert counts == {("transit", "CC015C"): 1, ("transit", "CC028C"): 1}


def test_an_expired_lease_is_delivered_again_and_still_has_one_effect(db):
    _setup(db)
    bus = Bus(db)
    bus.subscribe("DE", record)
    with db.begin() as conn:
        bus.send(conn, *[msg(i) for i in range(3)])
    claimed = bus.transport.fetch({"DE"}, 10)  # a worker claims them and dies without processing
    assert len(claimed) == 3
    assert bus.transport.fetch({"DE"}, 10) == []  # while the lease runs nobody else gets them
    with db.begin() as conn:
        conn.execute(update(bus_message).values(claimed_until=None))  # the lease expires
    assert bus.drain() == 3
    assert effect_count(db) == 3
