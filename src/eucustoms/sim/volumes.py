"""The EU's 2024 volumes the simulator and the benchmarks are measured against, each with its source.

Every figure comes from the Commission's annual progress report of the Customs programme for 2024
(``shared/mission/customs-programme-apr-2024.txt``); the line quoted is given with each. 2024 was a leap
year: a per-day or per-second rate divides by 366 days.

The simulator turns a figure into simulated objects in two steps: the 2024 count per day × ``scale`` ×
days gives the *target* (messages, records, consultations, proofs); the box's own *messages per object*
(measured on the box, see :data:`BOX_MESSAGES_PER`) turn a message target into objects (filings, movements,
exports). The summary of every run puts what the box counted next to the target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from eucustoms.systems.dds.catalogue import SERVICES as DDS_SERVICES
from eucustoms.systems.dds.catalogue import TOTAL_2024 as DDS_TOTAL_2024

DAYS_2024 = 366
SECONDS_2024 = DAYS_2024 * 24 * 3600
REPORT = "Customs programme, annual progress report 2024"


@dataclass(frozen=True)
class Volume:
    key: str
    name: str
    per_year: float
    unit: str
    source: str  # where in the report

    @property
    def per_day(self) -> float:
        return self.per_year / DAYS_2024

    @property
    def per_second(self) -> float:
        return self.per_year / SECONDS_2024

    def at(self, scale: float, days: float) -> float:
        """The expected count over ``days`` simulated days at ``scale`` of the EU's average day."""
        return self.per_day * scale * days

    def as_dict(self) -> dict:
        return {"key": self.key, "name": self.name, "per_year": self.per_year, "unit": self.unit,
                "per_day": round(self.per_day, 1), "per_second": round(self.per_second, 3), "source": self.source}


VOLUMES: dict[str, Volume] = {v.key: v for v in (
    Volume("CCN", "CCN and CCN2 messages", 16_467_000_000 + 1_011_000_000, "messages",
           f"{REPORT}, OP 1.3 sub-indicator 2: 'CCN number of messages: 16.467 billion; CCN2 total number of "
           "messages: 1.011 billion' (17.478 billion)"),
    Volume("ICS2", "ICS2 messages", 2_284_953_583, "messages",
           f"{REPORT}, RES 2.1 sub-indicator 2: 'ICS2: 2 284 953 583'"),
    Volume("ICS", "ICS (release 1 legacy) entry summary declarations", 18_389_234, "ENS",
           f"{REPORT}, RES 2.1 sub-indicator 2: 'ICS: Total Number of ENS, 18 389 234' (not simulated: the box "
           "runs ICS2 only)"),
    Volume("NCTS", "NCTS messages", 88_439_224, "messages",
           f"{REPORT}, RES 2.1 sub-indicator 2: 'NCTS: total messages, 88 439 224'"),
    Volume("ECS", "ECS (export) messages", 68_566_267, "messages",
           f"{REPORT}, RES 2.1 sub-indicator 2: 'ECS: total messages, 68 566 267'"),
    Volume("SURV", "Surveillance data records (SDRs)", 5_355_533_323, "records",
           f"{REPORT}, RES 2.1 sub-indicator 2: 'Surveillance: total SDRs, 5 355 533 323'"),
    Volume("S2S", "system-to-system messages (ECS, ICS, NCTS, SURV, ICS2)", 7_815_781_631, "messages",
           f"{REPORT}, RES 2.1 sub-indicator 2: 'Total: 7 815 781 631'"),
    Volume("DDS", "consultations of the common components (DDS)", DDS_TOTAL_2024, "consultations",
           f"{REPORT}, RES 2.1 sub-indicator 1: 'Total: 217 714 225' (per service: systems/dds/catalogue.py)"),
    Volume("POUS", "proofs of Union status", 131_311, "proofs",
           f"{REPORT}, RES 3.1 sub-indicator 2: 'PoUS: 131 311 proofs'"),
    Volume("EORI", "registered economic operators (EORI)", 607_077, "operators",
           f"{REPORT}, RES 3.1 sub-indicator 1: 'EORI: 607 077' (a stock, not a daily flow: the simulated world "
           "registers its own cast)"),
)}

#: Consultations per DDS service in 2024 (RES 2.1 sub-indicator 1), from the DDS catalogue.
CONSULTATIONS: dict[str, Volume] = {
    s.key: Volume(s.key, s.name, s.consultations_2024, "consultations",
                  f"{REPORT}, RES 2.1 sub-indicator 1: '{s.name}: {s.consultations_2024:,}'")
    for s in DDS_SERVICES if s.consultations_2024}  # services not in the report's breakdown have no figure

# Messages the box counts per simulated object (telemetry ``messages`` of the system), measured on the box with
# the simulator's own mix (``eucustoms simulate``, summary "messages per object"); they turn a message target
# into a number of objects. An ICS2 filing: the filing, IE3R01, IE3N03 (and IE3N11/IE3N02 for multiple
# filing), ICS2_RA_REQ/RES, signals, and the arrival (IE3N06, IE3R04, ICS2_ARR) of those that arrive.
BOX_MESSAGES_PER = {
    "ICS2": 6.0,   # per ENS filing (measured: 4,354 messages for 729 filings, seed 2024, scale 0.001, 2026-11-26)
    "NCTS": 12.0,  # per transit movement: CC015C, CC928C, CC028C, CC029C, IE001, CC007C, IE006, CC043C, CC044C, CC025C, IE018, CC045C
    "ECS": 9.0,    # per export: CC515C, CC528C, CC529C, IE501, CC507C/IE590, IE518, CC599C …
}

# What the report does not give and the simulator assumes (documented in docs/simulator.md).
ASSUMPTIONS = {
    "ics2_modes": "ENS filings by mode (the report gives ICS2 messages, not filings by mode): air cargo 24 %, "
                  "express 24 %, postal 18 %, sea 22 % (of which 1/4 multiple filing F12+F15), road 8 %, rail 4 %",
    "imports": "import declarations: one per house consignment of an ENS that arrives in the simulated period "
               "(H7 for postal and express parcels up to EUR 150, H1 otherwise), plus H1 of the CCI lane; the "
               "report gives no count of import declarations",
    "certex": "CERTEX certificates: one for 3 % of the H1 declarations (the goods of a CERTEX domain), used by "
              "that declaration; the report gives no CERTEX count",
}


def expected(key: str, scale: float, days: float) -> float:
    return (VOLUMES.get(key) or CONSULTATIONS[key]).at(scale, days)


def stochastic_round(value: float, u: float) -> int:
    """``value`` rounded down or up with the probability of its fraction (``u`` uniform in [0, 1)): the
    expected count is kept at any scale."""
    low = math.floor(value)
    return low + (1 if u < value - low else 0)


def table() -> list[dict]:
    return [v.as_dict() for v in VOLUMES.values()] + [v.as_dict() for v in CONSULTATIONS.values()]
