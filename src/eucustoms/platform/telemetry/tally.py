"""Counts of read-only events (public look-ups) kept in memory and written to the counters in batches.

A look-up changes nothing, so it has no transaction to count in; writing one counter row per look-up would
make every public read a database write (on SQLite, a turn at the single write lock and an fsync). A
:class:`Tally` adds counts in memory and :meth:`Tally.flush` writes them with one :func:`add_totals` per day
and batch. A background thread flushes every ``interval`` seconds and on :meth:`Tally.stop`; a crash loses
at most the counts of the last interval (docs/decisions.md: look-up counts are statistics, not
acknowledged data)."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import date

from eucustoms.core.clock import now
from eucustoms.platform.db import Database

from . import add_totals

log = logging.getLogger(__name__)


class Tally:
    def __init__(self, db: Database, *, interval: float = 1.0):
        self.db = db
        self.interval = interval
        self._counts: Counter[tuple[date, str, str, str]] = Counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, system: str, metric: str, key: str = "", n: int = 1) -> None:
        day = now().date()
        with self._lock:
            self._counts[(day, system, metric, key)] += n
        if self._thread is None:
            self.start()

    def pending(self) -> dict[tuple[date, str, str, str], int]:
        with self._lock:
            return dict(self._counts)

    def flush(self) -> int:
        """Write what was counted since the last flush; returns how many events it held. On failure the counts
        are kept for the next flush."""
        with self._lock:
            taken, self._counts = self._counts, Counter()
        if not taken:
            return 0
        by_day: dict[date, dict[tuple[str, str, str], int]] = {}
        for (day, system, metric, key), n in taken.items():
            by_day.setdefault(day, {})[(system, metric, key)] = n
        try:
            with self.db.begin() as conn:
                for day, totals in by_day.items():
                    add_totals(conn, totals, day=day)
        except Exception:
            with self._lock:
                self._counts.update(taken)
            raise
        return sum(taken.values())

    def start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="eucustoms-tally", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.flush()
            except Exception:  # noqa: BLE001 - the database may be briefly unavailable: counts are kept
                log.warning("writing the look-up counts failed; kept for the next round", exc_info=True)

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=10)
        self.flush()
