"""``eucustoms certex``: the CERTEX domains, example certificates, issuing a certificate from a JSON file (as the
partner system), showing it with its balance and uses, checking it for a declaration item, and changing its status.
Commands run with the box administrator's rights (the Commission, which also plays the partner systems)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from eucustoms.core.errors import ErrorCode, Rejected
from eucustoms.platform.clitools import ADMIN, AsJson, console, database, print_json, read_json, reported

from . import examples, service
from .messages import CertificateIssue, CheckRequest, Measure, StatusChange

app = typer.Typer(help="EU CSW-CERTEX: certificates of the Union non-customs systems, their balances and uses.",
                  no_args_is_help=True)


def _m(measure: Measure | None) -> str:
    return f"{format(measure.value, 'f')} {measure.unit}" if measure else "—"


@app.command("domains")
def domains_cmd(as_json: AsJson = False) -> None:
    """The certificate domains with their document codes, partner systems and consuming procedures."""
    rows = service.domains()
    if as_json:
        print_json(rows)
        return
    table = Table(title="CERTEX domains")
    for column in ("domain", "codes", "partner system", "quantity", "reserved on procedures"):
        table.add_column(column)
    for d in rows:
        table.add_row(d["id"], ", ".join(d["document_codes"]) or "(unconfirmed)", d["partner_system"],
                      "managed" if d["quantity_managed"] else "verified only", " ".join(d["consuming_procedures"]) or "—")
    console.print(table)


@app.command("example")
def example_cmd(domain: str, holder: Annotated[str, typer.Option(help="EORI of the holder")] = examples.HOLDER) -> None:
    """A realistic certificate of DOMAIN as JSON, to edit and issue."""
    with reported():
        try:
            data = examples.example(domain, holder=holder)
        except KeyError as exc:
            raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "domain", str(exc.args[0])) from None
    print_json(data)


@app.command("issue")
def issue_cmd(path: Path, as_json: AsJson = False) -> None:
    """Record the certificate in PATH (JSON) as its partner system issued it."""
    with reported(as_json):
        request = CertificateIssue.model_validate(read_json(path))
        with database().begin() as conn:
            cert = service.issue(conn, ADMIN, request)
    if as_json:
        print_json(cert.model_dump(mode="json"))
    else:
        console.print(f"recorded [bold]{cert.reference}[/bold] ({cert.domain}, {cert.partner_system}) for {cert.holder}: "
                      f"{_m(cert.total) if cert.quantity_managed else 'no quantity'}")


@app.command()
def show(reference: str, as_json: AsJson = False) -> None:
    """A certificate with its balance and status."""
    with reported(as_json):
        with database().read() as conn:
            c = service.show(conn, ADMIN, reference)
    if as_json:
        print_json(c.model_dump(mode="json"))
        return
    table = Table(title=f"certificate {c.reference}", show_header=False)
    for label, value in [
        ("domain", f"{c.domain} — {c.domain_name}"), ("document code", c.document_code or "—"),
        ("partner system", c.partner_system), ("holder", c.holder), ("status", c.status + (f" ({c.status_reason})" if c.status_reason else "")),
        ("goods", f"{', '.join(c.goods_codes)}: {c.goods_description}"), ("total", _m(c.total)), ("balance", _m(c.balance)),
        ("valid", f"{c.valid_from} → {c.valid_to or 'open'}"), ("countries", ", ".join(c.countries) if c.countries else "every member state"),
        ("issued by", c.issuing_authority or "—"), ("version", str(c.version)),
    ]:
        table.add_row(label, value)
    console.print(table)


@app.command()
def uses(reference: str, as_json: AsJson = False) -> None:
    """The uses of a certificate (reservations, verifications, restorations, adjustments), oldest first."""
    with reported(as_json):
        with database().read() as conn:
            moves = service.history(conn, ADMIN, reference)
    if as_json:
        print_json([m.model_dump(mode="json") for m in moves])
        return
    table = Table(title=f"uses of {reference}")
    for column in ("at", "kind", "quantity", "declared", "balance after", "declaration", "item", "procedure", "country", "operation"):
        table.add_column(column)
    for m in moves:
        table.add_row(m.at.strftime("%Y-%m-%d %H:%M:%S"), m.kind, _m(m.quantity), _m(m.declared), _m(m.balance_after),
                      m.declaration_ref, str(m.item_no), m.procedure or "", m.country or "", m.operation_id)
    console.print(table)


@app.command()
def check(
    reference: str,
    holder: Annotated[list[str], typer.Option(help="EORI of a party that may hold it (repeat: importer, declarant)")],
    goods: Annotated[str, typer.Option(help="commodity code of the item (CN or TARIC)")],
    quantity: Annotated[Optional[str], typer.Option(help="declared quantity")] = None,
    unit: Annotated[Optional[str], typer.Option(help="unit of the declared quantity (KGM, TNE, NAR...)")] = None,
    procedure: Annotated[Optional[str], typer.Option(help="D.E. 1/10 (e.g. 4000) or transit type (T1)")] = None,
    country: Annotated[Optional[str], typer.Option(help="member state of the customs office")] = None,
    code: Annotated[Optional[str], typer.Option(help="document code quoted (e.g. N853)")] = None,
    on: Annotated[Optional[str], typer.Option(help="day of acceptance (YYYY-MM-DD), default today")] = None,
    as_json: AsJson = False,
) -> None:
    """May a declaration item quote the certificate? Exit 0 if yes, 1 with every reason if not."""
    with reported(as_json):
        try:
            amount = Decimal(quantity) if quantity is not None else None
        except InvalidOperation:
            raise Rejected.one(ErrorCode.RULE_VIOLATION, "--quantity", f"{quantity!r} is not a decimal number") from None
        request = CheckRequest(reference=reference, holder=holder, goods_code=goods, quantity=amount, unit=unit,
                               procedure=procedure, country=country, document_code=code,
                               on=date.fromisoformat(on) if on else None)
        with database().begin() as conn:
            result = service.check(conn, request)
    if as_json:
        print_json(result.model_dump(mode="json"))
    elif result.valid:
        console.print(f"[green]{result.reference} ({result.domain}): usable[/green]"
                      + (f", {result.action}" if result.action else "") + f"; balance {_m(result.balance)}")
    else:
        for r in result.reasons:
            console.print(f"[red]{r.code}[/red] {r.reason}")
    raise typer.Exit(0 if result.valid else 1)


@app.command()
def status(
    reference: str,
    to: Annotated[str, typer.Option("--to", help="suspended, valid (reinstate) or cancelled")],
    reason: Annotated[str, typer.Option(help="why, as the partner system recorded it")],
    as_json: AsJson = False,
) -> None:
    """Change the status of a certificate as its partner system decided."""
    with reported(as_json):
        with database().begin() as conn:
            c = service.change_status(conn, ADMIN, reference, to.strip().lower(), StatusChange(reason=reason))
    if as_json:
        print_json(c.model_dump(mode="json"))
    else:
        console.print(f"{c.reference} is now [bold]{c.status}[/bold]")
