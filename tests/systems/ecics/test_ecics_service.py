"""ECICS through the service: search by every key, numbers checked with their reasons, the Commission's
maintenance with history, and the idempotent loader."""

from __future__ import annotations

import gzip
from datetime import date

import pytest

from eucustoms.core.errors import Forbidden, IncorrectState, NotFound, Rejected
from eucustoms.platform import telemetry
from eucustoms.platform.auth import Principal, Role
from eucustoms.systems.ecics import examples, service
from eucustoms.systems.ecics.loader import DATA, LOADER, load_ecics
from eucustoms.systems.ecics.messages import EndEntry, SubstanceAmendment, SubstanceEntry

COMMISSION = Principal(role=Role.COMMISSION, name="CLEN")
OFFICER = Principal(role=Role.OFFICER, name="lab", country="DE", office="DE004700")
IN_CL016 = "0010001-6"  # a real CS/RD2 CL016 code; the substance it identifies is not known here
NOT_IN_CL016 = "9999999-2"  # check digit right, not in CL016


def names(page) -> list[str]:
    return [s.name for s in page.items]


def test_search_by_every_key(cbox):
    with cbox.begin() as conn:
        added = service.add(conn, COMMISSION, SubstanceEntry(cus=IN_CL016, cn_code="29141100",
                                                             names={"en": ["test entry with a CUS number"]}))
        assert names(service.search(conn, cus="00100016")) == ["test entry with a CUS number"]
        assert names(service.search(conn, cas="64-17-5")) == ["ethanol"]
        assert names(service.search(conn, cas="64175")) == ["ethanol"]  # without hyphens
        assert names(service.search(conn, ec="200-662-2")) == ["acetone"]
        assert names(service.search(conn, name="ÉTHANOL")) == ["ethanol", "methanol"]  # substring, any language
        assert names(service.search(conn, name="Schwefelsaure")) == ["sulphuric acid"]  # accents ignored
        assert names(service.search(conn, name="anidride acetica")) == ["acetic anhydride"]
        assert names(service.search(conn, name="acetaminophen")) == ["paracetamol"]  # a synonym
        assert names(service.search(conn, name="100%")) == []  # LIKE wildcards are plain characters
        assert set(names(service.search(conn, cn="2915"))) == {"acetic acid", "acetic anhydride", "ethyl acetate", "formic acid"}
        assert names(service.search(conn, cn="2914 11 00")) == ["acetone", "test entry with a CUS number"]
        assert names(service.search(conn, formula_text="NaCl")) == ["sodium chloride"]
        assert names(service.search(conn, formula_text="C2H5OH")) == ["ethanol"]  # written differently
        assert set(names(service.search(conn, formula_text="C4H10O"))) == {"diethyl ether", "butan-1-ol"}
        assert set(names(service.search(conn, precursor="2b"))) == {"phenylacetic acid", "anthranilic acid",
                                                                   "piperidine", "potassium permanganate"}
        assert names(service.search(conn, cas="67-64-1", precursor="3")) == ["acetone"]
        assert service.search(conn, cas="7440-44-0").total == 0  # well-formed, not in the inventory
        assert [s.id for s in service.lookup(conn, IN_CL016)] == [added.id]
        assert [s.name for s in service.lookup(conn, "203-564-8")] == ["acetic anhydride"]
        assert service.get(conn, added.id).cus == IN_CL016
        counted = telemetry.totals(conn, metric=telemetry.CONSULTATIONS)
    assert counted == {("dds", "ECICS"): 19}


def test_malformed_and_unknown_numbers_say_why(cbox_sqlite):
    with cbox_sqlite.begin() as conn:
        with pytest.raises(Rejected) as exc:
            service.search(conn, cus="0010001-7", cas="64-17-6", ec="200-578", name="x", cn="29x", formula_text="Xy")
        reasons = {i.pointer: i.reason for i in exc.value.issues}
        assert set(reasons) == {"query:cus", "query:cas", "query:ec", "query:name", "query:cn", "query:formula"}
        assert "wrong check digit: expected '6', given '7'" in reasons["query:cus"]
        assert "wrong check digit: expected '5', given '6'" in reasons["query:cas"]
        assert "wrong length" in reasons["query:ec"]
        assert "'Xy' is not a chemical element symbol" in reasons["query:formula"]
        with pytest.raises(NotFound) as missing:
            service.lookup(conn, "7440-44-0")
        assert missing.value.message == "CAS number 7440-44-0 not found"
        with pytest.raises(Rejected) as exc:
            service.lookup(conn, "64175")
        assert "neither a CUS number" in exc.value.issues[0].reason
        assert telemetry.totals(conn, metric=telemetry.CONSULTATIONS) == {}


