"""The duty calculator on the shipped tariff: ad valorem, specific, compound, MIN/MAX, seasons, preferences with
and without proof, suspension, anti-dumping, quotas, restrictions, VAT, currency conversion and rejections."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from eucustoms.core.errors import Rejected
from eucustoms.core.money import Money
from eucustoms.systems.tariff.calculator import calculate, country_check

DAY = date(2026, 3, 2)


@pytest.fixture
def calc(the_tariff):
    t, ref = the_tariff

    def run(code, origin, value="1000", currency="EUR", on=DAY, **kw):
        return calculate(t, code, origin, on, Money(value, currency), rates=ref.customs_exchange_rate,
                         is_country=country_check(ref), **kw)
    return run


def applied(result):
    return [(d.measure.type_id, d.amount.amount) for d in result.duties if d.applied]


def reasons(exc) -> dict[str, str]:
    return {i.pointer: i.reason for i in exc.value.issues}


def test_ad_valorem_with_vat_and_the_arithmetic_shown(calc):
    r = calc("6109100000", "US", "1234.00", member_state="DE")
    assert applied(r) == [("103", Decimal("148.08"))]
    assert r.duties[0].arithmetic == ("12 % × EUR 1,234.00 = EUR 148.08",)
    assert r.customs_duties.amount == Decimal("148.08")
    assert r.vat.amount == Decimal("262.60")  # 19 % × (1234.00 + 148.08) = 262.5952
    assert r.total.amount == Decimal("410.68")
    assert "19 %" in r.vat_arithmetic and "EUR 262.60" in r.vat_arithmetic


def test_compound_duty_needs_the_quantity_and_converts_kg_to_100_kg(calc):
    r = calc("0201100000", "AR", "5000", quantities={"KGM": "1000"})
    assert applied(r) == [("103", Decimal("2408.00"))]  # 12.8 % × 5000 + 176.8 × 10
    assert r.duties[0].arithmetic[1] == "176.8 EUR / 100 kg × 10 (100 kg) = EUR 1,768.00"
    with pytest.raises(Rejected) as exc:
        calc("0201100000", "AR", "5000")
    assert "/quantities/DTN" in reasons(exc)


def test_specific_duty_per_hectolitre_and_per_percent_volume(calc):
    assert applied(calc("2204210900", "AU", quantities={"LTR": "750"})) == [("103", Decimal("98.25"))]
    r = calc("2208904800", "US", quantities={"LTR": "750", "ASV": "40"})
    assert applied(r) == [("103", Decimal("348.00"))]  # 1 × 40 × 7.5 + 6.4 × 7.5


def test_minimum_and_maximum(calc):
    low = calc("2009111100", "BR", "100", quantities={"KGM": "1000"})  # 15.2 % = 15.20 < MIN 4.5 × 10 = 45
    assert applied(low) == [("103", Decimal("45.00"))]
    assert any("minimum applies" in line for line in low.duties[0].arithmetic)
    high = calc("1806909000", "CH", "1000", quantities={"KGM": "1000"})  # 83 + 120 = 203 > MAX 18 % = 180
    assert applied(high) == [("103", Decimal("180.00"))]
    normal = calc("1806909000", "CH", "10000", quantities={"KGM": "100"})  # 830 + 12 < 1800
    assert applied(normal) == [("103", Decimal("842.00"))]


def test_seasonal_rates_follow_the_date(calc):
    assert applied(calc("0805102200", "MA", on=date(2026, 3, 1)))[0][1] == Decimal("160.00")
    assert applied(calc("0805102200", "MA", on=date(2026, 7, 1)))[0][1] == Decimal("32.00")
    assert applied(calc("0805102200", "MA", on=date(2026, 10, 16)))[0][1] == Decimal("160.00")


def test_a_preference_applies_only_when_claimed_and_proven(calc):
    assert applied(calc("6109100000", "VN"))[0] == ("103", Decimal("120.00"))
    proven = calc("6109100000", "VN", preference="300", proofs=["U164"])
    assert applied(proven) == [("142", Decimal("0.00"))]
    with pytest.raises(Rejected) as exc:
        calc("6109100000", "VN", preference="300")
    assert "proof of origin" in reasons(exc)["/proofs"]
    with pytest.raises(Rejected) as exc:
        calc("6109100000", "US", preference="300", proofs=["N954"])
    assert "no agreement tariff preference" in reasons(exc)["/preference"]


def test_gsp_preference_and_its_excluded_country(calc):
    assert applied(calc("6109100000", "KE", preference="200", proofs=["U162"])) == [("142", Decimal("96.00"))]
    with pytest.raises(Rejected) as exc:  # India is excluded from the GSP preference on textiles
        calc("6109100000", "IN", preference="200", proofs=["U162"])
    assert "/preference" in reasons(exc)


def test_anti_dumping_is_added_per_additional_code(calc):
    r = calc("8712003000", "CN", additional_codes=["C999"], member_state="NL")
    assert applied(r) == [("103", Decimal("140.00")), ("552", Decimal("485.00"))]
    assert r.customs_duties.amount == Decimal("625.00")
    assert r.vat.amount == Decimal("341.25")  # 21 % of 1625
    assert applied(calc("8712003000", "CN", additional_codes=["C520"]))[1] == ("552", Decimal("0.00"))
    assert applied(calc("8712003000", "TW")) == [("103", Decimal("140.00"))]
    with pytest.raises(Rejected) as exc:
        calc("8712003000", "CN")
    assert "C520, C999" in reasons(exc)["/additional_codes"]


def test_suspension_on_a_taric_subdivision(calc):
    assert applied(calc("8507600010", "CN")) == [("112", Decimal("0.00"))]
    assert applied(calc("8507600090", "CN")) == [("103", Decimal("27.00"))]


def test_quota_duty_and_quota_rejections(calc):
    r = calc("2204210600", "BA", quantities={"LTR": "100"}, preference="320", proofs=["N954"], quota_order_number="091528")
    assert applied(r) == [("143", Decimal("0.00"))]
    with pytest.raises(Rejected) as exc:
        calc("2204210600", "RS", quantities={"LTR": "100"}, quota_order_number="091528")
    assert "not open for origin RS" in reasons(exc)["/quota_order_number"]
    with pytest.raises(Rejected) as exc:
        calc("2204210600", "BA", quantities={"LTR": "100"}, quota_order_number="099999")
    assert "does not exist" in reasons(exc)["/quota_order_number"]
    # 090161 is erga omnes (1008: every third country) and covers only 0202 20 30 81.
    assert applied(calc("0202203081", "AR", quota_order_number="090161", quantities={"KGM": "1"}))[0][0] == "123"
    with pytest.raises(Rejected) as exc:
        calc("0202203089", "AR", quota_order_number="090161", quantities={"KGM": "1"})
    assert "does not cover" in reasons(exc)["/quota_order_number"]


def test_restrictions_list_what_is_missing(calc):
    r = calc("0106200000", "BR")
    assert not r.import_allowed and r.restrictions[0].missing == ("C400", "Y900")
    assert calc("0106200000", "BR", proofs=["C400"]).import_allowed
    assert not calc("0208402000", "CA").import_allowed  # seal meat: prohibited
    assert calc("4407111000", "ID", proofs=["C690"]).import_allowed
    assert not calc("4407111000", "ID").import_allowed
    assert calc("4407111000", "BR").import_allowed  # FLEGT only for Indonesia here


def test_a_foreign_currency_is_converted_at_the_monthly_customs_rate(calc, the_tariff):
    _, ref = the_tariff
    rate = ref.customs_exchange_rate("USD", DAY)
    r = calc("6109100000", "US", "1000", "USD")
    expected = (Decimal(1000) / rate).quantize(Decimal("0.01"))
    assert r.customs_value_eur.amount == expected
    assert "USD 1,000.00 ÷" in r.conversion


def test_bad_input_lists_every_error(calc, the_tariff):
    t, ref = the_tariff
    with pytest.raises(Rejected) as exc:
        calculate(t, "9999999999", "QQ", DAY, Money("-5", "EUR"), {"FOO": "1", "KGM": "-1"}, preference="900",
                  quota_order_number="000000", member_state="GB", is_country=country_check(ref))
    assert set(reasons(exc)) == {"/goods_code", "/origin", "/quantities/FOO", "/quantities/KGM", "/preference",
                                 "/member_state", "/customs_value", "/quota_order_number"}


def test_codes_not_valid_on_the_date_or_not_declarable(calc):
    with pytest.raises(Rejected) as exc:
        calc("6109100000", "US", on=date(2020, 1, 1))
    assert "not valid on 2020-01-01" in reasons(exc)["/goods_code"]
    with pytest.raises(Rejected) as exc:
        calc("6109000000", "US")
    assert "not a declarable end-line" in reasons(exc)["/goods_code"]
    with pytest.raises(Rejected) as exc:
        calc("61091000", "XX")
    assert "/origin" in reasons(exc)


def test_a_currency_without_a_customs_rate_is_rejected(calc):
    with pytest.raises(Rejected) as exc:
        calc("6109100000", "US", "1000", "XDR")
    assert "/customs_value/currency" in reasons(exc)


def test_the_measures_of_a_code_and_date_are_resolved_once(the_tariff):
    t, _ = the_tariff
    first = t.measures_on("6109100000", DAY)
    assert t.measures_on("6109100000", DAY) is first
