"""The HS 2022 / CN 2023-2026 goods nomenclature with validity dates."""

from __future__ import annotations

from datetime import date

import pytest


def test_a_cn_code_added_in_2025_is_not_valid_in_2024(ref):
    assert not ref.is_valid_goods_code("03028150", date(2024, 12, 31))
    assert ref.is_valid_goods_code("03028150", date(2025, 1, 1))
    assert ref.goods("03028150", date(2026, 6, 1)).description == "Shortfin Mako shark (Isurus Oxyrinchus)"


def test_a_cn_code_removed_after_2023_is_valid_only_in_2023(ref):
    assert ref.is_valid_goods_code("08039010", date(2023, 12, 31))
    assert not ref.is_valid_goods_code("08039010", date(2024, 1, 1))
    assert ref.goods("08039010", date(2024, 1, 1)) is None


def test_cn8_with_full_description_parent_and_supplementary_unit(ref):
    horses = ref.goods("01012910", date(2025, 1, 1))
    assert horses.level == "cn8" and horses.parent == "010129"
    assert horses.description == "For slaughter"
    assert horses.full_description == "Live horses, asses, mules and hinnies — Other — For slaughter"
    assert horses.hs_description == "Horses; live, other than pure-bred breeding animals"
    assert horses.supplementary_unit == "NAR" and horses.supplementary_unit_eu == "PST"


@pytest.mark.parametrize("code, unit", [("01012910", "NAR"), ("21069020", "LPA"), ("37011000", "MTK"),
                                        ("04090000", None)])
def test_supplementary_units_are_taric_codes(ref, code, unit):
    assert ref.supplementary_unit(code, date(2025, 1, 1)) == unit


def test_every_supplementary_unit_maps_into_the_taric_unit_list(ref):
    mapping = ref.supplementary_units()
    assert mapping["PST"] == "NAR" and mapping["L_ALC_100PCT"] == "LPA" and mapping["M3"] == "MTQ"
    taric_units = ref.codelist("CL349", date(2025, 1, 1))
    assert set(mapping.values()) <= set(taric_units)


def test_hs6_chapters_and_headings(ref):
    day = date(2025, 1, 1)
    hs6 = ref.goods("010121", day)
    assert hs6.level == "hs6" and hs6.description == "Horses; live, pure-bred breeding animals"
    assert ref.goods("0101", day).level == "heading"
    assert ref.goods("01", day).level == "chapter"
    for artefact in ("99", "9999", "999999", "77"):
        assert not ref.is_valid_goods_code(artefact, day)
    assert not ref.is_valid_goods_code("010121", date(2021, 12, 31))  # before HS 2022


def test_codes_with_spaces_and_bad_codes(ref):
    day = date(2025, 1, 1)
    assert ref.is_valid_goods_code("0101 29 10", day)
    assert not ref.is_valid_goods_code("0101291", day)
    assert not ref.is_valid_goods_code("ABCDEFGH", day)
    assert not ref.is_valid_goods_code("01012911", day)


def test_children_of_a_heading_and_of_a_subheading(ref):
    day = date(2025, 1, 1)
    assert [g.code for g in ref.children("0101", day)] == ["010121", "010129", "010130", "010190"]
    assert [g.code for g in ref.children("010129", day)] == ["01012910", "01012990"]
    assert "0101" in [g.code for g in ref.children("01", day)]
    sharks_2024 = {g.code for g in ref.children("030281", date(2024, 6, 1))}
    sharks_2025 = {g.code for g in ref.children("030281", date(2025, 6, 1))}
    assert "03028150" in sharks_2025 - sharks_2024


def test_every_cn8_code_of_a_year_is_valid_with_an_hs6_parent(ref):
    day = date(2026, 6, 1)
    codes = [c for h in ("8471", "2208", "6403") for s in ref.children(h, day) for c in ref.children(s.code, day)]
    assert len(codes) > 40
    for g in codes:
        assert ref.goods(g.parent, day).level == "hs6"
        assert g.full_description.endswith(g.description)
