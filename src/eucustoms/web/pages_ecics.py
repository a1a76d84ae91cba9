"""The European Customs Inventory of Chemical Substances (ECICS): the public search by CUS, CAS or EC number, name
(any language, part of it), CN code, formula or drug precursor category, and one entry; each answered look-up is
counted by the service as a DDS consultation (as /ecics/substances counts it)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from eucustoms.core.errors import InvalidIdentifier, Rejected
from eucustoms.platform.auth import Principal
from eucustoms.systems.ecics import service

from .kit import Field
from .pages import PAGE, _by_field, _ctx, _issues, _pages, guarded, link, render

router = APIRouter(prefix="/web/lookup/ecics", include_in_schema=False)
link("/web/lookup/ecics", "ECICS chemicals", public=True)

SEARCH = (Field("name", "Name (any language, part of it)", hint="e.g. ethanol"), Field("cus", "CUS number", hint="0000001-6"),
          Field("cas", "CAS number", hint="64-17-5"), Field("ec", "EC number", hint="200-578-6"),
          Field("cn", "CN code (start of)", hint="e.g. 2207"), Field("formula", "Formula", hint="e.g. C2H6O"),
          Field("precursor", "Drug precursor category", "select",
                tuple((c, c) for c in ("1", "2A", "2B", "3", "4"))),
          Field("include_ended", "Include entries no longer valid", "checkbox"))


@router.get("", response_class=HTMLResponse)
def ecics_search(request: Request, name: str = "", cus: str = "", cas: str = "", ec: str = "", cn: str = "",
                 formula: str = "", precursor: str = "", include_ended: str = "", offset: int = 0) -> Response:
    values = {"name": name, "cus": cus, "cas": cas, "ec": ec, "cn": cn, "formula": formula, "precursor": precursor,
              "include_ended": include_ended}
    if not any(v for k, v in values.items() if k != "include_ended"):
        return render(request, "ecics_search.html", fields=SEARCH, values=values)
    try:
        with _ctx(request).db.begin() as conn:  # the service counts the consultation
            found = service.search(conn, cus=cus or None, cas=cas or None, ec=ec or None, name=name or None, cn=cn or None,
                                   formula_text=formula or None, precursor=precursor or None,
                                   include_ended=include_ended in ("true", "on", "1"), limit=PAGE, offset=max(0, offset))
    except (Rejected, InvalidIdentifier) as exc:
        return render(request, "ecics_search.html", 422, fields=SEARCH, values=values, errors=_by_field(_issues(exc)))
    return render(request, "ecics_search.html", fields=SEARCH, values=values, found=found, pages=_pages(found.total, offset))


@router.get("/{substance_id}", response_class=HTMLResponse)
def ecics_show(request: Request, substance_id: int) -> Response:
    def page(me: Principal) -> Response:
        with _ctx(request).db.begin() as conn:
            s = service.show(conn, substance_id)
        return render(request, "ecics_show.html", principal=me, s=s)
    return guarded(request, page)
