"""Programme API (``/programme``): the indicators and their values, the data-quality checks, the live indicators of
the box, the health probes, the annual progress report, and the recording of a year's activity data.

Reading needs a token (any role); recording needs the Commission or a national programme coordinator (an officer,
for its own country's data); loading datasets, publishing values and running probes need the Commission."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from eucustoms.core.errors import NotFound
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.context import Context
from eucustoms.platform.http import context, require

from . import live, loader, probes, report, service
from .checks import describe
from .messages import (
    ActionRecord,
    IncidentRecord,
    MeetingRecord,
    ParticipantsRecord,
    PicsRecord,
    SurveyRecord,
    TrainingRecord,
    ValueRecord,
)
from .model import jsonable

router = APIRouter(prefix="/programme", tags=["Programme monitoring: indicators, checks, report"])

Reader = Annotated[Principal, Depends(require(Role.TRADER, Role.OFFICER, Role.COMMISSION))]
Recorder = Annotated[Principal, Depends(require(Role.OFFICER, Role.COMMISSION))]
Commission = Annotated[Principal, Depends(require(Role.COMMISSION))]
Ctx = Annotated[Context, Depends(context)]
Year = Annotated[int, Query(ge=2021, le=2100)]


@router.get("/years")
def list_years(_p: Reader, ctx: Ctx) -> list[int]:
    """The years with published values or recorded activity data."""
    with ctx.db.read() as conn:
        return service.years(conn)


@router.get("/indicators")
def list_indicators(principal: Reader, ctx: Ctx, year: Year = 2024, level: str | None = None) -> list[dict]:
    """Every indicator of the framework with its value for ``year`` (published, or computed from the records)."""
    with ctx.db.read() as conn:
        return service.indicators(conn, principal, year, level=level)


@router.get("/indicators/{ident}")
def show_indicator(ident: str, principal: Reader, ctx: Ctx, year: Year = 2024) -> dict:
    """One indicator (``RES 2.1 sub-indicator 1`` or ``RES 2.1.1``) with its value, breakdowns and narrative."""
    with ctx.db.read() as conn:
        return service.indicator(conn, principal, ident, year)


@router.get("/values/{year}")
def values(year: int, principal: Reader, ctx: Ctx) -> dict:
    with ctx.db.read() as conn:
        ds = service.read_dataset(conn, principal, year)
    return {"year": year, "values": {i: service.result_view(ds, i) for i in ds.indicators if service.result_view(ds, i)},
            "facts": jsonable({k: {"label": f.label, "value": f.value, "printed": f.printed, "section": f.section, **f.source}
                               for k, f in ds.facts.items()}),
            "budget": jsonable([{"category": b.category, "label": b.label, "amount": b.amount, "printed": b.printed,
                                 "kind": b.kind} for b in ds.budget])}


@router.get("/checks")
def run_checks(principal: Reader, ctx: Ctx, year: Year = 2024, check: Annotated[list[str] | None, Query()] = None,
               findings_only: bool = False) -> dict:
    """The data-quality checks on the year's figures: every finding with its figures."""
    with ctx.db.read() as conn:
        result = service.check(conn, principal, year, check)
    body = result.as_dict()
    if findings_only:
        body.pop("outcomes")
    return body


@router.get("/checks/catalogue")
def check_catalogue(_p: Reader) -> list[dict]:
    return describe()


@router.get("/registers/{year}")
def registers(year: int, principal: Reader, ctx: Ctx) -> dict:
    """IT projects, UCC projects, expert teams and the electronic systems financed."""
    with ctx.db.read() as conn:
        service.require_reader(principal)
        return jsonable(loader.registers(conn, year))


@router.get("/live")
def live_indicators(principal: Reader, ctx: Ctx, since: date | None = None, until: date | None = None) -> dict:
    """The indicators the box computes from what its systems recorded over the period, next to the EU's 2024 values."""
    with ctx.db.read() as conn:
        service.require_reader(principal)
        reference = loader.read_dataset(conn, 2024, with_records=False)
        data = live.compute(conn, since=since, until=until, reference=reference)
    return jsonable({**{k: v for k, v in data.items() if k != "indicators"},
                     "indicators": [li.as_dict() for li in data["indicators"]]})


@router.get("/availability")
def availability(principal: Reader, ctx: Ctx, since: date | None = None, until: date | None = None) -> dict:
    with ctx.db.read() as conn:
        service.require_reader(principal)
        return jsonable(probes.availability(conn, since=since, until=until))


