"""Customs office reference numbers (Customs Office List, COL)."""

from __future__ import annotations

from typing import ClassVar

from eucustoms.core.ids._base import ALNUM_UPPER, Identifier, describe_bad_chars
from eucustoms.core.ids.countries import country_problem


class CustomsOfficeRef(Identifier):
    """Customs office reference number, an8: country code (ISO alpha-2, XI or XU) + 6 [0-9A-Z], e.g. ``DE004700``."""

    __slots__ = ()
    kind: ClassVar[str] = "customs office reference number"
    LENGTH: ClassVar[int] = 8

    @classmethod
    def _canonical(cls, raw: str) -> str:
        text = raw.strip().upper()
        if len(text) != cls.LENGTH:
            raise cls._invalid(raw, f"must be {cls.LENGTH} characters, got {len(text)}")
        problem = country_problem(text[:2], " (positions 1-2)")
        if problem:
            raise cls._invalid(raw, problem)
        national = text[2:]
        if not ALNUM_UPPER.fullmatch(national):
            bad = describe_bad_chars(national, ALNUM_UPPER)
            raise cls._invalid(raw, f"office number (positions 3-8) may hold only [0-9A-Z], not {bad}")
        return text

    @property
    def country(self) -> str:
        return self[:2]

    @property
    def national(self) -> str:
        """The six characters after the country code."""
        return self[2:]
