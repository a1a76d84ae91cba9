"""REX test helpers: operators in EOS, officers, the REX tables, applications built from the examples."""

from __future__ import annotations

from datetime import date, datetime, timezone

from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.db import Database, metadata
from eucustoms.systems.rex import service
from eucustoms.systems.rex.examples import example
from eucustoms.systems.rex.messages import RexApplication
from eucustoms.systems.rex.store import TABLES

EXPORTER = "DE1234567890"
OTHER = "DE9876543210"
NL_EXPORTER = "NL123456789"
ADMIN = Principal(role=Role.COMMISSION, name="commission")
DE_OFFICER = Principal(role=Role.OFFICER, name="DE officer", country="DE", office="DE002150")
FR_OFFICER = Principal(role=Role.OFFICER, name="FR officer", country="FR", office="FR000690")
TRADER = Principal(role=Role.TRADER, name="exporter", eori=EXPORTER)
OTHER_TRADER = Principal(role=Role.TRADER, name="other", eori=OTHER)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
EU_NUMBER = "DEREXDE1234567890"
IN_NUMBER = "INREXAAACI1234A1ZB"


def with_rex_tables(db: Database) -> Database:
    """Create the REX tables (until the migration that creates them exists; a no-op afterwards)."""
    metadata.create_all(db.engine, tables=list(TABLES), checkfirst=True)
    return db


def register_operators(db: Database) -> None:
    from eucustoms.systems.eos import service as eos
    from eucustoms.systems.eos.messages import Address, OperatorRegistration

    with db.begin() as conn:
        for eori, city, country in ((EXPORTER, "Hamburg", "DE"), (OTHER, "Bremen", "DE"), (NL_EXPORTER, "Rotterdam", "NL")):
            eos.register(conn, ADMIN, OperatorRegistration(
                eori=eori, name=f"Exporter {eori}", address=Address(street_and_number="Kai 1", city=city, country=country),
                established_in_union=True, start_date=date(2020, 1, 1)))


def application(*, third_country: bool = False, **overrides) -> RexApplication:
    body = example(third_country=third_country)
    body.update(overrides)
    return RexApplication.model_validate({k: v for k, v in body.items() if v is not None})


def apply(db: Database, principal: Principal = TRADER, **overrides):
    with db.begin() as conn:
        return service.apply(conn, principal, application(**overrides))


def step(db: Database, action: str, *args, principal: Principal = DE_OFFICER):
    with db.begin() as conn:
        return getattr(service, action)(conn, principal, *args)
