"""COPIS use cases: applications for action and the decisions on them (Art. 5-16 of Regulation (EU) No 608/2013);
detentions, the right holder's and the declarant's answers, proceedings, destruction and release (Art. 17-26);
detentions per application and statistics.

Access: a right holder (trader bound to the applicant's EORI) sees its applications and the detentions under them;
a declarant or holder of the goods sees its detentions; an officer the applications lodged with its member state
or requesting action there, and the detentions of its member state or under its applications; the Commission all.
The competent customs department (officers of the member state the application was lodged with) decides on
applications; the detaining member state's officers handle detentions.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any, Iterator

from sqlalchemy import Connection, func, insert, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import ErrorCode, Forbidden, InvalidIdentifier, Issue, NotFound, Rejected
from eucustoms.core.identifiers import EORI_PREFIXES
from eucustoms.platform import notifications
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.db import next_value
from eucustoms.refdata import RefData
from eucustoms.systems.eos import service as eos

from . import SYSTEM
from .codes import (
    CONFIRMATION_WORKING_DAYS,
    DECISION_WORKING_DAYS,
    EXTENSION_REQUEST_WORKING_DAYS,
    INFORMATION_WORKING_DAYS,
    NATIONAL_NUMBER,
    PERISHABLE_WORKING_DAYS,
    RIGHT_TYPES,
    SMALL_CONSIGNMENT_KG,
    SMALL_CONSIGNMENT_UNITS,
)
from .deadlines import add_working_days, one_year_from, subtract_working_days
from .messages import (
    ActionApplication,
    ActionApplicationView,
    DeclarantResponse,
    DetainedGoods,
    DetentionExtension,
    DetentionRequest,
    DetentionView,
    ExtendAction,
    GoodsLine,
    GrantAction,
    HolderResponse,
    InformationRequest,
    Outcome,
    Party,
    Proceedings,
    Reason,
    Right,
    Supplement,
)
from .states import (
    DETAINED,
    GRANTED,
    INCOMPLETE,
    LODGED,
    next_application_state,
    next_detention_state,
)
from .store import copis_application as A
from .store import copis_detention as D
from .store import copis_event as E


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


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _event(conn: Connection, subject: str, action: str, principal: Principal, details: dict[str, Any] | None = None) -> None:
    conn.execute(insert(E).values(subject=subject, action=action, at=now(), by=principal.name,
                                  details={k: _iso(v) for k, v in (details or {}).items()}))


def _notify(conn: Connection, eoris: list[str | None], message_type: str, subject: str, **payload: Any) -> None:
    for eori in dict.fromkeys(e for e in eoris if e):
        notifications.notify(conn, eori, SYSTEM, message_type, {k: _iso(v) for k, v in payload.items()}, subject=subject)


def _reference(conn: Connection, country: str, kind: str, year: int) -> str:
    return f"{country}-{kind}-{year}-{next_value(conn, f'copis-{kind.lower()}:{country}:{year}'):06d}"


# -- access -----------------------------------------------------------------------------------------------------

def _sees_application(principal: Principal, row: dict[str, Any]) -> bool:
    if principal.role is Role.COMMISSION:
        return True
    if principal.role is Role.TRADER:
        return principal.eori is not None and principal.eori == row["applicant_eori"]
    if principal.role is Role.OFFICER:
        return principal.country == row["country"] or principal.country in row["member_states"]
    return False


def _competent(principal: Principal, country: str) -> None:
    if principal.role is Role.COMMISSION or (principal.role is Role.OFFICER and principal.country == country):
        return
    if principal.role is Role.OFFICER:
        raise Forbidden(f"this is for {country}'s competent customs department, not {principal.country}'s")
    raise Forbidden("only the competent customs department takes this step")


def _load_application(conn: Connection, reference: str, *, for_update: bool = False) -> dict[str, Any] | None:
    q = select(A).where(A.c.reference == reference.strip().upper())
    if for_update and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def _open_application(conn: Connection, principal: Principal, reference: str, *, for_update: bool = False) -> dict[str, Any]:
    row = _load_application(conn, reference, for_update=for_update)
    if row is None or not _sees_application(principal, row):
        raise NotFound("application for action", reference.strip().upper())
    return row


def _sees_detention(principal: Principal, row: dict[str, Any], application: dict[str, Any]) -> bool:
    if principal.role is Role.COMMISSION:
        return True
    if principal.role is Role.TRADER:
        return principal.eori is not None and principal.eori in (
            application["applicant_eori"], row["declarant_eori"], row["holder_of_goods_eori"])
    if principal.role is Role.OFFICER:
        return principal.country in (row["country"], application["country"])
    return False


def _load_detention(conn: Connection, reference: str, *, for_update: bool = False) -> dict[str, Any] | None:
    q = select(D).where(D.c.reference == reference.strip().upper())
    if for_update and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def _open_detention(conn: Connection, principal: Principal, reference: str, *,
                    for_update: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    row = _load_detention(conn, reference, for_update=for_update)
    application = _load_application(conn, row["application"]) if row else None
    if row is None or application is None or not _sees_detention(principal, row, application):
        raise NotFound("detention", reference.strip().upper())
    return row, application


# -- views ------------------------------------------------------------------------------------------------------

def _in_force(row: dict[str, Any], day: date) -> bool:
    return (row["state"] == GRANTED and row["valid_from"] is not None and row["valid_from"] <= day
            and (row["valid_to"] is None or day <= row["valid_to"]))


def _application_view(conn: Connection, row: dict[str, Any]) -> ActionApplicationView:
    today = _today()
    received = row["complete_on"] or row["lodged_on"]
    count = conn.execute(select(func.count()).select_from(D).where(D.c.application == row["reference"])).scalar_one()
    return ActionApplicationView(
        reference=row["reference"], kind=row["kind"], country=row["country"], member_states=row["member_states"],
        applicant=Party(**row["applicant"]), applicant_status=row["applicant_status"],
        representative=Party(**row["representative"]) if row["representative"] else None,
        rights=[Right(**r) for r in row["rights"]], goods=[GoodsLine(**g) for g in row["goods"]],
        small_consignments=row["small_consignments"], state=row["state"], lodged_on=row["lodged_on"],
        complete_on=row["complete_on"],
        decision_due=add_working_days(received, DECISION_WORKING_DAYS) if row["state"] in (LODGED, INCOMPLETE) else None,
        decided_on=row["decided_on"], valid_from=row["valid_from"], valid_to=row["valid_to"],
        in_force=_in_force(row, today),
        extension_request_by=(subtract_working_days(row["valid_to"], EXTENSION_REQUEST_WORKING_DAYS)
                              if row["valid_to"] and row["state"] == GRANTED else None),
        extension_requested_on=row["extension_requested_on"], outcome_reason=row["outcome_reason"], detentions=count,
        updated_at=row["updated_at"], version=row["version"],
    )


def _deemed(row: dict[str, Any], today: date) -> bool:
    """The declarant neither agreed nor opposed by the due day: its agreement is deemed given (Art. 23(1), 26(5))."""
    return row["declarant_agrees"] is None and today > row["due"]


def _detention_view(conn: Connection, row: dict[str, Any]) -> DetentionView:
    events = conn.execute(select(E).where(E.c.subject == row["reference"]).order_by(E.c.id)).mappings()
    return DetentionView(
        reference=row["reference"], application=row["application"], country=row["country"], office=row["office"],
        declaration=row["declaration"], situation=row["situation"], declarant=Party(**row["declarant"]),
        holder_of_goods=Party(**row["holder_of_goods"]) if row["holder_of_goods"] else None, rights=row["rights"],
        goods=[DetainedGoods(**g) for g in row["goods"]], articles=row["articles"], perishable=row["perishable"],
        small_consignment=row["small_consignment"], gross_mass_kg=row["gross_mass_kg"], state=row["state"],
        detained_on=row["detained_on"], notified_on=row["notified_on"], due=row["due"], extended_by=row["extended_by"],
        holder_infringement=row["holder_infringement"], holder_agrees=row["holder_agrees"],
        holder_answered_on=row["holder_answered_on"], declarant_agrees=row["declarant_agrees"],
        declarant_answered_on=row["declarant_answered_on"],
        declarant_deemed_agreement=row["state"] == DETAINED and _deemed(row, _today()),
        proceedings=row["proceedings"], closed_on=row["closed_on"], outcome_reason=row["outcome_reason"],
        events=[{"action": e["action"], "at": e["at"], "by": e["by"], "details": e["details"]} for e in events],
        updated_at=row["updated_at"], version=row["version"],
    )


# -- applications for action ------------------------------------------------------------------------------------

def _right_issues(right: Right, i: int, kind: str, country: str, day: date) -> list[Issue]:
    t = RIGHT_TYPES[right.type]
    p = f"/rights/{i}"
    issues = []
    if t.registered and not right.registration_number:
        issues.append(Issue(ErrorCode.MISSING, f"{p}/registration_number", f"a {t.title.lower()} is identified by its registration number"))
    elif right.registration_number:
        if right.scope == "union" and t.pattern and not t.pattern.fullmatch(right.registration_number):
            issues.append(Issue(ErrorCode.RULE_VIOLATION, f"{p}/registration_number",
                                f"{right.registration_number!r} is not the number of a {t.title.lower()} with Union effect"))
        elif not NATIONAL_NUMBER.fullmatch(right.registration_number):
            issues.append(Issue(ErrorCode.RULE_VIOLATION, f"{p}/registration_number", "not a registration number"))
    if right.scope == "union" and not t.union:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, f"{p}/scope", f"a {t.title.lower()} has no Union-wide effect"))
    if right.scope == "national":
        if not right.country:
            issues.append(Issue(ErrorCode.MISSING, f"{p}/country", "a national right names the member state protecting it"))
        elif right.country not in EORI_PREFIXES:
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"{p}/country", f"{right.country!r} is not a member state"))
        elif kind == "national" and right.country != country:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, f"{p}/country", f"a right protected in {right.country} does not ground "
                                                                          f"action in {country}"))
        if kind == "union":
            issues.append(Issue(ErrorCode.RULE_VIOLATION, f"{p}/scope", "a Union application covers only rights with effect "
                                                                        "throughout the Union (Art. 4)"))
    if right.expires_on is not None and right.expires_on < day:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, f"{p}/expires_on", f"the right expired on {right.expires_on}"))
    return issues


def lodge(conn: Connection, principal: Principal, application: ActionApplication, *,
          refdata: RefData | None = None) -> ActionApplicationView:
    """Lodge an application for action with the competent customs department; every problem is listed."""
    if principal.role is Role.PUBLIC:
        raise Forbidden("applications are lodged with a token")
    eori = application.applicant.eori
    if principal.role is Role.TRADER and eori != principal.eori:
        raise Forbidden("a right holder lodges applications under its own EORI")
    country = application.country or (principal.country if principal.role is Role.OFFICER else (eori[:2] if eori else None))
    if country is None:
        raise Rejected.one(ErrorCode.MISSING, "/country", "give the member state the application is lodged with")
    if principal.role is Role.OFFICER and country != principal.country:
        raise Forbidden(f"{principal.country}'s competent customs department receives applications for {principal.country}")
    today = _today()
    issues: list[Issue] = []
    if country not in EORI_PREFIXES:
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/country", f"{country!r} is not a member state"))
    states = application.member_states or [country]
    for i, c in enumerate(states):
        if c not in EORI_PREFIXES:
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"/member_states/{i}", f"{c!r} is not a member state"))
    if application.kind == "national" and states != [country]:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/member_states", f"a national application requests action in {country} only"))
    if application.kind == "union" and (country not in states or len(states) < 2):
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/member_states", f"a Union application requests action in {country} and "
                                                                        "at least one other member state (Art. 2(11))"))
    if eori:
        try:
            eos.get(conn, eori)
        except (NotFound, InvalidIdentifier):
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/applicant/eori", f"EORI {eori} is not registered in EOS"))
    for i, right in enumerate(application.rights):
        issues += _right_issues(right, i, application.kind, country, today)
    refdata = refdata or refdata_for(conn)
    for i, g in enumerate(application.goods):
        if not refdata.is_valid_goods_code(g.cn_code, today):
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"/goods/{i}/cn_code", f"{g.cn_code} is not a CN code in force on {today}"))
    if not application.undertaking:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/undertaking", "the applicant undertakes to assume liability and bear the "
                                                                      "costs (Art. 28 and 29)"))
    if issues:
        raise Rejected(issues, "the application for action was rejected")
    reference = _reference(conn, country, "AFA", today.year)
    moment = now()
    conn.execute(insert(A).values(
        reference=reference, kind=application.kind, country=country, member_states=states,
        applicant=application.applicant.model_dump(mode="json"), applicant_eori=eori,
        applicant_status=application.applicant_status,
        representative=application.representative.model_dump(mode="json") if application.representative else None,
        rights=[r.model_dump(mode="json") for r in application.rights],
        goods=[g.model_dump(mode="json") for g in application.goods], small_consignments=application.small_consignments,
        state=LODGED, lodged_on=today, complete_on=None, info_due=None, decided_on=None, valid_from=None, valid_to=None,
        extension_requested_on=None, outcome_reason=None, lodged_by=principal.name, updated_at=moment, version=1,
    ))
    _event(conn, reference, "lodge", principal, {"kind": application.kind, "member_states": states})
    return _application_view(conn, _load_application(conn, reference))  # type: ignore[arg-type]


def _save_application(conn: Connection, row: dict[str, Any], **values: Any) -> dict[str, Any]:
    conn.execute(update(A).where(A.c.reference == row["reference"]).values(**values, version=row["version"] + 1, updated_at=now()))
    return _load_application(conn, row["reference"])  # type: ignore[return-value]


def show_application(conn: Connection, principal: Principal, reference: str) -> ActionApplicationView:
    return _application_view(conn, _open_application(conn, principal, reference))


def list_applications(conn: Connection, principal: Principal, *, state: str | None = None, kind: str | None = None,
                      limit: int = 50, offset: int = 0) -> tuple[int, list[ActionApplicationView]]:
    if principal.role is Role.PUBLIC:
        raise Forbidden("applications for action are listed with a token")
    q = select(A)
    if principal.role is Role.TRADER:
        q = q.where(A.c.applicant_eori == principal.eori)
    if state:
        q = q.where(A.c.state == state)
    if kind:
        q = q.where(A.c.kind == kind)
    rows = [dict(r) for r in conn.execute(q.order_by(A.c.reference)).mappings()]
    rows = [r for r in rows if _sees_application(principal, r)]
    return len(rows), [_application_view(conn, r) for r in rows[offset:offset + limit]]


def request_information(conn: Connection, principal: Principal, reference: str, body: InformationRequest) -> ActionApplicationView:
    """The application is incomplete: the applicant has 10 working days to complete it (Art. 7)."""
    row = _open_application(conn, principal, reference, for_update=True)
    _competent(principal, row["country"])
    state = next_application_state(row["reference"], row["state"], "request_information")
    due = add_working_days(_today(), INFORMATION_WORKING_DAYS)
    row = _save_application(conn, row, state=state, info_due=due)
    _event(conn, row["reference"], "request_information", principal, {"reason": body.reason, "due": due})
    _notify(conn, [row["applicant_eori"]], "COPIS_INFORMATION_REQUESTED", row["reference"], reason=body.reason, due=due)
    return _application_view(conn, row)


def supplement(conn: Connection, principal: Principal, reference: str, body: Supplement) -> ActionApplicationView:
    row = _open_application(conn, principal, reference, for_update=True)
    if not (principal.role is Role.TRADER and principal.eori == row["applicant_eori"]):
        _competent(principal, row["country"])
    state = next_application_state(row["reference"], row["state"], "supplement")
    today = _today()
    if row["info_due"] is not None and today > row["info_due"]:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/information", f"the information was due by {row['info_due']} (Art. 7): "
                                                                     "the application may be rejected")
    row = _save_application(conn, row, state=state, complete_on=today, info_due=None)
    _event(conn, row["reference"], "supplement", principal, {"information": body.information})
    return _application_view(conn, row)


def grant(conn: Connection, principal: Principal, reference: str, body: GrantAction) -> ActionApplicationView:
    """Grant the application: customs act from the day after the decision for at most a year (Art. 10-11)."""
    row = _open_application(conn, principal, reference, for_update=True)
    _competent(principal, row["country"])
    state = next_application_state(row["reference"], row["state"], "grant")
    today = _today()
    valid_from = today + timedelta(days=1)
    longest = one_year_from(valid_from)
    valid_to = body.valid_to or longest
    if not valid_from <= valid_to <= longest:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/valid_to", f"the period of action runs from {valid_from} for at most a "
                                                                  f"year, to {longest} at the latest (Art. 11(1))")
    row = _save_application(conn, row, state=state, decided_on=today, valid_from=valid_from, valid_to=valid_to)
    _event(conn, row["reference"], "grant", principal, {"valid_from": valid_from, "valid_to": valid_to})
    _notify(conn, [row["applicant_eori"]], "COPIS_GRANTED", row["reference"], valid_from=valid_from, valid_to=valid_to)
    return _application_view(conn, row)


def _simple_step(action: str, message_type: str | None = None):  # noqa: ANN202
    def step(conn: Connection, principal: Principal, reference: str, body: Reason) -> ActionApplicationView:
        row = _open_application(conn, principal, reference, for_update=True)
        if action == "withdraw" and principal.role is Role.TRADER and principal.eori == row["applicant_eori"]:
            pass
        else:
            _competent(principal, row["country"])
        state = next_application_state(row["reference"], row["state"], action)
        values: dict[str, Any] = {"state": state, "outcome_reason": body.reason}
        if action == "reject":
            values["decided_on"] = _today()
        row = _save_application(conn, row, **values)
        _event(conn, row["reference"], action, principal, {"reason": body.reason})
        if message_type:
            _notify(conn, [row["applicant_eori"]], message_type, row["reference"], reason=body.reason)
        return _application_view(conn, row)

    step.__name__ = action
    return step


#: Reject the application, stating the reasons (Art. 9).
reject = _simple_step("reject", "COPIS_REJECTED")
withdraw = _simple_step("withdraw")
#: Suspend the action of customs until the holder fulfils its obligations (Art. 16).
suspend = _simple_step("suspend", "COPIS_SUSPENDED")
reinstate = _simple_step("reinstate", "COPIS_REINSTATED")
revoke = _simple_step("revoke", "COPIS_REVOKED")


def request_extension(conn: Connection, principal: Principal, reference: str) -> ActionApplicationView:
    """The holder asks to extend the period of action, at least 30 working days before it ends (Art. 11(2))."""
    row = _open_application(conn, principal, reference, for_update=True)
    if not (principal.role is Role.TRADER and principal.eori == row["applicant_eori"]):
        _competent(principal, row["country"])
    next_application_state(row["reference"], row["state"], "request_extension")
    today = _today()
    latest = subtract_working_days(row["valid_to"], EXTENSION_REQUEST_WORKING_DAYS)
    if today > latest:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/", f"an extension is requested by {latest}, 30 working days before the "
                                                          f"period of action ends on {row['valid_to']} (Art. 11(2))")
    row = _save_application(conn, row, extension_requested_on=today)
    _event(conn, row["reference"], "request_extension", principal, {})
    return _application_view(conn, row)


def extend(conn: Connection, principal: Principal, reference: str, body: ExtendAction) -> ActionApplicationView:
    """Extend the period of action the holder asked to extend, by at most a year."""
    row = _open_application(conn, principal, reference, for_update=True)
    _competent(principal, row["country"])
    next_application_state(row["reference"], row["state"], "extend")
    if row["extension_requested_on"] is None:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/", "the holder has not asked for an extension (Art. 11(2))")
    longest = one_year_from(row["valid_to"] + timedelta(days=1))
    valid_to = body.valid_to or longest
    if not row["valid_to"] < valid_to <= longest:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/valid_to", f"the period is extended beyond {row['valid_to']} by at most a "
                                                                  f"year, to {longest}")
    row = _save_application(conn, row, valid_to=valid_to, extension_requested_on=None)
    _event(conn, row["reference"], "extend", principal, {"valid_to": valid_to})
    _notify(conn, [row["applicant_eori"]], "COPIS_EXTENDED", row["reference"], valid_to=valid_to)
    return _application_view(conn, row)


# -- detentions -------------------------------------------------------------------------------------------------

def _match_rights(application: dict[str, Any], wanted: list[str]) -> tuple[list[dict[str, Any]], list[Issue]]:
    found, issues = [], []
    for i, key in enumerate(wanted):
        k = key.strip().upper()
        match = next((r for r in application["rights"]
                      if (r.get("registration_number") or "").upper() == k or r["name"].upper() == k), None)
        if match is None:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, f"/rights/{i}", f"{key!r} is not a right of application {application['reference']}"))
        elif match not in found:
            found.append(match)
    return [{"type": r["type"], "name": r["name"], "registration_number": r.get("registration_number")} for r in found], issues


def detain(conn: Connection, principal: Principal, request: DetentionRequest, *, refdata: RefData | None = None) -> DetentionView:
    """Suspend the release of, or detain, goods suspected of infringing a right of a granted application (Art. 17):
    the declarant and the right holder are notified the same day, and the period to confirm, agree to destruction or
    start proceedings runs: 10 working days, 3 for perishable goods (Art. 23)."""
    if principal.role not in (Role.OFFICER, Role.COMMISSION):
        raise Forbidden("customs officers detain goods")
    office = (request.office or principal.office or "").upper()
    if not office:
        raise Rejected.one(ErrorCode.MISSING, "/office", "give the detaining customs office")
    country = office[:2]
    if principal.role is Role.OFFICER and country != principal.country:
        raise Forbidden(f"{principal.country}'s officers detain goods at offices of {principal.country}")
    today = _today()
    issues: list[Issue] = []
    refdata = refdata or refdata_for(conn)
    if refdata.office(office, today) is None:
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/office", f"{office} is not a customs office"))
    application = _load_application(conn, request.application)
    rights: list[dict[str, Any]] = []
    if application is None:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/application", f"no application for action {request.application.upper()}"))
    else:
        if not _in_force(application, today):
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/application",
                                f"application {application['reference']} is not in force on {today} ({application['state']})"))
        if country not in application["member_states"]:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/application",
                                f"application {application['reference']} does not request action in {country}"))
        rights, right_issues = _match_rights(application, request.rights)
        issues += right_issues
        if request.small_consignment and not application["small_consignments"]:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/small_consignment",
                                "the application did not request the procedure for small consignments (Art. 26)"))
    for i, g in enumerate(request.goods):
        if not refdata.is_valid_goods_code(g.cn_code, today):
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"/goods/{i}/cn_code", f"{g.cn_code} is not a CN code in force on {today}"))
    articles = sum(g.quantity for g in request.goods)
    if request.small_consignment and articles > SMALL_CONSIGNMENT_UNITS and (
            request.gross_mass_kg is None or request.gross_mass_kg >= SMALL_CONSIGNMENT_KG):
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/small_consignment",
                            f"a small consignment has at most {SMALL_CONSIGNMENT_UNITS} units or weighs under "
                            f"{SMALL_CONSIGNMENT_KG} kg (Art. 2(19))"))
    if issues:
        raise Rejected(issues, "the detention was rejected")
    assert application is not None
    reference = _reference(conn, country, "DET", today.year)
    due = add_working_days(today, PERISHABLE_WORKING_DAYS if request.perishable else CONFIRMATION_WORKING_DAYS)
    conn.execute(insert(D).values(
        reference=reference, application=application["reference"], country=country, office=office,
        declaration=request.declaration, situation=request.situation,
        declarant=request.declarant.model_dump(mode="json"), declarant_eori=request.declarant.eori,
        holder_of_goods=request.holder_of_goods.model_dump(mode="json") if request.holder_of_goods else None,
        holder_of_goods_eori=request.holder_of_goods.eori if request.holder_of_goods else None,
        rights=rights, goods=[g.model_dump(mode="json") for g in request.goods], articles=articles,
        perishable=request.perishable, small_consignment=request.small_consignment, gross_mass_kg=request.gross_mass_kg,
        state=DETAINED, detained_on=today, notified_on=today, due=due, extended_by=0, holder_infringement=None,
        holder_agrees=None, holder_answered_on=None, declarant_agrees=None, declarant_answered_on=None,
        proceedings=None, closed_on=None, outcome_reason=None, detained_by=principal.name, updated_at=now(), version=1,
    ))
    _event(conn, reference, "detain", principal, {"application": application["reference"], "due": due})
    _event(conn, application["reference"], "detention", principal, {"detention": reference})
    _notify(conn, [application["applicant_eori"], request.declarant.eori,
                   request.holder_of_goods.eori if request.holder_of_goods else None],
            "COPIS_DETENTION", reference, application=application["reference"], declaration=request.declaration,
            articles=articles, due=due, office=office)
    return _detention_view(conn, _load_detention(conn, reference))  # type: ignore[arg-type]


def _save_detention(conn: Connection, row: dict[str, Any], **values: Any) -> dict[str, Any]:
    conn.execute(update(D).where(D.c.reference == row["reference"]).values(**values, version=row["version"] + 1, updated_at=now()))
    return _load_detention(conn, row["reference"])  # type: ignore[return-value]


def _handling(principal: Principal, row: dict[str, Any]) -> None:
    """The detaining member state's officers (or the Commission) handle the detention."""
    if principal.role is Role.COMMISSION or (principal.role is Role.OFFICER and principal.country == row["country"]):
        return
    raise Forbidden(f"the detention is handled by {row['country']}'s customs authorities")


