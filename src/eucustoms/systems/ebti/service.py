"""EBTI use cases: lodge, accept, decide, refuse, annul and revoke; consult; the holder's obligation of use
(:func:`valid_bti`); the public look-up (DDS2-EBTI) and the recording of ended validity (:func:`refresh`).

Time limits (Art. 22 UCC): an application is accepted within 30 days of its receipt, the decision is taken within
120 days of acceptance. A decision is valid for three years from the day it takes effect (Art. 33(3) UCC) and
ceases earlier when its code leaves the nomenclature (Art. 34(1)(a)), on revocation (Art. 34(5)-(7), 28) or,
with retroactive effect, on annulment (Art. 27). Rows carry ``last_day``, the earliest of these ends, so that
"valid on D" is one indexed comparison; the recorded ``status`` catches up with the calendar in :func:`refresh`
(and whenever the decision is touched), while every answer computes the state on the day asked for.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import ErrorCode, Forbidden, InvalidIdentifier, Issue, NotFound, Rejected
from eucustoms.core.identifiers import EORI, EORI_PREFIXES
from eucustoms.platform import telemetry
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.db import next_value

from . import DDS_SERVICE, SYSTEM, nomenclature
from .messages import (
    Application,
    ApplicationPage,
    Attachment,
    BtiApplicationRequest,
    BtiDecision,
    DecisionPage,
    DecisionRequest,
    EndRequest,
    PublicBti,
    PublicPage,
    Validity,
)
from .references import ApplicationReference, BTIReference
from .states import (
    ANNULLED,
    CEASED,
    EXPIRED,
    LODGED,
    REVOKED,
    VALID,
    next_application_state,
    next_decision_state,
)
from .store import ebti_application as A
from .store import ebti_decision as D
from .store import ebti_history as H
from .store import ebti_term as T
from .terms import query_terms, terms

ACCEPTANCE_DAYS = 30  # Art. 22(2) UCC
DECISION_DAYS = 120  # Art. 22(3) UCC
VALIDITY_YEARS = 3  # Art. 33(3) UCC
NOT_YET_VALID = "not_yet_valid"
_DAY = timedelta(days=1)


def three_years(start: date) -> date:
    """The last day of a validity of three years from ``start``: the day before the same date three years on
    (a decision taking effect on 29 February ends on 28 February)."""
    try:
        anniversary = start.replace(year=start.year + VALIDITY_YEARS)
    except ValueError:  # 29 February
        anniversary = date(start.year + VALIDITY_YEARS, 3, 1)
    return anniversary - _DAY


def _today() -> date:
    return now().date()


# -- access ----------------------------------------------------------------------------------------------------

def _may_see_application(principal: Principal, row: dict[str, Any]) -> bool:
    """A trader sees the applications it holds or lodged as representative; an officer those lodged with its
    member state; the Commission all."""
    if principal.role is Role.COMMISSION:
        return True
    if principal.role is Role.OFFICER:
        return principal.country == row["member_state"]
    if principal.role is Role.TRADER:
        return principal.eori is not None and principal.eori in (row["holder_eori"], row["representative_eori"])
    return False


def _may_see_decision(principal: Principal, row: dict[str, Any]) -> bool:
    """A BTI binds the customs authorities of every member state: every officer reads every decision in full.
    A trader reads the decisions it holds (or applied for as representative)."""
    if principal.role in (Role.COMMISSION, Role.OFFICER):
        return True
    if principal.role is Role.TRADER:
        return principal.eori is not None and principal.eori in (row["holder_eori"], row["representative_eori"])
    return False


def _check_may_decide(principal: Principal, member_state: str) -> None:
    """Only the customs authority of the member state the application was lodged with (or the Commission,
    administering the box) takes, annuls or revokes its decisions."""
    if principal.role is Role.COMMISSION:
        return
    if principal.role is Role.OFFICER and principal.country == member_state:
        return
    if principal.role is Role.OFFICER:
        raise Forbidden(f"BTI matters of {member_state} are for {member_state}'s customs authority, not for {principal.country}")
    raise Forbidden("only customs authorities take BTI decisions")


# -- plumbing --------------------------------------------------------------------------------------------------

def _history(conn: Connection, subject: str, version: int, action: str, principal: Principal, reason: str | None,
             changes: dict[str, Any]) -> None:
    conn.execute(insert(H).values(subject=subject, version=version, action=action, changed_by=principal.name,
                                  changed_at=now(), reason=reason, changes=changes))


def _lock(conn: Connection, q):  # noqa: ANN001, ANN202
    return q.with_for_update() if conn.dialect.name == "postgresql" else q


def _application_row(conn: Connection, principal: Principal, reference: str, *, for_update: bool = False) -> dict[str, Any]:
    ref = str(ApplicationReference.parse(reference))
    q = select(A).where(A.c.reference == ref)
    row = conn.execute(_lock(conn, q) if for_update else q).mappings().first()
    if row is None or not _may_see_application(principal, row):
        # The same answer for an unknown application and for one the caller may not see.
        raise NotFound("BTI application", ref)
    return dict(row)


def _decision_row(conn: Connection, reference: str, *, for_update: bool = False) -> dict[str, Any]:
    ref = str(BTIReference.parse(reference))
    q = select(D).where(D.c.reference == ref)
    row = conn.execute(_lock(conn, q) if for_update else q).mappings().first()
    if row is None:
        raise NotFound("BTI", ref)
    return dict(row)


def _language_issue(language: str | None, pointer: str) -> Issue | None:
    import pycountry

    if language and pycountry.languages.get(alpha_2=language) is None:
        return Issue(ErrorCode.CODELIST_VIOLATION, pointer, f"{language!r} is not an ISO 639-1 language code")
    return None


def _attachment_issues(attachments: list[Attachment], pointer: str) -> list[Issue]:
    seen: dict[str, int] = {}
    issues = []
    for i, a in enumerate(attachments):
        if a.sha256 in seen:
            issues.append(Issue(ErrorCode.DUPLICATE, f"{pointer}/{i}/sha256",
                                f"the same file (sha256 {a.sha256[:12]}…) is already attachment {seen[a.sha256]}"))
        seen.setdefault(a.sha256, i)
    return issues


def _to_application(row: dict[str, Any]) -> Application:
    return Application(
        reference=row["reference"], state=row["state"], member_state=row["member_state"], holder=row["holder_eori"],
        representative=row["representative_eori"], goods_description=row["goods_description"],
        commercial_denomination=row["commercial_denomination"], proposed_code=row["proposed_code"],
        attachments=[Attachment(**a) for a in row["attachments"] or []], samples=row["samples"],
        confidential=list(row["confidential"] or []), language=row["language"], lodged_at=row["lodged_at"],
        acceptance_due=row["acceptance_due"], accepted_at=row["accepted_at"], decision_due=row["decision_due"],
        closed_at=row["closed_at"], state_reason=row["state_reason"], bti_reference=row["bti_reference"],
        version=row["version"],
    )


def status_on(row: dict[str, Any], day: date) -> str:
    """The state of a decision on ``day``, whatever its recorded status has caught up with."""
    if row["status"] == ANNULLED:
        return ANNULLED
    if day < row["valid_from"]:
        return NOT_YET_VALID
    if day <= row["last_day"]:
        return VALID
    return _end_kind(row)


def _end_kind(row: dict[str, Any]) -> str:
    """Why a decision's validity ended on its ``last_day``: revoked, ceased (the code left the nomenclature) or
    expired (three years)."""
    if row["ended_on"] is not None and row["last_day"] == row["ended_on"]:
        return REVOKED
    if row["code_valid_to"] is not None and row["last_day"] == row["code_valid_to"] and row["code_valid_to"] < row["valid_to"]:
        return CEASED
    return EXPIRED


def _to_decision(row: dict[str, Any], day: date) -> BtiDecision:
    return BtiDecision(
        reference=row["reference"], application_reference=row["application_reference"],
        member_state=row["member_state"], holder=row["holder_eori"], code=row["code"],
        goods_description=row["goods_description"], commercial_denomination=row["commercial_denomination"],
        attachments=[Attachment(**a) for a in row["attachments"] or []], confidential=list(row["confidential"] or []),
        justification=row["justification"], keywords=list(row["keywords"] or []), language=row["language"],
        decided_at=row["decided_at"], valid_from=row["valid_from"], valid_to=row["valid_to"],
        code_valid_to=row["code_valid_to"], ended_on=row["ended_on"], last_day=row["last_day"], status=row["status"],
        status_on=status_on(row, day), on=day, end_reason=row["end_reason"], version=row["version"],
    )


def _to_public(row: dict[str, Any], day: date) -> PublicBti:
    hidden = set(row["confidential"] or [])
    return PublicBti(
        reference=row["reference"], issuing_country=row["member_state"], code=row["code"],
        goods_description=row["goods_description"],
        commercial_denomination=None if "commercial_denomination" in hidden else row["commercial_denomination"],
        attachments=[] if "attachments" in hidden else [Attachment(**a) for a in row["attachments"] or []],
        justification=row["justification"], keywords=list(row["keywords"] or []), language=row["language"],
        valid_from=row["valid_from"], valid_to=row["valid_to"], last_day=row["last_day"],
        status=status_on(row, day), on=day,
    )


# -- applications ----------------------------------------------------------------------------------------------

def lodge(conn: Connection, principal: Principal, req: BtiApplicationRequest) -> Application:
    """Lodge an application: a trader for itself or, as representative, for ``holder``; the Commission (the
    box's administrator) for the ``holder`` it names. Every problem is listed; nothing is stored then."""
    if principal.role is Role.TRADER:
        holder = req.holder or principal.eori
        representative = principal.eori if holder != principal.eori else None
    elif principal.role is Role.COMMISSION:
        holder, representative = req.holder, None
    else:
        raise Forbidden("BTI applications are lodged by the applicant (a trader) or its representative")
    today = _today()
    issues: list[Issue] = []
    if not holder:
        issues.append(Issue(ErrorCode.MISSING, "/holder", "give the EORI number of the applicant who will hold the decision"))
    if req.member_state not in EORI_PREFIXES:
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/member_state",
                            f"{req.member_state!r} is not a member state taking BTI decisions (EU27 with GR, or XI)"))
    if req.proposed_code:
        code, issue = nomenclature.parse(req.proposed_code, "/proposed_code")
        issue = issue or nomenclature.problem(conn, code, today, "/proposed_code")  # type: ignore[arg-type]
        if issue:
            issues.append(issue)
    issues += _attachment_issues(req.attachments, "/attachments")
    if (issue := _language_issue(req.language, "/language")) is not None:
        issues.append(issue)
    if issues:
        raise Rejected(issues, "the BTI application was rejected")

    moment = now()
    ms = req.member_state
    reference = str(ApplicationReference.build(ms, moment.year, next_value(conn, f"ebti:app:{ms}:{moment.year}")))
    row = {
        "reference": reference, "member_state": ms, "holder_eori": holder, "representative_eori": representative,
        "lodged_by": principal.name, "goods_description": req.goods_description,
        "commercial_denomination": req.commercial_denomination,
        "proposed_code": nomenclature.normalise(req.proposed_code) if req.proposed_code else None,
        "attachments": [a.model_dump() for a in req.attachments], "samples": req.samples,
        "confidential": sorted(set(req.confidential)), "language": req.language, "state": LODGED,
        "state_reason": None, "lodged_at": moment, "acceptance_due": moment.date() + timedelta(days=ACCEPTANCE_DAYS),
        "accepted_at": None, "decision_due": None, "closed_at": None, "bti_reference": None, "version": 1,
    }
    conn.execute(insert(A).values(row))
    _history(conn, reference, 1, "lodge", principal, None, req.model_dump(mode="json", exclude_none=True))
    telemetry.count(conn, SYSTEM, telemetry.APPLICATIONS, ms)
    return _to_application(row)


