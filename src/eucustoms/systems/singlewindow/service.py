"""CERTEX use cases. Partner systems issue certificates and change their status; the customs systems (imports,
export, transit) check a certificate quoted by a declaration item, use it (reserve the quantity, or verify only,
by procedure), restore it when the declaration is invalidated and adjust it when the declaration is amended;
holders follow their certificates, officers the uses in their country.

Every function runs in the caller's transaction (``db.begin()``). A use locks the certificate row
(``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite ``db.begin()`` already holds the write lock through
``BEGIN IMMEDIATE``) and writes the new balance with a conditional ``UPDATE … WHERE version = :read`` as a
second guard, so two declarations at the same moment never over-draw a certificate. Every use, restoration
and adjustment is idempotent on its ``operation_id``: a redelivered call returns the first movements
(``replayed=True``) and changes nothing.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from eucustoms.core.clock import now
from eucustoms.core.errors import Conflict, ErrorCode, Forbidden, Issue, NotFound, Rejected
from eucustoms.core.identifiers import MRN
from eucustoms.core.quantities import Quantity
from eucustoms.platform import telemetry
from eucustoms.platform.auth import Principal, Role
from eucustoms.refdata import RefData

from . import SYSTEM, units
from .catalogue import BY_CODE, DOMAINS, RESERVE, Domain, procedure_group
from .checks import BALANCE, NOT_FOUND, NOT_VALID_ON_DAY, STATUS, CertificateNotUsable, declared_quantity, evaluate, fmt, not_found
from .messages import (
    Certificate,
    CertificateIssue,
    CheckRequest,
    CheckResult,
    Measure,
    Movement,
    Reason,
    StatusChange,
    is_reference,
    normalise_reference,
)
from .states import PARTNER_ACTIONS, VALID, after_balance, next_state
from .store import certex_certificate as C
from .store import certex_movement as M

USE, VERIFY, RESTORE, ADJUST = "use", "verify", "restore", "adjust"

#: Telemetry metrics, each counted per domain.
ISSUED, CHECKS, USES, RESTORES, ADJUSTMENTS = "certificates_issued", "checks", "uses", "restores", "adjustments"

MAX_DECIMALS = 6


# -- plumbing ---------------------------------------------------------------------------------------------------

class _ConnectionAsDatabase:
    """Lets :class:`RefData` read through the caller's connection (no second connection under the write lock)."""

    def __init__(self, conn: Connection):
        self._conn = conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        yield self._conn


def refdata_for(conn: Connection) -> RefData:
    return RefData.from_db(_ConnectionAsDatabase(conn))  # type: ignore[arg-type]


def _dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    return units.normal(value if isinstance(value, Decimal) else Decimal(str(value)))


def _measure(value: Any, unit: str | None) -> Measure | None:
    value = _dec(value)
    return None if value is None or unit is None else Measure(value=value, unit=unit)


def _load(conn: Connection, reference: str, *, for_update: bool = False) -> dict[str, Any] | None:
    q = select(C).where(C.c.reference == reference)
    if for_update and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).mappings().first()
    return None if row is None else _row(row)


def _row(mapping: Any) -> dict[str, Any]:
    out = dict(mapping)
    for column in ("total", "balance"):
        out[column] = _dec(out[column])
    return out


def _certificate(row: dict[str, Any]) -> Certificate:
    dom = DOMAINS[row["domain"]]
    used = row["total"] - row["balance"] if row["quantity_managed"] else None
    return Certificate(
        reference=row["reference"], domain=row["domain"], domain_name=dom.name, document_code=row["document_code"],
        partner_system=row["partner_system"], holder=row["holder_eori"], goods_codes=row["goods_codes"],
        goods_description=row["goods_description"], quantity_managed=row["quantity_managed"],
        total=_measure(row["total"], row["unit"]), balance=_measure(row["balance"], row["unit"]),
        used=_measure(used, row["unit"]), valid_from=row["valid_from"], valid_to=row["valid_to"],
        countries=row["countries"], issuing_authority=row["issuing_authority"], status=row["status"],
        status_reason=row["status_reason"], issued_by=row["issued_by"], issued_at=row["issued_at"],
        updated_at=row["updated_at"], version=row["version"],
    )


