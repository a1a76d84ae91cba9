"""ECICS API: the public look-up (no token needed) and the Commission's maintenance of the entries."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.context import Context
from eucustoms.platform.http import context, current_principal, require

from . import service
from .messages import EndEntry, Substance, SubstanceAmendment, SubstanceEntry, SubstancePage

router = APIRouter(prefix="/ecics", tags=["ECICS: European Customs Inventory of Chemical Substances"])

Commission = Annotated[Principal, Depends(require(Role.COMMISSION))]
Known = Annotated[Principal, Depends(require(Role.TRADER, Role.OFFICER, Role.COMMISSION))]
Anyone = Annotated[Principal, Depends(current_principal)]
Ctx = Annotated[Context, Depends(context)]


@router.get("/substances", response_model=SubstancePage)
def search(ctx: Ctx, _caller: Anyone, cus: str | None = None, cas: str | None = None, ec: str | None = None,
           name: str | None = None, cn: str | None = None, formula: str | None = None, precursor: str | None = None,
           include_ended: bool = False, on: date | None = None, limit: Annotated[int, Query(ge=1, le=100)] = 20,
           offset: Annotated[int, Query(ge=0)] = 0) -> SubstancePage:
    """Search by CUS, CAS or EC number, name (any language, part of it, case and accents ignored), CN code (start
    of), formula (any element order) or drug precursor category. A malformed number is rejected with the reason."""
    with ctx.db.begin() as conn:  # a write: the consultation is counted
        return service.search(conn, cus=cus, cas=cas, ec=ec, name=name, cn=cn, formula_text=formula,
                              precursor=precursor, include_ended=include_ended, on=on, limit=limit, offset=offset)


@router.get("/numbers/{number}", response_model=list[Substance])
def lookup(number: str, ctx: Ctx, _caller: Anyone) -> list[Substance]:
    """The entries with a CUS, EC or CAS number (recognised by its shape): 404 if none, 422 with the reason if
    the number is malformed (e.g. a wrong check digit)."""
    with ctx.db.begin() as conn:
        return service.lookup(conn, number)


@router.get("/substances/{substance_id}", response_model=Substance)
def show(substance_id: int, ctx: Ctx, _caller: Anyone) -> Substance:
    with ctx.db.begin() as conn:
        return service.show(conn, substance_id)


@router.get("/substances/{substance_id}/history")
def history(substance_id: int, ctx: Ctx, _who: Known) -> list[dict[str, Any]]:
    with ctx.db.read() as conn:
        return service.history(conn, substance_id)


@router.post("/substances", status_code=201, response_model=Substance)
def add(body: SubstanceEntry, principal: Commission, ctx: Ctx) -> Substance:
    with ctx.db.begin() as conn:
        return service.add(conn, principal, body)


@router.patch("/substances/{substance_id}", response_model=Substance)
def amend(substance_id: int, body: SubstanceAmendment, principal: Commission, ctx: Ctx) -> Substance:
    with ctx.db.begin() as conn:
        return service.amend(conn, principal, substance_id, body)


@router.post("/substances/{substance_id}/end", response_model=Substance)
def end(substance_id: int, body: EndEntry, principal: Commission, ctx: Ctx) -> Substance:
    with ctx.db.begin() as conn:
        return service.end(conn, principal, substance_id, body)
