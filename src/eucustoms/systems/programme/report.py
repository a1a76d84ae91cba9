"""The annual progress report: one self-contained HTML page (inline CSS, charts as inline SVG) and a PDF (tables and
the charts as PNG), from a year's dataset, its data-quality findings and, with ``live``, the indicators the box
computes itself next to the EU's values."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape
from sqlalchemy import Connection

from eucustoms import __version__
from eucustoms.core.clock import now

from . import charts, live, loader
from .charts import BLUE, GOLD, GREEN, GREY, RED, Chart
from .checks import FINDING, PASSED, SEVERITIES, CheckReport, describe, run_checks
from .derive import activity_figures
from .model import LEVELS, Dataset, Indicator, Result, fmt, short_id

TEMPLATE = "apr.html.j2"
LEVEL_TITLES = {"OP": "Table 4: Output indicators (OP)", "RES": "Table 5: Result indicators (RES)",
                "IMP": "Table 6: Impact indicators (IMP)"}


@dataclass
class Assessment:
    status: str  # met / not met / on track / behind / not yet due / no target / no value
    text: str
    trend: str = ""  # ↑ / ↓ / =
    trend_text: str = ""
    good: bool | None = None


def assess(ind: Indicator, res: Result | None, prev: Result | None, year: int) -> Assessment:
    """The value against its target or milestone, and the trend against the previous year where known."""
    if res is None or res.value is None:
        a = Assessment("no value", "—")
    else:
        v = res.value
        t = ind.target
        milestone = ind.milestone(year)
        if t is not None and t.kind == "cycle_total" and t.cycle_years:
            pace = t.value / t.cycle_years
            ok = v >= pace
            a = Assessment("on track" if ok else "behind",
                           f"{t.printed} over {t.first}-{t.last}: {fmt(pace.quantize(Decimal(1)))} a year", good=ok)
        elif t is not None and (t.kind == "annual" or (t.year is not None and t.year <= year)):
            ok = v >= t.value if t.direction == "at_least" else v <= t.value
            a = Assessment("met" if ok else "not met", f"target {t.printed}" + (f" ({t.year})" if t.year else ""), good=ok)
        elif milestone is not None:
            ok = v >= milestone
            a = Assessment("met" if ok else "not met", f"milestone {ind.milestones[year].get('printed', fmt(milestone))} ({year})", good=ok)
        elif t is not None:
            gap = t.value - v
            a = Assessment("not yet due", f"target {t.printed} by {t.year}; {fmt(gap)} to go" if gap > 0 else f"target {t.printed} by {t.year}: reached")
        else:
            a = Assessment("no target", "no target or milestone in the report")
    if res is not None and res.value is not None and prev is not None and prev.value is not None:
        d = res.value - prev.value
        a.trend = "↑" if d > 0 else "↓" if d < 0 else "="
        a.trend_text = f"{prev.printed} in {prev.year}"
    return a


@dataclass
class Report:
    year: int
    html: str
    pdf: bytes
    charts: list[Chart] = field(default_factory=list)
    checks: CheckReport | None = None
    live: dict[str, Any] | None = None

    def write(self, out: Path) -> dict[str, Path]:
        out.mkdir(parents=True, exist_ok=True)
        html_path, pdf_path = out / f"report-apr-{self.year}.html", out / f"report-apr-{self.year}.pdf"
        html_path.write_text(self.html, encoding="utf-8")
        pdf_path.write_bytes(self.pdf)
        return {"html": html_path, "pdf": pdf_path}


# -- the charts ------------------------------------------------------------------------------------------------------

def _items(res: Result | None, dimension: str, *, top: bool = True) -> list[tuple[str, float]]:
    if res is None:
        return []
    return [(i.label, float(i.value)) for i in res.items_of(dimension) if i.value is not None and (not top or i.parent is None)]


def build_charts(ds: Dataset, figures: dict[str, Any], formats: tuple[str, ...] = charts.FORMATS) -> tuple[list[Chart], list[str]]:
    """Annex 2's figures from the data (and a few more the data allows); the figures without data are named."""
    out: list[Chart] = []
    missing: list[str] = []
    year = ds.year
    r = ds.result

    if figures.get("participants_by_country"):
        pc = figures["participants_by_country"]
        out.append(charts.bars("participants-by-country", f"Participants per country in {year}", list(pc), list(pc.values()),
                               unit="participants", axis="participants (number of people)",
                               caption="Figure 1: participants in general collaborative actions, from the meetings recorded.", formats=formats))
    else:
        missing.append(f"Figure 1 (participants per country): the {year} data has only the total "
                       f"({ds.facts['figure1_participants'].printed if 'figure1_participants' in ds.facts else 'not recorded'}); "
                       "the report's figure is an image. Record the meetings' participants to draw it.")
    if figures.get("activity_types"):
        kinds = figures["activity_types"]
        out.append(charts.bars("activity-types", f"Participants per activity type in {year}", [k.replace('_', ' ') for k in kinds],
                               [v["participants"] for v in kinds.values()], unit="participants",
                               axis="participants (number of people)",
                               caption="Figure 2: activity types and participants per type, from the actions and meetings recorded.", formats=formats))
    else:
        missing.append(f"Figure 2 (activity types): not in the {year} text (an image in the report).")
    areas = _items(r("OP 2.1 sub-indicator 1"), "area")
    if areas:
        out.append(charts.bars("actions-by-area", f"Collaborative actions by area in {year}", [a for a, _ in areas], [v for _, v in areas],
                               unit="actions", axis="collaborative actions (number; an action may count in several areas)",
                               caption=f"Figure 3 / OP 2.1.1: {r('OP 2.1 sub-indicator 1').printed} actions with at least one meeting.", formats=formats))  # type: ignore[union-attr]
    fmts = _items(r("OP 2.1 sub-indicator 2"), "format")
    if fmts:
        out.append(charts.bars("meetings-by-format", f"Meetings by format in {year}", [a for a, _ in fmts], [v for _, v in fmts],
                               unit="meetings", axis="meetings (number)", horizontal=False, colours=[GOLD, BLUE, GREEN],
                               caption=f"Figure 4 / OP 2.1.2: {r('OP 2.1 sub-indicator 2').printed} meetings.", formats=formats))  # type: ignore[union-attr]
    training = _items(r("OP 2.2 sub-indicator 2"), "training")
    if training:
        out.append(charts.bars("trained-by-training", f"People trained by type of training in {year}", [a for a, _ in training],
                               [v for _, v in training], unit="people", axis="people trained (number, log scale)",
                               horizontal=True, log=True,
                               caption=f"Figure 5 / OP 2.2.2: {r('OP 2.2 sub-indicator 2').printed} people trained (courses, not unique people).", formats=formats))  # type: ignore[union-attr]
    prof = _items(r("OP 2.2 sub-indicator 2"), "professional")
    if prof:
        out.append(charts.bars("trained-by-professional", f"People trained by type of professional in {year}", [a for a, _ in prof],
                               [v for _, v in prof], unit="people", axis="people trained (number)", horizontal=True,
                               colours=[BLUE, GOLD], caption="Figure 6 / OP 2.2.2 by type of professional.", formats=formats))
    ucc = r("OP 1.2 sub-indicator 4")
    ucc_ind = ds.indicators.get("OP 1.2 sub-indicator 4")
    if ucc is not None and ucc.value is not None and ucc_ind is not None:
        labels = ["Average"] + [i.label.replace("(components of) ", "") for i in ucc.items_of("component")]
        values = [float(ucc.value)] + [float(i.value) for i in ucc.items_of("component") if i.value is not None]
        milestone = ucc_ind.milestone(year)
        target = ucc_ind.target
        ref = (float(milestone), f"milestone {year}") if milestone is not None else \
            ((float(target.value), f"target {target.printed} by {target.year}") if target else None)
        note = "" if milestone is not None else f" The report's annual milestones (Figure 7) are an image, not in the text; the line is the {target.year if target else ''} target."
        out.append(charts.bars("ucc-completion", f"UCC completion rate at the end of {year}", labels, values, unit="%",
                               axis="completion (%)", horizontal=False, colours=[BLUE, GREEN, GOLD], reference=ref,
                               xlim=(0, 110), caption=f"Figure 7 / OP 1.2.4 against {'the milestone' if milestone else 'the target'}." + note, formats=formats))
    cons = _items(r("RES 2.1 sub-indicator 1"), "system")
    if cons:
        out.append(charts.bars("consultations", f"Consultations per system in {year}", [a for a, _ in cons], [v for _, v in cons],
                               unit="consultations", axis="consultations (number)",
                               caption=f"Figure 8 / RES 2.1.1: {r('RES 2.1 sub-indicator 1').printed} consultations.", formats=formats))  # type: ignore[union-attr]
    aware = _items(r("OP 3 sub-indicator 1"), "level")
    if aware:
        out.append(charts.bars("awareness", f"Awareness of the Programme by level in {year}", [a for a, _ in aware], [v for _, v in aware],
                               unit="%", axis="administrations (% of respondents)", horizontal=False,
                               colours=[GREEN, BLUE, GOLD, RED], xlim=(0, 100),
                               caption=f"Figure 9 / OP 3.1: average awareness {r('OP 3 sub-indicator 1').printed}.", formats=formats))  # type: ignore[union-attr]
    avail_res = r("OP 1.3 sub-indicator 3")
    avail = [(i.key, float(i.value)) for i in (avail_res.items_of("system") if avail_res else []) if i.value is not None and i.parent is None]
    if avail:
        out.append(charts.bars("availability", f"Availability of the critical systems in {year}", [k for k, _ in avail],
                               [v for _, v in avail], unit="%", axis="availability (%; the axis starts at 97.5%)", xlim=(97.5, 100.6),
                               caption=f"OP 1.3.3 by system; average {avail_res.printed} (CCI: in production, no messages in the common domain).", formats=formats))  # type: ignore[union-attr]
    users = _items(r("RES 2.2 sub-indicator 3"), "country")
    if users:
        out.append(charts.bars("pics-users", f"Active PICS users per country in {year}", [a for a, _ in users], [v for _, v in users],
                               unit="users", axis="active users (number, Customs and Fiscalis)",
                               caption="RES 2.2.3 per country (not adding up to the total: Fiscalis users included, users without an organisation excluded).", formats=formats))
    rex = _items(r("RES 3.1 sub-indicator 1"), "rex_country")
    if rex:
        out.append(charts.bars("rex-by-country", f"REX registrations per Member State in {year}", [a for a, _ in rex], [v for _, v in rex],
                               unit="registrations", axis="registered exporters (number)",
                               caption="RES 3.1.1: REX registrations of the EU countries.", formats=formats))
    commitments = [b for b in ds.budget if b.kind == "commitment"]
    if commitments:
        out.append(charts.bars("budget", f"Committed expenses by action category in {year}", [b.label for b in commitments],
                               [float(b.amount) for b in commitments], unit="EUR", axis="committed (EUR, log scale)",
                               horizontal=True, log=True, colours=[BLUE, GOLD, GREEN, GREY][:len(commitments)],
                               caption="Annex 2, Table 1 (external experts: nothing committed).", formats=formats))
    return out, missing


