"""Benchmark of the message exchange on the embedded default (or any database URL).

Producers store messages through ``Bus.send`` in business transactions of ``--per-transaction`` messages;
the bus delivers them in the background to a consumer whose handler writes one effect row per message.
Throughput = messages consumed / time from the first send to the last effect. The ceiling is the raw
durable insert rate of the same database, measured in the same run with the same PRAGMAs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, func, insert, select

from eucustoms.migrations import upgrade
from eucustoms.platform.bus import Bus, Envelope
from eucustoms.platform.db import Database

EU_2024_MESSAGES_PER_SECOND = (16.5e9 + 1.0e9) / (365 * 24 * 3600)  # Annex 4, OP 1.3 of the report

_md = MetaData()
raw = Table("bench_raw", _md, Column("id", Integer, primary_key=True), Column("k", String(36)), Column("body", Text))
effects = Table("bench_effect", _md, Column("id", Integer, primary_key=True), Column("message_id", String(36)), Column("n", Integer))

PAYLOAD = {"mrn": "26DE000000000001J7", "office": "DE004700", "items": [{"cn": "84713000", "kg": "12.5"}] * 3}


def ceiling(db: Database, n: int, batch: int) -> float:
    """Raw durable inserts per second: the same row size, committed in batches of ``batch``."""
    body = json.dumps(PAYLOAD)
    t0 = time.perf_counter()
    for start in range(0, n, batch):
        with db.begin() as conn:
            conn.execute(insert(raw), [{"k": f"{i:036d}", "body": body} for i in range(start, min(n, start + batch))])
    return n / (time.perf_counter() - t0)


def bus_run(db: Database, n: int, per_tx: int, producers: int, batch_size: int) -> dict:
    bus = Bus(db, batch_size=batch_size)
    done = threading.Event()
    consumed = [0]

    def handler(conn, env: Envelope) -> None:
        conn.execute(insert(effects).values(message_id=env.message_id, n=env.payload["n"]))
        consumed[0] += 1
        if consumed[0] >= n:
            done.set()

    bus.subscribe("FR", handler)
    per_producer = n // producers

    def produce(p: int) -> None:
        for start in range(0, per_producer, per_tx):
            with db.begin() as conn:
                bus.send(conn, *[Envelope("CC001C", "bench", "DE", "FR", {**PAYLOAD, "n": p * per_producer + i})
                                 for i in range(start, min(per_producer, start + per_tx))])

    t0 = time.perf_counter()
    bus.start(idle_wait=0.005)
    threads = [threading.Thread(target=produce, args=(p,)) for p in range(producers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent = time.perf_counter() - t0
    done.wait(timeout=600)
    total = time.perf_counter() - t0
    bus.stop()
    with db.read() as conn:
        effect_rows = conn.execute(select(func.count()).select_from(effects)).scalar_one()
        distinct = conn.execute(select(func.count(func.distinct(effects.c.message_id)))).scalar_one()
    return {
        "messages": n, "per_transaction": per_tx, "producers": producers, "delivery_batch": batch_size,
        "store_per_s": round(n / sent), "end_to_end_per_s": round(n / total), "seconds": round(total, 2),
        "effects": effect_rows, "duplicates": effect_rows - distinct,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    ap.add_argument("--messages", type=int, default=50_000)
    ap.add_argument("--per-transaction", type=int, nargs="+", default=[1, 10, 100])
    ap.add_argument("--producers", type=int, default=2)
    ap.add_argument("--delivery-batch", type=int, default=500)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results"))
    args = ap.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for per_tx in args.per_transaction:
            n = args.messages if per_tx > 1 else min(args.messages, 5_000)
            db = Database(args.db or f"sqlite:///{tmp}/bench-{per_tx}.db")
            upgrade(db)
            _md.drop_all(db.engine)
            _md.create_all(db.engine)
            roof = ceiling(db, n, batch=per_tx)  # same transaction size: the fsync cost is the same
            result = bus_run(db, n, per_tx, args.producers, args.delivery_batch)
            result["ceiling_inserts_per_s"] = round(roof)
            result["ratio_to_ceiling"] = round(result["end_to_end_per_s"] / roof, 3)
            result["x_eu_2024_average"] = round(result["end_to_end_per_s"] / EU_2024_MESSAGES_PER_SECOND, 1)
            rows.append(result)
            _md.drop_all(db.engine)
            db.dispose()

    meta = {"database": (args.db or "sqlite (WAL, synchronous=FULL)").split("@")[-1], "cores": os.cpu_count(),
            "python": platform.python_version(), "eu_2024_average_per_s": round(EU_2024_MESSAGES_PER_SECOND)}
    print(f"\nMessage exchange, {meta['database']}, {meta['cores']} cores, Python {meta['python']}\n")
    print("| messages per business transaction | messages | stored/s | end to end/s | raw insert ceiling/s (same transaction size) | ratio to ceiling | × EU 2024 average (554/s) | duplicates |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['per_transaction']} | {r['messages']:,} | {r['store_per_s']:,} | {r['end_to_end_per_s']:,} | "
              f"{r['ceiling_inserts_per_s']:,} | {r['ratio_to_ceiling']} | {r['x_eu_2024_average']} | {r['duplicates']} |")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "bus_throughput.json").write_text(json.dumps({"meta": meta, "runs": rows}, indent=2))
    return 0 if all(r["duplicates"] == 0 and r["effects"] == r["messages"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
