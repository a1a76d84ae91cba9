"""REX API: exporters (traders in the Union) apply; authorities register, reject, amend and revoke; customs
authorities check statements on origin; the public validates a REX number (``/rex/public/...``, no token)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.context import Context
from eucustoms.platform.http import context, current_principal, require

from . import service
from .messages import (
    Exporter,
    Registration,
    Rejection,
    Revocation,
    RexAmendment,
    RexApplication,
    RexValidation,
    StatementCheck,
)

router = APIRouter(prefix="/rex", tags=["REX: registered exporters"])

Authority = Annotated[Principal, Depends(require(Role.OFFICER, Role.COMMISSION))]
Known = Annotated[Principal, Depends(require(Role.TRADER, Role.OFFICER, Role.COMMISSION))]
Anyone = Annotated[Principal, Depends(current_principal)]
Ctx = Annotated[Context, Depends(context)]


class ExporterPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[Exporter]


@router.post("/exporters", status_code=201, response_model=Exporter)
def apply(body: RexApplication, principal: Known, ctx: Ctx) -> Exporter:
    """Apply for registration (a trader for its own EORI; an authority for an exporter of its country)."""
    with ctx.db.begin() as conn:
        return service.apply(conn, principal, body)


@router.get("/exporters", response_model=ExporterPage)
def search(principal: Known, ctx: Ctx, country: str | None = None, state: str | None = None, name: str | None = None,
           limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0) -> ExporterPage:
    with ctx.db.read() as conn:
        total, items = service.search(conn, principal, country=country, state=state, name=name, limit=limit, offset=offset)
    return ExporterPage(total=total, limit=limit, offset=offset, items=items)


@router.get("/exporters/{rex_number}", response_model=Exporter)
def show(rex_number: str, principal: Known, ctx: Ctx) -> Exporter:
    with ctx.db.read() as conn:
        return service.show(conn, principal, rex_number)


@router.get("/exporters/{rex_number}/history")
def history(rex_number: str, principal: Known, ctx: Ctx) -> list[dict]:
    with ctx.db.read() as conn:
        return service.history(conn, principal, rex_number)


@router.post("/exporters/{rex_number}/register", response_model=Exporter)
def register(rex_number: str, principal: Authority, ctx: Ctx, body: Registration | None = None) -> Exporter:
    with ctx.db.begin() as conn:
        return service.register(conn, principal, rex_number, body)


@router.post("/exporters/{rex_number}/reject", response_model=Exporter)
def reject(rex_number: str, body: Rejection, principal: Authority, ctx: Ctx) -> Exporter:
    with ctx.db.begin() as conn:
        return service.reject(conn, principal, rex_number, body)


@router.patch("/exporters/{rex_number}", response_model=Exporter)
def amend(rex_number: str, body: RexAmendment, principal: Authority, ctx: Ctx) -> Exporter:
    with ctx.db.begin() as conn:
        return service.amend(conn, principal, rex_number, body)


@router.post("/exporters/{rex_number}/revoke", response_model=Exporter)
def revoke(rex_number: str, body: Revocation, principal: Authority, ctx: Ctx) -> Exporter:
    with ctx.db.begin() as conn:
        return service.revoke(conn, principal, rex_number, body)


@router.get("/statements/check", response_model=StatementCheck)
def check_statement(rex_number: str, made_out_on: date, _principal: Authority, ctx: Ctx) -> StatementCheck:
    """May a statement on origin made out on that day with that REX number be accepted? (any customs authority)"""
    with ctx.db.read() as conn:
        return service.check_statement(conn, rex_number, made_out_on)


@router.get("/public/{rex_number}", response_model=RexValidation)
def validate(rex_number: str, ctx: Ctx, _caller: Anyone, on: date | None = None) -> RexValidation:
    """The public validation of a REX number (name and address only with the exporter's consent)."""
    with ctx.db.begin() as conn:  # a write: the consultation is counted
        return service.validate_public(conn, rex_number, on=on)
