"""CDS use cases: lodge, accept, consult, extend, hear, grant or refuse an application; suspend, reinstate, revoke
and annul a decision; and the look-ups other systems and the public make.

Every function runs in the caller's transaction (``db.begin()`` for changes). Access: a trader sees its own
applications and decisions; an officer those of its member state, those its member state is consulted on and
the decisions valid in its member state (AEO decisions: every member state); the Commission everything. Only
the competent member state's officers (or the Commission) act on an application or a decision.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any, Iterator

from sqlalchemy import Connection, insert, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import (
    ErrorCode,
    Forbidden,
    IncorrectState,
    InvalidIdentifier,
    Issue,
    NotFound,
    Rejected,
)
from eucustoms.core.identifiers import EORI, EORI_PREFIXES
from eucustoms.platform import notifications, telemetry
from eucustoms.platform.auth import Principal, Role
from eucustoms.refdata import RefData
from eucustoms.systems.eos import service as eos
from eucustoms.systems.eos.messages import AeoRecord

from . import AEO_SYSTEM, SYSTEM
from .codes import (
    AEO_TYPES,
    APPLICANT_MAX_DAYS,
    COVERED_BY,
    HEARING_DAYS,
    INVESTIGATION_MAX_DAYS,
    REVOCATION_DEFERRAL_DAYS,
    TYPES,
    DecisionType,
)
from .deadlines import period_end, time_limits
from .messages import (
    Amount,
    Application,
    Comment,
    Consultation,
    ConsultationAnswer,
    ConsultationRequest,
    Decision,
    DecisionApplication,
    Event,
    Extended,
    Extension,
    GoodsLine,
    Grant,
    Hearing,
    InformationRequest,
    Reason,
    Refusal,
    Revocation,
    Supplement,
    Suspension,
)
from .references import DecisionReference, allocate_application_reference, allocate_decision_reference
from .states import (
    ANNULLED,
    INCOMPLETE,
    LODGED,
    OPEN_APPLICATION_STATES,
    REVOKED,
    SUSPENDED,
    VALID,
    next_application_state,
    next_decision_state,
)
from .store import cds_application as A
from .store import cds_consultation as C
from .store import cds_decision as D
from .store import cds_event as E
from .store import cds_extension as X
from .store import cds_suspension as S

#: The consultation counter keys of the public look-ups (RES 2.1 sub-indicator 1): decisions by number are the
#: DDS "CDS" service; the AEO query is part of the DDS2 economic operators service, as in the EU's DDS2.
DDS_DECISIONS = "CDS"
DDS_AEO = "EOS"

#: Who updates EOS when a trader's own request changes its AEO status (the change is the decision system's).
_CDS_PRINCIPAL = Principal(role=Role.COMMISSION, name="CDS")


# -- plumbing ---------------------------------------------------------------------------------------------------

class _Through:
    """Lets :class:`RefData` read through the caller's connection."""

    def __init__(self, conn: Connection):
        self._conn = conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        yield self._conn


def refdata_for(conn: Connection) -> RefData:
    return RefData.from_db(_Through(conn))  # type: ignore[arg-type]


def _today() -> date:
    return now().date()


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _notify(conn: Connection, eori: str, message_type: str, subject: str, **payload: Any) -> None:
    notifications.notify(conn, eori, SYSTEM, message_type, {k: _iso(v) for k, v in payload.items()}, subject=subject)


def _event(conn: Connection, application: str, action: str, principal: Principal, details: dict[str, Any] | None = None,
           *, decision: str | None = None) -> None:
    conn.execute(insert(E).values(application=application, decision=decision, action=action, at=now(),
                                  by=principal.name, details={k: _iso(v) for k, v in (details or {}).items()}))


def _kind(row: dict[str, Any]) -> DecisionType:
    return TYPES[row["decision_type"]]


# -- access -----------------------------------------------------------------------------------------------------

def _consulted(conn: Connection, reference: str) -> set[str]:
    return set(conn.execute(select(C.c.country).where(C.c.application == reference)).scalars())


def _sees_application(principal: Principal, row: dict[str, Any], consulted: set[str]) -> bool:
    if principal.role is Role.COMMISSION:
        return True
    if principal.role is Role.TRADER:
        return principal.eori is not None and principal.eori == row["applicant"]
    if principal.role is Role.OFFICER and principal.country:
        return (principal.country == row["country"] or principal.country in (row["countries"] or [])
                or principal.country in consulted)
    return False


def _sees_decision(principal: Principal, row: dict[str, Any]) -> bool:
    if principal.role is Role.COMMISSION:
        return True
    if principal.role is Role.TRADER:
        return principal.eori is not None and principal.eori == row["holder"]
    if principal.role is Role.OFFICER and principal.country:
        return row["countries"] is None or principal.country == row["country"] or principal.country in row["countries"]
    return False


def _may_decide(principal: Principal, country: str) -> None:
    """Only the competent member state's customs authority (or the Commission) acts on an application or decision."""
    if principal.role is Role.COMMISSION or (principal.role is Role.OFFICER and principal.country == country):
        return
    if principal.role is Role.OFFICER:
        raise Forbidden(f"this is for {country}'s customs authority, the competent one, not for {principal.country}'s")
    raise Forbidden("only the competent customs authority takes this step")


def _for_applicant(principal: Principal, row: dict[str, Any]) -> None:
    """The applicant, or the competent authority recording what the applicant sent it (or the Commission)."""
    if principal.role is Role.TRADER and principal.eori == row["applicant"]:
        return
    _may_decide(principal, row["country"])


def _load_application(conn: Connection, reference: str, *, for_update: bool = False) -> dict[str, Any] | None:
    q = select(A).where(A.c.reference == reference)
    if for_update and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def _open_application(conn: Connection, principal: Principal, reference: str, *, for_update: bool = False) -> dict[str, Any]:
    """The application if ``principal`` may see it; an unknown and an invisible one look the same."""
    reference = str(reference).strip().upper()
    row = _load_application(conn, reference, for_update=for_update)
    if row is None or not _sees_application(principal, row, _consulted(conn, reference)):
        raise NotFound("application", reference)
    return row


def _load_decision(conn: Connection, reference: str, *, for_update: bool = False) -> dict[str, Any] | None:
    q = select(D).where(D.c.reference == reference)
    if for_update and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def _open_decision(conn: Connection, principal: Principal, reference: str, *, for_update: bool = False) -> dict[str, Any]:
    try:
        number = str(DecisionReference.parse(reference))
    except InvalidIdentifier:
        raise NotFound("decision", reference) from None
    row = _load_decision(conn, number, for_update=for_update)
    if row is None or not _sees_decision(principal, row):
        raise NotFound("decision", number)
    return row


