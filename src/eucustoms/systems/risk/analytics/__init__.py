"""Risk analytics: the machine-learning ranking model of the risk engine and its public benchmark."""

from .benchmark import format_report, run_benchmark
from .features import EntityKey, FeatureBuilder
from .metrics import auc, critical_recall_at, evaluate, precision_at, recall_at
from .model import RiskModel

__all__ = [
    "EntityKey", "FeatureBuilder", "RiskModel", "auc", "critical_recall_at", "evaluate", "format_report",
    "precision_at", "recall_at", "run_benchmark",
]
