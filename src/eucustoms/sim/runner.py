"""The simulation: plan the traffic of ``days`` simulated days at ``scale`` of the EU's 2024 average day from a
seed, then play it through the systems' services at the simulated time each step happens, letting the
domains exchange their messages as it goes; keep the ground truth; summarise.

Deterministic: one seed gives one world and one plan (:func:`plan_digest`); playing it is sequential, in the
order of the simulated clock (ties in the order planned). Time is the box's replaceable clock
(:func:`eucustoms.core.clock.use_clock`): the simulated day passes in seconds.
"""

from __future__ import annotations

import heapq
import json
import logging
import random
import resource
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from typing import Any

from eucustoms.core.clock import Clock, use_clock
from eucustoms.core.errors import CustomsError
from eucustoms.platform import telemetry
from eucustoms.platform.auth import Principal, Role

from . import badinput, truth, volumes
from .flows.base import Story, digest
from .flows.export import ExportStory
from .flows.ics2 import EnsStory
from .flows.imports import ImportStory
from .flows.lookups import LookupStory, served
from .flows.pous import ProofStory
from .flows.transit import TransitStory
from .world import World

log = logging.getLogger(__name__)

# ENS filings by mode (documented assumption, volumes.ASSUMPTIONS["ics2_modes"]).
ENS_MODES = {"air": 0.24, "express": 0.24, "postal": 0.18, "sea": 0.22, "road": 0.08, "rail": 0.04}
# Steps that act on what the domains answered over the bus: the bus is drained before them.
TICK = timedelta(minutes=10)  # the steps due in one tick of simulated time run together, then the bus delivers


class SimClock(Clock):
    """The simulated clock: each thread playing a step sees that step's time; everything else (the bus
    delivering between ticks) sees the clock's fixed time."""

    def __init__(self) -> None:
        super().__init__()
        self.local = threading.local()

    @classmethod
    def fixed(cls, at: datetime) -> SimClock:
        clock = cls()
        clock.set(at)
        return clock

    def now(self) -> datetime:
        at = getattr(self.local, "at", None)
        return at if at is not None else super().now()


@dataclass
class Config:
    days: float = 1.0
    scale: float = 0.001
    seed: int = 2024
    start: datetime | None = None  # default: today 00:00 UTC
    floor: bool = True  # at least one story of every flow (so that every flow runs at any scale)
    bad_share: float = badinput.SHARE
    lookups: bool = True
    audit: bool = True
    threads: int = 4  # threads playing the steps of a tick (1: sequential, reproducible to the MRN)
    workers: int = 1  # stories are shared out among this many worker processes …
    worker: int = 0  # … and this is the one playing now (see scaling in docs/simulator.md)
    run_tag: str | None = None  # the run's tag in LRNs and documents (default: from the database's run counter)
    records_run: bool = True  # write the run's own row of the ground truth (the parent does, for worker processes)

    def begin(self) -> datetime:
        if self.start is not None:
            return self.start.astimezone(UTC)
        return datetime.combine(datetime.now(UTC).date(), dtime(0), tzinfo=UTC)


def largest_remainder(total: int, shares: dict[str, float]) -> dict[str, int]:
    raw = {k: total * v / sum(shares.values()) for k, v in shares.items()}
    out = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: (raw[k] - out[k], k), reverse=True)[: total - sum(out.values())]:
        out[k] += 1
    return out


@dataclass
class Plan:
    """The stories of a run, each with the simulated time it starts."""

    stories: list[tuple[datetime, Story]]
    targets: dict[str, Any]
    lookups_served: list[str]
    lookups_not_served: list[str]
    bad: list[badinput.BadStory] = field(default_factory=list)

    def digest(self) -> str:
        return digest([(at, s.key, s.plan()) for at, s in self.stories])

    def counts(self) -> dict[str, int]:
        return dict(Counter(s.kind if s.kind != "ens" else f"ens.{s.mode}" for _, s in self.stories))


