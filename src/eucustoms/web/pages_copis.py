"""COPIS (intellectual property rights): right holders apply for action and follow their applications and the
detentions made under them; the competent customs department requests information, grants, rejects, suspends,
extends; officers detain goods suspected of infringing and close the detention (destruction or release); the
declarant answers (agrees to destruction or opposes it)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eucustoms.core.errors import ErrorCode, InvalidIdentifier, NotFound, Rejected
from eucustoms.platform.auth import Principal, Role
from eucustoms.systems.copis import examples, service, states
from eucustoms.systems.copis.messages import (
    ActionApplication, DeclarantResponse, DetentionExtension, DetentionRequest, ExtendAction, GrantAction,
    HolderResponse, InformationRequest, Outcome, Proceedings, Reason, Supplement,
)

from .kit import Action, Field, FormState, flag, model, parse_json, perform, read_document, read_form
from .pages import PAGE, _ctx, _issues, _pages, guarded, link, render
from .session import needs, same_origin

router = APIRouter(prefix="/web/copis", include_in_schema=False)
link("/web/copis", "IPR applications (COPIS)", "trader", "officer", "commission")

APP_STATES = tuple(dict.fromkeys(s for pair in states.APPLICATION_TRANSITIONS.items() for s in (pair[0][0], pair[1])))
DET_STATES = tuple(dict.fromkeys(s for pair in states.DETENTION_TRANSITIONS.items() for s in (pair[0][0], pair[1])))
APP_COLUMNS = (("reference", "reference"), ("kind", "kind"), ("country", "competent"), ("applicant", "applicant"),
               ("state", "state"), ("lodged_on", "lodged"), ("valid_from", "valid from"), ("valid_to", "valid to"),
               ("in_force", "in force"), ("detentions", "detentions"))
DET_COLUMNS = (("reference", "reference"), ("application", "application"), ("country", "country"), ("office", "office"),
               ("declaration", "declaration"), ("state", "state"), ("articles", "articles"), ("detained_on", "detained"),
               ("due", "due"))
YES_NO = (("true", "yes"), ("false", "no"))


@router.get("", response_class=HTMLResponse)
def copis_list(request: Request, view: str = "applications", state: str = "", offset: int = 0) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        current = "detentions" if view == "detentions" else "applications"
        choices = DET_STATES if current == "detentions" else APP_STATES
        wanted = state if state in choices else ""
        with _ctx(request).db.read() as conn:
            if current == "detentions":
                total, items = service.list_detentions(conn, me, state=wanted or None, limit=PAGE, offset=max(0, offset))
            else:
                total, items = service.list_applications(conn, me, state=wanted or None, limit=PAGE, offset=max(0, offset))
        rows = [{**i.model_dump(), "applicant": i.applicant.name} if current == "applications" else i for i in items]
        return render(request, "copis_list.html", principal=me, items=rows, view=current, state=wanted, states=choices,
                      columns=DET_COLUMNS if current == "detentions" else APP_COLUMNS,
                      href="/web/copis/detentions/" if current == "detentions" else "/web/copis/applications/",
                      pages=_pages(total, offset))
    return guarded(request, page)


# -- lodging: an application (right holder) or a detention (officer) ------------------------------------------

def _document(request: Request, me: Principal, kind: str, text: str = "", status: int = 200, issues: Any = None) -> Response:
    return render(request, "copis_new.html", status, principal=me, kind=kind, text=text, issues=issues)


@router.get("/new", response_class=HTMLResponse)
def copis_new(request: Request, example: str = "", application: str = "") -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER)
        if me.role is Role.TRADER:
            text = json.dumps(examples.application(eori=me.eori or "", country=(me.eori or "DE")[:2]), indent=2,
                              ensure_ascii=False) if example else ""
            return _document(request, me, "application", text)
        text = json.dumps(examples.detention(application or "DE-AFA-2026-000001", office=me.office or ""), indent=2,
                          ensure_ascii=False) if example or application else ""
        return _document(request, me, "detention", text)
    return guarded(request, page)


@router.post("/new", response_class=HTMLResponse)
async def copis_lodge(request: Request) -> Response:
    text, _ = await read_document(request, "document")

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER)
        same_origin(request)
        kind = "application" if me.role is Role.TRADER else "detention"
        try:
            body = parse_json(text)
            if not isinstance(body, dict):
                raise Rejected.one(ErrorCode.SYNTAX, "", "the document is a JSON object")
            with _ctx(request).db.begin() as conn:
                if kind == "application":
                    done = service.lodge(conn, me, model(ActionApplication, body))
                else:
                    done = service.detain(conn, me, model(DetentionRequest, body))
        except (Rejected, InvalidIdentifier) as exc:
            return _document(request, me, kind, text, 422, _issues(exc))
        return RedirectResponse(f"/web/copis/{kind}s/{done.reference}", status_code=303)
    return await run_in_threadpool(guarded, request, page)


# -- an application for action ---------------------------------------------------------------------------------

def _app_actions(me: Principal, a: Any) -> list[Action]:
    allowed = lambda action: (a.state, action) in states.APPLICATION_TRANSITIONS  # noqa: E731
    competent = me.role is Role.COMMISSION or (me.role is Role.OFFICER and me.country == a.country)
    out: list[Action] = []
    reason = (Field("reason", "Reason", required=True),)
    if competent:
        if allowed("grant"):
            out.append(Action("grant", "Grant the application", (Field("valid_to", "Period of action ends", "date"),)))
        if allowed("request_information"):
            out.append(Action("request_information", "Ask for information (10 working days)", reason))
        if allowed("reject"):
            out.append(Action("reject", "Reject", reason, danger=True))
        if allowed("extend") and a.extension_requested_on:
            out.append(Action("extend", "Extend the period of action", (Field("valid_to", "New end", "date"),)))
        if allowed("suspend"):
            out.append(Action("suspend", "Suspend the action of customs", reason, danger=True))
        if allowed("reinstate"):
            out.append(Action("reinstate", "Reinstate", reason))
        if allowed("revoke"):
            out.append(Action("revoke", "Revoke", reason, danger=True))
    if me.role is Role.TRADER:
        if allowed("supplement"):
            out.append(Action("supplement", "Complete the application", (Field("information", "Information", "textarea", required=True),)))
        if allowed("request_extension") and not a.extension_requested_on:
            out.append(Action("request_extension", "Ask to extend the period of action"))
        if allowed("withdraw"):
            out.append(Action("withdraw", "Withdraw", reason, danger=True))
    return out


def _show_app(request: Request, me: Principal, reference: str, status: int = 200, state: FormState | None = None) -> Response:
    with _ctx(request).db.read() as conn:
        a = service.show_application(conn, me, reference)
        total, detentions = service.list_detentions(conn, me, application=reference, limit=PAGE)
    return render(request, "copis_application.html", status, principal=me, a=a, detentions=detentions,
                  columns=DET_COLUMNS, acts=_app_actions(me, a), **(state or FormState()).as_context())


@router.get("/applications/{reference}", response_class=HTMLResponse)
def copis_application(request: Request, reference: str) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        return _show_app(request, me, reference)
    return guarded(request, page)


@router.post("/applications/{reference}/action", response_class=HTMLResponse)
async def copis_application_action(request: Request, reference: str) -> Response:
    values, _ = await read_form(request)

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        db = _ctx(request).db
        with db.read() as conn:
            a = service.show_application(conn, me, reference)
        ref = a.reference

        def run(fn: Any) -> Any:
            with db.begin() as conn:
                return fn(conn)

        def step(fn: Any) -> Any:
            return lambda v: run(lambda c: fn(c, me, ref, model(Reason, {"reason": v["reason"]})))

        handlers = {
            "grant": lambda v: run(lambda c: service.grant(c, me, ref, model(GrantAction, {"valid_to": v.get("valid_to")}))),
            "request_information": lambda v: run(lambda c: service.request_information(
                c, me, ref, model(InformationRequest, {"reason": v["reason"]}))),
            "extend": lambda v: run(lambda c: service.extend(c, me, ref, model(ExtendAction, {"valid_to": v.get("valid_to")}))),
            "supplement": lambda v: run(lambda c: service.supplement(c, me, ref, model(Supplement, {"information": v["information"]}))),
            "request_extension": lambda v: run(lambda c: service.request_extension(c, me, ref)),
            **{name: step(getattr(service, name)) for name in ("reject", "suspend", "reinstate", "revoke", "withdraw")},
        }
        return perform(request, me, values, _app_actions(me, a), handlers, f"/web/copis/applications/{ref}",
                       lambda status, state: _show_app(request, me, reference, status, state))
    return await run_in_threadpool(guarded, request, page)


# -- a detention --------------------------------------------------------------------------------------------------

def _det_actions(me: Principal, d: Any, application: Any | None) -> list[Action]:
    allowed = lambda action: (d.state, action) in states.DETENTION_TRANSITIONS  # noqa: E731
    out: list[Action] = []
    handling = me.role is Role.COMMISSION or (me.role is Role.OFFICER and me.country == d.country)
    right_holder = me.role is Role.TRADER and application is not None and me.eori == (application.applicant.eori or "")
    parties = {d.declarant.eori, d.holder_of_goods.eori if d.holder_of_goods else None} - {None}
    declarant = me.role is Role.TRADER and me.eori in parties
    if (right_holder or handling) and allowed("respond_holder") and d.holder_answered_on is None:
        out.append(Action("respond_holder", "The right holder's confirmation", (
            Field("infringement", "A right is infringed", "select", YES_NO, required=True),
            Field("agree_to_destruction", "Agrees to destruction", "select", YES_NO, required=True))))
    if (right_holder or handling) and allowed("proceedings"):
        out.append(Action("proceedings", "Proceedings started", (
            Field("court", "Court", required=True), Field("reference", "Case reference", required=True))))
    if (declarant or handling) and allowed("respond_declarant") and d.declarant_answered_on is None:
        out.append(Action("respond_declarant", "The declarant's answer", (
            Field("agree_to_destruction", "Agrees to destruction", "select", YES_NO, required=True),
            Field("reason", "Reason", "textarea"))))
    if handling:
        if allowed("extend"):
            out.append(Action("extend", "Extend the period", (
                Field("working_days", "Working days (at most 10)", "number", required=True),
                Field("reason", "Reason", required=True))))
        if allowed("destroy"):
            out.append(Action("destroy", "Destroy the goods under customs control", (Field("reason", "Reason", required=True),),
                              danger=True))
        if allowed("release"):
            out.append(Action("release", "Release the goods", (Field("reason", "Reason", required=True),)))
    return out


def _show_det(request: Request, me: Principal, reference: str, status: int = 200, state: FormState | None = None) -> Response:
    with _ctx(request).db.read() as conn:
        d = service.show_detention(conn, me, reference)
        try:
            application = service.show_application(conn, me, d.application)
        except NotFound:  # a declarant sees the detention, not the application
            application = None
    return render(request, "copis_detention.html", status, principal=me, d=d, application=application,
                  acts=_det_actions(me, d, application), **(state or FormState()).as_context())


@router.get("/detentions/{reference}", response_class=HTMLResponse)
def copis_detention(request: Request, reference: str) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        return _show_det(request, me, reference)
    return guarded(request, page)


@router.post("/detentions/{reference}/action", response_class=HTMLResponse)
async def copis_detention_action(request: Request, reference: str) -> Response:
    values, _ = await read_form(request)

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        db = _ctx(request).db
        with db.read() as conn:
            d = service.show_detention(conn, me, reference)
            try:
                application = service.show_application(conn, me, d.application)
            except NotFound:
                application = None
        ref = d.reference

        def run(fn: Any) -> Any:
            with db.begin() as conn:
                return fn(conn)

        handlers = {
            "respond_holder": lambda v: run(lambda c: service.respond_holder(c, me, ref, model(HolderResponse, {
                "infringement": flag(v, "infringement"), "agree_to_destruction": flag(v, "agree_to_destruction")}))),
            "proceedings": lambda v: run(lambda c: service.start_proceedings(c, me, ref, model(Proceedings, {
                "court": v["court"], "reference": v["reference"]}))),
            "respond_declarant": lambda v: run(lambda c: service.respond_declarant(c, me, ref, model(DeclarantResponse, {
                "agree_to_destruction": flag(v, "agree_to_destruction"), "reason": v.get("reason")}))),
            "extend": lambda v: run(lambda c: service.extend_detention(c, me, ref, model(DetentionExtension, {
                "working_days": v["working_days"], "reason": v["reason"]}))),
            "destroy": lambda v: run(lambda c: service.destroy(c, me, ref, model(Outcome, {"reason": v["reason"]}))),
            "release": lambda v: run(lambda c: service.release(c, me, ref, model(Outcome, {"reason": v["reason"]}))),
        }
        return perform(request, me, values, _det_actions(me, d, application), handlers, f"/web/copis/detentions/{ref}",
                       lambda status, state: _show_det(request, me, reference, status, state))
    return await run_in_threadpool(guarded, request, page)
