"""Realistic example ENS payloads (JSON-ready dicts), one or more per family, valid against the packaged
reference data: real UN/LOCODEs, customs offices with the role ENT, HS codes of the 2022 nomenclature.
The parties are invented; their EORI numbers are well-formed but fictitious.

Every builder returns a fresh dict, so callers may change it. ``at`` is the date and time of loading (UTC by
default); all other times of the journey follow from it, and ``issued`` (the document issue date) defaults to
a moment before any deadline, so an example lodged at its ``document_issue_date`` is on time.

The simulator, the API tests and the demo reuse these builders::

    payload = examples.sea_f11()
    filing, issues = validate_filing("IE3F11", payload, refdata, as_of=date(2025, 3, 1))
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from typing import Any

from .validation import container_check_digit

UTC = timezone.utc
DEFAULT_LOADING = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)

Payload = dict[str, Any]


def _t(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _address(street: str, city: str, country: str, postcode: str | None = None, number: str | None = None) -> dict:
    found = {"street": street, "city": city, "country": country}
    if postcode:
        found["postcode"] = postcode
    if number:
        found["number"] = number
    return found


# --------------------------------------------------------------------------------------------- parties

OCEAN_CARRIER = {
    "name": "Nordic Ocean Lines A/S", "identification_number": "DK41882766", "type_of_person": "2",
    "address": _address("Esplanaden", "Copenhagen", "DK", "1263", "50"),
    "communications": [{"type": "EM", "identifier": "ics2@nordic-ocean.example"}],
}
AIRLINE = {
    "name": "EuroAsia Cargo Airlines GmbH", "identification_number": "DE7741200315", "type_of_person": "2",
    "address": _address("Cargo City Süd, Gebäude 558", "Frankfurt am Main", "DE", "60549"),
    "communications": [{"type": "TE", "identifier": "+49 69 1234 5600"}],
}
HOUSE_FILER = {
    "name": "Rhein-Maas Forwarding GmbH", "identification_number": "DE4711001234567", "type_of_person": "2",
    "address": _address("Am Sandtorkai", "Hamburg", "DE", "20457", "38"),
    "communications": [{"type": "EM", "identifier": "ens@rheinmaas.example"}],
}
SHIPPER = {
    "name": "Shanghai Bright Furniture Co., Ltd.", "identification_number": "CN91310115MA1K3", "type_of_person": "2",
    "address": _address("1288 Zhangjiang Road", "Shanghai", "CN", "201203"),
}
IMPORTER = {
    "name": "Hollandse Meubelhandel B.V.", "identification_number": "NL815361234", "type_of_person": "2",
    "address": _address("Waalhaven Zuidzijde", "Rotterdam", "NL", "3089 JH", "21"),
}
ELECTRONICS_SHIPPER = {
    "name": "Kowloon Precision Electronics Ltd.", "identification_number": "HK61234567", "type_of_person": "2",
    "address": _address("88 Hung To Road, Kwun Tong", "Hong Kong", "HK"),
}
ELECTRONICS_IMPORTER = {
    "name": "Rhein-Main Elektronik Vertrieb GmbH", "identification_number": "DE5550123456789", "type_of_person": "2",
    "address": _address("Hanauer Landstraße", "Frankfurt am Main", "DE", "60314", "291"),
}


def container(prefix: str) -> str:
    """An ISO 6346 container number with its check digit, e.g. ``container("NOLU123456")``."""
    return prefix + container_check_digit(prefix)


# --------------------------------------------------------------------------------------------- sea


def _sea_journey(at: datetime) -> dict:
    return {
        "active_means": {"mode": "1", "type_of_identification": "10", "identification_number": "IMO9074729",
                         "nationality": "DK", "conveyance_reference_number": "512W"},
        "countries_of_routing_of_means": ["CN", "SG", "NL"],
        "place_of_loading": {"unlocode": "CNSHA"},
        "place_of_unloading": {"unlocode": "NLRTM"},
        "customs_office_of_first_entry": "NL000396",  # Rotterdam Maasvlakte (role ENT)
        "loading_datetime": _t(at),
        "departure_datetime": _t(at + timedelta(hours=30)),
        "expected_arrival": _t(at + timedelta(days=34)),
    }


def _furniture_house(number: str | None, first_container: str, *, buyer_seller: bool = True,
                     link: bool = False) -> dict:
    house: dict[str, Any] = {
        "consignor": copy.deepcopy(SHIPPER),
        "consignee": copy.deepcopy(IMPORTER),
        "container_indicator": True,
        "gross_mass": "2412.5",
        "place_of_acceptance": {"unlocode": "CNSHA"},
        "place_of_delivery": {"unlocode": "NLRTM"},
        "countries_of_routing": ["CN", "NL"],
        "transport_charges_method_of_payment": "Y",
        "transport_equipment": [{"container_identification_number": container(first_container),
                                 "container_size_and_type": "45G1", "seals": [{"identifier": "NOL4471023"}]}],
        "goods_items": [
            {"goods_item_number": 1, "description_of_goods": "Wooden dining tables, solid oak, flat-packed",
             "hs_code": "940360", "cn_code": "94036010", "gross_mass": "1450.0",
             "packaging": [{"type_of_packages": "CT", "number_of_packages": 60, "shipping_marks": "HMH-RTM 1-60"}]},
            {"goods_item_number": 2, "description_of_goods": "Upholstered dining chairs with wooden frames",
             "hs_code": "940161", "gross_mass": "962.5",
             "packaging": [{"type_of_packages": "CT", "number_of_packages": 240,
                            "shipping_marks": "HMH-RTM 61-300"}]},
        ],
    }
    if number is not None:
        house["transport_document"] = {"type": "N714", "reference_number": number}
    if buyer_seller:
        house["buyer"] = copy.deepcopy(IMPORTER)
        house["seller"] = copy.deepcopy(SHIPPER)
    if link:
        house["master_transport_document"] = {"type": "N704", "reference_number": SEA_MASTER_BL}
        house["carrier"] = {"identification_number": OCEAN_CARRIER["identification_number"]}
    return house


SEA_MASTER_BL = "NOLUSHA250301234"
SEA_HOUSE_BLS = ("RMFSHA2500871", "RMFSHA2500872")


def _envelope(message_type: str, lrn: str, declarant: dict, issued: datetime) -> dict:
    return {"message_type": message_type, "lrn": lrn, "document_issue_date": _t(issued),
            "specific_circumstance_indicator": message_type[3:], "declarant": copy.deepcopy(declarant)}


def sea_f11(at: datetime = DEFAULT_LOADING, issued: datetime | None = None) -> Payload:
    """F11: the carrier's complete ENS - master B/L Shanghai → Rotterdam with two house B/Ls."""
    payload = _envelope("IE3F11", "NOL-F11-2503-0001", OCEAN_CARRIER, issued or at - timedelta(days=3))
    payload["consignment"] = {
        "transport_document": {"type": "N704", "reference_number": SEA_MASTER_BL},
        "carrier": copy.deepcopy(OCEAN_CARRIER),
        **_sea_journey(at),
        "container_indicator": True,
        "gross_mass": "4825.0",
        "house_consignments": [_furniture_house(SEA_HOUSE_BLS[0], "NOLU451002"),
                               _furniture_house(SEA_HOUSE_BLS[1], "NOLU451013")],
    }
    return payload


