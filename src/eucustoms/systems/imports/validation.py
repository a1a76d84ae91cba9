"""Validation of an import declaration (every error listed at once) and the customs debt computed with the
tariff calculator (D.E. 4/8 calculation of taxes per item).

Nothing here writes: :func:`prepare` reads the reference data, the tariff (with its quota periods), EOS, the
recorded CCL authorisations and (for a pre-lodged declaration) the guarantee, and answers what acceptance must do
(the debt, the quota requests, the amount to secure), or raises :class:`Rejected` listing every problem.
:func:`reassess` computes the debt of the particulars a control found."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, select

from eucustoms.core.errors import CustomsError, ErrorCode, InvalidIdentifier, Issue, NotFound, Rejected
from eucustoms.core.money import ARITHMETIC, Money, round_half_up
from eucustoms.platform.http.errors import issues_from_pydantic
from eucustoms.refdata import RefData
from eucustoms.systems.eos import service as eos
from eucustoms.systems.guarantees import service as guarantees
from eucustoms.systems.guarantees.checks import GuaranteeNotValid
from eucustoms.systems.guarantees.messages import Amount as GAmount
from eucustoms.systems.guarantees.messages import CheckRequest
from eucustoms.systems.tariff.calculator import calculate, country_check
from eucustoms.systems.tariff.tariff import Tariff

from .messages import PROCEDURES, Declaration
from .store import imp_authorisation

H7_LIMIT = Decimal("150")  # EUR intrinsic value per consignment (Art. 23 Reg. 1186/2009)
EXCISE_CHAPTERS = ("22", "24")  # alcohol and tobacco: no H7 (the relief does not apply), except 2201/2202
EXCISE_FREE = ("2201", "2202")

_POINTERS = {"/goods_code": "/cn_code", "/customs_value/currency": "/item_price/currency",
             "/customs_value": "/item_price/amount", "/proofs": "/documents", "/additional_codes": "/additional_codes",
             "/quota_order_number": "/quota_order_number", "/preference": "/preference", "/origin": "/origin"}


@dataclass
class Prepared:
    """A valid declaration and what its acceptance must do."""

    declaration: Declaration
    dataset: str
    country: str  # member state of the office of lodgement
    presentation_country: str
    vat_country: str
    debt: dict[str, Any]
    total: Decimal  # EUR
    quota_requests: list[dict[str, Any]] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    refdata: RefData | None = None  # the reference data it was checked against (for the guarantee debit)


def parse(payload: Any) -> Declaration:
    try:
        return Declaration.model_validate(payload)
    except ValidationError as exc:
        raise Rejected(issues_from_pydantic(exc.errors()), "the import declaration was rejected") from None


def _item_pointer(index: int, pointer: str) -> str:
    base = f"/items/{index}"
    if pointer.startswith("/quantities/"):
        return f"{base}/supplementary_units/{pointer.rsplit('/', 1)[1]}"
    if pointer == "/member_state":
        return "/office_of_presentation"
    return base + _POINTERS.get(pointer, pointer)


def _check_operator(conn: Connection, eori: str | None, pointer: str, day: date, issues: list[Issue]) -> None:
    if not eori:
        return
    try:
        op = eos.get(conn, eori)
    except (NotFound, InvalidIdentifier):
        issues.append(Issue(ErrorCode.RULE_VIOLATION, pointer, f"EORI {eori} is not registered in EOS"))
        return
    if op.status != "valid" or op.start_date > day or (op.end_date is not None and day > op.end_date):
        issues.append(Issue(ErrorCode.RULE_VIOLATION, pointer, f"EORI {eori} is not valid on {day}"))


def _check_cci(conn: Connection, d: Declaration, day: date, issues: list[Issue]) -> None:
    """Centralised clearance needs a CCL authorisation (D.E. 3/39) held by the declarant or the importer,
    granted by the supervising office's member state and covering the member state of presentation."""
    ccl = [a for a in d.holder_of_authorisation if a.type.upper() == "CCL"]
    if not ccl:
        issues.append(Issue(ErrorCode.MISSING, "/holder_of_authorisation",
                            "centralised clearance (office of presentation in another member state) needs a CCL authorisation"))
        return
    holders = {p.eori for p in (d.declarant, d.importer, d.representative) if p is not None and p.eori}
    a = imp_authorisation.c
    for n, auth in enumerate(ccl):
        row = conn.execute(select(imp_authorisation).where(a.reference == auth.reference)).mappings().first()
        if row is None or row["type"] != "CCL":
            issues.append(Issue(ErrorCode.RULE_VIOLATION, f"/holder_of_authorisation/{n}/reference",
                                f"no CCL authorisation {auth.reference} is recorded"))
            continue
        problems = []
        if row["holder"] not in holders:
            problems.append(f"it is held by {row['holder']}, not by the declarant or importer")
        if row["valid_from"] > day or (row["valid_to"] is not None and day > row["valid_to"]):
            problems.append(f"it is not valid on {day}")
        if row["country"] != d.office_of_lodgement[:2]:
            problems.append(f"it was granted by {row['country']}, not by the supervising office's member state")
        if row["countries"] and d.office_of_presentation[:2] not in row["countries"]:
            problems.append(f"it does not cover presentation in {d.office_of_presentation[:2]}")
        if problems:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, f"/holder_of_authorisation/{n}/reference",
                                f"CCL authorisation {auth.reference}: " + "; ".join(problems)))


