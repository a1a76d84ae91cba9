"""The error vocabulary shared by every layer.

A rejection always lists *every* problem found, each as an :class:`Issue` with a code, a pointer to the
offending field and a human reason, in the spirit of the EU systems' functional error lists (CC056C /
IE3N99 FunctionalError: errorCode, errorPointer, errorReason). Codes follow the CS/RD2 list
``FunctionalErrorCodesIeCA`` where one fits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable


class ErrorCode:
    """Functional error codes (CS/RD2 FunctionalErrorCodesIeCA) plus a few HTTP-level ones of ours."""

    CODELIST_VIOLATION = "12"
    MISSING = "13"
    RULE_VIOLATION = "14"
    NOT_ALLOWED = "15"
    DUPLICATE = "26"
    UNKNOWN_MRN = "90"
    OUT_OF_SEQUENCE = "92"  # message not allowed in the current state
    INVALID_MRN = "93"
    # Not in the EU list: syntax-level problems of the carrier format (JSON/XML), as the CC917C XML NACK does.
    SYNTAX = "SYNTAX"
    NOT_FOUND = "NOT_FOUND"


@dataclass(frozen=True)
class Issue:
    """One problem in an input: ``pointer`` is a JSON pointer (``/consignment/items/0/cn``) or XPath."""

    code: str
    pointer: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "pointer": self.pointer, "reason": self.reason}

    def under(self, prefix: str) -> "Issue":
        """The same issue, pointed below ``prefix`` (used when a field validator reports relative pointers)."""
        if not prefix:
            return self
        return Issue(self.code, prefix.rstrip("/") + (self.pointer if self.pointer.startswith("/") else "/" + self.pointer), self.reason)


class CustomsError(Exception):
    """Base of every error we raise on purpose."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidIdentifier(CustomsError, ValueError):
    """An identifier (MRN, EORI, GRN, ...) that does not follow its format; ``reason`` says which rule failed."""

    def __init__(self, kind: str, value: object, reason: str):
        super().__init__(f"invalid {kind} {value!r}: {reason}")
        self.kind = kind
        self.value = value
        self.reason = reason


@dataclass
class Issues:
    """Collects issues while validating so that *all* of them can be reported at once."""

    items: list[Issue] = field(default_factory=list)

    def add(self, code: str, pointer: str, reason: str) -> None:
        self.items.append(Issue(code, pointer, reason))

    def extend(self, issues: Iterable[Issue]) -> None:
        self.items.extend(issues)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self, message: str = "the message was rejected") -> None:
        if self.items:
            raise Rejected(self.items, message)


class Rejected(CustomsError):
    """A functional rejection: nothing of the input was stored. Carries every issue found."""

    status = 422

    def __init__(self, issues: Iterable[Issue], message: str = "the message was rejected"):
        self.issues = list(issues)
        super().__init__(message)

    @classmethod
    def one(cls, code: str, pointer: str, reason: str) -> "Rejected":
        return cls([Issue(code, pointer, reason)], reason)


class IncorrectState(Rejected):
    """The message is not allowed in the current state of its declaration or movement (code 92)."""

    status = 409

    def __init__(self, subject: str, state: str, action: str):
        reason = f"{action} is not allowed for {subject} in state {state}"
        super().__init__([Issue(ErrorCode.OUT_OF_SEQUENCE, "", reason)], reason)
        self.subject = subject
        self.state = state
        self.action = action


class NotFound(CustomsError):
    status = 404

    def __init__(self, kind: str, key: object):
        super().__init__(f"{kind} {key} not found")
        self.kind = kind
        self.key = key


class Conflict(CustomsError):
    """The request is well formed but clashes with what is stored (e.g. a duplicate registration)."""

    status = 409

    def __init__(self, message: str, code: str = ErrorCode.DUPLICATE, pointer: str = ""):
        super().__init__(message)
        self.issue = Issue(code, pointer, message)


class Unauthenticated(CustomsError):
    status = 401


class Forbidden(CustomsError):
    status = 403