# -- views ------------------------------------------------------------------------------------------------------

def _extensions(conn: Connection, reference: str) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(select(X).where(X.c.application == reference).order_by(X.c.id)).mappings()]


def _consultation_status(row: dict[str, Any], today: date) -> str:
    if row["answer"]:
        return row["answer"]
    return "deemed_agreed" if today > row["due_on"] else "pending"


def _consultations(conn: Connection, reference: str, today: date) -> list[Consultation]:
    rows = conn.execute(select(C).where(C.c.application == reference).order_by(C.c.country)).mappings()
    return [Consultation(country=r["country"], requested_on=r["requested_on"], due_on=r["due_on"], answer=r["answer"],
                         answered_on=r["answered_on"], reason=r["reason"], status=_consultation_status(dict(r), today))
            for r in rows]


def _limits(conn: Connection, row: dict[str, Any], today: date | None = None) -> dict[str, Any]:
    return time_limits(row, _kind(row), _extensions(conn, row["reference"]), today or _today())


def _application(conn: Connection, row: dict[str, Any]) -> Application:
    today = _today()
    details = row["details"] or {}
    events = conn.execute(select(E).where(E.c.application == row["reference"]).order_by(E.c.id)).mappings()
    extensions = _extensions(conn, row["reference"])
    return Application(
        reference=row["reference"], decision_type=row["decision_type"], title=_kind(row).title,
        applicant=row["applicant"], country=row["country"], countries=row["countries"],
        customs_office=row["customs_office"], description=row["description"],
        goods=[GoodsLine(**g) for g in details.get("goods", [])],
        guarantee_amount=Amount(**details["guarantee_amount"]) if details.get("guarantee_amount") else None,
        location=details.get("location"),
        requested_start=date.fromisoformat(details["requested_start"]) if details.get("requested_start") else None,
        publication_consent=row["publication_consent"], state=row["state"], lodged_on=row["lodged_on"],
        complete_on=row["complete_on"], accepted_on=row["accepted_on"], hearing_on=row["hearing_on"],
        hearing_grounds=row["hearing_grounds"], comment=row["comment"], decided_on=row["decided_on"],
        decision_reference=row["decision_reference"], outcome_reason=row["outcome_reason"],
        time_limits=time_limits(row, _kind(row), extensions, today),
        extensions=[Extended(ground=e["ground"], days=e["days"], reason=e["reason"], on=e["recorded_on"], by=e["by"])
                    for e in extensions],
        consultations=_consultations(conn, row["reference"], today),
        events=[Event(action=e["action"], at=e["at"], by=e["by"], details=e["details"] or {}) for e in events],
        updated_at=row["updated_at"], version=row["version"],
    )


def _suspensions(conn: Connection, reference: str) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(select(S).where(S.c.decision == reference).order_by(S.c.id)).mappings()]


def _valid_on(row: dict[str, Any], suspensions: list[dict[str, Any]], day: date) -> bool:
    return _status_on(row, suspensions, day) == "valid"


def _status_on(row: dict[str, Any], suspensions: list[dict[str, Any]], day: date) -> str:
    """What the decision is on ``day``: valid, not yet valid, expired, suspended, revoked or annulled."""
    if row["state"] == ANNULLED:
        return "annulled"
    if row["ends_on"] is not None and day >= row["ends_on"]:
        return "revoked"
    if day < row["valid_from"]:
        return "not yet valid"
    if row["valid_to"] is not None and day > row["valid_to"]:
        return "expired"
    for s in suspensions:
        if s["suspended_from"] <= day and (s["lifted_on"] is None or day < s["lifted_on"]):
            return "suspended"
    return "valid"


def _decision(conn: Connection, row: dict[str, Any]) -> Decision:
    suspensions = _suspensions(conn, row["reference"])
    return Decision(
        reference=row["reference"], application=row["application"], decision_type=row["decision_type"],
        title=_kind(row).title, holder=row["holder"], country=row["country"], countries=row["countries"],
        customs_office=row["customs_office"], decided_on=row["decided_on"], valid_from=row["valid_from"],
        valid_to=row["valid_to"], state=row["state"], ends_on=row["ends_on"],
        revocation_ground=row["revocation_ground"], status_reason=row["status_reason"], conditions=row["conditions"],
        details=row["details"] or {}, publication_consent=row["publication_consent"],
        suspensions=[Suspension(suspended_from=s["suspended_from"], lifted_on=s["lifted_on"], reason=s["reason"])
                     for s in suspensions],
        valid_today=_valid_on(row, suspensions, _today()), updated_at=row["updated_at"], version=row["version"],
    )


def _decision_dict(row: dict[str, Any]) -> dict[str, Any]:
    """What other systems get: the decision's particulars, no access rules."""
    return {"reference": row["reference"], "decision_type": row["decision_type"], "holder": row["holder"],
            "country": row["country"], "countries": row["countries"], "customs_office": row["customs_office"],
            "valid_from": row["valid_from"], "valid_to": row["valid_to"], "state": row["state"],
            "ends_on": row["ends_on"], "details": row["details"] or {}}


# -- lodging ----------------------------------------------------------------------------------------------------

def _operator_issues(conn: Connection, eori: str, kind: DecisionType, day: date, pointer: str) -> list[Issue]:
    """The applicant is registered in EOS (Art. 11(1)(a) DA) and, where the type needs it, established in the Union
    (Art. 11(1)(b) DA)."""
    try:
        op = eos.get(conn, eori)
    except (NotFound, InvalidIdentifier):
        return [Issue(ErrorCode.RULE_VIOLATION, pointer, f"EORI {eori} is not registered in EOS")]
    issues = []
    if op.status != "valid" or op.start_date > day or (op.end_date is not None and day > op.end_date):
        issues.append(Issue(ErrorCode.RULE_VIOLATION, pointer, f"EORI {eori} is not valid on {day}"))
    if kind.established and not op.established_in_union:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, pointer,
                            f"a {kind.code} decision is for persons established in the customs territory of the Union"))
    return issues


