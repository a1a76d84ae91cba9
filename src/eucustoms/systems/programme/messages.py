"""What the programme's recording carries: collaborative actions and their meetings (ART2), participants per
country, training (eLearning courses and their language versions, CLEP events, IT training sessions, people trained),
the yearly survey of the national administrations, support incidents, published indicator values and PICS figures."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Area = Literal["union_law", "best_practices", "cooperation", "competency", "innovation", "it_capacity",
               "programme_management", "other"]
ActionKind = Literal["project_group", "working_visit", "seminar", "workshop", "expert_group", "training", "other"]
MeetingFormat = Literal["physical", "online", "hybrid"]
TrainingKind = Literal["elearning", "clep", "it_training"]
IncidentCategory = Literal["gold", "silver", "bronze", "best_effort"]
AwarenessLevel = Literal["none", "very_basic", "basic", "advanced"]

#: The survey of the national administrations: question → (kind, indicator it feeds, wording). Scores are the
#: percentage of agreement (0 "not at all agree" … 100 "fully agree").
QUESTIONS: dict[str, tuple[str, str | None, str]] = {
    "awareness": ("level", "OP 3 sub-indicator 1", "Degree of awareness of the Programme in your administration"),
    "collaboration_quality": ("score", "OP 2.1 sub-indicator 4", "Quality of the collaborative actions"),
    "outputs_used": ("yes_no", None, "Your authority made use of a working practice, guideline or recommendation developed with the Programme's support"),
    "ees_uniform_implementation": ("score", "RES 1 sub-indicator 2", "New common components of the EES facilitate a coherent implementation of Union law and policy"),
    "ees_operational_cooperation": ("score", "RES 2.2 sub-indicator 1", "New common components of the EES facilitate operational cooperation between national authorities"),
    "pics_satisfaction": ("score", "RES 2.2 sub-indicator 5", "Satisfaction with the online collaboration platform (PICS)"),
    "networking": ("score", "RES 2.2 sub-indicator 6", "The programme generated networking opportunities"),
    "ees_operational_performance": ("score", "RES 3.2 sub-indicator 1", "New common components of the EES improve the operational performance of national authorities"),
    "collaboration_operational_performance": ("score", "RES 3.2 sub-indicator 2", "Collaborative and human competency actions' outputs improve national authorities' operational performance"),
    "ees_innovation": ("score", "RES 4 sub-indicator 1", "New common components of the EES contribute to innovation in customs policy"),
    "collaboration_innovation": ("score", "RES 4 sub-indicator 2", "Collaborative and human competency actions' outputs contribute to innovation in customs policy"),
    "uniform_interpretation": ("yes_no", None, "Collaborative and training activities facilitated a more uniform interpretation and implementation of EU customs law"),
}
AWARENESS_SCORE = {"none": Decimal(0), "very_basic": Decimal(1) / 3, "basic": Decimal(2) / 3, "advanced": Decimal(1)}
#: Resolution times of the IT service desk per incident category (hours), used when a record gives no due time.
RESOLUTION_HOURS = {"gold": 4, "silver": 8, "bronze": 24}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _country(v: str | None) -> str | None:
    if v is None:
        return None
    v = v.upper()
    if len(v) != 2 or not v.isalpha():
        raise ValueError("a two-letter country code")
    return v


class ActionRecord(_Strict):
    """A collaborative action (a project group, a working visit, a seminar...) as ART2 registers it."""

    reference: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._/-]+$")
    title: str = Field(min_length=1, max_length=300)
    kind: ActionKind
    areas: list[Area] = Field(min_length=1)
    lead_country: str | None = Field(default=None, description="the country leading it; none for the Commission's")
    start_date: date
    end_date: date | None = None

    @field_validator("lead_country")
    @classmethod
    def _country_code(cls, v: str | None) -> str | None:
        return _country(v)

    @model_validator(mode="after")
    def _dates(self) -> "ActionRecord":
        if self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class MeetingRecord(_Strict):
    reference: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._/-]+$")
    action: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=300)
    format: MeetingFormat
    area: Area
    start_date: date
    end_date: date | None = None
    host_country: str | None = None
    status: Literal["operational", "cancelled"] = "operational"
    participants: dict[str, int] | None = Field(default=None, description="participants per country (ISO code → number)")

    @field_validator("host_country")
    @classmethod
    def _country_code(cls, v: str | None) -> str | None:
        return _country(v)

    @field_validator("participants")
    @classmethod
    def _participants(cls, v: dict[str, int] | None) -> dict[str, int] | None:
        if v is None:
            return None
        out = {}
        for country, n in v.items():
            if n < 0:
                raise ValueError(f"a negative number of participants for {country}")
            out[_country(country)] = n
        return out  # type: ignore[return-value]

    @model_validator(mode="after")
    def _dates(self) -> "MeetingRecord":
        if self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class ParticipantsRecord(_Strict):
    meeting: str = Field(min_length=1, max_length=40)
    country: str
    participants: int = Field(ge=0, le=100_000)

    @field_validator("country")
    @classmethod
    def _country_code(cls, v: str | None) -> str | None:
        return _country(v)


class TrainingRecord(_Strict):
    """A course or event and the people of one country it trained in a year. eLearning courses list the language
    versions produced in the year (``en`` is the English version)."""

    reference: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._/-]+$")
    country: str = Field(description="whose people were trained; EU for the Commission's own records (courses)")
    year: int = Field(ge=2021, le=2100)
    kind: TrainingKind
    title: str = Field(min_length=1, max_length=300)
    start_date: date | None = None
    end_date: date | None = None
    new_course: bool = False
    languages: list[str] = Field(default_factory=list)
    customs_officials: int = Field(default=0, ge=0)
    economic_operators: int = Field(default=0, ge=0)
    other_professionals: int = Field(default=0, ge=0)
    quality: dict[Literal["content", "methodology", "technology"], Decimal] | None = None

    @field_validator("country")
    @classmethod
    def _country_code(cls, v: str | None) -> str | None:
        return _country(v)

    @field_validator("languages")
    @classmethod
    def _languages(cls, v: list[str]) -> list[str]:
        out = []
        for lang in v:
            lang = lang.strip().lower()
            if len(lang) != 2 or not lang.isalpha():
                raise ValueError(f"{lang!r} is not a two-letter language code")
            out.append(lang)
        if len(out) != len(set(out)):
            raise ValueError("a language is listed twice")
        return out

    @field_validator("quality")
    @classmethod
    def _quality(cls, v: dict[str, Decimal] | None) -> dict[str, Decimal] | None:
        if v and any(not 0 <= x <= 100 for x in v.values()):
            raise ValueError("quality scores are percentages (0-100)")
        return v


class SurveyRecord(_Strict):
    """One administration's answers to the year's survey (any subset of the questions; re-recording replaces)."""

    year: int = Field(ge=2021, le=2100)
    country: str
    answers: dict[str, Any] = Field(min_length=1)

    @field_validator("country")
    @classmethod
    def _country_code(cls, v: str | None) -> str | None:
        return _country(v)

    @field_validator("answers")
    @classmethod
    def _answers(cls, v: dict[str, Any]) -> dict[str, Any]:
        problems = []
        for q, a in v.items():
            if q not in QUESTIONS:
                problems.append(f"unknown question {q!r} (one of {', '.join(QUESTIONS)})")
                continue
            kind = QUESTIONS[q][0]
            if kind == "level" and a not in AWARENESS_SCORE:
                problems.append(f"{q}: one of {', '.join(AWARENESS_SCORE)}")
            elif kind == "score" and (isinstance(a, bool) or not isinstance(a, (int, float)) or not 0 <= a <= 100):
                problems.append(f"{q}: a percentage of agreement from 0 to 100")
            elif kind == "yes_no" and not isinstance(a, bool):
                problems.append(f"{q}: true or false")
        if problems:
            raise ValueError("; ".join(problems))
        return v


class IncidentRecord(_Strict):
    reference: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._/-]+$")
    country: str
    system: str = Field(min_length=1, max_length=40, description="the system concerned (Annex 5 acronym)")
    category: IncidentCategory
    opened_at: datetime
    resolved_at: datetime | None = None
    due_at: datetime | None = Field(default=None, description="resolution deadline; default from the category")
    satisfaction: int | None = Field(default=None, ge=1, le=5)
    summary: str | None = Field(default=None, max_length=2000)

    @field_validator("country")
    @classmethod
    def _country_code(cls, v: str | None) -> str | None:
        return _country(v)

    @field_validator("opened_at", "resolved_at", "due_at")
    @classmethod
    def _aware(cls, v: datetime | None) -> datetime | None:
        if v is not None and v.tzinfo is None:
            raise ValueError("give a time zone (e.g. 2025-03-01T10:00:00Z)")
        return v

    @model_validator(mode="after")
    def _order(self) -> "IncidentRecord":
        if self.resolved_at and self.resolved_at < self.opened_at:
            raise ValueError("resolved_at is before opened_at")
        return self


class BreakdownItem(_Strict):
    key: str = Field(min_length=1, max_length=64)
    label: str | None = None
    value: Decimal | None
    printed: str | None = None
    unit: str | None = None


class Breakdown(_Strict):
    dimension: str = Field(min_length=1, max_length=48)
    label: str | None = None
    aggregate: Literal["sum", "mean", "overlap", "shares", "subset", "none"] = "none"
    items: list[BreakdownItem]


class ValueRecord(_Strict):
    """A value to publish for an indicator and year (the Commission's), with its breakdowns and narrative."""

    indicator: str
    year: int = Field(ge=2021, le=2100)
    value: Decimal | None
    printed: str | None = None
    narrative: str = ""
    breakdowns: list[Breakdown] = Field(default_factory=list)


class PicsRecord(_Strict):
    year: int = Field(ge=2021, le=2100)
    measure: Literal["groups", "active_users", "interactions"]
    dimension: Literal["", "scope", "category", "country"] = ""
    key: str = ""
    value: int = Field(ge=0)
