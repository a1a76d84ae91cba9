"""A simulated day shared by the simulator's tests (simulating is the slow part: it is done once per module)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from eucustoms.platform.db import Database

START = datetime(2026, 3, 2, tzinfo=UTC)


def copy_template(template, target) -> Database:
    shutil.copyfile(template, target)
    wal = template.with_name(template.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + "-wal"))
    return Database(f"sqlite:///{target}")


@pytest.fixture(scope="module")
def module_box(_sqlite_template, tmp_path_factory) -> Iterator[Database]:
    db = copy_template(_sqlite_template, tmp_path_factory.mktemp("simbox") / "box.db")
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def simulated(module_box) -> dict[str, Any]:
    """One simulated day at scale 0.0002 with boosted fraud shares (every pattern planted), sequential."""
    from eucustoms.sim import fraud
    from eucustoms.sim.runner import Config, simulate

    shares = dict(fraud.SHARES)
    fraud.SHARES.update({"undervaluation": 0.3, "misclassification": 0.5, "origin_fraud": 0.5,
                         "split_consignment": 0.5, "drug_precursors": 0.8, "smuggling_network": 0.3})
    try:
        summary = simulate(module_box, Config(days=1, scale=0.0002, seed=11, start=START, threads=1, bad_share=0.05))
    finally:
        fraud.SHARES.clear()
        fraud.SHARES.update(shares)
    return {"db": module_box, "summary": summary}
