"""Tariff use cases shared by the API and the command line: commodity look-up and the duty calculation."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from eucustoms.core.errors import ErrorCode, InvalidIdentifier, Issue, NotFound, Rejected
from eucustoms.core.money import Money
from eucustoms.platform.db import Database
from eucustoms.refdata import RefData

from .calculator import DutyAssessment, calculate, country_check
from .tariff import Tariff, tariff


class DutyRequest(BaseModel):
    """The input of the duty calculator (all amounts as decimal text, never floats)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    goods_code: str = Field(description="CN (8) or TARIC (10) code")
    origin: str = Field(min_length=2, max_length=2, description="country of origin (ISO 3166 alpha-2)")
    on: date | None = Field(default=None, description="the day of acceptance; today when omitted")
    customs_value: str = Field(description="decimal amount, e.g. '1234.50'")
    currency: str = Field(default="EUR", min_length=3, max_length=3)
    quantities: dict[str, str] = Field(default_factory=dict, description="unit → decimal, e.g. {'KGM': '1000'}")
    preference: str | None = Field(default=None, description="preference code (D.E. 4/17): 100 none, 2xx GSP, 3xx agreement")
    proofs: list[str] = Field(default_factory=list, description="certificates and documents presented (C400, N954 …)")
    quota_order_number: str | None = None
    member_state: str | None = Field(default=None, description="member state of import, for VAT")
    additional_codes: list[str] = Field(default_factory=list)


def assess(db: Database, req: DutyRequest, today: date) -> DutyAssessment:
    """Run the calculator for ``req`` on the cached tariff of ``db``; every bad input is listed in one rejection."""
    t = tariff(db)
    ref = RefData.from_db(db)
    issues: list[Issue] = []
    money = None
    try:
        money = Money(req.customs_value, req.currency)
    except (InvalidIdentifier, ValueError) as exc:
        pointer = "/currency" if isinstance(exc, InvalidIdentifier) else "/customs_value"
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, pointer, str(getattr(exc, "reason", exc))))
    try:
        result = calculate(t, req.goods_code, req.origin, req.on or today, money or Money("0", "EUR"), req.quantities,
                           req.preference, req.proofs, req.quota_order_number, req.member_state, req.additional_codes,
                           rates=ref.customs_exchange_rate, is_country=country_check(ref))
    except Rejected as exc:
        raise Rejected(issues + exc.issues, exc.message) from None
    if issues:
        raise Rejected(issues, "the duty calculation was rejected")
    return result


def commodity(t: Tariff, code: str, on: date, origin: str | None = None) -> dict[str, Any]:
    """A goods code as of ``on``: its line, the lines above it, children, and the measures (for ``origin``)."""
    code = code.replace(" ", "").replace(".", "")
    if not code.isdigit() or len(code) not in (2, 4, 6, 8, 10):
        raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/code", f"{code!r} is not a goods code (2 to 10 digits)")
    code = code.ljust(10, "0")
    item = t.item(code, on)
    if item is None:
        if t.known(code):
            raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/code", f"goods code {code} is not valid on {on}")
        raise NotFound("goods code", code)
    measures = t.applicable(code, on, origin.upper()) if origin else list(t.measures_on(code, on))
    return {
        "code": code, "suffix": item.suffix, "indent": item.indent, "description": item.description, "on": on,
        "valid_from": item.valid_from, "valid_to": item.valid_to, "declarable": t.is_declarable(code, on),
        "ancestors": [{"code": a.code, "indent": a.indent, "description": a.description} for a in t.ancestry(code, on)],
        "children": [{"code": c.code, "indent": c.indent, "description": c.description} for c in t.children_of(code, on)],
        "origin": origin.upper() if origin else None,
        "measures": [m.as_dict() for m in measures],
    }


def parse_amount(text: str) -> tuple[Decimal, str]:
    """ "1000EUR" or "1000 EUR" → (Decimal, currency); "100KGM" → (Decimal, unit)."""
    import re

    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]{3})\s*", text)
    if not m:
        raise Rejected.one(ErrorCode.SYNTAX, "", f"{text!r} must be a number followed by a 3-letter code, e.g. 1000EUR or 100KGM")
    return Decimal(m.group(1)), m.group(2).upper()


def now_day() -> date:
    from eucustoms.core.clock import now

    return now().date()


__all__ = ["DutyRequest", "assess", "commodity", "datetime", "now_day", "parse_amount"]
