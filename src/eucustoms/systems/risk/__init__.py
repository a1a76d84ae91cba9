"""CRMS2: common risk criteria, analytics and risk signals."""

SYSTEM = "risk"
