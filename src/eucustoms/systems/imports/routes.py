"""Imports API: traders lodge, amend, invalidate, pay and consult; officers decide controls, record results
and release; the office of presentation of a centralised clearance follows its cases; IMP 3 per member state."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from eucustoms.core.clock import now
from eucustoms.core.errors import Forbidden
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.context import Context
from eucustoms.platform.http import context, require

from . import cci, service
from .indicators import imp3

router = APIRouter(prefix="/imports", tags=["Imports: customs declarations for release for free circulation"])

Trader = Annotated[Principal, Depends(require(Role.TRADER))]
Officer = Annotated[Principal, Depends(require(Role.OFFICER))]
TraderOrOfficer = Annotated[Principal, Depends(require(Role.TRADER, Role.OFFICER))]
Anyone = Annotated[Principal, Depends(require(Role.TRADER, Role.OFFICER, Role.COMMISSION))]
Authorities = Annotated[Principal, Depends(require(Role.OFFICER, Role.COMMISSION))]
Ctx = Annotated[Context, Depends(context)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Invalidation(_Strict):
    reason: str | None = Field(default=None, max_length=512)


class Payment(_Strict):
    amount: str | None = Field(default=None, pattern=r"^[0-9]+(\.[0-9]+)?$")
    payment_reference: str | None = Field(default=None, max_length=70)


class ControlDecision(_Strict):
    control: Literal["none", "documentary", "physical"]


class FoundPrice(_Strict):
    amount: Decimal = Field(allow_inf_nan=False, ge=0)
    currency: str = Field(min_length=3, max_length=3)


class Correction(_Strict):
    """The particulars a control found for one goods item, where they differ from the declared ones."""

    item_number: int = Field(ge=1, le=999)
    cn_code: str | None = Field(default=None, pattern=r"^[0-9]{8}$")
    taric_code: str | None = Field(default=None, pattern=r"^[0-9]{2}$")
    additional_codes: list[str] | None = None
    origin: str | None = Field(default=None, min_length=2, max_length=2)
    item_price: FoundPrice | None = None
    net_mass: Decimal | None = Field(default=None, ge=0, allow_inf_nan=False)
    gross_mass: Decimal | None = Field(default=None, ge=0, allow_inf_nan=False)
    supplementary_units: dict[str, Decimal] | None = None
    preference: str | None = Field(default=None, pattern=r"^[0-9]{3}$")
    description: str | None = Field(default=None, min_length=1, max_length=512)


class ControlResult(_Strict):
    control_type: Literal["documentary", "physical"] | None = None
    result: Literal["no_irregularity", "irregularity", "seizure"]
    findings: str | None = Field(default=None, max_length=4096)
    corrections: list[Correction] | None = Field(
        default=None, max_length=999,
        description="particulars found different (goods code, origin, price, quantities …): the debt is reassessed")


class Refusal(_Strict):
    reason: str = Field(min_length=1, max_length=512)


class Authorisation(_Strict):
    reference: str = Field(min_length=1, max_length=35)
    holder: str = Field(min_length=3, max_length=17)
    valid_from: date | None = None
    valid_to: date | None = None
    countries: list[str] | None = None


@router.post("/declarations/{dataset}", status_code=201)
def lodge(dataset: Annotated[str, Path(pattern=r"^[Hh][17]$")], principal: Trader, ctx: Ctx,
          payload: Any = Body(...)) -> dict:
    """Lodge an H1 or H7 declaration: accepted with its MRN and customs debt (IMP_ACC), or pre-lodged (IMP_REG),
    or rejected with every error."""
    return service.lodge(ctx, principal, dataset, payload)


@router.get("/declarations")
def list_declarations(principal: Anyone, ctx: Ctx, state: str | None = None, country: str | None = None,
                      limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0) -> dict:
    return service.search(ctx, principal, state=state, country=country, limit=limit, offset=offset)


@router.get("/declarations/{mrn}")
def consult(mrn: str, principal: Anyone, ctx: Ctx) -> dict:
    return service.consult(ctx, principal, mrn)


@router.put("/declarations/{mrn}")
def amend(mrn: str, principal: Trader, ctx: Ctx, payload: Any = Body(...)) -> dict:
    """Amend the declaration (the whole message again, same LRN)."""
    return service.amend(ctx, principal, mrn, payload)


@router.post("/declarations/{mrn}/invalidation")
def invalidate(mrn: str, body: Invalidation, principal: Trader, ctx: Ctx) -> dict:
    return service.invalidate(ctx, principal, mrn, body.reason)


@router.post("/declarations/{mrn}/payment")
def pay(mrn: str, body: Payment, principal: Trader, ctx: Ctx) -> dict:
    return service.pay(ctx, principal, mrn, body.amount, body.payment_reference)


@router.post("/declarations/{mrn}/presentation")
def present(mrn: str, principal: TraderOrOfficer, ctx: Ctx) -> dict:
    """The goods of a pre-lodged declaration are presented: it is accepted now."""
    return service.present(ctx, principal, mrn)


@router.post("/declarations/{mrn}/control-decision")
def control_decision(mrn: str, body: ControlDecision, principal: Officer, ctx: Ctx) -> dict:
    return service.decide_control(ctx, principal, mrn, body.control)


@router.post("/declarations/{mrn}/control-result")
def control_result(mrn: str, body: ControlResult, principal: Officer, ctx: Ctx) -> dict:
    """The control result; with ``corrections`` the customs debt is reassessed (IMP_RASS). On a released
    declaration: a post-release control (Art. 48 UCC)."""
    return service.record_control(ctx, principal, mrn, body.model_dump(mode="json", exclude_none=True))


@router.post("/declarations/{mrn}/release")
def release(mrn: str, principal: Officer, ctx: Ctx) -> dict:
    return service.release(ctx, principal, mrn)


@router.post("/declarations/{mrn}/no-release")
def refuse_release(mrn: str, body: Refusal, principal: Officer, ctx: Ctx) -> dict:
    return service.refuse_release(ctx, principal, mrn, body.reason)


@router.post("/authorisations", status_code=201)
def record_authorisation(body: Authorisation, principal: Officer, ctx: Ctx) -> dict:
    """Record a centralised clearance (CCL) authorisation (until the customs decisions system exists)."""
    return service.record_authorisation(ctx, principal, body.model_dump())


@router.get("/cci/cases")
def cci_cases(principal: Officer, ctx: Ctx, state: str | None = None,
              limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0) -> dict:
    """The office of presentation's centralised clearance cases (particulars received from other member states)."""
    return cci.work_queue(ctx, principal, state=state, limit=limit, offset=offset)


@router.get("/cci/cases/{mrn}")
def cci_case(mrn: str, principal: Officer, ctx: Ctx) -> dict:
    return cci.case(ctx, principal, mrn)


@router.post("/cci/cases/{mrn}/control-result")
def cci_control_result(mrn: str, body: ControlResult, principal: Officer, ctx: Ctx) -> dict:
    return cci.record_control(ctx, principal, mrn, body.model_dump(mode="json", exclude_none=True))


@router.get("/indicators/imp3")
def indicator_imp3(principal: Authorities, ctx: Ctx, country: str, since: AwareDatetime, until: AwareDatetime,
                   include_controlled: bool = False) -> dict:
    """IMP 3: share of declarations released within 1 hour of acceptance, for a member state and period."""
    if principal.role is Role.OFFICER and principal.country != country.upper():
        raise Forbidden("an officer sees the indicator of its own member state")
    with ctx.db.read() as conn:
        return imp3(conn, country, since, until, include_controlled=include_controlled, as_of=now())