def _move_application(conn: Connection, principal: Principal, reference: str, action: str, *, reason: str | None,
                      authority: bool = True, values: dict[str, Any] | None = None) -> Application:
    row = _application_row(conn, principal, reference, for_update=True)
    if authority:
        _check_may_decide(principal, row["member_state"])
    state = next_application_state(row["reference"], row["state"], action)
    version = row["version"] + 1
    changes = {"state": state, **(values or {})}
    conn.execute(update(A).where(A.c.reference == row["reference"]).values(
        state=state, state_reason=reason, version=version, **(values or {})))
    _history(conn, row["reference"], version, action, principal, reason,
             {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in changes.items()})
    return _to_application({**row, **changes, "state_reason": reason, "version": version})


def accept(conn: Connection, principal: Principal, reference: str) -> Application:
    """Accept a complete application: the decision is due within 120 days."""
    moment = now()
    return _move_application(conn, principal, reference, "accept", reason=None,
                             values={"accepted_at": moment, "decision_due": moment.date() + timedelta(days=DECISION_DAYS)})


def not_accept(conn: Connection, principal: Principal, reference: str, reason: str) -> Application:
    """Refuse to accept an application (incomplete, or not admissible)."""
    return _move_application(conn, principal, reference, "not_accept", reason=reason, values={"closed_at": now()})


