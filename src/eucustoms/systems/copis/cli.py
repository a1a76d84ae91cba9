"""``eucustoms copis``: applications for action, detentions and statistics.

Without ``--token`` a command runs with the box administrator's (the Commission's) rights."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from eucustoms.core.errors import ErrorCode, Rejected
from eucustoms.platform.clitools import AsJson, Token, caller, console, database, print_json, read_json, reported

from . import examples, service
from .messages import (
    ActionApplication,
    DeclarantResponse,
    DetentionRequest,
    GrantAction,
    HolderResponse,
    Outcome,
    Reason,
)

app = typer.Typer(help="COPIS: applications for action and detentions of goods infringing IP rights.", no_args_is_help=True)


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "date", f"{text!r} is not a date (YYYY-MM-DD)") from None


def _print_application(a, as_json: bool) -> None:  # noqa: ANN001
    if as_json:
        print_json(a.model_dump(mode="json"))
        return
    table = Table(title=f"application for action {a.reference}", show_header=False)
    for label, value in [
        ("kind", a.kind), ("lodged with", a.country), ("member states", ", ".join(a.member_states)),
        ("applicant", a.applicant.name), ("rights", ", ".join(f"{r.type} {r.registration_number or r.name}" for r in a.rights)),
        ("state", a.state + (" (in force)" if a.in_force else "")), ("decision due", str(a.decision_due or "-")),
        ("period of action", f"{a.valid_from or '-'} -> {a.valid_to or '-'}"), ("detentions", str(a.detentions)),
    ]:
        table.add_row(label, value)
    console.print(table)


def _print_detention(d, as_json: bool) -> None:  # noqa: ANN001
    if as_json:
        print_json(d.model_dump(mode="json"))
        return
    table = Table(title=f"detention {d.reference}", show_header=False)
    for label, value in [
        ("application", d.application), ("office", d.office), ("declaration", d.declaration), ("state", d.state),
        ("articles", str(d.articles)), ("due", str(d.due)),
        ("right holder", "-" if d.holder_infringement is None else f"infringement {d.holder_infringement}, destruction {d.holder_agrees}"),
        ("declarant", "deemed to agree" if d.declarant_deemed_agreement else str(d.declarant_agrees)),
    ]:
        table.add_row(label, value)
    console.print(table)


@app.command("example")
def example(what: Annotated[str, typer.Argument(help="application or detention")] = "application",
            application: Annotated[Optional[str], typer.Option(help="the application for a detention example")] = None,
            eori: Annotated[str, typer.Option()] = "DE1234567890") -> None:
    """Print an example application for action (or detention) to start from."""
    with reported():
        if what == "application":
            print_json(examples.application(eori=eori.upper()))
        elif what == "detention":
            print_json(examples.detention(application or "DE-AFA-2026-000001"))
        else:
            raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "what", "application or detention")


@app.command("lodge")
def lodge(path: Path, token: Token = None, as_json: AsJson = False) -> None:
    """Lodge the application for action in PATH (JSON)."""
    with reported(as_json):
        body = ActionApplication.model_validate(read_json(path))
        with database().begin() as conn:
            a = service.lodge(conn, caller(token, required=False), body)
    _print_application(a, as_json)


@app.command("grant")
def grant(reference: str, valid_to: Annotated[Optional[str], typer.Option()] = None, token: Token = None,
          as_json: AsJson = False) -> None:
    """Grant an application for action (customs act from tomorrow for at most a year)."""
    with reported(as_json):
        with database().begin() as conn:
            a = service.grant(conn, caller(token, required=False), reference, GrantAction(valid_to=_day(valid_to)))
    _print_application(a, as_json)


@app.command("reject")
def reject(reference: str, reason: Annotated[str, typer.Option()], token: Token = None, as_json: AsJson = False) -> None:
    """Reject an application for action."""
    with reported(as_json):
        with database().begin() as conn:
            a = service.reject(conn, caller(token, required=False), reference, Reason(reason=reason))
    _print_application(a, as_json)


@app.command("show")
def show(reference: str, token: Token = None, as_json: AsJson = False) -> None:
    """Show an application for action (``..-AFA-..``) or a detention (``..-DET-..``)."""
    with reported(as_json):
        principal = caller(token, required=False)
        with database().read() as conn:
            if "-DET-" in reference.upper():
                _print_detention(service.show_detention(conn, principal, reference), as_json)
            else:
                _print_application(service.show_application(conn, principal, reference), as_json)


@app.command("detain")
def detain(path: Path, token: Token = None, as_json: AsJson = False) -> None:
    """Detain goods as described in PATH (JSON)."""
    with reported(as_json):
        body = DetentionRequest.model_validate(read_json(path))
        with database().begin() as conn:
            d = service.detain(conn, caller(token, required=False), body)
    _print_detention(d, as_json)


@app.command("detentions")
def detentions(application: Annotated[Optional[str], typer.Option()] = None, state: Optional[str] = None,
               token: Token = None, as_json: AsJson = False) -> None:
    """List detentions (of one application with --application)."""
    with reported(as_json):
        with database().read() as conn:
            total, items = service.list_detentions(conn, caller(token, required=False), application=application, state=state)
    if as_json:
        print_json({"total": total, "items": [d.model_dump(mode="json") for d in items]})
        return
    table = Table(title=f"detentions ({total})")
    for col in ("reference", "application", "office", "state", "articles", "due"):
        table.add_column(col)
    for d in items:
        table.add_row(d.reference, d.application, d.office, d.state, str(d.articles), str(d.due))
    console.print(table)


@app.command("holder-response")
def holder_response(reference: str, infringement: Annotated[bool, typer.Option("--infringement/--no-infringement")],
                    destroy: Annotated[bool, typer.Option("--agree-destruction/--no-destruction")],
                    token: Token = None, as_json: AsJson = False) -> None:
    """The right holder's confirmation of the infringement and agreement to destruction."""
    with reported(as_json):
        with database().begin() as conn:
            d = service.respond_holder(conn, caller(token, required=False), reference,
                                       HolderResponse(infringement=infringement, agree_to_destruction=destroy))
    _print_detention(d, as_json)


