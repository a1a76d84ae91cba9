"""The message header every NCTS phase 5 message starts with (the XSD group ``MESSAGE``)."""

from __future__ import annotations

import uuid
from datetime import datetime

from eucustoms.core.clock import now
from eucustoms.systems.transit.xml.schema import MESSAGE_TYPES
from eucustoms.systems.transit.xml.writing import format_value

PHASE = "NCTS5.0"  # the root's PhaseID attribute, as the samples carry it (phaseIDtype: NCTS5.0, NCTS5.1)
_MAX = 35  # messageSender, messageRecipient, messageIdentification, correlationIdentifier: .{1,35}


def message_identification() -> str:
    """A new unique message identification: a random UUID's 32 hex digits (the XSD allows 35 characters)."""
    return uuid.uuid4().hex


def _token(name: str, value: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX or value != " ".join(value.split()):
        raise ValueError(f"{name} must be 1 to {_MAX} characters without leading, trailing or double spaces, got {value!r}")
    return value


def header(message_type: str, sender: str, recipient: str, *, correlation: str | None = None,
           at: datetime | None = None) -> dict:
    """The header elements as a dict to merge into a message's data.

    ``preparationDateAndTime`` is ``at`` (default: the box clock's now) in UTC, to the second, as text;
    ``messageIdentification`` is new and unique; ``correlationIdentifier`` is present only when given (the
    identification of the message this one answers). ``@PhaseID`` is ``NCTS5.0``.
    """
    if message_type not in MESSAGE_TYPES:
        raise ValueError(f"no NCTS phase 5 schema for message type {message_type!r}")
    data = {
        "@PhaseID": PHASE,
        "messageSender": _token("messageSender", sender),
        "messageRecipient": _token("messageRecipient", recipient),
        "preparationDateAndTime": format_value(at if at is not None else now(), "dateTime"),
        "messageIdentification": message_identification(),
        "messageType": message_type,
    }
    if correlation is not None:
        data["correlationIdentifier"] = _token("correlationIdentifier", correlation)
    return data
