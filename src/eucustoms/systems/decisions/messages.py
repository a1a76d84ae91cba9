"""What applications, the steps on them and decisions carry (names after the data elements of the UCC
application and authorisation forms, Annex A to the UCC DA/IA, where one fits)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from eucustoms.core.identifiers import EORI, CNCode

from .codes import CODES, EXTENSION_GROUNDS, REVOCATION_GROUNDS

DecisionTypeCode = Literal[CODES]  # type: ignore[valid-type]
ExtensionGround = Literal[tuple(EXTENSION_GROUNDS)]  # type: ignore[valid-type]
RevocationGround = Literal[REVOCATION_GROUNDS]  # type: ignore[valid-type]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _countries(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    seen: list[str] = []
    for v in values:
        code = v.strip().upper()
        if code not in seen:
            seen.append(code)
    return seen


class GoodsLine(_Strict):
    cn_code: str = Field(description="8-digit Combined Nomenclature code")
    description: str = Field(min_length=1, max_length=512)

    @field_validator("cn_code")
    @classmethod
    def _cn(cls, v: str) -> str:
        return str(CNCode.parse(v))


class Amount(_Strict):
    amount: Decimal = Field(allow_inf_nan=False)
    currency: str = Field(min_length=3, max_length=3)

    @field_validator("currency")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()


class DecisionApplication(_Strict):
    """An application for a decision (Art. 22(1) UCC)."""

    decision_type: DecisionTypeCode  # type: ignore[valid-type]
    applicant: str = Field(description="EORI of the applicant (registered in EOS)")
    country: str | None = Field(default=None, min_length=2, max_length=2,
                                description="member state of the competent customs authority (Art. 22(1) third "
                                            "subparagraph UCC); default: the officer's, or the EORI's prefix")
    countries: list[str] | None = Field(default=None, max_length=30,
                                        description="geographical validity: the member states concerned; default: "
                                                    "the competent one. Not for AEO (valid in every member state)")
    customs_office: str | None = Field(default=None, min_length=8, max_length=8,
                                       description="competent or supervising customs office")
    description: str = Field(min_length=1, max_length=2000, description="the activities the decision is to cover")
    goods: list[GoodsLine] = Field(default_factory=list, max_length=99)
    guarantee_amount: Amount | None = Field(default=None, description="reference amount (comprehensive guarantee)")
    location: str | None = Field(default=None, min_length=1, max_length=256,
                                 description="premises, facility or place of processing or use")
    requested_start: date | None = Field(default=None, description="the day from which the decision is wanted")
    consult: list[str] = Field(default_factory=list, max_length=30,
                               description="further member states to consult, e.g. where AEO records are kept")
    publication_consent: bool = Field(default=False, description="consent to publish the holder in the public look-ups")

    @field_validator("applicant")
    @classmethod
    def _eori(cls, v: str) -> str:
        return str(EORI.parse(v))

    @field_validator("country", "customs_office")
    @classmethod
    def _upper(cls, v: str | None) -> str | None:
        return None if v is None else v.upper()

    @field_validator("countries", "consult")
    @classmethod
    def _list(cls, v: list[str] | None) -> list[str] | None:
        return _countries(v)


class Reason(_Strict):
    reason: str = Field(min_length=1, max_length=2000)


class InformationRequest(_Strict):
    reason: str = Field(min_length=1, max_length=2000, description="what is missing")
    days: int = Field(default=30, ge=1, le=30, description="time given to supply it (at most 30 days)")


class Supplement(_Strict):
    information: str = Field(min_length=1, max_length=4000)


class Extension(_Strict):
    ground: ExtensionGround  # type: ignore[valid-type]
    days: int = Field(ge=1, le=366)
    reason: str = Field(min_length=1, max_length=2000)


class Hearing(_Strict):
    grounds: str = Field(min_length=1, max_length=4000, description="the grounds on which the authority intends "
                                                                    "to take an unfavourable decision")


class Comment(_Strict):
    comment: str = Field(min_length=1, max_length=4000, description="the applicant's point of view")


class ConsultationRequest(_Strict):
    country: str = Field(min_length=2, max_length=2)
    days: int | None = Field(default=None, ge=1, le=120, description="time-limit; default: the type's")

    @field_validator("country")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()


class ConsultationAnswer(_Strict):
    agree: bool
    reason: str | None = Field(default=None, max_length=4000, description="required for an objection")


class Grant(_Strict):
    valid_from: date | None = Field(default=None, description="default: the day the decision takes effect")
    valid_to: date | None = None
    countries: list[str] | None = Field(default=None, max_length=30,
                                        description="geographical validity granted; default: the application's "
                                                    "without the member states that objected")
    conditions: str | None = Field(default=None, max_length=4000)

    @field_validator("countries")
    @classmethod
    def _list(cls, v: list[str] | None) -> list[str] | None:
        return _countries(v)


class Refusal(_Strict):
    grounds: str = Field(min_length=1, max_length=4000)


class Revocation(_Strict):
    ground: RevocationGround  # type: ignore[valid-type]
    reason: str = Field(min_length=1, max_length=2000)
    effective: date | None = Field(default=None, description="first day the decision no longer applies; default "
                                                             "today, deferred by at most a year (Art. 28(4) UCC)")


class Extended(BaseModel):
    ground: str
    days: int
    reason: str
    on: date
    by: str


class Consultation(BaseModel):
    country: str
    requested_on: date
    due_on: date
    answer: str | None
    answered_on: date | None
    reason: str | None
    status: str = Field(description="pending, agreed, objected, or deemed_agreed (no answer in time)")


class Event(BaseModel):
    action: str
    at: datetime
    by: str
    details: dict[str, Any]


class Application(BaseModel):
    reference: str
    decision_type: str
    title: str
    applicant: str
    country: str
    countries: list[str] | None
    customs_office: str | None
    description: str
    goods: list[GoodsLine]
    guarantee_amount: Amount | None
    location: str | None
    requested_start: date | None
    publication_consent: bool
    state: str
    lodged_on: date
    complete_on: date | None
    accepted_on: date | None
    hearing_on: date | None
    hearing_grounds: str | None
    comment: str | None
    decided_on: date | None
    decision_reference: str | None
    outcome_reason: str | None
    time_limits: dict[str, Any]
    extensions: list[Extended]
    consultations: list[Consultation]
    events: list[Event]
    updated_at: datetime
    version: int


class Suspension(BaseModel):
    suspended_from: date
    lifted_on: date | None
    reason: str


class Decision(BaseModel):
    reference: str
    application: str
    decision_type: str
    title: str
    holder: str
    country: str
    countries: list[str] | None = Field(description="geographical validity; null: every member state (AEO)")
    customs_office: str | None
    decided_on: date
    valid_from: date
    valid_to: date | None
    state: str
    ends_on: date | None = Field(description="first day it no longer applies (revocation)")
    revocation_ground: str | None
    status_reason: str | None
    conditions: str | None
    details: dict[str, Any]
    publication_consent: bool
    suspensions: list[Suspension]
    valid_today: bool
    updated_at: datetime
    version: int
