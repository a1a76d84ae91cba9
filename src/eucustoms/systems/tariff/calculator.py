"""The duty calculator: applicable measures, the duty of each with its arithmetic, customs duties and import VAT."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Callable, Iterable, Mapping

from eucustoms.core.errors import ErrorCode, InvalidIdentifier, Issue, Rejected
from eucustoms.core.money import ARITHMETIC, Money, round_half_up, to_decimal
from eucustoms.core.quantities import unit_code

from .duty import UNITS, MissingQuantity, evaluate, fmt_eur
from .tariff import Measure, Tariff

EUR = "EUR"
#: Actions of a measure condition that let the goods in when the condition is met (29 allowed after control,
#: 24 entry allowed, 27 apply the mentioned duty, 01 apply the amount of the action).
ALLOWING_ACTIONS = frozenset({"29", "24", "27", "01"})
_PREFERENCE = re.compile(r"[1-4][0-9]{2}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_DUTY_KINDS = ("third_country", "suspension", "preference", "quota", "preferential_quota")
_RESTRICTION_KINDS = ("prohibition", "restriction", "control")

RateLookup = Callable[[str, date], "Decimal | None"]
CountryCheck = Callable[[str, date], bool]


# Not frozen: frozen dataclasses set each field through object.__setattr__, which is slow for 20 000 calls/s.
@dataclass(slots=True)
class MeasureDuty:
    """One duty measure evaluated: its amount in EUR and how it was computed; ``applied`` if it counts."""

    measure: Measure
    amount: Money
    applied: bool
    note: str
    value_eur: Decimal
    quantities: Mapping[str, Decimal]

    @property
    def arithmetic(self) -> tuple[str, ...]:
        """The computation as text, written out on demand (same arithmetic as the amount)."""
        return evaluate(self.measure.components, self.value_eur, self.quantities, explain=True).lines

    def as_dict(self) -> dict:
        return {**self.measure.as_dict(), "amount": str(self.amount.amount), "currency": self.amount.currency,
                "arithmetic": list(self.arithmetic), "applied": self.applied, "note": self.note}


@dataclass(slots=True)
class RestrictionCheck:
    """A prohibition, restriction or control and whether the documents presented satisfy it."""

    measure: Measure
    met: bool
    presented: tuple[str, ...]
    missing: tuple[str, ...]  # any one of these would satisfy it
    note: str

    def as_dict(self) -> dict:
        return {**self.measure.as_dict(), "met": self.met, "presented": list(self.presented),
                "missing_one_of": list(self.missing), "note": self.note}


@dataclass(slots=True)
class DutyAssessment:
    """The result: every applicable measure, the duties, import VAT, totals (EUR) and what restrictions need."""

    goods_code: str
    origin: str
    on: date
    customs_value: Money
    customs_value_eur: Money
    conversion: str | None
    preference: str | None
    duties: tuple[MeasureDuty, ...]
    restrictions: tuple[RestrictionCheck, ...]
    customs_duties: Money
    vat: Money
    vat_rate: tuple[str, Decimal, str] | None  # (member state, percent, category)
    total: Money
    import_allowed: bool
    notes: tuple[str, ...] = field(default=())

    @property
    def vat_arithmetic(self) -> str | None:
        if self.vat_rate is None:
            return None
        ms, rate, category = self.vat_rate
        return (f"VAT {ms} {format(rate.normalize(), 'f')} % ({category}) × ({fmt_eur(self.customs_value_eur.amount)} "
                f"+ duties {fmt_eur(self.customs_duties.amount)}) = {fmt_eur(self.vat.amount)}")

    def as_dict(self) -> dict:
        return {
            "goods_code": self.goods_code, "origin": self.origin, "on": self.on.isoformat(),
            "customs_value": {"amount": str(self.customs_value.amount), "currency": self.customs_value.currency},
            "customs_value_eur": str(self.customs_value_eur.amount), "conversion": self.conversion,
            "preference": self.preference, "duties": [d.as_dict() for d in self.duties],
            "restrictions": [r.as_dict() for r in self.restrictions],
            "customs_duties": str(self.customs_duties.amount), "vat": str(self.vat.amount),
            "vat_arithmetic": self.vat_arithmetic, "total": str(self.total.amount), "currency": EUR,
            "import_allowed": self.import_allowed, "notes": list(self.notes),
        }


def _eur(amount: Decimal) -> Money:
    """A EUR amount computed here (already a Decimal): skips Money's parsing, which dominated the run time."""
    m = object.__new__(Money)
    object.__setattr__(m, "amount", amount)
    object.__setattr__(m, "currency", EUR)
    return m


