"""Properties of the BTI references, the three-year validity and the search terms (Hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eucustoms.core.errors import InvalidIdentifier
from eucustoms.core.identifiers import EORI_PREFIXES
from eucustoms.systems.ebti.references import ApplicationReference, BTIReference
from eucustoms.systems.ebti.service import three_years
from eucustoms.systems.ebti.terms import fold, query_terms, terms

countries = st.sampled_from(sorted(EORI_PREFIXES))


@given(countries, st.integers(2000, 2099), st.integers(1, 999_999))
def test_references_round_trip(country, year, serial):
    ref = BTIReference.build(country, year, serial)
    assert BTIReference.parse(ref.lower()) == ref and ref.country == country and len(ref) == 15
    assert not ApplicationReference.is_valid(ref)


@pytest.mark.parametrize("text", ["DEBTI12345/24-1", "nlbti-2019-000123", " FRBTI2026000001 "])
def test_references_composed_elsewhere_are_accepted(text):
    assert BTIReference.is_valid(text)


@pytest.mark.parametrize("text, reason", [
    ("DE", "must be a country code"), ("USBTI123", "not the code of a member state"),
    ("DEBOI123", "must be 'BTI'"), ("DEBTI12_3", "[0-9A-Z/-]"), ("DEBTI" + "1" * 30, "1 to 29"),
])
def test_bad_references_say_why(text, reason):
    with pytest.raises(InvalidIdentifier) as exc:
        BTIReference.parse(text)
    assert reason in exc.value.reason


@given(st.dates(date(2000, 1, 1), date(2090, 12, 31)))
def test_three_years_end_the_day_before_the_third_anniversary(start):
    end = three_years(start)
    following = end + timedelta(days=1)
    assert following.year == start.year + 3
    assert (following.month, following.day) == ((start.month, start.day) if (start.month, start.day) != (2, 29) else (3, 1))
    assert 3 * 365 - 1 <= (end - start).days <= 3 * 366


words = st.text(st.characters(whitelist_categories=("Lu", "Ll")), min_size=2, max_size=12)


@given(st.lists(words, min_size=1, max_size=6))
def test_every_word_of_a_text_is_found_by_any_of_its_prefixes(ws):
    text = " ".join(ws)
    indexed = terms(text)
    for w in ws:
        for q in query_terms(w):
            for n in range(2, len(q) + 1):  # words of one letter are not indexed
                assert any(t.startswith(q[:n]) for t in indexed)


@given(st.text(max_size=40))
def test_folding_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


def test_folding_ignores_case_and_accents():
    assert terms("Gerät für Straßen-Fahrzeuge, ÉTÉ") == {"gerat", "fur", "strassen", "fahrzeuge", "ete"}
