"""ICS2 entry summary declarations: traders lodge filings (JSON typed or uploaded), amend, invalidate and notify
arrival, and answer the referrals (RFI, RFS) addressed to them; officers see their member state's filings and the
national entry system's cases with the risk results and the signals received from the common repository, and
record the presentation of the goods and the control result."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eucustoms.core.errors import ErrorCode, InvalidIdentifier, NotFound, Forbidden, Rejected
from eucustoms.platform.auth import Principal, Role
from eucustoms.systems.ics2 import nes
from eucustoms.systems.ics2 import service as ics2
from eucustoms.systems.ics2 import states as ics2_states
from eucustoms.systems.ics2.messages import examples

from .kit import Action, Field, FormState, options, parse_json, perform, read_document, read_form
from .pages import PAGE, _by_field, _ctx, _issues, _pages, guarded, link, render
from .session import needs, same_origin

router = APIRouter(prefix="/web", include_in_schema=False)
link("/web/ics2/referrals", "ICS2 referrals", "trader")

MESSAGE_TYPES = tuple(examples.BUILDERS)
NES_STATES = ("awaiting_arrival", "arrived", "presented", "controlled")


# -- lists ------------------------------------------------------------------------------------------------------

@router.get("/ens", response_class=HTMLResponse)
def ens_list(request: Request, state: str = "", offset: int = 0, case_state: str = "", case_offset: int = 0) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        ctx = _ctx(request)
        found = ics2.search(ctx, me, state=state or None, limit=PAGE, offset=max(0, offset))
        cases = cases_pages = None
        if me.role is Role.OFFICER:
            cases = nes.work_queue(ctx, me, state=case_state or None, limit=PAGE, offset=max(0, case_offset))
            cases_pages = _pages(cases["total"], case_offset)
        return render(request, "ens_list.html", principal=me, found=found, state=state, states=ics2_states.STATES,
                      signals=cases, case_state=case_state, case_states=NES_STATES, cases_pages=cases_pages,
                      pages=_pages(found["total"], offset))
    return guarded(request, page)


# -- lodging ----------------------------------------------------------------------------------------------------

def _lodge_page(request: Request, me: Principal, status: int = 200, **data: Any) -> Response:
    data.setdefault("message_type", "IE3F11")
    data.setdefault("text", "")
    return render(request, "ics2_lodge.html", status, principal=me, types=MESSAGE_TYPES,
                  kinds=[(t, t) for t in MESSAGE_TYPES], **data)


@router.get("/ics2/lodge", response_class=HTMLResponse)
def ics2_lodge_form(request: Request, example: str = "") -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        if example.upper() in examples.BUILDERS:
            text = json.dumps(examples.example(example.upper()), indent=2, ensure_ascii=False)
            return _lodge_page(request, me, message_type=example.upper(), text=text)
        return _lodge_page(request, me)
    return guarded(request, page)


@router.post("/ics2/lodge", response_class=HTMLResponse)
async def ics2_lodge(request: Request) -> Response:
    text, fields = await read_document(request, "document")
    message_type = fields.get("message_type", "").upper()

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        same_origin(request)
        try:
            if message_type not in examples.BUILDERS and not message_type.startswith("IE3F"):
                raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/message_type", "choose the filing's message type")
            answer = ics2.lodge(_ctx(request), me, message_type, parse_json(text))
        except (Rejected, InvalidIdentifier) as exc:
            issues = _issues(exc)
            return _lodge_page(request, me, 422, message_type=message_type, text=text, issues=issues,
                               errors=_by_field([i for i in issues if i.pointer == "/message_type"]))
        return RedirectResponse(f"/web/ens/{answer['mrn']}", status_code=303)
    return await run_in_threadpool(guarded, request, page)


# -- one filing -------------------------------------------------------------------------------------------------

def _trader_actions(data: dict[str, Any]) -> list[Action]:
    allowed = set(data.get("allowed_messages") or [])
    out = []
    if "arrive" in allowed:
        out.append(Action("arrive", "Notify arrival (IE3N06)", (
            Field("office", "Office of arrival", hint="e.g. NLRTM office, optional"),)))
    if "invalidate" in allowed:
        out.append(Action("invalidate", "Invalidate the filing (IE3Q04)", (Field("reason", "Reason"),), danger=True))
    return out


def _officer_actions(me: Principal, case: dict[str, Any] | None) -> list[Action]:
    if me.role is not Role.OFFICER or case is None or case.get("role") != "first_entry":
        return []
    out = []
    if case["state"] == "arrived":
        out.append(Action("present", "Record the presentation of the goods"))
    if case["state"] in ("arrived", "presented"):
        out.append(Action("record_control", "Record the control result", (
            Field("control_type", "Control", "select", options(nes.CONTROL_TYPES), required=True),
            Field("result", "Result", "select", options(nes.CONTROL_RESULTS), required=True),
            Field("findings", "Findings", "textarea"))))
    return out


def _show(request: Request, me: Principal, mrn: str, status: int = 200, state: FormState | None = None) -> Response:
    ctx = _ctx(request)
    data = ics2.consult(ctx, me, mrn)
    case = None
    if me.role is Role.OFFICER:
        try:
            case = nes.case(ctx, me, mrn)
        except (NotFound, Forbidden):
            case = None
    acts = _trader_actions(data) if me.role is Role.TRADER else _officer_actions(me, case)
    return render(request, "ens_show.html", status, principal=me, d=data, case=case, acts=acts,
                  **(state or FormState()).as_context())


@router.get("/ens/{mrn}", response_class=HTMLResponse)
def ens_show(request: Request, mrn: str) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        return _show(request, me, mrn)
    return guarded(request, page)


@router.post("/ens/{mrn}/action", response_class=HTMLResponse)
async def ens_action(request: Request, mrn: str) -> Response:
    values, _ = await read_form(request)

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER)
        ctx = _ctx(request)
        data = ics2.consult(ctx, me, mrn)  # 404 for someone else's filing
        if me.role is Role.TRADER:
            acts = _trader_actions(data)
        else:
            try:
                case = nes.case(ctx, me, mrn)
            except (NotFound, Forbidden):
                case = None
            acts = _officer_actions(me, case)
        handlers = {
            "arrive": lambda v: ics2.notify_arrival(ctx, me, [data["mrn"]], office=(v.get("office") or "").upper() or None),
            "invalidate": lambda v: ics2.invalidate(ctx, me, data["mrn"], v.get("reason") or None),
            "present": lambda v: nes.present(ctx, me, data["mrn"]),
            "record_control": lambda v: nes.record_control(ctx, me, data["mrn"], {
                "control_type": v.get("control_type"), "result": v.get("result"),
                **({"findings": v["findings"]} if v.get("findings") else {})}),
        }
        return perform(request, me, values, acts, handlers, f"/web/ens/{data['mrn']}",
                       lambda status, state: _show(request, me, mrn, status, state))
    return await run_in_threadpool(guarded, request, page)


# -- referrals ----------------------------------------------------------------------------------------------------

def _answer_action(ref: dict[str, Any]) -> Action:
    if ref["kind"] == "RFI":
        return Action(f"answer-{ref['id']}", "Send the information (IE3R02)", (
            Field("information", "The information asked for", "textarea", required=True),))
    return Action(f"answer-{ref['id']}", "Send the screening result (IE3R03)", (
        Field("screening_methods", "Screening methods used", required=True, hint="e.g. x-ray, explosive trace detection"),
        Field("result", "Result", "select", options(("no_threat", "threat", "unresolved")), required=True)))


def _referrals(request: Request, me: Principal, show_all: bool, offset: int, status: int = 200,
               state: FormState | None = None) -> Response:
    found = ics2.referrals_for(_ctx(request), me, open_only=not show_all)
    found.sort(key=lambda r: r["id"], reverse=True)
    items = found[offset:offset + PAGE]
    acts = {r["id"]: [_answer_action(r)] for r in items if r["state"] == "open" and r["kind"] in ("RFI", "RFS")}
    return render(request, "ics2_referrals.html", status, principal=me, items=items, acts=acts, show_all=show_all,
                  pages=_pages(len(found), offset), **(state or FormState()).as_context())


@router.get("/ics2/referrals", response_class=HTMLResponse)
def ics2_referrals(request: Request, all: bool = False, offset: int = 0) -> Response:  # noqa: A002
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        return _referrals(request, me, all, max(0, offset))
    return guarded(request, page)


@router.post("/ics2/referrals/{referral_id}", response_class=HTMLResponse)
async def ics2_answer(request: Request, referral_id: int) -> Response:
    values, _ = await read_form(request)

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        ref = next((r for r in ics2.referrals_for(_ctx(request), me, open_only=False) if r["id"] == referral_id), None)
        if ref is None:
            raise NotFound("referral", referral_id)
        acts = [_answer_action(ref)] if ref["state"] == "open" else []

        def answer(v: dict[str, str]) -> Any:
            if ref["kind"] == "RFI":
                body: dict[str, Any] = {"information": v.get("information")}
            else:
                body = {"screening_methods": [x.strip() for x in v.get("screening_methods", "").replace(";", ",").split(",")
                                              if x.strip()], "result": v.get("result")}
                if body["result"] not in ("no_threat", "threat", "unresolved"):
                    raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/result", "one of no_threat, threat, unresolved")
            return ics2.answer_referral(_ctx(request), me, referral_id, body)

        return perform(request, me, values, acts, {f"answer-{referral_id}": answer}, f"/web/ens/{ref['mrn']}",
                       lambda status, state: _referrals(request, me, False, 0, status, state))
    return await run_in_threadpool(guarded, request, page)

