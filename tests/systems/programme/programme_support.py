"""Helpers of the programme tests: the programme tables on a test database (until the migration that creates them
exists), small datasets for the checks, and a table no database has (to see a probe fail)."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table

from eucustoms.platform.db import Database, metadata
from eucustoms.systems.programme import dataset
from eucustoms.systems.programme.store import TABLES

#: A table declared but never created: a system whose storage does not answer.
phantom = Table("programme_phantom_system", MetaData(), Column("id", Integer, primary_key=True))


def with_programme_tables(db: Database) -> Database:
    """Create the programme tables (a no-op once the migration creates them)."""
    metadata.create_all(db.engine, tables=list(TABLES), checkfirst=True)
    return db


# Annex 4 as printed (Data column, headline figure), transcribed independently of the data file.
ANNEX4 = {
    "OP 1.1.1": "2", "OP 1.1.2": "17", "OP 1.1.3": "100%", "OP 1.1.4": "92%", "OP 1.2.1": "2", "OP 1.2.2": None,
    "OP 1.2.3": None, "OP 1.2.4": "93.84%", "OP 1.3.1": "99.63%", "OP 1.3.2": "231.34", "OP 1.3.3": "99.49%",
    "OP 1.4.1": "98.40%", "OP 1.4.2": "4.09", "OP 2.1.1": "85", "OP 2.1.2": "307", "OP 2.1.3": "3040", "OP 2.1.4": "83.66%",
    "OP 2.2.1": "776", "OP 2.2.2": "547490", "OP 2.2.3": "76.6%", "OP 3.1": "72.21%",
    "RES 1.1": "84.44%", "RES 1.2": "77.77%", "RES 2.1.1": "217714225", "RES 2.1.2": "7815781631", "RES 2.2.1": "71.29%",
    "RES 2.2.2": "220", "RES 2.2.3": "2306", "RES 2.2.4": "6242", "RES 2.2.5": "70.1%", "RES 2.2.6": "80.09%",
    "RES 3.1.1": "621408", "RES 3.1.2": "191990", "RES 3.2.1": "68.75%", "RES 3.2.2": "68.75%", "RES 4.1": "60.18%",
    "RES 4.2": "63.39%", "IMP 1.1": "478.4", "IMP 1.2": "5118", "IMP 2.1": None, "IMP 3.1": "95%", "IMP 3.2": None,
}


_DOC: dict[str, Any] | None = None


def shipped_document() -> dict[str, Any]:
    """A fresh copy of the shipped 2024 dataset (tests may change it)."""
    global _DOC
    if _DOC is None:
        _DOC, _ = dataset.read()
    return copy.deepcopy(_DOC)


def indicator(**overrides: Any) -> dict[str, Any]:
    """A small indicator document with a 2024 result, for the checks."""
    base: dict[str, Any] = {"id": "OP 9.9 sub-indicator 1", "label": "OP 9.9. Sub-indicator 1", "name": "A test indicator",
                            "level": "OP", "unit": "count", "results": {2024: {"value": 10, "printed": "10", "line": 1}}}
    base.update(overrides)
    return base


def document(*indicators: dict[str, Any], **parts: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"dataset": "test", "year": 2024, "indicators": list(indicators), "facts": [], "relations": [],
                           "registers": {}, "budget": {"lines": []}, "survey": {}}
    doc.update(parts)
    dataset.validate(doc)
    return doc


def ds_of(doc: dict[str, Any]):  # noqa: ANN201
    return dataset.from_document(doc)
