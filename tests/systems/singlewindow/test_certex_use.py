"""Reservations, verifications, restorations and adjustments: arithmetic, unit conversion, idempotency, every
reason for a refusal, the status of a certificate, and the check."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from certex_support import DE_OFFICER, HOLDER, MRN1, MRN2, MRN3, OTHER, PARTNER, balance, issue, mrn, today, use

from eucustoms.core.errors import Conflict, IncorrectState, Rejected
from eucustoms.core.quantities import Quantity
from eucustoms.platform.telemetry import totals
from eucustoms.systems.singlewindow import service
from eucustoms.systems.singlewindow.checks import CertificateNotUsable
from eucustoms.systems.singlewindow.messages import CheckRequest, StatusChange


def refused(db, reference, *args, **kw) -> list[str]:
    with pytest.raises(CertificateNotUsable) as caught:
        use(db, reference, *args, **kw)
    return caught.value.reasons


def restore(db, declaration, op, **kw):
    with db.begin() as conn:
        return service.restore(conn, declaration, op, **kw)


def adjust(db, reference, quantity, unit="KGM", *, declaration=MRN1, item=1, op="adj-1", **kw):
    with db.begin() as conn:
        return service.adjust(conn, reference, declaration, item, quantity, unit, op, **kw)


def test_a_use_decrements_and_is_recorded_with_the_balance_before_and_after(cbox):
    c = issue(cbox, "CHED-P")  # 18 000 kg
    first = use(cbox, c.reference, "1500", "KGM", op="u1")
    second = use(cbox, c.reference, "2.5", "TNE", declaration=MRN2, op="u2")  # converted: 2 500 kg
    assert (first.quantity.value, first.balance_before.value, first.balance_after.value) == (-1500, 18000, 16500)
    assert (second.quantity.value, second.declared.value, second.declared.unit) == (-2500, Decimal("2.5"), "TNE")
    assert second.balance_after.value == 14000 == balance(cbox, c.reference)
    with cbox.read() as conn:
        moves = service.history(conn, PARTNER, c.reference)
        shown = service.get(conn, c.reference)
        held = service.outstanding(conn, c.reference, MRN2, 1)
    assert [(m.kind, m.declaration_ref, m.operation_id, m.procedure, m.country) for m in moves] == [
        ("use", MRN1, "u1", "4000", "DE"), ("use", MRN2, "u2", "4000", "DE")]
    assert shown.used.value == 4000 and held.value == 2500 and held.unit == "KGM"


def test_an_overdraw_is_refused_with_the_balance_and_changes_nothing(cbox):
    c = issue(cbox, "CHED-P")
    use(cbox, c.reference, "17000", op="u1")
    with pytest.raises(CertificateNotUsable) as caught:
        use(cbox, c.reference, "1.5", "TNE", declaration=MRN2, op="u2")
    (issue_,) = caught.value.issues
    assert issue_.code == "CX09" and issue_.pointer == "/quantity"
    assert "1.5 TNE (= 1500 KGM) exceeds the balance" in issue_.reason and "1000 KGM left of 18000 KGM" in issue_.reason
    assert balance(cbox, c.reference) == 1000
    last = use(cbox, c.reference, "1000", declaration=MRN2, op="u3")  # exactly the rest is fine
    assert last.balance_after.value == 0
    with cbox.read() as conn:
        assert service.get(conn, c.reference).status == "exhausted"
    assert refused(cbox, c.reference, "1", declaration=MRN3, op="u4") == ["CX03", "CX09"]
    with pytest.raises(IncorrectState):  # an exhausted certificate is not suspended: nothing can be taken from it anyway
        with cbox.begin() as conn:
            service.suspend(conn, PARTNER, c.reference, StatusChange(reason="audit"))
    restore(cbox, MRN2, "inv-2")
    with cbox.read() as conn:
        assert service.get(conn, c.reference).status == "valid"


def test_every_reason_is_listed_at_once(cbox):
    c = issue(cbox, "CHED-P")  # for DE, valid 30 days, 0303 63 / 0304 71, kg
    reasons = refused(cbox, c.reference, "5", "LTR", holder=OTHER, goods="02013000", on=today() + timedelta(days=60),
                      declaration=mrn(7, "FR"), document_code="C640")
    assert reasons == ["CX02", "CX04", "CX05", "CX06", "CX07", "CX08"]
    assert refused(cbox, c.reference, None, None, op="u2") == ["CX10"]
    assert refused(cbox, c.reference, "0", "KGM", op="u3") == ["CX10"]
    assert refused(cbox, c.reference, "1", "KGMG", op="u4") == ["CX08"]  # gross kg never stand for net kg
    assert refused(cbox, "CHEDP.DE.2026.9999999") == ["CX01"]
    assert refused(cbox, "not a reference!") == ["CX01"]
    assert balance(cbox, c.reference) == 18000


def test_the_holder_may_be_the_importer_or_the_declarant(cbox):
    c = issue(cbox, "CBAM")
    m = use(cbox, c.reference, None, None, holder=[OTHER, HOLDER], goods="72085120")
    assert m.kind == "verify"
    assert refused(cbox, c.reference, None, None, holder=[OTHER], goods="72085120", op="u2") == ["CX05"]


def test_suspended_and_cancelled_certificates_are_refused_and_restores_still_work(cbox):
    c = issue(cbox, "COI")  # 19.2 t
    use(cbox, c.reference, "4200", "KGM", goods="09011100", op="u1")
    with cbox.begin() as conn:
        assert service.suspend(conn, PARTNER, c.reference, StatusChange(reason="inspection")).status == "suspended"
    assert refused(cbox, c.reference, "1", "KGM", goods="09011100", declaration=MRN2, op="u2") == ["CX03"]
    with pytest.raises(IncorrectState):
        with cbox.begin() as conn:
            service.suspend(conn, PARTNER, c.reference, StatusChange(reason="again"))
    moves = restore(cbox, MRN1, "inv-1")
    assert [(m.kind, m.quantity.value) for m in moves] == [("restore", Decimal("4.2"))]
    with cbox.begin() as conn:
        service.reinstate(conn, PARTNER, c.reference, StatusChange(reason="cleared"))
        service.cancel(conn, PARTNER, c.reference, StatusChange(reason="withdrawn by the control body"))
    assert refused(cbox, c.reference, "1", "KGM", goods="09011100", declaration=MRN3, op="u3") == ["CX03"]
    assert balance(cbox, c.reference) == Decimal("19.2")


def test_verify_only_procedures_record_without_decrementing(cbox):
    c = issue(cbox, "CHED-P")
    transit = use(cbox, c.reference, "18000", procedure="T1", declaration=mrn(5, "DE", "J"), op="v1")
    warehouse = use(cbox, c.reference, "500", procedure="7100", declaration=MRN2, op="v2")
    assert [transit.kind, warehouse.kind] == ["verify", "verify"] and transit.quantity.value == 0
    assert balance(cbox, c.reference) == 18000
    assert refused(cbox, c.reference, "18001", procedure="T1", op="v3") == ["CX09"]  # still not more than the balance
    assert restore(cbox, MRN2, "inv") == []  # nothing was reserved
    with pytest.raises(Rejected):
        adjust(cbox, c.reference, "100", declaration=MRN2)


def test_an_item_is_reserved_once_and_amended_through_adjust(cbox):
    c = issue(cbox, "CHED-P")
    use(cbox, c.reference, "1000", op="u1")
    assert refused(cbox, c.reference, "500", op="u2") == ["26"]
    second_item = use(cbox, c.reference, "500", item=2, op="u3")
    assert second_item.balance_after.value == 16500
    up = adjust(cbox, c.reference, "1.2", "TNE", op="a1")
    assert (up.kind, up.quantity.value, up.balance_after.value) == ("adjust", -200, 16300)
    down = adjust(cbox, c.reference, "700", op="a2")
    assert (down.quantity.value, down.balance_after.value) == (500, 16800)
    same = adjust(cbox, c.reference, "700", op="a3")
    assert same.quantity.value == 0 and same.balance_after.value == 16800
    with pytest.raises(CertificateNotUsable) as caught:
        adjust(cbox, c.reference, "20000", op="a4")
    assert caught.value.reasons == ["CX09"] and "needs 19300 KGM more: 16800 KGM left" in caught.value.issues[0].reason
    with cbox.read() as conn:
        assert service.outstanding(conn, c.reference, MRN1, 1).value == 700
    moves = restore(cbox, MRN1, "inv-1")
    assert sorted((m.item_no, m.quantity.value) for m in moves) == [(1, 700), (2, 500)]
    assert balance(cbox, c.reference) == 18000


def test_restore_gives_back_every_item_on_every_certificate_and_is_idempotent(cbox):
    a, b = issue(cbox, "CHED-P"), issue(cbox, "CATCH")
    use(cbox, a.reference, "3000", item=1, op="u1")
    use(cbox, b.reference, "5", "TNE", goods="03034290", item=2, op="u2")
    use(cbox, a.reference, "100", item=1, declaration=MRN2, op="u3")  # another declaration
    first = restore(cbox, MRN1, "inv-1")
    again = restore(cbox, MRN1, "inv-1")
    assert sorted((m.reference, m.item_no, m.quantity.value) for m in first) == sorted(
        [(a.reference, 1, 3000), (b.reference, 2, 5000)])
    assert all(m.replayed for m in again) and [m.id for m in again] == [m.id for m in first]
    assert restore(cbox, MRN1, "inv-2") == []  # nothing left to give back
    assert balance(cbox, a.reference) == 17900 and balance(cbox, b.reference) == 22000
    with pytest.raises(Conflict):
        restore(cbox, MRN2, "inv-1")  # an operation id is never reused for another declaration


def test_a_redelivered_use_has_no_second_effect(cbox):
    c = issue(cbox, "CHED-P")
    first = use(cbox, c.reference, "1000", op="u1")
    again = use(cbox, c.reference, "1000", op="u1")
    assert again.replayed and not first.replayed and again.id == first.id
    assert balance(cbox, c.reference) == 17000
    with pytest.raises(Conflict):
        use(cbox, c.reference, "1000", declaration=MRN2, op="u1")
    with pytest.raises(Conflict):
        adjust(cbox, c.reference, "900", op="u1")
    adjust(cbox, c.reference, "900", op="a1")
    assert adjust(cbox, c.reference, "800", op="a1").replayed  # the redelivered amendment is answered, not redone
    assert balance(cbox, c.reference) == 17100


def test_unit_conversions_on_certificates(cbox):
    coi = issue(cbox, "COI")  # 19.2 t
    m = use(cbox, coi.reference, Quantity(Decimal("96"), "DTN"), None, goods="09011100", op="c1")  # 9.6 t
    assert m.quantity.value == Decimal("-9.6") and m.declared.unit == "DTN"
    cites = issue(cbox, "CITES")  # 12.5 kg
    assert use(cbox, cites.reference, "12500", "GRM", goods="16043100", op="c2").balance_after.value == 0
    flegt = issue(cbox, "FLEGT")  # 45.5 m³
    assert use(cbox, flegt.reference, "455", "HLT", goods="44072969", op="c3").balance_after.value == 0
    reasons = refused(cbox, issue(cbox, "ICG-LICENCE").reference, "1", "KGM", goods="97051000", op="c4")
    assert reasons == ["CX08"]


def test_country_and_document_codes(cbox):
    ched = issue(cbox, "CHED-P")  # countries: DE
    assert refused(cbox, ched.reference, "1", declaration=mrn(9, "NL"), op="k1") == ["CX07"]
    assert use(cbox, ched.reference, "1", declaration="LRN-0001", country="DE", op="k2", document_code="N853").country == "DE"
    icg = issue(cbox, "ICG-STATEMENT")  # no confirmed code: any code but another domain's is accepted
    assert refused(cbox, icg.reference, "1", "NAR", goods="97012100", op="k3", document_code="C640") == ["CX02"]
    assert use(cbox, icg.reference, "1", "NAR", goods="97012100", op="k4", document_code="9ICS").kind == "use"


def test_check_lists_the_reasons_and_reserves_nothing(cbox):
    c = issue(cbox, "CHED-P")
    with cbox.begin() as conn:
        ok = service.check(conn, CheckRequest(reference=c.reference, holder=HOLDER, goods_code="0303 63 10",
                                              quantity=Decimal("18"), unit="TNE", procedure="4000", country="DE"))
        bad = service.check(conn, CheckRequest(reference=c.reference, holder=OTHER, goods_code="0201", quantity=Decimal("19"),
                                               unit="TNE", procedure="T1", document_code="N853"))
        unknown = service.check(conn, CheckRequest(reference="CHEDP.XX.1", holder=HOLDER, goods_code="0303"))
        odd = service.check(conn, CheckRequest(reference=c.reference, holder=HOLDER, goods_code="03036310", procedure="Z9"))
    assert ok.valid and ok.action == "reserve" and ok.quantity.value == 18000 and ok.balance.value == 18000
    assert not bad.valid and bad.action == "verify" and [r.code for r in bad.reasons] == ["CX05", "CX06", "CX09"]
    assert unknown.domain is None and [r.code for r in unknown.reasons] == ["CX01"]
    assert [r.code for r in odd.reasons] == ["12"]
    assert balance(cbox, c.reference) == 18000
    with cbox.read() as conn:
        assert totals(conn, metric="checks", system="certex") == {("certex", "CHED-P"): 3, ("certex", "unknown"): 1}


def test_officers_see_their_country_traders_their_own(cbox):
    c = issue(cbox, "CITES")
    use(cbox, c.reference, "1", goods="16043100", op="o1")
    with cbox.read() as conn:
        assert len(service.history(conn, DE_OFFICER, c.reference)) == 1
        fr = service.Principal(role=service.Role.OFFICER, name="fr", country="FR", office="FR000690")
        assert service.history(conn, fr, c.reference) == []
        assert service.uses(conn, DE_OFFICER)[0] == 1 and service.uses(conn, fr)[0] == 0
        assert service.list_certificates(conn, DE_OFFICER)[0] == 1 and service.list_certificates(conn, fr)[0] == 0
        trader = service.Principal(role=service.Role.TRADER, name="t", eori=HOLDER)
        other = service.Principal(role=service.Role.TRADER, name="o", eori=OTHER)
        assert service.show(conn, trader, c.reference).reference == c.reference
        with pytest.raises(service.NotFound):
            service.show(conn, other, c.reference)
        with pytest.raises(service.Forbidden):
            service.uses(conn, DE_OFFICER, country="FR")
