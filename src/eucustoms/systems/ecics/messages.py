"""The data of an ECICS entry, of its amendment and end, and of the public look-up.

Numbers are given as text and checked by the service (check digits with python-stdnum through
``eucustoms.core.identifiers``; CUS numbers also against CS/RD2 CL016, CN codes against the nomenclature, UN
numbers against CL101), so that one answer lists every problem with its reason.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: Categories of scheduled drug precursors: 1, 2A, 2B and 3 of Annex I to Regulation (EC) No 273/2004 (intra-Union
#: trade) and Regulation (EC) No 111/2005 (trade with third countries); 4 of the Annex to Regulation 111/2005
#: (medicinal products containing ephedrine or pseudoephedrine).
PrecursorCategory = Literal["1", "2A", "2B", "3", "4"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _clean_names(names: dict[str, list[str]]) -> dict[str, list[str]]:
    cleaned: dict[str, list[str]] = {}
    for language, values in names.items():
        lang = language.strip().lower()
        if len(lang) != 2 or not lang.isalpha():
            raise ValueError(f"{language!r} is not a two-letter language code (ISO 639-1)")
        kept = []
        for v in values:
            v = v.strip()
            if not 1 <= len(v) <= 512:
                raise ValueError(f"a name in {lang!r} must be 1 to 512 characters")
            if v not in kept:
                kept.append(v)
        if kept:
            cleaned[lang] = kept
    return cleaned


class SubstanceEntry(_Strict):
    """A new ECICS entry. At least a CUS or a CAS number identifies it; the CN code and an English name are
    mandatory."""

    cus: str | None = Field(default=None, description="CUS number NNNNNNN-C")
    cas: str | None = Field(default=None, description="CAS Registry Number")
    ec: str | None = Field(default=None, description="EC number (EINECS/ELINCS/NLP)")
    cn_code: str = Field(description="the Combined Nomenclature code (8 digits)")
    names: dict[str, list[str]] = Field(description="names by ISO 639-1 language; 'en' is mandatory")
    inn: str | None = Field(default=None, max_length=256, description="International Nonproprietary Name")
    iso_name: str | None = Field(default=None, max_length=256, description="ISO common name")
    formula: str | None = Field(default=None, max_length=128, description="molecular formula")
    synonyms: list[str] = Field(default_factory=list, max_length=100)
    drug_precursor_category: PrecursorCategory | None = None
    un_number: str | None = Field(default=None, description="UN dangerous goods number (4 digits)")
    notes: str | None = Field(default=None, max_length=4000)
    valid_from: date | None = None

    @field_validator("names")
    @classmethod
    def _names(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        return _clean_names(v)

    @field_validator("synonyms")
    @classmethod
    def _synonyms(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(s.strip() for s in v if s.strip()))


class SubstanceAmendment(_Strict):
    """Only the given fields change; ``names`` replaces all names, ``synonyms`` all synonyms."""

    cus: str | None = None
    cas: str | None = None
    ec: str | None = None
    cn_code: str | None = None
    names: dict[str, list[str]] | None = None
    inn: str | None = Field(default=None, max_length=256)
    iso_name: str | None = Field(default=None, max_length=256)
    formula: str | None = Field(default=None, max_length=128)
    synonyms: list[str] | None = Field(default=None, max_length=100)
    drug_precursor_category: PrecursorCategory | None = None
    un_number: str | None = None
    notes: str | None = Field(default=None, max_length=4000)
    reason: str | None = Field(default=None, max_length=2000)

    @field_validator("names")
    @classmethod
    def _names(cls, v: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
        return None if v is None else _clean_names(v)


class EndEntry(_Strict):
    reason: str = Field(min_length=1, max_length=2000)
    end_date: date | None = Field(default=None, description="last day of validity; today when omitted")


class Substance(BaseModel):
    id: int
    cus: str | None
    cas: str | None
    ec: str | None
    cn_code: str
    names: dict[str, list[str]]
    inn: str | None
    iso_name: str | None
    formula: str | None
    synonyms: list[str]
    drug_precursor_category: str | None
    un_number: str | None
    notes: str | None
    status: str
    valid_from: date
    valid_to: date | None
    source: str
    updated_at: datetime
    version: int

    @property
    def name(self) -> str:
        return (self.names.get("en") or next(iter(self.names.values())))[0]


class SubstancePage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[Substance]


class LoadReport(BaseModel):
    file: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
    kept: int = Field(description="entries maintained by officers since they were loaded: left as they are")


LookupKind = Literal["cus", "cas", "ec"]
