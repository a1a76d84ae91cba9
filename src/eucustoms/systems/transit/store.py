"""Transit tables. Each office keeps its own record of a movement in the member state's domain that owns it:
the office of departure the movement itself (:data:`transit_movement`), the office of destination its arrival
(:data:`transit_arrival`, from the AAR), each office of transit its passage (:data:`transit_passage`, from the
ATR). None of them reads another's rows: they exchange the IE messages over the bus. :data:`transit_log` keeps
every CC message exchanged with traders (with its XML) and every officer's action, per office."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, Connection, Index, Integer, String, Table, Text, UniqueConstraint, bindparam, update

from eucustoms.platform.db import BigIntPK, UTCDateTime, metadata

# -- office of departure (domain of the departure country) ----------------------------------------------------

transit_movement = Table(
    "transit_movement",
    metadata,
    Column("mrn", String(18), primary_key=True),
    Column("lrn", String(22), nullable=False),
    Column("holder", String(17), nullable=False, index=True),  # HolderOfTheTransitProcedure/identificationNumber
    Column("representative", String(17), index=True),
    Column("country", String(2), nullable=False),  # member state of the office of departure
    Column("office_of_departure", String(8), nullable=False),
    Column("office_of_destination", String(8), nullable=False),  # declared
    Column("destination_country", String(2), nullable=False),
    Column("transit_offices", JSON, nullable=False),  # declared offices of transit, in order
    Column("declaration_type", String(5), nullable=False),  # T1, T2, T2F, T...
    Column("additional_type", String(1), nullable=False),  # A standard | D pre-lodged
    Column("security", String(1), nullable=False),
    Column("state", String(20), nullable=False),
    Column("submitted_at", UTCDateTime, nullable=False),
    Column("accepted_at", UTCDateTime),
    Column("released_at", UTCDateTime),
    Column("arrived_at", UTCDateTime),
    Column("written_off_at", UTCDateTime),
    Column("invalidated_at", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("guarantees", JSON, nullable=False),  # [{grn, type, amount, currency, debited}] to be covered in GUM
    Column("guarantee_status", String(12), nullable=False),  # none | valid | not_valid | debited | credited
    Column("control", JSON),  # {decided, type, by, result, ...}
    Column("risk", JSON),
    Column("destination_results", JSON),  # the IE018 received
    Column("crossings", JSON, nullable=False),  # IE118 received: [{office, at}]
    Column("declaration", JSON, nullable=False),  # the CC015C data as amended (the element tree as parsed)
    Column("version", Integer, nullable=False),
    UniqueConstraint("holder", "lrn", name="uq_transit_movement_holder_lrn"),
)
Index("ix_transit_movement_country_state", transit_movement.c.country, transit_movement.c.state)

# -- office of destination (domain of the destination country) ------------------------------------------------

transit_arrival = Table(
    "transit_arrival",
    metadata,
    Column("country", String(2), primary_key=True),
    Column("mrn", String(18), primary_key=True),
    Column("departure_country", String(2), nullable=False),
    Column("office_of_departure", String(8), nullable=False),
    Column("office_of_destination", String(8), nullable=False),  # declared
    Column("office_actual", String(8)),  # CustomsOfficeOfDestinationActual of the arrival notification
    Column("holder", String(17)),
    Column("trader", String(17), index=True),  # TraderAtDestination/identificationNumber
    Column("simplified", String(1)),  # arrival by an authorised consignee (1) or not (0)
    Column("state", String(20), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("arrived_at", UTCDateTime),
    Column("unloading_permitted_at", UTCDateTime),
    Column("remarks_at", UTCDateTime),
    Column("released_at", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("aar", JSON, nullable=False),  # the IE001 payload
    Column("arrival", JSON),  # what the CC007C notified
    Column("unloading", JSON),  # the CC044C remarks
    Column("control", JSON),  # the destination's risk analysis and control results
)
Index("ix_transit_arrival_country_state", transit_arrival.c.country, transit_arrival.c.state)

# -- offices of transit (domain of each office of transit's country) -------------------------------------------

transit_passage = Table(
    "transit_passage",
    metadata,
    Column("country", String(2), primary_key=True),
    Column("mrn", String(18), primary_key=True),
    Column("office", String(8), primary_key=True),
    Column("departure_country", String(2), nullable=False),
    Column("state", String(16), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("crossed_at", UTCDateTime),
    Column("atr", JSON, nullable=False),  # the IE050 payload
)

# -- every CC message exchanged with traders and every officer's action, per office ---------------------------

transit_log = Table(
    "transit_log",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("mrn", String(18), index=True),  # None for a rejected declaration (no MRN was allocated)
    Column("lrn", String(22)),
    Column("domain", String(2), nullable=False),  # the member state whose office sent or received it
    Column("office", String(8)),
    Column("direction", String(3), nullable=False),  # in | out
    Column("message_type", String(8), nullable=False),
    Column("trader", String(17)),  # the trader it was exchanged with (EORI), for CC messages
    Column("party", String(64), nullable=False),  # who sent it (in) or to whom it went (out)
    Column("at", UTCDateTime, nullable=False),
    Column("payload", JSON, nullable=False),  # a summary: the errors of a rejection, an officer's input...
    Column("xml", Text),  # the CC message as received or sent
)

TABLES = (transit_movement, transit_arrival, transit_passage, transit_log)


# -- reading and writing a record -------------------------------------------------------------------------------

class Row(dict):
    """A record as loaded, remembering its values so that :func:`save` writes only what changed."""

    def __init__(self, values: Any):
        super().__init__(values)
        self.loaded = dict(self)


_UPDATES: dict[str, Any] = {}


def save(conn: Connection, table: Table, row: Row) -> None:
    """Write the columns of ``row`` that changed since it was loaded (one prepared statement per table)."""
    keys = [c.name for c in table.primary_key.columns]
    changed = {k: v for k, v in row.items() if k not in keys and row.loaded.get(k, save) != v}
    if not changed:
        return
    statement = _UPDATES.get(table.name)
    if statement is None:
        statement = _UPDATES[table.name] = update(table).where(*(table.c[k] == bindparam(f"key_{k}") for k in keys))
    conn.execute(statement, {**changed, **{f"key_{k}": row[k] for k in keys}})
    row.loaded.update(changed)
