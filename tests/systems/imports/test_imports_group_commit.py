"""Group commit of lodgings and payments (tx.py): the writes of the requests that arrive together go in one
transaction; a request that fails there (guarantee refused, LRN used twice in the group) fails alone and leaves
nothing behind; concurrent clients all get their answers."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from imports_support import TRADER, declaration, issue_guarantee
from sqlalchemy import func, select

from eucustoms.core.errors import Rejected
from eucustoms.systems.guarantees import service as gum
from eucustoms.systems.imports import service, tx
from eucustoms.systems.imports.store import imp_declaration, imp_log
from eucustoms.systems.tariff.store import quota_request

PREF = {"preference": "300", "documents": [{"type": "N954"}]}


def collected(ctx, monkeypatch, lodgings) -> list[tx.Job]:  # noqa: ANN001
    """The write jobs of ``lodgings`` (validated, not yet written), as the group writer would get them."""
    jobs: list[tx.Job] = []

    class Collect:
        def submit(self, apply, *, lrn=None):  # noqa: ANN001
            jobs.append(tx.Job(apply, lrn))
            return {"collected": True}

    monkeypatch.setattr(service, "writer", lambda _ctx: Collect())
    for payload in lodgings:
        service.lodge(ctx, TRADER, "H1", payload)
    monkeypatch.undo()
    return jobs


def test_a_failing_request_fails_alone_and_leaves_nothing_behind(ictx, monkeypatch):
    grn = issue_guarantee(ictx.db)
    good = {"grn": grn, "access_code": "AB12"}
    lodgings = [
        declaration("G-1", guarantee=good),
        declaration("G-2", guarantee={"grn": grn, "access_code": "ZZ99"}),  # wrong access code: refused at the debit
        declaration("G-3", origin="UA", guarantee=good,
                    item={"quota_order_number": "094099", "supplementary_units": {"NAR": "10"}, **PREF}),
        declaration("G-4"),  # unpaid: accepted, not released
        declaration("G-4"),  # the same LRN again, in the same group
        declaration("G-5", origin="UA", guarantee={"grn": grn, "access_code": "ZZ99"},
                    item={"quota_order_number": "094099", "supplementary_units": {"NAR": "10"}, **PREF}),
    ]
    jobs = collected(ictx, monkeypatch, lodgings)
    assert len(jobs) == 6
    tx.write_group(ictx, jobs)
    answers = [(j.answer["state"] if j.answer else None, type(j.error).__name__ if j.error else None) for j in jobs]
    assert answers == [("released", None), (None, "Rejected"), ("released", None), ("accepted", None),
                       (None, "Rejected"), (None, "Rejected")]
    assert {i.pointer for i in jobs[1].error.issues} == {"/guarantee"}
    assert {i.code for i in jobs[1].error.issues} == {"G03"}
    assert jobs[4].error.issues[0].pointer == "/lrn"
    with ictx.db.read() as conn:
        stored = sorted(conn.execute(select(imp_declaration.c.lrn)).scalars())
        refs = list(conn.execute(select(quota_request.c.declaration_ref)).scalars())
        logged = set(conn.execute(select(imp_log.c.mrn).distinct()).scalars())
        assert conn.execute(select(func.count()).select_from(imp_log)).scalar_one() == 3 + 3 + 2
    assert stored == ["G-1", "G-3", "G-4"]
    assert refs == [f"{jobs[2].answer['mrn']}/1"]  # G-5's request went with its savepoint
    assert logged == {j.answer["mrn"] for j in jobs if j.answer}
    with ictx.db.read() as conn:
        assert gum.outstanding(conn, grn, jobs[0].answer["mrn"]).amount == Decimal("332.80")
        balance = gum.get(conn, grn).balance.amount
    assert balance == Decimal("10000.00") - Decimal("332.80") - Decimal(jobs[2].answer["debt"]["total"])


def test_concurrent_lodgings_and_payments_all_get_their_answers(sctx):
    grn = issue_guarantee(sctx.db, amount="1000000")
    answers: dict[str, dict] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(12)

    def client(n: int) -> None:
        try:
            start.wait()
            g = {"guarantee": {"grn": grn, "access_code": "AB12"}} if n % 2 else {}
            out = service.lodge(sctx, TRADER, "H1", declaration(f"C-{n:02d}", **g))
            if out["debt_status"] == "unpaid":
                out = service.pay(sctx, TRADER, out["mrn"])
            answers[out["mrn"]] = out
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(answers) == 12 and all(a["state"] == "released" for a in answers.values())
    with pytest.raises(Rejected):  # and a duplicate after the fact is still refused
        service.lodge(sctx, TRADER, "H1", declaration("C-00"))
