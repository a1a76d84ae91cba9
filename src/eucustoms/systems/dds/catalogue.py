"""The DDS services as the programme counts them (RES 2.1 sub-indicator 1, 2024 values from the report)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DdsService:
    key: str  # the consultation counter's key
    name: str  # as the report names it
    consultations_2024: int | None  # None: not counted apart in the report
    path: str  # where the box serves it


SERVICES: tuple[DdsService, ...] = (
    DdsService("CDS", "Customs Decision System (CDS)", 1_832_947, "/dds/decisions"),
    DdsService("COL", "Customs Offices database", 10_277_429, "/dds/offices"),
    DdsService("EBTI", "European Binding Tariff Information (EBTI)", 43_516_954, "/dds/ebti"),
    DdsService("MRN", "Movement Reference Number (MRN) follow-up", 113_614, "/dds/mrn"),
    DdsService("QUOTA", "Tariff quotas and ceilings (QUOTA)", 11_111_961, "/dds/quotas"),
    DdsService("TARIC", "EU Customs Tariff (TARIC)", 22_062_137, "/dds/taric"),
    DdsService("CLASS", "Classification Information System (CLASS)", 178_564, "/dds/classification"),
    DdsService("EOS", "Public information regarding the Economic Operators (DDS2-EO)", 80_699_419, "/dds/eori"),
    DdsService("ECICS", "European Customs Inventory of Chemical Substances (ECICS2)", 45_421_878, "/dds/ecics"),
    DdsService("SUSP", "Suspension of import duties for certain goods (SUSP)", 231_717, "/dds/suspensions"),
    DdsService("SURV", "Surveillance (SURV)", 2_267_605, "/dds/surveillance"),
    # Served by the box, not in the report's breakdown: the public validation of registered exporters.
    DdsService("REX", "Registered Exporters (REX) validation", None, "/dds/rex"),
)
TOTAL_2024 = 217_714_225
BY_KEY = {s.key: s for s in SERVICES}
