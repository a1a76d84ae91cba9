"""The 2024 dataset: every Annex 4 indicator with its values, Table 1, Annex 3, Annex 5, loading twice changes
nothing, and a malformed dataset is rejected with every problem listed."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml
from programme_support import ANNEX4, shipped_document
from sqlalchemy import func, select

from eucustoms.core.errors import Rejected
from eucustoms.platform.clitools import ADMIN
from eucustoms.systems.programme import dataset, loader, service
from eucustoms.systems.programme.model import indicator_id
from eucustoms.systems.programme.store import TABLES

# Some breakdown items (indicator, dimension, key) → value.
ITEMS = {
    ("RES 2.1.1", "system", "EOS"): "80699419", ("RES 2.1.1", "system", "CLASS"): "178564",
    ("RES 2.1.2", "system", "SURV"): "5355533323", ("RES 3.1.1", "rex_country", "DE"): "1093",
    ("RES 3.1.1", "rex_country", "XI"): "3", ("RES 3.1.2", "system", "PoUS"): "131311",
    ("OP 1.3.3", "system", "ICS2 CR_STI"): "98.30", ("OP 1.3.1", "network", "CCN"): "99.984",
    ("OP 2.1.2", "format", "physical"): "156", ("OP 2.2.2", "professional", "customs_officials"): "525540",
    ("OP 3.1", "level", "none"): "3.57", ("RES 2.2.3", "country", "EU"): "289", ("IMP 2.1", "category", "drugs"): "592.8",
    ("IMP 3.2", "format", "paper"): "1", ("OP 1.2.3", "component", "upgrade"): "1",
}


def _number(printed: str) -> Decimal:
    return Decimal(printed.rstrip("%"))


def test_every_annex4_indicator_is_there_with_its_value():
    ds = dataset.from_document(shipped_document())
    assert len(ds.indicators) == 42
    assert {i.short for i in ds.indicators.values()} == set(ANNEX4)
    for short, printed in ANNEX4.items():
        res = ds.results[indicator_id(short)]
        if printed is None:
            assert res.value is None and res.items, short
        else:
            assert res.value == _number(printed), short
    for (short, dim, key), value in ITEMS.items():
        item = ds.results[indicator_id(short)].item(dim, key)
        assert item is not None and item.value == Decimal(value), (short, dim, key)
    levels = {lv: sum(1 for i in ds.indicators.values() if i.level == lv) for lv in ("OP", "RES", "IMP")}
    assert levels == {"OP": 21, "RES": 16, "IMP": 5}


def test_every_figure_says_where_it_was_read():
    ds = dataset.from_document(shipped_document())
    for ident, res in ds.results.items():
        assert res.source.get("line"), ident
        assert res.printed, ident
        for item in res.items:
            assert item.printed and item.line, (ident, item.key)
    assert all(f.source.get("line") for f in ds.facts.values())
    assert all(b.source.get("line") for b in ds.budget)


def test_table_1_adds_up_and_matches_the_financing_decision():
    ds = dataset.from_document(shipped_document())
    lines = {b.category: b.amount for b in ds.budget}
    assert lines["ees"] + lines["collaboration"] + lines["other_services"] + lines["external_experts"] == lines["total"]
    assert lines["total"] == lines["financing_decision"] == Decimal("135714000.00")
    assert (lines["ees"] / lines["total"] * 100).quantize(Decimal("0.01")) == Decimal("97.06")


def test_registers_annex_3_and_5():
    ds = dataset.from_document(shipped_document())
    assert len(ds.registers["systems"]) == 68  # the report says 69 (a finding of the checks)
    assert [s["number"] for s in ds.registers["systems"]] == list(range(1, 69))
    teams = {t["code"]: t for t in ds.registers["expert_teams"]}
    assert set(teams) == {"CLET3", "ETCIT3", "ICS2 SSA", "EUCABET", "BTI2", "CELBET 3"}
    assert teams["CELBET 3"]["countries"][-3:] == ["RO", "BG", "GR"] and len(teams["CELBET 3"]["countries"]) == 11
    assert len(ds.registers["ucc_projects"]) == 17


def test_loading_twice_changes_nothing(pdb):
    with pdb.begin() as conn:
        first = service.load_dataset(conn, ADMIN)
    snapshot = _snapshot(pdb)
    with pdb.begin() as conn:
        second = service.load_dataset(conn, ADMIN)
    assert first["loaded"] == second["loaded"] and first["digest"] == second["digest"]
    assert _snapshot(pdb) == snapshot
    assert snapshot["programme_result"] == 45 and snapshot["programme_indicator"] == 42
    with pdb.read() as conn:
        ds = loader.read_dataset(conn, 2024)
    assert ds.results["RES 2.1 sub-indicator 2"].value == Decimal("7815781631")
    assert ds.previous["RES 2.2 sub-indicator 1"].value == Decimal("72.22")
    assert ds.survey["respondents"] == 27
    assert [b.category for b in ds.budget][-2:] == ["total", "financing_decision"]


def _snapshot(db) -> dict:
    out = {}
    with db.read() as conn:
        for t in TABLES:
            out[t.name] = conn.execute(select(func.count()).select_from(t)).scalar_one()
        cols = [c for c in TABLES[2].c if c.name not in ("recorded_at",)]
        out["results"] = [tuple(r) for r in conn.execute(select(*cols).order_by(TABLES[2].c.indicator_id, TABLES[2].c.year))]
    return out


def test_a_malformed_dataset_is_rejected_with_every_problem(tmp_path):
    doc = shipped_document()
    doc["indicators"][0]["level"] = "XX"
    doc["indicators"][1]["id"] = doc["indicators"][2]["id"]
    doc["relations"][0]["check"] = "NO_SUCH_CHECK"
    del doc["indicators"][3]["results"][2024]["printed"]
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(Rejected) as exc:
        dataset.read(path)
    pointers = {i.pointer for i in exc.value.issues}
    assert {"/indicators/0/level", "/indicators/2/id", "/relations/0/check", "/indicators/3/results/2024/printed"} <= pointers
    with pytest.raises(Rejected):
        dataset.read(tmp_path / "missing.yaml")
