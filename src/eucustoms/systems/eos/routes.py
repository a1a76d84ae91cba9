"""EOS API: the registry for customs authorities and traders (the public EORI validation is a DDS service:
systems/dds)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.context import Context
from eucustoms.platform.http import context, require

from . import service
from .messages import AeoRecord, EndValidity, Operator, OperatorAmendment, OperatorRegistration

router = APIRouter(prefix="/eos", tags=["EOS: economic operators (EORI)"])

Authority = Annotated[Principal, Depends(require(Role.OFFICER, Role.COMMISSION))]
Known = Annotated[Principal, Depends(require(Role.TRADER, Role.OFFICER, Role.COMMISSION))]
Ctx = Annotated[Context, Depends(context)]


class OperatorPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[Operator]


@router.post("/operators", status_code=201, response_model=Operator)
def register_operator(body: OperatorRegistration, principal: Authority, ctx: Ctx,
                      country: Annotated[str | None, Query(min_length=2, max_length=2, description="issuing member state, for the Commission")] = None) -> Operator:
    with ctx.db.begin() as conn:
        return service.register(conn, principal, body, country=country.upper() if country else None)


@router.get("/operators", response_model=OperatorPage)
def search_operators(principal: Authority, ctx: Ctx, country: str | None = None, name: str | None = None,
                     status: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                     offset: Annotated[int, Query(ge=0)] = 0) -> OperatorPage:
    with ctx.db.read() as conn:
        total, items = service.search(conn, principal, country=country, name=name, status=status, limit=limit, offset=offset)
    return OperatorPage(total=total, limit=limit, offset=offset, items=items)


@router.get("/operators/{eori}", response_model=Operator)
def show_operator(eori: str, principal: Known, ctx: Ctx) -> Operator:
    with ctx.db.read() as conn:
        return service.show(conn, principal, eori)


@router.get("/operators/{eori}/history")
def operator_history(eori: str, principal: Known, ctx: Ctx) -> list[dict]:
    with ctx.db.read() as conn:
        return service.history(conn, principal, eori)


@router.patch("/operators/{eori}", response_model=Operator)
def amend_operator(eori: str, body: OperatorAmendment, principal: Authority, ctx: Ctx) -> Operator:
    with ctx.db.begin() as conn:
        return service.amend(conn, principal, eori, body)


@router.post("/operators/{eori}/end-validity", response_model=Operator)
def end_operator_validity(eori: str, body: EndValidity, principal: Authority, ctx: Ctx) -> Operator:
    with ctx.db.begin() as conn:
        return service.end_validity(conn, principal, eori, body)


@router.post("/operators/{eori}/aeo", response_model=Operator)
def record_aeo(eori: str, body: AeoRecord, principal: Authority, ctx: Ctx) -> Operator:
    with ctx.db.begin() as conn:
        return service.record_aeo(conn, principal, eori, body)
