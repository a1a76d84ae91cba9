"""EORI, customs office references, LRN, UCR, goods codes, CAS and EC numbers, and the shared identifier base."""

from __future__ import annotations

import copy
import csv
import pickle
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eucustoms.core.errors import InvalidIdentifier
from eucustoms.core.identifiers import (
    EORI,
    EORI_PREFIXES,
    EU_MEMBER_STATES,
    LRN,
    MRN,
    UCR,
    CASNumber,
    CNCode,
    CustomsOfficeRef,
    ECNumber,
    HSCode,
    Identifier,
    TaricCode,
    is_eu_eori_prefix,
)
from eucustoms.core.ids.countries import iso_alpha2

ALNUM = string.digits + string.ascii_uppercase
REFDATA = Path(__file__).parents[2] / "../shared/refdata"


def reason_of(cls: type[Identifier], text: object) -> str:
    with pytest.raises(InvalidIdentifier) as exc:
        cls.parse(text)
    assert exc.value.kind == cls.kind
    return exc.value.reason


# --- the base ------------------------------------------------------------------------------------------------------


def test_identifiers_are_immutable_strings_with_a_clear_repr() -> None:
    eori = EORI.parse(" de123456789 ")
    assert isinstance(eori, str) and eori == "DE123456789"
    assert repr(eori) == "EORI('DE123456789')"
    assert str(eori) == "DE123456789" and type(str(eori)) is str
    with pytest.raises(AttributeError):
        eori.extra = 1  # type: ignore[attr-defined]
    assert EORI(eori) is eori
    assert {eori: 1}["DE123456789"] == 1


def test_identifiers_survive_pickle_and_copy() -> None:
    for value in [EORI("DE1"), MRN.build(2024, "DE", 1, "A"), TaricCode("0101210000"), LRN("my ref")]:
        for clone in (pickle.loads(pickle.dumps(value)), copy.deepcopy(value)):
            assert clone == value and type(clone) is type(value)


# --- EORI ------------------------------------------------------------------------------------------------------------


def test_eu_member_states_are_the_27_with_gr_for_greece() -> None:
    assert len(EU_MEMBER_STATES) == 27
    assert EU_MEMBER_STATES <= iso_alpha2()
    assert "GR" in EU_MEMBER_STATES and "EL" not in EU_MEMBER_STATES and "GB" not in EU_MEMBER_STATES
    assert EORI_PREFIXES == EU_MEMBER_STATES | {"XI"}


@pytest.mark.parametrize("prefix", sorted(EU_MEMBER_STATES | {"XI"}) + ["gr", " xi "])
def test_eu_issuing_prefixes(prefix: str) -> None:
    assert is_eu_eori_prefix(prefix)


@pytest.mark.parametrize("prefix", ["EL", "GB", "XU", "US", "CH", "", "D", None])
def test_non_eu_prefixes(prefix: object) -> None:
    assert not is_eu_eori_prefix(prefix)  # type: ignore[arg-type]


@settings(max_examples=150)
@given(st.sampled_from(sorted(EORI_PREFIXES)), st.text(alphabet=ALNUM, min_size=1, max_size=15))
def test_eori_round_trips(prefix: str, national: str) -> None:
    eori = EORI.parse(f" {(prefix + national).lower()}\t")
    assert (eori.country, eori.national) == (prefix, national)
    assert eori == prefix + national


@pytest.mark.parametrize("text", ["DE123456789012345", "XI123456789000", "GR094014201", "NL023111152", "DE1"])
def test_valid_eoris(text: str) -> None:
    assert EORI.is_valid(text)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("DE1234567890123456", "must be 3 to 17 characters"),
        ("DE", "must be 3 to 17 characters"),
        ("EL094014201", "Greece issues EORI numbers with the prefix GR"),
        ("GB123456789000", "'GB' is not an EU member state"),
        ("QQ123", "'QQ' is not a country code"),
        ("DE 12345", "national part (after the prefix) may hold only [0-9A-Z], not ' '"),
        ("DE12-345", "not '-'"),
    ],
)
def test_eori_reasons(text: str, fragment: str) -> None:
    assert fragment in reason_of(EORI, text)


# --- customs office reference ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["DE004700", "XI000142", "gr001002", "CH001001"])
def test_valid_office_references(text: str) -> None:
    ref = CustomsOfficeRef.parse(text)
    assert ref == text.upper() and ref.country == text[:2].upper() and ref.national == text[2:].upper()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("DE00470", "must be 8 characters, got 7"),
        ("DE0047000", "must be 8 characters, got 9"),
        ("QQ004700", "country code (positions 1-2) 'QQ'"),
        ("1E004700", "country code (positions 1-2) must be two letters"),
        ("DE0047-0", "office number (positions 3-8)"),
    ],
)
def test_office_reference_reasons(text: str, fragment: str) -> None:
    assert fragment in reason_of(CustomsOfficeRef, text)


def test_every_office_of_the_customs_office_list_parses() -> None:
    path = REFDATA / "customs-offices/customs_offices.csv"
    if not path.exists():
        pytest.skip("shared reference data not present")
    with path.open(encoding="utf-8") as f:
        refs = {row["reference_number"] for row in csv.DictReader(f)}
    assert len(refs) > 3000
    assert [r for r in refs if not CustomsOfficeRef.is_valid(r)] == []


# --- LRN and UCR ------------------------------------------------------------------------------------------------------------


