"""The data of a BTI application, of the decision taken on it, and of the public look-up (DDS2-EBTI).

Names follow the data elements of the BTI application and decision (Delegated Regulation (EU) 2015/2446, Annex A,
Title II): holder, member state, goods description, commercial denomination and additional information,
proposed classification, samples, images and other attachments, confidential data; classification code,
justification, keywords, start and end of validity.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from eucustoms.core.identifiers import EORI

#: Fields the applicant may ask to keep confidential (the application's "confidential data" element): they never
#: appear in the public look-up. The holder never appears there either, whatever the application says.
ConfidentialField = Literal["commercial_denomination", "attachments"]
AttachmentKind = Literal["image", "document"]
Validity = Literal["valid", "invalid", "all"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Attachment(_Strict):
    """An image or document held elsewhere, by reference: where it is, what it is, and its SHA-256 so that the
    decision binds exactly that content."""

    uri: str = Field(min_length=8, max_length=2048, pattern=r"^(https://|http://|urn:|s3://)[^\s]+$",
                     description="where the file is: https, http, s3 URL or URN")
    media_type: str = Field(min_length=3, max_length=127, pattern=r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$",
                            description="IANA media type, e.g. image/jpeg or application/pdf")
    sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$", description="SHA-256 of the file, 64 hexadecimal digits")
    kind: AttachmentKind = "document"
    description: str | None = Field(default=None, max_length=512)

    @field_validator("sha256")
    @classmethod
    def _lower(cls, v: str) -> str:
        return v.lower()


class BtiApplicationRequest(_Strict):
    """An application for a BTI decision. A trader applies for itself (``holder`` omitted or its own EORI) or,
    as a representative, for the holder it names."""

    holder: str | None = Field(default=None, description="EORI of the applicant who will hold the decision")
    member_state: str = Field(min_length=2, max_length=2, description="member state whose customs authority decides")
    goods_description: str = Field(min_length=1, max_length=4000)
    commercial_denomination: str | None = Field(default=None, max_length=1000,
                                                description="commercial denomination and additional information")
    proposed_code: str | None = Field(default=None, description="the classification the applicant proposes (CN 8 or TARIC 10 digits)")
    attachments: list[Attachment] = Field(default_factory=list, max_length=50)
    samples: bool = Field(default=False, description="samples are available or were sent")
    confidential: list[ConfidentialField] = Field(default_factory=list, description="fields not to publish")
    language: str | None = Field(default=None, min_length=2, max_length=2, description="ISO 639-1 language of the texts")

    @field_validator("holder")
    @classmethod
    def _eori(cls, v: str | None) -> str | None:
        return None if v is None else str(EORI.parse(v))

    @field_validator("member_state")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()

    @field_validator("language")
    @classmethod
    def _lang(cls, v: str | None) -> str | None:
        return None if v is None else v.lower()


class Reason(_Strict):
    reason: str = Field(min_length=1, max_length=2000)


class DecisionRequest(_Strict):
    """The customs authority's BTI decision on an accepted application."""

    code: str = Field(description="classification: CN code (8 digits) or TARIC code (10 digits)")
    justification: str = Field(min_length=1, max_length=8000, description="the reasons for the classification")
    keywords: list[str] = Field(min_length=1, max_length=30)
    goods_description: str | None = Field(default=None, min_length=1, max_length=4000,
                                          description="the description on the decision; the application's when omitted")
    valid_from: date | None = Field(default=None, description="the day the decision takes effect; today when omitted")
    language: str | None = Field(default=None, min_length=2, max_length=2)

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, v: list[str]) -> list[str]:
        cleaned = [k.strip() for k in v]
        for k in cleaned:
            if not 1 <= len(k) <= 100:
                raise ValueError("each keyword must be 1 to 100 characters")
        return cleaned


class EndRequest(_Strict):
    """Annulment or revocation. ``effective`` is the first day the BTI is no longer valid (revocation only;
    today when omitted)."""

    reason: str = Field(min_length=1, max_length=2000)
    effective: date | None = None


class Application(BaseModel):
    reference: str
    state: str
    member_state: str
    holder: str
    representative: str | None
    goods_description: str
    commercial_denomination: str | None
    proposed_code: str | None
    attachments: list[Attachment]
    samples: bool
    confidential: list[str]
    language: str | None
    lodged_at: datetime
    acceptance_due: date
    accepted_at: datetime | None
    decision_due: date | None
    closed_at: datetime | None
    state_reason: str | None
    bti_reference: str | None
    version: int


class BtiDecision(BaseModel):
    """A BTI decision as its holder and customs authorities see it (every field)."""

    reference: str
    application_reference: str
    member_state: str
    holder: str
    code: str
    goods_description: str
    commercial_denomination: str | None
    attachments: list[Attachment]
    confidential: list[str]
    justification: str
    keywords: list[str]
    language: str | None
    decided_at: datetime
    valid_from: date
    valid_to: date = Field(description="the end of the three years of validity")
    code_valid_to: date | None = Field(description="the last day the code exists in the nomenclature (None: open)")
    ended_on: date | None = Field(description="the last day of validity set by a revocation")
    last_day: date = Field(description="the last day the BTI is valid: the earliest of the three")
    status: str = Field(description="the recorded state")
    status_on: str = Field(description="the state on the day asked for (`on`, today by default)")
    on: date
    end_reason: str | None
    version: int


class PublicBti(BaseModel):
    """A BTI decision in the public look-up: no holder, nothing the applicant asked to keep confidential."""

    reference: str
    issuing_country: str
    code: str
    goods_description: str
    commercial_denomination: str | None
    attachments: list[Attachment]
    justification: str
    keywords: list[str]
    language: str | None
    valid_from: date
    valid_to: date
    last_day: date
    status: str
    on: date


class PublicPage(BaseModel):
    total: int
    limit: int
    offset: int
    on: date
    items: list[PublicBti]


class ApplicationPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[Application]


class DecisionPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[BtiDecision]
