"""Helpers and fixtures of the risk analytics tests (imported by them; deliberately not a conftest.py, which the
other risk tests share): small synthetic declaration frames, and the shared benchmark folder.

Tests that need the benchmark data skip where it is missing, except on CI (CI=true), where a missing folder is a
failure, never a skip."""

from __future__ import annotations

import datetime as dt
import os

import numpy as np
import polars as pl
import pytest

from eucustoms.systems.risk.analytics.dataset import missing_files, resolve_data_dir

ON_CI = os.environ.get("CI", "").lower() == "true"


def benchmark_dir_or_skip():
    """The benchmark folder; skips (or fails on CI) when its files are missing."""
    root = resolve_data_dir()
    missing = missing_files(root)
    if missing:
        message = (f"customs fraud benchmark data missing in {root} ({', '.join(p.name for p in missing)}); "
                   "set EUCUSTOMS_FRAUD_DATA")
        if ON_CI:
            pytest.fail(message + " (CI=true: the benchmark tests must run)")
        pytest.skip(message)
    return root


@pytest.fixture
def benchmark_dir():
    return benchmark_dir_or_skip()


def make_declarations(n: int, *, start: dt.date, days: int, seed: int = 0) -> pl.DataFrame:
    """Declarations in the benchmark's schema; fraud follows the importer, the HS6 and the price per kg."""
    rng = np.random.default_rng(seed)
    offsets = np.sort(rng.integers(0, days, n))
    importers = np.array([f"IMP{i:03d}" for i in range(40)])
    risky_importers = set(importers[:8])
    hs = np.array(["010121", "620822", "851712", "940350", "300490", "870323"])
    imp = rng.choice(importers, n)
    hs6 = rng.choice(hs, n)
    mass = np.round(rng.lognormal(3, 1.5, n), 1)
    ppk = rng.lognormal(4, 0.5, n)
    undervalued = rng.random(n) < 0.2
    price = np.round(mass * ppk * np.where(undervalued, 0.2, 1.0), 2)
    logit = -2.0 + 2.5 * np.isin(imp, list(risky_importers)) + 2.0 * undervalued + 1.0 * (hs6 == "300490")
    fraud = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int8)
    critical = np.where(fraud == 1, np.where(rng.random(n) < 0.1, 2, 1), 0).astype(np.int8)
    return pl.DataFrame({
        "declaration_id": np.arange(n, dtype=np.int64) + seed * 1_000_000,
        "date": [start + dt.timedelta(days=int(o)) for o in offsets],
        "office": rng.choice(["10", "20", "30"], n),
        "process_type": ["B"] * n,
        "import_type": rng.choice(["11", "87"], n),
        "import_use": ["21"] * n,
        "payment_type": rng.choice(["11", "43"], n),
        "transport_mode": rng.choice(["10", "40"], n),
        "declarant": rng.choice([f"DCL{i}" for i in range(10)], n),
        "importer": imp,
        "seller": [None if rng.random() < 0.1 else f"SEL{rng.integers(0, 30)}" for _ in range(n)],
        "courier": [None] * n,
        "hs6": hs6,
        "departure_country": rng.choice(["CN", "VN", "US"], n),
        "origin_country": rng.choice(["CN", "VN", "US"], n),
        "tax_rate": rng.choice([0.0, 8.0, 13.0], n),
        "tax_type": rng.choice(["A", "C", "FCN1"], n),
        "origin_indicator": rng.choice(["Y", "G", "E"], n),
        "net_mass": mass,
        "item_price": price,
        "fraud": fraud,
        "critical_fraud": critical,
    }, schema_overrides={"courier": pl.Utf8, "date": pl.Date})


@pytest.fixture(scope="session")
def synthetic_splits() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Train (2020), valid (2021Q1) and test (2021Q2) synthetic frames."""
    train = make_declarations(3000, start=dt.date(2020, 1, 1), days=366, seed=1)
    valid = make_declarations(800, start=dt.date(2021, 1, 1), days=90, seed=2)
    test = make_declarations(800, start=dt.date(2021, 4, 1), days=91, seed=3)
    return train, valid, test
