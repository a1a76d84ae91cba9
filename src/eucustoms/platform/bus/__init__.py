"""The message exchange between domains (the CCN2 of the box): envelopes, a durable outbox, batched
at-least-once delivery and idempotent consumption, behind a narrow transport interface."""

from .bus import Bus, Handler, NoHandler, batched, message_log, writer_turn
from .envelope import CENTRAL, Envelope, new_message_id
from .store import bus_inbox, bus_message
from .transport import Delivery, OutboxTransport, Transport

__all__ = [
    "Bus", "Handler", "NoHandler", "batched", "message_log", "CENTRAL", "Envelope", "new_message_id",
    "bus_inbox", "bus_message", "Delivery", "OutboxTransport", "Transport", "writer_turn",
]
