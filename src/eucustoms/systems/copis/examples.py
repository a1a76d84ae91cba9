"""Example COPIS bodies (``eucustoms copis example``): a Union application for action and a detention under it."""

from __future__ import annotations

from typing import Any


def application(*, eori: str = "DE1234567890", country: str = "DE", kind: str = "union") -> dict[str, Any]:
    """A body for ``POST /copis/applications``."""
    return {
        "kind": kind, "country": country, "member_states": [country, "NL", "BE"] if kind == "union" else [country],
        "applicant": {"name": "Nordlicht Sportswear AG", "eori": eori, "address": "Hafenstrasse 1, 20457 Hamburg",
                      "email": "brand-protection@nordlicht.example"},
        "applicant_status": "right_holder",
        "rights": [
            {"type": "trademark", "name": "NORDLICHT", "registration_number": "018123456", "scope": "union"},
            {"type": "design", "name": "Running shoe sole", "registration_number": "008765432-0001", "scope": "union"},
        ],
        "goods": [{"cn_code": "64041100", "description": "Sports footwear with outer soles of rubber and textile uppers"},
                  {"cn_code": "61091000", "description": "T-shirts of cotton, knitted"}],
        "small_consignments": True, "undertaking": True,
    }


def detention(application_reference: str, *, office: str = "NL000563") -> dict[str, Any]:
    """A body for ``POST /copis/detentions`` under ``application_reference``."""
    return {
        "application": application_reference, "declaration": "26NL000000000001A1", "office": office,
        "situation": "import", "declarant": {"name": "Maas Forwarding BV", "eori": "NL123456789"},
        "rights": ["018123456"], "goods": [{"cn_code": "64041100", "description": "sports shoes bearing NORDLICHT",
                                            "quantity": 1200}],
        "perishable": False, "small_consignment": False,
    }
