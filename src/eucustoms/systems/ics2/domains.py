"""Wiring ICS2 onto the message exchange: the common repository in the central domain, a national entry
system in each member state's domain."""

from __future__ import annotations

from functools import partial

from eucustoms.platform.bus import CENTRAL
from eucustoms.platform.context import Context

from . import codes, nes, service


def install(ctx: Context, national_domains: tuple[str, ...]) -> None:
    bus = ctx.bus
    bus.subscribe(CENTRAL, partial(service.on_risk_result, ctx), types=[codes.RA_RESULT])
    bus.subscribe(CENTRAL, partial(service.on_presentation, ctx), types=[codes.PRESENTATION])
    bus.subscribe(CENTRAL, partial(service.on_control_result, ctx), types=[codes.CONTROL_RESULT])
    for domain in national_domains:
        bus.subscribe(domain, partial(nes.on_risk_analysis_request, ctx), types=[codes.RA_REQUEST])
        bus.subscribe(domain, partial(nes.on_risk_signal, ctx), types=[codes.RISK_SIGNAL])
        bus.subscribe(domain, partial(nes.on_referral_answer, ctx), types=[codes.REFERRAL_ANSWER])
        bus.subscribe(domain, partial(nes.on_arrival, ctx), types=[codes.ARRIVAL])
