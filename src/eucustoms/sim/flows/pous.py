"""Proof of Union status (PoUS): a T2L, T2LF or customs goods manifest requested by the person concerned at the
office of issue, endorsed by an officer there, and used where the goods arrive after a voyage that called
outside the Union (or left the VAT territory): the whole proof, or a manifest item by item."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from eucustoms.systems.status import examples
from eucustoms.systems.status import service as pous

from .base import Sim, Story

SYSTEM = "POUS"
# (proof type, office of issue, port of departure, port of arrival, office where it is used, voyage hours)
ROUTES = [
    ("T2L", "DE004851", "DEHAM", "GRPIR", "GR004001", 20),
    ("T2LF", "ES003591", "ESLPA", "ESVLC", "ES004611", 14),
    ("CGM", "DE004851", "DEHAM", "NLRTM", "NL000396", 10),
    ("T2L", "NL000396", "NLRTM", "ESVLC", "ES004611", 22),
]


@dataclass
class ProofStory(Story):
    proof_type: str = "T2L"
    requester: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    issue_office: str = ""
    use_office: str = ""
    voyage_hours: float = 12
    rest: list[int] = field(default_factory=list)

    def generate(self, world: Any, run_tag: str) -> ProofStory:
        r = self.rnd
        kind, office, departure, arrival, use_office, hours = r.choice(ROUTES)
        requester = r.choice([o for o in world.of("exporter") if o.country == office[:2]] or world.of("exporter"))
        lrn = f"SIM{run_tag}{self.number:06d}P"
        build = {"T2L": examples.t2l, "T2LF": examples.t2lf, "CGM": examples.cgm}[kind]
        p = build(requester.eori, lrn=lrn, office=office) if kind != "CGM" else build(requester.eori, lrn=lrn, office=office,
                                                                                         items=r.randrange(2, 5))
        t = p["transport"]
        t["port_of_departure"], t["port_of_arrival"] = departure, arrival
        t["imo_number"] = examples.imo_number(f"{r.randrange(900000, 999999)}")
        for item in p["items"]:
            item["containers"] = [examples.container(f"SIMU{r.randrange(10**6):06d}")]
        self.proof_type, self.requester, self.payload = kind, requester.eori, p
        self.issue_office, self.use_office, self.voyage_hours = office, use_office, hours + r.uniform(0, 6)
        return self

    def plan(self) -> dict[str, Any]:
        return {"proof_type": self.proof_type, "payload": self.payload, "use_office": self.use_office}

    def step_start(self, sim: Sim) -> list[tuple[timedelta, str]]:
        with sim.ctx.db.begin() as conn:
            proof = pous.request(conn, sim.trader(self.requester), self.payload)
        self.refs["mrn"] = proof.mrn
        sim.truth(self, SYSTEM, proof.mrn)
        sim.count(f"pous.requested.{self.proof_type}")
        return [(timedelta(minutes=self.rnd.randrange(15, 120)), "endorse")]

    def step_endorse(self, sim: Sim) -> list[tuple[timedelta, str]]:
        with sim.ctx.db.begin() as conn:
            pous.endorse(conn, sim.officer(self.issue_office[:2], self.issue_office), self.refs["mrn"], {})
        sim.count("pous.endorsed")
        return [(timedelta(hours=self.voyage_hours), "use")]

    def step_use(self, sim: Sim) -> list[tuple[timedelta, str]]:
        officer = sim.officer(self.use_office[:2], self.use_office)
        if self.proof_type == "CGM":  # a manifest is used item by item as the consignments are presented
            items = list(range(1, len(self.payload["items"]) + 1))
            first, rest = items[: max(1, len(items) // 2)], items[max(1, len(items) // 2):]
            with sim.ctx.db.begin() as conn:
                pous.use(conn, officer, self.refs["mrn"], {"office": self.use_office, "items": first})
            sim.count("pous.used_partially")
            if rest:
                self.rest = rest
                return [(timedelta(hours=2), "use_rest")]
        else:
            with sim.ctx.db.begin() as conn:
                pous.use(conn, officer, self.refs["mrn"], {"office": self.use_office})
        sim.count("pous.used")
        self.outcome = "used"
        return []

    def step_use_rest(self, sim: Sim) -> None:
        officer = sim.officer(self.use_office[:2], self.use_office)
        with sim.ctx.db.begin() as conn:
            pous.use(conn, officer, self.refs["mrn"], {"office": self.use_office, "items": self.rest})
        sim.count("pous.used")
        self.outcome = "used"
