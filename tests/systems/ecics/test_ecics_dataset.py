"""The shipped representative dataset: every CAS and EC number valid (python-stdnum), names in English, French
and German at least, formulae in Hill notation, CN codes in the nomenclature, UN numbers in CL101, and no CUS
number paired with a substance we cannot vouch for."""

from __future__ import annotations

import pytest
from stdnum import casrn
from stdnum.eu import ecnumber

from eucustoms.refdata import RefData
from eucustoms.systems.ecics.formula import hill
from eucustoms.systems.ecics.loader import DATA, read_rows

ROWS = read_rows(DATA)


def test_the_dataset_is_big_enough_and_has_no_duplicates():
    assert len(ROWS) >= 60
    cas = [r["cas"] for _, r in ROWS]
    ec = [r["ec"] for _, r in ROWS if r["ec"]]
    assert len(set(cas)) == len(cas) and len(set(ec)) == len(ec)


@pytest.mark.parametrize("line, row", ROWS, ids=[r["name_en"] for _, r in ROWS])
def test_every_entry_is_well_formed(line, row):
    assert casrn.is_valid(row["cas"]), f"line {line}: CAS {row['cas']}"
    assert row["ec"] == "" or ecnumber.is_valid(row["ec"]), f"line {line}: EC {row['ec']}"
    assert row["cus"] == "", "the shipped data pairs no CUS number with a substance (see docs/ecics.md)"
    assert all(row[f"name_{lang}"] for lang in ("en", "fr", "de", "es", "it"))
    assert row["formula"] == hill(row["formula"])
    assert len(row["cn_code"]) == 8 and row["cn_code"].isdigit()
    assert row["drug_precursor_category"] in ("", "1", "2A", "2B", "3", "4")


def test_every_ec_number_but_one_is_given():
    assert [r["name_en"] for _, r in ROWS if not r["ec"]] == ["ephedrine"]


def test_cn_codes_and_un_numbers_exist(sqlite_box):
    ref = RefData.from_db(sqlite_box)
    for line, row in ROWS:
        goods = ref.goods(row["cn_code"])
        assert goods is not None and goods.level == "cn8", f"line {line}: CN {row['cn_code']}"
        if row["un_number"]:
            assert ref.code_valid("CL101", row["un_number"]), f"line {line}: UN {row['un_number']}"


def test_the_precursors_are_those_of_the_regulation():
    by_category = {}
    for _, r in ROWS:
        if r["drug_precursor_category"]:
            by_category.setdefault(r["drug_precursor_category"], set()).add(r["name_en"])
    assert by_category == {
        "1": {"ephedrine", "pseudoephedrine", "safrole", "1-phenylpropan-2-one"},
        "2A": {"acetic anhydride"},
        "2B": {"phenylacetic acid", "anthranilic acid", "piperidine", "potassium permanganate"},
        "3": {"acetone", "toluene", "diethyl ether", "butanone", "hydrogen chloride", "sulphuric acid"},
    }
