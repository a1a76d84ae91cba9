"""GUM API: officers issue, check, suspend, revoke and adjust; holders list their guarantees, balances and movements."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.context import Context
from eucustoms.platform.http import context, require

from . import service
from .messages import (
    Adjustment,
    Balance,
    CheckRequest,
    CheckResult,
    Guarantee,
    GuaranteeAmendment,
    GuaranteeIssue,
    IssuedGuarantee,
    Movement,
    StatusChange,
)

router = APIRouter(prefix="/guarantees", tags=["GUM: guarantee management"])

Authority = Annotated[Principal, Depends(require(Role.OFFICER, Role.COMMISSION))]
Known = Annotated[Principal, Depends(require(Role.TRADER, Role.OFFICER, Role.COMMISSION))]
Ctx = Annotated[Context, Depends(context)]


class GuaranteePage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[Guarantee]


@router.post("", status_code=201, response_model=IssuedGuarantee)
def issue_guarantee(body: GuaranteeIssue, principal: Authority, ctx: Ctx) -> IssuedGuarantee:
    """Register a guarantee; the answer carries the access code, shown this once."""
    with ctx.db.begin() as conn:
        return service.issue(conn, principal, body)


@router.get("", response_model=GuaranteePage)
def list_guarantees(principal: Known, ctx: Ctx, holder: str | None = None, status: str | None = None,
                    limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0) -> GuaranteePage:
    with ctx.db.read() as conn:
        total, items = service.list_guarantees(conn, principal, holder=holder, status=status, limit=limit, offset=offset)
    return GuaranteePage(total=total, limit=limit, offset=offset, items=items)


@router.post("/check", response_model=CheckResult)
def check_guarantee(body: CheckRequest, _principal: Authority, ctx: Ctx) -> CheckResult:
    """May this guarantee cover the amount in the country? (any customs authority: the office of departure asks)"""
    with ctx.db.read() as conn:
        return service.check(conn, body)


@router.get("/{grn}", response_model=Guarantee)
def show_guarantee(grn: str, principal: Known, ctx: Ctx) -> Guarantee:
    with ctx.db.read() as conn:
        return service.show(conn, principal, grn)


@router.get("/{grn}/balance", response_model=Balance)
def guarantee_balance(grn: str, principal: Known, ctx: Ctx) -> Balance:
    with ctx.db.read() as conn:
        return service.balance(conn, principal, grn)


@router.get("/{grn}/movements", response_model=list[Movement])
def guarantee_movements(grn: str, principal: Known, ctx: Ctx) -> list[Movement]:
    with ctx.db.read() as conn:
        return service.history(conn, principal, grn)


@router.patch("/{grn}", response_model=Guarantee)
def amend_guarantee(grn: str, body: GuaranteeAmendment, principal: Authority, ctx: Ctx) -> Guarantee:
    with ctx.db.begin() as conn:
        return service.amend(conn, principal, grn, body)


@router.post("/{grn}/adjustments", status_code=201, response_model=Movement)
def adjust_guarantee(grn: str, body: Adjustment, principal: Authority, ctx: Ctx) -> Movement:
    """A manual correction of the balance with a reason (debits and credits come from the declaration systems)."""
    with ctx.db.begin() as conn:
        return service.adjust(conn, principal, grn, body)


@router.post("/{grn}/suspend", response_model=Guarantee)
def suspend_guarantee(grn: str, body: StatusChange, principal: Authority, ctx: Ctx) -> Guarantee:
    with ctx.db.begin() as conn:
        return service.suspend(conn, principal, grn, body)


@router.post("/{grn}/reinstate", response_model=Guarantee)
def reinstate_guarantee(grn: str, body: StatusChange, principal: Authority, ctx: Ctx) -> Guarantee:
    with ctx.db.begin() as conn:
        return service.reinstate(conn, principal, grn, body)


@router.post("/{grn}/revoke", response_model=Guarantee)
def revoke_guarantee(grn: str, body: StatusChange, principal: Authority, ctx: Ctx) -> Guarantee:
    with ctx.db.begin() as conn:
        return service.revoke(conn, principal, grn, body)


@router.post("/{grn}/release", response_model=Guarantee)
def release_guarantee(grn: str, body: StatusChange, principal: Authority, ctx: Ctx) -> Guarantee:
    with ctx.db.begin() as conn:
        return service.release_guarantee(conn, principal, grn, body)