def _quota_quantity(t: Tariff, item, order_number: str, day: date) -> tuple[Decimal | None, str | None]:  # noqa: ANN001
    unit = t.quota_unit(order_number, day)
    if unit is None:
        return None, None
    if unit in item.supplementary_units:
        return item.supplementary_units[unit], unit
    if unit == "KGM" and item.net_mass is not None:
        return item.net_mass, unit
    return None, unit


@dataclass
class _Debt:
    """The customs debt of the goods items (D.E. 4/8) and what comes with it."""

    items: list[dict[str, Any]]
    quota_requests: list[dict[str, Any]]
    total: Decimal
    value_total: Decimal
    fact_items: list[dict[str, Any]]


def _item_debts(refdata: RefData, t: Tariff, d: Declaration, dataset: str, presentation: str, day: date,
                issues: list[Issue], restrictions: list[dict[str, Any]] | None = None) -> _Debt:
    """Every goods item through the tariff calculator: duties, VAT of ``presentation``, quota requests. Problems
    go to ``issues``; prohibitions and restrictions not met too, or to ``restrictions`` when a list is given."""
    is_country = country_check(refdata)
    items_out: list[dict[str, Any]] = []
    quota_requests: list[dict[str, Any]] = []
    total = Decimal(0)
    value_total = Decimal(0)
    fact_items = []
    for n, item in enumerate(d.items):
        proc = item.procedure or d.procedure
        price = None
        try:
            price = Money(item.item_price.amount, item.item_price.currency)
        except (InvalidIdentifier, ValueError) as exc:
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"/items/{n}/item_price/currency",
                                f"unknown currency: {getattr(exc, 'reason', exc)}"))
        quantities: dict[str, Any] = {u.upper(): v for u, v in item.supplementary_units.items()}
        if item.net_mass is not None:
            quantities.setdefault("KGM", item.net_mass)
        try:
            a = calculate(t, item.goods_code, item.origin, day, price or Money("0", "EUR"), quantities,
                          item.preference, [doc.type.upper() for doc in item.documents], item.quota_order_number,
                          presentation, item.additional_codes, rates=refdata.customs_exchange_rate, is_country=is_country)
        except Rejected as exc:
            for i in exc.issues:
                if price is None and i.pointer == "/customs_value/currency":
                    continue
                issues.append(Issue(i.code, _item_pointer(n, i.pointer), i.reason))
            continue
        if price is None:
            continue
        for r in a.restrictions:
            if not r.met:
                if restrictions is None:
                    issues.append(Issue(ErrorCode.MISSING, f"/items/{n}/documents",
                                        f"measure {r.measure.type_id}: {r.note} (D.E. 2/3)"))
                else:
                    restrictions.append({"item_number": item.item_number, "measure_type": r.measure.type_id,
                                         "note": r.note, "missing_one_of": list(r.missing)})
        value_eur = a.customs_value_eur.amount
        value_total = ARITHMETIC.add(value_total, value_eur)
        duties = a.customs_duties.amount
        vat = a.vat.amount
        notes = list(a.notes)
        if dataset == "H7":
            duties = Decimal(0)
            notes.append("customs duty relief for consignments of negligible value (Art. 23 Reg. 1186/2009)")
            if d.ioss_number:
                vat = Decimal(0)
                notes.append(f"import VAT declared and paid through the IOSS ({d.ioss_number})")
            elif a.vat_rate is not None:
                vat = round_half_up(ARITHMETIC.divide(ARITHMETIC.multiply(value_eur, a.vat_rate[1]), Decimal(100)), 2)
        if proc == "4200":
            vat = Decimal(0)
            notes.append("VAT exemption: onward supply to another member state (procedure 4200)")
        item_total = ARITHMETIC.add(duties, vat)
        total = ARITHMETIC.add(total, item_total)
        items_out.append({
            "item_number": item.item_number, "goods_code": a.goods_code, "origin": a.origin,
            "customs_value_eur": str(value_eur), "conversion": a.conversion, "preference": item.preference,
            "duties": [{"measure_type": x.measure.type_id, "amount": str(x.amount.amount), "note": x.note}
                       for x in a.duties if x.applied],
            "customs_duties": str(duties), "vat": str(vat),
            "vat_rate": str(a.vat_rate[1]) if a.vat_rate and vat else None,
            "total": str(item_total), "notes": notes,
        })
        if item.quota_order_number:
            qty, unit = _quota_quantity(t, item, item.quota_order_number, day)
            if unit is None:
                issues.append(Issue(ErrorCode.RULE_VIOLATION, f"/items/{n}/quota_order_number",
                                    f"quota {item.quota_order_number} has no quota period open on {day}"))
            elif qty is None:
                issues.append(Issue(ErrorCode.MISSING, f"/items/{n}/supplementary_units",
                                    f"quota {item.quota_order_number} is managed in {unit}: declare that quantity"))
            else:
                quota_requests.append({"order_number": item.quota_order_number, "origin": a.origin,
                                       "quantity": str(qty), "unit": unit, "item_number": item.item_number})
        fact_items.append({"number": item.item_number, "cn8": item.cn_code[:8], "description": item.description[:512],
                           "value": str(price.amount), "currency": price.currency, "value_eur": str(value_eur),
                           "origin": a.origin,
                           **({"net_mass_kg": str(item.net_mass)} if item.net_mass is not None else {}),
                           **({"gross_mass_kg": str(item.gross_mass)} if item.gross_mass is not None else {})})
    return _Debt(items_out, quota_requests, total, value_total, fact_items)