def sea_f10(at: datetime = DEFAULT_LOADING, issued: datetime | None = None) -> Payload:
    """F10: the carrier's complete ENS for a straight bill of lading (one consignment, no house B/L)."""
    payload = _envelope("IE3F10", "NOL-F10-2503-0002", OCEAN_CARRIER, issued or at - timedelta(days=3))
    payload["consignment"] = {
        "transport_document": {"type": "N705", "reference_number": "NOLUSHA250309876"},
        "carrier": copy.deepcopy(OCEAN_CARRIER),
        **_sea_journey(at),
        "container_indicator": True,
        "gross_mass": "2412.5",
        "house_consignments": [_furniture_house(None, "NOLU451024")],
    }
    return payload


def sea_f12(at: datetime = DEFAULT_LOADING, issued: datetime | None = None) -> Payload:
    """F12: the carrier's master B/L only; the house filer (Rhein-Maas Forwarding) lodges the house B/Ls."""
    payload = _envelope("IE3F12", "NOL-F12-2503-0003", OCEAN_CARRIER, issued or at - timedelta(days=3))
    payload["consignment"] = {
        "transport_document": {"type": "N704", "reference_number": SEA_MASTER_BL},
        "carrier": copy.deepcopy(OCEAN_CARRIER),
        **_sea_journey(at),
        "container_indicator": True,
        "gross_mass": "4825.0",
        "transport_equipment": [{"container_identification_number": container("NOLU451002")},
                                {"container_identification_number": container("NOLU451013")}],
        "supplementary_declarants": [{"identification_number": HOUSE_FILER["identification_number"],
                                      "supplementary_filing_type": "1"}],
    }
    return payload


