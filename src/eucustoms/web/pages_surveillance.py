"""Surveillance of released goods (SURV): totals per group (goods code, origin, month...) with a chart. Officers see
their member state's releases, the Commission every member state's; the public gets the DDS SURV view (a goods
code is required, groups of fewer than 3 items are hidden) and each answered query is counted as /dds/surveillance
counts it."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from eucustoms.core.errors import ErrorCode, Rejected
from eucustoms.platform.auth import Principal, Role
from eucustoms.systems.surveillance import service
from eucustoms.systems.surveillance.messages import GROUPS, AggregateQuery

from .kit import Field, bar_chart, model
from .pages import PAGE, _by_field, _count, _ctx, _issues, _pages, guarded, link, render

router = APIRouter(prefix="/web/surveillance", include_in_schema=False)
link("/web/surveillance", "Surveillance", public=True)

FIELDS = (Field("goods_code", "Goods code (start of)", hint="e.g. 6109"),
          Field("flow", "Flow", "select", (("I", "import"), ("E", "export"))),
          Field("origin", "Origin", hint="e.g. CN"), Field("partner", "Partner country", hint="e.g. US"),
          Field("country", "Member state", hint="e.g. DE"),
          Field("since", "Released from", "date"), Field("until", "Released until", "date"))
MEASURES = {"value_eur": "statistical value (EUR)", "net_mass_kg": "net mass (kg)", "items": "goods items"}
SHOWN = 20  # groups drawn in the chart


def _label(group: dict[str, Any], dims: list[str]) -> str:
    return " · ".join(str(group.get(d) or "–") for d in dims)


@router.get("", response_class=HTMLResponse)
def surveillance(request: Request, goods_code: str = "", flow: str = "", origin: str = "", partner: str = "",
                 country: str = "", since: str = "", until: str = "", measure: str = "value_eur",
                 offset: int = 0) -> Response:
    group_by = [g for g in request.query_params.getlist("group_by") if g]
    values = {"goods_code": goods_code, "flow": flow, "origin": origin, "partner": partner, "country": country,
              "since": since, "until": until}
    asked = any(values.values()) or bool(group_by)
    measure = measure if measure in MEASURES else "value_eur"

    def page(me: Principal) -> Response:
        public = me.role not in (Role.OFFICER, Role.COMMISSION)
        fields = [f for f in FIELDS if not (f.name == "country" and me.role is Role.OFFICER)]
        context = dict(principal=me, fields=fields, values=values, groups=GROUPS, group_by=group_by or ["cn8", "origin", "month"],
                       public=public, measure=measure, measures=MEASURES)
        if not asked:
            return render(request, "surveillance_totals.html", **context)
        try:
            if public and not goods_code:
                raise Rejected.one(ErrorCode.MISSING, "/goods_code", "the public query needs a goods code (4 to 10 digits)")
            if public and goods_code and not (goods_code.isdigit() and 4 <= len(goods_code) <= 10):
                raise Rejected.one(ErrorCode.RULE_VIOLATION, "/goods_code", "give 4 to 10 digits of a goods code")
            query = model(AggregateQuery, {**{k: (v.upper() if k in ("origin", "partner", "country") else v)
                                              for k, v in values.items()}, "group_by": context["group_by"]})
            with _ctx(request).db.read() as conn:
                result = service.aggregate(conn, query, public=public, principal=me)
        except Rejected as exc:
            return render(request, "surveillance_totals.html", 422, errors=_by_field(_issues(exc)), **context)
        if public:
            _count(request, "SURV")
        dims = list(query.group_by)
        ranked = sorted(result["groups"], key=lambda g: Decimal(str(g[measure])), reverse=True)[:SHOWN]
        chart = None
        if ranked:
            chart = bar_chart([_label(g, dims) for g in ranked], [float(Decimal(str(g[measure]))) for g in ranked],
                              title=f"{MEASURES[measure].split(' (')[0].capitalize()} by {', '.join(dims)}",
                              xlabel=MEASURES[measure], ylabel=" · ".join(dims))
        start = max(0, offset)
        base = "?" + urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "offset"]) + "&"
        return render(request, "surveillance_totals.html", result=result, rows=result["groups"][start:start + PAGE], dims=dims,
                      chart=chart, shown=len(ranked), pages=_pages(len(result["groups"]), start), base=base, **context)
    return guarded(request, page)
