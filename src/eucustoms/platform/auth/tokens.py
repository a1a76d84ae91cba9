"""Bearer tokens: issued by ``eucustoms token issue``, stored only as a SHA-256 hash.

A token reads ``euc_<id>_<secret>``: the id finds the row, the secret (256 random bits) is compared by hash
in constant time. A plain hash is enough because the secret is random, not a password.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from datetime import datetime

from sqlalchemy import Column, Connection, String, Table, insert, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import Issue, Rejected, Unauthenticated
from eucustoms.platform.db import Database, UTCDateTime, metadata

from .principal import Principal, Role

auth_token = Table(
    "auth_token",
    metadata,
    Column("token_id", String(16), primary_key=True),
    Column("secret_sha256", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("name", String(120), nullable=False),
    Column("eori", String(17)),
    Column("country", String(2)),
    Column("office", String(8)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
)

_TOKEN = re.compile(r"^euc_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(
    conn: Connection,
    *,
    role: Role | str,
    name: str,
    eori: str | None = None,
    country: str | None = None,
    office: str | None = None,
    expires_at: datetime | None = None,
) -> tuple[str, Principal]:
    """Create a token; returns the token text (shown once, never stored) and its principal.

    The binding a role needs is checked here: a trader needs an EORI, an officer a country and an office.
    Whether the EORI or office exists is for the caller (the CLI) to check against the registries."""
    role = Role(role)
    issues: list[Issue] = []
    if not name.strip():
        issues.append(Issue("13", "/name", "a token needs the name of who holds it"))
    if role is Role.TRADER and not eori:
        issues.append(Issue("13", "/eori", "a trader token is bound to an EORI"))
    if role is Role.OFFICER and not (country and office):
        issues.append(Issue("13", "/office", "an officer token is bound to a country and a customs office"))
    if role is Role.OFFICER and country and office and not office.startswith(country):
        issues.append(Issue("14", "/office", f"office {office} is not in country {country}"))
    if role is Role.PUBLIC:
        issues.append(Issue("15", "/role", "public look-ups need no token"))
    if issues:
        raise Rejected(issues, "the token cannot be issued")
    token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    conn.execute(
        insert(auth_token).values(
            token_id=token_id, secret_sha256=_hash(secret), role=role.value, name=name.strip(),
            eori=eori if role is Role.TRADER else None,
            country=country if role is Role.OFFICER else None,
            office=office if role is Role.OFFICER else None,
            created_at=now(), expires_at=expires_at,
        )
    )
    principal = Principal(role=role, name=name.strip(), eori=eori if role is Role.TRADER else None,
                          country=country if role is Role.OFFICER else None,
                          office=office if role is Role.OFFICER else None, token_id=token_id)
    return f"euc_{token_id}_{secret}", principal


def revoke_token(conn: Connection, token_id: str) -> bool:
    res = conn.execute(
        update(auth_token).where(auth_token.c.token_id == token_id, auth_token.c.revoked_at.is_(None))
        .values(revoked_at=now())
    )
    _cache.clear()
    return res.rowcount == 1


def list_tokens(conn: Connection) -> list[dict]:
    rows = conn.execute(select(auth_token).order_by(auth_token.c.created_at)).mappings().all()
    return [{k: v for k, v in r.items() if k != "secret_sha256"} for r in rows]


class _Cache:
    """A short-lived cache of verified tokens, so that a busy API does not read the token table per call.
    Revocation through :func:`revoke_token` clears it; elsewhere it takes effect within ``ttl`` seconds."""

    def __init__(self, ttl: float = 10.0, size: int = 4096):
        self.ttl, self.size = ttl, size
        self._items: dict[tuple[str, str], tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> Principal | None:
        hit = self._items.get(key)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        return None

    def put(self, key: tuple[str, str], principal: Principal) -> None:
        with self._lock:
            if len(self._items) >= self.size:
                self._items.clear()
            self._items[key] = (time.monotonic() + self.ttl, principal)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_cache = _Cache()


def authenticate(db: Database, token: str) -> Principal:
    """The principal a bearer token stands for; :class:`Unauthenticated` if it is unknown, revoked or expired."""
    m = _TOKEN.match(token.strip())
    if not m:
        raise Unauthenticated("the bearer token is malformed")
    token_id, secret = m.groups()
    key = (db.url, token)
    cached = _cache.get(key)
    if cached:
        return cached
    with db.read() as conn:
        row = conn.execute(select(auth_token).where(auth_token.c.token_id == token_id)).mappings().first()
    if row is None or not hmac.compare_digest(row["secret_sha256"], _hash(secret)):
        raise Unauthenticated("the bearer token is not known")
    if row["revoked_at"] is not None:
        raise Unauthenticated("the bearer token was revoked")
    if row["expires_at"] is not None and row["expires_at"] <= now():
        raise Unauthenticated("the bearer token has expired")
    principal = Principal(role=Role(row["role"]), name=row["name"], eori=row["eori"], country=row["country"],
                          office=row["office"], token_id=token_id)
    _cache.put(key, principal)
    return principal
