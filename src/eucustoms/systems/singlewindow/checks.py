"""Whether a declaration item may use a certificate: every reason why not, each with its own code.

CERTEX has no published code list for its answers; the box uses these (the guarantee system's CL252 reasons
play the same role in GUM):

    CX01 unknown certificate              CX06 goods code not covered
    CX02 document code of another domain  CX07 not for use in that member state
    CX03 suspended, cancelled, exhausted  CX08 unit missing or not convertible
    CX04 not valid on the day             CX09 quantity above the balance (the balance is given)
    CX05 not the holder                   CX10 quantity missing, zero or negative
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Iterable

from eucustoms.core.errors import ErrorCode, Issue, Rejected

from . import units
from .catalogue import BY_CODE, DOMAINS, RESERVE, VERIFY, Domain
from .states import EXHAUSTED, VALID

NOT_FOUND = "CX01"
WRONG_CODE = "CX02"
STATUS = "CX03"
NOT_VALID_ON_DAY = "CX04"
HOLDER = "CX05"
GOODS = "CX06"
COUNTRY = "CX07"
UNIT = "CX08"
BALANCE = "CX09"
QUANTITY = "CX10"

REASONS = {
    NOT_FOUND: "unknown certificate", WRONG_CODE: "document code of another domain",
    STATUS: "suspended, cancelled or exhausted", NOT_VALID_ON_DAY: "not valid on the day", HOLDER: "not the holder",
    GOODS: "goods code not covered", COUNTRY: "not for use in that member state", UNIT: "unit missing or not convertible",
    BALANCE: "quantity above the balance", QUANTITY: "quantity missing, zero or negative",
}


class CertificateNotUsable(Rejected):
    """The certificate cannot be used for the declaration item; every reason is listed."""

    def __init__(self, reference: str, issues: Iterable[Issue]):
        issues = list(issues)
        super().__init__(issues, f"certificate {reference} cannot be used: " + ", ".join(i.code for i in issues))
        self.reference = reference

    @property
    def reasons(self) -> list[str]:
        return [i.code for i in self.issues]


def not_found(reference: str, why: str | None = None) -> CertificateNotUsable:
    return CertificateNotUsable(reference, [Issue(NOT_FOUND, "/reference", why or f"certificate {reference} does not exist in CERTEX")])


def fmt(value: Decimal | None, unit: str | None) -> str:
    """``1500 KGM`` (plain decimal, no exponent)."""
    if value is None:
        return "-"
    return f"{format(units.normal(value), 'f')} {unit or ''}".strip()


def goods_digits(code: object) -> str | None:
    """The commodity code as digits (spaces and dots dropped), or None when it is not 2 to 10 digits."""
    if not isinstance(code, str):
        return None
    text = code.replace(" ", "").replace(".", "")
    return text if text.isdigit() and 2 <= len(text) <= 10 else None


@dataclass
class Evaluation:
    domain: Domain
    issues: list[Issue]
    action: str  # reserve | verify
    converted: Decimal | None  # the declared quantity in the certificate's unit
    declared: Decimal | None
    declared_unit: str | None


def declared_quantity(row: dict[str, Any], quantity: object, unit: object, *, required: bool) -> tuple[Decimal | None, Decimal | None, str | None, list[Issue]]:
    """(declared, converted into the certificate's unit, declared unit, issues)."""
    issues: list[Issue] = []
    if quantity is None:
        if required:
            issues.append(Issue(QUANTITY, "/quantity", f"the quantity is required: certificate {row['reference']} is managed in {row['unit']}"))
        return None, None, None, issues
    try:
        value = quantity if isinstance(quantity, Decimal) else Decimal(str(quantity))
        if not value.is_finite() or isinstance(quantity, float):
            raise ValueError
    except (ValueError, ArithmeticError):
        return None, None, None, [Issue(QUANTITY, "/quantity", f"{quantity!r} is not a decimal quantity")]
    if value <= 0:
        issues.append(Issue(QUANTITY, "/quantity", f"the quantity must be positive, got {fmt(value, None)}"))
    if unit is None or (isinstance(unit, str) and not unit.strip()):
        issues.append(Issue(ErrorCode.MISSING, "/unit", "the unit of the declared quantity is required"))
        return value, None, None, issues
    try:
        declared_unit = units.normalise(unit)
        converted = units.convert(value, declared_unit, row["unit"])
    except units.IncompatibleUnits as exc:
        issues.append(Issue(UNIT, "/unit", f"{exc}: certificate {row['reference']} is managed in {row['unit']}"))
        return value, None, unit if isinstance(unit, str) else None, issues
    return value, converted, declared_unit, issues


def evaluate(row: dict[str, Any], *, holders: Iterable[str], goods_code: object, quantity: object, unit: object,
             on: date, procedure_group: str | None, country: str | None, document_code: str | None,
             balance: Decimal | None, quantity_required: bool | None = None) -> Evaluation:
    """Every reason why ``row`` cannot serve the declaration item; the action a use would take."""
    reference = row["reference"]
    dom = DOMAINS[row["domain"]]
    action = dom.action_for(procedure_group) if procedure_group else VERIFY
    issues: list[Issue] = []
    if document_code:
        code = document_code.strip().upper()
        owner = BY_CODE.get(code)
        known = dom.document_codes or ((row["document_code"],) if row["document_code"] else ())
        if (known and code not in known) or (not known and owner and owner != dom.id):
            what = f"the code of {owner}" if owner else "not a code CERTEX manages"
            issues.append(Issue(WRONG_CODE, "/document_code",
                                f"{code} is {what}; certificate {reference} is a {dom.id} ({dom.name})"))
    if row["status"] != VALID:
        extra = f": {fmt(balance, row['unit'])} left" if row["status"] == EXHAUSTED else (
            f" ({row['status_reason']})" if row["status_reason"] else "")
        issues.append(Issue(STATUS, "/reference", f"certificate {reference} is {row['status']}{extra}"))
    if on < row["valid_from"] or (row["valid_to"] is not None and on > row["valid_to"]):
        until = row["valid_to"] or "open"
        issues.append(Issue(NOT_VALID_ON_DAY, "/on", f"certificate {reference} is valid from {row['valid_from']} to {until}, not on {on}"))
    holder_set = {h.strip().upper() for h in holders if isinstance(h, str)}
    if row["holder_eori"] not in holder_set:
        issues.append(Issue(HOLDER, "/holder", f"certificate {reference} was issued to another holder than "
                                                f"{', '.join(sorted(holder_set)) or 'the one declared'}"))
    digits = goods_digits(goods_code)
    if digits is None:
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/goods_code", f"{goods_code!r} is not a commodity code of 2 to 10 digits"))
    elif not any(digits.startswith(prefix) for prefix in row["goods_codes"]):
        issues.append(Issue(GOODS, "/goods_code", f"commodity code {digits} is not covered by certificate {reference} "
                                                  f"(covers {', '.join(row['goods_codes'])})"))
    if country and row["countries"] and country.upper() not in row["countries"]:
        issues.append(Issue(COUNTRY, "/country", f"certificate {reference} may be used in {', '.join(row['countries'])}, not in {country.upper()}"))
    declared = converted = declared_unit = None
    if dom.quantity_managed:
        required = action == RESERVE if quantity_required is None else quantity_required
        declared, converted, declared_unit, found = declared_quantity(row, quantity, unit, required=required)
        issues += found
        if converted is not None and balance is not None and converted > balance and converted > 0:
            shown = fmt(declared, declared_unit)
            if declared_unit != row["unit"]:
                shown += f" (= {fmt(converted, row['unit'])})"
            issues.append(Issue(BALANCE, "/quantity", f"{shown} exceeds the balance of certificate {reference}: "
                                                      f"{fmt(balance, row['unit'])} left of {fmt(row['total'], row['unit'])}"))
    return Evaluation(dom, issues, action, converted, declared, declared_unit)
