"""Rate limiting of the public (token-less) API: a token bucket per caller.

The caller is the bearer token's principal when there is one, else the client address. A bucket holds up
to ``burst`` requests and refills at ``rate`` per second; a request that finds it empty gets 429 with a
``Retry-After``. Limits are per process and in memory: they protect one server from one greedy client,
they are not a quota ledger. Set them with ``ctx.settings["public_rate"] = (rate, burst)`` (or the
environment variable ``EUCUSTOMS_PUBLIC_RATE="rate,burst"``); ``0`` turns limiting off."""

from __future__ import annotations

import math
import os
import threading
import time
from typing import Callable

from fastapi import Request
from starlette.exceptions import HTTPException

DEFAULT_RATE = (50.0, 100.0)  # per caller: 50 look-ups a second sustained, bursts of 100
_MAX_CALLERS = 100_000  # forget idle callers beyond this many (a flood of spoofed addresses costs memory)


class TokenBuckets:
    def __init__(self, rate: float, burst: float):
        self.rate = rate
        self.burst = max(burst, 1.0)
        self._buckets: dict[str, tuple[float, float]] = {}  # caller → (tokens, at)
        self._lock = threading.Lock()

    def take(self, caller: str, now: float | None = None) -> float:
        """Take one token for ``caller``; returns 0 when allowed, else the seconds until one is available."""
        if self.rate <= 0:
            return 0.0
        moment = time.monotonic() if now is None else now
        with self._lock:
            tokens, at = self._buckets.get(caller, (self.burst, moment))
            tokens = min(self.burst, tokens + (moment - at) * self.rate)
            if tokens >= 1.0:
                self._buckets[caller] = (tokens - 1.0, moment)
                wait = 0.0
            else:
                self._buckets[caller] = (tokens, moment)
                wait = (1.0 - tokens) / self.rate
            if len(self._buckets) > _MAX_CALLERS:
                self._forget_full(moment)
        return wait

    def _forget_full(self, moment: float) -> None:
        # Callers whose bucket has refilled are indistinguishable from new ones: drop them.
        full = [c for c, (t, at) in self._buckets.items() if t + (moment - at) * self.rate >= self.burst]
        for caller in full:
            del self._buckets[caller]


def _configured(settings: dict) -> tuple[float, float]:
    value = settings.get("public_rate")
    if value is None:
        text = os.environ.get("EUCUSTOMS_PUBLIC_RATE")
        if text:
            parts = [float(p) for p in text.split(",")]
            value = (parts[0], parts[1] if len(parts) > 1 else max(parts[0] * 2, 1.0))
    if value is None:
        return DEFAULT_RATE
    rate, burst = value
    return float(rate), float(burst)


def rate_limited(name: str) -> Callable[[Request], None]:
    """A dependency limiting each caller's requests to the routes that share ``name``."""

    async def dependency(request: Request) -> None:
        state = request.app.state
        buckets: dict[str, TokenBuckets] = state.__dict__.setdefault("_rate_buckets", {})
        bucket = buckets.get(name)
        if bucket is None:
            rate, burst = _configured(state.context.settings)
            bucket = buckets.setdefault(name, TokenBuckets(rate, burst))
        auth = request.headers.get("authorization")
        caller = f"token:{auth[-24:]}" if auth else f"addr:{request.client.host if request.client else '?'}"
        wait = bucket.take(caller)
        if wait > 0:
            raise HTTPException(429, f"too many requests: at most {bucket.rate:g} a second "
                                     f"(bursts of {bucket.burst:g}); retry in {wait:.2f} s",
                                headers={"Retry-After": str(max(1, math.ceil(wait)))})

    dependency.__name__ = f"rate_limited_{name}"
    return dependency
