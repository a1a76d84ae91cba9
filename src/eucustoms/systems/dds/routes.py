"""The public DDS API (``/dds/...``): no token needed, rate-limited per caller, every look-up counted.

Each route calls the owning system's public service function; a look-up is counted (in memory, written in
batches by :class:`~eucustoms.platform.telemetry.tally.Tally`) once it has answered, not when it failed."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from eucustoms.core.errors import ErrorCode, NotFound, Rejected
from eucustoms.core.identifiers import CustomsOfficeRef, MRN
from eucustoms.platform import telemetry
from eucustoms.platform.context import Context
from eucustoms.platform.http import context
from eucustoms.platform.http.ratelimit import rate_limited
from eucustoms.platform.telemetry.tally import Tally
from eucustoms.refdata import RefData
from eucustoms.refdata.model import Office
from eucustoms.systems.decisions import service as decisions
from eucustoms.systems.ebti import service as ebti
from eucustoms.systems.ecics import service as ecics
from eucustoms.systems.eos import service as eos
from eucustoms.systems.eos.messages import EoriValidation
from eucustoms.systems.rex import service as rex
from eucustoms.systems.surveillance import service as surveillance
from eucustoms.systems.surveillance.messages import AggregateQuery
from eucustoms.systems.tariff import quota as quotas
from eucustoms.systems.tariff.service import commodity, now_day
from eucustoms.systems.tariff.tariff import tariff

from . import SYSTEM
from .catalogue import SERVICES
from .followup import follow

# TARIC measure types of autonomous suspensions: 112 autonomous tariff suspension, 115 under end-use, 117 for
# certain categories of ships, boats and other vessels and drilling platforms, 119 airworthiness.
SUSPENSION_TYPES = frozenset({"112", "115", "117", "119"})

# The handlers are coroutines: each look-up is a short read, cheaper run on the event loop than handed to the
# thread pool (which cost a fifth of a look-up's CPU when measured).
router = APIRouter(prefix="/dds", tags=["DDS: public look-ups"], dependencies=[Depends(rate_limited("dds"))])
Ctx = Annotated[Context, Depends(context)]


def tally(ctx: Context) -> Tally:
    found = ctx.__dict__.get("_dds_tally")
    if found is None:
        found = ctx.__dict__.setdefault("_dds_tally", Tally(ctx.db))
    return found


def counted(ctx: Context, service: str, result: Any) -> Any:
    tally(ctx).add(SYSTEM, telemetry.CONSULTATIONS, service)
    return result


@router.get("/services")
async def services(request: Request) -> list[dict]:
    """The services of the DDS, with the EU's 2024 consultations of each (RES 2.1 sub-indicator 1)."""
    return [{"key": s.key, "name": s.name, "path": s.path, "consultations_2024": s.consultations_2024}
            for s in SERVICES]


# -- customs offices (COL) -------------------------------------------------------------------------------------

def _office(o: Office) -> dict[str, Any]:
    return {"reference_number": o.reference_number, "country": o.country, "name": o.name, "roles": list(o.roles),
            "valid_from": o.valid_from.isoformat(), "valid_to": o.valid_to.isoformat() if o.valid_to else None,
            "phone": o.phone or None, "names": dict(o.names)}


@router.get("/offices/{reference}")
async def office(reference: str, ctx: Ctx, on: date | None = None) -> dict:
    ref = str(CustomsOfficeRef.parse(reference))
    found = RefData.from_db(ctx.db).office(ref, on or now_day())
    if found is None:
        raise NotFound("customs office", ref)
    return counted(ctx, "COL", _office(found))