def sea_f15(at: datetime = DEFAULT_LOADING, issued: datetime | None = None) -> Payload:
    """F15: the house filer's complete house B/Ls under the carrier's master B/L of :func:`sea_f12`."""
    payload = _envelope("IE3F15", "RMF-F15-2503-0001", HOUSE_FILER, issued or at - timedelta(days=2))
    payload["addressed_member_state"] = "NL"
    payload["consignment"] = {
        "active_means": {"mode": "1"},
        "house_consignments": [_furniture_house(SEA_HOUSE_BLS[0], "NOLU451002", link=True),
                               _furniture_house(SEA_HOUSE_BLS[1], "NOLU451013", link=True)],
    }
    return payload


# --------------------------------------------------------------------------------------------- air

AIR_MASTER_AWB = "160-12345675"


def _air_journey(at: datetime) -> dict:
    return {
        "active_means": {"mode": "4", "conveyance_reference_number": "EA0733", "nationality": "DE"},
        "countries_of_routing_of_means": ["HK", "DE"],
        "place_of_loading": {"unlocode": "HKHKG"},
        "place_of_unloading": {"unlocode": "DEFRA"},
        "customs_office_of_first_entry": "DE003302",  # Frankfurt am Main-Flughafen (role ENT)
        "loading_datetime": _t(at),
        "departure_datetime": _t(at + timedelta(hours=2)),
        "expected_arrival": _t(at + timedelta(hours=15)),
    }


def _laptop_house(hawb: str, *, link: bool = False) -> dict:
    house: dict[str, Any] = {
        "transport_document": {"type": "N703", "reference_number": hawb},
        "consignor": copy.deepcopy(ELECTRONICS_SHIPPER),
        "consignee": copy.deepcopy(ELECTRONICS_IMPORTER),
        "gross_mass": "318.4",
        "place_of_acceptance": {"unlocode": "HKHKG"},
        "place_of_delivery": {"unlocode": "DEFRA"},
        "countries_of_routing": ["HK", "DE"],
        "transport_charges_method_of_payment": "Y",
        "goods_items": [
            {"goods_item_number": 1, "description_of_goods": "Laptop computers, 14 inch, with lithium-ion batteries",
             "hs_code": "847130", "cn_code": "84713000", "gross_mass": "298.4",
             "packaging": [{"type_of_packages": "CT", "number_of_packages": 40, "shipping_marks": "RME FRA 1-40"}]},
            {"goods_item_number": 2, "description_of_goods": "Smartphones for cellular networks",
             "hs_code": "851713", "gross_mass": "20.0",
             "packaging": [{"type_of_packages": "BX", "number_of_packages": 4, "shipping_marks": "RME FRA 41-44"}]},
        ],
    }
    if link:
        house["master_transport_document"] = {"type": "N741", "reference_number": AIR_MASTER_AWB}
        house["carrier"] = {"identification_number": AIRLINE["identification_number"]}
    return house


