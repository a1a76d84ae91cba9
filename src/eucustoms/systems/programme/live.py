"""The indicators the running box computes itself, from what its systems recorded over a period, next to the EU's
published values: consultations per data-dissemination service (RES 2.1.1), system-to-system messages per system
(RES 2.1.2), registered economic operators (RES 3.1.1), applications per system (RES 3.1.2), availability of the
network and of each system from the health probes (OP 1.3.1, OP 1.3.3), detained counterfeit goods (IMP 2.1) and the
share of import declarations released within an hour of acceptance (IMP 3.1).

Only the platform's telemetry counters and the systems' public service functions are read. A figure whose system is
not in the box is "no source yet", never zero; one whose system is there but cannot answer (e.g. its tables are not
created) is "unavailable", with the reason."""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Callable

from sqlalchemy import Connection

from eucustoms.core.clock import now
from eucustoms.platform import telemetry
from eucustoms.platform.auth import Principal, Role

from . import probes
from .model import Dataset, Result, fmt

COMPUTED, NO_SOURCE, UNAVAILABLE, NO_DATA = "computed", "no source yet", "unavailable", "no data yet"
#: The principal the monitoring reads the systems' statistics as.
MONITOR = Principal(role=Role.COMMISSION, name="programme-monitoring")


@dataclass
class Period:
    since: date | None = None
    until: date | None = None

    @property
    def start(self) -> datetime:
        d = self.since or date(2000, 1, 1)
        return datetime(d.year, d.month, d.day, tzinfo=timezone.utc)

    @property
    def end(self) -> datetime:
        if self.until is None:
            return now()
        d = self.until + timedelta(days=1)
        return datetime(d.year, d.month, d.day, tzinfo=timezone.utc)

    @property
    def day(self) -> date:
        return self.until or now().date()

    def describe(self) -> str:
        if not self.since and not self.until:
            return "everything recorded"
        return f"{self.since or 'the start'} to {self.until or 'today'}"


@dataclass
class Row:
    key: str
    label: str
    status: str
    value: Decimal | None = None
    source: str = ""
    note: str = ""
    eu: Decimal | None = None
    eu_printed: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "status": self.status,
                "value": str(self.value) if self.value is not None else None, "source": self.source, "note": self.note,
                "eu_2024": str(self.eu) if self.eu is not None else None, "eu_2024_printed": self.eu_printed}


@dataclass
class LiveIndicator:
    indicator_id: str
    name: str
    unit: str
    rows: list[Row] = field(default_factory=list)
    value: Decimal | None = None
    value_note: str = ""
    eu: Decimal | None = None
    eu_printed: str = ""
    note: str = ""

    @property
    def status(self) -> str:
        if any(r.status == COMPUTED for r in self.rows) or self.value is not None:
            return COMPUTED
        if all(r.status == NO_SOURCE for r in self.rows):
            return NO_SOURCE
        return NO_DATA

    def as_dict(self) -> dict[str, Any]:
        return {"indicator": self.indicator_id, "name": self.name, "unit": self.unit, "status": self.status,
                "value": str(self.value) if self.value is not None else None, "value_note": self.value_note,
                "eu_2024": str(self.eu) if self.eu is not None else None, "eu_2024_printed": self.eu_printed,
                "note": self.note, "rows": [r.as_dict() for r in self.rows]}


def has(module: str | None) -> bool:
    """Whether the box has the module (without importing it)."""
    if not module:
        return False
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def guarded(conn: Connection, fn: Callable[[], Any]) -> tuple[Any, str | None]:
    """Run a system's function in a savepoint: a failure (e.g. its tables are missing) is reported, not raised,
    and does not spoil the caller's transaction."""
    try:
        with conn.begin_nested():
            return fn(), None
    except Exception as exc:  # noqa: BLE001
        text = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        return None, f"{exc.__class__.__name__}: {text[:200]}"


