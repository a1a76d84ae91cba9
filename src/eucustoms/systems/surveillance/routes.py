"""Surveillance API for customs authorities (the public aggregates are served by the DDS)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.context import Context
from eucustoms.platform.http import context, require

from . import service
from .messages import AggregateQuery

router = APIRouter(prefix="/surveillance", tags=["SURV: surveillance of released goods"])

Authority = Annotated[Principal, Depends(require(Role.OFFICER, Role.COMMISSION))]
Ctx = Annotated[Context, Depends(context)]


@router.get("/records/{mrn}")
def records(mrn: str, principal: Authority, ctx: Ctx) -> list[dict]:
    with ctx.db.read() as conn:
        return service.records_of(conn, principal, mrn)


@router.post("/aggregates")
def aggregates(body: AggregateQuery, principal: Authority, ctx: Ctx) -> dict:
    """Totals per group; an officer's query covers its own member state's releases."""
    with ctx.db.read() as conn:
        return service.aggregate(conn, body, principal=principal)
