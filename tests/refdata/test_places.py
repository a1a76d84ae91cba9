"""UN/LOCODE places with their function flags."""

from __future__ import annotations


def test_a_port_city(ref):
    hamburg = ref.place("DEHAM")
    assert hamburg.country == "DE" and hamburg.name == "Hamburg"
    assert hamburg.is_port and hamburg.is_rail and hamburg.is_road and hamburg.is_airport
    assert not hamburg.is_border_crossing
    assert round(hamburg.latitude) == 54 and round(hamburg.longitude) == 10
    assert ref.place("de ham") == hamburg


def test_a_border_crossing(ref):
    horbranz = ref.place("ATHBZ")
    assert horbranz.is_border_crossing and horbranz.is_road and not horbranz.is_port


def test_unknown_place(ref):
    assert ref.place("ZZZZZ") is None


def test_places_listed_twice_keep_their_alternative_name(ref):
    brussels = ref.place("BEBRU")
    assert brussels.name == "Brussel (Bruxelles)"
    assert brussels.alt_names == ("Bruxelles (Brussel)",)


def test_names_damaged_upstream_use_their_ascii_spelling(ref):
    assert ref.place("ADEAC").name == "Escas"
    assert not [p for p in ref.places("FR") if "\ufffd" in p.name]


def test_places_of_a_country_by_function(ref):
    airports = ref.places("MT", function="airport")
    assert airports and all(p.country == "MT" and p.is_airport for p in airports)
