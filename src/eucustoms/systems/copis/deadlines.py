"""Working days for the time-limits of Regulation (EU) No 608/2013.

A period of n working days after an event ends on the n-th Monday-to-Friday day after it (Regulation (EEC,
Euratom) No 1182/71, which the Regulation's periods follow). Public holidays are not modelled: the box has no
holiday calendar, so a period running over a holiday ends a day early compared with the member state's count."""

from __future__ import annotations

from datetime import date, timedelta


def is_working_day(day: date) -> bool:
    return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself does not count)."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def subtract_working_days(end: date, days: int) -> date:
    """The working day ``days`` working days before ``end``."""
    day = end
    left = days
    while left > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def one_year_from(day: date) -> date:
    """The last day of a year starting on ``day``."""
    try:
        return day.replace(year=day.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)
