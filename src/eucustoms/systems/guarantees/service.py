"""GUM use cases: issue, check, debit, credit/release, balance and history, suspend/reinstate/revoke/release, amend, adjust.

Every function runs in the caller's transaction (``db.begin()``). Debits and credits lock the guarantee row
(``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite ``db.begin()`` already holds the write lock through
``BEGIN IMMEDIATE``), so concurrent uses never over-draw it, and each is idempotent on its ``operation_id``.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any, Iterator

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from eucustoms.core.clock import now
from eucustoms.core.errors import Conflict, CustomsError, ErrorCode, Forbidden, Issue, NotFound, Rejected
from eucustoms.core.identifiers import GRN
from eucustoms.core.money import Money
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.numbering import allocate_grn
from eucustoms.refdata import RefData

from . import access
from .amounts import Rates, convert
from .checks import SINGLE_USE_TYPES, GuaranteeNotValid, evaluate, not_found
from .messages import (
    Adjustment,
    Amount,
    Balance,
    CheckRequest,
    CheckResult,
    Guarantee,
    GuaranteeAmendment,
    GuaranteeIssue,
    IssuedGuarantee,
    Movement,
    Reason,
    StatusChange,
)
from .states import RELEASED, VALID, next_state
from .store import guarantee_guarantee as G
from .store import guarantee_movement as M

#: Guarantee types GUM manages with a GRN: CL251 types that secure an amount (waivers by law, TIR and
#: "not required" codes have nothing to manage). Type 3 (cash) is kept here too, for import.
MANAGED_TYPES = frozenset("012349")
#: Types that need a comprehensive guarantee (CGU) authorisation.
AUTHORISED_TYPES = frozenset("01")

DEBIT, CREDIT, ADJUSTMENT, AMENDMENT = "debit", "credit", "adjustment", "amendment"


# -- plumbing ---------------------------------------------------------------------------------------------------

class _ConnectionAsDatabase:
    """Lets :class:`RefData` read through the caller's connection (no second connection under the write lock)."""

    def __init__(self, conn: Connection):
        self._conn = conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        yield self._conn


def refdata_for(conn: Connection) -> RefData:
    """The reference data, read through ``conn``."""
    return RefData.from_db(_ConnectionAsDatabase(conn))  # type: ignore[arg-type]


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _db_amount(conn: Connection, value: Decimal) -> Any:
    """Amounts go to SQLite as decimal text, to PostgreSQL as NUMERIC."""
    return str(value) if conn.dialect.name == "sqlite" else value


def _money(row: dict[str, Any], column: str) -> Money:
    return Money(_dec(row[column]), row["currency"])


def _amount(m: Money) -> Amount:
    return Amount(amount=m.amount, currency=m.currency)


def _to_money(given: Amount, pointer: str) -> tuple[Money | None, list[Issue]]:
    try:
        return Money(given.amount, given.currency), []
    except CustomsError as exc:
        reason = getattr(exc, "reason", exc.message)
        return None, [Issue(ErrorCode.CODELIST_VIOLATION, f"{pointer}/currency", reason)]


def _parse_grn(grn: str) -> str:
    try:
        return str(GRN.parse(grn))
    except CustomsError as exc:
        raise not_found(str(grn), f"{grn!r} is not a GRN: {getattr(exc, 'reason', exc.message)}") from None


def _load(conn: Connection, grn: str, *, for_update: bool = False) -> dict[str, Any] | None:
    q = select(G).where(G.c.grn == grn)
    if for_update and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def _guarantee(row: dict[str, Any]) -> Guarantee:
    return Guarantee(
        grn=row["grn"], guarantee_type=row["guarantee_type"], holder=row["holder_eori"], office=row["office"],
        country=row["country"], authorisation_reference=row["authorisation_reference"],
        reference_amount=_amount(_money(row, "reference_amount")), balance=_amount(_money(row, "balance")),
        valid_from=row["valid_from"], valid_to=row["valid_to"], countries=row["countries"], status=row["status"],
        status_reason=row["status_reason"], issued_at=row["issued_at"], updated_at=row["updated_at"],
        version=row["version"],
    )


def _movement(row: dict[str, Any], currency: str, *, replayed: bool = False) -> Movement:
    requested = None
    if row["requested_amount"] is not None:
        requested = Amount(amount=_dec(row["requested_amount"]), currency=row["requested_currency"])
    return Movement(
        id=row["id"], grn=row["grn"], kind=row["kind"], amount=Amount(amount=_dec(row["amount"]), currency=currency),
        requested=requested, balance_after=Amount(amount=_dec(row["balance_after"]), currency=currency),
        reference=row["reference"], country=row["country"], operation_id=row["operation_id"], reason=row["reason"],
        at=row["at"], by=row["by"], replayed=replayed,
    )


