"""NCTS phase 5 transit: the holder's declaration (CC015C, XML) at the office of departure under its comprehensive
guarantee, the control the risk analysis asks for, release (the AAR to the office of destination over the bus);
the authorised consignee's arrival notification (CC007C, simplified procedure) and unloading remarks (CC044C) at
destination; the destination control results back to departure, and the write-off with the guarantee credited.

Active only when the box has the transit system: its tables exist and its domains are installed on the bus
(see :func:`available`)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from .base import Sim, Story

SYSTEM = "NCTS"
# (office of departure (DEP), office of destination (DES), countries of routing, road hours)
ROUTES = [("DE004851", "NL000854", ("DE", "NL"), 7), ("NL000396", "DE004851", ("NL", "DE"), 7),
          ("BE101000", "FR002300", ("BE", "FR"), 5), ("DE004851", "PL322080", ("DE", "PL"), 9),
          ("ES004611", "FR002300", ("ES", "FR"), 14), ("IT277100", "DE007650", ("IT", "AT", "DE"), 9)]
GOODS = [("84314980", "Parts of cranes and lifting machinery, steel", 1250, "PX"),
         ("84829900", "Parts of ball bearings", 310, "CT"), ("73181590", "Steel screws and bolts", 95, "PX"),
         ("39011010", "Polyethylene in primary forms", 21000, "BG"), ("48025680", "Uncoated paper", 18000, "PX")]


def available(ctx: Any) -> str | None:
    """None when the transit flow can run on this box, else why not."""
    try:
        from sqlalchemy import inspect

        from eucustoms.systems.transit import codes
        from eucustoms.systems.transit.store import TABLES
    except ImportError as exc:  # pragma: no cover - the system is not there
        return f"the transit system cannot be imported: {exc}"
    if not inspect(ctx.db.engine).has_table(TABLES[0].name, schema=ctx.db.schema):
        return "the transit tables do not exist (no migration yet)"
    routes = getattr(ctx.bus, "_routes", {})
    if not any(codes.AAR in r for r in routes.values()):
        return "the transit domains are not installed on the bus (union.open_union)"
    return None


def routes(refdata: Any, day: date) -> list[tuple]:
    return [r for r in ROUTES if refdata.office_has_role(r[0], "DEP", day) and refdata.office_has_role(r[1], "DES", day)]


@dataclass
class TransitStory(Story):
    holder: str = ""
    consignee: str = ""
    route: tuple = ()
    declaration: dict[str, Any] = field(default_factory=dict)  # CC015C without its header

    def generate(self, world: Any, run_tag: str, usable: list[tuple]) -> TransitStory:
        from eucustoms.systems.transit.xml.examples import cc015c

        r = self.rnd
        self.route = r.choice(usable or ROUTES)
        departure, destination, routing, _ = self.route
        holders = ([o for o in world.declarants() if o.country == departure[:2] and o.eori in world.grns]
                   or [o for o in world.declarants() if o.eori in world.grns] or world.declarants())
        holder = r.choice(holders)
        consignees = [o for o in world.of("importer") if o.country == destination[:2]] or world.of("importer")
        consignee = r.choice(consignees)
        d = cc015c(lrn=f"SIM{run_tag}{self.number:06d}T", grn=world.grns.get(holder.eori, ""), items=r.choice((1, 2, 3)))
        for key in ("@PhaseID", "messageSender", "messageRecipient", "preparationDateAndTime", "messageIdentification",
                    "messageType", "correlationIdentifier"):
            d.pop(key, None)
        d["HolderOfTheTransitProcedure"].update(identificationNumber=holder.eori, name=holder.name,
                                                Address={"streetAndNumber": holder.street, "postcode": holder.postcode,
                                                         "city": holder.city, "country": holder.country})
        d["CustomsOfficeOfDeparture"] = {"referenceNumber": departure}
        d["CustomsOfficeOfDestinationDeclared"] = {"referenceNumber": destination}
        d.pop("CustomsOfficeOfTransitDeclared", None)
        from ..world import ACCESS_CODE

        g = d["Guarantee"][0]["GuaranteeReference"][0]
        g["accessCode"] = ACCESS_CODE
        g["amountToBeCovered"] = Decimal(r.randrange(2_000, 60_000))
        c = d["Consignment"]
        c["countryOfDispatch"], c["countryOfDestination"] = departure[:2], destination[:2]
        c["Consignee"] = {"identificationNumber": consignee.eori, "name": consignee.name,
                          "Address": {"streetAndNumber": consignee.street, "postcode": consignee.postcode,
                                      "city": consignee.city, "country": consignee.country}}
        c["LocationOfGoods"]["CustomsOffice"] = {"referenceNumber": departure}
        c["DepartureTransportMeans"][0].update(identificationNumber=f"{departure[:2]}-SIM {r.randrange(1000, 9999)}",
                                               nationality=departure[:2])
        c["CountryOfRoutingOfConsignment"] = [{"sequenceNumber": n + 1, "country": x} for n, x in enumerate(routing)]
        c.pop("PlaceOfLoading", None)
        for n, item in enumerate(c["HouseConsignment"][0]["ConsignmentItem"], start=1):
            code, text, kg, package = r.choice(GOODS)
            gross = Decimal(str(round(kg * r.uniform(0.5, 1.5), 1)))
            item["Commodity"] = {"descriptionOfGoods": text,
                                 "CommodityCode": {"harmonizedSystemSubHeadingCode": code[:6], "combinedNomenclatureCode": code[6:]},
                                 "GoodsMeasure": {"grossMass": gross, "netMass": (gross * Decimal("0.95")).quantize(Decimal("0.1"))}}
            item["Packaging"] = [{"sequenceNumber": 1, "typeOfPackages": package, "numberOfPackages": r.randrange(1, 40),
                                  "shippingMarks": f"SIM {run_tag} {self.number}/{n}"}]
            item["PreviousDocument"] = [{"sequenceNumber": 1, "type": "N380", "referenceNumber": f"INV-{run_tag}-{self.number}-{n}"}]
        total = sum(Decimal(str(i["Commodity"]["GoodsMeasure"]["grossMass"])) for i in c["HouseConsignment"][0]["ConsignmentItem"])
        c["grossMass"] = c["HouseConsignment"][0]["grossMass"] = total
        self.holder, self.consignee, self.declaration = holder.eori, consignee.eori, d
        return self

    def plan(self) -> dict[str, Any]:
        return {"route": self.route, "holder": self.holder, "declaration": self.declaration}

    def _send(self, sim: Sim, eori: str, message_type: str, data: dict[str, Any], recipient: str) -> dict[str, Any]:
        from eucustoms.systems.transit import service
        from eucustoms.systems.transit.xml import header, render

        body = render(message_type, {**header(message_type, eori, recipient), **data})
        answer = service.submit(sim.ctx, sim.trader(eori), body)
        sim.count(f"transit.{message_type}")
        return answer

    def step_start(self, sim: Sim) -> list[tuple[timedelta, str]]:
        d = copy.deepcopy(self.declaration)
        answer = self._send(sim, self.holder, "CC015C", d, f"NTA.{self.route[0][:2]}")
        self.refs["mrn"] = answer["mrn"]
        sim.truth(self, SYSTEM, answer["mrn"])
        return self._after_departure(sim, answer.get("state"))

    def _after_departure(self, sim: Sim, state: str | None) -> list[tuple[timedelta, str]]:
        self.outcome = state
        if state == "released":
            return [(timedelta(hours=self.route[3] + self.rnd.uniform(0, 3)), "arrive")]
        if state in ("under_control", "controlled"):
            return [(timedelta(minutes=self.rnd.randrange(20, 90)), "control")]
        return []

    def step_control(self, sim: Sim) -> list[tuple[timedelta, str]]:
        from eucustoms.systems.transit import service

        officer = sim.officer(self.route[0][:2], self.route[0])
        mrn = self.refs["mrn"]
        state = service.consult(sim.ctx, officer, mrn)["state"]
        if state == "under_control":
            service.record_control(sim.ctx, officer, mrn, "no_irregularity")
            sim.count("transit.controls")
        answer = service.release(sim.ctx, officer, mrn)
        return self._after_departure(sim, answer.get("state"))

    def step_arrive(self, sim: Sim) -> list[tuple[timedelta, str]]:
        destination = self.route[1]
        self._send(sim, self.consignee, "CC007C", {
            "TransitOperation": {"MRN": self.refs["mrn"], "arrivalNotificationDateAndTime": sim.now(),
                                 "simplifiedProcedure": True},
            "Authorisation": [{"sequenceNumber": 1, "type": "C522", "referenceNumber": f"{destination[:2]}ACE{self.consignee[-6:]}"}],
            "CustomsOfficeOfDestinationActual": {"referenceNumber": destination},
            "TraderAtDestination": {"identificationNumber": self.consignee},
            "Consignment": {"LocationOfGoods": {"typeOfLocation": "B", "qualifierOfIdentification": "V",
                                                "CustomsOffice": {"referenceNumber": destination}}}}, f"NTA.{destination[:2]}")
        self.outcome = "arrived"
        return [(timedelta(minutes=self.rnd.randrange(30, 180)), "unload")]

    def step_unload(self, sim: Sim) -> None:
        destination = self.route[1]
        self._send(sim, self.consignee, "CC044C", {
            "TransitOperation": {"MRN": self.refs["mrn"]},
            "CustomsOfficeOfDestinationActual": {"referenceNumber": destination},
            "TraderAtDestination": {"identificationNumber": self.consignee},
            "UnloadingRemark": {"conform": True, "unloadingCompletion": True, "unloadingDate": sim.now().date(),
                                "stateOfSeals": True}}, f"NTA.{destination[:2]}")
        self.outcome = "unloaded"