def _cooling_off_issues(conn: Connection, applicant: str, kind: DecisionType, day: date) -> list[Issue]:
    """No application for the same purpose within a year of a revocation for failing an obligation, three years for
    AEO or after an annulment (Art. 11(1)(d) and (2) DA)."""
    same = AEO_TYPES if kind.is_aeo else frozenset({kind.code})
    rows = conn.execute(select(D).where(D.c.holder == applicant, D.c.decision_type.in_(same),
                                        D.c.state.in_((REVOKED, ANNULLED)))).mappings()
    issues = []
    for r in rows:
        ended = r["ended_on"]
        if ended is None:
            continue
        if r["state"] == ANNULLED and ended > _years_before(day, 3):
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/applicant",
                                f"decision {r['reference']} for the same purpose was annulled on {ended}: no new "
                                f"application within three years (Art. 11(2) DA)"))
        elif r["state"] == REVOKED and r["revocation_ground"] == "obligation_not_fulfilled":
            years = 3 if kind.is_aeo else 1
            if ended > _years_before(day, years):
                issues.append(Issue(ErrorCode.RULE_VIOLATION, "/applicant",
                                    f"decision {r['reference']} for the same purpose was revoked on {ended} for failing "
                                    f"an obligation: no new application within {years} year(s) (Art. 11(1)(d) DA)"))
    return issues


def lodge(conn: Connection, principal: Principal, application: DecisionApplication,
          *, refdata: RefData | None = None) -> Application:
    """Lodge an application: every rule is checked and every problem listed before anything is stored.
    Counted as an application (RES 3.1): system ``AEO`` for AEO types, ``CDS`` otherwise, key the member state."""
    kind = TYPES[application.decision_type]
    if principal.role is Role.PUBLIC:
        raise Forbidden("applications are lodged with a token")
    if principal.role is Role.TRADER and principal.eori != application.applicant:
        raise Forbidden("a trader applies for decisions addressed to its own EORI")
    country = application.country or (principal.country if principal.role is Role.OFFICER else application.applicant[:2])
    if principal.role is Role.OFFICER and country != principal.country:
        raise Forbidden(f"{principal.country}'s customs authority lodges applications with itself, not with {country}'s")
    today = _today()
    issues: list[Issue] = []
    if country not in EORI_PREFIXES:
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/country", f"{country!r} is not a member state (EU27 or XI)"))
    countries: list[str] | None
    if kind.union_wide:
        countries = None
        if application.countries:
            issues.append(Issue(ErrorCode.NOT_ALLOWED, "/countries",
                                "AEO status is recognised in every member state (Art. 38(4) UCC): give no geographical validity"))
    else:
        countries = application.countries or [country]
        for i, c in enumerate(countries):
            if c not in EORI_PREFIXES:
                issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"/countries/{i}", f"{c!r} is not a member state (EU27 or XI)"))
        if country not in countries:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/countries", f"the geographical validity includes the competent member state {country}"))
        if not kind.multi_state and len(countries) > 1:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/countries", f"a {kind.code} decision is valid in one member state only"))
        if len(countries) < kind.min_states:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/countries",
                                f"{kind.title.lower()} involves at least {kind.min_states} member states: give the others"))
    for i, c in enumerate(application.consult):
        if c not in EORI_PREFIXES:
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"/consult/{i}", f"{c!r} is not a member state (EU27 or XI)"))
        elif c == country:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, f"/consult/{i}", "the competent member state does not consult itself"))
    issues += _operator_issues(conn, application.applicant, kind, today, "/applicant")
    if kind.requires_goods and not application.goods:
        issues.append(Issue(ErrorCode.MISSING, "/goods", f"a {kind.code} application lists the goods (CN codes)"))
    if application.goods:
        refdata = refdata or refdata_for(conn)
        for i, g in enumerate(application.goods):
            if not refdata.is_valid_goods_code(g.cn_code, today):
                issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"/goods/{i}/cn_code", f"{g.cn_code} is not a CN code in force on {today}"))
    if kind.requires_amount and application.guarantee_amount is None:
        issues.append(Issue(ErrorCode.MISSING, "/guarantee_amount", "a comprehensive guarantee application gives the reference amount"))
    elif not kind.requires_amount and application.guarantee_amount is not None:
        issues.append(Issue(ErrorCode.NOT_ALLOWED, "/guarantee_amount", f"a {kind.code} application has no reference amount"))
    elif application.guarantee_amount is not None:
        if application.guarantee_amount.amount <= 0:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/guarantee_amount/amount", "the reference amount must be positive"))
        if not application.guarantee_amount.currency.isalpha():
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/guarantee_amount/currency", "not an ISO 4217 currency code"))
    if kind.requires_location and not application.location:
        issues.append(Issue(ErrorCode.MISSING, "/location", f"a {kind.code} application gives the premises or place concerned"))
    if application.customs_office:
        refdata = refdata or refdata_for(conn)
        office = refdata.office(application.customs_office, today)
        if office is None:
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/customs_office", f"{application.customs_office} is not a customs office"))
        elif application.customs_office[:2] != country:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/customs_office", f"{application.customs_office} is not an office of {country}"))
        elif kind.office_role and kind.office_role not in office.roles:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/customs_office",
                                f"{application.customs_office} is not competent for {kind.code} authorisations (role {kind.office_role})"))
    issues += _cooling_off_issues(conn, application.applicant, kind, today)
    open_same = conn.execute(select(A.c.reference).where(
        A.c.applicant == application.applicant, A.c.decision_type == kind.code, A.c.country == country,
        A.c.state.in_(OPEN_APPLICATION_STATES))).scalar()
    if open_same:
        issues.append(Issue(ErrorCode.DUPLICATE, "/decision_type", f"application {open_same} for the same decision is still open"))
    if issues:
        raise Rejected(issues, "the application was rejected")

    moment = now()
    reference = allocate_application_reference(conn, country, kind.code, today.year)
    details = {
        "goods": [g.model_dump(mode="json") for g in application.goods],
        "guarantee_amount": application.guarantee_amount.model_dump(mode="json") if application.guarantee_amount else None,
        "location": application.location,
        "requested_start": application.requested_start.isoformat() if application.requested_start else None,
        "consult": application.consult,
    }
    conn.execute(insert(A).values(
        reference=reference, decision_type=kind.code, applicant=application.applicant, country=country,
        countries=countries, customs_office=application.customs_office, description=application.description,
        details=details, publication_consent=application.publication_consent, state=LODGED, lodged_on=today,
        complete_on=None, info_due=None, accepted_on=None, hearing_on=None, hearing_grounds=None, comment_on=None,
        comment=None, decided_on=None, decision_reference=None, outcome_reason=None, lodged_by=principal.name,
        lodged_at=moment, updated_at=moment, version=1,
    ))
    _event(conn, reference, "lodge", principal, {"decision_type": kind.code, "country": country})
    telemetry.count(conn, AEO_SYSTEM if kind.is_aeo else SYSTEM, telemetry.APPLICATIONS, country)
    return _application(conn, _load_application(conn, reference))  # type: ignore[arg-type]


