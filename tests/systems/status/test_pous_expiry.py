"""Validity: 90 days from registration (Art. 123 DA), evaluated as of now — no job has to expire a proof."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pous_support import GR_OFFICER, NL_OFFICER, TRADER, cgm, registered, show, t2l, use

from eucustoms.core.errors import IncorrectState
from eucustoms.systems.status import service


def test_a_proof_is_usable_on_its_ninetieth_day_and_refused_on_the_next(pbox, _fixed_clock):
    proof = registered(pbox, t2l())
    assert proof.valid_until == date(2026, 5, 31)
    _fixed_clock.advance(timedelta(days=90, hours=14))  # 31 May 2026, 23:00 UTC
    with pbox.begin() as conn:
        assert service.verify(conn, proof.mrn).usable is True
    _fixed_clock.advance(timedelta(hours=1))  # 1 June, 00:00 UTC: day 91
    with pbox.begin() as conn:
        checked = service.verify(conn, proof.mrn)
    assert (checked.state, checked.usable, checked.valid_until) == ("expired", False, date(2026, 5, 31))
    with pytest.raises(IncorrectState) as exc:
        use(pbox, proof.mrn, GR_OFFICER)
    assert exc.value.state == "expired" and "valid until 2026-05-31" in exc.value.message
    seen = show(pbox, proof.mrn, TRADER)
    assert seen.state == "expired" and seen.allowed_actions == [] and seen.uses == []
    with pbox.read() as conn:
        assert service.status(conn, proof.mrn)["state"] == "expired"
        assert service.search(conn, TRADER, state="expired").total == 1
        assert service.search(conn, TRADER, state="registered").total == 0
    with pytest.raises(IncorrectState), pbox.begin() as conn:
        service.invalidate(conn, TRADER, proof.mrn, {"reason": "too late"})


def test_the_rest_of_a_partially_used_manifest_expires_too(pbox, _fixed_clock):
    proof = registered(pbox, cgm(items=2))
    use(pbox, proof.mrn, NL_OFFICER, items=[1])
    _fixed_clock.advance(timedelta(days=91))
    with pytest.raises(IncorrectState) as exc:
        use(pbox, proof.mrn, NL_OFFICER, items=[2])
    assert exc.value.state == "expired"
    assert show(pbox, proof.mrn).items_used == 1


def test_validity_runs_from_the_endorsement_not_from_the_request(pbox, _fixed_clock):
    from pous_support import endorse, request

    asked = request(pbox, t2l())
    _fixed_clock.advance(timedelta(days=10))
    assert endorse(pbox, asked.mrn).valid_until == date(2026, 6, 10)