_MOVEMENT_COLUMNS = (M, C.c.domain, C.c.unit)


def _movement(row: Any, *, replayed: bool = False) -> Movement:
    r = dict(row)
    unit = r["unit"]
    return Movement(
        id=r["id"], reference=r["reference"], domain=r["domain"], kind=r["kind"], quantity=_measure(r["quantity"], unit),
        declared=_measure(r["declared_quantity"], r["declared_unit"]), balance_before=_measure(r["balance_before"], unit),
        balance_after=_measure(r["balance_after"], unit), declaration_ref=r["declaration_ref"], item_no=r["item_no"],
        procedure=r["procedure"], goods_code=r["goods_code"], country=r["country"], operation_id=r["operation_id"],
        at=r["at"], by=r["by"], replayed=replayed,
    )


def _movements(conn: Connection, *where: Any, limit: int | None = None, offset: int = 0) -> list[Movement]:
    q = select(*_MOVEMENT_COLUMNS).join(C, C.c.reference == M.c.reference).where(*where).order_by(M.c.id)
    if limit is not None:
        q = q.limit(limit).offset(offset)
    return [_movement(r) for r in conn.execute(q).mappings()]


def _check_call(operation_id: object, declaration_ref: object, item_no: object = 1) -> tuple[str, str]:
    issues = []
    if not isinstance(operation_id, str) or not 1 <= len(operation_id.strip()) <= 64:
        issues.append(Issue(ErrorCode.MISSING, "/operation_id", "an operation id of 1 to 64 characters is required"))
    if not isinstance(declaration_ref, str) or not 1 <= len(declaration_ref.strip()) <= 70:
        issues.append(Issue(ErrorCode.MISSING, "/declaration_ref", "the declaration (MRN, or LRN before acceptance) of 1 to 70 characters is required"))
    if item_no is not None and (isinstance(item_no, bool) or not isinstance(item_no, int) or not 1 <= item_no <= 9999):
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/item_no", "the goods item number (D.E. 1/6) is a number from 1 to 9999"))
    if issues:
        raise Rejected(issues, "the CERTEX operation was rejected")
    return operation_id.strip(), declaration_ref.strip()  # type: ignore[union-attr]


def _country_of(declaration_ref: str) -> str | None:
    """The member state of an MRN (positions 3-4); None for an LRN."""
    try:
        return MRN.parse(declaration_ref).country
    except Exception:  # noqa: BLE001 - any non-MRN reference
        return None


def _replay(conn: Connection, operation_id: str, kinds: Sequence[str], *, declaration_ref: str,
            reference: str | None = None, item_no: int | None = None) -> list[Movement]:
    """What an earlier delivery of this operation recorded; a reused id for another operation is a conflict."""
    rows = conn.execute(select(*_MOVEMENT_COLUMNS).join(C, C.c.reference == M.c.reference)
                        .where(M.c.operation_id == operation_id).order_by(M.c.seq)).mappings().all()
    for r in rows:
        if (r["kind"] not in kinds or r["declaration_ref"] != declaration_ref
                or (reference is not None and r["reference"] != reference)
                or (item_no is not None and r["item_no"] != item_no)):
            raise Conflict(f"operation id {operation_id} was already used for a {r['kind']} of certificate {r['reference']} "
                           f"by {r['declaration_ref']} item {r['item_no']}", pointer="/operation_id")
    return [_movement(r, replayed=True) for r in rows]