def refuse(conn: Connection, principal: Principal, reference: str, reason: str) -> Application:
    """A decision refusing the BTI applied for."""
    return _move_application(conn, principal, reference, "refuse", reason=reason, values={"closed_at": now()})


def withdraw(conn: Connection, principal: Principal, reference: str, reason: str) -> Application:
    """The applicant withdraws its application before the decision."""
    if principal.role not in (Role.TRADER, Role.COMMISSION):
        raise Forbidden("only the applicant withdraws its application")
    return _move_application(conn, principal, reference, "withdraw", reason=reason, authority=False,
                             values={"closed_at": now()})


def show_application(conn: Connection, principal: Principal, reference: str) -> Application:
    return _to_application(_application_row(conn, principal, reference))


def search_applications(conn: Connection, principal: Principal, *, state: str | None = None,
                        member_state: str | None = None, holder: str | None = None, limit: int = 50,
                        offset: int = 0) -> ApplicationPage:
    q = select(A)
    if principal.role is Role.TRADER:
        q = q.where(or_(A.c.holder_eori == principal.eori, A.c.representative_eori == principal.eori))
    elif principal.role is Role.OFFICER:
        q = q.where(A.c.member_state == principal.country)
    elif principal.role is not Role.COMMISSION:
        raise Forbidden("BTI applications are not public")
    if state:
        q = q.where(A.c.state == state)
    if member_state:
        q = q.where(A.c.member_state == member_state.upper())
    if holder:
        q = q.where(A.c.holder_eori == str(EORI.parse(holder)))
    total = conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()
    rows = conn.execute(q.order_by(A.c.lodged_at.desc(), A.c.reference).limit(limit).offset(offset)).mappings()
    return ApplicationPage(total=total, limit=limit, offset=offset, items=[_to_application(dict(r)) for r in rows])


