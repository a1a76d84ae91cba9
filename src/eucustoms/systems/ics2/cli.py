"""``eucustoms ics2``: lodge and follow ENS filings, answer referrals, and the officers' presentation and
control, from the command line. Trader and officer actions need their token (``--token`` or
``EUCUSTOMS_TOKEN``); the box's administrator may list and consult without one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.table import Table

from eucustoms.core.errors import ErrorCode, Rejected
from eucustoms.platform.auth import Principal, authenticate
from eucustoms.platform.clitools import ADMIN, console, database, print_json, reported

from . import nes, service
from .messages import FILING_TYPES, examples

app = typer.Typer(help="ICS2: entry summary declarations (lodge, follow, referrals, arrival, control).",
                  no_args_is_help=True)

Token = Annotated[Optional[str], typer.Option("--token", envvar="EUCUSTOMS_TOKEN", help="your API token")]
AsJson = Annotated[bool, typer.Option("--json")]


def _context():
    from eucustoms.union import open_union  # the assembly: ICS2's domains must be on the bus

    return open_union(db=database())


def _principal(token: str | None, *, required: bool = True) -> Principal:
    if not token:
        if required:
            raise Rejected.one(ErrorCode.MISSING, "--token", "this action needs your token (--token or EUCUSTOMS_TOKEN)")
        return ADMIN
    return authenticate(database(), token)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise Rejected.one(ErrorCode.SYNTAX, str(path), f"cannot read the file: {exc}") from None
    except json.JSONDecodeError as exc:
        raise Rejected.one(ErrorCode.SYNTAX, f"{path}:{exc.lineno}:{exc.colno}", exc.msg) from None


def _run(ctx, action):  # noqa: ANN001
    """Run an action, then let the domains exchange what it caused (risk analysis, answers)."""
    result = action()
    ctx.bus.drain()
    return result


def _print(result: dict, as_json: bool, title: str) -> None:
    if as_json:
        print_json(result)
        return
    table = Table(title=title, show_header=False)
    for k, v in result.items():
        table.add_row(str(k), json.dumps(v, default=str) if isinstance(v, (dict, list)) else str(v))
    console.print(table)


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
        payload = _read_json(path)
        kind = message_type or (payload.get("message_type") if isinstance(payload, dict) else None)
        if not kind:
            raise Rejected.one(ErrorCode.MISSING, "/message_type", "give --type or a message_type in the file")
        principal = _principal(token)
        ctx = _context()
        answer = _run(ctx, lambda: service.lodge(ctx, principal, kind.upper(), payload))
        answer["state"] = service.consult(ctx, principal, answer["mrn"])["state"]
    _print(answer, as_json, f"IE3R01 registration response: {answer['mrn']}")


@app.command("show")
def show(mrn: str, token: Token = None, as_json: AsJson = False) -> None:
    """Consult an ENS filing (IE3Q05 → IE3R08): state, referrals and message log."""
    with reported(as_json):
        ctx = _context()
        data = service.consult(ctx, _principal(token, required=False), mrn)
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
        data = service.search(_context(), _principal(token, required=False), state=state, limit=limit)
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
        principal = _principal(token)
        ctx = _context()
        kind = message_type or "IE3A" + service.consult(ctx, principal, mrn)["message_type"][4:]
        answer = _run(ctx, lambda: service.amend(ctx, principal, mrn, kind, _read_json(path)))
    _print(answer, as_json, "IE3N10 amendment notification")


@app.command("invalidate")
def invalidate(mrn: str, token: Token = None, reason: Optional[str] = None, as_json: AsJson = False) -> None:
    """Invalidate a filing (IE3Q04 → IE3R07)."""
    with reported(as_json):
        ctx = _context()
        answer = _run(ctx, lambda: service.invalidate(ctx, _principal(token), mrn, reason))
    _print(answer, as_json, "IE3R07 invalidation acceptance")


@app.command("arrive")
def arrive(mrns: list[str], token: Token = None, office: Optional[str] = None, as_json: AsJson = False) -> None:
    """Notify the arrival of the means of transport carrying MRNS (IE3N06 → IE3R04)."""
    with reported(as_json):
        ctx = _context()
        answer = _run(ctx, lambda: service.notify_arrival(ctx, _principal(token), mrns, office=office))
    _print(answer, as_json, "IE3R04 arrival registration")


@app.command("referrals")
def referrals(token: Token = None, as_json: AsJson = False) -> None:
    """Your open referrals (RFI, RFS)."""
    with reported(as_json):
        rows = service.referrals_for(_context(), _principal(token))
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
        ctx = _context()
        out = _run(ctx, lambda: service.answer_referral(ctx, _principal(token), referral_id, body))
    _print(out, as_json, "referral answered")


@app.command("present")
def present(mrn: str, token: Token = None, as_json: AsJson = False) -> None:
    """(Officer) record the presentation of the goods at the office of first entry."""
    with reported(as_json):
        ctx = _context()
        out = _run(ctx, lambda: nes.present(ctx, _principal(token), mrn))
    _print(out, as_json, "presented")


@app.command("control")
def control(mrn: str, token: Token = None,
            control_type: Annotated[str, typer.Option("--type", help="documentary, scan, physical or screening")] = "physical",
            result: Annotated[str, typer.Option(help="no_irregularity, irregularity or seizure")] = "no_irregularity",
            findings: Optional[str] = None, as_json: AsJson = False) -> None:
    """(Officer) record the result of a control."""
    with reported(as_json):
        ctx = _context()
        out = _run(ctx, lambda: nes.record_control(ctx, _principal(token), mrn, {
            "control_type": control_type, "result": result, **({"findings": findings} if findings else {})}))
    _print(out, as_json, "control recorded")