def _record(conn: Connection, row: dict[str, Any], *, kind: str, delta: Decimal | None, operation_id: str, seq: int,
            declaration_ref: str, item_no: int, by: str, procedure: str | None = None, goods_code: str | None = None,
            country: str | None = None, declared: Decimal | None = None, declared_unit: str | None = None) -> Movement:
    """Apply ``delta`` to the (locked) certificate and write the movement; ``row`` is updated in place."""
    moment = now()
    before = row["balance"]
    after = before
    if row["quantity_managed"] and delta:
        after = units.normal(before + delta)
        if after < 0 or after > row["total"]:  # never reached through the checks above: the last guard
            raise Conflict(f"certificate {row['reference']} would hold {fmt(after, row['unit'])}, outside 0..{fmt(row['total'], row['unit'])}")
        status = after_balance(row["status"], after == 0)
        done = conn.execute(update(C).where(C.c.reference == row["reference"], C.c.version == row["version"]).values(
            balance=after, status=status, version=row["version"] + 1, updated_at=moment))
        if done.rowcount != 1:
            raise Conflict(f"certificate {row['reference']} was changed by another operation at the same moment: retry",
                           pointer="/reference")
        row.update(balance=after, status=status, version=row["version"] + 1, updated_at=moment)
    values = {
        "reference": row["reference"], "kind": kind,
        "quantity": (delta or Decimal(0)) if row["quantity_managed"] else None,
        "declared_quantity": declared, "declared_unit": declared_unit,
        "balance_before": before, "balance_after": after, "declaration_ref": declaration_ref, "item_no": item_no,
        "procedure": procedure, "goods_code": goods_code, "country": country, "operation_id": operation_id,
        "seq": seq, "at": moment, "by": by,
    }
    try:
        new_id = conn.execute(insert(M).values(values).returning(M.c.id)).scalar_one()
    except IntegrityError:
        raise Conflict(f"operation id {operation_id} is being used by another operation", pointer="/operation_id") from None
    return _movement({**values, "id": new_id, "domain": row["domain"], "unit": row["unit"]})


def _item_rows(conn: Connection, reference: str, declaration_ref: str, item_no: int) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(select(M).where(
        M.c.reference == reference, M.c.declaration_ref == declaration_ref, M.c.item_no == item_no).order_by(M.c.id)).mappings()]


def _taken(rows: Iterable[dict[str, Any]]) -> Decimal:
    """What the movements of one declaration item took from the certificate and did not give back (positive)."""
    total = Decimal(0)
    for r in rows:
        if r["quantity"] is not None:
            total -= _dec(r["quantity"])  # type: ignore[operator]
    return units.normal(total)


def _holders(holder: object) -> list[str]:
    if isinstance(holder, str):
        return [holder]
    if isinstance(holder, (list, tuple, set, frozenset)):
        return [h for h in holder if isinstance(h, str)]
    return []


def _unpack(quantity: object, unit: object) -> tuple[object, object]:
    if isinstance(quantity, Quantity):
        return quantity.value, unit or quantity.unit
    return quantity, unit


# -- catalogue ----------------------------------------------------------------------------------------------------

def domains() -> list[dict[str, Any]]:
    """The CERTEX domains with their document codes, partner systems and consuming procedures."""
    return [d.as_dict() for d in DOMAINS.values()]


# -- partner systems: issue and status --------------------------------------------------------------------------

def _may_issue(principal: Principal) -> None:
    if principal.role is not Role.COMMISSION:
        raise Forbidden("certificates are issued and changed by the Union non-customs systems (the commission role in the box)")


