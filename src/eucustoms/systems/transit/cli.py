"""``eucustoms transit``: send NCTS phase 5 messages (XML files), follow movements and their message logs, and the
officers' decisions at the offices of departure, transit and destination. Trader and officer actions need their
token (``--token`` or ``EUCUSTOMS_TOKEN``); the box's administrator may show, list and read logs without one."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from eucustoms.core.errors import ErrorCode, Rejected
from eucustoms.platform.clitools import (
    AsJson, Token, caller, console, deliver, fail, open_context, print_json, print_record, reported,
)

from . import destination, service, transit_office
from .exchange import MessageRejected

app = typer.Typer(help="Transit (NCTS phase 5): CC messages, movements, offices of departure, transit, destination.",
                  no_args_is_help=True)

ShowXml = Annotated[bool, typer.Option("--xml", help="print the XML of the messages sent back")]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise Rejected.one(ErrorCode.SYNTAX, str(path), f"cannot read the file: {exc}") from None


def _replies(replies: list[dict], show_xml: bool) -> None:
    for r in replies:
        if show_xml:
            console.print(r["xml"], markup=False, highlight=False)
        else:
            console.print(f"← {r['message_type']} ({r['message_id']})")


@app.command("send")
def send(path: Path, token: Token = None, show_xml: ShowXml = False, as_json: AsJson = False) -> None:
    """Send the CC message in PATH (XML): prints the movement's MRN and state, and the messages sent back."""
    with reported(as_json):
        ctx = open_context()
        principal = caller(token)
        body = _read(path)
        try:
            out = deliver(ctx, lambda: service.submit(ctx, principal, body))
        except MessageRejected as exc:
            if as_json:
                print_json({**exc.as_dict(), "message": exc.message, "errors": [i.as_dict() for i in exc.issues]})
                raise typer.Exit(1) from None
            _replies(exc.as_dict()["replies"], show_xml)
            fail(exc)
    if as_json:
        print_json(out)
        return
    console.print(f"[bold]{out['message_type']}[/bold] accepted: movement {out['mrn']} — [bold]{out['state']}[/bold]")
    _replies(out["replies"], show_xml)


@app.command("show")
def show(mrn: str, token: Token = None, as_json: AsJson = False) -> None:
    """The movement: its state at each office you may see."""
    with reported(as_json):
        data = service.consult(open_context(), caller(token, required=False), mrn)
    if as_json:
        print_json(data)
        return
    table = Table(title=f"transit movement {data['mrn']}")
    for col in ("office", "role", "state", "since"):
        table.add_column(col)
    if "departure" in data:
        d = data["departure"]
        table.add_row(d["office_of_departure"], "departure", d["state"], str(d["updated_at"]))
    for p in data.get("transit", []):
        table.add_row(p["office"], "transit", p["state"], str(p["crossed_at"] or p["received_at"]))
    if "destination" in data:
        a = data["destination"]
        table.add_row(a["office_actual"] or a["office_of_destination"], "destination", a["state"], str(a["updated_at"]))
    console.print(table)


@app.command("log")
def log_(mrn: str, token: Token = None,
         entry: Annotated[Optional[int], typer.Option("--xml", help="print the XML of this log entry")] = None,
         as_json: AsJson = False) -> None:
    """The movement's message log (CC messages, officers' actions, and for customs the IE messages)."""
    with reported(as_json):
        ctx = open_context()
        principal = caller(token, required=False)
        if entry is not None:
            console.print(service.message_xml(ctx, principal, mrn, entry), markup=False, highlight=False)
            return
        data = service.log(ctx, principal, mrn)
    if as_json:
        print_json(data)
        return
    table = Table(title=f"message log of {data['mrn']}")
    for col in ("id", "at", "domain", "direction", "message", "party"):
        table.add_column(col)
    for e in data["entries"]:
        table.add_row(str(e["id"] or ""), str(e["at"]), e["domain"], e["direction"], e["message_type"], e["party"])
    console.print(table)


@app.command("list")
def list_(token: Token = None, state: Optional[str] = None, limit: int = 50, as_json: AsJson = False) -> None:
    """Movements at departure: your own, your member state's, or all (administrator)."""
    with reported(as_json):
        data = service.search(open_context(), caller(token, required=False), state=state, limit=limit)
    if as_json:
        print_json(data)
        return
    table = Table(title=f"transit movements ({data['total']})")
    for col in ("MRN", "LRN", "state", "departure", "destination", "holder", "released"):
        table.add_column(col)
    for r in data["items"]:
        table.add_row(r["mrn"], r["lrn"], r["state"], r["office_of_departure"], r["office_of_destination"], r["holder"],
                      str(r["released_at"] or ""))
    console.print(table)