def _check_operation(operation_id: object, reference: object, *, reference_required: bool = True) -> None:
    issues = []
    if not isinstance(operation_id, str) or not 1 <= len(operation_id.strip()) <= 64:
        issues.append(Issue(ErrorCode.MISSING, "/operation_id", "an operation id of 1 to 64 characters is required"))
    if reference_required and (not isinstance(reference, str) or not 1 <= len(reference.strip()) <= 70):
        issues.append(Issue(ErrorCode.MISSING, "/reference", "a reference (MRN or declaration) of 1 to 70 characters is required"))
    if issues:
        raise Rejected(issues, "the guarantee operation was rejected")


def _replay(conn: Connection, operation_id: str, grn: str, kind: str, reference: str | None) -> Movement | None:
    """The movement an earlier delivery of this operation recorded, or None; a reused id for another operation is a conflict."""
    row = conn.execute(select(M).where(M.c.operation_id == operation_id)).mappings().first()
    if row is None:
        return None
    if row["grn"] != grn or row["kind"] != kind or row["reference"] != reference:
        raise Conflict(f"operation id {operation_id} was already used for a {row['kind']} on {row['grn']}"
                       f" for {row['reference']}", pointer="/operation_id")
    currency = conn.execute(select(G.c.currency).where(G.c.grn == grn)).scalar_one()
    return _movement(dict(row), currency, replayed=True)


def _record(conn: Connection, row: dict[str, Any], *, kind: str, delta: Money, operation_id: str, by: str,
            reference: str | None = None, country: str | None = None, requested: Money | None = None,
            reason: str | None = None, reference_amount: Money | None = None, extra: dict[str, Any] | None = None) -> Movement:
    """Apply ``delta`` to the balance and write the movement (the row is locked by the caller)."""
    balance = _money(row, "balance") + delta
    moment = now()
    values: dict[str, Any] = {"balance": _db_amount(conn, balance.amount), "version": row["version"] + 1,
                              "updated_at": moment, **(extra or {})}
    if reference_amount is not None:
        values["reference_amount"] = _db_amount(conn, reference_amount.amount)
    conn.execute(update(G).where(G.c.grn == row["grn"]).values(**values))
    movement = {
        "grn": row["grn"], "kind": kind, "amount": _db_amount(conn, delta.amount),
        "requested_amount": _db_amount(conn, requested.amount) if requested else None,
        "requested_currency": requested.currency if requested else None,
        "balance_after": _db_amount(conn, balance.amount), "reference": reference, "country": country,
        "operation_id": operation_id, "reason": reason, "at": moment, "by": by,
    }
    try:
        new_id = conn.execute(insert(M).values(movement).returning(M.c.id)).scalar_one()
    except IntegrityError:
        raise Conflict(f"operation id {operation_id} is being used by another operation", pointer="/operation_id") from None
    return _movement({**movement, "id": new_id, "amount": delta.amount, "balance_after": balance.amount,
                      "requested_amount": requested.amount if requested else None}, row["currency"])


def _may_manage(principal: Principal, row_country: str) -> None:
    if principal.role is Role.COMMISSION or (principal.role is Role.OFFICER and principal.country == row_country):
        return
    if principal.role is Role.OFFICER:
        raise Forbidden(f"guarantees registered in {row_country} are managed by {row_country}'s customs authority")
    raise Forbidden("only customs authorities manage guarantees")


def _visible(principal: Principal, row: dict[str, Any]) -> bool:
    return principal.may_see(eoris=(row["holder_eori"],), countries=(row["country"],))


def _open(conn: Connection, principal: Principal, grn: str, *, for_update: bool = False) -> dict[str, Any]:
    """The guarantee if ``principal`` may see it; an unknown and an invisible GRN look the same."""
    try:
        grn = str(GRN.parse(grn))
    except CustomsError:
        raise NotFound("guarantee", grn) from None
    row = _load(conn, grn, for_update=for_update)
    if row is None or not _visible(principal, row):
        raise NotFound("guarantee", grn)
    return row


def _outstanding(conn: Connection, grn: str, reference: str) -> Decimal:
    """What ``reference`` debited and was not credited back yet (positive)."""
    amounts = conn.execute(select(M.c.amount).where(
        M.c.grn == grn, M.c.reference == reference, M.c.kind.in_((DEBIT, CREDIT)))).scalars()
    return -sum((_dec(a) for a in amounts), Decimal(0))


