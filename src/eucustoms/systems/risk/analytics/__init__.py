"""Risk analytics: the machine-learning ranking model of the risk engine and its public benchmark."""

import os

# LightGBM's OpenMP threads spin while they wait by default; on a busy 2-core machine that slows training tenfold.
# Passive waiting costs nothing measurable when the cores are free. It must be set before LightGBM is loaded and
# an explicit setting in the environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from .benchmark import format_report, run_benchmark  # noqa: E402
from .features import EntityKey, FeatureBuilder  # noqa: E402
from .metrics import auc, critical_recall_at, evaluate, precision_at, recall_at  # noqa: E402
from .model import RiskModel  # noqa: E402

__all__ = [
    "EntityKey", "FeatureBuilder", "RiskModel", "auc", "critical_recall_at", "evaluate", "format_report",
    "precision_at", "recall_at", "run_benchmark",
]
