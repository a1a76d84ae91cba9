"""Benchmark of the public data-dissemination services (DDS2) over HTTP: look-ups per second for the mix of
services in the proportions of the EU's 2024 consultations (RES 2.1 sub-indicator 1), with latency p50/p99.

A fresh box is built (migrations, reference data, tariff), with registered operators (some consenting to
publication), surveillance records and whatever else the services look up. The API runs under uvicorn in
``--workers`` child processes sharing one listening socket (SO_REUSEPORT); the load comes from one asyncio
client process with ``--connections`` keep-alive connections speaking plain HTTP/1.1 (a client that costs
little, so that the figure is the server's). Rate limiting is turned off for the run
(``EUCUSTOMS_PUBLIC_RATE=0``): the benchmark is one caller standing for many.

Each service's share is its 2024 count over the total of the services the box serves; services that answer
404 for an unknown number (an invalid EORI, an unknown MRN) are part of the mix as in real traffic.
Target: 2,000 look-ups/s on 2 cores (the EU's 2024 average was about 7 a second)."""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import platform
import random
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

TARGET = 2_000
MEASURED_CODES = ["0106200000", "0201000000", "0202000000", "0208400000", "0805100000", "1202410000", "1701130000",
                  "1806900000", "2009110000", "2204210000", "2208300000", "4407000000", "6109100000", "6403000000",
                  "8471000000", "8507600000", "8507600010", "8541430000", "8703000000", "8712000000"]


def build_box(path: Path, operators: int, seed: int) -> dict:
    """Migrate and load a box; returns what the workload needs to look up."""
    from eucustoms.core.identifiers import MRN
    from eucustoms.migrations import upgrade
    from eucustoms.platform.auth import Principal, Role
    from eucustoms.platform.db import Database
    from eucustoms.refdata import RefData, load_reference_data
    from eucustoms.systems.eos import service as eos
    from eucustoms.systems.eos.messages import OperatorRegistration
    from eucustoms.systems.surveillance import service as surveillance
    from eucustoms.systems.tariff.loader import load_tariff
    from eucustoms.systems.tariff.tariff import tariff

    rnd = random.Random(seed)
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    load_reference_data(db)
    load_tariff(db)
    refdata = RefData.from_db(db)
    today = date.today()
    countries = ["DE", "NL", "FR", "BE", "IT", "ES", "PL", "AT"]
    eoris = []
    with db.begin() as conn:
        for i in range(operators):
            country = countries[i % len(countries)]
            officer = Principal(role=Role.OFFICER, name=f"bench {country}", country=country, office=None)
            op = eos.register(conn, officer, OperatorRegistration(
                eori=f"{country}{700000000 + i}", name=f"Bench Trading {i}", established_in_union=True,
                publication_consent=rnd.random() < 0.6,
                address={"street_and_number": f"Hauptstrasse {i}", "postcode": "10115", "city": "Berlin",
                         "country": country}))
            eoris.append(op.eori)
    offices = [o.reference_number for c in countries for o in refdata.offices(c, None, today)[:40]]
    t = tariff(db)
    # Goods codes that carry measures in the box's representative tariff (and are valid today).
    codes = [c for c in MEASURED_CODES if t.item(c, today) is not None]
    with db.begin() as conn:
        records = []
        for n in range(3000):
            origin = rnd.choice(["CN", "VN", "IN", "TR", "US", "BD"])
            records.append({"flow": "I", "mrn": str(MRN.build(today.year, "NL", n, "R")), "item": 1, "country": "NL",
                            "office": "NL000396", "release_date": today - timedelta(days=n % 60), "procedure": "4000",
                            "goods_code": rnd.choice(codes), "origin": origin, "partner": origin,
                            "net_mass": Decimal(rnd.randrange(1, 20000)), "value_eur": Decimal(rnd.randrange(10, 90000))})
        surveillance.record(conn, records)
    from sqlalchemy import select

    from eucustoms.systems.ecics.loader import load_ecics
    from eucustoms.systems.ecics.store import ecics_substance

    load_ecics(db)
    with db.read() as conn:
        cas = [c for c in conn.execute(select(ecics_substance.c.cas)).scalars() if c]
    db.dispose()
    return {"cas": cas, "eoris": eoris, "offices": offices, "codes": codes, "quotas": ["091528", "090161", "092202"]}


def workload(data: dict, seed: int) -> list[tuple[str, str]]:
    """(service, path) pairs in the 2024 proportions of the services the box serves."""
    from eucustoms.systems.dds.catalogue import SERVICES

    rnd = random.Random(seed)
    today = date.today().isoformat()

    def path(key: str) -> str | None:
        if key == "EOS":
            eori = rnd.choice(data["eoris"]) if rnd.random() < 0.9 else f"DE{rnd.randrange(10**9, 10**10)}"
            return f"/dds/eori/{eori}"
        if key == "COL":
            return f"/dds/offices/{rnd.choice(data['offices'])}"
        if key == "TARIC":
            return f"/dds/taric/{rnd.choice(data['codes'])}?on={today}&origin={rnd.choice(['CN', 'VN', 'US', 'TR'])}"
        if key == "QUOTA":
            return f"/dds/quotas/{rnd.choice(data['quotas'])}?on={today}"
        if key == "SUSP":
            return f"/dds/suspensions/{rnd.choice(data['codes'])}?on={today}"
        if key == "SURV":
            return f"/dds/surveillance?goods_code={rnd.choice(data['codes'])[:4]}&by=origin"
        if key == "ECICS":
            return f"/dds/ecics/{rnd.choice(data['cas'])}" if rnd.random() < 0.7 else \
                f"/dds/ecics?name={rnd.choice(['acid', 'sodium', 'ethyl', 'chloride', 'oxide'])}"
        if key == "EBTI":
            return f"/dds/ebti?code={rnd.choice(data['codes'])[:4]}"
        if key == "CDS":
            return f"/dds/decisions/{rnd.choice(['DE', 'NL', 'FR'])}AEOF{rnd.randrange(10**9):010d}"
        if key == "MRN":
            return f"/dds/mrn/{rnd.choice(data['mrns'])}" if data.get("mrns") else None
        return None  # a service the box does not serve yet

    served = [s for s in SERVICES if s.consultations_2024 and path(s.key) is not None]
    weights = [s.consultations_2024 for s in served]
    picks = rnd.choices(served, weights=weights, k=20_000)
    return [(s.key, path(s.key)) for s in picks], [s.key for s in SERVICES if s not in served]


