"""CUS numbers (ECICS): format and the CAS-style check digit, checked against the whole CS/RD2 CUSCode list."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eucustoms.core.errors import InvalidIdentifier
from eucustoms.core.identifiers import CUSNumber

CUS_LIST = Path(__file__).parents[2] / "../shared/refdata/cs-rd2/ncts-p5-codelists/CUSCode.csv"


@pytest.mark.parametrize("code", ["0010001-6", "0010002-7", "0010003-8", "0010004-9"])
def test_official_examples(code: str) -> None:
    cus = CUSNumber.parse(code)
    assert cus == code and cus.serial == code[:7] and cus.check == code[8]


def test_every_code_of_the_official_list_is_valid() -> None:
    if not CUS_LIST.exists():
        pytest.skip("shared reference data not present")
    with CUS_LIST.open(encoding="utf-8") as f:
        codes = [row["code"] for row in csv.DictReader(f)]
    assert len(codes) == 57362
    assert [c for c in codes if not CUSNumber.is_valid(c)] == []
    # and the check digit really discriminates: shifting it makes every code invalid
    shifted = [c[:8] + str((int(c[8]) + 1) % 10) for c in codes[::97]]
    assert not any(CUSNumber.is_valid(c) for c in shifted)


@settings(max_examples=200)
@given(st.integers(0, 9_999_999))
def test_build_round_trips_and_only_one_check_digit_fits(serial: int) -> None:
    cus = CUSNumber.build(serial)
    assert CUSNumber.parse(cus) == cus == f"{serial:07d}-{cus.check}"
    assert CUSNumber.parse(cus.replace("-", "")) == cus
    assert [d for d in "0123456789" if CUSNumber.is_valid(f"{serial:07d}-{d}")] == [cus.check]


def test_check_digit_weights_are_1_to_7_from_the_right() -> None:
    # 0010001: 1*1 + 1*5 = 6; each weight shown by a single 1 digit at that position.
    for position, weight in enumerate([7, 6, 5, 4, 3, 2, 1]):
        body = "".join("1" if i == position else "0" for i in range(7))
        assert CUSNumber.build(body).check == str(weight % 10)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("0010001-5", "wrong check digit: expected '6', given '5'"),
        ("001000-6", "must be 7 digits, a hyphen and a check digit"),
        ("0010001-", "must be 7 digits"),
        ("001000A-6", "must be 7 digits"),
        ("0010001--6", "must be 7 digits"),
    ],
)
def test_reasons(text: str, fragment: str) -> None:
    with pytest.raises(InvalidIdentifier) as exc:
        CUSNumber.parse(text)
    assert fragment in exc.value.reason


@pytest.mark.parametrize("serial", [-1, 10_000_000, "12345", "ABCDEFG", True, 1.0])
def test_build_rejects_bad_serials(serial: object) -> None:
    with pytest.raises(InvalidIdentifier):
        CUSNumber.build(serial)  # type: ignore[arg-type]
