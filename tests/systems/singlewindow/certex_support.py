"""CERTEX test helpers: principals, declarations, the tables, issuing and using certificates in one call."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from eucustoms.core.clock import now
from eucustoms.core.identifiers import MRN
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.db import Database, metadata
from eucustoms.systems.singlewindow import examples, service
from eucustoms.systems.singlewindow.messages import CertificateIssue
from eucustoms.systems.singlewindow.store import TABLES

HOLDER = examples.HOLDER  # DE1234567890
OTHER = "FR987654321"
PARTNER = Principal(role=Role.COMMISSION, name="TRACES")
DE_OFFICER = Principal(role=Role.OFFICER, name="DE officer", country="DE", office="DE004700")
FR_OFFICER = Principal(role=Role.OFFICER, name="FR officer", country="FR", office="FR000690")
TRADER = Principal(role=Role.TRADER, name="holder", eori=HOLDER)
OTHER_TRADER = Principal(role=Role.TRADER, name="other", eori=OTHER)


def mrn(n: int, country: str = "DE", letter: str = "R") -> str:
    return str(MRN.build(2026, country, n, letter))


MRN1, MRN2, MRN3 = mrn(1), mrn(2), mrn(3)


def with_certex_tables(db: Database) -> Database:
    """Create the CERTEX tables (until the migration that creates them exists; a no-op afterwards)."""
    metadata.create_all(db.engine, tables=list(TABLES), checkfirst=True)
    return db


def today() -> date:
    return now().date()


def issue(db: Database, domain: str = "CHED-P", **overrides):
    with db.begin() as conn:
        return service.issue(conn, PARTNER, CertificateIssue(**examples.example(domain, **overrides)))


def use(db: Database, reference: str, quantity="1000", unit="KGM", *, declaration=MRN1, item=1, op="op-1",
        goods="03036310", procedure="4000", holder=HOLDER, on=None, **kw):
    with db.begin() as conn:
        return service.use(conn, reference, holder, goods, quantity, unit, on, procedure, declaration, item, op, **kw)


def balance(db: Database, reference: str) -> Decimal:
    with db.read() as conn:
        return service.get(conn, reference).balance.value