def _within_period(row: dict[str, Any], pointer: str) -> None:
    if _today() > row["due"]:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, pointer, f"the period ended on {row['due']} (Art. 23)")


def show_detention(conn: Connection, principal: Principal, reference: str) -> DetentionView:
    row, _ = _open_detention(conn, principal, reference)
    return _detention_view(conn, row)


def list_detentions(conn: Connection, principal: Principal, *, application: str | None = None, state: str | None = None,
                    limit: int = 50, offset: int = 0) -> tuple[int, list[DetentionView]]:
    """Detentions the caller may see (per application with ``application``), newest first."""
    if principal.role is Role.PUBLIC:
        raise Forbidden("detentions are listed with a token")
    q = select(D)
    if application:
        app_row = _open_application(conn, principal, application)
        q = q.where(D.c.application == app_row["reference"])
    if state:
        q = q.where(D.c.state == state)
    apps: dict[str, dict[str, Any]] = {}
    rows = []
    for r in conn.execute(q.order_by(D.c.detained_on.desc(), D.c.reference.desc())).mappings():
        row = dict(r)
        app_row = apps.get(row["application"]) or _load_application(conn, row["application"])
        apps[row["application"]] = app_row  # type: ignore[assignment]
        if app_row and _sees_detention(principal, row, app_row):
            rows.append(row)
    return len(rows), [_detention_view(conn, r) for r in rows[offset:offset + limit]]