# -- steps on an application ------------------------------------------------------------------------------------

def _save(conn: Connection, row: dict[str, Any], **values: Any) -> dict[str, Any]:
    conn.execute(update(A).where(A.c.reference == row["reference"]).values(
        **values, version=row["version"] + 1, updated_at=now()))
    return _load_application(conn, row["reference"])  # type: ignore[return-value]


def show_application(conn: Connection, principal: Principal, reference: str) -> Application:
    return _application(conn, _open_application(conn, principal, reference))


def request_information(conn: Connection, principal: Principal, reference: str, body: InformationRequest) -> Application:
    """Ask the applicant for what is missing: before acceptance within at most 30 days (Art. 12(2) IA); after
    acceptance, extending the time-limit for the decision by the period given (Art. 13(1) DA)."""
    row = _open_application(conn, principal, reference, for_update=True)
    _may_decide(principal, row["country"])
    state = next_application_state(row["reference"], row["state"], "request_information")
    today = _today()
    due = period_end(today, body.days)
    if state == INCOMPLETE:
        row = _save(conn, row, state=state, info_due=due)
    else:
        conn.execute(insert(X).values(application=row["reference"], ground="information", days=body.days,
                                      reason=body.reason, recorded_on=today, by=principal.name))
        row = _save(conn, row)
    _event(conn, row["reference"], "request_information", principal, {"reason": body.reason, "due": due})
    _notify(conn, row["applicant"], "CDS_INFORMATION_REQUESTED", row["reference"], reason=body.reason, due=due)
    return _application(conn, row)


def supplement(conn: Connection, principal: Principal, reference: str, body: Supplement) -> Application:
    """The applicant supplies information asked for (or more); before acceptance, the application is then complete."""
    row = _open_application(conn, principal, reference, for_update=True)
    _for_applicant(principal, row)
    state = next_application_state(row["reference"], row["state"], "supplement")
    today = _today()
    if row["state"] == INCOMPLETE:
        if row["info_due"] is not None and today > row["info_due"]:
            raise Rejected.one(ErrorCode.RULE_VIOLATION, "/information",
                               f"the information was due by {row['info_due']}: the application is not accepted (Art. 12(2) IA)")
        row = _save(conn, row, state=state, complete_on=today, info_due=None)
    else:
        row = _save(conn, row)
    _event(conn, row["reference"], "supplement", principal, {"information": body.information})
    return _application(conn, row)


def accept(conn: Connection, principal: Principal, reference: str) -> Application:
    """Accept the application (Art. 22(2) UCC). After the 30 days it was deemed accepted on the day it was lodged or
    completed (Art. 12(3) IA), and that is its date of acceptance. The other member states concerned are consulted."""
    row = _open_application(conn, principal, reference, for_update=True)
    _may_decide(principal, row["country"])
    state = next_application_state(row["reference"], row["state"], "accept")
    today = _today()
    limits = _limits(conn, row, today)
    accepted_on = limits["deemed_accepted_on"] or today
    row = _save(conn, row, state=state, accepted_on=accepted_on)
    kind = _kind(row)
    others = [c for c in (row["countries"] or []) if c != row["country"]]
    others += [c for c in (row["details"] or {}).get("consult", []) if c not in others and c != row["country"]]
    for c in others:
        conn.execute(insert(C).values(application=row["reference"], country=c, requested_on=today,
                                      due_on=period_end(today, kind.consultation_days)))
    due = _limits(conn, row, today)["decision_due"]
    _event(conn, row["reference"], "accept", principal, {"accepted_on": accepted_on, "decision_due": due, "consulted": others})
    _notify(conn, row["applicant"], "CDS_ACCEPTED", row["reference"], accepted_on=accepted_on, decision_due=due)
    return _application(conn, row)


def not_accept(conn: Connection, principal: Principal, reference: str, body: Reason) -> Application:
    """The conditions for accepting the application are not fulfilled (Art. 11 DA, Art. 12(2) IA)."""
    row = _open_application(conn, principal, reference, for_update=True)
    _may_decide(principal, row["country"])
    state = next_application_state(row["reference"], row["state"], "not_accept")
    row = _save(conn, row, state=state, decided_on=_today(), outcome_reason=body.reason)
    _event(conn, row["reference"], "not_accept", principal, {"reason": body.reason})
    _notify(conn, row["applicant"], "CDS_NOT_ACCEPTED", row["reference"], reason=body.reason)
    return _application(conn, row)


def withdraw(conn: Connection, principal: Principal, reference: str, body: Reason) -> Application:
    row = _open_application(conn, principal, reference, for_update=True)
    _for_applicant(principal, row)
    state = next_application_state(row["reference"], row["state"], "withdraw")
    row = _save(conn, row, state=state, outcome_reason=body.reason)
    _event(conn, row["reference"], "withdraw", principal, {"reason": body.reason})
    return _application(conn, row)


def consult(conn: Connection, principal: Principal, reference: str, body: ConsultationRequest) -> Application:
    """Consult one more member state on the conditions and criteria (Art. 14 IA; AEO: Art. 31 IA)."""
    row = _open_application(conn, principal, reference, for_update=True)
    _may_decide(principal, row["country"])
    next_application_state(row["reference"], row["state"], "consult")
    issues = []
    if body.country not in EORI_PREFIXES:
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/country", f"{body.country!r} is not a member state (EU27 or XI)"))
    elif body.country == row["country"]:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/country", "the competent member state does not consult itself"))
    elif body.country in _consulted(conn, row["reference"]):
        issues.append(Issue(ErrorCode.DUPLICATE, "/country", f"{body.country} is already consulted"))
    if issues:
        raise Rejected(issues, "the consultation was rejected")
    today = _today()
    due = period_end(today, body.days or _kind(row).consultation_days)
    conn.execute(insert(C).values(application=row["reference"], country=body.country, requested_on=today, due_on=due))
    row = _save(conn, row)
    _event(conn, row["reference"], "consult", principal, {"country": body.country, "due": due})
    return _application(conn, row)


