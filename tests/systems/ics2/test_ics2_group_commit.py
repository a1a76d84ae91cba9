"""Lodging under load: filings lodged at the same moment are registered together (one transaction, each filing
in a savepoint of its own, their risk analyses run together), and the delivery of the repository ↔ national
entry system messages in batches. Every guarantee of lodging one by one must hold: one MRN each, every error
listed, a failure stays with its filing, nothing acknowledged is lost, the same effects as message by message."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from eucustoms.core.errors import ErrorCode, Rejected
from eucustoms.platform import telemetry
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.notifications import notification
from eucustoms.systems.ics2 import service
from eucustoms.systems.ics2.messages import examples, linking_key
from eucustoms.systems.ics2.store import ics2_filing, ics2_log, ics2_nes_case
from eucustoms.union import open_union

CARRIER = examples.OCEAN_CARRIER["identification_number"]
AIRLINE = examples.AIRLINE["identification_number"]
HOUSE_FILER = examples.HOUSE_FILER["identification_number"]


def trader(eori: str) -> Principal:
    return Principal(role=Role.TRADER, name=f"trader {eori}", eori=eori)


def sea(n: int) -> dict:
    payload = examples.sea_f11()
    payload["lrn"] = f"GC-F11-{n:06d}"
    payload["consignment"]["transport_document"]["reference_number"] = f"NOLUGC{n:09d}"
    for h, house in enumerate(payload["consignment"]["house_consignments"]):
        house["transport_document"]["reference_number"] = f"GCHB{n:07d}{h}"
    return payload


def air(n: int) -> dict:
    payload = examples.air_f26()
    payload["lrn"] = f"GC-F26-{n:06d}"
    payload["consignment"]["transport_document"]["reference_number"] = f"160-{n:08d}"
    return payload


def states_by_lrn(db) -> dict[str, str]:
    with db.read() as conn:
        return dict(conn.execute(select(ics2_filing.c.lrn, ics2_filing.c.state)).all())


def test_filings_lodged_at_once_each_get_their_mrn_and_duplicates_are_refused(box):
    ctx = open_union(db=box)
    jobs = [(CARRIER, "IE3F11", sea(i)) for i in range(12)] + [(AIRLINE, "IE3F26", air(i)) for i in range(12)]
    jobs += [(CARRIER, "IE3F11", sea(3)), (AIRLINE, "IE3F26", air(5))]  # the same LRNs again
    jobs += [(CARRIER, "IE3F12", examples.sea_f12()), (HOUSE_FILER, "IE3F15", examples.sea_f15())]
    answers: dict[int, dict] = {}
    errors: dict[int, Exception] = {}
    start = threading.Barrier(8)

    def client(k: int) -> None:
        start.wait()
        for i in range(k, len(jobs), 8):
            eori, message_type, payload = jobs[i]
            try:
                answers[i] = service.lodge(ctx, trader(eori), message_type, payload)
            except Rejected as exc:
                errors[i] = exc

    threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # Exactly one of each pair of same LRNs is registered; the other is refused as a duplicate.
    assert len(errors) == 2
    assert all(e.issues[0].code == ErrorCode.DUPLICATE and e.issues[0].pointer == "/lrn" for e in errors.values())
    assert len(answers) == len(jobs) - 2
    mrns = [a["mrn"] for a in answers.values()]
    assert len(set(mrns)) == len(mrns)
    with box.read() as conn:
        assert conn.execute(select(func.count()).select_from(ics2_filing)).scalar_one() == len(mrns)
        registered = conn.execute(select(func.count()).select_from(notification).where(
            notification.c.message_type == "IE3R01")).scalar_one()
        counted = telemetry.totals(conn, metric="filings", system="ics2")
    assert registered == len(mrns)
    assert sum(counted.values()) == len(mrns)

    ctx.bus.drain()
    final = states_by_lrn(box)
    assert set(final.values()) == {"assessment_complete"}  # the F12 was completed by its F15, whatever the order
    with box.read() as conn:
        cases = conn.execute(select(ics2_nes_case.c.mrn).where(ics2_nes_case.c.role == "first_entry")).scalars().all()
        log = conn.execute(select(ics2_log.c.mrn, ics2_log.c.message_type).order_by(ics2_log.c.id)).all()
    assert sorted(cases) == sorted(mrns)
    for mrn in mrns:  # the trader-facing log of each filing, in order
        mine = [t for m, t in log if m == mrn]
        assert mine[0].startswith("IE3F") and mine[1] == "IE3R01" and mine[-1] == "IE3N03"
    # Every trader message in or out is an ICS2 message in the indicators (RES 2.1), type by type.
    with box.read() as conn:
        counted = telemetry.totals(conn, metric=telemetry.MESSAGES, system="ics2")
    logged: dict[str, int] = {}
    for _, message_type in log:
        logged[message_type] = logged.get(message_type, 0) + 1
    assert {k: n for (_, k), n in counted.items() if k.startswith("IE3")} == logged


def _job(ctx, eori: str, message_type: str, payload: dict) -> service._Job:
    filing = service._validate(ctx, trader(eori), message_type, payload)
    return service._Job(trader(eori), filing, datetime.now(timezone.utc),
                        filing.model_dump(mode="json", exclude_none=True), linking_key(filing))


def test_a_filing_that_fails_in_a_group_fails_alone(sqlite_box, monkeypatch):
    ctx = open_union(db=sqlite_box)
    jobs = [_job(ctx, CARRIER, "IE3F11", sea(i)) for i in range(3)]
    real = service._register

    def register(tx, job):
        if job.filing.lrn == "GC-F11-000001":
            raise RuntimeError("this one breaks")
        return real(tx, job)

    monkeypatch.setattr(service, "_register", register)
    service._register_group(ctx, jobs)
    assert [j.error is None for j in jobs] == [True, False, True]
    assert isinstance(jobs[1].error, RuntimeError)
    assert states_by_lrn(sqlite_box) == {"GC-F11-000000": "under_risk_analysis", "GC-F11-000002": "under_risk_analysis"}
    ctx.bus.drain()
    assert set(states_by_lrn(sqlite_box).values()) == {"assessment_complete"}


def test_a_group_whose_joint_risk_analysis_fails_is_registered_filing_by_filing(sqlite_box, monkeypatch):
    ctx = open_union(db=sqlite_box)
    jobs = [_job(ctx, CARRIER, "IE3F11", sea(i)) for i in range(3)]
    calls = []
    real = service.risk.central_analyses

    def analyses(conn, batches, **kw):
        calls.append(len(batches))
        if len(batches) > 1:
            raise RuntimeError("the joint analysis breaks")
        return real(conn, batches, **kw)

    monkeypatch.setattr(service.risk, "central_analyses", analyses)
    service._register_group(ctx, jobs)
    assert all(j.error is None for j in jobs)
    assert calls == [3, 1, 1, 1]
    mrns = [j.answer["mrn"] for j in jobs]
    assert len(set(mrns)) == 3
    with sqlite_box.read() as conn:  # the rolled-back first attempt left nothing behind
        assert conn.execute(select(func.count()).select_from(ics2_filing)).scalar_one() == 3
        assert conn.execute(select(func.count()).select_from(ics2_log)).scalar_one() == 6


def test_batched_delivery_has_the_effects_of_delivery_one_by_one(tmp_path, _sqlite_template):
    """The same filings, delivered in one batch and message by message, leave the same cases and states."""
    import shutil

    from eucustoms.platform.db import Database

    outcome = []
    for batch in (500, 1):
        target = tmp_path / f"box-{batch}.db"
        shutil.copyfile(_sqlite_template, target)
        db = Database(f"sqlite:///{target}")
        ctx = open_union(db=db)
        ctx.bus.batch_size = batch
        # The same importer entering through several member states raises EU-level signals to the others.
        for i, (office, unloading, routing) in enumerate((
                ("NL000396", "NLRTM", ["CN", "SG", "NL"]), ("BE101000", "BEANR", ["CN", "SG", "BE"]),
                ("DE004851", "DEHAM", ["CN", "DE"]), ("NL000396", "NLRTM", ["CN", "SG", "NL"]))):
            payload = sea(i)
            c = payload["consignment"]
            c["customs_office_of_first_entry"], c["place_of_unloading"] = office, {"unlocode": unloading}
            c["countries_of_routing_of_means"] = routing
            for house in c["house_consignments"]:
                house["place_of_delivery"] = {"unlocode": unloading}
                house["countries_of_routing"] = ["CN", unloading[:2]]
            service.lodge(ctx, trader(CARRIER), "IE3F11", payload)
        ctx.bus.drain()
        with db.read() as conn:
            lrn = dict(conn.execute(select(ics2_filing.c.mrn, ics2_filing.c.lrn)).all())
            cases = sorted((c.country, lrn[c.mrn], c.role, c.state, c.outcome, c.control_recommended,
                            len(c.signals), len(c.facts))
                           for c in conn.execute(select(ics2_nes_case)))
            states = sorted(conn.execute(select(ics2_filing.c.lrn, ics2_filing.c.state)).all())
        outcome.append((cases, states))
        ctx.close()
    assert outcome[0] == outcome[1]
    cases, states = outcome[0]
    assert {s for _, s in states} == {"assessment_complete"}
    assert any(role == "concerned" for _, _, role, *_ in cases)  # the signals made cases elsewhere


@pytest.mark.parametrize("clients", [1, 4])
def test_lodging_through_the_api_with_the_bus_running(box, clients):
    """The box as served: the bus delivering in the background while filings arrive from several clients."""
    from fastapi.testclient import TestClient

    from eucustoms.app import create_app
    from eucustoms.platform.auth import issue_token

    ctx = open_union(db=box)
    with box.begin() as conn:
        token, _ = issue_token(conn, role="trader", name="carrier", eori=CARRIER)
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(ctx, deliver_messages=True)) as api:
        answers = []

        def client(k: int) -> None:
            for i in range(k, 8, clients):
                answers.append(api.post("/ics2/filings/IE3F11", json=sea(100 + i), headers=headers))

        threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [r.status_code for r in answers] == [201] * 8
        mrns = [r.json()["mrn"] for r in answers]
        for _ in range(600):  # the bus delivers on its own; give it up to a minute
            if set(states_by_lrn(box).values()) == {"assessment_complete"}:
                break
            threading.Event().wait(0.1)
        assert set(states_by_lrn(box).values()) == {"assessment_complete"}
        notes = api.get("/notifications", headers=headers).json()
    assert sorted(n["subject"] for n in notes if n["message_type"] == "IE3N03") == sorted(mrns)
