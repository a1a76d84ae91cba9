"""Trader notifications: pull and acknowledge (own only), push to a webhook with signature, retry and back-off."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select, update

from eucustoms.platform.notifications import Pusher, notification, notify, register_webhook
from eucustoms.platform.notifications.pusher import MAX_ATTEMPTS, SIGNATURE_HEADER, signature


class Receiver:
    """A local webhook endpoint that answers with the next status of a script."""

    def __init__(self, statuses: list[int]):
        self.statuses = list(statuses)
        self.received: list[tuple[dict, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["content-length"]))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                if status < 300:
                    receiver.received.append((json.loads(body), self.headers[SIGNATURE_HEADER]))
                receiver.raw = body
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):  # noqa: ANN002
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def receiver():
    r = Receiver([])
    yield r
    r.close()


def test_pull_and_acknowledge_only_own(api):
    with api.ctx.db.begin() as conn:
        notify(conn, "DE1111111", "ics2", "IE3R01", {"mrn": "a"}, subject="a")
        notify(conn, "DE1111111", "ics2", "IE3N03", {"mrn": "a"}, subject="a")
        theirs = notify(conn, "FR2222222", "ics2", "IE3R01", {"mrn": "b"}, subject="b")
    me = api.headers_for("trader", eori="DE1111111")
    mine = api.get("/notifications", headers=me).json()
    assert [n["message_type"] for n in mine] == ["IE3R01", "IE3N03"]
    acked = api.post("/notifications/ack", json={"ids": [mine[0]["id"], theirs]}, headers=me).json()
    assert acked == {"acknowledged": 1}  # the other trader's id is not mine to acknowledge
    assert [n["message_type"] for n in api.get("/notifications", headers=me).json()] == ["IE3N03"]
    other = api.get("/notifications", headers=api.headers_for("trader", eori="FR2222222")).json()
    assert [n["id"] for n in other] == [theirs]
    assert api.get("/notifications", headers=api.headers_for("officer", country="DE", office="DE004700")).status_code == 403


def test_push_delivers_signed_notifications_in_order(db, receiver):
    with db.begin() as conn:
        hook = register_webhook(conn, "DE1111111", receiver.url)
        for i in range(3):
            notify(conn, "DE1111111", "ics2", "IE3N03", {"n": i})
    pusher = Pusher(db)
    assert pusher.push_due() == 3
    pusher.stop()
    assert [b["payload"]["n"] for b, _ in receiver.received] == [0, 1, 2]
    body, sig = receiver.received[-1]
    assert sig == signature(hook["secret"], receiver.raw)
    with db.read() as conn:
        assert set(conn.execute(select(notification.c.push_state)).scalars()) == {"pushed"}


def test_a_failing_webhook_is_retried_with_back_off_then_given_up_but_still_pullable(db):
    failing = Receiver([500] * 100)
    try:
        with db.begin() as conn:
            register_webhook(conn, "DE1111111", failing.url)
            first = notify(conn, "DE1111111", "ics2", "IE3N03", {"n": 1})
            notify(conn, "DE1111111", "ics2", "IE3N03", {"n": 2})
        pusher = Pusher(db)
        # Only the first is tried while it fails: order per trader is kept.
        assert pusher.push_due() == 1
        with db.read() as conn:
            rows = conn.execute(select(notification).order_by(notification.c.id)).mappings().all()
        assert rows[0]["push_attempts"] == 1 and rows[1]["push_attempts"] == 0
        assert rows[0]["next_push_at"] > rows[0]["created_at"]
        assert pusher.push_due() == 0  # not due again before the back-off
        for _ in range(MAX_ATTEMPTS + 2):
            with db.begin() as conn:
                conn.execute(update(notification).where(notification.c.id == first).values(next_push_at=rows[0]["created_at"]))
            pusher.push_due()
        with db.read() as conn:
            row = conn.execute(select(notification).where(notification.c.id == first)).mappings().one()
        assert row["push_state"] == "failed" and row["push_attempts"] == MAX_ATTEMPTS
        assert "500" in row["last_push_error"] and row["acknowledged_at"] is None
        # Once the first was given up, the next one got its turn.
        with db.read() as conn:
            second = conn.execute(select(notification).where(notification.c.id != first)).mappings().one()
        assert second["push_attempts"] >= 1
        pusher.stop()
    finally:
        failing.close()


def test_a_webhook_registered_later_receives_what_is_unread(db, receiver):
    with db.begin() as conn:
        notify(conn, "DE1111111", "ics2", "IE3R01", {"n": 1})
    pusher = Pusher(db)
    assert pusher.push_due() == 0
    with db.begin() as conn:
        register_webhook(conn, "DE1111111", receiver.url)
    assert pusher.push_due() == 1
    pusher.stop()


def test_webhook_urls_are_checked(api):
    me = api.headers_for("trader", eori="DE1111111")
    r = api.put("/notifications/webhook", json={"url": "ftp://example.org/x"}, headers=me)
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/url"
    ok = api.put("/notifications/webhook", json={"url": "https://trader.example/hook"}, headers=me)
    assert ok.status_code == 200 and len(ok.json()["secret"]) >= 32
    assert api.get("/notifications/webhook", headers=me).json()["url"] == "https://trader.example/hook"
    assert "secret" not in api.get("/notifications/webhook", headers=me).json()