def answer_consultation(conn: Connection, principal: Principal, reference: str, country: str,
                        body: ConsultationAnswer) -> Application:
    """The consulted member state's officer agrees or objects, within the time-limit; after it, the consulted
    authority is deemed to have agreed."""
    country = country.strip().upper()
    row = _open_application(conn, principal, reference, for_update=True)
    if not (principal.role is Role.COMMISSION or (principal.role is Role.OFFICER and principal.country == country)):
        raise Forbidden(f"the consultation is answered by {country}'s customs authority")
    consultation = conn.execute(select(C).where(C.c.application == row["reference"], C.c.country == country)).mappings().first()
    if consultation is None:
        raise NotFound("consultation", f"{row['reference']}/{country}")
    next_application_state(row["reference"], row["state"], "answer_consultation")
    today = _today()
    issues = []
    if consultation["answer"]:
        issues.append(Issue(ErrorCode.DUPLICATE, "/agree", f"{country} already answered: {consultation['answer']}"))
    elif today > consultation["due_on"]:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/agree",
                            f"the consultation ended on {consultation['due_on']}: {country} is deemed to have agreed"))
    if not body.agree and not body.reason:
        issues.append(Issue(ErrorCode.MISSING, "/reason", "an objection gives the conditions or criteria not fulfilled"))
    if issues:
        raise Rejected(issues, "the answer to the consultation was rejected")
    answer = "agreed" if body.agree else "objected"
    conn.execute(update(C).where(C.c.application == row["reference"], C.c.country == country).values(
        answer=answer, answered_on=today, answered_by=principal.name, reason=body.reason))
    row = _save(conn, row)
    _event(conn, row["reference"], "answer_consultation", principal, {"country": country, "answer": answer, "reason": body.reason})
    return _application(conn, row)


def extend(conn: Connection, principal: Principal, reference: str, body: Extension) -> Application:
    """Extend the time-limit for the decision, before it expires, informing the applicant (Art. 22(3) UCC)."""
    row = _open_application(conn, principal, reference, for_update=True)
    _may_decide(principal, row["country"])
    next_application_state(row["reference"], row["state"], "extend")
    kind = _kind(row)
    today = _today()
    limits = _limits(conn, row, today)
    issues = []
    if limits["decision_due"] is not None and today > limits["decision_due"]:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/", f"the time-limit expired on {limits['decision_due']}: "
                                                         "it is extended before it expires"))
    done = _extensions(conn, row["reference"])
    if body.ground == "authority":
        if any(e["ground"] == "authority" for e in done):
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/ground", "the authority takes a further period once"))
        if body.days > kind.extension_days:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/days",
                                f"the further period for a {kind.code} decision is at most {kind.extension_days} days"))
    elif body.ground == "information" and body.days > 30:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/days", "information is asked for within at most 30 days (Art. 13(1) DA)"))
    elif body.ground == "investigation":
        used = sum(e["days"] for e in done if e["ground"] == "investigation")
        if used + body.days > INVESTIGATION_MAX_DAYS:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/days",
                                f"investigations extend the time-limit by at most nine months ({INVESTIGATION_MAX_DAYS} days); "
                                f"{used} are used"))
    elif body.ground == "applicant" and body.days > APPLICANT_MAX_DAYS:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/days", f"at most {APPLICANT_MAX_DAYS} days at a time"))
    if issues:
        raise Rejected(issues, "the extension was rejected")
    conn.execute(insert(X).values(application=row["reference"], ground=body.ground, days=body.days, reason=body.reason,
                                  recorded_on=today, by=principal.name))
    row = _save(conn, row)
    due = _limits(conn, row, today)["decision_due"]
    _event(conn, row["reference"], "extend", principal, {"ground": body.ground, "days": body.days, "decision_due": due})
    _notify(conn, row["applicant"], "CDS_EXTENDED", row["reference"], ground=body.ground, days=body.days,
            reason=body.reason, decision_due=due)
    return _application(conn, row)


def hear(conn: Connection, principal: Principal, reference: str, body: Hearing) -> Application:
    """Communicate the grounds of an intended unfavourable decision: the applicant has 30 days to express its point
    of view (Art. 22(6) UCC, Art. 8 DA), and the time-limit for the decision grows by 30 days (Art. 13 DA)."""
    row = _open_application(conn, principal, reference, for_update=True)
    _may_decide(principal, row["country"])
    state = next_application_state(row["reference"], row["state"], "hear")
    today = _today()
    row = _save(conn, row, state=state, hearing_on=today, hearing_grounds=body.grounds)
    limits = _limits(conn, row, today)
    _event(conn, row["reference"], "hear", principal, {"grounds": body.grounds, "hearing_due": limits["hearing_due"]})
    _notify(conn, row["applicant"], "CDS_HEARING", row["reference"], grounds=body.grounds,
            reply_by=limits["hearing_due"], decision_due=limits["decision_due"])
    return _application(conn, row)


def comment(conn: Connection, principal: Principal, reference: str, body: Comment) -> Application:
    """The applicant's point of view, within the period it was given."""
    row = _open_application(conn, principal, reference, for_update=True)
    _for_applicant(principal, row)
    next_application_state(row["reference"], row["state"], "comment")
    today = _today()
    due = period_end(row["hearing_on"], HEARING_DAYS)
    if today > due:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/comment", f"the period to express a point of view ended on {due}")
    row = _save(conn, row, comment_on=today, comment=body.comment)
    _event(conn, row["reference"], "comment", principal, {"comment": body.comment})
    return _application(conn, row)


def refuse(conn: Connection, principal: Principal, reference: str, body: Refusal) -> Application:
    """Refuse the application: only after the applicant was heard, once it answered or its period ended."""
    row = _open_application(conn, principal, reference, for_update=True)
    _may_decide(principal, row["country"])
    state = next_application_state(row["reference"], row["state"], "refuse")
    today = _today()
    due = period_end(row["hearing_on"], HEARING_DAYS)
    if row["comment_on"] is None and today <= due:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/", f"the applicant may express its point of view until {due} "
                                                         "(Art. 22(6) UCC): decide after it answered or after that day")
    row = _save(conn, row, state=state, decided_on=today, outcome_reason=body.grounds)
    _event(conn, row["reference"], "refuse", principal, {"grounds": body.grounds})
    _notify(conn, row["applicant"], "CDS_REFUSED", row["reference"], grounds=body.grounds)
    return _application(conn, row)


