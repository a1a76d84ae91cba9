"""RiskModel: a seeded, deterministic LightGBM ranker over the time-aware features, with save/load and importances."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import polars as pl

from .features import FeatureBuilder

MODEL_FORMAT = "eucustoms.risk.model/1"
CLASSES = ("no fraud", "fraud", "critical fraud")  # the values 0, 1, 2 of the benchmark's Critical Fraud column


def default_params(*, seed: int = 0, num_threads: int = 2) -> dict[str, Any]:
    """LightGBM settings of the risk model (fixed before looking at any test figure)."""
    return {
        "objective": "multiclass",
        "num_class": 3,
        "learning_rate": 0.05,
        "num_leaves": 31,
        "min_data_in_leaf": 20,
        "feature_fraction": 0.8,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "lambda_l2": 1.0,
        "max_cat_to_onehot": 8,
        "cat_smooth": 10.0,
        "seed": seed,
        "num_threads": num_threads,
        "deterministic": True,
        "force_row_wise": True,
        "verbosity": -1,
    }


@dataclass
class TrainedBooster:
    booster: lgb.Booster
    best_iteration: int
    best_score: float
    rounds_run: int


def train_lightgbm(x_train: np.ndarray, y_train: np.ndarray, x_valid: np.ndarray, y_valid: np.ndarray, *,
                   params: dict[str, Any], feature_names: list[str] | None = None,
                   categorical: list[str] | None = None, num_boost_round: int = 3000,
                   early_stopping_rounds: int = 200) -> TrainedBooster:
    """Train on (x_train, y_train); (x_valid, y_valid) serves only to stop early at the best iteration."""
    names = feature_names or [f"f{i}" for i in range(x_train.shape[1])]
    cats = [n for n in (categorical or []) if n in names]
    train_set = lgb.Dataset(x_train, label=y_train, feature_name=names, categorical_feature=cats or "auto",
                            free_raw_data=False)
    valid_set = lgb.Dataset(x_valid, label=y_valid, reference=train_set)
    record: dict[str, Any] = {}
    booster = lgb.train(
        params, train_set, num_boost_round=num_boost_round, valid_sets=[valid_set], valid_names=["valid"],
        callbacks=[lgb.early_stopping(early_stopping_rounds, verbose=False), lgb.record_evaluation(record)])
    best = booster.best_iteration or booster.current_iteration()
    metric = next(iter(record["valid"])) if record.get("valid") else None
    history = record["valid"][metric] if metric else []
    best_score = float(history[best - 1]) if history else float("nan")
    return TrainedBooster(booster, best, best_score, len(history) or booster.current_iteration())


@dataclass
class RiskModel:
    """Scores declarations by fraud risk: ``P(fraud) + critical_weight * P(critical fraud)``.

    A three-class model (no fraud / fraud / critical fraud) is trained on the out-of-time features of the
    training rows; the validation rows only pick the number of boosting rounds. The feature builder keeps the
    labelled history; :meth:`update_history` adds inspection results as they come back."""

    builder: FeatureBuilder = field(default_factory=FeatureBuilder)
    seed: int = 0
    num_threads: int = 2
    num_boost_round: int = 3000
    early_stopping_rounds: int = 200
    critical_weight: float = 0.0
    params: dict[str, Any] | None = None
    booster: lgb.Booster | None = None
    best_iteration: int = 0
    best_valid_loss: float = float("nan")
    rounds_run: int = 0

    def resolved_params(self) -> dict[str, Any]:
        params = default_params(seed=self.seed, num_threads=self.num_threads)
        params.update(self.params or {})
        return params

    @staticmethod
    def target(frame: pl.DataFrame) -> np.ndarray:
        """Class per row: 0 no fraud, 1 fraud, 2 critical fraud."""
        fraud = frame["fraud"].to_numpy().astype(np.int64)
        critical = frame["critical_fraud"].to_numpy().astype(np.int64)
        return np.where(critical == 2, 2, np.where(fraud == 1, 1, 0))

    def fit(self, train: pl.DataFrame, valid: pl.DataFrame) -> RiskModel:
        """Train on ``train`` (features out of time); ``valid`` (after ``train``) is for early stopping only.

        Afterwards the labelled history is ``train``."""
        x_train = self.builder.matrix(self.builder.fit_transform_out_of_time(train))
        x_valid = self.builder.matrix(self.builder.transform(valid))
        trained = train_lightgbm(
            x_train, self.target(train), x_valid, self.target(valid), params=self.resolved_params(),
            feature_names=self.builder.feature_names(), categorical=list(self.builder.categorical),
            num_boost_round=self.num_boost_round, early_stopping_rounds=self.early_stopping_rounds)
        self.booster = trained.booster
        self.best_iteration = trained.best_iteration
        self.best_valid_loss = trained.best_score
        self.rounds_run = trained.rounds_run
        return self

    def update_history(self, labelled: pl.DataFrame) -> RiskModel:
        """Add inspection results that are now known (rows not earlier than the current history)."""
        self.builder.update(labelled)
        return self

    def _require_booster(self) -> lgb.Booster:
        if self.booster is None:
            raise RuntimeError("the risk model is not trained")
        return self.booster

    def predict_proba(self, rows: pl.DataFrame) -> np.ndarray:
        """Class probabilities (n x 3: no fraud, fraud, critical fraud) of rows dated after the history."""
        booster = self._require_booster()
        x = self.builder.matrix(self.builder.transform(rows))
        return np.asarray(booster.predict(x, num_iteration=self.best_iteration), dtype=float).reshape(-1, 3)

    def score(self, rows: pl.DataFrame) -> np.ndarray:
        """Risk score per row: probability of fraud (any), plus ``critical_weight`` x probability of critical fraud."""
        p = self.predict_proba(rows)
        return p[:, 1] + p[:, 2] * (1.0 + self.critical_weight)

    def feature_importance(self, kind: str = "gain") -> list[tuple[str, float]]:
        """(feature, importance) pairs, largest first; ``kind`` is ``gain`` or ``split``."""
        booster = self._require_booster()
        values = booster.feature_importance(importance_type=kind, iteration=self.best_iteration)
        pairs = [(n, float(v)) for n, v in zip(booster.feature_name(), values)]
        return sorted(pairs, key=lambda p: (-p[1], p[0]))

    # ------------------------------------------------------------------ persistence
    @staticmethod
    def sidecar(path: str | os.PathLike[str]) -> Path:
        """Where the JSON of the feature pipeline goes, next to the LightGBM text model."""
        return Path(str(path) + ".pipeline.json")

    def save(self, path: str | os.PathLike[str]) -> tuple[Path, Path]:
        """Write the LightGBM text model to ``path`` and the feature pipeline state to ``<path>.pipeline.json``."""
        booster = self._require_booster()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        booster.save_model(str(path), num_iteration=self.best_iteration)
        meta = {
            "format": MODEL_FORMAT,
            "classes": list(CLASSES),
            "seed": self.seed,
            "num_threads": self.num_threads,
            "num_boost_round": self.num_boost_round,
            "early_stopping_rounds": self.early_stopping_rounds,
            "critical_weight": self.critical_weight,
            "params": self.params,
            "best_iteration": self.best_iteration,
            "best_valid_loss": self.best_valid_loss,
            "rounds_run": self.rounds_run,
            "feature_names": self.builder.feature_names(),
            "pipeline": self.builder.to_state(),
        }
        side = self.sidecar(path)
        side.write_text(json.dumps(meta, separators=(",", ":")), encoding="utf-8")
        return path, side

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> RiskModel:
        """Read a model written by :meth:`save`."""
        meta = json.loads(cls.sidecar(path).read_text(encoding="utf-8"))
        if meta.get("format") != MODEL_FORMAT:
            raise ValueError(f"{cls.sidecar(path)} is not a {MODEL_FORMAT} file")
        builder = FeatureBuilder.from_state(meta["pipeline"])
        if builder.feature_names() != meta["feature_names"]:
            raise ValueError("the saved feature list does not match the feature pipeline")
        booster = lgb.Booster(model_file=str(path))  # its parameters (threads, ...) come from the file
        model = cls(builder=builder, seed=meta["seed"], num_threads=meta["num_threads"],
                    num_boost_round=meta["num_boost_round"], early_stopping_rounds=meta["early_stopping_rounds"],
                    critical_weight=meta["critical_weight"], params=meta["params"], booster=booster,
                    best_iteration=meta["best_iteration"], best_valid_loss=meta["best_valid_loss"],
                    rounds_run=meta["rounds_run"])
        return model
