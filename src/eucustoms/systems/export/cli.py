"""``eucustoms export``: lodge and follow export declarations (AES), the arrival at exit and the exit
notification, the officers' decisions at the offices of export and exit, and the counts. Trader and officer
actions need their token (``--token`` or ``EUCUSTOMS_TOKEN``); the box's administrator may list, show and count
without one. Every command lets the domains exchange what it caused before answering (IE501, IE518…)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from eucustoms.core.errors import ErrorCode, Rejected
from eucustoms.platform.clitools import (
    AsJson, Token, caller, console, database, deliver, open_context, print_json, print_record, read_json, reported,
)

from . import examples
from . import exit as exit_office
from . import service
from .indicators import counts as count_indicators

app = typer.Typer(help="Export (AES): export declarations, release, exit and proof of exit.", no_args_is_help=True)

Office = Annotated[str, typer.Option("--office", help="the customs office of exit (e.g. NL000396)")]
Reason = Annotated[Optional[str], typer.Option("--reason")]


def _log_table(title: str, log: list[dict]) -> Table:
    table = Table(title=title)
    for col in ("at", "direction", "message", "party"):
        table.add_column(col)
    for m in log:
        table.add_row(str(m["at"]), m["direction"], m["message_type"], m["party"])
    return table


@app.command("example")
def example(name: Annotated[str, typer.Argument(help=", ".join(examples.BUILDERS))] = "standard") -> None:
    """Print an example export declaration (IE515) to start from."""
    with reported():
        if name not in examples.BUILDERS:
            raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "name",
                               f"no example {name!r}; examples: {', '.join(examples.BUILDERS)}")
        print_json(examples.example(name))


@app.command("lodge")
def lodge(path: Path, token: Token = None, as_json: AsJson = False) -> None:
    """Lodge the export declaration in PATH (JSON, IE515)."""
    with reported(as_json):
        ctx = open_context()
        principal = caller(token)
        out = deliver(ctx, lambda: service.lodge(ctx, principal, read_json(path)))
    print_record(out, as_json, f"export declaration {out['mrn']}")


@app.command("show")
def show(mrn: str, token: Token = None, as_json: AsJson = False) -> None:
    """The declaration's state and message log."""
    with reported(as_json):
        data = service.consult(open_context(), caller(token, required=False), mrn)
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]{data['mrn']}[/bold] {data['declaration_type']} LRN {data['lrn']} — [bold]{data['state']}[/bold] "
                  f"{data['office_of_export']} → {data['actual_office_of_exit'] or data['office_of_exit']} "
                  f"→ {data['destination']}" + (f" (transit {data['transit_mrn']})" if data["transit_mrn"] else ""))
    console.print(_log_table("message log", data["message_log"]))


@app.command("log")
def log(mrn: str, token: Token = None, exit_side: Annotated[bool, typer.Option("--exit", help="the office of exit's log")] = False,
        as_json: AsJson = False) -> None:
    """The message log of MRN at the office of export (or, with --exit, at the office of exit)."""
    with reported(as_json):
        ctx, principal = open_context(), caller(token, required=False)
        data = exit_office.case(ctx, principal, mrn) if exit_side else service.consult(ctx, principal, mrn)
    if as_json:
        print_json(data["message_log"])
        return
    console.print(_log_table(f"{mrn} at the office of {'exit' if exit_side else 'export'}", data["message_log"]))


@app.command("list")
def list_(token: Token = None, state: Optional[str] = None, limit: int = 50, as_json: AsJson = False) -> None:
    with reported(as_json):
        data = service.search(open_context(), caller(token, required=False), state=state, limit=limit)
    if as_json:
        print_json(data)
        return
    table = Table(title=f"export declarations ({data['total']})")
    for col in ("MRN", "state", "export", "exit", "declarant", "released", "exited"):
        table.add_column(col)
    for r in data["items"]:
        table.add_row(r["mrn"], r["state"], r["office_of_export"], r["office_of_exit"], r["declarant"],
                      str(r["released_at"] or ""), str(r["exited_at"] or ""))
    console.print(table)