def respond_holder(conn: Connection, principal: Principal, reference: str, body: HolderResponse) -> DetentionView:
    """The right holder confirms in writing, within the period, whether a right is infringed in its conviction and
    whether it agrees to destruction (Art. 23(1)(a)-(b))."""
    row, application = _open_detention(conn, principal, reference, for_update=True)
    if not (principal.role is Role.TRADER and principal.eori == application["applicant_eori"]):
        _handling(principal, row)
    next_detention_state(row["reference"], row["state"], "respond_holder")
    _within_period(row, "/")
    row = _save_detention(conn, row, holder_infringement=body.infringement, holder_agrees=body.agree_to_destruction,
                          holder_answered_on=_today())
    _event(conn, row["reference"], "respond_holder", principal, body.model_dump())
    return _detention_view(conn, row)


def respond_declarant(conn: Connection, principal: Principal, reference: str, body: DeclarantResponse) -> DetentionView:
    """The declarant or holder of the goods agrees to destruction or opposes it, within the period (Art. 23(1)(c))."""
    row, _application = _open_detention(conn, principal, reference, for_update=True)
    if not (principal.role is Role.TRADER and principal.eori in (row["declarant_eori"], row["holder_of_goods_eori"])):
        _handling(principal, row)
    next_detention_state(row["reference"], row["state"], "respond_declarant")
    _within_period(row, "/")
    row = _save_detention(conn, row, declarant_agrees=body.agree_to_destruction, declarant_answered_on=_today())
    _event(conn, row["reference"], "respond_declarant", principal, body.model_dump())
    return _detention_view(conn, row)


