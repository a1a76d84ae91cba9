"""CDS test helpers: operators in EOS, officers, the CDS tables, a fixed clock, and steps in one call."""

from __future__ import annotations

from datetime import date, datetime, timezone

from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.db import Database, metadata
from eucustoms.systems.decisions import service
from eucustoms.systems.decisions.examples import example
from eucustoms.systems.decisions.messages import ConsultationAnswer, DecisionApplication, Grant
from eucustoms.systems.decisions.store import TABLES

HOLDER = "DE1234567890"
OTHER = "DE9876543210"
OUTSIDER = "DE5555555555"  # registered, but established outside the Union
NL_HOLDER = "NL123456789"
ADMIN = Principal(role=Role.COMMISSION, name="commission")
DE_OFFICER = Principal(role=Role.OFFICER, name="DE officer", country="DE", office="DE002150")
NL_OFFICER = Principal(role=Role.OFFICER, name="NL officer", country="NL", office="NL000563")
BE_OFFICER = Principal(role=Role.OFFICER, name="BE officer", country="BE", office="BE000011")
FR_OFFICER = Principal(role=Role.OFFICER, name="FR officer", country="FR", office="FR000690")
TRADER = Principal(role=Role.TRADER, name="holder", eori=HOLDER)
OTHER_TRADER = Principal(role=Role.TRADER, name="other", eori=OTHER)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday


def with_cds_tables(db: Database) -> Database:
    """Create the CDS tables (until the migration that creates them exists; a no-op afterwards)."""
    metadata.create_all(db.engine, tables=list(TABLES), checkfirst=True)
    return db


def register_operators(db: Database) -> None:
    from eucustoms.systems.eos import service as eos
    from eucustoms.systems.eos.messages import Address, OperatorRegistration

    def address(country: str) -> Address:
        city = {"DE": "Hamburg", "NL": "Rotterdam", "CN": "Shanghai"}[country]
        return Address(street_and_number="Hafenstrasse 1", postcode="20457", city=city, country=country)

    with db.begin() as conn:
        for eori, name, country, established, consent in (
                (HOLDER, "Elbe Logistik GmbH", "DE", True, True), (OTHER, "Other GmbH", "DE", True, False),
                (OUTSIDER, "Shanghai Trading Ltd", "CN", False, False), (NL_HOLDER, "Maas BV", "NL", True, True)):
            eos.register(conn, ADMIN, OperatorRegistration(
                eori=eori, name=name, address=address(country), established_in_union=established,
                publication_consent=consent, start_date=date(2020, 1, 1)))


def application(decision_type: str, **overrides) -> DecisionApplication:
    body = example(decision_type, applicant=overrides.pop("applicant", HOLDER), country=overrides.pop("country", "DE"))
    body.update(overrides)
    return DecisionApplication.model_validate({k: v for k, v in body.items() if v is not None})


def lodge(db: Database, decision_type: str, principal: Principal = TRADER, **overrides):
    with db.begin() as conn:
        return service.lodge(conn, principal, application(decision_type, **overrides))


def step(db: Database, action: str, *args, principal: Principal = DE_OFFICER):
    with db.begin() as conn:
        return getattr(service, action)(conn, principal, *args)


def agree_all(db: Database, app) -> None:
    officers = {"NL": NL_OFFICER, "BE": BE_OFFICER, "FR": FR_OFFICER}
    for c in app.consultations:
        step(db, "answer_consultation", app.reference, c.country, ConsultationAnswer(agree=True),
             principal=officers.get(c.country, ADMIN))


def granted(db: Database, decision_type: str, *, consent: bool = True, **grant):
    """Lodge, accept, agree to every consultation and grant: the decision."""
    app = lodge(db, decision_type, publication_consent=consent)
    app = step(db, "accept", app.reference)
    agree_all(db, app)
    return step(db, "grant", app.reference, Grant(**grant))
