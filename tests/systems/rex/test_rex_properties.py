"""REX numbers: built numbers parse back; any text parses or is an invalid identifier; an EU number carries an EORI.
The registration's transition table: exactly the listed steps are allowed."""

from __future__ import annotations

import hypothesis.strategies as st
import pytest
from hypothesis import given

from eucustoms.core.errors import IncorrectState, InvalidIdentifier
from eucustoms.core.identifiers import EORI_PREFIXES
from eucustoms.systems.rex.codes import BENEFICIARIES
from eucustoms.systems.rex.references import RexNumber
from eucustoms.systems.rex.states import STATES, TRANSITIONS, next_state

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@given(st.sampled_from(sorted(EORI_PREFIXES)), st.text(alphabet=ALNUM, min_size=1, max_size=15))
def test_eu_numbers_are_country_rex_eori(country, national):
    number = RexNumber.build(country, country + national)
    assert number.in_union and number.national == country + national and RexNumber.parse(number.lower()) == number


@given(st.sampled_from(sorted(BENEFICIARIES)), st.text(alphabet=ALNUM, min_size=1, max_size=30))
def test_beneficiary_numbers_round_trip(country, national):
    number = RexNumber.build(country, national)
    assert not number.in_union and number.country == country and number.national == national


@given(st.text(max_size=40))
def test_any_text_is_a_rex_number_or_invalid(text):
    try:
        number = RexNumber.parse(text)
    except InvalidIdentifier:
        return
    assert number[2:5] == "REX" and len(number) <= 35


@pytest.mark.parametrize("bad, why", [
    ("DEREXUS123", "EORI"), ("DEREX", "6 to 35"), ("ELREX12345", "Greece is GR"), ("INRAX1234", "'REX'"),
    ("INREX12-34", "[0-9A-Z]"),
])
def test_malformed_numbers_say_why(bad, why):
    with pytest.raises(InvalidIdentifier) as exc:
        RexNumber.parse(bad)
    assert why in exc.value.reason


def test_only_the_listed_steps_are_allowed():
    actions = {a for _, a in TRANSITIONS}
    for state in STATES:
        for action in actions:
            if (state, action) in TRANSITIONS:
                assert next_state("N", state, action) in STATES
            else:
                with pytest.raises(IncorrectState):
                    next_state("N", state, action)
