"""PoUS: proofs of the customs status of Union goods (T2L, T2LF) and customs goods manifests (CGM)."""

SYSTEM = "pous"
