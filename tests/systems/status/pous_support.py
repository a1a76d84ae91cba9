"""PoUS test helpers: principals, operators registered in EOS, an ACP authorisation, the PoUS tables."""

from __future__ import annotations

from datetime import date

from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.clitools import ADMIN
from eucustoms.platform.db import Database, metadata
from eucustoms.systems.status import examples, service
from eucustoms.systems.status.store import TABLES

HOLDER = "DE1234567890"
OTHER = "DE9876543210"
ISSUER = "DE5555555555"  # an authorised issuer (ACP) in Germany
ACP = "DEACP-2026-0001"

HAMBURG = "DE004851"
ROTTERDAM = "NL000396"
PIRAEUS = "GR004001"

TRADER = Principal(role=Role.TRADER, name="holder", eori=HOLDER)
OTHER_TRADER = Principal(role=Role.TRADER, name="other", eori=OTHER)
ISSUER_TRADER = Principal(role=Role.TRADER, name="authorised issuer", eori=ISSUER)
DE_OFFICER = Principal(role=Role.OFFICER, name="DE Hamburg", country="DE", office=HAMBURG)
NL_OFFICER = Principal(role=Role.OFFICER, name="NL Rotterdam", country="NL", office=ROTTERDAM)
GR_OFFICER = Principal(role=Role.OFFICER, name="GR Piraeus", country="GR", office=PIRAEUS)
FR_OFFICER = Principal(role=Role.OFFICER, name="FR Brest", country="FR", office="FR000690")
COMMISSION = ADMIN


def with_pous_tables(db: Database) -> Database:
    """Create the PoUS tables (until the migration that creates them exists; a no-op afterwards)."""
    metadata.create_all(db.engine, tables=list(TABLES), checkfirst=True)
    return db


def prepare(db: Database) -> Database:
    """The PoUS tables, three operators in EOS and an ACP authorisation of ISSUER granted by Germany."""
    from eucustoms.systems.eos import service as eos
    from eucustoms.systems.eos.messages import Address, OperatorRegistration

    with_pous_tables(db)
    with db.begin() as conn:
        for eori, name in ((HOLDER, "Elbe Maschinen GmbH"), (OTHER, "Other GmbH"), (ISSUER, "Hanse Reederei KG")):
            eos.register(conn, ADMIN, OperatorRegistration(
                eori=eori, name=name, address=Address(street_and_number="Am Sandtorkai 50", postcode="20457",
                                                      city="Hamburg", country="DE"),
                established_in_union=True, start_date=date(2020, 1, 1)))
        service.record_authorisation(conn, DE_OFFICER, {"reference": ACP, "holder": ISSUER})
    return db


def t2l(**overrides) -> dict:
    return {**examples.t2l(HOLDER), **overrides}


def cgm(items: int = 3, **overrides) -> dict:
    return {**examples.cgm(HOLDER, items=items), **overrides}


def request(db: Database, payload: dict, principal: Principal = TRADER):
    with db.begin() as conn:
        return service.request(conn, principal, payload)


def endorse(db: Database, mrn: str, principal: Principal = DE_OFFICER):
    with db.begin() as conn:
        return service.endorse(conn, principal, mrn)


def registered(db: Database, payload: dict):
    """Request and endorse: a registered proof."""
    return endorse(db, request(db, payload).mrn)


def use(db: Database, mrn: str, principal: Principal, **presentation):
    with db.begin() as conn:
        return service.use(conn, principal, mrn, presentation)


def show(db: Database, mrn: str, principal: Principal = COMMISSION):
    with db.read() as conn:
        return service.show(conn, principal, mrn)
