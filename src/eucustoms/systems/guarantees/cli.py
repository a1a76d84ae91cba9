"""``eucustoms guarantee``: issue, show, check and list the movements of guarantees."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Optional

import typer
from rich.table import Table

from eucustoms.platform.clitools import ADMIN, console, database, print_json, reported

from . import service
from .messages import Amount, CheckRequest, GuaranteeIssue

app = typer.Typer(help="GUM: guarantees, their balances and movements.", no_args_is_help=True)


@app.command("issue")
def issue_cmd(
    guarantee_type: Annotated[str, typer.Option("--type", help="CL251 guarantee type (0, 1, 2, 3, 4, 9)")],
    holder: Annotated[str, typer.Option(help="EORI of the holder")],
    office: Annotated[str, typer.Option(help="office of guarantee (an8)")],
    amount: Annotated[str, typer.Option(help="reference amount, e.g. 50000.00")],
    currency: Annotated[str, typer.Option()] = "EUR",
    authorisation: Annotated[Optional[str], typer.Option(help="CGU authorisation reference (types 0 and 1)")] = None,
    valid_to: Annotated[Optional[str], typer.Option(help="last day of validity (YYYY-MM-DD)")] = None,
    country: Annotated[Optional[list[str]], typer.Option(help="restrict use to these countries (repeat)")] = None,
    access_code: Annotated[Optional[str], typer.Option(help="four characters; generated when omitted")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Register a guarantee and print its GRN and access code."""
    with reported(as_json):
        request = GuaranteeIssue(
            guarantee_type=guarantee_type, holder=holder, office=office,
            reference_amount=Amount(amount=amount, currency=currency), authorisation_reference=authorisation,
            valid_to=date.fromisoformat(valid_to) if valid_to else None, countries=country or None,
            access_code=access_code,
        )
        with database().begin() as conn:
            issued = service.issue(conn, ADMIN, request)
    if as_json:
        print_json(issued.model_dump(mode="json"))
    else:
        console.print(f"issued [bold]{issued.grn}[/bold] (type {issued.guarantee_type}) for {issued.holder}: "
                      f"{issued.reference_amount.amount} {issued.reference_amount.currency}, access code "
                      f"[bold]{issued.access_code}[/bold]")


@app.command()
def show(grn: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show a guarantee and its balance."""
    with reported(as_json):
        with database().read() as conn:
            g = service.show(conn, ADMIN, grn)
    if as_json:
        print_json(g.model_dump(mode="json"))
        return
    table = Table(title=f"GRN {g.grn}", show_header=False)
    for label, value in [
        ("type", g.guarantee_type), ("holder", g.holder), ("office", g.office), ("status", g.status),
        ("reference amount", f"{g.reference_amount.amount} {g.reference_amount.currency}"),
        ("balance", f"{g.balance.amount} {g.balance.currency}"),
        ("valid", f"{g.valid_from} → {g.valid_to or 'open'}"),
        ("countries", ", ".join(g.countries) if g.countries else "EU and common transit countries"),
        ("authorisation", g.authorisation_reference or "—"), ("version", str(g.version)),
    ]:
        table.add_row(label, value)
    console.print(table)


@app.command()
def check(
    grn: str,
    access_code: Annotated[str, typer.Option()],
    amount: Annotated[str, typer.Option()],
    country: Annotated[str, typer.Option()],
    currency: Annotated[str, typer.Option()] = "EUR",
    on: Annotated[Optional[str], typer.Option(help="day of use (YYYY-MM-DD), default today")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """May the guarantee cover the amount in the country? Exit 0 if yes, 1 with the CL252 reasons if not."""
    with reported(as_json):
        request = CheckRequest(grn=grn, access_code=access_code, amount=Amount(amount=amount, currency=currency),
                               country=country, on=date.fromisoformat(on) if on else None)
        with database().read() as conn:
            result = service.check(conn, request)
    if as_json:
        print_json(result.model_dump(mode="json"))
    elif result.valid:
        console.print(f"[green]{result.grn}: valid for {amount} {currency} in {country.upper()}[/green]")
    else:
        for r in result.reasons:
            console.print(f"[red]{r.code}[/red] {r.reason}")
    raise typer.Exit(0 if result.valid else 1)


@app.command()
def history(grn: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The movements of a guarantee, oldest first."""
    with reported(as_json):
        with database().read() as conn:
            moves = service.history(conn, ADMIN, grn)
    if as_json:
        print_json([m.model_dump(mode="json") for m in moves])
        return
    table = Table(title=f"movements of {grn}")
    for column in ("at", "kind", "amount", "balance after", "reference", "operation", "by"):
        table.add_column(column)
    for m in moves:
        table.add_row(m.at.strftime("%Y-%m-%d %H:%M:%S"), m.kind, f"{m.amount.amount} {m.amount.currency}",
                      str(m.balance_after.amount), m.reference or m.reason or "", m.operation_id, m.by)
    console.print(table)
