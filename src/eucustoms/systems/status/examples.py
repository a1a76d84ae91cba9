"""Realistic PoUS requests and presentations to start from (``eucustoms pous example T2L > t2l.json``).

The offices, ports, CN codes and kinds of packages exist in the box's reference data; IMO and container numbers
carry valid check digits. The requester defaults to an EORI the demo registers; give your own."""

from __future__ import annotations

from typing import Any, Callable

from stdnum import iso6346

REQUESTER = "DE000000000001"


def imo_number(first_six: str) -> str:
    """A seven-digit IMO number: ``first_six`` and its check digit."""
    return first_six + str(sum(int(d) * w for d, w in zip(first_six, range(7, 1, -1))) % 10)


def container(owner_and_serial: str) -> str:
    """An ISO 6346 container number: owner code, category (U), six-digit serial and its check digit."""
    return owner_and_serial + iso6346.calc_check_digit(owner_and_serial)


def t2l(requester: str = REQUESTER, *, lrn: str = "T2L-2026-0001", office: str = "DE004851",
        authorisation: str | None = None) -> dict[str, Any]:
    """A T2L for machine parts shipped from Hamburg to Piraeus on a vessel that calls at a third-country port
    (so the goods must prove their Union status on arrival). With ``authorisation``, by an authorised issuer."""
    request: dict[str, Any] = {
        "lrn": lrn, "proof_type": "T2L", "requester": requester, "office_of_issue": office,
        "items": [
            {"item_number": 1, "description": "Parts of pumps for liquids", "cn_code": "84139100",
             "gross_mass": "1250.5", "packages": 4, "package_kind": "PX", "containers": [container("MSKU123456")]},
            {"item_number": 2, "description": "Ball bearings", "cn_code": "84821010", "gross_mass": "310",
             "packages": 12, "package_kind": "CT", "containers": [container("MSKU123456")]},
        ],
        "transport": {"mode": "1", "vessel_name": "ELBE CARRIER", "imo_number": imo_number("932148"),
                      "port_of_departure": "DEHAM", "port_of_arrival": "GRPIR", "voyage_number": "EC2611"},
    }
    if authorisation:
        request.update(authorised_issuer=True, authorisation_reference=authorisation)
    return request


def t2lf(requester: str = REQUESTER, *, lrn: str = "T2LF-2026-0001", office: str = "ES003591") -> dict[str, Any]:
    """A T2LF for bananas shipped from Las Palmas (Canary Islands: customs territory, outside the VAT territory)
    to Valencia."""
    return {
        "lrn": lrn, "proof_type": "T2LF", "requester": requester, "office_of_issue": office,
        "items": [{"item_number": 1, "description": "Fresh bananas (Plátano de Canarias)", "cn_code": "08039011", "gross_mass": "18400",
                   "packages": 920, "package_kind": "CT", "containers": [container("CMAU765432")]}],
        "transport": {"mode": "1", "vessel_name": "ATLANTICO", "imo_number": imo_number("921345"),
                      "port_of_departure": "ESLPA", "port_of_arrival": "ESVLC"},
    }


def cgm(requester: str = REQUESTER, *, lrn: str = "CGM-2026-0001", office: str = "DE004851", items: int = 3) -> dict[str, Any]:
    """A customs goods manifest of a short-sea voyage Hamburg → Rotterdam, one item per bill of lading: the
    items are used one by one as the consignments are presented in Rotterdam."""
    goods = [("Polyethylene in primary forms", "39011010", "21000", 20, "PX"),
             ("Wine of fresh grapes, in bottles", "22042109", "9800", 700, "CT"),
             ("Paper and paperboard, uncoated", "48025680", "24000", 30, "PX"),
             ("Tractor tyres, new", "40117000", "5200", 40, "PK")]
    return {
        "lrn": lrn, "proof_type": "CGM", "requester": requester, "office_of_issue": office,
        "items": [{"item_number": n + 1, "description": d, "cn_code": cn, "gross_mass": mass, "packages": pk,
                   "package_kind": kind, "containers": [container(f"HLXU{400001 + n:06d}")],
                   "transport_document": f"HH-RTM-2611-{n + 1:03d}"}
                  for n, (d, cn, mass, pk, kind) in enumerate((goods * ((items // len(goods)) + 1))[:items])],
        "transport": {"mode": "1", "vessel_name": "NORDIC FEEDER", "imo_number": imo_number("951234"),
                      "port_of_departure": "DEHAM", "port_of_arrival": "NLRTM", "voyage_number": "NF0311"},
    }


def presentation(office: str | None = None, items: list[int] | None = None, reference: str | None = None) -> dict[str, Any]:
    """The use of a proof at an office of presentation (for a manifest, the items presented)."""
    return {k: v for k, v in {"office": office, "items": items, "reference": reference}.items() if v is not None}


EXAMPLES: dict[str, Callable[..., dict[str, Any]]] = {"T2L": t2l, "T2LF": t2lf, "CGM": cgm}