def air_f26(at: datetime = DEFAULT_LOADING, issued: datetime | None = None) -> Payload:
    """F26: the airline's complete ENS with the pre-loading data, Hong Kong → Frankfurt, one house AWB."""
    payload = _envelope("IE3F26", "EAC-F26-0733-0001", AIRLINE, issued or at - timedelta(hours=6))
    payload["consignment"] = {
        "transport_document": {"type": "N741", "reference_number": AIR_MASTER_AWB},
        "carrier": copy.deepcopy(AIRLINE),
        **_air_journey(at),
        "gross_mass": "318.4",
        "house_consignments": [_laptop_house("RMFHKG2500451")],
    }
    return payload


def air_f25(at: datetime = DEFAULT_LOADING, issued: datetime | None = None) -> Payload:
    """F25: the pre-loading minimum dataset (PLACI "7+1") lodged by the house filer for one house AWB."""
    house = _laptop_house("RMFHKG2500451", link=True)
    placi_house = {key: house[key] for key in ("transport_document", "master_transport_document", "carrier",
                                              "gross_mass")}
    placi_house["consignor"] = {k: house["consignor"][k] for k in ("name", "address")}
    placi_house["consignee"] = {k: house["consignee"][k] for k in ("name", "address")}
    placi_house["goods_items"] = [
        {"goods_item_number": item["goods_item_number"], "description_of_goods": item["description_of_goods"],
         "packaging": [{"type_of_packages": p["type_of_packages"], "number_of_packages": p["number_of_packages"],
                        "shipping_marks": p["shipping_marks"]} for p in item["packaging"]]}
        for item in house["goods_items"]]
    payload = _envelope("IE3F25", "RMF-F25-0733-0001", HOUSE_FILER, issued or at - timedelta(hours=12))
    payload["addressed_member_state"] = "DE"
    payload["consignment"] = {"house_consignments": [placi_house]}
    return payload


def air_f21(at: datetime = DEFAULT_LOADING, issued: datetime | None = None) -> Payload:
    """F21: the airline's master AWB only; the house filer lodges F22/F23 for the house AWB."""
    payload = _envelope("IE3F21", "EAC-F21-0733-0002", AIRLINE, issued or at - timedelta(hours=6))
    payload["consignment"] = {
        "transport_document": {"type": "N741", "reference_number": AIR_MASTER_AWB},
        "carrier": copy.deepcopy(AIRLINE),
        **_air_journey(at),
        "gross_mass": "318.4",
        "supplementary_declarants": [{"identification_number": HOUSE_FILER["identification_number"],
                                      "supplementary_filing_type": "1"}],
    }
    return payload


def air_f22(at: datetime = DEFAULT_LOADING, issued: datetime | None = None) -> Payload:
    """F22: the house filer's house AWB under :func:`air_f21`'s master AWB."""
    payload = _envelope("IE3F22", "RMF-F22-0733-0002", HOUSE_FILER, issued or at - timedelta(hours=6))
    payload["addressed_member_state"] = "DE"
    payload["consignment"] = {"active_means": {"mode": "4"},
                              "house_consignments": [_laptop_house("RMFHKG2500451", link=True)]}
    return payload


# --------------------------------------------------------------------------------------------- express

EXPRESS_OPERATOR = {
    "name": "Transatlantic Express Europe SRL", "identification_number": "BE0412345678", "type_of_person": "2",
    "address": _address("Rue de l'Aéroport", "Grâce-Hollogne", "BE", "4460", "50"),
    "communications": [{"type": "EM", "identifier": "ens@tae.example"}],
}


