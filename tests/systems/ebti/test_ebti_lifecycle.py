"""EBTI through the service: application to decision, three years of validity, the end of validity when the
code leaves the nomenclature, revocation and annulment, the obligation of use, and every error at once."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from ebti_support import AGENT, COMMISSION, DE_OFFICER, FR_OFFICER, OTHER_TRADER, TRADER

from eucustoms.core.errors import Forbidden, IncorrectState, NotFound, Rejected
from eucustoms.platform import telemetry
from eucustoms.systems.ebti import examples, service
from eucustoms.systems.ebti.messages import BtiApplicationRequest, DecisionRequest, EndRequest

UTC = timezone.utc


def at(clock, day: date) -> None:
    clock.set(datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC))


def lodge(conn, kind="drill", who=TRADER, **changes):
    body = examples.application(kind, **{"member_state": "DE", **changes})
    return service.lodge(conn, who, BtiApplicationRequest.model_validate(body))


def decided(conn, kind="drill", **decision_changes):
    app = lodge(conn, kind)
    service.accept(conn, DE_OFFICER, app.reference)
    return service.decide(conn, DE_OFFICER, app.reference, DecisionRequest.model_validate(examples.decision(kind, **decision_changes)))


def test_from_application_to_a_three_year_decision(ebox, clock):
    at(clock, date(2026, 3, 2))
    with ebox.begin() as conn:
        app = lodge(conn)
        assert app.reference == "DEAPP2026000001" and app.state == "lodged"
        assert app.acceptance_due == date(2026, 4, 1)  # 30 days
        app = service.accept(conn, DE_OFFICER, app.reference)
        assert app.state == "accepted" and app.decision_due == date(2026, 6, 30)  # 120 days
        bti = service.decide(conn, DE_OFFICER, app.reference, DecisionRequest.model_validate(examples.decision("drill")))
        assert bti.reference == "DEBTI2026000001" and bti.code == "84672110"
        assert (bti.valid_from, bti.valid_to, bti.last_day) == (date(2026, 3, 2), date(2029, 3, 1), date(2029, 3, 1))
        assert bti.code_valid_to is None and bti.status_on == "valid" and bti.holder == TRADER.eori
        after = service.show_application(conn, TRADER, app.reference)
        assert after.state == "decided" and after.bti_reference == bti.reference
        assert [h["action"] for h in service.history(conn, TRADER, app.reference)] == ["lodge", "accept", "decide"]
        assert telemetry.totals(conn, metric=telemetry.APPLICATIONS) == {("ebti", "DE"): 1}
    with ebox.read() as conn:
        assert service.show_decision(conn, TRADER, bti.reference, on=date(2029, 3, 1)).status_on == "valid"
        assert service.show_decision(conn, TRADER, bti.reference, on=date(2029, 3, 2)).status_on == "expired"
        assert service.show_decision(conn, TRADER, bti.reference, on=date(2026, 3, 1)).status_on == "not_yet_valid"
        assert [b.reference for b in service.valid_bti(conn, TRADER.eori, "8467211000", date(2029, 3, 1))] == [bti.reference]
        assert service.valid_bti(conn, TRADER.eori, "8467211000", date(2029, 3, 2)) == []
    with ebox.begin() as conn:
        assert service.refresh(conn, COMMISSION, on=date(2029, 3, 2)) == {"checked": 1, "updated": 0, "expired": 1, "ceased": 0}
        assert service.show_decision(conn, DE_OFFICER, bti.reference).status == "expired"
        assert service.refresh(conn, COMMISSION, on=date(2029, 3, 2))["checked"] == 0  # recorded once


def test_three_years_from_any_day():
    assert service.three_years(date(2024, 2, 29)) == date(2027, 2, 28)
    assert service.three_years(date(2026, 1, 1)) == date(2028, 12, 31)
    assert service.three_years(date(2025, 3, 1)) == date(2028, 2, 29)


def test_a_change_of_the_nomenclature_ends_the_bti(ebox, clock):
    """0702 00 00 (tomatoes) is in the CN until 2024-12-31; the CN 2025 subdivides it."""
    at(clock, date(2024, 6, 3))
    with ebox.begin() as conn:
        app = lodge(conn, "tomatoes")
        service.accept(conn, DE_OFFICER, app.reference)
        bti = service.decide(conn, DE_OFFICER, app.reference, DecisionRequest.model_validate(examples.decision("tomatoes")))
    assert bti.valid_to == date(2027, 6, 2) and bti.code_valid_to == date(2024, 12, 31) and bti.last_day == date(2024, 12, 31)
    with ebox.read() as conn:
        assert service.valid_bti(conn, TRADER.eori, "0702000000", date(2024, 12, 31))
        assert service.valid_bti(conn, TRADER.eori, "07020000", date(2025, 1, 1)) == []
        assert service.show_decision(conn, DE_OFFICER, bti.reference, on=date(2025, 1, 1)).status_on == "ceased"
        assert service.public_search(conn, code="0702", on=date(2025, 1, 1)).total == 0
        assert service.public_search(conn, code="0702", on=date(2025, 1, 1), validity="invalid").items[0].status == "ceased"
    at(clock, date(2025, 1, 2))
    with ebox.begin() as conn:
        assert service.refresh(conn, DE_OFFICER)["ceased"] == 1
        row = service.show_decision(conn, DE_OFFICER, bti.reference)
        assert row.status == "ceased" and "not in the nomenclature after 2024-12-31" in row.end_reason
        with pytest.raises(IncorrectState):  # nothing left to revoke
            service.revoke(conn, DE_OFFICER, bti.reference, EndRequest(reason="late"))
        # A code that no longer exists cannot be decided on.
        app = lodge(conn, "tomatoes")
        service.accept(conn, DE_OFFICER, app.reference)
        with pytest.raises(Rejected) as exc:
            service.decide(conn, DE_OFFICER, app.reference, DecisionRequest.model_validate(examples.decision("tomatoes")))
    assert exc.value.issues[0].pointer == "/code" and "not in the Combined Nomenclature on 2025-01-02" in exc.value.issues[0].reason


def test_a_wording_change_does_not_end_the_code(ebox_sqlite, clock):
    """0201 20 20's label changed in the CN 2026 (two periods in the data): the code goes on."""
    at(clock, date(2025, 5, 5))
    with ebox_sqlite.begin() as conn:
        bti = decided(conn, "drill", code="02012020", keywords=["beef"])
    assert bti.code_valid_to is None and bti.last_day == date(2028, 5, 4)


