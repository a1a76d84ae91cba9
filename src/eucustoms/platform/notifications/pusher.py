"""Pushes due notifications to the traders' webhooks: at least once, in order per trader, with
exponential back-off; after the last attempt the notification stays available by pull."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
from datetime import timedelta

import httpx
from sqlalchemy import func, select, update

from eucustoms.platform.bus.transport import wall_now
from eucustoms.platform.db import Database

from .store import notification, notification_webhook

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
SIGNATURE_HEADER = "X-Eucustoms-Signature"


def backoff(attempts: int) -> timedelta:
    """1 s, 2 s, 4 s … capped at one hour."""
    return timedelta(seconds=min(3600, 2 ** max(0, attempts - 1)))


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class Pusher:
    def __init__(self, db: Database, *, batch: int = 200, timeout: float = 5.0):
        self.db = db
        self.batch = batch
        self.client = httpx.Client(timeout=timeout)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def push_due(self) -> int:
        """Push what is due now; returns how many pushes were attempted."""
        n, w = notification, notification_webhook
        moment = wall_now()
        with self.db.read() as conn:
            rows = conn.execute(
                select(n.c.id, n.c.recipient, n.c.system, n.c.message_type, n.c.subject, n.c.created_at,
                       n.c.payload, n.c.push_attempts, w.c.url, w.c.secret)
                .join(w, w.c.recipient == n.c.recipient)
                .where(n.c.push_state == "pending", n.c.next_push_at <= moment, w.c.active.is_(True))
                .order_by(n.c.id).limit(self.batch)
            ).mappings().all()
        if not rows:
            return 0
        # Keep each trader's order: a notification waits while an earlier one of its trader is pending
        # (e.g. in back-off after a failed push).
        with self.db.read() as conn:
            earliest = dict(conn.execute(
                select(n.c.recipient, func.min(n.c.id)).where(
                    n.c.push_state == "pending", n.c.recipient.in_({r["recipient"] for r in rows}))
                .group_by(n.c.recipient)).all())
        attempted = 0
        blocked: set[str] = set()
        for r in rows:
            if r["recipient"] in blocked or r["id"] != earliest.get(r["recipient"]):
                blocked.add(r["recipient"])
                continue
            attempted += 1
            body = json.dumps({
                "id": r["id"], "system": r["system"], "message_type": r["message_type"], "subject": r["subject"],
                "created_at": r["created_at"].isoformat(), "payload": r["payload"],
            }, default=str).encode()
            error = None
            try:
                resp = self.client.post(r["url"], content=body, headers={
                    "content-type": "application/json", SIGNATURE_HEADER: signature(r["secret"], body)})
                if resp.status_code >= 300:
                    error = f"HTTP {resp.status_code}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            attempts = r["push_attempts"] + 1
            with self.db.begin() as conn:
                if error is None:
                    conn.execute(update(n).where(n.c.id == r["id"]).values(
                        push_state="pushed", push_attempts=attempts, next_push_at=None, last_push_error=None))
                    later = [x["id"] for x in rows if x["recipient"] == r["recipient"] and x["id"] > r["id"]]
                    earliest[r["recipient"]] = min(later) if later else None
                else:
                    blocked.add(r["recipient"])
                    final = attempts >= MAX_ATTEMPTS
                    conn.execute(update(n).where(n.c.id == r["id"]).values(
                        push_state="failed" if final else "pending", push_attempts=attempts,
                        next_push_at=None if final else wall_now() + backoff(attempts), last_push_error=error))
        return attempted

    def start(self, interval: float = 0.5) -> None:
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    self.push_due()
                except Exception:  # noqa: BLE001 - keep pushing after a database hiccup
                    log.exception("notification push round failed")
                self._stop.wait(interval)

        self._thread = threading.Thread(target=loop, name="eucustoms-push", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=10)
        self.client.close()
