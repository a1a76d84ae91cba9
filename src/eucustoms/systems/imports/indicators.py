"""IMP 3: the share of import declarations released within one hour of acceptance (Art. 172 → Art. 194 UCC),
for a period and a member state (target: 95 %).

Definition used by the box (see docs/imports.md):

* population: declarations of the member state (office of lodgement) *accepted* in ``[since, until)``,
  not invalidated;
* declarations whose release needed a control (a control decided and performed) are excluded by default, as
  the indicator measures "normal procedures" (``include_controlled=True`` counts them too);
* released within 3 600 s of acceptance → counted as on time; released later, or not released more than an
  hour after acceptance (at ``as_of``, default now) → late; not released and accepted less than an hour
  before ``as_of`` → pending, left out of the share.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, select

from eucustoms.core.clock import now

from . import states
from .store import imp_declaration as D

TARGET = 0.95
LIMIT_SECONDS = 3600.0


def imp3(conn: Connection, country: str, since: datetime, until: datetime, *, include_controlled: bool = False,
         as_of: datetime | None = None) -> dict[str, Any]:
    as_of = as_of or now()
    base = [D.c.country == country.upper(), D.c.accepted_at >= since, D.c.accepted_at < until,
            D.c.state != states.INVALIDATED]
    excluded = 0
    if not include_controlled:
        excluded = conn.execute(select(func.count()).where(*base, D.c.controlled.is_(True))).scalar_one()
        base.append(D.c.controlled.is_(False))
    released = D.c.released_at.is_not(None)
    on_time = conn.execute(select(func.count()).where(*base, released, D.c.release_seconds <= LIMIT_SECONDS)).scalar_one()
    late_released = conn.execute(select(func.count()).where(*base, released, D.c.release_seconds > LIMIT_SECONDS)).scalar_one()
    cutoff = as_of - timedelta(seconds=LIMIT_SECONDS)
    unreleased = and_(D.c.released_at.is_(None))
    late_open = conn.execute(select(func.count()).where(*base, unreleased, D.c.accepted_at <= cutoff)).scalar_one()
    pending = conn.execute(select(func.count()).where(*base, unreleased, D.c.accepted_at > cutoff)).scalar_one()
    counted = on_time + late_released + late_open
    share = on_time / counted if counted else None
    return {"indicator": "IMP 3", "country": country.upper(), "since": since, "until": until,
            "include_controlled": include_controlled, "declarations": counted, "released_within_1h": on_time,
            "released_later": late_released, "not_released_after_1h": late_open, "pending": pending,
            "excluded_controlled": excluded, "share": round(share, 4) if share is not None else None,
            "target": TARGET, "met": share is not None and share >= TARGET}
