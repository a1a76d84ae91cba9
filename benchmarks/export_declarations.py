"""Benchmark of AES end to end, in process, on a fresh box: export declarations lodged at offices of export in
several member states (IE515 → IE528 → IE529), the anticipated export record delivered over the bus to the
member state of the declared office of exit (IE501), the goods presented there (IE507 → IE525), the exit
notified by the carrier (IE590), the exit results delivered back (IE518) and the exit certified to the declarant
(IE599). Nine messages per export (seven with traders, two between the domains).

A fresh box is built for each run (migrations, reference data, the tariff; the AES tables are created if no
migration made them yet). Exporters are registered in EOS in eight member states and carriers in the four
member states of exit; trader tokens are issued and authenticated as the API would. ``--exports`` varied
declarations (goods, destinations, offices of export and exit, one to three items, a share with the exit
summary data) are processed by ``--clients`` concurrent clients, each running the whole life of an export: lodge;
if the risk analysis decided a control (``--controlled`` share of declarations are plastic waste to a non-OECD
country, which the common risk criteria send to a physical control), the officer of export records the result
and releases; then, once the AER is at the office of exit (the bus delivers in a background thread as
``create_app(ctx, deliver_messages=True)`` does; a client that comes too early is answered code 90 and tries
again), the carrier lodges IE507 and IE590. The run ends when every declaration is ``exited`` at its office of
export.

Measured: exports completed per second (first lodging → last exit certified), lodgings answered per second, the
lodging answer time, the time from lodging to the exit certified (``updated_at`` of the exited declaration −
``lodged_at``, p50/p90/p99/max), and the CPU time of this process per export. Writes JSON to
``benchmarks/results/export_declarations.json`` and prints a Markdown table.

    .venv/bin/python benchmarks/export_declarations.py --exports 2000 --clients 4
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import random
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).parent))
from ics2_filing import make_box, pct  # noqa: E402 - the shared box helpers

UTC = timezone.utc
EXPORT_COUNTRIES = ["DE", "NL", "FR", "BE", "IT", "ES", "PL", "AT"]
EXIT_OFFICES = ["NL000396", "DE004851", "BE101000", "FR002300"]  # Rotterdam, Hamburg, Antwerp, Le Havre
MESSAGES_PER_EXPORT = 9
# (CN code, description, EUR per kg, destinations) — none of them hits a control rule of the common risk criteria.
GOODS = [
    ("84713000", "Portable computers (laptops), new", 250, ["US", "CA", "JP", "CH", "NO", "AU"]),
    ("61091000", "T-shirts of cotton, knitted", 25, ["US", "CH", "GB", "NO", "TR"]),
    ("84181020", "Combined refrigerator-freezers, new", 8, ["CH", "NO", "GB", "MA", "IL"]),
    ("85171300", "Smartphones, new", 600, ["US", "JP", "KR", "AE", "SG"]),
    ("22042109", "Wine in bottles", 6, ["US", "CN", "JP", "CH", "GB"]),
    ("84433210", "Printers, connected", 60, ["US", "CA", "CH", "BR", "MX"]),
]
CONTROLLED = ("39151020", "Waste, parings and scrap of polyethylene (PE-HD)", 0.15, ["VN", "MY", "ID"])


@dataclass
class Job:
    exporter: str
    carrier: str
    exit_office: str
    controlled: bool
    payload: dict[str, Any]


def populate(db, *, exporters: int, seed: int) -> dict[str, Any]:  # noqa: ANN001
    """Exporters (8 member states) and carriers (the member states of exit) in EOS; offices of export (EXP)."""
    from eucustoms.platform.auth import Principal, Role
    from eucustoms.refdata import RefData
    from eucustoms.systems.eos import service as eos
    from eucustoms.systems.eos.messages import Address, OperatorRegistration

    rnd = random.Random(seed)
    today = datetime.now(UTC).date()
    ref = RefData.from_db(db)
    offices = {c: [o.reference_number for o in ref.offices(country=c, role="EXP", as_of=today)][:5]
               for c in EXPORT_COUNTRIES}
    for ref_no in EXIT_OFFICES:
        assert ref.office_has_role(ref_no, "EXT", today), ref_no
    admin = Principal(role=Role.COMMISSION, name="bench")
    exp = [f"{EXPORT_COUNTRIES[i % len(EXPORT_COUNTRIES)]}{6000000000 + i}" for i in range(exporters)]
    carriers = {o: f"{o[:2]}{5000000000 + n}" for n, o in enumerate(EXIT_OFFICES)}
    with db.begin() as conn:
        for eori in exp + list(carriers.values()):
            eos.register(conn, admin, OperatorRegistration(
                eori=eori, name=f"Operator {eori}", address=Address(
                    street_and_number=f"Kaistrasse {rnd.randrange(1, 200)}", postcode=str(rnd.randrange(10000, 99999)),
                    city="Port City", country=eori[:2]),
                established_in_union=True, start_date=date(2020, 1, 1)))
    return {"exporters": exp, "carriers": carriers, "offices": offices}


def workload(pop: dict[str, Any], count: int, *, controlled: float, exs: float, seed: int, tag: str) -> list[Job]:
    rnd = random.Random(seed)
    jobs = []
    for n in range(count):
        exporter = rnd.choice(pop["exporters"])
        country = exporter[:2]
        exit_office = rnd.choice(EXIT_OFFICES)
        is_controlled = rnd.random() < controlled
        first = CONTROLLED if is_controlled else rnd.choice(GOODS)
        destination = rnd.choice(first[3])
        items = []
        for number in range(1, rnd.choice((1, 1, 2, 3)) + 1):
            cn, description, per_kg, _ = first if number == 1 or is_controlled else rnd.choice(GOODS)
            kg = rnd.randrange(20, 5000)
            items.append({"item_number": number, "description": description, "cn_code": cn, "net_mass": str(kg),
                          "gross_mass": str(round(kg * 1.07, 1)),
                          "packages": [{"type": rnd.choice(["CT", "PK", "PX", "BX"]), "number": rnd.randrange(1, 60)}],
                          "statistical_value": {"amount": f"{kg * per_kg * rnd.uniform(0.8, 1.3):.2f}", "currency": "EUR"}})
        security = 2 if rnd.random() < exs else 0
        d: dict[str, Any] = {
            "lrn": f"{tag}{n:09d}", "declaration_type": "EX", "additional_declaration_type": "A", "security": security,
            "procedure": "1000", "exporter": {"eori": exporter, "name": f"Exporter {exporter[-4:]}", "country": country},
            "declarant": {"eori": exporter}, "consignee": {"name": "Overseas Buyer Ltd", "country": destination},
            "office_of_export": rnd.choice(pop["offices"][country]), "office_of_exit": exit_office,
            "country_of_destination": destination,
            "transport": {"inland_mode": "3", "border_mode": "1",
                          "departure": {"type": "30", "identity": f"TRK-{rnd.randrange(1000, 9999)}"}},
            "items": items,
        }
        if security == 2:
            d["carrier"] = {"eori": pop["carriers"][exit_office], "name": "Carrier", "country": exit_office[:2]}
            d["transport"]["active_at_border"] = {"type": "10", "identity": str(rnd.randrange(9000000, 9999999)),
                                                  "nationality": "PA"}
        jobs.append(Job(exporter, pop["carriers"][exit_office], exit_office, is_controlled, d))
    return jobs


@dataclass
class Done:
    mrn: str | None
    lodge_s: float
    retries: int = 0
    error: str | None = None


def run_clients(ctx, jobs: list[Job], clients: int, principals: dict[str, Any], officers: dict[str, Any]):  # noqa: ANN001
    from eucustoms.core.errors import CustomsError, Rejected
    from eucustoms.systems.export import examples, service
    from eucustoms.systems.export import exit as exit_office

    q: queue.SimpleQueue = queue.SimpleQueue()
    for job in jobs:
        q.put(job)
    results: list[Done] = []
    lock = threading.Lock()

    def one(job: Job) -> Done:
        t = time.perf_counter()
        try:
            out = service.lodge(ctx, principals[job.exporter], job.payload)
        except CustomsError as exc:
            return Done(None, time.perf_counter() - t, error=str(getattr(exc, "issues", exc))[:400])
        done = Done(out["mrn"], time.perf_counter() - t)
        try:
            if out["state"] == "under_control":
                officer = officers[out["mrn"][2:4]]
                service.record_control(ctx, officer, out["mrn"], {"result": "no_irregularity"})
                service.release(ctx, officer, out["mrn"])
            carrier = principals[job.carrier]
            while True:
                try:
                    arrived = exit_office.arrive(ctx, carrier, examples.arrival(out["mrn"], job.exit_office))
                    break
                except Rejected as exc:
                    if exc.issues[0].code != "90" or done.retries > 2000:
                        raise
                    done.retries += 1  # the AER is still on its way
                    time.sleep(0.005)
            if arrived["state"] == "under_control":  # the office of exit examines what export did not
                officer = officers[job.exit_office[:2]]
                exit_office.record_control(ctx, officer, out["mrn"], {"result": "no_irregularity"})
                exit_office.release_for_exit(ctx, officer, out["mrn"])
            exit_office.notify_exit(ctx, carrier, examples.exit_notification(out["mrn"], job.exit_office))
        except CustomsError as exc:
            done.error = str(getattr(exc, "issues", exc))[:400]
        return done

    def worker() -> None:
        mine = []
        while True:
            try:
                job = q.get_nowait()
            except queue.Empty:
                break
            mine.append(one(job))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    t0 = time.perf_counter()
    wall0 = datetime.now(UTC)
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, t0, time.perf_counter(), wall0


def _rows(db, mrns: list[str]) -> list[dict]:  # noqa: ANN001
    from eucustoms.systems.export.store import exp_declaration as D

    rows: list[dict] = []
    with db.read() as conn:
        for start in range(0, len(mrns), 900):
            rows += [dict(r) for r in conn.execute(select(D.c.mrn, D.c.state, D.c.lodged_at, D.c.updated_at, D.c.controlled)
                                                   .where(D.c.mrn.in_(mrns[start:start + 900]))).mappings()]
    return rows


def wait_exited(db, mrns: list[str], timeout: float) -> float:  # noqa: ANN001
    deadline = time.perf_counter() + timeout
    while True:
        rows = _rows(db, mrns)
        if all(r["state"] == "exited" for r in rows) or time.perf_counter() > deadline:
            return time.perf_counter()
        time.sleep(0.05)


def _ms(x: float | None) -> float | None:
    return None if x is None else round(x * 1000, 1)


def one_run(args, tmp: str) -> dict[str, Any]:  # noqa: ANN001
    from ics2_filing import issue_tokens

    from eucustoms.platform.auth import Principal, Role, authenticate
    from eucustoms.platform.db import Database, metadata
    from eucustoms.systems.export import domains
    from eucustoms.systems.export.store import TABLES
    from eucustoms.systems.tariff.loader import load_tariff
    from eucustoms.union import PARTICIPATING, open_union

    box = make_box(args.db, tmp, f"export-{args.clients}")
    try:
        load_tariff(box.db)
        metadata.create_all(box.db.engine, tables=list(TABLES), checkfirst=True)  # until the migration exists
        pop = populate(box.db, exporters=args.exporters, seed=args.seed)
        tokens = issue_tokens(box.db, set(pop["exporters"]) | set(pop["carriers"].values()))
        ctx = open_union(db=Database(box.url))
        try:
            domains.install(ctx, PARTICIPATING)
        except ValueError:
            pass  # union.py installs them already
        principals = {eori: authenticate(ctx.db, tok) for eori, tok in tokens.items()}
        officers = {c: Principal(role=Role.OFFICER, name=f"{c} officer", country=c) for c in PARTICIPATING}
        ctx.bus.start()
        try:
            warm = workload(pop, args.warmup, controlled=args.controlled, exs=args.exs, seed=args.seed + 1, tag="W")
            done, _, _, _ = run_clients(ctx, warm, args.clients, principals, officers)
            bad = [d for d in done if d.error]
            if bad:
                raise SystemExit(f"{len(bad)} warm-up exports failed, e.g. {bad[0].error}")
            wait_exited(box.db, [d.mrn for d in done if d.mrn], 120)
            print(f"  warmed up with {len(done)} exports; running {args.exports} ...", file=sys.stderr)
            jobs = workload(pop, args.exports, controlled=args.controlled, exs=args.exs, seed=args.seed, tag="X")
            cpu0 = time.process_time()
            done, t0, t1, wall0 = run_clients(ctx, jobs, args.clients, principals, officers)
            settled = wait_exited(box.db, [d.mrn for d in done if d.mrn], args.settle_timeout)
            cpu1 = time.process_time()
        finally:
            ctx.bus.stop()
            ctx.db.dispose()
        ok = [d for d in done if d.mrn and not d.error]
        rows = _rows(box.db, [d.mrn for d in ok])
        exited = [r for r in rows if r["state"] == "exited"]
        last = max((r["updated_at"] for r in exited), default=None)
        span = (last - wall0).total_seconds() if last else float("nan")
        latency = [(r["updated_at"] - r["lodged_at"]).total_seconds() for r in exited]
        green = [(r["updated_at"] - r["lodged_at"]).total_seconds() for r in exited if not r["controlled"]]
        return {
            "exports": len(jobs), "completed": len(exited), "errors": sum(1 for d in done if d.error),
            "errors_sample": [d.error for d in done if d.error][:3],
            "controlled": sum(1 for r in rows if r["controlled"]), "clients": args.clients,
            "seconds": round(span, 2), "exports_per_s": round(len(exited) / span, 1) if exited else 0.0,
            "lodged_per_s": round(len(ok) / (t1 - t0), 1), "messages_per_s": round(len(exited) * MESSAGES_PER_EXPORT / span, 1),
            "lodge_answer_ms": {"p50": _ms(pct([d.lodge_s for d in ok], 50)), "p99": _ms(pct([d.lodge_s for d in ok], 99))},
            "lodge_to_exit_certified_ms": {k: _ms(pct(latency, p)) for k, p in (("p50", 50), ("p90", 90), ("p99", 99), ("max", 100))},
            "green_lodge_to_exit_certified_p50_ms": _ms(pct(green, 50)),
            "aer_waits": sum(d.retries for d in done), "settle_s_after_last_client": round(settled - t1, 2),
            "cpu_ms_per_export": round((cpu1 - cpu0) / max(1, len(exited)) * 1000, 2),
        }
    finally:
        box.db.dispose()
        if box.cleanup:
            box.cleanup()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", help="PostgreSQL URL (a fresh database is created next to it and dropped after); "
                                 "default: a fresh embedded SQLite file")
    ap.add_argument("--exports", type=int, default=2000)
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--exporters", type=int, default=64)
    ap.add_argument("--controlled", type=float, default=0.02, help="share sent to a control by the risk analysis")
    ap.add_argument("--exs", type=float, default=0.3, help="share with the exit summary data (MRN letter B)")
    ap.add_argument("--settle-timeout", type=float, default=300)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results"))
    args = ap.parse_args()

    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for clients in args.clients:
            print(f"run: {clients} client(s)", file=sys.stderr)
            runs.append(one_run(argparse.Namespace(**{**vars(args), "clients": clients}), tmp))

    database = "sqlite (WAL, synchronous=FULL)" if not args.db else args.db.split("@")[-1]
    meta = {"database": database, "cores": os.cpu_count(), "python": platform.python_version(),
            "at": datetime.now(UTC).isoformat(timespec="seconds"), "controlled_share": args.controlled,
            "exs_share": args.exs}
    print(f"\nAES exports end to end (lodge → release → exit → IE599), in process, {database}, {meta['cores']} cores, "
          f"Python {meta['python']}\n")
    print("| clients | exports | completed/s (lodge → last IE599) | messages/s | lodged/s | lodge answer p50 / p99 ms | "
          "lodge → exit certified p50 / p90 / p99 / max ms | CPU ms/export | controlled |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        lat = r["lodge_to_exit_certified_ms"]
        print(f"| {r['clients']} | {r['completed']:,} / {r['exports']:,} | {r['exports_per_s']:,} | {r['messages_per_s']:,} | "
              f"{r['lodged_per_s']:,} | {r['lodge_answer_ms']['p50']} / {r['lodge_answer_ms']['p99']} | "
              f"{lat['p50']} / {lat['p90']} / {lat['p99']} / {lat['max']} | {r['cpu_ms_per_export']} | {r['controlled']} |")
    for r in runs:
        if r["errors"]:
            print(f"\n{r['clients']} client(s): {r['errors']} errors, e.g. {r['errors_sample']}")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "export_declarations.json").write_text(json.dumps({"meta": meta, "runs": runs}, indent=2, default=str))
    return 0 if all(r["errors"] == 0 and r["completed"] == r["exports"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
