"""The trade simulator and the benchmark suite: realistic traffic for the box in the shape of the EU's 2024
volumes (``eucustoms simulate``), planted fraud with its ground truth (``eucustoms risk evaluate
--ground-truth``), bad messages, and every system's benchmark in one run (``eucustoms bench``).
See docs/simulator.md and docs/scaling.md."""