# -- decisions -------------------------------------------------------------------------------------------------

def _unique_keywords(keywords: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for k in keywords:
        seen.setdefault(k.casefold(), k)
    return list(seen.values())


def _public_terms(row: dict[str, Any]) -> set[str]:
    hidden = set(row["confidential"] or [])
    return terms(row["goods_description"], *row["keywords"],
                 None if "commercial_denomination" in hidden else row["commercial_denomination"])


def decide(conn: Connection, principal: Principal, reference: str, req: DecisionRequest) -> BtiDecision:
    """Take the BTI decision on an accepted application: the code must exist in the nomenclature on the day the
    decision takes effect; the decision is valid for three years or until the code leaves the nomenclature."""
    app = _application_row(conn, principal, reference, for_update=True)
    _check_may_decide(principal, app["member_state"])
    next_application_state(app["reference"], app["state"], "decide")
    today = _today()
    valid_from = req.valid_from or today
    issues: list[Issue] = []
    if valid_from < today:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/valid_from",
                            f"a decision takes effect on the day it is taken or later, not on {valid_from} (today is {today})"))
    code, issue = nomenclature.parse(req.code, "/code")
    if issue is None:
        issue = nomenclature.problem(conn, code, valid_from, "/code")  # type: ignore[arg-type]
    if issue is not None:
        issues.append(issue)
    if (issue := _language_issue(req.language, "/language")) is not None:
        issues.append(issue)
    if issues:
        raise Rejected(issues, "the BTI decision was rejected")

    moment = now()
    ms = app["member_state"]
    bti = str(BTIReference.build(ms, moment.year, next_value(conn, f"ebti:bti:{ms}:{moment.year}")))
    valid_to = three_years(valid_from)
    code_end = nomenclature.valid_until(conn, code, valid_from)  # type: ignore[arg-type]
    row = {
        "reference": bti, "application_reference": app["reference"], "member_state": ms,
        "holder_eori": app["holder_eori"], "representative_eori": app["representative_eori"], "code": code,
        "goods_description": req.goods_description or app["goods_description"],
        "commercial_denomination": app["commercial_denomination"], "attachments": app["attachments"],
        "confidential": app["confidential"], "justification": req.justification,
        "keywords": _unique_keywords(req.keywords), "language": req.language or app["language"],
        "decided_by": principal.name, "decided_at": moment, "valid_from": valid_from, "valid_to": valid_to,
        "code_valid_to": code_end, "ended_on": None, "last_day": min(valid_to, code_end) if code_end else valid_to,
        "status": VALID, "end_reason": None, "updated_at": moment, "version": 1,
    }
    conn.execute(insert(D).values(row))
    words = _public_terms(row)
    if words:
        conn.execute(insert(T), [{"reference": bti, "term": w} for w in sorted(words)])
    version = app["version"] + 1
    conn.execute(update(A).where(A.c.reference == app["reference"]).values(
        state=next_application_state(app["reference"], app["state"], "decide"), bti_reference=bti, closed_at=moment,
        version=version))
    _history(conn, app["reference"], version, "decide", principal, None, {"bti_reference": bti})
    _history(conn, bti, 1, "decide", principal, None, req.model_dump(mode="json", exclude_none=True))
    return _to_decision(row, today)