@app.command("amend")
def amend(mrn: str, path: Path, token: Token = None, as_json: AsJson = False) -> None:
    """IE513: amend MRN with the whole declaration in PATH."""
    with reported(as_json):
        ctx = open_context()
        out = deliver(ctx, lambda: service.amend(ctx, caller(token), mrn, read_json(path)))
    print_record(out, as_json, "amendment accepted (IE504)")


@app.command("invalidate")
def invalidate(mrn: str, token: Token = None, reason: Reason = None, as_json: AsJson = False) -> None:
    """IE514: invalidate MRN."""
    with reported(as_json):
        ctx = open_context()
        out = deliver(ctx, lambda: service.invalidate(ctx, caller(token), mrn, reason))
    print_record(out, as_json, "invalidated (IE509)")


@app.command("present")
def present(mrn: str, token: Token = None, as_json: AsJson = False) -> None:
    """IE511: the goods of the pre-lodged MRN are presented at the office of export."""
    with reported(as_json):
        ctx = open_context()
        out = deliver(ctx, lambda: service.present(ctx, caller(token), mrn))
    print_record(out, as_json, "presented and accepted")


@app.command("link-transit")
def link_transit(mrn: str, transit_mrn: str, token: Token = None, as_json: AsJson = False) -> None:
    """Export followed by transit: record TRANSIT_MRN for MRN."""
    with reported(as_json):
        ctx = open_context()
        out = service.link_transit(ctx, caller(token), mrn, transit_mrn)
    print_record(out, as_json, "transit linked")


@app.command("control")
def control(mrn: str, decision: Annotated[str, typer.Argument(help="none, documentary or physical")],
            token: Token = None, as_json: AsJson = False) -> None:
    """(Officer of export) decide the control."""
    with reported(as_json):
        ctx = open_context()
        out = deliver(ctx, lambda: service.decide_control(ctx, caller(token), mrn, decision))
    print_record(out, as_json, "control decision")


@app.command("result")
def result(mrn: str, token: Token = None,
           outcome: Annotated[str, typer.Option("--result", help="no_irregularity, irregularity or seizure")] = "no_irregularity",
           findings: Optional[str] = None, as_json: AsJson = False) -> None:
    """(Officer of export) record the control result."""
    with reported(as_json):
        ctx = open_context()
        out = service.record_control(ctx, caller(token), mrn, {"result": outcome, **({"findings": findings} if findings else {})})
    print_record(out, as_json, "control result")


@app.command("release")
def release(mrn: str, token: Token = None, as_json: AsJson = False) -> None:
    """(Officer of export) release for export (IE529, IE501 to the office of exit)."""
    with reported(as_json):
        ctx = open_context()
        out = deliver(ctx, lambda: service.release(ctx, caller(token), mrn))
    print_record(out, as_json, "released for export")


@app.command("refuse")
def refuse(mrn: str, reason: Annotated[str, typer.Option("--reason")], token: Token = None, as_json: AsJson = False) -> None:
    """(Officer of export) no release for export (IE551)."""
    with reported(as_json):
        ctx = open_context()
        out = service.refuse_release(ctx, caller(token), mrn, reason)
    print_record(out, as_json, "not released")


@app.command("arrive")
def arrive(mrn: str, office: Office, token: Token = None,
           discrepancies: Annotated[Optional[str], typer.Option(help="stated discrepancies")] = None,
           as_json: AsJson = False) -> None:
    """IE507: the goods of MRN are presented at the office of exit."""
    with reported(as_json):
        ctx = open_context()
        payload = examples.arrival(mrn, office, **({"stated_discrepancies": discrepancies} if discrepancies else {}))
        out = deliver(ctx, lambda: exit_office.arrive(ctx, caller(token), payload))
    print_record(out, as_json, "arrival at exit")


