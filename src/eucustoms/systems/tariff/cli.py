"""``eucustoms tariff``: show a goods code, calculate duties, show a quota, check the business rules."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Optional

import typer
from rich.table import Table

from eucustoms.platform.clitools import console, database, print_json, reported

from . import quota
from .dataset import from_db
from .rules import RULES, check as check_rules
from .service import DutyRequest, assess, commodity, now_day, parse_amount
from .tariff import tariff

app = typer.Typer(help="TARIC: the integrated tariff, the duty calculator and tariff quotas.", no_args_is_help=True)
quota_app = typer.Typer(help="QUOTA2: tariff quota balances.", no_args_is_help=True)
app.add_typer(quota_app, name="quota")

JsonOpt = Annotated[bool, typer.Option("--json")]


@app.command()
def show(code: str, on: Annotated[Optional[str], typer.Option(help="as of this day (YYYY-MM-DD)")] = None,
         origin: Annotated[Optional[str], typer.Option(help="only measures for this origin")] = None,
         as_json: JsonOpt = False) -> None:
    """Show a goods code with its hierarchy and measures as of a day."""
    with reported(as_json):
        result = commodity(tariff(database()), code, date.fromisoformat(on) if on else now_day(), origin)
    if as_json:
        print_json(result)
        return
    for a in result["ancestors"]:
        console.print(f"{a['code']} {'  ' * a['indent']}{a['description']}")
    console.print(f"[bold]{result['code']}[/bold] {'  ' * result['indent']}{result['description']}"
                  + ("" if result["declarable"] else "  [dim](not declarable)[/dim]"))
    table = Table(title=f"measures on {result['on']}" + (f" for {result['origin']}" if result["origin"] else ""))
    for col in ("type", "area", "on code", "duty", "order", "add. code", "conditions", "regulation"):
        table.add_column(col)
    for m in result["measures"]:
        conds = ", ".join(f"{c['code']}:{c['certificate'] or '—'}→{c['action']}" for c in m["conditions"])
        table.add_row(f"{m['measure_type']} {m['description']}", m["geographical_area"], m["goods_code"], m["duty"],
                      m["order_number"] or "", m["additional_code"] or "", conds, m["regulation"])
    console.print(table)


@app.command()
def duty(code: str,
         origin: Annotated[str, typer.Option(help="country of origin")],
         value: Annotated[str, typer.Option(help="customs value with currency, e.g. 1000EUR")],
         quantity: Annotated[Optional[list[str]], typer.Option(help="quantity with unit, e.g. 100KGM (repeatable)")] = None,
         on: Annotated[Optional[str], typer.Option(help="day of acceptance (YYYY-MM-DD)")] = None,
         preference: Annotated[Optional[str], typer.Option(help="preference code, e.g. 300")] = None,
         proof: Annotated[Optional[list[str]], typer.Option(help="certificate or document presented (repeatable)")] = None,
         quota_order: Annotated[Optional[str], typer.Option("--quota", help="quota order number")] = None,
         member_state: Annotated[Optional[str], typer.Option(help="member state of import (for VAT)")] = None,
         additional_code: Annotated[Optional[list[str]], typer.Option(help="additional code (repeatable)")] = None,
         as_json: JsonOpt = False) -> None:
    """Calculate the duties and import VAT of one goods item."""
    with reported(as_json):
        amount, currency = parse_amount(value)
        quantities = {}
        for q in quantity or []:
            n, unit = parse_amount(q)
            quantities[unit] = str(n)
        req = DutyRequest(goods_code=code, origin=origin, on=date.fromisoformat(on) if on else None,
                          customs_value=str(amount), currency=currency, quantities=quantities, preference=preference,
                          proofs=proof or [], quota_order_number=quota_order, member_state=member_state,
                          additional_codes=additional_code or [])
        result = assess(database(), req, now_day())
    if as_json:
        print_json(result.as_dict())
        return
    if result.conversion:
        console.print(result.conversion)
    for d in result.duties:
        mark = "[green]✓[/green]" if d.applied else "[dim]·[/dim]"
        console.print(f"{mark} {d.measure.type_id} {d.measure.type_description} ({d.measure.area_id}) {d.measure.duty}: "
                      f"EUR {d.amount.amount} — {d.note}")
        for line in d.arithmetic:
            console.print(f"      {line}")
    for r in result.restrictions:
        colour = "green" if r.met else "red"
        console.print(f"[{colour}]{r.measure.type_id} {r.measure.type_description}: {r.note}[/{colour}]")
    console.print(f"customs duties: EUR {result.customs_duties.amount}")
    if result.vat_arithmetic:
        console.print(result.vat_arithmetic)
    console.print(f"[bold]total: EUR {result.total.amount}[/bold]")
    for n in result.notes:
        console.print(f"[dim]{n}[/dim]")


@quota_app.command("show")
def quota_show(order_number: str, on: Annotated[Optional[str], typer.Option()] = None, as_json: JsonOpt = False) -> None:
    """Show the balance of a tariff quota on a day."""
    with reported(as_json):
        with database().read() as conn:
            result = quota.balance(conn, order_number, date.fromisoformat(on) if on else now_day())
    if as_json:
        print_json(result)
        return
    console.print(f"quota [bold]{order_number}[/bold] {result['valid_from']} → {result['valid_to']} ({result['status']})")
    console.print(f"balance {result['balance']} of {result['initial_volume']} {result['unit']}; pending {result['pending']}")


@app.command("check")
def check(as_json: JsonOpt = False) -> None:
    """Run every TARIC business rule over the loaded tariff data: exit 1 on any violation."""
    with reported(as_json):
        with database().read() as conn:
            ds = from_db(conn)
    violations = check_rules(ds)
    if as_json:
        print_json({"rules": [r.id for r in RULES], "violations": [v.__dict__ for v in violations]})
    else:
        console.print(f"{len(RULES)} rules checked over {len(ds.measures)} measures and {len(ds.goods)} goods lines")
        for v in violations:
            console.print(f"[red]{v}[/red]")
        if not violations:
            console.print("[green]no violations[/green]")
    raise typer.Exit(1 if violations else 0)