def test_taric_codes_are_checked_in_the_tariff(ebox_sqlite, clock):
    at(clock, date(2026, 3, 2))
    with ebox_sqlite.begin() as conn:
        bti = decided(conn, "battery_cells")
        assert bti.code == "8507600010"
        app = lodge(conn, "battery_cells")
        service.accept(conn, DE_OFFICER, app.reference)
        with pytest.raises(Rejected) as exc:
            service.decide(conn, DE_OFFICER, app.reference,
                           DecisionRequest.model_validate(examples.decision("battery_cells", code="8507 60 00 00")))
        assert "subdivided" in exc.value.issues[0].reason and "8507600010" in exc.value.issues[0].reason
        # A CN 8 BTI covers the TARIC codes under it; a TARIC BTI only its own code.
        assert service.valid_bti(conn, TRADER.eori, "8507600010")
        assert service.valid_bti(conn, TRADER.eori, "8507600090") == []


def test_every_error_of_an_application_is_listed_and_nothing_is_stored(ebox_sqlite, clock):
    body = examples.application("drill", member_state="US", proposed_code="84679999", language="xx")
    body["attachments"].append(dict(body["attachments"][0]))
    with ebox_sqlite.begin() as conn:
        with pytest.raises(Rejected) as exc:
            service.lodge(conn, TRADER, BtiApplicationRequest.model_validate(body))
        assert {i.pointer for i in exc.value.issues} == {"/member_state", "/proposed_code", "/attachments/2/sha256", "/language"}
        assert service.search_applications(conn, COMMISSION).total == 0
        assert telemetry.totals(conn, metric=telemetry.APPLICATIONS) == {}


