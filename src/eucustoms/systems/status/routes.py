"""PoUS API: traders request proofs, follow and invalidate them; officers endorse, refuse, record uses and
invalidate; anyone verifies a proof by its MRN (type, state and validity only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query

from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.context import Context
from eucustoms.platform.http import context, current_principal, require

from . import service
from .messages import (
    AcpAuthorisation,
    Authorisation,
    Endorsement,
    Invalidation,
    Presentation,
    Proof,
    ProofPage,
    Refusal,
    Verification,
)

router = APIRouter(prefix="/pous", tags=["PoUS: proofs of the customs status of Union goods"])

Trader = Annotated[Principal, Depends(require(Role.TRADER))]
Officer = Annotated[Principal, Depends(require(Role.OFFICER))]
TraderOrOfficer = Annotated[Principal, Depends(require(Role.TRADER, Role.OFFICER))]
Known = Annotated[Principal, Depends(require(Role.TRADER, Role.OFFICER, Role.COMMISSION))]
Anyone = Annotated[Principal, Depends(current_principal)]
Ctx = Annotated[Context, Depends(context)]


@router.post("/proofs", status_code=201, response_model=Proof)
def request_proof(principal: Trader, ctx: Ctx, payload: Any = Body(...)) -> Proof:
    """Request a T2L, T2LF or customs goods manifest: the MRN is allocated and the request awaits endorsement by
    the office of issue; an authorised issuer's proof is registered at once. Every error is listed."""
    with ctx.db.begin() as conn:
        return service.request(conn, principal, payload)


@router.get("/proofs", response_model=ProofPage)
def list_proofs(principal: Known, ctx: Ctx, state: str | None = None, proof_type: str | None = None,
                limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0) -> ProofPage:
    """Your proofs (trader), your country's (officer: issued, arriving or used there), all (Commission)."""
    with ctx.db.read() as conn:
        return service.search(conn, principal, state=state, proof_type=proof_type, limit=limit, offset=offset)


@router.get("/proofs/{mrn}", response_model=Proof)
def show_proof(mrn: str, principal: Known, ctx: Ctx) -> Proof:
    with ctx.db.read() as conn:
        return service.show(conn, principal, mrn)


@router.post("/proofs/{mrn}/endorsement", response_model=Proof)
def endorse_proof(mrn: str, principal: Officer, ctx: Ctx, body: Endorsement | None = None) -> Proof:
    """The office of issue endorses the request: registered, valid 90 days."""
    with ctx.db.begin() as conn:
        return service.endorse(conn, principal, mrn, body)


@router.post("/proofs/{mrn}/rejection", response_model=Proof)
def reject_proof(mrn: str, body: Refusal, principal: Officer, ctx: Ctx) -> Proof:
    with ctx.db.begin() as conn:
        return service.reject(conn, principal, mrn, body)


@router.post("/proofs/{mrn}/uses", response_model=Proof)
def use_proof(mrn: str, principal: Officer, ctx: Ctx, body: Presentation | None = None) -> Proof:
    """The goods are presented: the proof is used (a manifest item by item)."""
    with ctx.db.begin() as conn:
        return service.use(conn, principal, mrn, body)


@router.post("/proofs/{mrn}/invalidation", response_model=Proof)
def invalidate_proof(mrn: str, body: Invalidation, principal: TraderOrOfficer, ctx: Ctx) -> Proof:
    """By the holder (not used yet) or by the customs authorities of the member state of issue."""
    with ctx.db.begin() as conn:
        return service.invalidate(conn, principal, mrn, body)


@router.get("/verify/{mrn}", response_model=Verification)
def verify_proof(mrn: str, _caller: Anyone, ctx: Ctx) -> Verification:
    """Public: is this a registered proof, of which type, in which state, valid until when (no parties, no goods)."""
    with ctx.db.begin() as conn:  # a write: the consultation is counted
        return service.verify(conn, mrn)


@router.post("/authorisations", status_code=201, response_model=Authorisation)
def record_authorisation(body: AcpAuthorisation, principal: Officer, ctx: Ctx) -> Authorisation:
    """Record an authorised issuer (ACP) authorisation granted by your member state."""
    with ctx.db.begin() as conn:
        return service.record_authorisation(conn, principal, body)
