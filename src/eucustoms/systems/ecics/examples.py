"""Example ECICS entries (JSON-ready dicts) to start from, e.g. ``eucustoms ecics example > entry.json``.

The facts are those of the shipped dataset (``data/ecics.csv``); the example leaves ``cus`` empty for the same
reason the dataset does: which CUS number belongs to which substance is only known from the real inventory."""

from __future__ import annotations

import copy
from typing import Any

Payload = dict[str, Any]

_ENTRIES: dict[str, Payload] = {
    "ethanol": {
        "cas": "64-17-5", "ec": "200-578-6", "cn_code": "22071000",
        "names": {"en": ["ethanol"], "fr": ["éthanol"], "de": ["Ethanol"], "es": ["etanol"], "it": ["etanolo"]},
        "formula": "C2H6O", "synonyms": ["ethyl alcohol"], "un_number": "1170",
        "notes": "undenatured, 80 % vol or more",
    },
    "acetic_anhydride": {
        "cas": "108-24-7", "ec": "203-564-8", "cn_code": "29152400",
        "names": {"en": ["acetic anhydride"], "fr": ["anhydride acétique"], "de": ["Essigsäureanhydrid"]},
        "formula": "C4H6O3", "synonyms": ["ethanoic anhydride"], "drug_precursor_category": "2A", "un_number": "1715",
    },
    "paracetamol": {
        "cas": "103-90-2", "ec": "203-157-5", "cn_code": "29242970",
        "names": {"en": ["paracetamol"], "fr": ["paracétamol"], "de": ["Paracetamol"]},
        "inn": "paracetamol", "formula": "C8H9NO2", "synonyms": ["acetaminophen"],
    },
}

KINDS = tuple(_ENTRIES)


def entry(kind: str = "ethanol", **changes: Any) -> Payload:
    """An entry for the substance ``kind`` (one of :data:`KINDS`), with ``changes`` applied."""
    body = copy.deepcopy(_ENTRIES[kind])
    body.update(changes)
    return body


BUILDERS = {"entry": entry}
