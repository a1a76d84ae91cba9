"""ECB daily rates and the monthly customs exchange rate (Art. 146 IA)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from eucustoms.refdata import RefData, customs_rate_day, load_reference_data, penultimate_wednesday


def test_daily_rate_is_an_exact_decimal(ref):
    rate = ref.exchange_rate("USD", date(2024, 4, 17))
    assert isinstance(rate, Decimal) and str(rate) == "1.0638"
    assert str(ref.exchange_rate("GBP", date(2024, 4, 10))) == "0.85515"
    assert ref.exchange_rate("EUR", date(2024, 4, 17)) == Decimal(1)


def test_weekends_fall_back_to_the_previous_publication_day(ref):
    friday = ref.exchange_rate("USD", date(2024, 4, 19))
    assert friday == Decimal("1.0653")
    assert ref.exchange_rate("USD", date(2024, 4, 20)) == friday
    assert ref.exchange_rate("USD", date(2024, 4, 21)) == friday


def test_currencies_the_ecb_does_not_quote_on_that_day(ref):
    assert ref.exchange_rate("BGN", date(2025, 12, 31)) == Decimal("1.9558")
    assert ref.exchange_rate("BGN", date(2026, 1, 5)) is None  # Bulgaria joined the euro
    assert ref.exchange_rate("USD", date(1998, 12, 31)) is None  # before the first publication
    assert ref.exchange_rate("XXX", date(2024, 1, 2)) is None


@pytest.mark.parametrize("year, month, day", [(2024, 4, 17), (2025, 12, 24), (2025, 1, 22), (2024, 2, 21),
                                              (2026, 9, 23)])
def test_penultimate_wednesday(year, month, day):
    assert penultimate_wednesday(year, month) == date(year, month, day)


def test_customs_rate_is_the_penultimate_wednesday_of_the_previous_month(ref):
    # May 2024: Wednesdays of April 2024 are 3, 10, 17 and 24, so 17 April (USD 1.0638) applies all month.
    assert customs_rate_day(date(2024, 5, 20)) == date(2024, 4, 17)
    for day in (date(2024, 5, 1), date(2024, 5, 15), date(2024, 5, 31)):
        assert ref.customs_exchange_rate("USD", day) == Decimal("1.0638")
    # January 2026 uses 24 December 2025, the penultimate of five Wednesdays.
    assert ref.customs_exchange_rate("USD", date(2026, 1, 10)) == Decimal("1.1787")
    # June 2024 uses 22 May 2024.
    assert ref.customs_exchange_rate("USD", date(2024, 6, 3)) == ref.exchange_rate("USD", date(2024, 5, 22))


def test_customs_rate_falls_back_when_no_rate_was_published_that_wednesday(make_db, tmp_path, dataset_writer):
    folder = tmp_path / "rates"
    folder.mkdir()
    # No publication on Wednesday 2024-04-17 (the penultimate one of April): Tuesday's rate applies in May.
    dataset_writer(folder, "rates", "refdata_rate", [
        ("USD", "2024-04-15", "1.0656"), ("USD", "2024-04-16", "1.0637"), ("USD", "2024-04-18", "1.0679")])
    db = make_db()
    load_reference_data(db, data_dir=folder)
    ref = RefData.from_db(db)
    assert ref.customs_exchange_rate("USD", date(2024, 5, 15)) == Decimal("1.0637")


def test_the_data_says_how_far_it_reaches(ref):
    last = ref.rates_until()
    assert last >= date(2026, 4, 13)
    assert ref.exchange_rate("USD", last) is not None
    assert ref.exchange_rate("USD", date(2100, 1, 1)) == ref.exchange_rate("USD", last)