def _issue_issues(request: CertificateIssue, dom: Domain | None, refdata: RefData, today: date) -> list[Issue]:
    issues: list[Issue] = []
    if dom is None:
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/domain",
                            f"{request.domain!r} is not a CERTEX domain: one of {', '.join(DOMAINS)}"))
    elif request.document_code:
        owner = BY_CODE.get(request.document_code)
        if (dom.document_codes and request.document_code not in dom.document_codes) or (owner and owner != dom.id):
            known = ", ".join(dom.document_codes) or "unconfirmed"
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/document_code",
                                f"{request.document_code} is not a document code of {dom.id} ({known})"))
    for i, code in enumerate(request.goods_codes):
        if not code.isdigit() or len(code) not in (2, 4, 6, 8, 10):
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"/goods_codes/{i}",
                                f"{code!r} is not a chapter, heading, subheading, CN or TARIC code (2, 4, 6, 8 or 10 digits)"))
        elif not refdata.is_valid_goods_code(code[:8], today):
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"/goods_codes/{i}", f"{code} is not in the goods nomenclature on {today}"))
    if dom is not None and dom.quantity_managed:
        if request.quantity is None:
            issues.append(Issue(ErrorCode.MISSING, "/quantity", f"a {dom.id} certificate has a total quantity"))
        elif request.quantity <= 0:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/quantity", "the total quantity must be positive"))
        elif -request.quantity.as_tuple().exponent > MAX_DECIMALS or request.quantity >= Decimal(10) ** 15:  # type: ignore[operator]
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/quantity", f"at most 15 digits before and {MAX_DECIMALS} after the decimal point"))
        if request.unit is None:
            issues.append(Issue(ErrorCode.MISSING, "/unit", f"a {dom.id} certificate has the unit of its quantity"))
        else:
            try:
                unit = units.normalise(request.unit)
            except units.IncompatibleUnits as exc:
                issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/unit", str(exc)))
            else:
                if unit not in units.UNITS and not refdata.code_valid("MeasurementUnit", unit, today):
                    issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/unit", f"{unit} is not a TARIC measurement unit"))
    elif dom is not None:
        for field in ("quantity", "unit"):
            if getattr(request, field) is not None:
                issues.append(Issue(ErrorCode.NOT_ALLOWED, f"/{field}",
                                    f"a {dom.id} certificate ({dom.name}) has no quantity: it is verified, never decremented"))
    if request.valid_to is not None and request.valid_to < request.valid_from:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/valid_to", f"valid_to {request.valid_to} is before valid_from {request.valid_from}"))
    if request.countries is not None:
        if not request.countries:
            issues.append(Issue(ErrorCode.MISSING, "/countries", "list at least one member state, or omit the list for all"))
        area = refdata.member_states(today) | {"XI"}
        issues += [Issue(ErrorCode.CODELIST_VIOLATION, f"/countries/{i}", f"{c!r} is not a member state")
                   for i, c in enumerate(request.countries) if c not in area]
    return issues


def issue(conn: Connection, principal: Principal, request: CertificateIssue, *, refdata: RefData | None = None) -> Certificate:
    """Record a certificate a partner system issued; its balance starts at its total quantity."""
    _may_issue(principal)
    moment = now()
    dom = DOMAINS.get(request.domain)
    issues = _issue_issues(request, dom, refdata or refdata_for(conn), moment.date())
    if issues:
        raise Rejected(issues, "the certificate was rejected")
    assert dom is not None
    if _load(conn, request.reference) is not None:
        raise Conflict(f"certificate {request.reference} is already recorded", pointer="/reference")
    managed = dom.quantity_managed
    quantity = units.normal(request.quantity) if managed and request.quantity is not None else None
    try:
        conn.execute(insert(C).values(
            reference=request.reference, domain=dom.id, document_code=request.document_code or dom.document_code,
            partner_system=dom.partner_system, holder_eori=request.holder, goods_codes=list(request.goods_codes),
            goods_description=request.goods_description, quantity_managed=managed,
            unit=units.normalise(request.unit) if managed and request.unit else None, total=quantity, balance=quantity,
            valid_from=request.valid_from, valid_to=request.valid_to, countries=request.countries,
            issuing_authority=request.issuing_authority, status=VALID, status_reason=None, issued_by=principal.name,
            issued_at=moment, updated_at=moment, version=1,
        ))
    except IntegrityError:
        raise Conflict(f"certificate {request.reference} is already recorded", pointer="/reference") from None
    telemetry.count(conn, SYSTEM, ISSUED, dom.id)
    return get(conn, request.reference)