def _other_use(conn: Connection, row: dict[str, Any], reference: str | None) -> str | None:
    """For a single-use individual guarantee: the other reference it already covers, if any."""
    if row["guarantee_type"] not in SINGLE_USE_TYPES:
        return None
    q = select(M.c.reference).where(M.c.grn == row["grn"], M.c.kind == DEBIT)
    if reference is not None:
        q = q.where(M.c.reference != reference)
    return conn.execute(q.limit(1)).scalar()


def _countries_issues(countries: list[str] | None, refdata: RefData, day: date, pointer: str) -> list[Issue]:
    if countries is None:
        return []
    if not countries:
        return [Issue(ErrorCode.MISSING, pointer, "list at least one country, or omit the list for the whole area")]
    area = refdata.member_states(day) | refdata.common_transit_countries(day)
    return [Issue(ErrorCode.CODELIST_VIOLATION, f"{pointer}/{i}", f"{c!r} is neither a member state nor a common transit country")
            for i, c in enumerate(countries) if c not in area]


# -- issue, show, list -----------------------------------------------------------------------------------------

def issue(conn: Connection, principal: Principal, request: GuaranteeIssue, *, refdata: RefData | None = None) -> IssuedGuarantee:
    """Register a guarantee at its office of guarantee: allocate its GRN, set its balance to the reference amount."""
    refdata = refdata or refdata_for(conn)
    moment = now()
    today = moment.date()
    issues: list[Issue] = []
    gtype = request.guarantee_type
    if not refdata.code_valid("GuaranteeType", gtype, today):
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/guarantee_type", f"{gtype!r} is not a CL251 guarantee type"))
    elif gtype not in MANAGED_TYPES:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/guarantee_type",
                            f"guarantee type {gtype} secures no amount: GUM manages types {', '.join(sorted(MANAGED_TYPES))}"))
    if gtype in AUTHORISED_TYPES and not request.authorisation_reference:
        issues.append(Issue(ErrorCode.MISSING, "/authorisation_reference",
                            f"guarantee type {gtype} needs the reference of its comprehensive guarantee (CGU) authorisation"))
    office = refdata.office(request.office, today)
    country = request.office[:2]
    if office is None:
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/office", f"{request.office} is not a customs office"))
    elif "GUA" not in office.roles:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/office", f"{request.office} is not an office of guarantee (role GUA)"))
    amount, money_issues = _to_money(request.reference_amount, "/reference_amount")
    issues += money_issues
    if amount is not None:
        if amount.amount <= 0:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/reference_amount/amount", "the reference amount must be positive"))
        allowed = {"EUR", refdata.currency_of(country, today)} - {None}
        if amount.currency not in allowed:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/reference_amount/currency",
                                f"a guarantee registered in {country} is in {' or '.join(sorted(allowed))}, not {amount.currency}"))
        elif amount.minor_unit is not None and amount.quantize() != amount:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/reference_amount/amount",
                                f"{amount.currency} has {amount.minor_unit} decimals"))
    valid_from = request.valid_from or today
    if request.valid_to is not None and request.valid_to < valid_from:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/valid_to", f"valid_to {request.valid_to} is before valid_from {valid_from}"))
    issues += _countries_issues(request.countries, refdata, today, "/countries")
    if issues:
        raise Rejected(issues, "the guarantee was rejected")
    _may_manage(principal, country)
    assert amount is not None
    amount = amount.quantize()

    grn = str(allocate_grn(conn, country))
    code = access.normalise(request.access_code) if request.access_code else access.generate()
    conn.execute(insert(G).values(
        grn=grn, guarantee_type=gtype, holder_eori=request.holder, office=request.office, country=country,
        authorisation_reference=request.authorisation_reference, currency=amount.currency,
        reference_amount=_db_amount(conn, amount.amount), balance=_db_amount(conn, amount.amount),
        access_code_hash=access.hash_code(code), valid_from=valid_from, valid_to=request.valid_to,
        countries=request.countries, status=VALID, status_reason=None, issued_by=principal.name,
        issued_at=moment, updated_at=moment, version=1,
    ))
    return IssuedGuarantee(**get(conn, grn).model_dump(), access_code=code)


def get(conn: Connection, grn: str) -> Guarantee:
    """A guarantee by GRN, without access rules (for other systems)."""
    row = _load(conn, str(GRN.parse(grn)))
    if row is None:
        raise NotFound("guarantee", grn)
    return _guarantee(row)


