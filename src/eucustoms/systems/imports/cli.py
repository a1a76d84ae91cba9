"""``eucustoms imports``: lodge and follow import declarations, the officers' control and release decisions,
and the IMP 3 indicator. Trader and officer actions need their token (``--token`` or ``EUCUSTOMS_TOKEN``); the
box's administrator may list, consult and compute IMP 3 without one."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from eucustoms.platform.clitools import (
    AsJson, Token, caller, console, database, deliver, open_context, print_json, print_record, read_json, reported,
)

from . import service
from .indicators import imp3

app = typer.Typer(help="Imports: H1/H7 declarations, control, release, centralised clearance, IMP 3.",
                  no_args_is_help=True)


@app.command("lodge")
def lodge(path: Path, dataset: Annotated[str, typer.Option("--dataset", help="H1 or H7")] = "H1",
          token: Token = None, as_json: AsJson = False) -> None:
    """Lodge the declaration in PATH (JSON)."""
    with reported(as_json):
        ctx = open_context()
        principal = caller(token)
        out = deliver(ctx, lambda: service.lodge(ctx, principal, dataset, read_json(path)))
        out = {**out, "state": service.consult(ctx, principal, out["mrn"])["state"]}
    print_record(out, as_json, f"import declaration {out['mrn']}")


@app.command("show")
def show(mrn: str, token: Token = None, as_json: AsJson = False) -> None:
    with reported(as_json):
        data = service.consult(open_context(), caller(token, required=False), mrn)
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]{data['mrn']}[/bold] {data['dataset']} LRN {data['lrn']} — [bold]{data['state']}[/bold] "
                  f"debt {data['debt_status']} {data['debt']['total'] if data['debt'] else ''}")
    table = Table(title="message log")
    for col in ("at", "direction", "message", "party"):
        table.add_column(col)
    for m in data["message_log"]:
        table.add_row(str(m["at"]), m["direction"], m["message_type"], m["party"])
    console.print(table)


@app.command("list")
def list_(token: Token = None, state: Optional[str] = None, limit: int = 50, as_json: AsJson = False) -> None:
    with reported(as_json):
        data = service.search(open_context(), caller(token, required=False), state=state, limit=limit)
    if as_json:
        print_json(data)
        return
    table = Table(title=f"import declarations ({data['total']})")
    for col in ("MRN", "dataset", "state", "country", "declarant", "accepted", "released"):
        table.add_column(col)
    for r in data["items"]:
        table.add_row(r["mrn"], r["dataset"], r["state"], r["country"], r["declarant"], str(r["accepted_at"]),
                      str(r["released_at"]))
    console.print(table)


@app.command("amend")
def amend(mrn: str, path: Path, token: Token = None, as_json: AsJson = False) -> None:
    with reported(as_json):
        ctx = open_context()
        out = deliver(ctx, lambda: service.amend(ctx, caller(token), mrn, read_json(path)))
    print_record(out, as_json, "amendment accepted")


@app.command("invalidate")
def invalidate(mrn: str, token: Token = None, reason: Optional[str] = None, as_json: AsJson = False) -> None:
    with reported(as_json):
        ctx = open_context()
        out = deliver(ctx, lambda: service.invalidate(ctx, caller(token), mrn, reason))
    print_record(out, as_json, "invalidated")


@app.command("pay")
def pay(mrn: str, token: Token = None, reference: Optional[str] = None, as_json: AsJson = False) -> None:
    with reported(as_json):
        ctx = open_context()
        out = deliver(ctx, lambda: service.pay(ctx, caller(token), mrn, payment_reference=reference))
    print_record(out, as_json, "payment recorded")


@app.command("present")
def present(mrn: str, token: Token = None, as_json: AsJson = False) -> None:
    with reported(as_json):
        ctx = open_context()
        out = deliver(ctx, lambda: service.present(ctx, caller(token), mrn))
    print_record(out, as_json, "presented and accepted")


@app.command("control")
def control(mrn: str, decision: Annotated[str, typer.Argument(help="none, documentary or physical")],
            token: Token = None, as_json: AsJson = False) -> None:
    """(Officer) decide the control."""
    with reported(as_json):
        ctx = open_context()
        out = deliver(ctx, lambda: service.decide_control(ctx, caller(token), mrn, decision))
    print_record(out, as_json, "control decision")


@app.command("result")
def result(mrn: str, token: Token = None,
           outcome: Annotated[str, typer.Option("--result", help="no_irregularity, irregularity or seizure")] = "no_irregularity",
           findings: Optional[str] = None,
           corrections: Annotated[Optional[Path], typer.Option(
               "--corrections", help="JSON file: the particulars found per goods item "
                                     '([{"item_number": 1, "origin": "CN", "item_price": {...}}]); the debt is reassessed')] = None,
           as_json: AsJson = False) -> None:
    """(Officer) record the control result (on a released declaration: a post-release control)."""
    with reported(as_json):
        ctx = open_context()
        found = read_json(corrections) if corrections else None
        out = deliver(ctx, lambda: service.record_control(ctx, caller(token), mrn, {
            "result": outcome, **({"findings": findings} if findings else {}),
            **({"corrections": found} if found is not None else {})}))
    print_record(out, as_json, "control result")


@app.command("release")
def release(mrn: str, token: Token = None, as_json: AsJson = False) -> None:
    """(Officer) release the goods."""
    with reported(as_json):
        ctx = open_context()
        out = deliver(ctx, lambda: service.release(ctx, caller(token), mrn))
    print_record(out, as_json, "released")


@app.command("no-release")
def no_release(mrn: str, reason: Annotated[str, typer.Option(help="why the goods are not released")],
               token: Token = None, as_json: AsJson = False) -> None:
    """(Officer) refuse the release: quota and guarantee are given back."""
    with reported(as_json):
        ctx = open_context()
        out = deliver(ctx, lambda: service.refuse_release(ctx, caller(token), mrn, reason))
    print_record(out, as_json, "not released")


@app.command("imp3")
def imp3_(country: str, since: datetime, until: datetime, include_controlled: bool = False,
          as_json: AsJson = False) -> None:
    """IMP 3: share of COUNTRY's declarations accepted in [SINCE, UNTIL) released within one hour."""
    from datetime import timezone

    with reported(as_json):
        since = since if since.tzinfo else since.replace(tzinfo=timezone.utc)
        until = until if until.tzinfo else until.replace(tzinfo=timezone.utc)
        with database().read() as conn:
            out = imp3(conn, country, since, until, include_controlled=include_controlled)
    print_record(out, as_json, "IMP 3")