def _change_status(conn: Connection, principal: Principal, reference: str, action: str, change: StatusChange) -> Certificate:
    _may_issue(principal)
    row = _load(conn, normalise_reference(reference), for_update=True)
    if row is None:
        raise NotFound("certificate", reference)
    state = next_state(row["reference"], row["status"], action)
    if row["quantity_managed"]:
        state = after_balance(state, row["balance"] == 0)  # reinstated with nothing left: exhausted
    conn.execute(update(C).where(C.c.reference == row["reference"]).values(
        status=state, status_reason=change.reason, version=row["version"] + 1, updated_at=now()))
    return get(conn, row["reference"])


def suspend(conn: Connection, principal: Principal, reference: str, change: StatusChange) -> Certificate:
    """No new uses until reinstated; invalidations and amendments still give quantities back."""
    return _change_status(conn, principal, reference, "suspend", change)


def reinstate(conn: Connection, principal: Principal, reference: str, change: StatusChange) -> Certificate:
    return _change_status(conn, principal, reference, "reinstate", change)


def cancel(conn: Connection, principal: Principal, reference: str, change: StatusChange) -> Certificate:
    """For good: no new use (earlier uses can still be restored, the certificate stays cancelled)."""
    return _change_status(conn, principal, reference, "cancel", change)


def change_status(conn: Connection, principal: Principal, reference: str, status: str, change: StatusChange) -> Certificate:
    """Set ``status`` (suspended, valid, cancelled) as the partner system decided."""
    action = PARTNER_ACTIONS.get(status)
    if action is None:
        raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/status",
                           f"a partner system sets the status to one of {', '.join(PARTNER_ACTIONS)}, not {status!r}")
    return _change_status(conn, principal, reference, action, change)


# -- reading ----------------------------------------------------------------------------------------------------

def get(conn: Connection, reference: str) -> Certificate:
    """A certificate by reference, without access rules (for other systems)."""
    row = _load(conn, normalise_reference(reference))
    if row is None:
        raise NotFound("certificate", reference)
    return _certificate(row)


def _open(conn: Connection, principal: Principal, reference: str) -> dict[str, Any]:
    """The certificate if ``principal`` may see it: its holder, any customs authority, the Commission.
    An unknown and an invisible reference get the same answer."""
    row = _load(conn, normalise_reference(reference))
    visible = row is not None and (
        principal.role in (Role.COMMISSION, Role.OFFICER)
        or (principal.role is Role.TRADER and principal.eori == row["holder_eori"]))
    if not visible:
        raise NotFound("certificate", reference)
    return row  # type: ignore[return-value]


def show(conn: Connection, principal: Principal, reference: str) -> Certificate:
    return _certificate(_open(conn, principal, reference))


def history(conn: Connection, principal: Principal, reference: str) -> list[Movement]:
    """The movements of a certificate, oldest first: all of them for its holder and the Commission, those of its
    own country for an officer."""
    row = _open(conn, principal, reference)
    where = [M.c.reference == row["reference"]]
    if principal.role is Role.OFFICER:
        where.append(M.c.country == principal.country)
    return _movements(conn, *where)


def list_certificates(conn: Connection, principal: Principal, *, domain: str | None = None, status: str | None = None,
                      holder: str | None = None, limit: int = 50, offset: int = 0) -> tuple[int, list[Certificate]]:
    """A trader's own certificates; for an officer those used in its country; every one for the Commission."""
    q = select(C)
    if principal.role is Role.TRADER:
        q = q.where(C.c.holder_eori == principal.eori)
    elif principal.role is Role.OFFICER:
        q = q.where(C.c.reference.in_(select(M.c.reference).where(M.c.country == principal.country)))
    elif principal.role is not Role.COMMISSION:
        raise Forbidden("certificates are shown to their holders and to customs authorities")
    if domain:
        q = q.where(C.c.domain == domain.strip().upper())
    if status:
        q = q.where(C.c.status == status.strip().lower())
    if holder:
        q = q.where(C.c.holder_eori == holder.strip().upper())
    total = conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()
    rows = conn.execute(q.order_by(C.c.issued_at, C.c.reference).limit(limit).offset(offset)).mappings().all()
    return total, [_certificate(_row(r)) for r in rows]


