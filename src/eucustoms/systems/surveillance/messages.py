"""What a releasing system hands to surveillance, and what an aggregate query asks and answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

GROUPS = ("goods_code", "chapter", "heading", "cn8", "origin", "partner", "country", "month", "flow", "preference")


class SurveillanceRecord(BaseModel):
    """One released declaration item (the surveillance dataset's core elements)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    flow: Literal["I", "E"]
    mrn: str = Field(min_length=18, max_length=18)
    item: int = Field(ge=1, le=9999)
    country: str = Field(min_length=2, max_length=2)
    office: str = Field(min_length=8, max_length=8)
    release_date: date
    procedure: str = Field(min_length=2, max_length=4)
    goods_code: str = Field(pattern=r"^\d{6}(\d{2}(\d{2})?)?$")
    origin: str | None = Field(default=None, min_length=2, max_length=2)
    partner: str | None = Field(default=None, min_length=2, max_length=2)
    preference: str | None = Field(default=None, max_length=3)
    net_mass: Decimal | None = Field(default=None, ge=0)
    supplementary_quantity: Decimal | None = Field(default=None, ge=0)
    supplementary_unit: str | None = Field(default=None, max_length=6)
    value_eur: Decimal | None = Field(default=None, ge=0)


class AggregateQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    flow: Literal["I", "E"] | None = None
    goods_code: str | None = Field(default=None, pattern=r"^\d{2,10}$", description="a code or its beginning")
    origin: str | None = Field(default=None, min_length=2, max_length=2)
    partner: str | None = Field(default=None, min_length=2, max_length=2)
    country: str | None = Field(default=None, min_length=2, max_length=2, description="member state")
    since: date | None = None
    until: date | None = None
    group_by: list[Literal["goods_code", "chapter", "heading", "cn8", "origin", "partner", "country", "month", "flow",
                           "preference"]] = Field(default_factory=lambda: ["goods_code", "origin", "month"])
