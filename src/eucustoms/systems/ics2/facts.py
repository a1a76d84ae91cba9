"""What the risk analysis reads of an ENS: one neutral "facts" record per house consignment, with the
master-level journey completed from the carrier's filing of the same linked set."""

from __future__ import annotations

from typing import Any, Iterable

from .messages import Filing

MODE_NAMES = {"1": "sea", "2": "rail", "3": "road", "4": "air", "5": "post", "7": "fixed_installation",
              "8": "inland_waterway", "9": "own_propulsion"}


def _party(p) -> dict[str, Any] | None:  # noqa: ANN001
    if p is None:
        return None
    out: dict[str, Any] = {}
    if p.identification_number:
        out["id"] = p.identification_number
    if p.name:
        out["name"] = p.name
    if p.address is not None:
        out["country"] = p.address.country
    return out or None


def _address_text(p) -> str | None:  # noqa: ANN001
    a = p.address if p is not None else None
    if a is None:
        return None
    return " ".join(x for x in (a.street, a.number, a.po_box, a.postcode, a.city, a.country) if x)


def _master(filings: Iterable[Filing]) -> Filing | None:
    """The filing that carries the journey (the carrier's), if any."""
    for f in filings:
        c = f.consignment
        if c.active_means is not None and (c.place_of_loading is not None or c.customs_office_of_first_entry):
            return f
    return None


def house_facts(mrn_of: dict[int, str], filings: list[Filing]) -> list[dict[str, Any]]:
    """One facts dict per house consignment of the linked ``filings`` (``mrn_of`` maps id(filing) → MRN)."""
    master = _master(filings)
    mc = master.consignment if master is not None else None
    out = []
    for f in filings:
        c = f.consignment
        journey = mc or c
        for index, house in enumerate(c.house_consignments):
            mode = journey.active_means.mode if journey.active_means else (
                c.active_means.mode if c.active_means else None)
            loading = journey.place_of_loading or c.place_of_loading
            unloading = journey.place_of_unloading or c.place_of_unloading
            office = journey.customs_office_of_first_entry or c.customs_office_of_first_entry
            origins = sorted({p.address.country for p in (house.consignor, house.seller) if p and p.address})
            parties = {role: _party(getattr(house, role, None)) for role in
                       ("consignor", "consignee", "buyer", "seller", "notify_party")}
            parties["carrier"] = _party(house.carrier or journey.carrier)
            parties["declarant"] = _party(f.declarant)
            items = [{
                "number": item.goods_item_number,
                **({"hs6": item.hs_code} if item.hs_code and not item.cn_code else {}),
                **({"cn8": item.cn_code} if item.cn_code else {}),
                **({"description": item.description_of_goods} if item.description_of_goods else {}),
                **({"gross_mass_kg": str(item.gross_mass)} if item.gross_mass is not None else {}),
                **({"un_dg": item.un_dangerous_goods_codes[0]} if item.un_dangerous_goods_codes else {}),
                **({"cus": item.cus_code} if item.cus_code else {}),
            } for item in house.goods_items]
            routing = list(house.countries_of_routing or journey.countries_of_routing_of_means)
            out.append({
                "kind": "ens",
                "reference": f"{mrn_of[id(f)]}/{index + 1}",
                **({"mode": MODE_NAMES.get(mode, mode)} if mode else {}),
                "countries": {k: v for k, v in {
                    "dispatch": loading.country_code if loading else None,
                    "origin": origins or None,
                    "routing": routing or None,
                    "first_entry": office[:2] if office else f.addressed_member_state,
                    "destination": house.consignee.address.country if house.consignee and house.consignee.address else None,
                }.items() if v},
                "places": {k: v for k, v in {
                    "loading": loading.unlocode if loading else None,
                    "unloading": unloading.unlocode if unloading else None,
                }.items() if v},
                "parties": {k: v for k, v in parties.items() if v},
                "items": items,
                "dates": {k: v.isoformat() for k, v in {
                    "lodged": f.document_issue_date, "loading": journey.loading_datetime,
                    "arrival": journey.expected_arrival,
                }.items() if v},
                "attributes": {"filing_type": f.filing_type,
                               "house_document": house.transport_document.reference_number if house.transport_document else None,
                               "consignee_address": _address_text(house.consignee)},
            })
    return out
