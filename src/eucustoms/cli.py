"""The ``eucustoms`` command: set up, serve and demonstrate the box, and each system's commands."""

from __future__ import annotations

import logging
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from eucustoms import __version__
from eucustoms.core.errors import InvalidIdentifier
from eucustoms.core.identifiers import MRN, ProcedureCategory
from eucustoms.platform.auth import Role, issue_token, list_tokens, revoke_token
from eucustoms.platform.clitools import console, database, err_console, print_json, reported, set_database_url
from eucustoms.platform.numbering import allocate_mrn
from eucustoms.sim import cli as sim_cli
from eucustoms.systems.ebti.cli import app as ebti_app
from eucustoms.systems.ecics.cli import app as ecics_app
from eucustoms.systems.eos.cli import app as eori_app
from eucustoms.systems.export.cli import app as export_app
from eucustoms.systems.guarantees.cli import app as guarantee_app
from eucustoms.systems.ics2.cli import app as ics2_app
from eucustoms.systems.imports.cli import app as imports_app
from eucustoms.systems.risk.cli import app as risk_app
from eucustoms.systems.copis.cli import app as copis_app
from eucustoms.systems.decisions.cli import app as decisions_app
from eucustoms.systems.programme.cli import app as programme_app
from eucustoms.systems.programme.cli import report_app
from eucustoms.systems.rex.cli import app as rex_app
from eucustoms.systems.singlewindow.cli import app as certex_app
from eucustoms.systems.status.cli import app as pous_app
from eucustoms.systems.surveillance.cli import app as surveillance_app
from eucustoms.systems.tariff.cli import app as tariff_app
from eucustoms.systems.transit.cli import app as transit_app

