"""Imports test helpers: operators, officers, a declaration builder, issuing a guarantee (a module of its own,
not ``conftest``: the tariff tests have a conftest too, and ``from conftest import`` would find either)."""

from __future__ import annotations

from decimal import Decimal

from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.db import Database

DECLARANT = "DE1234567890"
OTHER = "DE9876543210"
DE_OFFICER = Principal(role=Role.OFFICER, name="DE officer", country="DE", office="DE002101")
NL_OFFICER = Principal(role=Role.OFFICER, name="NL officer", country="NL", office="NL000396")
FR_OFFICER = Principal(role=Role.OFFICER, name="FR officer", country="FR", office="FR000690")
TRADER = Principal(role=Role.TRADER, name="importer", eori=DECLARANT)
OTHER_TRADER = Principal(role=Role.TRADER, name="other", eori=OTHER)


def issue_guarantee(db: Database, amount: str = "10000.00", countries: list[str] | None = None) -> str:
    from eucustoms.systems.guarantees import service as gum
    from eucustoms.systems.guarantees.messages import Amount, GuaranteeIssue

    office = Principal(role=Role.OFFICER, name="DE GUA", country="DE", office="DE002150")
    with db.begin() as conn:
        g = gum.issue(conn, office, GuaranteeIssue(
            guarantee_type="1", holder=DECLARANT, office="DE002150",
            reference_amount=Amount(amount=Decimal(amount), currency="EUR"),
            authorisation_reference="DECGU-2026-0001", access_code="AB12", countries=countries))
    return g.grn


def declaration(lrn: str = "LRN-1", *, value: str = "1000.00", mass: str = "50", code: str = "61091000",
                origin: str = "US", office: str = "DE002101", **extra) -> dict:
    item = {"item_number": 1, "description": "T-shirts of cotton", "cn_code": code, "taric_code": "00",
            "origin": origin, "item_price": {"amount": value, "currency": "EUR"}, "net_mass": mass,
            "gross_mass": mass}
    item.update(extra.pop("item", {}))
    d = {"lrn": lrn, "declaration_type": "IM", "additional_declaration_type": "A", "procedure": "4000",
         "importer": {"eori": DECLARANT, "name": "Importer GmbH", "country": "DE"},
         "declarant": {"eori": DECLARANT}, "exporter": {"name": "Shirts Inc", "country": "US"},
         "office_of_presentation": office, "location_of_goods": "DEBERDE002101", "items": [item]}
    d.update(extra)
    return d


def record_ccl(ctx, reference="DECCL-2026-0001", holder=DECLARANT, countries=None):
    """A CCL authorisation granted by Germany (supervising office DE002150) to the declarant."""
    from eucustoms.systems.imports import service

    officer = Principal(role=Role.OFFICER, name="DE CCL", country="DE", office="DE002150")
    return service.record_authorisation(ctx, officer, {"reference": reference, "holder": holder,
                                                        "countries": countries})


def cci_declaration(lrn="CCI-1", **kw):
    """Lodged at the supervising office DE002150 for goods presented in the Netherlands (NL000396)."""
    return declaration(lrn, office="NL000396", supervising_office="DE002150",
                       holder_of_authorisation=[{"type": "CCL", "reference": "DECCL-2026-0001"}], **kw)
