"""Benchmark of the TARIC duty calculator: ``eucustoms.systems.tariff.calculator.calculate`` called in-process on
one core with the tariff loaded and cached (``tariff(db)``, the shared in-memory ``Tariff``), as the import
system calls it for every goods item it accepts.

A fresh box is built (migrations, reference data, the shipped representative tariff), then ``--calls`` varied
goods items are assessed:

* ad valorem, specific (per 100 kg, per hl, per % vol per hl), compound and MIN/MAX duties; seasonal rates;
* tariff preferences claimed with a proof of origin (agreements: VN, KR, JP, UA, CA; GSP/EBA/GSP+ countries);
* tariff quotas (091528 wine from BA, 090161 frozen beef erga omnes, 094099 T-shirts from UA);
* anti-dumping duties by additional code (bicycles from China), an autonomous suspension (TARIC subdivision);
* restrictions satisfied by a certificate (CITES, organic, FLEGT), a control measure;
* customs values in EUR and in other currencies (converted at the customs rate of the month);
* import VAT of one of the 27 member states (standard and reduced rates);
* ``--other-share`` of items with a random declarable code of the whole nomenclature (no measure in the
  representative data: duty 0, VAT only) from a random third country;

spread over ``--days`` days of acceptance (the calculator caches measures per (code, day)). Every distinct item
is assessed once before timing ("cached tariff data": what a running import system sees); the cold first
pass is reported too. Measured: calculations per second over the timed loop (one thread, pinned to one CPU where
the OS allows), and p50/p90/p99/max per call. A digest of every result (duties, VAT, totals) is printed: it must
not change when the calculator is optimised.

``--as-dict`` adds a row where each result is also turned into the API's JSON (``DutyAssessment.as_dict``, which
writes the arithmetic out as text) — what ``POST /tariff/duty`` costs beyond the calculation.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import platform
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

TARGET_PER_S = 20_000
MEMBER_STATES = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
                 "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"]
THIRD_COUNTRIES = ["CN", "US", "TR", "IN", "VN", "GB", "CH", "JP", "KR", "BR", "AR", "MA", "UA", "TW", "TH", "MX",
                   "ZA", "AU", "CA", "NO", "EG", "ID", "MY", "BD", "PK"]


@dataclass(frozen=True)
class Case:
    code: str
    origin: str
    value: str
    currency: str = "EUR"
    quantities: tuple[tuple[str, str], ...] = ()
    preference: str | None = None
    proofs: tuple[str, ...] = ()
    quota: str | None = None
    member_state: str | None = None
    additional_codes: tuple[str, ...] = ()
    kind: str = ""


@dataclass
class Workload:
    seed: int
    other_codes: list[str]
    other_share: float
    rnd: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rnd = random.Random(self.seed)

    def _value(self, lo: float, hi: float) -> str:
        return f"{self.rnd.uniform(lo, hi):.2f}"

    def _kg(self, lo: int, hi: int) -> tuple[tuple[str, str], ...]:
        return (("KGM", str(self.rnd.randrange(lo, hi))),)

    def case(self) -> Case:
        r = self.rnd
        ms = r.choice(MEMBER_STATES)
        if r.random() < self.other_share:
            return Case(r.choice(self.other_codes), r.choice(THIRD_COUNTRIES), self._value(50, 20000),
                        quantities=self._kg(1, 5000), member_state=ms, kind="no measure (duty 0)")
        x = r.randrange(22)
        if x == 0:
            return Case(r.choice(["6109100000", "6109902000", "6109909000"]), r.choice(["CN", "TR", "US", "BD", "MA"]),
                        self._value(200, 40000), quantities=self._kg(10, 2000), member_state=ms, kind="ad valorem")
        if x == 1:
            origin, pref, proof = r.choice([("VN", "300", "U164"), ("VN", "300", "N954"), ("UA", "300", "N954"),
                                            ("KE", "200", "U162"), ("BD", "200", "U162"), ("PK", "200", "N865"),
                                            ("ID", "200", "N865")])
            return Case(r.choice(["6109100000", "6109902000"]), origin, self._value(200, 40000), preference=pref,
                        proofs=(proof,), quantities=self._kg(10, 2000), member_state=ms, kind="preference with proof")
        if x == 2:
            return Case(r.choice(["0201100000", "0201202000", "0201300000"]), r.choice(["AR", "BR", "US", "UY", "AU"]),
                        self._value(2000, 90000), quantities=self._kg(100, 20000), member_state=ms, kind="compound")
        if x == 3:
            return Case("0202203081", r.choice(["AR", "BR", "UY", "US"]), self._value(2000, 90000),
                        quantities=self._kg(100, 20000), quota="090161", member_state=ms, kind="quota")
        if x == 4:
            return Case(r.choice(["2204210600", "2204210700", "2204210800", "2204210900"]),
                        r.choice(["AU", "CL", "ZA", "US", "AR"]), self._value(500, 30000),
                        quantities=(("LTR", str(r.randrange(100, 30000))),), member_state=ms, kind="specific (hl)")
        if x == 5:
            return Case(r.choice(["2204210600", "2204210800"]), "BA", self._value(500, 30000),
                        quantities=(("LTR", str(r.randrange(100, 30000))),), preference="320", proofs=("N954",),
                        quota="091528", member_state=ms, kind="preferential quota")
        if x == 6:
            return Case("2208904800", r.choice(["US", "GB", "MX"]), self._value(500, 30000),
                        quantities=(("LTR", str(r.randrange(100, 10000))), ("ASV", str(r.choice([37.5, 40, 43])))),
                        member_state=ms, kind="specific (% vol hl)")
        if x == 7:
            return Case("2009111100", r.choice(["BR", "US", "MX"]), self._value(50, 5000), quantities=self._kg(100, 5000),
                        member_state=ms, kind="MIN")
        if x == 8:
            return Case("1806909000", r.choice(["CH", "GB", "US"]), self._value(500, 20000),
                        quantities=self._kg(50, 3000), member_state=ms, kind="compound MAX")
        if x == 9:
            return Case(r.choice(["0805102200", "0805102400", "0805102800"]), r.choice(["MA", "EG", "ZA", "TR"]),
                        self._value(500, 20000), quantities=self._kg(100, 20000), proofs=(r.choice(["Y929", "C644"]),),
                        member_state=ms, kind="seasonal + organic certificate")
        if x == 10:
            return Case("0805102200", "CA", self._value(500, 20000), quantities=self._kg(100, 20000),
                        preference="300", proofs=("N954", "Y929"), member_state=ms, kind="preference + certificate")
        if x == 11:
            return Case(r.choice(["8712003000", "8712007000"]), "CN", self._value(1000, 50000),
                        additional_codes=(r.choice(["C999", "C999", "C520"]),), member_state=ms, kind="anti-dumping")
        if x == 12:
            origin, pref, proof = r.choice([("TW", None, None), ("KR", "300", "U164"), ("KH", "200", "U162")])
            return Case("8712003000", origin, self._value(1000, 50000), preference=pref, proofs=(proof,) if proof else (),
                        member_state=ms, kind="bicycles, no anti-dumping")
        if x == 13:
            return Case(r.choice(["8507600010", "8507600090"]), "CN", self._value(1000, 90000), member_state=ms,
                        kind="suspension (TARIC subdivision)")
        if x == 14:
            code = r.choice(["8703221000", "8703231900", "8703239000", "8703241000"])
            origin, pref, proof, cur = r.choice([("KR", "300", "U164", "EUR"), ("JP", "300", "U164", "JPY"),
                                                 ("US", None, None, "USD"), ("CN", None, None, "CNY")])
            lo, hi = (2_000_000, 6_000_000) if cur == "JPY" else (15000, 60000)
            return Case(code, origin, self._value(lo, hi), currency=cur, preference=pref,
                        proofs=(proof,) if proof else (), member_state=ms, kind="cars (currency, preference)")
        if x == 15:
            code = r.choice(["6403120000", "6403190000", "6403400000", "6403519100"])
            origin, pref, proof = r.choice([("VN", "300", "U164"), ("CN", None, None), ("ID", "200", "N865"),
                                            ("BD", "200", "U162"), ("JP", "300", "U164")])
            return Case(code, origin, self._value(500, 30000), preference=pref, proofs=(proof,) if proof else (),
                        member_state=ms, kind="footwear")
        if x == 16:
            return Case(r.choice(["8471300000", "8471410000", "8471500000"]), r.choice(["CN", "US", "TW", "MY"]),
                        self._value(5000, 200000), currency=r.choice(["USD", "EUR", "GBP"]), member_state=ms,
                        kind="zero duty, foreign currency")
        if x == 17:
            origin, pref, proof = r.choice([("BR", None, None), ("UA", "300", "N954"), ("IN", None, None)])
            code = "1701999000" if pref else r.choice(["1701131000", "1701141000", "1701999000"])
            return Case(code, origin, self._value(1000, 30000),
                        quantities=self._kg(1000, 25000), preference=pref, proofs=(proof,) if proof else (),
                        member_state=ms, kind="specific (100 kg)")
        if x == 18:
            return Case("0106200000", r.choice(["BR", "ID", "MG"]), self._value(100, 5000),
                        proofs=(r.choice(["C400", "Y900"]),), member_state=ms, kind="CITES certificate")
        if x == 19:
            return Case(r.choice(["4407111000", "4407121000"]), "ID", self._value(1000, 30000), proofs=("C690",),
                        member_state=ms, kind="FLEGT licence")
        if x == 20:
            return Case("6109100000", "UA", self._value(1000, 20000), quantities=(("NAR", str(r.randrange(100, 3000))),),
                        preference="300", proofs=("N954",), quota="094099", member_state=ms, kind="preferential quota")
        return Case("1202410000", "US", self._value(1000, 30000), quantities=self._kg(1000, 20000), member_state=ms,
                    kind="control measure")


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def make_box(tmp: str):  # noqa: ANN201
    from eucustoms.migrations import upgrade
    from eucustoms.platform.db import Database
    from eucustoms.refdata import load_reference_data
    from eucustoms.systems.tariff.loader import load_tariff

    db = Database(f"sqlite:///{tmp}/duty.db")
    t0 = time.perf_counter()
    upgrade(db)
    load_reference_data(db)
    load_tariff(db)
    print(f"  box ready: migrated, reference data and tariff loaded in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return db


def digest_of(result: Any) -> str:
    return "|".join([result.goods_code, str(result.customs_value_eur.amount), str(result.customs_duties.amount),
                     str(result.vat.amount), str(result.total.amount), str(result.import_allowed),
                     ",".join(f"{d.measure.sid}:{d.amount.amount}:{int(d.applied)}" for d in result.duties)])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=200_000, help="timed calls of calculate()")
    ap.add_argument("--distinct", type=int, default=20_000, help="distinct goods items the calls cycle through")
    ap.add_argument("--days", type=int, default=5, help="days of acceptance the items are spread over")
    ap.add_argument("--start", default="2026-03-02", help="first day of acceptance")
    ap.add_argument("--other-share", type=float, default=0.15, help="share of items with a random declarable code")
    ap.add_argument("--as-dict", action="store_true", help="also time calculate() + as_dict() (the API's JSON)")
    ap.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results"))
    args = ap.parse_args()

    from eucustoms.core.errors import Rejected
    from eucustoms.core.money import Money
    from eucustoms.refdata import RefData
    from eucustoms.systems.tariff.calculator import calculate, country_check
    from eucustoms.systems.tariff.tariff import tariff

    pinned = None
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        cpu = sorted(os.sched_getaffinity(0))[-1]
        os.sched_setaffinity(0, {cpu})
        pinned = cpu

    with tempfile.TemporaryDirectory() as tmp:
        db = make_box(tmp)
        t = tariff(db)
        ref = RefData.from_db(db)
        start = date.fromisoformat(args.start)
        days = [start + timedelta(days=i) for i in range(args.days)]
        ref.customs_exchange_rate("USD", start)  # load the reference data sections while the database is open
        ref.code("Country", "US", start)
        other = sorted(c for c in t.items if t.is_declarable(c, start) and not t.measures_on(c, start))
        work = Workload(args.seed, other, args.other_share)
        rnd = random.Random(args.seed + 1)
        cases = [(work.case(), rnd.choice(days)) for _ in range(args.distinct)]
        calls = [cases[rnd.randrange(len(cases))] for _ in range(args.calls)]
        rates, is_country = ref.customs_exchange_rate, country_check(ref)
        # Money built once per item, as the import system does before calling the calculator.
        money = {c: Money(c.value, c.currency) for c, _ in cases}

        def run(c: Case, day: date):  # noqa: ANN202
            return calculate(t, c.code, c.origin, day, money[c], dict(c.quantities), c.preference, c.proofs,
                             c.quota, c.member_state, c.additional_codes, rates=rates, is_country=is_country)

        # Cold pass: every distinct item once (fills the per-(code, day) caches); checks the workload is valid.
        rejected: list[str] = []
        kinds: dict[str, int] = {}
        t0 = time.perf_counter()
        for c, day in cases:
            try:
                run(c, day)
            except Rejected as exc:
                rejected.append(f"{c}: {[i.reason for i in exc.issues]}")
        cold_s = time.perf_counter() - t0
        if rejected:
            print("\n".join(rejected[:5]), file=sys.stderr)
            raise SystemExit(f"{len(rejected)} of {len(cases)} workload items were rejected: fix the workload")
        for c, _ in calls:
            kinds[c.kind] = kinds.get(c.kind, 0) + 1

        def timed(with_dict: bool, n: int) -> dict[str, Any]:
            lat: list[float] = []
            h = hashlib.sha256()
            pc = time.perf_counter
            gc.collect()
            t_start = pc()
            for c, day in calls[:n]:
                a = pc()
                r = run(c, day)
                if with_dict:
                    r.as_dict()
                lat.append(pc() - a)
            total = pc() - t_start
            if not with_dict:
                for c, day in calls[:n]:  # outside the timing: the results' digest
                    h.update(digest_of(run(c, day)).encode())
            us = [x * 1e6 for x in lat]
            return {"calls": n, "seconds": round(total, 3), "per_s": round(n / total),
                    "per_s_calls_only": round(n / sum(lat)),
                    "us": {k: round(pct(us, p), 1) for k, p in (("p50", 50), ("p90", 90), ("p99", 99), ("max", 100))},
                    "digest": h.hexdigest()[:16] if not with_dict else None}

        runs = [{"what": "calculate()", **timed(False, len(calls))}]
        if args.as_dict:
            runs.append({"what": "calculate() + as_dict()", **timed(True, min(len(calls), 50_000))})
        db.dispose()

    meta = {"cores_used": 1, "pinned_cpu": pinned, "cpus": os.cpu_count(), "python": platform.python_version(),
            "distinct_items": len(cases), "days": args.days, "other_share": args.other_share,
            "cold_pass_per_s": round(len(cases) / cold_s), "target_per_s": TARGET_PER_S, "kinds": kinds,
            "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    print(f"\nDuty calculator, one core (CPU {pinned}), Python {meta['python']}, {len(cases):,} distinct items over "
          f"{args.days} day(s), {args.other_share:.0%} without measures\n")
    print("| call | calls | calculations/s | p50 / p90 / p99 / max µs per call | target | results digest |")
    print("|---|---|---|---|---|---|")
    for r in runs:
        u = r["us"]
        print(f"| {r['what']} | {r['calls']:,} | {r['per_s']:,} | {u['p50']} / {u['p90']} / {u['p99']} / {u['max']} | "
              f"{'≥' if r['per_s'] >= TARGET_PER_S else '<'} {TARGET_PER_S:,}/s | {r['digest'] or '-'} |")
    print(f"\ncold pass (first call of each distinct item, caches filling): {meta['cold_pass_per_s']:,}/s")
    print("mix: " + ", ".join(f"{k} {v / len(calls):.0%}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])))
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "duty_calc.json").write_text(json.dumps({"meta": meta, "runs": runs}, indent=2))
    return 0 if runs[0]["per_s"] >= TARGET_PER_S else 1


if __name__ == "__main__":
    sys.exit(main())
