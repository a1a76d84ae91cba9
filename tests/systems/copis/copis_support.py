"""COPIS test helpers: operators in EOS, officers, the COPIS tables, an application granted, a detention."""

from __future__ import annotations

from datetime import date, datetime, timezone

from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.db import Database, metadata
from eucustoms.systems.copis import examples, service
from eucustoms.systems.copis.messages import ActionApplication, DetentionRequest, GrantAction
from eucustoms.systems.copis.store import TABLES

HOLDER = "DE1234567890"  # the right holder
DECLARANT = "NL123456789"
OTHER = "DE9876543210"
ADMIN = Principal(role=Role.COMMISSION, name="commission")
DE_OFFICER = Principal(role=Role.OFFICER, name="DE officer", country="DE", office="DE002150")
NL_OFFICER = Principal(role=Role.OFFICER, name="NL officer", country="NL", office="NL000563")
BE_OFFICER = Principal(role=Role.OFFICER, name="BE officer", country="BE", office="BE000011")
FR_OFFICER = Principal(role=Role.OFFICER, name="FR officer", country="FR", office="FR000690")
RIGHT_HOLDER = Principal(role=Role.TRADER, name="right holder", eori=HOLDER)
DECLARANT_TRADER = Principal(role=Role.TRADER, name="declarant", eori=DECLARANT)
OTHER_TRADER = Principal(role=Role.TRADER, name="other", eori=OTHER)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday


def with_copis_tables(db: Database) -> Database:
    """Create the COPIS tables (until the migration that creates them exists; a no-op afterwards)."""
    metadata.create_all(db.engine, tables=list(TABLES), checkfirst=True)
    return db


def register_operators(db: Database) -> None:
    from eucustoms.systems.eos import service as eos
    from eucustoms.systems.eos.messages import Address, OperatorRegistration

    with db.begin() as conn:
        for eori, city, country in ((HOLDER, "Hamburg", "DE"), (OTHER, "Bremen", "DE"), (DECLARANT, "Rotterdam", "NL")):
            eos.register(conn, ADMIN, OperatorRegistration(
                eori=eori, name=f"Operator {eori}", address=Address(street_and_number="Kai 1", city=city, country=country),
                established_in_union=True, start_date=date(2020, 1, 1)))


def application_body(**overrides) -> ActionApplication:
    body = examples.application()
    body.update(overrides)
    return ActionApplication.model_validate(body)


def lodge(db: Database, principal: Principal = RIGHT_HOLDER, **overrides):
    with db.begin() as conn:
        return service.lodge(conn, principal, application_body(**overrides))


def step(db: Database, action: str, *args, principal: Principal = DE_OFFICER):
    with db.begin() as conn:
        return getattr(service, action)(conn, principal, *args)


def granted(db: Database, clock=None, **overrides):  # noqa: ANN001
    """An application lodged and granted; with ``clock``, moved to the first day of the period of action."""
    from datetime import timedelta

    app = lodge(db, **overrides)
    app = step(db, "grant", app.reference, GrantAction())
    if clock is not None:
        clock.advance(timedelta(days=1))
    return app


def detain(db: Database, application: str, principal: Principal = NL_OFFICER, **overrides):
    body = examples.detention(application, office=principal.office or "NL000563")
    body.update(overrides)
    with db.begin() as conn:
        return service.detain(conn, principal, DetentionRequest.model_validate(body))
