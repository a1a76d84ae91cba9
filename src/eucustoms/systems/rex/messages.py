"""What a REX application, amendment, revocation and validation carry (after the application form, Annex 22-06
UCC IA: exporter, contact, activity, indicative goods, purposes, consent to publication)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from eucustoms.core.identifiers import EORI

from .codes import ACTIVITIES, PURPOSES, REVOCATION_GROUNDS

Activity = Literal[ACTIVITIES]  # type: ignore[valid-type]
Purpose = Literal[tuple(PURPOSES)]  # type: ignore[valid-type]
RevocationGround = Literal[REVOCATION_GROUNDS]  # type: ignore[valid-type]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Address(_Strict):
    street_and_number: str = Field(min_length=1, max_length=70)
    postcode: str | None = Field(default=None, max_length=17)
    city: str = Field(min_length=1, max_length=35)
    country: str = Field(min_length=2, max_length=2)

    @field_validator("country")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()


class Contact(_Strict):
    name: str = Field(min_length=1, max_length=70)
    phone: str | None = Field(default=None, max_length=35)
    email: str | None = Field(default=None, max_length=256, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Goods(_Strict):
    code: str = Field(pattern=r"^\d{2}(\d{2})?$", description="HS chapter (2 digits) or heading (4 digits)")
    description: str | None = Field(default=None, max_length=256)


class RexApplication(_Strict):
    """An application for registration as a registered exporter."""

    country: str | None = Field(default=None, min_length=2, max_length=2,
                                description="the registering country; default: the officer's, or the EORI's prefix")
    eori: str | None = Field(default=None, description="EORI number: required for exporters established in the Union")
    national_id: str | None = Field(default=None, pattern=r"^[0-9A-Za-z]{1,30}$",
                                    description="the identifier a GSP beneficiary country gives the exporter (e.g. its TIN)")
    name: str = Field(min_length=1, max_length=512)
    address: Address
    contact: Contact | None = None
    activities: list[Activity] = Field(min_length=1, max_length=2)  # type: ignore[valid-type]
    goods: list[Goods] = Field(min_length=1, max_length=99, description="indicative description of the goods exported")
    purposes: list[Purpose] = Field(min_length=1, max_length=10)  # type: ignore[valid-type]
    publication_consent: bool = Field(default=False, description="consent to publish name and address in the public validation")

    @field_validator("eori")
    @classmethod
    def _eori(cls, v: str | None) -> str | None:
        return None if v is None else str(EORI.parse(v))

    @field_validator("country", "national_id")
    @classmethod
    def _upper(cls, v: str | None) -> str | None:
        return None if v is None else v.upper()


class RexAmendment(_Strict):
    """Only the given fields change (the exporter's notified changes, entered by its authority)."""

    name: str | None = Field(default=None, min_length=1, max_length=512)
    address: Address | None = None
    contact: Contact | None = None
    activities: list[Activity] | None = Field(default=None, min_length=1, max_length=2)  # type: ignore[valid-type]
    goods: list[Goods] | None = Field(default=None, min_length=1, max_length=99)
    purposes: list[Purpose] | None = Field(default=None, min_length=1, max_length=10)  # type: ignore[valid-type]
    publication_consent: bool | None = None
    reason: str | None = Field(default=None, max_length=512)


class Registration(_Strict):
    valid_from: date | None = Field(default=None, description="default: the day the complete application was received")


class Rejection(_Strict):
    reason: str = Field(min_length=1, max_length=2000)


class Revocation(_Strict):
    ground: RevocationGround  # type: ignore[valid-type]
    reason: str = Field(min_length=1, max_length=2000)
    effective: date | None = Field(default=None, description="first day statements on origin are invalid; default today")


class Exporter(BaseModel):
    rex_number: str
    country: str
    arrangement: str = Field(description="EU, or the third country's: GSP, GSP+, EBA, partner")
    eori: str | None
    national_id: str | None
    name: str
    address: Address
    contact: Contact | None
    activities: list[str]
    goods: list[Goods]
    purposes: list[str]
    publication_consent: bool
    state: str
    applied_on: date
    valid_from: date | None
    revoked_from: date | None
    revocation_ground: str | None
    status_reason: str | None
    updated_at: datetime
    version: int


class RexValidation(BaseModel):
    """The public answer: valid or not and the country; name and address only with the exporter's consent."""

    rex_number: str
    valid: bool
    status_description: str
    country: str | None = None
    name: str | None = None
    address: Address | None = None
    on: date
    checked_at: datetime


class StatementCheck(BaseModel):
    """May a statement on origin made out on ``made_out_on`` by this exporter be accepted?"""

    rex_number: str
    made_out_on: date
    valid: bool
    reason: str
    details: dict[str, Any] = Field(default_factory=dict)
