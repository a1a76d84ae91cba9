"""The narrow interface between the bus and whatever carries messages, and the embedded transport.

A transport only has to: accept messages that are already durable in the outbox (``publish``), hand out
batches for a set of recipient domains (``fetch``), take back the ones that were processed (``ack``) or
failed (``fail``). The embedded transport uses the outbox table itself as the queue; a broker transport
(NATS JetStream) relays the outbox to the broker and acknowledges there.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable, Sequence

from sqlalchemy import Connection, and_, bindparam, or_, select, update

from eucustoms.platform.db import Database

from .envelope import Envelope
from .store import bus_message


@dataclass(frozen=True, slots=True)
class Delivery:
    """A message handed to a consumer, with what the transport needs to acknowledge it."""

    envelope: Envelope
    seq: int
    attempts: int
    token: object = None


def wall_now() -> datetime:
    # Leases and retries run on real time, not on the (possibly simulated) business clock.
    return datetime.now(timezone.utc)


class Transport(ABC):
    #: True when publishing must copy outbox rows elsewhere (a broker); False when the outbox is the queue.
    relays: bool = False

    def publish(self, envelopes: Sequence[tuple[int, Envelope]]) -> None:  # noqa: B027 - optional
        """Make the given (seq, envelope) pairs available for delivery. Must be durable on return."""

    @abstractmethod
    def fetch(self, domains: Iterable[str], limit: int) -> list[Delivery]:
        """Claim up to ``limit`` messages addressed to ``domains``; claimed messages are not handed out again
        until their lease expires."""

    def ack_within(self, conn: Connection, deliveries: Sequence[Delivery]) -> None:  # noqa: B027
        """Acknowledge inside the consumer's transaction (transports that live in the same database)."""

    def ack_after(self, deliveries: Sequence[Delivery]) -> None:  # noqa: B027
        """Acknowledge once the consumer's transaction committed (external brokers)."""

    @abstractmethod
    def fail(self, delivery: Delivery, error: str, *, dead: bool, retry_in: timedelta) -> None:
        """Record a failed processing attempt; a dead message is never delivered again."""

    def close(self) -> None:  # noqa: B027
        pass


class OutboxTransport(Transport):
    """Embedded transport: the outbox table is the queue (no copy, no broker; one database)."""

    relays = False

    def __init__(self, db: Database, lease: timedelta = timedelta(seconds=60)):
        self.db = db
        self.lease = lease
        self._claims: dict[int, object] = {}

    def fetch(self, domains: Iterable[str], limit: int) -> list[Delivery]:
        domains = sorted(set(domains))
        if not domains:
            return []
        with self.db.begin() as conn:
            return self.fetch_within(conn, domains, limit)

    def fetch_within(self, conn: Connection, domains: Iterable[str], limit: int) -> list[Delivery]:
        """:meth:`fetch` in the caller's transaction: the claim holds only if it commits (the bus claims and
        consumes a batch in one transaction this way: one commit instead of two)."""
        domains = sorted(set(domains))
        if not domains:
            return []
        claim = self._claims.get(limit)
        if claim is None:
            claim = self._claims[limit] = self._claim(limit)
        moment = wall_now()
        rows = conn.execute(claim, {"domains": domains, "moment": moment, "until": moment + self.lease}).all()
        rows.sort(key=lambda r: r.seq)
        return [
            Delivery(
                envelope=Envelope(
                    message_type=r.message_type, system=r.system, sender=r.sender, recipient=r.recipient,
                    payload=r.payload, correlation_id=r.correlation_id, subject=r.subject,
                    message_id=r.message_id, created_at=r.created_at,
                ),
                seq=r.seq,
                attempts=r.attempts,
            )
            for r in rows
        ]

    def _claim(self, limit: int):  # noqa: ANN202 - built once per batch size: building costs more than running it
        m = bus_message
        pending = (
            select(m.c.seq)
            .where(
                m.c.delivered_at.is_(None),
                m.c.dead_at.is_(None),
                m.c.recipient.in_(bindparam("domains", expanding=True)),
                or_(m.c.claimed_until.is_(None), m.c.claimed_until < bindparam("moment", type_=m.c.claimed_until.type)),
            )
            .order_by(m.c.seq)
            .limit(limit)
        )
        if self.db.dialect == "postgresql":
            pending = pending.with_for_update(skip_locked=True)
        return (
            update(m)
            .where(m.c.seq.in_(pending.scalar_subquery()))
            .values(claimed_until=bindparam("until", type_=m.c.claimed_until.type))
            .returning(
                m.c.seq, m.c.message_id, m.c.message_type, m.c.system, m.c.sender, m.c.recipient,
                m.c.correlation_id, m.c.subject, m.c.created_at, m.c.payload, m.c.attempts,
            )
        )

    def ack_within(self, conn: Connection, deliveries: Sequence[Delivery]) -> None:
        if not deliveries:
            return
        m = bus_message
        # One statement per batch: a per-row UPDATE costs more than the consumer's own work.
        conn.execute(
            update(m).where(m.c.seq.in_([d.seq for d in deliveries])).values(delivered_at=wall_now(), claimed_until=None)
        )

    def fail(self, delivery: Delivery, error: str, *, dead: bool, retry_in: timedelta) -> None:
        m = bus_message
        moment = wall_now()
        with self.db.begin() as conn:
            conn.execute(
                update(m)
                .where(and_(m.c.seq == delivery.seq, m.c.delivered_at.is_(None)))
                .values(
                    attempts=m.c.attempts + 1,
                    last_error=error[:2000],
                    claimed_until=moment + retry_in,
                    dead_at=moment if dead else None,
                )
            )
