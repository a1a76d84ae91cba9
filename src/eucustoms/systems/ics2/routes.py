"""ICS2 API: traders lodge and follow their ENS filings; member states' officers follow their national
entry system's cases; the filing-type catalogue is public."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.context import Context
from eucustoms.platform.http import context, require

from . import nes, service
from .messages import FILING_TYPES
from .nes import CONTROL_RESULTS, CONTROL_TYPES

router = APIRouter(prefix="/ics2", tags=["ICS2: entry summary declarations"])

Trader = Annotated[Principal, Depends(require(Role.TRADER))]
Officer = Annotated[Principal, Depends(require(Role.OFFICER))]
Anyone = Annotated[Principal, Depends(require(Role.TRADER, Role.OFFICER, Role.COMMISSION))]
Ctx = Annotated[Context, Depends(context)]
MessageType = Annotated[str, Path(pattern=r"^(IE3)?[FfAa][0-9]{2}$", description="IE3F10 … IE3F51 (or F11)")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Invalidation(_Strict):
    reason: str | None = Field(default=None, max_length=512)


class Arrival(_Strict):
    """IE3N06: the ENS (MRNs) carried by the means of transport that arrived."""

    mrns: list[str] = Field(min_length=1, max_length=9999)
    arrived_at: AwareDatetime | None = None
    office: str | None = Field(default=None, pattern=r"^[A-Z]{2}[A-Z0-9]{6}$")


class ReferralAnswer(_Strict):
    """IE3R02 answers an RFI with ``information``; IE3R03 answers an RFS with the screening methods used
    and the result."""

    information: str | None = Field(default=None, min_length=1, max_length=4096)
    screening_methods: list[str] = Field(default_factory=list, max_length=20)
    result: Literal["no_threat", "threat", "unresolved"] | None = None


class ControlResult(_Strict):
    control_type: Literal[CONTROL_TYPES]  # type: ignore[valid-type]
    result: Literal[CONTROL_RESULTS]  # type: ignore[valid-type]
    risk_type: Literal["safety_security", "financial", "prohibitions_restrictions"] | None = None
    critical: bool = False
    findings: str | None = Field(default=None, max_length=4096)


def _message_type(text: str) -> str:
    text = text.upper()
    return text if text.startswith("IE3") else "IE3" + text


@router.get("/filing-types")
def filing_types() -> list[dict]:
    """The catalogue of ENS filing types: who files, what each must and must not carry."""
    return [t.to_dict() for t in FILING_TYPES.values()]


@router.post("/filings/{message_type}", status_code=201)
def lodge(message_type: MessageType, principal: Trader, ctx: Ctx, payload: Any = Body(...)) -> dict:
    """Lodge an ENS filing (IE3Fxx). Answers the registration response IE3R01 with the MRN, or a rejection
    listing every error (IE3N99)."""
    return service.lodge(ctx, principal, _message_type(message_type), payload)


@router.get("/filings")
def list_filings(principal: Anyone, ctx: Ctx, state: str | None = None, country: str | None = None,
                 limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0) -> dict:
    return service.search(ctx, principal, state=state, country=country, limit=limit, offset=offset)


@router.get("/filings/{mrn}")
def consult(mrn: str, principal: Anyone, ctx: Ctx) -> dict:
    """IE3Q05 → IE3R08: the filing, its state, referrals and message log."""
    return service.consult(ctx, principal, mrn)


@router.post("/filings/{mrn}/amendments/{message_type}")
def amend(mrn: str, message_type: MessageType, principal: Trader, ctx: Ctx, payload: Any = Body(...)) -> dict:
    """IE3Axx → IE3N10: amend a filing (the same filing type), which re-opens its risk analysis."""
    return service.amend(ctx, principal, mrn, _message_type(message_type), payload)


@router.post("/filings/{mrn}/invalidation")
def invalidate(mrn: str, body: Invalidation, principal: Trader, ctx: Ctx) -> dict:
    """IE3Q04 → IE3R07."""
    return service.invalidate(ctx, principal, mrn, body.reason)


@router.post("/arrivals")
def arrival(body: Arrival, principal: Trader, ctx: Ctx) -> dict:
    """IE3N06 → IE3R04: arrival of the means of transport carrying these ENS."""
    return service.notify_arrival(ctx, principal, body.mrns, body.arrived_at, body.office)


@router.get("/referrals")
def referrals(principal: Trader, ctx: Ctx, open_only: bool = True) -> list[dict]:
    return service.referrals_for(ctx, principal, open_only=open_only)


@router.post("/referrals/{referral_id}/response")
def answer_referral(referral_id: int, body: ReferralAnswer, principal: Trader, ctx: Ctx) -> dict:
    """IE3R02 (to an RFI) or IE3R03 (to an RFS)."""
    return service.answer_referral(ctx, principal, referral_id, body.model_dump(exclude_none=True))


@router.get("/national/cases")
def cases(principal: Officer, ctx: Ctx, state: str | None = None,
          limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0) -> dict:
    """The officer's member state's work queue (risk results, signals, what awaits presentation/control)."""
    return nes.work_queue(ctx, principal, state=state, limit=limit, offset=offset)


@router.get("/national/cases/{mrn}")
def case(mrn: str, principal: Officer, ctx: Ctx) -> dict:
    return nes.case(ctx, principal, mrn)


@router.post("/national/cases/{mrn}/presentation")
def presentation(mrn: str, principal: Officer, ctx: Ctx) -> dict:
    return nes.present(ctx, principal, mrn)


@router.post("/national/cases/{mrn}/control-result")
def control_result(mrn: str, body: ControlResult, principal: Officer, ctx: Ctx) -> dict:
    return nes.record_control(ctx, principal, mrn, body.model_dump(exclude_none=True))
