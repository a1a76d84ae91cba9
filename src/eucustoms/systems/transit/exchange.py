"""What one transaction of an office records and sends, written at its end (:class:`Exchange`): the CC messages
received and sent (rendered, with their XML, in the movement's log), the traders' notifications, the officers'
actions, the IE messages to other domains and the counts; and what the offices share about a trader's message
(:class:`Attempt`, :class:`MessageRejected`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import Connection, insert

from eucustoms.core.clock import now
from eucustoms.core.errors import ErrorCode, InvalidIdentifier, Issue, Rejected
from eucustoms.core.identifiers import MRN
from eucustoms.platform import notifications, telemetry
from eucustoms.platform.bus import CENTRAL, Envelope
from eucustoms.platform.context import Context
from eucustoms.refdata import RefData
from eucustoms.systems.transit.xml import Message, header, render

from . import SYSTEM
from .messages import text
from .store import transit_log

_LOG = insert(transit_log)


def nta(country: str) -> str:
    """The message sender of a member state's national transit application (``NTA.DE``)."""
    return f"NTA.{country}"


@dataclass(frozen=True)
class Sent:
    """A CC message sent to a trader."""

    message_type: str
    xml: str
    message_id: str

    def as_dict(self) -> dict[str, str]:
        return {"message_type": self.message_type, "message_id": self.message_id, "xml": self.xml}


class Exchange:
    """One office's transaction: ``domain`` is its member state, ``office`` its reference."""

    def __init__(self, ctx: Context, conn: Connection, domain: str, office: str | None = None):
        self.ctx, self.conn, self.domain, self.office = ctx, conn, domain, office
        self.log_rows: list[dict[str, Any]] = []
        self.notes: list[tuple[str, str, str, str | None, dict]] = []
        self.counts: list[tuple[str, str, str]] = []
        self.envelopes: list[Envelope] = []
        self.sent: list[Sent] = []

    def _log(self, mrn: str | None, lrn: str | None, direction: str, message_type: str, party: str, *,
             trader: str | None = None, payload: dict | None = None, xml: str | None = None,
             at: datetime | None = None) -> None:
        self.log_rows.append({"mrn": mrn, "lrn": lrn, "domain": self.domain, "office": self.office,
                              "direction": direction, "message_type": message_type, "trader": trader,
                              "party": party[:64], "at": at or now(), "payload": payload or {}, "xml": xml})

    def received(self, message: Message, mrn: str | None, lrn: str | None, trader: str,
                 payload: dict | None = None) -> None:
        """A CC message from a trader (accepted or not: the log keeps both)."""
        self._log(mrn, lrn, "in", message.type, trader, trader=trader, payload=payload,
                  xml=message.raw.decode("utf-8", errors="replace"))
        self.count("received", message.type)

    def received_unreadable(self, trader: str, text_kept: str | None, size: int) -> None:
        """A message that could not be read as an NCTS message (kept, up to a limit, for the record)."""
        self._log(None, None, "in", "XML", trader, trader=trader, payload={"rejected": True, "bytes": size},
                  xml=text_kept)
        self.count("received", "XML")

    def reply(self, message_type: str, data: dict[str, Any], *, mrn: str | None, lrn: str | None, trader: str,
              recipient: str, notify: Iterable[str | None] = (), correlation: str | None = None,
              payload: dict | None = None) -> Sent:
        """Render a CC message to ``recipient`` (the trader's message sender), log it, notify ``notify``."""
        head = header(message_type, nta(self.domain), recipient[:35], correlation=correlation)
        xml = render(message_type, {**head, **data}).decode("utf-8")
        sent = Sent(message_type, xml, head["messageIdentification"])
        self._log(mrn, lrn, "out", message_type, recipient, trader=trader, payload=payload, xml=xml)
        for eori in dict.fromkeys(e for e in notify if e):
            self.notes.append((eori, SYSTEM, message_type, mrn,
                               {"mrn": mrn, "lrn": lrn, "message_id": sent.message_id, "xml": xml}))
        self.sent.append(sent)
        self.count("sent", message_type)
        return sent

    def action(self, mrn: str, message_type: str, officer: str, payload: dict[str, Any]) -> None:
        """An officer's action at this office."""
        self._log(mrn, None, "in", message_type, officer, payload=payload)

    def send(self, message_type: str, recipient: str, payload: dict[str, Any], *, subject: str) -> None:
        """An IE message to another member state's national application."""
        self.envelopes.append(Envelope(message_type, SYSTEM, self.domain, recipient, payload, subject=subject))

    def count(self, metric: str, key: str = "") -> None:
        self.counts.append((SYSTEM, metric, key))

    def flush(self) -> None:
        if self.log_rows:
            self.conn.execute(_LOG, self.log_rows)
        notifications.notify_many(self.conn, self.notes)
        if self.envelopes:
            self.ctx.bus.send(self.conn, *self.envelopes, counts=self.counts)
        telemetry.count_many(self.conn, self.counts)
        self.log_rows, self.notes, self.counts, self.envelopes = [], [], [], []


def sender_of(message: Message | dict[str, Any]) -> str:
    """Who a trader's message came from (its messageSender), to address the answers to."""
    data = message.data if isinstance(message, Message) else message
    return text(data, "messageSender") or "unknown"


def identification_of(message: Message) -> str | None:
    return text(message.data, "messageIdentification")


class MessageRejected(Rejected):
    """A trader's message was refused; ``replies`` holds the rejection message sent (CC056C, CC057C, CC906C or
    CC917C) and ``issues`` every error. Nothing of the message changed the movement."""

    def __init__(self, issues: list[Issue], message: str, *, message_type: str | None, reply: Sent | None,
                 mrn: str | None = None, status: int = 422):
        super().__init__(issues, message)
        self.status = status
        self.message_type = message_type
        self.replies = [reply] if reply else []
        self.mrn = mrn

    def as_dict(self) -> dict[str, Any]:
        return {"message_type": self.message_type, "accepted": False, "mrn": self.mrn,
                "replies": [r.as_dict() for r in self.replies]}


@dataclass
class Attempt:
    """What handling a message learnt before it was refused: the movement it concerns (if the sender may see
    it) and the office's member state, so that the rejection is kept in the right log."""

    message: Message
    eori: str
    mrn: str | None = None
    domain: str | None = None
    office: str | None = None


def parse_mrn(mrn: str) -> str:
    try:
        return str(MRN.parse(mrn))
    except InvalidIdentifier as exc:
        raise Rejected.one(ErrorCode.INVALID_MRN, "/mrn", exc.message) from None


def domains(ctx: Context, refdata: RefData | None = None) -> set[str]:
    """The member states whose transit applications are connected (the national domains of the box)."""
    configured = ctx.settings.get("domains")
    if configured:
        return {d for d in configured if d != CENTRAL}
    refdata = refdata or RefData.from_db(ctx.db)
    return set(refdata.member_states(now().date())) | {"XI"}


def outcome(message: Message, row: dict[str, Any], sent: list[Sent]) -> dict[str, Any]:
    """The answer to an accepted message: the movement's MRN and state, and the messages sent back at once."""
    return {"message_type": message.type, "accepted": True, "mrn": row["mrn"], "lrn": row.get("lrn"),
            "state": row["state"], "replies": [s.as_dict() for s in sent]}


