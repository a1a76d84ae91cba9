"""Export (AES): traders lodge IE515 declarations (JSON typed or uploaded), follow them, present, amend, invalidate
and link a following transit; the person presenting the goods at exit lodges the arrival (IE507) and the carrier
the exit notification (IE590). Officers of the office of export decide and record controls and release; officers of
the office of exit handle the exit cases (control, release for exit, refusal, confirmation of the exit)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eucustoms.core.errors import InvalidIdentifier, Rejected
from eucustoms.platform.auth import Principal, Role
from eucustoms.systems.export import examples, exit as exits, service, states

from .kit import Action, Field, FormState, blank, options, parse_json, perform, read_document, read_form
from .pages import PAGE, _ctx, _issues, _pages, guarded, link, render
from .session import needs, same_origin

router = APIRouter(prefix="/web/export", include_in_schema=False)
link("/web/export", "Export (AES)", "trader", "officer", "commission")

COLUMNS = (("mrn", "MRN"), ("lrn", "LRN"), ("state", "state"), ("declaration_type", "type"), ("exporter", "exporter"),
           ("office_of_export", "office of export"), ("office_of_exit", "office of exit"), ("lodged_at", "lodged"),
           ("released_at", "released"), ("exited_at", "exited"), ("control_type", "control"))
EXIT_COLUMNS = (("mrn", "MRN"), ("state", "state"), ("office_of_export", "office of export"),
                ("declared_office_of_exit", "declared exit"), ("office_of_exit", "actual exit"),
                ("received_at", "AER received"), ("arrived_at", "arrived"), ("exited_at", "exited"))


@router.get("", response_class=HTMLResponse)
def export_list(request: Request, view: str = "export", state: str = "", offset: int = 0) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        ctx = _ctx(request)
        current = "exit" if view == "exit" and me.role is Role.OFFICER else "export"
        choices = states.EXIT_STATES if current == "exit" else states.STATES
        wanted = state if state in choices else ""
        if current == "exit":
            found = exits.work_queue(ctx, me, state=wanted or None, limit=PAGE, offset=max(0, offset))
        else:
            found = service.search(ctx, me, state=wanted or None, limit=PAGE, offset=max(0, offset))
        return render(request, "export_list.html", principal=me, items=found["items"], view=current, state=wanted,
                      states=choices, columns=EXIT_COLUMNS if current == "exit" else COLUMNS,
                      href="/web/export/exit/" if current == "exit" else "/web/export/",
                      pages=_pages(found["total"], offset))
    return guarded(request, page)


# -- lodging ------------------------------------------------------------------------------------------------------

def _example(name: str, me: Principal) -> str:
    build = examples.BUILDERS.get(name)
    if build is None:
        return ""
    stamp = datetime.now(timezone.utc).strftime("%m%d%H%M%S")
    party = {"eori": me.eori or examples.EXPORTER["eori"]}
    body = build(f"EXP-{stamp}", exporter={**examples.EXPORTER, **party}, declarant=party)
    return json.dumps(body, indent=2, ensure_ascii=False)


@router.get("/new", response_class=HTMLResponse)
def export_new(request: Request, example: str = "") -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        return render(request, "export_new.html", principal=me, text=_example(example, me) if example else "",
                      kinds=[(k, k.replace("_", " ")) for k in examples.BUILDERS])
    return guarded(request, page)


@router.post("/new", response_class=HTMLResponse)
async def export_lodge(request: Request) -> Response:
    text, _ = await read_document(request, "document")

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        same_origin(request)
        try:
            answer = service.lodge(_ctx(request), me, parse_json(text))
        except (Rejected, InvalidIdentifier) as exc:
            return render(request, "export_new.html", 422, principal=me, text=text, issues=_issues(exc),
                          kinds=[(k, k.replace("_", " ")) for k in examples.BUILDERS])
        return RedirectResponse(f"/web/export/{answer['mrn']}", status_code=303)
    return await run_in_threadpool(guarded, request, page)


# -- arrival at exit and exit notification (traders) ----------------------------------------------------------

ARRIVAL = Action("arrival", "Notify the arrival at exit (IE507)", (
    Field("mrn", "Export MRN", required=True), Field("office_of_exit", "Office of exit", required=True, hint="e.g. NL000396"),
    Field("presented_at", "Presented at", "datetime", hint="YYYY-MM-DDTHH:MM:SSZ, now if empty"),
    Field("stated_discrepancies", "Discrepancies you state", "textarea")))
EXIT_NOTIFICATION = Action("exit_notification", "Notify the exit (IE590, carrier)", (
    Field("mrn", "Export MRN", required=True), Field("office_of_exit", "Office of exit", required=True),
    Field("exited_at", "Left at", "datetime", hint="YYYY-MM-DDTHH:MM:SSZ, now if empty"),
    Field("transport_document", "Transport document")))


def _exit_forms(request: Request, me: Principal, status: int = 200, state: FormState | None = None) -> Response:
    return render(request, "export_exit_forms.html", status, principal=me, acts=[ARRIVAL, EXIT_NOTIFICATION],
                  **(state or FormState()).as_context())


@router.get("/exit", response_class=HTMLResponse)
def export_exit_forms(request: Request) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        return _exit_forms(request, me)
    return guarded(request, page)


@router.post("/exit", response_class=HTMLResponse)
async def export_exit_post(request: Request) -> Response:
    values, _ = await read_form(request)

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        ctx = _ctx(request)
        handlers = {
            "arrival": lambda v: exits.arrive(ctx, me, {k: x for k, x in blank(
                v, "mrn", "office_of_exit", "presented_at", "stated_discrepancies").items() if x}),
            "exit_notification": lambda v: exits.notify_exit(ctx, me, {k: x for k, x in blank(
                v, "mrn", "office_of_exit", "exited_at", "transport_document").items() if x}),
        }
        return perform(request, me, values, [ARRIVAL, EXIT_NOTIFICATION], handlers,
                       lambda answer: f"/web/export/exit/{answer['mrn']}",
                       lambda status, state: _exit_forms(request, me, status, state))
    return await run_in_threadpool(guarded, request, page)


# -- the exit case (office of exit) ---------------------------------------------------------------------------

def _exit_actions(me: Principal, case: dict[str, Any]) -> list[Action]:
    if me.role is not Role.OFFICER or case["country"] != me.country:
        return []
    s, out = case["state"], []
    allowed = lambda action: states.exit_allowed(s, action)  # noqa: E731
    if allowed("arrive"):
        out.append(Action("arrive", "Record the arrival at exit (IE507)", (
            Field("office_of_exit", "Office of exit", required=True, default=me.office or ""),
            Field("stated_discrepancies", "Discrepancies stated", "textarea"))))
    if allowed("decide_control"):
        out.append(Action("decide_control", "Examine the goods (IE561)", (
            Field("control", "Control", "select", options(exits.EXIT_CONTROL_TYPES), required=True),)))
    if allowed("record_control"):
        out.append(Action("record_control", "Record the control result", (
            Field("result", "Result", "select", options(service.CONTROL_RESULTS), required=True),
            Field("findings", "Findings", "textarea"))))
    if allowed("release_for_exit"):
        out.append(Action("release_for_exit", "Release for exit (IE525)"))
    if allowed("refuse_exit"):
        out.append(Action("refuse_exit", "Refuse the exit", (Field("reason", "Reason", required=True),), danger=True))
    if allowed("exit"):
        out.append(Action("confirm_exit", "Confirm the exit (IE518 to the office of export)", (
            Field("exited_at", "Left at", "datetime", hint="YYYY-MM-DDTHH:MM:SSZ, now if empty"), Field("note", "Note"))))
    return out


def _show_exit(request: Request, me: Principal, mrn: str, status: int = 200, state: FormState | None = None) -> Response:
    case = exits.case(_ctx(request), me, mrn)
    return render(request, "export_exit.html", status, principal=me, c=case, acts=_exit_actions(me, case),
                  **(state or FormState()).as_context())


@router.get("/exit/{mrn}", response_class=HTMLResponse)
def export_exit_show(request: Request, mrn: str) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        return _show_exit(request, me, mrn)
    return guarded(request, page)


@router.post("/exit/{mrn}/action", response_class=HTMLResponse)
async def export_exit_action(request: Request, mrn: str) -> Response:
    values, _ = await read_form(request)

    def page(me: Principal) -> Response:
        needs(me, Role.OFFICER)
        ctx = _ctx(request)
        case = exits.case(ctx, me, mrn)
        number = case["mrn"]
        handlers = {
            "arrive": lambda v: exits.arrive(ctx, me, {"mrn": number, **{k: x for k, x in blank(
                v, "office_of_exit", "stated_discrepancies").items() if x}}),
            "decide_control": lambda v: exits.decide_control(ctx, me, number, v["control"]),
            "record_control": lambda v: exits.record_control(ctx, me, number, {
                "result": v["result"], **({"findings": v["findings"]} if v.get("findings") else {})}),
            "release_for_exit": lambda v: exits.release_for_exit(ctx, me, number),
            "refuse_exit": lambda v: exits.refuse_exit(ctx, me, number, v["reason"]),
            "confirm_exit": lambda v: exits.confirm_exit(ctx, me, number, v.get("exited_at") or None, v.get("note") or None),
        }
        return perform(request, me, values, _exit_actions(me, case), handlers, f"/web/export/exit/{number}",
                       lambda status, state: _show_exit(request, me, mrn, status, state))
    return await run_in_threadpool(guarded, request, page)


# -- one declaration (office of export) ------------------------------------------------------------------------

def _actions(me: Principal, d: dict[str, Any]) -> list[Action]:
    s, out = d["state"], []
    if me.role is Role.OFFICER and me.country == d["country"]:
        if states.allowed(s, "decide_control"):
            suggested = d.get("control_suggested")
            out.append(Action("decide_control", "Control decision (IE560)", (
                Field("control", "Control", "select", options(service.CONTROL_TYPES), required=True,
                      default=suggested if suggested in service.CONTROL_TYPES else "documentary"),),
                note=(f"the risk analysis suggests: {suggested}; " if suggested else "") + "none releases the goods"))
        if states.allowed(s, "record_control"):
            out.append(Action("record_control", "Record the control result", (
                Field("result", "Result", "select", options(service.CONTROL_RESULTS), required=True),
                Field("findings", "Findings", "textarea"))))
        if states.allowed(s, "release") and s != states.UNDER_CONTROL:
            out.append(Action("release", "Release for export (IE529)"))
        if states.allowed(s, "refuse_release"):
            out.append(Action("refuse_release", "No release (IE551)", (Field("reason", "Reason", required=True),),
                              danger=True))
        if states.allowed(s, "present"):
            out.append(Action("present", "Record the presentation (IE511)"))
    elif me.role is Role.TRADER:
        allowed = set(d.get("allowed_messages") or [])
        if "present" in allowed:
            out.append(Action("present", "Present the goods (IE511)"))
        if "link_transit" in allowed:
            out.append(Action("link_transit", "Link the following transit", (
                Field("transit_mrn", "Transit MRN", required=True),)))
        if "amend" in allowed:
            out.append(Action("amend", "Amend (IE513: the whole declaration again)", (
                Field("declaration", "The declaration (JSON)", "textarea", required=True,
                      default=json.dumps(d["declaration"], indent=1, ensure_ascii=False)),)))
        if "invalidate" in allowed:
            out.append(Action("invalidate", "Invalidate (IE514)", (Field("reason", "Reason"),), danger=True))
    return out


def _show(request: Request, me: Principal, mrn: str, status: int = 200, state: FormState | None = None) -> Response:
    d = service.consult(_ctx(request), me, mrn)
    return render(request, "export_show.html", status, principal=me, d=d, acts=_actions(me, d),
                  **(state or FormState()).as_context())


@router.get("/{mrn}", response_class=HTMLResponse)
def export_show(request: Request, mrn: str) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        return _show(request, me, mrn)
    return guarded(request, page)


@router.post("/{mrn}/action", response_class=HTMLResponse)
async def export_action(request: Request, mrn: str) -> Response:
    values, _ = await read_form(request)

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER)
        ctx = _ctx(request)
        d = service.consult(ctx, me, mrn)  # 404 for another trader's declaration
        number = d["mrn"]
        handlers = {
            "decide_control": lambda v: service.decide_control(ctx, me, number, v["control"]),
            "record_control": lambda v: service.record_control(ctx, me, number, {
                "result": v["result"], **({"findings": v["findings"]} if v.get("findings") else {})}),
            "release": lambda v: service.release(ctx, me, number),
            "refuse_release": lambda v: service.refuse_release(ctx, me, number, v["reason"]),
            "present": lambda v: service.present(ctx, me, number),
            "link_transit": lambda v: service.link_transit(ctx, me, number, v["transit_mrn"]),
            "amend": lambda v: service.amend(ctx, me, number, parse_json(v["declaration"])),
            "invalidate": lambda v: service.invalidate(ctx, me, number, v.get("reason") or None),
        }
        return perform(request, me, values, _actions(me, d), handlers, f"/web/export/{number}",
                       lambda status, state: _show(request, me, mrn, status, state))
    return await run_in_threadpool(guarded, request, page)
