"""A Hypothesis state machine over endorse, reject, use (whole, or items of a manifest), invalidate and the passing
of time: the proof always is in the state a simple model predicts, a refused action changes nothing, and no item
is ever used twice."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from pous_support import DE_OFFICER, NL_OFFICER, TRADER, cgm, request, t2l
from sqlalchemy import func, select

from eucustoms.core.errors import IncorrectState, Rejected
from eucustoms.systems.status import service
from eucustoms.systems.status.store import pous_item

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
USABLE = ("registered", "partially_used")


def test_the_proof_follows_the_model(sqlite_pbox, _fixed_clock):
    db, clock = sqlite_pbox, _fixed_clock
    counter = iter(range(1_000_000))

    class ProofMachine(RuleBasedStateMachine):
        @initialize(kind=st.sampled_from(["T2L", "CGM"]), size=st.integers(min_value=1, max_value=4))
        def make(self, kind: str, size: int) -> None:
            clock.set(START)
            lrn = f"SM-{next(counter)}"
            payload = cgm(items=size, lrn=lrn) if kind == "CGM" else t2l(lrn=lrn)
            self.proof = request(db, payload)
            self.kind, self.items = kind, {i.item_number for i in self.proof.items}
            self.state, self.used, self.valid_until = "requested", set(), None

        # -- the model --------------------------------------------------------------------------------------
        def today(self) -> date:
            return clock.now().date()

        def effective(self) -> str:
            if self.state in USABLE and self.today() > self.valid_until:
                return "expired"
            return self.state

        def attempt(self, action, allowed: bool, errors=(IncorrectState,)) -> bool:
            before = self.show()
            try:
                with db.begin() as conn:
                    action(conn)
            except errors as exc:
                assert not allowed, f"refused although allowed: {exc}"
                after = self.show()
                assert (after.version, after.state, after.items_used) == (before.version, before.state, before.items_used)
                return False
            assert allowed, "accepted although not allowed"
            return True

        def show(self):
            with db.read() as conn:
                return service.show(conn, TRADER, self.proof.mrn)

        # -- the rules ------------------------------------------------------------------------------------
        @rule()
        def endorse(self) -> None:
            if self.attempt(lambda c: service.endorse(c, DE_OFFICER, self.proof.mrn), self.effective() == "requested"):
                self.state, self.valid_until = "registered", self.today() + timedelta(days=90)

        @rule()
        def reject(self) -> None:
            if self.attempt(lambda c: service.reject(c, DE_OFFICER, self.proof.mrn, {"reason": "no"}),
                            self.effective() == "requested"):
                self.state = "rejected"

        @rule(data=st.data(), everything=st.booleans())
        def use(self, data, everything: bool) -> None:
            chosen = None if everything else data.draw(st.lists(st.integers(1, 5), min_size=1, max_size=4))
            usable = self.effective() in USABLE
            remaining = self.items - self.used
            if chosen is None:
                ok, wanted = usable, remaining
            elif self.kind == "CGM":
                ok = usable and len(set(chosen)) == len(chosen) and set(chosen) <= remaining
                wanted = set(chosen)
            else:
                ok, wanted = usable and set(chosen) == self.items, remaining
            body = {} if chosen is None else {"items": chosen}
            if self.attempt(lambda c: service.use(c, NL_OFFICER, self.proof.mrn, body), ok,
                            errors=(IncorrectState, Rejected)):
                self.used |= wanted
                self.state = "used" if self.used == self.items else "partially_used"

        @rule(by_customs=st.booleans())
        def invalidate(self, by_customs: bool) -> None:
            who, allowed_in = (DE_OFFICER, USABLE) if by_customs else (TRADER, ("requested", "registered"))
            if self.attempt(lambda c: service.invalidate(c, who, self.proof.mrn, {"reason": "test"}),
                            self.effective() in allowed_in):
                self.state = "invalidated"

        @rule(days=st.integers(min_value=0, max_value=60))
        def time_passes(self, days: int) -> None:
            clock.advance(timedelta(days=days))

        # -- what must always hold ------------------------------------------------------------------------
        @invariant()
        def matches_the_model(self) -> None:
            seen = self.show()
            assert seen.state == self.effective()
            assert {i.item_number for i in seen.items if i.used} == self.used == set().union(*(u.items for u in seen.uses))
            assert seen.items_used == len(self.used)
            assert seen.valid_until == self.valid_until
            with db.begin() as conn:
                assert service.status(conn, self.proof.mrn)["state"] == seen.state
                assert service.verify(conn, self.proof.mrn).usable == (seen.state in USABLE)
                used_rows = conn.execute(select(func.count()).select_from(pous_item).where(
                    pous_item.c.mrn == self.proof.mrn, pous_item.c.use_id.is_not(None))).scalar_one()
            assert used_rows == len(self.used)

    run_state_machine_as_test(ProofMachine, settings=settings(
        max_examples=30, stateful_step_count=12, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