app = typer.Typer(
    help="eucustoms: the EU customs union in a box.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
mrn_app = typer.Typer(help="Movement Reference Numbers: validate and allocate.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens: issue, list, revoke.", no_args_is_help=True)
app.add_typer(mrn_app, name="mrn")
app.add_typer(token_app, name="token")
app.add_typer(eori_app, name="eori")
app.add_typer(ics2_app, name="ics2")
app.add_typer(guarantee_app, name="guarantee")
app.add_typer(risk_app, name="risk")
app.add_typer(tariff_app, name="tariff")
app.add_typer(imports_app, name="imports")
app.add_typer(surveillance_app, name="surveillance")
app.add_typer(pous_app, name="pous")
app.add_typer(certex_app, name="certex")
app.add_typer(decisions_app, name="decisions")
app.add_typer(rex_app, name="rex")
app.add_typer(copis_app, name="copis")
app.add_typer(ebti_app, name="ebti")
app.add_typer(ecics_app, name="ecics")
app.add_typer(transit_app, name="transit")
app.add_typer(export_app, name="export")
app.add_typer(programme_app, name="programme")
app.add_typer(report_app, name="report")
sim_cli.register(app)


@app.callback()
def main_options(
    db: Annotated[Optional[str], typer.Option("--db", envvar="EUCUSTOMS_DATABASE_URL",
                                              help="database URL (default: embedded SQLite under EUCUSTOMS_HOME)")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    set_database_url(db, readiness=_readiness, context=_open_box)
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def _open_box(db):  # noqa: ANN001, ANN202
    from eucustoms.union import open_union

    return open_union(db=db)


def _readiness(db) -> str | None:  # noqa: ANN001
    from eucustoms.migrations import current, head

    try:
        at = current(db)
    except Exception as exc:  # noqa: BLE001 - e.g. the server is down: say so, no traceback
        return f"cannot open the database {db.describe()}: {exc.__class__.__name__}: {exc}"
    if at != head():
        return f"the database {db.describe()} is not initialised or not up to date: run `eucustoms init` first"
    return None


@app.command()
def version() -> None:
    """Print the version."""
    console.print(__version__)


def run_init(quiet: bool = False) -> dict[str, int]:
    """Migrate the database and load the reference data, with a progress bar."""
    from eucustoms.migrations import upgrade
    from eucustoms.refdata import load_reference_data
    from eucustoms.platform.clitools import ADMIN
    from eucustoms.systems.ebti.service import refresh as refresh_bti
    from eucustoms.systems.ecics.loader import load_ecics
    from eucustoms.systems.tariff.loader import load_tariff

    db = database(initialised=False)
    upgrade(db)
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed:,} rows"),
                  TimeElapsedColumn(), console=err_console, disable=quiet, transient=True) as progress:
        task = progress.add_task("reference data", total=None)

        def step(dataset: str, rows: int) -> None:
            progress.update(task, description=f"reference data: {dataset}", advance=rows)

        loaded = load_reference_data(db, progress=step)
        progress.update(task, description="tariff (TARIC measures, quotas, VAT)")
        loaded["tariff"] = sum(load_tariff(db).values())
        progress.update(task, description="ECICS (chemical substances)")
        report = load_ecics(db)
        loaded["ecics"] = report.inserted + report.updated
        with db.begin() as conn:  # BTIs whose code a newly loaded nomenclature ended cease
            refresh_bti(conn, ADMIN)
    return loaded


@app.command()
def init(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Create or migrate the database and load the reference data."""
    loaded = run_init(quiet=as_json)
    if as_json:
        print_json({"database": database(initialised=False).describe(), "reference_data": loaded})
    else:
        console.print(f"database ready: {database(initialised=False).describe()}")
        for name, rows in loaded.items():
            console.print(f"  {name}: {rows:,}")


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """Serve the API (and deliver messages between the domains in the background)."""
    from eucustoms.demo import serve_forever

    serve_forever(host, port)


@app.command()
def demo(
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="serve the API after the summary")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """Initialise the embedded box, register operators and officers across the member states, exercise
    every system that exists, print a summary, and serve."""
    from eucustoms.demo import print_summary, run_demo, serve_forever

    run_init(quiet=as_json)
    summary = run_demo(database(), quiet=as_json)
    if as_json:
        print_json(summary)
    else:
        print_summary(summary)
    if serve:
        serve_forever(host, port)


@mrn_app.command("validate")
def mrn_validate(mrn: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Check an MRN: exit 0 if valid, 1 with the reason if not."""
    try:
        parsed = MRN.parse(mrn)
    except InvalidIdentifier as exc:
        if as_json:
            print_json({"mrn": mrn, "valid": False, "reason": exc.reason})
        else:
            err_console.print(f"[red]invalid[/red] {mrn}: {exc.reason}")
        raise typer.Exit(1)
    details = {"mrn": str(parsed), "valid": True, "year": parsed.year, "country": parsed.country,
               "procedure": parsed.procedure.value, "procedure_description": parsed.procedure.description}
    if as_json:
        print_json(details)
    else:
        console.print(f"[green]valid[/green] {parsed}: {parsed.year}, {parsed.country}, "
                      f"{parsed.procedure.value} ({parsed.procedure.description})")


@mrn_app.command("new")
def mrn_new(
    country: Annotated[str, typer.Option(help="issuing country (ISO alpha-2)")],
    procedure: Annotated[str, typer.Option(help="procedure category letter: " + ", ".join(p.value for p in ProcedureCategory))],
    year: Annotated[Optional[int], typer.Option(help="year of acceptance (default: this year)")] = None,
    count: Annotated[int, typer.Option(min=1, max=100_000)] = 1,
) -> None:
    """Allocate new MRNs from the country's durable sequence."""
    with reported():
        with database().begin() as conn:
            for _ in range(count):
                console.print(str(allocate_mrn(conn, country, procedure.upper(), year=year)))


@token_app.command("issue")
def token_issue(
    role: Annotated[Role, typer.Option(help="trader, officer or commission")],
    name: Annotated[str, typer.Option(help="who holds the token")],
    eori: Annotated[Optional[str], typer.Option(help="trader's EORI (must be registered)")] = None,
    office: Annotated[Optional[str], typer.Option(help="officer's customs office reference (its country follows)")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Issue an API token (printed once; only its hash is stored)."""
    from eucustoms.demo import check_token_binding

    with reported(as_json):
        db = database()
        with db.begin() as conn:
            eori, office = check_token_binding(db, conn, role, eori, office)
            token, principal = issue_token(conn, role=role, name=name, eori=eori,
                                           country=office[:2] if office else None, office=office)
    if as_json:
        print_json({"token": token, **principal.as_dict()})
    else:
        console.print(token)


@token_app.command("list")
def token_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List tokens (never their secrets)."""
    with database().read() as conn:
        rows = list_tokens(conn)
    if as_json:
        print_json(rows)
        return
    for r in rows:
        state = "revoked" if r["revoked_at"] else "active"
        console.print(f"{r['token_id']}  {r['role']:<10} {r['name']:<30} {r['eori'] or r['office'] or ''}  {state}")


@token_app.command("revoke")
def token_revoke(token_id: str) -> None:
    """Revoke a token by its id."""
    with database().begin() as conn:
        done = revoke_token(conn, token_id)
    if not done:
        err_console.print(f"no active token {token_id}")
        raise typer.Exit(1)
    console.print(f"revoked {token_id}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