def show(conn: Connection, principal: Principal, grn: str) -> Guarantee:
    """A guarantee for its holder, the customs authority of its country, or the Commission."""
    return _guarantee(_open(conn, principal, grn))


def list_guarantees(conn: Connection, principal: Principal, *, holder: str | None = None, status: str | None = None,
                    limit: int = 50, offset: int = 0) -> tuple[int, list[Guarantee]]:
    """A trader's own guarantees; an officer's country's; every guarantee for the Commission."""
    q = select(G)
    if principal.role is Role.TRADER:
        q = q.where(G.c.holder_eori == principal.eori)
    elif principal.role is Role.OFFICER:
        q = q.where(G.c.country == principal.country)
    elif principal.role is not Role.COMMISSION:
        raise Forbidden("guarantees are shown to their holders and to customs authorities")
    if holder:
        q = q.where(G.c.holder_eori == holder.strip().upper())
    if status:
        q = q.where(G.c.status == status)
    total = conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()
    rows = conn.execute(q.order_by(G.c.grn).limit(limit).offset(offset)).mappings().all()
    return total, [_guarantee(dict(r)) for r in rows]


def balance(conn: Connection, principal: Principal, grn: str) -> Balance:
    """The reference amount, what is available, and what is in use."""
    row = _open(conn, principal, grn)
    reference, available = _money(row, "reference_amount"), _money(row, "balance")
    return Balance(grn=row["grn"], status=row["status"], reference_amount=_amount(reference),
                   balance=_amount(available), in_use=_amount(reference - available))


def history(conn: Connection, principal: Principal, grn: str) -> list[Movement]:
    """Every movement on the guarantee, oldest first."""
    row = _open(conn, principal, grn)
    rows = conn.execute(select(M).where(M.c.grn == row["grn"]).order_by(M.c.id)).mappings()
    return [_movement(dict(r), row["currency"]) for r in rows]


# -- check, debit, credit -------------------------------------------------------------------------------------

def check(conn: Connection, request: CheckRequest, *, refdata: RefData | None = None) -> CheckResult:
    """The guarantee query (NCTS CC034/CC037, reasons as in CC055C): may it cover the amount in the country on the day?"""
    moment = now()
    try:
        grn = str(GRN.parse(request.grn))
    except CustomsError:
        grn = request.grn
    row = _load(conn, grn)
    if row is None:
        return CheckResult(grn=grn, valid=False, checked_at=moment,
                           reasons=[Reason(code="G01", reason=f"guarantee {grn} does not exist")])
    refdata = refdata or refdata_for(conn)
    day = request.on or moment.date()
    money, issues = _to_money(request.amount, "/amount")
    if issues:
        raise Rejected(issues, "the guarantee query was rejected")
    assert money is not None
    converted, issues = convert(money, row["currency"], Rates(refdata, day))
    if issues:
        raise Rejected(issues, "the guarantee query was rejected")
    found = evaluate(row, access_code=request.access_code, amount=converted, balance=_money(row, "balance"),
                     country=request.country, on=day, refdata=refdata, holder=request.holder,
                     guarantee_type=request.guarantee_type, other_use=_other_use(conn, row, None))
    return CheckResult(grn=grn, valid=not found, reasons=[Reason(code=i.code, reason=i.reason) for i in found],
                       amount=_amount(converted) if converted else None, checked_at=moment)


def debit(conn: Connection, grn: str, amount: Money, reference: str, operation_id: str, country: str,
          access_code: str | None, *, holder: str | None = None, by: str = "system", on: date | None = None,
          refdata: RefData | None = None) -> Movement:
    """Reserve ``amount`` on the guarantee for ``reference`` (e.g. at release of a transit declaration).

    Refused with :class:`GuaranteeNotValid` (every CL252 reason) if the guarantee does not exist, is not valid
    on the day or in ``country``, the access code is wrong, or the balance is insufficient. The same
    ``operation_id`` again returns the first movement (``replayed=True``) and changes nothing."""
    _check_operation(operation_id, reference)
    if not isinstance(amount, Money):
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/amount", "the amount must be Money")
    if amount.amount <= 0:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/amount/amount", "the amount to debit must be positive")
    grn = _parse_grn(grn)
    country = country.strip().upper()
    replay = _replay(conn, operation_id, grn, DEBIT, reference)
    if replay:
        return replay
    row = _load(conn, grn, for_update=True)
    if row is None:
        raise not_found(grn)
    replay = _replay(conn, operation_id, grn, DEBIT, reference)  # delivered concurrently, committed while we waited
    if replay:
        return replay
    refdata = refdata or refdata_for(conn)
    day = on or now().date()
    converted, issues = convert(amount, row["currency"], Rates(refdata, day))
    if issues:
        raise Rejected(issues, "the guarantee operation was rejected")
    assert converted is not None
    reasons = evaluate(row, access_code=access_code, amount=converted, balance=_money(row, "balance"),
                       country=country, on=day, refdata=refdata, holder=holder,
                       other_use=_other_use(conn, row, reference))
    if reasons:
        raise GuaranteeNotValid(grn, reasons)
    next_state(grn, row["status"], "debit")
    return _record(conn, row, kind=DEBIT, delta=-converted, operation_id=operation_id, by=by,
                   reference=reference, country=country, requested=amount)


