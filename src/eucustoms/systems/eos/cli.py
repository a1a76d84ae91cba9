"""``eucustoms eori``: register, amend, end, show and validate EORI numbers."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.table import Table

from eucustoms.core.identifiers import EORI
from eucustoms.platform.clitools import ADMIN, console, database, print_json, reported

from . import service
from .messages import Address, Contact, EndValidity, OperatorAmendment, OperatorRegistration

app = typer.Typer(help="EOS: register and look up economic operators (EORI).", no_args_is_help=True)


@app.command()
def register(
    name: Annotated[str, typer.Option(help="legal name of the operator")],
    street: Annotated[str, typer.Option(help="street and number")],
    city: Annotated[str, typer.Option()],
    country: Annotated[str, typer.Option(help="country of the address (ISO 3166 alpha-2)")],
    eori: Annotated[Optional[str], typer.Option(help="EORI number; assigned when omitted")] = None,
    issuing: Annotated[Optional[str], typer.Option(help="issuing member state when --eori is omitted (default: --country)")] = None,
    postcode: Annotated[Optional[str], typer.Option()] = None,
    vat: Annotated[Optional[list[str]], typer.Option(help="VAT identification number(s)")] = None,
    third_country: Annotated[bool, typer.Option("--third-country", help="not established in the Union")] = False,
    contact: Annotated[Optional[str], typer.Option(help="contact person")] = None,
    email: Annotated[Optional[str], typer.Option()] = None,
    publish: Annotated[bool, typer.Option("--publish", help="consent to publish name and address")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Register an economic operator."""
    with reported(as_json):
        reg = OperatorRegistration(
            eori=eori, name=name, address=Address(street_and_number=street, postcode=postcode, city=city, country=country),
            established_in_union=not third_country, vat_numbers=vat or [],
            contact=Contact(name=contact, email=email) if contact else None, publication_consent=publish,
        )
        with database().begin() as conn:
            op = service.register(conn, ADMIN, reg, country=(issuing or country).upper())
    if as_json:
        print_json(op.model_dump(mode="json"))
    else:
        console.print(f"registered [bold]{op.eori}[/bold] {op.name}")


@app.command()
def validate(eori: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The public EORI validation: exit 0 if valid today, 1 if not (or malformed)."""
    with reported(as_json):
        with database().begin() as conn:
            result = service.validate_public(conn, eori)
    if as_json:
        print_json(result.model_dump(mode="json"))
    else:
        colour = "green" if result.valid else "red"
        console.print(f"[{colour}]{result.eori}: {result.status_description}[/{colour}]"
                      + (f" — {result.name}" if result.name else ""))
    raise typer.Exit(0 if result.valid else 1)


@app.command()
def show(eori: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show an operator's full registration."""
    with reported(as_json):
        with database().read() as conn:
            op = service.get(conn, str(EORI.parse(eori)))
    if as_json:
        print_json(op.model_dump(mode="json"))
        return
    table = Table(title=f"EORI {op.eori}", show_header=False)
    for label, value in [
        ("name", op.name), ("status", op.status), ("address", f"{op.address.street_and_number}, {op.address.postcode or ''} {op.address.city}, {op.address.country}"),
        ("established in the Union", "yes" if op.established_in_union else "no"), ("VAT", ", ".join(op.vat_numbers)),
        ("valid", f"{op.start_date} → {op.end_date or 'open'}"), ("AEO", ", ".join(f"{a.aeo_type} ({a.decision_reference})" for a in op.aeo) or "—"),
        ("version", str(op.version)),
    ]:
        table.add_row(label, value)
    console.print(table)


@app.command("end")
def end_validity(eori: str, reason: Annotated[str, typer.Option()], as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """End the validity of an EORI number today."""
    with reported(as_json):
        with database().begin() as conn:
            op = service.end_validity(conn, ADMIN, eori, EndValidity(reason=reason))
    if as_json:
        print_json(op.model_dump(mode="json"))
    else:
        console.print(f"{op.eori} ended on {op.end_date}")


@app.command()
def amend(
    eori: str,
    name: Annotated[Optional[str], typer.Option()] = None,
    street: Annotated[Optional[str], typer.Option(help="street and number (with --city and --country)")] = None,
    city: Annotated[Optional[str], typer.Option()] = None,
    country: Annotated[Optional[str], typer.Option()] = None,
    postcode: Annotated[Optional[str], typer.Option()] = None,
    vat: Annotated[Optional[list[str]], typer.Option(help="VAT identification number(s), replacing the list")] = None,
    publish: Annotated[Optional[bool], typer.Option("--publish/--no-publish")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Amend a registration: only the options given change."""
    with reported(as_json):
        change: dict = {"name": name, "vat_numbers": vat, "publication_consent": publish}
        if street or city or country or postcode:
            change["address"] = {"street_and_number": street, "city": city, "country": country, "postcode": postcode}
        body = OperatorAmendment.model_validate({k: v for k, v in change.items() if v is not None})
        with database().begin() as conn:
            op = service.amend(conn, ADMIN, eori, body)
    if as_json:
        print_json(op.model_dump(mode="json"))
    else:
        console.print(f"amended {op.eori} (version {op.version})")