def _eu(result: Result | None, key: str | None = None) -> tuple[Decimal | None, str]:
    if result is None:
        return None, ""
    if key is None:
        return result.value, result.printed
    for item in result.items:
        if item.key == key and item.parent is None:
            return item.value, item.printed
    return None, ""


def _tele(conn: Connection, metric: str, period: Period, system: str | None = None) -> dict[tuple[str, str], int]:
    return telemetry.totals(conn, metric=metric, system=system, since=period.since, until=period.until)


# -- the computations -----------------------------------------------------------------------------------------------

#: RES 2.1.1: DDS service key → the module that answers (and counts) it.
DDS_SOURCES = {"CDS": "eucustoms.systems.decisions.service", "COL": "eucustoms.systems.dds.routes",
               "EBTI": "eucustoms.systems.ebti.service", "MRN": "eucustoms.systems.dds.followup",
               "QUOTA": "eucustoms.systems.tariff.routes", "TARIC": "eucustoms.systems.tariff.routes", "CLASS": None,
               "EOS": "eucustoms.systems.eos.service", "ECICS": "eucustoms.systems.ecics.service",
               "SUSP": "eucustoms.systems.dds.routes", "SURV": "eucustoms.systems.dds.routes"}


def consultations(conn: Connection, period: Period, eu: Result | None) -> LiveIndicator:
    counts = {k: n for (_, k), n in _tele(conn, telemetry.CONSULTATIONS, period, "dds").items()}
    keys = [i.key for i in eu.items] if eu and eu.items else list(DDS_SOURCES)
    out = LiveIndicator("RES 2.1 sub-indicator 1", "Consultations per data-dissemination service", "consultations")
    out.eu, out.eu_printed = _eu(eu)
    for key in keys:
        module = DDS_SOURCES.get(key)
        label = next((i.label for i in eu.items if i.key == key), key) if eu else key
        row = Row(key, label, NO_SOURCE, source=f"telemetry dds/consultations/{key}")
        row.eu, row.eu_printed = _eu(eu, key)
        if has(module):
            row.status, row.value = COMPUTED, Decimal(counts.get(key, 0))
        else:
            row.note = "the box has no such service yet"
        out.rows.append(row)
    for key in sorted(set(counts) - set(keys)):
        out.rows.append(Row(key, f"{key} (a look-up of the box not in the report's list)", COMPUTED, Decimal(counts[key]),
                            f"telemetry dds/consultations/{key}"))
    out.value = sum((r.value for r in out.rows if r.value is not None), Decimal(0))
    out.note = "DDS look-ups are counted in memory and written every second; the last second's may not be written yet."
    return out


#: RES 2.1.2 rows: report key → (telemetry system, metric, module of the system).
MESSAGE_SOURCES = {"ECS": ("export", telemetry.MESSAGES, "eucustoms.systems.export"),
                   "ICS": (None, None, None),
                   "NCTS": ("transit", telemetry.MESSAGES, "eucustoms.systems.transit"),
                   "SURV": ("surv", "records", "eucustoms.systems.surveillance"),
                   "ICS2": ("ics2", telemetry.MESSAGES, "eucustoms.systems.ics2")}
MESSAGE_NOTES = {"ECS": "the box's AES (export) messages", "ICS": "ICS1 is replaced by ICS2 in the box",
                 "SURV": "surveillance data records (SDRs) stored", "NCTS": "NCTS phase 5 messages"}


