"""Training and evaluating the SSA analytics model on the control results fed back by the member states.

Every consignment the central analysis scored is kept in ``risk_assessment`` with the EU-level features it had
*at that moment* (the entity histories then known, never a later result); a member state's control result
labels it (1 irregularity or seizure, 0 nothing found). So the labelled rows are an out-of-time training set
as they stand.

* :func:`train` — the labelled rows of a period, split in time order: the earliest part trains the trees, the
  latest ``valid_fraction`` only stops the boosting early and sets the signal threshold (the score of the top
  ``signal_rate`` of it); the model's figures on that part are registered with it in ``risk_model``.
* :func:`evaluate` — the active model on labelled rows it has not seen (by default those scored after it was
  trained), next to what the rules alone would have selected among the same rows.
* :func:`models` — the registry.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
from sqlalchemy import Connection, and_, insert, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import ErrorCode, Issue, Rejected
from eucustoms.platform.db import Database
from eucustoms.platform.db.engine import default_home

from .analytics import metrics as m
from .analytics.model import default_params, train_lightgbm
from .service import FEATURES, active_model
from .ssa_model import SsaModel, _finite, feature_matrix
from .store import risk_assessment, risk_model

KIND = "ssa"
Progress = Callable[[str], None]


# -- plumbing -------------------------------------------------------------------------------------------------

@contextmanager
def _reading(db: Database | Connection) -> Iterator[Connection]:
    if isinstance(db, Connection):
        yield db
    else:
        with db.read() as conn:
            yield conn


@contextmanager
def _writing(db: Database | Connection) -> Iterator[Connection]:
    if isinstance(db, Connection):
        yield db
    else:
        with db.begin() as conn:
            yield conn


def _day(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, f"--{name}", f"{value!r} is not a date (YYYY-MM-DD)") from None


def _period(since: dt.date | str | None, until: dt.date | str | None) -> tuple[dt.date | None, dt.date | None]:
    start, end = _day(since, "since"), _day(until, "until")
    if start and end and end < start:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "--until", f"the period ends ({end}) before it starts ({start})")
    return start, end


def _labelled(conn: Connection, start: dt.date | None, end: dt.date | None,
              after: dt.datetime | None = None) -> list[dict[str, Any]]:
    a = risk_assessment
    where = [a.c.label.is_not(None)]
    if start is not None:
        where.append(a.c.day >= start)
    if end is not None:
        where.append(a.c.day <= end)
    if after is not None:
        where.append(a.c.scored_at > after)
    query = (select(a.c.reference, a.c.subject, a.c.scored_at, a.c.day, a.c.features, a.c.signals, a.c.label,
                    a.c.critical).where(and_(*where)).order_by(a.c.scored_at, a.c.reference))
    return [dict(r) for r in conn.execute(query).mappings()]


def _arrays(rows: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = feature_matrix([r["features"] or {} for r in rows], FEATURES)
    y = np.array([int(r["label"]) for r in rows], dtype=np.int64)
    # analytics.metrics counts "critical" as the value 2 (the benchmark's Critical Fraud column)
    critical = np.array([2 if (r["critical"] and r["label"]) else 0 for r in rows], dtype=np.int64)
    return x, y, critical


def _rounded(metrics: dict[str, Any]) -> dict[str, Any]:
    return _finite({k: (round(v, 4) if isinstance(v, float) else v) for k, v in metrics.items()})


def _metrics(scores: np.ndarray, y: np.ndarray, critical: np.ndarray) -> dict[str, Any]:
    out = m.evaluate(scores, y, critical)
    out["base_rate"] = float(y.mean()) if y.size else float("nan")
    return _rounded(out)


def _refuse(reason: str, pointer: str = "/label") -> Rejected:
    return Rejected([Issue(ErrorCode.RULE_VIOLATION, pointer, reason)], f"the SSA model was not trained: {reason}")


def _new_version(conn: Connection, moment: dt.datetime) -> str:
    base = f"{KIND}-{moment.strftime('%Y%m%d%H%M%S')}"
    taken = set(conn.execute(select(risk_model.c.version).where(risk_model.c.version.like(f"{base}%"))).scalars())
    version, n = base, 1
    while version in taken:
        n += 1
        version = f"{base}-{n}"
    return version


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


# -- training -------------------------------------------------------------------------------------------------

def train(db: Database | Connection, *, out_dir: str | Path | None = None, since: dt.date | str | None = None,
          until: dt.date | str | None = None, min_rows: int = 200, valid_fraction: float = 0.25,
          signal_rate: float = 0.05, activate: bool = True, seed: int = 0, num_threads: int = 2,
          progress: Progress | None = None) -> dict[str, Any]:
    """Train the SSA model on the labelled assessments scored from ``since`` to ``until`` (days, inclusive),
    save it under ``out_dir`` (default ``$EUCUSTOMS_HOME/models``), register it and, with ``activate``, make it
    the model the central analysis uses. Returns a summary (version, path, sizes, threshold, validation metrics).

    Raises :class:`Rejected` when there are fewer than ``min_rows`` labelled rows, or when the training or
    validation part has a single class (nothing to learn, or nothing to stop on)."""
    say = progress or (lambda _msg: None)
    start, end = _period(since, until)
    if not 0 < valid_fraction < 1:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "--valid-fraction", "must be between 0 and 1 (exclusive)")
    if not 0 < signal_rate <= 1:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "--signal-rate", "must be in (0, 1]")
    t0 = time.perf_counter()
    with _reading(db) as conn:
        rows = _labelled(conn, start, end)
    period = f"from {start or 'the first'} to {end or 'the last'} day"
    say(f"read {len(rows)} labelled consignments ({period})")
    if len(rows) < max(min_rows, 2):
        raise _refuse(f"only {len(rows)} consignment(s) with a control result {period}; at least "
                      f"{max(min_rows, 2)} are needed (lower --min-rows to train on fewer)")
    x, y, critical = _arrays(rows)
    positives = int(y.sum())
    if positives == 0 or positives == len(rows):
        found = "an irregularity" if positives else "nothing"
        raise _refuse(f"all {len(rows)} control results {period} found {found}: a model needs both outcomes")
    n_valid = min(len(rows) - 1, max(1, int(round(len(rows) * valid_fraction))))
    cut = len(rows) - n_valid
    x_tr, y_tr, x_va, y_va, c_va = x[:cut], y[:cut], x[cut:], y[cut:], critical[cut:]
    for part, labels in (("training", y_tr), ("validation", y_va)):
        if labels.min() == labels.max():
            raise _refuse(f"the {part} part ({labels.size} rows, split in time order) has only "
                          f"{'positive' if labels[0] else 'negative'} control results; label more consignments "
                          "or change --valid-fraction")

    params = default_params(seed=seed, num_threads=num_threads)
    params.pop("num_class")
    params.update(objective="binary", min_data_in_leaf=max(5, min(20, cut // 50)),
                  num_leaves=31 if cut >= 2000 else 15)
    say(f"training on {cut} rows, stopping early on the latest {n_valid}")
    trained = train_lightgbm(x_tr, y_tr, x_va, y_va, params=params, feature_names=list(FEATURES),
                             num_boost_round=2000, early_stopping_rounds=100)
    # keep only the rounds early stopping chose, so that the saved booster is the model as validated
    booster = lgb.Booster(model_str=trained.booster.model_to_string(num_iteration=trained.best_iteration))
    model = SsaModel(booster, threshold=0.0)
    valid_scores = model.score_matrix(x_va)
    k = m.inspected_count(valid_scores.size, signal_rate * 100)
    model.threshold = float(np.sort(valid_scores)[::-1][k - 1])
    valid_metrics = _metrics(valid_scores, y_va, c_va)
    flagged = valid_scores >= model.threshold
    signal = {"rate": signal_rate, "threshold": round(model.threshold, 6),
              "flagged_share": round(float(flagged.mean()), 4),
              "precision": round(float(y_va[flagged].mean()), 4) if flagged.any() else None,
              "recall": round(float(y_va[flagged].sum() / y_va.sum()), 4) if y_va.sum() else None}
    say(f"{trained.best_iteration} rounds kept; validation AUC {valid_metrics.get('auc')}, "
        f"P@5% {valid_metrics.get('precision@5%')}")

    moment = now()
    span = {"first_scored": _iso(rows[0]["scored_at"]), "validation_from": _iso(rows[cut]["scored_at"]),
            "last_scored": _iso(rows[-1]["scored_at"]), "since": _iso(start), "until": _iso(end)}
    registered = {
        "valid": valid_metrics,
        "signal": signal,
        "split": {"train": cut, "valid": n_valid, "positives": positives,
                 "critical": int((critical == 2).sum())},
        "data": span,
        "best_iteration": trained.best_iteration,
        "rounds_run": trained.rounds_run,
        "best_valid_logloss": round(trained.best_score, 5),
        "top_features": [[n, round(v, 1)] for n, v in model.feature_importance("gain")[:10]],
        "seed": seed,
    }
    model.metrics = registered
    model.meta = {"trained_at": moment.isoformat(), "signal_rate": signal_rate, "valid_fraction": valid_fraction,
                  "best_iteration": trained.best_iteration, "params": params}
    with _writing(db) as conn:
        version = _new_version(conn, moment)
        model.version = version
        path = model.save(Path(out_dir) if out_dir is not None else default_home() / "models")
        if activate:
            conn.execute(update(risk_model).where(risk_model.c.kind == KIND, risk_model.c.active.is_(True))
                         .values(active=False))
        conn.execute(insert(risk_model).values(version=version, kind=KIND, trained_at=moment, path=str(path),
                                               rows=len(rows), metrics=_finite(registered), active=activate))
    say(f"saved {path}")
    return {"version": version, "path": str(path), "active": activate, "trained_at": moment.isoformat(),
            "rows": len(rows), **{k: v for k, v in registered.items() if k != "seed"},
            "seconds": round(time.perf_counter() - t0, 2)}


# -- evaluation -----------------------------------------------------------------------------------------------

def _registry_row(conn: Connection, version: str | None) -> dict[str, Any] | None:
    q = select(risk_model).where(risk_model.c.kind == KIND)
    q = q.where(risk_model.c.version == version) if version else q.where(risk_model.c.active.is_(True))
    row = conn.execute(q.order_by(risk_model.c.trained_at.desc()).limit(1)).mappings().first()
    return dict(row) if row else None


def _rule_signals(signals: Any) -> int:
    return sum(1 for s in (signals or []) if not str(s.get("source", "")).startswith("SSA-MODEL"))


def _selection(selected: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    n = int(selected.sum())
    return _finite({"selected": n, "selected_share": round(n / y.size, 4) if y.size else None,
                    "precision": round(float(y[selected].mean()), 4) if n else None,
                    "recall": round(float(y[selected].sum() / y.sum()), 4) if y.sum() else None})


def evaluate(db: Database | Connection, *, since: dt.date | str | None = None, until: dt.date | str | None = None,
             version: str | None = None) -> dict[str, Any]:
    """The figures of the active model (or ``version``) on labelled consignments it was not trained on.

    Default period: every labelled consignment scored after the model was trained. With ``since``/``until``:
    the labelled consignments scored on those days (which may include its own training rows: the result says
    how many). The baseline is worked out on the same rows: the SSA rule signals stored with each assessment."""
    start, end = _period(since, until)
    with _reading(db) as conn:
        reg = _registry_row(conn, version)
        if reg is None:
            what = f"model {version}" if version else "active SSA model"
            raise Rejected.one(ErrorCode.NOT_FOUND, "/version",
                               f"there is no {what}: train one with `eucustoms risk train`")
        model = active_model(conn) if version is None else None
        if model is None or model.version != reg["version"]:
            if not Path(reg["path"]).exists():
                raise Rejected.one(ErrorCode.NOT_FOUND, "/path", f"the file of model {reg['version']} is missing: "
                                   f"{reg['path']}")
            model = SsaModel.load(reg["path"], version=reg["version"], metrics=reg["metrics"])
        default_period = start is None and end is None
        rows = _labelled(conn, start, end, after=reg["trained_at"] if default_period else None)
    trained_until = (reg["metrics"] or {}).get("data", {}).get("last_scored")
    result: dict[str, Any] = {
        "model": {"version": reg["version"], "trained_at": _iso(reg["trained_at"]), "active": reg["active"],
                  "threshold": model.threshold, "training_rows": reg["rows"], "trained_on_rows_until": trained_until},
        "period": {"since": _iso(start), "until": _iso(end),
                   "rule": "scored after the model was trained" if default_period else "scored on these days"},
        "rows": len(rows),
    }
    if not rows:
        result["metrics"] = None
        result["message"] = ("no labelled consignment " + ("was scored after the model was trained "
                             f"({_iso(reg['trained_at'])})" if default_period else f"was scored from "
                             f"{start or 'the first'} to {end or 'the last'} day") + ": nothing to evaluate yet")
        return result
    x, y, critical = _arrays(rows)
    scores = model.score_matrix(x)
    overlap = 0
    if trained_until and not default_period:
        limit = dt.datetime.fromisoformat(trained_until)
        overlap = sum(1 for r in rows if _aware(r["scored_at"]) <= limit)
    result["seen_in_training"] = overlap
    result["metrics"] = _metrics(scores, y, critical)
    result["model_signals"] = _selection(scores >= model.threshold, y)

    rule_counts = np.array([_rule_signals(r["signals"]) for r in rows], dtype=float)
    baselines: dict[str, Any] = {
        "ssa_rule_signals": {
            "description": "the SSA network rules (SSA-NET-*) stored with each assessment, ranked by the number "
                           "of rule signals; ties are shared out at the cut-off",
            "rows": len(rows),
            "metrics": _metrics(rule_counts, y, critical),
            "signalled": _selection(rule_counts > 0, y),
        }}
    # The common risk criteria are applied by the national entry systems in their own domains; their hits are
    # not in the central SSA data, so they are not compared here (a system does not read another's tables).
    baselines["common_risk_criteria"] = {
        "rows": 0, "note": "the criteria run in the member states' domains; their hits are not part of the central "
                           "SSA data, so they cannot be compared on these rows"}
    result["baselines"] = baselines
    result["caveats"] = [
        "Only controlled consignments are labelled, and they were selected for control partly by these very "
        "rules and signals: the rules' precision is measured where they led to a control, the recall of both "
        "only among controlled consignments, not among all frauds.",
        "Precision@n% ranks the labelled consignments of the period only, not all the traffic scored.",
    ]
    if overlap:
        result["caveats"].append(f"{overlap} of these rows were scored before the model's training data ended: "
                                 "they may be among its training or validation rows.")
    return result


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)


# -- registry -------------------------------------------------------------------------------------------------

def models(db: Database | Connection) -> list[dict[str, Any]]:
    """The registered models, newest first, with their validation figures."""
    with _reading(db) as conn:
        rows = conn.execute(select(risk_model).order_by(risk_model.c.trained_at.desc(), risk_model.c.version.desc())
                            ).mappings().all()
    out = []
    for r in rows:
        metrics = r["metrics"] or {}
        out.append({"version": r["version"], "kind": r["kind"], "trained_at": _iso(r["trained_at"]),
                    "active": bool(r["active"]), "rows": r["rows"], "path": r["path"],
                    "file_present": Path(r["path"]).exists(),
                    "threshold": (metrics.get("signal") or {}).get("threshold"),
                    "valid": metrics.get("valid", {})})
    return out
