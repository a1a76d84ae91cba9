"""``eucustoms programme`` (load the dataset, indicators, checks, probes, live indicators, recording) and
``eucustoms report`` (the annual progress report as HTML and PDF)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer
from pydantic import BaseModel
from rich.table import Table

from eucustoms.platform.clitools import (
    ADMIN,
    AsJson,
    Token,
    caller,
    console,
    database,
    open_context,
    print_json,
    read_json,
    reported,
)

from . import live, loader, probes, report, service
from .checks import FINDING
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
from .model import fmt, jsonable, short_id

app = typer.Typer(help="Programme monitoring: the Customs programme's indicators, checks, probes and records.",
                  no_args_is_help=True)
record_app = typer.Typer(help="Record a year's activity data from a JSON file (--token: a coordinator records its country's).",
                         no_args_is_help=True)
app.add_typer(record_app, name="record")
report_app = typer.Typer(help="Reports: the Customs programme's annual progress report.", no_args_is_help=True)

Year = Annotated[int, typer.Option(help="the report's year")]
Since = Annotated[Optional[str], typer.Option(help="first day YYYY-MM-DD (default: everything recorded)")]
Until = Annotated[Optional[str], typer.Option(help="last day YYYY-MM-DD (default: today)")]


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@app.command()
def load(file: Annotated[Optional[Path], typer.Argument(help="a dataset YAML (default: the shipped 2024 report)")] = None,
         as_json: AsJson = False) -> None:
    """Load a transcribed dataset (idempotent)."""
    with reported(as_json):
        with database().begin() as conn:
            result = service.load_dataset(conn, ADMIN, file)
    if as_json:
        print_json(result)
        return
    console.print(f"loaded [bold]{result['dataset']}[/bold] ({result['year']}) from {result['file']}")
    for name, n in result["loaded"].items():
        console.print(f"  {name}: {n}")


@app.command()
def indicators(year: Year = 2024, level: Annotated[Optional[str], typer.Option(help="OP, RES or IMP")] = None,
               as_json: AsJson = False) -> None:
    """The indicators with their values, targets and status for a year."""
    with reported(as_json):
        with database().read() as conn:
            ds = service.read_dataset(conn, ADMIN, year)
    views = service.indicator_views(ds, level=level)
    if as_json:
        print_json(views)
        return
    table = Table(title=f"Customs programme indicators {year}")
    for col in ("indicator", "value", "target / milestone", "status", "trend", "source"):
        table.add_column(col)
    for ind in ds.ordered():
        if level and ind.level != level.upper():
            continue
        res = ds.result(ind.id)
        a = report.assess(ind, res, ds.previous.get(ind.id), year)
        table.add_row(f"{ind.short} {ind.name[:60]}", res.printed if res else "—", a.text, a.status,
                      f"{a.trend} {a.trend_text}".strip(), res.origin if res else "")
    console.print(table)


@app.command()
def check(year: Year = 2024, only: Annotated[Optional[list[str]], typer.Option("--check", help="run only this check (repeatable)")] = None,
          strict: Annotated[bool, typer.Option("--strict", help="exit 1 when there is a discrepancy")] = False,
          as_json: AsJson = False) -> None:
    """Run the data-quality checks on a year's figures and list every finding with its figures."""
    with reported(as_json):
        with database().read() as conn:
            result = service.check(conn, ADMIN, year, only)
    if as_json:
        print_json(result.as_dict())
    else:
        s = result.summary()
        table = Table(title=f"Data-quality findings {year}: {s['findings']} ({', '.join(f'{n} {k}' for k, n in s['by_severity'].items() if n)})")
        for col in ("check", "severity", "subject", "finding"):
            table.add_column(col, overflow="fold")
        for f in result.findings:
            table.add_row(f.check, f.severity or "", f.subject, f.message)
        console.print(table)
        console.print(f"{s['passed']} passed, {s['findings']} findings, {s['skipped']} not applicable")
    if strict and any(o.status == FINDING and o.severity == "discrepancy" for o in result.outcomes):
        raise typer.Exit(1)


