"""REX on SQLite and PostgreSQL: application, registration, amendment, revocation with its date, the history, the
public validation (hiding what it must) and the check of statements on origin."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from rex_support import (
    ADMIN,
    DE_OFFICER,
    EU_NUMBER,
    EXPORTER,
    FR_OFFICER,
    IN_NUMBER,
    OTHER_TRADER,
    TRADER,
    apply,
    step,
)

from eucustoms.core.errors import Forbidden, IncorrectState, NotFound, Rejected
from eucustoms.platform import telemetry
from eucustoms.systems.rex import service
from eucustoms.systems.rex.messages import Registration, Rejection, Revocation, RexAmendment

TODAY = date(2026, 3, 2)


def test_an_eu_exporter_from_application_to_revocation(rbox, clock):
    applied = apply(rbox)
    assert applied.rex_number == EU_NUMBER and applied.state == "applied" and applied.arrangement == "EU"
    with rbox.begin() as conn:
        assert telemetry.totals(conn, metric=telemetry.APPLICATIONS) == {("REX", "DE"): 1}
        assert service.validate_public(conn, EU_NUMBER).status_description == "not registered"  # not yet
    clock.advance(timedelta(days=3))
    registered = step(rbox, "register", EU_NUMBER)
    assert registered.state == "registered" and registered.valid_from == TODAY  # from the complete application
    with rbox.begin() as conn:
        v = service.validate_public(conn, EU_NUMBER.lower())
        assert v.valid and v.country == "DE" and v.name == "Elbe Maschinenbau GmbH" and v.address.city == "Hamburg"
    amended = step(rbox, "amend", EU_NUMBER, RexAmendment(name="Elbe Maschinen AG", publication_consent=False,
                                                          reason="change of legal form"))
    assert amended.name == "Elbe Maschinen AG" and amended.version == 3
    with rbox.begin() as conn:
        v = service.validate_public(conn, EU_NUMBER)
        assert v.valid and v.name is None and v.address is None and v.country == "DE"

    revoked = step(rbox, "revoke", EU_NUMBER, Revocation(ground="ceased_activity", reason="closed",
                                                         effective=TODAY + timedelta(days=10)))
    assert revoked.state == "revoked" and revoked.revoked_from == TODAY + timedelta(days=10)
    with rbox.begin() as conn:
        before = service.check_statement(conn, EU_NUMBER, TODAY + timedelta(days=9))
        after = service.check_statement(conn, EU_NUMBER, TODAY + timedelta(days=10))
        early = service.check_statement(conn, EU_NUMBER, TODAY - timedelta(days=1))
        assert before.valid and not after.valid and not early.valid
        assert "revoked from 2026-03-12" in after.reason and "before the registration" in early.reason
        assert service.validate_public(conn, EU_NUMBER, on=TODAY + timedelta(days=10)).status_description == "revoked from 2026-03-12"
        assert service.is_registered(conn, EU_NUMBER, on=TODAY + timedelta(days=9))
        assert telemetry.totals(conn, metric=telemetry.CONSULTATIONS) == {("dds", "REX"): 4}
    history = step(rbox, "history", EU_NUMBER, principal=TRADER)
    assert [(h["version"], h["action"]) for h in history] == [(1, "apply"), (2, "register"), (3, "amend"), (4, "revoke")]
    with pytest.raises(IncorrectState):
        step(rbox, "amend", EU_NUMBER, RexAmendment(name="x"))
    with pytest.raises(IncorrectState):
        step(rbox, "revoke", EU_NUMBER, Revocation(ground="exporter_request", reason="x"))


def test_a_gsp_beneficiary_exporter_is_registered_by_its_country(rbox):
    e = apply(rbox, ADMIN, third_country=True)
    assert e.rex_number == IN_NUMBER and e.arrangement == "GSP" and e.eori is None
    assert step(rbox, "register", IN_NUMBER, principal=ADMIN).state == "registered"
    with pytest.raises(NotFound):  # a member state's officer neither sees nor manages Indian exporters
        step(rbox, "revoke", IN_NUMBER, Revocation(ground="ceased_activity", reason="x"), principal=DE_OFFICER)
    with rbox.begin() as conn:
        assert service.validate_public(conn, IN_NUMBER).name == "Coromandel Textiles Pvt Ltd"
        assert service.check_statement(conn, IN_NUMBER, TODAY).valid


def test_every_error_of_an_application_is_listed(rbox):
    with pytest.raises(Rejected) as rejected:
        apply(rbox, ADMIN, third_country=True, country="US", purposes=["CETA", "GSP"],
              goods=[{"code": "9999"}, {"code": "61"}])
    found = {(i.code, i.pointer) for i in rejected.value.issues}
    assert found == {("12", "/country"), ("14", "/address/country"), ("12", "/goods/0/code"), ("14", "/purposes/0")}
    with pytest.raises(Rejected) as eu:
        apply(rbox, ADMIN, eori="DE000000000077", national_id="X1")
    assert {(i.code, i.pointer) for i in eu.value.issues} == {("14", "/eori"), ("15", "/national_id")}
    with pytest.raises(Rejected) as mismatch:
        apply(rbox, DE_OFFICER, eori="NL123456789",
              address={"street_and_number": "Kade 1", "city": "Rotterdam", "country": "NL"})
    assert {i.pointer for i in mismatch.value.issues} == {"/eori", "/address/country"}
    with rbox.read() as conn:
        assert service.search(conn, ADMIN)[0] == 0


def test_access_rejection_and_reapplication(rbox):
    apply(rbox)
    with pytest.raises(Forbidden):
        apply(rbox, OTHER_TRADER)  # for someone else's EORI
    with pytest.raises(Rejected) as twice:
        apply(rbox, DE_OFFICER)
    assert twice.value.issues[0].code == "26"
    for principal in (OTHER_TRADER, FR_OFFICER):
        with pytest.raises(NotFound):
            step(rbox, "show", EU_NUMBER, principal=principal)
    with pytest.raises(Forbidden):
        step(rbox, "register", EU_NUMBER, principal=TRADER)
    assert step(rbox, "show", EU_NUMBER, principal=TRADER).eori == EXPORTER
    rejected = step(rbox, "reject", EU_NUMBER, Rejection(reason="incomplete goods description"))
    assert rejected.state == "rejected"
    again = apply(rbox)
    assert again.state == "applied" and again.version == 3
    with pytest.raises(Rejected):
        step(rbox, "register", EU_NUMBER, Registration(valid_from=TODAY - timedelta(days=1)))
    with rbox.read() as conn:
        assert service.search(conn, OTHER_TRADER)[0] == 0 and service.search(conn, DE_OFFICER)[0] == 1
        assert service.search(conn, FR_OFFICER)[0] == 0