def _settle(conn: Connection, principal: Principal, row: dict[str, Any], day: date) -> dict[str, Any]:
    """Record what the calendar decided: a valid BTI whose last day is before ``day`` expires or ceases."""
    if row["status"] != VALID or day <= row["last_day"]:
        return row
    action = "cease" if _end_kind(row) == CEASED else "expire"
    state = next_decision_state(row["reference"], row["status"], action)
    reason = (f"the code {row['code']} is not in the nomenclature after {row['code_valid_to']}" if action == "cease"
              else f"the three years of validity ended on {row['valid_to']}")
    version = row["version"] + 1
    conn.execute(update(D).where(D.c.reference == row["reference"]).values(
        status=state, end_reason=reason, version=version, updated_at=now()))
    _history(conn, row["reference"], version, action, principal, reason, {"last_day": row["last_day"].isoformat()})
    return {**row, "status": state, "end_reason": reason, "version": version}


def annul(conn: Connection, principal: Principal, reference: str, req: EndRequest) -> BtiDecision:
    """Annul a decision (Art. 27 UCC: taken on incorrect or incomplete information): it is as if it had never
    been valid."""
    row = _decision_row(conn, reference, for_update=True)
    _check_may_decide(principal, row["member_state"])
    today = _today()
    row = _settle(conn, principal, row, today)
    state = next_decision_state(row["reference"], row["status"], "annul")
    if req.effective is not None:
        raise Rejected.one(ErrorCode.NOT_ALLOWED, "/effective", "an annulment takes effect from the start of validity: give no date")
    version = row["version"] + 1
    values = {"status": state, "end_reason": req.reason, "last_day": row["valid_from"] - _DAY, "version": version,
              "updated_at": now()}
    conn.execute(update(D).where(D.c.reference == row["reference"]).values(values))
    _history(conn, row["reference"], version, "annul", principal, req.reason, {"status": state})
    return _to_decision({**row, **values}, today)