def messages(conn: Connection, period: Period, eu: Result | None) -> LiveIndicator:
    per_system: dict[str, int] = {}
    for (system, _key), n in _tele(conn, telemetry.MESSAGES, period).items():
        per_system[system] = per_system.get(system, 0) + n
    out = LiveIndicator("RES 2.1 sub-indicator 2", "System-to-system messages per system", "messages")
    out.eu, out.eu_printed = _eu(eu)
    used = set()
    for key, (system, metric, module) in MESSAGE_SOURCES.items():
        label = next((i.label for i in eu.items if i.key == key), key) if eu else key
        row = Row(key, label, NO_SOURCE, note=MESSAGE_NOTES.get(key, ""))
        row.eu, row.eu_printed = _eu(eu, key)
        if system and has(module):
            if metric == telemetry.MESSAGES:
                n = per_system.get(system, 0)
            else:
                n = sum(_tele(conn, metric, period, system).values())  # type: ignore[arg-type]
            row.status, row.value, row.source = COMPUTED, Decimal(n), f"telemetry {system}/{metric}"
            used.add(system)
        out.rows.append(row)
    for system in sorted(set(per_system) - used - {probes.NETWORK}):
        out.rows.append(Row(system, f"{system} (other messages of the box)", COMPUTED, Decimal(per_system[system]),
                            f"telemetry {system}/messages"))
    out.value = sum((r.value for r in out.rows if r.value is not None), Decimal(0))
    if per_system.get(probes.NETWORK):
        out.note = f"{fmt(per_system[probes.NETWORK])} CCN2 probe messages are not counted."
    return out


def registered_operators(conn: Connection, period: Period, eu: Result | None) -> LiveIndicator:
    out = LiveIndicator("RES 3.1 sub-indicator 1", f"Registered economic operators on {period.day}", "operators")
    out.eu, out.eu_printed = _eu(eu)
    for key, module in (("EORI", "eucustoms.systems.eos.service"), ("REX", "eucustoms.systems.rex.service")):
        row = Row(key, key, NO_SOURCE, source=f"{module}.count_registered")
        row.eu, row.eu_printed = _eu(eu, key)
        if has(module):
            counted, problem = guarded(conn, lambda m=module: importlib.import_module(m).count_registered(conn, on=period.day))
            if problem:
                row.status, row.note = UNAVAILABLE, problem
            else:
                row.status, row.value = COMPUTED, Decimal(sum(counted.values()))
                row.note = ", ".join(f"{c} {n}" for c, n in sorted(counted.items())[:8]) + (" …" if len(counted) > 8 else "")
        out.rows.append(row)
    out.value = sum((r.value for r in out.rows if r.value is not None), Decimal(0))
    return out


#: RES 3.1.2 rows: report key → (telemetry system, metric, module).
APPLICATION_SOURCES = {"CDS": ("CDS", telemetry.APPLICATIONS, "eucustoms.systems.decisions.service"),
                       "REX": ("REX", telemetry.APPLICATIONS, "eucustoms.systems.rex.service"),
                       "EBTI-STP": ("ebti", telemetry.APPLICATIONS, "eucustoms.systems.ebti.service"),
                       "EAEO": ("AEO", telemetry.APPLICATIONS, "eucustoms.systems.decisions.service"),
                       "PoUS": ("pous", "requests", "eucustoms.systems.status.service"),
                       "EAFA": (None, None, "eucustoms.systems.copis.service"),
                       "INF": (None, None, None)}


def applications(conn: Connection, period: Period, eu: Result | None) -> LiveIndicator:
    out = LiveIndicator("RES 3.1 sub-indicator 2", "Applications per system", "applications")
    out.eu, out.eu_printed = _eu(eu)
    for key, (system, metric, module) in APPLICATION_SOURCES.items():
        row = Row(key, key, NO_SOURCE)
        row.eu, row.eu_printed = _eu(eu, key)
        if system and has(module):
            row.status, row.source = COMPUTED, f"telemetry {system}/{metric}"
            row.value = Decimal(sum(_tele(conn, metric, period, system).values()))  # type: ignore[arg-type]
            if key == "PoUS":
                row.note = "proofs requested"
        elif key == "EAFA" and has(module):
            row.source = "copis.service.list_applications (lodged in the period)"

            def lodged() -> int:
                from eucustoms.systems.copis import service as copis

                _total, views = copis.list_applications(conn, MONITOR, limit=10**9)
                first, last = period.since or date.min, period.until or date.max
                return sum(1 for v in views if first <= v.lodged_on <= last)

            n, problem = guarded(conn, lodged)
            if problem:
                row.status, row.note = UNAVAILABLE, problem
            else:
                row.status, row.value = COMPUTED, Decimal(n)
        out.rows.append(row)
    out.value = sum((r.value for r in out.rows if r.value is not None), Decimal(0))
    return out


