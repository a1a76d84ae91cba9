"""The import declaration as a structured message: data elements named after the UCC DA/IA Annex B (the
D.E. number is given on each field). One model serves H1 (standard declaration) and H7 (low-value
consignments); the dataset-specific rules are checked in :mod:`.validation`."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from eucustoms.core.identifiers import EORI

PROCEDURES = ("4000", "4071", "4200")  # D.E. 1/10: requested + previous procedure


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _eori(v: str | None) -> str | None:
    return None if v is None else str(EORI.parse(v))


class Party(_Strict):
    """D.E. 3/1 exporter, 3/15 importer, 3/17 declarant, 3/20 representative (EORI where the party has one)."""

    eori: str | None = Field(default=None, description="identification number (EORI)")
    name: str | None = Field(default=None, max_length=70)
    country: str | None = Field(default=None, min_length=2, max_length=2)

    _e = field_validator("eori")(classmethod(lambda cls, v: _eori(v)))

    @field_validator("country")
    @classmethod
    def _upper(cls, v: str | None) -> str | None:
        return v.upper() if v else v


class Amount(_Strict):
    amount: Decimal = Field(allow_inf_nan=False)
    currency: str = Field(min_length=1, max_length=8)


class Authorisation(_Strict):
    """D.E. 3/39 holder of the authorisation: the type (CCL: centralised clearance) and its reference."""

    type: str = Field(min_length=3, max_length=3)
    reference: str = Field(min_length=1, max_length=35)


class Document(_Strict):
    """D.E. 2/3 documents produced, certificates and authorisations (e.g. C400 CITES, U164 proof of origin)."""

    type: str = Field(min_length=4, max_length=4)
    reference: str | None = Field(default=None, max_length=70)


class Guarantee(_Strict):
    """D.E. 8/2 guarantee reference: the GRN and its access code."""

    grn: str = Field(min_length=1, max_length=24)
    access_code: str = Field(min_length=1, max_length=4)


class Item(_Strict):
    """A goods item (D.E. 1/6 goods item number)."""

    item_number: int = Field(ge=1, le=999)  # 1/6
    procedure: str | None = Field(default=None, description="D.E. 1/10; the declaration's when omitted")
    description: str = Field(min_length=1, max_length=512)  # 6/8
    cn_code: str = Field(description="D.E. 6/14 CN code (8 digits)")
    taric_code: str | None = Field(default=None, description="D.E. 6/15 TARIC code (2 digits)")
    additional_codes: list[str] = Field(default_factory=list, max_length=99)  # 6/16
    origin: str = Field(min_length=2, max_length=2, description="D.E. 5/15 country of origin")
    item_price: Amount = Field(description="D.E. 4/14 item price / intrinsic value (H7)")
    valuation_method: str = Field(default="1", pattern=r"^[1-6]$")  # 4/16
    preference: str = Field(default="100", pattern=r"^[0-9]{3}$")  # 4/17
    quota_order_number: str | None = Field(default=None, pattern=r"^[0-9]{6}$")  # 8/1
    net_mass: Decimal | None = Field(default=None, ge=0, allow_inf_nan=False)  # 6/1, kg
    gross_mass: Decimal | None = Field(default=None, ge=0, allow_inf_nan=False)  # 6/5, kg
    supplementary_units: dict[str, Decimal] = Field(default_factory=dict)  # 6/2, unit → quantity
    documents: list[Document] = Field(default_factory=list, max_length=99)  # 2/3

    @field_validator("origin")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()

    @property
    def goods_code(self) -> str:
        return self.cn_code.replace(" ", "").replace(".", "") + (self.taric_code or "")


class Declaration(_Strict):
    """An import declaration (H1 or H7)."""

    lrn: str = Field(min_length=1, max_length=22)  # 2/5 local reference number
    declaration_type: Literal["IM"] = "IM"  # 1/1
    additional_declaration_type: Literal["A", "D"] = "A"  # 1/2: A standard, D pre-lodged (Art. 171 UCC)
    procedure: str = Field(default="4000")  # 1/10
    serves_as_ens: bool = Field(default=False, description="the declaration also contains the ENS particulars (MRN letter S)")
    exporter: Party | None = None  # 3/1
    importer: Party  # 3/15
    declarant: Party  # 3/17
    representative: Party | None = None  # 3/20
    holder_of_authorisation: list[Authorisation] = Field(default_factory=list, max_length=99)  # 3/39
    fiscal_references: list[str] = Field(default_factory=list, max_length=99,
                                         description="D.E. 3/40 VAT numbers (procedure 4200: the importer's and the acquirer's)")
    ioss_number: str | None = Field(default=None, pattern=r"^IM[0-9]{10}$", description="H7: IOSS VAT identification number")
    location_of_goods: str | None = Field(default=None, max_length=35)  # 5/23
    office_of_presentation: str = Field(pattern=r"^[A-Z]{2}[A-Z0-9]{6}$")  # 5/26
    supervising_office: str | None = Field(default=None, pattern=r"^[A-Z]{2}[A-Z0-9]{6}$")  # 5/27
    country_of_dispatch: str | None = Field(default=None, min_length=2, max_length=2)  # 5/14
    mode_of_transport: str | None = Field(default=None, pattern=r"^[1-9]$")  # 7/4 at the border
    guarantee: Guarantee | None = None  # 8/2
    items: list[Item] = Field(min_length=1, max_length=999)

    @property
    def cci(self) -> bool:
        return bool(self.supervising_office) and self.supervising_office[:2] != self.office_of_presentation[:2]

    @property
    def office_of_lodgement(self) -> str:
        return self.supervising_office or self.office_of_presentation
