"""European Binding Tariff Information (EBTI): the public search of BTI decisions (counted by the service as a DDS
consultation, like /ebti/bti); traders apply (a form: every error next to its field) and follow their applications
and decisions; the member state's officers accept, refuse or decide, and annul or revoke decisions."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eucustoms.core.errors import ErrorCode, InvalidIdentifier, Rejected
from eucustoms.platform.auth import Principal, Role
from eucustoms.systems.ebti import service, states
from eucustoms.systems.ebti.messages import BtiApplicationRequest, DecisionRequest, EndRequest

from .kit import Action, Field, FormState, blank, errors_of, flag, model, perform, read_form
from .pages import PAGE, _by_field, _ctx, _issues, _pages, guarded, link, render
from .session import needs, same_origin

router = APIRouter(prefix="/web", include_in_schema=False)
link("/web/ebti", "Binding tariff information (EBTI)", "trader", "officer", "commission")
link("/web/lookup/ebti", "EBTI", public=True)

SEARCH = (Field("code", "Goods code (start of)", hint="e.g. 8467"), Field("keywords", "Keywords", hint="e.g. drill"),
          Field("country", "Issuing country", hint="e.g. DE"),
          Field("validity", "Validity", "select", (("valid", "valid"), ("invalid", "no longer valid"), ("all", "all")),
                required=True, default="valid"),
          Field("on", "On", "date"))
APPLICATION = (
    Field("member_state", "Member state deciding", required=True, hint="e.g. DE"),
    Field("goods_description", "Description of the goods", "textarea", required=True),
    Field("commercial_denomination", "Commercial denomination"),
    Field("proposed_code", "Classification you propose", hint="CN 8 or TARIC 10 digits"),
    Field("language", "Language", hint="e.g. de, en"),
    Field("samples", "Samples are available", "checkbox"))
APP_COLUMNS = (("reference", "reference"), ("member_state", "member state"), ("holder", "holder"), ("state", "state"),
               ("proposed_code", "proposed code"), ("lodged_at", "lodged"), ("decision_due", "decision due"),
               ("bti_reference", "BTI"))
DEC_COLUMNS = (("reference", "reference"), ("member_state", "member state"), ("holder", "holder"), ("code", "code"),
               ("status_on", "status"), ("valid_from", "valid from"), ("last_day", "last day"))


# -- the public search --------------------------------------------------------------------------------------------

def _day(on: str, pointer: str = "/on") -> date | None:
    if not on:
        return None
    try:
        return date.fromisoformat(on)
    except ValueError:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, pointer, "give the date as YYYY-MM-DD") from None


@router.get("/lookup/ebti", response_class=HTMLResponse)
def ebti_search(request: Request, code: str = "", keywords: str = "", country: str = "", validity: str = "valid",
                on: str = "", offset: int = 0) -> Response:
    values = {"code": code, "keywords": keywords, "country": country, "validity": validity, "on": on}
    if not (code or keywords or country):
        return render(request, "ebti_search.html", fields=SEARCH, values=values)
    try:
        with _ctx(request).db.begin() as conn:  # the service counts the consultation
            found = service.public_search(conn, code=code or None, keywords=keywords or None, country=country or None,
                                          on=_day(on), validity=validity, limit=PAGE, offset=max(0, offset))  # type: ignore[arg-type]
    except (Rejected, InvalidIdentifier) as exc:
        return render(request, "ebti_search.html", 422, fields=SEARCH, values=values, errors=_by_field(_issues(exc)))
    return render(request, "ebti_search.html", fields=SEARCH, values=values, found=found,
                  pages=_pages(found.total, offset))


@router.get("/lookup/ebti/{reference}", response_class=HTMLResponse)
def ebti_public(request: Request, reference: str) -> Response:
    def page(me: Principal) -> Response:
        with _ctx(request).db.begin() as conn:
            bti = service.public_show(conn, reference)
        return render(request, "ebti_public.html", principal=me, b=bti)
    return guarded(request, page)


# -- applications and decisions (traders, officers) ---------------------------------------------------------------

@router.get("/ebti", response_class=HTMLResponse)
def ebti_list(request: Request, view: str = "applications", state: str = "", offset: int = 0) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        current = "decisions" if view == "decisions" else "applications"
        with _ctx(request).db.read() as conn:
            if current == "decisions":
                wanted = state if state in states.DECISION_STATES else ""
                found = service.search_decisions(conn, me, status=wanted or None,
                                                 member_state=me.country if me.role is Role.OFFICER else None,
                                                 limit=PAGE, offset=max(0, offset))
            else:
                wanted = state if state in states.APPLICATION_STATES else ""
                found = service.search_applications(conn, me, state=wanted or None, limit=PAGE, offset=max(0, offset))
        return render(request, "ebti_list.html", principal=me, items=found.items, view=current, state=wanted,
                      states=states.DECISION_STATES if current == "decisions" else states.APPLICATION_STATES,
                      columns=DEC_COLUMNS if current == "decisions" else APP_COLUMNS,
                      href="/web/ebti/decisions/" if current == "decisions" else "/web/ebti/applications/",
                      pages=_pages(found.total, offset))
    return guarded(request, page)


def _new(request: Request, me: Principal, status: int = 200, state: FormState | None = None) -> Response:
    state = state or FormState(values={"member_state": (me.eori or "")[:2]})
    return render(request, "ebti_new.html", status, principal=me, fields=APPLICATION, **state.as_context())


@router.get("/ebti/new", response_class=HTMLResponse)
def ebti_new(request: Request) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        return _new(request, me)
    return guarded(request, page)


@router.post("/ebti/new", response_class=HTMLResponse)
async def ebti_apply(request: Request) -> Response:
    values, _ = await read_form(request)

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        same_origin(request)
        try:
            body: dict[str, Any] = {**blank(values, "member_state", "goods_description", "commercial_denomination",
                                            "proposed_code", "language"), "samples": flag(values, "samples")}
            req = model(BtiApplicationRequest, body)
            with _ctx(request).db.begin() as conn:
                app = service.lodge(conn, me, req)
        except (Rejected, InvalidIdentifier) as exc:
            state = errors_of(exc)
            state.values = values
            return _new(request, me, 422, state)
        return RedirectResponse(f"/web/ebti/applications/{app.reference}", status_code=303)
    return await run_in_threadpool(guarded, request, page)


def _app_actions(me: Principal, a: Any) -> list[Action]:
    allowed = lambda action: (a.state, action) in states.APPLICATION_TRANSITIONS  # noqa: E731
    out: list[Action] = []
    if me.role is Role.COMMISSION or (me.role is Role.OFFICER and me.country == a.member_state):
        if allowed("accept"):
            out.append(Action("accept", "Accept the application (decision due in 120 days)"))
        if allowed("not_accept"):
            out.append(Action("not_accept", "Do not accept", (Field("reason", "Reason", required=True),), danger=True))
        if allowed("decide"):
            out.append(Action("decide", "Take the BTI decision", (
                Field("code", "Classification", required=True, default=a.proposed_code or "", hint="CN 8 or TARIC 10 digits"),
                Field("justification", "Justification", "textarea", required=True),
                Field("keywords", "Keywords", required=True, hint="comma separated"),
                Field("valid_from", "Valid from", "date"))))
        if allowed("refuse"):
            out.append(Action("refuse", "Refuse", (Field("reason", "Reason", required=True),), danger=True))
    if me.role is Role.TRADER and allowed("withdraw"):
        out.append(Action("withdraw", "Withdraw the application", (Field("reason", "Reason", required=True),), danger=True))
    return out


def _show_app(request: Request, me: Principal, reference: str, status: int = 200, state: FormState | None = None) -> Response:
    with _ctx(request).db.read() as conn:
        a = service.show_application(conn, me, reference)
        history = service.history(conn, me, a.reference)
    return render(request, "ebti_application.html", status, principal=me, a=a, history=history,
                  acts=_app_actions(me, a), **(state or FormState()).as_context())


@router.get("/ebti/applications/{reference}", response_class=HTMLResponse)
def ebti_application(request: Request, reference: str) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        return _show_app(request, me, reference)
    return guarded(request, page)


@router.post("/ebti/applications/{reference}/action", response_class=HTMLResponse)
async def ebti_application_action(request: Request, reference: str) -> Response:
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

        handlers = {
            "accept": lambda v: run(lambda c: service.accept(c, me, ref)),
            "not_accept": lambda v: run(lambda c: service.not_accept(c, me, ref, v["reason"])),
            "refuse": lambda v: run(lambda c: service.refuse(c, me, ref, v["reason"])),
            "withdraw": lambda v: run(lambda c: service.withdraw(c, me, ref, v["reason"])),
            "decide": lambda v: run(lambda c: service.decide(c, me, ref, model(DecisionRequest, {
                "code": v["code"], "justification": v["justification"],
                "keywords": [k.strip() for k in v["keywords"].split(",") if k.strip()], "valid_from": v.get("valid_from")}))),
        }

        def done(result: Any) -> str:
            if values.get("action") == "decide":
                return f"/web/ebti/decisions/{result.reference}"
            return f"/web/ebti/applications/{ref}"

        return perform(request, me, values, _app_actions(me, a), handlers, done,
                       lambda status, state: _show_app(request, me, reference, status, state))
    return await run_in_threadpool(guarded, request, page)


def _dec_actions(me: Principal, d: Any) -> list[Action]:
    if not (me.role is Role.COMMISSION or (me.role is Role.OFFICER and me.country == d.member_state)):
        return []
    out: list[Action] = []
    if (d.status, "annul") in states.DECISION_TRANSITIONS:
        out.append(Action("annul", "Annul", (Field("reason", "Reason", required=True),), danger=True))
    if (d.status, "revoke") in states.DECISION_TRANSITIONS:
        out.append(Action("revoke", "Revoke", (Field("reason", "Reason", required=True), Field("effective", "From", "date")),
                          danger=True))
    return out


def _show_dec(request: Request, me: Principal, reference: str, status: int = 200, state: FormState | None = None) -> Response:
    with _ctx(request).db.read() as conn:
        d = service.show_decision(conn, me, reference)
        history = service.history(conn, me, d.reference)
    return render(request, "ebti_decision.html", status, principal=me, d=d, history=history, acts=_dec_actions(me, d),
                  **(state or FormState()).as_context())


@router.get("/ebti/decisions/{reference}", response_class=HTMLResponse)
def ebti_decision(request: Request, reference: str) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        return _show_dec(request, me, reference)
    return guarded(request, page)


@router.post("/ebti/decisions/{reference}/action", response_class=HTMLResponse)
async def ebti_decision_action(request: Request, reference: str) -> Response:
    values, _ = await read_form(request)

    def page(me: Principal) -> Response:
        needs(me, Role.OFFICER, Role.COMMISSION)
        db = _ctx(request).db
        with db.read() as conn:
            d = service.show_decision(conn, me, reference)
        ref = d.reference

        def end(fn: Any) -> Any:
            def run(v: dict[str, str]) -> Any:
                body = model(EndRequest, {"reason": v["reason"], "effective": v.get("effective")})
                with db.begin() as conn:
                    return fn(conn, me, ref, body)
            return run

        return perform(request, me, values, _dec_actions(me, d), {"annul": end(service.annul), "revoke": end(service.revoke)},
                       f"/web/ebti/decisions/{ref}", lambda status, state: _show_dec(request, me, reference, status, state))
    return await run_in_threadpool(guarded, request, page)

