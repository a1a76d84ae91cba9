"""AES counts per member state, from the telemetry counters written in the same transactions as the facts they
count (a declaration is counted as released exactly when its release was committed).

Keyed by the member state of the office of export: ``lodged``, ``accepted``, ``released``, ``not_released``,
``exited`` (exit results received, the goods left), ``exit_refused``, ``invalidated``, ``amended``, ``rejected``
(IE556 answers; the key is the country of the declared office of export). Keyed by the member state of the office
of exit: ``aer_received``, ``exit_arrivals``, ``exits_confirmed``, ``exits_refused``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from eucustoms.platform import telemetry

from . import SYSTEM

EXPORT_METRICS = ("lodged", "accepted", "released", "not_released", "exited", "exit_refused", "invalidated",
                  "amended", "rejected")
EXIT_METRICS = ("aer_received", "exit_arrivals", "exits_confirmed", "exits_refused")


def counts(conn: Connection, since: date, until: date, *, country: str | None = None,
           as_of: datetime | None = None) -> dict[str, Any]:
    """``{"by_country": {country: {metric: n}}, ...}`` over the days ``since``..``until`` inclusive."""
    by_country: dict[str, dict[str, int]] = {}
    for metric in EXPORT_METRICS + EXIT_METRICS:
        for (_system, key), n in telemetry.totals(conn, metric=metric, system=SYSTEM, since=since, until=until).items():
            if country and key != country.upper():
                continue
            by_country.setdefault(key, {m: 0 for m in EXPORT_METRICS + EXIT_METRICS})[metric] = n
    return {"system": SYSTEM, "since": since, "until": until, "country": country.upper() if country else None,
            "by_country": dict(sorted(by_country.items())), "as_of": as_of}
