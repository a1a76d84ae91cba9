"""Look-up counts kept in memory and written in batches; the public API's per-caller rate limit."""

from __future__ import annotations

import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from eucustoms.platform import telemetry
from eucustoms.platform.http.ratelimit import TokenBuckets
from eucustoms.platform.telemetry.tally import Tally


def test_counts_from_many_threads_are_written_once_each(db):
    tally = Tally(db, interval=3600)  # no background round during the test: flushes are explicit
    def look_ups(key: str) -> None:
        for _ in range(500):
            tally.add("dds", telemetry.CONSULTATIONS, key)

    threads = [threading.Thread(target=look_ups, args=(k,)) for k in ("EOS", "EOS", "TARIC", "COL")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert tally.flush() == 2000
    assert tally.flush() == 0  # nothing twice
    tally.add("dds", telemetry.CONSULTATIONS, "EOS", n=3)
    tally.stop()  # stopping writes what is left
    with db.read() as conn:
        assert telemetry.totals(conn, metric=telemetry.CONSULTATIONS) == {
            ("dds", "EOS"): 1003, ("dds", "TARIC"): 500, ("dds", "COL"): 500}


def test_counts_survive_a_failed_write(db, monkeypatch):
    tally = Tally(db, interval=3600)
    tally.add("dds", telemetry.CONSULTATIONS, "COL", n=7)

    def broken(*_a, **_k):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(db, "begin", broken)
    try:
        tally.flush()
    except RuntimeError:
        pass
    monkeypatch.undo()
    assert tally.flush() == 7
    with db.read() as conn:
        assert telemetry.totals(conn, metric=telemetry.CONSULTATIONS) == {("dds", "COL"): 7}


def test_a_bucket_allows_its_burst_then_its_rate():
    b = TokenBuckets(rate=10, burst=5)
    assert [b.take("a", now=100.0) for _ in range(5)] == [0.0] * 5
    wait = b.take("a", now=100.0)
    assert 0.09 < wait <= 0.1  # one token takes 1/10 s
    assert b.take("b", now=100.0) == 0.0  # another caller has its own bucket
    assert b.take("a", now=100.2) == 0.0  # refilled meanwhile


@settings(max_examples=200, deadline=None)
@given(rate=st.floats(1, 1000), burst=st.integers(1, 50), gaps=st.lists(st.floats(0, 0.5), min_size=1, max_size=200))
def test_never_more_than_burst_plus_rate_times_elapsed(rate, burst, gaps):
    b = TokenBuckets(rate=rate, burst=burst)
    moment, allowed = 0.0, 0
    for gap in gaps:
        moment += gap
        allowed += b.take("x", now=moment) == 0.0
    assert allowed <= burst + rate * moment + 1e-6


def test_rate_zero_turns_limiting_off():
    b = TokenBuckets(rate=0, burst=1)
    assert all(b.take("x", now=0.0) == 0.0 for _ in range(1000))
