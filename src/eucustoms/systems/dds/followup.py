"""MRN follow-up: the public status of a movement by its MRN, asked of the system its procedure letter
(position 17) names. Only the status is public: no party, no goods."""

from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import Connection

from eucustoms.core.errors import NotFound
from eucustoms.core.identifiers import MRN
from eucustoms.systems.export import service as export
from eucustoms.systems.status import service as pous
from eucustoms.systems.transit import service as transit

# system → its public status function (conn, mrn) -> dict | None; letters of the MRN → system.
Provider = Callable[[Connection, str], "dict[str, Any] | None"]
LETTERS: dict[str, str] = {"A": "export", "B": "export", "C": "export", "D": "export", "E": "export",
                           "J": "transit", "K": "transit", "L": "transit", "M": "transit", "P": "pous"}
def _transit(conn: Connection, mrn: str) -> dict[str, Any] | None:
    try:
        return transit.status(conn, mrn)
    except NotFound:
        return None


PROVIDERS: dict[str, Provider] = {"pous": pous.status, "transit": _transit, "export": export.status}


def follow(conn: Connection, mrn: MRN) -> dict[str, Any]:
    number = str(mrn)
    system = LETTERS.get(number[16])
    provider = PROVIDERS.get(system) if system else None
    found = provider(conn, number) if provider else None
    if found is None:
        raise NotFound("movement", number)
    return found
