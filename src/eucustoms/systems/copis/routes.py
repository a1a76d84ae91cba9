"""COPIS API: right holders lodge applications for action and answer detentions; the competent customs department
decides on applications; customs offices detain, destroy and release; statistics for customs authorities."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.context import Context
from eucustoms.platform.http import context, require

from . import service
from .messages import (
    ActionApplication,
    ActionApplicationView,
    DeclarantResponse,
    DetentionExtension,
    DetentionRequest,
    DetentionView,
    ExtendAction,
    GrantAction,
    HolderResponse,
    InformationRequest,
    Outcome,
    Proceedings,
    Reason,
    Supplement,
)

router = APIRouter(prefix="/copis", tags=["COPIS: intellectual property rights"])

Authority = Annotated[Principal, Depends(require(Role.OFFICER, Role.COMMISSION))]
Known = Annotated[Principal, Depends(require(Role.TRADER, Role.OFFICER, Role.COMMISSION))]
Ctx = Annotated[Context, Depends(context)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]


class ApplicationPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ActionApplicationView]


class DetentionPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[DetentionView]


@router.post("/applications", status_code=201, response_model=ActionApplicationView)
def lodge(body: ActionApplication, principal: Known, ctx: Ctx) -> ActionApplicationView:
    with ctx.db.begin() as conn:
        return service.lodge(conn, principal, body)


@router.get("/applications", response_model=ApplicationPage)
def list_applications(principal: Known, ctx: Ctx, state: str | None = None, kind: str | None = None,
                      limit: Limit = 50, offset: Offset = 0) -> ApplicationPage:
    with ctx.db.read() as conn:
        total, items = service.list_applications(conn, principal, state=state, kind=kind, limit=limit, offset=offset)
    return ApplicationPage(total=total, limit=limit, offset=offset, items=items)


@router.get("/applications/{reference}", response_model=ActionApplicationView)
def show_application(reference: str, principal: Known, ctx: Ctx) -> ActionApplicationView:
    with ctx.db.read() as conn:
        return service.show_application(conn, principal, reference)


@router.get("/applications/{reference}/detentions", response_model=DetentionPage)
def application_detentions(reference: str, principal: Known, ctx: Ctx, state: str | None = None,
                           limit: Limit = 50, offset: Offset = 0) -> DetentionPage:
    with ctx.db.read() as conn:
        total, items = service.list_detentions(conn, principal, application=reference, state=state, limit=limit, offset=offset)
    return DetentionPage(total=total, limit=limit, offset=offset, items=items)


@router.post("/applications/{reference}/request-information", response_model=ActionApplicationView)
def request_information(reference: str, body: InformationRequest, principal: Authority, ctx: Ctx) -> ActionApplicationView:
    with ctx.db.begin() as conn:
        return service.request_information(conn, principal, reference, body)


@router.post("/applications/{reference}/supplement", response_model=ActionApplicationView)
def supplement(reference: str, body: Supplement, principal: Known, ctx: Ctx) -> ActionApplicationView:
    with ctx.db.begin() as conn:
        return service.supplement(conn, principal, reference, body)


@router.post("/applications/{reference}/grant", response_model=ActionApplicationView)
def grant(reference: str, body: GrantAction, principal: Authority, ctx: Ctx) -> ActionApplicationView:
    with ctx.db.begin() as conn:
        return service.grant(conn, principal, reference, body)


@router.post("/applications/{reference}/reject", response_model=ActionApplicationView)
def reject(reference: str, body: Reason, principal: Authority, ctx: Ctx) -> ActionApplicationView:
    with ctx.db.begin() as conn:
        return service.reject(conn, principal, reference, body)


@router.post("/applications/{reference}/withdraw", response_model=ActionApplicationView)
def withdraw(reference: str, body: Reason, principal: Known, ctx: Ctx) -> ActionApplicationView:
    with ctx.db.begin() as conn:
        return service.withdraw(conn, principal, reference, body)


@router.post("/applications/{reference}/request-extension", response_model=ActionApplicationView)
def request_extension(reference: str, principal: Known, ctx: Ctx) -> ActionApplicationView:
    with ctx.db.begin() as conn:
        return service.request_extension(conn, principal, reference)


@router.post("/applications/{reference}/extend", response_model=ActionApplicationView)
def extend(reference: str, body: ExtendAction, principal: Authority, ctx: Ctx) -> ActionApplicationView:
    with ctx.db.begin() as conn:
        return service.extend(conn, principal, reference, body)


@router.post("/applications/{reference}/suspend", response_model=ActionApplicationView)
def suspend(reference: str, body: Reason, principal: Authority, ctx: Ctx) -> ActionApplicationView:
    with ctx.db.begin() as conn:
        return service.suspend(conn, principal, reference, body)


@router.post("/applications/{reference}/reinstate", response_model=ActionApplicationView)
def reinstate(reference: str, body: Reason, principal: Authority, ctx: Ctx) -> ActionApplicationView:
    with ctx.db.begin() as conn:
        return service.reinstate(conn, principal, reference, body)


@router.post("/applications/{reference}/revoke", response_model=ActionApplicationView)
def revoke(reference: str, body: Reason, principal: Authority, ctx: Ctx) -> ActionApplicationView:
    with ctx.db.begin() as conn:
        return service.revoke(conn, principal, reference, body)


@router.post("/detentions", status_code=201, response_model=DetentionView)
def detain(body: DetentionRequest, principal: Authority, ctx: Ctx) -> DetentionView:
    with ctx.db.begin() as conn:
        return service.detain(conn, principal, body)


@router.get("/detentions", response_model=DetentionPage)
def list_detentions(principal: Known, ctx: Ctx, state: str | None = None, limit: Limit = 50, offset: Offset = 0) -> DetentionPage:
    with ctx.db.read() as conn:
        total, items = service.list_detentions(conn, principal, state=state, limit=limit, offset=offset)
    return DetentionPage(total=total, limit=limit, offset=offset, items=items)


@router.get("/detentions/{reference}", response_model=DetentionView)
def show_detention(reference: str, principal: Known, ctx: Ctx) -> DetentionView:
    with ctx.db.read() as conn:
        return service.show_detention(conn, principal, reference)


@router.post("/detentions/{reference}/holder-response", response_model=DetentionView)
def holder_response(reference: str, body: HolderResponse, principal: Known, ctx: Ctx) -> DetentionView:
    with ctx.db.begin() as conn:
        return service.respond_holder(conn, principal, reference, body)


@router.post("/detentions/{reference}/declarant-response", response_model=DetentionView)
def declarant_response(reference: str, body: DeclarantResponse, principal: Known, ctx: Ctx) -> DetentionView:
    with ctx.db.begin() as conn:
        return service.respond_declarant(conn, principal, reference, body)


@router.post("/detentions/{reference}/proceedings", response_model=DetentionView)
def proceedings(reference: str, body: Proceedings, principal: Known, ctx: Ctx) -> DetentionView:
    with ctx.db.begin() as conn:
        return service.start_proceedings(conn, principal, reference, body)


@router.post("/detentions/{reference}/extend", response_model=DetentionView)
def extend_detention(reference: str, body: DetentionExtension, principal: Authority, ctx: Ctx) -> DetentionView:
    with ctx.db.begin() as conn:
        return service.extend_detention(conn, principal, reference, body)


@router.post("/detentions/{reference}/destroy", response_model=DetentionView)
def destroy(reference: str, body: Outcome, principal: Authority, ctx: Ctx) -> DetentionView:
    with ctx.db.begin() as conn:
        return service.destroy(conn, principal, reference, body)


@router.post("/detentions/{reference}/release", response_model=DetentionView)
def release(reference: str, body: Outcome, principal: Authority, ctx: Ctx) -> DetentionView:
    with ctx.db.begin() as conn:
        return service.release(conn, principal, reference, body)


@router.get("/statistics")
def statistics(principal: Authority, ctx: Ctx, since: date | None = None, until: date | None = None) -> dict:
    """Detentions and articles per right type, member state, situation and outcome."""
    with ctx.db.read() as conn:
        return service.statistics(conn, principal, since=since, until=until)
