"""Example REX applications (``eucustoms rex example``): an EU exporter and a GSP beneficiary-country exporter."""

from __future__ import annotations

from typing import Any


def example(*, third_country: bool = False, eori: str = "DE1234567890") -> dict[str, Any]:
    """A body for ``POST /rex/exporters``."""
    if third_country:
        return {
            "country": "IN", "national_id": "AAACI1234A1ZB", "name": "Coromandel Textiles Pvt Ltd",
            "address": {"street_and_number": "12 Anna Salai", "postcode": "600002", "city": "Chennai", "country": "IN"},
            "contact": {"name": "R. Iyer", "email": "exports@coromandel.example"},
            "activities": ["producer"], "goods": [{"code": "61", "description": "knitted garments"},
                                                  {"code": "6302", "description": "bed linen"}],
            "purposes": ["GSP"], "publication_consent": True,
        }
    return {
        "eori": eori, "name": "Elbe Maschinenbau GmbH",
        "address": {"street_and_number": "Am Sandtorkai 50", "postcode": "20457", "city": "Hamburg", "country": eori[:2]},
        "contact": {"name": "Export desk", "email": "export@elbe.example"},
        "activities": ["producer", "trader"], "goods": [{"code": "8422", "description": "packing machinery"}],
        "purposes": ["CETA", "EU-JP", "GSP"], "publication_consent": True,
    }
