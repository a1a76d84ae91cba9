"""The data an EORI registration, amendment and validation carry (names after the EOS data elements)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from eucustoms.core.identifiers import EORI

AeoType = Literal["AEOC", "AEOS", "AEOF"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Address(_Strict):
    street_and_number: str = Field(min_length=1, max_length=70)
    postcode: str | None = Field(default=None, max_length=17)
    city: str = Field(min_length=1, max_length=35)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2 country code")

    @field_validator("country")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()


class Contact(_Strict):
    name: str = Field(min_length=1, max_length=70)
    phone: str | None = Field(default=None, max_length=35)
    email: str | None = Field(default=None, max_length=256, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class OperatorRegistration(_Strict):
    """A request to register an economic operator. Without ``eori`` the registering member state assigns one."""

    eori: str | None = Field(default=None, description="EORI number; assigned by the member state when omitted")
    name: str = Field(min_length=1, max_length=512)
    short_name: str | None = Field(default=None, max_length=70)
    address: Address
    established_in_union: bool = Field(description="established in the customs territory of the Union (Art. 5(31) UCC)")
    legal_status: str | None = Field(default=None, max_length=50)
    vat_numbers: list[str] = Field(default_factory=list, max_length=99)
    contact: Contact | None = None
    publication_consent: bool = Field(default=False, description="consent to publish name and address in the EORI look-up")
    start_date: date | None = None

    @field_validator("eori")
    @classmethod
    def _eori(cls, v: str | None) -> str | None:
        return None if v is None else str(EORI.parse(v))


class OperatorAmendment(_Strict):
    """Only the given fields change."""

    name: str | None = Field(default=None, min_length=1, max_length=512)
    short_name: str | None = Field(default=None, max_length=70)
    address: Address | None = None
    legal_status: str | None = Field(default=None, max_length=50)
    vat_numbers: list[str] | None = Field(default=None, max_length=99)
    contact: Contact | None = None
    publication_consent: bool | None = None


class EndValidity(_Strict):
    end_date: date | None = Field(default=None, description="last day of validity; today when omitted")
    reason: str = Field(min_length=1, max_length=512)


class AeoRecord(_Strict):
    aeo_type: AeoType
    decision_reference: str = Field(min_length=1, max_length=35)
    valid_from: date
    valid_to: date | None = None


class AeoStatus(BaseModel):
    aeo_type: AeoType
    decision_reference: str
    valid_from: date
    valid_to: date | None


class Operator(BaseModel):
    eori: str
    country: str
    name: str
    short_name: str | None
    address: Address
    established_in_union: bool
    legal_status: str | None
    vat_numbers: list[str]
    contact: Contact | None
    publication_consent: bool
    status: str
    start_date: date
    end_date: date | None
    aeo: list[AeoStatus]
    registered_at: datetime
    updated_at: datetime
    version: int


class EoriValidation(BaseModel):
    """The answer of the public EORI validation service: valid or not, name and address only with consent."""

    eori: str
    valid: bool
    status_description: str
    name: str | None = None
    address: Address | None = None
    aeo: list[AeoType] = Field(default_factory=list)
    checked_at: datetime
