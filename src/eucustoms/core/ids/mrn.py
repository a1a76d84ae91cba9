"""MRN (Movement Reference Number) and GRN (Guarantee Reference Number), both with an ISO 6346 check character."""

from __future__ import annotations

import random
import secrets
from typing import ClassVar

from stdnum import iso6346

from eucustoms.core.errors import InvalidIdentifier
from eucustoms.core.ids._base import ALNUM_UPPER, BASE36, DIGITS, Identifier, describe_bad_chars, encode_base36
from eucustoms.core.ids.countries import country_problem
from eucustoms.core.ids.procedure import DeclarationKind, ProcedureCategory, to_procedure

SERIAL_LENGTH = 12
_PROCEDURE_LETTERS = frozenset(c.value for c in ProcedureCategory)


def check_character(body: str) -> str:
    """The MRN/GRN check character of ``body`` (17 characters of an MRN, 16 of a GRN), by the ISO 6346 method.

    Each character gets its ISO 6346 value (digits 0-9, letters 10-38 skipping multiples of 11), is weighted by
    2**position, and the sum is taken modulo 11 then modulo 10 (DG XXI/0879/99 Rev.1): ``stdnum.iso6346``.
    """
    if not ALNUM_UPPER.fullmatch(body):
        raise InvalidIdentifier("check character input", body, "must be characters [0-9A-Z]")
    return iso6346.calc_check_digit(body)


