"""Debits, credits, releases and adjustments: arithmetic, history, idempotency, and the CL252 refusals."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from eucustoms.core.clock import now
from eucustoms.core.identifiers import GRN
from eucustoms.core.errors import Conflict, IncorrectState, NotFound, Rejected
from eucustoms.core.money import Money
from eucustoms.platform.auth import Principal, Role
from eucustoms.systems.guarantees import service
from eucustoms.systems.guarantees.checks import GuaranteeNotValid
from eucustoms.systems.guarantees.messages import Adjustment, Amount, CheckRequest, GuaranteeAmendment, StatusChange

from guarantee_support import DE_OFFICER, FR_OFFICER, HOLDER, MRN1, eur, issue

MRN2 = "26FR000000000002A1"


def _debit(db, grn, amount, reference=MRN1, op="op-1", country="FR", code="AB12", **kw):
    with db.begin() as conn:
        return service.debit(conn, grn, amount, reference, op, country, code, **kw)


def _refused(db, grn, amount, **kw) -> list[str]:
    with pytest.raises(GuaranteeNotValid) as caught:
        _debit(db, grn, amount, **kw)
    return caught.value.reasons


def test_debits_and_credits_move_the_balance_and_are_recorded_in_order(gbox):
    g = issue(gbox)
    first = _debit(gbox, g.grn, eur("2500.00"), op="d1")
    second = _debit(gbox, g.grn, eur("1000.50"), reference=MRN2, op="d2")
    assert first.amount.amount == Decimal("-2500.00") and first.balance_after.amount == Decimal("7500.00")
    assert second.balance_after.amount == Decimal("6499.50")
    with gbox.begin() as conn:
        back = service.release(conn, g.grn, MRN1, "w1")  # the write-off of MRN1 returns exactly its debit
    assert back.amount.amount == Decimal("2500.00") and back.balance_after.amount == Decimal("8999.50")
    with gbox.read() as conn:
        bal = service.balance(conn, DE_OFFICER, g.grn)
        moves = service.history(conn, Principal(role=Role.TRADER, name="h", eori=HOLDER), g.grn)
        assert service.outstanding(conn, g.grn, MRN2) == eur("1000.50")
    assert bal.balance.amount == Decimal("8999.50") and bal.in_use.amount == Decimal("1000.50")
    assert [(m.kind, m.reference, m.operation_id) for m in moves] == [
        ("debit", MRN1, "d1"), ("debit", MRN2, "d2"), ("credit", MRN1, "w1")]
    assert all(m.by == "system" for m in moves) and moves[0].country == "FR"


def test_an_overdraw_is_refused_and_changes_nothing(gbox):
    g = issue(gbox)
    _debit(gbox, g.grn, eur("9000"), op="d1")
    assert _refused(gbox, g.grn, eur("1000.01"), reference=MRN2, op="d2") == ["G09"]
    _debit(gbox, g.grn, eur("1000.00"), reference=MRN2, op="d3")  # exactly the rest is fine
    with gbox.read() as conn:
        assert service.balance(conn, DE_OFFICER, g.grn).balance.amount == 0
        assert len(service.history(conn, DE_OFFICER, g.grn)) == 2


def test_the_same_operation_twice_has_one_effect(gbox):
    g = issue(gbox)
    a = _debit(gbox, g.grn, eur("100"), op="dup")
    b = _debit(gbox, g.grn, eur("100"), op="dup")
    assert not a.replayed and b.replayed and b.id == a.id and b.balance_after == a.balance_after
    with gbox.begin() as conn:
        c1 = service.credit(conn, g.grn, MRN1, "cred")
    with gbox.begin() as conn:
        c2 = service.credit(conn, g.grn, MRN1, "cred")
        assert service.release(conn, g.grn, MRN1, "cred").id == c1.id
    assert c2.replayed and c2.id == c1.id
    with gbox.read() as conn:
        assert [m.kind for m in service.history(conn, DE_OFFICER, g.grn)] == ["debit", "credit"]
        assert service.get(conn, g.grn).balance.amount == Decimal("10000.00")
    with pytest.raises(Conflict):  # the same id for another operation is a caller's mistake, not a replay
        _debit(gbox, g.grn, eur("100"), reference=MRN2, op="dup")


def test_credit_returns_at_most_what_the_reference_has_outstanding(gbox):
    g = issue(gbox)
    _debit(gbox, g.grn, eur("300"), op="d1")
    with gbox.begin() as conn:
        part = service.credit(conn, g.grn, MRN1, "c1", amount=eur("100"))
    assert part.balance_after.amount == Decimal("9800.00")
    with gbox.begin() as conn, pytest.raises(Rejected):
        service.credit(conn, g.grn, MRN1, "c2", amount=eur("200.01"))
    with gbox.begin() as conn:
        assert service.release(conn, g.grn, MRN1, "c3").amount.amount == Decimal("200.00")
        assert service.release(conn, g.grn, MRN1, "c4") is None  # nothing left: a tolerant write-off
    with gbox.begin() as conn, pytest.raises(Rejected):
        service.credit(conn, g.grn, MRN2, "c5")  # never debited


def test_amounts_in_another_currency_are_converted_at_the_customs_rate(sqlite_gbox):
    g = issue(sqlite_gbox)
    with sqlite_gbox.read() as conn:
        rate = service.refdata_for(conn).customs_exchange_rate("PLN", now().date())
    moved = _debit(sqlite_gbox, g.grn, Money("1000", "PLN"))
    expected = (Decimal(1000) / rate).quantize(Decimal("0.01"))
    assert moved.amount == Amount(amount=-expected, currency="EUR")
    assert moved.requested == Amount(amount=Decimal(1000), currency="PLN")
    with sqlite_gbox.begin() as conn, pytest.raises(Rejected) as caught:
        service.debit(conn, g.grn, Money("10", "XAU"), MRN2, "x", "FR", "AB12")  # ISO, but no customs rate
    assert caught.value.issues[0].pointer == "/amount/currency"


def test_every_reason_is_listed_when_a_guarantee_cannot_be_used(gbox):
    g = issue(gbox, countries=["DE", "FR", "CH"], valid_to=now().date() + timedelta(days=30))
    assert _refused(gbox, g.grn, eur("20000"), country="IT", code="ZZZZ") == ["G03", "G08", "G09"]
    assert _refused(gbox, g.grn, eur("1"), on=now().date() + timedelta(days=31)) == ["G02"]
    assert _refused(gbox, g.grn, eur("1"), holder="FR987654321") == ["G04"]
    assert _refused(gbox, "26DE000000009999X", eur("1")) == ["G01"]
    assert _refused(gbox, GRN_UNKNOWN, eur("1")) == ["G01"]
    _debit(gbox, g.grn, eur("1"), country="CH")  # a common transit country on the list


GRN_UNKNOWN = str(GRN.build(2026, "DE", 999_999))


def test_by_default_a_guarantee_is_valid_in_the_eu_and_the_common_transit_countries(sqlite_gbox):
    g = issue(sqlite_gbox)
    for i, country in enumerate(["DE", "PL", "CH", "NO", "TR", "GB", "XI"]):
        _debit(sqlite_gbox, g.grn, eur("1"), op=f"d{i}", country=country)
    assert _refused(sqlite_gbox, g.grn, eur("1"), op="us", country="US") == ["G08"]


def test_an_individual_guarantee_covers_one_operation(sqlite_gbox):
    g = issue(sqlite_gbox, guarantee_type="2", authorisation_reference=None)
    _debit(sqlite_gbox, g.grn, eur("100"), op="d1")
    _debit(sqlite_gbox, g.grn, eur("100"), op="d2")  # the same declaration again (e.g. an amendment) is fine
    assert _refused(sqlite_gbox, g.grn, eur("100"), reference=MRN2, op="d3") == ["G10"]


def test_suspended_and_revoked_guarantees_take_no_debits_but_still_credit(gbox):
    g = issue(gbox)
    _debit(gbox, g.grn, eur("500"), op="d1")
    with gbox.begin() as conn:
        assert service.suspend(conn, DE_OFFICER, g.grn, StatusChange(reason="unpaid debt")).status == "suspended"
    assert _refused(gbox, g.grn, eur("1"), op="d2") == ["G02"]
    with gbox.begin() as conn:
        service.reinstate(conn, DE_OFFICER, g.grn, StatusChange(reason="paid"))
    _debit(gbox, g.grn, eur("1"), reference=MRN2, op="d3")
    with gbox.begin() as conn:
        service.revoke(conn, DE_OFFICER, g.grn, StatusChange(reason="guarantor withdrew"))
    assert _refused(gbox, g.grn, eur("1"), op="d4") == ["G02"]
    with gbox.begin() as conn, pytest.raises(Rejected):  # still in use
        service.release_guarantee(conn, DE_OFFICER, g.grn, StatusChange(reason="done"))
    with gbox.begin() as conn:
        service.release(conn, g.grn, MRN1, "w1")
        service.release(conn, g.grn, MRN2, "w2")
        assert service.release_guarantee(conn, DE_OFFICER, g.grn, StatusChange(reason="done")).status == "released"
    with gbox.begin() as conn, pytest.raises(IncorrectState):
        service.suspend(conn, DE_OFFICER, g.grn, StatusChange(reason="again"))


def test_only_the_officers_of_the_guarantee_country_manage_it(sqlite_gbox):
    g = issue(sqlite_gbox)
    with sqlite_gbox.begin() as conn, pytest.raises(NotFound):
        service.suspend(conn, FR_OFFICER, g.grn, StatusChange(reason="x"))


def test_the_reference_amount_is_amended_and_never_below_what_is_in_use(gbox):
    g = issue(gbox)
    _debit(gbox, g.grn, eur("6000"), op="d1")
    with gbox.begin() as conn:
        amended = service.amend(conn, DE_OFFICER, g.grn, GuaranteeAmendment(
            reference_amount=Amount(amount=Decimal("20000"), currency="EUR"), reason="more trade"))
    assert amended.reference_amount.amount == Decimal("20000") and amended.balance.amount == Decimal("14000.00")
    with gbox.begin() as conn, pytest.raises(Rejected):
        service.amend(conn, DE_OFFICER, g.grn, GuaranteeAmendment(
            reference_amount=Amount(amount=Decimal("5999.99"), currency="EUR"), reason="less"))
    with gbox.read() as conn:
        assert [m.kind for m in service.history(conn, DE_OFFICER, g.grn)] == ["debit", "amendment"]


def test_an_officer_adjusts_the_balance_with_a_reason_within_bounds(gbox):
    g = issue(gbox)
    with gbox.begin() as conn:
        adj = service.adjust(conn, DE_OFFICER, g.grn, Adjustment(
            amount=Amount(amount=Decimal("-250"), currency="EUR"), reason="debt paid outside NCTS", operation_id="a1"))
        again = service.adjust(conn, DE_OFFICER, g.grn, Adjustment(
            amount=Amount(amount=Decimal("-250"), currency="EUR"), reason="debt paid outside NCTS", operation_id="a1"))
    assert adj.balance_after.amount == Decimal("9750.00") and again.replayed
    with gbox.begin() as conn, pytest.raises(Rejected):
        service.adjust(conn, DE_OFFICER, g.grn, Adjustment(
            amount=Amount(amount=Decimal("251"), currency="EUR"), reason="too much", operation_id="a2"))


def test_the_check_answers_with_the_reasons_without_debiting(gbox):
    g = issue(gbox)
    with gbox.read() as conn:
        ok = service.check(conn, CheckRequest(grn=g.grn, access_code="ab12", amount=Amount(amount=Decimal("10000"), currency="EUR"), country="AT"))
        bad = service.check(conn, CheckRequest(grn=g.grn, access_code="AB13", amount=Amount(amount=Decimal("10000.01"), currency="EUR"),
                                               country="AT", guarantee_type="2", on=date(2020, 1, 1)))
        missing = service.check(conn, CheckRequest(grn="nonsense", access_code="AB12", amount=Amount(amount=Decimal(1), currency="EUR"), country="AT"))
    assert ok.valid and ok.reasons == []
    assert [r.code for r in bad.reasons] == ["G02", "G03", "G13", "G09"] and not bad.valid
    assert [r.code for r in missing.reasons] == ["G01"]