def grant(conn: Connection, principal: Principal, reference: str, body: Grant) -> Decision:
    """Take the decision: after the consultations (answered or their time expired), for the member states that did not
    object; AEO decisions take effect on the fifth day (Art. 29 DA) and are recorded in EOS."""
    row = _open_application(conn, principal, reference, for_update=True)
    _may_decide(principal, row["country"])
    state = next_application_state(row["reference"], row["state"], "grant")
    kind = _kind(row)
    today = _today()
    issues: list[Issue] = []
    objected: list[str] = []
    for c in _consultations(conn, row["reference"], today):
        if c.status == "pending":
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/", f"the consultation of {c.country} runs until {c.due_on}"))
        elif c.status == "objected":
            objected.append(c.country)
            if kind.union_wide:
                issues.append(Issue(ErrorCode.RULE_VIOLATION, "/", f"{c.country} found conditions not fulfilled: {c.reason} "
                                                                   "(hear the applicant and refuse, or have the objection withdrawn)"))
    countries: list[str] | None = None
    if not kind.union_wide:
        applied = row["countries"] or [row["country"]]
        countries = body.countries or [c for c in applied if c not in objected]
        for i, c in enumerate(countries):
            if c not in applied:
                issues.append(Issue(ErrorCode.RULE_VIOLATION, f"/countries/{i}", f"{c} was not applied for"))
            elif c in objected:
                issues.append(Issue(ErrorCode.RULE_VIOLATION, f"/countries/{i}", f"{c} objected: leave it out"))
        if row["country"] not in countries:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/countries", f"the decision is valid in {row['country']}, which takes it"))
        if len(countries) < kind.min_states:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/countries",
                                f"{kind.title.lower()} involves at least {kind.min_states} member states"
                                + (f" ({', '.join(objected)} objected)" if objected else "")))
    elif body.countries:
        issues.append(Issue(ErrorCode.NOT_ALLOWED, "/countries", "AEO status is recognised in every member state"))
    earliest = today + timedelta(days=kind.effect_delay_days)
    requested = (row["details"] or {}).get("requested_start")
    valid_from = body.valid_from or max(earliest, date.fromisoformat(requested) if requested else earliest)
    if valid_from < earliest:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/valid_from",
                            f"the decision takes effect on {earliest} at the earliest"
                            + (" (the fifth day after it is taken, Art. 29 DA)" if kind.effect_delay_days else " (Art. 22(4) UCC)")))
    if body.valid_to is not None and body.valid_to < valid_from:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/valid_to", f"valid_to {body.valid_to} is before valid_from {valid_from}"))
    issues += _operator_issues(conn, row["applicant"], kind, valid_from, "/")
    if kind.requires_aeoc and holds(conn, row["applicant"], "AEOC", as_of=valid_from) is None:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/", f"the holder of a {kind.code} decision is an AEO for customs "
                                                           f"simplifications (Art. 179(2) UCC): {row['applicant']} holds no "
                                                           f"AEOC or AEOF on {valid_from}"))
    if issues:
        raise Rejected(issues, "the decision cannot be taken")
    number = allocate_decision_reference(conn, row["country"], kind.code)
    details = {k: v for k, v in (row["details"] or {}).items() if k in ("goods", "guarantee_amount", "location") and v}
    conn.execute(insert(D).values(
        reference=number, application=row["reference"], decision_type=kind.code, holder=row["applicant"],
        country=row["country"], countries=countries, customs_office=row["customs_office"], decided_on=today,
        valid_from=valid_from, valid_to=body.valid_to, state=VALID, ends_on=None, ended_on=None,
        revocation_ground=None, status_reason=None, conditions=body.conditions, details=details,
        publication_consent=row["publication_consent"], decided_by=principal.name, updated_at=now(), version=1,
    ))
    _save(conn, row, state=state, decided_on=today, decision_reference=number)
    decision = _load_decision(conn, number)
    assert decision is not None
    _sync_eos(conn, principal, decision)
    _event(conn, row["reference"], "grant", principal, {"valid_from": valid_from, "valid_to": body.valid_to,
                                                        "countries": countries}, decision=number)
    _notify(conn, row["applicant"], "CDS_DECISION", row["reference"], decision=number, decision_type=kind.code,
            valid_from=valid_from, valid_to=body.valid_to)
    return _decision(conn, decision)


# -- decisions --------------------------------------------------------------------------------------------------

def _sync_eos(conn: Connection, principal: Principal, row: dict[str, Any]) -> None:
    """Show an AEO decision's validity in EOS (the EORI look-up shows AEO status). EOS keeps one period per
    decision: a suspension, revocation or annulment ends it the day before."""
    if row["decision_type"] not in AEO_TYPES:
        return
    ends = []
    if row["state"] == ANNULLED and row["ended_on"]:
        ends.append(row["ended_on"])
    if row["ends_on"] is not None:
        ends.append(row["ends_on"])
    if row["state"] == SUSPENDED:
        open_ = [s["suspended_from"] for s in _suspensions(conn, row["reference"]) if s["lifted_on"] is None]
        ends += open_
    valid_to = row["valid_to"]
    if ends:
        last = min(ends) - timedelta(days=1)
        valid_to = last if valid_to is None else min(valid_to, last)
        valid_to = max(valid_to, row["valid_from"])
    who = principal if principal.role in (Role.OFFICER, Role.COMMISSION) else _CDS_PRINCIPAL
    try:
        eos.record_aeo(conn, who, row["holder"], AeoRecord(aeo_type=row["decision_type"], decision_reference=row["reference"],
                                                           valid_from=row["valid_from"], valid_to=valid_to))
    except IncorrectState:
        pass  # the EORI's registration has ended: EOS no longer reports the operator as valid anyway


def _save_decision(conn: Connection, row: dict[str, Any], **values: Any) -> dict[str, Any]:
    conn.execute(update(D).where(D.c.reference == row["reference"]).values(
        **values, version=row["version"] + 1, updated_at=now()))
    return _load_decision(conn, row["reference"])  # type: ignore[return-value]


def show_decision(conn: Connection, principal: Principal, reference: str) -> Decision:
    return _decision(conn, _open_decision(conn, principal, reference))


def suspend(conn: Connection, principal: Principal, reference: str, body: Reason) -> Decision:
    """Suspend the decision (e.g. while grounds for annulment or revocation are examined; AEO: Art. 30 DA)."""
    row = _open_decision(conn, principal, reference, for_update=True)
    _may_decide(principal, row["country"])
    state = next_decision_state(row["reference"], row["state"], "suspend")
    today = _today()
    conn.execute(insert(S).values(decision=row["reference"], suspended_from=today, lifted_on=None, reason=body.reason))
    row = _save_decision(conn, row, state=state, status_reason=body.reason)
    _sync_eos(conn, principal, row)
    _event(conn, row["application"], "suspend", principal, {"reason": body.reason}, decision=row["reference"])
    _notify(conn, row["holder"], "CDS_SUSPENDED", row["reference"], reason=body.reason, suspended_from=today)
    return _decision(conn, row)