def _year_digits(year: object, kind: str, raw: object) -> str:
    """``yy`` for a year given as 2000-2099 or as 0-99."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise InvalidIdentifier(kind, raw, f"year must be an int, not {type(year).__name__}")
    if 0 <= year <= 99:
        return f"{year:02d}"
    if 2000 <= year <= 2099:
        return f"{year - 2000:02d}"
    raise InvalidIdentifier(kind, raw, f"year {year} is not in 2000-2099 (or 0-99)")


def _country(country: object, kind: str, raw: object) -> str:
    if not isinstance(country, str):
        raise InvalidIdentifier(kind, raw, f"country must be a string, not {type(country).__name__}")
    code = country.strip().upper()
    problem = country_problem(code)
    if problem:
        raise InvalidIdentifier(kind, raw, problem)
    return code


def _serial(serial: object, kind: str, raw: object) -> str:
    if isinstance(serial, str):
        text = serial.strip().upper()
        if len(text) != SERIAL_LENGTH:
            raise InvalidIdentifier(kind, raw, f"serial must be {SERIAL_LENGTH} characters, got {len(text)}")
        if not ALNUM_UPPER.fullmatch(text):
            bad = describe_bad_chars(text, ALNUM_UPPER)
            raise InvalidIdentifier(kind, raw, f"serial may hold only [0-9A-Z], not {bad}")
        return text
    return encode_base36(serial, SERIAL_LENGTH, kind, raw)  # type: ignore[arg-type]


def _random_serial(rng: random.Random | None) -> str:
    chooser = rng.choice if rng is not None else secrets.choice
    return "".join(chooser(BASE36) for _ in range(SERIAL_LENGTH))


class _YearCountrySerial(Identifier):
    """Shared accessors of MRN and GRN: ``yy`` + country + 12-character serial + ..."""

    __slots__ = ()

    @property
    def year(self) -> int:
        """The year of acceptance, four digits (2000 + yy)."""
        return 2000 + int(self[0:2])

    @property
    def country(self) -> str:
        return self[2:4]

    @property
    def serial(self) -> str:
        """The 12 unique alphanumeric characters (positions 5-16)."""
        return self[4:16]

    @property
    def serial_number(self) -> int:
        """The serial read as a base-36 number (the inverse of building from an int)."""
        return int(self.serial, 36)

    @classmethod
    def _check_head(cls, raw: object, text: str) -> None:
        """Rules on positions 1-16: year digits, country, unique part."""
        if not DIGITS.fullmatch(text[0:2]):
            raise cls._invalid(raw, f"year (positions 1-2) must be two digits, got {text[0:2]!r}")
        problem = country_problem(text[2:4], " (positions 3-4)")
        if problem:
            raise cls._invalid(raw, problem)
        serial = text[4:16]
        if not ALNUM_UPPER.fullmatch(serial):
            bad = describe_bad_chars(serial, ALNUM_UPPER)
            raise cls._invalid(raw, f"unique part (positions 5-16) may hold only [0-9A-Z], not {bad}")


class MRN(_YearCountrySerial):
    """Movement Reference Number, an18: yy, country, 12 unique characters, procedure category letter, check digit."""

    __slots__ = ()
    kind: ClassVar[str] = "MRN"
    LENGTH: ClassVar[int] = 18

    @classmethod
    def _canonical(cls, raw: str) -> str:
        text = raw.strip().upper()
        if len(text) != cls.LENGTH:
            raise cls._invalid(raw, f"must be {cls.LENGTH} characters, got {len(text)}")
        cls._check_head(raw, text)
        letter = text[16]
        if letter not in _PROCEDURE_LETTERS:
            allowed = "".join(c.value for c in ProcedureCategory)
            raise cls._invalid(raw, f"procedure category (position 17) {letter!r} is not one of {allowed}")
        expected = check_character(text[:17])
        if text[17] != expected:
            raise cls._invalid(raw, f"wrong check character (position 18): expected {expected!r}, given {text[17]!r}")
        return text

    @property
    def procedure(self) -> ProcedureCategory:
        return ProcedureCategory(self[16])

    @property
    def check(self) -> str:
        return self[17]

    @classmethod
    def build(
        cls,
        year: int,
        country: str,
        serial: str | int,
        procedure: ProcedureCategory | DeclarationKind | str,
    ) -> "MRN":
        """Assemble an MRN and compute its check character.

        ``year`` is 2000-2099 (or yy); ``serial`` is 12 characters [0-9A-Z], or an int encoded in base 36 and
        left-padded with zeros; ``procedure`` is a category, a declaration kind, its letter or the kind's name.
        """
        raw = (year, country, serial, procedure)
        body = (
            _year_digits(year, cls.kind, raw)
            + _country(country, cls.kind, raw)
            + _serial(serial, cls.kind, raw)
            + to_procedure(procedure).value
        )
        return cls(body + check_character(body))

    @classmethod
    def generate(
        cls,
        year: int,
        country: str,
        procedure: ProcedureCategory | DeclarationKind | str,
        rng: random.Random | None = None,
    ) -> "MRN":
        """An MRN with a random unique part (cryptographically random unless ``rng`` is given).

        Randomness does not guarantee uniqueness: an issuing system must still check for (improbable) collisions
        or use :meth:`build` with a counter.
        """
        return cls.build(year, country, _random_serial(rng), procedure)


class GRN(_YearCountrySerial):
    """Guarantee Reference Number, an..24: yy, country, 12 unique characters, check digit, optional voucher id.

    The check digit is the 17th character and covers the 16 before it (ISO 6346, like the MRN's); an individual
    guarantee by vouchers adds up to 7 alphanumeric characters (the NCTS-P5 XSD narrows this to a letter and 6
    digits, we accept the wider an..7).
    """

    __slots__ = ()
    kind: ClassVar[str] = "GRN"
    BASE_LENGTH: ClassVar[int] = 17
    MAX_LENGTH: ClassVar[int] = 24

    @classmethod
    def _canonical(cls, raw: str) -> str:
        text = raw.strip().upper()
        if not cls.BASE_LENGTH <= len(text) <= cls.MAX_LENGTH:
            raise cls._invalid(raw, f"must be {cls.BASE_LENGTH} to {cls.MAX_LENGTH} characters, got {len(text)}")
        cls._check_head(raw, text)
        expected = check_character(text[:16])
        if text[16] != expected:
            raise cls._invalid(raw, f"wrong check character (position 17): expected {expected!r}, given {text[16]!r}")
        voucher = text[17:]
        if voucher and not ALNUM_UPPER.fullmatch(voucher):
            bad = describe_bad_chars(voucher, ALNUM_UPPER)
            raise cls._invalid(raw, f"voucher identifier (positions 18-24) may hold only [0-9A-Z], not {bad}")
        return text

    @property
    def check(self) -> str:
        return self[16]

    @property
    def voucher(self) -> str | None:
        """The individual guarantee voucher identifier, or ``None``."""
        return self[17:] or None

    @property
    def base(self) -> "GRN":
        """The GRN without its voucher identifier."""
        return GRN(self[:17])

    @classmethod
    def build(cls, year: int, country: str, serial: str | int, voucher: str | None = None) -> "GRN":
        """Assemble a GRN (check digit computed); ``serial`` as for :meth:`MRN.build`."""
        raw = (year, country, serial, voucher)
        body = _year_digits(year, cls.kind, raw) + _country(country, cls.kind, raw) + _serial(serial, cls.kind, raw)
        suffix = ""
        if voucher is not None:
            if not isinstance(voucher, str):
                raise cls._invalid(raw, f"voucher must be a string, not {type(voucher).__name__}")
            suffix = voucher.strip().upper()
            if not 1 <= len(suffix) <= cls.MAX_LENGTH - cls.BASE_LENGTH:
                raise cls._invalid(raw, f"voucher identifier must be 1 to 7 characters, got {len(suffix)}")
        return cls(body + check_character(body) + suffix)

    @classmethod
    def generate(cls, year: int, country: str, voucher: str | None = None, rng: random.Random | None = None) -> "GRN":
        """A GRN with a random unique part (see :meth:`MRN.generate`)."""
        return cls.build(year, country, _random_serial(rng), voucher)
