"""CDS API: traders lodge applications and follow them; the competent member state's officers accept, consult,
extend, hear, grant or refuse, and suspend, revoke or annul decisions; consulted member states answer; the public
looks decisions and AEO holders up (``/decisions/public/...``, no token)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from eucustoms.core.clock import now
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.context import Context
from eucustoms.platform.http import context, current_principal, require

from . import service
from .codes import TYPES
from .messages import (
    Application,
    Comment,
    ConsultationAnswer,
    ConsultationRequest,
    Decision,
    DecisionApplication,
    Extension,
    Grant,
    Hearing,
    InformationRequest,
    Reason,
    Refusal,
    Revocation,
    Supplement,
)

router = APIRouter(prefix="/decisions", tags=["CDS: customs decisions"])

Authority = Annotated[Principal, Depends(require(Role.OFFICER, Role.COMMISSION))]
Known = Annotated[Principal, Depends(require(Role.TRADER, Role.OFFICER, Role.COMMISSION))]
Anyone = Annotated[Principal, Depends(current_principal)]
Ctx = Annotated[Context, Depends(context)]


class ApplicationPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]


class DecisionPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[Decision]


@router.get("/types")
def decision_types() -> list[dict]:
    """The decision types, their legal basis and time-limits."""
    return [t.as_dict() for t in TYPES.values()]


# -- applications -----------------------------------------------------------------------------------------------

@router.post("/applications", status_code=201, response_model=Application)
def lodge_application(body: DecisionApplication, principal: Known, ctx: Ctx) -> Application:
    with ctx.db.begin() as conn:
        return service.lodge(conn, principal, body)


@router.get("/applications", response_model=ApplicationPage)
def list_applications(principal: Known, ctx: Ctx, state: str | None = None, decision_type: str | None = None,
                      applicant: str | None = None, overdue: bool | None = None,
                      limit: Annotated[int, Query(ge=1, le=500)] = 50,
                      offset: Annotated[int, Query(ge=0)] = 0) -> ApplicationPage:
    with ctx.db.read() as conn:
        total, items = service.list_applications(conn, principal, state=state, decision_type=decision_type,
                                                 applicant=applicant, overdue=overdue, limit=limit, offset=offset)
    return ApplicationPage(total=total, limit=limit, offset=offset, items=items)


@router.get("/applications/{reference}", response_model=Application)
def show_application(reference: str, principal: Known, ctx: Ctx) -> Application:
    """The application with its time-limits (computed as of today), extensions, consultations and every step."""
    with ctx.db.read() as conn:
        return service.show_application(conn, principal, reference)


@router.post("/applications/{reference}/request-information", response_model=Application)
def request_information(reference: str, body: InformationRequest, principal: Authority, ctx: Ctx) -> Application:
    with ctx.db.begin() as conn:
        return service.request_information(conn, principal, reference, body)


@router.post("/applications/{reference}/supplement", response_model=Application)
def supplement(reference: str, body: Supplement, principal: Known, ctx: Ctx) -> Application:
    with ctx.db.begin() as conn:
        return service.supplement(conn, principal, reference, body)


@router.post("/applications/{reference}/accept", response_model=Application)
def accept(reference: str, principal: Authority, ctx: Ctx) -> Application:
    with ctx.db.begin() as conn:
        return service.accept(conn, principal, reference)


@router.post("/applications/{reference}/not-accept", response_model=Application)
def not_accept(reference: str, body: Reason, principal: Authority, ctx: Ctx) -> Application:
    with ctx.db.begin() as conn:
        return service.not_accept(conn, principal, reference, body)


@router.post("/applications/{reference}/withdraw", response_model=Application)
def withdraw(reference: str, body: Reason, principal: Known, ctx: Ctx) -> Application:
    with ctx.db.begin() as conn:
        return service.withdraw(conn, principal, reference, body)


@router.post("/applications/{reference}/consultations", response_model=Application)
def consult(reference: str, body: ConsultationRequest, principal: Authority, ctx: Ctx) -> Application:
    with ctx.db.begin() as conn:
        return service.consult(conn, principal, reference, body)


@router.post("/applications/{reference}/consultations/{country}", response_model=Application)
def answer_consultation(reference: str, country: str, body: ConsultationAnswer, principal: Authority, ctx: Ctx) -> Application:
    """The consulted member state agrees or objects (its officers, within the time-limit)."""
    with ctx.db.begin() as conn:
        return service.answer_consultation(conn, principal, reference, country, body)


@router.post("/applications/{reference}/extensions", response_model=Application)
def extend(reference: str, body: Extension, principal: Authority, ctx: Ctx) -> Application:
    with ctx.db.begin() as conn:
        return service.extend(conn, principal, reference, body)


@router.post("/applications/{reference}/hearing", response_model=Application)
def hear(reference: str, body: Hearing, principal: Authority, ctx: Ctx) -> Application:
    """Communicate the grounds of an intended unfavourable decision (the right to be heard)."""
    with ctx.db.begin() as conn:
        return service.hear(conn, principal, reference, body)


@router.post("/applications/{reference}/comment", response_model=Application)
def comment(reference: str, body: Comment, principal: Known, ctx: Ctx) -> Application:
    with ctx.db.begin() as conn:
        return service.comment(conn, principal, reference, body)


@router.post("/applications/{reference}/grant", status_code=201, response_model=Decision)
def grant(reference: str, body: Grant, principal: Authority, ctx: Ctx) -> Decision:
    with ctx.db.begin() as conn:
        return service.grant(conn, principal, reference, body)


@router.post("/applications/{reference}/refuse", response_model=Application)
def refuse(reference: str, body: Refusal, principal: Authority, ctx: Ctx) -> Application:
    with ctx.db.begin() as conn:
        return service.refuse(conn, principal, reference, body)


# -- decisions --------------------------------------------------------------------------------------------------

@router.get("", response_model=DecisionPage)
def list_decisions(principal: Known, ctx: Ctx, holder: str | None = None, decision_type: str | None = None,
                   state: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                   offset: Annotated[int, Query(ge=0)] = 0) -> DecisionPage:
    with ctx.db.read() as conn:
        total, items = service.list_decisions(conn, principal, holder=holder, decision_type=decision_type,
                                              state=state, limit=limit, offset=offset)
    return DecisionPage(total=total, limit=limit, offset=offset, items=items)


@router.get("/holders/{eori}/holds/{decision_type}")
def holds(eori: str, decision_type: str, _principal: Authority, ctx: Ctx, on: date | None = None,
          country: str | None = None) -> dict:
    """Does the operator hold a valid decision of this type (on ``on``, in ``country``)? For customs authorities."""
    day = on or now().date()
    with ctx.db.read() as conn:
        found = service.holds(conn, eori, decision_type, as_of=day, country=country)
    return {"eori": eori.strip().upper(), "decision_type": decision_type.upper(), "on": day, "holds": found is not None,
            "decision": found}


@router.get("/public/aeo/{eori}")
def public_aeo(eori: str, ctx: Ctx, _caller: Anyone, on: date | None = None) -> dict:
    """The public AEO query: holders who consented to publication only."""
    with ctx.db.begin() as conn:  # a write: the consultation is counted
        return service.public_aeo(conn, eori, on=on)


@router.get("/public/{reference}")
def public_lookup(reference: str, ctx: Ctx, _caller: Anyone, on: date | None = None) -> dict:
    """A decision by number: type, member states, validity; the holder only with its consent."""
    with ctx.db.begin() as conn:
        return service.public_lookup(conn, reference, on=on)


@router.get("/{reference}", response_model=Decision)
def show_decision(reference: str, principal: Known, ctx: Ctx) -> Decision:
    with ctx.db.read() as conn:
        return service.show_decision(conn, principal, reference)


@router.post("/{reference}/suspend", response_model=Decision)
def suspend(reference: str, body: Reason, principal: Authority, ctx: Ctx) -> Decision:
    with ctx.db.begin() as conn:
        return service.suspend(conn, principal, reference, body)


@router.post("/{reference}/reinstate", response_model=Decision)
def reinstate(reference: str, body: Reason, principal: Authority, ctx: Ctx) -> Decision:
    with ctx.db.begin() as conn:
        return service.reinstate(conn, principal, reference, body)


@router.post("/{reference}/revoke", response_model=Decision)
def revoke(reference: str, body: Revocation, principal: Known, ctx: Ctx) -> Decision:
    """Revoke (officers of the member state that took it; the holder itself with the ground ``holder_request``)."""
    with ctx.db.begin() as conn:
        return service.revoke(conn, principal, reference, body)


@router.post("/{reference}/annul", response_model=Decision)
def annul(reference: str, body: Reason, principal: Authority, ctx: Ctx) -> Decision:
    with ctx.db.begin() as conn:
        return service.annul(conn, principal, reference, body)
