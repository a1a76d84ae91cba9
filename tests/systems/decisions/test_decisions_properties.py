"""Properties: decision references round-trip and never fail other than as an invalid identifier; random sequences
of steps follow the transition tables exactly (IncorrectState when, and only when, the table has no entry)."""

from __future__ import annotations

from datetime import timedelta

import hypothesis.strategies as st
from decisions_support import DE_OFFICER, HOLDER, TRADER, granted, lodge
from hypothesis import HealthCheck, given, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from eucustoms.core.errors import IncorrectState, InvalidIdentifier, Rejected
from eucustoms.core.identifiers import EORI_PREFIXES
from eucustoms.systems.decisions import service
from eucustoms.systems.decisions.codes import CODES
from eucustoms.systems.decisions.messages import Comment, Grant, Hearing, InformationRequest, Reason, Refusal, Revocation, Supplement
from eucustoms.systems.decisions.references import DecisionReference
from eucustoms.systems.decisions.states import APPLICATION_TRANSITIONS, DECISION_TRANSITIONS

countries = st.sampled_from(sorted(EORI_PREFIXES))
types = st.sampled_from(CODES)


@given(countries, types, st.integers(min_value=0, max_value=10**10 - 1))
def test_built_references_parse_back(country, decision_type, number):
    ref = DecisionReference.build(country, decision_type, number)
    assert len(ref) == 2 + len(decision_type) + 10
    parsed = DecisionReference.parse(ref.lower())
    assert (parsed.country, parsed.decision_type, int(parsed.national)) == (country, decision_type, number)


@given(countries, types, st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=29))
def test_any_national_part_is_accepted(country, decision_type, national):
    text = f"{country}{decision_type}{national}"
    if len(text) <= 35:
        assert DecisionReference.parse(text).decision_type == decision_type


@given(st.text(max_size=40))
def test_arbitrary_text_is_a_reference_or_an_invalid_identifier(text):
    try:
        ref = DecisionReference.parse(text)
    except InvalidIdentifier:
        return
    assert ref.country in EORI_PREFIXES and ref.decision_type in CODES


SETTINGS = settings(max_examples=15, stateful_step_count=10, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def test_application_steps_follow_the_transition_table(sqlite_cbox):
    db = sqlite_cbox
    bodies = {
        "accept": (), "request_information": (InformationRequest(reason="x", days=10),),
        "supplement": (Supplement(information="y"),), "hear": (Hearing(grounds="z"),), "comment": (Comment(comment="c"),),
        "grant": (Grant(),), "refuse": (Refusal(grounds="r"),), "withdraw": (Reason(reason="w"),),
        "not_accept": (Reason(reason="n"),),
    }

    class Applications(RuleBasedStateMachine):
        @initialize()
        def lodge(self) -> None:
            with db.begin() as conn:  # one open application per type: withdraw earlier ones
                for item in service.list_applications(conn, DE_OFFICER, state=None)[1]:
                    if item["state"] in ("lodged", "incomplete", "accepted", "hearing"):
                        service.withdraw(conn, DE_OFFICER, item["reference"], Reason(reason="next example"))
            self.ref = lodge(db, "TST").reference
            self.state = "lodged"

        @rule(action=st.sampled_from(sorted(bodies)))
        def act(self, action: str) -> None:
            principal = TRADER if action in ("supplement", "comment", "withdraw") else DE_OFFICER
            allowed = (self.state, action) in APPLICATION_TRANSITIONS
            try:
                with db.begin() as conn:
                    result = getattr(service, action)(conn, principal, self.ref, *bodies[action])
            except IncorrectState:
                assert not allowed
                return
            except Rejected:
                assert allowed  # a guard (e.g. the applicant is still to be heard), never a missing transition
                return
            assert allowed
            self.state = APPLICATION_TRANSITIONS[(self.state, action)]
            if action != "grant":
                assert result.state == self.state

        @invariant()
        def stored_state_matches(self) -> None:
            with db.read() as conn:
                assert service.show_application(conn, DE_OFFICER, self.ref).state == self.state

    run_state_machine_as_test(Applications, settings=SETTINGS)


def test_decision_steps_follow_the_transition_table(sqlite_cbox, clock):
    db = sqlite_cbox
    bodies = {"suspend": Reason(reason="s"), "reinstate": Reason(reason="r"), "annul": Reason(reason="a"),
              "revoke": Revocation(ground="conditions_not_fulfilled", reason="v")}

    class Decisions(RuleBasedStateMachine):
        @initialize()
        def take(self) -> None:
            clock.advance(timedelta(days=3 * 366))  # past the cooling-off after an earlier example's annulment
            self.ref = granted(db, "SDE").reference
            self.state = "valid"

        @rule(action=st.sampled_from(sorted(bodies)))
        def act(self, action: str) -> None:
            allowed = (self.state, action) in DECISION_TRANSITIONS
            try:
                with db.begin() as conn:
                    getattr(service, action)(conn, DE_OFFICER, self.ref, bodies[action])
            except IncorrectState:
                assert not allowed
                return
            assert allowed
            self.state = DECISION_TRANSITIONS[(self.state, action)]

        @invariant()
        def relied_on_only_while_valid(self) -> None:
            with db.read() as conn:
                held = service.valid_decision(conn, self.ref, as_of=clock.today(), decision_type="SDE", holder=HOLDER)
            assert (held is not None) == (self.state == "valid")

    run_state_machine_as_test(Decisions, settings=SETTINGS)
