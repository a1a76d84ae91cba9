"""``eucustoms surveillance``: the records of a released declaration and aggregates of released goods."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Optional

import typer
from rich.table import Table

from eucustoms.platform.clitools import AsJson, Token, caller, console, database, print_json, reported

from . import service
from .messages import AggregateQuery

app = typer.Typer(help="Surveillance (SURV): data records of released goods and their aggregates.",
                  no_args_is_help=True)


@app.command("records")
def records(mrn: str, token: Token = None, as_json: AsJson = False) -> None:
    """The surveillance records of one declaration."""
    with reported(as_json):
        with database().read() as conn:
            rows = service.records_of(conn, caller(token, required=False), mrn)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"surveillance records of {mrn}")
    for col in ("flow", "item", "goods code", "origin", "partner", "net mass kg", "value EUR", "released"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["flow"], str(r["item"]), r["goods_code"], r["origin"] or "", r["partner"] or "",
                      r["net_mass"] or "", r["value_eur"] or "", r["release_date"])
    console.print(table)


@app.command("aggregate")
def aggregate(
    code: Annotated[Optional[str], typer.Option("--code", help="goods code or its beginning")] = None,
    flow: Annotated[Optional[str], typer.Option(help="I (import) or E (export)")] = None,
    origin: Optional[str] = None, partner: Optional[str] = None,
    country: Annotated[Optional[str], typer.Option(help="member state")] = None,
    since: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD")] = None,
    until: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD")] = None,
    by: Annotated[str, typer.Option("--by", help="dimensions, comma-separated")] = "goods_code,origin,month",
    token: Token = None, as_json: AsJson = False,
) -> None:
    """Totals of released goods per group (an officer sees its own member state's)."""
    with reported(as_json):
        query = AggregateQuery(goods_code=code, flow=flow, origin=origin, partner=partner, country=country,
                               since=date.fromisoformat(since) if since else None,
                               until=date.fromisoformat(until) if until else None,
                               group_by=[d.strip() for d in by.split(",") if d.strip()])
        with database().read() as conn:
            data = service.aggregate(conn, query, principal=caller(token, required=False))
    if as_json:
        print_json(data)
        return
    dims = query.group_by
    table = Table(title="released goods")
    for col in (*dims, "items", "declarations", "net mass kg", "value EUR"):
        table.add_column(col)
    for g in data["groups"]:
        table.add_row(*[str(g[d]) for d in dims], str(g["items"]), str(g["declarations"]), g["net_mass_kg"],
                      g["value_eur"])
    console.print(table)
