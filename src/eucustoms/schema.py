"""Every table of the box, registered on the shared metadata (what the migrations must create).

Imported by the Alembic environment and by the consistency test that compares models with migrations."""

from eucustoms.platform.db import metadata
import eucustoms.platform.db.sequences  # noqa: F401
import eucustoms.platform.telemetry  # noqa: F401
import eucustoms.platform.bus.store  # noqa: F401
import eucustoms.platform.auth.tokens  # noqa: F401
import eucustoms.platform.notifications.store  # noqa: F401
import eucustoms.refdata.store  # noqa: F401
import eucustoms.sim.truth  # noqa: F401
import eucustoms.systems.copis.store  # noqa: F401
import eucustoms.systems.decisions.store  # noqa: F401
import eucustoms.systems.ebti.store  # noqa: F401
import eucustoms.systems.ecics.store  # noqa: F401
import eucustoms.systems.eos.store  # noqa: F401
import eucustoms.systems.export.store  # noqa: F401
import eucustoms.systems.guarantees.store  # noqa: F401
import eucustoms.systems.ics2.store  # noqa: F401
import eucustoms.systems.imports.store  # noqa: F401
import eucustoms.systems.programme.store  # noqa: F401
import eucustoms.systems.rex.store  # noqa: F401
import eucustoms.systems.risk.store  # noqa: F401
import eucustoms.systems.singlewindow.store  # noqa: F401
import eucustoms.systems.status.store  # noqa: F401
import eucustoms.systems.surveillance.store  # noqa: F401
import eucustoms.systems.tariff.store  # noqa: F401
import eucustoms.systems.transit.store  # noqa: F401

__all__ = ["metadata"]
