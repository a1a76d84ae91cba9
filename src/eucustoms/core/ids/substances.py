"""Chemical substance numbers: CUS (ECICS), CAS Registry Number and EC number."""

from __future__ import annotations

import re
from typing import Callable, ClassVar

from stdnum import casrn
from stdnum.eu import ecnumber
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

from eucustoms.core.ids._base import Identifier

_CUS = re.compile(r"([0-9]{7})-?([0-9])")


class CUSNumber(Identifier):
    """ECICS Customs Union and Statistics number ``NNNNNNN-C``: 7 digits, hyphen, check digit.

    The check digit is the CAS Registry Number one: the 7 digits weighted 1, 2, 3, ... from the right, summed,
    modulo 10 (computed with ``stdnum.casrn.calc_check_digit``). This validates every one of the 57,362 codes of
    the CS/RD2 ``CUSCode`` list. Input without the hyphen (``00100016``) is accepted and hyphenated.
    """

    __slots__ = ()
    kind: ClassVar[str] = "CUS number"

    @classmethod
    def _canonical(cls, raw: str) -> str:
        text = raw.strip()
        match = _CUS.fullmatch(text)
        if not match:
            raise cls._invalid(raw, "must be 7 digits, a hyphen and a check digit (NNNNNNN-C)")
        body, given = match.groups()
        expected = casrn.calc_check_digit(body)
        if given != expected:
            raise cls._invalid(raw, f"wrong check digit: expected {expected!r}, given {given!r}")
        return f"{body}-{given}"

    @property
    def serial(self) -> str:
        """The seven digits before the hyphen."""
        return self[:7]

    @property
    def check(self) -> str:
        return self[8]

    @classmethod
    def build(cls, serial: int | str) -> "CUSNumber":
        """The CUS number for a 7-digit serial (an int is zero-padded), check digit computed."""
        if isinstance(serial, bool) or not isinstance(serial, (int, str)):
            raise cls._invalid(serial, f"serial must be an int or a string, not {type(serial).__name__}")
        body = f"{serial:07d}" if isinstance(serial, int) and serial >= 0 else str(serial).strip()
        if not re.fullmatch(r"[0-9]{7}", body):
            raise cls._invalid(serial, "serial must be 7 digits (0 to 9999999)")
        return cls(f"{body}-{casrn.calc_check_digit(body)}")


def _stdnum_reason(exc: ValidationError, fmt: str, text: str, calc: Callable[[str], str]) -> str:
    """The reason for a python-stdnum rejection, with expected vs given check digit where the checksum failed."""
    if isinstance(exc, InvalidLength):
        return f"wrong length: must be {fmt}"
    if isinstance(exc, InvalidChecksum):
        digits = text.replace("-", "")
        return f"wrong check digit: expected {calc(digits[:-1])!r}, given {digits[-1]!r}"
    return f"wrong format: must be {fmt}"


class CASNumber(Identifier):
    """CAS Registry Number ``NNNNNNN-NN-C`` (2-7 digits, 2 digits, check digit), validated by ``stdnum.casrn``."""

    __slots__ = ()
    kind: ClassVar[str] = "CAS number"
    FORMAT: ClassVar[str] = "2 to 7 digits (no leading zero), a hyphen, 2 digits, a hyphen and a check digit"

    @classmethod
    def _canonical(cls, raw: str) -> str:
        try:
            return casrn.validate(raw)
        except ValidationError as exc:
            reason = _stdnum_reason(exc, cls.FORMAT, casrn.compact(raw), casrn.calc_check_digit)
            raise cls._invalid(raw, reason) from None


class ECNumber(Identifier):
    """EC number (EINECS/ELINCS/NLP) ``NNN-NNN-C``, validated by ``stdnum.eu.ecnumber``."""

    __slots__ = ()
    kind: ClassVar[str] = "EC number"
    FORMAT: ClassVar[str] = "3 digits, a hyphen, 3 digits, a hyphen and a check digit"

    @classmethod
    def _canonical(cls, raw: str) -> str:
        try:
            return ecnumber.validate(raw)
        except ValidationError as exc:
            reason = _stdnum_reason(exc, cls.FORMAT, ecnumber.compact(raw), ecnumber.calc_check_digit)
            raise cls._invalid(raw, reason) from None
