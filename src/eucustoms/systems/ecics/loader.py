"""``load_ecics(db, path)``: load an ECICS data file (CSV, optionally gzipped), idempotently.

Columns (header row; lines starting with ``#`` are comments): ``cus``, ``cas``, ``ec``, ``cn_code``, one
``name_<lang>`` column per ISO 639-1 language (``name_en`` is mandatory), ``inn``, ``iso_name``, ``formula``,
``synonyms``, ``drug_precursor_category``, ``un_number``, ``notes``. Several names (or synonyms) in one cell are
separated by `` | ``. Only ``cn_code``, ``name_en`` and one of ``cus``/``cas`` are required.

Every row is checked first (check digits, CL016, CL101, the nomenclature on the day of loading); one bad row
rejects the file with every problem listed by line, and nothing is loaded. An entry is matched by its CUS
number or, without one, by its CAS number among the entries without CUS number: new entries are added,
changed ones updated (a history line each), unchanged ones left alone, so loading the same file again changes
nothing. Entries an officer has changed since they were loaded are kept as the officer left them.
"""

from __future__ import annotations

import csv
import gzip
import io
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import ErrorCode, Issue, Rejected
from eucustoms.platform.db import Database
from eucustoms.platform.http.errors import issues_from_pydantic

from .messages import LoadReport, SubstanceEntry
from .service import FIELDS, check, insert_entry, refdata, write_names
from .store import ecics_history as H
from .store import ecics_substance as S

DATA = Path(__file__).parent / "data" / "ecics.csv"
LOADER = "ecics-loader"
SEPARATOR = "|"


def _open(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) for every data row of the file, comments skipped."""
    with _open(path) as f:
        lines = [(n, line) for n, line in enumerate(f, start=1) if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise Rejected.one(ErrorCode.MISSING, str(path), "the file has no header and no data")
    reader = csv.DictReader(line for _, line in lines)
    rows = []
    for (n, _), row in zip(lines[1:], reader):
        if None in row:
            raise Rejected.one(ErrorCode.SYNTAX, f"line {n}", "more cells than columns in the header")
        rows.append((n, {k.strip(): (v or "").strip() for k, v in row.items()}))
    return rows


def _split(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(SEPARATOR) if p.strip()]


def to_entry(row: dict[str, str]) -> dict[str, Any]:
    """A file row as the fields of :class:`SubstanceEntry`."""
    names = {k[len("name_"):]: _split(v) for k, v in row.items() if k.startswith("name_") and v}
    body: dict[str, Any] = {"names": names, "synonyms": _split(row.get("synonyms", ""))}
    for field in FIELDS:
        if field != "synonyms" and row.get(field):
            body[field] = row[field]
    return body


def parse_file(conn: Connection, path: Path, day: date) -> tuple[list[tuple[int, dict[str, Any]]], list[Issue]]:
    """The checked entries of a file with their line numbers, and every problem found."""
    ref = refdata(conn)
    entries, issues = [], []
    keys: dict[tuple[str, str], int] = {}
    for n, row in read_rows(path):
        prefix = f"line {n}"
        try:
            entry = SubstanceEntry.model_validate(to_entry(row))
        except ValidationError as exc:
            issues += [Issue(i.code, prefix + i.pointer, i.reason) for i in issues_from_pydantic(exc.errors())]
            continue
        values, found = check(entry.model_dump(), ref, day, prefix)
        issues += found
        key = ("cus", values["cus"]) if values.get("cus") else ("cas", values.get("cas") or "")
        if key[1] and key in keys:
            issues.append(Issue(ErrorCode.DUPLICATE, f"{prefix}/{key[0]}",
                                f"{key[0].upper()} number {key[1]} is already on line {keys[key]}"))
        keys.setdefault(key, n)
        entries.append((n, values))
    return entries, issues


def _comparable(values: dict[str, Any]) -> dict[str, Any]:
    return {**{f: values.get(f) or None for f in FIELDS if f != "synonyms"}, "synonyms": list(values.get("synonyms") or []),
            "names": values.get("names") or {}}


def load(conn: Connection, path: Path | None = None, *, as_of: date | None = None) -> LoadReport:
    """Load ``path`` (the shipped dataset when omitted) in the caller's transaction."""
    path = Path(path) if path else DATA
    day = as_of or now().date()
    entries, issues = parse_file(conn, path, day)
    if issues:
        raise Rejected(issues, f"{path.name}: {len(issues)} problem(s); nothing was loaded")
    by_cus = {r["cus"]: dict(r) for r in conn.execute(select(S).where(S.c.cus.is_not(None))).mappings()}
    by_cas = {r["cas"]: dict(r) for r in conn.execute(select(S).where(S.c.cus.is_(None), S.c.cas.is_not(None))).mappings()}
    report = {"inserted": 0, "updated": 0, "unchanged": 0, "kept": 0}
    for _, values in entries:
        existing = by_cus.get(values["cus"]) if values.get("cus") else by_cas.get(values.get("cas"))
        if existing is None:
            insert_entry(conn, values, who=LOADER, source=path.name, day=day)
            report["inserted"] += 1
            continue
        if existing["updated_by"] != LOADER:
            report["kept"] += 1  # an officer maintains it now
            continue
        new, old = _comparable(values), _comparable(existing)
        if new == old:
            report["unchanged"] += 1
            continue
        changes = {k: v for k, v in new.items() if v != old[k]}
        version = existing["version"] + 1
        conn.execute(update(S).where(S.c.id == existing["id"]).values(
            **changes, source=path.name, version=version, updated_at=now(), updated_by=LOADER))
        write_names(conn, existing["id"], new)
        conn.execute(H.insert().values(substance_id=existing["id"], version=version, action="load", changed_by=LOADER,
                                       changed_at=now(), reason=f"loaded from {path.name}", changes=changes))
        report["updated"] += 1
    return LoadReport(file=path.name, rows=len(entries), **report)


def load_ecics(db: Database, path: Path | str | None = None, *, as_of: date | None = None) -> LoadReport:
    """Load an ECICS file (the shipped dataset when ``path`` is omitted) in one transaction. Idempotent."""
    with db.begin() as conn:
        return load(conn, Path(path) if path else None, as_of=as_of)
