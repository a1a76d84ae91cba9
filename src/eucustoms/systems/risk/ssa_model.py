"""The SSA analytics model: gradient-boosted trees (LightGBM) over the EU-level features of each consignment.

The features are those :func:`eucustoms.systems.risk.service.central_analysis` stores with every assessment
(``service.FEATURES``, in that column order): the mode and size of the consignment and, for each entity it
involves (consignee, consignor, address, route, HS4 heading, declarant), how often it was filed, through how
many member states, how often it was controlled and with what share of positive results anywhere in the Union.

A saved model is two files side by side: the LightGBM text model (``<version>.lgb.txt``, the ``path`` of the
registry) and its metadata (``<version>.lgb.txt.meta.json``): the format, the feature list, the signal
threshold chosen at training time and how it was chosen.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any, Mapping, Sequence

# LightGBM's OpenMP threads spin while they wait by default (see analytics/__init__.py); set before loading it.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import lightgbm as lgb  # noqa: E402
import numpy as np  # noqa: E402

from .service import FEATURES  # noqa: E402

MODEL_FORMAT = "eucustoms.risk.ssa/1"
#: Batches up to this size are scored on one thread: thread start-up costs more than the trees.
SINGLE_THREAD_ROWS = 2000


def metadata_path(path: str | os.PathLike[str]) -> Path:
    """Where the metadata JSON of the booster file ``path`` is kept."""
    return Path(str(path) + ".meta.json")


def feature_matrix(rows: Sequence[Mapping[str, Any]], features: Sequence[str] = FEATURES) -> np.ndarray:
    """One float matrix (rows x features, in ``features`` order); a missing or null feature is NaN."""
    if not rows:
        return np.empty((0, len(features)), dtype=np.float64)
    return np.array([[r.get(f) for f in features] for r in rows], dtype=np.float64)


class SsaModel:
    """A trained booster with what the central analysis needs: ``score``, ``threshold`` and ``version``.

    ``threshold``: the score from which the model raises a signal (``SSA-MODEL:<version>``, e.g.
    ``SSA-MODEL:ssa-20261126101500``), chosen at training time as the score of the top ``signal_rate`` of the validation consignments. ``metrics``: as registered
    (validation figures and training facts), informative only."""

    def __init__(self, booster: lgb.Booster, *, threshold: float, version: str | None = None,
                 metrics: Mapping[str, Any] | None = None, features: Sequence[str] = FEATURES,
                 meta: Mapping[str, Any] | None = None):
        names = list(booster.feature_name())
        if names != list(features):
            raise ValueError(f"the booster's features {names} are not the expected {list(features)}")
        self.booster = booster
        self.threshold = float(threshold)
        self.version = version
        self.metrics = dict(metrics or {})
        self.features: tuple[str, ...] = tuple(features)
        self.meta = dict(meta or {})

    def __repr__(self) -> str:
        return f"SsaModel(version={self.version!r}, threshold={self.threshold:.4f}, trees={self.booster.num_trees()})"

    # -- scoring --------------------------------------------------------------------------------------------

    def score_matrix(self, x: np.ndarray) -> np.ndarray:
        """Scores (probability of an irregularity) of a feature matrix in :attr:`features` order."""
        if x.shape[0] == 0:
            return np.empty(0, dtype=np.float64)
        params = {"num_threads": 1} if x.shape[0] <= SINGLE_THREAD_ROWS else {}
        return np.asarray(self.booster.predict(x, **params), dtype=np.float64).ravel()

    def score(self, rows: Sequence[Mapping[str, float]]) -> list[float]:
        """The score of each feature dict (missing features count as unknown: NaN)."""
        return self.score_matrix(feature_matrix(rows, self.features)).tolist()

    def signals(self, scores: Sequence[float]) -> list[bool]:
        """Whether each score raises a signal (score >= threshold), as the central analysis decides it."""
        return [s >= self.threshold for s in scores]

    def feature_importance(self, kind: str = "gain") -> list[tuple[str, float]]:
        """(feature, importance) pairs, largest first; ``kind`` is ``gain`` or ``split``."""
        values = self.booster.feature_importance(importance_type=kind)
        return sorted(((n, float(v)) for n, v in zip(self.features, values)), key=lambda p: (-p[1], p[0]))

    # -- persistence ----------------------------------------------------------------------------------------

    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write ``<version>.lgb.txt`` and its metadata JSON into ``directory``; returns the booster's path."""
        if not self.version:
            raise ValueError("a model needs its version before it is saved")
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        path = (directory / f"{self.version}.lgb.txt").resolve()
        tmp = path.with_name(path.name + ".tmp")
        self.booster.save_model(str(tmp))
        meta = {**self.meta, "format": MODEL_FORMAT, "version": self.version, "features": list(self.features),
                "threshold": self.threshold, "lightgbm": lgb.__version__}
        metadata_path(path).write_text(json.dumps(_finite(meta), indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)  # the booster last: the registry's path exists only once both files are written
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, version: str | None = None,
             metrics: Mapping[str, Any] | None = None) -> "SsaModel":
        """Read a model written by :meth:`save` (``version`` and ``metrics`` as the registry holds them)."""
        meta_file = metadata_path(path)
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(f"the metadata of the SSA model {path} is missing ({meta_file})") from None
        if meta.get("format") != MODEL_FORMAT:
            raise ValueError(f"{meta_file} is not a {MODEL_FORMAT} file")
        booster = lgb.Booster(model_file=str(path))
        return cls(booster, threshold=meta["threshold"], version=version or meta.get("version"), metrics=metrics,
                   features=meta["features"], meta={k: v for k, v in meta.items()
                                                    if k not in ("format", "version", "features", "threshold")})


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinities replaced by None (JSON has no NaN; PostgreSQL rejects it)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if isinstance(value, np.generic):
        return _finite(value.item())
    return value
