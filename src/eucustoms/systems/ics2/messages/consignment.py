"""CONSIGNMENT (MASTER LEVEL) (28A) → CONSIGNMENT (HOUSE LEVEL) (21C) → GOODS ITEM (29A)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, Field

from .common import (
    ActiveMeansOfTransport,
    AdditionalInformation,
    Element,
    Location,
    Party,
    SupplementaryDeclarant,
    TransportDocument,
    TransportEquipment,
)
from .goods import GoodsItem, Mass

Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]

# CL701 additional information code for a negotiable bill of lading "to order" blank endorsed: the
# consignee is then not known and not required (C3021/C3022).
TO_ORDER = "10600"


class HouseConsignment(Element):
    """A consignment under one house transport document (house bill of lading, house air waybill, CN 23 ...)
    or, for a straight bill of lading, the only consignment of the master document.

    ``master_transport_document`` and ``carrier`` are what a house-level filing (F14, F15, F16, F17, F22 ...)
    quotes to be linked with the carrier's master-level filing (see :mod:`.linking`).
    """

    transport_document: TransportDocument | None = None
    master_transport_document: TransportDocument | None = None
    carrier: Party | None = None
    consignor: Party | None = None
    consignee: Party | None = None
    buyer: Party | None = None
    seller: Party | None = None
    notify_party: Party | None = None
    container_indicator: bool | None = None
    gross_mass: Mass | None = Field(default=None, gt=0, max_digits=16, decimal_places=6)
    place_of_acceptance: Location | None = None
    place_of_delivery: Location | None = None
    countries_of_routing: list[Country] = Field(default_factory=list, max_length=99)
    transport_charges_method_of_payment: str | None = Field(default=None, pattern=r"^[A-Z]$")
    additional_information: list[AdditionalInformation] = Field(default_factory=list, max_length=99)
    supplementary_declarants: list[SupplementaryDeclarant] = Field(default_factory=list, max_length=99)
    transport_equipment: list[TransportEquipment] = Field(default_factory=list, max_length=9999)
    goods_items: list[GoodsItem] = Field(default_factory=list, max_length=9999)

    @property
    def to_order(self) -> bool:
        return any(info.code == TO_ORDER for info in self.additional_information)

    @property
    def items_gross_mass(self) -> Mass:
        return sum((item.gross_mass or Mass(0) for item in self.goods_items), Mass(0))


class Consignment(Element):
    """The master-level consignment: the master transport document and the journey of the active means of
    transport that brings the goods into the customs territory (carrier, places of loading and unloading,
    customs office of first entry, times, containers) with the house consignments it carries.

    ``loading_datetime`` is the date and time of loading at the place of loading; ``departure_datetime`` the
    (estimated or actual) departure of the active means from the last place before the Union (for air: the
    flight's departure; for rail: the departure from the last station of train formation) and defaults to
    the loading time; ``expected_arrival`` the estimated arrival at the first place in the customs territory.
    All three are timezone-aware.
    """

    transport_document: TransportDocument | None = None
    carrier: Party | None = None
    consignor: Party | None = None
    consignee: Party | None = None
    notify_party: Party | None = None
    active_means: ActiveMeansOfTransport | None = None
    countries_of_routing_of_means: list[Country] = Field(default_factory=list, max_length=99)
    place_of_loading: Location | None = None
    place_of_unloading: Location | None = None
    customs_office_of_first_entry: str | None = Field(default=None, pattern=r"^[A-Z]{2}[A-Z0-9]{6}$")
    loading_datetime: AwareDatetime | None = None
    departure_datetime: AwareDatetime | None = None
    expected_arrival: AwareDatetime | None = None
    container_indicator: bool | None = None
    gross_mass: Mass | None = Field(default=None, gt=0, max_digits=16, decimal_places=6)
    transport_equipment: list[TransportEquipment] = Field(default_factory=list, max_length=9999)
    receptacle_identification_numbers: list[Annotated[str, Field(min_length=1, max_length=35)]] = Field(
        default_factory=list, max_length=999)
    supplementary_declarants: list[SupplementaryDeclarant] = Field(default_factory=list, max_length=99)
    additional_information: list[AdditionalInformation] = Field(default_factory=list, max_length=99)
    house_consignments: list[HouseConsignment] = Field(default_factory=list, max_length=99_999)

    @property
    def containerised(self) -> bool:
        """Carried in containers: the container indicator of the master or of any house, or equipment given."""
        if self.container_indicator or self.transport_equipment:
            return True
        return any(h.container_indicator or h.transport_equipment
                   or any(i.transport_equipment for i in h.goods_items) for h in self.house_consignments)

    @property
    def houses_gross_mass(self) -> Mass:
        return sum((h.gross_mass or Mass(0) for h in self.house_consignments), Mass(0))