def _debt_record(debt: _Debt, total: Decimal, day: date, presentation: str) -> dict[str, Any]:
    return {"currency": "EUR", "items": debt.items,
            "customs_duties": str(sum((Decimal(i["customs_duties"]) for i in debt.items), Decimal(0))),
            "vat": str(sum((Decimal(i["vat"]) for i in debt.items), Decimal(0))),
            "total": str(total), "on": day.isoformat(), "vat_member_state": presentation}


def prepare(conn: Connection, refdata: RefData, t: Tariff, d: Declaration, dataset: str, filer: str, day: date,
            *, check_guarantee: bool = True) -> Prepared:
    """Check ``d`` as of ``day`` and compute its customs debt; :class:`Rejected` lists every problem.

    ``check_guarantee``: ask the guarantee system whether the guarantee covers the debt. Not needed when the
    declaration is accepted in the same breath: the debit at acceptance checks the same (and the access code's
    hash is deliberately slow to verify)."""
    issues: list[Issue] = []
    # Who lodges: the declarant or its representative (D.E. 3/17, 3/20).
    parties = {d.declarant.eori, d.representative.eori if d.representative else None} - {None}
    if filer not in parties:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/declarant/eori",
                            f"the declarant or its representative must be you ({filer})"))
    if not d.declarant.eori:
        issues.append(Issue(ErrorCode.MISSING, "/declarant/eori", "the declarant's EORI is required"))
    if dataset == "H1" and not d.importer.eori:
        issues.append(Issue(ErrorCode.MISSING, "/importer/eori", "the importer's EORI is required (H1)"))
    checked: set[str] = set()
    for role in ("declarant", "representative", "importer"):
        p = getattr(d, role)
        if p is not None and p.eori and p.eori not in checked:  # one look-up per operator
            checked.add(p.eori)
            _check_operator(conn, p.eori, f"/{role}/eori", day, issues)
    # Offices (D.E. 5/26, 5/27).
    if not refdata.office_has_role(d.office_of_presentation, "PLA", day):
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/office_of_presentation",
                            f"{d.office_of_presentation} is not a customs office of presentation (role PLA) on {day}"))
    if d.supervising_office and not refdata.office_has_role(d.supervising_office, "SCO", day):
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/supervising_office",
                            f"{d.supervising_office} is not a supervising customs office (role SCO) on {day}"))
    country, presentation = d.office_of_lodgement[:2], d.office_of_presentation[:2]
    if d.cci:
        _check_cci(conn, d, day, issues)
    # Procedure (D.E. 1/10).
    procedures = {d.procedure, *(i.procedure for i in d.items if i.procedure)}
    for n, proc in enumerate([d.procedure] + [i.procedure for i in d.items]):
        if proc is not None and proc not in PROCEDURES:
            where = "/procedure" if n == 0 else f"/items/{n - 1}/procedure"
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, where,
                                f"procedure {proc} is not one of {', '.join(PROCEDURES)} (release for free circulation)"))
    if "4200" in procedures and len(d.fiscal_references) < 1:
        issues.append(Issue(ErrorCode.MISSING, "/fiscal_references",
                            "procedure 4200 (VAT-exempt onward supply) needs the VAT identification numbers (D.E. 3/40)"))
    numbers = [i.item_number for i in d.items]
    if len(set(numbers)) != len(numbers):
        issues.append(Issue(ErrorCode.DUPLICATE, "/items", f"goods item numbers must be unique, got {numbers}"))
    if dataset == "H7":
        for n, item in enumerate(d.items):
            code = item.cn_code
            if code[:2] in EXCISE_CHAPTERS and code[:4] not in EXCISE_FREE:
                issues.append(Issue(ErrorCode.RULE_VIOLATION, f"/items/{n}/cn_code",
                                    f"excise goods ({code[:4]}) cannot be declared with the H7 dataset"))
            if item.quota_order_number:
                issues.append(Issue(ErrorCode.NOT_ALLOWED, f"/items/{n}/quota_order_number",
                                    "no tariff quota with the H7 dataset (the goods are relieved of duty)"))
    elif d.ioss_number:
        issues.append(Issue(ErrorCode.NOT_ALLOWED, "/ioss_number", "an IOSS number is declared with the H7 dataset only"))

    debt = _item_debts(refdata, t, d, dataset, presentation, day, issues)
    if dataset == "H7" and debt.value_total > H7_LIMIT:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/items",
                            f"the intrinsic value EUR {debt.value_total} exceeds EUR {H7_LIMIT}: lodge an H1 declaration"))
    amount = Money(debt.total, "EUR")
    if d.guarantee is not None and check_guarantee and not issues and debt.total > 0:
        try:
            result = guarantees.check(conn, CheckRequest(grn=d.guarantee.grn, access_code=d.guarantee.access_code,
                                                         amount=GAmount(amount=debt.total, currency="EUR"), country=country,
                                                         on=day), refdata=refdata)
        except Rejected as exc:
            issues.extend(Issue(i.code, "/guarantee" + i.pointer, i.reason) for i in exc.issues)
        else:
            for r in result.reasons:
                issues.append(Issue(r.code, "/guarantee", r.reason))
    if issues:
        raise Rejected(issues, f"the {dataset} import declaration was rejected")
    total = amount.quantize().amount
    parties_facts = {role: {k: v for k, v in {"id": p.eori, "name": p.name, "country": p.country}.items() if v}
                     for role, p in (("importer", d.importer), ("declarant", d.declarant), ("exporter", d.exporter),
                                     ("representative", d.representative)) if p is not None}
    fact_items = debt.fact_items
    facts = {
        "kind": "import",
        **({"mode": d.mode_of_transport} if d.mode_of_transport else {}),
        "countries": {k: v for k, v in {"origin": sorted({i["origin"] for i in fact_items}) or None,
                                        "dispatch": d.country_of_dispatch.upper() if d.country_of_dispatch else None,
                                        "destination": presentation}.items() if v},
        "parties": {k: v for k, v in parties_facts.items() if v},
        "items": fact_items,
        "dates": {"lodged": day.isoformat()},
        "attributes": {"dataset": dataset, "procedure": d.procedure},
    }
    return Prepared(d, dataset, country, presentation, presentation, _debt_record(debt, total, day, presentation),
                    total, debt.quota_requests, facts, refdata)


