"""Indicators computed from the activity data recorded in the box for a year: collaborative actions and meetings
(OP 2.1.1, OP 2.1.2), training (OP 2.2.1-3), support incidents (OP 1.4.1-2), the survey of the administrations (OP 3.1
and the RES scores) and PICS (RES 2.2.2-4). What the Activity Reporting Tool, the learning portal, the service desk
and the survey give the Commission, computed the same way every year (docs/programme.md)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select

from eucustoms.core.clock import now

from .messages import AWARENESS_SCORE, QUESTIONS, RESOLUTION_HOURS
from .model import Dimension, Indicator, Item, Result, fmt
from .store import programme_action as A
from .store import programme_incident as INC
from .store import programme_meeting as M
from .store import programme_participation as PA
from .store import programme_pics as PI
from .store import programme_survey as SV
from .store import programme_training as T

HUNDRED = Decimal(100)
AREA_LABELS = {"union_law": "Union law and policy application and implementation", "best_practices": "Best practices and guidelines",
               "cooperation": "Customs cooperation", "competency": "Human competency building", "innovation": "Innovation",
               "it_capacity": "IT capacity building", "programme_management": "Programme management", "other": "Other"}
LEVEL_LABELS = {"advanced": "Advanced", "basic": "Basic", "very_basic": "Very basic", "none": "None"}


def _pct(x: Decimal) -> str:
    return f"{fmt(x.quantize(Decimal('0.01')))}%"


def _result(ident: str, year: int, value: Decimal | None, printed: str, source: str, *,
            dims: list[tuple[str, str, str, list[tuple[str, str, Decimal | None, str]]]] = ()) -> Result:  # type: ignore[assignment]
    r = Result(indicator_id=ident, year=year, value=value, printed=printed, origin="records",
               source={"computed": source})
    for name, label, aggregate, items in dims:
        r.dimensions.append(Dimension(name, label, aggregate))
        for pos, (key, item_label, v, p) in enumerate(items):
            r.items.append(Item(dimension=name, key=key, label=item_label, value=v, printed=p, position=pos))
    return r


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def meetings_of(conn: Connection, year: int) -> list[dict[str, Any]]:
    first, last = _year_bounds(year)
    return [dict(r) for r in conn.execute(select(M).where(M.c.start_date >= first, M.c.start_date <= last,
                                                          M.c.status == "operational")).mappings()]


def activity_figures(conn: Connection, year: int) -> dict[str, Any]:
    """What Annex 2's figures 1-4 show, from the records: participants per country, actions and participants per
    activity type, meetings per format."""
    meetings = meetings_of(conn, year)
    refs = [m["reference"] for m in meetings]
    per_country: Counter[str] = Counter()
    per_meeting: Counter[str] = Counter()
    if refs:
        for r in conn.execute(select(PA.c.meeting, PA.c.country, PA.c.participants).where(PA.c.meeting.in_(refs))):
            per_country[r.country] += r.participants
            per_meeting[r.meeting] += r.participants
    actions = {r["reference"]: dict(r) for r in conn.execute(select(A).where(A.c.reference.in_({m["action"] for m in meetings}))).mappings()} if meetings else {}
    kinds: dict[str, dict[str, int]] = defaultdict(lambda: {"actions": 0, "participants": 0})
    for ref, a in actions.items():
        kinds[a["kind"]]["actions"] += 1
    for m in meetings:
        a = actions.get(m["action"])
        if a:
            kinds[a["kind"]]["participants"] += per_meeting.get(m["reference"], 0)
    return {"participants_by_country": dict(sorted(per_country.items())), "activity_types": dict(sorted(kinds.items())),
            "meetings_by_format": dict(Counter(m["format"] for m in meetings)), "meetings": len(meetings),
            "participants": sum(per_country.values())}


def respondents(conn: Connection, year: int) -> int:
    return int(conn.execute(select(func.count(func.distinct(SV.c.country))).where(SV.c.year == year)).scalar_one())


def derive(conn: Connection, year: int, indicators: dict[str, Indicator] | None = None) -> dict[str, Result]:
    """The indicators the year's recorded activity data give (only those with data)."""
    out: dict[str, Result] = {}
    _collaboration(conn, year, out)
    _training(conn, year, out)
    _incidents(conn, year, out)
    _survey(conn, year, out)
    _pics(conn, year, out)
    if indicators is not None:
        out = {k: v for k, v in out.items() if k in indicators}
    return out


