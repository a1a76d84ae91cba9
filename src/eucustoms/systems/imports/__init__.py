"""Import declarations (standard H1, low-value e-commerce H7) and centralised clearance for import (CCI)."""

SYSTEM = "imports"
