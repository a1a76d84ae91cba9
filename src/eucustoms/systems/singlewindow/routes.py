"""CERTEX API: partner systems (the commission role) issue certificates and change their status; customs
authorities check them and see the uses in their country; holders see their own certificates and movements.
Uses, restorations and adjustments come from the customs systems in-process (``service.use`` ...)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.context import Context
from eucustoms.platform.http import context, require

from . import service
from .messages import Certificate, CertificateIssue, CheckRequest, CheckResult, Movement, StatusChange

router = APIRouter(prefix="/certex", tags=["EU CSW-CERTEX: certificates of the Union non-customs systems"])

Partner = Annotated[Principal, Depends(require(Role.COMMISSION))]
Authority = Annotated[Principal, Depends(require(Role.OFFICER, Role.COMMISSION))]
Known = Annotated[Principal, Depends(require(Role.TRADER, Role.OFFICER, Role.COMMISSION))]
Ctx = Annotated[Context, Depends(context)]


class CertificatePage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[Certificate]


class MovementPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[Movement]


class StatusRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: Literal["suspended", "valid", "cancelled"]
    reason: str = Field(min_length=1, max_length=512)


@router.get("/domains")
def list_domains() -> list[dict[str, Any]]:
    """The certificate domains, their TARIC document codes, partner systems and the procedures that consume them."""
    return service.domains()


@router.post("/certificates", status_code=201, response_model=Certificate)
def issue_certificate(body: CertificateIssue, principal: Partner, ctx: Ctx) -> Certificate:
    """A partner system records a certificate it issued."""
    with ctx.db.begin() as conn:
        return service.issue(conn, principal, body)


@router.get("/certificates", response_model=CertificatePage)
def list_certificates(principal: Known, ctx: Ctx, domain: str | None = None, status: str | None = None,
                      holder: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                      offset: Annotated[int, Query(ge=0)] = 0) -> CertificatePage:
    with ctx.db.read() as conn:
        total, items = service.list_certificates(conn, principal, domain=domain, status=status, holder=holder,
                                                 limit=limit, offset=offset)
    return CertificatePage(total=total, limit=limit, offset=offset, items=items)


@router.post("/check", response_model=CheckResult)
def check_certificate(body: CheckRequest, _principal: Authority, ctx: Ctx) -> CheckResult:
    """May a declaration item quote this certificate? Nothing is reserved."""
    with ctx.db.begin() as conn:
        return service.check(conn, body)


@router.get("/uses", response_model=MovementPage)
def list_uses(principal: Known, ctx: Ctx, country: str | None = None, declaration: str | None = None,
              domain: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 100,
              offset: Annotated[int, Query(ge=0)] = 0) -> MovementPage:
    """Uses of certificates: an officer's country's, a holder's certificates', any for the Commission."""
    with ctx.db.read() as conn:
        total, items = service.uses(conn, principal, country=country, declaration_ref=declaration, domain=domain,
                                    limit=limit, offset=offset)
    return MovementPage(total=total, limit=limit, offset=offset, items=items)


@router.get("/certificates/{reference}", response_model=Certificate)
def show_certificate(reference: str, principal: Known, ctx: Ctx) -> Certificate:
    with ctx.db.read() as conn:
        return service.show(conn, principal, reference)


@router.get("/certificates/{reference}/movements", response_model=list[Movement])
def certificate_movements(reference: str, principal: Known, ctx: Ctx) -> list[Movement]:
    with ctx.db.read() as conn:
        return service.history(conn, principal, reference)


@router.post("/certificates/{reference}/status", response_model=Certificate)
def change_status(reference: str, body: StatusRequest, principal: Partner, ctx: Ctx) -> Certificate:
    """The partner system suspends, reinstates (status valid) or cancels the certificate."""
    with ctx.db.begin() as conn:
        return service.change_status(conn, principal, reference, body.status, StatusChange(reason=body.reason))
