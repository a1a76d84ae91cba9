"""QUOTA2 on both databases: FCFS by day, pro rata, critical and exhausted events, returns, rejections and
concurrent allocation that never over-draws."""

from __future__ import annotations

import threading
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import update

from eucustoms.core.errors import Conflict, NotFound, Rejected
from eucustoms.systems.tariff import quota
from eucustoms.systems.tariff.store import quota_definition

ORDER = "094099"  # UA T-shirts: 10 000 NAR in 2026, critical threshold 90


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=timezone.utc)


def set_volume(db, volume: str) -> None:
    with db.begin() as conn:
        conn.execute(update(quota_definition).where(quota_definition.c.order_number == ORDER)
                     .values(initial_volume=Decimal(volume), balance=Decimal(volume)))


def request(db, ref: str, qty: str, day: int = 2, hour: int = 10, origin: str = "UA"):
    with db.begin() as conn:
        return quota.request_allocation(conn, ORDER, origin, qty, at(day, hour), ref)


def run(db, day: int):
    with db.begin() as conn:
        return quota.allocate_day(conn, date(2026, 3, day))


def bal(db, day: int = 2):
    with db.read() as conn:
        return quota.balance(conn, ORDER, date(2026, 3, day))


def test_requests_are_served_in_full_while_the_balance_lasts(tbox):
    request(tbox, "MRN1", "3000")
    request(tbox, "MRN2", "2000", hour=11)
    assert bal(tbox)["pending"] == "5000"
    result = run(tbox, 2)
    assert [r["allocated"] for r in result[0]["requests"]] == ["3000", "2000"]
    b = bal(tbox)
    assert Decimal(b["balance"]) == 5000 and b["status"] == "open" and Decimal(b["pending"]) == 0


def test_earlier_days_first_then_pro_rata_within_a_day(tbox):
    set_volume(tbox, "1000")
    request(tbox, "D1", "400", day=2)
    request(tbox, "D2a", "600", day=3)
    request(tbox, "D2b", "300", day=3, hour=12)
    out = run(tbox, 3)[0]["requests"]
    got = {r["declaration_ref"]: Decimal(r["allocated"]) for r in out}
    assert got["D1"] == 400  # day 2 in full
    # 600 left for 900 requested on day 3: coefficient 2/3, rounded down to 3 decimals
    assert got["D2a"] == Decimal("400.000") and got["D2b"] == Decimal("200.000")
    assert sum(got.values()) <= 1000
    b = bal(tbox)
    assert b["status"] == "exhausted" and Decimal(b["balance"]) == 0
    with tbox.read() as conn:
        kinds = [e["kind"] for e in quota.events(conn, ORDER)]
    assert kinds.count("critical") == 1 and kinds.count("exhausted") == 1


def test_critical_when_less_than_the_threshold_remains_and_a_return_reopens(tbox):
    set_volume(tbox, "1000")
    request(tbox, "A", "950")
    run(tbox, 2)
    assert bal(tbox)["status"] == "critical"
    request(tbox, "B", "50", day=3)
    run(tbox, 3)
    assert bal(tbox, 3)["status"] == "exhausted"
    with tbox.begin() as conn:  # the declaration is invalidated: its quantity comes back
        returned = quota.return_quantity(conn, "B")
    assert returned["status"] == "returned" and returned["returned"] == "50"
    b = bal(tbox, 3)
    assert Decimal(b["balance"]) == 50 and b["status"] == "critical"
    with tbox.read() as conn:
        assert [e["kind"] for e in quota.events(conn, ORDER)][-2:] == ["return", "reopened"]


def test_a_pending_request_of_an_invalidated_declaration_is_cancelled(tbox):
    request(tbox, "X", "100")
    with tbox.begin() as conn:
        assert quota.return_quantity(conn, "X")["status"] == "cancelled"
    assert run(tbox, 2) == [] and Decimal(bal(tbox)["balance"]) == 10000


def test_bad_requests_are_rejected_and_nothing_is_allocated(tbox):
    with pytest.raises(Rejected) as exc:
        request(tbox, "R1", "-5", origin="CN")
    assert {i.pointer for i in exc.value.issues} == {"/origin", "/quantity"}
    with pytest.raises(Rejected) as exc, tbox.begin() as conn:
        quota.request_allocation(conn, "099999", "UA", "1", at(2), "R2")
    assert exc.value.issues[0].pointer == "/order_number"
    with pytest.raises(Rejected) as exc, tbox.begin() as conn:
        quota.request_allocation(conn, ORDER, "UA", "1", datetime(2025, 3, 1, tzinfo=timezone.utc), "R3")
    assert exc.value.issues[0].pointer == "/accepted_at"
    request(tbox, "R4", "1")
    with pytest.raises(Conflict):
        request(tbox, "R4", "1")
    assert Decimal(bal(tbox)["balance"]) == 10000


def test_erga_omnes_quota_is_open_for_third_countries_only(tbox):
    with tbox.begin() as conn:
        quota.request_allocation(conn, "090161", "AR", "10", at(2), "AR1")
        with pytest.raises(Rejected):
            quota.request_allocation(conn, "090161", "FR", "10", at(2), "FR1")


def test_concurrent_requests_and_runs_never_over_allocate(tbox):
    set_volume(tbox, "1000")
    errors: list[Exception] = []

    def worker(i: int) -> None:
        try:
            request(tbox, f"C{i}", "70", hour=i % 20)
            run(tbox, 2)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    run(tbox, 2)
    with tbox.read() as conn:
        rows = [quota.request_status(conn, f"C{i}") for i in range(20)]
    allocated = sum(Decimal(r["allocated"]) for r in rows)
    assert all(r["status"] == "allocated" for r in rows)
    assert allocated <= 1000
    assert Decimal(bal(tbox)["balance"]) == 1000 - allocated


def test_a_request_reduced_pending_or_allocated_gives_back_only_the_excess(tbox):
    request(tbox, "R-PEND", "500")
    request(tbox, "R-ZERO", "100")
    with tbox.begin() as conn:
        assert quota.reduce_request(conn, "R-PEND", "300")["quantity"] == "300"
        assert quota.reduce_request(conn, "R-ZERO", "0")["status"] == "cancelled"
        with pytest.raises(Rejected):  # more than requested needs a request of its own
            quota.reduce_request(conn, "R-PEND", "301")
    assert Decimal(bal(tbox)["pending"]) == 300
    run(tbox, 2)
    before = Decimal(bal(tbox)["balance"])
    with tbox.begin() as conn:
        out = quota.reduce_request(conn, "R-PEND", "120")
    assert (out["status"], Decimal(out["allocated"]), Decimal(out["returned"])) == ("allocated", 120, 180)
    assert Decimal(bal(tbox)["balance"]) == before + 180
    with tbox.begin() as conn:
        unchanged = quota.reduce_request(conn, "R-PEND", "120")  # nothing in excess: nothing moves
        assert Decimal(unchanged["allocated"]) == 120
        with pytest.raises(NotFound):
            quota.reduce_request(conn, "R-NONE", "1")


def test_quota_units_and_the_tariff_cache_identity(the_tariff):
    from eucustoms.systems.tariff.tariff import invalidate, is_current

    t, _ = the_tariff
    assert t.quota_unit("091528", date(2026, 3, 2)) == "LTR"
    assert t.quota_unit("090161", date(2026, 3, 2)) == "KGM" and t.quota_unit("090161", date(2025, 1, 1)) is None
    assert t.quota_unit("999999", date(2026, 3, 2)) is None
    assert is_current(t)
    invalidate()  # a load in this process replaces the cached tariff
    assert not is_current(t)
