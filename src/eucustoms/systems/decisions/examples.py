"""Example applications to start from (``eucustoms decisions example CCL``): one realistic body per decision type."""

from __future__ import annotations

from typing import Any

from .codes import TYPES

#: Goods, places and offices that exist in the reference data the box ships (DE002150: Berlin, competent for every
#: authorisation role; NL000563: Rotterdam-area office with the same roles).
_GOODS = {
    "IPO": [{"cn_code": "18010000", "description": "Cocoa beans, whole, raw, for processing into cocoa paste"}],
    "OPO": [{"cn_code": "84713000", "description": "Portable computers sent for repair outside the Union"}],
    "EUS": [{"cn_code": "88073000", "description": "Parts of aircraft for use in civil aircraft"}],
    "TEA": [{"cn_code": "95083000", "description": "Fairground amusements for a season of travelling shows"}],
}
_DESCRIPTIONS = {
    "AEOC": "Import and export declarations for own goods; customs simplifications across the Union",
    "AEOS": "Security and safety facilitations for own international supply chain",
    "AEOF": "Customs simplifications and security and safety facilitations",
    "CCL": "Lodging import declarations in Germany for goods presented at Rotterdam and Antwerp",
    "CGU": "Comprehensive guarantee for transit and customs warehousing operations",
    "IPO": "Processing of cocoa beans into cocoa paste for re-export",
    "OPO": "Repair of laptop computers outside the Union",
    "TST": "Operation of a temporary storage warehouse at the airport",
    "ACP": "Establishing T2L/T2LF proofs of the customs status of Union goods",
    "ACR": "Starting Union transit movements at own premises",
    "ACE": "Ending Union transit movements at own premises",
    "SDE": "Regular use of simplified declarations",
    "EIR": "Entry of data in the declarant's records",
    "DPO": "Deferment of payment of duty",
    "CWP": "Private customs warehouse for spirits",
    "EUS": "Aircraft parts under end use",
    "TEA": "Fairground equipment under temporary admission",
}


def example(decision_type: str, *, applicant: str = "DE1234567890", country: str = "DE") -> dict[str, Any]:
    """A body for ``POST /decisions/applications`` for ``decision_type``."""
    kind = TYPES[decision_type.upper()]
    body: dict[str, Any] = {"decision_type": kind.code, "applicant": applicant, "country": country,
                            "description": _DESCRIPTIONS[kind.code], "publication_consent": True}
    if kind.union_wide:
        body["consult"] = ["NL"]
    else:
        body["countries"] = [country, "NL", "BE"] if kind.min_states > 1 else [country]
    if kind.office_role:
        body["customs_office"] = {"DE": "DE002150", "NL": "NL000563"}.get(country)
    if kind.requires_goods:
        body["goods"] = _GOODS.get(kind.code, _GOODS["IPO"])
    if kind.requires_amount:
        body["guarantee_amount"] = {"amount": "250000.00", "currency": "EUR"}
    if kind.requires_location:
        body["location"] = "Am Flughafen 1, 12529 Schoenefeld, DE"
    return {k: v for k, v in body.items() if v is not None}


BUILDERS = {code: (lambda code=code, **kw: example(code, **kw)) for code in TYPES}