def express_f34(at: datetime = DEFAULT_LOADING, issued: datetime | None = None) -> Payload:
    """F34: the express carrier's complete ENS, New York JFK → Liège, two express shipments."""
    payload = _envelope("IE3F34", "TAE-F34-0907-0001", EXPRESS_OPERATOR, issued or at - timedelta(hours=4))

    def shipment(awb: str, consignee_name: str, city: str, postcode: str, description: str, hs: str,
                 mass: str) -> dict:
        return {
            "transport_document": {"type": "N740", "reference_number": awb},
            "consignor": {"name": "Hudson Valley Outfitters Inc.", "identification_number": "US1234567",
                          "type_of_person": "2", "address": _address("1 Liberty Plaza", "New York", "US", "10006")},
            "consignee": {"name": consignee_name, "type_of_person": "1",
                          "address": _address("Rue Saint-Gilles", city, "BE", postcode, "12")},
            "gross_mass": mass,
            "place_of_acceptance": {"unlocode": "USNYC"},
            "place_of_delivery": {"location": city, "country": "BE"},
            "countries_of_routing": ["US", "BE"],
            "goods_items": [{"goods_item_number": 1, "description_of_goods": description, "hs_code": hs,
                             "gross_mass": mass,
                             "packaging": [{"type_of_packages": "PK", "number_of_packages": 1,
                                            "shipping_marks": awb}]}],
        }

    payload["consignment"] = {
        "transport_document": {"type": "N741", "reference_number": "615-88340215"},
        "carrier": copy.deepcopy(EXPRESS_OPERATOR),
        "active_means": {"mode": "4", "conveyance_reference_number": "TX0907", "type_of_identification": "40",
                         "identification_number": "TX0907", "nationality": "BE"},
        "countries_of_routing_of_means": ["US", "BE"],
        "place_of_loading": {"unlocode": "USJFK"},
        "place_of_unloading": {"unlocode": "BELGG"},
        "customs_office_of_first_entry": "BE532000",  # Bierset (Grâce-Hollogne) - Liège airport (role ENT)
        "loading_datetime": _t(at),
        "departure_datetime": _t(at + timedelta(hours=1, minutes=30)),
        "expected_arrival": _t(at + timedelta(hours=9)),
        "gross_mass": "3.9",
        "house_consignments": [
            shipment("8834021501", "Amélie Dubois", "Liège", "4000", "Hiking boots, leather uppers, rubber soles",
                     "640399", "2.4"),
            shipment("8834021502", "Jan Peeters", "Namur", "5000", "Backpack with outer surface of textile",
                     "420292", "1.5"),
        ],
    }
    return payload


# --------------------------------------------------------------------------------------------- postal

POSTAL_OPERATOR_ORIGIN = {
    "name": "China Post Group Corporation, International Mail Centre", "identification_number": "CN11000001",
    "type_of_person": "2", "address": _address("3 Jinrong Street", "Beijing", "CN", "100808"),
}
POSTAL_OPERATOR_DESTINATION = {
    "name": "An Post", "identification_number": "IE6388047V", "type_of_person": "2",
    "address": _address("Dublin Mail Centre, Northern Cross", "Dublin", "IE", "D17 NY22"),
    "communications": [{"type": "EM", "identifier": "customs@anpost.example"}],
}