def release_time(conn: Connection, period: Period, eu: Result | None) -> LiveIndicator:
    out = LiveIndicator("IMP 3 sub-indicator 1", "Import declarations released within 1 hour of acceptance", "%")
    out.eu, out.eu_printed = _eu(eu)
    row = Row("import", "Import declarations under normal procedures released within 1 hour", NO_SOURCE,
              source="imports.indicators.imp3 (every participating country)")
    row.eu, row.eu_printed = _eu(eu, "import")
    if has("eucustoms.systems.imports.indicators"):
        def compute() -> dict[str, int]:
            from eucustoms.systems.imports.indicators import imp3
            from eucustoms.union import PARTICIPATING

            totals = {"declarations": 0, "released_within_1h": 0}
            for country in PARTICIPATING:
                r = imp3(conn, country, period.start, period.end)
                totals["declarations"] += r["declarations"]
                totals["released_within_1h"] += r["released_within_1h"]
            return totals

        totals, problem = guarded(conn, compute)
        if problem:
            row.status, row.note = UNAVAILABLE, problem
        elif totals["declarations"]:
            row.status = COMPUTED
            row.value = (Decimal(totals["released_within_1h"]) / totals["declarations"] * 100).quantize(Decimal("0.01"))
            row.note = f"{totals['released_within_1h']} of {totals['declarations']} declarations"
        else:
            row.status, row.note = NO_DATA, "no import declaration accepted in the period"
    out.rows.append(row)
    out.rows.append(Row("export", "Export declarations", NO_SOURCE,
                        note="the box's AES counts releases but not their processing time", eu=None,
                        eu_printed=_eu(eu, "export")[1] or ""))
    out.value = row.value
    return out


def _availability_row(conn: Connection, avail: dict[str, dict[str, Any]], key: str, label: str, package: str | None) -> Row:
    row = Row(key, label, NO_SOURCE, source=f"health probes of {package}" if package else "")
    if package is None or not probes.present(package):
        row.note = "not in the box"
        return row
    found = avail.get(package)
    if not found:
        if package != probes.NETWORK:
            _, problem = guarded(conn, lambda: probes.installed(conn, package))
            if problem:
                row.status, row.note = UNAVAILABLE, problem.split(": ", 1)[-1]
                return row
        row.status, row.note = NO_DATA, "no probe in the period (run `eucustoms programme probe`)"
        return row
    row.status, row.value = COMPUTED, found["availability"]
    row.note = f"{found['up']} of {found['probes']} probes up"
    return row


def availability_network(conn: Connection, period: Period, eu: Result | None) -> LiveIndicator:
    avail = probes.availability(conn, since=period.since, until=period.until)
    out = LiveIndicator("OP 1.3 sub-indicator 1", "Availability of the network (the box's message exchange)", "%")
    out.eu, out.eu_printed = _eu(eu)
    ccn = Row("CCN", "CCN", NO_SOURCE, note="the box has no CCN/CSI: its domains talk over the CCN2-like exchange")
    ccn.eu, ccn.eu_printed = _eu(eu, "CCN")
    ccn2 = _availability_row(conn, avail, "CCN2", "CCN2 (pings from EU to every national domain)", probes.NETWORK)
    ccn2.eu, ccn2.eu_printed = _eu(eu, "CCN2")
    down = sorted(k.split(":", 1)[1] for k, v in avail.items() if k.startswith(f"{probes.NETWORK}:") and v["up"] < v["probes"])
    if down:
        ccn2.note += f"; domains that missed a probe: {', '.join(down)}"
    out.rows = [ccn, ccn2]
    out.value = ccn2.value
    out.value_note = "CCN2 only"
    return out


