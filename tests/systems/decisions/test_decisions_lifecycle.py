"""CDS lifecycles on SQLite and PostgreSQL: AEO from application to EOS and the public AEO query, centralised
clearance with the consultation of the other member states, the right to be heard, and a decision's states."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from decisions_support import (
    ADMIN,
    BE_OFFICER,
    DE_OFFICER,
    HOLDER,
    NL_OFFICER,
    OTHER,
    TRADER,
    agree_all,
    granted,
    lodge,
    step,
)

from eucustoms.core.errors import IncorrectState, Rejected
from eucustoms.platform import notifications, telemetry
from eucustoms.systems.decisions import service
from eucustoms.systems.decisions.messages import (
    Comment,
    ConsultationAnswer,
    Grant,
    Hearing,
    Reason,
    Refusal,
    Revocation,
)
from eucustoms.systems.eos import service as eos

TODAY = date(2026, 3, 2)


def test_an_aeo_application_becomes_a_status_shown_in_eos_and_the_aeo_query(cbox, clock):
    app = lodge(cbox, "AEOF")
    assert app.state == "lodged" and app.countries is None and app.reference.startswith("DE-AEOF-2026-")
    assert app.time_limits["acceptance_due"] == date(2026, 4, 1)
    with cbox.read() as conn:
        assert telemetry.totals(conn, metric=telemetry.APPLICATIONS) == {("AEO", "DE"): 1}

    app = step(cbox, "accept", app.reference)
    assert app.state == "accepted" and app.accepted_on == TODAY
    assert [(c.country, c.status, c.due_on) for c in app.consultations] == [("NL", "pending", date(2026, 5, 21))]
    assert app.time_limits["decision_due"] == date(2026, 6, 30)  # 120 days

    with pytest.raises(Rejected) as refused:  # the consultation of NL still runs
        step(cbox, "grant", app.reference, Grant())
    assert "NL runs until 2026-05-21" in refused.value.issues[0].reason
    step(cbox, "answer_consultation", app.reference, "NL", ConsultationAnswer(agree=True), principal=NL_OFFICER)
    decision = step(cbox, "grant", app.reference, Grant())
    assert decision.reference.startswith("DEAEOF") and len(decision.reference) == 16
    assert decision.valid_from == TODAY + timedelta(days=5) and decision.countries is None  # Art. 29 DA

    with cbox.read() as conn:
        assert service.aeo_status(conn, HOLDER, TODAY) == []
        assert service.aeo_status(conn, HOLDER, TODAY + timedelta(days=5)) == ["AEOF"]
        held = service.holds(conn, HOLDER, "AEOC", as_of=TODAY + timedelta(days=6), country="FR")
        assert held is not None and held["decision_type"] == "AEOF"  # AEOF is AEOC too, in every member state
        assert service.holds(conn, HOLDER, "CCL", as_of=TODAY + timedelta(days=6)) is None
        op = eos.get(conn, HOLDER)
        assert [(a.aeo_type, a.decision_reference, a.valid_from) for a in op.aeo] == [("AEOF", decision.reference, decision.valid_from)]
        sent = [n["message_type"] for n in notifications.pending(conn, HOLDER)]
    assert sent == ["CDS_ACCEPTED", "CDS_DECISION"]
    with cbox.begin() as conn:
        public = service.public_aeo(conn, HOLDER, on=TODAY + timedelta(days=10))
        assert public["found"] and public["aeo"] == ["AEOF"] and public["name"] == "Elbe Logistik GmbH"
        assert eos.validate_public(conn, HOLDER, on=TODAY + timedelta(days=10)).aeo == ["AEOF"]

    # The holder gives the status up: it ends from the day given, in CDS and in EOS.
    revoked = step(cbox, "revoke", decision.reference,
                   Revocation(ground="holder_request", reason="no longer trading", effective=TODAY + timedelta(days=30)),
                   principal=TRADER)
    assert revoked.state == "revoked" and revoked.ends_on == TODAY + timedelta(days=30)
    with cbox.begin() as conn:
        assert service.aeo_status(conn, HOLDER, TODAY + timedelta(days=29)) == ["AEOF"]
        assert service.aeo_status(conn, HOLDER, TODAY + timedelta(days=30)) == []
        assert eos.get(conn, HOLDER).aeo[0].valid_to == TODAY + timedelta(days=29)
        assert not service.public_aeo(conn, HOLDER, on=TODAY + timedelta(days=30))["found"]


def test_centralised_clearance_consults_the_member_states_and_needs_aeoc(cbox, clock):
    app = lodge(cbox, "CCL", countries=["DE", "NL", "BE"])
    app = step(cbox, "accept", app.reference)
    assert {c.country: c.due_on for c in app.consultations} == {"BE": date(2026, 4, 16), "NL": date(2026, 4, 16)}  # 45 days
    # NL objects; BE does not answer in time and is deemed to agree.
    step(cbox, "answer_consultation", app.reference, "NL",
         ConsultationAnswer(agree=False, reason="no presentation office agreed for the goods"), principal=NL_OFFICER)
    clock.advance(timedelta(days=46))
    app = step(cbox, "show_application", app.reference)
    assert {c.country: c.status for c in app.consultations} == {"BE": "deemed_agreed", "NL": "objected"}
    with pytest.raises(Rejected) as late:
        step(cbox, "answer_consultation", app.reference, "BE", ConsultationAnswer(agree=True), principal=BE_OFFICER)
    assert "deemed to have agreed" in late.value.issues[0].reason

    with pytest.raises(Rejected) as no_aeo:
        step(cbox, "grant", app.reference, Grant())
    assert any("Art. 179(2) UCC" in i.reason for i in no_aeo.value.issues)
    with pytest.raises(Rejected) as objected:
        step(cbox, "grant", app.reference, Grant(countries=["DE", "NL", "BE"]))
    assert any(i.pointer == "/countries/1" and "objected" in i.reason for i in objected.value.issues)

    aeo = granted(cbox, "AEOC")
    clock.advance(timedelta(days=5))
    ccl = step(cbox, "grant", app.reference, Grant())
    assert ccl.countries == ["DE", "BE"] and ccl.reference.startswith("DECCL")
    day = ccl.valid_from
    with cbox.read() as conn:
        assert service.holds(conn, HOLDER, "CCL", as_of=day, country="BE")["reference"] == ccl.reference
        assert service.holds(conn, HOLDER, "CCL", as_of=day, country="NL") is None
        assert service.authorisation_problems(conn, ccl.reference, as_of=day, decision_type="CCL",
                                              holders={HOLDER}, country="BE") == []
        problems = service.authorisation_problems(conn, ccl.reference, as_of=day, decision_type="CGU", holders={OTHER},
                                                  country="NL")
        assert problems == ["it is a CCL decision, not CGU", f"it is held by {HOLDER}", "it is not valid in NL"]
        assert service.authorisation_problems(conn, aeo.reference, as_of=day - timedelta(days=20)) == [
            f"it is not valid on {day - timedelta(days=20)} (not yet valid)"]
        assert service.valid_decision(conn, ccl.reference, as_of=day, decision_type="CCL", holder=HOLDER)["countries"] == ["DE", "BE"]


def test_a_refusal_comes_only_after_the_applicant_was_heard(cbox, clock):
    app = lodge(cbox, "TST")
    step(cbox, "accept", app.reference)
    with pytest.raises(IncorrectState) as not_heard:
        step(cbox, "refuse", app.reference, Refusal(grounds="the facility is not secure"))
    assert not_heard.value.issues[0].code == "92"
    app = step(cbox, "hear", app.reference, Hearing(grounds="the fence of the facility is broken"))
    assert app.state == "hearing" and app.time_limits["hearing_due"] == date(2026, 4, 1)
    assert app.time_limits["decision_due"] == date(2026, 7, 30)  # 120 + 30 days (Art. 13 DA)
    with pytest.raises(Rejected) as too_early:
        step(cbox, "refuse", app.reference, Refusal(grounds="the facility is not secure"))
    assert "until 2026-04-01" in too_early.value.issues[0].reason
    step(cbox, "comment", app.reference, Comment(comment="the fence was repaired last week"), principal=TRADER)
    refused = step(cbox, "refuse", app.reference, Refusal(grounds="the repair was not verified"))
    assert refused.state == "refused" and refused.outcome_reason == "the repair was not verified"
    assert [e.action for e in refused.events] == ["lodge", "accept", "hear", "comment", "refuse"]
    with cbox.read() as conn:
        assert [n["message_type"] for n in notifications.pending(conn, HOLDER)] == ["CDS_ACCEPTED", "CDS_HEARING", "CDS_REFUSED"]
    with pytest.raises(IncorrectState):
        step(cbox, "grant", app.reference, Grant())


def test_suspension_revocation_and_annulment_of_a_decision(cbox, clock):
    d = granted(cbox, "CGU")
    assert d.valid_from == TODAY and d.details["guarantee_amount"]["amount"] == "250000.00"
    s = step(cbox, "suspend", d.reference, Reason(reason="reference amount exceeded"))
    assert s.state == "suspended" and not s.valid_today
    with pytest.raises(IncorrectState):
        step(cbox, "suspend", d.reference, Reason(reason="again"))
    clock.advance(timedelta(days=3))
    r = step(cbox, "reinstate", d.reference, Reason(reason="amount adjusted"))
    assert r.state == "valid" and r.valid_today
    assert [(x.suspended_from, x.lifted_on) for x in r.suspensions] == [(TODAY, TODAY + timedelta(days=3))]
    with cbox.read() as conn:  # "as of" answers honour the past suspension
        assert service.holds(conn, HOLDER, "CGU", as_of=TODAY + timedelta(days=1)) is None
        assert service.holds(conn, HOLDER, "CGU", as_of=TODAY + timedelta(days=3)) is not None
    with pytest.raises(Rejected):  # not retroactive; not deferred by more than a year
        step(cbox, "revoke", d.reference, Revocation(ground="conditions_not_fulfilled", reason="x", effective=TODAY))
    with pytest.raises(Rejected):
        step(cbox, "revoke", d.reference, Revocation(ground="conditions_not_fulfilled", reason="x",
                                                     effective=TODAY + timedelta(days=400)))
    step(cbox, "revoke", d.reference, Revocation(ground="conditions_not_fulfilled", reason="insolvency"))
    a = step(cbox, "annul", d.reference, Reason(reason="the application hid the insolvency"))
    assert a.state == "annulled"
    with cbox.read() as conn:
        assert service.holds(conn, HOLDER, "CGU", as_of=TODAY + timedelta(days=3)) is None  # annulled: never valid
    for action, body in (("reinstate", Reason(reason="x")), ("annul", Reason(reason="x")),
                         ("revoke", Revocation(ground="holder_request", reason="x"))):
        with pytest.raises(IncorrectState):
            step(cbox, action, d.reference, body)


def test_consulted_and_competent_member_states(cbox, clock):
    app = lodge(cbox, "IPO", countries=["DE", "NL"])
    assert app.time_limits["decision_days"] == 120  # several member states: the general time-limit
    single = lodge(cbox, "OPO")
    app = step(cbox, "accept", app.reference)
    single = step(cbox, "accept", single.reference)
    assert single.time_limits["decision_due"] == date(2026, 4, 1)  # 30 days (Art. 171 DA)
    agree_all(cbox, app)
    d = step(cbox, "grant", app.reference, Grant(valid_to=date(2027, 3, 1)))
    assert d.countries == ["DE", "NL"] and d.valid_to == date(2027, 3, 1)
    with cbox.read() as conn:
        assert service.show_decision(conn, NL_OFFICER, d.reference).reference == d.reference  # valid in NL
        assert service.holds(conn, HOLDER, "IPO", as_of=date(2027, 3, 2)) is None  # expired
    with pytest.raises(Exception) as forbidden:  # only the member state that took it suspends it
        step(cbox, "suspend", d.reference, Reason(reason="x"), principal=NL_OFFICER)
    assert forbidden.value.status == 403
    assert step(cbox, "suspend", d.reference, Reason(reason="audit"), principal=ADMIN).state == "suspended"
    assert DE_OFFICER.country == "DE"
