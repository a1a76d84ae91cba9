"""The immutable records returned by reference data queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping


@dataclass(frozen=True, slots=True)
class CodeEntry:
    """One entry of a code list, in the version valid on the queried day."""

    list_name: str
    code: str
    description: str
    valid_from: date
    valid_to: date | None
    attributes: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class Country:
    """A country or customs territory code (ISO 3166-1 or a customs code such as XI, XC, XK) on a given day."""

    code: str
    name: str
    kind: str  # "iso", "customs" (XI, XC, XL, XK, XS) or "statistical" (EU, Q-codes)
    groups: frozenset[str]
    currency: str | None

    @property
    def is_member_state(self) -> bool:
        return "EU" in self.groups

    @property
    def in_customs_territory(self) -> bool:
        return "CUSTOMS" in self.groups


@dataclass(frozen=True, slots=True)
class SpecialTerritory:
    """A territory with its own customs or VAT status (Canary Islands, Aaland, Ceuta, Buesingen …)."""

    code: str
    name: str
    member_state: str
    declared_as: str  # the country code used for it in declarations
    customs_territory: bool
    vat_territory: bool
    legal_basis: str
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True, slots=True)
class Office:
    """A customs office of the Customs Office List (COL, CL141)."""

    reference_number: str
    country: str
    name: str
    roles: tuple[str, ...]
    valid_from: date
    valid_to: date | None
    phone: str = ""
    names: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    def has_role(self, role: str) -> bool:
        return role in self.roles


@dataclass(frozen=True, slots=True)
class Goods:
    """A goods nomenclature code (chapter, heading, HS6 subheading or CN8) on a given day."""

    code: str
    level: str  # chapter, heading, hs6, cn8
    nomenclature: str  # "HS" or "CN"
    description: str  # the label of this line alone (often "Other" for CN8 codes)
    full_description: str  # heading, subheading and own labels joined
    parent: str
    supplementary_unit: str | None  # TARIC measurement unit code (NAR, LPA, MTK …)
    supplementary_unit_eu: str | None  # EU Vocabularies unit identifier (PST, L_ALC_100PCT, M2 …)
    hs_description: str | None  # the HS 2022 text of the 6-digit subheading, when known
    valid_from: date
    valid_to: date | None


FUNCTION_NAMES = ("port", "rail", "road", "airport", "postal", "icd", "fixed_installation", "border_crossing")


@dataclass(frozen=True, slots=True)
class Place:
    """A UN/LOCODE location. ``function`` is the 8-character UN/LOCODE function classifier."""

    unlocode: str
    country: str
    name: str
    name_ascii: str
    subdivision: str | None
    status: str | None
    function: str
    iata: str | None
    latitude: float | None
    longitude: float | None
    alt_names: tuple[str, ...] = ()

    @property
    def functions(self) -> frozenset[str]:
        """Named functions: position n of the classifier is set (not "-" or "0") when the place has it."""
        return frozenset(name for name, flag in zip(FUNCTION_NAMES, self.function) if flag not in "-0")

    @property
    def is_port(self) -> bool:
        return "port" in self.functions

    @property
    def is_rail(self) -> bool:
        return "rail" in self.functions

    @property
    def is_road(self) -> bool:
        return "road" in self.functions

    @property
    def is_airport(self) -> bool:
        return "airport" in self.functions

    @property
    def is_border_crossing(self) -> bool:
        return "border_crossing" in self.functions


@dataclass(frozen=True, slots=True)
class Release:
    """What was loaded for one dataset."""

    dataset: str
    version: str
    sha256: str
    rows: int
    loaded_at: object
