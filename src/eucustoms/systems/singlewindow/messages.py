"""The data CERTEX requests and answers carry: a certificate as a partner system issues it, a status change, the
check a customs system asks for, a certificate with its balance, and its movements."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from eucustoms.core.identifiers import EORI

#: Certificate references as the partner systems print them (``CHEDP.FR.2026.0001234``, ``CBAM-DE-2026-...``).
REFERENCE_PATTERN = r"^[A-Z0-9][A-Z0-9.\-_]{0,69}$"
_REFERENCE = re.compile(REFERENCE_PATTERN)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def normalise_reference(value: object) -> str:
    return value.strip().upper() if isinstance(value, str) else ""


def is_reference(value: str) -> bool:
    return bool(_REFERENCE.fullmatch(value))


class Measure(BaseModel):
    """A quantity with its TARIC measurement unit (exact decimal)."""

    value: Decimal
    unit: str


class CertificateIssue(_Strict):
    """A certificate as its partner system issues it (TRACES, FLEGT, ODS licensing, F-gas Portal, ICG, CITES, CBAM...)."""

    reference: str = Field(min_length=1, max_length=70, description="the partner system's reference, e.g. CHEDP.FR.2026.0001234")
    domain: str = Field(min_length=2, max_length=16, description="catalogue domain: CHED-A, CHED-P, COI, FLEGT, ODS, CBAM...")
    document_code: str | None = Field(default=None, min_length=4, max_length=4,
                                      description="the TARIC document code; default: the domain's main code")
    holder: str = Field(description="EORI of the holder (importer, operator responsible for the consignment, licensee)")
    goods_codes: list[str] = Field(min_length=1, max_length=99, description="CN/TARIC code prefixes covered (2 to 10 digits)")
    goods_description: str = Field(min_length=1, max_length=512)
    quantity: Decimal | None = Field(default=None, allow_inf_nan=False, description="total quantity (quantity-managed domains)")
    unit: str | None = Field(default=None, min_length=3, max_length=4, description="TARIC measurement unit, e.g. KGM, NAR, MTQ")
    valid_from: date
    valid_to: date | None = None
    countries: list[str] | None = Field(default=None, max_length=30,
                                        description="member states where it may be used; omitted: every member state")
    issuing_authority: str | None = Field(default=None, max_length=120)

    @field_validator("reference")
    @classmethod
    def _reference(cls, v: str) -> str:
        v = normalise_reference(v)
        if not is_reference(v):
            raise ValueError("a reference is 1 to 70 characters among A-Z 0-9 . - _ starting with a letter or digit")
        return v

    @field_validator("holder")
    @classmethod
    def _eori(cls, v: str) -> str:
        return str(EORI.parse(v))

    @field_validator("domain", "document_code", "unit")
    @classmethod
    def _upper(cls, v: str | None) -> str | None:
        return v.upper() if v else v

    @field_validator("goods_codes")
    @classmethod
    def _codes(cls, v: list[str]) -> list[str]:
        return [c.replace(" ", "").replace(".", "") for c in v]

    @field_validator("countries")
    @classmethod
    def _countries(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else [c.strip().upper() for c in v]


class StatusChange(_Strict):
    reason: str = Field(min_length=1, max_length=512)


class CheckRequest(_Strict):
    """May a declaration item quote this certificate? (verify only: nothing is reserved)"""

    reference: str = Field(min_length=1, max_length=70)
    document_code: str | None = Field(default=None, min_length=4, max_length=4, description="D.E. 12 03 document type quoted")
    holder: str | list[str] = Field(description="EORI(s) of the parties that may hold it: importer, declarant...")
    goods_code: str = Field(min_length=2, max_length=14, description="D.E. 6/14 (+ 6/15) commodity code of the item")
    quantity: Decimal | None = Field(default=None, allow_inf_nan=False)
    unit: str | None = Field(default=None, min_length=3, max_length=4)
    on: date | None = Field(default=None, description="the day of acceptance; default today")
    procedure: str | None = Field(default=None, max_length=4, description="D.E. 1/10 (e.g. 4000) or transit type (T1)")
    country: str | None = Field(default=None, min_length=2, max_length=2, description="member state of the customs office")

    @field_validator("reference")
    @classmethod
    def _reference(cls, v: str) -> str:
        return normalise_reference(v)

    @field_validator("document_code", "unit", "country", "procedure")
    @classmethod
    def _upper(cls, v: str | None) -> str | None:
        return v.upper() if v else v


class Reason(BaseModel):
    """Why a certificate cannot be used (CX01...CX10, see docs/singlewindow.md)."""

    code: str
    pointer: str
    reason: str


class CheckResult(BaseModel):
    reference: str
    domain: str | None
    valid: bool
    reasons: list[Reason]
    action: str | None = Field(description="reserve or verify: what a use for this procedure would do")
    quantity: Measure | None = Field(default=None, description="the declared quantity in the certificate's unit")
    balance: Measure | None = None
    checked_at: datetime


class Certificate(BaseModel):
    reference: str
    domain: str
    domain_name: str
    document_code: str | None
    partner_system: str
    holder: str
    goods_codes: list[str]
    goods_description: str
    quantity_managed: bool
    total: Measure | None
    balance: Measure | None
    used: Measure | None
    valid_from: date
    valid_to: date | None
    countries: list[str] | None
    issuing_authority: str | None
    status: str
    status_reason: str | None
    issued_by: str
    issued_at: datetime
    updated_at: datetime
    version: int


class Movement(BaseModel):
    id: int
    reference: str
    domain: str
    kind: str = Field(description="use (reserved), verify, restore (invalidation), adjust (amendment)")
    quantity: Measure | None = Field(description="signed effect on the balance, in the certificate's unit")
    declared: Measure | None
    balance_before: Measure | None
    balance_after: Measure | None
    declaration_ref: str
    item_no: int
    procedure: str | None
    goods_code: str | None
    country: str | None
    operation_id: str
    at: datetime
    by: str
    replayed: bool = Field(default=False, description="true when an earlier identical operation was answered again")