@app.command("exit")
def exit_(mrn: str, office: Office, token: Token = None,
          document: Annotated[Optional[str], typer.Option(help="transport document reference")] = None,
          as_json: AsJson = False) -> None:
    """IE590: the carrier notifies that the goods of MRN have left (the exit results go to the office of export)."""
    with reported(as_json):
        ctx = open_context()
        payload = {"mrn": mrn, "office_of_exit": office, **({"transport_document": document} if document else {})}
        out = deliver(ctx, lambda: exit_office.notify_exit(ctx, caller(token), payload))
    print_record(out, as_json, "exit notified")


@app.command("exit-case")
def exit_case(mrn: str, token: Token = None, as_json: AsJson = False) -> None:
    """The office of exit's case of MRN."""
    with reported(as_json):
        data = exit_office.case(open_context(), caller(token, required=False), mrn)
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]{data['mrn']}[/bold] at {data['office_of_exit'] or data['declared_office_of_exit']} — "
                  f"[bold]{data['state']}[/bold] (from {data['office_of_export']})")
    console.print(_log_table("message log at exit", data["message_log"]))


@app.command("exit-confirm")
def exit_confirm(mrn: str, token: Token = None, note: Optional[str] = None, as_json: AsJson = False) -> None:
    """(Officer of exit) confirm the exit of MRN without the carrier's IE590."""
    with reported(as_json):
        ctx = open_context()
        out = deliver(ctx, lambda: exit_office.confirm_exit(ctx, caller(token), mrn, note=note))
    print_record(out, as_json, "exit confirmed")


@app.command("exit-decide")
def exit_decide(mrn: str, action: Annotated[str, typer.Argument(help="documentary, physical, release or refuse")],
                token: Token = None, reason: Reason = None,
                outcome: Annotated[Optional[str], typer.Option("--result", help="record a control result first")] = None,
                as_json: AsJson = False) -> None:
    """(Officer of exit) examine the goods, record a result, release them for exit or refuse the exit."""
    with reported(as_json):
        ctx, principal = open_context(), caller(token)
        if outcome:
            exit_office.record_control(ctx, principal, mrn, {"result": outcome})
        if action in ("documentary", "physical"):
            out = exit_office.decide_control(ctx, principal, mrn, action)
        elif action == "release":
            out = exit_office.release_for_exit(ctx, principal, mrn)
        elif action == "refuse":
            if not reason:
                raise Rejected.one(ErrorCode.MISSING, "--reason", "say why the exit is refused")
            out = deliver(ctx, lambda: exit_office.refuse_exit(ctx, principal, mrn, reason))
        else:
            raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "action", "one of documentary, physical, release, refuse")
    print_record(out, as_json, "exit decision")


@app.command("status")
def status(mrn: str, as_json: AsJson = False) -> None:
    """The public status of an export MRN (as the MRN follow-up service gives it)."""
    with reported(as_json):
        with database().read() as conn:
            out = service.status(conn, mrn)
        if out is None:
            raise Rejected.one(ErrorCode.UNKNOWN_MRN, "mrn", f"{mrn} is not an export declaration")
    print_record(out, as_json, "export status")


@app.command("counts")
def counts(since: Annotated[str, typer.Option(help="first day YYYY-MM-DD")],
           until: Annotated[str, typer.Option(help="last day YYYY-MM-DD")],
           country: Optional[str] = None, as_json: AsJson = False) -> None:
    """Declarations lodged, released, exited… per member state, from the telemetry counters."""
    with reported(as_json):
        try:
            first, last = date.fromisoformat(since), date.fromisoformat(until)
        except ValueError as exc:
            raise Rejected.one(ErrorCode.RULE_VIOLATION, "--since/--until", str(exc)) from None
        with database().read() as conn:
            out = count_indicators(conn, first, last, country=country)
    if as_json:
        print_json(out)
        return
    table = Table(title=f"AES counts {since} – {until}")
    table.add_column("country")
    metrics = ("lodged", "released", "not_released", "exited", "invalidated", "rejected", "aer_received", "exits_confirmed")
    for m in metrics:
        table.add_column(m)
    for c, values in out["by_country"].items():
        table.add_row(c, *(str(values[m]) for m in metrics))
    console.print(table)