#: OP 1.3.3 rows: report key → the box package whose probes give it.
SYSTEM_PACKAGES = {"CS/RD2": "refdata", "EOS": "eos", "REX": "rex", "CDS": "decisions", "CRS": "refdata", "TARIC": "tariff",
                   "NCTS": "transit", "AES": "export", "ICS2": "ics2", "QUOTA": "tariff", "INF-SP": None, "INF-STP": None,
                   "EBTI": "ebti", "UUMDS": "auth", "CCI": "imports", "PoUS": "status", "CERTEX": "singlewindow"}


def availability_systems(conn: Connection, period: Period, eu: Result | None) -> LiveIndicator:
    avail = probes.availability(conn, since=period.since, until=period.until)
    out = LiveIndicator("OP 1.3 sub-indicator 3", "Availability of the electronic systems (health probes)", "%")
    out.eu, out.eu_printed = _eu(eu)
    keys = [(i.key, i.label) for i in eu.items if i.parent is None] if eu else [(k, k) for k in SYSTEM_PACKAGES]
    for key, label in keys:
        row = _availability_row(conn, avail, key, label, SYSTEM_PACKAGES.get(key))
        row.eu, row.eu_printed = _eu(eu, key)
        out.rows.append(row)
    named = {p for p in SYSTEM_PACKAGES.values() if p}
    for package in sorted(set(avail) - named - {probes.NETWORK} - {k for k in avail if ":" in k}):
        out.rows.append(_availability_row(conn, avail, package, f"{package} (other system of the box)", package))
    computed = [r.value for r in out.rows if r.status == COMPUTED and r.value is not None]
    if computed:
        out.value = (sum(computed, Decimal(0)) / len(computed)).quantize(Decimal("0.01"))
        out.value_note = f"mean of the {len(computed)} systems probed"
    return out


def seizures(conn: Connection, period: Period, eu: Result | None) -> LiveIndicator:
    out = LiveIndicator("IMP 2 sub-indicator 1", "Seizures and detentions", "various")
    for item in (eu.items if eu else []):
        row = Row(item.key, item.label, NO_SOURCE, eu=item.value, eu_printed=item.printed)
        if item.key == "counterfeit" and has("eucustoms.systems.copis.service"):
            row.source = "copis.service.statistics (articles detained)"

            def detained() -> int:
                from eucustoms.systems.copis import service as copis

                return int(copis.statistics(conn, MONITOR, since=period.since, until=period.until)["articles"])

            n, problem = guarded(conn, detained)
            if problem:
                row.status, row.note = UNAVAILABLE, problem
            else:
                row.status, row.value = COMPUTED, Decimal(n)
        out.rows.append(row)
    return out


LIVE: dict[str, Callable[[Connection, Period, Result | None], LiveIndicator]] = {
    "consultations": consultations, "messages": messages, "registered_operators": registered_operators,
    "applications": applications, "availability_network": availability_network,
    "availability_systems": availability_systems, "seizures": seizures, "release_time": release_time,
}
ORDER = ("availability_network", "availability_systems", "consultations", "messages", "registered_operators",
         "applications", "seizures", "release_time")


def compute(conn: Connection, *, since: date | None = None, until: date | None = None,
            reference: Dataset | None = None) -> dict[str, Any]:
    """Every live indicator over the period, each with the EU's value of ``reference`` (the 2024 dataset)."""
    period = Period(since, until)
    by_live = {}
    if reference is not None:
        for ind in reference.indicators.values():
            if ind.live:
                by_live[ind.live] = reference.results.get(ind.id)
    indicators = [LIVE[name](conn, period, by_live.get(name)) for name in ORDER]
    return {"period": period.describe(), "since": since, "until": until, "computed_at": now(),
            "reference_year": reference.year if reference else None, "indicators": indicators}
