"""The common base of identifier value types: an immutable ``str`` holding the canonical form."""

from __future__ import annotations

import re
from typing import ClassVar, TypeVar

from eucustoms.core.errors import InvalidIdentifier

T = TypeVar("T", bound="Identifier")

ALNUM_UPPER = re.compile(r"[0-9A-Z]+")
DIGITS = re.compile(r"[0-9]+")
BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class Identifier(str):
    """A validated identifier: a ``str`` whose value is the canonical form, so it serialises as itself.

    Subclasses set ``kind`` (the name used in error messages) and implement ``_canonical`` which normalises
    the text, checks every rule and returns the canonical form, raising ``cls._invalid(raw, reason)``.
    Instances are immutable (``str`` plus empty ``__slots__``); ``Cls(text)`` is the same as ``Cls.parse(text)``.
    """

    __slots__ = ()
    kind: ClassVar[str] = "identifier"

    def __new__(cls: type[T], text: object) -> T:
        if type(text) is cls:
            return text  # type: ignore[return-value]
        if not isinstance(text, str):
            raise InvalidIdentifier(cls.kind, text, f"must be a string, not {type(text).__name__}")
        return str.__new__(cls, cls._canonical(str(text)))

    @classmethod
    def _canonical(cls, text: str) -> str:  # pragma: no cover - always overridden
        raise NotImplementedError

    @classmethod
    def _invalid(cls, raw: object, reason: str) -> InvalidIdentifier:
        return InvalidIdentifier(cls.kind, raw, reason)

    @classmethod
    def parse(cls: type[T], text: object) -> T:
        """Normalise and validate ``text``; raise :class:`InvalidIdentifier` naming the rule that failed."""
        return cls(text)

    @classmethod
    def is_valid(cls, text: object) -> bool:
        try:
            cls(text)
        except InvalidIdentifier:
            return False
        return True

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


def encode_base36(number: int, width: int, kind: str, raw: object) -> str:
    """``number`` in base 36 with digits [0-9A-Z], left-padded with ``0`` to ``width``; error if it does not fit."""
    if isinstance(number, bool) or not isinstance(number, int):
        raise InvalidIdentifier(kind, raw, f"serial must be an int or a string, not {type(number).__name__}")
    if number < 0:
        raise InvalidIdentifier(kind, raw, f"serial {number} is negative")
    if number >= 36**width:
        raise InvalidIdentifier(kind, raw, f"serial {number} does not fit in {width} base-36 characters")
    chars = []
    while number:
        number, digit = divmod(number, 36)
        chars.append(BASE36[digit])
    return "".join(reversed(chars)).rjust(width, "0")


def describe_bad_chars(text: str, allowed: re.Pattern[str]) -> str:
    """The distinct characters of ``text`` that ``allowed`` (a one-or-more class pattern) does not match."""
    bad = sorted({c for c in text if not allowed.fullmatch(c)})
    return ", ".join(repr(c) for c in bad)
