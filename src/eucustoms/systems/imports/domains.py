"""Wiring imports onto the message exchange: in each member state's domain, the supervising office's
handlers (answers from an office of presentation) and the office of presentation's (particulars, decisions)."""

from __future__ import annotations

from functools import partial

from eucustoms.platform.context import Context

from . import cci, codes, service


def install(ctx: Context, national_domains: tuple[str, ...]) -> None:
    bus = ctx.bus
    for domain in national_domains:
        bus.subscribe(domain, partial(cci.on_particulars, ctx), types=[codes.CCI_PARTICULARS])
        bus.subscribe(domain, partial(cci.on_decision, ctx), types=[codes.CCI_RELEASE, codes.CCI_NO_RELEASE])
        bus.subscribe(domain, partial(service.on_cci_risk_result, ctx), types=[codes.CCI_RISK_RESULT])
        bus.subscribe(domain, partial(service.on_cci_control_result, ctx), types=[codes.CCI_CONTROL_RESULT])
        bus.subscribe(domain, partial(service.on_cci_exit, ctx), types=[codes.CCI_EXIT])
