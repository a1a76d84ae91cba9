"""Transit (NCTS phase 5): traders send their CC messages as XML files (CC015C declaration, CC013C amendment,
CC014C invalidation, CC170C presentation at departure; CC007C arrival, CC044C unloading remarks at destination)
and follow their movements with the message log (each CC message's XML viewable); officers have the work queues
of their offices of departure, destination and transit and take the decisions the movement's state allows."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eucustoms.core.errors import ErrorCode, Issue, Rejected
from eucustoms.platform.auth import Principal, Role
from eucustoms.systems.transit import codes, destination, service, states, transit_office
from eucustoms.systems.transit.exchange import MessageRejected

from .kit import MAX_UPLOAD, Action, Field, FormState, options, perform, read_form
from .pages import PAGE, _ctx, _issues, _pages, guarded, link, render
from .session import needs, same_origin

router = APIRouter(prefix="/web/transit", include_in_schema=False)
link("/web/transit", "Transit (NCTS)", "trader", "officer", "commission")

VIEWS = {"departure": ("Office of departure", states.DEPARTURE_STATES),
         "arrivals": ("Offices of destination", states.DESTINATION_STATES),
         "passages": ("Offices of transit", states.TRANSIT_OFFICE_STATES)}
DEPARTURE_COLUMNS = (("mrn", "MRN"), ("lrn", "LRN"), ("state", "state"), ("declaration_type", "type"),
                     ("holder", "holder"), ("office_of_departure", "departure"), ("office_of_destination", "destination"),
                     ("submitted_at", "submitted"), ("released_at", "released"))
ARRIVAL_COLUMNS = (("mrn", "MRN"), ("state", "state"), ("office_of_destination", "declared destination"),
                   ("office_actual", "actual office"), ("trader", "trader at destination"), ("received_at", "AAR received"),
                   ("arrived_at", "arrived"))
PASSAGE_COLUMNS = (("mrn", "MRN"), ("office", "office of transit"), ("state", "state"), ("received_at", "ATR received"),
                   ("crossed_at", "crossed"))


@router.get("", response_class=HTMLResponse)
def transit_list(request: Request, view: str = "departure", state: str = "", offset: int = 0) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        ctx = _ctx(request)
        current = view if me.role is Role.OFFICER and view in VIEWS else "departure"
        wanted = state if state in VIEWS[current][1] else ""
        args = {"state": wanted or None, "limit": PAGE, "offset": max(0, offset)}
        if current == "arrivals":
            found, columns = destination.work_queue(ctx, me, **args), ARRIVAL_COLUMNS
        elif current == "passages":
            found, columns = transit_office.work_queue(ctx, me, **args), PASSAGE_COLUMNS
        else:
            found, columns = service.search(ctx, me, **args), DEPARTURE_COLUMNS
        return render(request, "transit_list.html", principal=me, items=found["items"], columns=columns,
                      view=current, views=VIEWS, state=wanted, states=VIEWS[current][1],
                      pages=_pages(found["total"], offset))
    return guarded(request, page)


# -- the traders' messages ----------------------------------------------------------------------------------------

@router.get("/send", response_class=HTMLResponse)
def transit_send_form(request: Request) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        return render(request, "transit_send.html", principal=me, text="", inbound=codes.INBOUND)
    return guarded(request, page)


@router.post("/send", response_class=HTMLResponse)
async def transit_send(request: Request) -> Response:
    form = await request.form()
    text = str(form.get("message") or "")
    body = text.encode("utf-8")
    upload = form.get("file")
    name = ""
    if upload is not None and hasattr(upload, "read"):
        content = await upload.read(MAX_UPLOAD + 1)
        if content:
            body, name = content[:MAX_UPLOAD], getattr(upload, "filename", "") or ""
            text = body.decode("utf-8", errors="replace")

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        same_origin(request)
        if not body.strip():
            issues = [Issue(ErrorCode.MISSING, "", "choose the XML file of the message (or paste the XML)")]
            return render(request, "transit_send.html", 422, principal=me, text=text, issues=issues,
                          inbound=codes.INBOUND)
        try:
            answer = service.submit(_ctx(request), me, body)
        except MessageRejected as exc:
            return render(request, "transit_send.html", 422, principal=me, text=text, issues=_issues(exc),
                          rejected=exc, inbound=codes.INBOUND, filename=name)
        except Rejected as exc:
            return render(request, "transit_send.html", 422, principal=me, text=text, issues=_issues(exc),
                          inbound=codes.INBOUND, filename=name)
        if answer.get("mrn"):
            return RedirectResponse(f"/web/transit/{answer['mrn']}", status_code=303)
        return render(request, "transit_send.html", principal=me, text="", answer=answer, inbound=codes.INBOUND)
    return await run_in_threadpool(guarded, request, page)


# -- one movement -------------------------------------------------------------------------------------------------

def _allowed(state: str, action: str) -> bool:
    return states.allowed(states.DEPARTURE, state, action)


def _actions(me: Principal, data: dict[str, Any]) -> list[Action]:
    if me.role is not Role.OFFICER:
        return []
    out: list[Action] = []
    dep = data.get("departure")
    if dep and dep["country"] == me.country:
        s = dep["state"]
        control = dep.get("control") or {}
        if _allowed(s, "decide_control"):
            suggested = (dep.get("risk") or {}).get("suggested")
            out.append(Action("decide_control", "Decide a control (CC060C)", (
                Field("control", "Control", "select", options(service.CONTROLS), required=True,
                      default=suggested if suggested in service.CONTROLS else "documentary"),
                Field("note", "Note")),
                note=f"the risk analysis suggests: {suggested}" if suggested else ""))
        if _allowed(s, "record_control"):
            out.append(Action("record_control", "Record the control result", (
                Field("result", "Result", "select", options(service.CONTROL_RESULTS), required=True),
                Field("findings", "Findings", "textarea"))))
        if _allowed(s, "release"):
            out.append(Action("release", "Release for transit (CC029C)",
                              note="after the control" if control.get("result") else ""))
        if _allowed(s, "refuse_release"):
            out.append(Action("refuse_release", "No release (CC051C)", (Field("reason", "Reason", required=True),),
                              danger=True))
        if _allowed(s, "recover"):
            out.append(Action("recover", "Start recovery (CC035C)", (
                Field("amount", "Amount claimed", "number", required=True), Field("currency", "Currency", default="EUR"),
                Field("note", "Note")), danger=True))
        if _allowed(s, "write_off") and s != states.ARRIVED:
            out.append(Action("write_off", "Write the movement off (CC045C)", (Field("note", "Note"),)))
    dest = data.get("destination")
    if dest and dest["country"] == me.country:
        if states.allowed(states.DESTINATION, dest["state"], "permit_unloading"):
            out.append(Action("permit_unloading", "Permit unloading (CC043C)"))
        if states.allowed(states.DESTINATION, dest["state"], "release_goods"):
            out.append(Action("destination_results", "Control results at destination (IE018, CC025C)", (
                Field("result", "Result", "select", options(destination.RESULTS), required=True),
                Field("note", "Discrepancies found", "textarea"))))
    waiting = [p["office"] for p in data.get("transit") or [] if p["country"] == me.country
               and states.allowed(states.TRANSIT_OFFICE, p["state"], "cross")]
    if waiting:
        out.append(Action("cross", "Record the crossing (IE118)", (
            Field("office", "Office of transit", "select", options(waiting), required=True,
                  default=me.office if me.office in waiting else waiting[0]),)))
    return out


def _show(request: Request, me: Principal, mrn: str, status: int = 200, state: FormState | None = None) -> Response:
    ctx = _ctx(request)
    data = service.consult(ctx, me, mrn)
    entries = service.log(ctx, me, mrn, with_xml=True)["entries"]
    for e in entries:
        e["has_xml"] = bool(e.pop("xml", None))
    return render(request, "transit_show.html", status, principal=me, d=data, dep=data.get("departure"),
                  dest=data.get("destination"), passages=data.get("transit") or [], entries=entries,
                  acts=_actions(me, data), **(state or FormState()).as_context())


@router.get("/{mrn}", response_class=HTMLResponse)
def transit_show(request: Request, mrn: str) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        return _show(request, me, mrn)
    return guarded(request, page)


@router.get("/{mrn}/log/{entry}", response_class=HTMLResponse)
def transit_message(request: Request, mrn: str, entry: int, raw: bool = False) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        xml = service.message_xml(_ctx(request), me, mrn, entry)
        if raw:
            return Response(xml, media_type="application/xml",
                            headers={"Content-Disposition": f'inline; filename="{mrn}-{entry}.xml"'})
        entries = service.log(_ctx(request), me, mrn)["entries"]
        found = next((e for e in entries if e["id"] == entry), {})
        return render(request, "transit_message.html", principal=me, mrn=mrn, entry=entry, xml=xml, e=found)
    return guarded(request, page)


@router.post("/{mrn}/action", response_class=HTMLResponse)
async def transit_action(request: Request, mrn: str) -> Response:
    values, _ = await read_form(request)

    def page(me: Principal) -> Response:
        needs(me, Role.OFFICER)
        ctx = _ctx(request)
        data = service.consult(ctx, me, mrn)  # 404 when the officer's country has no part in the movement
        number = data["mrn"]
        handlers = {
            "decide_control": lambda v: service.decide_control(ctx, me, number, v["control"], v.get("note") or None),
            "record_control": lambda v: service.record_control(ctx, me, number, v["result"], v.get("findings") or None),
            "release": lambda v: service.release(ctx, me, number),
            "refuse_release": lambda v: service.refuse_release(ctx, me, number, v["reason"]),
            "recover": lambda v: service.recover(ctx, me, number, v["amount"], v.get("currency") or "EUR",
                                                 v.get("note") or None),
            "write_off": lambda v: service.write_off(ctx, me, number, v.get("note") or None),
            "permit_unloading": lambda v: destination.permit_unloading(ctx, me, number),
            "destination_results": lambda v: destination.record_results(ctx, me, number, v["result"], v.get("note") or None),
            "cross": lambda v: transit_office.record_crossing(ctx, me, number, v.get("office") or None),
        }
        return perform(request, me, values, _actions(me, data), handlers, f"/web/transit/{number}",
                       lambda status, state: _show(request, me, mrn, status, state))
    return await run_in_threadpool(guarded, request, page)