def postal_f40(at: datetime = DEFAULT_LOADING, issued: datetime | None = None) -> Payload:
    """F40: the complete postal ENS lodged by the postal operator of destination (An Post) for two CN 23
    items flown Beijing → Dublin."""
    payload = _envelope("IE3F40", "ANP-F40-2503-0001", POSTAL_OPERATOR_DESTINATION, issued or at - timedelta(hours=5))

    def item(s10: str, name: str, description: str, hs: str, mass: str, city: str = "Dublin") -> dict:
        return {
            "transport_document": {"type": "N750", "reference_number": s10},
            "consignor": {"name": "Shenzhen Gadget Store", "identification_number": "CN44030012",
                          "type_of_person": "2", "address": _address("Huaqiang North Road 1002", "Shenzhen", "CN")},
            "consignee": {"name": name, "type_of_person": "1",
                          "address": _address("Main Street", city, "IE", "D02 X285", "14")},
            "gross_mass": mass,
            "place_of_acceptance": {"unlocode": "CNSZX"},
            "place_of_delivery": {"location": city, "country": "IE"},
            "countries_of_routing": ["CN", "IE"],
            "goods_items": [{"goods_item_number": 1, "description_of_goods": description, "hs_code": hs,
                             "gross_mass": mass,
                             "packaging": [{"type_of_packages": "PK", "number_of_packages": 1,
                                            "shipping_marks": s10}]}],
        }

    payload["consignment"] = {
        "transport_document": {"type": "N741", "reference_number": "999-31415926"},
        "carrier": {"name": "Sino-Irish Air Cargo Ltd.", "identification_number": "IE3456789WH",
                    "type_of_person": "2", "address": _address("Cargo Terminal 2", "Dublin Airport", "IE", "K67 Y9C2")},
        "consignor": copy.deepcopy(POSTAL_OPERATOR_ORIGIN),
        "consignee": copy.deepcopy(POSTAL_OPERATOR_DESTINATION),
        "active_means": {"mode": "4", "conveyance_reference_number": "SI0512"},
        "countries_of_routing_of_means": ["CN", "IE"],
        "place_of_loading": {"unlocode": "CNPEK"},
        "place_of_unloading": {"unlocode": "IEDUB"},
        "customs_office_of_first_entry": "IEDUB500",  # Dublin Mail Centre (role ENT)
        "loading_datetime": _t(at),
        "departure_datetime": _t(at + timedelta(hours=2)),
        "expected_arrival": _t(at + timedelta(hours=14)),
        "gross_mass": "12.5",
        "receptacle_identification_numbers": ["CNBJSAIEDUBAAUN50001001100042"],
        "house_consignments": [
            item("RR123456785CN", "Siobhán Murphy", "Wireless earphones with charging case", "851830", "0.4"),
            item("RR123456799CN", "Liam O'Brien", "Cotton T-shirts, knitted, printed", "610910", "0.6"),
        ],
    }
    return payload


# --------------------------------------------------------------------------------------------- road and rail

ROAD_CARRIER = {
    "name": "Lviv Trans Logistic LLC", "identification_number": "PL000000382417", "type_of_person": "2",
    "address": _address("Horodotska Street", "Lviv", "UA", "79040", "174"),
}
POLISH_IMPORTER = {
    "name": "Podkarpackie Drewno Sp. z o.o.", "identification_number": "PL8133456789", "type_of_person": "2",
    "address": _address("ul. Przemysłowa", "Przemyśl", "PL", "37-700", "8"),
}
RAIL_CARRIER = {
    "name": "Eurasian Rail Gateway Sp. z o.o.", "identification_number": "PL5372645123000", "type_of_person": "2",
    "address": _address("ul. Kolejowa", "Małaszewicze", "PL", "21-540", "1"),
}


def road_f50(at: datetime = DEFAULT_LOADING, issued: datetime | None = None) -> Payload:
    """F50: the road carrier's complete ENS, Lviv → Medyka, wooden pallets unpacked (bulk, no package count)."""
    payload = _envelope("IE3F50", "LTL-F50-0303-0001", ROAD_CARRIER, issued or at - timedelta(hours=2))
    payload["consignment"] = {
        "transport_document": {"type": "N730", "reference_number": "CMR-UA-0451287"},
        "carrier": copy.deepcopy(ROAD_CARRIER),
        "active_means": {"mode": "3", "type_of_identification": "30", "identification_number": "BC4521KT",
                         "nationality": "UA"},
        "countries_of_routing_of_means": ["UA", "PL"],
        "place_of_loading": {"unlocode": "UALVI"},
        "place_of_unloading": {"unlocode": "PLMED"},
        "customs_office_of_first_entry": "PL401030",  # Medyka (road border crossing, role ENT)
        "loading_datetime": _t(at),
        "departure_datetime": _t(at + timedelta(minutes=30)),
        "expected_arrival": _t(at + timedelta(hours=3)),
        "gross_mass": "11520",
        "house_consignments": [{
            "consignor": {"name": "Karpaty Wood Products LLC", "identification_number": "UA40128533",
                          "type_of_person": "2", "address": _address("Zavodska Street", "Stryi", "UA", "82400", "3")},
            "consignee": copy.deepcopy(POLISH_IMPORTER),
            "gross_mass": "11520",
            "place_of_acceptance": {"unlocode": "UALVI"},
            "place_of_delivery": {"location": "Przemyśl", "country": "PL"},
            "countries_of_routing": ["UA", "PL"],
            "goods_items": [{"goods_item_number": 1,
                             "description_of_goods": "Wooden pallets (EUR type), new, pine",
                             "hs_code": "441520", "gross_mass": "11520",
                             "packaging": [{"type_of_packages": "NE"}]}],
        }],
    }
    return payload