# -- assembling ------------------------------------------------------------------------------------------------------

def _value_rows(ds: Dataset) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {lv: [] for lv in LEVELS}
    for ind in ds.ordered():
        res = ds.result(ind.id)
        prev = ds.previous.get(ind.id)
        a = assess(ind, res, prev, ds.year)
        dims = []
        if res is not None:
            for d in res.dimensions:
                dims.append({"label": d.label, "aggregate": d.aggregate,
                             "total": d.total.get("printed") if d.total else None,
                             "items": [{"label": i.label, "printed": i.printed, "share": i.share_printed, "child": i.parent is not None}
                                       for i in res.items_of(d.name)]})
        rows.setdefault(ind.level, []).append({
            "id": ind.id, "short": ind.short, "label": ind.label, "name": ind.name, "unit": ind.unit, "source": ind.source,
            "printed": res.printed if res else "not recorded", "period": res.period if res else None,
            "origin": res.origin if res else None, "dimensions": dims, "narrative": res.narrative if res else "",
            "line": (res.source or {}).get("line") if res else None, "computed": (res.source or {}).get("computed") if res else None,
            "assessment": a, "label_note": ind.notes.get("label_note"), "target": ind.target,
            "milestone": ind.milestones.get(ds.year, {}).get("printed") if ind.milestones.get(ds.year) else None,
        })
    return rows


