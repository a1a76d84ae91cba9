"""Loader for the KCS/IBS customs fraud benchmark (three time-ordered CSV splits) into typed polars frames."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

ENV_VAR = "EUCUSTOMS_FRAUD_DATA"
DEFAULT_RELATIVE_DIR = Path("..") / "shared" / "benchmarks" / "customs-fraud"
SPLITS = ("train", "valid", "test")
FILE_NAMES = {split: f"df_syn_{split}_eng.csv" for split in SPLITS}

# Source column -> (our name, polars type). Codes are read as text: they are identifiers, not quantities.
COLUMNS: dict[str, tuple[str, pl.DataType]] = {
    "Declaration ID": ("declaration_id", pl.Int64()),
    "Date": ("date", pl.Utf8()),
    "Office ID": ("office", pl.Utf8()),
    "Process Type": ("process_type", pl.Utf8()),
    "Import Type": ("import_type", pl.Utf8()),
    "Import Use": ("import_use", pl.Utf8()),
    "Payment Type": ("payment_type", pl.Utf8()),
    "Mode of Transport": ("transport_mode", pl.Utf8()),
    "Declarant ID": ("declarant", pl.Utf8()),
    "Importer ID": ("importer", pl.Utf8()),
    "Seller ID": ("seller", pl.Utf8()),
    "Courier ID": ("courier", pl.Utf8()),
    "HS6 Code": ("hs6", pl.Utf8()),
    "Country of Departure": ("departure_country", pl.Utf8()),
    "Country of Origin": ("origin_country", pl.Utf8()),
    "Tax Rate": ("tax_rate", pl.Float64()),
    "Tax Type": ("tax_type", pl.Utf8()),
    "Country of Origin Indicator": ("origin_indicator", pl.Utf8()),
    "Net Mass": ("net_mass", pl.Float64()),
    "Item Price": ("item_price", pl.Float64()),
    "Fraud": ("fraud", pl.Int8()),
    "Critical Fraud": ("critical_fraud", pl.Int8()),
}
LABEL_COLUMNS = ("fraud", "critical_fraud")


class DataNotFoundError(FileNotFoundError):
    """The benchmark folder or one of its CSV files is missing."""


@dataclass(frozen=True)
class Benchmark:
    train: pl.DataFrame
    valid: pl.DataFrame
    test: pl.DataFrame
    data_dir: Path

    def sizes(self) -> dict[str, int]:
        return {"train": self.train.height, "valid": self.valid.height, "test": self.test.height}


def resolve_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The benchmark folder: ``data_dir`` if given, else ``$EUCUSTOMS_FRAUD_DATA``, else
    ``../shared/benchmarks/customs-fraud`` from the current directory (the repository root), else the same
    path next to the source checkout this module lives in."""
    if data_dir is not None:
        return Path(data_dir).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    candidates = [Path.cwd() / DEFAULT_RELATIVE_DIR]
    here = Path(__file__).resolve()
    if len(here.parents) > 5:  # <repo>/src/eucustoms/systems/risk/analytics/dataset.py
        candidates.append(here.parents[5] / DEFAULT_RELATIVE_DIR)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    return candidates[0]


def missing_files(data_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """The split files that are not there (empty when the benchmark is usable)."""
    root = resolve_data_dir(data_dir)
    return [root / name for name in FILE_NAMES.values() if not (root / name).is_file()]


def read_split(path: str | os.PathLike[str]) -> pl.DataFrame:
    """One split as a typed frame with snake_case columns; ``date`` is a ``pl.Date`` and ``hs6`` six digits."""
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"customs fraud benchmark file not found: {path}")
    frame = pl.read_csv(path, schema_overrides={src: dtype for src, (_, dtype) in COLUMNS.items()})
    absent = [c for c in COLUMNS if c not in frame.columns]
    if absent:
        raise ValueError(f"{path.name}: missing columns {absent}")
    frame = frame.select(list(COLUMNS)).rename({src: dst for src, (dst, _) in COLUMNS.items()})
    return frame.with_columns(
        pl.col("date").str.to_date("%Y-%m-%d"),
        pl.col("hs6").str.zfill(6),
    )


def load_benchmark(data_dir: str | os.PathLike[str] | None = None) -> Benchmark:
    """The three splits (train 2020, valid 2021Q1, test 2021Q2) as released by the authors."""
    root = resolve_data_dir(data_dir)
    missing = missing_files(root)
    if missing:
        raise DataNotFoundError(
            f"customs fraud benchmark not found in {root} (missing: {', '.join(p.name for p in missing)}); "
            f"pass the folder or set {ENV_VAR}")
    frames = {split: read_split(root / FILE_NAMES[split]) for split in SPLITS}
    return Benchmark(frames["train"], frames["valid"], frames["test"], root)


def subsample(frame: pl.DataFrame, fraction: float, *, seed: int = 0) -> pl.DataFrame:
    """A seeded random share of the rows, in their original (date) order, for quick runs and tests."""
    if not 0 < fraction <= 1:
        raise ValueError("fraction must be in (0, 1]")
    if fraction == 1:
        return frame
    keep = np.random.default_rng(seed).random(frame.height) < fraction
    return frame.filter(pl.Series(keep))