# -- reassessment after a control ------------------------------------------------------------------------------

@dataclass
class Reassessment:
    """The customs debt of the particulars found by a control (Art. 191 UCC: the results of the verification
    are used for applying the provisions of the procedure), and what the findings changed."""

    declaration: Declaration  # the particulars as found
    dataset: str  # H1 when an H7 was found above EUR 150 (the duty relief then does not apply)
    debt: dict[str, Any]
    total: Decimal
    quota_requests: list[dict[str, Any]]
    restrictions: list[dict[str, Any]]  # prohibitions and restrictions the found goods do not meet
    claims_refused: list[dict[str, Any]]  # preferences (D.E. 4/17) and quotas (8/1) the findings do not support


_CLAIM = re.compile(r"/items/(\d+)/(preference|documents|quota_order_number)$")


def apply_corrections(payload: dict[str, Any], corrections: list[dict[str, Any]]) -> dict[str, Any]:
    """The declaration (as stored JSON) with the particulars an officer found replacing the declared ones, item
    by item (``{"item_number": 1, "cn_code": ..., "origin": ..., "item_price": {...}, "net_mass": ...}``)."""
    items = [dict(i) for i in payload.get("items", [])]
    by_number = {i.get("item_number"): i for i in items}
    issues = []
    for n, c in enumerate(corrections):
        number = c.get("item_number") if isinstance(c, dict) else None
        if number not in by_number:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, f"/corrections/{n}/item_number",
                                f"the declaration has no goods item {number}"))
            continue
        by_number[number].update({k: v for k, v in c.items() if k != "item_number"})
    if issues:
        raise Rejected(issues, "the control findings were rejected")
    return {**payload, "items": items}


