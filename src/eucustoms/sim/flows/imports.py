"""Import declarations (H1 standard, H7 low-value e-commerce) from lodging to release: the customs debt secured
by the declarant's comprehensive guarantee (GUM) or paid, tariff quotas (QUOTA2), the risk analysis and the
officer's control, centralised clearance across two member states (CCI), the CERTEX certificate an item quotes,
and the surveillance records of the released items.

The goods of an ENS that arrives are declared by the consignee's customs representative (H1) or by the express
or postal operator (H7). Declarations of goods that arrived before the simulated period (the steady state of a
customs union that never stops) are generated on their own, with the same lanes and goods."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from eucustoms.systems.imports import service as imports

from .. import fraud
from ..world import ACCESS_CODE, CARGO_GOODS, CCI_PRESENTATION, CCI_SUPERVISING
from .base import Sim, Story
from .certex import certificate_for, issue_certificate, use_certificate
from .surveillance import record_release

SYSTEM = "IMPORTS"
CN_OF_HS6 = {g[2]: (g[0], g[1]) for g in CARGO_GOODS}
CN_OF_HS6.update({"940161": ("94016100", "00"), "950300": ("95030075", "00")})


@dataclass
class ImportStory(Story):
    dataset: str = "H1"
    lane: str = "secured"  # secured, paid, h7, no_debt, cci
    declarant: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    country: str = ""  # the member state of the office of lodgement
    certificate: dict[str, Any] | None = None
    group: str | None = None  # the ENS it came from
    corrections: list[dict[str, Any]] | None = None  # what a control finds (planted fraud)

    # -- generation ---------------------------------------------------------------------------------------

    @classmethod
    def from_house(cls, seed: int, number: int, world: Any, run_tag: str, ens: Any, house: dict[str, Any],
                   h: int) -> ImportStory | None:
        story = cls(kind="import", number=number, seed=seed)
        story.group = ens.refs.get("mrn")
        lane = ens.lane
        if house.get("parcel"):
            story._h7(world, run_tag, lane.country, ens.filings[0]["filer"], house, ens.fraud)
        elif house.get("consignee"):
            story._h1(world, run_tag, lane.country, house, ens.fraud if house.get("network_front") else None)
        else:
            return None
        return story

    @classmethod
    def standalone(cls, seed: int, number: int, world: Any, run_tag: str) -> ImportStory:
        """A declaration of goods that arrived before the simulated period (in temporary storage)."""
        story = cls(kind="import", number=number, seed=seed)
        r = story.rnd
        if r.random() < 0.10:
            story._cci(world, run_tag)
            return story
        lanes = [ln for ln in world.lanes if ln.mode in ("sea", "air", "road", "rail")]
        lane = r.choice(lanes)
        goods = [g for g in CARGO_GOODS if lane.mode in g[8]] or list(CARGO_GOODS)
        house = {"consignee": None, "goods": [], "origin": lane.origin}
        for g in r.sample(goods, r.choice((1, 1, 1, 2, 2, 3))):
            house["goods"].append({"cn": g[0], "suffix": g[1], "hs6": g[2], "description": g[3],
                                   "kg": round(r.uniform(*g[5]), 1), "price": g[4], "origins": g[6]})
        importers = [o for o in world.of("importer") if o.country == lane.country] or world.of("importer")
        house["consignee"] = r.choice(importers).eori
        story._h1(world, run_tag, lane.country, house, None)
        return story

    def _office(self, world: Any, country: str) -> str:
        offices = world.presentation_offices.get(country) or world.presentation_offices["DE"]
        return self.rnd.choice(offices)

    def _representative(self, world: Any, country: str) -> Any:
        pool = [o for o in world.declarants() if o.country == country] or world.declarants()
        return self.rnd.choice(pool)

    def _h1(self, world: Any, run_tag: str, country: str, house: dict[str, Any], ens_fraud: dict | None) -> None:
        r = self.rnd
        if country not in world.presentation_offices:
            country = "DE"
        rep = self._representative(world, country)
        self.declarant, self.country, self.dataset = rep.eori, country, "H1"
        office = self._office(world, country)
        items = []
        for n, g in enumerate(house["goods"], start=1):
            cn, suffix = (g["cn"], g["suffix"]) if g.get("cn") else CN_OF_HS6.get(g["hs6"], ("94036010", "00"))
            kg = max(1.0, float(g["kg"]) * 0.95)
            price = g.get("price") or (5, 20)
            origins = g.get("origins") or (house["origin"],)
            origin = house["origin"] if house["origin"] in origins else r.choice(origins)
            value = kg * r.uniform(*price)
            item: dict[str, Any] = {"item_number": n, "description": g["description"], "cn_code": cn, "taric_code": suffix,
                                    "origin": origin, "item_price": {"amount": f"{value:.2f}", "currency": "EUR"},
                                    "net_mass": f"{kg:.1f}", "gross_mass": f"{kg * 1.05:.1f}"}
            if cn.startswith("0805"):
                item["documents"] = [{"type": "Y929"}]
            items.append(item)
        self.payload = {"lrn": f"SIM{run_tag}{self.number:07d}"[:22], "declaration_type": "IM",
                        "additional_declaration_type": "A", "procedure": "4000",
                        "importer": {"eori": house["consignee"]}, "declarant": {"eori": rep.eori},
                        "exporter": {"name": "Overseas supplier", "country": house["origin"]},
                        "office_of_presentation": office, "location_of_goods": f"{office}LOC",
                        "country_of_dispatch": house["origin"], "mode_of_transport": "1", "items": items}
        if ens_fraud is not None:  # the network's goods, declared as what the ENS said
            self.fraud = ens_fraud
        else:
            self._plant(items)
        self.lane = "secured" if r.random() < 0.75 else "paid"
        if self.lane == "secured" and rep.eori in world.grns:
            self.payload["guarantee"] = {"grn": world.grns[rep.eori], "access_code": ACCESS_CODE}
        else:
            self.lane = "paid"
        cert = certificate_for(items, r)
        if cert is not None:
            self.certificate = {**cert, "holder": house["consignee"],
                                "reference": f"{cert['prefix']}.{country}.{run_tag}{self.number:07d}"}
            items[cert["item_index"]].setdefault("documents", []).append(
                {"type": cert["document_code"], "reference": self.certificate["reference"]})

    def _plant(self, items: list[dict[str, Any]]) -> None:
        """Plant at most one financial pattern on the first eligible goods item."""
        r = self.rnd
        for item in items:
            hs6 = item["cn_code"][:6]
            if hs6[:4] in ("8712", "8541", "7318") and hs6 in fraud.CIRCUMVENTION and fraud.pick(r, "origin_fraud"):
                declared = r.choice(fraud.CIRCUMVENTION[hs6])
                self.fraud = fraud.truth("origin_fraud", item=item["item_number"], true_origin="CN",
                                         declared_origin=declared, goods=item["description"])
                item["origin"] = declared
                self.payload["country_of_dispatch"] = "CN" if r.random() < 0.6 else declared
                found: dict[str, Any] = {"item_number": item["item_number"], "origin": "CN"}
                if hs6[:4] == "8712":  # Chinese bicycles: the anti-dumping duty's additional code (C999: other producers)
                    found["additional_codes"] = ["C999"]
                self.corrections = [found]
                return
            code = item["cn_code"]
            if code in fraud.LOOK_ALIKES and fraud.pick(r, "misclassification"):
                declared, description = fraud.LOOK_ALIKES[code]
                self.fraud = fraud.truth("misclassification", item=item["item_number"], true_code=code,
                                         declared_code=declared, true_description=item["description"])
                self.corrections = [{"item_number": item["item_number"], "cn_code": code, "taric_code": item["taric_code"],
                                     "description": item["description"]}]
                item.update(cn_code=declared, taric_code="00", description=description)
                return
            if hs6 in fraud.UNDERVALUED and fraud.pick(r, "undervaluation"):
                true_value = Decimal(item["item_price"]["amount"])
                declared = (true_value * Decimal(str(round(r.uniform(0.08, 0.18), 3)))).quantize(Decimal("0.01"))
                self.fraud = fraud.truth("undervaluation", item=item["item_number"], true_value=str(true_value),
                                         declared_value=str(declared), goods=item["description"])
                self.corrections = [{"item_number": item["item_number"],
                                     "item_price": {"amount": str(true_value), "currency": "EUR"}}]
                item["item_price"] = {"amount": str(declared), "currency": "EUR"}
                return

    def _h7(self, world: Any, run_tag: str, country: str, operator: str, house: dict[str, Any],
            ens_fraud: dict | None) -> None:
        r = self.rnd
        if country not in world.presentation_offices:
            country = "DE"
        self.declarant, self.country, self.dataset, self.lane = operator, country, "H7", "h7"
        g = house["goods"][0]
        office = self._office(world, country)
        self.payload = {"lrn": f"SIM{run_tag}{self.number:07d}"[:22], "declaration_type": "IM",
                        "additional_declaration_type": "A", "procedure": "4000",
                        "importer": {"name": house.get("consignee_name") or "Private person", "country": country},
                        "declarant": {"eori": operator}, "office_of_presentation": office,
                        "country_of_dispatch": house["origin"], "mode_of_transport": "4",
                        "items": [{"item_number": 1, "description": g["description"], "cn_code": g["cn"],
                                   "origin": house["origin"],
                                   "item_price": {"amount": f"{min(g['value'], 149.99):.2f}", "currency": "EUR"},
                                   "net_mass": f"{g['kg'] * 0.9:.2f}", "gross_mass": f"{g['kg']:.2f}"}]}
        if r.random() < 0.6:
            self.payload["ioss_number"] = f"IM{r.randrange(10**9, 10**10)}"
        if ens_fraud is not None and ens_fraud["pattern"] == "split_consignment":
            self.fraud = ens_fraud

    def _cci(self, world: Any, run_tag: str) -> None:
        """Centralised clearance: a German representative with a CCL authorisation lodges at its supervising
        office in Germany for goods presented in the Netherlands."""
        r = self.rnd
        reps = [o for o in world.declarants() if o.eori in world.ccl and o.eori in world.grns]
        lanes = [ln for ln in world.lanes if ln.country == CCI_PRESENTATION and ln.mode in ("sea", "air")] or world.lanes
        lane = r.choice(lanes)
        goods = [g for g in CARGO_GOODS if lane.mode in g[8]]
        house = {"consignee": r.choice([o for o in world.of("importer") if o.country == "DE"] or world.of("importer")).eori,
                 "origin": lane.origin,
                 "goods": [{"cn": g[0], "suffix": g[1], "hs6": g[2], "description": g[3], "kg": round(r.uniform(*g[5]), 1),
                            "price": g[4], "origins": g[6]} for g in r.sample(goods, r.choice((1, 2)))]}
        self._h1(world, run_tag, CCI_PRESENTATION, house, None)
        if not reps:
            return
        rep = r.choice(reps)
        self.declarant, self.country, self.lane = rep.eori, "DE", "cci"
        self.payload["declarant"] = {"eori": rep.eori}
        self.payload["supervising_office"] = CCI_SUPERVISING
        self.payload["holder_of_authorisation"] = [{"type": "CCL", "reference": world.ccl[rep.eori]}]
        self.payload["guarantee"] = {"grn": world.grns[rep.eori], "access_code": ACCESS_CODE}

    def plan(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "lane": self.lane, "declarant": self.declarant, "payload": self.payload,
                "fraud": self.fraud, "certificate": self.certificate}

    # -- steps ---------------------------------------------------------------------------------------------------

    def step_start(self, sim: Sim) -> list[tuple[timedelta, str]]:
        if self.certificate is not None:
            issue_certificate(sim, self.certificate)
        answer = imports.lodge(sim.ctx, sim.trader(self.declarant), self.dataset, self.payload)
        mrn = self.refs["mrn"] = answer["mrn"]
        sim.count(f"imports.lodged.{self.dataset}")
        sim.count(f"imports.lane.{self.lane}")
        sim.truth(self, SYSTEM, mrn)
        if self.certificate is not None:
            use_certificate(sim, self.certificate, mrn, self.payload)
        return self._next(sim, answer)

    def _next(self, sim: Sim, answer: dict[str, Any]) -> list[tuple[timedelta, str]]:
        state = self.outcome = answer["state"]
        if state == "released":
            record_release(sim, self.refs["mrn"], self.country, self.payload)
            return []
        if state == "under_control":
            return [(timedelta(minutes=self.rnd.randrange(30, 180)), "control")]
        if answer.get("debt_status") == "unpaid":
            return [(timedelta(minutes=self.rnd.randrange(5, 60)), "pay")]
        if state in ("accepted", "controlled"):
            return [(timedelta(minutes=15), "check")]
        return []

    def step_check(self, sim: Sim) -> list[tuple[timedelta, str]]:
        """Centralised clearance waits for the office of presentation's risk analysis (over the bus)."""
        answer = imports.consult(sim.ctx, sim.trader(self.declarant), self.refs["mrn"])
        if answer["state"] == self.outcome == "accepted" and answer.get("awaiting") and answer["debt_status"] != "unpaid":
            return [(timedelta(minutes=30), "check")] if sim.now() < sim.end else []
        return self._next(sim, answer)

    def step_pay(self, sim: Sim) -> list[tuple[timedelta, str]]:
        answer = imports.pay(sim.ctx, sim.trader(self.declarant), self.refs["mrn"],
                             payment_reference=f"PAY-{self.refs['mrn']}")
        sim.count("imports.payments")
        if answer["state"] == "controlled":
            return [(timedelta(minutes=10), "release")]
        return self._next(sim, answer)

    def step_control(self, sim: Sim) -> list[tuple[timedelta, str]]:
        """The officer of the office of lodgement performs the control the risk analysis asked for."""
        officer = sim.officer(self.country)
        result = fraud.control_result(self.fraud)
        control = {**result, "control_type": "physical" if self.fraud else "documentary"}
        corrections = self.corrections
        if corrections and result["result"] == "irregularity":
            control["corrections"] = corrections
        answer = imports.record_control(sim.ctx, officer, self.refs["mrn"], control)
        sim.count(f"imports.controls.{result['result']}")
        if result["result"] == "seizure":
            answer = imports.refuse_release(sim.ctx, officer, self.refs["mrn"], f"seized: {result.get('findings')}")
            self.outcome = answer["state"]
            sim.count("imports.not_released")
            return []
        if answer["debt_status"] == "unpaid":
            return [(timedelta(minutes=self.rnd.randrange(10, 90)), "pay")]
        return [(timedelta(minutes=5), "release")]

    def step_release(self, sim: Sim) -> list[tuple[timedelta, str]]:
        answer = imports.release(sim.ctx, sim.officer(self.country), self.refs["mrn"])
        return self._next(sim, answer)

