"""The parts of the message exchange that ICS2's throughput relies on: the delivery loop woken once the sender
committed, handlers that take the consecutive messages of a batch together, and the writers' turns."""

from __future__ import annotations

import threading
from functools import partial

from eucustoms.platform.bus import Bus, Envelope, batched, writer_turn


def msg(n: int, type_: str = "T1", recipient: str = "DE") -> Envelope:
    return Envelope(type_, "test", "EU", recipient, {"n": n})


def test_a_message_is_delivered_when_its_transaction_commits_not_at_the_next_idle_round(db):
    # (On SQLite a loop woken too early waits for the sender's write lock anyway; on PostgreSQL it would find
    # nothing and sleep its whole idle wait.)
    bus = Bus(db)
    got = threading.Event()
    bus.subscribe("DE", lambda conn, env: got.set())
    bus.start(idle_wait=120)  # the loop idles for two minutes unless woken
    try:
        assert bus.pump() == 0
        with db.begin() as conn:
            bus.send(conn, msg(1))
            threading.Event().wait(0.2)  # the loop, if woken now, would find nothing yet
        assert got.wait(60), "the loop was not woken by the commit"
    finally:
        bus.stop()


def test_handlers_sharing_a_batch_variant_get_consecutive_messages_together_in_order(sqlite_db):
    bus = Bus(sqlite_db)
    calls: list[tuple[str, list[int]]] = []

    def many(tag: str, conn, envs: list[Envelope]) -> None:
        calls.append((tag, [e.payload["n"] for e in envs]))

    @batched(many)
    def one(tag: str, conn, env: Envelope) -> None:
        many(tag, conn, [env])

    bus.subscribe("DE", partial(one, "batch"), types=["T1", "T2"])
    bus.subscribe("FR", partial(one, "batch"), types=["T1"])
    bus.subscribe("DE", lambda conn, env: calls.append(("single", [env.payload["n"]])), types=["T3"])
    with sqlite_db.begin() as conn:
        bus.send(conn, msg(1), msg(2, "T2"), msg(3, recipient="FR"), msg(4, "T3"), msg(5, "T2"), msg(6))
    assert bus.drain() == 6
    assert calls == [("batch", [1, 2, 3]), ("single", [4]), ("batch", [5, 6])]
    # A failing batch is retried message by message: each then comes alone.
    calls.clear()
    bus2 = Bus(sqlite_db)
    seen: list[list[int]] = []

    def fragile(conn, envs: list[Envelope]) -> None:
        if len(envs) > 1:
            raise RuntimeError("not in a batch")
        seen.append([e.payload["n"] for e in envs])

    bus2.subscribe("NL", fragile, batch=True)
    with sqlite_db.begin() as conn:
        bus2.send(conn, *[msg(n, recipient="NL") for n in (7, 8, 9)])
    assert bus2.drain() == 3
    assert seen == [[7], [8], [9]]
    assert bus2.pending() == 0


def test_writers_take_turns_first_come_first_served(sqlite_db):
    order: list[int] = []
    turn = writer_turn(sqlite_db)
    assert writer_turn(sqlite_db) is turn  # one per database
    started = []
    with turn:
        threads = []
        for i in range(5):
            def take(i: int = i) -> None:
                with writer_turn(sqlite_db):
                    order.append(i)
            t = threading.Thread(target=take)
            t.start()
            threads.append(t)
            started.append(i)
            threading.Event().wait(0.05)  # let each one queue before the next
        order.append(-1)
    for t in threads:
        t.join()
    assert order == [-1, 0, 1, 2, 3, 4]
