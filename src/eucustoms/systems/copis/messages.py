"""What applications for action, the decisions on them and detentions carry (after the application form of
Implementing Regulation (EU) No 1352/2013 and Art. 6, 17 and 23 of Regulation (EU) No 608/2013)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from eucustoms.core.identifiers import EORI, CNCode

from .codes import APPLICANT_STATUSES, RIGHT_TYPES, SITUATIONS

RightTypeCode = Literal[tuple(RIGHT_TYPES)]  # type: ignore[valid-type]
ApplicantStatus = Literal[APPLICANT_STATUSES]  # type: ignore[valid-type]
Situation = Literal[SITUATIONS]  # type: ignore[valid-type]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _countries(values: list[str]) -> list[str]:
    seen: list[str] = []
    for v in values:
        code = v.strip().upper()
        if code not in seen:
            seen.append(code)
    return seen


class Party(_Strict):
    name: str = Field(min_length=1, max_length=512)
    eori: str | None = None
    address: str | None = Field(default=None, max_length=512)
    email: str | None = Field(default=None, max_length=256, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

    @field_validator("eori")
    @classmethod
    def _eori(cls, v: str | None) -> str | None:
        return None if v is None else str(EORI.parse(v))


class Right(_Strict):
    type: RightTypeCode  # type: ignore[valid-type]
    name: str = Field(min_length=1, max_length=256, description="the mark, design, work, indication... as protected")
    registration_number: str | None = Field(default=None, max_length=50)
    scope: Literal["union", "national"] = Field(description="effect throughout the Union, or in one member state")
    country: str | None = Field(default=None, min_length=2, max_length=2, description="for a national right: where")
    expires_on: date | None = None

    @field_validator("country")
    @classmethod
    def _upper(cls, v: str | None) -> str | None:
        return None if v is None else v.upper()


class GoodsLine(_Strict):
    cn_code: str = Field(description="8-digit Combined Nomenclature code")
    description: str = Field(min_length=1, max_length=512, description="the authentic goods")

    @field_validator("cn_code")
    @classmethod
    def _cn(cls, v: str) -> str:
        return str(CNCode.parse(v))


class ActionApplication(_Strict):
    """An application for action (Art. 5-6)."""

    kind: Literal["national", "union"]
    country: str | None = Field(default=None, min_length=2, max_length=2,
                                description="member state of the competent customs department it is lodged with")
    member_states: list[str] = Field(default_factory=list, max_length=30,
                                     description="where action is requested; national: the country only")
    applicant: Party
    applicant_status: ApplicantStatus  # type: ignore[valid-type]
    representative: Party | None = None
    rights: list[Right] = Field(min_length=1, max_length=50)
    goods: list[GoodsLine] = Field(min_length=1, max_length=99)
    small_consignments: bool = Field(default=False, description="request the procedure for small consignments (Art. 26)")
    undertaking: bool = Field(description="the undertakings to assume liability and bear the costs (Art. 6(3), 28 and 29)")

    @field_validator("country")
    @classmethod
    def _upper(cls, v: str | None) -> str | None:
        return None if v is None else v.upper()

    @field_validator("member_states")
    @classmethod
    def _list(cls, v: list[str]) -> list[str]:
        return _countries(v)


class Reason(_Strict):
    reason: str = Field(min_length=1, max_length=2000)


class InformationRequest(_Strict):
    reason: str = Field(min_length=1, max_length=2000)


class Supplement(_Strict):
    information: str = Field(min_length=1, max_length=4000)


class GrantAction(_Strict):
    valid_to: date | None = Field(default=None, description="end of the period of action; at most a year (Art. 11(1))")


class ExtendAction(_Strict):
    valid_to: date | None = Field(default=None, description="new end; at most a year after the current one (Art. 11(2))")


class DetainedGoods(_Strict):
    cn_code: str
    description: str = Field(min_length=1, max_length=512)
    quantity: int = Field(ge=1, le=100_000_000, description="number of articles")

    @field_validator("cn_code")
    @classmethod
    def _cn(cls, v: str) -> str:
        return str(CNCode.parse(v))


class DetentionRequest(_Strict):
    """Customs suspend the release of, or detain, goods suspected of infringing a right of a granted application
    (Art. 17)."""

    application: str = Field(min_length=1, max_length=24, description="the application for action granted")
    declaration: str = Field(min_length=1, max_length=70, description="MRN or reference of the declaration or notification")
    office: str | None = Field(default=None, min_length=8, max_length=8, description="detaining office; default: the officer's")
    situation: Situation = "import"  # type: ignore[valid-type]
    declarant: Party
    holder_of_goods: Party | None = None
    rights: list[str] = Field(min_length=1, max_length=50,
                              description="the rights suspected infringed: registration numbers (or names) from the application")
    goods: list[DetainedGoods] = Field(min_length=1, max_length=99)
    perishable: bool = False
    small_consignment: bool = False
    gross_mass_kg: Decimal | None = Field(default=None, ge=0, allow_inf_nan=False)


class HolderResponse(_Strict):
    """The right holder's written confirmation (Art. 23(1)(a)-(b))."""

    infringement: bool = Field(description="in its conviction a right has been infringed")
    agree_to_destruction: bool


class DeclarantResponse(_Strict):
    """The declarant's or holder of the goods' agreement to destruction, or opposition (Art. 23(1)(c))."""

    agree_to_destruction: bool
    reason: str | None = Field(default=None, max_length=2000)


class Proceedings(_Strict):
    """Proceedings initiated to determine whether a right has been infringed (Art. 23(3))."""

    court: str = Field(min_length=1, max_length=256)
    reference: str = Field(min_length=1, max_length=70)


class DetentionExtension(_Strict):
    working_days: int = Field(ge=1, le=10)
    reason: str = Field(min_length=1, max_length=2000)


class Outcome(_Strict):
    reason: str = Field(min_length=1, max_length=2000)


class ActionApplicationView(BaseModel):
    reference: str
    kind: str
    country: str
    member_states: list[str]
    applicant: Party
    applicant_status: str
    representative: Party | None
    rights: list[Right]
    goods: list[GoodsLine]
    small_consignments: bool
    state: str
    lodged_on: date
    complete_on: date | None
    decision_due: date | None
    decided_on: date | None
    valid_from: date | None
    valid_to: date | None
    in_force: bool
    extension_request_by: date | None
    extension_requested_on: date | None
    outcome_reason: str | None
    detentions: int
    updated_at: datetime
    version: int


class DetentionView(BaseModel):
    reference: str
    application: str
    country: str
    office: str
    declaration: str
    situation: str
    declarant: Party
    holder_of_goods: Party | None
    rights: list[dict[str, Any]]
    goods: list[DetainedGoods]
    articles: int
    perishable: bool
    small_consignment: bool
    gross_mass_kg: Decimal | None
    state: str
    detained_on: date
    notified_on: date
    due: date = Field(description="last working day to confirm, agree to destruction or start proceedings")
    extended_by: int
    holder_infringement: bool | None
    holder_agrees: bool | None
    holder_answered_on: date | None
    declarant_agrees: bool | None
    declarant_answered_on: date | None
    declarant_deemed_agreement: bool = Field(description="no answer by the due day counts as agreement (Art. 23(1))")
    proceedings: dict[str, Any] | None
    closed_on: date | None
    outcome_reason: str | None
    events: list[dict[str, Any]]
    updated_at: datetime
    version: int
