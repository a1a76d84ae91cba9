"""``eucustoms decisions``: lodge applications, take the steps on them, act on decisions and look them up.

Without ``--token`` a command runs with the box administrator's (the Commission's) rights."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from eucustoms.core.clock import now
from eucustoms.core.errors import ErrorCode, Rejected
from eucustoms.platform.clitools import AsJson, Token, caller, console, database, print_json, read_json, reported

from . import service
from .codes import EXTENSION_GROUNDS, REVOCATION_GROUNDS, TYPES
from .examples import example as build_example
from .messages import (
    ConsultationAnswer,
    DecisionApplication,
    Extension,
    Grant,
    Hearing,
    Reason,
    Refusal,
    Revocation,
)
from .messages import Comment as CommentBody
from .references import is_application_reference

app = typer.Typer(help="CDS: applications for customs decisions and the decisions taken.", no_args_is_help=True)


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
    limits = a.time_limits
    table = Table(title=f"application {a.reference}", show_header=False)
    for label, value in [
        ("type", f"{a.decision_type} - {a.title}"), ("applicant", a.applicant), ("competent", a.country),
        ("member states", ", ".join(a.countries) if a.countries else "all (AEO)"), ("state", a.state),
        ("lodged", str(a.lodged_on)), ("accepted", str(a.accepted_on or limits["deemed_accepted_on"] or "-")),
        ("acceptance due", str(limits["acceptance_due"] or "-")),
        ("decision due", f"{limits['decision_due'] or '-'}" + (" [red](overdue)[/red]" if limits["decision_overdue"] else "")),
        ("hearing until", str(limits["hearing_due"] or "-")),
        ("consultations", ", ".join(f"{c.country}: {c.status} (until {c.due_on})" for c in a.consultations) or "-"),
        ("decision", a.decision_reference or "-"), ("outcome", a.outcome_reason or "-"),
    ]:
        table.add_row(label, value)
    console.print(table)


def _print_decision(d, as_json: bool) -> None:  # noqa: ANN001
    if as_json:
        print_json(d.model_dump(mode="json"))
        return
    table = Table(title=f"decision {d.reference}", show_header=False)
    for label, value in [
        ("type", f"{d.decision_type} - {d.title}"), ("holder", d.holder), ("taken by", d.country),
        ("member states", ", ".join(d.countries) if d.countries is not None else "all member states"),
        ("state", d.state + (f" from {d.ends_on}" if d.ends_on else "")), ("valid", f"{d.valid_from} -> {d.valid_to or 'open'}"),
        ("valid today", "yes" if d.valid_today else "no"), ("application", d.application),
    ]:
        table.add_row(label, value)
    console.print(table)


@app.command("types")
def types(as_json: AsJson = False) -> None:
    """The decision types with their legal basis and time-limits."""
    rows = [t.as_dict() for t in TYPES.values()]
    if as_json:
        print_json(rows)
        return
    table = Table(title="decision types")
    for col in ("code", "title", "decision days", "member states", "consultation days"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["code"], r["title"], str(r["decision_days"]),
                      "all" if r["union_wide"] else (f"{r['min_states']}+" if r["multi_state"] else "1"),
                      str(r["consultation_days"]))
    console.print(table)


@app.command("example")
def example(decision_type: str, applicant: Annotated[str, typer.Option()] = "DE1234567890",
            country: Annotated[str, typer.Option()] = "DE") -> None:
    """Print an example application for DECISION_TYPE (e.g. CCL, AEOF) to start from."""
    with reported():
        if decision_type.upper() not in TYPES:
            raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "decision_type",
                               f"{decision_type!r} is not a decision type: {', '.join(TYPES)}")
        print_json(build_example(decision_type, applicant=applicant.upper(), country=country.upper()))


@app.command("lodge")
def lodge(path: Path, token: Token = None, as_json: AsJson = False) -> None:
    """Lodge the application in PATH (JSON)."""
    with reported(as_json):
        body = DecisionApplication.model_validate(read_json(path))
        principal = caller(token, required=False)
        with database().begin() as conn:
            a = service.lodge(conn, principal, body)
    if as_json:
        print_json(a.model_dump(mode="json"))
    else:
        console.print(f"lodged [bold]{a.reference}[/bold] ({a.decision_type}); acceptance due by {a.time_limits['acceptance_due']}")


@app.command("show")
def show(reference: str, token: Token = None, as_json: AsJson = False) -> None:
    """Show an application (with its time-limits) or a decision."""
    with reported(as_json):
        principal = caller(token, required=False)
        with database().read() as conn:
            if is_application_reference(reference):
                _print_application(service.show_application(conn, principal, reference), as_json)
            else:
                _print_decision(service.show_decision(conn, principal, reference), as_json)


@app.command("list")
def list_(token: Token = None, state: Optional[str] = None, decision_type: Annotated[Optional[str], typer.Option("--type")] = None,
          overdue: Annotated[Optional[bool], typer.Option("--overdue/--on-time")] = None,
          limit: int = 50, as_json: AsJson = False) -> None:
    """List applications (yours with a trader token, your member state's with an officer token, all without)."""
    with reported(as_json):
        with database().read() as conn:
            total, items = service.list_applications(conn, caller(token, required=False), state=state,
                                                     decision_type=decision_type, overdue=overdue, limit=limit)
    if as_json:
        print_json({"total": total, "items": items})
        return
    table = Table(title=f"applications ({total})")
    for col in ("reference", "type", "applicant", "state", "lodged", "decision due", "decision"):
        table.add_column(col)
    for r in items:
        table.add_row(r["reference"], r["decision_type"], r["applicant"], r["state"], str(r["lodged_on"]),
                      f"{r['decision_due'] or '-'}" + (" (overdue)" if r["decision_overdue"] else ""),
                      r["decision_reference"] or "")
    console.print(table)


def _step(reference: str, token: str | None, as_json: bool, action, *args) -> None:  # noqa: ANN001
    with reported(as_json):
        principal = caller(token, required=False)
        with database().begin() as conn:
            result = action(conn, principal, reference, *args)
    if hasattr(result, "application"):
        _print_decision(result, as_json)
    else:
        _print_application(result, as_json)


@app.command("accept")
def accept(reference: str, token: Token = None, as_json: AsJson = False) -> None:
    """Accept an application (Art. 22(2) UCC); the other member states concerned are consulted."""
    _step(reference, token, as_json, service.accept)


@app.command("not-accept")
def not_accept(reference: str, reason: Annotated[str, typer.Option()], token: Token = None, as_json: AsJson = False) -> None:
    """Do not accept an application (the conditions for acceptance are not fulfilled)."""
    _step(reference, token, as_json, service.not_accept, Reason(reason=reason))


@app.command("withdraw")
def withdraw(reference: str, reason: Annotated[str, typer.Option()], token: Token = None, as_json: AsJson = False) -> None:
    """Withdraw an application (the applicant)."""
    _step(reference, token, as_json, service.withdraw, Reason(reason=reason))


@app.command("extend")
def extend(reference: str, ground: Annotated[str, typer.Option(help=", ".join(EXTENSION_GROUNDS))],
           days: Annotated[int, typer.Option()], reason: Annotated[str, typer.Option()],
           token: Token = None, as_json: AsJson = False) -> None:
    """Extend the time-limit for the decision."""
    _step(reference, token, as_json, service.extend, Extension(ground=ground, days=days, reason=reason))


@app.command("answer")
def answer(reference: str, country: str, agree: Annotated[bool, typer.Option("--agree/--object")],
           reason: Annotated[Optional[str], typer.Option()] = None, token: Token = None, as_json: AsJson = False) -> None:
    """Answer a consultation as the consulted member state COUNTRY."""
    with reported(as_json):
        principal = caller(token, required=False)
        with database().begin() as conn:
            a = service.answer_consultation(conn, principal, reference, country, ConsultationAnswer(agree=agree, reason=reason))
    _print_application(a, as_json)


@app.command("hear")
def hear(reference: str, grounds: Annotated[str, typer.Option()], token: Token = None, as_json: AsJson = False) -> None:
    """Communicate the grounds of an intended refusal: the applicant has 30 days to answer."""
    _step(reference, token, as_json, service.hear, Hearing(grounds=grounds))


@app.command("comment")
def comment(reference: str, text: Annotated[str, typer.Option()], token: Token = None, as_json: AsJson = False) -> None:
    """The applicant's point of view on the grounds communicated."""
    _step(reference, token, as_json, service.comment, CommentBody(comment=text))


@app.command("grant")
def grant(reference: str, valid_from: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD")] = None,
          valid_to: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD")] = None,
          country: Annotated[Optional[list[str]], typer.Option(help="geographical validity (repeat)")] = None,
          conditions: Annotated[Optional[str], typer.Option()] = None, token: Token = None, as_json: AsJson = False) -> None:
    """Take the decision on an application."""
    with reported(as_json):
        body = Grant(valid_from=_day(valid_from), valid_to=_day(valid_to), countries=country or None, conditions=conditions)
    _step(reference, token, as_json, service.grant, body)


@app.command("refuse")
def refuse(reference: str, grounds: Annotated[str, typer.Option()], token: Token = None, as_json: AsJson = False) -> None:
    """Refuse an application after the applicant was heard."""
    _step(reference, token, as_json, service.refuse, Refusal(grounds=grounds))


@app.command("suspend")
def suspend(reference: str, reason: Annotated[str, typer.Option()], token: Token = None, as_json: AsJson = False) -> None:
    """Suspend a decision."""
    _step(reference, token, as_json, service.suspend, Reason(reason=reason))


@app.command("reinstate")
def reinstate(reference: str, reason: Annotated[str, typer.Option()], token: Token = None, as_json: AsJson = False) -> None:
    """Lift the suspension of a decision."""
    _step(reference, token, as_json, service.reinstate, Reason(reason=reason))


@app.command("revoke")
def revoke(reference: str, reason: Annotated[str, typer.Option()],
           ground: Annotated[str, typer.Option(help=", ".join(REVOCATION_GROUNDS))] = "conditions_not_fulfilled",
           effective: Annotated[Optional[str], typer.Option(help="first day it no longer applies (YYYY-MM-DD)")] = None,
           token: Token = None, as_json: AsJson = False) -> None:
    """Revoke a decision (Art. 28 UCC)."""
    with reported(as_json):
        body = Revocation(ground=ground, reason=reason, effective=_day(effective))
    _step(reference, token, as_json, service.revoke, body)


@app.command("annul")
def annul(reference: str, reason: Annotated[str, typer.Option()], token: Token = None, as_json: AsJson = False) -> None:
    """Annul a decision (Art. 27 UCC)."""
    _step(reference, token, as_json, service.annul, Reason(reason=reason))


@app.command("holds")
def holds(eori: str, decision_type: str, on: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD, default today")] = None,
          country: Annotated[Optional[str], typer.Option()] = None, as_json: AsJson = False) -> None:
    """Does EORI hold a valid decision of DECISION_TYPE? Exit 0 if yes, 1 if not."""
    with reported(as_json):
        day = _day(on) or now().date()
        with database().read() as conn:
            found = service.holds(conn, eori, decision_type, as_of=day, country=country)
    if as_json:
        print_json({"eori": eori.upper(), "decision_type": decision_type.upper(), "on": day, "decision": found})
    elif found:
        console.print(f"[green]{eori.upper()} holds {found['decision_type']} {found['reference']} on {day}[/green]")
    else:
        console.print(f"[red]{eori.upper()} holds no valid {decision_type.upper()} decision on {day}[/red]")
    raise typer.Exit(0 if found else 1)


@app.command("lookup")
def lookup(reference: str, on: Annotated[Optional[str], typer.Option()] = None, as_json: AsJson = False) -> None:
    """The public look-up of a decision by number: exit 0 if valid, 1 if not."""
    with reported(as_json):
        with database().begin() as conn:
            result = service.public_lookup(conn, reference, on=_day(on))
    if as_json:
        print_json(result)
    else:
        colour = "green" if result["valid"] else "red"
        console.print(f"[{colour}]{result['reference']}: {result['status']}[/{colour}]"
                      + (f" - {result['decision_type']} by {result['issuing_country']}" if result["found"] else ""))
    raise typer.Exit(0 if result["valid"] else 1)


@app.command("aeo")
def aeo(eori: str, on: Annotated[Optional[str], typer.Option()] = None, as_json: AsJson = False) -> None:
    """The public AEO query: exit 0 if the operator is a published AEO, 1 if not."""
    with reported(as_json):
        with database().begin() as conn:
            result = service.public_aeo(conn, eori, on=_day(on))
    if as_json:
        print_json(result)
    elif result["found"]:
        console.print(f"[green]{result['eori']}: {', '.join(result['aeo'])} - {result['name'] or ''}[/green]")
    else:
        console.print(f"[red]{result['eori']}: not in the published list of AEOs[/red]")
    raise typer.Exit(0 if result["found"] else 1)