def make_plan(world: World, cfg: Config, run_tag: str, served_services: list[str] | None = None,
              systems: dict[str, str | None] | None = None) -> Plan:
    """Every story of the run (deterministic: seed, days, scale, start and run tag give the same plan)."""
    r = random.Random(f"plan:{cfg.seed}")
    start = cfg.begin()
    span = timedelta(days=cfg.days)
    seconds = span.total_seconds()
    floor = 1 if cfg.floor else 0

    def at() -> datetime:
        return start + timedelta(seconds=r.uniform(0, seconds))

    targets: dict[str, Any] = {}
    stories: list[tuple[datetime, Story]] = []
    # ICS2: filings from the message target.
    ics2_messages = volumes.expected("ICS2", cfg.scale, cfg.days)
    n_ens = max(len(ENS_MODES) * floor, volumes.stochastic_round(ics2_messages / volumes.BOX_MESSAGES_PER["ICS2"], r.random()))
    by_mode = largest_remainder(n_ens, ENS_MODES)
    if floor:
        by_mode = {m: max(1, n) for m, n in by_mode.items()}
    targets["ICS2"] = {"messages": round(ics2_messages, 1), "filings": sum(by_mode.values()), "by_mode": by_mode}
    number = 0
    ens_stories = []
    for mode in ENS_MODES:
        for _ in range(by_mode[mode]):
            number += 1
            s = EnsStory(kind="ens", number=number, seed=cfg.seed, mode=mode).generate(world, run_tag, at())
            ens_stories.append(s)
    stories += [(s.lodge_at, s) for s in ens_stories]
    # Imports: one declaration per house consignment; those of the ENS arriving in the period follow their
    # arrival (spawned then), the rest are declarations of goods that arrived before the period.
    end = start + span
    houses = sum(len(s.houses) for s in ens_stories)
    linked = sum(len(s.houses) for s in ens_stories if s.arrival and s.arrival < end)
    standalone = max(floor, houses - linked)
    targets["IMPORTS"] = {"declarations": houses, "following_arrivals_in_period": linked,
                          "of_goods_arrived_before": standalone, "basis": volumes.ASSUMPTIONS["imports"]}
    for n in range(standalone):
        s = ImportStory.standalone(cfg.seed, 500_000 + n, world, run_tag)
        stories.append((at(), s))
    # Proofs of Union status.
    expected_proofs = volumes.expected("POUS", cfg.scale, cfg.days)
    n_pous = max(floor, volumes.stochastic_round(expected_proofs, r.random()))
    targets["POUS"] = {"proofs": round(expected_proofs, 2), "planned": n_pous}
    for n in range(n_pous):
        stories.append((at(), ProofStory(kind="pous", number=n + 1, seed=cfg.seed).generate(world, run_tag)))
    # Public look-ups, in hourly batches.
    lookups: dict[str, int] = {}
    not_served: list[str] = []
    if cfg.lookups:
        services = served_services if served_services is not None else list(volumes.CONSULTATIONS)
        for key, v in volumes.CONSULTATIONS.items():
            if key not in services:
                not_served.append(key)
                continue
            lookups[key] = max(floor, volumes.stochastic_round(v.at(cfg.scale, cfg.days), r.random()))
        hours = max(1, round(cfg.days * 24))
        batches: list[dict[str, int]] = [{} for _ in range(hours)]
        for key, n in lookups.items():
            for _ in range(n):
                b = batches[r.randrange(hours)]
                b[key] = b.get(key, 0) + 1
        for h, counts in enumerate(batches):
            if counts:
                s = LookupStory(kind="lookups", number=h + 1, seed=cfg.seed, counts=counts)
                stories.append((start + timedelta(hours=h, minutes=r.uniform(0, 59)), s))
    targets["DDS"] = {"consultations": round(volumes.expected("DDS", cfg.scale, cfg.days), 1),
                      "planned": lookups, "not_served": not_served}
    # Transit and export, where the box has them (``systems``: None = available, else why not).
    systems = systems if systems is not None else {"NCTS": None, "ECS": None}
    for key, story, per in (("NCTS", TransitStory, "movements"), ("ECS", ExportStory, "exports")):
        expected_messages = volumes.expected(key, cfg.scale, cfg.days)
        n = 0
        if systems.get(key) is None:
            n = max(floor, volumes.stochastic_round(expected_messages / volumes.BOX_MESSAGES_PER[key], r.random()))
        targets[key] = {"messages": round(expected_messages, 1), per: n, "not_available": systems.get(key)}
        for k in range(n):
            s = story(kind="transit" if key == "NCTS" else "export", number=k + 1, seed=cfg.seed)
            s = s.generate(world, run_tag, world.transit_routes) if key == "NCTS" else s.generate(world, run_tag, world.export_offices)
            stories.append((at(), s))
    for key in ("SURV", "CCN"):
        targets[key] = {"expected": round(volumes.expected(key, cfg.scale, cfg.days), 1)}
    stories.sort(key=lambda x: (x[0], x[1].kind, x[1].number))
    plan = Plan(stories, targets, sorted(lookups), not_served)
    plan.bad = _plan_bad(plan, cfg, r)
    return plan


