"""Transit API (NCTS phase 5): traders post their CC messages as XML and follow their movements; the officers
of the offices of departure, transit and destination take their decisions."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from eucustoms.core.errors import ErrorCode, Issue
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.context import Context
from eucustoms.platform.http import context, error_body, require

from . import destination, service, transit_office
from .exchange import MessageRejected

router = APIRouter(prefix="/transit", tags=["Transit: NCTS phase 5 movements"])

Trader = Annotated[Principal, Depends(require(Role.TRADER))]
Officer = Annotated[Principal, Depends(require(Role.OFFICER))]
Anyone = Annotated[Principal, Depends(require(Role.TRADER, Role.OFFICER, Role.COMMISSION))]
Ctx = Annotated[Context, Depends(context)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]

XML_TYPES = ("application/xml", "text/xml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ControlDecision(_Strict):
    control: Literal["documentary", "scan", "physical"]
    note: str | None = Field(default=None, max_length=512)


class ControlResult(_Strict):
    result: Literal["no_irregularity", "irregularity", "seizure"]
    findings: str | None = Field(default=None, max_length=512)


class Refusal(_Strict):
    reason: str = Field(min_length=1, max_length=512)


class Note(_Strict):
    note: str | None = Field(default=None, max_length=512)


class Recovery(_Strict):
    amount: Decimal = Field(gt=0, allow_inf_nan=False)
    currency: str = Field(default="EUR", min_length=3, max_length=3)
    note: str | None = Field(default=None, max_length=512)


class DestinationResult(_Strict):
    result: Literal["satisfactory", "discrepancies"]
    note: str | None = Field(default=None, max_length=512)


class Crossing(_Strict):
    office: str | None = Field(default=None, pattern=r"^[A-Z]{2}[A-Z0-9]{6}$")


def _rejection(exc: MessageRejected) -> JSONResponse:
    return JSONResponse({**error_body(exc.status, exc.message, exc.issues), **exc.as_dict()}, status_code=exc.status)


@router.post("/messages")
async def post_message(request: Request, principal: Trader, ctx: Ctx):  # noqa: ANN201 - JSON either way
    """Send a CC message (``Content-Type: application/xml``): CC015C, CC013C, CC014C, CC170C at departure, CC007C,
    CC044C at destination. The answer lists the messages sent back at once (CC928C, CC028C, CC029C...); a
    rejection is the usual error body with the rejection message (CC056C, CC057C, CC906C or CC917C) in
    ``replies``. Later messages arrive in the notifications queue."""
    kind = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if kind not in XML_TYPES and not kind.endswith("+xml"):
        reason = f"send the message as application/xml, not {kind or 'no content type'}"
        return JSONResponse(error_body(415, reason, [Issue(ErrorCode.SYNTAX, "header:Content-Type", reason)]), status_code=415)
    body = await request.body()
    try:
        return await run_in_threadpool(service.submit, ctx, principal, body)
    except MessageRejected as exc:
        return _rejection(exc)


@router.get("/movements")
def list_movements(principal: Anyone, ctx: Ctx, state: str | None = None, office: str | None = None,
                   limit: Limit = 50, offset: Offset = 0) -> dict:
    """Movements at departure: your own (holder or representative), your member state's (officers)."""
    return service.search(ctx, principal, state=state, office=office, limit=limit, offset=offset)


@router.get("/movements/{mrn}")
def consult(mrn: str, principal: Anyone, ctx: Ctx) -> dict:
    return service.consult(ctx, principal, mrn)


@router.get("/movements/{mrn}/log")
def movement_log(mrn: str, principal: Anyone, ctx: Ctx, xml: bool = False) -> dict:
    """Every message received and sent about the movement that you may see (``xml=true``: with their XML)."""
    return service.log(ctx, principal, mrn, with_xml=xml)


@router.get("/movements/{mrn}/log/{entry}", response_class=Response)
def movement_message(mrn: str, entry: int, principal: Anyone, ctx: Ctx) -> Response:
    """One CC message of the movement's log, as XML."""
    return Response(service.message_xml(ctx, principal, mrn, entry), media_type="application/xml")


# -- office of departure --------------------------------------------------------------------------------------

@router.post("/movements/{mrn}/control-decision")
def control_decision(mrn: str, body: ControlDecision, principal: Officer, ctx: Ctx) -> dict:
    return service.decide_control(ctx, principal, mrn, body.control, body.note)


@router.post("/movements/{mrn}/control-result")
def control_result(mrn: str, body: ControlResult, principal: Officer, ctx: Ctx) -> dict:
    return service.record_control(ctx, principal, mrn, body.result, body.findings)


@router.post("/movements/{mrn}/release")
def release(mrn: str, principal: Officer, ctx: Ctx) -> dict:
    return service.release(ctx, principal, mrn)


@router.post("/movements/{mrn}/no-release")
def no_release(mrn: str, body: Refusal, principal: Officer, ctx: Ctx) -> dict:
    return service.refuse_release(ctx, principal, mrn, body.reason)


@router.post("/movements/{mrn}/write-off")
def write_off(mrn: str, body: Note, principal: Officer, ctx: Ctx) -> dict:
    return service.write_off(ctx, principal, mrn, body.note)


@router.post("/movements/{mrn}/recovery")
def recovery(mrn: str, body: Recovery, principal: Officer, ctx: Ctx) -> dict:
    return service.recover(ctx, principal, mrn, body.amount, body.currency, body.note)


# -- offices of destination and transit -----------------------------------------------------------------------

@router.get("/arrivals")
def arrivals(principal: Officer, ctx: Ctx, state: str | None = None, limit: Limit = 50, offset: Offset = 0) -> dict:
    """The movements expected at or arrived at your member state's offices of destination."""
    return destination.work_queue(ctx, principal, state=state, limit=limit, offset=offset)


@router.post("/arrivals/{mrn}/unloading-permission")
def unloading_permission(mrn: str, principal: Officer, ctx: Ctx) -> dict:
    return destination.permit_unloading(ctx, principal, mrn)


@router.post("/arrivals/{mrn}/control-result")
def destination_result(mrn: str, body: DestinationResult, principal: Officer, ctx: Ctx) -> dict:
    return destination.record_results(ctx, principal, mrn, body.result, body.note)


@router.get("/passages")
def passages(principal: Officer, ctx: Ctx, state: str | None = None, limit: Limit = 50, offset: Offset = 0) -> dict:
    """The movements announced to your member state's offices of transit."""
    return transit_office.work_queue(ctx, principal, state=state, limit=limit, offset=offset)


@router.post("/passages/{mrn}/crossing")
def crossing(mrn: str, body: Crossing, principal: Officer, ctx: Ctx) -> dict:
    return transit_office.record_crossing(ctx, principal, mrn, body.office)