def _collaboration(conn: Connection, year: int, out: dict[str, Result]) -> None:
    meetings = meetings_of(conn, year)
    if not meetings:
        return
    figures = activity_figures(conn, year)
    action_refs = sorted({m["action"] for m in meetings})
    areas: Counter[str] = Counter()
    for r in conn.execute(select(A.c.reference, A.c.areas).where(A.c.reference.in_(action_refs))):
        for area in set(r.areas or []):
            areas[area] += 1
    out["OP 2.1 sub-indicator 1"] = _result(
        "OP 2.1 sub-indicator 1", year, Decimal(len(action_refs)), fmt(len(action_refs)),
        f"{len(action_refs)} collaborative actions with at least one meeting in {year}",
        dims=[("area", "By area of action", "overlap",
               [(k, AREA_LABELS.get(k, k), Decimal(n), fmt(n)) for k, n in sorted(areas.items())])])
    by_area = Counter("union_law" if m["area"] == "union_law" else "other" for m in meetings)
    by_format = Counter(m["format"] for m in meetings)
    out["OP 2.1 sub-indicator 2"] = _result(
        "OP 2.1 sub-indicator 2", year, Decimal(len(meetings)), fmt(len(meetings)),
        f"{len(meetings)} operational meetings recorded for {year}",
        dims=[("area", "By area", "sum", [("union_law", "Union law", Decimal(by_area["union_law"]), fmt(by_area["union_law"])),
                                          ("other", "Best practices, innovation and other", Decimal(by_area["other"]), fmt(by_area["other"]))]),
              ("format", "By type of meeting", "sum",
               [(f, f.capitalize(), Decimal(by_format[f]), fmt(by_format[f])) for f in ("hybrid", "online", "physical")]),
              ("participants", "Participants", "none",
               [("total", "Number of participants", Decimal(figures["participants"]), fmt(figures["participants"]))])])


def _training(conn: Connection, year: int, out: dict[str, Result]) -> None:
    rows = [dict(r) for r in conn.execute(select(T).where(T.c.year == year)).mappings()]
    if not rows:
        return
    english = national = 0
    for r in rows:
        if r["kind"] == "elearning":
            langs = r["languages"] or []
            english += sum(1 for lang in langs if lang == "en")
            national += sum(1 for lang in langs if lang != "en")
    if english or national:
        total = english + national
        out["OP 2.2 sub-indicator 1"] = _result(
            "OP 2.2 sub-indicator 1", year, Decimal(total), fmt(total), "language versions of the eLearning courses recorded",
            dims=[("language", "By language", "sum", [("english", "English versions", Decimal(english), fmt(english)),
                                                      ("national", "National languages", Decimal(national), fmt(national))])])
    by_kind: Counter[str] = Counter()
    customs = operators = 0
    for r in rows:
        people = r["customs_officials"] + r["economic_operators"] + r["other_professionals"]
        by_kind[r["kind"]] += people
        customs += r["customs_officials"]
        operators += r["economic_operators"] + r["other_professionals"]
    total = sum(by_kind.values())
    if total:
        out["OP 2.2 sub-indicator 2"] = _result(
            "OP 2.2 sub-indicator 2", year, Decimal(total), fmt(total), f"people trained in the {len(rows)} training records",
            dims=[("training", "By type of training", "sum",
                   [(k, {"clep": "CLEP", "it_training": "IT training", "elearning": "eLearning courses"}[k], Decimal(by_kind[k]), fmt(by_kind[k]))
                    for k in ("clep", "it_training", "elearning")]),
                  ("professional", "By type of professionals", "sum",
                   [("customs_officials", "Customs officials trained", Decimal(customs), fmt(customs)),
                    ("economic_operators", "Economic operators and other third parties trained", Decimal(operators), fmt(operators))])])
    rated = [r["quality"] for r in rows if r["kind"] == "elearning" and r["quality"]]
    if rated:
        aspects = {}
        for aspect in ("content", "methodology", "technology"):
            values = [Decimal(str(q[aspect])) for q in rated if aspect in q]
            if values:
                aspects[aspect] = sum(values) / len(values)
        if aspects:
            mean = sum(aspects.values()) / len(aspects)
            out["OP 2.2 sub-indicator 3"] = _result(
                "OP 2.2 sub-indicator 3", year, mean.quantize(Decimal("0.1")), f"{fmt(mean.quantize(Decimal('0.1')))}%",
                f"evaluations of {len(rated)} eLearning records",
                dims=[("aspect", "By specific aspects", "mean",
                       [(k, k.capitalize(), v.quantize(Decimal("0.1")), f"{fmt(v.quantize(Decimal('0.1')))}%") for k, v in aspects.items()])])


