"""A Hypothesis state machine over debit, credit, suspend, reinstate and revoke: the balance always equals the
reference amount minus the open debits, and never goes below zero."""

from __future__ import annotations

from decimal import Decimal

import hypothesis.strategies as st
from guarantee_support import DE_OFFICER, eur, issue
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test

from eucustoms.core.errors import IncorrectState, Rejected
from eucustoms.systems.guarantees import service
from eucustoms.systems.guarantees.checks import GuaranteeNotValid
from eucustoms.systems.guarantees.messages import Amount, StatusChange

REFERENCE = Decimal("1000.00")
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("600"), places=2)


def test_balance_is_reference_minus_open_debits(sqlite_gbox):
    db = sqlite_gbox

    class Guarantee(RuleBasedStateMachine):
        @initialize()
        def issue(self) -> None:
            self.grn = issue(db, reference_amount=Amount(amount=REFERENCE, currency="EUR")).grn
            self.open: dict[str, Decimal] = {}
            self.status = "valid"
            self.ops = 0
            self.done_ops: list[tuple[str, str, Decimal | None]] = []

        def _op(self) -> str:
            self.ops += 1
            return f"{self.grn}-{self.ops}"

        @rule(amount=amounts)
        def debit(self, amount: Decimal) -> None:
            ref, op = f"ref-{self.ops}", self._op()
            available = REFERENCE - sum(self.open.values())
            try:
                with db.begin() as conn:
                    service.debit(conn, self.grn, eur(str(amount)), ref, op, "DE", "AB12")
            except GuaranteeNotValid as exc:
                expected = (["G02"] if self.status != "valid" else []) + (["G09"] if amount > available else [])
                assert exc.reasons == expected
                return
            assert self.status == "valid" and amount <= available
            self.open[ref] = amount
            self.done_ops.append(("debit", op, ref))

        @precondition(lambda self: self.open)
        @rule(data=st.data(), partial=st.booleans())
        def credit(self, data, partial: bool) -> None:
            ref = data.draw(st.sampled_from(sorted(self.open)))
            amount = self.open[ref] if not partial else data.draw(st.decimals(min_value=Decimal("0.01"), max_value=self.open[ref], places=2))
            with db.begin() as conn:
                service.credit(conn, self.grn, ref, self._op(), amount=eur(str(amount)))
            self.open[ref] -= amount
            if not self.open[ref]:
                del self.open[ref]

        @precondition(lambda self: self.done_ops)
        @rule(data=st.data())
        def redeliver(self, data) -> None:
            _kind, op, ref = data.draw(st.sampled_from(self.done_ops))
            with db.begin() as conn:
                assert service.debit(conn, self.grn, eur("1"), ref, op, "DE", "AB12").replayed

        @rule(action=st.sampled_from(["suspend", "reinstate", "revoke"]))
        def change_status(self, action: str) -> None:
            try:
                with db.begin() as conn:
                    self.status = getattr(service, action)(conn, DE_OFFICER, self.grn, StatusChange(reason="test")).status
            except IncorrectState:
                assert (self.status, action) not in {("valid", "suspend"), ("suspended", "reinstate"),
                                                      ("valid", "revoke"), ("suspended", "revoke")}

        @invariant()
        def balance_is_reference_minus_open_debits(self) -> None:
            with db.read() as conn:
                g = service.get(conn, self.grn)
            assert g.balance.amount == REFERENCE - sum(self.open.values()) >= 0
            assert g.status == self.status

    run_state_machine_as_test(Guarantee, settings=settings(
        max_examples=25, stateful_step_count=15, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))


def test_credit_never_exceeds_the_outstanding_debit(sqlite_gbox):
    g = issue(sqlite_gbox)
    with sqlite_gbox.begin() as conn:
        service.debit(conn, g.grn, eur("10"), "R", "d", "DE", "AB12")
    try:
        with sqlite_gbox.begin() as conn:
            service.credit(conn, g.grn, "R", "c", amount=eur("10.01"))
    except Rejected:
        pass
    else:
        raise AssertionError("a credit above the debit was accepted")