def test_every_error_of_a_decision_is_listed(ebox_sqlite, clock):
    with ebox_sqlite.begin() as conn:
        app = lodge(conn)
        service.accept(conn, DE_OFFICER, app.reference)
        with pytest.raises(Rejected) as exc:
            service.decide(conn, DE_OFFICER, app.reference, DecisionRequest(
                code="1234", justification="x", keywords=["k"], valid_from=date(2026, 1, 1), language="zz"))
        reasons = {i.pointer: i.reason for i in exc.value.issues}
        assert set(reasons) == {"/code", "/valid_from", "/language"}
        assert "CN code (8 digits) or a TARIC code (10 digits)" in reasons["/code"]
        assert service.show_application(conn, DE_OFFICER, app.reference).state == "accepted"


def test_the_state_machine(ebox_sqlite, clock):
    with ebox_sqlite.begin() as conn:
        app = lodge(conn)
        with pytest.raises(IncorrectState):
            service.decide(conn, DE_OFFICER, app.reference, DecisionRequest.model_validate(examples.decision()))
        service.accept(conn, DE_OFFICER, app.reference)
        with pytest.raises(IncorrectState):
            service.accept(conn, DE_OFFICER, app.reference)
        assert service.withdraw(conn, TRADER, app.reference, "no longer needed").state == "withdrawn"
        other = lodge(conn)
        assert service.not_accept(conn, DE_OFFICER, other.reference, "no description of the composition").state == "not_accepted"
        third = lodge(conn)
        service.accept(conn, DE_OFFICER, third.reference)
        assert service.refuse(conn, DE_OFFICER, third.reference, "the goods are not intended for import").state == "refused"


def test_revocation_and_annulment(ebox, clock):
    at(clock, date(2026, 3, 2))
    with ebox.begin() as conn:
        bti = decided(conn)
        with pytest.raises(Rejected):  # the first day of validity: annul instead
            service.revoke(conn, DE_OFFICER, bti.reference, EndRequest(reason="x"))
    at(clock, date(2026, 9, 1))
    with ebox.begin() as conn:
        with pytest.raises(Rejected) as exc:
            service.revoke(conn, DE_OFFICER, bti.reference, EndRequest(reason="x", effective=date(2030, 1, 1)))
        assert "valid only until 2029-03-01" in exc.value.issues[0].reason
        with pytest.raises(Forbidden):
            service.revoke(conn, FR_OFFICER, bti.reference, EndRequest(reason="not ours"))
        revoked = service.revoke(conn, DE_OFFICER, bti.reference, EndRequest(reason="classification regulation"))
        assert revoked.status == "revoked" and revoked.ended_on == date(2026, 8, 31) and revoked.last_day == date(2026, 8, 31)
        assert revoked.status_on == "revoked"
        assert service.valid_bti(conn, TRADER.eori, "84672110", date(2026, 8, 31))
        assert service.valid_bti(conn, TRADER.eori, "84672110", date(2026, 9, 1)) == []
        second = decided(conn, "smartphone")
        annulled = service.annul(conn, DE_OFFICER, second.reference, EndRequest(reason="incorrect information"))
        assert annulled.status == annulled.status_on == "annulled"
        assert service.valid_bti(conn, TRADER.eori, "85171300", date(2026, 9, 1)) == []
        with pytest.raises(IncorrectState):
            service.annul(conn, DE_OFFICER, second.reference, EndRequest(reason="again"))
        assert [h["action"] for h in service.history(conn, DE_OFFICER, second.reference)] == ["decide", "annul"]