def uses(conn: Connection, principal: Principal, *, country: str | None = None, declaration_ref: str | None = None,
         domain: str | None = None, limit: int = 100, offset: int = 0) -> tuple[int, list[Movement]]:
    """Uses of certificates: an officer's country's, a trader's own certificates', any for the Commission."""
    where: list[Any] = []
    if principal.role is Role.OFFICER:
        if country and country.upper() != principal.country:
            raise Forbidden(f"an officer of {principal.country} sees the uses in {principal.country} only")
        where.append(M.c.country == principal.country)
    elif principal.role is Role.TRADER:
        where.append(C.c.holder_eori == principal.eori)
    elif principal.role is not Role.COMMISSION:
        raise Forbidden("certificate uses are shown to customs authorities and to the holders")
    if country and principal.role is not Role.OFFICER:
        where.append(M.c.country == country.upper())
    if declaration_ref:
        where.append(M.c.declaration_ref == declaration_ref.strip())
    if domain:
        where.append(C.c.domain == domain.strip().upper())
    total = conn.execute(select(func.count()).select_from(M).join(C, C.c.reference == M.c.reference).where(*where)).scalar_one()
    return total, _movements(conn, *where, limit=limit, offset=offset)


def outstanding(conn: Connection, reference: str, declaration_ref: str, item_no: int) -> Measure | None:
    """What a declaration item holds reserved on the certificate (None for a certificate without quantity)."""
    row = _load(conn, normalise_reference(reference))
    if row is None:
        raise not_found(reference)
    if not row["quantity_managed"]:
        return None
    taken = _taken(_item_rows(conn, row["reference"], declaration_ref.strip(), item_no))
    return Measure(value=taken, unit=row["unit"])


# -- the customs systems: check, use, restore, adjust -------------------------------------------------------------

def check(conn: Connection, request: CheckRequest, *, count: bool = True) -> CheckResult:
    """The CERTEX check: does the certificate exist, and may it serve this holder, goods, quantity, day, procedure
    and member state? Nothing is reserved. Counted per domain (``count=False`` for a read-only transaction)."""
    moment = now()
    reference = request.reference
    row = _load(conn, reference) if is_reference(reference) else None
    if row is None:
        if count:
            telemetry.count(conn, SYSTEM, CHECKS, "unknown")
        return CheckResult(reference=reference, domain=None, valid=False, action=None, checked_at=moment,
                           reasons=[Reason(code=NOT_FOUND, pointer="/reference", reason=f"certificate {reference} does not exist in CERTEX")])
    group, issues = procedure_group(request.procedure) if request.procedure else (None, [])
    ev = evaluate(row, holders=_holders(request.holder), goods_code=request.goods_code, quantity=request.quantity,
                  unit=request.unit, on=request.on or moment.date(), procedure_group=group, country=request.country,
                  document_code=request.document_code, balance=row["balance"], quantity_required=False)
    issues = issues + ev.issues
    if count:
        telemetry.count(conn, SYSTEM, CHECKS, row["domain"])
    return CheckResult(reference=row["reference"], domain=row["domain"], valid=not issues,
                       reasons=[Reason(code=i.code, pointer=i.pointer, reason=i.reason) for i in issues],
                       action=ev.action if request.procedure else None, quantity=_measure(ev.converted, row["unit"]),
                       balance=_measure(row["balance"], row["unit"]), checked_at=moment)


