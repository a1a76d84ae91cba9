"""Many writers debiting one guarantee at once never over-draw it, and a redelivered operation counts once."""

from __future__ import annotations

import threading
from decimal import Decimal

from guarantee_support import MRN1, eur, issue
from sqlalchemy import select

from eucustoms.core.errors import Rejected
from eucustoms.systems.guarantees import service
from eucustoms.systems.guarantees.messages import Amount
from eucustoms.systems.guarantees.store import guarantee_movement

THREADS = 8
ATTEMPTS = 6  # 48 attempts of 250 against 5 000: exactly 20 may succeed


def test_concurrent_debits_never_exceed_the_reference_amount(gbox):
    g = issue(gbox, reference_amount=Amount(amount=Decimal("5000.00"), currency="EUR"))
    ok: list[str] = []
    refused: list[list[str]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker(n: int) -> None:
        start.wait()
        for i in range(ATTEMPTS):
            # every operation is delivered twice (by two threads) to exercise idempotency under contention
            op = f"op-{(n // 2)}-{i}"
            try:
                with gbox.begin() as conn:
                    m = service.debit(conn, g.grn, eur("250.00"), f"{MRN1}-{op}", op, "FR", "AB12")
                if not m.replayed:
                    ok.append(op)
            except Rejected as exc:
                refused.append([i.code for i in exc.issues])
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert len(ok) == 20 and len(set(ok)) == 20
    assert all(codes == ["G09"] for codes in refused)
    with gbox.read() as conn:
        balance = service.get(conn, g.grn).balance.amount
        debits = [Decimal(str(a)) for a in conn.execute(
            select(guarantee_movement.c.amount).where(guarantee_movement.c.grn == g.grn)).scalars()]
    assert balance == Decimal("5000.00") + sum(debits) == 0
    assert len(debits) == 20


def test_concurrent_debits_and_write_offs_keep_the_balance_exact(gbox):
    g = issue(gbox)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        for i in range(5):
            ref = f"{MRN1}-{n}-{i}"
            try:
                with gbox.begin() as conn:
                    service.debit(conn, g.grn, eur("300.00"), ref, f"d-{n}-{i}", "DE", "AB12")
                with gbox.begin() as conn:
                    service.release(conn, g.grn, ref, f"w-{n}-{i}")
                with gbox.begin() as conn:
                    service.release(conn, g.grn, ref, f"w-{n}-{i}")  # redelivered write-off
            except Rejected:
                pass
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    with gbox.read() as conn:
        g2 = service.get(conn, g.grn)
        kinds = [k for k in conn.execute(select(guarantee_movement.c.kind).where(guarantee_movement.c.grn == g.grn)).scalars()]
    assert g2.balance == g2.reference_amount
    assert kinds.count("debit") == kinds.count("credit") == 30
