"""Fixtures for the reference data tests: ONE fully loaded SQLite database per session, and small hand-made
data folders for the loader's change-detection tests."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa

from eucustoms.core.clock import Clock, use_clock
from eucustoms.platform.db import Database, metadata
from eucustoms.refdata import RefData, load_reference_data
from eucustoms.refdata import store

PG_URL = os.environ.get("EUCUSTOMS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ON_CI = os.environ.get("CI", "").lower() == "true"


def create_refdata_tables(db: Database) -> None:
    metadata.create_all(db.engine, tables=list(store.TABLES.values()))


def fresh_sqlite(path: Path) -> Database:
    db = Database(f"sqlite:///{path / 'x.db'}")
    create_refdata_tables(db)
    return db


@pytest.fixture(scope="session")
def loaded(tmp_path_factory) -> Iterator[tuple[Database, dict[str, int], float]]:
    """The packaged data loaded once into SQLite: (database, rows per dataset, seconds taken)."""
    db = fresh_sqlite(tmp_path_factory.mktemp("refdata"))
    started = time.perf_counter()
    counts = load_reference_data(db)
    yield db, counts, time.perf_counter() - started
    db.dispose()


@pytest.fixture(scope="session")
def refdb(loaded) -> Database:
    return loaded[0]


@pytest.fixture(scope="session")
def ref(refdb) -> RefData:
    return RefData.from_db(refdb)


@pytest.fixture
def clock_at():
    """Pin the process clock: ``clock_at(datetime)``; restored after the test."""
    previous = []

    def pin(at: datetime) -> None:
        previous.append(use_clock(Clock.fixed(at.replace(tzinfo=at.tzinfo or timezone.utc))))

    yield pin
    if previous:
        use_clock(previous[0])


# ---------------------------------------------------------------------------------------------- mini datasets

CODE_HEADER = ["list_name", "code", "valid_from", "valid_to", "description", "attributes"]
RATE_HEADER = ["currency", "day", "rate"]
OFFICE_HEADER = ["reference_number", "country", "name", "roles", "valid_from", "valid_to", "attributes"]
GOODS_HEADER = ["nomenclature", "code", "valid_from", "valid_to", "level", "parent", "description",
                "supplementary_unit", "attributes"]
PLACE_HEADER = ["unlocode", "country", "name", "name_ascii", "subdivision", "status", "function", "iata",
                "latitude", "longitude", "attributes"]


HEADERS = {"refdata_code": CODE_HEADER, "refdata_rate": RATE_HEADER, "refdata_office": OFFICE_HEADER,
           "refdata_goods": GOODS_HEADER, "refdata_place": PLACE_HEADER}


def write_dataset(folder: Path, name: str, table: str, rows: list[tuple], version: str = "test") -> None:
    """Write (or overwrite) one gzip CSV dataset and register it in ``folder/manifest.json``."""
    header = HEADERS[table]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    (folder / f"{name}.csv.gz").write_bytes(gzip.compress(buf.getvalue().encode("utf-8"), mtime=0))
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"format": 1, "datasets": []}
    manifest["datasets"] = [d for d in manifest["datasets"] if d["name"] != name]
    manifest["datasets"].append({"name": name, "file": f"{name}.csv.gz", "table": table, "version": version})
    manifest_path.write_text(json.dumps(manifest))


def small_data_dir(folder: Path) -> Path:
    """One tiny dataset per table kind."""
    folder.mkdir(parents=True, exist_ok=True)
    write_dataset(folder, "lists", "refdata_code", [
        ("TransportModeCode", "1", "", "", "Maritime Transport", '{"active_from":"2024-10-25"}'),
        ("TransportModeCode", "3", "", "", "Road transport", ""),
        ("group:EU", "GB", "1973-01-01", "2020-12-31", "", ""),
        ("group:EU", "DE", "1958-01-01", "", "", ""),
    ])
    write_dataset(folder, "offices", "refdata_office", [
        ("XI000142", "XI", "Belfast", "DEP;DES", "", "", '{"phone":"+44"}'),
    ])
    write_dataset(folder, "goods", "refdata_goods", [
        ("CN", "01012100", "2023-01-01", "", "cn8", "010121", "Pure-bred breeding animals", "NAR", ""),
    ])
    write_dataset(folder, "places", "refdata_place", [
        ("DEHAM", "DE", "Hamburg", "Hamburg", "HH", "AF", "12345---", "", "53.51667", "9.93333", ""),
    ])
    write_dataset(folder, "rates", "refdata_rate", [
        ("USD", "2024-04-16", "1.0637"), ("USD", "2024-04-18", "1.0679"), ("IDR", "2024-04-18", "17226.05"),
    ])
    return folder


@pytest.fixture
def make_db(tmp_path):
    """``make_db(name)``: a fresh SQLite database with the reference data tables, disposed after the test."""
    made: list[Database] = []

    def make(name: str = "db") -> Database:
        folder = tmp_path / name
        folder.mkdir()
        made.append(fresh_sqlite(folder))
        return made[-1]

    yield make
    for db in made:
        db.dispose()


@pytest.fixture
def small_data(tmp_path) -> Path:
    return small_data_dir(tmp_path / "data")


@pytest.fixture
def dataset_writer():
    return write_dataset


@pytest.fixture
def pg_refdb() -> Iterator[Database]:
    """A PostgreSQL schema with the reference data tables (skipped without a server, except on CI)."""
    try:
        engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as exc:  # noqa: BLE001
        message = f"PostgreSQL at {PG_URL} is not reachable: {exc}"
        if ON_CI:
            pytest.fail(message + " (CI=true: the PostgreSQL tests must run)")
        pytest.skip(message)
    schema = "t_" + uuid.uuid4().hex[:12]
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    db = Database(PG_URL, schema=schema)
    try:
        create_refdata_tables(db)
        yield db
    finally:
        db.dispose()
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        engine.dispose()
