"""TARIC: the integrated tariff of the Union (nomenclature, measures, duties, quotas) and the duty calculator."""

SYSTEM = "tariff"
