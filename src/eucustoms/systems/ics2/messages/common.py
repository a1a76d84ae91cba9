"""Building blocks shared by every ENS filing, named after the ICS2 data elements (HTI IE3Fxx classes).

Only the *shape* of each element is checked here (types, lengths, patterns, time zones). Whether an element
must be present depends on the filing type and is checked by :mod:`.validation` against the catalogue in
:mod:`.filing_types`; that is why nearly every field is optional at this level. Code lists (CL017, CL218,
CL754 ...), identifiers (EORI) and reference data (offices, UN/LOCODEs, HS codes) are checked there as well,
so that one filing gets every problem reported in one answer.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

# Formats of the HTI: an..70 names, an..35 cities, an..17 identifiers, a2 countries ...
NAME = 70
CITY = 35
ID = 17
REFERENCE = 70


class Element(BaseModel):
    """Base of every message class: unknown fields are rejected (error code 15), strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False)


Upper = Annotated[str, AfterValidator(str.upper)]
"""A code or identifier held in upper case (countries, UN/LOCODEs, EORIs, container numbers)."""


class Address(Element):
    """ADDRESS (04A). R3002: street (with number) or P.O. box; C3034: postcode unless the country has none."""

    street: str | None = Field(default=None, max_length=70)
    number: str | None = Field(default=None, max_length=35)
    po_box: str | None = Field(default=None, max_length=70)
    postcode: str | None = Field(default=None, max_length=17)
    city: str = Field(min_length=1, max_length=CITY)
    sub_division: str | None = Field(default=None, max_length=35)
    country: Upper = Field(pattern=r"^[A-Za-z]{2}$", description="CL718/CL008 country code")


class Communication(Element):
    """COMMUNICATION (25A): ``type`` EM (e-mail) or TE (telephone, R3006: E.123 international format)."""

    type: str = Field(min_length=1, max_length=3)
    identifier: str = Field(min_length=1, max_length=512)


class Party(Element):
    """A person in the filing: declarant (person filing), carrier, consignor, consignee, buyer, seller,
    notify party. ``identification_number`` is an EORI number or, for persons outside the Union, another
    trader identification number (TIN); ``type_of_person`` is CL729 (1 natural person, 2 legal person,
    3 association of persons)."""

    name: str | None = Field(default=None, min_length=1, max_length=NAME)
    identification_number: Upper | None = Field(default=None, min_length=1, max_length=ID)
    type_of_person: str | None = Field(default=None, max_length=1)
    address: Address | None = None
    communications: list[Communication] = Field(default_factory=list, max_length=9)


class Representative(Party):
    """REPRESENTATIVE (05A, "Agent"): a party with a status (CL094: 2 direct, 3 indirect representation)."""

    status: str | None = Field(default=None, max_length=1)


class TransportDocument(Element):
    """TRANSPORT DOCUMENT (30B / associated 11A): type (CL754, e.g. N705 bill of lading, N741 master air
    waybill) and reference number (an..70)."""

    type: Upper = Field(min_length=4, max_length=4)
    reference_number: str = Field(min_length=1, max_length=REFERENCE)


class Location(Element):
    """PLACE OF LOADING / UNLOADING / ACCEPTANCE / DELIVERY: a UN/LOCODE (CL244), or, where the place has
    none, a location name with its country (C3003-C3008)."""

    unlocode: Upper | None = Field(default=None, pattern=r"^[A-Za-z]{2}[A-Za-z0-9]{3}$")
    location: str | None = Field(default=None, min_length=1, max_length=35)
    country: Upper | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")

    @property
    def country_code(self) -> str | None:
        """The country of the place: the UN/LOCODE's first two letters, else the given country."""
        return self.unlocode[:2] if self.unlocode else self.country


class ActiveMeansOfTransport(Element):
    """ACTIVE BORDER TRANSPORT MEANS (15A): mode (CL218 ``TransportModeCode``: 1 sea, 2 rail, 3 road,
    4 air, 8 inland waterway ...), identification (type CL219/CL750: 10 IMO number, 21 train number,
    30 road vehicle registration, 40 IATA flight number, 80 ENI ...), nationality, conveyance reference
    number (voyage or flight number). R3007: conveyance reference or identification."""

    mode: str = Field(pattern=r"^[0-9]$")
    type_of_identification: str | None = Field(default=None, pattern=r"^[0-9]{2}$")
    identification_number: str | None = Field(default=None, min_length=1, max_length=35)
    nationality: Upper | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")
    conveyance_reference_number: str | None = Field(default=None, min_length=1, max_length=17)


class Seal(Element):
    identifier: str = Field(min_length=1, max_length=20)


class TransportEquipment(Element):
    """TRANSPORT EQUIPMENT (31B): a container (ISO 6346 number, R3021), its size and type, its seals."""

    container_identification_number: Upper = Field(min_length=1, max_length=17)
    container_size_and_type: str | None = Field(default=None, max_length=10)
    seals: list[Seal] = Field(default_factory=list, max_length=99)


class SupplementaryDeclarant(Element):
    """SUPPLEMENTARY DECLARANT (18C): who will lodge the part of the ENS this filing does not carry, by EORI
    (R3005), with the supplementary filing type (CL745: ``1`` house level filing, ``2`` sub-house level
    filing)."""

    identification_number: Upper = Field(min_length=3, max_length=ID)
    supplementary_filing_type: str = Field(pattern=r"^[0-9]$")


class AdditionalInformation(Element):
    """ADDITIONAL INFORMATION (03A): code (CL701, e.g. 10600 "negotiable bill of lading 'to order' blank
    endorsed") and/or text."""

    code: str | None = Field(default=None, min_length=1, max_length=17)
    text: str | None = Field(default=None, min_length=1, max_length=512)
