"""EOS use cases: register, amend, end validity, record AEO status, consult, and the public validation."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from stdnum.eu import vat as eu_vat

from eucustoms.core.clock import now
from eucustoms.core.errors import Conflict, ErrorCode, Forbidden, Issue, NotFound, Rejected
from eucustoms.core.identifiers import EORI, is_eu_eori_prefix
from eucustoms.platform import telemetry
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.db import next_value

from . import SYSTEM
from .messages import (
    Address,
    AeoRecord,
    AeoStatus,
    Contact,
    EndValidity,
    EoriValidation,
    Operator,
    OperatorAmendment,
    OperatorRegistration,
)
from .states import VALID, next_state
from .store import eos_aeo, eos_operator, eos_operator_history

DDS_SERVICE = "EOS"  # the consultation counter key of the public EORI validation (RES 2.1 sub-indicator 1)


def _check_may_manage(principal: Principal, country: str) -> None:
    """Only the member state that assigns an EORI (or the Commission) may change its registration."""
    if principal.role is Role.COMMISSION:
        return
    if principal.role is Role.OFFICER and principal.country == country:
        return
    if principal.role is Role.OFFICER:
        raise Forbidden(f"EORI numbers with prefix {country} are managed by {country}'s customs authority, not by {principal.country}")
    raise Forbidden("only customs authorities manage EORI registrations")


def _check_vat(vat_numbers: list[str], pointer: str) -> list[Issue]:
    issues = []
    for i, number in enumerate(vat_numbers):
        if not eu_vat.is_valid(number):
            issues.append(Issue(ErrorCode.RULE_VIOLATION, f"{pointer}/{i}", f"{number!r} is not a valid EU VAT identification number"))
    return issues


def _check_address(address: Address, pointer: str) -> list[Issue]:
    import pycountry

    if pycountry.countries.get(alpha_2=address.country) is None and address.country not in ("XI", "XK"):
        return [Issue(ErrorCode.CODELIST_VIOLATION, f"{pointer}/country", f"{address.country!r} is not an ISO 3166 country code")]
    return []


def register(conn: Connection, principal: Principal, reg: OperatorRegistration, *, country: str | None = None) -> Operator:
    """Register an operator. The EORI's prefix is the registering member state (the officer's country,
    or ``country`` for the Commission); without an EORI one is assigned from a durable sequence."""
    issuing = reg.eori[:2] if reg.eori else (principal.country if principal.role is Role.OFFICER else country)
    issues: list[Issue] = []
    if not issuing:
        issues.append(Issue(ErrorCode.MISSING, "/eori", "give an EORI or the issuing member state"))
    elif not is_eu_eori_prefix(issuing):
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/eori", f"{issuing} does not issue EORI numbers"))
    issues += _check_address(reg.address, "/address")
    issues += _check_vat(reg.vat_numbers, "/vat_numbers")
    if reg.established_in_union and reg.address.country not in _union_addresses():
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/address/country",
                            f"an operator established in the Union has its address in the Union, not in {reg.address.country}"))
    if issues:
        raise Rejected(issues, "the EORI registration was rejected")
    _check_may_manage(principal, issuing)

    eori = reg.eori or _assign_eori(conn, issuing)
    if conn.execute(select(eos_operator.c.eori).where(eos_operator.c.eori == eori)).first():
        raise Conflict(f"EORI {eori} is already registered", pointer="/eori")
    moment = now()
    row = {
        "eori": eori, "country": eori[:2], "name": reg.name, "short_name": reg.short_name,
        "street_and_number": reg.address.street_and_number, "postcode": reg.address.postcode,
        "city": reg.address.city, "address_country": reg.address.country,
        "established_in_union": reg.established_in_union, "legal_status": reg.legal_status,
        "vat_numbers": [eu_vat.compact(v) for v in reg.vat_numbers],
        "contact": reg.contact.model_dump() if reg.contact else None,
        "publication_consent": reg.publication_consent, "status": VALID,
        "start_date": reg.start_date or moment.date(), "end_date": None,
        "registered_by": principal.name, "registered_at": moment, "updated_at": moment, "version": 1,
    }
    conn.execute(insert(eos_operator).values(row))
    _history(conn, eori, 1, "register", principal, None, reg.model_dump(mode="json", exclude_none=True))
    telemetry.count(conn, SYSTEM, telemetry.REGISTRATIONS, eori[:2])
    return get(conn, eori)


def _union_addresses() -> set[str]:
    from eucustoms.core.identifiers import EU_MEMBER_STATES

    return set(EU_MEMBER_STATES) | {"XI", "GR", "EL"}


def _assign_eori(conn: Connection, country: str) -> str:
    while True:
        candidate = f"{country}{next_value(conn, f'eori:{country}'):012d}"
        EORI.parse(candidate)
        if not conn.execute(select(eos_operator.c.eori).where(eos_operator.c.eori == candidate)).first():
            return candidate


def _history(conn: Connection, eori: str, version: int, action: str, principal: Principal, reason: str | None, changes: dict[str, Any]) -> None:
    conn.execute(insert(eos_operator_history).values(
        eori=eori, version=version, action=action, changed_by=principal.name, changed_at=now(),
        reason=reason, changes=changes,
    ))


def _load_row(conn: Connection, eori: str, *, for_update: bool = False) -> dict[str, Any]:
    q = select(eos_operator).where(eos_operator.c.eori == eori)
    if for_update and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).mappings().first()
    if row is None:
        raise NotFound("EORI", eori)
    return dict(row)


def amend(conn: Connection, principal: Principal, eori: str, change: OperatorAmendment) -> Operator:
    eori = str(EORI.parse(eori))
    row = _load_row(conn, eori, for_update=True)
    _check_may_manage(principal, row["country"])
    next_state(eori, row["status"], "amend")
    given = change.model_dump(exclude_unset=True)
    if not given:
        raise Rejected.one(ErrorCode.MISSING, "/", "the amendment changes nothing")
    issues: list[Issue] = []
    if change.address:
        issues += _check_address(change.address, "/address")
    if change.vat_numbers is not None:
        issues += _check_vat(change.vat_numbers, "/vat_numbers")
    if issues:
        raise Rejected(issues, "the EORI amendment was rejected")
    values: dict[str, Any] = {}
    for field in ("name", "short_name", "legal_status", "publication_consent"):
        if field in given:
            values[field] = given[field]
    if change.address is not None:
        values.update(street_and_number=change.address.street_and_number, postcode=change.address.postcode,
                      city=change.address.city, address_country=change.address.country)
    if change.vat_numbers is not None:
        values["vat_numbers"] = [eu_vat.compact(v) for v in change.vat_numbers]
    if "contact" in given:
        values["contact"] = change.contact.model_dump() if change.contact else None
    version = row["version"] + 1
    conn.execute(update(eos_operator).where(eos_operator.c.eori == eori).values(**values, version=version, updated_at=now()))
    _history(conn, eori, version, "amend", principal, None, change.model_dump(mode="json", exclude_unset=True))
    return get(conn, eori)


def end_validity(conn: Connection, principal: Principal, eori: str, request: EndValidity) -> Operator:
    eori = str(EORI.parse(eori))
    row = _load_row(conn, eori, for_update=True)
    _check_may_manage(principal, row["country"])
    state = next_state(eori, row["status"], "end_validity")
    end = request.end_date or now().date()
    if end < row["start_date"]:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/end_date", f"the end date {end} is before the start date {row['start_date']}")
    version = row["version"] + 1
    conn.execute(update(eos_operator).where(eos_operator.c.eori == eori).values(
        status=state, end_date=end, version=version, updated_at=now()))
    _history(conn, eori, version, "end_validity", principal, request.reason, {"end_date": end.isoformat()})
    return get(conn, eori)


def record_aeo(conn: Connection, principal: Principal, eori: str, record: AeoRecord) -> Operator:
    """Record an AEO status granted by a decision (the decisions system calls this)."""
    eori = str(EORI.parse(eori))
    row = _load_row(conn, eori, for_update=True)
    if principal.role not in (Role.OFFICER, Role.COMMISSION):
        raise Forbidden("only customs authorities record AEO decisions")
    next_state(eori, row["status"], "record_aeo")
    if record.valid_to and record.valid_to < record.valid_from:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/valid_to", "valid_to is before valid_from")
    exists = conn.execute(select(eos_aeo.c.eori).where(
        eos_aeo.c.eori == eori, eos_aeo.c.aeo_type == record.aeo_type,
        eos_aeo.c.decision_reference == record.decision_reference)).first()
    values = record.model_dump()
    if exists:
        conn.execute(update(eos_aeo).where(
            eos_aeo.c.eori == eori, eos_aeo.c.aeo_type == record.aeo_type,
            eos_aeo.c.decision_reference == record.decision_reference).values(
            valid_from=record.valid_from, valid_to=record.valid_to))
    else:
        conn.execute(insert(eos_aeo).values(eori=eori, **values))
    version = row["version"] + 1
    conn.execute(update(eos_operator).where(eos_operator.c.eori == eori).values(version=version, updated_at=now()))
    _history(conn, eori, version, "record_aeo", principal, None, record.model_dump(mode="json"))
    return get(conn, eori)


def _aeo(conn: Connection, eori: str) -> list[AeoStatus]:
    rows = conn.execute(select(eos_aeo).where(eos_aeo.c.eori == eori).order_by(eos_aeo.c.valid_from)).mappings()
    return [AeoStatus(aeo_type=r["aeo_type"], decision_reference=r["decision_reference"],
                      valid_from=r["valid_from"], valid_to=r["valid_to"]) for r in rows]


def _to_operator(conn: Connection, row: dict[str, Any]) -> Operator:
    return Operator(
        eori=row["eori"], country=row["country"], name=row["name"], short_name=row["short_name"],
        address=Address(street_and_number=row["street_and_number"], postcode=row["postcode"], city=row["city"],
                        country=row["address_country"]),
        established_in_union=row["established_in_union"], legal_status=row["legal_status"],
        vat_numbers=row["vat_numbers"] or [], contact=Contact(**row["contact"]) if row["contact"] else None,
        publication_consent=row["publication_consent"], status=row["status"], start_date=row["start_date"],
        end_date=row["end_date"], aeo=_aeo(conn, row["eori"]), registered_at=row["registered_at"],
        updated_at=row["updated_at"], version=row["version"],
    )


def get(conn: Connection, eori: str) -> Operator:
    eori = str(EORI.parse(eori))
    return _to_operator(conn, _load_row(conn, eori))


def show(conn: Connection, principal: Principal, eori: str) -> Operator:
    """An operator's full record: a trader sees only its own; customs authorities of every member state and
    the Commission see all (EOS is the central registry every customs authority consults)."""
    eori = str(EORI.parse(eori))
    if principal.role is Role.TRADER and principal.eori != eori:
        # Same answer as for an unknown EORI: a trader must not learn which EORIs are registered this way.
        raise NotFound("EORI", eori)
    if principal.role is Role.PUBLIC:
        raise Forbidden("the public uses the EORI validation service")
    return get(conn, eori)


def history(conn: Connection, principal: Principal, eori: str) -> list[dict[str, Any]]:
    show(conn, principal, eori)
    h = eos_operator_history
    rows = conn.execute(select(h).where(h.c.eori == eori).order_by(h.c.version)).mappings()
    return [{k: v for k, v in r.items() if k != "id"} for r in rows]


def search(conn: Connection, principal: Principal, *, country: str | None = None, name: str | None = None,
           status: str | None = None, limit: int = 50, offset: int = 0) -> tuple[int, list[Operator]]:
    if principal.role not in (Role.OFFICER, Role.COMMISSION):
        raise Forbidden("only customs authorities search the EORI registry")
    o = eos_operator
    q = select(o)
    if country:
        q = q.where(o.c.country == country.upper())
    if name:
        q = q.where(func.lower(o.c.name).contains(name.lower()))
    if status:
        q = q.where(o.c.status == status)
    total = conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()
    rows = conn.execute(q.order_by(o.c.eori).limit(limit).offset(offset)).mappings().all()
    return total, [_to_operator(conn, dict(r)) for r in rows]


def validate_public(conn: Connection, eori: str, *, on: date | None = None, counted: bool = True) -> EoriValidation:
    """The DDS2-EOS look-up: is this EORI valid today? Name and address only with the operator's consent.
    Counted as a consultation in ``conn`` unless ``counted`` is False (the DDS counts its look-ups itself).
    A malformed number raises :class:`InvalidIdentifier` (nothing counted)."""
    number = str(EORI.parse(eori))
    moment = now()
    day = on or moment.date()
    row = conn.execute(select(eos_operator).where(eos_operator.c.eori == number)).mappings().first()
    if counted:
        telemetry.count(conn, "dds", telemetry.CONSULTATIONS, DDS_SERVICE)
    if row is None:
        return EoriValidation(eori=number, valid=False, status_description="EORI number not registered", checked_at=moment)
    valid = row["start_date"] <= day and (row["end_date"] is None or day <= row["end_date"])
    result = EoriValidation(
        eori=number, valid=valid,
        status_description="valid" if valid else ("validity ended" if row["end_date"] and day > row["end_date"] else "not yet valid"),
        checked_at=moment,
    )
    if valid:
        result.aeo = sorted({a.aeo_type for a in _aeo(conn, number)
                             if a.valid_from <= day and (a.valid_to is None or day <= a.valid_to)})
        if row["publication_consent"]:
            result.name = row["name"]
            result.address = Address(street_and_number=row["street_and_number"], postcode=row["postcode"],
                                     city=row["city"], country=row["address_country"])
    return result


def count_registered(conn: Connection, *, on: date | None = None) -> dict[str, int]:
    """Operators holding a valid EORI on ``on``, per issuing country (RES 3.1 sub-indicator 1)."""
    day = on or now().date()
    o = eos_operator
    rows = conn.execute(select(o.c.country, func.count()).where(
        o.c.start_date <= day, (o.c.end_date.is_(None)) | (o.c.end_date >= day)).group_by(o.c.country))
    return {c: n for c, n in rows}
