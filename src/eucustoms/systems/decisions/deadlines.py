"""The time-limits of an application, computed from what happened to it (never scheduled jobs).

Periods are counted as Regulation (EEC, Euratom) No 1182/71 counts periods expressed in days: the period starts
on the day after the event and ends at the end of its last day; a last day that is a Saturday or a Sunday moves
to the following Monday. Public holidays are not modelled (the box has no holiday calendar).

========================  ==========================================================================
time-limit                rule
========================  ==========================================================================
acceptance                30 days after receipt of the (complete) application (Art. 22(2) UCC); when
                          nobody told the applicant, the application is deemed accepted on the day it
                          was lodged or completed (Art. 12(3) IA)
missing information       the authority sets at most 30 days (Art. 12(2) IA)
decision                  120 days after acceptance (Art. 22(3) UCC), or the type's own (30 days for
                          inward/outward processing, end use and temporary admission, 60 for customs
                          warehousing, Art. 171 DA; when the decision involves several member states the
                          box applies the general 120 days), plus every extension and 30 days when the
                          applicant was heard (Art. 13 DA)
right to be heard         30 days from the communication of the grounds (Art. 22(6) UCC, Art. 8 DA)
consultation              the consulted authority's time-limit from the day it was consulted: AEO 80
                          days (Art. 31 IA), centralised clearance 45 days (Art. 229 IA as the box
                          reads it), otherwise 30 days set by the competent authority (Art. 14 IA);
                          no answer in time counts as agreement
========================  ==========================================================================
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterable

from .codes import ACCEPTANCE_DAYS, HEARING_DAYS, DecisionType


def period_end(start: date, days: int) -> date:
    """The last day of a period of ``days`` days starting the day after ``start`` (Reg. 1182/71)."""
    end = start + timedelta(days=days)
    while end.weekday() >= 5:
        end += timedelta(days=1)
    return end


def decision_days(kind: DecisionType, countries: Iterable[str] | None) -> int:
    """The base time-limit for the decision: the type's, or the general 120 days when several member states are
    involved."""
    several = countries is not None and len(set(countries)) > 1
    return max(kind.decision_days, 120) if several else kind.decision_days


def time_limits(row: dict[str, Any], kind: DecisionType, extensions: list[dict[str, Any]], today: date) -> dict[str, Any]:
    """Every time-limit of the application ``row`` as of ``today``, with what is overdue."""
    received = row["complete_on"] or row["lodged_on"]
    acceptance_due = period_end(received, ACCEPTANCE_DAYS)
    state = row["state"]
    accepted_on = row["accepted_on"]
    deemed_on = None
    if accepted_on is None and state == "lodged" and today > acceptance_due:
        deemed_on = received  # Art. 12(3) IA: deemed accepted on the day of lodging (or of the last information)
    start = accepted_on or deemed_on
    base = decision_days(kind, row["countries"])
    extended = sum(e["days"] for e in extensions)
    heard = HEARING_DAYS if row["hearing_on"] else 0
    decision_due = period_end(start, base + extended + heard) if start else None
    hearing_due = period_end(row["hearing_on"], HEARING_DAYS) if row["hearing_on"] else None
    open_ = state in ("lodged", "incomplete", "accepted", "hearing")
    return {
        "acceptance_due": acceptance_due if accepted_on is None else None,
        "deemed_accepted_on": deemed_on,
        "information_due": row["info_due"] if state == "incomplete" else None,
        "decision_days": base,
        "extended_by_days": extended,
        "hearing_extension_days": heard,
        "decision_due": decision_due,
        "hearing_due": hearing_due,
        "acceptance_overdue": accepted_on is None and state == "lodged" and today > acceptance_due,
        "decision_overdue": bool(open_ and decision_due and today > decision_due),
        "as_of": today,
    }
