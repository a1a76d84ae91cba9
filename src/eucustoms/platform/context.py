"""What a running box hands to every system: its database, its message exchange and its settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eucustoms.platform.bus import Bus
from eucustoms.platform.db import Database


@dataclass
class Context:
    db: Database
    bus: Bus
    settings: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def open(cls, db: Database, *, bus: Bus | None = None, **settings: Any) -> "Context":
        return cls(db=db, bus=bus or Bus(db), settings=settings)

    def close(self) -> None:
        self.bus.stop()
        self.db.dispose()
