"""Wiring transit onto the message exchange: in each member state's domain, the office of departure's handlers
(crossing, arrival advice, destination control results), the office of destination's (AAR) and the offices of
transit's (ATR)."""

from __future__ import annotations

from functools import partial

from eucustoms.platform.context import Context

from . import codes, destination, service, transit_office


def install(ctx: Context, national_domains: tuple[str, ...]) -> None:
    bus = ctx.bus
    for domain in national_domains:
        bus.subscribe(domain, partial(destination.on_aar, ctx), types=[codes.AAR])
        bus.subscribe(domain, partial(transit_office.on_atr, ctx), types=[codes.ATR])
        bus.subscribe(domain, partial(service.on_crossing, ctx), types=[codes.CROSSING])
        bus.subscribe(domain, partial(service.on_arrival_advice, ctx), types=[codes.ARRIVAL_ADVICE])
        bus.subscribe(domain, partial(service.on_destination_results, ctx), types=[codes.DESTINATION_CONTROL_RESULTS])