def use(conn: Connection, reference: str, holder: str | Sequence[str], goods_code: str, quantity: Decimal | str | int | Quantity | None,
        unit: str | None, on_date: date | None, procedure: str, declaration_ref: str, item_no: int, operation_id: str,
        *, document_code: str | None = None, country: str | None = None, by: str = "system") -> Movement:
    """A declaration item quoting the certificate was accepted: reserve (decrement) its quantity for the procedures
    that consume it, record a verification for the others.

    ``holder``: the EORI, or the EORIs of the parties that may hold the certificate (importer, declarant).
    ``quantity``/``unit``: as declared; converted into the certificate's unit (kg↔g↔t, l↔hl↔m³, items...).
    ``country``: the member state of the customs office; default the MRN's. Refused with
    :class:`CertificateNotUsable` listing every reason (CX01-CX10). The same ``operation_id`` again returns the
    first movement (``replayed=True``) and changes nothing."""
    operation_id, declaration_ref = _check_call(operation_id, declaration_ref, item_no)
    quantity, unit = _unpack(quantity, unit)
    reference = normalise_reference(reference)
    group, issues = procedure_group(procedure)
    if issues:
        raise Rejected(issues, "the CERTEX operation was rejected")
    assert group is not None
    replay = _replay(conn, operation_id, (USE, VERIFY), declaration_ref=declaration_ref, reference=reference, item_no=item_no)
    if replay:
        return replay[0]
    row = _load(conn, reference, for_update=True) if is_reference(reference) else None
    if row is None:
        raise not_found(reference)
    replay = _replay(conn, operation_id, (USE, VERIFY), declaration_ref=declaration_ref, reference=reference, item_no=item_no)
    if replay:  # delivered twice at once: the other delivery committed while this one waited for the lock
        return replay[0]
    country = (country or _country_of(declaration_ref) or "").upper() or None
    ev = evaluate(row, holders=_holders(holder), goods_code=goods_code, quantity=quantity, unit=unit,
                  on=on_date or now().date(), procedure_group=group, country=country, document_code=document_code,
                  balance=row["balance"])
    issues = list(ev.issues)
    if ev.action == RESERVE:
        held = _taken(_item_rows(conn, reference, declaration_ref, item_no))
        if held > 0:
            issues.append(Issue(ErrorCode.DUPLICATE, "/item_no",
                                f"{declaration_ref} item {item_no} already holds {fmt(held, row['unit'])} of certificate "
                                f"{reference}: an amendment adjusts it"))
    if issues:
        raise CertificateNotUsable(reference, issues)
    kind = USE if ev.action == RESERVE else VERIFY
    delta = None
    if kind == USE:
        next_state(reference, row["status"], "use")
        delta = -ev.converted  # type: ignore[operator]
    goods = (goods_code or "").replace(" ", "").replace(".", "")[:10] or None
    movement = _record(conn, row, kind=kind, delta=delta, operation_id=operation_id, seq=0, declaration_ref=declaration_ref,
                       item_no=item_no, by=by, procedure=procedure.strip().upper(), goods_code=goods, country=country,
                       declared=ev.declared, declared_unit=ev.declared_unit)
    telemetry.count(conn, SYSTEM, USES, row["domain"])
    return movement


def restore(conn: Connection, declaration_ref: str, operation_id: str, *, item_no: int | None = None,
            reference: str | None = None, by: str = "system") -> list[Movement]:
    """The declaration was invalidated (or its goods not released): give back everything its items still hold, on
    every certificate (or only ``item_no`` / ``reference``). Returns one movement per item and certificate; none
    when nothing is held. Idempotent on ``operation_id``."""
    operation_id, declaration_ref = _check_call(operation_id, declaration_ref, item_no)
    ref = normalise_reference(reference) if reference else None
    replay = _replay(conn, operation_id, (RESTORE,), declaration_ref=declaration_ref)
    if replay:
        return replay
    where = [M.c.declaration_ref == declaration_ref]
    if item_no is not None:
        where.append(M.c.item_no == item_no)
    if ref:
        where.append(M.c.reference == ref)
    references = sorted(set(conn.execute(select(M.c.reference).where(*where, M.c.kind == USE)).scalars()))
    rows = {r: _load(conn, r, for_update=True) for r in references}  # sorted: one lock order for every writer
    replay = _replay(conn, operation_id, (RESTORE,), declaration_ref=declaration_ref)
    if replay:
        return replay
    held: dict[tuple[str, int], Decimal] = {}
    last: dict[tuple[str, int], dict[str, Any]] = {}
    for r in conn.execute(select(M).where(*where).order_by(M.c.id)).mappings():
        key = (r["reference"], r["item_no"])
        held[key] = held.get(key, Decimal(0)) - (_dec(r["quantity"]) or Decimal(0))
        if r["kind"] in (USE, ADJUST) or key not in last:
            last[key] = dict(r)
    out: list[Movement] = []
    for seq, (cert, item) in enumerate(sorted(k for k, amount in held.items() if amount > 0)):
        row = rows[cert]
        assert row is not None
        next_state(cert, row["status"], "give_back")
        origin = last[(cert, item)]
        out.append(_record(conn, row, kind=RESTORE, delta=units.normal(held[(cert, item)]), operation_id=operation_id,
                           seq=seq, declaration_ref=declaration_ref, item_no=item, by=by, procedure=origin["procedure"],
                           goods_code=origin["goods_code"], country=origin["country"]))
    # one statement, keys in a stable order: two invalidations never wait on each other's counters
    telemetry.count_many(conn, [(SYSTEM, RESTORES, m.domain) for m in out])
    return out


