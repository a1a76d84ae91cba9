"""Registered exporters (REX): traders apply and follow their registration; the registering country's officers
register, reject, amend and revoke; the public validates a REX number (counted as /dds/rex counts it)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eucustoms.core.errors import ErrorCode, InvalidIdentifier, Rejected
from eucustoms.platform.auth import Principal, Role
from eucustoms.systems.rex import examples, service, states
from eucustoms.systems.rex.codes import REVOCATION_GROUNDS
from eucustoms.systems.rex.messages import Registration, Rejection, Revocation, RexAmendment, RexApplication

from .kit import Action, Field, FormState, model, options, parse_json, perform, read_document, read_form
from .pages import PAGE, _by_field, _count, _ctx, _issues, _pages, guarded, link, render
from .session import needs, same_origin

router = APIRouter(prefix="/web", include_in_schema=False)
link("/web/rex", "Registered exporters (REX)", "trader", "officer", "commission")
link("/web/lookup/rex", "REX number", public=True)

FILTERS = (Field("state", "State", "select", options(states.STATES)), Field("name", "Name contains"),
           Field("country", "Country", hint="e.g. DE"))
COLUMNS = (("rex_number", "REX number"), ("name", "name"), ("country", "country"), ("arrangement", "arrangement"),
           ("state", "state"), ("applied_on", "applied"), ("valid_from", "valid from"), ("revoked_from", "revoked from"))


@router.get("/rex", response_class=HTMLResponse)
def rex_list(request: Request, state: str = "", name: str = "", country: str = "", offset: int = 0) -> Response:
    values = {"state": state, "name": name, "country": country}

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        with _ctx(request).db.read() as conn:
            total, items = service.search(conn, me, country=country or None, state=state or None, name=name or None,
                                          limit=PAGE, offset=max(0, offset))
        return render(request, "rex_list.html", principal=me, items=items, columns=COLUMNS, fields=FILTERS,
                      values=values, pages=_pages(total, offset))
    return guarded(request, page)


@router.get("/rex/new", response_class=HTMLResponse)
def rex_new(request: Request, example: str = "") -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        text = json.dumps(examples.example(eori=me.eori or ""), indent=2, ensure_ascii=False) if example else ""
        return render(request, "rex_new.html", principal=me, text=text, kinds=[("exporter", "an EU exporter")])
    return guarded(request, page)


@router.post("/rex/new", response_class=HTMLResponse)
async def rex_apply(request: Request) -> Response:
    text, _ = await read_document(request, "document")

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        same_origin(request)
        try:
            body = parse_json(text)
            if not isinstance(body, dict):
                raise Rejected.one(ErrorCode.SYNTAX, "", "the application is a JSON object")
            with _ctx(request).db.begin() as conn:
                exporter = service.apply(conn, me, model(RexApplication, body))
        except (Rejected, InvalidIdentifier) as exc:
            return render(request, "rex_new.html", 422, principal=me, text=text, issues=_issues(exc),
                          kinds=[("exporter", "an EU exporter")])
        return RedirectResponse(f"/web/rex/{exporter.rex_number}", status_code=303)
    return await run_in_threadpool(guarded, request, page)


def _actions(me: Principal, x: Any) -> list[Action]:
    if not (me.role is Role.COMMISSION or (me.role is Role.OFFICER and me.country == x.country)):
        return []
    allowed = lambda action: (x.state, action) in states.TRANSITIONS  # noqa: E731
    out: list[Action] = []
    if allowed("register"):
        out.append(Action("register", "Register the exporter", (
            Field("valid_from", "Valid from", "date", hint="default: the day the application was received"),)))
    if allowed("reject"):
        out.append(Action("reject", "Reject the application", (Field("reason", "Reason", required=True),), danger=True))
    if allowed("amend"):
        out.append(Action("amend", "Enter the changes the exporter notified", (
            Field("name", "Name"), Field("contact_email", "Contact e-mail"),
            Field("publication_consent", "Consent to publication", "select", (("true", "yes"), ("false", "no"))),
            Field("reason", "Reason"))))
    if allowed("revoke"):
        out.append(Action("revoke", "Revoke", (
            Field("ground", "Ground", "select", options(REVOCATION_GROUNDS), required=True),
            Field("reason", "Reason", required=True), Field("effective", "From", "date")), danger=True))
    return out


def _show(request: Request, me: Principal, number: str, status: int = 200, state: FormState | None = None) -> Response:
    with _ctx(request).db.read() as conn:
        x = service.show(conn, me, number)
        history = service.history(conn, me, number)
    return render(request, "rex_show.html", status, principal=me, x=x, history=history, acts=_actions(me, x),
                  **(state or FormState()).as_context())


@router.get("/rex/{number}", response_class=HTMLResponse)
def rex_show(request: Request, number: str) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        return _show(request, me, number)
    return guarded(request, page)


@router.post("/rex/{number}/action", response_class=HTMLResponse)
async def rex_action(request: Request, number: str) -> Response:
    values, _ = await read_form(request)

    def page(me: Principal) -> Response:
        needs(me, Role.OFFICER, Role.COMMISSION)
        db = _ctx(request).db
        with db.read() as conn:
            x = service.show(conn, me, number)
        rex = x.rex_number

        def run(fn: Any) -> Any:
            with db.begin() as conn:
                return fn(conn)

        def amend(v: dict[str, str]) -> Any:
            change: dict[str, Any] = {}
            if v.get("name"):
                change["name"] = v["name"]
            if v.get("contact_email"):
                change["contact"] = {**(x.contact.model_dump(exclude_none=True) if x.contact else {"name": x.name}),
                                     "email": v["contact_email"]}
            if v.get("publication_consent"):
                change["publication_consent"] = v["publication_consent"] == "true"
            if v.get("reason"):
                change["reason"] = v["reason"]
            return run(lambda c: service.amend(c, me, rex, model(RexAmendment, change)))

        handlers = {
            "register": lambda v: run(lambda c: service.register(c, me, rex, model(Registration, {"valid_from": v.get("valid_from")}))),
            "reject": lambda v: run(lambda c: service.reject(c, me, rex, model(Rejection, {"reason": v["reason"]}))),
            "amend": amend,
            "revoke": lambda v: run(lambda c: service.revoke(c, me, rex, model(Revocation, {
                "ground": v["ground"], "reason": v["reason"], "effective": v.get("effective")}))),
        }
        return perform(request, me, values, _actions(me, x), handlers, f"/web/rex/{rex}",
                       lambda status, state: _show(request, me, number, status, state))
    return await run_in_threadpool(guarded, request, page)


# -- the public validation ------------------------------------------------------------------------------------------

@router.get("/lookup/rex", response_class=HTMLResponse)
def rex_lookup(request: Request, number: str = "", on: str = "") -> Response:
    values = {"number": number, "on": on}
    if not number:
        return render(request, "rex_lookup.html", values=values)
    try:
        day = date.fromisoformat(on) if on else None
    except ValueError:
        return render(request, "rex_lookup.html", 422, values=values, errors={"on": ["give the date as YYYY-MM-DD"]})
    try:
        with _ctx(request).db.read() as conn:
            result = service.validate_public(conn, number, on=day, counted=False)
    except (Rejected, InvalidIdentifier) as exc:
        errors = {"number": [exc.reason]} if isinstance(exc, InvalidIdentifier) else _by_field(_issues(exc))
        return render(request, "rex_lookup.html", 422, values=values, errors=errors)
    _count(request, "REX")
    return render(request, "rex_lookup.html", values=values, result=result)
