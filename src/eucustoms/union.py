"""The union in a box: the central domain and one national domain per participating country, wired to one
database and one message exchange."""

from __future__ import annotations

from eucustoms.core.identifiers import EU_MEMBER_STATES
from eucustoms.platform.bus import CENTRAL, Bus, probe
from eucustoms.platform.context import Context
from eucustoms.platform.db import Database, connect
from eucustoms.systems.export import domains as export_domains
from eucustoms.systems.ics2 import domains as ics2_domains
from eucustoms.systems.imports import domains as imports_domains
from eucustoms.systems.transit import domains as transit_domains

# EU27 plus Northern Ireland (XI), which applies the Union customs rules for goods.
PARTICIPATING: tuple[str, ...] = tuple(sorted(set(EU_MEMBER_STATES) | {"XI"}))


def open_union(url: str | None = None, *, countries: tuple[str, ...] = PARTICIPATING, db: Database | None = None) -> Context:
    """Open the box on ``url`` (default: the embedded SQLite file) with every domain subscribed to the bus."""
    database = db or connect(url)
    ctx = Context.open(database, bus=Bus(database))
    ctx.settings["domains"] = (CENTRAL, *countries)
    for domain in ctx.settings["domains"]:
        probe.install(ctx.bus, domain)
    ics2_domains.install(ctx, countries)
    imports_domains.install(ctx, countries)
    transit_domains.install(ctx, countries)
    export_domains.install(ctx, countries)
    return ctx
