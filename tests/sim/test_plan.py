"""The world and the plan: deterministic from the seed, and shaped like the EU's 2024 figures."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from eucustoms.sim import volumes
from eucustoms.sim.runner import ENS_MODES, Config, make_plan, plan_digest
from eucustoms.sim.world import World

START = datetime(2026, 3, 2, tzinfo=UTC)


def test_same_seed_same_world_and_traffic(sqlite_box):
    from eucustoms.refdata import RefData
    from eucustoms.systems.tariff.tariff import tariff

    refdata, t = RefData.from_db(sqlite_box), tariff(sqlite_box)
    a = plan_digest(5, 1, 0.0005, START, refdata, t)
    b = plan_digest(5, 1, 0.0005, START, refdata, t)
    assert a == b
    c = plan_digest(6, 1, 0.0005, START, refdata, t)
    assert c["world"] != a["world"] and c["plan"] != a["plan"]


def test_same_seed_same_messages():
    world = World.build(3, START.date())
    one = make_plan(world, Config(days=1, scale=0.0005, seed=3, start=START), "T1")
    two = make_plan(World.build(3, START.date()), Config(days=1, scale=0.0005, seed=3, start=START), "T1")
    assert [(t, s.key, s.plan()) for t, s in one.stories] == [(t, s.key, s.plan()) for t, s in two.stories]
    first_ens = next(s for _, s in one.stories if s.kind == "ens")
    assert first_ens.filings and first_ens.filings[0]["payload"]["lrn"].startswith("SIMT1")


def test_the_world_is_valid_for_the_box(sqlite_box):
    from eucustoms.refdata import RefData
    from eucustoms.systems.tariff.tariff import tariff

    refdata, t = RefData.from_db(sqlite_box), tariff(sqlite_box)
    world = World.build(1, START.date(), refdata, t)
    assert {ln.mode for ln in world.lanes} >= set(ENS_MODES)
    for ln in world.lanes:
        assert refdata.office_has_role(ln.office, "ENT", START.date())
    for g in world.cargo_goods:
        assert t.is_declarable(g[0] + g[1], START.date())
    roles = world.summary()["operators"]
    for role in ("importer", "exporter", "carrier_sea", "carrier_air", "carrier_road", "carrier_rail", "house_filer",
                 "express", "postal", "representative"):
        assert roles[role] > 0
    countries = {o.country for o in world.everyone()}
    assert len(countries) >= 20


@pytest.mark.parametrize("scale", [0.001, 0.003])
def test_the_mix_follows_the_2024_volumes(scale):
    plan = make_plan(World.build(2, START.date()), Config(days=1, scale=scale, seed=2, start=START), "T")
    ens = [s for _, s in plan.stories if s.kind == "ens"]
    expected = volumes.expected("ICS2", scale, 1) / volumes.BOX_MESSAGES_PER["ICS2"]
    assert abs(len(ens) - expected) <= max(8, 0.02 * expected)
    by_mode = Counter(s.mode for s in ens)
    for mode, share in ENS_MODES.items():
        assert abs(by_mode[mode] / len(ens) - share) < 0.02
    # Look-ups: each service in proportion to its 2024 consultations (among the services the plan asks).
    asked = Counter()
    for _, s in plan.stories:
        if s.kind == "lookups":
            asked.update(s.counts)
    total_2024 = sum(volumes.CONSULTATIONS[k].per_year for k in asked)
    for key, n in asked.items():
        share = volumes.CONSULTATIONS[key].per_year / total_2024
        assert abs(n / sum(asked.values()) - share) < 0.05 + 3 * (share / sum(asked.values())) ** 0.5
    assert abs(sum(asked.values()) - sum(volumes.CONSULTATIONS[k].at(scale, 1) for k in asked)) < 0.05 * sum(asked.values()) + 5
    # Import declarations: one per house consignment filed.
    houses = sum(len(s.houses) for s in ens)
    assert plan.targets["IMPORTS"]["declarations"] == houses


def test_every_flow_runs_at_tiny_scales_with_the_floor():
    plan = make_plan(World.build(2, START.date()), Config(days=1, scale=0.00001, seed=2, start=START), "T")
    kinds = {s.kind for _, s in plan.stories}
    assert {"ens", "import", "pous", "lookups", "bad"} <= kinds
    modes = {s.mode for _, s in plan.stories if s.kind == "ens"}
    assert modes == set(ENS_MODES)


def test_volumes_quote_the_report():
    for v in volumes.VOLUMES.values():
        assert "2024" in v.source and v.per_year > 0
    assert round(volumes.VOLUMES["ICS2"].per_second, 1) == 72.3
    assert round(volumes.VOLUMES["CCN"].per_year / 1e9, 1) == 17.5
    assert round(volumes.expected("ICS2", 0.001, 1)) == 6243
