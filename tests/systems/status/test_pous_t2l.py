"""A T2L from request to use: MRN of the PoUS procedure category, endorsement by the office of issue, 90 days of
validity, use at the office where the goods arrive; authorised issuers; refusals and wrong states."""

from __future__ import annotations

from datetime import date

import pytest
from pous_support import (
    ACP,
    DE_OFFICER,
    FR_OFFICER,
    GR_OFFICER,
    HOLDER,
    ISSUER,
    ISSUER_TRADER,
    NL_OFFICER,
    PIRAEUS,
    TRADER,
    endorse,
    registered,
    request,
    show,
    t2l,
    use,
)
from sqlalchemy import select

from eucustoms.core.errors import Forbidden, IncorrectState, NotFound, Rejected
from eucustoms.core.identifiers import MRN, ProcedureCategory
from eucustoms.platform.notifications.store import notification
from eucustoms.platform.telemetry import totals
from eucustoms.systems.status import examples, service


def test_t2l_is_requested_endorsed_registered_and_used_where_the_goods_arrive(pbox):
    asked = request(pbox, t2l())
    mrn = MRN.parse(asked.mrn)
    assert mrn.procedure is ProcedureCategory.PROOF_OF_UNION_STATUS and mrn.country == "DE"
    assert asked.state == "requested" and asked.valid_until is None and asked.document_code == "N825"
    assert asked.allowed_actions == ["endorse", "invalidate", "reject"]

    done = endorse(pbox, asked.mrn)
    assert done.state == "registered" and done.registered_by == "DE Hamburg" and done.endorsing_office == "DE004851"
    assert done.valid_until == date(2026, 5, 31)  # 2 March + 90 days (Art. 123 DA)
    with pbox.read() as conn:
        assert service.status(conn, asked.mrn) == {
            "mrn": asked.mrn, "system": "pous", "state": "registered", "type": "T2L",
            "valid_until": date(2026, 5, 31), "updated_at": done.updated_at}

    used = use(pbox, asked.mrn, GR_OFFICER, reference="26GR000000000007U1")
    assert used.state == "used" and used.items_used == used.items_total == 2
    assert [(u.office, u.country, u.items, u.complete) for u in used.uses] == [(PIRAEUS, "GR", [1, 2], True)]
    assert all(i.used for i in used.items)

    seen = show(pbox, asked.mrn, TRADER)
    assert [m.message_type for m in seen.message_log] == [
        "POUS_REQ", "POUS_ACK", "POUS_OEND", "POUS_REG", "POUS_OUSE", "POUS_USE"]
    with pbox.read() as conn:
        notes = conn.execute(select(notification.c.message_type).where(
            notification.c.recipient == HOLDER, notification.c.subject == asked.mrn).order_by(notification.c.id)).scalars().all()
        counted = totals(conn, metric="registered", system="pous")
    assert notes == ["POUS_ACK", "POUS_REG", "POUS_USE"]
    assert counted == {("pous", "endorsed"): 1}


def test_an_authorised_issuer_registers_without_endorsement_in_its_member_state_only(pbox):
    issued = request(pbox, examples.t2l(ISSUER, authorisation=ACP), ISSUER_TRADER)
    assert issued.state == "registered" and issued.registered_by == "authorised issuer" and issued.endorsing_office is None
    assert issued.valid_until == date(2026, 5, 31)
    assert [m.message_type for m in issued.message_log] == ["POUS_REQ", "POUS_REG"]
    with pytest.raises(IncorrectState):
        endorse(pbox, issued.mrn)
    # Art. 128 DA: the facilitation applies only in the member state that granted the authorisation.
    with pytest.raises(Rejected) as exc:
        request(pbox, examples.t2lf(ISSUER, lrn="X-1") | {"authorised_issuer": True, "authorisation_reference": ACP},
                ISSUER_TRADER)
    assert [(i.pointer, "granted by DE" in i.reason) for i in exc.value.issues] == [("/authorisation_reference", True)]
    # Not the holder of the authorisation:
    with pytest.raises(Rejected) as exc:
        request(pbox, t2l(authorised_issuer=True, authorisation_reference=ACP))
    assert "held by DE5555555555" in exc.value.issues[0].reason
    with pytest.raises(Rejected) as exc:
        request(pbox, t2l(authorised_issuer=True))
    assert [(i.code, i.pointer) for i in exc.value.issues] == [("13", "/authorisation_reference")]


