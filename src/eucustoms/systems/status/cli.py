"""``eucustoms pous``: request, endorse, show, use, invalidate and verify proofs of Union status. Trader and
officer actions need their token (``--token`` or ``EUCUSTOMS_TOKEN``); the box's administrator may show and list
without one; ``verify`` is public."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from eucustoms.platform.clitools import (
    AsJson,
    Token,
    caller,
    console,
    database,
    print_json,
    read_json,
    reported,
)

from . import service
from .examples import EXAMPLES
from .messages import Proof

app = typer.Typer(help="PoUS: proofs of the customs status of Union goods (T2L, T2LF, customs goods manifest).",
                  no_args_is_help=True)


def _print(proof: Proof, as_json: bool) -> None:
    if as_json:
        print_json(proof.model_dump(mode="json"))
        return
    console.print(f"[bold]{proof.mrn}[/bold] {proof.proof_type} ({proof.document_code}) LRN {proof.lrn} — "
                  f"[bold]{proof.state}[/bold], office of issue {proof.office_of_issue}, requester {proof.requester}, "
                  f"valid until {proof.valid_until or '—'}")
    items = Table(title=f"goods items ({proof.items_used} of {proof.items_total} used)")
    for col in ("item", "description", "CN", "gross kg", "packages", "containers", "used"):
        items.add_column(col)
    for i in proof.items:
        items.add_row(str(i.item_number), i.description, i.cn_code or "", str(i.gross_mass),
                      f"{i.packages} {i.package_kind or ''}", ", ".join(i.containers), "yes" if i.used else "")
    console.print(items)
    log = Table(title="message log")
    for col in ("at", "direction", "message", "party"):
        log.add_column(col)
    for m in proof.message_log:
        log.add_row(m.at.strftime("%Y-%m-%d %H:%M:%S"), m.direction, m.message_type, m.party)
    console.print(log)


@app.command("example")
def example(proof_type: Annotated[str, typer.Argument(help="T2L, T2LF or CGM")] = "T2L",
            requester: Annotated[Optional[str], typer.Option(help="EORI of the requester")] = None) -> None:
    """Print a realistic request to start from."""
    build = EXAMPLES.get(proof_type.upper())
    if build is None:
        console.print(f"[red]one of {', '.join(EXAMPLES)}[/red]")
        raise typer.Exit(1)
    print_json(build(requester) if requester else build())


@app.command("request")
def request_cmd(path: Path, token: Token = None, as_json: AsJson = False) -> None:
    """Request the proof in PATH (JSON) as the trader behind the token."""
    with reported(as_json):
        principal = caller(token)
        payload = read_json(path)
        with database().begin() as conn:
            proof = service.request(conn, principal, payload)
    _print(proof, as_json)


@app.command()
def endorse(mrn: str, token: Token = None, remarks: Optional[str] = None, as_json: AsJson = False) -> None:
    """(Officer of the member state of issue) endorse the request: registered, valid 90 days."""
    with reported(as_json):
        principal = caller(token)
        with database().begin() as conn:
            proof = service.endorse(conn, principal, mrn, {"remarks": remarks} if remarks else None)
    _print(proof, as_json)


@app.command()
def reject(mrn: str, reason: Annotated[str, typer.Option(help="why the request is refused")], token: Token = None,
           as_json: AsJson = False) -> None:
    """(Officer of the member state of issue) refuse the request."""
    with reported(as_json):
        principal = caller(token)
        with database().begin() as conn:
            proof = service.reject(conn, principal, mrn, {"reason": reason})
    _print(proof, as_json)


@app.command()
def show(mrn: str, token: Token = None, as_json: AsJson = False) -> None:
    """A proof, its goods items and its message log."""
    with reported(as_json):
        principal = caller(token, required=False)
        with database().read() as conn:
            proof = service.show(conn, principal, mrn)
    _print(proof, as_json)


@app.command("list")
def list_(token: Token = None, state: Optional[str] = None, proof_type: Annotated[Optional[str], typer.Option("--type")] = None,
          limit: int = 50, as_json: AsJson = False) -> None:
    """Your proofs (trader), your country's (officer), all (administrator)."""
    with reported(as_json):
        principal = caller(token, required=False)
        with database().read() as conn:
            page = service.search(conn, principal, state=state, proof_type=proof_type, limit=limit)
    if as_json:
        print_json(page.model_dump(mode="json"))
        return
    table = Table(title=f"proofs of Union status ({page.total})")
    for col in ("MRN", "type", "state", "requester", "office of issue", "valid until", "items used"):
        table.add_column(col)
    for p in page.items:
        table.add_row(p.mrn, p.proof_type, p.state, p.requester, p.office_of_issue, str(p.valid_until or ""),
                      f"{p.items_used}/{p.items_total}")
    console.print(table)