def country_check(ref) -> CountryCheck:  # noqa: ANN001
    """``is_country`` for :func:`calculate` from a ``RefData``: a known, non-statistical country code on the day."""
    memo: dict[tuple[str, date], bool] = {}

    def check(code: str, day: date) -> bool:
        key = (code, day)
        found = memo.get(key)
        if found is None:
            if len(memo) > 65536:
                memo.clear()
            entry = ref.code("Country", code, day)
            # Statistical codes (QQ stores and provisions, QU not specified …) are no country of origin.
            found = memo[key] = entry is not None and entry.attributes.get("kind") != "statistical"
        return found
    return check


def _goods_code(raw: object, issues: list[Issue]) -> str | None:
    if not isinstance(raw, str):
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/goods_code", "the goods code must be text"))
        return None
    code = raw.replace(" ", "").replace(".", "")
    if not code.isdigit() or len(code) not in (8, 10):
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/goods_code",
                            f"{raw!r} is not a CN (8 digits) or TARIC (10 digits) code"))
        return None
    return code.ljust(10, "0")


def calculate(
    t: Tariff,
    goods_code: str,
    origin: str,
    on: date,
    customs_value: Money,
    quantities: Mapping[str, object] | None = None,
    preference: str | None = None,
    proofs: Iterable[str] = (),
    quota_order_number: str | None = None,
    member_state: str | None = None,
    additional_codes: Iterable[str] = (),
    *,
    rates: RateLookup | None = None,
    is_country: CountryCheck | None = None,
) -> DutyAssessment:
    """Assess the duties of one goods item. ``rates(currency, day)`` gives the customs exchange rate (units per
    EUR, Art. 146 IA; e.g. ``RefData.customs_exchange_rate``); ``is_country(code, day)`` checks the origin.
    Raises :class:`Rejected` listing every problem found."""
    issues: list[Issue] = []
    code = _goods_code(goods_code, issues)
    if code is not None:
        problem = t.goods_problem(code, on)
        if problem is not None:
            issues.append(Issue(problem[0], "/goods_code", problem[1]))
    origin = (origin or "").strip().upper()
    if not _COUNTRY.fullmatch(origin) or (is_country is not None and not is_country(origin, on)):
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/origin", f"{origin!r} is not a known country of origin on {on}"))
    elif origin in t.group_members("1013", on):
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/origin", f"{origin} is a member state: goods of Union origin pay no import duty"))
    qty: dict[str, Decimal] = {}
    for unit, value in (quantities or {}).items():
        try:
            u = unit_code(unit)
            v = to_decimal(value, "quantity")
            if v < 0:
                raise ValueError(f"the quantity in {u} must not be negative")
            if u not in UNITS:
                raise ValueError(f"unknown measurement unit {u} (known: {', '.join(sorted(UNITS))})")
            qty[u] = v
        except (ValueError, InvalidIdentifier) as exc:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, f"/quantities/{unit}", str(getattr(exc, "reason", exc))))
    if preference is not None and not _PREFERENCE.fullmatch(preference):
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/preference", f"{preference!r} is not a preference code (3 digits, first 1-4)"))
        preference = None
    if member_state is not None and member_state not in t.group_members("1013", on):
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/member_state", f"{member_state!r} is not a member state on {on}"))
    # The customs value, in EUR at the customs rate of the month (Art. 146 IA).
    value_eur, conversion = customs_value.amount, None
    if customs_value.amount < 0:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/customs_value", "the customs value must not be negative"))
    if customs_value.currency != EUR:
        rate = rates(customs_value.currency, on) if rates else None
        if rate is None:
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/customs_value/currency",
                                f"no customs exchange rate for {customs_value.currency} in {on:%Y-%m}: the currency cannot be used"))
        else:
            value_eur = round_half_up(ARITHMETIC.divide(customs_value.amount, rate), 2)
            conversion = (f"{fmt_eur(customs_value.amount, customs_value.currency)} ÷ {rate} {customs_value.currency}/EUR "
                          f"(customs rate for {on:%Y-%m}) = {fmt_eur(value_eur)}")
    if quota_order_number is not None and quota_order_number not in t.order_numbers:
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/quota_order_number", f"quota order number {quota_order_number} does not exist"))
    if issues or code is None:
        raise Rejected(issues, "the duty calculation was rejected")

    proofs = tuple(dict.fromkeys(p.strip().upper() for p in proofs))
    declared_codes = {c.strip().upper() for c in additional_codes}
    measures = t.applicable(code, on, origin)
    duty_measures = [m for m in measures if m.kind in _DUTY_KINDS]
    additional = [m for m in measures if m.kind == "additional"]
    notes: list[str] = []

    def ev(m: Measure) -> tuple[Decimal, tuple[str, ...]]:  # the text of the arithmetic is made on demand
        try:
            e = evaluate(m.components, value_eur, qty, explain=False)
        except MissingQuantity as exc:
            issues.append(Issue(ErrorCode.MISSING, f"/quantities/{exc.unit}",
                                f"measure {m.type_id} ({m.duty}) needs {exc}"))
            return Decimal(0), ()
        return e.amount, e.lines

    evaluated = {m.sid: ev(m) for m in duty_measures + additional}
    chosen: Measure | None = None
    category = preference[0] if preference else "1"
    # 1. A quota: only when its order number is declared, open for the origin and used by a measure of the code.
    if quota_order_number is not None:
        on_code = [m for m in duty_measures if m.order_number == quota_order_number]
        if not t.order_number_open(quota_order_number, origin, on):
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/quota_order_number",
                                f"quota {quota_order_number} is not open for origin {origin} on {on}"))
        elif not on_code:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/quota_order_number",
                                f"quota {quota_order_number} does not cover goods code {code} on {on}"))
        else:
            chosen = on_code[0]
            if chosen.kind == "preferential_quota":
                _check_preference(chosen, category, proofs, issues)
    # 2. A claimed preference: needs a preferential measure for the origin and a proof of origin.
    elif category in ("2", "3", "4"):
        prefs = [m for m in duty_measures if m.kind == "preference" and m.preference_category == category]
        if not prefs:
            what = {"2": "GSP", "3": "agreement", "4": "customs union"}[category]
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/preference",
                                f"no {what} tariff preference for goods code {code} from {origin} on {on}"))
        else:
            chosen = min(prefs, key=lambda m: evaluated[m.sid][0])
            _check_preference(chosen, category, proofs, issues)
    # 3. Otherwise the third-country duty, replaced by an autonomous suspension where one applies.
    if chosen is None and not issues:
        erga = [m for m in duty_measures if m.kind in ("third_country", "suspension")]
        if erga:
            # The most specific line wins (a suspension on a TARIC subdivision over the heading's duty).
            chosen = min(erga, key=lambda m: (-len(m.goods_code.rstrip("0")), m.kind != "suspension", evaluated[m.sid][0]))
        else:
            notes.append(f"no customs duty measure for {code} in the (representative) tariff data: duty 0")
    # Anti-dumping and countervailing duties: one per type, chosen by the declared additional code.
    applied_additional: list[Measure] = []
    by_type: dict[str, list[Measure]] = {}
    for m in additional:
        by_type.setdefault(m.type_id, []).append(m)
    for type_id, ms in sorted(by_type.items()):
        coded = [m for m in ms if m.additional_code]
        plain = [m for m in ms if not m.additional_code]
        applied_additional += plain
        if coded:
            match = [m for m in coded if m.additional_code in declared_codes]
            if match:
                applied_additional.append(match[0])
            else:
                codes = ", ".join(sorted({m.additional_code for m in coded}))  # type: ignore[misc]
                issues.append(Issue(ErrorCode.MISSING, "/additional_codes",
                                    f"measure {type_id} on goods from {origin} needs an additional code: one of {codes}"))
    if issues:
        raise Rejected(issues, "the duty calculation was rejected")

    duties: list[MeasureDuty] = []
    applied_ids = {chosen.sid} if chosen else set()
    applied_ids.update(m.sid for m in applied_additional)
    total_duty = Decimal(0)
    for m in duty_measures + additional:
        amount, _ = evaluated[m.sid]
        applied = m.sid in applied_ids
        if applied:
            total_duty += amount
        note = _note(m, applied, chosen)
        duties.append(MeasureDuty(m, _eur(amount), applied, note, value_eur, qty))
    restrictions = tuple(_restriction(m, proofs, t) for m in measures if m.kind in _RESTRICTION_KINDS)
    vat, vat_rate = Decimal(0), None
    if member_state is not None:
        found = t.vat_rate(member_state, code, on)
        if found is None:
            notes.append(f"no VAT rate for {member_state} on {on} in the tariff data")
        else:
            rate, category_name = found
            base = ARITHMETIC.add(value_eur, total_duty)
            vat = round_half_up(ARITHMETIC.divide(ARITHMETIC.multiply(base, rate), Decimal(100)), 2)
            vat_rate = (member_state, rate, category_name)
    else:
        notes.append("no member state given: import VAT not computed")
    return DutyAssessment(
        goods_code=code, origin=origin, on=on, customs_value=customs_value, customs_value_eur=_eur(value_eur),
        conversion=conversion, preference=preference, duties=tuple(duties), restrictions=restrictions,
        customs_duties=_eur(total_duty), vat=_eur(vat), vat_rate=vat_rate,
        total=_eur(total_duty + vat), import_allowed=all(r.met for r in restrictions), notes=tuple(notes),
    )


