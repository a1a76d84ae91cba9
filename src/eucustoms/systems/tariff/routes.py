"""TARIC API: public look-ups (commodity, duty calculation, quota balance) and QUOTA2 for customs authorities."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from eucustoms.platform import telemetry
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.context import Context
from eucustoms.platform.http import context, current_principal, require

from . import quota
from .service import DutyRequest, assess, commodity, now_day
from .tariff import tariff

router = APIRouter(prefix="/tariff", tags=["TARIC: integrated tariff and quotas"])

Authority = Annotated[Principal, Depends(require(Role.OFFICER, Role.COMMISSION))]
Anyone = Annotated[Principal, Depends(current_principal)]
Ctx = Annotated[Context, Depends(context)]


class QuotaRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    origin: str = Field(min_length=2, max_length=2)
    quantity: str = Field(description="decimal text")
    unit: str | None = None
    accepted_at: datetime = Field(description="acceptance of the declaration (timezone-aware)")
    declaration_ref: str = Field(min_length=1, max_length=40, description="MRN of the declaration")


class AllocationRun(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: date


class QuotaReturn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantity: str | None = Field(default=None, description="unused quantity; everything when omitted")


def _count(ctx: Context, key: str) -> None:
    with ctx.db.begin() as conn:  # counted only when the look-up succeeded
        telemetry.count(conn, "dds", telemetry.CONSULTATIONS, key)


@router.get("/commodities/{code}")
def show_commodity(code: str, ctx: Ctx, _caller: Anyone, on: date | None = None, origin: str | None = None) -> dict:
    """A goods code as of a day with its hierarchy and measures (for an origin when given)."""
    result = commodity(tariff(ctx.db), code, on or now_day(), origin)
    _count(ctx, "TARIC")
    return result


@router.post("/duty")
def calculate_duty(body: DutyRequest, ctx: Ctx, _caller: Anyone) -> dict:
    """The duty calculator: applicable measures, the duty of each with its arithmetic, totals and VAT."""
    result = assess(ctx.db, body, now_day()).as_dict()
    _count(ctx, "TARIC")
    return result


@router.get("/quotas/{order_number}")
def quota_balance(order_number: str, ctx: Ctx, _caller: Anyone, on: date | None = None) -> dict:
    with ctx.db.begin() as conn:
        result = quota.balance(conn, order_number, on or now_day())
        telemetry.count(conn, "dds", telemetry.CONSULTATIONS, "QUOTA")
    return result


@router.post("/quotas/{order_number}/requests", status_code=201)
def request_quota(order_number: str, body: QuotaRequest, ctx: Ctx, _who: Authority) -> dict:
    with ctx.db.begin() as conn:
        return quota.request_allocation(conn, order_number, body.origin, body.quantity, body.accepted_at,
                                        body.declaration_ref, unit=body.unit)


@router.post("/quotas/allocations")
def run_allocation(body: AllocationRun, ctx: Ctx, _who: Authority) -> list[dict]:
    with ctx.db.begin() as conn:
        return quota.allocate_day(conn, body.day)


@router.post("/quotas/requests/{declaration_ref}/return")
def return_quota(declaration_ref: str, body: QuotaReturn, ctx: Ctx, _who: Authority) -> dict:
    with ctx.db.begin() as conn:
        return quota.return_quantity(conn, declaration_ref, quantity=body.quantity)


@router.get("/quotas/{order_number}/events")
def quota_events(order_number: str, ctx: Ctx, _who: Authority) -> list[dict]:
    with ctx.db.read() as conn:
        return quota.events(conn, order_number)