def revoke(conn: Connection, principal: Principal, reference: str, req: EndRequest) -> BtiDecision:
    """Revoke a decision from ``effective`` (today when omitted): valid until the day before."""
    row = _decision_row(conn, reference, for_update=True)
    _check_may_decide(principal, row["member_state"])
    today = _today()
    row = _settle(conn, principal, row, today)
    state = next_decision_state(row["reference"], row["status"], "revoke")
    effective = req.effective or today
    issues = []
    if effective < today:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/effective", f"a revocation cannot take effect in the past ({effective})"))
    if effective <= row["valid_from"]:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/effective",
                            f"the BTI takes effect on {row['valid_from']}: revoking it from {effective} would leave no "
                            "validity; annul it instead"))
    if effective > row["last_day"]:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/effective", f"the BTI is valid only until {row['last_day']}"))
    if issues:
        raise Rejected(issues, "the revocation was rejected")
    ended_on = effective - _DAY
    version = row["version"] + 1
    values = {"status": state, "end_reason": req.reason, "ended_on": ended_on, "last_day": min(row["last_day"], ended_on),
              "version": version, "updated_at": now()}
    conn.execute(update(D).where(D.c.reference == row["reference"]).values(values))
    _history(conn, row["reference"], version, "revoke", principal, req.reason, {"ended_on": ended_on.isoformat()})
    return _to_decision({**row, **values}, today)


def show_decision(conn: Connection, principal: Principal, reference: str, *, on: date | None = None) -> BtiDecision:
    """A decision in full (holder, confidential data): for its holder and for customs authorities."""
    row = _decision_row(conn, reference)
    if principal.role is Role.PUBLIC:
        raise Forbidden("the public uses the BTI look-up (/ebti/bti)")
    if not _may_see_decision(principal, row):
        raise NotFound("BTI", row["reference"])
    return _to_decision(row, on or _today())


def search_decisions(conn: Connection, principal: Principal, *, holder: str | None = None, code: str | None = None,
                     member_state: str | None = None, status: str | None = None, on: date | None = None,
                     limit: int = 50, offset: int = 0) -> DecisionPage:
    """Decisions in full, for customs authorities (every member state's) and for a trader its own."""
    day = on or _today()
    q = select(D)
    if principal.role is Role.TRADER:
        q = q.where(or_(D.c.holder_eori == principal.eori, D.c.representative_eori == principal.eori))
    elif principal.role not in (Role.OFFICER, Role.COMMISSION):
        raise Forbidden("the public uses the BTI look-up (/ebti/bti)")
    if holder:
        q = q.where(D.c.holder_eori == str(EORI.parse(holder)))
    if code:
        q = q.where(D.c.code.startswith(_code_prefix(code, "query:code"), autoescape=True))
    if member_state:
        q = q.where(D.c.member_state == member_state.upper())
    if status:
        q = q.where(D.c.status == status)
    total = conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()
    rows = conn.execute(q.order_by(D.c.decided_at.desc(), D.c.reference).limit(limit).offset(offset)).mappings()
    return DecisionPage(total=total, limit=limit, offset=offset, items=[_to_decision(dict(r), day) for r in rows])


def history(conn: Connection, principal: Principal, reference: str) -> list[dict[str, Any]]:
    """The changes of an application or a decision, oldest first."""
    text = reference.strip().upper()
    if BTIReference.is_valid(text):
        show_decision(conn, principal, text)
    else:
        text = str(_application_row(conn, principal, text)["reference"])
    rows = conn.execute(select(H).where(H.c.subject == text).order_by(H.c.id)).mappings()
    return [{k: v for k, v in r.items() if k != "id"} for r in rows]


