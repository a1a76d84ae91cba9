"""EBTI API: applications and decisions for traders and customs authorities, the holder's valid BTIs, and the
public look-up (``GET /ebti/bti``, no token needed)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from eucustoms.core.errors import NotFound
from eucustoms.core.identifiers import EORI
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.context import Context
from eucustoms.platform.http import context, current_principal, require

from . import service
from .messages import (
    Application,
    ApplicationPage,
    BtiApplicationRequest,
    BtiDecision,
    DecisionPage,
    DecisionRequest,
    EndRequest,
    PublicBti,
    PublicPage,
    Reason,
    Validity,
)

router = APIRouter(prefix="/ebti", tags=["EBTI: binding tariff information"])

Applicant = Annotated[Principal, Depends(require(Role.TRADER, Role.COMMISSION))]
Authority = Annotated[Principal, Depends(require(Role.OFFICER, Role.COMMISSION))]
Known = Annotated[Principal, Depends(require(Role.TRADER, Role.OFFICER, Role.COMMISSION))]
Anyone = Annotated[Principal, Depends(current_principal)]
Ctx = Annotated[Context, Depends(context)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]


# -- the public look-up (DDS2-EBTI) ------------------------------------------------------------------------------

@router.get("/bti", response_model=PublicPage)
def search_public(ctx: Ctx, _caller: Anyone, code: str | None = None, keywords: str | None = None,
                  country: str | None = None, on: date | None = None, validity: Validity = "valid",
                  limit: Annotated[int, Query(ge=1, le=100)] = 20, offset: Offset = 0) -> PublicPage:
    """Search BTI decisions by code (start of), keywords, issuing country and validity on a day (today). The
    holder and the data the applicant asked to keep confidential are never shown."""
    with ctx.db.begin() as conn:  # a write: the consultation is counted
        return service.public_search(conn, code=code, keywords=keywords, country=country, on=on, validity=validity,
                                     limit=limit, offset=offset)


@router.get("/bti/{reference}", response_model=PublicBti)
def show_public(reference: str, ctx: Ctx, _caller: Anyone, on: date | None = None) -> PublicBti:
    with ctx.db.begin() as conn:
        return service.public_show(conn, reference, on=on)


# -- applications ------------------------------------------------------------------------------------------------

@router.post("/applications", status_code=201, response_model=Application)
def lodge(body: BtiApplicationRequest, principal: Applicant, ctx: Ctx) -> Application:
    with ctx.db.begin() as conn:
        return service.lodge(conn, principal, body)


@router.get("/applications", response_model=ApplicationPage)
def list_applications(principal: Known, ctx: Ctx, state: str | None = None, member_state: str | None = None,
                      holder: str | None = None, limit: Limit = 50, offset: Offset = 0) -> ApplicationPage:
    with ctx.db.read() as conn:
        return service.search_applications(conn, principal, state=state, member_state=member_state, holder=holder,
                                           limit=limit, offset=offset)


@router.get("/applications/{reference}", response_model=Application)
def show_application(reference: str, principal: Known, ctx: Ctx) -> Application:
    with ctx.db.read() as conn:
        return service.show_application(conn, principal, reference)


@router.post("/applications/{reference}/accept", response_model=Application)
def accept(reference: str, principal: Authority, ctx: Ctx) -> Application:
    with ctx.db.begin() as conn:
        return service.accept(conn, principal, reference)


@router.post("/applications/{reference}/not-accept", response_model=Application)
def not_accept(reference: str, body: Reason, principal: Authority, ctx: Ctx) -> Application:
    with ctx.db.begin() as conn:
        return service.not_accept(conn, principal, reference, body.reason)


@router.post("/applications/{reference}/refuse", response_model=Application)
def refuse(reference: str, body: Reason, principal: Authority, ctx: Ctx) -> Application:
    with ctx.db.begin() as conn:
        return service.refuse(conn, principal, reference, body.reason)


@router.post("/applications/{reference}/withdraw", response_model=Application)
def withdraw(reference: str, body: Reason, principal: Applicant, ctx: Ctx) -> Application:
    with ctx.db.begin() as conn:
        return service.withdraw(conn, principal, reference, body.reason)


@router.post("/applications/{reference}/decision", status_code=201, response_model=BtiDecision)
def decide(reference: str, body: DecisionRequest, principal: Authority, ctx: Ctx) -> BtiDecision:
    with ctx.db.begin() as conn:
        return service.decide(conn, principal, reference, body)


@router.get("/applications/{reference}/history")
def application_history(reference: str, principal: Known, ctx: Ctx) -> list[dict[str, Any]]:
    with ctx.db.read() as conn:
        return service.history(conn, principal, reference)


# -- decisions ---------------------------------------------------------------------------------------------------

@router.get("/decisions", response_model=DecisionPage)
def list_decisions(principal: Known, ctx: Ctx, holder: str | None = None, code: str | None = None,
                   member_state: str | None = None, status: str | None = None, on: date | None = None,
                   limit: Limit = 50, offset: Offset = 0) -> DecisionPage:
    with ctx.db.read() as conn:
        return service.search_decisions(conn, principal, holder=holder, code=code, member_state=member_state,
                                        status=status, on=on, limit=limit, offset=offset)


@router.get("/decisions/{reference}", response_model=BtiDecision)
def show_decision(reference: str, principal: Known, ctx: Ctx, on: date | None = None) -> BtiDecision:
    with ctx.db.read() as conn:
        return service.show_decision(conn, principal, reference, on=on)


@router.get("/decisions/{reference}/history")
def decision_history(reference: str, principal: Known, ctx: Ctx) -> list[dict[str, Any]]:
    with ctx.db.read() as conn:
        return service.history(conn, principal, reference)


@router.post("/decisions/{reference}/annul", response_model=BtiDecision)
def annul(reference: str, body: EndRequest, principal: Authority, ctx: Ctx) -> BtiDecision:
    with ctx.db.begin() as conn:
        return service.annul(conn, principal, reference, body)


@router.post("/decisions/{reference}/revoke", response_model=BtiDecision)
def revoke(reference: str, body: EndRequest, principal: Authority, ctx: Ctx) -> BtiDecision:
    with ctx.db.begin() as conn:
        return service.revoke(conn, principal, reference, body)


@router.get("/holders/{eori}/valid", response_model=list[BtiDecision])
def holder_valid_bti(eori: str, code: str, principal: Known, ctx: Ctx, on: date | None = None) -> list[BtiDecision]:
    """The obligation of use: the BTI decisions ``eori`` must use for goods declared under ``code`` on ``on``.
    A trader asks only about itself (another holder's answer is the same as no BTI: 404)."""
    holder = str(EORI.parse(eori))
    if principal.role is Role.TRADER and principal.eori != holder:
        raise NotFound("BTI holder", holder)
    with ctx.db.read() as conn:
        return service.valid_bti(conn, holder, code, on)
