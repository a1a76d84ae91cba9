"""A state-machine test of the bus: whatever interleaving of sends, deliveries, lost acknowledgements,
expired leases and restarts happens, every committed message has exactly one effect in the end."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, update

from eucustoms.migrations import upgrade
from eucustoms.platform.bus import Bus, Envelope, bus_message
from eucustoms.platform.db import Database

_md = MetaData()
effects = Table("prop_effects", _md, Column("id", Integer, primary_key=True), Column("message_id", String(36)))


class BusMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = tempfile.TemporaryDirectory()
        self.url = f"sqlite:///{Path(self.dir.name) / 'p.db'}"
        self.db = Database(self.url)
        upgrade(self.db)
        _md.create_all(self.db.engine)
        self.committed: set[str] = set()
        self.bus = self._bus(batch=3)

    def _bus(self, batch: int) -> Bus:
        bus = Bus(self.db, batch_size=batch)

        def handler(conn, env: Envelope) -> None:
            conn.execute(insert(effects).values(message_id=env.message_id))

        bus.subscribe("DE", handler)
        return bus

    @rule(n=st.integers(1, 5), commit=st.booleans())
    def send(self, n: int, commit: bool) -> None:
        envs = [Envelope("T", "test", "EU", "DE", {}) for _ in range(n)]
        try:
            with self.db.begin() as conn:
                self.bus.send(conn, *envs)
                if not commit:
                    raise RuntimeError("rolled back")
            self.committed.update(e.message_id for e in envs)
        except RuntimeError:
            pass

    @rule()
    def pump(self) -> None:
        self.bus.pump()

    @rule()
    def acknowledgements_lost(self) -> None:
        with self.db.begin() as conn:
            conn.execute(update(bus_message).values(delivered_at=None, claimed_until=None))

    @rule(k=st.integers(1, 4))
    def a_worker_claims_and_dies(self, k: int) -> None:
        self.bus.transport.fetch({"DE"}, k)

    @rule()
    def leases_expire(self) -> None:
        with self.db.begin() as conn:
            conn.execute(update(bus_message).values(claimed_until=None))

    @rule(batch=st.integers(1, 10))
    def restart(self, batch: int) -> None:
        self.db.dispose()
        self.db = Database(self.url)
        self.bus = self._bus(batch)

    def _effects(self) -> list[str]:
        with self.db.read() as conn:
            return list(conn.execute(select(effects.c.message_id)).scalars())

    @invariant()
    def never_a_second_effect_nor_a_phantom(self) -> None:
        seen = self._effects()
        assert len(seen) == len(set(seen))
        assert set(seen) <= self.committed

    def teardown(self) -> None:
        with self.db.begin() as conn:
            conn.execute(update(bus_message).values(claimed_until=None))
        self.bus.drain()
        assert sorted(self._effects()) == sorted(self.committed)
        self.db.dispose()
        self.dir.cleanup()


TestBusMachine = BusMachine.TestCase
TestBusMachine.settings = settings(max_examples=30, stateful_step_count=25, deadline=None)