def test_who_sees_what(ebox, clock):
    with ebox.begin() as conn:
        app = lodge(conn)
        by_agent = service.lodge(conn, AGENT, BtiApplicationRequest.model_validate(examples.application("smartphone", member_state="DE")))
    assert by_agent.holder == TRADER.eori and by_agent.representative == AGENT.eori
    with ebox.read() as conn:
        assert service.show_application(conn, TRADER, by_agent.reference).reference == by_agent.reference
        assert service.search_applications(conn, TRADER).total == 2
        assert service.search_applications(conn, AGENT).total == 1
        assert service.search_applications(conn, DE_OFFICER).total == 2
        assert service.search_applications(conn, FR_OFFICER).total == 0
        for who in (OTHER_TRADER, FR_OFFICER):
            with pytest.raises(NotFound):  # the same answer as for an unknown application
                service.show_application(conn, who, app.reference)
        with pytest.raises(NotFound):
            service.show_application(conn, TRADER, "DEAPP2026999999")
    with ebox.begin() as conn:
        with pytest.raises(NotFound):
            service.accept(conn, FR_OFFICER, app.reference)
        with pytest.raises(Forbidden):
            service.lodge(conn, DE_OFFICER, BtiApplicationRequest.model_validate(examples.application()))
        service.accept(conn, DE_OFFICER, app.reference)
        bti = service.decide(conn, DE_OFFICER, app.reference, DecisionRequest.model_validate(examples.decision()))
    with ebox.read() as conn:
        # Every member state's customs authority reads every BTI in full; traders only their own.
        assert service.show_decision(conn, FR_OFFICER, bti.reference).commercial_denomination == "Kraftwerk DS-18 BL Set"
        assert service.search_decisions(conn, FR_OFFICER, code="8467").total == 1
        assert service.search_decisions(conn, OTHER_TRADER).total == 0
        with pytest.raises(NotFound):
            service.show_decision(conn, OTHER_TRADER, bti.reference)


def test_the_obligation_of_use_check_for_declarations(ebox_sqlite, clock):
    at(clock, date(2026, 3, 2))
    with ebox_sqlite.begin() as conn:
        bti = decided(conn)
    with ebox_sqlite.read() as conn:
        assert service.check_declared(conn, TRADER.eori, bti.reference, "8467211000") == []
        wrong_code = service.check_declared(conn, TRADER.eori, bti.reference, "8467219900")
        assert "classifies the goods under 84672110" in wrong_code[0].reason
        assert "not a BTI held by" in service.check_declared(conn, OTHER_TRADER.eori, bti.reference, "84672110")[0].reason
        late = service.check_declared(conn, TRADER.eori, bti.reference, "84672110", date(2029, 3, 2))
        assert late[0].reason.endswith("is expired on 2029-03-02")
        assert "not a BTI reference" in service.check_declared(conn, TRADER.eori, "DE-BTI", "84672110")[0].reason
        assert service.valid_bti(conn, OTHER_TRADER.eori, "84672110") == []
        with pytest.raises(Rejected):
            service.valid_bti(conn, TRADER.eori, "84x")


def test_decisions_are_numbered_per_member_state_and_year(ebox, clock):
    at(clock, date(2026, 12, 31))
    with ebox.begin() as conn:
        a = decided(conn)
        at(clock, date(2027, 1, 1))
        b = decided(conn)
        fr = service.lodge(conn, TRADER, BtiApplicationRequest.model_validate(examples.application("tshirt")))
        service.accept(conn, FR_OFFICER, fr.reference)
        c = service.decide(conn, FR_OFFICER, fr.reference, DecisionRequest.model_validate(examples.decision("tshirt")))
    assert (a.reference, b.reference, c.reference) == ("DEBTI2026000001", "DEBTI2027000001", "FRBTI2027000001")
    assert b.valid_to == date(2029, 12, 31) and (b.valid_to - b.valid_from) > timedelta(days=3 * 365 - 1)


def test_refresh_also_shortens_a_revocation_still_to_come(ebox_sqlite, clock):
    at(clock, date(2024, 6, 3))
    with ebox_sqlite.begin() as conn:
        bti = decided(conn, "tomatoes")
        # Pretend the decision was taken before the nomenclature showed the code's end.
        from eucustoms.systems.ebti.store import ebti_decision
        from sqlalchemy import update

        conn.execute(update(ebti_decision).values(code_valid_to=None, last_day=date(2027, 6, 2)))
        revoked = service.revoke(conn, DE_OFFICER, bti.reference, EndRequest(reason="x", effective=date(2026, 1, 1)))
        assert revoked.last_day == date(2025, 12, 31)
        assert service.refresh(conn, COMMISSION) == {"checked": 1, "updated": 1, "expired": 0, "ceased": 0}
        again = service.show_decision(conn, DE_OFFICER, bti.reference, on=date(2025, 1, 1))
        assert again.last_day == date(2024, 12, 31) and again.status == "revoked" and again.status_on == "ceased"
