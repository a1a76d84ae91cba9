"""Time for the whole box: always timezone-aware UTC, and replaceable so that the simulator can run
a year of trade in minutes and tests can pin "now"."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone
from typing import Callable

UTC = timezone.utc


class Clock:
    """The source of "now". ``Clock()`` follows the wall clock; ``Clock.fixed(t)`` stands still until moved."""

    def __init__(self, source: Callable[[], datetime] | None = None):
        self._source = source
        self._fixed: datetime | None = None
        self._lock = threading.Lock()

    @classmethod
    def fixed(cls, at: datetime) -> "Clock":
        clock = cls()
        clock.set(at)
        return clock

    def now(self) -> datetime:
        if self._fixed is not None:
            return self._fixed
        if self._source is not None:
            return self._source()
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().date()

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("the clock only holds timezone-aware times")
        with self._lock:
            self._fixed = at.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            if self._fixed is None:
                raise ValueError("only a fixed clock can be advanced")
            self._fixed = self._fixed + delta
            return self._fixed


_clock = Clock()


def clock() -> Clock:
    return _clock


def now() -> datetime:
    return _clock.now()


def use_clock(new: Clock) -> Clock:
    """Install ``new`` as the process clock and return the previous one."""
    global _clock
    old, _clock = _clock, new
    return old
