"""EU CSW-CERTEX: a trader's own certificates and their movements (the quantities the declarations took and gave
back); an officer's view of the certificates used in its member state and of those uses; the partner systems (the
Commission role in the box) record certificates and change their status."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eucustoms.core.errors import ErrorCode, InvalidIdentifier, Rejected
from eucustoms.platform.auth import Principal, Role
from eucustoms.systems.singlewindow import examples, service, states
from eucustoms.systems.singlewindow.catalogue import DOMAINS
from eucustoms.systems.singlewindow.messages import CertificateIssue, StatusChange

from .kit import Action, Field, FormState, model, options, parse_json, perform, read_document, read_form
from .pages import PAGE, _ctx, _issues, _pages, guarded, link, render
from .session import needs, same_origin

router = APIRouter(prefix="/web/certex", include_in_schema=False)
link("/web/certex", "Certificates (CERTEX)", "trader", "officer", "commission")

FILTERS = (Field("domain", "Domain", "select", options(DOMAINS)), Field("status", "Status", "select", options(states.STATES)))
COLUMNS = (("reference", "reference"), ("domain", "domain"), ("holder", "holder"), ("status", "status"),
           ("goods_codes", "goods codes"), ("total", "total"), ("balance", "balance"), ("valid_from", "valid from"),
           ("valid_to", "valid to"))
USE_COLUMNS = (("reference", "certificate"), ("kind", "movement"), ("quantity", "effect"), ("balance_after", "balance after"),
               ("declaration_ref", "declaration"), ("item_no", "item"), ("procedure", "procedure"),
               ("goods_code", "goods code"), ("country", "country"), ("at", "at"), ("by", "by"))


@router.get("", response_class=HTMLResponse)
def certex_list(request: Request, domain: str = "", status: str = "", offset: int = 0) -> Response:
    values = {"domain": domain, "status": status}

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        with _ctx(request).db.read() as conn:
            total, items = service.list_certificates(conn, me, domain=domain or None, status=status or None,
                                                     limit=PAGE, offset=max(0, offset))
        return render(request, "certex_list.html", principal=me, items=items, columns=COLUMNS, fields=FILTERS,
                      values=values, pages=_pages(total, offset))
    return guarded(request, page)


@router.get("/uses", response_class=HTMLResponse)
def certex_uses(request: Request, declaration: str = "", domain: str = "", offset: int = 0) -> Response:
    values = {"declaration": declaration, "domain": domain}

    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        with _ctx(request).db.read() as conn:
            total, items = service.uses(conn, me, declaration_ref=declaration or None, domain=domain or None,
                                        limit=PAGE, offset=max(0, offset))
        return render(request, "certex_uses.html", principal=me, items=items, columns=USE_COLUMNS, values=values,
                      fields=(Field("declaration", "Declaration (MRN or LRN)"), FILTERS[0]),
                      pages=_pages(total, offset))
    return guarded(request, page)


# -- the partner systems (Commission) record certificates ----------------------------------------------------

def _kinds() -> list[tuple[str, str]]:
    return [(d, d) for d in DOMAINS]


@router.get("/new", response_class=HTMLResponse)
def certex_new(request: Request, example: str = "") -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.COMMISSION)
        text = ""
        if example.upper() in DOMAINS:
            text = json.dumps(examples.example(example), indent=2, ensure_ascii=False)
        return render(request, "certex_new.html", principal=me, text=text, kinds=_kinds())
    return guarded(request, page)


@router.post("/new", response_class=HTMLResponse)
async def certex_issue(request: Request) -> Response:
    text, _ = await read_document(request, "document")

    def page(me: Principal) -> Response:
        needs(me, Role.COMMISSION)
        same_origin(request)
        try:
            body = parse_json(text)
            if not isinstance(body, dict):
                raise Rejected.one(ErrorCode.SYNTAX, "", "the certificate is a JSON object")
            with _ctx(request).db.begin() as conn:
                cert = service.issue(conn, me, model(CertificateIssue, body))
        except (Rejected, InvalidIdentifier) as exc:
            return render(request, "certex_new.html", 422, principal=me, text=text, issues=_issues(exc), kinds=_kinds())
        return RedirectResponse(f"/web/certex/{cert.reference}", status_code=303)
    return await run_in_threadpool(guarded, request, page)


# -- one certificate -----------------------------------------------------------------------------------------------

def _actions(me: Principal, cert: Any) -> list[Action]:
    if me.role is not Role.COMMISSION:
        return []
    out = []
    for status, action in states.PARTNER_ACTIONS.items():
        if states.allowed(cert.status, action):
            out.append(Action(f"status-{status}", f"{action.capitalize()} (partner system)",
                              (Field("reason", "Reason", required=True),), danger=action == "cancel"))
    return out


def _show(request: Request, me: Principal, reference: str, status: int = 200, state: FormState | None = None,
          offset: int = 0) -> Response:
    with _ctx(request).db.read() as conn:
        cert = service.show(conn, me, reference)
        movements = service.history(conn, me, reference)
    newest = movements[::-1]
    return render(request, "certex_show.html", status, principal=me, c=cert, movements=newest[offset:offset + PAGE],
                  pages=_pages(len(newest), offset), columns=USE_COLUMNS[1:], acts=_actions(me, cert),
                  **(state or FormState()).as_context())


@router.get("/{reference}", response_class=HTMLResponse)
def certex_show(request: Request, reference: str, offset: int = 0) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        return _show(request, me, reference, offset=max(0, offset))
    return guarded(request, page)


@router.post("/{reference}/action", response_class=HTMLResponse)
async def certex_action(request: Request, reference: str) -> Response:
    values, _ = await read_form(request)

    def page(me: Principal) -> Response:
        needs(me, Role.COMMISSION)
        db = _ctx(request).db
        with db.read() as conn:
            cert = service.show(conn, me, reference)

        def change(status: str) -> Any:
            def run(v: dict[str, str]) -> Any:
                with db.begin() as conn:
                    return service.change_status(conn, me, cert.reference, status, StatusChange(reason=v["reason"]))
            return run

        handlers = {f"status-{s}": change(s) for s in states.PARTNER_ACTIONS}
        return perform(request, me, values, _actions(me, cert), handlers, f"/web/certex/{cert.reference}",
                       lambda status, state: _show(request, me, reference, status, state))
    return await run_in_threadpool(guarded, request, page)
