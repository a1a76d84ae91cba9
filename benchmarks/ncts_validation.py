"""Benchmark of the NCTS phase 5 XML layer on one core: CC015C declarations validated against the XSD
(safe parse + schema validation: ``validate``), parsed to the dict form (``parse``) and rendered back
(``render``, which validates its own output), per second, single thread.

The messages are the two CC015C samples (``tests/systems/transit/samples``: a minimal one of 2 KB and a
fuller one of 10 KB) and the example declaration of ``examples.cc015c`` with 2 and 50 goods items.
The schema is compiled before timing (``warm_up``); each figure is the best of ``--repeat`` runs, per
second of wall clock and per CPU second of the process (the single-core rate, still meaningful when other
jobs share the machine). Exit status 1 if parsing the samples is slower than 1,000 per CPU second.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

from eucustoms.systems.transit.xml import parse, render, validate, warm_up
from eucustoms.systems.transit.xml.examples import cc015c

SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "systems" / "transit" / "samples"
TARGET_PER_SECOND = 1_000


def rate(fn: Callable[[], object], seconds: float, repeat: int) -> tuple[float, float]:
    """Calls per second of ``fn``, wall clock and per CPU second of this process (the latter is what one
    core does when the machine is shared): the best of ``repeat`` runs of about ``seconds`` each."""
    best_wall = best_cpu = 0.0
    for _ in range(repeat):
        n, t0, c0 = 0, time.perf_counter(), time.process_time()
        while True:
            for _ in range(50):
                fn()
            n += 50
            elapsed = time.perf_counter() - t0
            if elapsed >= seconds:
                break
        best_wall = max(best_wall, n / elapsed)
        best_cpu = max(best_cpu, n / max(time.process_time() - c0, 1e-9))
    return best_wall, best_cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=2.0, help="length of one timed run")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results"))
    args = ap.parse_args()

    t0 = time.perf_counter()
    warm_up()
    compile_s = time.perf_counter() - t0

    messages = {
        "sample cc015c-valid.xml": (SAMPLES / "cc015c-valid.xml").read_bytes(),
        "sample cc015c-valid-2.xml": (SAMPLES / "cc015c-valid-2.xml").read_bytes(),
        "example, 2 items": render("CC015C", cc015c(items=2)),
        "example, 50 items": render("CC015C", cc015c(items=50)),
    }
    rows = []
    for name, body in messages.items():
        if validate(body):
            raise SystemExit(f"{name} is not valid: {validate(body)}")
        data = parse(body).data
        row: dict = {"message": name, "bytes": len(body)}
        for what, fn in (("validate", lambda b=body: validate(b)), ("parse", lambda b=body: parse(b)),
                         ("render", lambda d=data: render("CC015C", d))):
            wall, cpu = rate(fn, args.seconds, args.repeat)
            row[f"{what}_per_s"], row[f"{what}_per_cpu_s"] = round(wall), round(cpu)
        rows.append(row)

    meta = {"cores": os.cpu_count(), "threads": 1, "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()], "schema_compile_s": round(compile_s, 3),
            "target_per_s": TARGET_PER_SECOND}
    print(f"\nNCTS phase 5 XML layer, CC015C, 1 thread, Python {meta['python']}, {meta['cores']} cores "
          f"(load {meta['load_average'][0]}), schema set compiled in {meta['schema_compile_s']} s\n")
    print("Per second of wall clock, and (in brackets) per CPU second of this thread: the one-core figure when the")
    print("machine is shared.\n")
    print("| message | bytes | validate/s (safe parse + XSD) | parse to dict/s | render/s (incl. validation) |")
    print("|---|---|---|---|---|")
    for r in rows:
        cells = " | ".join(f"{r[f'{w}_per_s']:,} ({r[f'{w}_per_cpu_s']:,})" for w in ("validate", "parse", "render"))
        print(f"| {r['message']} | {r['bytes']:,} | {cells} |")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "ncts_validation.json").write_text(json.dumps({"meta": meta, "runs": rows}, indent=2))
    samples = [r for r in rows if r["message"].startswith("sample")]
    return 0 if all(r["parse_per_cpu_s"] >= TARGET_PER_SECOND for r in samples) else 1


if __name__ == "__main__":
    sys.exit(main())
