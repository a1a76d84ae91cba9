"""Properties of the NCTS XML layer (Hypothesis): header values, leaf formatting and child order survive a
render/parse round trip."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from eucustoms.systems.transit.xml import header, parse, render
from eucustoms.systems.transit.xml.examples import MRN_EXAMPLE, cc015c, cc928c

# What an xs:token with the pattern .{1,35} holds: no control characters, no surrogates or non-characters,
# no leading, trailing or repeated whitespace (the header refuses those: the XSD would collapse them).
_char = st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Zl", "Zp", "Co"), blacklist_characters="\x85")
token = st.lists(st.text(_char.filter(lambda c: not c.isspace()), min_size=1, max_size=8), min_size=1, max_size=4) \
    .map(" ".join).filter(lambda t: len(t) <= 35)
moment = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31),
                      timezones=st.sampled_from([None, UTC]))


@settings(max_examples=60, deadline=None)
@given(sender=token, recipient=token, correlation=st.none() | token, at=moment)
def test_header_values_round_trip(sender, recipient, correlation, at):
    head = header("CC928C", sender, recipient, correlation=correlation, at=at)
    data = {**cc928c(mrn=MRN_EXAMPLE), **head}
    parsed = parse(render("CC928C", data), expected="CC928C").data
    assert {k: parsed.get(k) for k in head} == head
    assert parsed["preparationDateAndTime"] == at.replace(tzinfo=None, microsecond=0).isoformat()


@settings(max_examples=60, deadline=None)
@given(amount=st.decimals(min_value=0, max_value=Decimal("99999999999999.99"), places=2, allow_nan=False, allow_infinity=False))
def test_decimals_are_rendered_plain_and_read_back_equal(amount):
    data = cc015c()
    data["Guarantee"][0]["GuaranteeReference"][0]["amountToBeCovered"] = amount
    text = parse(render("CC015C", data)).data["Guarantee"][0]["GuaranteeReference"][0]["amountToBeCovered"]
    assert "E" not in text.upper() and Decimal(text) == amount


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), items=st.integers(1, 4))
def test_child_order_comes_from_the_schema(seed, items):
    rng = random.Random(seed)
    data = cc015c(items=items)

    def shuffle(value):
        if isinstance(value, dict):
            pairs = list(value.items())
            rng.shuffle(pairs)
            return {k: shuffle(v) for k, v in pairs}
        if isinstance(value, list):
            return [shuffle(v) for v in value]
        return value

    assert render("CC015C", shuffle(data)) == render("CC015C", data)
