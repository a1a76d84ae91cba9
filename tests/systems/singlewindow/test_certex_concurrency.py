"""Two declarations at the same moment never over-draw a certificate, and a redelivered use counts once
(threads on SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from decimal import Decimal

from certex_support import issue, mrn, use
from sqlalchemy import select

from eucustoms.core.errors import Rejected
from eucustoms.systems.singlewindow import service
from eucustoms.systems.singlewindow.checks import CertificateNotUsable
from eucustoms.systems.singlewindow.store import certex_movement

THREADS = 8
ATTEMPTS = 6  # 48 deliveries of 24 operations of 250 kg against 5 000 kg: exactly 20 may succeed
#: The same 250 kg declared in three units.
AS_DECLARED = [("250", "KGM"), ("0.25", "TNE"), ("250000", "GRM")]


def _run(threads: list[threading.Thread]) -> None:
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)


def test_concurrent_uses_never_overdraw_the_certificate(cbox):
    c = issue(cbox, "CHED-P", quantity="5000")
    ok: list[str] = []
    refused: list[list[str]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker(n: int) -> None:
        start.wait()
        for i in range(ATTEMPTS):
            k = (n // 2) * ATTEMPTS + i  # every operation is delivered by two threads
            quantity, unit = AS_DECLARED[k % 3]
            try:
                m = use(cbox, c.reference, quantity, unit, declaration=mrn(100 + k), op=f"op-{k}")
                if not m.replayed:
                    ok.append(m.operation_id)
            except CertificateNotUsable as exc:
                refused.append(exc.reasons)
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

    _run([threading.Thread(target=worker, args=(n,)) for n in range(THREADS)])
    assert not errors, errors
    assert len(ok) == len(set(ok)) == 20
    assert all(reasons in (["CX09"], ["CX03", "CX09"]) for reasons in refused) and len(refused) == 8
    with cbox.read() as conn:
        cert = service.get(conn, c.reference)
        moved = [Decimal(str(q)) for q in conn.execute(
            select(certex_movement.c.quantity).where(certex_movement.c.reference == c.reference)).scalars()]
    assert cert.balance.value == 0 == Decimal(5000) + sum(moved) and len(moved) == 20
    assert cert.status == "exhausted"


def test_concurrent_uses_restores_and_amendments_keep_the_balance_exact(cbox):
    c = issue(cbox, "CHED-P", quantity="3000")
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        for i in range(4):
            declaration = mrn(200 + n * 10 + i)
            try:
                use(cbox, c.reference, "400", declaration=declaration, op=f"u-{n}-{i}")
                with cbox.begin() as conn:
                    service.adjust(conn, c.reference, declaration, 1, "0.3", "TNE", f"a-{n}-{i}")
                for _ in range(2):  # the invalidation is delivered twice
                    with cbox.begin() as conn:
                        service.restore(conn, declaration, f"r-{n}-{i}")
            except Rejected:
                pass
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

    _run([threading.Thread(target=worker, args=(n,)) for n in range(6)])
    assert not errors, errors
    with cbox.read() as conn:
        cert = service.get(conn, c.reference)
        kinds = list(conn.execute(select(certex_movement.c.kind).where(certex_movement.c.reference == c.reference)).scalars())
    assert cert.balance.value == 3000 and cert.status == "valid"
    assert kinds.count("use") == kinds.count("restore") == kinds.count("adjust") > 0
