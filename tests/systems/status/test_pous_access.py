"""Who sees what: a trader its own proofs, an officer its country's, the public only type, state and validity;
every error of a request listed at once."""

from __future__ import annotations

import pytest
from pous_support import (
    DE_OFFICER,
    FR_OFFICER,
    GR_OFFICER,
    HOLDER,
    OTHER_TRADER,
    TRADER,
    cgm,
    registered,
    request,
    t2l,
    use,
)

from eucustoms.core.errors import Forbidden, NotFound, Rejected
from eucustoms.core.identifiers import MRN, ProcedureCategory
from eucustoms.platform.auth import PUBLIC
from eucustoms.platform.telemetry import totals
from eucustoms.systems.status import service


def test_a_trader_sees_only_its_own_proofs(pbox):
    proof = registered(pbox, t2l())
    with pbox.read() as conn:
        with pytest.raises(NotFound) as exc:
            service.show(conn, OTHER_TRADER, proof.mrn)
        unknown = str(MRN.build(2026, "DE", "00000000ZZZZ", ProcedureCategory.PROOF_OF_UNION_STATUS))
        with pytest.raises(NotFound) as same:
            service.show(conn, OTHER_TRADER, unknown)
        assert str(exc.value).replace(proof.mrn, "X") == str(same.value).replace(unknown, "X")  # nothing revealed
        assert service.search(conn, OTHER_TRADER).total == 0
        assert [p.mrn for p in service.search(conn, TRADER).items] == [proof.mrn]
    with pytest.raises(NotFound), pbox.begin() as conn:
        service.invalidate(conn, OTHER_TRADER, proof.mrn, {"reason": "not mine"})
    with pytest.raises(Forbidden):
        use(pbox, proof.mrn, TRADER)


def test_an_officer_sees_its_countrys_proofs_issued_arriving_or_used_there(pbox):
    proof = registered(pbox, t2l())  # Hamburg → Piraeus
    with pbox.read() as conn:
        assert service.show(conn, DE_OFFICER, proof.mrn).mrn == proof.mrn  # issued in DE
        assert service.show(conn, GR_OFFICER, proof.mrn).mrn == proof.mrn  # arrives in GR
        with pytest.raises(NotFound):
            service.show(conn, FR_OFFICER, proof.mrn)
        assert service.search(conn, FR_OFFICER).total == 0
    # The goods are diverted to Brest: the French office uses the proof with the MRN the holder shows …
    fr_office = FR_OFFICER.office
    used = use(pbox, proof.mrn, FR_OFFICER, office=fr_office)
    assert used.uses[0].country == "FR"
    with pbox.read() as conn:  # … and from then on France sees it.
        assert service.search(conn, FR_OFFICER).total == 1


def test_the_public_verification_reveals_no_parties_and_is_counted(pbox):
    proof = registered(pbox, cgm())
    with pbox.begin() as conn:
        v = service.verify(conn, proof.mrn)
        counted = totals(conn, metric="consultations", system="dds")
    data = v.model_dump(mode="json")
    assert set(data) == {"mrn", "found", "proof_type", "state", "valid_from", "valid_until", "usable", "checked_at"}
    assert (v.found, v.proof_type, v.state, v.usable) == (True, "CGM", "registered", True)
    assert HOLDER not in str(data) and "DE004851" not in str(data) and "NORDIC" not in str(data)
    assert counted == {("dds", "pous"): 1}
    with pytest.raises(Rejected) as exc, pbox.begin() as conn:
        service.verify(conn, "26DE000000000001M0")
    assert exc.value.issues[0].code == "93"
    with pytest.raises(Forbidden), pbox.read() as conn:
        service.search(conn, PUBLIC)
    with pytest.raises(NotFound), pbox.read() as conn:
        service.show(conn, PUBLIC, proof.mrn)


def test_a_request_lists_every_error(pbox):
    bad = t2l(requester="QQ123", office_of_issue="CH001001", items=[])
    with pytest.raises(Rejected) as exc:  # structure first: every structural error
        request(pbox, bad)
    assert {i.pointer for i in exc.value.issues} == {"/requester", "/items"}

    bad = t2l(requester="DE000000099999", office_of_issue="CH001001")
    bad["items"][0].update(item_number=2, cn_code="99999999", package_kind="9Z", containers=["MSKU1234560"])
    bad["transport"]["port_of_arrival"] = "XXZZZ"
    with pytest.raises(Rejected) as exc:
        request(pbox, bad)
    assert [(i.code, i.pointer) for i in exc.value.issues] == [
        ("14", "/requester"),  # not the trader lodging it
        ("14", "/requester"),  # not registered in EOS
        ("14", "/office_of_issue"),  # a Swiss office
        ("12", "/items/0/cn_code"),
        ("12", "/items/0/package_kind"),
        ("14", "/items/0/containers/0"),  # wrong check digit
        ("26", "/items/1/item_number"),
        ("12", "/transport/port_of_arrival"),
    ]

    with pytest.raises(Rejected) as exc:
        request(pbox, t2l(office_of_issue="DE999999"))
    assert [(i.code, i.pointer) for i in exc.value.issues] == [("12", "/office_of_issue")]
    with pytest.raises(Rejected) as exc:
        request(pbox, t2l(authorisation_reference="DEACP-2026-0001"))
    assert [(i.code, i.pointer) for i in exc.value.issues] == [("15", "/authorisation_reference")]
    with pytest.raises(Forbidden):
        request(pbox, t2l(), DE_OFFICER)
    with pbox.read() as conn:
        assert service.search(conn, TRADER).total == 0  # nothing stored


def test_an_lrn_is_used_once_per_requester(pbox):
    request(pbox, t2l())
    with pytest.raises(Rejected) as exc:
        request(pbox, t2l())
    assert [(i.code, i.pointer) for i in exc.value.issues] == [("26", "/lrn")]
