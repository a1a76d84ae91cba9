"""Surveillance records of released items and their aggregates, on both databases; the CLI."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy import delete
from typer.testing import CliRunner

from eucustoms.core.errors import Forbidden, Rejected
from eucustoms.core.identifiers import MRN
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.clitools import set_database_url
from eucustoms.systems.surveillance import service
from eucustoms.systems.surveillance.cli import app
from eucustoms.systems.surveillance.messages import AggregateQuery
from eucustoms.systems.surveillance.store import surv_record

COMMISSION = Principal(role=Role.COMMISSION, name="DG TAXUD")


def item(n: int, **over) -> dict:
    base = {"flow": "I", "mrn": str(MRN.build(2026, "NL", n, "R")), "item": 1, "country": "NL", "office": "NL000396",
            "release_date": date(2026, 1, 1 + n % 28), "procedure": "4000", "goods_code": "8712003000",
            "origin": "CN", "partner": "CN", "net_mass": Decimal("15.250"), "value_eur": Decimal("120.10")}
    return {**base, **over}


def test_totals_are_exact_by_chapter_month_and_flow(box):
    with box.begin() as conn:
        service.record(conn, [item(n) for n in range(10)]
                       + [item(100 + n, flow="E", mrn=str(MRN.build(2026, "DE", n, "A")), country="DE",
                               office="DE004851", origin=None, partner="US", goods_code="84713000",
                               release_date=date(2026, 2, 3)) for n in range(3)])
    with box.read() as conn:
        out = service.aggregate(conn, AggregateQuery(group_by=["flow", "chapter", "month"]), principal=COMMISSION)
    assert out["groups"] == [
        {"flow": "E", "chapter": "84", "month": "2026-02", "items": 3, "declarations": 3, "net_mass_kg": "45.750",
         "supplementary_quantity": "0", "value_eur": "360.30"},
        {"flow": "I", "chapter": "87", "month": "2026-01", "items": 10, "declarations": 10, "net_mass_kg": "152.500",
         "supplementary_quantity": "0", "value_eur": "1201.00"},
    ]
    with box.read() as conn:
        period = service.aggregate(conn, AggregateQuery(since=date(2026, 1, 5), until=date(2026, 1, 8),
                                                        group_by=["goods_code"]), principal=COMMISSION)
    assert period["groups"][0]["items"] == 4


def test_bad_queries_and_records_are_rejected_with_every_error(box):
    with pytest.raises(Rejected) as exc:
        with box.read() as conn:
            service.aggregate(conn, AggregateQuery(since=date(2026, 2, 1), until=date(2026, 1, 1),
                                                   group_by=["origin", "origin"]))
    assert {i.pointer for i in exc.value.issues} == {"/until", "/group_by"}
    with pytest.raises(ValidationError) as bad:
        with box.begin() as conn:
            service.record(conn, [item(1, goods_code="87A2", net_mass=Decimal("-1"), flow="X")])
    assert {e["loc"][0] for e in bad.value.errors()} == {"goods_code", "net_mass", "flow"}


def test_records_are_for_customs_authorities_of_the_country(box):
    with box.begin() as conn:
        service.record(conn, [item(1)])
    mrn = item(1)["mrn"]
    with box.read() as conn:
        assert len(service.records_of(conn, COMMISSION, mrn)) == 1
        assert service.records_of(conn, Principal(role=Role.OFFICER, name="de", country="DE"), mrn) == []
        with pytest.raises(Forbidden):
            service.records_of(conn, Principal(role=Role.TRADER, name="t", eori="NL123456789"), mrn)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(masses=st.lists(st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False), min_size=1, max_size=12))
def test_the_total_is_the_exact_sum_whatever_the_values(sqlite_box, masses):
    db = sqlite_box
    with db.begin() as conn:
        conn.execute(delete(surv_record))
        service.record(conn, [item(n, net_mass=m) for n, m in enumerate(masses)])
    with db.read() as conn:
        out = service.aggregate(conn, AggregateQuery(group_by=["flow"]), principal=COMMISSION)
    assert Decimal(out["groups"][0]["net_mass_kg"]) == sum(masses)


def test_cli_aggregate_and_records(sqlite_box):
    with sqlite_box.begin() as conn:
        service.record(conn, [item(n) for n in range(3)])
    set_database_url(sqlite_box.url)
    try:
        runner = CliRunner()
        r = runner.invoke(app, ["aggregate", "--code", "8712", "--by", "origin", "--json"])
        assert r.exit_code == 0, r.output
        assert json.loads(r.output)["groups"][0]["items"] == 3
        r = runner.invoke(app, ["aggregate", "--code", "8712", "--by", "origin"])
        assert r.exit_code == 0 and "CN" in r.output
        r = runner.invoke(app, ["records", item(0)["mrn"], "--json"])
        assert r.exit_code == 0 and json.loads(r.output)[0]["goods_code"] == "8712003000"
        r = runner.invoke(app, ["aggregate", "--by", "nonsense", "--json"])
        assert r.exit_code == 1 and "group_by" in r.output
    finally:
        set_database_url(None)
