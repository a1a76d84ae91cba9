"""The traders' notification API: pull and acknowledge, and the webhook for push."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.context import Context
from eucustoms.platform.http import context, require

from . import service

router = APIRouter(prefix="/notifications", tags=["Notifications to traders"])
Trader = Annotated[Principal, Depends(require(Role.TRADER))]
Ctx = Annotated[Context, Depends(context)]


class Ack(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: list[int] = Field(min_length=1, max_length=1000)


class Webhook(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=8, max_length=2048)
    secret: str | None = Field(default=None, min_length=16, max_length=128)


@router.get("")
def list_notifications(principal: Trader, ctx: Ctx, system: str | None = None, subject: str | None = None,
                       include_acknowledged: bool = False, after: Annotated[int, Query(ge=0)] = 0,
                       limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict]:
    with ctx.db.read() as conn:
        return service.pending(conn, principal.eori, system=system, subject=subject,
                               include_acknowledged=include_acknowledged, after=after, limit=limit)


@router.post("/ack")
def acknowledge(body: Ack, principal: Trader, ctx: Ctx) -> dict:
    with ctx.db.begin() as conn:
        return {"acknowledged": service.acknowledge(conn, principal.eori, body.ids)}


@router.put("/webhook")
def set_webhook(body: Webhook, principal: Trader, ctx: Ctx) -> dict:
    """Register (or replace) the webhook; the answer shows the signing secret once."""
    with ctx.db.begin() as conn:
        return service.register_webhook(conn, principal.eori, body.url, body.secret)


@router.get("/webhook")
def get_webhook(principal: Trader, ctx: Ctx) -> dict | None:
    with ctx.db.read() as conn:
        return service.webhook_of(conn, principal.eori)


@router.delete("/webhook")
def delete_webhook(principal: Trader, ctx: Ctx) -> dict:
    with ctx.db.begin() as conn:
        return {"removed": service.remove_webhook(conn, principal.eori)}