def start_proceedings(conn: Connection, principal: Principal, reference: str, body: Proceedings) -> DetentionView:
    """The right holder informs customs that it started proceedings to determine the infringement (Art. 23(3))."""
    row, application = _open_detention(conn, principal, reference, for_update=True)
    if not (principal.role is Role.TRADER and principal.eori == application["applicant_eori"]):
        _handling(principal, row)
    state = next_detention_state(row["reference"], row["state"], "proceedings")
    _within_period(row, "/")
    row = _save_detention(conn, row, state=state, proceedings={**body.model_dump(), "initiated_on": _today().isoformat()})
    _event(conn, row["reference"], "proceedings", principal, body.model_dump())
    return _detention_view(conn, row)


def extend_detention(conn: Connection, principal: Principal, reference: str, body: DetentionExtension) -> DetentionView:
    """Extend the period by at most 10 working days on a justified request; never for perishable goods (Art. 23(4))."""
    row, _application = _open_detention(conn, principal, reference, for_update=True)
    _handling(principal, row)
    next_detention_state(row["reference"], row["state"], "extend")
    issues = []
    if row["perishable"]:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/working_days", "the period for perishable goods is not extended"))
    if row["extended_by"]:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/working_days", "the period was already extended"))
    if _today() > row["due"]:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/", f"the period ended on {row['due']}"))
    if issues:
        raise Rejected(issues, "the extension was rejected")
    due = add_working_days(row["due"], body.working_days)
    row = _save_detention(conn, row, due=due, extended_by=body.working_days)
    _event(conn, row["reference"], "extend", principal, {"working_days": body.working_days, "due": due, "reason": body.reason})
    return _detention_view(conn, row)