def _plan_bad(plan: Plan, cfg: Config, r: random.Random) -> list[badinput.BadStory]:
    """A documented share of bad messages, each next to a victim story of its flow."""
    if cfg.bad_share <= 0:
        return []
    good = [s for _, s in plan.stories]
    total = max(len(badinput.KINDS), volumes.stochastic_round(len(good) * cfg.bad_share, r.random()))
    pools = {"ens": [s for s in good if s.kind == "ens"],
             "import": [s for s in good if s.kind == "import"],
             "import_certified": [s for s in good if s.kind == "import" and getattr(s, "certificate", None)],
             "pous": [s for s in good if s.kind == "pous" and s.proof_type != "CGM"],
             "lookups": [s for s in good if s.kind == "lookups"],
             "transit": [s for s in good if s.kind == "transit"],
             "export": [s for s in good if s.kind == "export"]}
    starts = {id(s): t for t, s in plan.stories}
    out = []
    for n in range(total):
        kind = badinput.KINDS[n % len(badinput.KINDS)]
        pool = pools[badinput.EXPECTED[kind][2]]
        if not pool:
            continue
        victim = r.choice(pool)
        b = badinput.BadStory(kind="bad", number=n + 1, seed=cfg.seed, bad_kind=kind, victim=victim)
        out.append(b)
        plan.stories.append((starts[id(victim)] + timedelta(minutes=r.uniform(1, 90)), b))
    plan.stories.sort(key=lambda x: (x[0], x[1].kind, x[1].number))
    return out


def plan_digest(seed: int, days: float, scale: float, start: datetime, refdata: Any = None, tariff: Any = None) -> dict[str, str]:
    """The fingerprints of the world and the plan of a seed (for tests and for comparing runs)."""
    cfg = Config(days=days, scale=scale, seed=seed, start=start)
    world = World.build(seed, cfg.begin().date(), refdata, tariff)
    plan = make_plan(world, cfg, "T1")
    return {"world": world.digest(), "plan": plan.digest(), "stories": str(len(plan.stories))}


# ----------------------------------------------------------------------------------------------------- playing


