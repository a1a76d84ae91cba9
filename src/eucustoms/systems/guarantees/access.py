"""Access codes (an4, as in NCTS): generated, stored only as a salted PBKDF2 hash, and verified in constant time."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: the code is read out and typed by people
ACCESS_CODE = re.compile(r"[0-9A-Za-z]{4}")
ITERATIONS = 20_000  # the code space is small; the hash keeps the stored code unreadable, not unguessable


def generate() -> str:
    """A new random four-character access code."""
    return "".join(secrets.choice(ALPHABET) for _ in range(4))


def normalise(code: str) -> str:
    return code.strip().upper()


def is_well_formed(code: object) -> bool:
    return isinstance(code, str) and ACCESS_CODE.fullmatch(code.strip()) is not None


def hash_code(code: str, *, salt: bytes | None = None, iterations: int | None = None) -> str:
    """``pbkdf2_sha256$iterations$salt$digest`` of the normalised code."""
    salt = salt or secrets.token_bytes(16)
    iterations = iterations or ITERATIONS
    digest = hashlib.pbkdf2_hmac("sha256", normalise(code).encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def verify(code: str | None, stored: str) -> bool:
    """Whether ``code`` matches the stored hash (False for a missing or malformed code)."""
    if not is_well_formed(code):
        return False
    try:
        scheme, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    computed = hashlib.pbkdf2_hmac("sha256", normalise(code).encode(), bytes.fromhex(salt), int(iterations))  # type: ignore[union-attr]
    return hmac.compare_digest(computed.hex(), digest)