def reinstate(conn: Connection, principal: Principal, reference: str, body: Reason) -> Decision:
    """Lift the suspension: the decision applies again from today."""
    row = _open_decision(conn, principal, reference, for_update=True)
    _may_decide(principal, row["country"])
    state = next_decision_state(row["reference"], row["state"], "reinstate")
    today = _today()
    conn.execute(update(S).where(S.c.decision == row["reference"], S.c.lifted_on.is_(None)).values(lifted_on=today))
    row = _save_decision(conn, row, state=state, status_reason=body.reason)
    _sync_eos(conn, principal, row)
    _event(conn, row["application"], "reinstate", principal, {"reason": body.reason}, decision=row["reference"])
    _notify(conn, row["holder"], "CDS_REINSTATED", row["reference"], reason=body.reason)
    return _decision(conn, row)


def revoke(conn: Connection, principal: Principal, reference: str, body: Revocation) -> Decision:
    """Revoke the decision from ``effective`` (default today; deferred by at most a year, Art. 28(4) UCC). The holder
    may ask for it itself (Art. 28(1)(b) UCC)."""
    row = _open_decision(conn, principal, reference, for_update=True)
    if principal.role is Role.TRADER:
        if body.ground != "holder_request":
            raise Forbidden("the holder asks for a revocation with the ground holder_request")
    else:
        _may_decide(principal, row["country"])
    state = next_decision_state(row["reference"], row["state"], "revoke")
    today = _today()
    effective = body.effective or today
    issues = []
    if effective < today:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/effective", "a revocation applies from today at the earliest "
                                                                    "(annul a decision that should never have applied)"))
    elif effective > today + timedelta(days=REVOCATION_DEFERRAL_DAYS):
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/effective", "a revocation is deferred by at most one year (Art. 28(4) UCC)"))
    if issues:
        raise Rejected(issues, "the revocation was rejected")
    row = _save_decision(conn, row, state=state, ends_on=effective, ended_on=today, revocation_ground=body.ground,
                         status_reason=body.reason)
    _sync_eos(conn, principal, row)
    _event(conn, row["application"], "revoke", principal, {"ground": body.ground, "reason": body.reason,
                                                           "effective": effective}, decision=row["reference"])
    _notify(conn, row["holder"], "CDS_REVOKED", row["reference"], ground=body.ground, reason=body.reason, effective=effective)
    return _decision(conn, row)


def annul(conn: Connection, principal: Principal, reference: str, body: Reason) -> Decision:
    """Annul the decision (taken on incorrect or incomplete information, Art. 27 UCC): it never applied."""
    row = _open_decision(conn, principal, reference, for_update=True)
    _may_decide(principal, row["country"])
    state = next_decision_state(row["reference"], row["state"], "annul")
    row = _save_decision(conn, row, state=state, ended_on=_today(), status_reason=body.reason)
    _sync_eos(conn, principal, row)
    _event(conn, row["application"], "annul", principal, {"reason": body.reason}, decision=row["reference"])
    _notify(conn, row["holder"], "CDS_ANNULLED", row["reference"], reason=body.reason)
    return _decision(conn, row)


# -- listing ----------------------------------------------------------------------------------------------------