def test_the_office_of_issue_refuses_a_request(pbox):
    asked = request(pbox, t2l())
    with pbox.begin() as conn:
        refused = service.reject(conn, DE_OFFICER, asked.mrn, {"reason": "the goods are not Union goods"})
    assert refused.state == "rejected" and refused.rejection_reason == "the goods are not Union goods"
    assert refused.message_log[-1].message_type == "POUS_REJ"
    with pbox.begin() as conn:
        assert service.verify(conn, asked.mrn).found is False  # a refused request is no proof
    with pytest.raises(IncorrectState) as exc:
        endorse(pbox, asked.mrn)
    assert exc.value.issues[0].code == "92" and exc.value.state == "rejected"


def test_actions_in_the_wrong_state_are_refused_and_change_nothing(pbox):
    asked = request(pbox, t2l())
    with pytest.raises(IncorrectState) as exc:  # not endorsed yet
        use(pbox, asked.mrn, GR_OFFICER)
    assert exc.value.state == "requested" and exc.value.action == "use"
    assert show(pbox, asked.mrn).version == asked.version
    done = endorse(pbox, asked.mrn)
    with pytest.raises(IncorrectState):
        endorse(pbox, asked.mrn)
    use(pbox, asked.mrn, GR_OFFICER)
    before = show(pbox, asked.mrn)
    for attempt in (lambda: use(pbox, asked.mrn, NL_OFFICER), lambda: endorse(pbox, asked.mrn)):
        with pytest.raises(IncorrectState):
            attempt()
    with pytest.raises(IncorrectState), pbox.begin() as conn:
        service.invalidate(conn, TRADER, asked.mrn, {"reason": "mistake"})
    after = show(pbox, asked.mrn)
    assert after.state == "used" and after.version == before.version and len(after.uses) == 1
    assert done.version < after.version


def test_a_t2l_is_used_as_a_whole_at_an_office_of_the_officers_member_state(pbox):
    proof = registered(pbox, t2l())
    with pytest.raises(Rejected) as exc:
        use(pbox, proof.mrn, GR_OFFICER, items=[1])
    assert [(i.code, i.pointer) for i in exc.value.issues] == [("15", "/items")]
    with pytest.raises(Rejected) as exc:
        use(pbox, proof.mrn, GR_OFFICER, office="NL000396")
    assert [(i.code, i.pointer) for i in exc.value.issues] == [("14", "/office")]
    with pytest.raises(Rejected) as exc:
        use(pbox, proof.mrn, GR_OFFICER, office="GR999999")
    assert [(i.code, i.pointer) for i in exc.value.issues] == [("12", "/office")]
    assert show(pbox, proof.mrn).state == "registered"
    assert use(pbox, proof.mrn, GR_OFFICER, items=[2, 1]).state == "used"


def test_only_officers_of_the_member_state_of_issue_endorse(pbox):
    asked = request(pbox, t2l())
    with pytest.raises(NotFound):  # France neither issued it nor receives it
        endorse(pbox, asked.mrn, FR_OFFICER)
    with pytest.raises(Forbidden):  # Greece, where it arrives, sees it but does not endorse it
        endorse(pbox, asked.mrn, GR_OFFICER)
    with pytest.raises(Forbidden):
        endorse(pbox, asked.mrn, TRADER)
    assert show(pbox, asked.mrn).state == "requested"


def test_every_example_is_accepted(pbox):
    for build in examples.EXAMPLES.values():
        asked = request(pbox, build(HOLDER))
        assert asked.state == "requested" and asked.proof_type == build(HOLDER)["proof_type"]
    assert examples.presentation("NL000396", [1]) == {"office": "NL000396", "items": [1]}
