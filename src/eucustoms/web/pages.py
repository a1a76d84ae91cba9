"""The console's pages. Each page calls the owning system's service functions with the signed-in principal,
so it shows exactly what the API would show that principal; errors become pages or messages next to the
fields, never a stack trace."""

from __future__ import annotations

import json
import logging
import math
import uuid
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError

from eucustoms.core.errors import (
    CustomsError, ErrorCode, Forbidden, IncorrectState, InvalidIdentifier, Issue, NotFound, Rejected, Unauthenticated,
)
from eucustoms.platform import telemetry
from eucustoms.platform.auth import PUBLIC, Principal, Role, authenticate
from eucustoms.platform.context import Context
from eucustoms.platform.http.errors import issues_from_pydantic
from eucustoms.platform.notifications import service as notifications
from eucustoms.refdata import RefData
from eucustoms.systems.dds.routes import tally
from eucustoms.systems.eos import service as eos
from eucustoms.systems.guarantees import service as guarantees
from eucustoms.systems.imports import service as imports
from eucustoms.systems.imports import states as import_states
from eucustoms.systems.tariff import quota as quotas
from eucustoms.systems.tariff.service import DutyRequest, assess, commodity, now_day

from .session import COOKIE, needs, principal_of, same_origin

log = logging.getLogger(__name__)
router = APIRouter(prefix="/web", include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
PAGE = 25
# Links other console modules add to the navigation: (path, label), or (path, label, roles) for links shown only
# to some roles (role values: "trader", "officer", "commission").
PUBLIC_LINKS: list[tuple] = []
SIGNED_IN_LINKS: list[tuple] = []


def link(path: str, label: str, *roles: str, public: bool = False) -> None:
    """Add a navigation link (once: a module imported twice adds nothing)."""
    entry = (path, label) if public or not roles else (path, label, roles)
    target = PUBLIC_LINKS if public else SIGNED_IN_LINKS
    if not any(e[0] == path for e in target):
        target.append(entry)


# -- rendering and errors --------------------------------------------------------------------------------------

def _ctx(request: Request) -> Context:
    return request.app.state.context


def _utc(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return value.strftime("%Y-%m-%d %H:%M:%S UTC")
    return "" if value is None else str(value)


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


templates.env.filters["utc"] = _utc
templates.env.filters["iso"] = lambda v: v.isoformat() if isinstance(v, (date, datetime)) else (v or "")
templates.env.filters["pretty"] = _pretty
templates.env.filters["compact"] = lambda v: json.dumps(v, ensure_ascii=False, default=str)


def render(request: Request, template: str, status: int = 200, **data: Any) -> HTMLResponse:
    principal = data.pop("principal", None) or principal_of(request)
    return templates.TemplateResponse(request, template, {
        "me": principal, "Role": Role, "extra_public_links": PUBLIC_LINKS, "extra_signed_links": SIGNED_IN_LINKS,
        **data}, status_code=status)


def _issues(exc: Exception) -> list[Issue]:
    if isinstance(exc, Rejected):
        return list(exc.issues)
    if isinstance(exc, ValidationError):
        return issues_from_pydantic(exc.errors())
    if isinstance(exc, InvalidIdentifier):
        return [Issue(ErrorCode.RULE_VIOLATION, exc.kind, exc.reason)]
    if isinstance(exc, IncorrectState):
        return [Issue(ErrorCode.OUT_OF_SEQUENCE, "", exc.message)]
    if isinstance(exc, CustomsError):
        return [Issue(ErrorCode.RULE_VIOLATION, "", exc.message)]
    return [Issue("500", "", "the request could not be processed")]


def guarded(request: Request, page: Callable[[Principal], Response]) -> Response:
    """Run a page; access errors and unknown records become their pages (never a stack trace)."""
    principal = principal_of(request)
    try:
        return page(principal)
    except Unauthenticated as exc:
        return render(request, "signin.html", 401, principal=principal, message=exc.message,
                      next=request.url.path)
    except Forbidden as exc:
        return render(request, "error.html", 403, principal=principal, title="Not allowed", message=exc.message)
    except NotFound as exc:
        return render(request, "error.html", 404, principal=principal, title="Not found", message=exc.message)
    except (Rejected, InvalidIdentifier, ValidationError, CustomsError) as exc:
        return render(request, "error.html", 422, principal=principal, title="Rejected", issues=_issues(exc),
                      message="the request was rejected")
    except Exception as exc:  # noqa: BLE001 - a page never shows internals
        if isinstance(exc, DBAPIError) and _missing_table(exc):
            log.warning("console page %s needs a table this box does not have yet: %s", request.url.path, exc.orig)
            return render(request, "error.html", 503, principal=principal, title="Not installed in this box yet",
                          message="this system's tables do not exist in this database yet: run `eucustoms init` "
                                  "once its migration exists")
        incident = uuid.uuid4().hex[:12]
        log.exception("console error %s on %s", incident, request.url.path)
        return render(request, "error.html", 500, principal=principal, title="Something went wrong",
                      message=f"the page could not be shown; quote incident {incident}")


def _missing_table(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return "no such table" in text or ("relation" in text and "does not exist" in text)


def _pages(total: int, offset: int) -> dict[str, int]:
    return {"total": total, "offset": offset, "size": PAGE, "page": offset // PAGE + 1,
            "pages": max(1, math.ceil(total / PAGE))}


def _count(request: Request, service: str) -> None:
    tally(_ctx(request)).add("dds", telemetry.CONSULTATIONS, service)


# -- sign-in ---------------------------------------------------------------------------------------------------

@router.get("", response_class=HTMLResponse)
@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    return render(request, "home.html")


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request, next: str = "/web") -> Response:
    return render(request, "signin.html", next=next)


@router.post("/signin", response_class=HTMLResponse)
async def signin(request: Request) -> Response:
    form = await request.form()
    token = str(form.get("token", "")).strip()
    target = str(form.get("next") or "/web")
    if not target.startswith("/web"):
        target = "/web"
    try:
        same_origin(request)
        principal = authenticate(_ctx(request).db, token)
    except (Unauthenticated, Forbidden) as exc:
        return render(request, "signin.html", 401, principal=PUBLIC, message=exc.message, next=target)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/web")
    log.info("console sign-in of %s (%s)", principal.name, principal.role.value)
    return response


@router.post("/signout")
def signout(request: Request) -> Response:
    response = RedirectResponse("/web", status_code=303)
    response.delete_cookie(COOKIE, path="/web")
    return response


# -- public look-ups (counted as the DDS API counts them) -------------------------------------------------------

@router.get("/lookup/duty", response_class=HTMLResponse)
def duty(request: Request, goods_code: str = "", origin: str = "", customs_value: str = "", currency: str = "EUR",
         quantity: str = "", unit: str = "", on: str = "", preference: str = "", member_state: str = "") -> Response:
    form = {"goods_code": goods_code, "origin": origin, "customs_value": customs_value, "currency": currency,
            "quantity": quantity, "unit": unit, "on": on, "preference": preference, "member_state": member_state}
    if not goods_code:
        return render(request, "duty.html", form=form)
    try:
        body: dict[str, Any] = {"goods_code": goods_code, "origin": origin.upper(), "customs_value": customs_value,
                                "currency": currency.upper() or "EUR"}
        if on:
            body["on"] = on
        if quantity and unit:
            body["quantities"] = {unit.upper(): quantity}
        if preference:
            body["preference"] = preference
        if member_state:
            body["member_state"] = member_state.upper()
        result = assess(_ctx(request).db, DutyRequest.model_validate(body), now_day()).as_dict()
    except (Rejected, ValidationError, InvalidIdentifier) as exc:
        return render(request, "duty.html", 422, form=form, errors=_by_field(_issues(exc)))
    _count(request, "TARIC")
    return render(request, "duty.html", form=form, result=result)


def _by_field(issues: list[Issue]) -> dict[str, list[str]]:
    """Errors keyed by the form field their pointer names ("" for the form as a whole)."""
    out: dict[str, list[str]] = {}
    for i in issues:
        field = i.pointer.lstrip("/").split("/")[0].split(":")[-1]
        out.setdefault(field, []).append(i.reason)
    return out


@router.get("/lookup/eori", response_class=HTMLResponse)
def eori(request: Request, eori: str = "") -> Response:
    if not eori:
        return render(request, "eori.html", eori="")
    try:
        with _ctx(request).db.read() as conn:
            result = eos.validate_public(conn, eori, counted=False)
    except InvalidIdentifier as exc:
        return render(request, "eori.html", 422, eori=eori, errors={"eori": [exc.reason]})
    _count(request, eos.DDS_SERVICE)
    return render(request, "eori.html", eori=eori, result=result)


@router.get("/lookup/offices", response_class=HTMLResponse)
def offices(request: Request, country: str = "", role: str = "", name: str = "", offset: int = 0) -> Response:
    found: list = []
    if country:
        refdata = RefData.from_db(_ctx(request).db)
        found = refdata.offices(country.upper()[:2], role.upper() or None, now_day())
        if name:
            wanted = name.casefold()
            found = [o for o in found if wanted in o.name.casefold()]
        found.sort(key=lambda o: o.reference_number)
        _count(request, "COL")
    return render(request, "offices.html", country=country, role=role, name=name,
                  roles=RefData.from_db(_ctx(request).db).office_roles(),
                  items=found[offset:offset + PAGE], pages=_pages(len(found), offset))


@router.get("/lookup/taric", response_class=HTMLResponse)
def taric(request: Request, code: str = "", origin: str = "", on: str = "") -> Response:
    if not code:
        return render(request, "taric.html", code="", origin=origin, on=on)
    try:
        day = date.fromisoformat(on) if on else now_day()
        from eucustoms.systems.tariff.tariff import tariff

        result = commodity(tariff(_ctx(request).db), code, day, origin or None)
    except ValueError:
        return render(request, "taric.html", 422, code=code, origin=origin, on=on,
                      errors={"on": ["give the date as YYYY-MM-DD"]})
    except (Rejected, NotFound) as exc:
        reasons = [i.reason for i in _issues(exc)] if isinstance(exc, Rejected) else [exc.message]
        return render(request, "taric.html", 404 if isinstance(exc, NotFound) else 422, code=code, origin=origin,
                      on=on, errors={"code": reasons})
    _count(request, "TARIC")
    return render(request, "taric.html", code=code, origin=origin, on=on, result=result)


@router.get("/lookup/quota", response_class=HTMLResponse)
def quota(request: Request, order_number: str = "", on: str = "") -> Response:
    if not order_number:
        return render(request, "quota.html", order_number="", on=on)
    try:
        day = date.fromisoformat(on) if on else now_day()
        if not (order_number.isdigit() and len(order_number) == 6):
            raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/order_number", "a quota order number has 6 digits")
        with _ctx(request).db.read() as conn:
            result = quotas.balance(conn, order_number, day)
    except ValueError:
        return render(request, "quota.html", 422, order_number=order_number, on=on,
                      errors={"on": ["give the date as YYYY-MM-DD"]})
    except (Rejected, NotFound) as exc:
        reasons = [i.reason for i in _issues(exc)] if isinstance(exc, Rejected) else [exc.message]
        return render(request, "quota.html", 422 if isinstance(exc, Rejected) else 404, order_number=order_number,
                      on=on, errors={"order_number": reasons})
    _count(request, "QUOTA")
    return render(request, "quota.html", order_number=order_number, on=on, result=result)


@router.get("/lookup/mrn", response_class=HTMLResponse)
def mrn_followup(request: Request, mrn: str = "") -> Response:
    from eucustoms.core.identifiers import MRN
    from eucustoms.systems.dds.followup import follow

    if not mrn:
        return render(request, "mrn.html", mrn="")
    try:
        number = MRN.parse(mrn)
        with _ctx(request).db.read() as conn:
            result = follow(conn, number)
    except InvalidIdentifier as exc:
        return render(request, "mrn.html", 422, mrn=mrn, errors={"mrn": [exc.reason]})
    except NotFound as exc:
        return render(request, "mrn.html", 404, mrn=mrn, errors={"mrn": [exc.message]})
    _count(request, "MRN")
    return render(request, "mrn.html", mrn=mrn, result=result)


# -- import declarations ---------------------------------------------------------------------------------------

@router.get("/imports", response_class=HTMLResponse)
def import_list(request: Request, state: str = "", offset: int = 0) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        found = imports.search(_ctx(request), me, state=state or None, limit=PAGE, offset=max(0, offset))
        return render(request, "imports_list.html", principal=me, items=found["items"], state=state,
                      states=import_states.STATES, pages=_pages(found["total"], offset))
    return guarded(request, page)


@router.get("/imports/new", response_class=HTMLResponse)
def import_new(request: Request) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        return render(request, "imports_new.html", principal=me, dataset="H1", text="")
    return guarded(request, page)


@router.post("/imports/new", response_class=HTMLResponse)
async def import_lodge(request: Request) -> Response:
    form = await request.form()
    dataset = str(form.get("dataset") or "H1")
    text = str(form.get("declaration") or "")
    upload = form.get("file")
    if upload is not None and hasattr(upload, "read"):
        content = await upload.read()
        if content:
            text = content.decode("utf-8", errors="replace")

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        same_origin(request)
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            return render(request, "imports_new.html", 422, principal=me, dataset=dataset, text=text,
                          issues=[Issue(ErrorCode.SYNTAX, "", f"not JSON: {exc.msg} at line {exc.lineno}")])
        try:
            answer = imports.lodge(_ctx(request), me, dataset, payload)
        except (Rejected, ValidationError, InvalidIdentifier) as exc:
            return render(request, "imports_new.html", 422, principal=me, dataset=dataset, text=text,
                          issues=_issues(exc))
        return RedirectResponse(f"/web/imports/{answer['mrn']}", status_code=303)
    return guarded(request, page)


def _officer_actions(me: Principal, data: dict[str, Any]) -> list[str]:
    if me.role is not Role.OFFICER or me.country != data["country"]:
        return []
    state = data["state"]
    out = []
    if import_states.allowed(state, "decide_control"):
        out.append("decide_control")
    if import_states.allowed(state, "record_control"):
        out.append("record_control")
    if import_states.allowed(state, "release"):
        out.append("release")
    if import_states.allowed(state, "refuse_release"):
        out.append("refuse_release")
    return out


@router.get("/imports/{mrn}", response_class=HTMLResponse)
def import_show(request: Request, mrn: str) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        data = imports.consult(_ctx(request), me, mrn)
        return render(request, "imports_show.html", principal=me, d=data, actions=_officer_actions(me, data))
    return guarded(request, page)


@router.post("/imports/{mrn}/action", response_class=HTMLResponse)
async def import_action(request: Request, mrn: str) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    action = form.get("action", "")

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER)
        same_origin(request)
        ctx = _ctx(request)
        try:
            if action == "decide_control":
                imports.decide_control(ctx, me, mrn, form.get("control", "documentary"))
            elif action == "record_control":
                imports.record_control(ctx, me, mrn, {"result": form.get("result", "no_irregularity"),
                                                      "findings": form.get("findings") or None})
            elif action == "release":
                imports.release(ctx, me, mrn)
            elif action == "refuse_release":
                imports.refuse_release(ctx, me, mrn, form.get("reason") or "refused by the officer")
            elif action == "pay":
                imports.pay(ctx, me, mrn)
            elif action == "present":
                imports.present(ctx, me, mrn)
            elif action == "invalidate":
                imports.invalidate(ctx, me, mrn, form.get("reason") or None)
            else:
                raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/action", f"unknown action {action!r}")
        except (Rejected, IncorrectState, ValidationError, CustomsError) as exc:
            if isinstance(exc, (Forbidden, NotFound)):
                raise
            data = imports.consult(ctx, me, mrn)
            return render(request, "imports_show.html", 422, principal=me, d=data,
                          actions=_officer_actions(me, data), issues=_issues(exc))
        return RedirectResponse(f"/web/imports/{mrn}", status_code=303)
    return guarded(request, page)


# -- notifications and guarantees (traders) ---------------------------------------------------------------------

@router.get("/notifications", response_class=HTMLResponse)
def notification_list(request: Request) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        with _ctx(request).db.read() as conn:
            items = notifications.pending(conn, me.eori, limit=PAGE)
        return render(request, "notifications.html", principal=me, items=items)
    return guarded(request, page)


@router.post("/notifications/ack")
async def notification_ack(request: Request) -> Response:
    form = await request.form()
    ids = [int(v) for v in form.getlist("id") if str(v).isdigit()]

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        same_origin(request)
        with _ctx(request).db.begin() as conn:
            notifications.acknowledge(conn, me.eori, ids)
        return RedirectResponse("/web/notifications", status_code=303)
    return guarded(request, page)


@router.get("/guarantees", response_class=HTMLResponse)
def guarantee_list(request: Request, offset: int = 0) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        with _ctx(request).db.read() as conn:
            total, items = guarantees.list_guarantees(conn, me, limit=PAGE, offset=max(0, offset))
        return render(request, "guarantees.html", principal=me, items=items, pages=_pages(total, offset))
    return guarded(request, page)

