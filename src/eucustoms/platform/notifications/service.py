"""Queueing, reading and acknowledging notifications; registering webhooks."""

from __future__ import annotations

import secrets
from typing import Any, Iterable
from urllib.parse import urlparse

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import ErrorCode, Rejected
from eucustoms.platform.bus.transport import wall_now

from .store import notification, notification_webhook

# Built once: building a statement costs more than executing it.
_HOOKS = select(notification_webhook.c.recipient).where(
    notification_webhook.c.recipient.in_(bindparam("recipients", expanding=True)),
    notification_webhook.c.active.is_(True))
_INSERT = insert(notification)
_INSERT_ONE = insert(notification).returning(notification.c.id)


def notify(conn: Connection, recipient: str, system: str, message_type: str, payload: dict[str, Any],
           *, subject: str | None = None) -> int:
    """Queue a notification for ``recipient`` in the caller's transaction; returns its id."""
    hooked = conn.execute(_HOOKS, {"recipients": [recipient]}).first() is not None
    return conn.execute(_INSERT_ONE, _row(recipient, system, message_type, subject, payload, hooked)).scalar_one()


def notify_many(conn: Connection, items: Iterable[tuple[str, str, str, str | None, dict[str, Any]]]) -> None:
    """Queue several notifications ``(recipient, system, message_type, subject, payload)`` in the caller's
    transaction, in the order given (ids ascend in that order, which is the order they are pushed in):
    the same rows as :func:`notify` one by one, in two statements."""
    items = list(items)
    if not items:
        return
    hooked = set(conn.execute(_HOOKS, {"recipients": sorted({i[0] for i in items})}).scalars())
    conn.execute(_INSERT, [_row(r, sy, mt, su, p, r in hooked) for r, sy, mt, su, p in items])


def _row(recipient: str, system: str, message_type: str, subject: str | None, payload: dict[str, Any],
         hooked: bool) -> dict[str, Any]:
    return {"recipient": recipient, "system": system, "message_type": message_type, "subject": subject,
            "created_at": now(), "payload": payload, "push_state": "pending" if hooked else "none",
            "next_push_at": wall_now() if hooked else None}


def pending(conn: Connection, recipient: str, *, system: str | None = None, subject: str | None = None,
            include_acknowledged: bool = False, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
    """The recipient's notifications, oldest first (by default only those not yet acknowledged)."""
    n = notification
    q = select(n.c.id, n.c.system, n.c.message_type, n.c.subject, n.c.created_at, n.c.payload,
               n.c.acknowledged_at).where(n.c.recipient == recipient, n.c.id > after)
    if not include_acknowledged:
        q = q.where(n.c.acknowledged_at.is_(None))
    if system:
        q = q.where(n.c.system == system)
    if subject:
        q = q.where(n.c.subject == subject)
    return [dict(r) for r in conn.execute(q.order_by(n.c.id).limit(limit)).mappings()]


def acknowledge(conn: Connection, recipient: str, ids: Iterable[int]) -> int:
    """Mark the recipient's notifications as read; ids of other recipients are ignored. Returns how many."""
    ids = list(ids)
    if not ids:
        return 0
    n = notification
    res = conn.execute(update(n).where(n.c.recipient == recipient, n.c.id.in_(ids), n.c.acknowledged_at.is_(None))
                       .values(acknowledged_at=now()))
    return res.rowcount


def register_webhook(conn: Connection, recipient: str, url: str, secret: str | None = None) -> dict[str, Any]:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/url", "the webhook must be an absolute http(s) URL")
    secret = secret or secrets.token_urlsafe(32)
    conn.execute(delete(notification_webhook).where(notification_webhook.c.recipient == recipient))
    conn.execute(insert(notification_webhook).values(recipient=recipient, url=url, secret=secret, active=True,
                                                     created_at=now()))
    # What is still unread becomes due for pushing to the new address.
    conn.execute(update(notification).where(notification.c.recipient == recipient,
                                            notification.c.acknowledged_at.is_(None))
                 .values(push_state="pending", next_push_at=wall_now(), push_attempts=0))
    return {"recipient": recipient, "url": url, "secret": secret}


def webhook_of(conn: Connection, recipient: str) -> dict[str, Any] | None:
    row = conn.execute(select(notification_webhook).where(notification_webhook.c.recipient == recipient)).mappings().first()
    return {k: v for k, v in row.items() if k != "secret"} if row else None


def remove_webhook(conn: Connection, recipient: str) -> bool:
    res = conn.execute(delete(notification_webhook).where(notification_webhook.c.recipient == recipient))
    conn.execute(update(notification).where(notification.c.recipient == recipient, notification.c.push_state == "pending")
                 .values(push_state="none", next_push_at=None))
    return res.rowcount == 1
