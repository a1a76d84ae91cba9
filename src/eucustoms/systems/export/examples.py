"""Realistic example AES messages (JSON-ready dicts), valid against the packaged reference data: customs offices
with the roles EXP and EXT, CN codes of the loaded nomenclature, CS/RD2 codes for packages and transport. The
parties are invented; their EORI numbers are well-formed but fictitious and must be registered in EOS (the
demo, the tests and the benchmark register them).

Every builder returns a fresh dict, so callers may change it::

    payload = examples.declaration("EXP-0001")           # laptops from Berlin to the United States via Rotterdam
    payload = examples.example("controlled")              # plastic waste to Viet Nam: a physical control
"""

from __future__ import annotations

import copy
from typing import Any, Callable

Payload = dict[str, Any]

EXPORTER = {"eori": "DE123456789012", "name": "Spree Computer Export GmbH", "country": "DE"}
DECLARANT = {"eori": "DE123456789012"}
FORWARDER = {"eori": "DE987654321098", "name": "Havel Zollagentur GmbH", "country": "DE"}  # a representative
CARRIER = {"eori": "NL123456789", "name": "Maasvlakte Shipping B.V.", "country": "NL"}
CONSIGNEE = {"name": "Hudson Office Supply Inc.", "country": "US"}

OFFICE_OF_EXPORT = "DE002101"  # Berlin-Marzahn (EXP)
OFFICE_OF_EXIT = "NL000396"  # Rotterdam Maasvlakte (EXP, EXT)
OFFICE_OF_EXIT_CO = "ES001111"  # Cádiz (EXT): goods shipped to the Canary Islands

PARTIES = (EXPORTER, FORWARDER, CARRIER)  # what must be registered in EOS for the examples


def item(number: int = 1, *, cn_code: str = "84713000", description: str = "Portable computers (laptops), new",
         net_mass: str = "180", gross_mass: str = "240", value: str = "48000.00", packages: int = 12) -> Payload:
    return {"item_number": number, "description": description, "cn_code": cn_code, "net_mass": net_mass,
            "gross_mass": gross_mass, "packages": [{"type": "CT", "number": packages, "marks": "SPREE-NYC-01"}],
            "statistical_value": {"amount": value, "currency": "EUR"}, "origin": "DE"}


def declaration(lrn: str = "EXP-2026-0001", *, exporter: dict | None = None, declarant: dict | None = None,
                office_of_export: str = OFFICE_OF_EXPORT, office_of_exit: str = OFFICE_OF_EXIT,
                destination: str = "US", items: list[Payload] | None = None, **extra: Any) -> Payload:
    """IE515: a standard export declaration lodged on presentation (A), without exit summary data (MRN letter A)."""
    d: Payload = {
        "lrn": lrn, "declaration_type": "EX", "additional_declaration_type": "A", "security": 0, "procedure": "1000",
        "exporter": copy.deepcopy(exporter or EXPORTER), "declarant": copy.deepcopy(declarant or DECLARANT),
        "consignee": dict(CONSIGNEE), "office_of_export": office_of_export, "office_of_exit": office_of_exit,
        "country_of_export": office_of_export[:2], "country_of_destination": destination,
        "location_of_goods": "DEBERDE002101", "ucr": "6DE123456789012-EXP0001",
        "transport": {"inland_mode": "3", "border_mode": "1",
                      "departure": {"type": "30", "identity": "B-SC 4711", "nationality": "DE"}},
        "items": items if items is not None else [item()],
    }
    d.update(copy.deepcopy(extra))
    return d


def with_exit_summary(lrn: str = "EXP-2026-0002", **extra: Any) -> Payload:
    """IE515 with the exit summary data (security 2, MRN letter B): the active means of transport at the border
    and the carrier."""
    d = declaration(lrn, **{"security": 2, "carrier": dict(CARRIER), **extra})
    d["transport"]["active_at_border"] = {"type": "10", "identity": "9321483", "nationality": "PA"}
    d["transport"]["containers"] = ["MSCU1234566"]
    return d


def pre_lodged(lrn: str = "EXP-2026-0003", **extra: Any) -> Payload:
    """IE515 lodged before the goods are presented (additional declaration type D)."""
    return declaration(lrn, **{"additional_declaration_type": "D", **extra})


def controlled(lrn: str = "EXP-2026-0004", **extra: Any) -> Payload:
    """Polyethylene waste to a non-OECD country: the common risk criteria ask for a physical control."""
    return declaration(lrn, **{
        "destination": "VN", "consignee": {"name": "Saigon Recycling Co.", "country": "VN"},
        "items": [item(cn_code="39151020", description="Waste, parings and scrap of polyethylene (PE-HD)",
                       net_mass="20000", gross_mass="20500", value="3000.00", packages=20)], **extra})


def followed_by_transit(lrn: str = "EXP-2026-0005", transit_mrn: str | None = None, **extra: Any) -> Payload:
    """Export followed by transit: the goods released for export leave under a transit procedure."""
    link = {"followed_by_transit": True, **({"transit_mrn": transit_mrn} if transit_mrn else {})}
    return declaration(lrn, **{"transit": link, **extra})


def special_fiscal_territory(lrn: str = "EXP-2026-0006", **extra: Any) -> Payload:
    """CO: dispatch of Union goods to the Canary Islands (inside the customs territory, outside the VAT
    territory), MRN letter E."""
    return declaration(lrn, **{"declaration_type": "CO", "special_fiscal_territory": "ES-CN", "destination": "ES",
                               "office_of_exit": OFFICE_OF_EXIT_CO,
                               "consignee": {"name": "Tenerife Oficina S.L.", "country": "ES"}, **extra})


def re_export(lrn: str = "EXP-2026-0007", **extra: Any) -> Payload:
    """Re-export of non-Union goods after customs warehousing (procedure 3171)."""
    return declaration(lrn, **{"procedure": "3171", **extra})


def arrival(mrn: str, office_of_exit: str = OFFICE_OF_EXIT, **extra: Any) -> Payload:
    """IE507, arrival at exit."""
    return {"mrn": mrn, "office_of_exit": office_of_exit, "border_mode": "1",
            "active_at_border": {"type": "10", "identity": "9321483", "nationality": "PA"}, **extra}


def exit_notification(mrn: str, office_of_exit: str = OFFICE_OF_EXIT, **extra: Any) -> Payload:
    """IE590, exit notification by the carrier."""
    return {"mrn": mrn, "office_of_exit": office_of_exit, "transport_document": "MAEU-BL-2026-000481", **extra}


BUILDERS: dict[str, Callable[..., Payload]] = {
    "standard": declaration, "exit_summary": with_exit_summary, "pre_lodged": pre_lodged,
    "controlled": controlled, "transit": followed_by_transit, "co": special_fiscal_territory,
    "re_export": re_export,
}


def example(name: str) -> Payload:
    """The example IE515 called ``name`` (one of :data:`BUILDERS`)."""
    return BUILDERS[name]()
