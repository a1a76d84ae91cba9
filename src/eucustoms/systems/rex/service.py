"""REX use cases: apply, register or reject, amend, revoke; show, history, search; the public validation and the
check of a statement on origin.

Who registers: exporters established in the Union with the customs authorities of their member state (officers of
that member state); exporters of GSP beneficiary countries (and of Norway, Switzerland, Türkiye) with their
country's competent authorities, for which the box's Commission role stands (or an officer bound to that country).
A trader sees its own registration, an officer its country's, the Commission all; every customs authority may
check a statement on origin, and the public validates a REX number.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from typing import Any, Iterator

from sqlalchemy import Connection, func, insert, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import ErrorCode, Forbidden, InvalidIdentifier, Issue, NotFound, Rejected
from eucustoms.core.identifiers import EORI_PREFIXES
from eucustoms.platform import telemetry
from eucustoms.platform.auth import Principal, Role
from eucustoms.refdata import RefData
from eucustoms.systems.eos import service as eos

from . import SYSTEM
from .codes import third_country_arrangement
from .messages import (
    Address,
    Contact,
    Exporter,
    Goods,
    Registration,
    Rejection,
    Revocation,
    RexAmendment,
    RexApplication,
    RexValidation,
    StatementCheck,
)
from .references import RexNumber
from .states import APPLIED, REGISTERED, REJECTED, REVOKED, next_state
from .store import rex_exporter as R
from .store import rex_history as H

DDS_SERVICE = "REX"  # the consultation counter key of the public validation


class _Through:
    def __init__(self, conn: Connection):
        self._conn = conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        yield self._conn


def refdata_for(conn: Connection) -> RefData:
    return RefData.from_db(_Through(conn))  # type: ignore[arg-type]


def _today() -> date:
    return now().date()


# -- access -----------------------------------------------------------------------------------------------------

def _authority_of(principal: Principal, country: str) -> None:
    """Only the registering country's authority (or the Commission, which stands for third countries' authorities in
    the box) registers, amends and revokes."""
    if principal.role is Role.COMMISSION or (principal.role is Role.OFFICER and principal.country == country):
        return
    if principal.role is Role.OFFICER:
        raise Forbidden(f"exporters registered in {country} are managed by {country}'s authorities, not {principal.country}'s")
    raise Forbidden("only the competent authorities register exporters")


def _sees(principal: Principal, row: dict[str, Any]) -> bool:
    if principal.role is Role.COMMISSION:
        return True
    if principal.role is Role.TRADER:
        return principal.eori is not None and principal.eori == row["eori"]
    if principal.role is Role.OFFICER:
        return principal.country == row["country"]
    return False


def _parse(number: str) -> str:
    try:
        return str(RexNumber.parse(number))
    except InvalidIdentifier:
        raise NotFound("REX registration", number) from None


def _load(conn: Connection, number: str, *, for_update: bool = False) -> dict[str, Any] | None:
    q = select(R).where(R.c.rex_number == number)
    if for_update and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def _open(conn: Connection, principal: Principal, number: str, *, for_update: bool = False) -> dict[str, Any]:
    number = _parse(number)
    row = _load(conn, number, for_update=for_update)
    if row is None or not _sees(principal, row):
        raise NotFound("REX registration", number)
    return row


def _exporter(row: dict[str, Any]) -> Exporter:
    return Exporter(
        rex_number=row["rex_number"], country=row["country"],
        arrangement="EU" if row["country"] in EORI_PREFIXES else (third_country_arrangement(row["country"]) or "?"),
        eori=row["eori"], national_id=row["national_id"], name=row["name"],
        address=Address(street_and_number=row["street_and_number"], postcode=row["postcode"], city=row["city"],
                        country=row["address_country"]),
        contact=Contact(**row["contact"]) if row["contact"] else None, activities=row["activities"],
        goods=[Goods(**g) for g in row["goods"]], purposes=row["purposes"],
        publication_consent=row["publication_consent"], state=row["state"], applied_on=row["applied_on"],
        valid_from=row["valid_from"], revoked_from=row["revoked_from"], revocation_ground=row["revocation_ground"],
        status_reason=row["status_reason"], updated_at=row["updated_at"], version=row["version"],
    )


def _history(conn: Connection, number: str, version: int, action: str, principal: Principal, reason: str | None,
             changes: dict[str, Any]) -> None:
    conn.execute(insert(H).values(rex_number=number, version=version, action=action, changed_by=principal.name,
                                  changed_at=now(), reason=reason, changes=changes))


def _save(conn: Connection, row: dict[str, Any], action: str, principal: Principal, reason: str | None,
          changes: dict[str, Any], **values: Any) -> dict[str, Any]:
    version = row["version"] + 1
    conn.execute(update(R).where(R.c.rex_number == row["rex_number"]).values(**values, version=version, updated_at=now()))
    _history(conn, row["rex_number"], version, action, principal, reason, changes)
    return _load(conn, row["rex_number"])  # type: ignore[return-value]


# -- validation -------------------------------------------------------------------------------------------------

def _goods_issues(refdata: RefData, goods: list[Goods], day: date, pointer: str) -> list[Issue]:
    return [Issue(ErrorCode.CODELIST_VIOLATION, f"{pointer}/{i}/code", f"{g.code} is not an HS chapter or heading")
            for i, g in enumerate(goods) if refdata.goods(g.code, day) is None]


def _purpose_issues(purposes: list[str], in_union: bool, pointer: str) -> list[Issue]:
    if in_union:
        return []
    return [Issue(ErrorCode.RULE_VIOLATION, f"{pointer}/{i}", f"exporters outside the Union register in REX for the GSP, not for {p}")
            for i, p in enumerate(purposes) if p != "GSP"]


# -- use cases --------------------------------------------------------------------------------------------------

def apply(conn: Connection, principal: Principal, application: RexApplication, *, refdata: RefData | None = None) -> Exporter:
    """Lodge an application for registration (counted as an application, RES 3.1). Every problem is listed."""
    if principal.role is Role.PUBLIC:
        raise Forbidden("applications are lodged with a token")
    if principal.role is Role.TRADER and (application.eori is None or application.eori != principal.eori):
        raise Forbidden("a trader applies for the registration of its own EORI")
    country = application.country or (principal.country if principal.role is Role.OFFICER
                                      else (application.eori[:2] if application.eori else None))
    issues: list[Issue] = []
    if country is None:
        raise Rejected.one(ErrorCode.MISSING, "/country", "give the registering country")
    if principal.role is Role.OFFICER and country != principal.country:
        raise Forbidden(f"{principal.country}'s customs authority registers exporters of {principal.country}, not of {country}")
    today = _today()
    in_union = country in EORI_PREFIXES
    number: str | None = None
    if in_union:
        if application.eori is None:
            issues.append(Issue(ErrorCode.MISSING, "/eori", "an exporter established in the Union registers with its EORI number"))
        else:
            if application.eori[:2] != country:
                issues.append(Issue(ErrorCode.RULE_VIOLATION, "/eori", f"EORI {application.eori} was not issued by {country}, "
                                                                      "where the exporter registers"))
            try:
                op = eos.get(conn, application.eori)
            except NotFound:
                issues.append(Issue(ErrorCode.RULE_VIOLATION, "/eori", f"EORI {application.eori} is not registered in EOS"))
            else:
                if op.status != "valid" or op.start_date > today or (op.end_date is not None and today > op.end_date):
                    issues.append(Issue(ErrorCode.RULE_VIOLATION, "/eori", f"EORI {application.eori} is not valid on {today}"))
            number = str(RexNumber.build(country, application.eori))
        if application.national_id:
            issues.append(Issue(ErrorCode.NOT_ALLOWED, "/national_id", "an EU exporter's REX number is built from its EORI"))
    else:
        if third_country_arrangement(country) is None:
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/country",
                                f"{country!r} is neither a member state nor a country whose exporters register in REX"))
        if not application.national_id:
            issues.append(Issue(ErrorCode.MISSING, "/national_id", f"give the identifier {country} gives the exporter"))
        else:
            number = str(RexNumber.build(country, application.national_id))
    if application.address.country != country:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/address/country",
                            f"the exporter registers in the country where it is established ({application.address.country}), not {country}"))
    issues += _goods_issues(refdata or refdata_for(conn), application.goods, today, "/goods")
    issues += _purpose_issues(application.purposes, in_union, "/purposes")
    existing = _load(conn, number, for_update=True) if number else None
    if existing is not None and existing["state"] != REJECTED:
        issues.append(Issue(ErrorCode.DUPLICATE, "/", f"{number} is already {existing['state']}"))
    if issues:
        raise Rejected(issues, "the REX application was rejected")
    assert number is not None
    moment = now()
    values = {
        "country": country, "eori": application.eori, "national_id": application.national_id, "name": application.name,
        "street_and_number": application.address.street_and_number, "postcode": application.address.postcode,
        "city": application.address.city, "address_country": application.address.country,
        "contact": application.contact.model_dump() if application.contact else None,
        "activities": sorted(set(application.activities)), "goods": [g.model_dump() for g in application.goods],
        "purposes": sorted(set(application.purposes)), "publication_consent": application.publication_consent,
        "state": APPLIED, "applied_on": today, "valid_from": None, "revoked_from": None, "revoked_on": None,
        "revocation_ground": None, "status_reason": None, "applied_by": principal.name,
    }
    changes = application.model_dump(mode="json", exclude_none=True)
    if existing is not None:
        next_state(number, existing["state"], "reapply")
        _save(conn, existing, "reapply", principal, None, changes, **values)
    else:
        conn.execute(insert(R).values(rex_number=number, **values, updated_at=moment, version=1))
        _history(conn, number, 1, "apply", principal, None, changes)
    telemetry.count(conn, SYSTEM, telemetry.APPLICATIONS, country)
    return _exporter(_load(conn, number))  # type: ignore[arg-type]


def register(conn: Connection, principal: Principal, number: str, body: Registration | None = None) -> Exporter:
    """Register the exporter: valid from the day the complete application was received (or a later day given)."""
    row = _open(conn, principal, number, for_update=True)
    _authority_of(principal, row["country"])
    state = next_state(row["rex_number"], row["state"], "register")
    valid_from = (body.valid_from if body else None) or row["applied_on"]
    if valid_from < row["applied_on"]:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/valid_from", f"the registration is valid from {row['applied_on']}, "
                                                                    "the day the application was received, at the earliest")
    row = _save(conn, row, "register", principal, None, {"valid_from": valid_from.isoformat()}, state=state, valid_from=valid_from)
    return _exporter(row)


def reject(conn: Connection, principal: Principal, number: str, body: Rejection) -> Exporter:
    row = _open(conn, principal, number, for_update=True)
    _authority_of(principal, row["country"])
    state = next_state(row["rex_number"], row["state"], "reject")
    return _exporter(_save(conn, row, "reject", principal, body.reason, {}, state=state, status_reason=body.reason))


def amend(conn: Connection, principal: Principal, number: str, change: RexAmendment, *, refdata: RefData | None = None) -> Exporter:
    """Enter the changes the exporter notified: only the given fields change."""
    row = _open(conn, principal, number, for_update=True)
    _authority_of(principal, row["country"])
    next_state(row["rex_number"], row["state"], "amend")
    given = change.model_dump(exclude_unset=True)
    given.pop("reason", None)
    if not given:
        raise Rejected.one(ErrorCode.MISSING, "/", "the amendment changes nothing")
    issues: list[Issue] = []
    if change.address is not None and change.address.country != row["country"]:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/address/country",
                            f"a move out of {row['country']} is a new registration in the other country"))
    if change.goods is not None:
        issues += _goods_issues(refdata or refdata_for(conn), change.goods, _today(), "/goods")
    if change.purposes is not None:
        issues += _purpose_issues(change.purposes, row["country"] in EORI_PREFIXES, "/purposes")
    if issues:
        raise Rejected(issues, "the REX amendment was rejected")
    values: dict[str, Any] = {}
    for field in ("name", "publication_consent"):
        if field in given:
            values[field] = given[field]
    if change.address is not None:
        values.update(street_and_number=change.address.street_and_number, postcode=change.address.postcode,
                      city=change.address.city, address_country=change.address.country)
    if "contact" in given:
        values["contact"] = change.contact.model_dump() if change.contact else None
    if change.activities is not None:
        values["activities"] = sorted(set(change.activities))
    if change.goods is not None:
        values["goods"] = [g.model_dump() for g in change.goods]
    if change.purposes is not None:
        values["purposes"] = sorted(set(change.purposes))
    return _exporter(_save(conn, row, "amend", principal, change.reason,
                           change.model_dump(mode="json", exclude_unset=True), **values))


def revoke(conn: Connection, principal: Principal, number: str, body: Revocation) -> Exporter:
    """Revoke the registration from ``effective`` (default today, never earlier): statements on origin made out from
    that day are invalid; those made out before remain valid."""
    row = _open(conn, principal, number, for_update=True)
    _authority_of(principal, row["country"])
    state = next_state(row["rex_number"], row["state"], "revoke")
    today = _today()
    effective = body.effective or today
    if effective < today:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/effective", "a revocation has effect from the day it is entered at the earliest")
    return _exporter(_save(conn, row, "revoke", principal, body.reason, {"ground": body.ground, "effective": effective.isoformat()},
                           state=state, revoked_from=effective, revoked_on=today, revocation_ground=body.ground,
                           status_reason=body.reason))


def show(conn: Connection, principal: Principal, number: str) -> Exporter:
    return _exporter(_open(conn, principal, number))


def history(conn: Connection, principal: Principal, number: str) -> list[dict[str, Any]]:
    row = _open(conn, principal, number)
    rows = conn.execute(select(H).where(H.c.rex_number == row["rex_number"]).order_by(H.c.version, H.c.id)).mappings()
    return [{k: v for k, v in r.items() if k != "id"} for r in rows]


def search(conn: Connection, principal: Principal, *, country: str | None = None, state: str | None = None,
           name: str | None = None, limit: int = 50, offset: int = 0) -> tuple[int, list[Exporter]]:
    if principal.role is Role.PUBLIC:
        raise Forbidden("the public validates a REX number")
    q = select(R)
    if principal.role is Role.TRADER:
        q = q.where(R.c.eori == principal.eori)
    elif principal.role is Role.OFFICER:
        q = q.where(R.c.country == principal.country)
    if country:
        q = q.where(R.c.country == country.upper())
    if state:
        q = q.where(R.c.state == state)
    if name:
        q = q.where(func.lower(R.c.name).contains(name.lower()))
    total = conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()
    rows = conn.execute(q.order_by(R.c.rex_number).limit(limit).offset(offset)).mappings().all()
    return total, [_exporter(dict(r)) for r in rows]


# -- look-ups ---------------------------------------------------------------------------------------------------

def _valid_on(row: dict[str, Any], day: date) -> bool:
    if row["state"] not in (REGISTERED, REVOKED) or row["valid_from"] is None:
        return False
    return row["valid_from"] <= day and (row["revoked_from"] is None or day < row["revoked_from"])


def validate_public(conn: Connection, number: str, *, on: date | None = None, counted: bool = True) -> RexValidation:
    """The public validation of a REX number: valid or not on ``on`` and the country; name and address only with the
    exporter's consent. Applications not (yet) registered look unknown. A malformed number raises
    :class:`InvalidIdentifier` (nothing counted)."""
    rex = str(RexNumber.parse(number))
    moment = now()
    day = on or moment.date()
    row = _load(conn, rex)
    if counted:
        telemetry.count(conn, "dds", telemetry.CONSULTATIONS, DDS_SERVICE)
    if row is None or row["valid_from"] is None:
        return RexValidation(rex_number=rex, valid=False, status_description="not registered", on=day, checked_at=moment)
    valid = _valid_on(row, day)
    if valid:
        status = "valid"
    elif row["revoked_from"] is not None and day >= row["revoked_from"]:
        status = f"revoked from {row['revoked_from']}"
    else:
        status = "not yet valid"
    result = RexValidation(rex_number=rex, valid=valid, status_description=status, country=row["country"], on=day,
                           checked_at=moment)
    if row["publication_consent"]:
        result.name = row["name"]
        result.address = Address(street_and_number=row["street_and_number"], postcode=row["postcode"], city=row["city"],
                                 country=row["address_country"])
    return result


def check_statement(conn: Connection, number: str, made_out_on: date) -> StatementCheck:
    """Whether a statement on origin made out on ``made_out_on`` with this REX number may be accepted (for customs
    authorities and other systems; no personal data): the exporter was registered that day and not revoked."""
    try:
        rex = str(RexNumber.parse(number))
    except InvalidIdentifier as exc:
        return StatementCheck(rex_number=str(number), made_out_on=made_out_on, valid=False,
                              reason=f"not a REX number: {exc.reason}")
    row = _load(conn, rex)
    if row is None or row["valid_from"] is None:
        return StatementCheck(rex_number=rex, made_out_on=made_out_on, valid=False, reason="the exporter is not registered")
    details = {"country": row["country"], "valid_from": row["valid_from"], "revoked_from": row["revoked_from"],
               "purposes": row["purposes"]}
    if made_out_on < row["valid_from"]:
        return StatementCheck(rex_number=rex, made_out_on=made_out_on, valid=False, details=details,
                              reason=f"made out before the registration took effect on {row['valid_from']}")
    if row["revoked_from"] is not None and made_out_on >= row["revoked_from"]:
        return StatementCheck(rex_number=rex, made_out_on=made_out_on, valid=False, details=details,
                              reason=f"made out after the registration was revoked from {row['revoked_from']}")
    return StatementCheck(rex_number=rex, made_out_on=made_out_on, valid=True, details=details,
                          reason="the exporter was registered on that day")


def is_registered(conn: Connection, number: str, *, on: date) -> bool:
    """Whether ``number`` is a valid REX registration on ``on`` (for other systems)."""
    try:
        row = _load(conn, str(RexNumber.parse(number)))
    except InvalidIdentifier:
        return False
    return row is not None and _valid_on(row, on)


def count_registered(conn: Connection, *, on: date | None = None) -> dict[str, int]:
    """Registered exporters valid on ``on`` per registering country."""
    day = on or _today()
    result: dict[str, int] = {}
    for r in conn.execute(select(R).where(R.c.valid_from.is_not(None), R.c.valid_from <= day)).mappings():
        if _valid_on(dict(r), day):
            result[r["country"]] = result.get(r["country"], 0) + 1
    return result
