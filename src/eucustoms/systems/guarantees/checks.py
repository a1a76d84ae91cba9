"""Whether a guarantee may cover an amount: the NCTS "guarantee not valid" reasons (CL252 InvalidGuaranteeReason)."""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable

from eucustoms.core.errors import Issue, Rejected
from eucustoms.core.money import Money

from . import access
from .states import VALID

G01_NOT_FOUND = "G01"
G02_NOT_VALID = "G02"
G03_ACCESS_CODE = "G03"
G04_HOLDER = "G04"
G08_COUNTRY = "G08"
G09_AMOUNT = "G09"
G10_ALREADY_USED = "G10"
G13_TYPE = "G13"

#: Individual guarantees that cover one operation only (type 9 is the individual guarantee "with multiple usage").
SINGLE_USE_TYPES = frozenset("23")


class GuaranteeNotValid(Rejected):
    """The guarantee cannot cover the operation; every CL252 reason is listed (issue code = reason code)."""

    def __init__(self, grn: str, issues: Iterable[Issue]):
        issues = list(issues)
        super().__init__(issues, f"guarantee {grn} cannot be used: " + ", ".join(i.code for i in issues))
        self.grn = grn

    @property
    def reasons(self) -> list[str]:
        return [i.code for i in self.issues]


def not_found(grn: str, why: str | None = None) -> GuaranteeNotValid:
    return GuaranteeNotValid(grn, [Issue(G01_NOT_FOUND, "/grn", why or f"guarantee {grn} does not exist")])


def usable_in(row: dict[str, Any], country: str, on: date, refdata) -> bool:  # noqa: ANN001
    """Whether ``country`` is within the guarantee's territorial scope on ``on``."""
    if row["countries"]:
        return country in row["countries"]
    return country in (refdata.member_states(on) | refdata.common_transit_countries(on))


def evaluate(row: dict[str, Any], *, access_code: str | None, amount: Money | None, balance: Money,
             country: str, on: date, refdata, holder: str | None = None,  # noqa: ANN001
             guarantee_type: str | None = None, other_use: str | None = None) -> list[Issue]:
    """Every reason why ``row`` cannot cover ``amount`` (already in its currency); empty if it can.

    ``other_use`` names an earlier operation of a single-use individual guarantee (G10)."""
    grn = row["grn"]
    issues: list[Issue] = []
    if row["status"] != VALID:
        issues.append(Issue(G02_NOT_VALID, "/grn", f"guarantee {grn} is {row['status']}"))
    elif on < row["valid_from"] or (row["valid_to"] is not None and on > row["valid_to"]):
        until = row["valid_to"] or "open"
        issues.append(Issue(G02_NOT_VALID, "/grn", f"guarantee {grn} is valid from {row['valid_from']} to {until}, not on {on}"))
    if not access.verify(access_code, row["access_code_hash"]):
        issues.append(Issue(G03_ACCESS_CODE, "/access_code", "the access code does not match the guarantee"))
    if holder is not None and holder != row["holder_eori"]:
        issues.append(Issue(G04_HOLDER, "/holder", "the holder of the procedure is not the holder of the guarantee"))
    if guarantee_type is not None and guarantee_type != row["guarantee_type"]:
        issues.append(Issue(G13_TYPE, "/guarantee_type",
                            f"guarantee {grn} is of type {row['guarantee_type']}, not {guarantee_type}"))
    if not usable_in(row, country, on, refdata):
        issues.append(Issue(G08_COUNTRY, "/country", f"guarantee {grn} is not valid in {country}"))
    if other_use is not None:
        issues.append(Issue(G10_ALREADY_USED, "/grn", f"individual guarantee {grn} was already used for {other_use}"))
    if amount is not None and amount > balance:
        issues.append(Issue(G09_AMOUNT, "/amount", f"{amount} exceeds the {balance} still available on guarantee {grn}"))
    return issues
