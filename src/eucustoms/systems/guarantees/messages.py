"""The data GUM requests and answers carry: issue, amend, check, adjust, a guarantee and its movements."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from eucustoms.core.identifiers import EORI


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Amount(_Strict):
    """An amount as given: exact decimal (JSON number or string) and an ISO 4217 currency."""

    amount: Decimal = Field(allow_inf_nan=False)
    currency: str = Field(min_length=3, max_length=3)

    @field_validator("currency")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()


class GuaranteeIssue(_Strict):
    """Register a guarantee at an office of guarantee (the GRN is allocated; the access code generated if omitted)."""

    guarantee_type: str = Field(min_length=1, max_length=1, description="CL251 guarantee type")
    holder: str = Field(description="EORI of the holder of the guarantee")
    office: str = Field(min_length=8, max_length=8, description="office of guarantee (an8)")
    reference_amount: Amount
    valid_from: date | None = None
    valid_to: date | None = None
    countries: list[str] | None = Field(default=None, max_length=100,
                                        description="where it may be used; omitted: the EU and the common transit countries")
    authorisation_reference: str | None = Field(default=None, min_length=1, max_length=35,
                                                description="the comprehensive guarantee (CGU) authorisation; required for types 0 and 1")
    access_code: str | None = Field(default=None, pattern=r"^[0-9A-Za-z]{4}$")

    @field_validator("holder")
    @classmethod
    def _eori(cls, v: str) -> str:
        return str(EORI.parse(v))

    @field_validator("office", "guarantee_type")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()

    @field_validator("countries")
    @classmethod
    def _countries(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else [c.strip().upper() for c in v]


class GuaranteeAmendment(_Strict):
    """Only the given fields change."""

    reference_amount: Amount | None = None
    valid_to: date | None = None
    countries: list[str] | None = Field(default=None, max_length=100)
    reason: str = Field(min_length=1, max_length=512)


class StatusChange(_Strict):
    reason: str = Field(min_length=1, max_length=512)


class Adjustment(_Strict):
    """A manual correction of the balance by an officer: positive credits, negative debits."""

    amount: Amount
    reason: str = Field(min_length=1, max_length=512)
    operation_id: str = Field(min_length=1, max_length=64)
    reference: str | None = Field(default=None, max_length=70)


class CheckRequest(_Strict):
    """The NCTS guarantee query: may this guarantee cover ``amount`` in ``country`` on ``on``?"""

    grn: str = Field(min_length=1, max_length=24)
    access_code: str = Field(min_length=1, max_length=4)
    amount: Amount
    country: str = Field(min_length=2, max_length=2)
    on: date | None = None
    holder: str | None = Field(default=None, description="holder of the procedure, compared with the guarantee's (G04)")
    guarantee_type: str | None = Field(default=None, min_length=1, max_length=1, description="declared type (G13)")

    @field_validator("country")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()


class Reason(BaseModel):
    """A CL252 InvalidGuaranteeReason with its explanation."""

    code: str
    reason: str


class CheckResult(BaseModel):
    grn: str
    valid: bool
    reasons: list[Reason]
    amount: Amount | None = Field(default=None, description="the amount in the guarantee's currency")
    checked_at: datetime


class Guarantee(BaseModel):
    grn: str
    guarantee_type: str
    holder: str
    office: str
    country: str
    authorisation_reference: str | None
    reference_amount: Amount
    balance: Amount
    valid_from: date
    valid_to: date | None
    countries: list[str] | None
    status: str
    status_reason: str | None
    issued_at: datetime
    updated_at: datetime
    version: int


class IssuedGuarantee(Guarantee):
    access_code: str = Field(description="shown once, at issue; stored only as a hash")


class Balance(BaseModel):
    grn: str
    status: str
    reference_amount: Amount
    balance: Amount
    in_use: Amount


class Movement(BaseModel):
    id: int
    grn: str
    kind: str
    amount: Amount
    requested: Amount | None
    balance_after: Amount
    reference: str | None
    country: str | None
    operation_id: str
    reason: str | None
    at: datetime
    by: str
    replayed: bool = Field(default=False, description="true when an earlier identical operation was answered again")
