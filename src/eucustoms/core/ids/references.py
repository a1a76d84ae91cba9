"""Trader-chosen references: LRN (Local Reference Number) and UCR (Unique Consignment Reference)."""

from __future__ import annotations

import re
from typing import ClassVar

from eucustoms.core.ids._base import Identifier, describe_bad_chars


class LRN(Identifier):
    """Local Reference Number, an..22, chosen by the declarant: ``[0-9A-Za-z-_./ ]``, case kept.

    Leading and trailing whitespace is stripped; inner spaces are kept. Control characters, other punctuation,
    non-ASCII letters, an empty value and more than 22 characters are rejected.
    """

    __slots__ = ()
    kind: ClassVar[str] = "LRN"
    MAX_LENGTH: ClassVar[int] = 22
    CHARS: ClassVar[re.Pattern[str]] = re.compile(r"[0-9A-Za-z\-_./ ]+")

    @classmethod
    def _canonical(cls, raw: str) -> str:
        text = raw.strip()
        if not text:
            raise cls._invalid(raw, "must not be empty")
        if len(text) > cls.MAX_LENGTH:
            raise cls._invalid(raw, f"must be at most {cls.MAX_LENGTH} characters, got {len(text)}")
        if not cls.CHARS.fullmatch(text):
            bad = describe_bad_chars(text, cls.CHARS)
            raise cls._invalid(raw, f"may hold only letters, digits, space and - _ . /, not {bad}")
        return text


class UCR(Identifier):
    """Unique Consignment Reference, an..35 (WCO UCR / ISO 15459 style), case-insensitive, stored upper-case.

    Allowed: ``[0-9A-Z]`` and ``- / . ( ) : +``; no spaces (the XSD's no-spaces UCR type). Surrounding
    whitespace is stripped. We do not check the internal structure (e.g. ``4GB...`` WCO UCRs) since any
    trader- or authority-assigned reference of that shape is acceptable as a UCR.
    """

    __slots__ = ()
    kind: ClassVar[str] = "UCR"
    MAX_LENGTH: ClassVar[int] = 35
    CHARS: ClassVar[re.Pattern[str]] = re.compile(r"[0-9A-Z\-/.():+]+")

    @classmethod
    def _canonical(cls, raw: str) -> str:
        text = raw.strip().upper()
        if not text:
            raise cls._invalid(raw, "must not be empty")
        if len(text) > cls.MAX_LENGTH:
            raise cls._invalid(raw, f"must be at most {cls.MAX_LENGTH} characters, got {len(text)}")
        if not cls.CHARS.fullmatch(text):
            bad = describe_bad_chars(text, cls.CHARS)
            raise cls._invalid(raw, f"may hold only [0-9A-Z] and - / . ( ) : +, not {bad}")
        return text