#: The live indicators drawn (the others are in the table).
LIVE_CHARTS = ("OP 1.3 sub-indicator 3", "RES 2.1 sub-indicator 1", "RES 2.1 sub-indicator 2")


def _live_charts(data: dict[str, Any], formats: tuple[str, ...] = charts.FORMATS) -> list[Chart]:
    out = []
    for li in data["indicators"]:
        if li.indicator_id not in LIVE_CHARTS:
            continue
        rows = [r for r in li.rows if r.status == live.COMPUTED and r.value is not None]
        if not rows:
            continue
        title = f"The box: {li.name.split(' (')[0]}"
        if li.unit == "%":
            shown = [r for r in li.rows if r.value is not None or r.eu is not None]
            known = [float(v) for r in shown for v in (r.value, r.eu) if v is not None]
            low = float(max(0, math.floor(min(known)) - 1)) if known else 0.0
            out.append(charts.grouped(f"live-{short_id(li.indicator_id)}", title, [r.key for r in shown],
                                      {"the box": [float(r.value) if r.value is not None else None for r in shown],
                                       "EU 2024": [float(r.eu) if r.eu is not None else None for r in shown]},
                                      unit="%", axis=f"availability (%; the axis starts at {low:g}%)", xlim=(low, 100.6),
                                      caption=f"{short_id(li.indicator_id)}: the box ({data['period']}, from its health probes) and the EU in 2024; "
                                              "— : no value (not in the box, not probed, or not reported).", formats=formats))
        else:
            out.append(charts.bars(f"live-{short_id(li.indicator_id)}", title, [r.key for r in rows],
                                   [float(r.value) for r in rows], unit=li.unit, axis=f"{li.unit} (number)",
                                   horizontal=True, caption=f"{short_id(li.indicator_id)} in the box ({data['period']}); the EU's 2024 values are in the table.", formats=formats))
    return out


