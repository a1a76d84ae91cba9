"""Time-aware feature builder: declaration attributes plus entity fraud histories learned from earlier labels only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl

Granularity = Literal["day", "month", "quarter"]
STATE_VERSION = 1
_SEP = "\x1f"


@dataclass(frozen=True)
class EntityKey:
    """A history key: the feature prefix and the column(s) whose combined value identifies the entity."""

    name: str
    columns: tuple[str, ...]

    def expr(self) -> pl.Expr:
        """The key as one text value; null when any part is missing (a missing ID is not an entity)."""
        parts = [pl.col(c).cast(pl.Utf8) for c in self.columns]
        return pl.concat_str(parts, separator=_SEP, ignore_nulls=False).alias(f"__key_{self.name}")


# Entity histories for the customs fraud benchmark. ``goods_line`` and ``item_price`` are exact-value keys:
# an identical HS6 / net mass / price line seen before. See the benchmark report on why they matter here.
DEFAULT_KEYS: tuple[EntityKey, ...] = (
    EntityKey("importer", ("importer",)),
    EntityKey("declarant", ("declarant",)),
    EntityKey("seller", ("seller",)),
    EntityKey("office", ("office",)),
    EntityKey("hs6", ("hs6",)),
    EntityKey("hs4", ("hs4",)),
    EntityKey("hs6_origin", ("hs6", "origin_country")),
    EntityKey("route", ("departure_country", "origin_country")),
    EntityKey("importer_hs6", ("importer", "hs6")),
    EntityKey("declarant_importer", ("declarant", "importer")),
    EntityKey("goods_line", ("hs6", "net_mass", "item_price")),
    EntityKey("item_price", ("item_price",)),
    EntityKey("hs6_mass", ("hs6", "net_mass")),
)

DEFAULT_CATEGORICAL: tuple[str, ...] = (
    "office", "process_type", "import_type", "import_use", "payment_type", "transport_mode", "tax_type",
    "origin_indicator", "departure_country", "origin_country",
)


def _period_expr(granularity: Granularity) -> pl.Expr:
    if granularity == "day":
        return pl.col("date")
    if granularity == "month":
        return pl.col("date").dt.truncate("1mo")
    if granularity == "quarter":
        return pl.col("date").dt.truncate("1q")
    raise ValueError(f"unknown granularity {granularity!r}")


def _label_exprs() -> list[pl.Expr]:
    return [
        pl.len().cast(pl.Float64).alias("n"),
        pl.col("fraud").cast(pl.Float64).sum().alias("pos"),
        (pl.col("critical_fraud") == 2).cast(pl.Float64).sum().alias("crit"),
    ]


@dataclass
class FeatureBuilder:
    """Fitted on labelled history, applied to later declarations; state round-trips through JSON.

    Leakage rules, enforced here rather than left to the caller:

    * :meth:`FeatureBuilder.transform` scores rows that are strictly later than every labelled row in the history
      (it refuses rows dated on or before the last history date), so a row never sees its own, a same-day or a
      later label.
    * :meth:`FeatureBuilder.fit_transform_out_of_time` builds training features: each row sees only the labels of
      rows in strictly earlier periods (``granularity``: a day, a month or a calendar quarter) of the same frame.
      Rows of the same period never see each other's labels.
    * Label-free references (category vocabularies, median price per kg by HS6 and HS6 x origin) are learned by
      :meth:`FeatureBuilder.fit` on the training history and are not updated afterwards.

    An :class:`EntityKey` names any column or tuple of columns (importer, HS6 x origin, a route, ...); the builder
    keeps, per key value, the count of labelled declarations, of frauds and of critical frauds, and turns them into
    ``<key>_n`` (labelled history size), ``<key>_rate`` (fraud rate, smoothed towards the prior) and ``<key>_crit``
    (critical-fraud rate, smoothed). A key value with no history gets ``_n = 0`` and (when ``smoothing`` > 0) the
    prior as its rates; with no history at all the rates are missing. The same keys work for any declaration frame
    that has the columns.
    """

    keys: tuple[EntityKey, ...] = DEFAULT_KEYS
    categorical: tuple[str, ...] = DEFAULT_CATEGORICAL
    smoothing: float = 5.0
    granularity: Granularity = "quarter"
    # fitted state
    history_end: dt.date | None = None
    totals: dict[str, pl.DataFrame] = field(default_factory=dict)
    global_counts: tuple[float, float, float] = (0.0, 0.0, 0.0)
    vocab: dict[str, list[str]] = field(default_factory=dict)
    price_refs: dict[str, pl.DataFrame] = field(default_factory=dict)

    # ------------------------------------------------------------------ derived, label-free columns
    @staticmethod
    def derive(frame: pl.DataFrame) -> pl.DataFrame:
        """Add the label-free columns the keys and the model use (HS headings, logs, price per kg, duty)."""
        mass = pl.col("net_mass")
        price = pl.col("item_price")
        return frame.with_columns(
            pl.col("hs6").str.slice(0, 2).alias("hs2"),
            pl.col("hs6").str.slice(0, 4).alias("hs4"),
            mass.clip(lower_bound=0).log1p().alias("log_mass"),
            price.clip(lower_bound=0).log1p().alias("log_price"),
            pl.when(mass > 0).then((price.clip(lower_bound=0) / mass + 1e-3).log()).otherwise(None)
            .alias("log_ppk"),
            (price.clip(lower_bound=0) * pl.col("tax_rate").clip(lower_bound=0) / 100).log1p().alias("log_duty"),
        )

    # ------------------------------------------------------------------ fitting
    def fit(self, history: pl.DataFrame) -> FeatureBuilder:
        """Learn vocabularies, price references and entity totals from labelled ``history``."""
        self._check_labelled(history)
        h = self.derive(history)
        self.vocab = {c: sorted(v for v in h[c].unique().to_list() if v is not None) for c in self.categorical}
        ppk = h.filter(pl.col("log_ppk").is_not_null())
        self.price_refs = {
            "hs6": ppk.group_by("hs6").agg(pl.col("log_ppk").median().alias("ref_hs6"),
                                            pl.len().cast(pl.Float64).alias("ref_hs6_n")),
            "hs6_origin": ppk.group_by(["hs6", "origin_country"]).agg(
                pl.col("log_ppk").median().alias("ref_hs6_origin")),
        }
        self.totals = {}
        self.global_counts = (0.0, 0.0, 0.0)
        self.history_end = None
        return self._add(h)

    def update(self, labelled: pl.DataFrame) -> FeatureBuilder:
        """Add newly known inspection results (dated no earlier than the current history) to the entity totals."""
        self._check_labelled(labelled)
        if labelled.height == 0:
            return self
        first = labelled["date"].min()
        if self.history_end is not None and first < self.history_end:
            raise ValueError(f"update rows start on {first}, before the history end {self.history_end}")
        return self._add(self.derive(labelled))

    def _add(self, h: pl.DataFrame) -> FeatureBuilder:
        if h.height == 0:
            return self
        for key in self.keys:
            agg = (h.with_columns(key.expr()).filter(pl.col(f"__key_{key.name}").is_not_null())
                   .group_by(f"__key_{key.name}").agg(_label_exprs()).rename({f"__key_{key.name}": "key"}))
            old = self.totals.get(key.name)
            if old is not None and old.height:
                agg = pl.concat([old, agg]).group_by("key").agg(pl.col("n", "pos", "crit").sum())
            self.totals[key.name] = agg.sort("key")
        g = h.select(_label_exprs()).row(0)
        self.global_counts = tuple(a + b for a, b in zip(self.global_counts, g))  # type: ignore[assignment]
        end = h["date"].max()
        self.history_end = end if self.history_end is None else max(self.history_end, end)
        return self

    @staticmethod
    def _check_labelled(frame: pl.DataFrame) -> None:
        missing = [c for c in ("date", "fraud", "critical_fraud") if c not in frame.columns]
        if missing:
            raise ValueError(f"history needs the columns {missing}")
        if frame.height and frame["fraud"].null_count():
            raise ValueError("history rows must all be labelled")

    # ------------------------------------------------------------------ features
    def transform(self, rows: pl.DataFrame) -> pl.DataFrame:
        """Features of ``rows``, all dated strictly after the history: only the fitted history is used."""
        if self.history_end is None:
            raise RuntimeError("FeatureBuilder.fit must run before transform")
        if rows.height and rows["date"].min() <= self.history_end:
            raise ValueError(f"rows dated {rows['date'].min()} are not after the history end {self.history_end}: "
                             "their features could see same-day or later labels")
        r = self.derive(rows)
        cols = [self._static_features(r)]
        n_all, pos_all, crit_all = self.global_counts
        for key in self.keys:
            stats = (r.select(key.expr()).rename({f"__key_{key.name}": "key"})
                     .join(self.totals[key.name], on="key", how="left", maintain_order="left")
                     .select(pl.col("n", "pos", "crit").fill_null(0.0)))
            cols.append(self._rates(key.name, stats, n_all, pos_all, crit_all, r.height))
        return pl.concat(cols, how="horizontal")

    def fit_transform_out_of_time(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Fit on ``frame`` and return its training features, each row seeing only earlier periods' labels."""
        self.fit(frame)
        r = self.derive(frame).with_columns(_period_expr(self.granularity).alias("__period"))
        cols = [self._static_features(r)]
        # global history before each period
        per = r.group_by("__period").agg(_label_exprs()).sort("__period").with_columns(
            (pl.col(c).cum_sum() - pl.col(c)).alias(f"{c}_before") for c in ("n", "pos", "crit"))
        glob = r.select("__period").join(per, on="__period", how="left", maintain_order="left")
        n_all, pos_all, crit_all = (glob[f"{c}_before"].to_numpy() for c in ("n", "pos", "crit"))
        for key in self.keys:
            k = f"__key_{key.name}"
            keyed = r.select(key.expr(), "__period", "fraud", "critical_fraud")
            daily = (keyed.filter(pl.col(k).is_not_null()).group_by([k, "__period"]).agg(_label_exprs())
                     .sort([k, "__period"])
                     .with_columns((pl.col(c).cum_sum().over(k) - pl.col(c)).alias(c) for c in ("n", "pos", "crit")))
            stats = (keyed.select(k, "__period").join(daily, on=[k, "__period"], how="left", maintain_order="left")
                     .select(pl.col("n", "pos", "crit").fill_null(0.0)))
            cols.append(self._rates(key.name, stats, n_all, pos_all, crit_all, r.height))
        return pl.concat(cols, how="horizontal")

    def _rates(self, name: str, stats: pl.DataFrame, n_all, pos_all, crit_all, height: int) -> pl.DataFrame:
        n = stats["n"].to_numpy()
        n_all = np.broadcast_to(np.asarray(n_all, dtype=float), (height,))
        with np.errstate(invalid="ignore", divide="ignore"):
            prior = np.where(n_all > 0, np.asarray(pos_all, dtype=float) / np.maximum(n_all, 1), np.nan)
            prior_c = np.where(n_all > 0, np.asarray(crit_all, dtype=float) / np.maximum(n_all, 1), np.nan)
        m = self.smoothing
        return pl.DataFrame({
            f"{name}_n": n,
            f"{name}_rate": (stats["pos"].to_numpy() + m * prior) / (n + m),
            f"{name}_crit": (stats["crit"].to_numpy() + m * prior_c) / (n + m),
        })

    def _static_features(self, r: pl.DataFrame) -> pl.DataFrame:
        codes = {
            c: r[c].replace_strict(self.vocab[c], list(range(len(self.vocab[c]))), default=-1,
                                   return_dtype=pl.Int32).fill_null(-1)
            for c in self.categorical
        }
        with_refs = (r.select("hs6", "origin_country", "log_ppk")
                     .join(self.price_refs["hs6"], on="hs6", how="left", maintain_order="left")
                     .join(self.price_refs["hs6_origin"], on=["hs6", "origin_country"], how="left",
                           maintain_order="left"))
        return pl.DataFrame({
            **codes,
            "hs6_code": r["hs6"].cast(pl.Int32, strict=False),
            "hs4_code": r["hs4"].cast(pl.Int32, strict=False),
            "hs2_code": r["hs2"].cast(pl.Int32, strict=False),
            "tax_rate": r["tax_rate"],
            "log_mass": r["log_mass"],
            "log_price": r["log_price"],
            "log_ppk": r["log_ppk"],
            "log_duty": r["log_duty"],
            "ppk_dev_hs6": with_refs["log_ppk"] - with_refs["ref_hs6"],
            "ppk_dev_hs6_origin": with_refs["log_ppk"] - with_refs["ref_hs6_origin"],
            "ref_hs6_n": with_refs["ref_hs6_n"].fill_null(0.0),
            "has_seller": r["seller"].is_not_null().cast(pl.Int8),
            "has_courier": r["courier"].is_not_null().cast(pl.Int8),
            "weekday": r["date"].dt.weekday().cast(pl.Int8),
        })

    # ------------------------------------------------------------------ model matrix
    def feature_names(self) -> list[str]:
        static = list(self.categorical) + [
            "hs6_code", "hs4_code", "hs2_code", "tax_rate", "log_mass", "log_price", "log_ppk", "log_duty",
            "ppk_dev_hs6", "ppk_dev_hs6_origin", "ref_hs6_n", "has_seller", "has_courier", "weekday"]
        return static + self.history_feature_names()

    def history_feature_names(self) -> list[str]:
        """The features that come from labels (``<key>_n``, ``<key>_rate``, ``<key>_crit`` per key)."""
        return [f"{k.name}_{s}" for k in self.keys for s in ("n", "rate", "crit")]

    def matrix(self, features: pl.DataFrame) -> np.ndarray:
        """The features as a float matrix in :meth:`feature_names` order (missing values as NaN)."""
        names = self.feature_names()
        return features.select(pl.col(n).cast(pl.Float64) for n in names).to_numpy()

    # ------------------------------------------------------------------ persistence
    def to_state(self) -> dict[str, Any]:
        """A JSON-serialisable snapshot of the configuration and the fitted state."""
        return {
            "version": STATE_VERSION,
            "keys": [{"name": k.name, "columns": list(k.columns)} for k in self.keys],
            "categorical": list(self.categorical),
            "smoothing": self.smoothing,
            "granularity": self.granularity,
            "history_end": self.history_end.isoformat() if self.history_end else None,
            "global_counts": list(self.global_counts),
            "vocab": self.vocab,
            "totals": {name: t.to_dict(as_series=False) for name, t in self.totals.items()},
            "price_refs": {name: t.to_dict(as_series=False) for name, t in self.price_refs.items()},
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> FeatureBuilder:
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported feature state version {state.get('version')!r}")
        b = cls(
            keys=tuple(EntityKey(k["name"], tuple(k["columns"])) for k in state["keys"]),
            categorical=tuple(state["categorical"]),
            smoothing=float(state["smoothing"]),
            granularity=state["granularity"],
        )
        b.history_end = dt.date.fromisoformat(state["history_end"]) if state["history_end"] else None
        b.global_counts = tuple(float(x) for x in state["global_counts"])  # type: ignore[assignment]
        b.vocab = {c: list(v) for c, v in state["vocab"].items()}
        b.totals = {name: pl.DataFrame(t, schema={"key": pl.Utf8, "n": pl.Float64, "pos": pl.Float64,
                                                   "crit": pl.Float64})
                    for name, t in state["totals"].items()}
        b.price_refs = {
            "hs6": pl.DataFrame(state["price_refs"]["hs6"],
                                schema={"hs6": pl.Utf8, "ref_hs6": pl.Float64, "ref_hs6_n": pl.Float64}),
            "hs6_origin": pl.DataFrame(state["price_refs"]["hs6_origin"],
                                       schema={"hs6": pl.Utf8, "origin_country": pl.Utf8,
                                               "ref_hs6_origin": pl.Float64}),
        }
        return b
