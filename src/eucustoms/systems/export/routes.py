"""AES API. Traders lodge, amend, invalidate, present and consult their export declarations; the person
presenting the goods at exit lodges the arrival (IE507) and the carrier the exit notification (IE590); officers of
the office of export decide controls, record results and release, officers of the office of exit handle the exit
cases; authorities read the per-country counts."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from eucustoms.core.clock import now
from eucustoms.core.errors import Forbidden
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.context import Context
from eucustoms.platform.http import context, require

from . import exit as exit_office
from . import service
from .indicators import counts
from .messages import ControlResult

router = APIRouter(prefix="/export", tags=["Export (AES): export declarations and exit"])

Trader = Annotated[Principal, Depends(require(Role.TRADER))]
Officer = Annotated[Principal, Depends(require(Role.OFFICER))]
TraderOrOfficer = Annotated[Principal, Depends(require(Role.TRADER, Role.OFFICER))]
Anyone = Annotated[Principal, Depends(require(Role.TRADER, Role.OFFICER, Role.COMMISSION))]
Authorities = Annotated[Principal, Depends(require(Role.OFFICER, Role.COMMISSION))]
Ctx = Annotated[Context, Depends(context)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Invalidation(_Strict):
    reason: str | None = Field(default=None, max_length=512)


class TransitLink(_Strict):
    transit_mrn: str = Field(min_length=1, max_length=18)


class ControlDecision(_Strict):
    control: Literal["none", "documentary", "physical"]


class ExitControlDecision(_Strict):
    control: Literal["documentary", "physical"]


class Refusal(_Strict):
    reason: str = Field(min_length=1, max_length=512)


# -- the declaration at the office of export ------------------------------------------------------------------

@router.post("/declarations", status_code=201)
def lodge(principal: Trader, ctx: Ctx, payload: Any = Body(...)) -> dict:
    """IE515: the MRN (IE528) and, without a control, the release for export (IE529) — or every error (IE556)."""
    return service.lodge(ctx, principal, payload)


@router.get("/declarations")
def list_declarations(principal: Anyone, ctx: Ctx, state: str | None = None, country: str | None = None,
                      limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0) -> dict:
    return service.search(ctx, principal, state=state, country=country, limit=limit, offset=offset)


@router.get("/declarations/{mrn}")
def consult(mrn: str, principal: Anyone, ctx: Ctx) -> dict:
    return service.consult(ctx, principal, mrn)


@router.put("/declarations/{mrn}")
def amend(mrn: str, principal: Trader, ctx: Ctx, payload: Any = Body(...)) -> dict:
    """IE513: the whole declaration again (same LRN) → IE504."""
    return service.amend(ctx, principal, mrn, payload)


@router.post("/declarations/{mrn}/invalidation")
def invalidate(mrn: str, body: Invalidation, principal: Trader, ctx: Ctx) -> dict:
    """IE514 → IE509."""
    return service.invalidate(ctx, principal, mrn, body.reason)


@router.post("/declarations/{mrn}/presentation")
def present(mrn: str, principal: TraderOrOfficer, ctx: Ctx) -> dict:
    """IE511: the goods of a pre-lodged declaration are presented; it is accepted now."""
    return service.present(ctx, principal, mrn)


@router.post("/declarations/{mrn}/transit")
def link_transit(mrn: str, body: TransitLink, principal: Trader, ctx: Ctx) -> dict:
    """Export followed by transit: record the MRN of the transit movement."""
    return service.link_transit(ctx, principal, mrn, body.transit_mrn)


@router.post("/declarations/{mrn}/control-decision")
def control_decision(mrn: str, body: ControlDecision, principal: Officer, ctx: Ctx) -> dict:
    return service.decide_control(ctx, principal, mrn, body.control)


@router.post("/declarations/{mrn}/control-result")
def control_result(mrn: str, body: ControlResult, principal: Officer, ctx: Ctx) -> dict:
    return service.record_control(ctx, principal, mrn, body.model_dump(exclude_none=True))


@router.post("/declarations/{mrn}/release")
def release(mrn: str, principal: Officer, ctx: Ctx) -> dict:
    """IE529 and the anticipated export record (IE501) to the office of exit."""
    return service.release(ctx, principal, mrn)


@router.post("/declarations/{mrn}/no-release")
def refuse_release(mrn: str, body: Refusal, principal: Officer, ctx: Ctx) -> dict:
    """IE551."""
    return service.refuse_release(ctx, principal, mrn, body.reason)


# -- the office of exit ---------------------------------------------------------------------------------------

@router.post("/exit/arrivals", status_code=201)
def arrival_at_exit(principal: TraderOrOfficer, ctx: Ctx, payload: Any = Body(...)) -> dict:
    """IE507, by the person presenting the goods: released for exit at once (IE525) or examined first (IE561)."""
    return exit_office.arrive(ctx, principal, payload)


@router.post("/exit/notifications", status_code=201)
def exit_notification(principal: Trader, ctx: Ctx, payload: Any = Body(...)) -> dict:
    """IE590, by the carrier: the goods have left; the exit results (IE518) go to the office of export."""
    return exit_office.notify_exit(ctx, principal, payload)


@router.get("/exit/cases")
def exit_cases(principal: Officer, ctx: Ctx, state: str | None = None,
               limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0) -> dict:
    return exit_office.work_queue(ctx, principal, state=state, limit=limit, offset=offset)


@router.get("/exit/cases/{mrn}")
def exit_case(mrn: str, principal: Anyone, ctx: Ctx) -> dict:
    return exit_office.case(ctx, principal, mrn)


@router.post("/exit/cases/{mrn}/control-decision")
def exit_control_decision(mrn: str, body: ExitControlDecision, principal: Officer, ctx: Ctx) -> dict:
    return exit_office.decide_control(ctx, principal, mrn, body.control)


@router.post("/exit/cases/{mrn}/control-result")
def exit_control_result(mrn: str, body: ControlResult, principal: Officer, ctx: Ctx) -> dict:
    return exit_office.record_control(ctx, principal, mrn, body.model_dump(exclude_none=True))


@router.post("/exit/cases/{mrn}/release")
def exit_release(mrn: str, principal: Officer, ctx: Ctx) -> dict:
    return exit_office.release_for_exit(ctx, principal, mrn)


class ExitConfirmation(_Strict):
    exited_at: str | None = Field(default=None, description="ISO 8601 with the time zone; now if omitted")
    note: str | None = Field(default=None, max_length=512)


@router.post("/exit/cases/{mrn}/exit")
def exit_confirmation(mrn: str, body: ExitConfirmation, principal: Officer, ctx: Ctx) -> dict:
    """The officer of exit confirms the exit (without the carrier's IE590); IE518 goes to the office of export."""
    return exit_office.confirm_exit(ctx, principal, mrn, body.exited_at, body.note)


@router.post("/exit/cases/{mrn}/refusal")
def exit_refusal(mrn: str, body: Refusal, principal: Officer, ctx: Ctx) -> dict:
    return exit_office.refuse_exit(ctx, principal, mrn, body.reason)


# -- counts ---------------------------------------------------------------------------------------------------

@router.get("/indicators/counts")
def indicator_counts(principal: Authorities, ctx: Ctx, since: date, until: date, country: str | None = None) -> dict:
    """Declarations lodged, released, exited (… ) per member state of export, days ``since``..``until``."""
    if principal.role is Role.OFFICER:
        if country and country.upper() != principal.country:
            raise Forbidden("an officer sees the counts of its own member state")
        country = principal.country
    with ctx.db.read() as conn:
        return counts(conn, since, until, country=country, as_of=now())
