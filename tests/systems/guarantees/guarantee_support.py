"""GUM test helpers: principals, a guarantee request, issuing in one call."""

from __future__ import annotations

from decimal import Decimal

from eucustoms.core.money import Money
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.db import Database, metadata
from eucustoms.systems.guarantees import service
from eucustoms.systems.guarantees.messages import Amount, GuaranteeIssue
from eucustoms.systems.guarantees.store import TABLES

HOLDER = "DE1234567890"
OTHER_HOLDER = "FR987654321"
OFFICE = "DE002150"  # Berlin: office of guarantee (GUA) and competent for CGU authorisations
DE_OFFICER = Principal(role=Role.OFFICER, name="DE officer", country="DE", office=OFFICE)
FR_OFFICER = Principal(role=Role.OFFICER, name="FR officer", country="FR", office="FR000690")
MRN1 = "26DE000000000001A9"


def with_gum_tables(db: Database) -> Database:
    """Create the GUM tables (until the migration that creates them exists; a no-op afterwards)."""
    metadata.create_all(db.engine, tables=list(TABLES), checkfirst=True)
    return db


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def issue_request(**overrides) -> GuaranteeIssue:
    values = dict(guarantee_type="1", holder=HOLDER, office=OFFICE,
                  reference_amount=Amount(amount=Decimal("10000.00"), currency="EUR"),
                  authorisation_reference="DECGU-2026-0001", access_code="AB12")
    values.update(overrides)
    return GuaranteeIssue(**values)


def issue(db: Database, **overrides):
    with db.begin() as conn:
        return service.issue(conn, DE_OFFICER, issue_request(**overrides))
