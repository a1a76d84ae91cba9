"""AES test helpers: the export tables on a box (until their migration exists), the example parties registered
in EOS, a context with the export domains on the bus, and the principals of the tests."""

from __future__ import annotations

from datetime import date

from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.db import Database, metadata
from eucustoms.systems.export import examples
from eucustoms.systems.export.store import TABLES

EXPORTER = examples.EXPORTER["eori"]
FORWARDER = examples.FORWARDER["eori"]
CARRIER = examples.CARRIER["eori"]
STRANGER = "DE555555555555"  # registered, but party to nothing

TRADER = Principal(role=Role.TRADER, name="exporter", eori=EXPORTER)
AGENT = Principal(role=Role.TRADER, name="customs agent", eori=FORWARDER)
CARRIER_P = Principal(role=Role.TRADER, name="carrier", eori=CARRIER)
OTHER = Principal(role=Role.TRADER, name="stranger", eori=STRANGER)
DE_OFFICER = Principal(role=Role.OFFICER, name="DE officer", country="DE", office="DE002101")
NL_OFFICER = Principal(role=Role.OFFICER, name="NL officer", country="NL", office="NL000396")
FR_OFFICER = Principal(role=Role.OFFICER, name="FR officer", country="FR", office="FR000690")
COMMISSION = Principal(role=Role.COMMISSION, name="DG TAXUD")


def with_export_tables(db: Database) -> Database:
    """Create the AES tables (until the migration that creates them exists; a no-op afterwards)."""
    metadata.create_all(db.engine, tables=list(TABLES), checkfirst=True)
    return db


def register_parties(db: Database) -> None:
    """The example exporter, customs agent and carrier, and an unrelated trader, registered in EOS."""
    from eucustoms.systems.eos import service as eos
    from eucustoms.systems.eos.messages import Address, OperatorRegistration

    people = [(EXPORTER, examples.EXPORTER["name"], "Berlin", "DE"), (FORWARDER, examples.FORWARDER["name"], "Potsdam", "DE"),
              (CARRIER, examples.CARRIER["name"], "Rotterdam", "NL"), (STRANGER, "Andere GmbH", "Leipzig", "DE")]
    with db.begin() as conn:
        for eori, name, city, country in people:
            eos.register(conn, COMMISSION, OperatorRegistration(
                eori=eori, name=name, address=Address(street_and_number="Hauptstr. 1", postcode="10115", city=city,
                                                      country=country),
                established_in_union=True, start_date=date(2020, 1, 1)))


def open_context(db: Database):
    """The union over ``db`` with the export domains on the bus (installed here until union.py does it)."""
    from eucustoms.systems.export import domains
    from eucustoms.union import PARTICIPATING, open_union

    ctx = open_union(db=db)
    try:
        domains.install(ctx, PARTICIPATING)
    except ValueError:
        pass  # union.py installs them already
    return ctx