class Simulation:
    """Plays a plan on a box (``ctx``: the union opened on its database)."""

    def __init__(self, ctx: Any, cfg: Config, *, progress: Callable[[int, int, str], None] | None = None):
        self.ctx = ctx
        self.cfg = cfg
        self.start = cfg.begin()
        self.end = self.start + timedelta(days=cfg.days)
        self.progress = progress
        self.counters: Counter[str] = Counter()
        self.errors: list[dict[str, Any]] = []
        self._principals: dict[tuple, Principal] = {}
        self._truth: list[dict[str, Any]] = []
        self._heap: list[tuple[datetime, int, int, Story, str]] = []
        self._seq = 0
        self._done = 0
        self._client: Any = None
        self._client_cm: Any = None
        self._clock = SimClock.fixed(self.start)
        self._lock = threading.RLock()
        self._stories: list[Story] = []
        self.step_seconds: Counter[str] = Counter()
        self.step_counts: Counter[str] = Counter()

    # -- what the stories use --------------------------------------------------------------------------------

    def now(self) -> datetime:
        return self._clock.now()

    def trader(self, eori: str) -> Principal:
        key = ("T", eori)
        p = self._principals.get(key)
        if p is None:
            p = self._principals[key] = Principal(role=Role.TRADER, name=f"trader {eori}", eori=eori)
        return p

    def officer(self, country: str, office: str | None = None) -> Principal:
        key = ("O", country, office)
        p = self._principals.get(key)
        if p is None:
            if office is None:
                from eucustoms.refdata import RefData

                offices = RefData.from_db(self.ctx.db).offices(country=country, as_of=self.start.date())
                office = offices[0].reference_number if offices else None
            p = self._principals[key] = Principal(role=Role.OFFICER, name=f"officer {country}", country=country,
                                                  office=office)
        return p

    def commission(self) -> Principal:
        return Principal(role=Role.COMMISSION, name="simulator")

    def count(self, key: str, n: int = 1) -> None:
        with self._lock:
            self.counters[key] += n

    def truth(self, story: Story, system: str, reference: str) -> None:
        f = story.fraud
        with self._lock:
            self._truth.append({"run_id": self.run_id, "system": system, "reference": reference, "story": story.key,
                            "pattern": f["pattern"] if f else None, "risk_type": f["risk_type"] if f else None,
                                "facts": f["facts"] if f else {}})

    def unexpected(self, story: Story, message: str) -> None:
        story.error = message
        with self._lock:
            self.errors.append({"story": story.key, "at": self.now().isoformat(), "error": message})
        self.count(f"errors.{story.kind}")

    def http(self) -> Any:
        """The public API of the box, in process (see :class:`~eucustoms.sim.flows.lookups.Client`)."""
        with self._lock:
            if self._client is None:
                from .flows.lookups import Client, app_for

                self.ctx.settings["public_rate"] = (0, 0)  # one simulated caller stands for many
                self._client = Client(app_for(self.ctx))
        return self._client

    def known_mrns(self) -> list[str]:
        return [s.refs["mrn"] for s in self._stories if s.refs.get("mrn")][-500:]

    def drain(self) -> None:
        self.ctx.bus.drain()

    def spawn(self, story: Story, at: datetime) -> None:
        with self._lock:
            self._push(at, story, story.first_step())

    def spawn_imports(self, ens: EnsStory) -> None:
        for h, house in enumerate(ens.houses):
            s = ImportStory.from_house(self.cfg.seed, ens.number * 100 + h, self.world, self.run_tag, ens, house, h)
            if s is None:
                continue
            self.count("imports.following_arrival")
            self.spawn(s, self.now() + timedelta(minutes=s.rnd.randrange(15, 240)))

    # -- the loop -------------------------------------------------------------------------------------------------

    def _push(self, at: datetime, story: Story, step: str) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (at, self._seq, story.number, story, step))

    def prepare(self) -> Plan:
        """Build the world, install it in the box, and plan the run."""
        from eucustoms.platform.db.sequences import next_value
        from eucustoms.refdata import RefData
        from eucustoms.systems.tariff.tariff import tariff

        db = self.ctx.db
        previous = use_clock(self._clock)
        try:
            self.world = World.build(self.cfg.seed, self.start.date(), RefData.from_db(db), tariff(db))
            if self.cfg.run_tag:
                self.run_tag = self.cfg.run_tag
            else:
                with db.begin() as conn:
                    n = next_value(conn, "sim:run")
                self.run_tag = _base36(n).rjust(3, "0")
            self.run_id = f"{self.start:%Y%m%d}-s{self.cfg.seed}-{self.run_tag}"
            self.installed = self.world.install(self.ctx)
            services = list(served()) if self.cfg.lookups else []
            self.systems = available_systems(self.ctx)
            plan = make_plan(self.world, self.cfg, self.run_tag, services, self.systems)
        finally:
            use_clock(previous)
        if self.cfg.workers > 1:  # this worker's share of the stories (a story and its bad messages stay together)
            mine = {id(s) for _, s in plan.stories
                    if (s.victim.number if isinstance(s, badinput.BadStory) and s.victim else s.number) % self.cfg.workers == self.cfg.worker}
            plan.stories = [(t, s) for t, s in plan.stories if id(s) in mine]
            plan.bad = [b for b in plan.bad if id(b) in mine]
        return plan

    def run(self, plan: Plan) -> dict[str, Any]:
        """Play the plan tick by tick (:data:`TICK` of simulated time): the steps due in a tick run on
        ``cfg.threads`` threads (each sees its own simulated time), then the domains exchange what they caused
        (the bus is drained) before the next tick. With one thread the run is sequential and reproducible to
        the MRN; with several, the stories are the same but the order of the steps inside a tick (and so the
        MRNs' numbering) may differ."""
        db = self.ctx.db
        previous = use_clock(self._clock)
        wall0, cpu0 = time.perf_counter(), time.process_time()
        before = self._telemetry()
        pool = ThreadPoolExecutor(max_workers=self.cfg.threads) if self.cfg.threads > 1 else None
        try:
            if self.cfg.records_run:
                with db.begin() as conn:
                    truth.start_run(conn, self.run_id, self.parameters(plan))
            for at, story in plan.stories:
                self._push(at, story, story.first_step())
            self._done, total = 0, len(plan.stories)
            tick_end = self.start
            while self._heap:
                tick_end = max(tick_end + TICK, self._heap[0][0])
                batch: list[tuple[datetime, Story, str]] = []
                busy: set[int] = set()
                later = []
                while self._heap and self._heap[0][0] < tick_end:
                    item = heapq.heappop(self._heap)
                    at, _, _, story, step = item
                    if at > self.end:
                        if step != story.first_step():
                            self.count("steps_after_the_period")
                        continue
                    # One step of a story at a time (a bad message counts as its victim's: it must see the victim
                    # standing still).
                    key = id(story.victim) if isinstance(story, badinput.BadStory) and story.victim else id(story)
                    if key in busy:
                        later.append(item)
                        continue
                    busy.add(key)
                    batch.append((at, story, step))
                for item in later:
                    heapq.heappush(self._heap, item)
                if not batch:
                    continue
                self._clock.set(max(self._clock.now(), batch[-1][0]))
                if pool is None:
                    for at, story, step in batch:
                        self._play(at, story, step)
                else:
                    list(pool.map(lambda x: self._play(*x), batch))
                self.drain()
                if len(self._truth) >= 500:
                    self._flush_truth()
                if self.progress:
                    total = max(total, self._done + len(self._heap))
                    self.progress(self._done, total, f"{self._clock.now():%Y-%m-%d %H:%M} simulated")
            self._clock.set(max(self._clock.now(), self.end))
            self.drain()
            self._flush_truth()
            if self._client is not None:
                from eucustoms.systems.dds import routes as dds

                self._client = None
                dds.tally(self.ctx).stop()  # writes the look-ups' counters
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            after = self._telemetry()
            summary = self._summary(plan, before, after, wall, cpu)
            if self.cfg.audit:
                summary["audit"] = self._audit()
            if self.cfg.records_run:
                with db.begin() as conn:
                    truth.finish_run(conn, self.run_id, {k: summary[k] for k in ("systems", "bad_input", "seconds")})
            return summary
        finally:
            if pool is not None:
                pool.shutdown(wait=True)
            use_clock(previous)

    def parameters(self, plan: Plan) -> dict[str, Any]:
        return {"seed": self.cfg.seed, "days": self.cfg.days, "scale": self.cfg.scale, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "run_tag": self.run_tag, "workers": self.cfg.workers,
                "threads": self.cfg.threads, "world": self.world.digest(), "plan": plan.digest()}

    def _play(self, at: datetime, story: Story, step: str) -> None:
        self._clock.local.at = at
        t0 = time.perf_counter()
        try:
            if step == story.first_step():
                with self._lock:
                    self._stories.append(story)
            try:
                nxt = story.run(self, step)
            except CustomsError as exc:
                issues = [i.as_dict() for i in getattr(exc, "issues", [])][:3]
                self.unexpected(story, f"{step}: {type(exc).__name__}: {exc.message} {issues}")
                nxt = []
            except Exception as exc:  # noqa: BLE001 - a crash in a system is a finding: keep going, report it
                self.unexpected(story, f"{step}: {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=4)}")
                nxt = []
            with self._lock:
                self.step_seconds[f"{story.kind}.{step}"] += time.perf_counter() - t0
                self.step_counts[f"{story.kind}.{step}"] += 1
                for delay, name in nxt:
                    self._push(at + delay, story, name)
                self._done += 1
        finally:
            self._clock.local.at = None

    def _flush_truth(self) -> None:
        if self._truth:
            with self.ctx.db.begin() as conn:
                truth.record(conn, self._truth)
            self._truth = []

    def _telemetry(self) -> dict[str, Counter]:
        out: dict[str, Counter] = {}
        with self.ctx.db.read() as conn:
            for metric in (telemetry.MESSAGES, telemetry.CONSULTATIONS, "records"):
                c: Counter = Counter()
                for (system, key), n in telemetry.totals(conn, metric=metric).items():
                    c[(system, key)] += n
                out[metric] = c
        return out

    # -- the summary ---------------------------------------------------------------------------------------------

    def _summary(self, plan: Plan, before: dict, after: dict, wall: float, cpu: float) -> dict[str, Any]:
        cfg = self.cfg
        delta = {m: after[m] - before[m] for m in after}
        by_system: Counter = Counter()
        for (system, _), n in delta[telemetry.MESSAGES].items():
            by_system[system] += n
        consult: Counter = Counter()
        for (_, key), n in delta[telemetry.CONSULTATIONS].items():
            consult[key] += n
        records = sum(delta["records"].values())
        c = self.counters
        filings = sum(n for k, n in c.items() if k.startswith("ics2.filings."))
        imports_lodged = sum(n for k, n in c.items() if k.startswith("imports.lodged."))

        def row(key: str, target: float, generated: float, unit: str, note: str = "") -> dict[str, Any]:
            return {"system": key, "unit": unit, "target": round(target, 1), "generated": generated,
                    "ratio": round(generated / target, 3) if target else None, "note": note}

        ics2_msgs = by_system.get("ics2", 0)
        systems = [
            row("ICS2", volumes.expected("ICS2", cfg.scale, cfg.days), ics2_msgs, "messages",
                f"{filings} filings ({ics2_msgs / filings:.1f} messages each)" if filings else ""),
            row("IMPORTS", plan.targets["IMPORTS"]["declarations"], imports_lodged, "declarations",
                "target: one per house consignment filed"),
            row("SURV", volumes.expected("SURV", cfg.scale, cfg.days), records, "records",
                "one per item released or exported in the run"),
            row("POUS", volumes.expected("POUS", cfg.scale, cfg.days), c.get("pous.requested.T2L", 0)
                + c.get("pous.requested.T2LF", 0) + c.get("pous.requested.CGM", 0), "proofs",
                "at least one per run (floor)" if cfg.floor else ""),
            row("CERTEX", 0, sum(n for k, n in c.items() if k.startswith("certex.issued.")), "certificates",
                "no 2024 figure in the report"),
            row("DDS", volumes.expected("DDS", cfg.scale, cfg.days), sum(consult.values()), "consultations",
                ("not served by the box: " + ", ".join(plan.lookups_not_served)) if plan.lookups_not_served else ""),
            row("NCTS", volumes.expected("NCTS", cfg.scale, cfg.days), by_system.get("transit", 0), "messages",
                plan.targets["NCTS"]["not_available"] or f"{c.get('transit.CC015C', 0)} movements declared, "
                f"{c.get('transit.CC044C', 0)} unloaded (counted: domain-to-domain messages only)"),
            row("ECS", volumes.expected("ECS", cfg.scale, cfg.days), by_system.get("export", 0), "messages",
                plan.targets["ECS"]["not_available"] or f"{c.get('export.lodged', 0)} exports lodged, "
                f"{c.get('export.exited', 0)} exited (counted: domain-to-domain messages only)"),
            row("CCN", volumes.expected("CCN", cfg.scale, cfg.days), sum(by_system.values()), "messages",
                "all messages the box counted (the real CCN also carries taxation)"),
        ]
        bad = badinput.summarise(plan.bad)
        mismatched = sum(len(v["mismatches"]) for v in bad.values())
        changed = sum(v["victims_changed"] for v in bad.values())
        rusage = resource.getrusage(resource.RUSAGE_SELF)
        slow = sorted(((k, s, self.step_counts[k]) for k, s in self.step_seconds.items()), key=lambda x: -x[1])
        return {
            "run_id": self.run_id, "seed": cfg.seed, "days": cfg.days, "scale": cfg.scale,
            "start": self.start.isoformat(), "end": self.end.isoformat(), "database": self.ctx.db.describe(),
            "workers": cfg.workers, "worker": cfg.worker,
            "world": {"digest": self.world.digest(), **self.world.summary(), "installed": self.installed},
            "plan": {"digest": plan.digest(), "stories": plan.counts(), "targets": plan.targets},
            "systems": systems,
            "messages_by_system": dict(sorted(by_system.items())),
            "consultations_by_service": dict(sorted(consult.items())),
            "counters": dict(sorted(c.items())),
            "ground_truth": self._truth_counts(),
            "bad_input": {"share": cfg.bad_share, "kinds": bad, "mismatches": mismatched, "victims_changed": changed,
                          "ok": mismatched == 0 and changed == 0},
            "errors": {"count": len(self.errors), "sample": self.errors[:10]},
            "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2), "max_rss_mb": round(rusage.ru_maxrss / 1024, 1),
            "time_by_step": [{"step": k, "calls": n, "seconds": round(s, 2), "ms_each": round(1000 * s / n, 2)}
                             for k, s, n in slow[:14]],
        }

    def _truth_counts(self) -> dict[str, Any]:
        with self.ctx.db.read() as conn:
            counts = truth.counts(conn, self.run_id)
        out: dict[str, Any] = {}
        for (system, pattern), n in sorted(counts.items(), key=lambda x: (x[0][0], x[0][1] or "")):
            out.setdefault(system, {})[pattern or "clean"] = n
        return out

    def _audit(self) -> dict[str, Any]:
        """Nothing lost: every reference a good story was given is still there, in a state the story reached."""
        from eucustoms.systems.ics2 import service as ics2
        from eucustoms.systems.imports import service as imports

        admin = self.commission()
        checked = missing = 0
        problems = []
        sample = [s for s in self._stories if s.kind in ("ens", "import") and s.refs.get("mrn") and not s.error]
        step = max(1, len(sample) // 2000)
        for s in sample[::step]:
            try:
                (ics2 if s.kind == "ens" else imports).consult(self.ctx, admin, s.refs["mrn"])
            except CustomsError as exc:
                missing += 1
                problems.append(f"{s.key} {s.refs['mrn']}: {exc.message}")
            checked += 1
        return {"checked": checked, "missing": missing, "problems": problems[:10]}


def available_systems(ctx: Any) -> dict[str, str | None]:
    """Whether transit and export can be simulated on this box (None) or why not (no tables, no domains)."""
    from .flows import export as export_flow
    from .flows import transit as transit_flow

    return {"NCTS": transit_flow.available(ctx), "ECS": export_flow.available(ctx)}


def _base36(n: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while True:
        n, d = divmod(n, 36)
        out = digits[d] + out
        if n == 0:
            return out


# ----------------------------------------------------------------------------------------------------- entry points


def simulate(db: Any, cfg: Config, *, progress: Callable[[int, int, str], None] | None = None) -> dict[str, Any]:
    """Open the union on ``db``, prepare and play the run; returns the summary."""
    from eucustoms.union import open_union

    t0 = time.perf_counter()
    ctx = open_union(db=db)
    sim = Simulation(ctx, cfg, progress=progress)
    plan = sim.prepare()
    prepared = time.perf_counter() - t0
    summary = sim.run(plan)
    summary["prepare_seconds"] = round(prepared, 2)
    return summary


def run_demo(db: Any, *, days: float = 1.0, scale: float = 0.0001, seed: int = 2024,
             progress: Callable[[int, int, str], None] | None = None) -> dict[str, Any]:
    """What ``eucustoms demo`` shows of the simulator: a tenth of a thousandth of an average EU day (about 100 ENS
    filings, 200 import declarations, transit, export, proofs, look-ups and bad messages; 10–20 s), summarised
    (print it with :func:`eucustoms.sim.cli.print_summary`)."""
    return simulate(db, Config(days=days, scale=scale, seed=seed), progress=progress)


def to_json(summary: dict[str, Any]) -> str:
    return json.dumps(summary, indent=2, default=str)
