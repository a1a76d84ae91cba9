"""Customs decisions (CDS) and AEO: traders apply and follow their applications and decisions, supplement,
comment when heard, withdraw, ask to revoke; the competent member state's officers have the queue of applications
to accept and decide (with their time-limits) and take each step the state allows; consulted member states
answer their consultations; the public looks decisions and AEO holders up (counted as the DDS counts them)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eucustoms.core.errors import ErrorCode, InvalidIdentifier, Rejected
from eucustoms.platform.auth import Principal, Role
from eucustoms.systems.decisions import examples, service, states
from eucustoms.systems.decisions.codes import EXTENSION_GROUNDS, REVOCATION_GROUNDS, TYPES
from eucustoms.systems.decisions.messages import (
    Comment, ConsultationAnswer, ConsultationRequest, DecisionApplication, Extension, Grant, Hearing,
    InformationRequest, Reason, Refusal, Revocation, Supplement,
)
from eucustoms.systems.eos import service as eos

from .kit import Action, Field, FormState, model, options, parse_json, perform, read_document, read_form, split
from .pages import PAGE, _by_field, _count, _ctx, _issues, _pages, guarded, link, render
from .session import needs, same_origin

router = APIRouter(prefix="/web", include_in_schema=False)
link("/web/decisions", "Customs decisions (CDS)", "trader", "officer", "commission")
link("/web/lookup/decision", "Customs decisions", public=True)
link("/web/lookup/aeo", "AEO", public=True)

TYPE_OPTIONS = tuple((code, f"{code} · {t.title}") for code, t in TYPES.items())
APP_FILTERS = (Field("state", "State", "select", options(states.APPLICATION_STATES)),
               Field("decision_type", "Type", "select", TYPE_OPTIONS),
               Field("overdue", "Decision overdue", "select", (("true", "overdue"), ("false", "in time"))))
APP_COLUMNS = (("reference", "reference"), ("decision_type", "type"), ("applicant", "applicant"), ("country", "competent"),
               ("state", "state"), ("lodged_on", "lodged"), ("accepted_on", "accepted"), ("decision_due", "decision due"),
               ("decision_overdue", "overdue"), ("decision_reference", "decision"))
DEC_FILTERS = (Field("state", "State", "select", options(states.DECISION_STATES)),
               Field("decision_type", "Type", "select", TYPE_OPTIONS))
DEC_COLUMNS = (("reference", "reference"), ("decision_type", "type"), ("holder", "holder"), ("country", "issuing"),
               ("state", "state"), ("valid_from", "valid from"), ("valid_to", "valid to"), ("valid_today", "valid today"))
VIEWS = {"applications": "Applications", "decisions": "Decisions", "consultations": "Consultations"}


@router.get("/decisions", response_class=HTMLResponse)
def decisions_list(request: Request, view: str = "applications", state: str = "", decision_type: str = "",
                   overdue: str = "", offset: int = 0) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        current = view if view in VIEWS and (view != "consultations" or me.role is Role.OFFICER) else "applications"
        values = {"view": current, "state": state, "decision_type": decision_type, "overdue": overdue}
        with _ctx(request).db.read() as conn:
            if current == "decisions":
                total, items = service.list_decisions(conn, me, decision_type=decision_type or None, state=state or None,
                                                      limit=PAGE, offset=max(0, offset))
                fields, columns, href = DEC_FILTERS, DEC_COLUMNS, "/web/decisions/"
            else:
                flag = {"true": True, "false": False}.get(overdue)
                total, items = service.list_applications(conn, me, state=state or None,
                                                         decision_type=decision_type or None, overdue=flag,
                                                         limit=10_000 if current == "consultations" else PAGE,
                                                         offset=0 if current == "consultations" else max(0, offset))
                if current == "consultations":
                    items = [i for i in items if i["country"] != me.country]
                    total, items = len(items), items[max(0, offset):max(0, offset) + PAGE]
                fields, columns, href = APP_FILTERS, APP_COLUMNS, "/web/decisions/applications/"
        return render(request, "decisions_list.html", principal=me, items=items, columns=columns, fields=fields,
                      href=href, values=values, view=current, views=VIEWS, pages=_pages(total, offset))
    return guarded(request, page)


# -- an application ------------------------------------------------------------------------------------------------

def _kinds() -> list[tuple[str, str]]:
    return [(code, code) for code in TYPES]


@router.get("/decisions/new", response_class=HTMLResponse)
def decisions_new(request: Request, example: str = "") -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        text = ""
        if example.upper() in TYPES:
            text = json.dumps(examples.example(example, applicant=me.eori or "", country=(me.eori or "DE")[:2]),
                              indent=2, ensure_ascii=False)
        return render(request, "decisions_new.html", principal=me, text=text, kinds=_kinds())
    return guarded(request, page)


@router.post("/decisions/new", response_class=HTMLResponse)
async def decisions_lodge(request: Request) -> Response:
    text, _ = await read_document(request, "document")

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        same_origin(request)
        try:
            body = parse_json(text)
            if not isinstance(body, dict):
                raise Rejected.one(ErrorCode.SYNTAX, "", "the application is a JSON object")
            with _ctx(request).db.begin() as conn:
                app = service.lodge(conn, me, model(DecisionApplication, body))
        except (Rejected, InvalidIdentifier) as exc:
            return render(request, "decisions_new.html", 422, principal=me, text=text, issues=_issues(exc),
                          kinds=_kinds())
        return RedirectResponse(f"/web/decisions/applications/{app.reference}", status_code=303)
    return await run_in_threadpool(guarded, request, page)


def _app_actions(me: Principal, app: Any) -> list[Action]:
    s = app.state
    allowed = lambda action: (s, action) in states.APPLICATION_TRANSITIONS  # noqa: E731
    out: list[Action] = []
    competent = me.role is Role.COMMISSION or (me.role is Role.OFFICER and me.country == app.country)
    if competent:
        if allowed("accept"):
            out.append(Action("accept", "Accept the application"))
        if allowed("request_information"):
            out.append(Action("request_information", "Ask for information", (
                Field("reason", "What is missing", "textarea", required=True),
                Field("days", "Days given", "number", default="30"))))
        if allowed("consult"):
            out.append(Action("consult", "Consult a member state", (
                Field("country", "Member state", required=True, hint="e.g. NL"), Field("days", "Days", "number"))))
        if allowed("extend"):
            out.append(Action("extend", "Extend the time-limit", (
                Field("ground", "Ground", "select", options(EXTENSION_GROUNDS), required=True),
                Field("days", "Days", "number", required=True), Field("reason", "Reason", required=True))))
        if allowed("hear"):
            out.append(Action("hear", "Hear the applicant (intended refusal)", (
                Field("grounds", "Grounds", "textarea", required=True),), danger=True))
        if allowed("grant"):
            out.append(Action("grant", "Take the decision", (
                Field("valid_from", "Valid from", "date"), Field("valid_to", "Valid to", "date"),
                Field("countries", "Member states", hint="e.g. DE, NL (default: as applied for)"),
                Field("conditions", "Conditions", "textarea"))))
        if allowed("refuse"):
            out.append(Action("refuse", "Refuse the application", (Field("grounds", "Grounds", "textarea", required=True),),
                              danger=True))
        if allowed("not_accept"):
            out.append(Action("not_accept", "Do not accept", (Field("reason", "Reason", required=True),), danger=True))
    if me.role is Role.OFFICER and me.country != app.country and allowed("answer_consultation"):
        if any(c.country == me.country and c.status == "pending" for c in app.consultations):
            out.append(Action("answer_consultation", f"Answer the consultation of {me.country}", (
                Field("agree", "Answer", "select", (("true", "agree"), ("false", "object")), required=True),
                Field("reason", "Reason (for an objection)", "textarea"))))
    if me.role is Role.TRADER:
        if allowed("supplement"):
            out.append(Action("supplement", "Supply information", (Field("information", "Information", "textarea", required=True),)))
        if allowed("comment"):
            out.append(Action("comment", "Give my point of view", (Field("comment", "Comment", "textarea", required=True),)))
        if allowed("withdraw"):
            out.append(Action("withdraw", "Withdraw the application", (Field("reason", "Reason", required=True),), danger=True))
    return out


def _show_app(request: Request, me: Principal, reference: str, status: int = 200, state: FormState | None = None) -> Response:
    with _ctx(request).db.read() as conn:
        app = service.show_application(conn, me, reference)
    return render(request, "decisions_application.html", status, principal=me, a=app, acts=_app_actions(me, app),
                  **(state or FormState()).as_context())


@router.get("/decisions/applications/{reference}", response_class=HTMLResponse)
def decisions_application(request: Request, reference: str) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        return _show_app(request, me, reference)
    return guarded(request, page)


def _int(v: str | None, pointer: str) -> int | None:
    if not v:
        return None
    if not v.isdigit():
        raise Rejected.one(ErrorCode.RULE_VIOLATION, pointer, "give a whole number of days")
    return int(v)


@router.post("/decisions/applications/{reference}/action", response_class=HTMLResponse)
async def decisions_application_action(request: Request, reference: str) -> Response:
    values, _ = await read_form(request)

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        db = _ctx(request).db
        with db.read() as conn:
            app = service.show_application(conn, me, reference)
        ref = app.reference

        def run(fn: Any) -> Any:
            with db.begin() as conn:
                return fn(conn)

        def info(v: dict[str, str]) -> Any:
            days = _int(v.get("days"), "/days")
            return run(lambda c: service.request_information(c, me, ref, model(InformationRequest, {
                "reason": v["reason"], "days": days})))

        handlers = {
            "accept": lambda v: run(lambda c: service.accept(c, me, ref)),
            "request_information": info,
            "consult": lambda v: run(lambda c: service.consult(c, me, ref, model(ConsultationRequest, {
                "country": v["country"], "days": _int(v.get("days"), "/days")}))),
            "extend": lambda v: run(lambda c: service.extend(c, me, ref, model(Extension, {
                "ground": v["ground"], "days": _int(v.get("days"), "/days"), "reason": v["reason"]}))),
            "hear": lambda v: run(lambda c: service.hear(c, me, ref, model(Hearing, {"grounds": v["grounds"]}))),
            "grant": lambda v: run(lambda c: service.grant(c, me, ref, model(Grant, {
                "valid_from": v.get("valid_from"), "valid_to": v.get("valid_to"),
                "countries": split(v.get("countries")) or None, "conditions": v.get("conditions")}))),
            "refuse": lambda v: run(lambda c: service.refuse(c, me, ref, model(Refusal, {"grounds": v["grounds"]}))),
            "not_accept": lambda v: run(lambda c: service.not_accept(c, me, ref, model(Reason, {"reason": v["reason"]}))),
            "answer_consultation": lambda v: run(lambda c: service.answer_consultation(
                c, me, ref, me.country or "", model(ConsultationAnswer, {"agree": v["agree"], "reason": v.get("reason")}))),
            "supplement": lambda v: run(lambda c: service.supplement(c, me, ref, model(Supplement, {"information": v["information"]}))),
            "comment": lambda v: run(lambda c: service.comment(c, me, ref, model(Comment, {"comment": v["comment"]}))),
            "withdraw": lambda v: run(lambda c: service.withdraw(c, me, ref, model(Reason, {"reason": v["reason"]}))),
        }

        def done(result: Any) -> str:
            if values.get("action") == "grant" and getattr(result, "reference", None):
                return f"/web/decisions/{result.reference}"
            return f"/web/decisions/applications/{ref}"

        return perform(request, me, values, _app_actions(me, app), handlers, done,
                       lambda status, state: _show_app(request, me, reference, status, state))
    return await run_in_threadpool(guarded, request, page)


# -- a decision -------------------------------------------------------------------------------------------------------

def _dec_actions(me: Principal, d: Any) -> list[Action]:
    allowed = lambda action: (d.state, action) in states.DECISION_TRANSITIONS  # noqa: E731
    out: list[Action] = []
    if me.role is Role.COMMISSION or (me.role is Role.OFFICER and me.country == d.country):
        if allowed("suspend"):
            out.append(Action("suspend", "Suspend", (Field("reason", "Reason", required=True),), danger=True))
        if allowed("reinstate"):
            out.append(Action("reinstate", "Lift the suspension", (Field("reason", "Reason", required=True),)))
        if allowed("revoke"):
            out.append(Action("revoke", "Revoke", (
                Field("ground", "Ground", "select", options(REVOCATION_GROUNDS), required=True),
                Field("reason", "Reason", required=True), Field("effective", "From", "date")), danger=True))
        if allowed("annul"):
            out.append(Action("annul", "Annul", (Field("reason", "Reason", required=True),), danger=True))
    elif me.role is Role.TRADER and allowed("revoke"):
        out.append(Action("revoke", "Ask to revoke my decision", (
            Field("reason", "Reason", required=True), Field("effective", "From", "date")), danger=True))
    return out


def _show_dec(request: Request, me: Principal, reference: str, status: int = 200, state: FormState | None = None) -> Response:
    with _ctx(request).db.read() as conn:
        d = service.show_decision(conn, me, reference)
    return render(request, "decisions_show.html", status, principal=me, d=d, acts=_dec_actions(me, d),
                  **(state or FormState()).as_context())


@router.get("/decisions/{reference}", response_class=HTMLResponse)
def decisions_show(request: Request, reference: str) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        return _show_dec(request, me, reference)
    return guarded(request, page)


@router.post("/decisions/{reference}/action", response_class=HTMLResponse)
async def decisions_action(request: Request, reference: str) -> Response:
    values, _ = await read_form(request)

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        db = _ctx(request).db
        with db.read() as conn:
            d = service.show_decision(conn, me, reference)
        ref = d.reference

        def run(fn: Any) -> Any:
            with db.begin() as conn:
                return fn(conn)

        def revoke(v: dict[str, str]) -> Any:
            ground = "holder_request" if me.role is Role.TRADER else v["ground"]
            return run(lambda c: service.revoke(c, me, ref, model(Revocation, {
                "ground": ground, "reason": v["reason"], "effective": v.get("effective")})))

        handlers = {
            "suspend": lambda v: run(lambda c: service.suspend(c, me, ref, model(Reason, {"reason": v["reason"]}))),
            "reinstate": lambda v: run(lambda c: service.reinstate(c, me, ref, model(Reason, {"reason": v["reason"]}))),
            "revoke": revoke,
            "annul": lambda v: run(lambda c: service.annul(c, me, ref, model(Reason, {"reason": v["reason"]}))),
        }
        return perform(request, me, values, _dec_actions(me, d), handlers, f"/web/decisions/{ref}",
                       lambda status, state: _show_dec(request, me, reference, status, state))
    return await run_in_threadpool(guarded, request, page)


# -- public look-ups (counted like /dds/decisions and /dds/aeo) ----------------------------------------------------

def _day(on: str) -> date | None:
    if not on:
        return None
    try:
        return date.fromisoformat(on)
    except ValueError:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/on", "give the date as YYYY-MM-DD") from None


@router.get("/lookup/decision", response_class=HTMLResponse)
def lookup_decision(request: Request, reference: str = "", on: str = "") -> Response:
    values = {"reference": reference, "on": on}
    if not reference:
        return render(request, "decisions_lookup.html", values=values)
    try:
        with _ctx(request).db.read() as conn:
            result = service.public_lookup(conn, reference, on=_day(on), counted=False)
    except (Rejected, InvalidIdentifier) as exc:
        issues = _issues(exc)
        errors = _by_field(issues)
        if isinstance(exc, InvalidIdentifier):
            errors = {"reference": [exc.reason]}
        return render(request, "decisions_lookup.html", 422, values=values, errors=errors)
    _count(request, service.DDS_DECISIONS)
    return render(request, "decisions_lookup.html", values=values, result=result)


@router.get("/lookup/aeo", response_class=HTMLResponse)
def lookup_aeo(request: Request, eori: str = "", on: str = "") -> Response:
    values = {"eori": eori, "on": on}
    if not eori:
        return render(request, "decisions_aeo.html", values=values)
    try:
        with _ctx(request).db.read() as conn:
            result = service.public_aeo(conn, eori, on=_day(on), counted=False)
    except (Rejected, InvalidIdentifier) as exc:
        errors = {"eori": [exc.reason]} if isinstance(exc, InvalidIdentifier) else _by_field(_issues(exc))
        return render(request, "decisions_aeo.html", 422, values=values, errors=errors)
    _count(request, eos.DDS_SERVICE)
    return render(request, "decisions_aeo.html", values=values, result=result)
