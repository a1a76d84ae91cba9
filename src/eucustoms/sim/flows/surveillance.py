"""Surveillance: a surveillance data record (SDR) for each goods item of a released declaration.

The releasing system is meant to hand its records to surveillance in the transaction that releases the
declaration (``surveillance.service.record``); the import system does not do so yet, so the simulator stands in
for that link: right after a release it records the items through the surveillance service. Recording is
idempotent (flow, MRN, item), so once the import system records them itself nothing is counted twice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from eucustoms.systems.surveillance import service as surveillance

from .base import Sim


def record_release(sim: Sim, mrn: str, country: str, payload: dict[str, Any], flow: str = "I") -> int:
    day = sim.now().date()
    office = payload.get("supervising_office") or payload.get("office_of_presentation") or payload.get("office")
    records = []
    for item in payload.get("items", []):
        price = item.get("item_price") or {}
        value = Decimal(price["amount"]) if price.get("currency") == "EUR" else None
        records.append({"flow": flow, "mrn": mrn, "item": item["item_number"], "country": mrn[2:4],
                        "office": office, "release_date": day, "procedure": payload.get("procedure", "4000"),
                        "goods_code": (item["cn_code"] + (item.get("taric_code") or ""))[:10],
                        "origin": item.get("origin"), "partner": payload.get("country_of_dispatch"),
                        "preference": item.get("preference"),
                        "net_mass": Decimal(item["net_mass"]) if item.get("net_mass") else None, "value_eur": value})
    with sim.ctx.db.begin() as conn:
        new = surveillance.record(conn, records)
    sim.count("surveillance.records", new)
    return new