def refresh(conn: Connection, principal: Principal, *, on: date | None = None) -> dict[str, int]:
    """Catch up with the nomenclature and the calendar: recompute when each valid decision's code leaves the
    nomenclature (after new nomenclature data were loaded), then record the decisions that expired or ceased
    by ``on`` (today). Run daily and after each reference data load."""
    if principal.role not in (Role.COMMISSION, Role.OFFICER):
        raise Forbidden("only customs authorities record the end of BTI decisions")
    day = on or _today()
    counts = {"checked": 0, "updated": 0, EXPIRED: 0, CEASED: 0}
    # Valid decisions, and revoked ones whose revocation has not taken effect yet: their code may end first.
    q = select(D).where(or_(D.c.status == VALID, and_(D.c.status == REVOKED, D.c.last_day >= day)))
    if principal.role is Role.OFFICER:
        q = q.where(D.c.member_state == principal.country)
    for found in conn.execute(q.order_by(D.c.reference)).mappings().all():
        row = dict(found)
        counts["checked"] += 1
        code_end = nomenclature.valid_until(conn, row["code"], row["valid_from"])
        last = min(d for d in (row["valid_to"], code_end, row["ended_on"]) if d is not None)
        if code_end != row["code_valid_to"] or last != row["last_day"]:
            conn.execute(update(D).where(D.c.reference == row["reference"]).values(code_valid_to=code_end, last_day=last))
            row.update(code_valid_to=code_end, last_day=last)
            counts["updated"] += 1
        settled = _settle(conn, principal, row, day)
        if settled["status"] != row["status"]:
            counts[settled["status"]] += 1
    return counts


# -- the holder's obligation of use (for the declaration systems) ------------------------------------------------

def _code_prefix(code: str, pointer: str) -> str:
    text = nomenclature.normalise(code)
    if not text.isdigit() or not 2 <= len(text) <= 10:
        raise Rejected.one(ErrorCode.CODELIST_VIOLATION, pointer, f"{code!r} is not a goods code or its start (2 to 10 digits)")
    return text


def _compatible(bti_code: str, goods_code: str) -> bool:
    """The BTI's code and a declared code concern the same line: one is the other or a subdivision of it."""
    return goods_code.startswith(bti_code) or bti_code.startswith(goods_code)


def valid_bti(conn: Connection, holder: str, goods_code: str, as_of: date | None = None) -> list[BtiDecision]:
    """The BTI decisions ``holder`` must use (Art. 33(2) UCC) for goods declared under ``goods_code`` on
    ``as_of`` (today): valid that day, held by ``holder``, with a code equal to the declared one or one
    subdividing it (a CN 8 BTI covers its TARIC codes). Most recent first; empty when there is none."""
    eori = str(EORI.parse(holder))
    code = _code_prefix(goods_code, "/goods_code")
    day = as_of or _today()
    rows = conn.execute(select(D).where(
        D.c.holder_eori == eori, D.c.status != ANNULLED, D.c.valid_from <= day, D.c.last_day >= day,
    ).order_by(D.c.valid_from.desc(), D.c.reference)).mappings().all()
    found = []
    for r in rows:
        row = dict(r)
        if not _compatible(row["code"], code):
            continue
        # The nomenclature may have changed since the decision was last refreshed: check the code as of today.
        code_end = nomenclature.valid_until(conn, row["code"], row["valid_from"])
        if code_end is not None and code_end < day:
            continue
        found.append(_to_decision(row, day))
    return found


