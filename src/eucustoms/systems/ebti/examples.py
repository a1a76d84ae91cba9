"""Realistic example BTI applications and decisions (JSON-ready dicts) to start from.

The goods and their classifications are real lines of the Combined Nomenclature 2023-2026 shipped with the
reference data (and one TARIC subdivision of the representative tariff); the holders are invented, their EORI
numbers well-formed but fictitious; the attachments point at example.org with made-up hashes. Every builder
returns a fresh dict. The tomatoes' CN code 0702 00 00 was valid until 31 December 2024 (the CN 2025 subdivided
it): its decision is accepted only on a day up to then, which makes it the example of a BTI that ceases with a
change of the nomenclature::

    app = service.lodge(conn, trader, BtiApplicationRequest.model_validate(examples.application("drill")))
    bti = service.decide(conn, officer, app.reference, DecisionRequest.model_validate(examples.decision("drill")))
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

Payload = dict[str, Any]

HOLDER = "DE4471190023"  # fictitious


def _sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


_GOODS: dict[str, tuple[Payload, Payload]] = {
    "drill": (
        {"member_state": "DE", "language": "en", "samples": True, "proposed_code": "84672110",
         "goods_description": "Cordless hand-held drill/driver with a self-contained 18 V lithium-ion battery, "
                              "brushless electric motor, two-speed gearbox and 13 mm keyless chuck; put up in a "
                              "plastic case with a charger and a second battery.",
         "commercial_denomination": "Kraftwerk DS-18 BL Set",
         "attachments": [{"uri": "https://example.org/bti/ds18/front.jpg", "media_type": "image/jpeg",
                          "sha256": _sha("ds18-front"), "kind": "image", "description": "the drill, front view"},
                         {"uri": "https://example.org/bti/ds18/datasheet.pdf", "media_type": "application/pdf",
                          "sha256": _sha("ds18-datasheet"), "kind": "document"}],
         "confidential": ["commercial_denomination"]},
        {"code": "84672110", "keywords": ["drill", "cordless", "battery-powered", "hand tool"],
         "justification": "Classification is determined by General Interpretative Rules 1, 3(b) and 6 and by the "
                          "wording of CN codes 8467, 8467 21 and 8467 21 10. The set is put up for retail sale; "
                          "the drill gives it its essential character. It is a tool for working in the hand with "
                          "a self-contained electric motor, capable of operation without an external source of power."},
    ),
    "smartphone": (
        {"member_state": "NL", "language": "en", "proposed_code": "85171300",
         "goods_description": "Smartphone with a 6.1-inch touch screen, mobile network (5G) and Wi-Fi radio, "
                              "operating system for mobile devices, cameras; presented with a USB-C cable.",
         "commercial_denomination": "Polder One 5G"},
        {"code": "85171300", "keywords": ["smartphone", "mobile telephone", "5G"],
         "justification": "General Interpretative Rules 1 and 6 and the wording of CN codes 8517 and "
                          "8517 13 00: a telephone for cellular networks (smartphone)."},
    ),
    "tshirt": (
        {"member_state": "FR", "language": "fr",
         "goods_description": "T-shirt pour hommes en bonneterie de coton (100 %), manches courtes, encolure ronde, "
                              "sans poche ni ouverture.",
         "commercial_denomination": "Marinière Basique"},
        {"code": "61091000", "keywords": ["t-shirt", "coton", "bonneterie"],
         "justification": "Règles générales 1 et 6 et libellés des codes NC 6109 et 6109 10 00 : vêtement de "
                          "dessus en bonneterie, de coton, du type T-shirt."},
    ),
    "battery_cells": (
        {"member_state": "PL", "language": "en",
         "goods_description": "Lithium-ion prismatic cells, 3.7 V, 50 Ah, for assembly into traction battery packs "
                              "of electric vehicles."},
        {"code": "8507600010", "keywords": ["lithium-ion", "cell", "electric vehicle", "battery"],
         "justification": "General Interpretative Rules 1 and 6 and the wording of CN code 8507 60 00 and of TARIC "
                          "code 8507 60 00 10 (cells for the manufacture of battery packs for electric vehicles)."},
    ),
    "tomatoes": (
        {"member_state": "ES", "language": "es",
         "goods_description": "Tomates frescos, enteros, de la variedad cherry, en envases de 250 g."},
        {"code": "07020000", "keywords": ["tomate", "cherry", "fresco"],
         "justification": "Reglas generales 1 y 6 y texto del código NC 0702 00 00."},
    ),
}

KINDS = tuple(_GOODS)


def application(kind: str = "drill", *, holder: str | None = HOLDER, **changes: Any) -> Payload:
    """An application for the goods ``kind`` (one of :data:`KINDS`), with ``changes`` applied."""
    body = copy.deepcopy(_GOODS[kind][0])
    if holder is not None:
        body["holder"] = holder
    body.update(changes)
    return body


def decision(kind: str = "drill", **changes: Any) -> Payload:
    """The decision an authority would take on :func:`application` of the same ``kind``."""
    body = copy.deepcopy(_GOODS[kind][1])
    body.update(changes)
    return body


BUILDERS = {"application": application, "decision": decision}
