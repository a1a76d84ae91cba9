"""``eucustoms ecics``: load the inventory, look substances up and search them, and maintain the entries.
Maintenance commands run with the box administrator's (Commission) rights unless ``--token`` says otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from eucustoms.platform.clitools import AsJson, Token, caller, console, database, print_json, read_json, reported

from . import examples, service
from .loader import DATA, load_ecics
from .messages import EndEntry, Substance, SubstanceAmendment, SubstanceEntry

app = typer.Typer(help="ECICS: the European Customs Inventory of Chemical Substances.", no_args_is_help=True)


def _table(items: list[Substance], title: str) -> Table:
    table = Table(title=title)
    for col in ("id", "CUS", "CAS", "EC", "CN", "formula", "name (en)", "precursor", "UN", "status"):
        table.add_column(col)
    for s in items:
        table.add_row(str(s.id), s.cus or "—", s.cas or "—", s.ec or "—", s.cn_code, s.formula or "", s.name,
                      s.drug_precursor_category or "", s.un_number or "", s.status)
    return table


@app.command()
def load(file: Annotated[Optional[Path], typer.Argument(help=f"CSV or CSV.gz (default: the shipped {DATA.name})")] = None,
         as_json: AsJson = False) -> None:
    """Load an ECICS data file; loading the same file again changes nothing."""
    with reported(as_json):
        report = load_ecics(database(), file)
    if as_json:
        print_json(report.model_dump())
    else:
        console.print(f"{report.file}: {report.rows} rows — {report.inserted} added, {report.updated} updated, "
                      f"{report.unchanged} unchanged, {report.kept} kept as maintained by officers")


@app.command()
def lookup(number: str, as_json: AsJson = False) -> None:
    """The entries with a CUS, CAS or EC number: exit 1 with the reason if malformed or not found."""
    with reported(as_json):
        with database().begin() as conn:
            found = service.lookup(conn, number)
    if as_json:
        print_json([s.model_dump(mode="json") for s in found])
    else:
        console.print(_table(found, number))


@app.command()
def search(cus: Annotated[Optional[str], typer.Option()] = None,
           cas: Annotated[Optional[str], typer.Option()] = None,
           ec: Annotated[Optional[str], typer.Option()] = None,
           name: Annotated[Optional[str], typer.Option(help="part of a name in any language")] = None,
           cn: Annotated[Optional[str], typer.Option(help="CN code or its start")] = None,
           formula: Annotated[Optional[str], typer.Option(help="molecular formula, any element order")] = None,
           precursor: Annotated[Optional[str], typer.Option(help="drug precursor category: 1, 2A, 2B, 3, 4")] = None,
           include_ended: Annotated[bool, typer.Option("--include-ended")] = False,
           limit: Annotated[int, typer.Option(min=1, max=100)] = 20, as_json: AsJson = False) -> None:
    """Search the inventory by any of its keys."""
    with reported(as_json):
        with database().begin() as conn:
            page = service.search(conn, cus=cus, cas=cas, ec=ec, name=name, cn=cn, formula_text=formula,
                                  precursor=precursor, include_ended=include_ended, limit=limit)
    if as_json:
        print_json(page.model_dump(mode="json"))
    else:
        console.print(_table(page.items, f"{page.total} substance(s)"))


@app.command()
def show(substance_id: int, as_json: AsJson = False) -> None:
    """One entry with its names in every language."""
    with reported(as_json):
        with database().read() as conn:
            found = service.get(conn, substance_id)
    if as_json:
        print_json(found.model_dump(mode="json"))
        return
    table = Table(title=f"ECICS entry {found.id}", show_header=False)
    for k, v in found.model_dump(mode="json").items():
        if k == "names":
            for lang, names in v.items():
                table.add_row(f"name ({lang})", " | ".join(names))
        else:
            table.add_row(k, " | ".join(v) if isinstance(v, list) else str(v if v is not None else "—"))
    console.print(table)


@app.command()
def example(kind: Annotated[str, typer.Argument(help=", ".join(examples.KINDS))] = "ethanol") -> None:
    """Print an example entry to start from."""
    with reported():
        if kind not in examples.KINDS:
            from eucustoms.core.errors import ErrorCode, Rejected

            raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "kind", f"examples exist for {', '.join(examples.KINDS)}")
        print_json(examples.entry(kind))


@app.command()
def add(file: Annotated[Path, typer.Argument(help="the entry as JSON (see `ecics example`)")],
        token: Token = None, as_json: AsJson = False) -> None:
    """Add an entry."""
    with reported(as_json):
        body = SubstanceEntry.model_validate(read_json(file))
        with database().begin() as conn:
            found = service.add(conn, caller(token, required=False), body)
    if as_json:
        print_json(found.model_dump(mode="json"))
    else:
        console.print(f"added entry {found.id}: {found.name}")


@app.command()
def amend(substance_id: int, file: Annotated[Path, typer.Argument(help="the fields to change, as JSON")],
          token: Token = None, as_json: AsJson = False) -> None:
    """Amend an entry: only the fields given change."""
    with reported(as_json):
        body = SubstanceAmendment.model_validate(read_json(file))
        with database().begin() as conn:
            found = service.amend(conn, caller(token, required=False), substance_id, body)
    if as_json:
        print_json(found.model_dump(mode="json"))
    else:
        console.print(f"amended entry {found.id} (version {found.version})")


@app.command("end")
def end_entry(substance_id: int, reason: Annotated[str, typer.Option()], token: Token = None,
              as_json: AsJson = False) -> None:
    """End an entry's validity today."""
    with reported(as_json):
        with database().begin() as conn:
            found = service.end(conn, caller(token, required=False), substance_id, EndEntry(reason=reason))
    if as_json:
        print_json(found.model_dump(mode="json"))
    else:
        console.print(f"entry {found.id} ended on {found.valid_to}")