@settings(max_examples=150)
@given(st.text(alphabet=string.ascii_letters + string.digits + "-_./ ", min_size=1, max_size=22))
def test_lrn_keeps_case_and_inner_spaces(text: str) -> None:
    if not text.strip():
        assert not LRN.is_valid(text)
    else:
        assert LRN.parse(text) == text.strip()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        ("A" * 23, "must be at most 22 characters, got 23"),
        ("REF\x00001", "not '\\x00'"),
        ("REF\t001", "not '\\t'"),
        ("REF#1", "not '#'"),
        ("RÉF1", "not 'É'"),
    ],
)
def test_lrn_reasons(text: str, fragment: str) -> None:
    assert fragment in reason_of(LRN, text)


def test_lrn_examples() -> None:
    assert LRN.parse(" MDTP-18 ") == "MDTP-18"
    assert LRN.parse("DHbrfgDQJRm") == "DHbrfgDQJRm"
    assert LRN.is_valid("A" * 22) and LRN.is_valid("inv 2024/001_a.b")


def test_ucr_is_upper_cased_and_limited() -> None:
    assert UCR.parse(" 4gb123456789000-0001 ") == "4GB123456789000-0001"
    assert UCR.is_valid("DE/123.(45):6+7")
    assert UCR.is_valid("X" * 35)
    assert "at most 35 characters, got 36" in reason_of(UCR, "X" * 36)
    assert "not ' '" in reason_of(UCR, "AB CD")
    assert "not '_'" in reason_of(UCR, "AB_CD")
    assert "must not be empty" in reason_of(UCR, " ")


# --- goods codes -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["0101 21 00", "0101.21.00", " 01012100 ", "0101 2100"])
def test_cn_code_normalises_separators(text: str) -> None:
    cn = CNCode.parse(text)
    assert cn == "01012100"
    assert (cn.chapter, cn.heading, cn.hs6) == ("01", "0101", "010121")
    assert type(cn.hs6) is HSCode


def test_taric_code_parts() -> None:
    taric = TaricCode.parse("8471 30 00 00")
    assert (taric.chapter, taric.heading, taric.hs6, taric.cn8) == ("84", "8471", "847130", "84713000")
    assert type(taric.cn8) is CNCode
    assert HSCode.parse("8471.30").hs6 == "847130"


@pytest.mark.parametrize("chapter", range(100))
def test_chapters_01_to_97_except_77(chapter: int) -> None:
    valid = 1 <= chapter <= 97 and chapter != 77
    for cls, length in [(HSCode, 6), (CNCode, 8), (TaricCode, 10)]:
        assert cls.is_valid(f"{chapter:02d}".ljust(length, "0")) == valid


@pytest.mark.parametrize(
    ("cls", "text", "fragment"),
    [
        (HSCode, "7700000", "must be 6 digits, got 7"),
        (HSCode, "77000", "must be 6 digits, got 5"),
        (CNCode, "010121001", "must be 8 digits, got 9"),
        (TaricCode, "01012100", "must be 10 digits, got 8"),
        (CNCode, "0101-21-00", "not '-'"),
        (CNCode, "0101 2I 00", "not 'I'"),
        (CNCode, "", "must not be empty"),
        (CNCode, "77010000", "chapter 77 is reserved"),
        (CNCode, "98010000", "chapter 98 does not exist"),
        (CNCode, "00010000", "chapter 00 does not exist"),
    ],
)
def test_goods_code_reasons(cls: type[Identifier], text: str, fragment: str) -> None:
    assert fragment in reason_of(cls, text)


@settings(max_examples=100)
@given(st.text(alphabet=string.digits, min_size=10, max_size=10))
def test_goods_code_prefixes_are_consistent(digits: str) -> None:
    chapter = int(digits[:2])
    if not (1 <= chapter <= 97 and chapter != 77):
        assert not TaricCode.is_valid(digits)
        return
    taric = TaricCode(digits)
    assert taric.cn8 == CNCode(digits[:8]) and taric.cn8.hs6 == taric.hs6 == HSCode(digits[:6])
    assert TaricCode.parse(f"{digits[:4]}.{digits[4:6]}.{digits[6:8]} {digits[8:]}") == taric


def test_every_cn_code_of_the_2026_nomenclature_parses() -> None:
    path = REFDATA / "cn/cn8_2026.csv"
    if not path.exists():
        pytest.skip("shared reference data not present")
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) > 9000
    assert [r["code"] for r in rows if not (CNCode.is_valid(r["code"]) and CNCode(r["raw_code"]) == r["code"])] == []


# --- CAS and EC numbers --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "canonical"), [("7732-18-5", "7732-18-5"), ("7732185", "7732-18-5"), (" 64-17-5 ", "64-17-5")])
def test_valid_cas_numbers(text: str, canonical: str) -> None:
    assert CASNumber.parse(text) == canonical


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("7732-18-4", "wrong check digit: expected '5', given '4'"),
        ("07732-18-5", "wrong format"),
        ("7732-1A-5", "wrong format"),
        ("1-1", "wrong length"),
    ],
)
def test_cas_reasons(text: str, fragment: str) -> None:
    assert fragment in reason_of(CASNumber, text)


def test_ec_numbers() -> None:
    assert ECNumber.parse("200-001-8") == "200-001-8"
    assert ECNumber.parse("2000018") == "200-001-8"
    assert "wrong check digit: expected '8', given '9'" in reason_of(ECNumber, "200-001-9")
    assert "wrong length" in reason_of(ECNumber, "200-01-8")
    assert "wrong format" in reason_of(ECNumber, "20A-001-8")
