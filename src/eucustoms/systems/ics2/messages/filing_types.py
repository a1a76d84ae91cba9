"""The catalogue of ENS filing types (specific circumstance indicator, CL742): F10-F17 sea and inland
waterways, F20-F29 air cargo, F30-F34 express, F40-F45 postal, F50 road, F51 rail.

Declarative: one :class:`FilingType` per type, saying who lodges it, for which mode, at which level, whether
it is a pre-loading (PLACI) filing, whether it is partial (and so completed by other filings, matched on
their linking keys, see :mod:`.linking`), which particulars it must carry and which it must not carry.

Particulars are paths into :class:`~.filing.Filing`: ``consignment.house_consignments[].buyer.name`` means
"the buyer's name of every house consignment". A particular may name an exemption (``unless``):

* ``natural_persons`` - HTI condition C3025: the commodity code is not required when consignor and consignee
  are both natural persons;
* ``to_order`` - C3021/C3022: no consignee for a negotiable "to order" bill of lading (additional information
  code 10600);
* ``bulk`` - C3035/C3036: no number of packages or shipping marks for bulk or unpacked goods.

Sources, quoted per entry:

* [HTI] ICS2 Harmonised Trader Interface, Information Exchanges v2.02 (2022-05-04), message structures
  IE3F10 ... IE3F51 - seen for F10, F11, F14, F15, F17, F20, F22, F29, F34, F40, F42, F43, F50, F51;
* [R&C] ICS2 HTI Rules and Conditions v2.01 (2022-05-23): R3002-R3053, C3001-C3051;
* [DA] Delegated Regulation (EU) 2015/2446 (UCC DA), Art. 105-109 and 112-113, Annex B (F-columns);
* [OPS] public operational guidance: the EU's ICS2 maritime/air/postal guidance as relayed by carriers and
  customs (e.g. the Commission's notice that F28/F29 may not be used for e-commerce; carriers' advisories
  on F10-F13 and supplementary declarants).

``verified`` is True where the message structure itself was read in [HTI]; otherwise the entry is our
reconstruction from the filing scheme (the sequence of types, the DA columns and [OPS]) and is flagged as
such in docs/ics2-filings.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Family(str, Enum):
    SEA = "sea"  # maritime and inland waterways
    AIR = "air"  # air cargo (general)
    EXPRESS = "express"
    POSTAL = "postal"
    ROAD = "road"
    RAIL = "rail"


class Filer(str, Enum):
    """Who lodges the filing (Art. 127(4)-(6) UCC, Art. 112-113 DA)."""

    CARRIER = "carrier"
    HOUSE_FILER = "house filer"  # the person who issued the house transport document (NVOCC, forwarder)
    CONSIGNEE = "consignee"  # of a straight or of the lowest house bill of lading (Art. 112(1) DA)
    POSTAL_OPERATOR = "postal operator"
    EXPRESS_OPERATOR = "express operator"
    CARRIER_OR_HOUSE_FILER = "carrier or house filer"  # PLACI 7+1 may come from either


class Level(str, Enum):
    MASTER = "master"
    HOUSE = "house"
    BOTH = "master and house"


# Modes of transport (CL218 TransportModeCode) of the active means crossing the border.
SEA_MODES = frozenset({"1", "8"})
AIR_MODES = frozenset({"4"})
ROAD_MODES = frozenset({"3"})
RAIL_MODES = frozenset({"2"})
ANY_MODE = frozenset({"1", "2", "3", "4", "8"})
SURFACE_MODES = frozenset({"1", "2", "3", "8"})


@dataclass(frozen=True)
class Particular:
    """A data element a filing type must (or must not) carry."""

    path: str
    element: str
    unless: str | None = None


@dataclass(frozen=True)
class AnyOf:
    """At least one of several particulars (e.g. R3034: customs office of first entry or addressed member
    state; R3007: conveyance reference number or identification of the means of transport)."""

    paths: tuple[str, ...]
    element: str


Requirement = Particular | AnyOf


def _p(path: str, element: str, unless: str | None = None) -> Particular:
    return Particular(path, element, unless)


H = "consignment.house_consignments[]"
G = H + ".goods_items[]"

# --------------------------------------------------------------------------------------------- groups

DECLARANT = (
    _p("declarant.name", "Declarant - Name"),
    _p("declarant.identification_number", "Declarant - Identification number (EORI, R3005)"),
    _p("declarant.address", "Declarant - Address"),
)

MODE = (_p("consignment.active_means", "Active border transport means - Mode of transport"),)

MEANS_SEA = MODE + (
    _p("consignment.active_means.type_of_identification", "Active border transport means - Type of identification"),
    _p("consignment.active_means.identification_number", "Active border transport means - Identification number (IMO/ENI)"),
    _p("consignment.active_means.nationality", "Active border transport means - Nationality"),
    _p("consignment.active_means.conveyance_reference_number", "Active border transport means - Conveyance reference number (voyage number)"),
)
MEANS_AIR = MODE + (
    _p("consignment.active_means.conveyance_reference_number", "Active border transport means - Conveyance reference number (flight number)"),
)
MEANS_ROAD = MODE + (
    _p("consignment.active_means.type_of_identification", "Active border transport means - Type of identification"),
    _p("consignment.active_means.identification_number", "Active border transport means - Identification number (vehicle registration)"),
    _p("consignment.active_means.nationality", "Active border transport means - Nationality"),
)
MEANS_RAIL = MODE + (
    _p("consignment.active_means.type_of_identification", "Active border transport means - Type of identification"),
    _p("consignment.active_means.identification_number", "Active border transport means - Identification number (train number)"),
)
MEANS_ANY = MODE + (
    AnyOf(("consignment.active_means.conveyance_reference_number", "consignment.active_means.identification_number"),
          "Active border transport means - Conveyance reference number or Identification number (R3007)"),
)

JOURNEY = (
    _p("consignment.place_of_loading", "Place of loading"),
    _p("consignment.place_of_unloading", "Place of unloading"),
    _p("consignment.customs_office_of_first_entry", "Customs office of first entry"),
    _p("consignment.loading_datetime", "Date and time of loading"),
    _p("consignment.expected_arrival", "Estimated date and time of arrival"),
    _p("consignment.countries_of_routing_of_means", "Countries of routing of means of transport"),
)

MASTER = (
    _p("consignment.transport_document", "Transport document (master level)"),
    _p("consignment.carrier", "Carrier"),
    _p("consignment.carrier.identification_number", "Carrier - Identification number (EORI, R3005)"),
    _p("consignment.gross_mass", "Total gross mass (master level)"),
)

HOUSES = (_p("consignment.house_consignments", "Consignment (house level)"),)

HOUSE_PARTIES = (
    _p(f"{H}.consignor", "Consignor"),
    _p(f"{H}.consignor.name", "Consignor - Name"),
    _p(f"{H}.consignor.address", "Consignor - Address"),
    _p(f"{H}.consignee", "Consignee", "to_order"),
    _p(f"{H}.consignee.name", "Consignee - Name", "to_order"),
    _p(f"{H}.consignee.address", "Consignee - Address", "to_order"),
)

HOUSE_CORE = HOUSE_PARTIES + (
    _p(f"{H}.gross_mass", "Total gross mass (house level)"),
    _p(f"{H}.place_of_acceptance", "Place of acceptance"),
    _p(f"{H}.place_of_delivery", "Place of delivery"),
    _p(f"{H}.countries_of_routing", "Countries of routing of consignment"),
    _p(f"{H}.goods_items", "Goods item"),
)

ITEMS = (
    _p(f"{G}.description_of_goods", "Description of goods"),
    _p(f"{G}.hs_code", "Commodity code - Harmonized System sub-heading code", "natural_persons"),
    _p(f"{G}.gross_mass", "Gross mass (goods item)"),
    _p(f"{G}.packaging", "Packaging"),
    _p(f"{G}.packaging[].number_of_packages", "Packaging - Number of packages", "bulk"),
    _p(f"{G}.packaging[].shipping_marks", "Packaging - Shipping marks", "bulk"),
)

CONTAINER_INDICATOR = (_p(f"{H}.container_indicator", "Container indicator"),)
HOUSE_DOCUMENT = (_p(f"{H}.transport_document", "Transport document (house level)"),)
TRANSPORT_CHARGES = (_p(f"{H}.transport_charges_method_of_payment", "Transport charges - Method of payment"),)
BUYER_SELLER = (
    _p(f"{H}.buyer", "Buyer"),
    _p(f"{H}.buyer.name", "Buyer - Name"),
    _p(f"{H}.buyer.address", "Buyer - Address"),
    _p(f"{H}.seller", "Seller"),
    _p(f"{H}.seller.name", "Seller - Name"),
    _p(f"{H}.seller.address", "Seller - Address"),
)

# A house-level filing quotes the master transport document and the carrier: its half of the linking key.
HOUSE_LINK = (
    _p(f"{H}.master_transport_document", "Transport document (master level) quoted at house level"),
    _p(f"{H}.carrier", "Carrier (house level)"),
    _p(f"{H}.carrier.identification_number", "Carrier - Identification number (EORI, R3005)"),
)
ADDRESSED = (AnyOf(("addressed_member_state", "consignment.customs_office_of_first_entry"),
                   "Addressed member state or Customs office of first entry (R3034)"),)
MASTER_SUPPLEMENTARY = (_p("consignment.supplementary_declarants", "Supplementary declarant (house filer)"),)
HOUSE_SUPPLEMENTARY = (_p(f"{H}.supplementary_declarants", "Supplementary declarant"),)
RECEPTACLES = (_p("consignment.receptacle_identification_numbers", "Receptacle identification number"),)
MASTER_POSTAL_PARTIES = (
    _p("consignment.consignor", "Consignor (master level, postal operator of origin)"),
    _p("consignment.consignee", "Consignee (master level, postal operator of destination)"),
)

# The pre-loading minimum dataset "7+1" (Art. 106(1) second subparagraph DA; PLACI): consignor name and
# address, consignee name and address, number of packages, gross weight, description of goods, the (house)
# transport document number - the "7" - plus the master air waybill number - the "+1".
PLACI_7_PLUS_1 = (
    _p(f"{H}.consignor.name", "Consignor - Name (PLACI)"),
    _p(f"{H}.consignor.address", "Consignor - Address (PLACI)"),
    _p(f"{H}.consignee.name", "Consignee - Name (PLACI)", "to_order"),
    _p(f"{H}.consignee.address", "Consignee - Address (PLACI)", "to_order"),
    _p(f"{G}.packaging[].number_of_packages", "Number of packages (PLACI)", "bulk"),
    _p(f"{H}.gross_mass", "Total gross mass (PLACI)"),
    _p(f"{G}.description_of_goods", "Description of goods (PLACI)"),
    _p(f"{H}.transport_document", "Transport document (house level) number (PLACI)"),
    _p(f"{H}.master_transport_document", "Transport document (master level) number (PLACI '+1')"),
)

# What a house-level part must not carry: the carrier's master-level journey (the HTI house-level messages
# IE3F14/IE3F15/IE3F17/IE3F22 have no place of loading/unloading, office of first entry, master transport
# document or carrier at master level; the active means only with its mode).
NOT_MASTER_JOURNEY = (
    _p("consignment.transport_document", "Transport document (master level) - quote it at house level"),
    _p("consignment.carrier", "Carrier (master level) - quote it at house level"),
    _p("consignment.place_of_loading", "Place of loading"),
    _p("consignment.place_of_unloading", "Place of unloading"),
    _p("consignment.customs_office_of_first_entry", "Customs office of first entry - use the addressed member state"),
    _p("consignment.loading_datetime", "Date and time of loading"),
    _p("consignment.departure_datetime", "Date and time of departure"),
    _p("consignment.expected_arrival", "Estimated date and time of arrival"),
    _p("consignment.active_means.identification_number", "Active border transport means - Identification number"),
    _p("consignment.active_means.conveyance_reference_number", "Active border transport means - Conveyance reference number"),
    _p("consignment.receptacle_identification_numbers", "Receptacle identification number"),
)
NO_HOUSES = (_p("consignment.house_consignments", "Consignment (house level) - lodged by the house-level filers"),)
NO_BUYER_SELLER = (
    _p(f"{H}.buyer", "Buyer - lodged by the consignee (F16/F17)"),
    _p(f"{H}.seller", "Seller - lodged by the consignee (F16/F17)"),
)
NO_HOUSE_DOCUMENT = (_p(f"{H}.transport_document", "Transport document (house level) - a straight bill has none"),)
NO_GOODS = (_p(f"{H}.goods_items", "Goods item"),)


# --------------------------------------------------------------------------------------------- the type


@dataclass(frozen=True)
class FilingType:
    code: str
    title: str
    family: Family
    modes: frozenset[str]
    filer: Filer
    level: Level
    pre_loading: bool
    partial: bool
    requires: tuple[Requirement, ...]
    forbids: tuple[Particular, ...] = ()
    completed_by: tuple[str, ...] = ()  # the filing types whose linking keys complete this partial filing
    max_house_consignments: int | None = None
    verified: bool = False
    source: str = ""
    notes: str = ""

    @property
    def message_type(self) -> str:
        return "IE3" + self.code

    def to_dict(self) -> dict:
        """A JSON-friendly summary (for the API and the docs)."""
        return {
            "code": self.code, "message_type": self.message_type, "title": self.title,
            "family": self.family.value, "modes": sorted(self.modes), "filer": self.filer.value,
            "level": self.level.value, "pre_loading": self.pre_loading, "partial": self.partial,
            "completed_by": list(self.completed_by), "max_house_consignments": self.max_house_consignments,
            "requires": [r.path if isinstance(r, Particular) else " | ".join(r.paths) for r in self.requires],
            "forbids": [f.path for f in self.forbids], "verified": self.verified, "source": self.source,
        }


# --------------------------------------------------------------------------------------------- catalogue

_SEA_COMPLETE = DECLARANT + MEANS_SEA + JOURNEY + MASTER + HOUSES + HOUSE_CORE + ITEMS + CONTAINER_INDICATOR \
    + TRANSPORT_CHARGES
_SEA_HOUSE = DECLARANT + MODE + ADDRESSED + HOUSES + HOUSE_LINK + HOUSE_DOCUMENT + HOUSE_CORE + ITEMS \
    + CONTAINER_INDICATOR + TRANSPORT_CHARGES
_CONSIGNEE = DECLARANT + ADDRESSED + HOUSES + HOUSE_LINK + BUYER_SELLER
_AIR_MASTER = DECLARANT + MEANS_AIR + JOURNEY + MASTER
_AIR_COMPLETE = _AIR_MASTER + HOUSES + HOUSE_DOCUMENT + HOUSE_CORE + ITEMS
_AIR_HOUSE = DECLARANT + MODE + ADDRESSED + HOUSES + HOUSE_LINK + HOUSE_DOCUMENT + HOUSE_CORE + ITEMS \
    + TRANSPORT_CHARGES
_PLACI = DECLARANT + ADDRESSED + HOUSES + PLACI_7_PLUS_1 + (
    _p(f"{H}.carrier.identification_number", "Carrier - Identification number (EORI, R3005)"),)

_TYPES = (
    # ---- sea and inland waterways (Art. 112 DA; HTI IE3F10-IE3F17)
    FilingType(
        "F10", "Maritime/IWW - complete dataset - straight bill of lading (carrier)", Family.SEA, SEA_MODES,
        Filer.CARRIER, Level.BOTH, False, False,
        _SEA_COMPLETE + BUYER_SELLER, NO_HOUSE_DOCUMENT, max_house_consignments=1, verified=True,
        source="HTI IE3F10 (one house consignment without its own transport document, buyer and seller M); DA Annex B F10"),
    FilingType(
        "F11", "Maritime/IWW - complete dataset - master bill of lading with its house bills (carrier)", Family.SEA,
        SEA_MODES, Filer.CARRIER, Level.BOTH, False, False,
        _SEA_COMPLETE + HOUSE_DOCUMENT + BUYER_SELLER, verified=True,
        source="HTI IE3F11; DA Annex B F11"),
    FilingType(
        "F12", "Maritime/IWW - partial dataset - master bill of lading only (carrier)", Family.SEA, SEA_MODES,
        Filer.CARRIER, Level.MASTER, False, True,
        DECLARANT + MEANS_SEA + JOURNEY + MASTER + MASTER_SUPPLEMENTARY, NO_HOUSES,
        completed_by=("F14", "F15"),
        source="DA Annex B F12; OPS (carriers quote the house filer's EORI as supplementary declarant)"),
    FilingType(
        "F13", "Maritime/IWW - partial dataset - straight bill of lading without buyer and seller (carrier)",
        Family.SEA, SEA_MODES, Filer.CARRIER, Level.BOTH, False, True,
        _SEA_COMPLETE + HOUSE_SUPPLEMENTARY, NO_HOUSE_DOCUMENT + NO_BUYER_SELLER,
        completed_by=("F16",), max_house_consignments=1,
        source="DA Annex B F13, Art. 112(1) second subparagraph; OPS"),
    FilingType(
        "F14", "Maritime/IWW - partial dataset - house bill of lading without buyer and seller (house filer)",
        Family.SEA, SEA_MODES, Filer.HOUSE_FILER, Level.HOUSE, False, True,
        _SEA_HOUSE + HOUSE_SUPPLEMENTARY, NOT_MASTER_JOURNEY + NO_BUYER_SELLER,
        completed_by=("F12", "F17"), verified=True,
        source="HTI IE3F14 (house level with Supplementary declarant, no GoodsShipment); DA Annex B F14"),
    FilingType(
        "F15", "Maritime/IWW - partial dataset - house bill of lading, complete (house filer)", Family.SEA,
        SEA_MODES, Filer.HOUSE_FILER, Level.HOUSE, False, True,
        _SEA_HOUSE + BUYER_SELLER, NOT_MASTER_JOURNEY,
        completed_by=("F12",), verified=True,
        source="HTI IE3F15 (Addressed member state, house level with associated master document and carrier)"),
    FilingType(
        "F16", "Maritime/IWW - partial dataset - buyer and seller (and goods data) of a straight bill of lading "
        "(consignee)", Family.SEA, SEA_MODES, Filer.CONSIGNEE, Level.HOUSE, False, True,
        _CONSIGNEE, NOT_MASTER_JOURNEY, completed_by=("F13",), max_house_consignments=1,
        source="DA Art. 112(1) second subparagraph, Annex B F16",
        notes="goods items may be given to complete the carrier's goods data; not required"),
    FilingType(
        "F17", "Maritime/IWW - partial dataset - buyer and seller of the lowest house bill of lading (consignee)",
        Family.SEA, SEA_MODES, Filer.CONSIGNEE, Level.HOUSE, False, True,
        _CONSIGNEE, NOT_MASTER_JOURNEY + NO_GOODS + (_p("consignment.active_means", "Active border transport means"),),
        completed_by=("F14",), verified=True,
        source="HTI IE3F17 (only master document, carrier, buyer and seller at house level)"),

    # ---- air cargo (general) (Art. 106 and 113 DA; HTI IE3F20-IE3F29)
    FilingType(
        "F20", "Air cargo - complete dataset - master and house air waybills (carrier)", Family.AIR, AIR_MODES,
        Filer.CARRIER, Level.BOTH, False, False, _AIR_COMPLETE, verified=True,
        source="HTI IE3F20 (master + house, customs office of first entry, HRCM screening results)"),
    FilingType(
        "F21", "Air cargo - partial dataset - master air waybill (carrier)", Family.AIR, AIR_MODES,
        Filer.CARRIER, Level.MASTER, False, True, _AIR_MASTER + MASTER_SUPPLEMENTARY, NO_HOUSES,
        completed_by=("F22", "F23"), source="reconstructed: DA Annex B air columns; OPS (master/house split)"),
    FilingType(
        "F22", "Air cargo - partial dataset - house air waybill (house filer)", Family.AIR, AIR_MODES,
        Filer.HOUSE_FILER, Level.HOUSE, False, True, _AIR_HOUSE, NOT_MASTER_JOURNEY,
        completed_by=("F21", "F24"), verified=True,
        source="HTI IE3F22 (house level, transport charges, optional supplementary declarant)"),
    FilingType(
        "F23", "Air cargo - partial dataset - house air waybill including the pre-loading data (house filer)",
        Family.AIR, AIR_MODES, Filer.HOUSE_FILER, Level.HOUSE, True, True, _AIR_HOUSE, NOT_MASTER_JOURNEY,
        completed_by=("F21", "F24"), source="reconstructed: Art. 106(1) DA; OPS (house filer lodging PLACI)"),
    FilingType(
        "F24", "Air cargo - partial dataset - master air waybill including the pre-loading '+1' (carrier)",
        Family.AIR, AIR_MODES, Filer.CARRIER, Level.MASTER, True, True, _AIR_MASTER + MASTER_SUPPLEMENTARY,
        NO_HOUSES, completed_by=("F22", "F23", "F25"), source="reconstructed: Art. 106(1) DA"),
    FilingType(
        "F25", "Air cargo - pre-loading minimum dataset '7+1' per house air waybill (carrier or house filer)",
        Family.AIR, AIR_MODES, Filer.CARRIER_OR_HOUSE_FILER, Level.HOUSE, True, True, _PLACI, (),
        completed_by=("F21", "F22", "F24"),
        source="reconstructed: Art. 106(1) second subparagraph DA (minimum dataset before loading)"),
    FilingType(
        "F26", "Air cargo - complete dataset including the pre-loading data (carrier)", Family.AIR, AIR_MODES,
        Filer.CARRIER, Level.BOTH, True, False, _AIR_COMPLETE,
        source="reconstructed: Art. 106(1) DA - the complete ENS lodged before loading"),
    FilingType(
        "F27", "Air cargo - pre-loading minimum dataset '7+1' for a direct air waybill (carrier)", Family.AIR,
        AIR_MODES, Filer.CARRIER, Level.BOTH, True, True, _PLACI, (), completed_by=("F28",),
        max_house_consignments=1, source="reconstructed"),
    FilingType(
        "F28", "Air cargo - complete dataset - direct air waybill, no house air waybill (carrier)", Family.AIR,
        AIR_MODES, Filer.CARRIER, Level.BOTH, False, False, _AIR_COMPLETE, max_house_consignments=1,
        source="reconstructed; OPS: F28/F29 may not be used for e-commerce (one house consignment only)"),
    FilingType(
        "F29", "Air cargo - complete dataset - direct air waybill including the pre-loading data (carrier)",
        Family.AIR, AIR_MODES, Filer.CARRIER, Level.BOTH, True, False, _AIR_COMPLETE,
        max_house_consignments=1, verified=True,
        source="HTI IE3F29 (house document, master document, office of first entry); OPS (not for e-commerce)"),

    # ---- express consignments (HTI IE3F30-IE3F34)
    FilingType(
        "F30", "Express - complete dataset including the pre-loading data (express carrier)", Family.EXPRESS,
        AIR_MODES, Filer.EXPRESS_OPERATOR, Level.BOTH, True, False, _AIR_COMPLETE, source="reconstructed"),
    FilingType(
        "F31", "Express - partial dataset - master level (express carrier)", Family.EXPRESS, AIR_MODES,
        Filer.EXPRESS_OPERATOR, Level.MASTER, False, True, _AIR_MASTER + MASTER_SUPPLEMENTARY, NO_HOUSES,
        completed_by=("F32", "F33"), source="reconstructed"),
    FilingType(
        "F32", "Express - partial dataset - house level (express operator)", Family.EXPRESS, AIR_MODES,
        Filer.EXPRESS_OPERATOR, Level.HOUSE, False, True, _AIR_HOUSE, NOT_MASTER_JOURNEY,
        completed_by=("F31",), source="reconstructed"),
    FilingType(
        "F33", "Express - partial dataset - house level including the pre-loading data (express operator)",
        Family.EXPRESS, AIR_MODES, Filer.EXPRESS_OPERATOR, Level.HOUSE, True, True, _AIR_HOUSE,
        NOT_MASTER_JOURNEY, completed_by=("F31",), source="reconstructed"),
    FilingType(
        "F34", "Express - complete dataset (express carrier, any mode)", Family.EXPRESS, ANY_MODE,
        Filer.EXPRESS_OPERATOR, Level.BOTH, False, False,
        DECLARANT + MEANS_ANY + JOURNEY + MASTER + HOUSES + HOUSE_DOCUMENT + HOUSE_CORE + ITEMS, verified=True,
        source="HTI IE3F34 (full active means, place of acceptance/delivery, 1..99999 house consignments)"),

    # ---- postal consignments (HTI IE3F40-IE3F45)
    FilingType(
        "F40", "Postal - complete dataset (postal operator or carrier, any mode)", Family.POSTAL, ANY_MODE,
        Filer.POSTAL_OPERATOR, Level.BOTH, False, False,
        DECLARANT + MEANS_ANY + JOURNEY + MASTER + HOUSES + HOUSE_DOCUMENT + HOUSE_CORE + ITEMS, verified=True,
        source="HTI IE3F40 (master level with place of loading/unloading and office of first entry)"),
    FilingType(
        "F41", "Postal - pre-loading dataset - master air waybill and receptacle identification numbers "
        "(air carrier)", Family.POSTAL, AIR_MODES, Filer.CARRIER, Level.MASTER, True, True,
        DECLARANT + MEANS_AIR + JOURNEY + MASTER + RECEPTACLES, NO_HOUSES, completed_by=("F43", "F44"),
        source="reconstructed: Art. 106(1) DA"),
    FilingType(
        "F42", "Postal - partial dataset - master air waybill with receptacle identification numbers "
        "(air carrier)", Family.POSTAL, AIR_MODES, Filer.CARRIER, Level.MASTER, False, True,
        DECLARANT + MEANS_AIR + JOURNEY + MASTER + RECEPTACLES + MASTER_POSTAL_PARTIES, NO_HOUSES,
        completed_by=("F43", "F44"), verified=True,
        source="HTI IE3F42 (receptacles 1..999, carrier, consignor and consignee at master level)"),
    FilingType(
        "F43", "Postal - partial dataset - house level, CN 23 data (postal operator)", Family.POSTAL, ANY_MODE,
        Filer.POSTAL_OPERATOR, Level.HOUSE, False, True,
        DECLARANT + ADDRESSED + HOUSES + HOUSE_LINK + HOUSE_DOCUMENT + HOUSE_CORE + ITEMS, NOT_MASTER_JOURNEY,
        completed_by=("F41", "F42", "F45"), verified=True,
        source="HTI IE3F43 (house level with consignor, postal charges, house transport document)"),
    FilingType(
        "F44", "Postal - pre-loading minimum dataset '7+1' per postal item (postal operator)", Family.POSTAL,
        AIR_MODES, Filer.POSTAL_OPERATOR, Level.HOUSE, True, True, _PLACI, (),
        completed_by=("F41", "F42"), source="reconstructed: Art. 106(1) DA"),
    FilingType(
        "F45", "Postal - partial dataset - receptacle identification numbers (sea, road or rail carrier)",
        Family.POSTAL, SURFACE_MODES, Filer.CARRIER, Level.MASTER, False, True,
        DECLARANT + MEANS_ANY + JOURNEY + MASTER + RECEPTACLES, NO_HOUSES, completed_by=("F43",),
        source="ICS2 release 3 (carriers lodge F10-F13 and F45); not seen in the HTI v2.02 extract"),

    # ---- road and rail (Art. 107-108 DA; HTI IE3F50, IE3F51)
    FilingType(
        "F50", "Road - complete dataset (road carrier)", Family.ROAD, ROAD_MODES, Filer.CARRIER, Level.BOTH,
        False, False, DECLARANT + MEANS_ROAD + JOURNEY + MASTER + HOUSES + HOUSE_CORE + ITEMS, verified=True,
        source="HTI IE3F50"),
    FilingType(
        "F51", "Rail - complete dataset (rail carrier)", Family.RAIL, RAIL_MODES, Filer.CARRIER, Level.BOTH,
        False, False, DECLARANT + MEANS_RAIL + JOURNEY + MASTER + HOUSES + HOUSE_CORE + ITEMS, verified=True,
        source="HTI IE3F51"),
)

FILING_TYPES: dict[str, FilingType] = {t.code: t for t in _TYPES}
"""Filing type code (``F11``) → its catalogue entry."""

MESSAGE_TYPES: dict[str, FilingType] = {t.message_type: t for t in _TYPES}
"""HTI message type (``IE3F11``) → its catalogue entry."""


def filing_type(code_or_message_type: str) -> FilingType | None:
    """The entry for ``F11`` or ``IE3F11`` (case-insensitive), None when unknown."""
    key = code_or_message_type.strip().upper()
    return MESSAGE_TYPES.get(key) or FILING_TYPES.get(key)


__all__ = [
    "ANY_MODE", "AIR_MODES", "AnyOf", "FILING_TYPES", "Family", "Filer", "FilingType", "Level", "MESSAGE_TYPES",
    "Particular", "RAIL_MODES", "ROAD_MODES", "SEA_MODES", "SURFACE_MODES", "filing_type",
]
