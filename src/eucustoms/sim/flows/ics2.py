"""ICS2: entry summary declarations by mode, the answers to referrals, the arrival, presentation and control at
the office of first entry — and the import declarations of the goods that arrived (see :mod:`.imports`).

Who files what (ICS2 multiple filing): ocean carriers (F10 pre-loading, F11 complete; F12 master B/L with the
house filer's F15 house B/Ls), airlines (F26 complete), express operators (F34), postal operators of
destination (F40), road (F50) and rail carriers (F51). Each filing starts from the example builders of the ICS2
package and is varied: parties, transport documents, containers, journeys, goods."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from eucustoms.core.errors import CustomsError
from eucustoms.systems.ics2 import nes
from eucustoms.systems.ics2 import service as ics2
from eucustoms.systems.ics2.messages import examples

from .. import fraud
from ..world import (
    CARGO_GOODS,
    NETWORK_COUNTRIES,
    PARCEL_GOODS,
    PRECURSOR_LANES,
    PRECURSORS,
    Lane,
)
from .base import Sim, Story, iso

SYSTEM = "ICS2"
# Hours between lodging and loading (within the ICS2 deadlines: 24 h before loading for containerised sea cargo,
# at the latest before loading for air, one hour before arrival by road).
LEAD_HOURS = {"sea": (26, 60), "air": (3, 8), "express": (2, 4), "postal": (3, 6), "road": (0.5, 1), "rail": (3, 8)}
FIRST_NAMES = ["Anna", "Jan", "Marie", "Luca", "Sofia", "Mateusz", "Eva", "Pieter", "Ines", "Jonas", "Elena", "Liam",
               "Chiara", "Lukas", "Zofia", "Hugo", "Aoife", "Nikos", "Emma", "Mihai"]


def imo_number(n: int) -> str:
    digits = f"{n % 900000 + 100000:06d}"
    return "IMO" + digits + str(sum(int(d) * w for d, w in zip(digits, range(7, 1, -1))) % 10)


@dataclass
class EnsStory(Story):
    """One ENS (one filing, or a carrier's F12 and the house filer's F15), and its journey to the Union."""

    mode: str = "sea"
    lodge_at: datetime | None = None
    filings: list[dict[str, Any]] = field(default_factory=list)  # [{"message_type", "filer", "payload"}]
    lane: Lane | None = None
    arrival: datetime | None = None
    houses: list[dict[str, Any]] = field(default_factory=list)  # for the import declarations that follow

    # -- generation ---------------------------------------------------------------------------------------

    def generate(self, world: Any, run_tag: str, lodge_at: datetime) -> EnsStory:
        r = self.rnd
        self.lodge_at = lodge_at
        mode = self.mode
        lanes = world.lanes_of(mode)
        pattern = None
        if mode == "express" and fraud.pick(r, "split_consignment"):
            pattern = "split_consignment"
        elif mode in ("sea", "air") and fraud.pick(r, "smuggling_network"):
            pattern = "smuggling_network"
            lanes = [ln for ln in lanes if ln.country in NETWORK_COUNTRIES] or lanes
        elif mode == "air" and fraud.pick(r, "drug_precursors"):
            pattern = "drug_precursors"
            lanes = [ln for ln in lanes if (ln.mode, ln.loading, ln.unloading) in PRECURSOR_LANES] or lanes
        lane = self.lane = r.choice(lanes)
        lo, hi = LEAD_HOURS[mode]
        loading = lodge_at + timedelta(hours=r.uniform(lo, hi))
        self.arrival = loading + timedelta(hours=lane.hours) + timedelta(minutes=r.randrange(0, 90))
        issued = lodge_at - timedelta(minutes=r.randrange(5, 120))
        tag = f"{run_tag}{self.number:06d}"
        build = {"sea": self._sea, "air": self._air, "express": self._express, "postal": self._postal,
                 "road": self._road, "rail": self._rail}[mode]
        build(world, lane, loading, issued, tag, pattern)
        return self

    def _party(self, op: Any) -> dict[str, Any]:
        return op.party()

    def _journey(self, c: dict, lane: Lane, loading: datetime) -> None:
        c["place_of_loading"] = {"unlocode": lane.loading}
        c["place_of_unloading"] = {"unlocode": lane.unloading}
        c["customs_office_of_first_entry"] = lane.office
        c["countries_of_routing_of_means"] = list(lane.routing)
        c["loading_datetime"] = iso(loading)
        c["departure_datetime"] = iso(loading + timedelta(hours=min(2.0, lane.hours / 4)))
        c["expected_arrival"] = iso(self.arrival)

    def _shipper(self, world: Any, lane: Lane) -> Any:
        """A shipper of the country of loading, mostly one that sells to the member state of entry."""
        pool = [s for s in world.of("shipper") if s.country == lane.loading[:2]] or world.of("shipper")
        usual = [s for s in pool if lane.country in s.markets]
        return self.rnd.choice(usual if usual and self.rnd.random() < 0.9 else pool)

    def _importer(self, world: Any, lane: Lane) -> Any:
        # Importers mostly buy through the gateway of their own country, sometimes through another one.
        pool = [o for o in world.of("importer") if o.country == lane.country]
        if not pool or self.rnd.random() < 0.1:
            pool = world.of("importer")
        return self.rnd.choice(pool)

    def _cargo_items(self, mode: str, count: int, tag: str) -> list[dict[str, Any]]:
        pool = [g for g in CARGO_GOODS if mode in g[8]] or list(CARGO_GOODS)
        items = []
        for n, g in enumerate(self.rnd.sample(pool, min(count, len(pool))), start=1):
            cn, suffix, hs6, description, price, kg, origins, package, _ = g
            mass = round(self.rnd.uniform(*kg), 1)
            item: dict[str, Any] = {"goods_item_number": n, "description_of_goods": description, "hs_code": hs6,
                                    "gross_mass": f"{mass:.1f}"}
            if package == "NE":
                item["packaging"] = [{"type_of_packages": "NE"}]
            else:
                item["packaging"] = [{"type_of_packages": package, "number_of_packages": self.rnd.randrange(1, 400),
                                      "shipping_marks": f"{tag}-{n}"}]
            items.append(item)
            self.houses_goods.append({"cn": cn, "suffix": suffix, "hs6": hs6, "description": description,
                                      "kg": mass, "price": price, "origins": origins})
        return items

    def _house(self, world: Any, template: dict, lane: Lane, tag: str, h: int, *, doc_type: str | None,
               containers: list[str] | None, pattern: str | None, buyer_seller: bool) -> dict[str, Any]:
        house = copy.deepcopy(template)
        for key in ("master_transport_document", "carrier"):
            house.pop(key, None)
        shipper, importer = self._shipper(world, lane), self._importer(world, lane)
        truth_goods = None
        if pattern == "smuggling_network":
            net = world.network
            shipper = net["organiser"]
            importer = self.rnd.choice(net["fronts"])
        house["consignor"] = shipper.party()
        house["consignee"] = importer.party()
        if buyer_seller and "buyer" in house:
            house["buyer"], house["seller"] = importer.party(), shipper.party()
        else:
            house.pop("buyer", None)
            house.pop("seller", None)
        if doc_type:
            house["transport_document"] = {"type": doc_type, "reference_number": f"H{tag}{h}"}
        else:
            house.pop("transport_document", None)
        house["place_of_acceptance"] = {"unlocode": lane.loading}
        house["place_of_delivery"] = {"unlocode": lane.unloading}
        house["countries_of_routing"] = [lane.loading[:2], lane.unloading[:2]]
        self.houses_goods = []
        house["goods_items"] = self._cargo_items(lane.mode if lane.mode != "express" else "air",
                                                 self.rnd.choice((1, 1, 2, 2, 3)), f"{tag}{h}")
        if pattern == "smuggling_network":
            hs6, declared, true_goods = self.rnd.choice(fraud.NETWORK_GOODS)
            item = house["goods_items"][0]
            item.update(hs_code=hs6, description_of_goods=declared)
            truth_goods = true_goods
            self.houses_goods[0].update(hs6=hs6, description=declared, cn=None)
        if pattern == "drug_precursors":
            hs6, declared, true_goods = self.rnd.choice(PRECURSORS)
            item = house["goods_items"][0]
            item.update(hs_code=hs6, description_of_goods=declared, gross_mass=f"{self.rnd.randrange(200, 900)}.0")
            item["packaging"] = [{"type_of_packages": "DR", "number_of_packages": self.rnd.randrange(4, 40),
                                  "shipping_marks": f"{tag}{h}-CHEM"}]
            truth_goods = true_goods
            self.houses_goods[0].update(hs6=hs6, description=declared, cn=None)
        house["gross_mass"] = f"{sum(float(i['gross_mass']) for i in house['goods_items']) + 10:.1f}"
        if containers is not None:
            house["transport_equipment"] = [{"container_identification_number": x, "container_size_and_type": "45G1",
                                             "seals": [{"identifier": f"SL{self.rnd.randrange(10**7, 10**8)}"}]}
                                            for x in containers]
        else:
            house.pop("transport_equipment", None)
        self.houses.append({"consignee": importer.eori if importer.role == "importer" else None,
                            "consignee_country": importer.country, "goods": self.houses_goods,
                            "origin": lane.origin, "true_goods": truth_goods,
                            "network_front": pattern == "smuggling_network"})
        if truth_goods:
            self.fraud = fraud.truth(pattern, true_goods=truth_goods, declared=house["goods_items"][0]["description_of_goods"],
                                     route=f"{lane.loading}>{lane.unloading}",
                                     **({"network": "PRD-NET-1", "consignee": importer.eori, "consignor": shipper.name,
                                         "entry_country": lane.country} if pattern == "smuggling_network" else {}))
        return house

    def _container(self, owner: str) -> str:
        return examples.container(f"{owner}U{self.rnd.randrange(10**6):06d}")

    def _sea(self, world: Any, lane: Lane, loading: datetime, issued: datetime, tag: str, pattern: str | None) -> None:
        r = self.rnd
        carrier = r.choice(world.of("carrier_sea"))
        owner = (carrier.name[:3].upper().replace(" ", "X") + "XXX")[:3]
        kind = r.choices(["F11", "F10", "F12"], weights=[50, 25, 25])[0]
        if pattern:
            kind = "F11"
        builder = {"F11": examples.sea_f11, "F10": examples.sea_f10, "F12": examples.sea_f11}[kind]
        p = builder(at=loading, issued=issued)
        p["lrn"] = f"SIM{tag}S"
        p["declarant"] = carrier.party()
        c = p["consignment"]
        c["carrier"] = carrier.party()
        master = f"{owner}U{tag}"
        c["transport_document"]["reference_number"] = master
        c["active_means"]["identification_number"] = imo_number(r.randrange(10**6))
        self._journey(c, lane, loading)
        template = c["house_consignments"][0]
        houses = r.choice((1, 1, 2, 2, 3, 4)) if kind == "F11" else 1
        if kind != "F12":
            c["house_consignments"] = [
                self._house(world, template, lane, tag, h, doc_type="N714" if kind == "F11" else None,
                            containers=[self._container(owner)], pattern=pattern if h == 0 else None, buyer_seller=True)
                for h in range(houses)]
            c["gross_mass"] = f"{sum(float(h['gross_mass']) for h in c['house_consignments']):.1f}"
            self.filings = [{"message_type": f"IE3{kind}", "filer": carrier.eori, "payload": p}]
            return
        # Multiple filing: the carrier's master B/L (F12) and the house filer's house B/Ls (F15).
        filer = r.choice(world.of("house_filer"))
        f12 = examples.sea_f12(at=loading, issued=issued)
        f12["lrn"] = f"SIM{tag}M"
        f12["declarant"] = carrier.party()
        m = f12["consignment"]
        m["carrier"] = carrier.party()
        m["transport_document"]["reference_number"] = master
        m["active_means"]["identification_number"] = c["active_means"]["identification_number"]
        self._journey(m, lane, loading)
        count = r.choice((1, 2, 2, 3))
        containers = [self._container(owner) for _ in range(count)]
        m["transport_equipment"] = [{"container_identification_number": x} for x in containers]
        m["supplementary_declarants"] = [{"identification_number": filer.eori, "supplementary_filing_type": "1"}]
        f15 = examples.sea_f15(at=loading, issued=issued)
        f15["lrn"] = f"SIM{tag}H"
        f15["declarant"] = filer.party()
        f15["addressed_member_state"] = lane.country
        ht = f15["consignment"]["house_consignments"][0]
        hs = []
        for h, x in enumerate(containers):
            house = self._house(world, ht, lane, tag, h, doc_type="N714", containers=[x], pattern=None, buyer_seller=True)
            house["master_transport_document"] = {"type": "N704", "reference_number": master}
            house["carrier"] = {"identification_number": carrier.eori}
            hs.append(house)
        f15["consignment"]["house_consignments"] = hs
        m["gross_mass"] = f"{sum(float(h['gross_mass']) for h in hs):.1f}"
        self.filings = [{"message_type": "IE3F12", "filer": carrier.eori, "payload": f12},
                        {"message_type": "IE3F15", "filer": filer.eori, "payload": f15}]

    def _air(self, world: Any, lane: Lane, loading: datetime, issued: datetime, tag: str, pattern: str | None) -> None:
        r = self.rnd
        airline = r.choice(world.of("carrier_air"))
        p = examples.air_f26(at=loading, issued=issued)
        p["lrn"] = f"SIM{tag}A"
        p["declarant"] = airline.party()
        c = p["consignment"]
        c["carrier"] = airline.party()
        c["transport_document"]["reference_number"] = f"{self.number % 1000:03d}-{r.randrange(10**7, 10**8)}"
        c["active_means"]["conveyance_reference_number"] = f"SX{r.randrange(100, 9999)}"
        self._journey(c, lane, loading)
        template = c["house_consignments"][0]
        c["house_consignments"] = [
            self._house(world, template, lane, tag, h, doc_type="N703", containers=None,
                        pattern=pattern if h == 0 else None, buyer_seller=False)
            for h in range(r.choice((1, 1, 1, 2, 3)))]
        c["gross_mass"] = f"{sum(float(h['gross_mass']) for h in c['house_consignments']):.1f}"
        self.filings = [{"message_type": "IE3F26", "filer": airline.eori, "payload": p}]

    def _parcel_house(self, template: dict, lane: Lane, doc_type: str, doc: str, consignee: dict, shipper: Any,
                      goods: tuple, value: float, destination_city: str) -> dict[str, Any]:
        cn, hs6, description, _, kg = goods
        mass = round(self.rnd.uniform(*kg), 2)
        house = copy.deepcopy(template)
        house["transport_document"] = {"type": doc_type, "reference_number": doc}
        house["consignor"] = shipper.party()
        house["consignee"] = consignee
        house["gross_mass"] = f"{mass:.2f}"
        house["place_of_acceptance"] = {"unlocode": lane.loading}
        house["place_of_delivery"] = {"location": destination_city, "country": lane.country}
        house["countries_of_routing"] = [lane.loading[:2], lane.country]
        house["goods_items"] = [{"goods_item_number": 1, "description_of_goods": description, "hs_code": hs6,
                                 "gross_mass": f"{mass:.2f}",
                                 "packaging": [{"type_of_packages": "PK", "number_of_packages": 1, "shipping_marks": doc}]}]
        self.houses.append({"consignee": None, "consignee_name": consignee["name"], "consignee_country": lane.country,
                            "goods": [{"cn": cn, "suffix": "00", "hs6": hs6, "description": description, "kg": mass,
                                       "value": round(value, 2)}], "origin": lane.origin, "parcel": True})
        return house

    def _person(self, country: str, city: str) -> dict[str, Any]:
        from ..world import SURNAMES

        return {"name": f"{self.rnd.choice(FIRST_NAMES)} {self.rnd.choice(SURNAMES)}", "type_of_person": "1",
                "address": {"street": f"{self.rnd.choice(['Main Street', 'Hauptstraße', 'Rue de la Paix', 'Via Roma'])}",
                            "number": str(self.rnd.randrange(1, 200)), "city": city, "country": country,
                            "postcode": str(self.rnd.randrange(1000, 99999))}}

    def _express(self, world: Any, lane: Lane, loading: datetime, issued: datetime, tag: str, pattern: str | None) -> None:
        from ..world import EU_CITIES

        r = self.rnd
        operator = r.choice([o for o in world.of("express") if o.country == lane.country] or world.of("express"))
        p = examples.express_f34(at=loading, issued=issued)
        p["lrn"] = f"SIM{tag}E"
        p["declarant"] = operator.party()
        c = p["consignment"]
        c["carrier"] = operator.party()
        c["transport_document"]["reference_number"] = f"615-{r.randrange(10**7, 10**8)}"
        c["active_means"]["conveyance_reference_number"] = c["active_means"]["identification_number"] = f"TX{r.randrange(100, 9999)}"
        self._journey(c, lane, loading)
        template = c["house_consignments"][0]
        city = EU_CITIES.get(lane.country, ("Liège", ""))[0]
        shipper = self._shipper(world, lane)
        houses = []
        count = r.choice((1, 2, 2, 3, 4))
        if pattern == "split_consignment":
            buyer = self._person(lane.country, city)
            count = r.randrange(3, 6)
            values = [round(r.uniform(100, 149.5), 2) for _ in range(count)]
            for h in range(count):
                houses.append(self._parcel_house(template, lane, "N740", f"{r.randrange(10**9, 10**10)}", copy.deepcopy(buyer),
                                                 shipper, r.choice(PARCEL_GOODS), values[h], city))
            self.fraud = fraud.truth("split_consignment", consignee=buyer["name"], parcels=count,
                                     declared_values=values, true_total=round(sum(values), 2),
                                     note="one order split into parcels under EUR 150")
        else:
            for h in range(count):
                goods = r.choice(PARCEL_GOODS)
                houses.append(self._parcel_house(template, lane, "N740", f"{r.randrange(10**9, 10**10)}",
                                                 self._person(lane.country, city), shipper, goods,
                                                 r.uniform(*goods[3]), city))
        c["house_consignments"] = houses
        c["gross_mass"] = f"{sum(float(h['gross_mass']) for h in houses):.2f}"
        self.filings = [{"message_type": "IE3F34", "filer": operator.eori, "payload": p}]

    def _postal(self, world: Any, lane: Lane, loading: datetime, issued: datetime, tag: str, pattern: str | None) -> None:
        from ..world import EU_CITIES

        r = self.rnd
        post = r.choice([o for o in world.of("postal") if o.country == lane.country] or world.of("postal"))
        p = examples.postal_f40(at=loading, issued=issued)
        p["lrn"] = f"SIM{tag}P"
        p["declarant"] = post.party()
        p["consignment"]["consignee"] = post.party()
        c = p["consignment"]
        c["transport_document"]["reference_number"] = f"999-{r.randrange(10**7, 10**8)}"
        c["active_means"]["conveyance_reference_number"] = f"PX{r.randrange(100, 9999)}"
        self._journey(c, lane, loading)
        c["receptacle_identification_numbers"] = [f"{lane.loading}A{lane.unloading}AAUN5{r.randrange(10**9, 10**10)}"[:29]]
        template = c["house_consignments"][0]
        city = EU_CITIES.get(lane.country, ("Dublin", ""))[0]
        shipper = self._shipper(world, lane)
        houses = []
        for h in range(r.choice((2, 3, 4, 5, 6))):
            goods = r.choice(PARCEL_GOODS)
            s10 = f"R{chr(65 + h)}{r.randrange(10**7, 10**8)}{r.randrange(10)}{lane.loading[:2]}"
            houses.append(self._parcel_house(template, lane, "N750", s10, self._person(lane.country, city), shipper,
                                             goods, r.uniform(*goods[3]), city))
        c["house_consignments"] = houses
        c["gross_mass"] = f"{sum(float(h['gross_mass']) for h in houses):.2f}"
        self.filings = [{"message_type": "IE3F40", "filer": post.eori, "payload": p}]

    def _road(self, world: Any, lane: Lane, loading: datetime, issued: datetime, tag: str, pattern: str | None) -> None:
        r = self.rnd
        carrier = r.choice(world.of("carrier_road"))
        p = examples.road_f50(at=loading, issued=issued)
        p["lrn"] = f"SIM{tag}R"
        p["declarant"] = carrier.party()
        c = p["consignment"]
        c["carrier"] = carrier.party()
        c["transport_document"]["reference_number"] = f"CMR-{tag}"
        c["active_means"]["identification_number"] = f"BC{r.randrange(1000, 9999)}KT"
        self._journey(c, lane, loading)
        house = self._house(world, c["house_consignments"][0], lane, tag, 0, doc_type=None, containers=None,
                            pattern=None, buyer_seller=False)
        house["place_of_delivery"] = {"location": "Warehouse", "country": lane.country}
        c["house_consignments"] = [house]
        c["gross_mass"] = house["gross_mass"]
        self.filings = [{"message_type": "IE3F50", "filer": carrier.eori, "payload": p}]

    def _rail(self, world: Any, lane: Lane, loading: datetime, issued: datetime, tag: str, pattern: str | None) -> None:
        r = self.rnd
        carrier = r.choice(world.of("carrier_rail"))
        p = examples.rail_f51(at=loading, issued=issued)
        p["lrn"] = f"SIM{tag}T"
        p["declarant"] = carrier.party()
        c = p["consignment"]
        c["carrier"] = carrier.party()
        c["transport_document"]["reference_number"] = f"CIMSMGS-{tag}"
        c["place_of_loading"] = {"unlocode": lane.loading}
        c["transport_equipment"] = [{"container_identification_number": self._container("TGH"),
                                     "container_size_and_type": "45G1"}]
        # Rail: the train leaves its last station of formation 90 minutes before arriving (the example's timing).
        departure = self.arrival - timedelta(minutes=90)
        c["loading_datetime"] = iso(loading)
        c["departure_datetime"] = iso(departure)
        c["expected_arrival"] = iso(self.arrival)
        house = self._house(world, c["house_consignments"][0], lane, tag, 0, doc_type=None, containers=None,
                            pattern=None, buyer_seller=False)
        house["countries_of_routing"] = list(lane.routing)
        house["place_of_delivery"] = {"location": "Warehouse", "country": lane.country}
        c["house_consignments"] = [house]
        c["gross_mass"] = house["gross_mass"]
        self.filings = [{"message_type": "IE3F51", "filer": carrier.eori, "payload": p}]

    def plan(self) -> dict[str, Any]:
        return {"mode": self.mode, "lodge_at": self.lodge_at, "arrival": self.arrival, "filings": self.filings,
                "fraud": self.fraud}

    # -- steps ---------------------------------------------------------------------------------------------------

    def step_start(self, sim: Sim) -> list[tuple[timedelta, str]]:
        for f in self.filings:
            answer = ics2.lodge(sim.ctx, sim.trader(f["filer"]), f["message_type"], f["payload"])
            self.refs[f["message_type"]] = answer["mrn"]
            sim.count(f"ics2.filings.{f['message_type']}")
        self.refs["mrn"] = self.refs[self.filings[0]["message_type"]]
        for mt, mrn in self.refs.items():
            if mt != "mrn":
                sim.truth(self, SYSTEM, mrn)
        steps: list[tuple[timedelta, str]] = [(timedelta(minutes=40), "referrals")]
        if self.arrival is not None and self.arrival < sim.end:
            steps.append((self.arrival - self.lodge_at, "arrive"))
        else:
            sim.count("ics2.in_transit_at_end")
        return steps

    def step_referrals(self, sim: Sim) -> None:
        """The carrier (or filer) answers the referrals addressed to it about this ENS."""
        for f in self.filings:
            mrn = self.refs[f["message_type"]]
            state = ics2.consult(sim.ctx, sim.trader(f["filer"]), mrn)["state"]
            if state != "referral":
                continue
            for filer in {f["filer"], self.filings[0]["filer"]}:
                for ref in ics2.referrals_for(sim.ctx, sim.trader(filer)):
                    if ref["mrn"] != mrn:
                        continue
                    answer = ({"screening_methods": ["XRY", "EDS"], "result": "no_threat"} if ref["kind"] == "RFS"
                              else {"information": "Commercial invoice and packing list attached; goods as described."})
                    ics2.answer_referral(sim.ctx, sim.trader(filer), ref["id"], answer)
                    sim.count(f"ics2.referrals_answered.{ref['kind']}")

    def step_arrive(self, sim: Sim) -> list[tuple[timedelta, str]]:
        carrier = self.filings[0]["filer"]
        mrn = self.refs["mrn"]
        state = ics2.consult(sim.ctx, sim.trader(carrier), mrn)["state"]
        if state == "do_not_load":
            self.outcome = "do_not_load"
            sim.count("ics2.not_loaded")
            return []
        ics2.notify_arrival(sim.ctx, sim.trader(carrier), [mrn], arrived_at=None, office=self.lane.office)
        sim.count("ics2.arrivals")
        self.outcome = "arrived"
        return [(timedelta(minutes=self.rnd.randrange(20, 120)), "inspect")]

    def step_inspect(self, sim: Sim) -> None:
        """The office of first entry presents and controls the goods its risk analysis pointed at; then the
        goods are declared for import (one declaration per house consignment)."""
        mrn = self.refs["mrn"]
        officer = sim.officer(self.lane.country, self.lane.office)
        try:
            case = nes.case(sim.ctx, officer, mrn)
        except CustomsError:
            case = None
        base_rate = self.rnd.random() < 0.005  # a random control, as member states do to measure compliance
        if case is not None and case["role"] == "first_entry" and (case["control_recommended"] or base_rate):
            nes.present(sim.ctx, officer, mrn)
            result = fraud.control_result(self.fraud)
            nes.record_control(sim.ctx, officer, mrn, {"control_type": "physical" if self.fraud else "documentary",
                                                       **result})
            sim.count(f"ics2.controls.{result['result']}")
            self.outcome = "controlled"
            if result["result"] == "seizure":
                return  # seized: no import
        sim.spawn_imports(self)