def _serve(url: str, sock: socket.socket, ready) -> None:  # noqa: ANN001 - child process
    import uvicorn

    from eucustoms.app import create_app
    from eucustoms.platform.db import Database
    from eucustoms.union import open_union

    ctx = open_union(db=Database(url))
    app = create_app(ctx, deliver_messages=False)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    ready.set()
    server.run(sockets=[sock])


async def _client(port: int, requests: list[tuple[str, str]], connections: int, duration: float,
                  warmup: float) -> dict:
    latencies: list[float] = []
    statuses: Counter = Counter()
    per_service: Counter = Counter()
    start = time.perf_counter()
    measure_from = start + warmup
    deadline = measure_from + duration
    index = 0

    async def one_connection() -> None:
        nonlocal index
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while True:
                now = time.perf_counter()
                if now >= deadline:
                    return
                key, path = requests[index % len(requests)]
                index += 1
                writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
                t0 = time.perf_counter()
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                if length:
                    await reader.readexactly(length)
                t1 = time.perf_counter()
                if t0 >= measure_from and t1 <= deadline:
                    latencies.append(t1 - t0)
                    statuses[int(head[9:12])] += 1
                    per_service[key] += 1
        finally:
            writer.close()

    await asyncio.gather(*(one_connection() for _ in range(connections)))
    return {"latencies": latencies, "statuses": statuses, "per_service": per_service}


def run(args: argparse.Namespace) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="eucustoms-dds-"))
    db_path = tmp / "dds.db"
    t0 = time.perf_counter()
    data = build_box(db_path, args.operators, args.seed)
    print(f"  box ready in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    requests, missing = workload(data, args.seed)
    os.environ["EUCUSTOMS_PUBLIC_RATE"] = "0"
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    port = sock.getsockname()[1]
    ctx = mp.get_context("spawn")
    workers = []
    for _ in range(args.workers):
        ready = ctx.Event()
        p = ctx.Process(target=_serve, args=(f"sqlite:///{db_path}", sock, ready), daemon=True)
        p.start()
        workers.append(p)
        ready.wait(60)
    time.sleep(1.5)  # the app's start-up (imports, reference data cache) in every worker
    cpu0 = _cpu([p.pid for p in workers])
    result = asyncio.run(_client(port, requests, args.connections, args.duration, args.warmup))
    cpu1 = _cpu([p.pid for p in workers])
    for p in workers:
        p.terminate()
    for p in workers:
        p.join(10)
    lat = sorted(result["latencies"])
    n = len(lat)

    def pct(q: float) -> float:
        return lat[min(n - 1, int(q * n))] * 1000 if n else float("nan")

    out = {
        "benchmark": "dds_lookups", "workers": args.workers, "connections": args.connections,
        "duration_s": args.duration, "lookups": n, "lookups_per_s": n / args.duration,
        "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p99_ms": pct(0.99), "mean_ms": statistics.fmean(lat) * 1000 if n else None,
        "server_cpu_ms_per_lookup": (cpu1 - cpu0) * 1000 / n if n else None,
        "statuses": dict(result["statuses"]), "per_service": dict(result["per_service"]),
        "services_not_served": missing, "target_per_s": TARGET,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    return out


def _cpu(pids: list[int]) -> float:
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            pass
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--duration", type=float, default=15.0, help="measured seconds")
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument("--operators", type=int, default=400)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results"))
    args = ap.parse_args()
    r = run(args)
    print(f"\nDDS public look-ups over HTTP, embedded SQLite, {r['machine']['cpus']} cores, Python {r['machine']['python']}\n")
    print("| workers | connections | look-ups/s | p50 / p90 / p99 ms | server CPU ms/look-up | statuses | target |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {r['workers']} | {r['connections']} | {r['lookups_per_s']:,.0f} | {r['p50_ms']:.1f} / {r['p90_ms']:.1f} / "
          f"{r['p99_ms']:.1f} | {r['server_cpu_ms_per_lookup']:.2f} | "
          f"{', '.join(f'{k}: {v}' for k, v in sorted(r['statuses'].items()))} | {TARGET:,}/s |")
    print(f"\nmix: {', '.join(f'{k} {v}' for k, v in sorted(r['per_service'].items(), key=lambda kv: -kv[1]))}")
    if r["services_not_served"]:
        print(f"not in the box yet (left out of the mix): {', '.join(r['services_not_served'])}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "dds_lookups.json").write_text(json.dumps(r, indent=2, default=str))


if __name__ == "__main__":
    main()
