"""EORI numbers (Economic Operators Registration and Identification) issued in the Union."""

from __future__ import annotations

from typing import ClassVar

from eucustoms.core.ids._base import ALNUM_UPPER, Identifier, describe_bad_chars
from eucustoms.core.ids.countries import EORI_PREFIXES, iso_alpha2


class EORI(Identifier):
    """EORI number, an..17: issuing member state prefix (EU27 with ``GR`` for Greece, or ``XI``) + 1-15 [0-9A-Z]."""

    __slots__ = ()
    kind: ClassVar[str] = "EORI"
    MAX_LENGTH: ClassVar[int] = 17
    MAX_NATIONAL: ClassVar[int] = 15

    @classmethod
    def _canonical(cls, raw: str) -> str:
        text = raw.strip().upper()
        if not 3 <= len(text) <= cls.MAX_LENGTH:
            raise cls._invalid(raw, f"must be 3 to {cls.MAX_LENGTH} characters (prefix + 1-15), got {len(text)}")
        prefix, national = text[:2], text[2:]
        if prefix not in EORI_PREFIXES:
            if prefix == "EL":
                reason = "prefix 'EL' is not used for EORI: Greece issues EORI numbers with the prefix GR"
            elif prefix in iso_alpha2():
                reason = f"prefix {prefix!r} is not an EU member state issuing EORI numbers (EU27 or XI)"
            else:
                reason = f"prefix {prefix!r} is not a country code of an EU issuing country (EU27 or XI)"
            raise cls._invalid(raw, reason)
        if not ALNUM_UPPER.fullmatch(national):
            bad = describe_bad_chars(national, ALNUM_UPPER)
            raise cls._invalid(raw, f"national part (after the prefix) may hold only [0-9A-Z], not {bad}")
        return text

    @property
    def country(self) -> str:
        return self[:2]

    @property
    def national(self) -> str:
        """The part after the country prefix, as the member state assigned it."""
        return self[2:]
