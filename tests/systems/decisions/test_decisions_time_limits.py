"""The time-limits computed on every application: acceptance (and deemed acceptance), information, decision with its
extensions, hearing; Regulation 1182/71's weekend rule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from decisions_support import DE_OFFICER, TRADER, lodge, step
from hypothesis import given
from hypothesis import strategies as st

from eucustoms.core.errors import Rejected
from eucustoms.systems.decisions import service
from eucustoms.systems.decisions.deadlines import period_end
from eucustoms.systems.decisions.messages import Extension, Hearing, InformationRequest, Supplement


def test_a_period_ending_on_a_weekend_ends_on_the_next_monday():
    assert period_end(date(2026, 3, 2), 5) == date(2026, 3, 9)  # Saturday 7 -> Monday 9
    assert period_end(date(2026, 3, 2), 4) == date(2026, 3, 6)  # Friday stays


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(min_value=1, max_value=400))
def test_period_end_is_a_working_day_at_most_two_days_late(start, days):
    end = period_end(start, days)
    assert end.weekday() < 5 and 0 <= (end - (start + timedelta(days=days))).days <= 2


def test_an_application_not_answered_in_30_days_is_deemed_accepted_on_the_day_it_was_lodged(sqlite_cbox, clock):
    app = lodge(sqlite_cbox, "SDE")
    assert app.time_limits["acceptance_due"] == date(2026, 4, 1) and not app.time_limits["acceptance_overdue"]
    clock.advance(timedelta(days=31))
    app = step(sqlite_cbox, "show_application", app.reference, principal=TRADER)
    assert app.time_limits["acceptance_overdue"] and app.time_limits["deemed_accepted_on"] == date(2026, 3, 2)
    assert app.time_limits["decision_due"] == date(2026, 6, 30)  # runs from the deemed acceptance (Art. 12(3) IA)
    app = step(sqlite_cbox, "accept", app.reference)
    assert app.accepted_on == date(2026, 3, 2) and app.time_limits["decision_due"] == date(2026, 6, 30)


def test_missing_information_before_acceptance(sqlite_cbox, clock):
    app = lodge(sqlite_cbox, "ACP")
    app = step(sqlite_cbox, "request_information", app.reference, InformationRequest(reason="premises plan", days=10))
    assert app.state == "incomplete" and app.time_limits["information_due"] == date(2026, 3, 12)
    clock.advance(timedelta(days=5))
    app = step(sqlite_cbox, "supplement", app.reference, Supplement(information="plan attached"), principal=TRADER)
    assert app.state == "lodged" and app.complete_on == date(2026, 3, 7)
    assert app.time_limits["acceptance_due"] == date(2026, 4, 6)  # 30 days from the complete application
    late = lodge(sqlite_cbox, "ACR")
    step(sqlite_cbox, "request_information", late.reference, InformationRequest(reason="x", days=3))
    clock.advance(timedelta(days=4))
    with pytest.raises(Rejected) as too_late:
        step(sqlite_cbox, "supplement", late.reference, Supplement(information="y"), principal=TRADER)
    assert "Art. 12(2) IA" in too_late.value.issues[0].reason


def test_extensions_of_the_time_limit_for_the_decision(sqlite_cbox, clock):
    app = lodge(sqlite_cbox, "AEOS")
    app = step(sqlite_cbox, "accept", app.reference)
    assert app.time_limits["decision_due"] == date(2026, 6, 30)
    app = step(sqlite_cbox, "extend", app.reference, Extension(ground="authority", days=60, reason="audit of premises abroad"))
    assert app.time_limits["decision_due"] == date(2026, 8, 31)  # Sunday 30 -> Monday 31 (AEO: 60 days, Art. 28 DA)
    with pytest.raises(Rejected) as once:
        step(sqlite_cbox, "extend", app.reference, Extension(ground="authority", days=10, reason="again"))
    assert once.value.issues[0].reason == "the authority takes a further period once"
    app = step(sqlite_cbox, "request_information", app.reference, InformationRequest(reason="security plan", days=20))
    assert app.time_limits["extended_by_days"] == 80
    app = step(sqlite_cbox, "extend", app.reference, Extension(ground="investigation", days=200, reason="fraud suspected"))
    with pytest.raises(Rejected):  # nine months at most in all
        step(sqlite_cbox, "extend", app.reference, Extension(ground="investigation", days=71, reason="more"))
    app = step(sqlite_cbox, "hear", app.reference, Hearing(grounds="security criterion not met"))
    assert app.time_limits["hearing_extension_days"] == 30
    assert app.time_limits["decision_due"] == period_end(date(2026, 3, 2), 120 + 60 + 20 + 200 + 30)

    other = lodge(sqlite_cbox, "EIR")
    other = step(sqlite_cbox, "accept", other.reference)
    with pytest.raises(Rejected):  # the general further period is 30 days
        step(sqlite_cbox, "extend", other.reference, Extension(ground="authority", days=31, reason="x"))
    clock.advance(timedelta(days=121))
    other = step(sqlite_cbox, "show_application", other.reference)
    assert other.time_limits["decision_overdue"]
    with pytest.raises(Rejected) as expired:
        step(sqlite_cbox, "extend", other.reference, Extension(ground="authority", days=30, reason="too late"))
    assert "expired on 2026-06-30" in expired.value.issues[0].reason
    with sqlite_cbox.read() as conn:
        total, items = service.list_applications(conn, DE_OFFICER, overdue=True)
    assert [i["reference"] for i in items] == [other.reference] and total == 1