@app.command("declarant-response")
def declarant_response(reference: str, agree: Annotated[bool, typer.Option("--agree/--oppose")],
                       token: Token = None, as_json: AsJson = False) -> None:
    """The declarant's agreement to destruction or opposition."""
    with reported(as_json):
        with database().begin() as conn:
            d = service.respond_declarant(conn, caller(token, required=False), reference,
                                          DeclarantResponse(agree_to_destruction=agree))
    _print_detention(d, as_json)


@app.command("destroy")
def destroy(reference: str, reason: Annotated[str, typer.Option()], token: Token = None, as_json: AsJson = False) -> None:
    """Destroy detained goods under customs control."""
    with reported(as_json):
        with database().begin() as conn:
            d = service.destroy(conn, caller(token, required=False), reference, Outcome(reason=reason))
    _print_detention(d, as_json)


@app.command("release")
def release(reference: str, reason: Annotated[str, typer.Option()], token: Token = None, as_json: AsJson = False) -> None:
    """Release detained goods."""
    with reported(as_json):
        with database().begin() as conn:
            d = service.release(conn, caller(token, required=False), reference, Outcome(reason=reason))
    _print_detention(d, as_json)


@app.command("statistics")
def statistics(since: Annotated[Optional[str], typer.Option()] = None, until: Annotated[Optional[str], typer.Option()] = None,
               token: Token = None, as_json: AsJson = False) -> None:
    """Detentions and articles per right type, member state and outcome."""
    with reported(as_json):
        with database().read() as conn:
            stats = service.statistics(conn, caller(token, required=False), since=_day(since), until=_day(until))
    if as_json:
        print_json(stats)
        return
    table = Table(title=f"detentions: {stats['detentions']} ({stats['articles']} articles)")
    for col in ("by", "key", "detentions", "articles"):
        table.add_column(col)
    for by in ("by_right_type", "by_country", "by_situation"):
        for key, v in sorted(stats[by].items()):
            table.add_row(by[3:], key, str(v["detentions"]), str(v["articles"]))
    console.print(table)
