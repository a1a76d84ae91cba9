"""What COPIS refuses (every error listed), who sees and does what, the period of action and its extension,
small consignments, and the working-day arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

import hypothesis.strategies as st
import pytest
from copis_support import (
    ADMIN,
    BE_OFFICER,
    DE_OFFICER,
    DECLARANT_TRADER,
    FR_OFFICER,
    NL_OFFICER,
    OTHER_TRADER,
    RIGHT_HOLDER,
    detain,
    granted,
    lodge,
    step,
)
from hypothesis import given

from eucustoms.core.errors import Forbidden, IncorrectState, NotFound, Rejected
from eucustoms.systems.copis import service
from eucustoms.systems.copis.deadlines import add_working_days, subtract_working_days, working_days_between
from eucustoms.systems.copis.messages import (
    DeclarantResponse,
    ExtendAction,
    GrantAction,
    HolderResponse,
    InformationRequest,
    Outcome,
    Reason,
    Supplement,
)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(min_value=0, max_value=300))
def test_working_days_add_up(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    if n:
        assert end.weekday() < 5 and subtract_working_days(end, n) <= start


def test_an_application_lists_every_error(sqlite_pbox):
    with pytest.raises(Rejected) as rejected:
        lodge(sqlite_pbox, member_states=["DE"], undertaking=False, rights=[
            {"type": "trademark", "name": "A", "registration_number": "12345", "scope": "union"},
            {"type": "copyright", "name": "B", "scope": "union"},
            {"type": "patent", "name": "C", "scope": "national", "country": "FR", "registration_number": "EP1234567"},
            {"type": "design", "name": "D", "scope": "union"},
            {"type": "trademark", "name": "E", "registration_number": "018000001", "scope": "union", "expires_on": "2020-01-01"},
        ], goods=[{"cn_code": "01019999", "description": "x"}])
    assert {(i.code, i.pointer) for i in rejected.value.issues} == {
        ("14", "/member_states"), ("14", "/undertaking"), ("14", "/rights/0/registration_number"), ("14", "/rights/1/scope"),
        ("14", "/rights/2/scope"), ("13", "/rights/3/registration_number"), ("14", "/rights/4/expires_on"),
        ("12", "/goods/0/cn_code")}
    with pytest.raises(Rejected) as national:
        lodge(sqlite_pbox, kind="national", member_states=["DE", "NL"], rights=[
            {"type": "patent", "name": "C", "scope": "national", "country": "FR", "registration_number": "EP1234567"},
            {"type": "trade_name", "name": "Nordlicht", "scope": "national"}])
    assert {(i.code, i.pointer) for i in national.value.issues} == {
        ("14", "/member_states"), ("14", "/rights/0/country"), ("13", "/rights/1/country")}
    with sqlite_pbox.read() as conn:
        assert service.list_applications(conn, ADMIN)[0] == 0


def test_who_sees_and_does_what(sqlite_pbox, clock):
    app = granted(sqlite_pbox, clock)
    with pytest.raises(Forbidden):
        lodge(sqlite_pbox, OTHER_TRADER)  # under someone else's EORI
    for principal in (OTHER_TRADER, FR_OFFICER):
        with pytest.raises(NotFound):
            step(sqlite_pbox, "show_application", app.reference, principal=principal)
    assert step(sqlite_pbox, "show_application", app.reference, principal=BE_OFFICER).reference == app.reference
    with pytest.raises(Forbidden):
        step(sqlite_pbox, "revoke", app.reference, Reason(reason="x"), principal=BE_OFFICER)
    with pytest.raises(Forbidden):
        detain(sqlite_pbox, app.reference, principal=RIGHT_HOLDER)
    with pytest.raises(Rejected) as not_here:  # FR is not among the member states requested
        detain(sqlite_pbox, app.reference, principal=FR_OFFICER)
    assert "does not request action in FR" in not_here.value.issues[0].reason
    d = detain(sqlite_pbox, app.reference)
    for principal in (BE_OFFICER, OTHER_TRADER):
        with pytest.raises(NotFound):
            step(sqlite_pbox, "show_detention", d.reference, principal=principal)
    for principal in (DE_OFFICER, NL_OFFICER, RIGHT_HOLDER, DECLARANT_TRADER):
        assert step(sqlite_pbox, "show_detention", d.reference, principal=principal).reference == d.reference
    with pytest.raises(Forbidden):  # the declarant does not answer for the right holder
        step(sqlite_pbox, "respond_holder", d.reference, HolderResponse(infringement=False, agree_to_destruction=False),
             principal=DECLARANT_TRADER)
    with pytest.raises(Forbidden):  # DE's officers do not handle NL's detention
        step(sqlite_pbox, "release", d.reference, Outcome(reason="x"), principal=DE_OFFICER)
    with sqlite_pbox.read() as conn:
        with pytest.raises(Forbidden):
            service.statistics(conn, RIGHT_HOLDER)
        assert service.list_detentions(conn, DECLARANT_TRADER)[0] == 1 and service.list_detentions(conn, OTHER_TRADER)[0] == 0
        assert [a["reference"] for a in service.applications_in_force(conn, "NL", as_of=clock.today(), cn_code="64041100")] == [app.reference]
        assert service.applications_in_force(conn, "FR", as_of=clock.today()) == []


def test_detention_errors_are_listed(sqlite_pbox, clock):
    app = granted(sqlite_pbox, clock, small_consignments=False)
    with pytest.raises(Rejected) as rejected:
        detain(sqlite_pbox, app.reference, rights=["UNKNOWN MARK"], small_consignment=True, office="NL999999",
               goods=[{"cn_code": "64041100", "description": "shoes", "quantity": 5}])
    assert {(i.code, i.pointer) for i in rejected.value.issues} == {
        ("12", "/office"), ("14", "/rights/0"), ("14", "/small_consignment")}
    assert len([i for i in rejected.value.issues if i.pointer == "/small_consignment"]) == 2


def test_small_consignments_need_only_the_declarant(sqlite_pbox, clock):
    app = granted(sqlite_pbox, clock)
    d = detain(sqlite_pbox, app.reference, small_consignment=True,
               goods=[{"cn_code": "64041100", "description": "shoes", "quantity": 2}])
    step(sqlite_pbox, "respond_declarant", d.reference, DeclarantResponse(agree_to_destruction=True), principal=DECLARANT_TRADER)
    assert step(sqlite_pbox, "destroy", d.reference, Outcome(reason="Art. 26"), principal=NL_OFFICER).state == "destroyed"


def test_the_period_of_action_its_extension_and_states(sqlite_pbox, clock):
    app = lodge(sqlite_pbox)
    app = step(sqlite_pbox, "request_information", app.reference, InformationRequest(reason="authentic goods images"))
    assert app.state == "incomplete"
    clock.advance(timedelta(days=7))
    app = step(sqlite_pbox, "supplement", app.reference, Supplement(information="images"), principal=RIGHT_HOLDER)
    assert app.decision_due == date(2026, 4, 20)  # 30 working days from the complete application (Monday 9 March)
    with pytest.raises(Rejected):
        step(sqlite_pbox, "grant", app.reference, GrantAction(valid_to=date(2027, 3, 20)))  # beyond a year
    app = step(sqlite_pbox, "grant", app.reference, GrantAction(valid_to=date(2026, 12, 31)))
    with pytest.raises(IncorrectState):
        step(sqlite_pbox, "grant", app.reference, GrantAction())
    with pytest.raises(Rejected):  # no request from the holder
        step(sqlite_pbox, "extend", app.reference, ExtendAction())
    assert app.extension_request_by == date(2026, 11, 19)
    step(sqlite_pbox, "request_extension", app.reference, principal=RIGHT_HOLDER)
    app = step(sqlite_pbox, "extend", app.reference, ExtendAction())
    assert app.valid_to == date(2027, 12, 31) and app.extension_requested_on is None
    clock.advance(timedelta(days=640))  # 9 December 2027: less than 30 working days before the end
    with pytest.raises(Rejected) as late:
        step(sqlite_pbox, "request_extension", app.reference, principal=RIGHT_HOLDER)
    assert "Art. 11(2)" in late.value.issues[0].reason
    assert step(sqlite_pbox, "suspend", app.reference, Reason(reason="costs not paid")).state == "suspended"
    with pytest.raises(Rejected):
        detain(sqlite_pbox, app.reference)
    assert step(sqlite_pbox, "reinstate", app.reference, Reason(reason="paid")).in_force
    assert step(sqlite_pbox, "revoke", app.reference, Reason(reason="right assigned")).state == "revoked"
    with pytest.raises(IncorrectState):
        step(sqlite_pbox, "reinstate", app.reference, Reason(reason="x"))
    other = lodge(sqlite_pbox)
    assert step(sqlite_pbox, "withdraw", other.reference, Reason(reason="duplicate"), principal=RIGHT_HOLDER).state == "withdrawn"
    third = lodge(sqlite_pbox)
    assert step(sqlite_pbox, "reject", third.reference, Reason(reason="no proof of the right")).state == "rejected"


def test_only_the_listed_steps_are_allowed():
    from eucustoms.systems.copis.states import (
        APPLICATION_TRANSITIONS,
        DETENTION_TRANSITIONS,
        next_application_state,
        next_detention_state,
    )

    for table, step_ in ((APPLICATION_TRANSITIONS, next_application_state), (DETENTION_TRANSITIONS, next_detention_state)):
        states = {s for s, _ in table} | set(table.values())
        for state in states:
            for action in {a for _, a in table}:
                if (state, action) in table:
                    assert step_("X", state, action) == table[(state, action)]
                else:
                    with pytest.raises(IncorrectState):
                        step_("X", state, action)
