"""Classification codes against the nomenclature, as of a day: does a code exist, and until when.

CN codes (8 digits) are checked in the Combined Nomenclature of the reference data (``eucustoms.refdata``,
CN 2023-2026 with validity periods); TARIC codes (10 digits) in the loaded tariff (``eucustoms.systems.tariff``),
which holds the CN lines as 10-digit codes and the TARIC subdivisions. A TARIC code ending in ``00`` is its CN
code when the tariff is not loaded. Nothing here reads another system's tables: only ``RefData`` and the
tariff's in-memory ``Tariff``.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta
from typing import Iterator

from sqlalchemy import Connection

from eucustoms.core.errors import ErrorCode, InvalidIdentifier, Issue
from eucustoms.core.identifiers import CNCode, TaricCode
from eucustoms.refdata import RefData

_ONE_DAY = timedelta(days=1)


class _ThroughConnection:
    """Lets ``RefData`` and the tariff read through the caller's connection (no second connection while the
    caller holds the SQLite write lock)."""

    def __init__(self, conn: Connection):
        self._conn = conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        yield self._conn


def refdata(conn: Connection) -> RefData:
    return RefData.from_db(_ThroughConnection(conn))  # type: ignore[arg-type]


def _tariff(conn: Connection):  # noqa: ANN202 - the tariff, or None when no tariff is loaded
    from eucustoms.systems.tariff.tariff import TariffNotLoaded, tariff

    try:
        return tariff(_ThroughConnection(conn))  # type: ignore[arg-type]
    except TariffNotLoaded:
        return None


def normalise(code: str) -> str:
    """``"8517 13 00"`` → ``"85171300"``: the digits of a printed code."""
    return code.replace(" ", "").replace(".", "").strip()


def parse(code: str, pointer: str) -> tuple[str | None, Issue | None]:
    """The canonical CN (8) or TARIC (10) code, or the issue saying why ``code`` is neither."""
    text = normalise(code)
    kind = TaricCode if len(text) == 10 else CNCode
    try:
        return str(kind.parse(text)), None
    except InvalidIdentifier as exc:
        if len(text) not in (8, 10):
            return None, Issue(ErrorCode.CODELIST_VIOLATION, pointer,
                               f"{code!r} is not a classification code: give a CN code (8 digits) or a TARIC code (10 digits)")
        return None, Issue(ErrorCode.CODELIST_VIOLATION, pointer, f"{code!r}: {exc.reason}")


def problem(conn: Connection, code: str, day: date, pointer: str) -> Issue | None:
    """Why the canonical ``code`` cannot classify goods on ``day``, or None."""
    if len(code) == 8 or code.endswith("00") and _tariff(conn) is None:
        cn8 = code[:8]
        found = refdata(conn).goods(cn8, day)
        if found is None or found.level != "cn8":
            return Issue(ErrorCode.CODELIST_VIOLATION, pointer, f"CN code {cn8} is not in the Combined Nomenclature on {day}")
        return None
    t = _tariff(conn)
    if t is None:
        return Issue(ErrorCode.RULE_VIOLATION, pointer,
                     f"TARIC code {code} cannot be checked: no tariff is loaded (give the CN code, 8 digits)")
    if t.item(code, day) is None:
        return Issue(ErrorCode.CODELIST_VIOLATION, pointer, f"TARIC code {code} is not in the nomenclature on {day}")
    if not t.is_declarable(code, day):
        subs = ", ".join(c.code for c in t.children_of(code, day)[:6])
        return Issue(ErrorCode.RULE_VIOLATION, pointer,
                     f"TARIC code {code} is subdivided on {day}: classify in one of its subdivisions ({subs} …) "
                     "or give the CN code (8 digits)")
    return None


def valid_until(conn: Connection, code: str, day: date) -> date | None:
    """The last day of the uninterrupted validity of ``code`` that contains ``day`` (None: open-ended).

    Periods that follow each other without a gap are joined: a wording change of the line splits its periods
    in the data but does not end the code."""
    if len(code) == 8 or code.endswith("00") and _tariff(conn) is None:
        ref = refdata(conn)

        def period(d: date):  # noqa: ANN202
            g = ref.goods(code[:8], d)
            return (g.valid_from, g.valid_to) if g is not None and g.level == "cn8" else None
    else:
        t = _tariff(conn)

        def period(d: date):  # noqa: ANN202
            it = t.item(code, d) if t is not None else None
            return (it.valid_from, it.valid_to) if it is not None else None

    found = period(day)
    if found is None:
        return day - _ONE_DAY
    end = found[1]
    while end is not None and end < date.max - _ONE_DAY:
        following = period(end + _ONE_DAY)
        if following is None:
            return end
        end = following[1]
    return end

