"""Durable allocation of the Union's reference numbers: MRNs and GRNs from per-country, per-year sequences
(never reused, across restarts and concurrent writers)."""

from __future__ import annotations

from sqlalchemy import Connection

from eucustoms.core.clock import now
from eucustoms.core.identifiers import GRN, MRN, DeclarationKind, ProcedureCategory
from eucustoms.platform.db import next_value


def allocate_mrn(conn: Connection, country: str, procedure: ProcedureCategory | DeclarationKind | str,
                 *, year: int | None = None) -> MRN:
    """The next MRN of ``country`` for ``year`` (default: this year), in the caller's transaction."""
    year = year or now().year
    country = country.upper()
    serial = next_value(conn, f"mrn:{country}:{year}")
    return MRN.build(year, country, serial, procedure)


def allocate_grn(conn: Connection, country: str, *, year: int | None = None, voucher: str | None = None) -> GRN:
    year = year or now().year
    country = country.upper()
    serial = next_value(conn, f"grn:{country}:{year}")
    return GRN.build(year, country, serial, voucher)
