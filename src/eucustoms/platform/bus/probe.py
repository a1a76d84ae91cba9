"""The CCN2 connectivity probe: a domain sends ``CCN_PING`` to another, which answers ``CCN_PONG``.

A probe round trip proves that both domains are up and that messages flow both ways; the answers are
counted per domain (metric ``probes``) and feed the systems' availability figures."""

from __future__ import annotations

from sqlalchemy import Connection

from eucustoms.platform import telemetry

from .bus import Bus
from .envelope import Envelope

SYSTEM = "ccn2"
PING = "CCN_PING"
PONG = "CCN_PONG"


def install(bus: Bus, domain: str) -> None:
    """Make ``domain`` answer probes and record the answers it receives."""

    def on_ping(conn: Connection, env: Envelope) -> None:
        bus.send(conn, env.reply(PONG, {"echo": env.payload.get("nonce")}))

    def on_pong(conn: Connection, env: Envelope) -> None:
        telemetry.count(conn, SYSTEM, "probes", env.sender)

    bus.subscribe(domain, on_ping, types=[PING])
    bus.subscribe(domain, on_pong, types=[PONG])


def ping(conn: Connection, bus: Bus, sender: str, recipients: list[str], nonce: str = "") -> list[Envelope]:
    envelopes = [Envelope(PING, SYSTEM, sender, r, {"nonce": nonce}) for r in recipients]
    bus.send(conn, *envelopes)
    return envelopes
