"""Countries and country groups "as of" a date: EU membership, customs territory, ICS2, transit, euro."""

from __future__ import annotations

from datetime import date, datetime

import pytest

EU27 = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT",
        "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}


@pytest.mark.parametrize("day, member", [
    (date(2019, 6, 1), True), (date(2020, 2, 1), True), (date(2020, 12, 31), True),
    (date(2021, 1, 1), False), (date(2021, 6, 1), False),
])
def test_gb_is_a_member_state_until_the_end_of_the_transition_period(ref, day, member):
    assert ref.is_member_state("GB", day) is member
    assert ("GB" in ref.member_states(day)) is member


def test_accessions_since_2007_take_effect_on_their_day(ref):
    assert not ref.is_member_state("HR", date(2013, 6, 30))
    assert ref.is_member_state("HR", date(2013, 7, 1))
    for code in ("BG", "RO"):
        assert not ref.is_member_state(code, date(2006, 12, 31))
        assert ref.is_member_state(code, date(2007, 1, 1))


def test_member_states_over_time(ref):
    assert ref.member_states(date(2025, 6, 1)) == EU27
    assert ref.member_states(date(2019, 6, 1)) == EU27 | {"GB"}
    assert len(ref.member_states(date(2010, 1, 1))) == 27  # EU27 - HR + GB


def test_northern_ireland_is_in_the_customs_territory_but_not_a_member_state(ref):
    assert not ref.is_member_state("XI", date(2024, 1, 1))
    assert ref.in_customs_territory("XI", date(2021, 1, 1))
    assert not ref.in_customs_territory("XI", date(2020, 12, 31))
    assert not ref.in_customs_territory("GB", date(2021, 1, 1))
    assert ref.in_customs_territory("GB", date(2020, 12, 31))


def test_the_ics2_area_is_eu27_plus_xi_no_ch(ref):
    area = ref.ics2_area(date(2025, 1, 1))
    assert len(area) == 30
    assert area == EU27 | {"XI", "NO", "CH"}
    assert ref.ics2_area(date(2021, 3, 14)) == frozenset()


def test_default_as_of_is_the_process_clock(ref, clock_at):
    clock_at(datetime(2019, 6, 1, 12))
    assert ref.is_member_state("GB")
    assert len(ref.member_states()) == 28
    clock_at(datetime(2026, 3, 1, 12))
    assert not ref.is_member_state("GB")
    assert "BG" in ref.euro_area()


def test_euro_area_accessions(ref):
    assert "HR" not in ref.euro_area(date(2022, 12, 31))
    assert "HR" in ref.euro_area(date(2023, 1, 1))
    assert "BG" not in ref.euro_area(date(2025, 12, 31))
    assert "BG" in ref.euro_area(date(2026, 1, 1))
    assert len(ref.euro_area(date(2026, 1, 1))) == 21
    assert ref.euro_area(date(2026, 1, 1)) <= ref.member_states(date(2026, 1, 1))


def test_national_currency_follows_euro_adoption(ref):
    assert ref.currency_of("BG", date(2025, 12, 31)) == "BGN"
    assert ref.currency_of("BG", date(2026, 1, 1)) == "EUR"
    assert ref.currency_of("HR", date(2022, 12, 31)) == "HRK"
    assert ref.currency_of("HR", date(2023, 1, 1)) == "EUR"
    assert ref.currency_of("PL", date(2025, 1, 1)) == "PLN"
    assert ref.currency_of("XI", date(2025, 1, 1)) == "GBP"
    assert ref.code_valid("Currency", "USD", date(2025, 1, 1))
    assert not ref.code_valid("Currency", "HRK", date(2023, 6, 1))


def test_common_transit_countries(ref):
    ctc = ref.common_transit_countries(date(2025, 6, 1))
    assert {"AD", "SM", "CH", "NO", "IS", "GB", "TR", "MK", "RS", "UA", "GE", "XI"} <= ctc
    assert set(ref.codelist("CountryCodesCommonTransit", date(2025, 6, 1))) <= ctc
    assert "UA" not in ref.common_transit_countries(date(2022, 9, 30))
    assert "UA" in ref.common_transit_countries(date(2022, 10, 1))
    assert "GE" not in ref.common_transit_countries(date(2025, 1, 31))
    assert "US" not in ctc


def test_enlargement_countries(ref):
    assert ref.enlargement_countries(date(2025, 1, 1)) == {"AL", "BA", "ME", "MK", "RS", "TR", "UA", "MD", "GE", "XK"}
    assert ref.in_group("BA", "POTENTIAL_CANDIDATE", date(2022, 12, 14))
    assert ref.in_group("BA", "CANDIDATE", date(2022, 12, 15))
    assert not ref.in_group("BA", "POTENTIAL_CANDIDATE", date(2022, 12, 15))
    assert ref.in_group("HR", "CANDIDATE", date(2013, 6, 30))
    assert not ref.in_group("HR", "CANDIDATE", date(2013, 7, 1))


def test_country_carries_its_name_and_groups_of_the_day(ref):
    de = ref.country("DE", date(2025, 1, 1))
    assert de.name == "Germany"
    assert {"EU", "CUSTOMS", "ICS2", "CTC", "EURO"} <= de.groups
    assert de.is_member_state and de.currency == "EUR"
    gb_before, gb_after = ref.country("GB", date(2019, 1, 1)), ref.country("GB", date(2022, 1, 1))
    assert "EU" in gb_before.groups and "EU" not in gb_after.groups
    assert ref.country("XI", date(2022, 1, 1)).kind == "customs"
    assert ref.country("ZZ", date(2022, 1, 1)) is None


def test_third_countries(ref):
    day = date(2025, 1, 1)
    assert ref.is_third_country("US", day)
    assert ref.is_third_country("GB", day)
    assert ref.is_third_country("XC", day)  # Ceuta: outside the customs territory
    assert not ref.is_third_country("GB", date(2020, 6, 1))
    assert not ref.is_third_country("FR", day)
    assert not ref.is_third_country("QU", day)  # a statistical code, not a country


def test_special_territories_with_changing_status(ref):
    campione_2019 = ref.special_territory("IT-CAMPIONE", date(2019, 12, 31))
    campione_2020 = ref.special_territory("IT-CAMPIONE", date(2020, 1, 1))
    assert not campione_2019.customs_territory and campione_2020.customs_territory
    assert not campione_2020.vat_territory
    canaries = ref.special_territory("ES-CN", date(2025, 1, 1))
    assert canaries.customs_territory and not canaries.vat_territory and canaries.member_state == "ES"
    aland = ref.special_territory("AX", date(2025, 1, 1))
    assert aland.customs_territory and not aland.vat_territory
    ceuta = ref.special_territory("XC", date(2025, 1, 1))
    assert not ceuta.customs_territory and not ceuta.vat_territory
    assert ref.special_territory("YT", date(2013, 6, 1)).customs_territory is False
    assert ref.special_territory("YT", date(2014, 6, 1)).customs_territory is True
    assert {t.code for t in ref.special_territories(date(2025, 1, 1))} >= {"ES-CN", "AX", "GR-69", "XC", "XL"}