def rail_f51(at: datetime = DEFAULT_LOADING, issued: datetime | None = None) -> Payload:
    """F51: the rail carrier's complete ENS for a container train Xi'an → Małaszewicze via Brest; the train
    leaves Brest (its last station of train formation) 90 minutes before arriving."""
    payload = _envelope("IE3F51", "ERG-F51-0303-0001", RAIL_CARRIER, issued or at - timedelta(hours=6))
    departure = at + timedelta(days=11)
    payload["consignment"] = {
        "transport_document": {"type": "N720", "reference_number": "CIMSMGS-24-8812345"},
        "carrier": copy.deepcopy(RAIL_CARRIER),
        "active_means": {"mode": "2", "type_of_identification": "21", "identification_number": "X8024-CP",
                         "nationality": "BY"},
        "countries_of_routing_of_means": ["CN", "KZ", "RU", "BY", "PL"],
        "place_of_loading": {"unlocode": "CNXIA"},
        "place_of_unloading": {"unlocode": "PLMAA"},
        "customs_office_of_first_entry": "PL301020",  # Małaszewicze (rail, role ENT)
        "loading_datetime": _t(at),
        "departure_datetime": _t(departure),
        "expected_arrival": _t(departure + timedelta(minutes=90)),
        "container_indicator": True,
        "gross_mass": "18340",
        "transport_equipment": [{"container_identification_number": container("TGHU870112"),
                                 "container_size_and_type": "45G1"}],
        "house_consignments": [{
            "consignor": {"name": "Xi'an Hi-Tech Auto Parts Co., Ltd.", "identification_number": "CN61019876",
                          "type_of_person": "2", "address": _address("Keji Road 25", "Xi'an", "CN", "710075")},
            "consignee": {"name": "Mazowiecka Dystrybucja Części S.A.", "identification_number": "PL5213001122",
                          "type_of_person": "2", "address": _address("ul. Żwirki i Wigury", "Warszawa", "PL",
                                                                     "02-092", "16")},
            "container_indicator": True,
            "gross_mass": "18340",
            "place_of_acceptance": {"unlocode": "CNXIA"},
            "place_of_delivery": {"unlocode": "PLWAW"},
            "countries_of_routing": ["CN", "KZ", "RU", "BY", "PL"],
            "goods_items": [
                {"goods_item_number": 1, "description_of_goods": "Brake pads for passenger cars",
                 "hs_code": "870830", "gross_mass": "10200",
                 "packaging": [{"type_of_packages": "PX", "number_of_packages": 20, "shipping_marks": "MDC 1-20"}]},
                {"goods_item_number": 2, "description_of_goods": "Paint for vehicle bodies, solvent-based",
                 "hs_code": "320890", "un_dangerous_goods_codes": ["1263"], "gross_mass": "8140",
                 "packaging": [{"type_of_packages": "1A", "number_of_packages": 40,
                                "shipping_marks": "MDC 21-60 UN1263"}]},
            ],
        }],
    }
    return payload


# --------------------------------------------------------------------------------------------- index

BUILDERS = {
    "IE3F10": sea_f10, "IE3F11": sea_f11, "IE3F12": sea_f12, "IE3F15": sea_f15,
    "IE3F21": air_f21, "IE3F22": air_f22, "IE3F25": air_f25, "IE3F26": air_f26,
    "IE3F34": express_f34, "IE3F40": postal_f40, "IE3F50": road_f50, "IE3F51": rail_f51,
}
"""Message type → example builder."""


def example(message_type: str, **kwargs) -> Payload:
    """The example payload of ``message_type`` (``IE3F11``)."""
    return BUILDERS[message_type.upper()](**kwargs)