@app.command("use")
def use_cmd(mrn: str, token: Token = None,
            office: Annotated[Optional[str], typer.Option(help="office of presentation (default: yours)")] = None,
            item: Annotated[Optional[list[int]], typer.Option("--item", help="item of a manifest (repeat)")] = None,
            reference: Annotated[Optional[str], typer.Option(help="the declaration the proof supports")] = None,
            as_json: AsJson = False) -> None:
    """(Officer) record the use of the proof at an office of presentation."""
    with reported(as_json):
        principal = caller(token)
        body = {k: v for k, v in {"office": office, "items": item or None, "reference": reference}.items() if v}
        with database().begin() as conn:
            proof = service.use(conn, principal, mrn, body)
    _print(proof, as_json)


@app.command()
def invalidate(mrn: str, reason: Annotated[str, typer.Option()], token: Token = None, as_json: AsJson = False) -> None:
    """Invalidate the proof (its holder, or an officer of the member state of issue)."""
    with reported(as_json):
        principal = caller(token)
        with database().begin() as conn:
            proof = service.invalidate(conn, principal, mrn, {"reason": reason})
    _print(proof, as_json)


@app.command()
def verify(mrn: str, as_json: AsJson = False) -> None:
    """Public verification: exit 0 if the proof may be used today, 1 if not (type, state, validity only)."""
    with reported(as_json), database().begin() as conn:
        result = service.verify(conn, mrn)
    if as_json:
        print_json(result.model_dump(mode="json"))
    elif not result.found:
        console.print(f"[red]{result.mrn}: no registered proof of Union status[/red]")
    else:
        colour = "green" if result.usable else "red"
        console.print(f"[{colour}]{result.mrn}: {result.proof_type} {result.state}, valid "
                      f"{result.valid_from} → {result.valid_until}[/{colour}]")
    raise typer.Exit(0 if result.usable else 1)


@app.command()
def authorise(reference: Annotated[str, typer.Option(help="authorisation reference")],
              holder: Annotated[str, typer.Option(help="EORI of the authorised issuer")],
              proof_type: Annotated[Optional[list[str]], typer.Option("--type", help="T2L, T2LF, CGM (repeat; default all)")] = None,
              valid_to: Annotated[Optional[str], typer.Option(help="last day (YYYY-MM-DD)")] = None,
              token: Token = None, as_json: AsJson = False) -> None:
    """(Officer) record an authorised issuer (ACP) authorisation granted by your member state."""
    with reported(as_json):
        principal = caller(token)
        body = {"reference": reference, "holder": holder,
                **({"proof_types": [t.upper() for t in proof_type]} if proof_type else {}),
                **({"valid_to": valid_to} if valid_to else {})}
        with database().begin() as conn:
            recorded = service.record_authorisation(conn, principal, body)
    if as_json:
        print_json(recorded.model_dump(mode="json"))
    else:
        console.print(f"authorisation [bold]{recorded.reference}[/bold] ({', '.join(recorded.proof_types)}) for "
                      f"{recorded.holder}, granted by {recorded.country}, valid {recorded.valid_from} → {recorded.valid_to or 'open'}")
