"""Benchmark of complete NCTS phase 5 transit movements, declaration to write-off, on the embedded SQLite box.

Each movement takes the real path through the transit system, in process (service calls, no HTTP):

1. the holder's CC015C (XML, parsed and validated against its schema, then the business rules: reference
   data, EOS, the guarantee's scope) → MRN allocated, GUM debited, risk analysis, released: CC928C, CC028C,
   CC029C rendered and validated, the AAR (IE001) sent to the Netherlands over the bus;
2. the authorised consignee's CC007C at Amsterdam → arrival accepted (IE006 to Germany), unloading permission
   CC043C at once (simplified procedure);
3. its CC044C (conform) → goods released (CC025C), destination control results (IE018) to Germany → written off
   (CC045C), GUM credited.

A fresh box is built in a temporary directory (migrations, reference data, the transit tables, two hundred
holders registered in EOS, each with a comprehensive guarantee). The traders' XML is prepared before the clock
starts (that is the traders' software); the phases run one after the other, each by ``--clients`` threads,
the bus delivering between them (its time counts). Reported: complete movements per second over the three
phases, each phase's messages per second, CPU time per movement, and the check that every movement was written
off with its guarantee credited.

GUM stores access codes as PBKDF2 hashes (20 000 iterations); every debit verifies one. ``--access-code-iterations``
issues the guarantees with fewer iterations to see the transit system's own cost (the tests use 50).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from eucustoms.migrations import upgrade
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.db import Database, metadata

UTC = timezone.utc
TARGET_PER_S = 200
DEPARTURE, DESTINATION = "DE004851", "NL000854"
CONSIGNEE = "NL000000000002"
RESULTS = Path(__file__).parent / "results"


def build_box(path: Path, holders: int, iterations: int | None) -> tuple[Database, list[tuple[str, str]]]:
    from eucustoms.refdata import load_reference_data
    from eucustoms.systems.eos import service as eos
    from eucustoms.systems.eos.messages import Address, OperatorRegistration
    from eucustoms.systems.guarantees import access
    from eucustoms.systems.guarantees import service as gum
    from eucustoms.systems.guarantees.messages import Amount, GuaranteeIssue
    from eucustoms.systems.transit import store

    db = Database(f"sqlite:///{path}")
    upgrade(db)
    load_reference_data(db)
    metadata.create_all(db.engine, tables=list(store.TABLES))  # until the transit migration exists
    admin = Principal(role=Role.COMMISSION, name="benchmark")
    gua = Principal(role=Role.OFFICER, name="GUA", country="DE", office="DE002150")
    if iterations:
        access.ITERATIONS = iterations
    out = []
    with db.begin() as conn:
        for n in range(holders + 1):
            eori = CONSIGNEE if n == holders else f"DE{100000000000 + n}"
            eos.register(conn, admin, OperatorRegistration(
                eori=eori, name=f"Trader {n}", address=Address(street_and_number="Am Sandtorkai 50", postcode="20457",
                                                               city="Hamburg", country=eori[:2]),
                established_in_union=True, start_date=date(2020, 1, 1)))
            if n < holders:
                g = gum.issue(conn, gua, GuaranteeIssue(
                    guarantee_type="1", holder=eori, office="DE002150",
                    reference_amount=Amount(amount=Decimal("1000000000"), currency="EUR"),
                    authorisation_reference=f"DECGU-{n}", access_code="AB12"))
                out.append((eori, g.grn))
    return db, out


def declarations(guarantees: list[tuple[str, str]], count: int) -> list[tuple[str, bytes]]:
    from eucustoms.systems.transit.xml import render
    from eucustoms.systems.transit.xml.examples import cc015c

    out = []
    for n in range(count):
        holder, grn = guarantees[n % len(guarantees)]
        d = cc015c(lrn=f"BENCH-{n:07d}", grn=grn, items=1 + n % 3)
        d["messageSender"] = holder
        d["HolderOfTheTransitProcedure"]["identificationNumber"] = holder
        d["CustomsOfficeOfDeparture"] = {"referenceNumber": DEPARTURE}
        d["CustomsOfficeOfDestinationDeclared"] = {"referenceNumber": DESTINATION}
        d.pop("CustomsOfficeOfTransitDeclared")
        d["Guarantee"][0]["GuaranteeReference"][0]["accessCode"] = "AB12"
        d["Consignment"]["countryOfDestination"] = "NL"
        d["Consignment"]["CountryOfRoutingOfConsignment"] = [{"sequenceNumber": 1, "country": "DE"},
                                                             {"sequenceNumber": 2, "country": "NL"}]
        out.append((holder, render("CC015C", d)))
    return out


def arrivals(mrns: list[str]) -> list[bytes]:
    from eucustoms.systems.transit.xml import header, render

    return [render("CC007C", {
        **header("CC007C", CONSIGNEE, "NTA.NL"),
        "TransitOperation": {"MRN": mrn, "arrivalNotificationDateAndTime": datetime.now(UTC), "simplifiedProcedure": True},
        "Authorisation": [{"sequenceNumber": 1, "type": "C522", "referenceNumber": "NLACE0001"}],
        "CustomsOfficeOfDestinationActual": {"referenceNumber": DESTINATION},
        "TraderAtDestination": {"identificationNumber": CONSIGNEE},
        "Consignment": {"LocationOfGoods": {"typeOfLocation": "B", "qualifierOfIdentification": "V",
                                            "CustomsOffice": {"referenceNumber": DESTINATION}}}}) for mrn in mrns]


def remarks(mrns: list[str]) -> list[bytes]:
    from eucustoms.systems.transit.xml import header, render

    return [render("CC044C", {
        **header("CC044C", CONSIGNEE, "NTA.NL"), "TransitOperation": {"MRN": mrn},
        "CustomsOfficeOfDestinationActual": {"referenceNumber": DESTINATION},
        "TraderAtDestination": {"identificationNumber": CONSIGNEE},
        "UnloadingRemark": {"conform": True, "unloadingCompletion": True, "unloadingDate": date.today(),
                            "stateOfSeals": True}}) for mrn in mrns]


def run_phase(ctx, work: list[tuple[Principal, bytes]], clients: int) -> tuple[float, float, list[dict]]:
    """Submit ``work`` with ``clients`` threads, then let the bus deliver what it caused: (wall s, CPU s, answers)."""
    from eucustoms.systems.transit import service

    answers: list[dict | None] = [None] * len(work)
    errors: list[BaseException] = []
    nxt = iter(range(len(work)))
    lock = threading.Lock()

    def client() -> None:
        while True:
            with lock:
                n = next(nxt, None)
            if n is None:
                return
            try:
                answers[n] = service.submit(ctx, work[n][0], work[n][1])
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
                return

    cpu, wall = time.process_time(), time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ctx.bus.drain()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if errors:
        raise errors[0]
    return wall, cpu, answers  # type: ignore[return-value]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--movements", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--holders", type=int, default=200)
    parser.add_argument("--access-code-iterations", type=int, default=None,
                        help="PBKDF2 iterations of the guarantees' access codes (default: GUM's)")
    parser.add_argument("--warm-up", type=int, default=20)
    args = parser.parse_args()

    from eucustoms.systems.guarantees import access
    from eucustoms.systems.transit import domains, xml
    from eucustoms.systems.transit.store import transit_movement
    from eucustoms.union import PARTICIPATING, open_union

    iterations = args.access_code_iterations or access.ITERATIONS
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        db, guarantees = build_box(Path(tmp) / "box.db", args.holders, args.access_code_iterations)
        ctx = open_union(db=db)
        try:
            domains.install(ctx, PARTICIPATING)
        except ValueError:
            pass  # union.py installs them already
        xml.warm_up()
        holders = {eori: Principal(role=Role.TRADER, name=eori, eori=eori) for eori, _ in guarantees}
        consignee = Principal(role=Role.TRADER, name="consignee", eori=CONSIGNEE)
        total = args.warm_up + args.movements
        lodged = [(holders[h], body) for h, body in declarations(guarantees, total)]
        setup_s = time.perf_counter() - started

        def movements(work: list[tuple[Principal, bytes]]) -> tuple[list[tuple[float, float, int]], list[str]]:
            phases = []
            wall, cpu, answers = run_phase(ctx, work, args.clients)
            phases.append((wall, cpu, len(work)))
            mrns = [a["mrn"] for a in answers]
            assert all(a["state"] == "released" for a in answers), {a["state"] for a in answers}
            for build in (arrivals, remarks):
                bodies = build(mrns)  # the consignee's software, before the clock
                wall, cpu, _ = run_phase(ctx, [(consignee, b) for b in bodies], args.clients)
                phases.append((wall, cpu, len(bodies)))
            return phases, mrns

        movements(lodged[:args.warm_up])  # schema pools, caches, the first compilations
        phases, mrns = movements(lodged[args.warm_up:])
        with db.read() as conn:
            done = conn.execute(select(func.count()).select_from(transit_movement).where(
                transit_movement.c.mrn.in_(mrns), transit_movement.c.state == "written_off",
                transit_movement.c.guarantee_status == "credited")).scalar_one()
        ctx.close()

    wall = sum(p[0] for p in phases)
    cpu = sum(p[1] for p in phases)
    rate = args.movements / wall
    names = ["CC015C → released (CC928C, CC028C, CC029C, IE001)", "CC007C → arrival, CC043C (IE006)",
             "CC044C → CC025C (IE018) → written off, CC045C"]
    load = os.getloadavg()
    print(f"\n## NCTS movements, declaration to write-off — embedded SQLite, {args.clients} client thread(s)\n")
    print(f"{args.movements} movements (after {args.warm_up} to warm up), {args.holders} holders, access codes hashed with "
          f"{iterations:,} PBKDF2 iterations; {os.cpu_count()} cores, load average {load[0]:.1f}; box built in {setup_s:.0f} s.\n")
    print("| phase | messages | s | messages/s | CPU ms each |")
    print("|---|---|---|---|---|")
    for name, (w, c, n) in zip(names, phases, strict=True):
        print(f"| {name} | {n} | {w:.2f} | {n / w:,.0f} | {1000 * c / n:.2f} |")
    print(f"| **complete movements** | {args.movements} | {wall:.2f} | **{rate:,.1f}** | {1000 * cpu / args.movements:.2f} |")
    ceiling = 1000 / (1000 * cpu / args.movements)
    print(f"\nWritten off with the guarantee credited: {done}/{args.movements}. Target {TARGET_PER_S}/s: "
          f"{'reached' if rate >= TARGET_PER_S else 'not reached'} ({rate / TARGET_PER_S:.2f}×). At this CPU cost one "
          f"interpreter could complete at most {ceiling:,.0f} movements/s on an otherwise idle machine.")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ncts_movements.json").write_text(json.dumps({
        "meta": {"at": datetime.now(UTC).isoformat(timespec="seconds"), "python": platform.python_version(),
                 "cores": os.cpu_count(), "load_average": [round(x, 2) for x in load], "clients": args.clients,
                 "holders": args.holders, "pbkdf2_iterations": iterations, "target_per_s": TARGET_PER_S},
        "movements": args.movements, "seconds": round(wall, 3), "movements_per_s": round(rate, 1),
        "cpu_ms_per_movement": round(1000 * cpu / args.movements, 2), "cpu_bound_ceiling_per_s": round(ceiling),
        "written_off": done,
        "phases": [{"phase": n, "messages": p[2], "seconds": round(p[0], 3), "cpu_s": round(p[1], 3)}
                   for n, p in zip(names, phases, strict=True)],
    }, indent=2))
    return 0 if done == args.movements else 1


if __name__ == "__main__":
    sys.exit(main())
