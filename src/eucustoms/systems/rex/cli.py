"""``eucustoms rex``: apply for and register exporters, amend, revoke, show, validate and check statements.

Without ``--token`` a command runs with the box administrator's (the Commission's) rights."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from eucustoms.core.errors import ErrorCode, Rejected
from eucustoms.platform.clitools import AsJson, Token, caller, console, database, print_json, read_json, reported

from . import service
from .codes import REVOCATION_GROUNDS
from .examples import example as build_example
from .messages import Registration, Rejection, Revocation, RexAmendment, RexApplication

app = typer.Typer(help="REX: registered exporters (GSP and free trade agreements).", no_args_is_help=True)


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "date", f"{text!r} is not a date (YYYY-MM-DD)") from None


def _print(e, as_json: bool) -> None:  # noqa: ANN001
    if as_json:
        print_json(e.model_dump(mode="json"))
        return
    table = Table(title=f"REX {e.rex_number}", show_header=False)
    for label, value in [
        ("name", e.name), ("country", f"{e.country} ({e.arrangement})"), ("state", e.state),
        ("valid", f"{e.valid_from or '-'} -> {e.revoked_from or 'open'}"), ("activities", ", ".join(e.activities)),
        ("goods", ", ".join(g.code for g in e.goods)), ("purposes", ", ".join(e.purposes)),
        ("published", "yes" if e.publication_consent else "no"), ("version", str(e.version)),
    ]:
        table.add_row(label, value)
    console.print(table)


@app.command("example")
def example(third_country: Annotated[bool, typer.Option("--third-country", help="a GSP beneficiary-country exporter")] = False,
            eori: Annotated[str, typer.Option()] = "DE1234567890") -> None:
    """Print an example application to start from."""
    print_json(build_example(third_country=third_country, eori=eori.upper()))


@app.command("apply")
def apply(path: Path, register: Annotated[bool, typer.Option("--register", help="register it at once (authorities)")] = False,
          token: Token = None, as_json: AsJson = False) -> None:
    """Lodge the application in PATH (JSON); with --register, register the exporter in the same step."""
    with reported(as_json):
        body = RexApplication.model_validate(read_json(path))
        principal = caller(token, required=False)
        with database().begin() as conn:
            e = service.apply(conn, principal, body)
            if register:
                e = service.register(conn, principal, e.rex_number)
    if as_json:
        print_json(e.model_dump(mode="json"))
    else:
        console.print(f"{e.state} [bold]{e.rex_number}[/bold] {e.name}")


@app.command("register")
def register(rex_number: str, valid_from: Annotated[Optional[str], typer.Option()] = None, token: Token = None,
             as_json: AsJson = False) -> None:
    """Register the exporter that applied."""
    with reported(as_json):
        with database().begin() as conn:
            e = service.register(conn, caller(token, required=False), rex_number, Registration(valid_from=_day(valid_from)))
    _print(e, as_json)


@app.command("reject")
def reject(rex_number: str, reason: Annotated[str, typer.Option()], token: Token = None, as_json: AsJson = False) -> None:
    """Reject an application."""
    with reported(as_json):
        with database().begin() as conn:
            e = service.reject(conn, caller(token, required=False), rex_number, Rejection(reason=reason))
    _print(e, as_json)


@app.command("amend")
def amend(rex_number: str, name: Annotated[Optional[str], typer.Option()] = None,
          publish: Annotated[Optional[bool], typer.Option("--publish/--no-publish")] = None,
          purpose: Annotated[Optional[list[str]], typer.Option(help="purposes, replacing the list (repeat)")] = None,
          reason: Annotated[Optional[str], typer.Option()] = None, token: Token = None, as_json: AsJson = False) -> None:
    """Amend a registration: only the options given change."""
    with reported(as_json):
        change = {"name": name, "publication_consent": publish, "purposes": purpose, "reason": reason}
        body = RexAmendment.model_validate({k: v for k, v in change.items() if v is not None})
        with database().begin() as conn:
            e = service.amend(conn, caller(token, required=False), rex_number, body)
    _print(e, as_json)


@app.command("revoke")
def revoke(rex_number: str, reason: Annotated[str, typer.Option()],
           ground: Annotated[str, typer.Option(help=", ".join(REVOCATION_GROUNDS))] = "ceased_activity",
           effective: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD, default today")] = None,
           token: Token = None, as_json: AsJson = False) -> None:
    """Revoke a registration: statements on origin made out from the effective day are invalid."""
    with reported(as_json):
        body = Revocation(ground=ground, reason=reason, effective=_day(effective))
        with database().begin() as conn:
            e = service.revoke(conn, caller(token, required=False), rex_number, body)
    _print(e, as_json)


@app.command("show")
def show(rex_number: str, token: Token = None, as_json: AsJson = False) -> None:
    """Show a registration."""
    with reported(as_json):
        with database().read() as conn:
            e = service.show(conn, caller(token, required=False), rex_number)
    _print(e, as_json)


@app.command("history")
def history(rex_number: str, token: Token = None, as_json: AsJson = False) -> None:
    """Every change to a registration, oldest first."""
    with reported(as_json):
        with database().read() as conn:
            rows = service.history(conn, caller(token, required=False), rex_number)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"history of {rex_number.upper()}")
    for col in ("version", "action", "by", "at", "reason"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["version"]), r["action"], r["changed_by"], str(r["changed_at"]), r["reason"] or "")
    console.print(table)


@app.command("validate")
def validate(rex_number: str, on: Annotated[Optional[str], typer.Option()] = None, as_json: AsJson = False) -> None:
    """The public validation: exit 0 if valid, 1 if not."""
    with reported(as_json):
        with database().begin() as conn:
            result = service.validate_public(conn, rex_number, on=_day(on))
    if as_json:
        print_json(result.model_dump(mode="json"))
    else:
        colour = "green" if result.valid else "red"
        console.print(f"[{colour}]{result.rex_number}: {result.status_description}[/{colour}]"
                      + (f" - {result.name}" if result.name else ""))
    raise typer.Exit(0 if result.valid else 1)


@app.command("check-statement")
def check_statement(rex_number: str, made_out_on: Annotated[str, typer.Option("--date", help="YYYY-MM-DD")],
                    as_json: AsJson = False) -> None:
    """May a statement on origin made out on --date with REX_NUMBER be accepted? Exit 0 if yes, 1 if not."""
    with reported(as_json):
        day = _day(made_out_on)
        assert day is not None
        with database().read() as conn:
            result = service.check_statement(conn, rex_number, day)
    if as_json:
        print_json(result.model_dump(mode="json"))
    else:
        console.print(f"[{'green' if result.valid else 'red'}]{result.rex_number}: {result.reason}[/]")
    raise typer.Exit(0 if result.valid else 1)
