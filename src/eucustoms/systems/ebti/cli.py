"""``eucustoms ebti``: apply, accept, decide, annul, revoke, look up and search BTI decisions, check the obligation
of use, and record the ends of validity. Without ``--token`` a command runs with the box administrator's
(Commission) rights."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from eucustoms.platform.clitools import AsJson, Token, caller, console, database, print_json, read_json, reported

from . import examples, service
from .messages import BtiApplicationRequest, DecisionRequest, EndRequest
from .references import BTIReference

app = typer.Typer(help="EBTI: binding tariff information (applications, decisions, public look-up).", no_args_is_help=True)

On = Annotated[Optional[str], typer.Option(help="as of this day (YYYY-MM-DD); today when omitted")]


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@app.command()
def example(kind: Annotated[str, typer.Argument(help="application or decision")] = "application",
            goods: Annotated[str, typer.Option(help=f"one of {', '.join(examples.KINDS)}")] = "drill") -> None:
    """Print an example application (or decision) to start from."""
    with reported():
        if kind not in examples.BUILDERS or goods not in examples.KINDS:
            from eucustoms.core.errors import ErrorCode, Rejected

            raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "kind",
                               f"examples: {', '.join(examples.BUILDERS)} for goods {', '.join(examples.KINDS)}")
        print_json(examples.BUILDERS[kind](goods))


@app.command()
def apply(file: Annotated[Path, typer.Argument(help="the application as JSON (see `ebti example`)")],
          token: Token = None, as_json: AsJson = False) -> None:
    """Lodge a BTI application."""
    with reported(as_json):
        body = BtiApplicationRequest.model_validate(read_json(file))
        who = caller(token, required=False)
        with database().begin() as conn:
            result = service.lodge(conn, who, body)
    if as_json:
        print_json(result.model_dump(mode="json"))
    else:
        console.print(f"lodged [bold]{result.reference}[/bold] with {result.member_state}; "
                      f"acceptance due by {result.acceptance_due}")


@app.command()
def accept(reference: str, token: Token = None, as_json: AsJson = False) -> None:
    """Accept an application (the decision is then due within 120 days)."""
    with reported(as_json):
        with database().begin() as conn:
            result = service.accept(conn, caller(token, required=False), reference)
    _print_application(result, as_json)


@app.command("not-accept")
def not_accept(reference: str, reason: Annotated[str, typer.Option()], token: Token = None, as_json: AsJson = False) -> None:
    """Refuse to accept an application."""
    with reported(as_json):
        with database().begin() as conn:
            result = service.not_accept(conn, caller(token, required=False), reference, reason)
    _print_application(result, as_json)


@app.command()
def refuse(reference: str, reason: Annotated[str, typer.Option()], token: Token = None, as_json: AsJson = False) -> None:
    """Refuse the BTI applied for."""
    with reported(as_json):
        with database().begin() as conn:
            result = service.refuse(conn, caller(token, required=False), reference, reason)
    _print_application(result, as_json)


@app.command()
def withdraw(reference: str, reason: Annotated[str, typer.Option()], token: Token = None, as_json: AsJson = False) -> None:
    """Withdraw an application."""
    with reported(as_json):
        with database().begin() as conn:
            result = service.withdraw(conn, caller(token, required=False), reference, reason)
    _print_application(result, as_json)


@app.command()
def decide(reference: str,
           code: Annotated[Optional[str], typer.Option(help="CN (8) or TARIC (10) code")] = None,
           justification: Annotated[Optional[str], typer.Option()] = None,
           keyword: Annotated[Optional[list[str]], typer.Option(help="keyword (repeatable)")] = None,
           valid_from: Annotated[Optional[str], typer.Option(help="day the decision takes effect (YYYY-MM-DD)")] = None,
           file: Annotated[Optional[Path], typer.Option(help="the decision as JSON instead of the options")] = None,
           token: Token = None, as_json: AsJson = False) -> None:
    """Take the BTI decision on an accepted application."""
    with reported(as_json):
        if file is not None:
            body = DecisionRequest.model_validate(read_json(file))
        else:
            body = DecisionRequest.model_validate({k: v for k, v in {
                "code": code, "justification": justification, "keywords": keyword,
                "valid_from": valid_from}.items() if v is not None})
        with database().begin() as conn:
            result = service.decide(conn, caller(token, required=False), reference, body)
    if as_json:
        print_json(result.model_dump(mode="json"))
    else:
        console.print(f"BTI [bold]{result.reference}[/bold]: {result.code}, valid {result.valid_from} → {result.last_day}")


@app.command()
def annul(reference: str, reason: Annotated[str, typer.Option()], token: Token = None, as_json: AsJson = False) -> None:
    """Annul a BTI decision (as if never valid)."""
    with reported(as_json):
        with database().begin() as conn:
            result = service.annul(conn, caller(token, required=False), reference, EndRequest(reason=reason))
    _print_decision(result, as_json)


@app.command()
def revoke(reference: str, reason: Annotated[str, typer.Option()],
           effective: Annotated[Optional[str], typer.Option(help="first day without validity (today when omitted)")] = None,
           token: Token = None, as_json: AsJson = False) -> None:
    """Revoke a BTI decision."""
    with reported(as_json):
        with database().begin() as conn:
            result = service.revoke(conn, caller(token, required=False), reference,
                                    EndRequest(reason=reason, effective=_day(effective)))
    _print_decision(result, as_json)


@app.command()
def show(reference: str, on: On = None, token: Token = None, as_json: AsJson = False) -> None:
    """Show an application (``DEAPP…``) or a decision (``DEBTI…``) in full."""
    with reported(as_json):
        who = caller(token, required=False)
        with database().read() as conn:
            if BTIReference.is_valid(reference):
                result = service.show_decision(conn, who, reference, on=_day(on))
            else:
                result = service.show_application(conn, who, reference)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    table = Table(title=reference.upper(), show_header=False)
    for k, v in result.model_dump(mode="json").items():
        table.add_row(k, ", ".join(map(str, v)) if isinstance(v, list) else str(v if v is not None else "—"))
    console.print(table)


@app.command()
def search(code: Annotated[Optional[str], typer.Option(help="goods code or its start")] = None,
           keywords: Annotated[Optional[str], typer.Option(help="words (all must match)")] = None,
           country: Annotated[Optional[str], typer.Option(help="issuing member state")] = None,
           validity: Annotated[str, typer.Option(help="valid, invalid or all")] = "valid",
           on: On = None, limit: Annotated[int, typer.Option(min=1, max=100)] = 20, as_json: AsJson = False) -> None:
    """The public look-up: BTI decisions by code, keywords, country and validity (no holder, nothing confidential)."""
    with reported(as_json):
        with database().begin() as conn:
            page = service.public_search(conn, code=code, keywords=keywords, country=country, on=_day(on),
                                         validity=validity, limit=limit)  # type: ignore[arg-type]
    if as_json:
        print_json(page.model_dump(mode="json"))
        return
    table = Table(title=f"{page.total} BTI decision(s) on {page.on}")
    for col in ("reference", "code", "status", "valid", "description", "keywords"):
        table.add_column(col)
    for b in page.items:
        table.add_row(b.reference, b.code, b.status, f"{b.valid_from} → {b.last_day}", b.goods_description[:60],
                      ", ".join(b.keywords))
    console.print(table)


@app.command()
def valid(holder: str, code: str, on: On = None, as_json: AsJson = False) -> None:
    """The obligation of use: the BTI decisions HOLDER must use for goods under CODE. Exit 0 if there is one."""
    with reported(as_json):
        with database().read() as conn:
            found = service.valid_bti(conn, holder, code, _day(on))
    if as_json:
        print_json([b.model_dump(mode="json") for b in found])
    elif found:
        for b in found:
            console.print(f"[green]{b.reference}[/green] {b.code} valid {b.valid_from} → {b.last_day}")
    else:
        console.print(f"no valid BTI of {holder} for {code}")
    raise typer.Exit(0 if found else 1)


@app.command()
def refresh(on: On = None, as_json: AsJson = False) -> None:
    """Recompute the ends of validity from the nomenclature and record the decisions that expired or ceased."""
    with reported(as_json):
        with database().begin() as conn:
            counts = service.refresh(conn, caller(None, required=False), on=_day(on))
    if as_json:
        print_json(counts)
    else:
        console.print(", ".join(f"{k}: {v}" for k, v in counts.items()))


def _print_application(result, as_json: bool) -> None:  # noqa: ANN001
    if as_json:
        print_json(result.model_dump(mode="json"))
    else:
        console.print(f"{result.reference}: {result.state}" + (f" ({result.state_reason})" if result.state_reason else ""))


def _print_decision(result, as_json: bool) -> None:  # noqa: ANN001
    if as_json:
        print_json(result.model_dump(mode="json"))
    else:
        console.print(f"{result.reference}: {result.status} (last day {result.last_day})")
