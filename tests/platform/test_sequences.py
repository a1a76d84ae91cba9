"""Durable sequences and MRN allocation: never a number twice, across restarts and concurrent writers."""

from __future__ import annotations

import multiprocessing
import threading

from hypothesis import given, settings, strategies as st

from eucustoms.core.identifiers import MRN
from eucustoms.migrations import upgrade
from eucustoms.platform.db import Database, next_value
from eucustoms.platform.numbering import allocate_grn, allocate_mrn


def test_concurrent_writers_never_get_the_same_number(db):
    results: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            for _ in range(40):
                with db.begin() as conn:
                    n = next_value(conn, "mrn:DE:2026")
                with lock:
                    results.append(n)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(results) == list(range(1, 241))


def test_a_rolled_back_allocation_issues_nothing_and_numbers_keep_growing(db):
    with db.begin() as conn:
        first = next_value(conn, "s")
    try:
        with db.begin() as conn:
            next_value(conn, "s")
            raise RuntimeError("declaration rejected")
    except RuntimeError:
        pass
    with db.begin() as conn:
        assert next_value(conn, "s") == first + 1
        assert next_value(conn, "s", count=10) == first + 2
        assert next_value(conn, "s") == first + 12


def test_sequences_survive_a_restart(tmp_path):
    url = f"sqlite:///{tmp_path / 'seq.db'}"
    db = Database(url)
    upgrade(db)
    with db.begin() as conn:
        a = allocate_mrn(conn, "FR", "J", year=2026)
    db.dispose()
    db = Database(url)
    with db.begin() as conn:
        b = allocate_mrn(conn, "FR", "J", year=2026)
    db.dispose()
    assert a != b
    assert b.serial > a.serial


def _allocate_in_process(url: str, n: int, queue) -> None:  # noqa: ANN001
    db = Database(url)
    out = []
    for _ in range(n):
        with db.begin() as conn:
            out.append(str(allocate_mrn(conn, "NL", "R", year=2026)))
    db.dispose()
    queue.put(out)


def test_several_processes_on_one_sqlite_file_never_share_an_mrn(tmp_path):
    url = f"sqlite:///{tmp_path / 'procs.db'}"
    upgrade(Database(url))
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_allocate_in_process, args=(url, 50, queue)) for _ in range(3)]
    for p in procs:
        p.start()
    got = [m for _ in procs for m in queue.get(timeout=120)]
    for p in procs:
        p.join(timeout=60)
    assert len(got) == 150 and len(set(got)) == 150
    assert all(MRN.is_valid(m) for m in got)


def test_mrns_are_per_country_and_year_and_valid(sqlite_db):
    with sqlite_db.begin() as conn:
        de = [allocate_mrn(conn, "DE", "A", year=2026) for _ in range(3)]
        fr = allocate_mrn(conn, "FR", "A", year=2026)
        de27 = allocate_mrn(conn, "DE", "A", year=2027)
        grn = allocate_grn(conn, "DE", year=2026)
    assert [m.serial for m in de] == ["000000000001", "000000000002", "000000000003"]
    assert fr.serial == "000000000001" and de27.serial == "000000000001"
    assert de27.year == 2027 and de[0].country == "DE" and str(de[0])[:4] == "26DE"
    assert str(grn)[:4] == "26DE"


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(list("ABCDEJKLMRSTUVW")), st.sampled_from(["DE", "FR", "IT", "XI", "PL"]))
def test_every_allocated_mrn_parses_back_with_its_procedure(tmp_path_factory, letter, country):
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('h') / 'h.db'}")
    upgrade(db)
    with db.begin() as conn:
        mrn = allocate_mrn(conn, country, letter)
    db.dispose()
    parsed = MRN.parse(str(mrn))
    assert parsed.procedure.value == letter and parsed.country == country
