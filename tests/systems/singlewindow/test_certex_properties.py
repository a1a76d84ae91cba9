"""Properties: conversions are exact and reversible; a use followed by its restoration returns the exact balance;
any sequence of uses, in any units, never takes a certificate below zero."""

from __future__ import annotations

import itertools
from decimal import Decimal

import hypothesis.strategies as st
import pytest
from certex_support import issue, mrn, use
from hypothesis import HealthCheck, given, settings

from eucustoms.systems.singlewindow import service, units
from eucustoms.systems.singlewindow.checks import CertificateNotUsable

MASS = ["GRM", "CTM", "KGM", "DTN", "TNE"]
VOLUME = ["LTR", "HLT", "KLT", "MTQ", "MTQC"]
quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("100000"), places=3)
_serial = itertools.count(1)


@settings(max_examples=300, deadline=None)
@given(quantities, st.sampled_from(MASS + VOLUME), st.sampled_from(MASS + VOLUME))
def test_a_conversion_there_and_back_is_exact(value, a, b):
    if not units.convertible(a, b):
        with pytest.raises(units.IncompatibleUnits):
            units.convert(value, a, b)
        return
    there = units.convert(value, a, b)
    assert units.convert(there, b, a) == value
    assert there > 0


def _certificate(db, total: Decimal, unit: str):
    n = next(_serial)
    return issue(db, "CHED-P", reference=f"CHEDP.DE.2026.{n:07d}", quantity=str(total), unit=unit).reference


SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@SETTINGS
@given(total=quantities, unit=st.sampled_from(MASS), declared_unit=st.sampled_from(MASS), share=st.fractions(0, 1))
def test_use_then_restore_returns_the_exact_balance(sqlite_cbox, total, unit, declared_unit, share):
    db = sqlite_cbox
    reference = _certificate(db, total, unit)
    declared = units.convert(total * Decimal(share.numerator) / Decimal(share.denominator), unit, declared_unit)
    declared = declared.quantize(Decimal("0.000001")) if declared.as_tuple().exponent < -6 else declared
    if declared <= 0:
        return
    declaration = mrn(next(_serial))
    try:
        use(db, reference, str(declared), declared_unit, declaration=declaration, op=f"u-{declaration}")
    except CertificateNotUsable as exc:  # only when rounding the share made it larger than the total
        assert exc.reasons == ["CX09"] and units.convert(declared, declared_unit, unit) > total
        return
    with db.begin() as conn:
        service.restore(conn, declaration, f"r-{declaration}")
    with db.read() as conn:
        cert = service.get(conn, reference)
    assert cert.balance.value == units.normal(total) and cert.status == "valid"


@SETTINGS
@given(total=st.integers(1, 5000), uses=st.lists(st.tuples(st.integers(1, 3000), st.sampled_from(["KGM", "GRM", "TNE", "DTN"])),
                                                    min_size=1, max_size=12))
def test_a_sequence_of_uses_never_goes_below_zero(sqlite_cbox, total, uses):
    db = sqlite_cbox
    reference = _certificate(db, Decimal(total), "KGM")
    left = Decimal(total)
    for amount, unit in uses:
        declared = units.convert(Decimal(amount), "KGM", unit)  # the same kilograms, declared in another unit
        declaration = mrn(next(_serial))
        try:
            m = use(db, reference, str(declared), unit, declaration=declaration, op=f"u-{declaration}")
        except CertificateNotUsable as exc:
            assert amount > left and "CX09" in exc.reasons
            continue
        assert amount <= left
        left -= amount
        assert m.balance_after.value == left >= 0
    with db.read() as conn:
        cert = service.get(conn, reference)
    assert cert.balance.value == left >= 0
    assert cert.status == ("exhausted" if left == 0 else "valid")