def _destruction_blockers(row: dict[str, Any], today: date) -> list[str]:
    """Why the goods may not (yet) be destroyed under the simplified procedure (Art. 23(1); small consignments: 26)."""
    blockers = []
    if not row["small_consignment"]:
        if row["holder_infringement"] is not True:
            blockers.append("the right holder has not confirmed an infringement")
        if row["holder_agrees"] is not True:
            blockers.append("the right holder has not agreed to destruction")
    if row["declarant_agrees"] is False:
        blockers.append("the declarant opposed destruction")
    elif row["declarant_agrees"] is None and today <= row["due"]:
        blockers.append(f"the declarant may agree or oppose until {row['due']}")
    return blockers


def destroy(conn: Connection, principal: Principal, reference: str, body: Outcome) -> DetentionView:
    """Destroy the goods under customs control: under the simplified procedure when the right holder confirmed and
    agreed and the declarant agreed or is deemed to (Art. 23(1), 26), or after proceedings found an infringement."""
    row, application = _open_detention(conn, principal, reference, for_update=True)
    _handling(principal, row)
    state = next_detention_state(row["reference"], row["state"], "destroy")
    today = _today()
    if row["state"] == DETAINED:
        blockers = _destruction_blockers(row, today)
        if blockers:
            raise Rejected([Issue(ErrorCode.RULE_VIOLATION, "/", b) for b in blockers], "the goods may not be destroyed yet")
    row = _save_detention(conn, row, state=state, closed_on=today, outcome_reason=body.reason)
    _event(conn, row["reference"], "destroy", principal, {"reason": body.reason, "deemed": row["declarant_agrees"] is None})
    _notify(conn, [application["applicant_eori"], row["declarant_eori"], row["holder_of_goods_eori"]], "COPIS_DESTROYED",
            row["reference"], reason=body.reason)
    return _detention_view(conn, row)


