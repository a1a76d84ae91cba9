"""The programme dashboard: the Customs programme's indicators against their targets with their trend, charts
(matplotlib, inline SVG, axes with units), the data-quality findings on the year's figures, the live indicators
the box computes from what its systems recorded, and the annual progress report to download. Read by every
signed-in user (programme managers are the Commission and the national coordinators); the public reads nothing
here, as in the API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from eucustoms.core.errors import ErrorCode, NotFound, Rejected
from eucustoms.platform.auth import Principal, Role
from eucustoms.systems.programme import live, loader, report, service

from .kit import GREEN, GREY, RED, bar_chart, line_chart
from .pages import PAGE, _ctx, _pages, guarded, link, render
from .session import needs

router = APIRouter(prefix="/web/programme", include_in_schema=False)
link("/web/programme", "Programme dashboard", "officer", "commission")

LEVELS = {"OP": "Output indicators", "RES": "Result indicators", "IMP": "Impact indicators"}


def _num(value: Any) -> float | None:
    try:
        return float(Decimal(str(value)))
    except (ArithmeticError, ValueError, TypeError):
        return None


def _rows(ds: Any, year: int) -> list[dict[str, Any]]:
    """Every indicator with its value, target, the assessment against it and the trend."""
    out = []
    for ind in ds.ordered():
        res = ds.results.get(ind.id) or ds.derived.get(ind.id)
        prev = ds.previous.get(ind.id)
        a = report.assess(ind, res, prev, year)
        target = ind.target
        achievement = None
        if res is not None and res.value is not None and target is not None and target.value:
            goal = target.value / target.cycle_years if target.kind == "cycle_total" and target.cycle_years else target.value
            if goal:
                achievement = float(res.value / goal * 100)
        out.append({"id": ind.id, "short": ind.short, "name": ind.name, "level": ind.level, "unit": ind.unit,
                    "value": res.printed if res is not None else None, "raw": res.value if res is not None else None,
                    "origin": res.origin if res is not None else None,
                    "target": target.printed if target is not None else None,
                    "target_kind": target.kind if target is not None else None,
                    "status": a.status, "assessment": a.text, "good": a.good, "trend": a.trend, "trend_text": a.trend_text,
                    "previous": prev, "achievement": achievement})
    return out


def _charts(rows: list[dict[str, Any]], year: int, live_data: dict[str, Any]) -> list[dict[str, str]]:
    charts = []
    scored = [r for r in rows if r["achievement"] is not None]
    if scored:
        charts.append({"id": "chart-targets", "svg": bar_chart(
            [f"{r['short']} ({r['status']})" for r in scored], [round(r["achievement"], 1) for r in scored],
            title=f"Indicators against their targets, {year}", xlabel="value as % of the target (100 % = target met; "
            "cycle totals: of the yearly pace)", ylabel="indicator", target=100, target_label="target",
            colors=[GREEN if r["good"] else RED if r["good"] is False else GREY for r in scored]),
            "caption": "Each bar is the indicator's value divided by its target (for a cycle total, by the target's yearly "
                       "share); the dashed line is the target. Green: met or on track; red: not met or behind; grey: "
                       "not yet due."})
    trend = [r for r in rows if r["previous"] is not None and r["raw"] is not None and r["unit"] == "%"]
    if trend:
        series = {r["short"]: ([str(r["previous"].year), str(year)], [_num(r["previous"].value) or 0, _num(r["raw"]) or 0])
                  for r in trend}
        charts.append({"id": "chart-trends", "svg": line_chart(series, title="Trends of the indicators reported in %",
                                                                xlabel="year", ylabel="value (%)"),
                       "caption": "The indicators in % with a value for the previous year."})
    for li in live_data.get("indicators", []):
        d = li.as_dict()
        if d["unit"] in ("consultations", "messages"):
            shown = [(r["key"], _num(r["value"])) for r in d["rows"] if _num(r["value"])]
            if shown:
                charts.append({"id": f"chart-live-{d['unit']}", "svg": bar_chart(
                    [k for k, _ in shown], [v for _, v in shown], title=f"The box: {d['unit']} ({live_data['period']})",
                    xlabel=f"{d['unit']} (number)", ylabel="service" if d["unit"] == "consultations" else "system"),
                    "caption": f"{d['name']}, counted by the box over {live_data['period']}."})
    return charts


@router.get("", response_class=HTMLResponse)
def programme(request: Request, year: int = 2024, level: str = "", offset: int = 0) -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        with _ctx(request).db.read() as conn:
            years = service.years(conn)
            if year not in years:
                raise NotFound("programme year", year)
            ds = service.read_dataset(conn, me, year)
            checks = service.check(conn, me, year).as_dict()
            reference = ds if ds.results else loader.read_dataset(conn, 2024, with_records=False)
            live_data = live.compute(conn, reference=reference)
        rows = _rows(ds, year)
        shown = [r for r in rows if not level or r["level"] == level]
        findings = checks.get("findings") or []
        status_counts: dict[str, int] = {}
        for r in rows:
            status_counts[r["status"]] = status_counts.get(r["status"], 0) + 1
        return render(request, "programme_dashboard.html", principal=me, year=year, years=years, level=level, levels=LEVELS,
                      rows=shown, status_counts=status_counts, checks=checks,
                      findings=findings[max(0, offset):max(0, offset) + PAGE], pages=_pages(len(findings), offset),
                      live=[li.as_dict() for li in live_data["indicators"]], period=live_data["period"],
                      charts=_charts(rows, year, live_data), meta=ds.meta)
    return guarded(request, page)


@router.get("/report/{name}", response_class=HTMLResponse)
async def programme_report(request: Request, name: str, live_figures: bool = False, since: str = "",
                           until: str = "") -> Response:
    def page(me: Principal) -> Response:
        needs(me, Role.TRADER, Role.OFFICER, Role.COMMISSION)
        stem, _, suffix = name.partition(".")
        if not stem.isdigit() or suffix not in ("html", "pdf"):
            raise NotFound("report", name)
        try:
            first = date.fromisoformat(since) if since else None
            last = date.fromisoformat(until) if until else None
        except ValueError:
            raise Rejected.one(ErrorCode.RULE_VIOLATION, "/since", "give the dates as YYYY-MM-DD") from None
        with _ctx(request).db.read() as conn:
            if int(stem) not in service.years(conn):
                raise NotFound("report", name)
            built = report.build(conn, int(stem), include_live=live_figures, since=first, until=last,
                                 html=suffix == "html", pdf=suffix == "pdf")
        if suffix == "pdf":
            return Response(built.pdf, media_type="application/pdf",
                            headers={"Content-Disposition": f'attachment; filename="report-apr-{stem}.pdf"'})
        return HTMLResponse(built.html, headers={"Content-Disposition": f'inline; filename="report-apr-{stem}.html"'})
    return await run_in_threadpool(guarded, request, page)
