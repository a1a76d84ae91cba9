"""The benchmark data loader and a quick end-to-end benchmark run on a subsample of the shared data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from risk_analytics_support import benchmark_dir  # noqa: F401  (fixture)

from eucustoms.systems.risk.analytics import benchmark as bm
from eucustoms.systems.risk.analytics.dataset import (
    ENV_VAR, DataNotFoundError, load_benchmark, resolve_data_dir, subsample,
)
from eucustoms.systems.risk.analytics.metrics import metric_keys


def test_the_folder_comes_from_the_argument_then_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "from-env"))
    assert resolve_data_dir(tmp_path / "given") == tmp_path / "given"
    assert resolve_data_dir() == tmp_path / "from-env"


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DataNotFoundError, match=ENV_VAR):
        load_benchmark(tmp_path / "nowhere")


def test_the_three_splits_load_typed_and_in_time_order(benchmark_dir):
    bench = load_benchmark(benchmark_dir)
    assert bench.sizes() == {"train": 37_385, "valid": 8_134, "test": 8_481}
    assert bench.train["date"].max() < bench.valid["date"].min() <= bench.valid["date"].max() < bench.test["date"].min()
    assert bench.test["date"].max() == dt.date(2021, 6, 30)
    assert bench.train["hs6"].str.len_chars().unique().to_list() == [6]
    assert set(bench.train["critical_fraud"].unique().to_list()) == {0, 1, 2}
    sample = subsample(bench.train, 0.1, seed=1)
    assert 3000 < sample.height < 4500 and sample["date"].is_sorted()
    assert sample.equals(subsample(bench.train, 0.1, seed=1))


def test_a_quick_benchmark_run_reports_every_metric(benchmark_dir):
    messages: list[str] = []
    result = bm.run_benchmark(benchmark_dir, seed=0, fraction=0.15, diagnostics=True, progress=messages.append)
    assert messages and messages[0].startswith("loaded")
    json.dumps(result)  # the CLI may print it as JSON
    assert set(metric_keys()) <= set(result["test"]) and set(metric_keys()) <= set(result["valid"])
    for key in ("precision@1%", "precision@2%", "precision@5%", "precision@10%", "recall@5%", "recall@10%",
                "auc", "critical_recall@5%", "critical_recall@10%"):
        assert 0.0 <= result["test"][key] <= 1.0, key
    assert result["test"]["auc"] > 0.6  # the model ranks better than chance, even on a fifth of the data
    assert result["sizes"]["test"] == result["test"]["rows"]
    assert 0.1 * 8481 < result["sizes"]["test"] < 0.2 * 8481
    assert set(result["history_protocol"]) == {"train", "valid", "test", "references", "model"}
    assert result["published"]["precision"]["LightGBM"] == {"5%": [0.762, 0.003], "10%": [0.641, 0.003]}
    assert set(result["diagnostics"]) == {"raw_columns", "no_exact_value_keys"}
    assert {"load", "train", "score", "total"} <= set(result["timings_s"])

    report = bm.format_report(result)
    assert "| LightGBM (published) | 0.762 \u00b1 0.003 | 0.641 \u00b1 0.003 |" in report
    assert f"**{result['test']['precision@5%']:.3f}**" in report
    assert "critical_recall@10%" in report and "History protocol" in report
    assert Path(result["data_dir"]) == Path(benchmark_dir)
