"""Time-limits for lodging the entry summary declaration (Art. 105-109 UCC DA, Delegated Regulation (EU)
2015/2446).

A filing lodged after its time-limit is still registered; it is flagged late and counted (:class:`LateFilings`).
The time-limit depends on the mode of the active means of transport crossing the border (for combined
transport, that of the means entering the customs territory, Art. 109), and for sea, air and rail on the
journey:

========================  ===========================================================================
rule                      time-limit
========================  ===========================================================================
DA-105(a)                 sea, containerised cargo: 24 hours before loading at the port of loading
DA-105(b)                 sea, bulk and break bulk: 4 hours before arrival at the first Union port
DA-105(c)                 sea, short sea from Greenland, the Faeroe Islands, Iceland, ports on the Baltic,
                          North, Black or Mediterranean Sea, or any port of Morocco: 2 hours before arrival
DA-105(d)                 sea, other voyages of less than 24 hours to the French overseas departments,
                          the Azores, Madeira or the Canary Islands: 2 hours before arrival
DA-105-IWW                inland waterways: 2 hours before arrival at the customs office of first entry
DA-106(1)                 air, pre-loading dataset (PLACI): at the latest before loading onto the aircraft
DA-106(2)(a)              air, flights of less than 4 hours: at the latest by the actual departure
DA-106(2)(b)              air, other flights: 4 hours before arrival at the first Union airport
DA-107(a)                 rail, train journey from the last station of train formation under 2 hours:
                          1 hour before arrival
DA-107(b)                 rail, other journeys: 2 hours before arrival
DA-108                    road: 1 hour before arrival
========================  ===========================================================================

Postal and express filings follow the mode that carries them. House-level and consignee filings (F14-F17,
F22, F23, F32, F33, F43) do not carry the journey: pass the carrier's filing they complete as ``linked``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .messages.filing import Filing
from .messages.filing_types import filing_type

HOUR = timedelta(hours=1)

# DA-105(c) short sea shipping. Where a whole country's seaports lie on the named seas (or the DA names the
# country) the country code stands for all its ports; for countries with ports on other seas too, only the
# ports on the named seas are listed (UN/LOCODE). Approximations, documented in docs/ics2-filings.md: all
# ports of Great Britain and Norway count as "North Sea", all of Turkey as Black Sea/Mediterranean.
SHORT_SEA_COUNTRIES = frozenset({
    "GL", "FO", "IS",  # named in the DA
    "MA",  # all ports of Morocco
    "GB", "NO",  # North Sea (approximation: every port)
    "GE", "UA", "TR",  # Black Sea (TR also Mediterranean)
    "AL", "BA", "ME", "GI", "SY", "LB", "IL", "PS", "LY", "TN", "DZ",  # Mediterranean
})
SHORT_SEA_PORTS = frozenset({
    # Russia: Baltic Sea and Black Sea/Sea of Azov ports
    "RULED", "RUKGD", "RUBLT", "RUULU", "RUPRI", "RUVYS", "RUNVS", "RUTUA", "RUTAM", "RUAZO", "RUROV", "RUTAG",
    "RUYEY",
    # Egypt: Mediterranean ports
    "EGALY", "EGAKI", "EGDAM", "EGEDK", "EGIKU", "EGPSD", "EGPSE", "EGMEA", "EGMAH",
})
# DA-105(d): the French overseas departments (by country code) and the ports of the Azores, Madeira and the
# Canary Islands (UN/LOCODEs of the packaged reference data with the port function, by subdivision).
OUTERMOST_COUNTRIES = frozenset({"GP", "GF", "MQ", "RE", "YT"})
OUTERMOST_PORTS = frozenset({
    # Azores (PT-20)
    "PTADH", "PTCAL", "PTCDP", "PTCPL", "PTHOR", "PTLAJ", "PTLDP", "PTMAD", "PTNRD", "PTPDL", "PTPRG", "PTPRV",
    "PTPVC", "PTRPX", "PTSCF", "PTSCG", "PTSMT", "PTTER", "PTTPO", "PTVDP", "PTVEL", "PTVFC", "PTVNC",
    # Madeira (PT-30)
    "PTCML", "PTCNL", "PTFNC", "PTMCH", "PTMDM", "PTPCZ", "PTPMZ", "PTPXO", "PTZFM",
    # Canary Islands (ES-GC, ES-TF)
    "ESACE", "ESAGA", "ESBVN", "ESCHR", "ESCJE", "ESCUT", "ESGCR", "ESGND", "ESGRC", "ESGTL", "ESLGC", "ESLPA",
    "ESLRT", "ESMED", "ESOZL", "ESPGU", "ESPLI", "ESPPS", "ESPRE", "ESPRO", "ESPSJ", "ESPUC", "ESRUZ", "ESSBT",
    "ESSPC", "ESSUR", "ESTAZ", "ESTJF", "ESTJQ", "ESZMF", "ESSCT",
})

NO_RULE = "none"


@dataclass(frozen=True)
class Deadline:
    at: datetime | None
    rule_id: str
    description: str


@dataclass(frozen=True)
class _Journey:
    mode: str | None
    loading: datetime | None
    departure: datetime | None
    arrival: datetime | None
    loading_place: str | None  # UN/LOCODE
    loading_country: str | None
    unloading_place: str | None
    unloading_country: str | None
    containerised: bool


def _journey(filing: Filing, linked: Filing | None) -> _Journey:
    """The journey particulars of ``filing``, completed from ``linked`` (the carrier's filing) where missing."""
    sources = [filing.consignment] + ([linked.consignment] if linked is not None else [])

    def first(get):
        for c in sources:
            value = get(c)
            if value is not None:
                return value
        return None

    return _Journey(
        mode=first(lambda c: c.active_means.mode if c.active_means else None),
        loading=first(lambda c: c.loading_datetime),
        departure=first(lambda c: c.departure_datetime),
        arrival=first(lambda c: c.expected_arrival),
        loading_place=first(lambda c: c.place_of_loading.unlocode if c.place_of_loading else None),
        loading_country=first(lambda c: c.place_of_loading.country_code if c.place_of_loading else None),
        unloading_place=first(lambda c: c.place_of_unloading.unlocode if c.place_of_unloading else None),
        unloading_country=first(lambda c: c.place_of_unloading.country_code if c.place_of_unloading else None),
        containerised=any(c.containerised for c in sources),
    )


def _missing(what: str, rule: str) -> Deadline:
    return Deadline(None, rule, f"cannot be computed: {what} unknown (give the carrier's filing as linked)")


def deadline(filing: Filing, *, linked: Filing | None = None) -> Deadline:
    """The time-limit for lodging ``filing`` (see the module documentation for the rules)."""
    kind = filing_type(filing.message_type)
    j = _journey(filing, linked)
    if j.mode is None:
        return _missing("the mode of transport", NO_RULE)
    departure = j.departure or j.loading

    if j.mode == "4":
        if kind is not None and kind.pre_loading:
            if j.loading is None:
                return _missing("the date and time of loading", "DA-106(1)")
            return Deadline(j.loading, "DA-106(1)", "pre-loading dataset: as soon as possible and at the latest "
                                                    "before the goods are loaded onto the aircraft")
        if j.arrival is None or departure is None:
            return _missing("the departure or the arrival of the flight", "DA-106(2)")
        if j.arrival - departure < 4 * HOUR:
            return Deadline(departure, "DA-106(2)(a)",
                            "flight of less than 4 hours: at the latest by the actual time of departure")
        return Deadline(j.arrival - 4 * HOUR, "DA-106(2)(b)",
                        "flight of 4 hours or more: at the latest 4 hours before arrival at the first airport "
                        "in the customs territory of the Union")

    if j.mode == "1":
        if j.arrival is not None and (j.loading_country in SHORT_SEA_COUNTRIES or j.loading_place in SHORT_SEA_PORTS):
            return Deadline(j.arrival - 2 * HOUR, "DA-105(c)",
                            f"short sea shipping from {j.loading_place or j.loading_country}: at the latest 2 hours "
                            "before arrival at the first port in the customs territory of the Union")
        outermost = j.unloading_country in OUTERMOST_COUNTRIES or j.unloading_place in OUTERMOST_PORTS
        if outermost and j.arrival is not None and departure is not None and j.arrival - departure < 24 * HOUR:
            return Deadline(j.arrival - 2 * HOUR, "DA-105(d)",
                            f"voyage of less than 24 hours to {j.unloading_place or j.unloading_country}: at the "
                            "latest 2 hours before arrival at the first port in the customs territory of the Union")
        if j.containerised:
            if j.loading is None:
                return _missing("the date and time of loading", "DA-105(a)")
            return Deadline(j.loading - 24 * HOUR, "DA-105(a)",
                            "containerised cargo: at the latest 24 hours before loading on the vessel")
        if j.arrival is None:
            return _missing("the arrival", "DA-105(b)")
        return Deadline(j.arrival - 4 * HOUR, "DA-105(b)",
                        "bulk or break bulk cargo: at the latest 4 hours before arrival at the first port in the "
                        "customs territory of the Union")

    if j.arrival is None:
        return _missing("the arrival", {"8": "DA-105-IWW", "2": "DA-107", "3": "DA-108"}.get(j.mode, NO_RULE))
    if j.mode == "8":
        return Deadline(j.arrival - 2 * HOUR, "DA-105-IWW",
                        "inland waterways: at the latest 2 hours before arrival at the customs office of first entry")
    if j.mode == "2":
        if departure is not None and j.arrival - departure < 2 * HOUR:
            return Deadline(j.arrival - HOUR, "DA-107(a)",
                            "rail, journey from the last station of train formation under 2 hours: at the latest "
                            "1 hour before arrival at the customs office of first entry")
        return Deadline(j.arrival - 2 * HOUR, "DA-107(b)",
                        "rail: at the latest 2 hours before arrival at the customs office of first entry")
    if j.mode == "3":
        return Deadline(j.arrival - HOUR, "DA-108",
                        "road: at the latest 1 hour before arrival at the customs office of first entry")
    return Deadline(None, NO_RULE, f"no time-limit for mode of transport {j.mode}")


def lodging_deadline(filing: Filing, *, linked: Filing | None = None) -> tuple[datetime | None, str, str]:
    """``(deadline, rule_id, description)``; the deadline is None when it cannot be computed (the description
    says why)."""
    found = deadline(filing, linked=linked)
    return found.at, found.rule_id, found.description


def is_late(filing: Filing, lodged_at: datetime, *, linked: Filing | None = None) -> bool:
    """True when ``lodged_at`` is after the time-limit; lodging exactly at the time-limit is on time. A filing
    whose time-limit cannot be computed is not late."""
    if lodged_at.tzinfo is None:
        raise ValueError("lodged_at must be timezone-aware")
    at = deadline(filing, linked=linked).at
    return at is not None and lodged_at > at


@dataclass(frozen=True)
class Lateness:
    deadline: datetime | None
    rule_id: str
    description: str
    late: bool
    by: timedelta | None  # how late (None when on time or unknown)


def assess(filing: Filing, lodged_at: datetime, *, linked: Filing | None = None) -> Lateness:
    found = deadline(filing, linked=linked)
    late = is_late(filing, lodged_at, linked=linked)
    return Lateness(found.at, found.rule_id, found.description, late, lodged_at - found.at if late else None)


@dataclass
class LateFilings:
    """Counts lodged filings and late ones, per rule: registration flags a late filing and counts it."""

    lodged: Counter = field(default_factory=Counter)
    late: Counter = field(default_factory=Counter)

    def record(self, filing: Filing, lodged_at: datetime, *, linked: Filing | None = None) -> Lateness:
        found = assess(filing, lodged_at, linked=linked)
        self.lodged[found.rule_id] += 1
        if found.late:
            self.late[found.rule_id] += 1
        return found

    @property
    def total_late(self) -> int:
        return sum(self.late.values())
