"""GOODS ITEM (29A) and PACKAGING (93A)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field

from .common import Element, TransportEquipment, Upper

# Types of packages (CL017) for goods in bulk or unpacked: number of packages and shipping marks are then not
# used (HTI condition C3035/C3036).
BULK_PACKAGE_TYPES = frozenset({"VQ", "VG", "VL", "VY", "VR", "VS", "VO", "NE", "NF", "NG"})

Mass = Decimal
"""Gross mass in kilograms, n..16,6."""


class Packaging(Element):
    """PACKAGING: type of packages (CL017 ``KindOfPackages``), number of packages (n..8), shipping marks
    (an..512). Number and marks are required unless the type is a bulk/unpacked one (C3036)."""

    type_of_packages: Upper = Field(min_length=2, max_length=2)
    number_of_packages: int | None = Field(default=None, ge=0, le=99_999_999)
    shipping_marks: str | None = Field(default=None, min_length=1, max_length=512)

    @property
    def is_bulk(self) -> bool:
        return self.type_of_packages in BULK_PACKAGE_TYPES


class GoodsItem(Element):
    """GOODS ITEM of a house consignment.

    ``goods_item_number`` is unique and sequential from 1 within its house consignment (R3017). The
    commodity is the description of goods (an..512) and the Harmonized System subheading (6 digits; C3025:
    required unless consignor and consignee are both natural persons), optionally refined by the CN code
    (8 digits, starting with the HS code), the CUS code (ECICS, CL016) and UN dangerous goods numbers
    (CL101).
    """

    goods_item_number: int = Field(ge=1, le=99_999)
    description_of_goods: str | None = Field(default=None, min_length=1, max_length=512)
    hs_code: str | None = Field(default=None, pattern=r"^[0-9]{6}$")
    cn_code: str | None = Field(default=None, pattern=r"^[0-9]{8}$")
    cus_code: str | None = Field(default=None, pattern=r"^[0-9]{7}-[0-9]$")
    un_dangerous_goods_codes: list[Annotated[str, Field(pattern=r"^[0-9]{4}$")]] = Field(
        default_factory=list, max_length=99)
    gross_mass: Mass | None = Field(default=None, gt=0, max_digits=16, decimal_places=6)
    packaging: list[Packaging] = Field(default_factory=list, max_length=99)
    transport_equipment: list[TransportEquipment] = Field(default_factory=list, max_length=9999)

    @property
    def number_of_packages(self) -> int:
        return sum(p.number_of_packages or 0 for p in self.packaging)