@router.get("/offices")
async def offices(ctx: Ctx, country: Annotated[str, Query(min_length=2, max_length=2)],
            role: Annotated[str | None, Query(min_length=3, max_length=3, description="e.g. DEP, DES, TRA, ENT, EXT")] = None,
            name: str | None = None, on: date | None = None,
            limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict:
    refdata = RefData.from_db(ctx.db)
    found = refdata.offices(country.upper(), role.upper() if role else None, on or now_day())
    if name:
        wanted = name.casefold()
        found = [o for o in found
                 if wanted in o.name.casefold() or any(wanted in n.casefold() for n in o.names.values())]
    return counted(ctx, "COL", {"total": len(found), "items": [_office(o) for o in found[:limit]]})


# -- economic operators (DDS2-EO) ------------------------------------------------------------------------------

@router.get("/eori/{eori}", response_model=EoriValidation)
async def validate_eori(eori: str, ctx: Ctx, on: date | None = None) -> EoriValidation:
    with ctx.db.read() as conn:
        result = eos.validate_public(conn, eori, on=on, counted=False)
    return counted(ctx, eos.DDS_SERVICE, result)


@router.get("/aeo/{eori}")
async def aeo(eori: str, ctx: Ctx, on: date | None = None) -> dict:
    """The public AEO query (part of DDS2-EO): AEO status only for holders who consented to publication."""
    with ctx.db.read() as conn:
        return counted(ctx, eos.DDS_SERVICE, decisions.public_aeo(conn, eori, on=on, counted=False))


# -- customs decisions (CDS) and registered exporters (REX) ------------------------------------------------------

@router.get("/decisions/{reference}")
async def decision(reference: str, ctx: Ctx, on: date | None = None) -> dict:
    with ctx.db.read() as conn:
        return counted(ctx, "CDS", decisions.public_lookup(conn, reference, on=on, counted=False))


@router.get("/rex/{rex_number}")
async def rex_validation(rex_number: str, ctx: Ctx, on: date | None = None) -> Any:
    with ctx.db.read() as conn:
        return counted(ctx, "REX", rex.validate_public(conn, rex_number, on=on, counted=False))


# -- binding tariff information (EBTI) and chemical substances (ECICS) -------------------------------------------

@router.get("/ebti")
async def ebti_search(ctx: Ctx, code: str | None = None, keywords: str | None = None, country: str | None = None,
                      on: date | None = None, limit: Annotated[int, Query(ge=1, le=100)] = 20,
                      offset: Annotated[int, Query(ge=0)] = 0) -> Any:
    """BTI decisions by code (start of), keywords and issuing country; never the holder or confidential data."""
    with ctx.db.read() as conn:
        found = ebti.public_search(conn, code=code, keywords=keywords, country=country, on=on, limit=limit,
                                   offset=offset, counted=False)
    return counted(ctx, "EBTI", found)


@router.get("/ebti/{reference}")
async def ebti_show(reference: str, ctx: Ctx, on: date | None = None) -> Any:
    with ctx.db.read() as conn:
        return counted(ctx, "EBTI", ebti.public_show(conn, reference, on=on, counted=False))


@router.get("/ecics")
async def ecics_search(ctx: Ctx, name: str | None = None, cus: str | None = None, cas: str | None = None,
                       ec: str | None = None, cn: str | None = None, formula: str | None = None,
                       limit: Annotated[int, Query(ge=1, le=100)] = 20, offset: Annotated[int, Query(ge=0)] = 0) -> Any:
    with ctx.db.read() as conn:
        found = ecics.search(conn, name=name, cus=cus, cas=cas, ec=ec, cn=cn, formula_text=formula, limit=limit,
                             offset=offset, counted=False)
    return counted(ctx, "ECICS", found)


@router.get("/ecics/{number}")
async def ecics_number(number: str, ctx: Ctx) -> Any:
    """The substances with a CUS, EC or CAS number (recognised by its shape)."""
    with ctx.db.read() as conn:
        return counted(ctx, "ECICS", ecics.lookup(conn, number, counted=False))


# -- tariff: TARIC, quotas, suspensions ------------------------------------------------------------------------

@router.get("/taric/{code}")
async def taric(code: str, ctx: Ctx, on: date | None = None, origin: str | None = None) -> dict:
    return counted(ctx, "TARIC", commodity(tariff(ctx.db), code, on or now_day(), origin))


@router.get("/quotas/{order_number}")
async def quota(order_number: str, ctx: Ctx, on: date | None = None) -> dict:
    if not (order_number.isdigit() and len(order_number) == 6):
        raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "path:order_number",
                           f"{order_number!r} is not a quota order number (6 digits, 09xxxx)")
    with ctx.db.read() as conn:
        return counted(ctx, "QUOTA", quotas.balance(conn, order_number, on or now_day()))


@router.get("/suspensions/{code}")
async def suspensions(code: str, ctx: Ctx, on: date | None = None) -> dict:
    """Autonomous suspensions of import duties in force for a goods code (and the lines above it)."""
    found = commodity(tariff(ctx.db), code, on or now_day())
    measures = [m for m in found["measures"] if m["measure_type"] in SUSPENSION_TYPES]
    return counted(ctx, "SUSP", {"code": found["code"], "description": found["description"], "on": found["on"],
                                 "suspended": bool(measures), "measures": measures})


# -- surveillance (SURV) ---------------------------------------------------------------------------------------

@router.get("/surveillance")
async def surveillance_totals(ctx: Ctx, goods_code: Annotated[str, Query(pattern=r"^\d{4,10}$")],
                        flow: Annotated[str | None, Query(pattern="^[IE]$")] = None,
                        origin: str | None = None, since: date | None = None, until: date | None = None,
                        by: Annotated[str, Query(description="comma-separated dimensions")] = "cn8,origin,month") -> dict:
    query = AggregateQuery(goods_code=goods_code, flow=flow, origin=origin, since=since, until=until,
                           group_by=[d.strip() for d in by.split(",") if d.strip()])
    with ctx.db.read() as conn:
        return counted(ctx, "SURV", surveillance.aggregate(conn, query, public=True))


# -- MRN follow-up ---------------------------------------------------------------------------------------------

@router.get("/mrn/{mrn}")
async def mrn_followup(mrn: str, ctx: Ctx) -> dict:
    number = MRN.parse(mrn)
    with ctx.db.read() as conn:
        return counted(ctx, "MRN", follow(conn, number))
