"""Invalidation at the holder's request (not used yet) or by the customs authorities of the member state of issue."""

from __future__ import annotations

import pytest
from pous_support import (
    DE_OFFICER,
    GR_OFFICER,
    NL_OFFICER,
    TRADER,
    cgm,
    registered,
    request,
    show,
    t2l,
    use,
)

from eucustoms.core.errors import Forbidden, IncorrectState, Rejected
from eucustoms.systems.status import service


def invalidate(db, mrn, principal, reason="goods not shipped"):
    with db.begin() as conn:
        return service.invalidate(conn, principal, mrn, {"reason": reason})


def test_the_holder_invalidates_an_unused_proof_and_it_can_no_longer_be_used(pbox):
    proof = registered(pbox, t2l())
    done = invalidate(pbox, proof.mrn, TRADER)
    assert done.state == "invalidated" and done.invalidated_by == TRADER.eori
    assert done.invalidation_reason == "goods not shipped"
    assert [m.message_type for m in done.message_log][-2:] == ["POUS_INVREQ", "POUS_INV"]
    with pytest.raises(IncorrectState) as exc:
        use(pbox, proof.mrn, GR_OFFICER)
    assert exc.value.state == "invalidated"
    with pbox.begin() as conn:
        v = service.verify(conn, proof.mrn)
    assert (v.found, v.state, v.usable) == (True, "invalidated", False)


def test_the_holder_withdraws_a_pending_request(pbox):
    asked = request(pbox, t2l())
    assert invalidate(pbox, asked.mrn, TRADER).state == "invalidated"


def test_customs_invalidate_the_rest_of_a_partially_used_manifest_the_holder_cannot(pbox):
    proof = registered(pbox, cgm())
    use(pbox, proof.mrn, NL_OFFICER, items=[1])
    with pytest.raises(IncorrectState) as exc:
        invalidate(pbox, proof.mrn, TRADER)
    assert exc.value.state == "partially_used"
    with pytest.raises(Forbidden):  # the Netherlands used it, but Germany issued it
        invalidate(pbox, proof.mrn, NL_OFFICER)
    done = invalidate(pbox, proof.mrn, DE_OFFICER, reason="control: goods of non-Union status on board")
    assert done.state == "invalidated" and done.invalidated_by == "DE Hamburg" and done.items_used == 1
    with pytest.raises(IncorrectState):
        use(pbox, proof.mrn, NL_OFFICER, items=[2])


def test_customs_do_not_invalidate_a_pending_request_they_refuse_it(pbox):
    asked = request(pbox, t2l())
    with pytest.raises(IncorrectState):
        invalidate(pbox, asked.mrn, DE_OFFICER)
    with pytest.raises(Rejected) as exc:  # a reason is required
        with pbox.begin() as conn:
            service.invalidate(conn, TRADER, asked.mrn, {})
    assert exc.value.issues[0].pointer == "/reason"
    assert show(pbox, asked.mrn).state == "requested"
