"""Loading the packaged reference data: completeness, idempotence, change detection, caching."""

from __future__ import annotations

import hashlib
import time
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from eucustoms.refdata import RefData, RefDataNotLoaded, datasets, invalidate, load_reference_data
from eucustoms.refdata import store



def _count(db, table) -> int:
    with db.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_every_packaged_dataset_is_loaded_with_its_sha256(loaded):
    db, counts, _ = loaded
    packaged = datasets()
    assert {d.name for d in packaged} == set(counts)
    assert all(n > 0 for n in counts.values())
    with db.read() as conn:
        releases = {r.dataset: r for r in conn.execute(select(store.release))}
    for ds in packaged:
        assert releases[ds.name].sha256 == hashlib.sha256(ds.path.read_bytes()).hexdigest()
        assert releases[ds.name].rows == counts[ds.name]


def test_table_row_counts_match_what_the_loader_reported(loaded):
    db, counts, _ = loaded
    per_table: dict[str, int] = {}
    for ds in datasets():
        per_table[ds.table] = per_table.get(ds.table, 0) + counts[ds.name]
    for name, expected in per_table.items():
        assert _count(db, store.TABLES[name]) == expected


def test_loading_again_changes_nothing_and_is_fast(loaded):
    db, counts, _ = loaded
    before = {t.name: _count(db, t) for t in store.TABLES.values()}
    with db.read() as conn:
        stamps = dict(conn.execute(select(store.release.c.dataset, store.release.c.loaded_at)).all())
    started = time.perf_counter()
    again = load_reference_data(db)
    assert time.perf_counter() - started < 2.0
    assert again == {name: 0 for name in counts}
    assert {t.name: _count(db, t) for t in store.TABLES.values()} == before
    with db.read() as conn:
        assert dict(conn.execute(select(store.release.c.dataset, store.release.c.loaded_at)).all()) == stamps


def test_a_changed_file_replaces_only_its_own_dataset(small_data, make_db, dataset_writer):
    data = small_data
    db = make_db()
    first = load_reference_data(db, data_dir=data)
    assert first == {"lists": 4, "offices": 1, "goods": 1, "places": 1, "rates": 3}
    with db.read() as conn:
        office_stamp = conn.execute(select(store.release.c.loaded_at)
                                    .where(store.release.c.dataset == "offices")).scalar_one()

    # GB's membership row is gone and a new code appears in the new version of the "lists" file.
    dataset_writer(data, "lists", "refdata_code", [
        ("TransportModeCode", "1", "", "", "Maritime Transport", ""),
        ("TransportModeCode", "4", "", "", "Air transport", ""),
        ("group:EU", "DE", "1958-01-01", "", "", ""),
    ], version="v2")
    second = load_reference_data(db, data_dir=data)
    assert second == {"lists": 3, "offices": 0, "goods": 0, "places": 0, "rates": 0}
    with db.read() as conn:
        codes = set(conn.execute(select(store.code.c.list_name, store.code.c.code)).all())
        release = conn.execute(select(store.release).where(store.release.c.dataset == "lists")).one()
        assert conn.execute(select(store.release.c.loaded_at)
                            .where(store.release.c.dataset == "offices")).scalar_one() == office_stamp
    assert codes == {("TransportModeCode", "1"), ("TransportModeCode", "4"), ("group:EU", "DE")}
    assert release.version == "v2" and release.rows == 3


def test_progress_reports_every_row_written(small_data, make_db):
    data = small_data
    db = make_db()
    seen: dict[str, int] = {}
    result = load_reference_data(db, data_dir=data, progress=lambda name, n: seen.__setitem__(name, seen.get(name, 0) + n))
    assert seen == result
    seen.clear()
    load_reference_data(db, data_dir=data, progress=lambda name, n: seen.__setitem__(name, n))
    assert seen == {}


def test_an_empty_database_has_no_reference_data(make_db):
    with pytest.raises(RefDataNotLoaded):
        RefData.from_db(make_db())


def test_databases_with_identical_releases_share_one_snapshot_until_invalidated(small_data, make_db):
    data = small_data
    first, second = make_db("a"), make_db("b")
    load_reference_data(first, data_dir=data)
    load_reference_data(second, data_dir=data)
    assert RefData.from_db(first).codelist("TransportModeCode", date(2025, 1, 1)) == {
        "1": "Maritime Transport", "3": "Road transport"}
    # Behind the loader's back: the second database loses a code but keeps its releases.
    with second.begin() as conn:
        conn.execute(store.code.delete().where(store.code.c.code == "3"))
    assert RefData.from_db(second).code_valid("TransportModeCode", "3", date(2025, 1, 1))
    invalidate()
    assert not RefData.from_db(second).code_valid("TransportModeCode", "3", date(2025, 1, 1))
    invalidate()


def test_the_snapshot_is_rebuilt_when_a_dataset_changes(small_data, make_db, dataset_writer):
    data = small_data
    db = make_db()
    load_reference_data(db, data_dir=data)
    assert RefData.from_db(db).exchange_rate("USD", date(2024, 4, 18)) == Decimal("1.0679")
    dataset_writer(data, "rates", "refdata_rate", [("USD", "2024-04-18", "1.5")])
    load_reference_data(db, data_dir=data)
    assert RefData.from_db(db).exchange_rate("USD", date(2024, 4, 18)) == Decimal("1.5")


@pytest.mark.postgres
def test_loading_and_querying_work_on_postgresql(pg_refdb, small_data):
    data = small_data
    assert load_reference_data(pg_refdb, data_dir=data)["rates"] == 3
    assert load_reference_data(pg_refdb, data_dir=data)["rates"] == 0
    ref = RefData.from_db(pg_refdb, refresh=True)
    rate = ref.exchange_rate("IDR", date(2024, 4, 19))
    assert isinstance(rate, Decimal) and str(rate) == "17226.05"
    assert ref.exchange_rate("USD", date(2024, 4, 17)) == Decimal("1.0637")
    assert ref.is_member_state("GB", date(2019, 6, 1)) and not ref.is_member_state("GB", date(2021, 6, 1))
    assert ref.office_has_role("XI000142", "DES", date(2025, 1, 1))
    assert ref.goods("01012100", date(2024, 1, 1)).supplementary_unit == "NAR"
    assert ref.place("DEHAM").is_port
    invalidate()
