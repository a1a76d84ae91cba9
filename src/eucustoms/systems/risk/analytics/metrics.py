"""Ranking metrics for selection-for-control: Precision@n%, Recall@n%, AUC and critical-fraud recall (numpy only)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

DEFAULT_PRECISION_PCTS = (1, 2, 5, 10)
DEFAULT_RECALL_PCTS = (5, 10)


def _arrays(scores, labels) -> tuple[np.ndarray, np.ndarray]:
    s = np.asarray(scores, dtype=float).ravel()
    y = np.asarray(labels).ravel()
    if s.shape != y.shape:
        raise ValueError(f"scores and labels differ in length ({s.size} != {y.size})")
    if s.size == 0:
        raise ValueError("no rows to evaluate")
    if np.isnan(s).any():
        raise ValueError("scores contain NaN")
    return s, y.astype(float)


def inspected_count(n_rows: int, pct: float) -> int:
    """How many rows the top ``pct`` percent is: ceil(n_rows * pct / 100), at least one row."""
    if not 0 < pct <= 100:
        raise ValueError("pct is a percentage in (0, 100]")
    return max(1, min(n_rows, math.ceil(n_rows * pct / 100 - 1e-9)))


def hits_at(scores, labels, pct: float) -> float:
    """Expected sum of ``labels`` over the top ``pct`` percent of rows by score.

    Rows tied with the last inspected row are shared out fairly (the expectation under a random tie-break), so
    the figure never depends on the input row order."""
    s, y = _arrays(scores, labels)
    n = inspected_count(s.size, pct)
    order = np.argsort(-s, kind="stable")
    threshold = s[order[n - 1]]
    above = s > threshold
    tied = s == threshold
    slots = n - int(above.sum())
    return float(y[above].sum() + y[tied].sum() * slots / int(tied.sum()))


def precision_at(scores, labels, pct: float) -> float:
    """Share of frauds among the top ``pct`` percent of rows (``pct`` in percent: 5 means 5%)."""
    s, _ = _arrays(scores, labels)
    return hits_at(scores, labels, pct) / inspected_count(s.size, pct)


def recall_at(scores, labels, pct: float) -> float:
    """Share of all frauds that fall in the top ``pct`` percent of rows (NaN when there is no fraud)."""
    _, y = _arrays(scores, labels)
    total = y.sum()
    return float("nan") if total == 0 else hits_at(scores, labels, pct) / float(total)


def critical_recall_at(scores, critical, pct: float, *, critical_value: int = 2) -> float:
    """Share of critical frauds (``critical == critical_value``) caught in the top ``pct`` percent of rows."""
    c = np.asarray(critical).ravel()
    return recall_at(scores, (c == critical_value).astype(float), pct)


def rank_average(values) -> np.ndarray:
    """1-based ranks of ``values``, tied values sharing the average of their ranks."""
    v = np.asarray(values, dtype=float).ravel()
    order = np.argsort(v, kind="mergesort")
    sorted_v = v[order]
    # start index of each run of equal values
    starts = np.flatnonzero(np.r_[True, sorted_v[1:] != sorted_v[:-1]])
    ends = np.r_[starts[1:], v.size]  # exclusive
    run_rank = (starts + 1 + ends) / 2.0  # mean of ranks starts+1 .. ends
    ranks_sorted = np.repeat(run_rank, ends - starts)
    ranks = np.empty(v.size, dtype=float)
    ranks[order] = ranks_sorted
    return ranks


def auc(scores, labels) -> float:
    """Area under the ROC curve (Mann-Whitney U with average ranks for ties); NaN with a single class."""
    s, y = _arrays(scores, labels)
    pos = y > 0
    n_pos = int(pos.sum())
    n_neg = s.size - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    r = rank_average(s)
    u = r[pos].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


def _pct_key(pct: float) -> str:
    return f"{pct:g}%"


def evaluate(scores, fraud, critical=None, *,
             precision_pcts: Iterable[float] = DEFAULT_PRECISION_PCTS,
             recall_pcts: Sequence[float] = DEFAULT_RECALL_PCTS) -> dict[str, float]:
    """All benchmark metrics in one flat dict: ``precision@5%``, ``recall@5%``, ``auc``,
    ``critical_recall@5%`` (when ``critical`` is given), plus ``rows``, ``frauds`` and ``critical_frauds``."""
    s, y = _arrays(scores, fraud)
    out: dict[str, float] = {"rows": int(s.size), "frauds": int(y.sum())}
    for pct in precision_pcts:
        out[f"precision@{_pct_key(pct)}"] = precision_at(s, y, pct)
    for pct in recall_pcts:
        out[f"recall@{_pct_key(pct)}"] = recall_at(s, y, pct)
    out["auc"] = auc(s, y)
    if critical is not None:
        c = np.asarray(critical).ravel()
        out["critical_frauds"] = int((c == 2).sum())
        for pct in recall_pcts:
            out[f"critical_recall@{_pct_key(pct)}"] = critical_recall_at(s, c, pct)
    return out


def metric_keys(*, precision_pcts: Iterable[float] = DEFAULT_PRECISION_PCTS,
                recall_pcts: Sequence[float] = DEFAULT_RECALL_PCTS, critical: bool = True) -> list[str]:
    """The keys :func:`evaluate` returns for these settings."""
    keys = ["rows", "frauds"]
    keys += [f"precision@{_pct_key(p)}" for p in precision_pcts]
    keys += [f"recall@{_pct_key(p)}" for p in recall_pcts]
    keys.append("auc")
    if critical:
        keys.append("critical_frauds")
        keys += [f"critical_recall@{_pct_key(p)}" for p in recall_pcts]
    return keys
