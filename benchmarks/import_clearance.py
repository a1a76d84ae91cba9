"""Benchmark of import clearance end to end: H1/H7 declarations lodged, accepted with their customs debt (tariff
calculator, quota requests, the guarantee), risk-analysed, and released on the green lane — from lodging to
release, including what the service requires before it releases (the debt secured by a guarantee at acceptance,
or paid by the declarant afterwards), and centralised clearance (CCI) across two member states over the bus.

A fresh box is built for each run (migrations, reference data, the tariff). Declarants and importers are
registered in EOS in eight member states, each declarant holds a comprehensive guarantee (deferred payment) and
some a CCL authorisation granted by Germany covering presentation in the Netherlands; trader tokens are issued.
``--declarations`` varied declarations are then lodged by ``--clients`` concurrent clients:

* ``secured``: H1 whose debt is secured by the declarant's guarantee (D.E. 8/2) — accepted and released in one
  go (the usual case of a trader with deferred payment);
* ``paid``: H1 without a guarantee — accepted with the debt unpaid; the client pays at once (IMP_PAY), which
  releases the goods;
* ``h7``: low-value consignments (H7): with an IOSS number (no debt at import: released at acceptance) or with
  import VAT to pay (paid at once);
* ``no debt``: H1 under procedure 4200 (VAT exempt) of goods with a zero duty: nothing due, released at once;
* ``cci``: H1 lodged at a German supervising office (5/27 DE002150) for goods presented in the Netherlands
  (5/26), secured by the guarantee: the particulars go to NL over the bus (CCI_PART), NL's risk analysis comes
  back (CCI_RISK) and only then is the declaration released (CCI_REL → CCI_EXIT). Measured apart.

Goods items (1 to 3 per H1) are varied: ad valorem, specific and compound duties, preferences claimed with a
proof of origin, tariff quotas (091528 wine from BA, 090161 frozen beef: a QUOTA2 request each), anti-dumping by
additional code, a restriction satisfied by a certificate, values in USD, lines without any measure; prices are
kept above half the risk rules' reference prices, so that the green lane is the rule. Declarations the risk
analysis sends to a control all the same are counted and left out of the latency (they wait for an officer).

Modes (``--mode``): ``direct`` (``imports.service.lodge``/``pay`` in this process, the bus delivering in the
background as ``create_app(ctx, deliver_messages=True)`` does) and ``http`` (the API under uvicorn in a child
process; clients are threads with an ``httpx.Client`` each).

Measured: declarations released per second over the run (first lodging → last release), lodgings answered per
second, the acceptance → release time per declaration (``imp_declaration.release_seconds``, i.e. released_at −
accepted_at) p50/p90/p99/max per lane, the client-observed time from sending the declaration to its release,
and the box's CPU time per declaration.
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
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).parent))
from ics2_filing import Pacer, Server, make_box, pct  # noqa: E402 - the shared box and server helpers

UTC = timezone.utc
TARGET_PER_S = 500
COUNTRIES = ["DE", "NL", "FR", "BE", "IT", "ES", "PL", "AT"]
CCI_SUPERVISING, CCI_PRESENTATION_COUNTRY = "DE002150", "NL"
ACCESS_CODE = "AB12"
LANES = ("secured", "paid", "h7", "no debt", "cci")

# (CN code, TARIC suffix, description, EUR per kg range, kg range, origins [(origin, preference, proof)],
#  extra item fields). Prices stay well above half the reference prices of the risk rules (no CRC-FIN-001/002).
GOODS: list[tuple] = [
    ("61091000", "00", "T-shirts of cotton, knitted", (16, 40), (50, 2000),
     [("CN", None, None), ("TR", None, None), ("BD", "200", "U162"), ("VN", "300", "U164"), ("PK", "200", "N865")], {}),
    ("61099020", "00", "T-shirts of wool, knitted", (20, 50), (20, 500), [("CN", None, None), ("IN", None, None)], {}),
    ("64035995", "00", "Leather shoes for men", (35, 90), (50, 1500),
     [("VN", "300", "U164"), ("CN", None, None), ("IN", "200", "N865")], {}),
    ("84713000", "00", "Portable computers, 14 inch", (350, 900), (20, 800), [("CN", None, None), ("TW", None, None)], {}),
    ("85076000", "90", "Lithium-ion accumulators", (20, 60), (100, 3000), [("CN", None, None), ("KR", None, None)], {}),
    ("87120030", "00", "Bicycles without ball bearings", (15, 40), (200, 4000), [("CN", None, None)],
     {"additional_codes": ["C999"]}),
    ("87120030", "00", "Bicycles without ball bearings", (15, 40), (200, 4000), [("TW", None, None), ("KH", "200", "U162")], {}),
    ("02011000", "00", "Carcases of bovine animals, fresh", (5, 9), (500, 12000), [("AR", None, None), ("UY", None, None)], {}),
    ("02022030", "81", "High-quality frozen beef", (6, 10), (500, 10000), [("AR", None, None), ("BR", None, None)],
     {"quota_order_number": "090161"}),
    ("22042106", "00", "Wine in bottles, protected designation", (5, 14), (500, 8000), [("BA", "320", "N954")],
     {"quota_order_number": "091528", "litres": True}),
    ("22042109", "00", "Wine in bottles", (5, 14), (500, 8000), [("AU", None, None), ("CL", None, None)], {"litres": True}),
    ("87032319", "00", "Motor cars, 1 500 – 3 000 cm³", (15, 40), (1200, 1800),
     [("JP", "300", "U164"), ("KR", "300", "U164"), ("US", None, None)], {}),
    ("08051022", "00", "Navel oranges, fresh", (0.8, 2), (2000, 20000), [("MA", None, None), ("ZA", None, None)],
     {"documents": ["Y929"]}),
    ("18069090", "00", "Chocolate preparations", (4, 12), (100, 3000), [("CH", None, None), ("GB", None, None)], {}),
]
# H7 (e-commerce parcels): cheap goods, value ≤ EUR 150, not excise goods
GOODS_H7 = [("61091000", "T-shirt of cotton", "CN"), ("42022290", "Handbag of textile", "CN"),
            ("95030075", "Toy of plastics", "CN"), ("85183000", "Wireless earphones", "CN"),
            ("33049900", "Skin care cream", "KR"), ("64029998", "Sports shoes", "VN")]


@dataclass
class Declaration:
    lane: str
    dataset: str
    eori: str  # the declarant (its token is used)
    payload: dict[str, Any]
    body: bytes = b""


@dataclass
class Workload:
    seed: int
    declarants: list[str]
    importers: dict[str, list[str]]  # country → EORIs
    grns: dict[str, str]  # declarant → GRN
    offices: dict[str, list[str]]  # country → offices of presentation (PLA)
    cci_declarants: list[str]
    other_codes: list[str]
    shares: dict[str, float]
    run_id: str = "B"
    rnd: random.Random = field(init=False)
    n: int = 0

    def __post_init__(self) -> None:
        self.rnd = random.Random(self.seed)

    def _item(self, number: int) -> dict[str, Any]:
        r = self.rnd
        if r.random() < 0.15:  # a line with no measure in the representative tariff: VAT only
            code = r.choice(self.other_codes)
            kg = r.randrange(10, 2000)
            return {"item_number": number, "description": "General merchandise", "cn_code": code[:8],
                    "taric_code": code[8:], "origin": r.choice(["CN", "US", "TR", "IN", "TH"]),
                    "item_price": {"amount": f"{kg * r.uniform(20, 80):.2f}", "currency": "EUR"},
                    "net_mass": str(kg), "gross_mass": str(round(kg * 1.1, 1))}
        cn, suffix, description, (plo, phi), (klo, khi), origins, extra = r.choice(GOODS)
        origin, preference, proof = r.choice(origins)
        kg = r.randrange(klo, khi)
        value = kg * r.uniform(plo, phi)
        currency = "EUR"
        if origin in ("US", "TW") and r.random() < 0.5:
            currency, value = "USD", value * 1.08
        item: dict[str, Any] = {"item_number": number, "description": description, "cn_code": cn, "taric_code": suffix,
                                "origin": origin, "item_price": {"amount": f"{value:.2f}", "currency": currency},
                                "net_mass": str(kg), "gross_mass": str(round(kg * 1.08, 1))}
        documents = list(extra.get("documents", []))
        if preference:
            item["preference"] = preference
            documents.append(proof)
        if documents:
            item["documents"] = [{"type": d} for d in documents]
        if extra.get("additional_codes"):
            item["additional_codes"] = list(extra["additional_codes"])
        if extra.get("litres"):
            item["supplementary_units"] = {"LTR": str(round(kg * 0.75))}
        if extra.get("quota_order_number"):
            item["quota_order_number"] = extra["quota_order_number"]
        return item

    def _parties(self, declarant: str, country: str) -> dict[str, Any]:
        importer = self.rnd.choice(self.importers[country])
        return {"importer": {"eori": importer, "name": f"Importer {importer[-4:]}", "country": country},
                "declarant": {"eori": declarant},
                "exporter": {"name": "Overseas Supplier Ltd", "country": "CN"}}

    def declaration(self) -> Declaration:
        r = self.rnd
        self.n += 1
        x, lane = r.random(), LANES[-1]
        for name in LANES:
            if x < self.shares[name]:
                lane = name
                break
            x -= self.shares[name]
        declarant = r.choice(self.cci_declarants if lane == "cci" else self.declarants)
        country = declarant[:2]
        if lane == "cci":
            office, country = r.choice(self.offices[CCI_PRESENTATION_COUNTRY]), CCI_PRESENTATION_COUNTRY
        else:
            office = r.choice(self.offices[country])
        d: dict[str, Any] = {"lrn": f"{self.run_id}{self.n:09d}", "declaration_type": "IM",
                             "additional_declaration_type": "A", "procedure": "4000",
                             **self._parties(declarant, country if lane != "cci" else declarant[:2]),
                             "office_of_presentation": office, "location_of_goods": f"{office}LOC",
                             "country_of_dispatch": "CN", "mode_of_transport": r.choice(["1", "3", "4"])}
        dataset = "H1"
        if lane == "h7":
            dataset = "H7"
            code, description, origin = r.choice(GOODS_H7)
            d["items"] = [{"item_number": 1, "description": description, "cn_code": code, "origin": origin,
                           "item_price": {"amount": f"{r.uniform(5, 140):.2f}", "currency": "EUR"},
                           "net_mass": f"{r.uniform(0.1, 2):.2f}", "gross_mass": f"{r.uniform(0.2, 2.5):.2f}"}]
            d["mode_of_transport"] = "4"
            if r.random() < 0.7:
                d["ioss_number"] = f"IM{r.randrange(10**9, 10**10)}"
        elif lane == "no debt":
            d["procedure"] = "4200"
            d["fiscal_references"] = [f"{country}{r.randrange(10**8, 10**9)}", f"FR{r.randrange(10**10, 10**11)}"]
            d["items"] = [{"item_number": 1, "description": "Portable computers, 14 inch", "cn_code": "84713000",
                           "taric_code": "00", "origin": r.choice(["CN", "TW"]),
                           "item_price": {"amount": f"{r.uniform(20000, 90000):.2f}", "currency": "EUR"},
                           "net_mass": "100", "gross_mass": "110"}]
        else:
            d["items"] = [self._item(n) for n in range(1, r.choice((1, 1, 1, 2, 2, 3)) + 1)]
        if lane in ("secured", "cci"):
            d["guarantee"] = {"grn": self.grns[declarant], "access_code": ACCESS_CODE}
        if lane == "cci":
            d["supervising_office"] = CCI_SUPERVISING
            d["holder_of_authorisation"] = [{"type": "CCL", "reference": f"DECCL{declarant[-8:]}"}]
        return Declaration(lane, dataset, declarant, d, json.dumps(d).encode())

    def batch(self, count: int) -> list[Declaration]:
        return [self.declaration() for _ in range(count)]


# --------------------------------------------------------------------------------------------- the box


def populate(db, *, declarants: int, importers: int, cci_declarants: int, seed: int,  # noqa: ANN001
             access_iterations: int | None = None) -> dict[str, Any]:
    """Operators in EOS, a guarantee per declarant, CCL authorisations, offices of presentation. The access codes
    are hashed as the guarantee system does (``access_iterations`` overrides its PBKDF2 iteration count, to show
    what that check costs; the stored hash carries the count, so the box verifies with it)."""
    from eucustoms.platform.auth import Principal, Role
    from eucustoms.refdata import RefData
    from eucustoms.systems.eos import service as eos
    from eucustoms.systems.eos.messages import Address, OperatorRegistration
    from eucustoms.systems.guarantees import service as gum
    from eucustoms.systems.guarantees.messages import Amount, GuaranteeIssue
    from eucustoms.systems.imports.store import imp_authorisation
    from eucustoms.systems.tariff.tariff import tariff

    rnd = random.Random(seed)
    today = datetime.now(UTC).date()
    ref = RefData.from_db(db)
    t = tariff(db)
    offices = {c: [o.reference_number for o in ref.offices(country=c, role="PLA", as_of=today)][:6] for c in COUNTRIES}
    officers = {c: Principal(role=Role.OFFICER, name=f"{c} EOS", country=c, office=None) for c in COUNTRIES}
    gua = Principal(role=Role.OFFICER, name="DE GUA", country="DE", office="DE002150")
    decl = [f"{COUNTRIES[i % len(COUNTRIES)]}{7000000000 + i}" for i in range(declarants)]
    imps: dict[str, list[str]] = {c: [] for c in COUNTRIES}
    for i in range(importers):
        c = COUNTRIES[i % len(COUNTRIES)]
        imps[c].append(f"{c}{8000000000 + i}")
    grns: dict[str, str] = {}
    from eucustoms.systems.guarantees import access

    default_iterations = access.ITERATIONS
    if access_iterations:
        access.ITERATIONS = access_iterations
    with db.begin() as conn:
        for eori in decl + [e for v in imps.values() for e in v]:
            c = eori[:2]
            eos.register(conn, officers[c], OperatorRegistration(
                eori=eori, name=f"Operator {eori}", address=Address(street_and_number=f"Hafenstrasse {rnd.randrange(1, 200)}",
                                                                    postcode=str(rnd.randrange(10000, 99999)),
                                                                    city="Port City", country=c),
                established_in_union=True, start_date=date(2020, 1, 1)))
        for eori in decl:
            g = gum.issue(conn, gua, GuaranteeIssue(
                guarantee_type="1", holder=eori, office="DE002150",
                reference_amount=Amount(amount="1000000000", currency="EUR"),
                authorisation_reference=f"DECGU{eori[-8:]}", access_code=ACCESS_CODE))
            grns[eori] = g.grn
        cci = [e for e in decl if e.startswith("DE")][:cci_declarants]
        for eori in cci:
            conn.execute(imp_authorisation.insert().values(
                reference=f"DECCL{eori[-8:]}", type="CCL", holder=eori, country="DE", valid_from=date(2020, 1, 1),
                valid_to=None, countries=["NL"], recorded_by="bench", recorded_at=datetime.now(UTC)))
    access.ITERATIONS = default_iterations
    other = sorted(c for c in t.items if t.is_declarable(c, today) and not t.measures_on(c, today)
                   and c[:2] not in ("22", "24") and c[:4] not in ("0106", "9705", "9706", "0507", "9601", "2903", "3827"))
    return {"declarants": decl, "importers": imps, "grns": grns, "offices": offices, "cci": cci,
            "other": other[:: max(1, len(other) // 400)]}


# --------------------------------------------------------------------------------------------- clients


@dataclass
class Sent:
    lane: str
    status: int
    mrn: str | None
    sent_at: datetime
    answered_s: float  # lodging answered
    paid: bool = False
    state: str | None = None
    error: str | None = None


class DirectSender:
    def __init__(self, ctx, tokens: dict[str, str]):  # noqa: ANN001
        from eucustoms.platform.auth import authenticate
        from eucustoms.systems.imports import service

        self.ctx, self.service = ctx, service
        self.principals = {eori: authenticate(ctx.db, tok) for eori, tok in tokens.items()}

    def state(self):  # noqa: ANN201
        return None

    def __call__(self, _state, d: Declaration) -> Sent:  # noqa: ANN001
        from eucustoms.core.errors import CustomsError

        sent_at = datetime.now(UTC)
        t = time.perf_counter()
        p = self.principals[d.eori]
        try:
            out = self.service.lodge(self.ctx, p, d.dataset, d.payload)
            s = Sent(d.lane, 201, out["mrn"], sent_at, time.perf_counter() - t, state=out["state"])
            if out["state"] == "accepted" and out["debt_status"] == "unpaid":
                out = self.service.pay(self.ctx, p, out["mrn"])
                s.paid, s.state = True, out["state"]
            return s
        except CustomsError as exc:
            return Sent(d.lane, getattr(exc, "status", 400), None, sent_at, time.perf_counter() - t,
                        error=str(getattr(exc, "issues", exc))[:500])
        except Exception as exc:  # noqa: BLE001 - what the API would answer with a 500
            return Sent(d.lane, 500, None, sent_at, time.perf_counter() - t, error=repr(exc)[:500])


class HttpSender:
    def __init__(self, base_url: str, tokens: dict[str, str]):
        import httpx

        self.httpx = httpx
        self.base_url = base_url
        self.headers = {eori: {"Authorization": f"Bearer {tok}", "Content-Type": "application/json"}
                        for eori, tok in tokens.items()}

    def state(self):  # noqa: ANN201
        return self.httpx.Client(base_url=self.base_url, timeout=120)

    def __call__(self, client, d: Declaration) -> Sent:  # noqa: ANN001
        sent_at = datetime.now(UTC)
        t = time.perf_counter()
        h = self.headers[d.eori]
        try:
            r = client.post(f"/imports/declarations/{d.dataset}", content=d.body, headers=h)
            if r.status_code != 201:
                return Sent(d.lane, r.status_code, None, sent_at, time.perf_counter() - t, error=r.text[:500])
            out = r.json()
            s = Sent(d.lane, 201, out["mrn"], sent_at, time.perf_counter() - t, state=out["state"])
            if out["state"] == "accepted" and out["debt_status"] == "unpaid":
                r = client.post(f"/imports/declarations/{out['mrn']}/payment", json={}, headers=h)
                if r.status_code != 200:
                    s.error = f"payment {r.status_code}: {r.text[:300]}"
                else:
                    s.paid, s.state = True, r.json()["state"]
            return s
        except self.httpx.HTTPError as exc:
            return Sent(d.lane, 0, None, sent_at, time.perf_counter() - t, error=repr(exc))


def run_clients(jobs: list[Declaration], clients: int, send, rate: float) -> tuple[list[Sent], float, float]:  # noqa: ANN001
    q: queue.SimpleQueue = queue.SimpleQueue()
    for job in jobs:
        q.put(job)
    results: list[Sent] = []
    lock = threading.Lock()
    pacer = Pacer(rate)

    def worker() -> None:
        state = send.state()
        mine = []
        try:
            while True:
                try:
                    job = q.get_nowait()
                except queue.Empty:
                    break
                pacer.wait()
                mine.append(send(state, job))
        finally:
            if state is not None:
                state.close()
            with lock:
                results.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    t0 = time.perf_counter()
    pacer.start = t0
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, t0, time.perf_counter()


# --------------------------------------------------------------------------------------------- measuring


def _ms(x: float | None) -> float | None:
    return None if x is None else round(x * 1000, 1)


def _rows(db, mrns: list[str]) -> list[dict]:  # noqa: ANN001
    from eucustoms.systems.imports.store import imp_declaration as D

    rows: list[dict] = []
    with db.read() as conn:
        for start in range(0, len(mrns), 900):
            rows += [dict(r) for r in conn.execute(select(
                D.c.mrn, D.c.state, D.c.cci, D.c.accepted_at, D.c.released_at, D.c.release_seconds, D.c.control_type,
                D.c.controlled, D.c.debt_status).where(D.c.mrn.in_(mrns[start:start + 900]))).mappings()]
    return rows


def wait_settled(db, mrns: list[str], timeout: float) -> float:  # noqa: ANN001
    """Until no declaration is still accepted without a control (a CCI awaiting the office of presentation)."""
    deadline = time.perf_counter() + timeout
    while True:
        rows = _rows(db, mrns)
        if not any(r["state"] == "accepted" for r in rows) or time.perf_counter() > deadline:
            return time.perf_counter()
        time.sleep(0.05)


def measure(db, sent: list[Sent], t0: float, t1: float, settled: float) -> dict[str, Any]:  # noqa: ANN001
    ok = [s for s in sent if s.status == 201 and not s.error]
    by_mrn = {s.mrn: s for s in ok}
    rows = _rows(db, list(by_mrn))
    states: dict[str, int] = {}
    for r in rows:
        states[r["state"]] = states.get(r["state"], 0) + 1
    released = [r for r in rows if r["state"] == "released"]
    green = [r for r in released if not r["controlled"] and r["control_type"] in (None, "none")]
    first_sent = min(s.sent_at for s in ok) if ok else datetime.now(UTC)
    last_release = max((r["released_at"] for r in released), default=None)
    span = (last_release - first_sent).total_seconds() if last_release else float("nan")
    lanes: dict[str, Any] = {}
    for lane in LANES + ("all but cci", "all"):
        if lane == "all":
            mine = green
        elif lane == "all but cci":
            mine = [r for r in green if by_mrn[r["mrn"]].lane != "cci"]
        else:
            mine = [r for r in green if by_mrn[r["mrn"]].lane == lane]
        lodged = [s for s in ok if lane == "all" or (lane == "all but cci" and s.lane != "cci") or s.lane == lane]
        if not lodged:
            continue
        system = [r["release_seconds"] for r in mine]
        client = [(r["released_at"] - by_mrn[r["mrn"]].sent_at).total_seconds() for r in mine]
        lanes[lane] = {
            "lodged": len(lodged), "released_green": len(mine),
            "acceptance_to_release_ms": {k: _ms(pct(system, p)) for k, p in (("p50", 50), ("p90", 90), ("p99", 99), ("max", 100))},
            "sent_to_release_ms": {k: _ms(pct(client, p)) for k, p in (("p50", 50), ("p90", 90), ("p99", 99), ("max", 100))},
            "released_at_acceptance": sum(1 for x in system if x == 0),
        }
    rejected = [s for s in sent if s.status != 201 or s.error]
    seconds = t1 - t0
    return {
        "declarations": len(sent), "accepted": len(ok), "rejected": len(rejected),
        "rejections_sample": [f"{s.lane} {s.status}: {s.error}" for s in rejected[:3]],
        "states": states, "controls": sum(1 for r in rows if r["control_type"] not in (None, "none")),
        "paid_by_client": sum(1 for s in ok if s.paid),
        "seconds_lodging": round(seconds, 2), "seconds_to_last_release": round(span, 2),
        "settle_seconds_after_last_answer": round(settled - t1, 2),
        "lodged_per_s": round(len(ok) / seconds, 1),
        "released_per_s": round(len(released) / span, 1) if released else 0.0,
        "lodging_answer_ms": {"p50": _ms(pct([s.answered_s for s in ok], 50)), "p99": _ms(pct([s.answered_s for s in ok], 99))},
        "lanes": lanes,
    }


# --------------------------------------------------------------------------------------------- a run


def one_run(args, mode: str, tmp: str) -> dict[str, Any]:  # noqa: ANN001
    from ics2_filing import issue_tokens

    from eucustoms.platform.db import Database
    from eucustoms.systems.tariff.loader import load_tariff

    box = make_box(args.db, tmp, f"imports-{mode}")
    try:
        load_tariff(box.db)
        t0 = time.perf_counter()
        pop = populate(box.db, declarants=args.declarants, importers=args.importers, cci_declarants=8, seed=args.seed,
                       access_iterations=args.access_iterations)
        print(f"  {args.declarants} declarants, {args.importers} importers, guarantees and CCL authorisations in "
              f"{time.perf_counter() - t0:.1f} s", file=sys.stderr)
        shares = {"secured": args.secured, "paid": args.paid, "h7": args.h7, "no debt": args.no_debt, "cci": args.cci}
        total = sum(shares.values())
        work = Workload(args.seed, pop["declarants"], pop["importers"], pop["grns"], pop["offices"], pop["cci"],
                        pop["other"], {k: v / total for k, v in shares.items()}, run_id=mode[0].upper())
        warm = work.batch(args.warmup)
        jobs = work.batch(args.declarations)
        phases: list[tuple[str, list[Declaration]]] = []
        if args.per_lane:  # then each lane alone, on the same box
            for lane in LANES:
                work.shares = {k: float(k == lane) for k in LANES}
                phases.append((lane, work.batch(args.per_lane)))
        tokens = issue_tokens(box.db, set(pop["declarants"]))
        server = ctx = pusher = None
        if mode == "http":
            server = Server(box.url, args.server)
            server.start()
            sender: Any = HttpSender(server.base_url, tokens)
        else:
            from eucustoms.platform.notifications import Pusher
            from eucustoms.union import open_union

            ctx = open_union(db=Database(box.url))
            ctx.bus.start()  # as create_app(ctx, deliver_messages=True) does
            pusher = Pusher(ctx.db)
            pusher.start()
            sender = DirectSender(ctx, tokens)
        try:
            warm_sent, _, _ = run_clients(warm, args.clients, sender, 0)
            bad = [s for s in warm_sent if s.status != 201 or s.error]
            if bad:
                raise SystemExit(f"{len(bad)} of {len(warm_sent)} warm-up declarations failed, e.g. "
                                 + "; ".join(f"{s.lane} {s.status}: {s.error}" for s in bad[:3]))
            wait_settled(box.db, [s.mrn for s in warm_sent if s.mrn], 60)
            print(f"  warmed up with {len(warm_sent)} declarations; lodging {args.declarations} ...", file=sys.stderr)
            cpu0 = server.cpu_seconds() if server is not None else time.process_time()
            sent, t0, t1 = run_clients(jobs, args.clients, sender, args.rate)
            settled = wait_settled(box.db, [s.mrn for s in sent if s.mrn], args.settle_timeout)
            cpu1 = server.cpu_seconds() if server is not None else time.process_time()
            lane_runs = []
            for lane, batch in phases:
                print(f"  lane {lane} alone: {len(batch)} declarations ...", file=sys.stderr)
                c0 = server.cpu_seconds() if server is not None else time.process_time()
                lane_sent, l0, l1 = run_clients(batch, args.clients, sender, args.rate)
                lane_settled = wait_settled(box.db, [x.mrn for x in lane_sent if x.mrn], args.settle_timeout)
                c1 = server.cpu_seconds() if server is not None else time.process_time()
                lane_runs.append((lane, lane_sent, l0, l1, lane_settled, c0, c1))
        finally:
            if server is not None:
                server.stop()
            if pusher is not None:
                pusher.stop()
            if ctx is not None:
                ctx.bus.stop()
                ctx.db.dispose()
        result = measure(box.db, sent, t0, t1, settled)
        if cpu0 is not None and cpu1 is not None and result["accepted"]:
            # the box's CPU time per declaration, from the first lodging to the last release (in direct mode the
            # client threads are the callers of the service: their time is the system's)
            result["cpu_ms_per_declaration"] = round((cpu1 - cpu0) / result["accepted"] * 1000, 2)
        result["lanes_alone"] = {}
        for lane, lane_sent, l0, l1, lane_settled, c0, c1 in lane_runs:
            alone = measure(box.db, lane_sent, l0, l1, lane_settled)
            if c0 is not None and c1 is not None and alone["accepted"]:
                alone["cpu_ms_per_declaration"] = round((c1 - c0) / alone["accepted"] * 1000, 2)
            alone["lanes"] = {lane: alone["lanes"][lane]}
            result["lanes_alone"][lane] = alone
        result.update({"mode": mode if mode == "direct" else f"http ({args.server})", "clients": args.clients,
                       "rate": args.rate or "max"})
        return result
    finally:
        box.db.dispose()
        if box.cleanup:
            box.cleanup()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", help="PostgreSQL URL (a fresh database is created next to it and dropped after); "
                                 "default: a fresh embedded SQLite file")
    ap.add_argument("--declarations", type=int, default=5000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--mode", choices=("http", "direct", "both"), default="both")
    ap.add_argument("--server", choices=("process", "thread"), default="process")
    ap.add_argument("--rate", type=float, default=0, help="declarations per second (open loop); 0 = as fast as possible")
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--declarants", type=int, default=64)
    ap.add_argument("--importers", type=int, default=400)
    ap.add_argument("--secured", type=float, default=0.55, help="share of H1 secured by a guarantee")
    ap.add_argument("--paid", type=float, default=0.15, help="share of H1 paid after acceptance")
    ap.add_argument("--h7", type=float, default=0.15, help="share of H7 (70 %% with an IOSS number)")
    ap.add_argument("--no-debt", type=float, default=0.05, help="share of H1 4200 with nothing due")
    ap.add_argument("--cci", type=float, default=0.10, help="share of centralised clearance (DE → NL)")
    ap.add_argument("--per-lane", type=int, default=0, metavar="N",
                    help="after the mix, N declarations of each lane alone (throughput per lane)")
    ap.add_argument("--access-iterations", type=int, default=None,
                    help="PBKDF2 iterations of the guarantees' access codes (default: the guarantee system's own, "
                         "20,000); a what-if, not the production setting")
    ap.add_argument("--settle-timeout", type=float, default=300)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results"))
    args = ap.parse_args()

    modes = ["direct", "http"] if args.mode == "both" else [args.mode]
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for mode in modes:
            print(f"run: {mode}", file=sys.stderr)
            runs.append(one_run(args, mode, tmp))

    database = "sqlite (WAL, synchronous=FULL)" if not args.db else args.db.split("@")[-1]
    meta = {"database": database, "cores": os.cpu_count(), "python": platform.python_version(),
            "target_per_s": TARGET_PER_S, "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "shares": {"secured": args.secured, "paid": args.paid, "h7": args.h7, "no_debt": args.no_debt, "cci": args.cci},
            "access_code_iterations": args.access_iterations or "guarantee system default (20,000)",
            "load_average_at_end": os.getloadavg() if hasattr(os, "getloadavg") else None}
    print(f"\nImport clearance, {database}, {meta['cores']} cores, Python {meta['python']}\n")
    print("| path | clients | declarations | released/s (lodging → last release) | lodged/s | box CPU ms/decl. | "
          "lane | green released | acceptance → release p50 / p90 / p99 / max ms | sent → release p99 ms |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        first = True
        for lane, x in r["lanes"].items():
            lat = x["acceptance_to_release_ms"]
            head = (f"| {r['mode']} | {r['clients']} | {r['accepted']:,} | {r['released_per_s']:,} | {r['lodged_per_s']:,} | "
                    f"{r.get('cpu_ms_per_declaration', '-')} " if first else "| | | | | | ")
            print(head + f"| {lane} | {x['released_green']:,} / {x['lodged']:,} | {lat['p50']} / {lat['p90']} / "
                         f"{lat['p99']} / {lat['max']} | {x['sent_to_release_ms']['p99']} |")
            first = False
    if any(r["lanes_alone"] for r in runs):
        print("\nEach lane alone (same box, after the mix):\n")
        print("| path | lane | declarations | released/s | lodged/s | box CPU ms/decl. | "
              "acceptance → release p50 / p90 / p99 / max ms |")
        print("|---|---|---|---|---|---|---|")
        for r in runs:
            for lane, a in r["lanes_alone"].items():
                lat = a["lanes"][lane]["acceptance_to_release_ms"]
                print(f"| {r['mode']} | {lane} | {a['accepted']:,} | {a['released_per_s']:,} | {a['lodged_per_s']:,} | "
                      f"{a.get('cpu_ms_per_declaration', '-')} | {lat['p50']} / {lat['p90']} / {lat['p99']} / {lat['max']} |")
    for r in runs:
        print(f"\n{r['mode']}: states {r['states']}; {r['controls']} sent to a control; {r['paid_by_client']} paid by the "
              f"client; {r['rejected']} rejected; lodging answered p50 {r['lodging_answer_ms']['p50']} ms, p99 "
              f"{r['lodging_answer_ms']['p99']} ms; last release {r['settle_seconds_after_last_answer']} s after the "
              f"last answer" + (f"; rejections: {r['rejections_sample']}" if r["rejected"] else ""))
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "import_clearance.json").write_text(json.dumps({"meta": meta, "runs": runs}, indent=2, default=str))
    return 0 if all(r["rejected"] == 0 and all(a["rejected"] == 0 for a in r["lanes_alone"].values())
                    for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
