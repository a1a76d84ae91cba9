"""Programme use cases: load a transcribed dataset, read indicators and values, run the data-quality checks, and
record a year's activity data (actions, meetings, participants, training, survey answers, incidents), published
values and PICS figures.

Who may do what (docs/programme.md): the Commission manages everything. A national programme coordinator is an
officer of its country: it records its own country's data only (the actions its country leads, the meetings it hosts,
its participants, survey answers, training and incidents). Every authenticated user reads the indicators, the
published values, the checks and the report; the public reads nothing here (the report is published by the
Commission). Raw survey answers and incidents are seen by the Commission and by the country they belong to.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import (
    ErrorCode,
    Forbidden,
    Issue,
    NotFound,
    Rejected,
    Unauthenticated,
)
from eucustoms.platform.auth import Principal, Role

from . import dataset as datasets
from . import loader
from .checks import CheckReport, run_checks
from .messages import (
    ActionRecord,
    IncidentRecord,
    MeetingRecord,
    ParticipantsRecord,
    PicsRecord,
    SurveyRecord,
    TrainingRecord,
    ValueRecord,
)
from .model import (
    Dataset,
    Dimension,
    Item,
    Result,
    fmt,
    indicator_id,
    jsonable,
    short_id,
)
from .store import programme_action as A
from .store import programme_breakdown as B
from .store import programme_incident as INC
from .store import programme_indicator as IND
from .store import programme_meeting as M
from .store import programme_participation as PA
from .store import programme_pics as PI
from .store import programme_result as R
from .store import programme_survey as SV
from .store import programme_training as T

READERS = (Role.TRADER, Role.OFFICER, Role.COMMISSION)


# -- access --------------------------------------------------------------------------------------------------------

def require_reader(principal: Principal) -> None:
    if principal.role not in READERS:
        raise Unauthenticated("the programme's data is read with a token")


def require_commission(principal: Principal, what: str) -> None:
    if principal.role is not Role.COMMISSION:
        raise Forbidden(f"only the Commission {what}")


def check_country(principal: Principal, country: str | None, what: str) -> None:
    """The Commission records for every country; a coordinator (officer) only for its own."""
    if principal.role is Role.COMMISSION:
        return
    if principal.role is Role.OFFICER:
        if country and country == principal.country:
            return
        whose = country or "the Commission"
        raise Forbidden(f"the programme coordinator of {principal.country} records {what} of {principal.country} only, not of {whose}")
    raise Forbidden("only the Commission and the national programme coordinators record programme data")


# -- the dataset ---------------------------------------------------------------------------------------------------

def load_dataset(conn: Connection, principal: Principal, path: str | Path | None = None) -> dict[str, Any]:
    """Load a transcribed dataset (default: the shipped 2024 report); loading it again changes nothing."""
    require_commission(principal, "loads the programme's datasets")
    doc, digest = datasets.read(path)
    counts = loader.load(conn, doc, digest, by=principal.name)
    return {"dataset": doc.get("dataset"), "year": doc["year"], "digest": digest,
            "file": str(path or datasets.shipped()), "loaded": counts}


def read_dataset(conn: Connection, principal: Principal, year: int) -> Dataset:
    require_reader(principal)
    return loader.read_dataset(conn, year)


def years(conn: Connection) -> list[int]:
    found = {r[0] for r in conn.execute(select(R.c.year).distinct())}
    found |= {r[0] for r in conn.execute(select(T.c.year).distinct())}
    found |= {r[0] for r in conn.execute(select(SV.c.year).distinct())}
    found |= {d.year for d in conn.execute(select(M.c.start_date)).scalars()}
    return sorted(found)


def result_view(ds: Dataset, ident: str) -> dict[str, Any] | None:
    res = ds.results.get(ident)
    derived = ds.derived.get(ident)
    shown = res or derived
    if shown is None:
        return None
    view = _result_dict(shown)
    if res is not None and derived is not None:
        view["from_records"] = _result_dict(derived)
    return view


def _result_dict(r: Result) -> dict[str, Any]:
    return jsonable({
        "year": r.year, "value": r.value, "printed": r.printed, "period": r.period, "origin": r.origin,
        "narrative": r.narrative, "source": r.source, "claims": [c.as_dict() for c in r.claims],
        "breakdowns": [{**d.as_dict(), "items": [{"key": i.key, "label": i.label, "value": i.value, "printed": i.printed,
                                                  "unit": i.unit, "share": i.share, "share_printed": i.share_printed,
                                                  "parent": i.parent, "system": i.system, "line": i.line}
                                                 for i in r.items_of(d.name)]}
                       for d in r.dimensions],
    })


def indicator_views(ds: Dataset, *, level: str | None = None) -> list[dict[str, Any]]:
    out = []
    for ind in ds.ordered():
        if level and ind.level != level.upper():
            continue
        prev = ds.previous.get(ind.id)
        out.append(jsonable({
            "id": ind.id, "short": ind.short, "label": ind.label, "name": ind.name, "level": ind.level, "unit": ind.unit,
            "direction": ind.direction, "source": ind.source, "live": ind.live, "disaggregation": ind.disaggregation,
            "target": ind.target.as_dict() if ind.target else None,
            "milestones": {str(y): m for y, m in ind.milestones.items()}, "notes": ind.notes,
            "result": result_view(ds, ind.id),
            "previous": {"year": prev.year, "value": prev.value, "printed": prev.printed} if prev else None,
        }))
    return out


def indicators(conn: Connection, principal: Principal, year: int, *, level: str | None = None) -> list[dict[str, Any]]:
    ds = read_dataset(conn, principal, year)
    return indicator_views(ds, level=level)


def indicator(conn: Connection, principal: Principal, ident: str, year: int) -> dict[str, Any]:
    ds = read_dataset(conn, principal, year)
    key = indicator_id(ident)
    found = [v for v in indicator_views(ds) if v["id"] == key]
    if not found:
        raise NotFound("indicator", ident)
    return found[0]


def check(conn: Connection, principal: Principal, year: int, only: list[str] | None = None) -> CheckReport:
    ds = read_dataset(conn, principal, year)
    return run_checks(ds, only)


# -- recording --------------------------------------------------------------------------------------------------------

def _stamp(principal: Principal) -> dict[str, Any]:
    return {"recorded_by": principal.name, "recorded_at": now()}


def record_action(conn: Connection, principal: Principal, rec: ActionRecord) -> dict[str, Any]:
    check_country(principal, rec.lead_country, "collaborative actions")
    existing = conn.execute(select(A).where(A.c.reference == rec.reference)).mappings().first()
    values = rec.model_dump()
    if existing:
        check_country(principal, existing["lead_country"], "collaborative actions")
        conn.execute(update(A).where(A.c.reference == rec.reference).values(**{k: v for k, v in values.items() if k != "reference"},
                                                                             updated_at=now()))
    else:
        moment = now()
        conn.execute(insert(A).values(**values, recorded_by=principal.name, recorded_at=moment, updated_at=moment))
    return _row(conn, A, A.c.reference, rec.reference)


def record_meeting(conn: Connection, principal: Principal, rec: MeetingRecord) -> dict[str, Any]:
    check_country(principal, rec.host_country, "meetings")
    issues: list[Issue] = []
    if not conn.execute(select(A.c.reference).where(A.c.reference == rec.action)).first():
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/action", f"no collaborative action {rec.action} is recorded"))
    for country in (rec.participants or {}):
        if principal.role is Role.OFFICER and country != principal.country:
            issues.append(Issue(ErrorCode.NOT_ALLOWED, f"/participants/{country}",
                                f"the programme coordinator of {principal.country} records the participants of {principal.country} only"))
    if issues:
        raise Rejected(issues, "the meeting was rejected")
    existing = conn.execute(select(M).where(M.c.reference == rec.reference)).mappings().first()
    values = rec.model_dump(exclude={"participants"})
    values["end_date"] = values["end_date"] or values["start_date"]
    if existing:
        check_country(principal, existing["host_country"], "meetings")
        conn.execute(update(M).where(M.c.reference == rec.reference).values(**{k: v for k, v in values.items() if k != "reference"}))
    else:
        conn.execute(insert(M).values(**values, **_stamp(principal)))
    for country, n in (rec.participants or {}).items():
        _participants(conn, principal, rec.reference, country, n)
    out = _row(conn, M, M.c.reference, rec.reference)
    out["participants"] = {r.country: r.participants for r in conn.execute(select(PA).where(PA.c.meeting == rec.reference))}
    return out


def _participants(conn: Connection, principal: Principal, meeting: str, country: str, n: int) -> None:
    conn.execute(delete(PA).where(PA.c.meeting == meeting, PA.c.country == country))
    conn.execute(insert(PA).values(meeting=meeting, country=country, participants=n, **_stamp(principal)))


def record_participants(conn: Connection, principal: Principal, rec: ParticipantsRecord) -> dict[str, Any]:
    check_country(principal, rec.country, "participants")
    if not conn.execute(select(M.c.reference).where(M.c.reference == rec.meeting)).first():
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/meeting", f"no meeting {rec.meeting} is recorded")
    _participants(conn, principal, rec.meeting, rec.country, rec.participants)
    return {"meeting": rec.meeting, "country": rec.country, "participants": rec.participants}


def record_training(conn: Connection, principal: Principal, rec: TrainingRecord) -> dict[str, Any]:
    check_country(principal, rec.country, "training")
    issues = []
    if rec.kind != "elearning" and rec.languages:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/languages", "language versions are recorded for eLearning courses"))
    for field in ("start_date", "end_date"):
        d = getattr(rec, field)
        if d is not None and d.year != rec.year:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, f"/{field}", f"{d} is not in {rec.year}"))
    if issues:
        raise Rejected(issues, "the training record was rejected")
    conn.execute(delete(T).where(T.c.reference == rec.reference, T.c.country == rec.country))
    conn.execute(insert(T).values(**rec.model_dump(mode="json") | {"start_date": rec.start_date, "end_date": rec.end_date},
                                  **_stamp(principal)))
    return _row(conn, T, T.c.reference, rec.reference, T.c.country, rec.country)


def record_survey(conn: Connection, principal: Principal, rec: SurveyRecord) -> dict[str, Any]:
    check_country(principal, rec.country, "survey answers")
    for question, answer in rec.answers.items():
        conn.execute(delete(SV).where(SV.c.year == rec.year, SV.c.country == rec.country, SV.c.question == question))
        conn.execute(insert(SV).values(year=rec.year, country=rec.country, question=question, answer=answer, **_stamp(principal)))
    return survey_answers(conn, principal, rec.year, rec.country)


def survey_answers(conn: Connection, principal: Principal, year: int, country: str | None = None) -> dict[str, Any]:
    if principal.role is not Role.COMMISSION:
        check_country(principal, country, "survey answers")
    q = select(SV).where(SV.c.year == year)
    if country:
        q = q.where(SV.c.country == country)
    answers: dict[str, dict[str, Any]] = {}
    for r in conn.execute(q.order_by(SV.c.country, SV.c.question)).mappings():
        answers.setdefault(r["country"], {})[r["question"]] = r["answer"]
    return {"year": year, "answers": answers} if not country else {"year": year, "country": country, "answers": answers.get(country, {})}


def record_incident(conn: Connection, principal: Principal, rec: IncidentRecord) -> dict[str, Any]:
    check_country(principal, rec.country, "incidents")
    existing = conn.execute(select(INC).where(INC.c.reference == rec.reference)).mappings().first()
    if existing:
        check_country(principal, existing["country"], "incidents")
        conn.execute(delete(INC).where(INC.c.reference == rec.reference))
    conn.execute(insert(INC).values(**rec.model_dump(), **_stamp(principal)))
    return _row(conn, INC, INC.c.reference, rec.reference)


def record_value(conn: Connection, principal: Principal, rec: ValueRecord) -> dict[str, Any]:
    """Publish a value for an indicator and year (replaces an earlier one, the dataset's included)."""
    require_commission(principal, "records the values published for the indicators")
    ident = indicator_id(rec.indicator)
    if not conn.execute(select(IND.c.id).where(IND.c.id == ident)).first():
        raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/indicator", f"unknown indicator {rec.indicator} (load the framework first)")
    unit = conn.execute(select(IND.c.unit).where(IND.c.id == ident)).scalar_one()
    res = Result(indicator_id=ident, year=rec.year, value=rec.value,
                 printed=rec.printed or (f"{fmt(rec.value)}{'%' if unit == '%' else ''}" if rec.value is not None else "—"),
                 narrative=rec.narrative, origin="recorded", source={"recorded": principal.name})
    for b in rec.breakdowns:
        res.dimensions.append(Dimension(b.dimension, b.label or b.dimension, b.aggregate))
        for pos, it in enumerate(b.items):
            res.items.append(Item(b.dimension, it.key, it.label or it.key, it.value,
                                  it.printed or (fmt(it.value) if it.value is not None else "—"), it.unit, position=pos))
    conn.execute(delete(B).where(B.c.indicator_id == ident, B.c.year == rec.year))
    conn.execute(delete(R).where(R.c.indicator_id == ident, R.c.year == rec.year))
    conn.execute(insert(R).values(**loader._result_row(res, principal.name, now())))
    if res.items:
        conn.execute(insert(B), [loader._item_row(res, it) for it in res.items])
    return {"indicator": ident, "short": short_id(ident), **_result_dict(res)}


def record_pics(conn: Connection, principal: Principal, rec: PicsRecord) -> dict[str, Any]:
    require_commission(principal, "records the PICS figures")
    conn.execute(delete(PI).where(PI.c.year == rec.year, PI.c.measure == rec.measure, PI.c.dimension == rec.dimension,
                                  PI.c.key == rec.key))
    conn.execute(insert(PI).values(**rec.model_dump(), **_stamp(principal)))
    return rec.model_dump()


def records(conn: Connection, principal: Principal, year: int) -> dict[str, Any]:
    """The activity data recorded for ``year`` that the caller may see: everything for the Commission; for a
    coordinator the actions and meetings (shared), and its own country's participants, training, answers, incidents."""
    if principal.role not in (Role.OFFICER, Role.COMMISSION):
        raise Forbidden("the recorded activity data is for the Commission and the national programme coordinators")
    own = None if principal.role is Role.COMMISSION else principal.country
    first, last = date(year, 1, 1), date(year, 12, 31)
    meetings = [_clean(r) for r in conn.execute(select(M).where(M.c.start_date >= first, M.c.start_date <= last).order_by(M.c.start_date, M.c.reference)).mappings()]
    refs = {m["action"] for m in meetings}
    actions = [_clean(r) for r in conn.execute(select(A).where((A.c.reference.in_(refs)) | ((A.c.start_date <= last) & ((A.c.end_date.is_(None)) | (A.c.end_date >= first)))).order_by(A.c.reference)).mappings()]
    pq = select(PA).where(PA.c.meeting.in_([m["reference"] for m in meetings]))
    tq = select(T).where(T.c.year == year)
    iq = select(INC).where(INC.c.opened_at >= _utc(first), INC.c.opened_at < _utc(date(year + 1, 1, 1)))
    if own:
        pq, tq, iq = pq.where(PA.c.country == own), tq.where(T.c.country == own), iq.where(INC.c.country == own)
    return {"year": year, "actions": actions, "meetings": meetings,
            "participants": [_clean(r) for r in conn.execute(pq.order_by(PA.c.meeting, PA.c.country)).mappings()],
            "training": [_clean(r) for r in conn.execute(tq.order_by(T.c.reference, T.c.country)).mappings()],
            "incidents": [_clean(r) for r in conn.execute(iq.order_by(INC.c.opened_at)).mappings()],
            "survey": survey_answers(conn, principal, year, own)["answers"] if not own else
                      {own: survey_answers(conn, principal, year, own)["answers"]}}


def _utc(d: date):  # noqa: ANN202
    from datetime import datetime, timezone

    return datetime(d.year, d.month, d.day, tzinfo=timezone.utc)


def _clean(row: Any) -> dict[str, Any]:
    return jsonable({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in dict(row).items()})


def _row(conn: Connection, table: Any, col: Any, key: Any, col2: Any = None, key2: Any = None) -> dict[str, Any]:
    q = select(table).where(col == key)
    if col2 is not None:
        q = q.where(col2 == key2)
    return _clean(conn.execute(q).mappings().one())
