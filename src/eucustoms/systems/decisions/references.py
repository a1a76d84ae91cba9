"""Decision references and application references.

A decision reference follows the CDS convention for the reference of a customs decision (as declared in D.E.
2/3 and shown on the authorisation): the country code of the member state that took it, the decision type code,
and the national part the member state gives it, e.g. ``NLAEOF0000001234``, ``DECCL0000000042``. Up to 35
characters. The box numbers the national part with a durable 10-digit sequence per member state and type;
references of other origins (up to 29 characters of [0-9A-Z]) are accepted when parsed.

An application reference is the box's own: ``<country>-<type>-<year>-<6-digit sequence>``, e.g.
``NL-AEOF-2026-000001`` (CDS gives applications their own numbers, distinct from decision numbers)."""

from __future__ import annotations

import re
from typing import ClassVar

from sqlalchemy import Connection

from eucustoms.core.identifiers import EORI_PREFIXES, Identifier
from eucustoms.platform.db import next_value

from .codes import CODES

_NATIONAL = re.compile(r"[0-9A-Z]{1,29}")
_BY_LENGTH = sorted(CODES, key=len, reverse=True)  # AEOF before any three-letter code
NATIONAL_DIGITS = 10
_APPLICATION = re.compile(r"(?P<country>[A-Z]{2})-(?P<type>[A-Z]{3,4})-(?P<year>\d{4})-(?P<serial>\d{6,})")


class DecisionReference(Identifier):
    """``<member state><decision type><national part>``, at most 35 characters."""

    __slots__ = ()
    kind: ClassVar[str] = "decision reference"
    MAX_LENGTH: ClassVar[int] = 35

    @classmethod
    def _canonical(cls, raw: str) -> str:
        text = raw.strip().upper().replace(" ", "")
        if not 4 <= len(text) <= cls.MAX_LENGTH:
            raise cls._invalid(raw, f"must be 4 to {cls.MAX_LENGTH} characters, got {len(text)}")
        country = text[:2]
        if country not in EORI_PREFIXES:
            raise cls._invalid(raw, f"{country!r} is not a member state taking customs decisions (EU27 or XI)")
        rest = text[2:]
        code = next((c for c in _BY_LENGTH if rest.startswith(c)), None)
        if code is None:
            raise cls._invalid(raw, f"{rest[:4]!r} does not start with a decision type code ({', '.join(sorted(CODES))})")
        national = rest[len(code):]
        if not _NATIONAL.fullmatch(national):
            raise cls._invalid(raw, "the national part after the decision type must be 1 to 29 characters [0-9A-Z]")
        return text

    @property
    def country(self) -> str:
        return self[:2]

    @property
    def decision_type(self) -> str:
        rest = self[2:]
        return next(c for c in _BY_LENGTH if rest.startswith(c))

    @property
    def national(self) -> str:
        return self[2 + len(self.decision_type):]

    @classmethod
    def build(cls, country: str, decision_type: str, number: int) -> "DecisionReference":
        """The box's reference for the ``number``-th decision of ``decision_type`` taken by ``country``."""
        if number < 0 or number >= 10**NATIONAL_DIGITS:
            raise cls._invalid(number, f"the national number must fit in {NATIONAL_DIGITS} digits")
        return cls(f"{country}{decision_type}{number:0{NATIONAL_DIGITS}d}")


def allocate_decision_reference(conn: Connection, country: str, decision_type: str) -> str:
    """The next decision reference of ``country`` for ``decision_type`` (a durable sequence)."""
    return str(DecisionReference.build(country, decision_type, next_value(conn, f"cds:{country}:{decision_type}")))


def allocate_application_reference(conn: Connection, country: str, decision_type: str, year: int) -> str:
    serial = next_value(conn, f"cds-app:{country}:{year}")
    return f"{country}-{decision_type}-{year}-{serial:06d}"


def is_application_reference(text: str) -> bool:
    return _APPLICATION.fullmatch(text.strip().upper()) is not None
