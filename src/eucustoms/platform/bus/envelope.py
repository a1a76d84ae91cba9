"""The envelope every exchange between domains travels in (the box's CCN2 message)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from eucustoms.core.clock import now

# Domain names: "EU" is the central (Commission) domain, national domains are ISO country codes ("DE", "XI").
CENTRAL = "EU"


def new_message_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class Envelope:
    """One message: ``message_type`` is the EU id (``CC015C``, ``IE3F32``), ``system`` the system it belongs
    to (``transit``, ``ics2``) for the per-system counts, ``subject`` the MRN/GRN/EORI it is about, so that a
    declaration's or movement's message log can be read back."""

    message_type: str
    system: str
    sender: str
    recipient: str
    payload: dict[str, Any]
    correlation_id: str | None = None
    subject: str | None = None
    message_id: str = field(default_factory=new_message_id)
    created_at: datetime = field(default_factory=now)

    def reply(self, message_type: str, payload: dict[str, Any], *, subject: str | None = None) -> "Envelope":
        """A message back to the sender, correlated with this one."""
        return Envelope(
            message_type=message_type,
            system=self.system,
            sender=self.recipient,
            recipient=self.sender,
            payload=payload,
            correlation_id=self.correlation_id or self.message_id,
            subject=subject or self.subject,
        )
