"""The box's own indicators from the telemetry and the systems' service functions, and the health probes that give
the availability indicators."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from programme_support import shipped_document

from eucustoms.core.clock import now
from eucustoms.platform import telemetry
from eucustoms.platform.clitools import ADMIN
from eucustoms.systems.eos import service as eos
from eucustoms.systems.eos.messages import Address, OperatorRegistration
from eucustoms.systems.programme import dataset, live, probes

REFERENCE = dataset.from_document(shipped_document())


def rows(data, indicator):
    found = next(li for li in data["indicators"] if li.indicator_id == indicator)
    return found, {r.key: r for r in found.rows}


def test_live_indicators_from_the_telemetry_and_the_registries(pdb):
    today = now().date()
    old = today - timedelta(days=400)
    with pdb.begin() as conn:
        telemetry.count(conn, "dds", telemetry.CONSULTATIONS, "EOS", n=5)
        telemetry.count(conn, "dds", telemetry.CONSULTATIONS, "TARIC", n=3)
        telemetry.count(conn, "dds", telemetry.CONSULTATIONS, "EOS", n=100, day=old)  # outside the period below
        telemetry.count(conn, "dds", telemetry.CONSULTATIONS, "REX", n=2)  # a look-up the report does not list
        telemetry.count_many(conn, [("ics2", telemetry.MESSAGES, "IE3F11")] * 4 + [("transit", telemetry.MESSAGES, "CC015C")] * 2
                             + [("ccn2", telemetry.MESSAGES, "CCN_PING")] * 9)
        telemetry.count(conn, "surv", "records", "", n=7)
        telemetry.count(conn, "CDS", telemetry.APPLICATIONS, "DE", n=2)
        telemetry.count(conn, "pous", "requests", "T2L", n=3)
        eos.register(conn, ADMIN, OperatorRegistration(
            name="Elbe Logistik GmbH", address=Address(street_and_number="Am Sandtorkai 50", city="Hamburg", country="DE"),
            established_in_union=True), country="DE")
    with pdb.read() as conn:
        data = live.compute(conn, since=today - timedelta(days=30), until=today, reference=REFERENCE)
        everything = live.compute(conn, reference=REFERENCE)

    cons, by_key = rows(data, "RES 2.1 sub-indicator 1")
    assert (by_key["EOS"].status, by_key["EOS"].value) == (live.COMPUTED, Decimal(5))
    assert by_key["TARIC"].value == Decimal(3) and by_key["COL"].value == Decimal(0)
    assert (by_key["CLASS"].status, by_key["CLASS"].value) == (live.NO_SOURCE, None)  # no CLASS in the box: not zero
    assert by_key["EOS"].eu == Decimal("80699419") and by_key["CLASS"].eu_printed == "178 564"
    assert by_key["REX"].value == Decimal(2) and cons.value == Decimal(10)
    assert cons.eu_printed == "217 714 225"
    assert rows(everything, "RES 2.1 sub-indicator 1")[1]["EOS"].value == Decimal(105)

    msgs, by_key = rows(data, "RES 2.1 sub-indicator 2")
    assert by_key["ICS2"].value == Decimal(4) and by_key["NCTS"].value == Decimal(2) and by_key["SURV"].value == Decimal(7)
    assert by_key["ICS"].status == live.NO_SOURCE
    assert msgs.value == Decimal(13) and "9 CCN2 probe messages" in msgs.note

    ops, by_key = rows(data, "RES 3.1 sub-indicator 1")
    assert by_key["EORI"].value == Decimal(1) and by_key["EORI"].eu == Decimal("607077")
    assert by_key["REX"].status in (live.COMPUTED, live.UNAVAILABLE)  # REX's tables come with its own migration

    apps, by_key = rows(data, "RES 3.1 sub-indicator 2")
    assert by_key["CDS"].value == Decimal(2) and by_key["PoUS"].value == Decimal(3)
    assert by_key["INF"].status == live.NO_SOURCE and by_key["INF"].eu == Decimal("22238")

    imp3, by_key = rows(data, "IMP 3 sub-indicator 1")
    assert by_key["import"].status in (live.NO_DATA, live.UNAVAILABLE) and by_key["import"].eu_printed == "95%"
    assert by_key["export"].status == live.NO_SOURCE

    net, by_key = rows(data, "OP 1.3 sub-indicator 1")
    assert by_key["CCN"].status == live.NO_SOURCE and by_key["CCN2"].status == live.NO_DATA  # no probe yet
    systems, by_key = rows(data, "OP 1.3 sub-indicator 3")
    assert by_key["INF-SP"].status == live.NO_SOURCE and by_key["EOS"].status == live.NO_DATA


def test_probes_record_availability_per_system_and_per_domain(pdb, monkeypatch):
    from eucustoms.union import open_union

    ctx = open_union(db=pdb)
    try:
        first = probes.probe_systems(ctx, timeout=20)
        assert first["down"] == []
        by = {(r["system"], r["target"]): r for r in first["results"]}
        assert by[("eos", "")]["up"] is True and by[("programme", "")]["up"] is True
        assert sum(1 for (s, _), r in by.items() if s == probes.NETWORK and r["up"]) == 28  # EU27 and XI answered

        monkeypatch.setitem(probes.STORES, "phantom", "programme_support")  # declared, never created: not installed
        real_check = probes._check

        def failing(conn, package):  # noqa: ANN001, ANN202
            if package == "eos":
                raise RuntimeError("the EORI registry is down")
            return real_check(conn, package)

        monkeypatch.setattr(probes, "_check", failing)
        second = probes.probe_systems(ctx, timeout=20, network=False)
        assert second["not_installed"]["phantom"].startswith("its tables")
        assert [d["system"] for d in second["down"]] == ["eos"] and "down" in second["down"][0]["detail"]
    finally:
        ctx.bus.stop()
    with pdb.read() as conn:
        avail = probes.availability(conn)
        assert avail["eos"] == {**avail["eos"], "probes": 2, "up": 1, "availability": Decimal("50.00")}
        assert avail["ccn2"]["availability"] == Decimal("100.00") and avail["ccn2:DE"]["probes"] == 1
        assert "phantom" not in avail
        data = live.compute(conn, reference=REFERENCE)
        assert probes.availability(conn, until=date(2000, 1, 1)) == {}
    _, by_key = rows(data, "OP 1.3 sub-indicator 3")
    assert (by_key["EOS"].status, by_key["EOS"].value) == (live.COMPUTED, Decimal("50.00"))
    assert by_key["EOS"].eu_printed == "99.75%"
    net, by_key = rows(data, "OP 1.3 sub-indicator 1")
    assert by_key["CCN2"].value == Decimal("100.00") and net.value == Decimal("100.00")


def test_probes_run_every_few_seconds_until_stopped(sqlite_pdb):
    from eucustoms.union import open_union

    ctx = open_union(db=sqlite_pdb)
    seen = []
    try:
        done = probes.run_every(ctx, 0.01, rounds=2, on_round=seen.append, network=False)
    finally:
        ctx.bus.stop()
    assert done == 2 and len(seen) == 2 and seen[0]["round"] != seen[1]["round"]