def build(conn: Connection, year: int, *, include_live: bool = False, since: date | None = None,
          until: date | None = None, html: bool = True, pdf: bool = True) -> Report:
    ds = loader.read_dataset(conn, year)
    check_report = run_checks(ds)
    figures = activity_figures(conn, year)
    formats = tuple(f for f, wanted in (("svg", html), ("png", pdf)) if wanted)
    chart_list, missing = build_charts(ds, figures, formats)
    live_data = None
    live_charts: list[Chart] = []
    if include_live:
        reference = ds if ds.results else loader.read_dataset(conn, 2024, with_records=False)
        live_data = live.compute(conn, since=since, until=until, reference=reference)
        live_charts = _live_charts(live_data, formats)
    context = {
        "year": year, "ds": ds, "meta": ds.meta, "version": __version__, "generated": now(),
        "levels": LEVEL_TITLES, "rows": _value_rows(ds), "budget": ds.budget,
        "digital_share": _digital_share(ds), "teams": ds.registers.get("expert_teams", []),
        "systems": _systems(conn, ds), "checks": check_report, "summary": check_report.summary(),
        "findings": check_report.findings, "severities": SEVERITIES, "check_catalogue": describe(),
        "charts": chart_list, "missing_figures": missing, "live": live_data, "live_charts": live_charts,
        "facts": sorted(ds.facts.values(), key=lambda f: (f.section, f.key)), "fmt": fmt, "FINDING": FINDING, "PASSED": PASSED,
        "counts": _counts(ds),
    }
    return Report(year, render_html(context) if html else "", render_pdf(context) if pdf else b"",
                  chart_list + live_charts, check_report, live_data)


def _digital_share(ds: Dataset) -> str | None:
    ees = next((b for b in ds.budget if b.category == "ees"), None)
    total = next((b for b in ds.budget if b.kind == "total"), None)
    if ees and total and total.amount:
        return f"{fmt((ees.amount / total.amount * 100).quantize(Decimal('0.01')))}%"
    return None


