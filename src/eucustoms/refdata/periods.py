"""Validity periods: the values a key had over time, and which one applies on a given day."""

from __future__ import annotations

from datetime import date
from typing import Generic, Iterable, TypeVar

T = TypeVar("T")

OPEN_END = date.max


class Periods(Generic[T]):
    """Non-overlapping ``[valid_from, valid_to]`` periods (inclusive) of one key, sorted by start.

    Most keys have one or two periods, so a linear scan beats bisect here.
    """

    __slots__ = ("spans",)

    def __init__(self) -> None:
        self.spans: list[tuple[date, date, T]] = []

    def add(self, valid_from: date, valid_to: date | None, value: T) -> None:
        self.spans.append((valid_from, valid_to or OPEN_END, value))
        if len(self.spans) > 1 and self.spans[-2][0] > valid_from:
            self.spans.sort(key=lambda s: s[0])

    def at(self, day: date) -> T | None:
        for start, end, value in self.spans:
            if start <= day <= end:
                return value
        return None

    def span_at(self, day: date) -> tuple[date, date, T] | None:
        """``(valid_from, valid_to, value)`` of the period containing ``day`` (valid_to is OPEN_END if open)."""
        for span in self.spans:
            if span[0] <= day <= span[1]:
                return span
        return None

    def __iter__(self):
        return iter(self.spans)


def index(rows: Iterable[tuple[object, date, date | None, T]]) -> dict[object, Periods[T]]:
    """Group ``(key, valid_from, valid_to, value)`` rows into a dict of :class:`Periods`."""
    result: dict[object, Periods[T]] = {}
    for key, valid_from, valid_to, value in rows:
        periods = result.get(key)
        if periods is None:
            periods = result[key] = Periods()
        periods.add(valid_from, valid_to, value)
    return result