def adjust(conn: Connection, reference: str, declaration_ref: str, item_no: int, quantity: Decimal | str | int | Quantity,
           unit: str | None, operation_id: str, *, on_date: date | None = None, by: str = "system") -> Movement:
    """The declaration was amended: the item now declares ``quantity``. The certificate gives back the difference or
    reserves the extra (refused, with the balance, when it does not have it). Idempotent on ``operation_id``."""
    operation_id, declaration_ref = _check_call(operation_id, declaration_ref, item_no)
    quantity, unit = _unpack(quantity, unit)
    reference = normalise_reference(reference)
    replay = _replay(conn, operation_id, (ADJUST,), declaration_ref=declaration_ref, reference=reference, item_no=item_no)
    if replay:
        return replay[0]
    row = _load(conn, reference, for_update=True) if is_reference(reference) else None
    if row is None:
        raise not_found(reference)
    replay = _replay(conn, operation_id, (ADJUST,), declaration_ref=declaration_ref, reference=reference, item_no=item_no)
    if replay:
        return replay[0]
    previous = _item_rows(conn, reference, declaration_ref, item_no)
    reserved = [r for r in previous if r["kind"] == USE]
    if not row["quantity_managed"] or not reserved:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/item_no",
                           f"{declaration_ref} item {item_no} reserved nothing on certificate {reference}: nothing to adjust")
    held = _taken(previous)
    declared, converted, declared_unit, issues = declared_quantity(row, quantity, unit, required=True)
    if issues:
        raise CertificateNotUsable(reference, issues)
    assert converted is not None
    delta = units.normal(held - converted)  # positive: given back; negative: reserved in addition
    if delta < 0:
        day = on_date or now().date()
        if row["status"] != VALID:
            issues.append(Issue(STATUS, "/reference", f"certificate {reference} is {row['status']}: it cannot cover more"))
        if day < row["valid_from"] or (row["valid_to"] is not None and day > row["valid_to"]):
            issues.append(Issue(NOT_VALID_ON_DAY, "/on", f"certificate {reference} is valid from {row['valid_from']} "
                                                        f"to {row['valid_to'] or 'open'}, not on {day}"))
        if -delta > row["balance"]:
            issues.append(Issue(BALANCE, "/quantity",
                                f"amending {declaration_ref} item {item_no} from {fmt(held, row['unit'])} to "
                                f"{fmt(converted, row['unit'])} needs {fmt(-delta, row['unit'])} more: "
                                f"{fmt(row['balance'], row['unit'])} left of {fmt(row['total'], row['unit'])}"))
        if issues:
            raise CertificateNotUsable(reference, issues)
        next_state(reference, row["status"], "use")
    else:
        next_state(reference, row["status"], "give_back")
    last = reserved[-1]
    movement = _record(conn, row, kind=ADJUST, delta=delta, operation_id=operation_id, seq=0, declaration_ref=declaration_ref,
                       item_no=item_no, by=by, procedure=last["procedure"], goods_code=last["goods_code"],
                       country=last["country"], declared=declared, declared_unit=declared_unit)
    telemetry.count(conn, SYSTEM, ADJUSTMENTS, row["domain"])
    return movement
