"""Properties of formulae in Hill notation and of the name folding (Hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eucustoms.systems.ecics.formula import ELEMENTS, FormulaError, hill, parse
from eucustoms.systems.ecics.service import fold

elements = st.sampled_from(sorted(ELEMENTS))
counts = st.dictionaries(elements, st.integers(1, 40), min_size=1, max_size=6)


def written(c: dict[str, int], order: list[str]) -> str:
    return "".join(f"{e}{c[e] if c[e] > 1 else ''}" for e in order)


@given(counts, st.randoms())
def test_hill_notation_does_not_depend_on_the_order_written(c, rnd):
    order = list(c)
    rnd.shuffle(order)
    text = written(c, order)
    assert parse(text) == c
    assert hill(text) == hill(written(c, sorted(c))) == hill(hill(text))


@given(counts, st.integers(2, 9))
def test_groups_and_hydrates_multiply(c, n):
    text = written(c, sorted(c))
    assert parse(f"({text}){n}") == {e: v * n for e, v in c.items()}
    assert parse(f"{text}·{n}H2O")["O"] == c.get("O", 0) + n


def test_hill_examples():
    assert hill("NaCl") == "ClNa" and hill("C2H5OH") == "C2H6O" and hill("Ca(OH)2") == "CaH2O2"
    assert hill("CuSO4·5H2O") == "CuH10O9S" and hill("CHCl3") == "CHCl3"


@pytest.mark.parametrize("text, reason", [("", "empty"), ("Qq", "not a chemical element"), ("C2H6O)", "without '('"),
                                          ("(CH3", "not closed"), ("C0", "count of 0"), ("2", "follows no element"),
                                          ("C-H", "cannot appear")])
def test_bad_formulae_say_why(text, reason):
    with pytest.raises(FormulaError) as exc:
        hill(text)
    assert reason in str(exc.value)


@given(st.text(max_size=30))
def test_folding_is_idempotent_and_case_blind(text):
    assert fold(fold(text)) == fold(text)
    assert fold(text.upper()) == fold(text.lower()) or any(ch in text for ch in "ßİı")


def test_folding_examples():
    assert fold("  Éther   DIÉTHYLIQUE ") == "ether diethylique"
    assert fold("Essigsäureanhydrid") == "essigsaureanhydrid"