def test_the_commission_maintains_entries_with_history(cbox, clock):
    with cbox.begin() as conn:
        with pytest.raises(Forbidden):
            service.add(conn, OFFICER, SubstanceEntry.model_validate(examples.entry("ethanol")))
        with pytest.raises(Rejected) as exc:  # the shipped ethanol has no CUS number: its CAS identifies it
            service.add(conn, COMMISSION, SubstanceEntry.model_validate(examples.entry("ethanol")))
        assert exc.value.issues[0].code == "26"
        entry = service.add(conn, COMMISSION, SubstanceEntry.model_validate(
            examples.entry("ethanol", cus=IN_CL016, names={"en": ["ethanol, denatured"], "pt": ["etanol desnaturado"]},
                           cn_code="22072000")))
        assert entry.source == "officer" and entry.names["pt"] == ["etanol desnaturado"]
        changed = service.amend(conn, COMMISSION, entry.id, SubstanceAmendment(
            synonyms=["denatured alcohol"], un_number="1987", reason="CLEN review"))
        assert changed.version == 2 and changed.un_number == "1987" and changed.cus == IN_CL016
        assert names(service.search(conn, name="denatured alc", counted=False)) == ["ethanol, denatured"]
        with pytest.raises(Rejected) as exc:
            service.amend(conn, COMMISSION, entry.id, SubstanceAmendment(cas="64-17-6", cn_code="22071099"))
        assert {i.pointer for i in exc.value.issues} == {"/cas", "/cn_code"}
        ended = service.end(conn, COMMISSION, entry.id, EndEntry(reason="duplicate of the CLEN entry"))
        assert ended.status == "ended" and ended.valid_to == date(2026, 3, 2)
        with pytest.raises(IncorrectState):
            service.amend(conn, COMMISSION, entry.id, SubstanceAmendment(notes="x"))
        assert [h["action"] for h in service.history(conn, entry.id)] == ["add", "amend", "end"]
        assert service.search(conn, cus=IN_CL016, counted=False).total == 1  # valid until the end of today
        assert service.search(conn, cus=IN_CL016, on=date(2026, 3, 3), counted=False).total == 0
        assert service.search(conn, cus=IN_CL016, on=date(2026, 3, 3), include_ended=True, counted=False).total == 1


def test_an_entry_lists_every_error(cbox_sqlite):
    with cbox_sqlite.begin() as conn:
        with pytest.raises(Rejected) as exc:
            service.add(conn, COMMISSION, SubstanceEntry(
                cus=NOT_IN_CL016, ec="200-578-7", cn_code="29149999", names={"fr": ["x"]}, formula="C2H6O)",
                un_number="0000"))
        reasons = {i.pointer: i.reason for i in exc.value.issues}
        assert set(reasons) == {"/cus", "/ec", "/cn_code", "/names/en", "/formula", "/un_number"}
        assert "not in the CS/RD2 list of CUS numbers (CL016)" in reasons["/cus"]
        assert "not in the Combined Nomenclature" in reasons["/cn_code"]
        assert "CL101" in reasons["/un_number"]
        with pytest.raises(Rejected) as exc:
            service.add(conn, COMMISSION, SubstanceEntry(cn_code="29141100", names={"en": ["nameless"]}))
        assert exc.value.issues[0].pointer == "/cas" and exc.value.issues[0].code == "13"


def test_loading_is_idempotent_and_keeps_what_officers_maintain(cbox, tmp_path):
    assert load_ecics(cbox).model_dump() == {"file": "ecics.csv", "rows": 95, "inserted": 0, "updated": 0,
                                            "unchanged": 95, "kept": 0}
    with cbox.begin() as conn:
        acetone = service.search(conn, cas="67-64-1", counted=False).items[0]
        service.amend(conn, COMMISSION, acetone.id, SubstanceAmendment(notes="checked by CLEN"))
    # A new export: one entry changed, one added (gzipped), acetone changed too but kept as the officer left it.
    text = DATA.read_text(encoding="utf-8")
    text = text.replace("ethyl alcohol,,1170", "ethyl alcohol | alcohol,,1170")
    text = text.replace("propan-2-one | dimethyl ketone,3,1090,", "propan-2-one,3,1090,")
    text += ",7757-83-7,231-821-4,28321000,sodium sulphite,sulfite de sodium,Natriumsulfit,,,,,Na2SO3,,,,\n"
    new = tmp_path / "ecics-export.csv.gz"
    new.write_bytes(gzip.compress(text.encode("utf-8")))
    report = load_ecics(cbox, new)
    assert (report.inserted, report.updated, report.unchanged, report.kept) == (1, 1, 93, 1)
    assert load_ecics(cbox, new).unchanged == 95  # and again: nothing changes
    with cbox.read() as conn:
        ethanol = service.search(conn, cas="64-17-5", counted=False).items[0]
        assert ethanol.synonyms == ["ethyl alcohol", "alcohol"] and ethanol.source == "ecics-export.csv.gz"
        assert [h["action"] for h in service.history(conn, ethanol.id)] == ["load", "load"]
        assert service.get(conn, acetone.id).synonyms == ["propan-2-one", "dimethyl ketone"]
        assert service.history(conn, acetone.id)[-1]["changed_by"] == "CLEN" != LOADER
        assert names(service.search(conn, formula_text="Na2SO3", counted=False)) == ["sodium sulphite"]


def test_a_bad_file_is_rejected_whole_with_every_problem_by_line(cbox_sqlite, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("cus,cas,ec,cn_code,name_en,formula\n"
                   "# a comment\n"
                   ",64-17-6,,22071000,ethanol,C2H6O\n"
                   "0010001-7,,,99,thing,\n"
                   ",67-64-1,,29141100,acetone,C3H6O\n"
                   ",67-64-1,,29141100,acetone again,C3H6O\n"
                   ",50-00-0,,29121100,,CH2O\n", encoding="utf-8")
    with pytest.raises(Rejected) as exc:
        load_ecics(cbox_sqlite, bad)
    pointers = {i.pointer for i in exc.value.issues}
    assert pointers == {"line 3/cas", "line 4/cus", "line 4/cn_code", "line 6/cas", "line 7/names/en"}
    assert "nothing was loaded" in exc.value.message