def credit(conn: Connection, grn: str, reference: str, operation_id: str, *, amount: Money | None = None,
           by: str = "system", refdata: RefData | None = None) -> Movement:
    """Give back what ``reference`` debited (all of it, or ``amount`` of it) at discharge or write-off.

    Refused if nothing (or less than ``amount``) is outstanding for the reference; idempotent on ``operation_id``."""
    _check_operation(operation_id, reference)
    grn = _parse_grn(grn)
    replay = _replay(conn, operation_id, grn, CREDIT, reference)
    if replay:
        return replay
    row = _load(conn, grn, for_update=True)
    if row is None:
        raise not_found(grn)
    replay = _replay(conn, operation_id, grn, CREDIT, reference)
    if replay:
        return replay
    next_state(grn, row["status"], "credit")
    outstanding = Money(_outstanding(conn, grn, reference), row["currency"])
    give_back = outstanding
    if amount is not None:
        if amount.amount <= 0:
            raise Rejected.one(ErrorCode.RULE_VIOLATION, "/amount/amount", "the amount to credit must be positive")
        converted, issues = convert(amount, row["currency"], Rates(refdata or refdata_for(conn), now().date()))
        if issues:
            raise Rejected(issues, "the guarantee operation was rejected")
        assert converted is not None
        give_back = converted
    if give_back > outstanding or outstanding.is_zero():
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/reference",
                           f"{outstanding} is outstanding on guarantee {grn} for {reference}: cannot credit {give_back}")
    return _record(conn, row, kind=CREDIT, delta=give_back, operation_id=operation_id, by=by,
                   reference=reference, requested=amount)


def release(conn: Connection, grn: str, reference: str, operation_id: str, *, by: str = "system") -> Movement | None:
    """Discharge/write-off: credit everything ``reference`` still has debited; None when nothing is outstanding."""
    _check_operation(operation_id, reference)
    grn = _parse_grn(grn)
    replay = _replay(conn, operation_id, grn, CREDIT, reference)
    if replay:
        return replay
    if _load(conn, grn, for_update=True) is None:
        raise not_found(grn)
    if _outstanding(conn, grn, reference) <= 0:
        return None
    return credit(conn, grn, reference, operation_id, by=by)


def outstanding(conn: Connection, grn: str, reference: str) -> Money:
    """What ``reference`` has debited on the guarantee and not yet been credited."""
    row = _load(conn, _parse_grn(grn))
    if row is None:
        raise not_found(grn)
    return Money(_outstanding(conn, row["grn"], reference), row["currency"])


# -- officers: status, amendment, adjustment -----------------------------------------------------------------

def _change_status(conn: Connection, principal: Principal, grn: str, action: str, change: StatusChange) -> Guarantee:
    row = _open(conn, principal, grn, for_update=True)
    _may_manage(principal, row["country"])
    state = next_state(row["grn"], row["status"], action)
    if state == RELEASED and _money(row, "balance") != _money(row, "reference_amount"):
        in_use = _money(row, "reference_amount") - _money(row, "balance")
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/", f"{in_use} is still in use: credit it before releasing the guarantee")
    conn.execute(update(G).where(G.c.grn == row["grn"]).values(
        status=state, status_reason=change.reason, version=row["version"] + 1, updated_at=now()))
    return get(conn, row["grn"])


def suspend(conn: Connection, principal: Principal, grn: str, change: StatusChange) -> Guarantee:
    """No new debits until reinstated; discharges still credit it."""
    return _change_status(conn, principal, grn, "suspend", change)


