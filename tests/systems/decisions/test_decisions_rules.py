"""What CDS refuses: an application lists every error and stores nothing; no new application after a revocation
for failing an obligation or an annulment; who may see and do what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from decisions_support import (
    ADMIN,
    DE_OFFICER,
    FR_OFFICER,
    HOLDER,
    NL_HOLDER,
    NL_OFFICER,
    OTHER_TRADER,
    OUTSIDER,
    TRADER,
    application,
    granted,
    lodge,
    step,
)

from eucustoms.core.errors import Forbidden, NotFound, Rejected
from eucustoms.platform import telemetry
from eucustoms.platform.auth import PUBLIC
from eucustoms.systems.decisions import service
from eucustoms.systems.decisions.messages import ConsultationAnswer, ConsultationRequest, DecisionApplication, Reason, Revocation


def test_an_application_lists_every_error_and_stores_nothing(sqlite_cbox):
    bad = DecisionApplication.model_validate({
        "decision_type": "CCL", "applicant": OUTSIDER, "countries": ["DE", "QQ"], "customs_office": "FR000690",
        "description": "x", "guarantee_amount": {"amount": "10", "currency": "EUR"}, "consult": ["DE"],
        "goods": [{"cn_code": "01012100", "description": "horses"}]})
    with pytest.raises(Rejected) as rejected:
        with sqlite_cbox.begin() as conn:
            service.lodge(conn, ADMIN, bad)
    found = {(i.code, i.pointer) for i in rejected.value.issues}
    assert found >= {("12", "/countries/1"), ("14", "/consult/0"), ("14", "/applicant"),
                     ("15", "/guarantee_amount"), ("14", "/customs_office")}
    assert any("established in the customs territory" in i.reason for i in rejected.value.issues)
    with pytest.raises(Rejected) as more:
        with sqlite_cbox.begin() as conn:
            service.lodge(conn, TRADER, application("IPO", goods=[{"cn_code": "01019999", "description": "x"}], location=None))
    assert {(i.code, i.pointer) for i in more.value.issues} == {("12", "/goods/0/cn_code"), ("13", "/location")}
    with pytest.raises(Rejected) as aeo:
        with sqlite_cbox.begin() as conn:
            service.lodge(conn, ADMIN, application("AEOC", countries=["DE"], applicant="DE000000000099"))
    assert {(i.code, i.pointer) for i in aeo.value.issues} == {("15", "/countries"), ("14", "/applicant")}
    with sqlite_cbox.read() as conn:
        assert service.list_applications(conn, ADMIN) == (0, [])
        assert telemetry.totals(conn, metric=telemetry.APPLICATIONS) == {}


def test_pydantic_rejects_malformed_applications_with_pointers():
    with pytest.raises(Exception) as exc:
        DecisionApplication.model_validate({"decision_type": "XYZ", "applicant": "QQ1", "description": "",
                                            "goods": [{"cn_code": "12", "description": "x"}], "colour": "red"})
    locs = {tuple(e["loc"]) for e in exc.value.errors()}
    assert locs >= {("decision_type",), ("applicant",), ("description",), ("goods", 0, "cn_code"), ("colour",)}


def test_one_open_application_per_decision_and_the_cooling_off_periods(sqlite_cbox, clock):
    lodge(sqlite_cbox, "SDE")
    with pytest.raises(Rejected) as twice:
        lodge(sqlite_cbox, "SDE")
    assert twice.value.issues[0].code == "26"
    d = granted(sqlite_cbox, "EIR")
    step(sqlite_cbox, "revoke", d.reference, Revocation(ground="obligation_not_fulfilled", reason="records not kept"))
    with pytest.raises(Rejected) as cooling:
        lodge(sqlite_cbox, "EIR")
    assert "Art. 11(1)(d) DA" in cooling.value.issues[0].reason
    clock.advance(timedelta(days=366))
    assert lodge(sqlite_cbox, "EIR").state == "lodged"  # a year later

    aeo = granted(sqlite_cbox, "AEOS")
    step(sqlite_cbox, "annul", aeo.reference, Reason(reason="incorrect information"))
    clock.advance(timedelta(days=2 * 365))
    with pytest.raises(Rejected) as annulled:
        lodge(sqlite_cbox, "AEOC")  # any AEO type serves the same purpose
    assert "three years" in annulled.value.issues[0].reason


def test_who_sees_and_does_what(sqlite_cbox, clock):
    app = lodge(sqlite_cbox, "CCL", countries=["DE", "NL"])
    with pytest.raises(Forbidden):  # a trader applies for itself only
        lodge(sqlite_cbox, "SDE", principal=OTHER_TRADER)
    with pytest.raises(Forbidden):  # an officer lodges with its own member state only
        lodge(sqlite_cbox, "SDE", principal=NL_OFFICER)
    for principal in (OTHER_TRADER, FR_OFFICER):  # invisible: the same answer as unknown
        with pytest.raises(NotFound):
            step(sqlite_cbox, "show_application", app.reference, principal=principal)
    with pytest.raises(Forbidden):
        step(sqlite_cbox, "accept", app.reference, principal=NL_OFFICER)  # NL sees it, DE decides
    with pytest.raises(Forbidden):
        step(sqlite_cbox, "accept", app.reference, principal=TRADER)
    step(sqlite_cbox, "accept", app.reference)
    with pytest.raises(Forbidden):
        step(sqlite_cbox, "answer_consultation", app.reference, "NL", ConsultationAnswer(agree=True), principal=DE_OFFICER)
    with pytest.raises(NotFound):
        step(sqlite_cbox, "answer_consultation", app.reference, "FR", ConsultationAnswer(agree=True), principal=FR_OFFICER)
    step(sqlite_cbox, "consult", app.reference, ConsultationRequest(country="FR", days=20))
    app = step(sqlite_cbox, "answer_consultation", app.reference, "FR", ConsultationAnswer(agree=True), principal=FR_OFFICER)
    assert {c.country: c.status for c in app.consultations} == {"FR": "agreed", "NL": "pending"}
    with pytest.raises(Rejected) as objection:
        step(sqlite_cbox, "answer_consultation", app.reference, "NL", ConsultationAnswer(agree=False), principal=NL_OFFICER)
    assert objection.value.issues[0].pointer == "/reason"
    with sqlite_cbox.read() as conn:
        assert service.list_applications(conn, NL_OFFICER)[0] == 1  # consulted
        assert service.list_applications(conn, OTHER_TRADER)[0] == 0
        with pytest.raises(Forbidden):
            service.list_applications(conn, PUBLIC)
    d = granted(sqlite_cbox, "AEOF")
    with sqlite_cbox.read() as conn:
        assert service.show_decision(conn, FR_OFFICER, d.reference).holder == HOLDER  # AEO: every member state
        with pytest.raises(NotFound):
            service.show_decision(conn, OTHER_TRADER, d.reference)
        with pytest.raises(NotFound):
            service.show_decision(conn, TRADER, "NOT-A-REFERENCE")
    with pytest.raises(Forbidden):  # the holder may only ask for a revocation itself
        step(sqlite_cbox, "revoke", d.reference, Revocation(ground="conditions_not_fulfilled", reason="x"), principal=TRADER)
    assert NL_HOLDER.startswith("NL") and date(2026, 3, 2).weekday() == 0


def test_the_public_look_ups_hide_what_they_must(sqlite_cbox, clock):
    quiet = granted(sqlite_cbox, "ACP", consent=False)
    aeo = granted(sqlite_cbox, "AEOC", consent=False)
    clock.advance(timedelta(days=6))
    with sqlite_cbox.begin() as conn:
        answer = service.public_lookup(conn, quiet.reference.lower())
        assert answer["valid"] and answer["status"] == "valid" and "holder" not in answer
        assert answer["geographical_validity"] == ["DE"] and answer["issuing_country"] == "DE"
        assert service.public_lookup(conn, "DEACP9999999999") == {**service.public_lookup(conn, "DEACP9999999999"),
                                                                  "found": False, "valid": False}
        # no consent: the same answer as for an operator without AEO status
        hidden = service.public_aeo(conn, HOLDER)
        assert hidden["found"] is False and hidden["aeo"] == [] and "name" not in hidden
        assert service.aeo_status(conn, HOLDER, clock.today()) == ["AEOC"]  # customs still know
        assert service.public_lookup(conn, aeo.reference)["status"] == "valid"
        with pytest.raises(Exception) as malformed:
            service.public_lookup(conn, "XX12")
        assert malformed.value.kind == "decision reference"
        assert telemetry.totals(conn, metric=telemetry.CONSULTATIONS) == {("dds", "CDS"): 4, ("dds", "EOS"): 1}
        assert service.public_lookup(conn, quiet.reference, counted=False)["found"]
        assert telemetry.totals(conn, metric=telemetry.CONSULTATIONS)[("dds", "CDS")] == 4
    step(sqlite_cbox, "suspend", quiet.reference, Reason(reason="x"))
    with sqlite_cbox.begin() as conn:
        assert service.public_lookup(conn, quiet.reference)["status"] == "suspended"


def test_every_example_application_is_accepted_as_lodged(sqlite_cbox):
    from eucustoms.systems.decisions.codes import TYPES

    for code in TYPES:
        app = lodge(sqlite_cbox, code)
        assert app.state == "lodged" and app.decision_type == code
    with sqlite_cbox.read() as conn:
        totals = telemetry.totals(conn, metric=telemetry.APPLICATIONS)
    assert totals == {("AEO", "DE"): 3, ("CDS", "DE"): len(TYPES) - 3}
