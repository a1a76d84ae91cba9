"""BTI decision and application references.

A BTI decision reference follows the structure of the *decision reference number* of the UCC's common data
requirements (Delegated Regulation (EU) 2015/2446, Annex A): the country code of the member state that took
the decision (a2), the code of the decision type (``BTI``) and a reference unique per member state and type
(an..29) that the member state composes. Ours is the year of the decision and a six-digit sequence per member
state and year: ``DEBTI2026000123``. References composed by other systems (``DEBTI12345/24-1``) are accepted
when given: the national part may hold digits, capital letters, ``/`` and ``-``.

Application references are ours, built the same way with ``APP``: ``DEAPP2026000042``.
"""

from __future__ import annotations

import re
from typing import ClassVar

from eucustoms.core.identifiers import EORI_PREFIXES, Identifier

_NATIONAL = re.compile(r"[0-9A-Z/\-]{1,29}")


class _Reference(Identifier):
    __slots__ = ()
    TYPE: ClassVar[str]

    @classmethod
    def _canonical(cls, raw: str) -> str:
        text = raw.strip().upper().replace(" ", "")
        if len(text) < 6:
            raise cls._invalid(raw, f"must be a country code, {cls.TYPE!r} and a national reference, e.g. DE{cls.TYPE}2026000001")
        country, kind, national = text[:2], text[2:5], text[5:]
        if country not in EORI_PREFIXES:
            raise cls._invalid(raw, f"{country!r} is not the code of a member state issuing BTI decisions (EU27 with GR, or XI)")
        if kind != cls.TYPE:
            raise cls._invalid(raw, f"the decision type after the country code must be {cls.TYPE!r}, not {kind!r}")
        if not _NATIONAL.fullmatch(national):
            raise cls._invalid(raw, "the national reference after the type must be 1 to 29 characters [0-9A-Z/-]")
        return text

    @property
    def country(self) -> str:
        return self[:2]

    @classmethod
    def build(cls, country: str, year: int, serial: int):  # noqa: ANN206
        if not 0 < serial < 1_000_000:
            raise cls._invalid(serial, "the serial must be 1 to 999999")
        return cls(f"{country}{cls.TYPE}{year:04d}{serial:06d}")


class BTIReference(_Reference):
    """A BTI decision reference: ``DEBTI2026000123``."""

    __slots__ = ()
    kind: ClassVar[str] = "BTI reference"
    TYPE: ClassVar[str] = "BTI"


class ApplicationReference(_Reference):
    """A BTI application reference: ``DEAPP2026000042``."""

    __slots__ = ()
    kind: ClassVar[str] = "BTI application reference"
    TYPE: ClassVar[str] = "APP"
