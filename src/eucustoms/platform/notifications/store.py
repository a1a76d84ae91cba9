"""Tables of the trader notifications and of the traders' webhooks."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Index, Integer, String, Table, Text, text

from eucustoms.platform.db import BigIntPK, UTCDateTime, metadata

notification = Table(
    "notification",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("recipient", String(17), nullable=False),  # EORI of the trader
    Column("system", String(24), nullable=False),
    Column("message_type", String(16), nullable=False),
    Column("subject", String(64)),  # MRN, LRN...
    Column("created_at", UTCDateTime, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("acknowledged_at", UTCDateTime),
    # Push: "pending" while a webhook should get it, "pushed", "failed" after the last retry, "none" if no webhook.
    Column("push_state", String(8), nullable=False),
    Column("push_attempts", Integer, nullable=False, server_default=text("0")),
    Column("next_push_at", UTCDateTime),
    Column("last_push_error", Text),
)
Index("ix_notification_recipient_open", notification.c.recipient, notification.c.id,
      sqlite_where=text("acknowledged_at IS NULL"), postgresql_where=text("acknowledged_at IS NULL"))
Index("ix_notification_push_due", notification.c.next_push_at,
      sqlite_where=text("push_state = 'pending'"), postgresql_where=text("push_state = 'pending'"))
Index("ix_notification_subject", notification.c.subject)

notification_webhook = Table(
    "notification_webhook",
    metadata,
    Column("recipient", String(17), primary_key=True),
    Column("url", String(2048), nullable=False),
    Column("secret", String(128), nullable=False),  # signs each push (HMAC-SHA256), so the trader can check the sender
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