def _incidents(conn: Connection, year: int, out: dict[str, Result]) -> None:
    first = datetime(year, 1, 1, tzinfo=timezone.utc)
    last = datetime(year + 1, 1, 1, tzinfo=timezone.utc)
    rows = [dict(r) for r in conn.execute(select(INC).where(INC.c.opened_at >= first, INC.c.opened_at < last)).mappings()]
    if not rows:
        return
    moment = now()
    judged = on_time = 0
    for r in rows:
        due = r["due_at"] or (r["opened_at"] + timedelta(hours=RESOLUTION_HOURS[r["category"]])
                              if r["category"] in RESOLUTION_HOURS else None)
        if due is None:
            continue  # best effort: no deadline
        if r["resolved_at"] is not None:
            judged += 1
            on_time += r["resolved_at"] <= due
        elif moment > due:
            judged += 1  # still open after its deadline: late
    if judged:
        share = Decimal(on_time) / judged * HUNDRED
        out["OP 1.4 sub-indicator 1"] = _result("OP 1.4 sub-indicator 1", year, share.quantize(Decimal("0.01")), _pct(share),
                                               f"{on_time} of {judged} incidents with a deadline resolved on time")
    rated = [r["satisfaction"] for r in rows if r["satisfaction"]]
    if rated:
        mean = Decimal(sum(rated)) / len(rated)
        out["OP 1.4 sub-indicator 2"] = _result("OP 1.4 sub-indicator 2", year, mean.quantize(Decimal("0.01")),
                                               fmt(mean.quantize(Decimal("0.01"))), f"{len(rated)} ratings of the support")


def _survey(conn: Connection, year: int, out: dict[str, Result]) -> None:
    answers: dict[str, list[Any]] = defaultdict(list)
    for r in conn.execute(select(SV.c.question, SV.c.answer).where(SV.c.year == year)):
        answers[r.question].append(r.answer)
    if not answers:
        return
    levels = answers.get("awareness") or []
    if levels:
        n = len(levels)
        counts = Counter(levels)
        average = sum((AWARENESS_SCORE[level] for level in levels), Decimal(0)) / n * HUNDRED
        out["OP 3 sub-indicator 1"] = _result(
            "OP 3 sub-indicator 1", year, average.quantize(Decimal("0.01")), _pct(average),
            f"awareness reported by {n} administrations (none 0, very basic 1/3, basic 2/3, advanced 1)",
            dims=[("level", "By level of awareness", "shares",
                   [(k, LEVEL_LABELS[k], (Decimal(counts[k]) / n * HUNDRED).quantize(Decimal("0.01")),
                     _pct(Decimal(counts[k]) / n * HUNDRED)) for k in ("advanced", "basic", "very_basic", "none")])])
    for question, (kind, ident, wording) in QUESTIONS.items():
        if kind != "score" or not ident or not answers.get(question):
            continue
        scores = [Decimal(str(a)) for a in answers[question]]
        mean = sum(scores) / len(scores)
        out[ident] = _result(ident, year, mean.quantize(Decimal("0.01")), _pct(mean),
                             f"mean agreement of {len(scores)} administrations: {wording}")


def _pics(conn: Connection, year: int, out: dict[str, Result]) -> None:
    rows = [dict(r) for r in conn.execute(select(PI).where(PI.c.year == year, ~PI.c.recorded_by.like("dataset:%"))).mappings()]
    if not rows:
        return
    for measure, ident, unit in (("groups", "RES 2.2 sub-indicator 2", "groups"), ("active_users", "RES 2.2 sub-indicator 3", "users"),
                                 ("interactions", "RES 2.2 sub-indicator 4", "interactions")):
        mine = [r for r in rows if r["measure"] == measure]
        if not mine:
            continue
        headline = next((r["value"] for r in mine if r["dimension"] == ""), None)
        dims: dict[str, list[tuple[str, str, Decimal | None, str]]] = defaultdict(list)
        for r in mine:
            if r["dimension"]:
                dims[r["dimension"]].append((r["key"], r["key"], Decimal(r["value"]), fmt(r["value"])))
        if headline is None and "scope" in dims:
            headline = sum(int(v) for _, _, v, _ in dims["scope"])  # type: ignore[arg-type]
        out[ident] = _result(ident, year, Decimal(headline) if headline is not None else None,
                             fmt(headline) if headline is not None else "—", f"PICS {measure} recorded for {year}",
                             dims=[(d, d, "sum" if d in ("scope", "category") else "none", items) for d, items in dims.items()])
