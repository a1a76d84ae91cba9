"""Export (AES): the exporter's declaration at the office of export, the control the risk analysis asks for,
release for export (the anticipated export record to the office of exit over the bus), the carrier's arrival
at the office of exit and its exit notification, the exit results back to export (exit certified), and the
surveillance records of the exported items.

Active only when the box has the export system: its tables exist and its domains are installed on the bus."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from .base import Sim, Story
from .surveillance import record_release

SYSTEM = "ECS"
EXIT_OFFICES = ["NL000396", "DE004851", "BE101000", "FR002300"]  # Rotterdam, Hamburg, Antwerp, Le Havre (EXT)
GOODS = [("84713000", "Portable computers (laptops), new", 250, ["US", "CA", "JP", "CH", "NO", "AU"]),
         ("61091000", "T-shirts of cotton, knitted", 25, ["US", "CH", "GB", "NO", "TR"]),
         ("84181020", "Combined refrigerator-freezers, new", 8, ["CH", "NO", "GB", "MA", "IL"]),
         ("22042109", "Wine in bottles", 6, ["US", "CN", "JP", "CH", "GB"]),
         ("84433210", "Printers, connected", 60, ["US", "CA", "CH", "BR", "MX"]),
         ("87032319", "Motor cars, 1 500 – 3 000 cm³", 18, ["US", "TR", "MA", "CH"])]


def available(ctx: Any) -> str | None:
    try:
        from sqlalchemy import inspect

        from eucustoms.systems.export import codes
        from eucustoms.systems.export.store import TABLES
    except ImportError as exc:  # pragma: no cover
        return f"the export system cannot be imported: {exc}"
    if not inspect(ctx.db.engine).has_table(TABLES[0].name, schema=ctx.db.schema):
        return "the export tables do not exist (no migration yet)"
    routes = getattr(ctx.bus, "_routes", {})
    if not any(codes.AER in r for r in routes.values()):
        return "the export domains are not installed on the bus (union.open_union)"
    return None


@dataclass
class ExportStory(Story):
    exporter: str = ""
    carrier: str = ""
    exit_office: str = ""
    payload: dict[str, Any] = field(default_factory=dict)

    def generate(self, world: Any, run_tag: str, offices: dict[str, list[str]]) -> ExportStory:
        r = self.rnd
        exporters = [o for o in world.of("exporter") if offices.get(o.country)] or world.of("exporter")
        exporter = r.choice(exporters)
        exit_office = r.choice(EXIT_OFFICES)
        carriers = [o for o in world.of("carrier_sea") if o.country == exit_office[:2]] or world.of("carrier_sea")
        carrier = r.choice(carriers)
        first = r.choice(GOODS)
        destination = r.choice(first[3])
        items = []
        for number in range(1, r.choice((1, 1, 2, 3)) + 1):
            cn, description, per_kg, _ = first if number == 1 else r.choice(GOODS)
            kg = r.randrange(20, 5000)
            items.append({"item_number": number, "description": description, "cn_code": cn, "net_mass": str(kg),
                          "gross_mass": str(round(kg * 1.07, 1)),
                          "packages": [{"type": r.choice(["CT", "PK", "PX", "BX"]), "number": r.randrange(1, 60)}],
                          "statistical_value": {"amount": f"{kg * per_kg * r.uniform(0.8, 1.3):.2f}", "currency": "EUR"}})
        security = 2 if r.random() < 0.3 else 0
        office = r.choice(offices.get(exporter.country) or [exit_office])
        self.payload = {
            "lrn": f"SIM{run_tag}{self.number:06d}X", "declaration_type": "EX", "additional_declaration_type": "A",
            "security": security, "procedure": "1000",
            "exporter": {"eori": exporter.eori, "name": exporter.name, "country": exporter.country},
            "declarant": {"eori": exporter.eori}, "consignee": {"name": "Overseas Buyer Ltd", "country": destination},
            "office_of_export": office, "office_of_exit": exit_office, "country_of_destination": destination,
            "transport": {"inland_mode": "3", "border_mode": "1",
                          "departure": {"type": "30", "identity": f"TRK-{r.randrange(1000, 9999)}"}},
            "items": items}
        if security == 2:
            self.payload["carrier"] = {"eori": carrier.eori, "name": carrier.name, "country": carrier.country}
            self.payload["transport"]["active_at_border"] = {"type": "10", "identity": str(r.randrange(9000000, 9999999)),
                                                             "nationality": "PA"}
        self.exporter, self.carrier, self.exit_office = exporter.eori, carrier.eori, exit_office
        return self

    def plan(self) -> dict[str, Any]:
        return {"payload": self.payload, "carrier": self.carrier}

    def step_start(self, sim: Sim) -> list[tuple[timedelta, str]]:
        from eucustoms.systems.export import service

        answer = service.lodge(sim.ctx, sim.trader(self.exporter), self.payload)
        self.refs["mrn"] = answer["mrn"]
        sim.truth(self, SYSTEM, answer["mrn"])
        sim.count("export.lodged")
        return self._after(answer["state"])

    def _after(self, state: str) -> list[tuple[timedelta, str]]:
        self.outcome = state
        if state == "under_control":
            return [(timedelta(minutes=self.rnd.randrange(20, 120)), "control")]
        return [(timedelta(hours=self.rnd.uniform(3, 12)), "exit")]

    def step_control(self, sim: Sim) -> list[tuple[timedelta, str]]:
        from eucustoms.systems.export import service

        officer = sim.officer(self.refs["mrn"][2:4], self.payload["office_of_export"])
        service.record_control(sim.ctx, officer, self.refs["mrn"], {"result": "no_irregularity"})
        answer = service.release(sim.ctx, officer, self.refs["mrn"])
        sim.count("export.controls")
        return self._after(answer["state"])

    def step_exit(self, sim: Sim) -> None:
        from eucustoms.systems.export import examples
        from eucustoms.systems.export import exit as office_of_exit

        carrier = sim.trader(self.carrier)
        arrived = office_of_exit.arrive(sim.ctx, carrier, examples.arrival(self.refs["mrn"], self.exit_office))
        if arrived["state"] == "under_control":  # the office of exit examines what export did not
            officer = sim.officer(self.exit_office[:2], self.exit_office)
            office_of_exit.record_control(sim.ctx, officer, self.refs["mrn"], {"result": "no_irregularity"})
            office_of_exit.release_for_exit(sim.ctx, officer, self.refs["mrn"])
        office_of_exit.notify_exit(sim.ctx, carrier, examples.exit_notification(self.refs["mrn"], self.exit_office))
        sim.count("export.exited")
        self.outcome = "exited"
        record_release(sim, self.refs["mrn"], self.refs["mrn"][2:4],
                       {"office": self.payload["office_of_export"], "procedure": "1000",
                        "country_of_dispatch": self.payload["country_of_destination"],
                        "items": [{**i, "item_price": i["statistical_value"]} for i in self.payload["items"]]}, flow="E")
