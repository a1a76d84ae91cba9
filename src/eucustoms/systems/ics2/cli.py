"""``eucustoms ics2``: lodge and follow ENS filings, answer referrals, and the officers' presentation and
control, from the command line. Trader and officer actions need their token (``--token`` or
``EUCUSTOMS_TOKEN``); the box's administrator may list and consult without one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from eucustoms.core.errors import ErrorCode, Rejected
from eucustoms.platform.clitools import (
    AsJson, Token, console, deliver, open_context, caller, print_json, print_record, read_json, reported,
)

from . import nes, service
from .messages import FILING_TYPES, examples

app = typer.Typer(help="ICS2: entry summary declarations (lodge, follow, referrals, arrival, control).",
                  no_args_is_help=True)








@app.command("types")
def types(as_json: AsJson = False) -> None:
    """The catalogue of filing types."""
    rows = [t.to_dict() for t in FILING_TYPES.values()]
    if as_json:
        print_json(rows)
        return
    table = Table(title="ENS filing types")
    for col in ("message", "family", "filer", "level", "partial", "pre-loading", "title"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["message_type"], r["family"], r["filer"], r["level"], "yes" if r["partial"] else "",
                      "yes" if r["pre_loading"] else "", r["title"])
    console.print(table)


@app.command("example")
def example(message_type: str) -> None:
    """Print a realistic example filing of MESSAGE_TYPE (e.g. IE3F11) to start from."""
    with reported():
        try:
            print_json(examples.example(message_type if message_type.upper().startswith("IE3") else "IE3" + message_type))
        except KeyError:
            raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "message_type",
                               f"no example for {message_type}; examples exist for {', '.join(sorted(examples.BUILDERS))}") from None


@app.command("file")
def file(path: Path, token: Token = None, message_type: Annotated[Optional[str], typer.Option("--type")] = None,
         as_json: AsJson = False) -> None:
    """Lodge the ENS filing in PATH (JSON); its message_type is read from the file unless --type is given."""
    with reported(as_json):
        payload = read_json(path)
        kind = message_type or (payload.get("message_type") if isinstance(payload, dict) else None)
        if not kind:
            raise Rejected.one(ErrorCode.MISSING, "/message_type", "give --type or a message_type in the file")
        principal = caller(token)
        ctx = open_context()
        answer = deliver(ctx, lambda: service.lodge(ctx, principal, kind.upper(), payload))
        answer["state"] = service.consult(ctx, principal, answer["mrn"])["state"]
    print_record(answer, as_json, f"IE3R01 registration response: {answer['mrn']}")


@app.command("show")
def show(mrn: str, token: Token = None, as_json: AsJson = False) -> None:
    """Consult an ENS filing (IE3Q05 → IE3R08): state, referrals and message log."""
    with reported(as_json):
        ctx = open_context()
        data = service.consult(ctx, caller(token, required=False), mrn)
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]{data['mrn']}[/bold] {data['message_type']} LRN {data['lrn']} — [bold]{data['state']}[/bold]"
                  + (" [red](late)[/red]" if data["late"] else ""))
    table = Table(title="message log")
    for col in ("at", "direction", "message", "party"):
        table.add_column(col)
    for m in data["message_log"]:
        table.add_row(str(m["at"]), m["direction"], m["message_type"], m["party"])
    console.print(table)
    for r in data["referrals"]:
        console.print(f"referral {r['id']}: {r['kind']} {r['state']} — {'; '.join(r['request'].get('reasons', []))}")


@app.command("list")
def list_(token: Token = None, state: Optional[str] = None, limit: int = 50, as_json: AsJson = False) -> None:
    """List ENS filings (yours with a trader token, your country's with an officer token, all without)."""
    with reported(as_json):
        data = service.search(open_context(), caller(token, required=False), state=state, limit=limit)
    if as_json:
        print_json(data)
        return
    table = Table(title=f"ENS filings ({data['total']})")
    for col in ("MRN", "type", "state", "country", "declarant", "lodged"):
        table.add_column(col)
    for r in data["items"]:
        table.add_row(r["mrn"], r["message_type"], r["state"], r["country"], r["declarant"], str(r["lodged_at"]))
    console.print(table)


@app.command("amend")
def amend(mrn: str, path: Path, token: Token = None,
          message_type: Annotated[Optional[str], typer.Option("--type", help="IE3Axx; default from the filing")] = None,
          as_json: AsJson = False) -> None:
    """Amend a filing with the particulars in PATH (IE3Axx → IE3N10)."""
    with reported(as_json):
        principal = caller(token)
        ctx = open_context()
        kind = message_type or "IE3A" + service.consult(ctx, principal, mrn)["message_type"][4:]
        answer = deliver(ctx, lambda: service.amend(ctx, principal, mrn, kind, read_json(path)))
    print_record(answer, as_json, "IE3N10 amendment notification")


@app.command("invalidate")
def invalidate(mrn: str, token: Token = None, reason: Optional[str] = None, as_json: AsJson = False) -> None:
    """Invalidate a filing (IE3Q04 → IE3R07)."""
    with reported(as_json):
        ctx = open_context()
        answer = deliver(ctx, lambda: service.invalidate(ctx, caller(token), mrn, reason))
    print_record(answer, as_json, "IE3R07 invalidation acceptance")


@app.command("arrive")
def arrive(mrns: list[str], token: Token = None, office: Optional[str] = None, as_json: AsJson = False) -> None:
    """Notify the arrival of the means of transport carrying MRNS (IE3N06 → IE3R04)."""
    with reported(as_json):
        ctx = open_context()
        answer = deliver(ctx, lambda: service.notify_arrival(ctx, caller(token), mrns, office=office))
    print_record(answer, as_json, "IE3R04 arrival registration")


@app.command("referrals")
def referrals(token: Token = None, as_json: AsJson = False) -> None:
    """Your open referrals (RFI, RFS)."""
    with reported(as_json):
        rows = service.referrals_for(open_context(), caller(token))
    if as_json:
        print_json(rows)
        return
    for r in rows:
        console.print(f"{r['id']}: {r['kind']} for {r['mrn']} — {'; '.join(r['request'].get('reasons', []))}")


@app.command("answer")
def answer(referral_id: int, token: Token = None, information: Optional[str] = None,
           screening: Annotated[Optional[list[str]], typer.Option("--screening", help="screening method (repeat)")] = None,
           result: Annotated[Optional[str], typer.Option(help="no_threat, threat or unresolved")] = None,
           as_json: AsJson = False) -> None:
    """Answer an RFI (--information) or an RFS (--screening … --result …)."""
    with reported(as_json):
        body = {k: v for k, v in {"information": information, "screening_methods": screening or None,
                                  "result": result}.items() if v}
        ctx = open_context()
        out = deliver(ctx, lambda: service.answer_referral(ctx, caller(token), referral_id, body))
    print_record(out, as_json, "referral answered")


@app.command("present")
def present(mrn: str, token: Token = None, as_json: AsJson = False) -> None:
    """(Officer) record the presentation of the goods at the office of first entry."""
    with reported(as_json):
        ctx = open_context()
        out = deliver(ctx, lambda: nes.present(ctx, caller(token), mrn))
    print_record(out, as_json, "presented")


@app.command("control")
def control(mrn: str, token: Token = None,
            control_type: Annotated[str, typer.Option("--type", help="documentary, scan, physical or screening")] = "physical",
            result: Annotated[str, typer.Option(help="no_irregularity, irregularity or seizure")] = "no_irregularity",
            findings: Optional[str] = None, as_json: AsJson = False) -> None:
    """(Officer) record the result of a control."""
    with reported(as_json):
        ctx = open_context()
        out = deliver(ctx, lambda: nes.record_control(ctx, caller(token), mrn, {
            "control_type": control_type, "result": result, **({"findings": findings} if findings else {})}))
    print_record(out, as_json, "control recorded")
