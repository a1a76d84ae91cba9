"""Tables of the message exchange: the outbox/log of every message, and each consumer's inbox of the
message ids it has already processed (what makes a redelivery harmless)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, String, Table, Text, text

from eucustoms.platform.db import BigIntPK, UTCDateTime, metadata

bus_message = Table(
    "bus_message",
    metadata,
    Column("seq", BigIntPK, primary_key=True, autoincrement=True),
    Column("message_id", String(36), nullable=False, unique=True),
    Column("message_type", String(16), nullable=False),
    Column("system", String(24), nullable=False),
    Column("sender", String(16), nullable=False),
    Column("recipient", String(16), nullable=False),
    Column("correlation_id", String(64)),
    Column("subject", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("claimed_until", UTCDateTime),
    Column("delivered_at", UTCDateTime),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text),
    Column("dead_at", UTCDateTime),
)

# Only undelivered messages are ever scanned by recipient, so the index holds only them.
Index(
    "ix_bus_message_pending",
    bus_message.c.recipient,
    bus_message.c.seq,
    sqlite_where=text("delivered_at IS NULL AND dead_at IS NULL"),
    postgresql_where=text("delivered_at IS NULL AND dead_at IS NULL"),
)
Index("ix_bus_message_subject", bus_message.c.subject)

bus_inbox = Table(
    "bus_inbox",
    metadata,
    Column("consumer", String(64), primary_key=True),
    Column("message_id", String(36), primary_key=True),
    Column("processed_at", UTCDateTime, nullable=False),
)
