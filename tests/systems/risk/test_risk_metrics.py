"""Ranking metrics on hand-made cases whose answers are known."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from eucustoms.systems.risk.analytics.metrics import (
    auc, critical_recall_at, evaluate, hits_at, inspected_count, metric_keys, precision_at, rank_average, recall_at,
)


def test_precision_at_counts_frauds_in_the_top_share():
    scores = np.arange(20, 0, -1, dtype=float)  # row 0 ranks first
    labels = np.zeros(20)
    labels[[0, 1, 3, 10]] = 1
    assert precision_at(scores, labels, 10) == pytest.approx(1.0)  # top 2 rows: 0, 1
    assert precision_at(scores, labels, 20) == pytest.approx(0.75)  # top 4 rows: 0, 1, 2, 3
    assert precision_at(scores, labels, 50) == pytest.approx(0.3)  # top 10 rows: 3 frauds
    assert precision_at(scores, labels, 100) == pytest.approx(0.2)
    assert recall_at(scores, labels, 20) == pytest.approx(0.75)
    assert recall_at(scores, labels, 100) == pytest.approx(1.0)


def test_the_ranking_follows_the_scores_not_the_row_order():
    labels = np.array([0, 0, 0, 1, 1])
    scores = np.array([0.1, 0.2, 0.3, 0.9, 0.8])
    assert precision_at(scores, labels, 40) == 1.0
    assert precision_at(-scores, labels, 40) == 0.0


def test_inspected_rows_round_up_and_never_vanish():
    assert inspected_count(8481, 5) == 425  # 424.05 -> 425
    assert inspected_count(100, 5) == 5
    assert inspected_count(10, 1) == 1
    with pytest.raises(ValueError):
        inspected_count(10, 0)


def test_ties_at_the_cut_off_count_at_their_expected_share():
    labels = np.array([1, 0, 1, 0, 0, 0, 0, 0, 0, 0])
    constant = np.zeros(10)
    assert precision_at(constant, labels, 10) == pytest.approx(0.2)  # the base rate, whatever the order
    assert precision_at(constant, labels[::-1], 10) == pytest.approx(0.2)
    scores = np.array([5, 3, 3, 3, 3, 1, 1, 1, 1, 1], dtype=float)  # top 3 = row 0 + two of four tied rows
    assert hits_at(scores, labels, 30) == pytest.approx(1 + 2 * (1 / 4))


def test_auc_of_perfect_reversed_and_random_rankings():
    labels = np.array([0, 0, 0, 1, 1, 1])
    scores = np.array([0.1, 0.2, 0.3, 0.7, 0.8, 0.9])
    assert auc(scores, labels) == 1.0
    assert auc(-scores, labels) == 0.0
    assert auc(np.ones(6), labels) == 0.5
    rng = np.random.default_rng(7)
    y = rng.random(20_000) < 0.2
    assert auc(rng.random(20_000), y) == pytest.approx(0.5, abs=0.015)


def test_auc_matches_the_pairwise_definition_with_ties():
    rng = np.random.default_rng(3)
    for _ in range(20):
        s = rng.integers(0, 5, 30).astype(float)
        y = rng.random(30) < 0.4
        pos, neg = s[y], s[~y]
        pairs = [(1.0 if p > q else 0.5 if p == q else 0.0) for p, q in itertools.product(pos, neg)]
        assert auc(s, y) == pytest.approx(sum(pairs) / len(pairs))


def test_auc_is_undefined_with_a_single_class():
    assert np.isnan(auc([0.1, 0.2], [1, 1]))


def test_rank_average_shares_ranks_between_ties():
    assert rank_average([10, 20, 20, 5]).tolist() == [2.0, 3.5, 3.5, 1.0]


def test_critical_recall_counts_only_critical_frauds():
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0])
    critical = np.array([2, 1, 0, 0, 2, 0, 0, 0, 0, 2])
    assert critical_recall_at(scores, critical, 20) == pytest.approx(1 / 3)  # rows 0, 1
    assert critical_recall_at(scores, critical, 50) == pytest.approx(2 / 3)  # rows 0..4


def test_evaluate_returns_every_metric():
    scores = np.linspace(1, 0, 200)
    fraud = (np.arange(200) < 30).astype(int)
    critical = np.where(np.arange(200) < 5, 2, fraud)
    out = evaluate(scores, fraud, critical)
    assert list(out) == metric_keys()
    assert out["precision@10%"] == 1.0 and out["recall@10%"] == pytest.approx(20 / 30)
    assert out["critical_recall@5%"] == 1.0 and out["auc"] == 1.0
    assert out["rows"] == 200 and out["frauds"] == 30 and out["critical_frauds"] == 5


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        precision_at([0.1, 0.2], [1], 5)
    with pytest.raises(ValueError):
        auc([0.1, float("nan")], [0, 1])
