"""ECB euro reference rates and the monthly customs exchange rate of Art. 146 of Regulation (EU) 2015/2447."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from decimal import Decimal
from typing import Iterable

EUR = "EUR"
ONE = Decimal(1)


def penultimate_wednesday(year: int, month: int) -> date:
    """The second-to-last Wednesday of ``year``-``month``."""
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    last = first_of_next - timedelta(days=1)
    last_wednesday = last - timedelta(days=(last.weekday() - 2) % 7)
    return last_wednesday - timedelta(days=7)


def customs_rate_day(month: date) -> date:
    """The ECB publication day whose rate applies, for customs, throughout the month containing ``month``:
    the penultimate Wednesday of the previous month (Art. 146(1) IA)."""
    previous = month.replace(day=1) - timedelta(days=1)
    return penultimate_wednesday(previous.year, previous.month)


class RateTable:
    """Daily rates per currency (units per 1 EUR) and the list of ECB publication days."""

    def __init__(self, rows: Iterable[tuple[str, date, Decimal]]):
        self.by_currency: dict[str, dict[date, Decimal]] = {}
        days: set[date] = set()
        for currency, day, rate in rows:
            self.by_currency.setdefault(currency, {})[day] = rate
            days.add(day)
        self.days: list[date] = sorted(days)

    def publication_day(self, day: date) -> date | None:
        """The last ECB publication day on or before ``day``."""
        i = bisect_right(self.days, day)
        return self.days[i - 1] if i else None

    def rate(self, currency: str, day: date) -> Decimal | None:
        """The rate published on ``day``, or on the previous publication day when none was published that day
        (weekends, TARGET holidays). None if the ECB did not quote the currency on that publication day
        (not yet quoted, suspended like ISK in 2008-2018, or retired like BGN after 2025)."""
        if currency == EUR:
            return ONE
        rates = self.by_currency.get(currency)
        published = self.publication_day(day)
        if rates is None or published is None:
            return None
        return rates.get(published)

    def customs_rate(self, currency: str, month: date) -> Decimal | None:
        """Art. 146 IA: the rate published on the penultimate Wednesday of the previous month applies for the
        whole month; if none was published that Wednesday, the most recent earlier publication is used."""
        return self.rate(currency, customs_rate_day(month))

    @property
    def currencies(self) -> frozenset[str]:
        return frozenset(self.by_currency)