@app.command("example")
def example(message_type: str = typer.Argument("CC015C", help="CC015C, CC007C or a message the offices send")) -> None:
    """Print a realistic example of MESSAGE_TYPE (XML) to start from."""
    from eucustoms.systems.transit.xml import examples, render

    with reported():
        try:
            data = examples.example(message_type.upper())
        except KeyError:
            raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "MESSAGE_TYPE",
                               f"no example of {message_type}: one of {', '.join(sorted(examples.EXAMPLES))}") from None
    console.print(render(message_type.upper(), data, pretty=True).decode(), markup=False, highlight=False)


def _officer(action, title: str, as_json: bool) -> None:  # noqa: ANN001
    with reported(as_json):
        ctx = open_context()
        out = deliver(ctx, lambda: action(ctx))
    if not as_json:
        out = {k: v for k, v in out.items() if k != "replies"}
    print_record(out, as_json, title)


@app.command("control")
def control(mrn: str, decision: Annotated[str, typer.Argument(help="documentary, scan or physical")],
            token: Token = None, note: Optional[str] = None, as_json: AsJson = False) -> None:
    """(Officer, departure) decide a control before release (CC060C)."""
    _officer(lambda ctx: service.decide_control(ctx, caller(token), mrn, decision, note), "control decision", as_json)


@app.command("result")
def result(mrn: str, token: Token = None,
           outcome: Annotated[str, typer.Option("--result", help="no_irregularity, irregularity or seizure")] = "no_irregularity",
           findings: Optional[str] = None, as_json: AsJson = False) -> None:
    """(Officer, departure) record the control result."""
    _officer(lambda ctx: service.record_control(ctx, caller(token), mrn, outcome, findings), "control result", as_json)


@app.command("release")
def release(mrn: str, token: Token = None, as_json: AsJson = False) -> None:
    """(Officer, departure) release the goods for transit (CC029C; GUM debited)."""
    _officer(lambda ctx: service.release(ctx, caller(token), mrn), "release", as_json)


@app.command("no-release")
def no_release(mrn: str, reason: Annotated[str, typer.Option("--reason")], token: Token = None,
               as_json: AsJson = False) -> None:
    """(Officer, departure) refuse the release (CC051C)."""
    _officer(lambda ctx: service.refuse_release(ctx, caller(token), mrn, reason), "no release", as_json)


@app.command("write-off")
def write_off(mrn: str, token: Token = None, note: Optional[str] = None, as_json: AsJson = False) -> None:
    """(Officer, departure) write the movement off after discrepancies or recovery (CC045C; GUM credited)."""
    _officer(lambda ctx: service.write_off(ctx, caller(token), mrn, note), "written off", as_json)


@app.command("recover")
def recover(mrn: str, amount: Annotated[Decimal, typer.Option("--amount")], token: Token = None,
            currency: str = "EUR", note: Optional[str] = None, as_json: AsJson = False) -> None:
    """(Officer, departure) start the recovery of the debt (CC035C)."""
    _officer(lambda ctx: service.recover(ctx, caller(token), mrn, amount, currency, note), "recovery", as_json)


@app.command("crossing")
def crossing(mrn: str, token: Token = None, office: Optional[str] = None, as_json: AsJson = False) -> None:
    """(Officer, office of transit) the goods passed: IE118 to the office of departure."""
    _officer(lambda ctx: transit_office.record_crossing(ctx, caller(token), mrn, office), "crossing", as_json)


@app.command("unloading")
def unloading(mrn: str, token: Token = None, as_json: AsJson = False) -> None:
    """(Officer, destination) allow the trader at destination to unload (CC043C)."""
    _officer(lambda ctx: destination.permit_unloading(ctx, caller(token), mrn), "unloading permission", as_json)


@app.command("arrival-result")
def arrival_result(mrn: str, token: Token = None,
                   outcome: Annotated[str, typer.Option("--result", help="satisfactory or discrepancies")] = "satisfactory",
                   note: Optional[str] = None, as_json: AsJson = False) -> None:
    """(Officer, destination) the control results: goods released (CC025C), results to departure (IE018)."""
    _officer(lambda ctx: destination.record_results(ctx, caller(token), mrn, outcome, note), "destination results",
             as_json)
