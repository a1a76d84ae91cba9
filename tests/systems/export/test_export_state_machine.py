"""A Hypothesis state machine over the export declaration's messages and decisions: every action the transition
table allows succeeds and lands where the table (plus the automatic green-lane release) says; every other one is
refused with code 92 and changes nothing, neither the state nor the message log."""

from __future__ import annotations

import itertools

import hypothesis.strategies as st
from export_support import CARRIER_P, DE_OFFICER, NL_OFFICER, TRADER, open_context, register_parties, with_export_tables
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test

from eucustoms.core.errors import Rejected
from eucustoms.core.identifiers import MRN
from eucustoms.systems.export import examples, service, states
from eucustoms.systems.export import exit as exit_office

S = states


def test_transition_tables_are_closed():
    for (state, _action), target in S.TRANSITIONS.items():
        assert state in S.STATES and target in S.STATES
    for (state, _action), target in S.EXIT_TRANSITIONS.items():
        assert state in S.EXIT_STATES and target in S.EXIT_STATES
    assert not any(state in S.FINAL for state, _ in S.TRANSITIONS)  # nothing leaves a final state
    assert not any(state in S.EXIT_FINAL for state, _ in S.EXIT_TRANSITIONS)


def test_every_message_is_allowed_exactly_where_the_table_says(sqlite_box):
    db = with_export_tables(sqlite_box)
    register_parties(db)
    ctx = open_context(db)
    serial = itertools.count(1)

    class Declaration(RuleBasedStateMachine):
        @initialize(kind=st.sampled_from(["green", "controlled", "pre_lodged_green", "pre_lodged_controlled"]))
        def lodge(self, kind: str) -> None:
            self.n = next(serial)
            self.controlled_goods = kind.endswith("controlled")
            self.lrn = f"HYP-{self.n}"
            out = service.lodge(ctx, TRADER, self._payload(kind.startswith("pre_lodged")))
            self.mrn = out["mrn"]
            self.state = S.PRE_LODGED if kind.startswith("pre_lodged") else self._accepted()

        def _payload(self, pre: bool) -> dict:
            build = examples.controlled if self.controlled_goods else examples.declaration
            return build(self.lrn, **({"additional_declaration_type": "D"} if pre else {}))

        def _accepted(self) -> str:
            """Acceptance analyses the risk: a control for the plastic waste, the green lane otherwise."""
            return S.UNDER_CONTROL if self.controlled_goods else S.RELEASED

        def _log_length(self) -> int:
            return len(service.consult(ctx, DE_OFFICER, self.mrn)["message_log"])

        def _try(self, action: str, call, expected: str | None) -> None:  # noqa: ANN001
            """Run ``call``; if the table allows ``action`` in the current state it must land in ``expected``,
            otherwise be refused with code 92 and change nothing."""
            before = self._log_length()
            if S.allowed(self.state, action):
                call()
                self.state = expected  # type: ignore[assignment]
                return
            try:
                call()
            except Rejected as exc:
                assert exc.issues[0].code == "92", exc.issues
            else:
                raise AssertionError(f"{action} was accepted in state {self.state}")
            assert self._log_length() == before

        @rule()
        def amend(self) -> None:
            pre = self.state == S.PRE_LODGED
            self._try("amend", lambda: service.amend(ctx, TRADER, self.mrn, self._payload(pre)),
                      S.PRE_LODGED if pre else self._accepted())

        @rule()
        def present(self) -> None:
            self._try("present", lambda: service.present(ctx, TRADER, self.mrn), self._accepted())

        @rule()
        def invalidate(self) -> None:
            self._try("invalidate", lambda: service.invalidate(ctx, TRADER, self.mrn), S.INVALIDATED)

        @rule(control=st.sampled_from(["documentary", "physical"]))
        def decide_control(self, control: str) -> None:
            self._try("decide_control", lambda: service.decide_control(ctx, DE_OFFICER, self.mrn, control),
                      S.UNDER_CONTROL)

        @rule()
        def waive_control(self) -> None:  # no control: released at once
            self._try("waive_control", lambda: service.decide_control(ctx, DE_OFFICER, self.mrn, "none"), S.RELEASED)

        @rule(result=st.sampled_from(["no_irregularity", "irregularity"]))
        def record_control(self, result: str) -> None:
            self._try("record_control", lambda: service.record_control(ctx, DE_OFFICER, self.mrn, {"result": result}),
                      S.CONTROLLED)

        @rule()
        def release(self) -> None:
            self._try("release", lambda: service.release(ctx, DE_OFFICER, self.mrn), S.RELEASED)

        @rule()
        def refuse_release(self) -> None:
            self._try("refuse_release", lambda: service.refuse_release(ctx, DE_OFFICER, self.mrn, "no licence"),
                      S.NOT_RELEASED)

        @rule()
        def link_transit(self) -> None:
            transit = str(MRN.build(2026, "DE", 10_000 + self.n, "J"))
            self._try("link_transit", lambda: service.link_transit(ctx, TRADER, self.mrn, transit), self.state)

        @precondition(lambda self: self.state == S.RELEASED)
        @rule(refused=st.booleans())
        def goods_at_exit(self, refused: bool) -> None:
            """The office of exit's answer over the bus: the goods left (IE518 A2) or exit was refused (B1)."""
            ctx.bus.drain()
            if refused:  # stated discrepancies: examined, irregular, exit refused
                exit_office.arrive(ctx, CARRIER_P, examples.arrival(self.mrn, stated_discrepancies="seal broken"))
                exit_office.record_control(ctx, NL_OFFICER, self.mrn, {"result": "irregularity"})
                exit_office.refuse_exit(ctx, NL_OFFICER, self.mrn, "undeclared goods")
            else:
                arrived = exit_office.arrive(ctx, CARRIER_P, examples.arrival(self.mrn))
                if arrived["state"] == "under_control":  # the risk rule hits again where export made no control
                    exit_office.record_control(ctx, NL_OFFICER, self.mrn, {"result": "no_irregularity"})
                    exit_office.release_for_exit(ctx, NL_OFFICER, self.mrn)
                exit_office.notify_exit(ctx, CARRIER_P, examples.exit_notification(self.mrn))
            ctx.bus.drain()
            self.state = S.EXIT_REFUSED if refused else S.EXITED

        @invariant()
        def stored_state_is_the_model_state(self) -> None:
            assert service.consult(ctx, DE_OFFICER, self.mrn)["state"] == self.state
            with db.read() as conn:
                assert service.status(conn, self.mrn)["state"] == self.state

    try:
        run_state_machine_as_test(Declaration, settings=settings(
            max_examples=30, stateful_step_count=8, deadline=None,
            phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: each step is a database round
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
    finally:
        ctx.bus.stop()
