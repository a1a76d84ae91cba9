"""Loads the packaged reference data files into the ``refdata_*`` tables, skipping unchanged datasets."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import Connection, delete, select

from eucustoms.core.clock import now
from eucustoms.platform.db import Database

from . import store

DATA_DIR = Path(__file__).resolve().parent / "data"
BATCH = 5000

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class Dataset:
    """One packaged file, as described by ``manifest.json``."""

    name: str
    path: Path
    table: str
    version: str

    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def datasets(data_dir: Path | None = None) -> list[Dataset]:
    """The datasets of ``data_dir`` (default: the package's), in load order."""
    folder = Path(data_dir) if data_dir else DATA_DIR
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return [Dataset(d["name"], folder / d["file"], d["table"], d["version"]) for d in manifest["datasets"]]


def load_reference_data(db: Database, *, data_dir: Path | None = None,
                        progress: Progress | None = None) -> dict[str, int]:
    """Load every dataset whose file changed since it was last loaded; return rows written per dataset.

    A dataset whose sha256 matches its ``refdata_release`` row is skipped (0 rows). A changed one has its
    rows replaced in a single transaction, so readers see either the old or the new version, never a mix.
    ``progress(dataset, rows)`` is called after each batch with the number of rows just written.
    """
    written: dict[str, int] = {}
    for ds in datasets(data_dir):
        digest = ds.sha256()
        with db.begin() as conn:
            # Checked inside the write transaction: a concurrent loader waits, then sees our release row.
            current = conn.execute(
                select(store.release.c.sha256).where(store.release.c.dataset == ds.name)
            ).scalar_one_or_none()
            if current == digest:
                written[ds.name] = 0
                continue
            written[ds.name] = _replace(conn, ds, digest, progress)
    return written


def _replace(conn: Connection, ds: Dataset, digest: str, progress: Progress | None) -> int:
    table = store.TABLES[ds.table]
    if table is store.code:
        conn.execute(delete(table).where(table.c.dataset == ds.name))
    else:
        conn.execute(delete(table))
    convert = _CONVERTERS[ds.table](conn.dialect.name, ds.name)
    count = 0
    batch: list[dict] = []
    for record in _read(ds.path):
        batch.append(convert(record))
        if len(batch) >= BATCH:
            count += _flush(conn, table, batch, ds.name, progress)
    if batch:
        count += _flush(conn, table, batch, ds.name, progress)
    conn.execute(delete(store.release).where(store.release.c.dataset == ds.name))
    conn.execute(store.release.insert().values(
        dataset=ds.name, version=ds.version, sha256=digest, rows=count, loaded_at=_loaded_at()))
    return count


def _flush(conn: Connection, table, batch: list[dict], name: str, progress: Progress | None) -> int:
    conn.execute(table.insert(), batch)
    n = len(batch)
    batch.clear()
    if progress:
        progress(name, n)
    return n


def _loaded_at() -> datetime:
    at = now()
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def _read(path: Path) -> Iterator[dict[str, str]]:
    with gzip.open(path, "rb") as raw:
        yield from csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))


# ---------------------------------------------------------------------------------------------- converters

class _Dates:
    """Parses ISO dates, memoised: a few hundred distinct values repeat across hundreds of thousands of rows."""

    def __init__(self) -> None:
        self.cache: dict[str, date | None] = {"": None}

    def __call__(self, text: str) -> date | None:
        try:
            return self.cache[text]
        except KeyError:
            value = self.cache[text] = date.fromisoformat(text)
            return value

    def start(self, text: str) -> date:
        return self(text) or store.OPEN_START


def _json(text: str):
    return json.loads(text) if text else None


def _code_converter(_dialect: str, dataset: str):
    day = _Dates()

    def convert(r: dict[str, str]) -> dict:
        return {"list_name": r["list_name"], "code": r["code"], "valid_from": day.start(r["valid_from"]),
                "valid_to": day(r["valid_to"]), "description": r["description"],
                "attributes": _json(r["attributes"]), "dataset": dataset}
    return convert


def _office_converter(_dialect: str, _dataset: str):
    day = _Dates()

    def convert(r: dict[str, str]) -> dict:
        return {"reference_number": r["reference_number"], "valid_from": day.start(r["valid_from"]),
                "valid_to": day(r["valid_to"]), "country": r["country"], "name": r["name"], "roles": r["roles"],
                "attributes": _json(r["attributes"])}
    return convert


def _goods_converter(_dialect: str, _dataset: str):
    day = _Dates()

    def convert(r: dict[str, str]) -> dict:
        return {"nomenclature": r["nomenclature"], "code": r["code"], "valid_from": day.start(r["valid_from"]),
                "valid_to": day(r["valid_to"]), "level": r["level"], "parent": r["parent"],
                "description": r["description"], "supplementary_unit": r["supplementary_unit"] or None,
                "attributes": _json(r["attributes"])}
    return convert


def _place_converter(_dialect: str, _dataset: str):
    def convert(r: dict[str, str]) -> dict:
        return {"unlocode": r["unlocode"], "country": r["country"], "name": r["name"],
                "name_ascii": r["name_ascii"], "subdivision": r["subdivision"] or None,
                "status": r["status"] or None, "function": r["function"], "iata": r["iata"] or None,
                "latitude": float(r["latitude"]) if r["latitude"] else None,
                "longitude": float(r["longitude"]) if r["longitude"] else None,
                "attributes": _json(r["attributes"])}
    return convert


def _rate_converter(dialect: str, _dataset: str):
    day = _Dates()
    # SQLite keeps the published text (see store.ExactDecimal); elsewhere NUMERIC takes a Decimal.
    number = (lambda s: s) if dialect == "sqlite" else Decimal

    def convert(r: dict[str, str]) -> dict:
        return {"currency": r["currency"], "day": day(r["day"]), "rate": number(r["rate"])}
    return convert


_CONVERTERS = {
    "refdata_code": _code_converter,
    "refdata_office": _office_converter,
    "refdata_goods": _goods_converter,
    "refdata_place": _place_converter,
    "refdata_rate": _rate_converter,
}