def _check_preference(m: Measure, category: str, proofs: tuple[str, ...], issues: list[Issue]) -> None:
    if category not in ("2", "3", "4") or m.preference_category != category:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/preference",
                            f"measure {m.type_id} is preferential: claim preference {m.preference_category}xx"))
        return
    accepted = m.origin_proofs
    if accepted and not set(accepted) & set(proofs):
        issues.append(Issue(ErrorCode.MISSING, "/proofs",
                            f"preference claimed without proof of origin: present one of {', '.join(accepted)}"))


def _note(m: Measure, applied: bool, chosen: Measure | None) -> str:
    if m.kind == "additional":
        return "added to the customs duty" if applied else "not applicable to the declared additional code"
    if applied:
        return {"third_country": "third-country duty applies", "suspension": "autonomous suspension applies",
                "preference": "tariff preference applies (claimed and proven)",
                "quota": "tariff quota duty (subject to allocation)",
                "preferential_quota": "preferential tariff quota duty (subject to allocation)"}.get(m.kind, "applies")
    if m.kind in ("preference", "preferential_quota", "quota"):
        return "not claimed"
    return f"replaced by measure {chosen.type_id}" if chosen else "not applied"


def _restriction(m: Measure, proofs: tuple[str, ...], t: Tariff) -> RestrictionCheck:
    if m.kind == "control":
        return RestrictionCheck(m, True, (), (), "control measure: goods are subject to checks at import")
    if not m.conditions:
        return RestrictionCheck(m, False, (), (), "import prohibited")
    allowing = tuple(c.certificate for c in m.conditions if c.certificate and c.action in ALLOWING_ACTIONS)
    presented = tuple(p for p in allowing if p in proofs)
    if presented:
        return RestrictionCheck(m, True, presented, (), f"satisfied by {', '.join(presented)}")
    names = "; ".join(f"{c} ({t.certificates.get(c, '?')})" for c in allowing)
    return RestrictionCheck(m, False, (), allowing, f"not allowed without one of: {names}")