@app.command()
def probe(every: Annotated[Optional[float], typer.Option(help="probe every SECONDS until interrupted")] = None,
          rounds: Annotated[Optional[int], typer.Option(help="stop after this many rounds (with --every)")] = None,
          timeout: Annotated[float, typer.Option(help="seconds to wait for the network's answers")] = 5.0,
          as_json: AsJson = False) -> None:
    """Probe every system of the box (and the message exchange) once, or periodically; results are recorded."""
    ctx = open_context()

    def show(summary: dict[str, Any]) -> None:
        if as_json:
            print_json(jsonable({k: v for k, v in summary.items() if k != "results"}))
        else:
            down = ", ".join(f"{d['system']}{':' + d['target'] if d['target'] else ''}" for d in summary["down"]) or "none"
            console.print(f"{summary['at']:%Y-%m-%d %H:%M:%S} round {summary['round']}: {summary['up']}/{summary['probes']} up; down: {down}")
            if summary["not_installed"]:
                console.print(f"  not installed in this database (not probed): {', '.join(sorted(summary['not_installed']))}")

    try:
        if every:
            try:
                probes.run_every(ctx, every, rounds=rounds, on_round=show, timeout=timeout)
            except KeyboardInterrupt:
                pass
        else:
            show(probes.probe_systems(ctx, timeout=timeout))
    finally:
        ctx.bus.stop()


@app.command("live")
def live_(since: Since = None, until: Until = None, as_json: AsJson = False) -> None:
    """The indicators the box computes from what its systems recorded, next to the EU's 2024 values."""
    with reported(as_json):
        with database().read() as conn:
            reference = loader.read_dataset(conn, 2024, with_records=False)
            data = live.compute(conn, since=_day(since), until=_day(until), reference=reference)
    if as_json:
        print_json(jsonable({**{k: v for k, v in data.items() if k != "indicators"},
                             "indicators": [li.as_dict() for li in data["indicators"]]}))
        return
    table = Table(title=f"The box ({data['period']}) next to the EU in 2024")
    for col in ("indicator", "row", "the box", "status", "EU 2024"):
        table.add_column(col)
    for li in data["indicators"]:
        table.add_row(f"{short_id(li.indicator_id)}", "[bold]total[/bold]", fmt(li.value) if li.value is not None else "—",
                      li.status, li.eu_printed)
        for r in li.rows:
            table.add_row("", r.label[:50], fmt(r.value) if r.value is not None else "—", r.status, r.eu_printed)
    console.print(table)


def _record(kind: str, model: type[BaseModel], action: Callable[..., dict[str, Any]]) -> Callable[..., None]:
    def command(file: Path, token: Token = None, as_json: AsJson = False) -> None:
        with reported(as_json):
            data = read_json(file)
            bodies = [model.model_validate(d) for d in (data if isinstance(data, list) else [data])]
            principal = caller(token, required=False)
            with database().begin() as conn:
                results = [action(conn, principal, b) for b in bodies]
        if as_json:
            print_json(results if isinstance(data, list) else results[0])
        else:
            console.print(f"recorded {len(results)} {kind}{'s' if len(results) != 1 and not kind.endswith('s') else ''}")

    command.__doc__ = f"Record {kind} from a JSON file."
    # Real objects, not strings: the module's annotations are postponed and ``kind`` is not a global.
    command.__annotations__ = {"file": Annotated[Path, typer.Argument(help=f"the {kind} as JSON (a list records several)")],
                               "token": Token, "as_json": AsJson, "return": None}
    return command


record_app.command("activity")(_record("activity", ActionRecord, service.record_action))
record_app.command("meeting")(_record("meeting", MeetingRecord, service.record_meeting))
record_app.command("participants")(_record("participants", ParticipantsRecord, service.record_participants))
record_app.command("training")(_record("training", TrainingRecord, service.record_training))
record_app.command("survey")(_record("survey", SurveyRecord, service.record_survey))
record_app.command("incident")(_record("incident", IncidentRecord, service.record_incident))
record_app.command("value")(_record("value", ValueRecord, service.record_value))
record_app.command("pics")(_record("PICS figure", PicsRecord, service.record_pics))


@report_app.command()
def apr(year: Year = 2024, out: Annotated[Path, typer.Option(help="directory to write the HTML and PDF to")] = Path("."),
        live_: Annotated[bool, typer.Option("--live", help="add the indicators computed by the box")] = False,
        since: Since = None, until: Until = None, as_json: AsJson = False) -> None:
    """Write the annual progress report: OUT/report-apr-YEAR.html (self-contained) and OUT/report-apr-YEAR.pdf."""
    with reported(as_json):
        with database().read() as conn:
            built = report.build(conn, year, include_live=live_, since=_day(since), until=_day(until))
        paths = built.write(out)
    summary = {"year": year, "html": str(paths["html"]), "pdf": str(paths["pdf"]), "charts": len(built.charts),
               "findings": built.checks.summary()["findings"] if built.checks else 0, "live": live_}
    if as_json:
        print_json(summary)
    else:
        console.print(f"wrote {paths['html']} and {paths['pdf']} ({summary['charts']} charts, {summary['findings']} data-quality findings)")

