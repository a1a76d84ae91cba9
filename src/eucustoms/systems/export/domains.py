"""Wiring AES onto the message exchange: in each member state's domain, the office of export's handler (the
exit results, IE518) and the office of exit's handlers (the anticipated export record IE501 and its
cancellation)."""

from __future__ import annotations

from functools import partial

from eucustoms.platform.context import Context

from . import codes, exit, service


def install(ctx: Context, national_domains: tuple[str, ...]) -> None:
    bus = ctx.bus
    for domain in national_domains:
        bus.subscribe(domain, partial(exit.on_aer, ctx), types=[codes.AER])
        bus.subscribe(domain, partial(exit.on_aer_cancellation, ctx), types=[codes.AER_CANCELLATION])
        bus.subscribe(domain, partial(service.on_exit_results, ctx), types=[codes.EXIT_RESULTS])