def release(conn: Connection, principal: Principal, reference: str, body: Outcome) -> DetentionView:
    """Release the goods (end the detention): when the right holder states no infringement, when the period ended
    without proceedings nor destruction (Art. 23(3), 24), or when proceedings ended without an infringement."""
    row, application = _open_detention(conn, principal, reference, for_update=True)
    _handling(principal, row)
    state = next_detention_state(row["reference"], row["state"], "release")
    today = _today()
    if row["state"] == DETAINED and row["holder_infringement"] is not False and today <= row["due"]:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/", f"the right holder may confirm an infringement or start proceedings "
                                                          f"until {row['due']} (Art. 23)")
    row = _save_detention(conn, row, state=state, closed_on=today, outcome_reason=body.reason)
    _event(conn, row["reference"], "release", principal, {"reason": body.reason})
    _notify(conn, [application["applicant_eori"], row["declarant_eori"], row["holder_of_goods_eori"]], "COPIS_RELEASED",
            row["reference"], reason=body.reason)
    return _detention_view(conn, row)


# -- statistics and look-ups ------------------------------------------------------------------------------------

def statistics(conn: Connection, principal: Principal, *, since: date | None = None, until: date | None = None) -> dict[str, Any]:
    """Detentions and articles per right type, member state, customs situation and outcome (an officer: its member
    state's; the Commission: all). A detention concerning rights of several types counts under each."""
    if principal.role not in (Role.OFFICER, Role.COMMISSION):
        raise Forbidden("statistics are for customs authorities")
    q = select(D)
    if principal.role is Role.OFFICER:
        q = q.where(D.c.country == principal.country)
    if since:
        q = q.where(D.c.detained_on >= since)
    if until:
        q = q.where(D.c.detained_on <= until)
    by_type: dict[str, dict[str, int]] = {}
    by_country: dict[str, dict[str, int]] = {}
    by_situation: dict[str, dict[str, int]] = {}
    by_outcome: dict[str, int] = {}
    total = articles = 0

    def add(table: dict[str, dict[str, int]], key: str, n: int) -> None:
        entry = table.setdefault(key, {"detentions": 0, "articles": 0})
        entry["detentions"] += 1
        entry["articles"] += n

    for r in conn.execute(q).mappings():
        total += 1
        articles += r["articles"]
        for t in sorted({right["type"] for right in r["rights"]}):
            add(by_type, t, r["articles"])
        add(by_country, r["country"], r["articles"])
        add(by_situation, r["situation"], r["articles"])
        by_outcome[r["state"]] = by_outcome.get(r["state"], 0) + 1
    return {"since": since, "until": until, "country": principal.country if principal.role is Role.OFFICER else None,
            "detentions": total, "articles": articles, "by_right_type": by_type, "by_country": by_country,
            "by_situation": by_situation, "by_outcome": by_outcome}


def applications_in_force(conn: Connection, country: str, *, as_of: date, cn_code: str | None = None) -> list[dict[str, Any]]:
    """Applications for action in force in ``country`` on ``as_of`` (covering ``cn_code`` when given): what a
    customs office checks goods against (for other systems, e.g. risk analysis at import)."""
    result = []
    for r in conn.execute(select(A).where(A.c.state == GRANTED)).mappings():
        row = dict(r)
        if not _in_force(row, as_of) or country.upper() not in row["member_states"]:
            continue
        if cn_code and not any(g["cn_code"] == cn_code for g in row["goods"]):
            continue
        result.append({"reference": row["reference"], "kind": row["kind"], "country": row["country"],
                       "rights": row["rights"], "goods": row["goods"], "valid_to": row["valid_to"]})
    return result