def check_declared(conn: Connection, holder: str, reference: str, goods_code: str, as_of: date | None = None,
                   pointer: str = "/bti_reference") -> list[Issue]:
    """Why a declaration of ``holder`` may not quote BTI ``reference`` for goods under ``goods_code`` on
    ``as_of``: unknown, not the holder's, not valid that day, or another code. Empty when it may."""
    try:
        ref = str(BTIReference.parse(reference))
    except InvalidIdentifier as exc:
        return [Issue(ErrorCode.RULE_VIOLATION, pointer, f"{reference!r} is not a BTI reference: {exc.reason}")]
    row = conn.execute(select(D).where(D.c.reference == ref)).mappings().first()
    if row is None or row["holder_eori"] != str(EORI.parse(holder)):
        return [Issue(ErrorCode.RULE_VIOLATION, pointer, f"{ref} is not a BTI held by {holder}")]
    day = as_of or _today()
    issues = []
    state = status_on(dict(row), day)
    if state != VALID:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, pointer, f"BTI {ref} is {state.replace('_', ' ')} on {day}"))
    if not _compatible(row["code"], _code_prefix(goods_code, "/goods_code")):
        issues.append(Issue(ErrorCode.RULE_VIOLATION, pointer,
                            f"BTI {ref} classifies the goods under {row['code']}, not {nomenclature.normalise(goods_code)}"))
    return issues


# -- the public look-up (DDS2-EBTI) ----------------------------------------------------------------------------

def public_search(conn: Connection, *, code: str | None = None, keywords: str | None = None,
                  country: str | None = None, on: date | None = None, validity: Validity = "valid",
                  limit: int = 20, offset: int = 0, counted: bool = True) -> PublicPage:
    """Search decisions by code (start of), keywords (every word must start a word of the description, the
    keywords or a public commercial denomination; case and accents ignored), issuing country and validity on a
    day. Never returns the holder or confidential data. Counted as a consultation."""
    day = on or _today()
    issues: list[Issue] = []
    q = select(D)
    if code:
        text = nomenclature.normalise(code)
        if not text.isdigit() or not 2 <= len(text) <= 10:
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "query:code",
                                f"{code!r} is not a goods code or its start (2 to 10 digits)"))
        else:
            q = q.where(D.c.code.startswith(text))
    if keywords is not None:
        words = query_terms(keywords)
        if not words:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "query:keywords", "give at least one word to search for"))
        for w in words:
            q = q.where(D.c.reference.in_(select(T.c.reference).where(T.c.term.startswith(w, autoescape=True))))
    if country:
        c = country.strip().upper()
        if c not in EORI_PREFIXES:
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "query:country",
                                f"{country!r} is not a member state taking BTI decisions (EU27 with GR, or XI)"))
        q = q.where(D.c.member_state == c)
    if validity not in ("valid", "invalid", "all"):
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "query:validity", "validity is one of valid, invalid, all"))
    if issues:
        raise Rejected(issues, "the BTI search was rejected")
    valid_that_day = and_(D.c.status != ANNULLED, D.c.valid_from <= day, D.c.last_day >= day)
    if validity == "valid":
        q = q.where(valid_that_day)
    elif validity == "invalid":
        q = q.where(~valid_that_day)
    total = conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()
    rows = conn.execute(q.order_by(D.c.valid_from.desc(), D.c.reference).limit(limit).offset(offset)).mappings()
    items = [_to_public(dict(r), day) for r in rows]
    if counted:
        telemetry.count(conn, "dds", telemetry.CONSULTATIONS, DDS_SERVICE)
    return PublicPage(total=total, limit=limit, offset=offset, on=day, items=items)


def public_show(conn: Connection, reference: str, *, on: date | None = None, counted: bool = True) -> PublicBti:
    """One decision in the public look-up, counted as a consultation. A malformed reference is rejected with the
    reason and an unknown one is not found; neither is counted (only answered look-ups are)."""
    ref = str(BTIReference.parse(reference))
    row = conn.execute(select(D).where(D.c.reference == ref)).mappings().first()
    if row is None:
        raise NotFound("BTI", ref)
    if counted:
        telemetry.count(conn, "dds", telemetry.CONSULTATIONS, DDS_SERVICE)
    return _to_public(dict(row), on or _today())
