"""Amounts of guarantees: conversion into the guarantee's currency at the customs rate, and NCTS's default cover."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from eucustoms.core.errors import ErrorCode, Issue
from eucustoms.core.money import ARITHMETIC, Money

#: NCTS: for guarantee types 0, 1, 2, 4 and 9 without a declared reference amount, EUR 10 000 is assumed.
DEFAULT_COVER = Money(Decimal("10000"), "EUR")
TYPES_WITH_DEFAULT_COVER = frozenset("01249")


def amount_to_cover(guarantee_type: str, declared: Money | None) -> Money | None:
    """The amount a declaration must have covered: the declared one, else EUR 10 000 for types 0/1/2/4/9."""
    if declared is not None:
        return declared
    return DEFAULT_COVER if guarantee_type in TYPES_WITH_DEFAULT_COVER else None


class Rates:
    """The customs exchange rates a conversion needs (``RefData.customs_exchange_rate``: units per 1 EUR)."""

    def __init__(self, refdata, day: date):  # noqa: ANN001
        self.refdata = refdata
        self.day = day

    def rate(self, currency: str) -> Decimal | None:
        if currency == "EUR":
            return Decimal(1)
        return self.refdata.customs_exchange_rate(currency, self.day)


def convert(money: Money, currency: str, rates: Rates, pointer: str = "/amount") -> tuple[Money | None, list[Issue]]:
    """``money`` in ``currency`` (via EUR, at the customs rate of the month), rounded to its minor unit.

    Returns the converted amount or the issues (an unknown currency, a currency without a customs rate)."""
    if money.currency == currency:
        return money.quantize(), []
    issues = []
    source, target = rates.rate(money.currency), rates.rate(currency)
    if source is None:
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"{pointer}/currency",
                            f"no customs exchange rate for {money.currency} on {rates.day}: the currency cannot be used"))
    if target is None:
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"{pointer}/currency",
                            f"no customs exchange rate for the guarantee's currency {currency} on {rates.day}"))
    if issues:
        return None, issues
    euros = ARITHMETIC.divide(money.amount, source)
    return Money(ARITHMETIC.multiply(euros, target), currency).quantize(), []