def _counts(ds: Dataset) -> dict[str, int]:
    assessed = [assess(i, ds.result(i.id), ds.previous.get(i.id), ds.year) for i in ds.ordered()]
    return {"indicators": len(ds.indicators), "with_value": sum(1 for i in ds.ordered() if ds.result(i.id) is not None),
            "met": sum(1 for a in assessed if a.status in ("met", "on track")),
            "not_met": sum(1 for a in assessed if a.status in ("not met", "behind"))}


def _systems(conn: Connection, ds: Dataset) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from .probes import present
    from .store import programme_availability as AV

    reported: dict[str, str] = {}
    for r in conn.execute(select(AV).where(AV.c.year == ds.year)).mappings():
        if r["system"]:
            reported.setdefault(r["system"], f"{r['printed']} ({r['key']})")
    out = []
    for s in ds.registers.get("systems", []):
        box = s.get("box")
        out.append({**s, "availability": reported.get(s["acronym"], ""),
                    "in_box": bool(box) and (box in ("ccn2",) or present(box) or box in ("programme",))})
    return out


def _env() -> Environment:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True, lstrip_blocks=True)
    env.filters["fmt"] = fmt
    return env


def render_html(context: dict[str, Any]) -> str:
    source = (resources.files("eucustoms.systems.programme") / "templates" / TEMPLATE).read_text(encoding="utf-8")
    return _env().from_string(source).render(**context)


# -- the PDF -----------------------------------------------------------------------------------------------------------

#: The PDF's standard fonts cover Windows-1252 only: what they lack is spelt out.
_PDF_CHARS = {"\u202f": " ", "\u00a0": " ", "↑": "up", "↓": "down", "≤": "<=", "≥": ">=", "→": "->", "⚠": "!", "−": "-"}


def _latin(text: str) -> str:
    for char, replacement in _PDF_CHARS.items():
        text = text.replace(char, replacement)
    return "".join(c if _encodable(c) else "?" for c in text)


def _encodable(c: str) -> bool:
    try:
        c.encode("cp1252")
        return True
    except UnicodeEncodeError:
        return False


