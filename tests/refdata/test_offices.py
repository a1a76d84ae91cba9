"""Customs offices and their roles (COL, CS/RD2 CL141)."""

from __future__ import annotations

from datetime import date

DAY = date(2025, 3, 1)


def test_an_office_of_destination(ref):
    belfast = ref.office("XI000142", DAY)
    assert belfast.name == "Belfast" and belfast.country == "XI"
    assert "DES" in belfast.roles and belfast.has_role("DEP")
    assert ref.office_has_role("XI000142", "DES", DAY)
    assert not ref.office_has_role("XI000142", "GUA", DAY)


def test_unknown_offices(ref):
    assert ref.office("ZZ999999", DAY) is None
    assert not ref.office_has_role("ZZ999999", "DES", DAY)


def test_offices_by_role_and_country(ref):
    destinations = ref.offices(role="DES", as_of=DAY)
    assert len(destinations) == 2514
    assert all("DES" in o.roles for o in destinations)
    northern_ireland = ref.offices(country="XI", as_of=DAY)
    assert len(northern_ireland) == 17 and all(o.reference_number.startswith("XI") for o in northern_ireland)
    assert len(ref.offices(as_of=DAY)) == 4162
    german_exits = ref.offices(country="DE", role="EXT", as_of=DAY)
    assert german_exits and all(o.country == "DE" and o.has_role("EXT") for o in german_exits)


def test_the_english_name_is_preferred(ref):
    andorra = ref.office("AD000001", DAY)
    assert andorra.name == "CUSTOMS OFFICE SANT JULIÀ DE LÒRIA"
    assert set(andorra.names) == {"EN", "ES", "FR"}
    brussels = ref.office("BE000001", DAY)  # no English name: the first language listed
    assert brussels.name == "BRUSSEL - ZENTRAL DIREKTION"


def test_every_role_in_use_has_a_readable_name(ref):
    names = ref.office_roles()
    used = {role for office in ref.offices(as_of=DAY) for role in office.roles}
    assert used <= set(names)
    assert "destination" in names["DES"].lower()
    assert "departure" in names["DEP"].lower()
    assert "supervising" in names["SCO"].lower()
