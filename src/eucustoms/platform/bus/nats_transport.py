"""The distributed transport of the bus: NATS JetStream as the broker between domains.

With this transport several processes (or sites) can share the message exchange: the Bus relays its outbox
to a JetStream stream, and each recipient domain reads from it through one durable pull consumer, shared by
every process that serves the domain (work-queue semantics). The database stays the system of record: the
outbox row is the message log, the consumer's inbox makes redeliveries harmless, and a message that ends
dead is marked so on its outbox row.

Layout: stream ``EUCUSTOMS`` (file storage, work-queue retention) on subjects
``eucustoms.msg.<recipient>.<message_type>``; consumer ``<recipient>`` filters ``eucustoms.msg.<recipient>.>``.

nats-py is asyncio while the Bus is synchronous (and may run in a background thread), so the transport owns
a private event loop in a daemon thread and every call waits for its coroutine there.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any, Coroutine, Iterable, Sequence, TypeVar

import nats
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError
from sqlalchemy import update

from eucustoms.platform.db import Database

from .envelope import Envelope
from .store import bus_message
from .transport import Delivery, Transport, wall_now

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_URL = "nats://127.0.0.1:4222"
# The JetStream API subject prefix (no JetStream domain): pull requests are sent to it directly.
_JS_API = "$JS.API"


_NOT_IN_TOKEN = str.maketrans({c: "_" for c in ".*> \t\r\n/\\"})


def _token(value: str) -> str:
    # Recipient and message type become subject tokens (and the recipient a consumer name): a dot or a
    # wildcard would route the message elsewhere. Replaced rather than refused, because a refused message
    # would stop the relay of every message behind it; publisher and consumer map names the same way.
    return value.translate(_NOT_IN_TOKEN) or "_"


def encode(envelope: Envelope) -> bytes:
    data = asdict(envelope)
    data["created_at"] = envelope.created_at.isoformat()
    return json.dumps(data, separators=(",", ":")).encode()


def decode(data: bytes) -> Envelope:
    fields = json.loads(data)
    fields["created_at"] = datetime.fromisoformat(fields["created_at"])
    return Envelope(**fields)


class NatsTransport(Transport):
    """Relays the outbox to a JetStream stream and delivers from one durable pull consumer per domain."""

    relays = True

    def __init__(
        self,
        db: Database,
        url: str = DEFAULT_URL,
        *,
        stream: str = "EUCUSTOMS",
        subject_prefix: str = "eucustoms.msg",
        lease: timedelta = timedelta(seconds=60),
        timeout: float = 10.0,
        fetch_timeout: float = 0.5,
    ):
        self.db = db
        self.stream = stream
        self.prefix = subject_prefix
        self.lease = lease
        self.timeout = timeout
        self.fetch_timeout = fetch_timeout
        # Per domain: the pull-request subject, our reply inbox and the subscription on it.
        self._pulls: dict[str, tuple[str, str, Any]] = {}
        self._requests = 0
        self._next_domain = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="eucustoms-nats", daemon=True)
        self._thread.start()
        try:
            self._run(self._connect(url))
        except BaseException:
            self._stop_loop()
            raise

    # -- the private event loop ----------------------------------------------------------------------

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(self.timeout + self.fetch_timeout)
        except TimeoutError:
            future.cancel()
            raise

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _connect(self, url: str) -> None:
        async def on_error(exc: Exception) -> None:
            log.warning("NATS connection: %s", exc)

        # Once connected, reconnect for ever (a broker restart must not end a long-running bus); nats-py
        # applies the same setting to the first connection, so bound that one here.
        try:
            self._nc = await asyncio.wait_for(
                nats.connect(url, error_cb=on_error, max_reconnect_attempts=-1, reconnect_time_wait=1),
                self.timeout,
            )
        except asyncio.TimeoutError:
            raise ConnectionError(f"NATS at {url} did not answer within {self.timeout:g} s") from None
        self._js = self._nc.jetstream(timeout=self.timeout)
        self._lock = asyncio.Lock()
        try:
            await self._js.stream_info(self.stream)
        except NotFoundError:
            # Work-queue retention: the broker is only the queue (a consumed message leaves it); the log of
            # every message is the outbox table. Unconsumed messages stay until their domain comes up.
            await self._js.add_stream(StreamConfig(
                name=self.stream, subjects=[f"{self.prefix}.>"], storage=StorageType.FILE,
                retention=RetentionPolicy.WORK_QUEUE,
            ))

    # -- Transport -----------------------------------------------------------------------------------

    def publish(self, envelopes: Sequence[tuple[int, Envelope]]) -> None:
        if envelopes:
            self._run(self._publish([e for _, e in envelopes]))

    async def _publish(self, envelopes: list[Envelope]) -> None:
        # Pipelined: send them all, then wait for every acknowledgement (each means "stored in the stream").
        # The message id header lets JetStream drop a copy relayed again within its duplicate window (after
        # that, the consumer's inbox still recognises it).
        pending = [
            await self._js.publish_async(
                f"{self.prefix}.{_token(e.recipient)}.{_token(e.message_type)}", encode(e),
                headers={"Nats-Msg-Id": e.message_id},
            )
            for e in envelopes
        ]
        await asyncio.wait_for(asyncio.gather(*pending), self.timeout)

    def fetch(self, domains: Iterable[str], limit: int) -> list[Delivery]:
        domains = sorted(set(domains))
        if not domains or limit <= 0:
            return []
        msgs = self._run(self._fetch(domains, limit))
        return [
            Delivery(decode(m.data), seq=m.metadata.sequence.stream, attempts=m.metadata.num_delivered - 1,
                     token=m)
            for m in msgs
        ]

    async def _fetch(self, domains: list[str], limit: int) -> list[Msg]:
        async with self._lock:  # one pull at a time: concurrent pulls would read each other's replies
            # Start with a different domain each round so that a busy domain cannot starve the others.
            start = self._next_domain % len(domains)
            self._next_domain += 1
            msgs: list[Msg] = []
            for domain in domains[start:] + domains[:start]:
                if len(msgs) >= limit:
                    break
                got, answered = await self._pull(domain, limit - len(msgs))
                msgs.extend(got)
                if not answered:  # the server did not answer in time: do not wait again for every domain
                    break
            return msgs

    async def _pull(self, domain: str, batch: int) -> tuple[list[Msg], bool]:
        """Ask ``domain``'s consumer for what is available now (no waiting on the server side)."""
        if domain not in self._pulls:
            # Creates the consumer, or updates it (e.g. a new lease) if it exists.
            await self._js.add_consumer(self.stream, ConsumerConfig(
                durable_name=_token(domain), filter_subject=f"{self.prefix}.{_token(domain)}.>",
                ack_policy=AckPolicy.EXPLICIT, ack_wait=self.lease.total_seconds(),
                # Unlimited: the Bus decides when a message is dead and records it; a broker-side limit would
                # drop the message without a trace.
                max_deliver=-1,
            ))
            inbox = self._nc.new_inbox()
            self._pulls[domain] = (f"{_JS_API}.CONSUMER.MSG.NEXT.{self.stream}.{_token(domain)}", inbox,
                                   await self._nc.subscribe(f"{inbox}.*"))
        subject, inbox, sub = self._pulls[domain]
        # A reply subject per request tells this request's end-of-batch status apart from a late status of
        # an earlier one. Late messages of an earlier request are simply taken: they are leased to us.
        self._requests += 1
        reply = f"{inbox}.{self._requests}"
        await self._nc.publish(subject, json.dumps({"batch": batch, "no_wait": True}).encode(), reply=reply)
        msgs: list[Msg] = []
        while len(msgs) < batch:
            try:
                msg = await sub.next_msg(timeout=self.fetch_timeout)
            except asyncio.TimeoutError:
                return msgs, False
            if msg.headers and "Status" in msg.headers:
                if msg.subject == reply:  # 404 "no messages" (or 408): the server has nothing more for us
                    break
                continue
            msgs.append(msg)
        return msgs, True

    def ack_after(self, deliveries: Sequence[Delivery]) -> None:
        if deliveries:
            self._run(self._ack([d.token for d in deliveries]))

    async def _ack(self, msgs: list[Msg]) -> None:
        for msg in msgs:
            await msg.ack()
        # One round trip for the batch: once the server answers the ping it has every ack before it.
        await self._nc.flush(timeout=self.timeout)

    def fail(self, delivery: Delivery, error: str, *, dead: bool, retry_in: timedelta) -> None:
        # Recorded in the database first (as the outbox transport does): the broker forgets a terminated
        # message, so its outbox row is the only trace that it ended dead.
        with self.db.begin() as conn:
            conn.execute(
                update(bus_message)
                .where(bus_message.c.message_id == delivery.envelope.message_id)
                .values(attempts=delivery.attempts + 1, last_error=error[:2000], dead_at=wall_now() if dead else None)
            )
        self._run(self._reject(delivery.token, dead, retry_in.total_seconds()))

    async def _reject(self, msg: Msg, dead: bool, delay: float) -> None:
        await (msg.term() if dead else msg.nak(delay=delay))
        await self._nc.flush(timeout=self.timeout)

    def close(self) -> None:
        if self._loop.is_closed():
            return
        try:
            if not self._nc.is_closed:
                self._run(self._close())
        finally:
            self._stop_loop()

    async def _close(self) -> None:
        # Not drain(): pulled-but-unprocessed messages are simply redelivered after their lease.
        await self._nc.flush(timeout=self.timeout)
        await self._nc.close()