def reinstate(conn: Connection, principal: Principal, grn: str, change: StatusChange) -> Guarantee:
    """Lift a suspension."""
    return _change_status(conn, principal, grn, "reinstate", change)


def revoke(conn: Connection, principal: Principal, grn: str, change: StatusChange) -> Guarantee:
    """End the guarantee for new uses for good; earlier uses are still credited at discharge."""
    return _change_status(conn, principal, grn, "revoke", change)


def release_guarantee(conn: Connection, principal: Principal, grn: str, change: StatusChange) -> Guarantee:
    """Release the guarantee to the guarantor once nothing is in use."""
    return _change_status(conn, principal, grn, "release", change)


def amend(conn: Connection, principal: Principal, grn: str, change: GuaranteeAmendment,
          *, refdata: RefData | None = None) -> Guarantee:
    """Change the reference amount (the balance moves by the same difference; never below zero), the end of validity
    or the countries."""
    row = _open(conn, principal, grn, for_update=True)
    _may_manage(principal, row["country"])
    next_state(row["grn"], row["status"], "amend")
    given = change.model_dump(exclude_unset=True)
    if not set(given) - {"reason"}:
        raise Rejected.one(ErrorCode.MISSING, "/", "the amendment changes nothing")
    refdata = refdata or refdata_for(conn)
    issues: list[Issue] = []
    new_reference: Money | None = None
    if change.reference_amount is not None:
        new_reference, money_issues = _to_money(change.reference_amount, "/reference_amount")
        issues += money_issues
        if new_reference is not None:
            if new_reference.currency != row["currency"]:
                issues.append(Issue(ErrorCode.RULE_VIOLATION, "/reference_amount/currency",
                                    f"the guarantee is in {row['currency']}; amend it in that currency"))
            elif new_reference.amount <= 0:
                issues.append(Issue(ErrorCode.RULE_VIOLATION, "/reference_amount/amount", "the reference amount must be positive"))
            elif new_reference - _money(row, "reference_amount") + _money(row, "balance") < Money.zero(row["currency"]):
                in_use = _money(row, "reference_amount") - _money(row, "balance")
                issues.append(Issue(ErrorCode.RULE_VIOLATION, "/reference_amount/amount",
                                    f"{in_use} is in use: the reference amount cannot go below it"))
    if "valid_to" in given and change.valid_to is not None and change.valid_to < row["valid_from"]:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/valid_to", f"valid_to is before valid_from {row['valid_from']}"))
    if "countries" in given:
        issues += _countries_issues(change.countries, refdata, now().date(), "/countries")
    if issues:
        raise Rejected(issues, "the amendment was rejected")
    extra: dict[str, Any] = {}
    if "valid_to" in given:
        extra["valid_to"] = change.valid_to
    if "countries" in given:
        extra["countries"] = change.countries
    if new_reference is not None:
        delta = new_reference - _money(row, "reference_amount")
        _record(conn, row, kind=AMENDMENT, delta=delta, operation_id=f"amend:{row['grn']}:{row['version'] + 1}",
                by=principal.name, reason=change.reason, reference_amount=new_reference, extra=extra)
    else:
        conn.execute(update(G).where(G.c.grn == row["grn"]).values(**extra, version=row["version"] + 1, updated_at=now()))
    return get(conn, row["grn"])


def adjust(conn: Connection, principal: Principal, grn: str, request: Adjustment) -> Movement:
    """An officer's manual correction of the balance, with a reason; the balance stays within 0..reference amount."""
    row = _open(conn, principal, grn, for_update=True)
    _may_manage(principal, row["country"])
    replay = _replay(conn, request.operation_id, row["grn"], ADJUSTMENT, request.reference)
    if replay:
        return replay
    next_state(row["grn"], row["status"], "adjust")
    delta, issues = _to_money(request.amount, "/amount")
    if delta is not None and delta.currency != row["currency"]:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/amount/currency", f"the guarantee is in {row['currency']}"))
    elif delta is not None:
        if delta.is_zero():
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/amount/amount", "an adjustment of zero changes nothing"))
        after = _money(row, "balance") + delta
        if after.is_negative() or after > _money(row, "reference_amount"):
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/amount/amount",
                                f"the balance would be {after}, outside 0..{_money(row, 'reference_amount')}"))
    if issues:
        raise Rejected(issues, "the adjustment was rejected")
    assert delta is not None
    return _record(conn, row, kind=ADJUSTMENT, delta=delta, operation_id=request.operation_id, by=principal.name,
                   reference=request.reference, reason=request.reason, requested=delta)
