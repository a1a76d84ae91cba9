"""Goods classification codes: HS subheading (6 digits), CN code (8 digits), TARIC code (10 digits)."""

from __future__ import annotations

import re
from typing import ClassVar

from eucustoms.core.ids._base import DIGITS, Identifier, describe_bad_chars

_SEPARATORS = re.compile(r"[ .]")


class _GoodsCode(Identifier):
    """Digits only; spaces and dots in the input are dropped (``0101 21 00``, ``0101.21.00``)."""

    __slots__ = ()
    LENGTH: ClassVar[int]

    @classmethod
    def _canonical(cls, raw: str) -> str:
        text = _SEPARATORS.sub("", raw.strip())
        if not text:
            raise cls._invalid(raw, "must not be empty")
        if not DIGITS.fullmatch(text):
            bad = describe_bad_chars(text, DIGITS)
            raise cls._invalid(raw, f"may hold only digits (spaces and dots are ignored), not {bad}")
        if len(text) != cls.LENGTH:
            raise cls._invalid(raw, f"must be {cls.LENGTH} digits, got {len(text)}")
        chapter = int(text[:2])
        if chapter == 77:
            raise cls._invalid(raw, "chapter 77 is reserved in the Harmonized System")
        if not 1 <= chapter <= 97:
            raise cls._invalid(raw, f"chapter {text[:2]} does not exist (must be 01-97)")
        return text

    @property
    def chapter(self) -> str:
        """The first two digits, e.g. ``'01'``."""
        return self[:2]

    @property
    def heading(self) -> str:
        """The first four digits, e.g. ``'0101'``."""
        return self[:4]

    @property
    def hs6(self) -> "HSCode":
        """The Harmonized System subheading (first six digits)."""
        return HSCode(self[:6])


class HSCode(_GoodsCode):
    """Harmonized System subheading: 6 digits, chapter 01-97 but not 77."""

    __slots__ = ()
    kind: ClassVar[str] = "HS code"
    LENGTH: ClassVar[int] = 6


class CNCode(_GoodsCode):
    """Combined Nomenclature code: 8 digits, chapter 01-97 but not 77."""

    __slots__ = ()
    kind: ClassVar[str] = "CN code"
    LENGTH: ClassVar[int] = 8


class TaricCode(_GoodsCode):
    """TARIC code: 10 digits (CN code + 2 TARIC digits), chapter 01-97 but not 77."""

    __slots__ = ()
    kind: ClassVar[str] = "TARIC code"
    LENGTH: ClassVar[int] = 10

    @property
    def cn8(self) -> CNCode:
        """The Combined Nomenclature code (first eight digits)."""
        return CNCode(self[:8])
