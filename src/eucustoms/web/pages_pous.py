"""Proofs of the customs status of Union goods (PoUS): traders request proofs and follow them; officers of the
member state of issue endorse or refuse them, officers of any office record their use; anyone verifies a proof
by its MRN (type, state and validity only, counted as a DDS consultation by the service)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eucustoms.core.errors import ErrorCode, InvalidIdentifier, Rejected
from eucustoms.platform.auth import Principal, Role
from eucustoms.systems.status import examples, messages, service, states

from .kit import Action, Field, FormState, blank, options, parse_json, perform, read_document, read_form
from .pages import PAGE, _by_field, _ctx, _issues, _pages, guarded, link, render
from .session import needs, same_origin

router = APIRouter(prefix="/web", include_in_schema=False)
link("/web/pous", "Union status (PoUS)", "trader", "officer", "commission")
link("/web/lookup/pous", "Union status proof", public=True)

FILTERS = (Field("state", "State", "select", options(states.STATES)),
           Field("proof_type", "Type", "select", options(messages.PROOF_TYPES)))
COLUMNS = (("mrn", "MRN"), ("proof_type", "type"), ("lrn", "LRN"), ("state", "state"), ("requester", "holder"),
           ("office_of_issue", "office of issue"), ("requested_at", "requested"), ("valid_until", "valid until"),
           ("items_used", "items used"), ("items_total", "items"))


@router.get("/pous", response_class=HTMLResponse)
def pous_list(request: Request, state: str = "", proof_type: str = "", offset: int = 0) -> Response:
    values = {"state": state, "proof_type": proof_type}

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        try:
            with _ctx(request).db.read() as conn:
                found = service.search(conn, me, state=state or None, proof_type=proof_type or None, limit=PAGE,
                                       offset=max(0, offset))
        except Rejected as exc:
            return render(request, "pous_list.html", 422, principal=me, items=[], values=values, fields=FILTERS,
                          columns=COLUMNS, errors=_by_field(_issues(exc)), pages=None)
        return render(request, "pous_list.html", principal=me, items=found.items, values=values, fields=FILTERS,
                      columns=COLUMNS, pages=_pages(found.total, offset))
    return guarded(request, page)


# -- a request --------------------------------------------------------------------------------------------------

def _example(kind: str, me: Principal) -> str:
    import json

    build = examples.EXAMPLES.get(kind.upper())
    if build is None:
        return ""
    stamp = datetime.now(timezone.utc).strftime("%m%d%H%M%S")
    return json.dumps(build(me.eori or examples.REQUESTER, lrn=f"{kind.upper()}-{stamp}"), indent=2, ensure_ascii=False)


@router.get("/pous/new", response_class=HTMLResponse)
def pous_new(request: Request, example: str = "") -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        return render(request, "pous_new.html", principal=me, text=_example(example, me) if example else "",
                      kinds=[(k, k) for k in examples.EXAMPLES])
    return guarded(request, page)


@router.post("/pous/new", response_class=HTMLResponse)
async def pous_request(request: Request) -> Response:
    text, _ = await read_document(request, "document")

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER)
        same_origin(request)
        try:
            payload = parse_json(text)
            with _ctx(request).db.begin() as conn:
                proof = service.request(conn, me, payload)
        except (Rejected, InvalidIdentifier) as exc:
            return render(request, "pous_new.html", 422, principal=me, text=text, issues=_issues(exc),
                          kinds=[(k, k) for k in examples.EXAMPLES])
        return RedirectResponse(f"/web/pous/{proof.mrn}", status_code=303)
    return await run_in_threadpool(guarded, request, page)


# -- one proof ----------------------------------------------------------------------------------------------------

def _actions(me: Principal, proof: messages.Proof) -> list[Action]:
    allowed = set(proof.allowed_actions)
    out: list[Action] = []
    if me.role is Role.OFFICER:
        if me.country == proof.country:
            if "endorse" in allowed:
                out.append(Action("endorse", "Endorse (register the proof)", (Field("remarks", "Remarks"),)))
            if "reject" in allowed:
                out.append(Action("reject", "Refuse to endorse", (Field("reason", "Reason", required=True),), danger=True))
        if allowed & {"use", "use_partially"}:
            manifest = proof.proof_type == "CGM"
            out.append(Action("use", "Record the use", (
                Field("office", "Office of presentation", default=me.office or "", hint="e.g. NLRTM office"),
                *((Field("items", "Items presented", hint="e.g. 1, 2 (every remaining item if empty)"),) if manifest else ()),
                Field("reference", "Declaration it supports", hint="e.g. a temporary storage MRN")),
                note="The goods are presented here: the proof is used" + (" item by item." if manifest else ".")))
        if me.country == proof.country and "invalidate_ex_officio" in allowed:
            out.append(Action("invalidate", "Invalidate ex officio", (Field("reason", "Reason", required=True),), danger=True))
    elif me.role is Role.TRADER and "invalidate" in allowed:
        out.append(Action("invalidate", "Invalidate my proof", (Field("reason", "Reason", required=True),), danger=True))
    return out


def _show(request: Request, me: Principal, mrn: str, status: int = 200, state: FormState | None = None) -> Response:
    with _ctx(request).db.read() as conn:
        proof = service.show(conn, me, mrn)
    return render(request, "pous_show.html", status, principal=me, p=proof, acts=_actions(me, proof),
                  **(state or FormState()).as_context())


@router.get("/pous/{mrn}", response_class=HTMLResponse)
def pous_show(request: Request, mrn: str) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        return _show(request, me, mrn)
    return guarded(request, page)


def _items(text: str | None) -> list[int] | None:
    if not text:
        return None
    try:
        return [int(x) for x in text.replace(",", " ").split()]
    except ValueError:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/items", "give the item numbers, e.g. 1, 2") from None


@router.post("/pous/{mrn}/action", response_class=HTMLResponse)
async def pous_action(request: Request, mrn: str) -> Response:
    values, _ = await read_form(request)

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER)
        db = _ctx(request).db
        with db.read() as conn:
            proof = service.show(conn, me, mrn)

        def run(fn: Any) -> Any:
            with db.begin() as conn:
                return fn(conn)

        handlers = {
            "endorse": lambda v: run(lambda c: service.endorse(c, me, mrn, blank(v, "remarks"))),
            "reject": lambda v: run(lambda c: service.reject(c, me, mrn, {"reason": v["reason"]})),
            "use": lambda v: run(lambda c: service.use(c, me, mrn, {k: x for k, x in {
                **blank(v, "office", "reference"), "items": _items(v.get("items"))}.items() if x is not None})),
            "invalidate": lambda v: run(lambda c: service.invalidate(c, me, mrn, {"reason": v["reason"]})),
        }
        return perform(request, me, values, _actions(me, proof), handlers, f"/web/pous/{proof.mrn}",
                       lambda status, state: _show(request, me, mrn, status, state))
    return await run_in_threadpool(guarded, request, page)


# -- the public verification --------------------------------------------------------------------------------------

@router.get("/lookup/pous", response_class=HTMLResponse)
def pous_verify(request: Request, mrn: str = "") -> Response:
    if not mrn:
        return render(request, "pous_verify.html", mrn="")
    try:
        with _ctx(request).db.begin() as conn:  # the service counts the consultation
            result = service.verify(conn, mrn)
    except (Rejected, InvalidIdentifier) as exc:
        issues = _issues(exc)
        return render(request, "pous_verify.html", 422, mrn=mrn,
                      errors={"mrn": [i.reason for i in issues]})
    return render(request, "pous_verify.html", 404 if not result.found else 200, mrn=mrn, result=result)
