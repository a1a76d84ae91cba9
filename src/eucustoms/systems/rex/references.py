"""REX numbers: the registering country's ISO code, ``REX``, and the national identifier.

* An exporter established in the Union registers with the customs authorities of its member state, and its REX
  number is that member state's code, ``REX`` and its EORI number: ``DEREXDE1234567890``.
* An exporter of a GSP beneficiary country (or of Norway, Switzerland, Türkiye) registers with that country's
  competent authorities; its REX number is the country code, ``REX`` and the identifier the country gives it
  (commonly its tax identification number): ``INREXAAACI1234A1ZB``.

At most 35 characters; the national identifier is 1 to 30 characters [0-9A-Z]."""

from __future__ import annotations

import re
from typing import ClassVar

from eucustoms.core.errors import InvalidIdentifier
from eucustoms.core.identifiers import EORI, EORI_PREFIXES, Identifier
from eucustoms.core.ids.countries import country_problem

_NATIONAL = re.compile(r"[0-9A-Z]{1,30}")


class RexNumber(Identifier):
    __slots__ = ()
    kind: ClassVar[str] = "REX number"
    MAX_LENGTH: ClassVar[int] = 35

    @classmethod
    def _canonical(cls, raw: str) -> str:
        text = raw.strip().upper().replace(" ", "")
        if not 6 <= len(text) <= cls.MAX_LENGTH:
            raise cls._invalid(raw, f"must be 6 to {cls.MAX_LENGTH} characters, got {len(text)}")
        problem = country_problem(text[:2], " (positions 1-2)")
        if problem:
            raise cls._invalid(raw, problem)
        if text[2:5] != "REX":
            raise cls._invalid(raw, "positions 3-5 must be 'REX'")
        national = text[5:]
        if not _NATIONAL.fullmatch(national):
            raise cls._invalid(raw, "the national identifier after 'REX' must be 1 to 30 characters [0-9A-Z]")
        if text[:2] in EORI_PREFIXES:
            try:
                EORI.parse(national)
            except InvalidIdentifier as exc:
                raise cls._invalid(raw, f"an EU exporter's REX number ends with its EORI number: {exc.reason}") from None
        return text

    @property
    def country(self) -> str:
        return self[:2]

    @property
    def national(self) -> str:
        return self[5:]

    @property
    def in_union(self) -> bool:
        return self.country in EORI_PREFIXES

    @classmethod
    def build(cls, country: str, national: str) -> "RexNumber":
        return cls(f"{country}REX{national}")