def reassess(refdata: RefData, t: Tariff, d: Declaration, dataset: str, presentation: str, day: date) -> Reassessment:
    """The debt of the particulars found, as of the day of acceptance. A preference or quota claim the findings
    no longer support (origin, goods code, missing proof) is refused and the duty applies without it; anything
    else the calculator rejects is the officer's input to correct (:class:`Rejected`)."""
    refused: list[dict[str, Any]] = []
    for _attempt in range(4):
        issues: list[Issue] = []
        restrictions: list[dict[str, Any]] = []
        debt = _item_debts(refdata, t, d, dataset, presentation, day, issues, restrictions)
        if dataset == "H7" and not issues and debt.value_total > H7_LIMIT:
            dataset = "H1"  # above EUR 150 the relief of Art. 23 Reg. 1186/2009 does not apply
            refused.append({"item_number": None, "claim": "H7",
                            "reason": f"intrinsic value EUR {debt.value_total} found above EUR {H7_LIMIT}: "
                                      "customs duty relief refused"})
            continue
        if not issues:
            total = Money(debt.total, "EUR").quantize().amount
            return Reassessment(d, dataset, _debt_record(debt, total, day, presentation), total,
                                debt.quota_requests, restrictions, refused)
        claims: dict[int, set[str]] = {}
        for i in issues:
            m = _CLAIM.match(i.pointer)
            if m is None:
                raise Rejected(issues, "the control findings do not make a declaration the tariff can assess")
            kind = "quota" if m.group(2) == "quota_order_number" else "preference"
            claims.setdefault(int(m.group(1)), set()).add(kind)
            refused.append({"item_number": d.items[int(m.group(1))].item_number, "claim": kind, "reason": i.reason})
        items = list(d.items)
        for n, kinds in claims.items():
            update: dict[str, Any] = {}
            if "quota" in kinds or items[n].quota_order_number and "preference" in kinds:
                update["quota_order_number"] = None
            if "preference" in kinds:
                update["preference"] = "100"
            items[n] = items[n].model_copy(update=update)
        d = d.model_copy(update={"items": items})
    raise Rejected.one(ErrorCode.RULE_VIOLATION, "/corrections", "the control findings cannot be assessed")


def guarantee_issues(exc: CustomsError) -> list[Issue]:
    """The guarantee system's refusal as issues of the declaration: the reasons why the guarantee cannot be used
    (CL252, codes Gxx) on ``/guarantee`` as the guarantee query answers them, other problems below it."""
    issues = getattr(exc, "issues", None) or [Issue(ErrorCode.RULE_VIOLATION, "/guarantee", exc.message)]
    return [Issue(i.code, "/guarantee" if isinstance(exc, GuaranteeNotValid) or not i.pointer.startswith("/")
                  or i.pointer == "/grn" else "/guarantee" + i.pointer, i.reason) for i in issues]
