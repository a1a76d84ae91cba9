"""The time-aware feature builder: no label from the same or a later date (or period) ever reaches a row."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import polars as pl
import pytest

from risk_analytics_support import make_declarations, synthetic_splits  # noqa: F401  (fixture)

from eucustoms.systems.risk.analytics.features import EntityKey, FeatureBuilder

D1, D2, D3 = dt.date(2020, 1, 1), dt.date(2020, 1, 2), dt.date(2020, 1, 3)


def tiny(labels: list[int]) -> pl.DataFrame:
    """Four declarations of importer IMP1: one on D1, two on D2, one on D3."""
    base = make_declarations(4, start=D1, days=1, seed=9)
    return base.with_columns(
        pl.Series("date", [D1, D2, D2, D3]),
        pl.lit("IMP1").alias("importer"),
        pl.Series("fraud", labels, dtype=pl.Int8),
        pl.Series("critical_fraud", labels, dtype=pl.Int8),
    )


def importer_history(frame: pl.DataFrame, granularity: str = "day") -> pl.DataFrame:
    builder = FeatureBuilder(keys=(EntityKey("importer", ("importer",)),), granularity=granularity, smoothing=0.0)
    return builder.fit_transform_out_of_time(frame).select("importer_n", "importer_rate")


def test_same_day_and_later_labels_are_not_used():
    feats = importer_history(tiny([0, 1, 0, 1]))
    assert feats["importer_n"].to_list() == [0, 1, 1, 3]
    # D2 rows see only D1 (no fraud), although one D2 row is a fraud: a same-day label would make this 0.5
    assert feats["importer_rate"].to_list()[1:3] == [0.0, 0.0]
    # D3 sees D1 and both D2 rows: one fraud of three
    assert feats["importer_rate"][3] == pytest.approx(1 / 3)
    # flipping the labels of D2 and later leaves the D1 and D2 features alone
    flipped = importer_history(tiny([0, 0, 1, 0]))
    assert flipped[:3].equals(feats[:3])
    assert flipped["importer_rate"][3] == pytest.approx(1 / 3)
    changed = importer_history(tiny([1, 1, 0, 1]))  # a D1 label does reach D2 and D3: the test can fail
    assert changed["importer_rate"].to_list()[1:] == [1.0, 1.0, pytest.approx(2 / 3)]


def test_rows_of_the_same_quarter_never_see_each_other():
    frame = tiny([1, 1, 1, 1])
    feats = importer_history(frame, "quarter")
    assert feats["importer_n"].to_list() == [0, 0, 0, 0]
    later = frame.with_columns(pl.Series("date", [dt.date(2019, 12, 31), D2, D2, dt.date(2020, 4, 1)]))
    feats = importer_history(later, "quarter")
    assert feats["importer_n"].to_list() == [0, 1, 1, 3]


@pytest.mark.parametrize("granularity", ["day", "month", "quarter"])
def test_flipping_current_and_future_labels_never_changes_features(granularity):
    frame = make_declarations(600, start=dt.date(2020, 1, 1), days=200, seed=4)
    builder = FeatureBuilder(granularity=granularity)
    base = builder.fit_transform_out_of_time(frame)
    history_cols = builder.history_feature_names()
    period = FeatureBuilder.derive(frame).select(
        {"day": pl.col("date"), "month": pl.col("date").dt.truncate("1mo"),
         "quarter": pl.col("date").dt.truncate("1q")}[granularity]).to_series()
    for cut in period.unique().sort().to_list()[1::7]:
        later = (period >= cut).to_numpy()
        flipped = frame.with_columns(
            pl.when(pl.Series(later)).then(1 - pl.col("fraud")).otherwise(pl.col("fraud")).alias("fraud"),
            pl.when(pl.Series(later)).then(2 - pl.col("critical_fraud")).otherwise(pl.col("critical_fraud"))
            .alias("critical_fraud"))
        again = FeatureBuilder(granularity=granularity).fit_transform_out_of_time(flipped)
        rows = np.flatnonzero(period == cut)
        assert base[rows].select(history_cols).equals(again[rows].select(history_cols)), cut
        after = np.flatnonzero(later & (period != cut).to_numpy())
        if after.size:  # the flips do reach the later periods: the comparison above is not vacuous
            assert not base[after].select(history_cols).equals(again[after].select(history_cols))


def test_transform_uses_the_history_only_and_refuses_overlapping_rows(synthetic_splits):
    train, valid, _ = synthetic_splits
    builder = FeatureBuilder().fit(train)
    unlabelled = valid.drop("fraud", "critical_fraud")
    feats = builder.transform(unlabelled)
    assert feats.height == valid.height and feats.columns == builder.feature_names()
    importer = valid["importer"][0]
    past = train.filter(pl.col("importer") == importer)
    assert feats["importer_n"][0] == past.height
    with pytest.raises(ValueError, match="not after the history end"):
        builder.transform(train.tail(5))


def test_update_adds_inspection_results_as_if_fitted_on_both(synthetic_splits):
    train, valid, test = synthetic_splits
    updated = FeatureBuilder().fit(train).update(valid).transform(test)
    refitted = FeatureBuilder().fit(pl.concat([train, valid])).transform(test)
    cols = FeatureBuilder().history_feature_names()
    assert updated.select(cols).equals(refitted.select(cols))
    assert not updated.select(cols).equals(FeatureBuilder().fit(train).transform(test).select(cols))
    with pytest.raises(ValueError, match="before the history end"):
        FeatureBuilder().fit(valid).update(train)


def test_state_round_trips_through_json(synthetic_splits):
    train, valid, _ = synthetic_splits
    builder = FeatureBuilder().fit(train)
    restored = FeatureBuilder.from_state(json.loads(json.dumps(builder.to_state())))
    assert restored.feature_names() == builder.feature_names()
    assert restored.transform(valid).equals(builder.transform(valid))


def test_any_column_can_key_a_history(synthetic_splits):
    train, valid, _ = synthetic_splits
    key = EntityKey("office_mode", ("office", "transport_mode"))
    feats = FeatureBuilder(keys=(key,)).fit(train).transform(valid)
    assert {"office_mode_n", "office_mode_rate", "office_mode_crit"} <= set(feats.columns)
    first = valid.row(0, named=True)
    expected = train.filter((pl.col("office") == first["office"])
                            & (pl.col("transport_mode") == first["transport_mode"])).height
    assert feats["office_mode_n"][0] == expected
