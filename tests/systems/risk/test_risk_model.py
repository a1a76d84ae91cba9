"""RiskModel: training with early stopping, deterministic scores, save/load round trip, importances."""

from __future__ import annotations

import json

import numpy as np
import pytest

from risk_analytics_support import synthetic_splits  # noqa: F401  (fixture)

from eucustoms.systems.risk.analytics.metrics import auc
from eucustoms.systems.risk.analytics.model import RiskModel


@pytest.fixture(scope="module")
def trained(synthetic_splits):
    train, valid, test = synthetic_splits
    model = RiskModel(seed=3, num_boost_round=300, early_stopping_rounds=30).fit(train, valid)
    model.update_history(valid)
    return model, test


def test_the_model_learns_the_planted_risk(trained):
    model, test = trained
    scores = model.score(test)
    assert scores.shape == (test.height,) and np.all((scores >= 0) & (scores <= 1))
    assert auc(scores, test["fraud"]) > 0.7
    assert 1 <= model.best_iteration <= model.rounds_run <= 300
    proba = model.predict_proba(test)
    assert proba.shape == (test.height, 3) and np.allclose(proba.sum(axis=1), 1)


def test_save_and_load_give_identical_scores(trained, tmp_path):
    model, test = trained
    path, sidecar = model.save(tmp_path / "risk" / "model.txt")
    assert path.read_text().startswith("tree")  # LightGBM text format
    meta = json.loads(sidecar.read_text())
    assert meta["pipeline"]["history_end"] == "2021-03-31" and meta["best_iteration"] == model.best_iteration
    loaded = RiskModel.load(path)
    assert np.array_equal(loaded.score(test), model.score(test))
    assert loaded.feature_importance() == model.feature_importance()


def test_training_is_deterministic(synthetic_splits, trained):
    train, valid, test = synthetic_splits
    model, _ = trained
    again = RiskModel(seed=3, num_boost_round=300, early_stopping_rounds=30).fit(train, valid).update_history(valid)
    assert np.array_equal(again.score(test), model.score(test))


def test_feature_importance_names_every_feature(trained):
    model, _ = trained
    importance = model.feature_importance("gain")
    assert sorted(n for n, _ in importance) == sorted(model.builder.feature_names())
    values = [v for _, v in importance]
    assert values == sorted(values, reverse=True) and values[0] > 0
    assert len(model.feature_importance("split")) == len(importance)


def test_scoring_rows_inside_the_history_is_refused(synthetic_splits, trained):
    train, _, _ = synthetic_splits
    model, _ = trained
    with pytest.raises(ValueError, match="not after the history end"):
        model.score(train.tail(3))


def test_an_untrained_model_cannot_score(synthetic_splits):
    _, _, test = synthetic_splits
    with pytest.raises(RuntimeError):
        RiskModel().feature_importance()
    with pytest.raises(RuntimeError):
        RiskModel().score(test)