def render_pdf(context: dict[str, Any]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Image,
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    styles = getSampleStyleSheet()
    small = ParagraphStyle("small", parent=styles["BodyText"], fontSize=7, leading=8.5)
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=8.5, leading=10.5)
    h1, h2 = styles["Heading1"], styles["Heading2"]
    year = context["year"]

    def p(text: Any, style: Any = small) -> Any:
        return Paragraph(escape(_latin(str(text if text is not None else ""))).replace("\n", "<br/>"), style)

    def table(rows: list[list[Any]], widths: list[float]) -> Any:
        t = Table([[c if not isinstance(c, str) else p(c) for c in row] for row in rows], colWidths=widths, repeatRows=1)
        t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f4e99")),
                               ("TEXTCOLOR", (0, 0), (-1, 0), colors.white), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa5b1")),
                               ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f1f4f9")])]))
        return t

    buf = io.BytesIO()
    page = landscape(A4)
    doc = SimpleDocTemplate(buf, pagesize=page, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm, bottomMargin=12 * mm,
                            title=f"Customs programme Annual Progress Report {year}", author=f"eucustoms {context['version']}")
    width = page[0] - 24 * mm
    story: list[Any] = [Paragraph(_latin(f"Customs programme — Annual Progress Report {year}"), h1),
                        p(f"Reproduced by eucustoms {context['version']} from "
                          f"{context['meta'].get('document') or 'the data recorded in the box'}; generated {context['generated']:%Y-%m-%d %H:%M} UTC.", body)]
    s = context["summary"]
    story.append(p(f"{context['counts']['with_value']} of {context['counts']['indicators']} indicators have a value; "
                   f"{context['counts']['met']} meet their target or milestone, {context['counts']['not_met']} do not. "
                   f"Data-quality checks: {s['passed']} passed, {s['findings']} findings "
                   f"({', '.join(f'{n} {k}' for k, n in s['by_severity'].items() if n)}), {s['skipped']} not applicable.", body))
    if context["budget"]:
        story += [Paragraph(f"Annex 2, Table 1: committed expenses in {year}", h2),
                  table([["Action category", str(year)]] + [[b.label, b.printed] for b in context["budget"]], [width * 0.6, width * 0.3])]
        if context["digital_share"]:
            story.append(p(f"Share of the committed expenses devoted to the European electronic systems: {context['digital_share']}.", body))
    for level, title in context["levels"].items():
        rows = context["rows"].get(level) or []
        if not rows:
            continue
        data = [["Indicator", "Data", "Target / milestone", "Status", "Trend", "Source"]]
        for r in rows:
            breakdown = "\n".join(f"{d['label']}: " + "; ".join(f"{i['label']}: {i['printed']}" + (f" ({i['share']})" if i["share"] else "")
                                                                for i in d["items"]) for d in r["dimensions"])
            a = r["assessment"]
            data.append([f"{r['short']} ({r['label']})\n{r['name']}", f"{r['printed']}\n{breakdown}"[:1500], a.text, a.status,
                         f"{a.trend} {a.trend_text}".strip(), f"line {r['line']}" if r["line"] else (r["computed"] or r["origin"] or "")])
        story += [PageBreak(), Paragraph(f"Annex 4, {title}", h2),
                  table(data, [width * 0.24, width * 0.36, width * 0.14, width * 0.08, width * 0.1, width * 0.08])]
    if context["teams"]:
        story += [PageBreak(), Paragraph("Annex 3: Expert teams", h2),
                  table([["Expert team", "Grant", "Duration", "Participating countries", "Latest developments"]] +
                        [[f"{t['code']}: {t['name']}", t.get("grant", ""), t.get("printed_duration") or "",
                          ", ".join(t.get("countries") or []) or t.get("printed_countries", ""), t.get("developments") or ""]
                         for t in context["teams"]], [width * 0.22, width * 0.14, width * 0.1, width * 0.2, width * 0.34])]
    if context["systems"]:
        story += [PageBreak(), Paragraph(f"Annex 5: European electronic systems ({len(context['systems'])} listed)", h2),
                  table([["No", "Acronym", "Name", "Kind", "UCC", "In the box", "Availability reported"]] +
                        [[str(x.get("number") or ""), x["acronym"], x["name"], x.get("kind", ""), "yes" if x.get("ucc") else "",
                          x.get("box") or "" if x.get("in_box") else "", x.get("availability", "")] for x in context["systems"]],
                        [width * 0.05, width * 0.13, width * 0.36, width * 0.1, width * 0.05, width * 0.1, width * 0.21])]
    story += [PageBreak(), Paragraph(f"Data-quality findings ({len(context['findings'])})", h2)]
    story.append(table([["Check", "Severity", "Subject", "Finding", "Where"]] +
                       [[f.check, f.severity or "", f.subject, f.message, ", ".join(f.where)] for f in context["findings"]],
                       [width * 0.15, width * 0.08, width * 0.14, width * 0.55, width * 0.08]))
    if context["live"]:
        story += [PageBreak(), Paragraph(f"The box: indicators computed from the running union ({context['live']['period']})", h2)]
        data = [["Indicator", "Row", "The box", "Status", "EU 2024", "Source / note"]]
        for li in context["live"]["indicators"]:
            data.append([f"{short_id(li.indicator_id)} {li.name}", "total", fmt(li.value) if li.value is not None else "—", li.status,
                         li.eu_printed or "", li.value_note or li.note])
            for r in li.rows:
                data.append(["", r.label, fmt(r.value) if r.value is not None else "—", r.status, r.eu_printed, r.note or r.source])
        story.append(table(data, [width * 0.2, width * 0.25, width * 0.1, width * 0.1, width * 0.12, width * 0.23]))
    all_charts = context["charts"] + context["live_charts"]
    if all_charts:
        story += [PageBreak(), Paragraph("Figures", h2)]
        for c in all_charts:
            img = Image(io.BytesIO(c.png))
            scale = min((width * 0.62) / img.drawWidth, (page[1] - 40 * mm) / img.drawHeight, 1.0)
            img.drawWidth, img.drawHeight = img.drawWidth * scale, img.drawHeight * scale
            story.append(KeepTogether([img, p(c.caption, body), Spacer(1, 4 * mm)]))
    doc.build(story)
    return buf.getvalue()