@router.post("/probes", status_code=201)
def probe_round(_p: Commission, ctx: Ctx, timeout: Annotated[float, Query(gt=0, le=30)] = 5.0) -> dict:
    """Probe every system of the box once (and the network) and record the results."""
    return jsonable(probes.probe_systems(ctx, timeout=timeout))


@router.post("/datasets", status_code=201)
def load_dataset(principal: Commission, ctx: Ctx) -> dict:
    """Load the shipped 2024 dataset (idempotent)."""
    with ctx.db.begin() as conn:
        return service.load_dataset(conn, principal)


# -- recording ---------------------------------------------------------------------------------------------------------

@router.post("/actions", status_code=201)
def record_action(body: ActionRecord, principal: Recorder, ctx: Ctx) -> dict:
    with ctx.db.begin() as conn:
        return service.record_action(conn, principal, body)


@router.post("/meetings", status_code=201)
def record_meeting(body: MeetingRecord, principal: Recorder, ctx: Ctx) -> dict:
    with ctx.db.begin() as conn:
        return service.record_meeting(conn, principal, body)


@router.post("/participants", status_code=201)
def record_participants(body: ParticipantsRecord, principal: Recorder, ctx: Ctx) -> dict:
    with ctx.db.begin() as conn:
        return service.record_participants(conn, principal, body)


@router.post("/training", status_code=201)
def record_training(body: TrainingRecord, principal: Recorder, ctx: Ctx) -> dict:
    with ctx.db.begin() as conn:
        return service.record_training(conn, principal, body)


@router.post("/survey", status_code=201)
def record_survey(body: SurveyRecord, principal: Recorder, ctx: Ctx) -> dict:
    with ctx.db.begin() as conn:
        return service.record_survey(conn, principal, body)


@router.post("/incidents", status_code=201)
def record_incident(body: IncidentRecord, principal: Recorder, ctx: Ctx) -> dict:
    with ctx.db.begin() as conn:
        return service.record_incident(conn, principal, body)


@router.post("/values", status_code=201)
def record_value(body: ValueRecord, principal: Commission, ctx: Ctx) -> dict:
    with ctx.db.begin() as conn:
        return service.record_value(conn, principal, body)


@router.post("/pics", status_code=201)
def record_pics(body: PicsRecord, principal: Commission, ctx: Ctx) -> dict:
    with ctx.db.begin() as conn:
        return service.record_pics(conn, principal, body)


@router.get("/records/{year}")
def recorded(year: int, principal: Recorder, ctx: Ctx) -> dict:
    """The activity data recorded for the year (a coordinator: the shared actions and meetings, and its own country's)."""
    with ctx.db.read() as conn:
        return service.records(conn, principal, year)


@router.get("/survey/{year}")
def survey(year: int, principal: Recorder, ctx: Ctx, country: str | None = None) -> dict:
    with ctx.db.read() as conn:
        return service.survey_answers(conn, principal, year, country.upper() if country else
                                      (principal.country if principal.role is Role.OFFICER else None))


# -- the report ---------------------------------------------------------------------------------------------------------

def _report(ctx: Context, principal: Principal, year: str, suffix: str, include_live: bool, since: date | None,
            until: date | None) -> report.Report:
    if not year.isdigit():
        raise NotFound("report", f"{year}.{suffix}")
    with ctx.db.read() as conn:
        service.require_reader(principal)
        return report.build(conn, int(year), include_live=include_live, since=since, until=until,
                            html=suffix == "html", pdf=suffix == "pdf")


@router.get("/reports/apr/{year}.html", response_class=HTMLResponse)
def report_html(year: str, principal: Reader, ctx: Ctx, live: bool = False, since: date | None = None,
                until: date | None = None) -> HTMLResponse:
    """The annual progress report as one self-contained HTML page (``live=true`` adds the box's own indicators)."""
    return HTMLResponse(_report(ctx, principal, year, "html", live, since, until).html)


@router.get("/reports/apr/{year}.pdf", response_class=Response)
def report_pdf(year: str, principal: Reader, ctx: Ctx, live: bool = False, since: date | None = None,
               until: date | None = None) -> Response:
    pdf = _report(ctx, principal, year, "pdf", live, since, until).pdf
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="report-apr-{year}.pdf"'})