def list_applications(conn: Connection, principal: Principal, *, state: str | None = None,
                      decision_type: str | None = None, applicant: str | None = None, overdue: bool | None = None,
                      limit: int = 50, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
    """Applications the caller may see, newest first, with their time-limits (``overdue``: the decision's)."""
    if principal.role is Role.PUBLIC:
        raise Forbidden("applications are listed with a token")
    q = select(A)
    if principal.role is Role.TRADER:
        q = q.where(A.c.applicant == principal.eori)
    if state:
        q = q.where(A.c.state == state)
    if decision_type:
        q = q.where(A.c.decision_type == decision_type.upper())
    if applicant:
        q = q.where(A.c.applicant == applicant.strip().upper())
    today = _today()
    consulted: dict[str, set[str]] = {}
    if principal.role is Role.OFFICER:
        for ref, c in conn.execute(select(C.c.application, C.c.country).where(C.c.country == principal.country)):
            consulted.setdefault(ref, set()).add(c)
    items = []
    for r in conn.execute(q.order_by(A.c.lodged_at.desc(), A.c.reference.desc())).mappings():
        row = dict(r)
        if not _sees_application(principal, row, consulted.get(row["reference"], set())):
            continue
        limits = _limits(conn, row, today)
        if overdue is not None and limits["decision_overdue"] != overdue:
            continue
        items.append({"reference": row["reference"], "decision_type": row["decision_type"], "applicant": row["applicant"],
                      "country": row["country"], "state": row["state"], "lodged_on": row["lodged_on"],
                      "accepted_on": row["accepted_on"] or limits["deemed_accepted_on"],
                      "decision_due": limits["decision_due"], "decision_overdue": limits["decision_overdue"],
                      "decision_reference": row["decision_reference"]})
    return len(items), items[offset:offset + limit]


def list_decisions(conn: Connection, principal: Principal, *, holder: str | None = None, decision_type: str | None = None,
                   state: str | None = None, limit: int = 50, offset: int = 0) -> tuple[int, list[Decision]]:
    if principal.role is Role.PUBLIC:
        raise Forbidden("decisions are listed with a token; the public looks one up by its number")
    q = select(D)
    if principal.role is Role.TRADER:
        q = q.where(D.c.holder == principal.eori)
    if holder:
        q = q.where(D.c.holder == holder.strip().upper())
    if decision_type:
        q = q.where(D.c.decision_type == decision_type.upper())
    if state:
        q = q.where(D.c.state == state)
    rows = [dict(r) for r in conn.execute(q.order_by(D.c.decided_on.desc(), D.c.reference)).mappings()]
    rows = [r for r in rows if _sees_decision(principal, r)]
    return len(rows), [_decision(conn, r) for r in rows[offset:offset + limit]]


# -- for other systems ------------------------------------------------------------------------------------------

def holds(conn: Connection, eori: str, decision_type: str, *, as_of: date, country: str | None = None) -> dict[str, Any] | None:
    """The decision of ``decision_type`` that ``eori`` holds, valid on ``as_of`` (and in ``country`` when given), or
    None. AEOF counts as AEOC and as AEOS; AEO decisions are valid in every member state."""
    types = COVERED_BY.get(decision_type.strip().upper())
    if not types or not isinstance(eori, str):
        return None
    holder = eori.strip().upper()
    country = country.strip().upper() if country else None
    rows = [dict(r) for r in conn.execute(select(D).where(
        D.c.holder == holder, D.c.decision_type.in_(types), D.c.state != ANNULLED,
        D.c.valid_from <= as_of).order_by(D.c.valid_from.desc(), D.c.reference)).mappings()]
    rows.sort(key=lambda r: r["decision_type"] != decision_type.strip().upper())  # the exact type first
    for row in rows:
        if country and row["countries"] is not None and country not in row["countries"]:
            continue
        if _valid_on(row, _suspensions(conn, row["reference"]), as_of):
            return _decision_dict(row)
    return None


def authorisation_problems(conn: Connection, reference: str, *, as_of: date, decision_type: str | None = None,
                           holders: set[str] | frozenset[str] | list[str] | None = None,
                           country: str | None = None) -> list[str]:
    """Why the decision ``reference`` (as declared, e.g. D.E. 2/3 or 3/39) cannot be relied on: empty when it is of
    ``decision_type``, held by one of ``holders``, valid on ``as_of`` and covers ``country``."""
    try:
        number = str(DecisionReference.parse(reference))
    except InvalidIdentifier as exc:
        return [f"{reference!r} is not a decision reference: {exc.reason}"]
    row = _load_decision(conn, number)
    if row is None:
        return [f"no decision {number} exists"]
    problems = []
    if decision_type and row["decision_type"] not in COVERED_BY.get(decision_type.upper(), frozenset()):
        problems.append(f"it is a {row['decision_type']} decision, not {decision_type.upper()}")
    if holders is not None and row["holder"] not in set(holders):
        problems.append(f"it is held by {row['holder']}")
    status = _status_on(row, _suspensions(conn, number), as_of)
    if status != "valid":
        problems.append(f"it is not valid on {as_of} ({status})")
    if country and row["countries"] is not None and country.upper() not in row["countries"]:
        problems.append(f"it is not valid in {country.upper()}")
    return problems


def valid_decision(conn: Connection, reference: str, *, as_of: date, decision_type: str | None = None,
                   holder: str | None = None, country: str | None = None) -> dict[str, Any] | None:
    """The decision ``reference`` if it can be relied on (see :func:`authorisation_problems`), else None."""
    if authorisation_problems(conn, reference, as_of=as_of, decision_type=decision_type,
                              holders={holder} if holder else None, country=country):
        return None
    return _decision_dict(_load_decision(conn, str(DecisionReference.parse(reference))))  # type: ignore[arg-type]


def aeo_status(conn: Connection, eori: str, as_of: date) -> list[str]:
    """The AEO types ``eori`` holds on ``as_of``, e.g. ``["AEOF"]``."""
    holder = eori.strip().upper()
    rows = [dict(r) for r in conn.execute(select(D).where(
        D.c.holder == holder, D.c.decision_type.in_(AEO_TYPES), D.c.state != ANNULLED)).mappings()]
    return sorted({r["decision_type"] for r in rows if _valid_on(r, _suspensions(conn, r["reference"]), as_of)})


def get_decision(conn: Connection, reference: str) -> dict[str, Any]:
    """A decision by number, without access rules (for other systems)."""
    row = _load_decision(conn, str(DecisionReference.parse(reference)))
    if row is None:
        raise NotFound("decision", reference)
    return _decision_dict(row)


# -- the public (DDS) -------------------------------------------------------------------------------------------

def public_lookup(conn: Connection, reference: str, *, on: date | None = None, counted: bool = True) -> dict[str, Any]:
    """A decision by number, as the public may see it: type, issuing and concerned member states, validity and status;
    the holder only if it consented to publication. A malformed number raises :class:`InvalidIdentifier`."""
    number = str(DecisionReference.parse(reference))
    moment = now()
    day = on or moment.date()
    row = _load_decision(conn, number)
    if counted:
        telemetry.count(conn, "dds", telemetry.CONSULTATIONS, DDS_DECISIONS)
    if row is None:
        return {"reference": number, "found": False, "valid": False, "status": "unknown", "checked_at": moment}
    status = _status_on(row, _suspensions(conn, number), day)
    result: dict[str, Any] = {
        "reference": number, "found": True, "valid": status == "valid", "status": status, "on": day,
        "decision_type": row["decision_type"], "title": _kind(row).title, "issuing_country": row["country"],
        "geographical_validity": row["countries"] if row["countries"] is not None else "all member states",
        "valid_from": row["valid_from"], "valid_to": row["valid_to"], "checked_at": moment,
    }
    if row["publication_consent"]:
        result["holder"] = {"eori": row["holder"], "name": _operator_name(conn, row["holder"])}
    return result


def _operator_name(conn: Connection, eori: str) -> str | None:
    try:
        return eos.get(conn, eori).name
    except (NotFound, InvalidIdentifier):
        return None


def public_aeo(conn: Connection, eori: str, *, on: date | None = None, counted: bool = True) -> dict[str, Any]:
    """The public AEO query: the operator's AEO status on ``on``, only for holders who consented to publication; any
    other EORI gets the same answer as one without AEO status. A malformed EORI raises :class:`InvalidIdentifier`."""
    number = str(EORI.parse(eori))
    moment = now()
    day = on or moment.date()
    if counted:
        telemetry.count(conn, "dds", telemetry.CONSULTATIONS, DDS_AEO)
    rows = [dict(r) for r in conn.execute(select(D).where(
        D.c.holder == number, D.c.decision_type.in_(AEO_TYPES), D.c.state != ANNULLED)).mappings()]
    valid = [r for r in rows if r["publication_consent"] and _valid_on(r, _suspensions(conn, r["reference"]), day)]
    if not valid:
        return {"eori": number, "found": False, "aeo": [], "on": day, "checked_at": moment}
    return {"eori": number, "found": True, "aeo": sorted({r["decision_type"] for r in valid}),
            "name": _operator_name(conn, number), "issuing_country": valid[0]["country"],
            "decisions": [{"reference": r["reference"], "decision_type": r["decision_type"], "valid_from": r["valid_from"]}
                          for r in sorted(valid, key=lambda r: r["reference"])],
            "on": day, "checked_at": moment}


# -- counting ---------------------------------------------------------------------------------------------------

def count_valid(conn: Connection, *, on: date | None = None) -> dict[tuple[str, str], int]:
    """Decisions valid on ``on`` per (issuing member state, type)."""
    day = on or _today()
    result: dict[tuple[str, str], int] = {}
    for r in conn.execute(select(D).where(D.c.state != ANNULLED, D.c.valid_from <= day)).mappings():
        row = dict(r)
        if _valid_on(row, _suspensions(conn, row["reference"]), day):
            key = (row["country"], row["decision_type"])
            result[key] = result.get(key, 0) + 1
    return result

