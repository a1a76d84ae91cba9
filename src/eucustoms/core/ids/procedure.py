"""MRN procedure category letters (UCC IA Annex B / DDNTA, position 17) and the declaration kinds they stand for."""

from __future__ import annotations

from enum import StrEnum

from eucustoms.core.errors import InvalidIdentifier


class DeclarationKind(StrEnum):
    """What was lodged: the declaration(s) a single MRN is issued for."""

    EXPORT = "export"
    EXPORT_WITH_EXS = "export_with_exs"
    EXS = "exs"
    REEXPORT_NOTIFICATION = "reexport_notification"
    SPECIAL_FISCAL_DISPATCH = "special_fiscal_dispatch"
    TRANSIT = "transit"
    TRANSIT_WITH_EXS = "transit_with_exs"
    TRANSIT_WITH_ENS = "transit_with_ens"
    TRANSIT_WITH_EXS_AND_ENS = "transit_with_exs_and_ens"
    PROOF_OF_UNION_STATUS = "proof_of_union_status"
    IMPORT = "import"
    IMPORT_WITH_ENS = "import_with_ens"
    ENS = "ens"
    TEMPORARY_STORAGE = "temporary_storage"
    SPECIAL_FISCAL_INTRODUCTION = "special_fiscal_introduction"
    TEMPORARY_STORAGE_WITH_ENS = "temporary_storage_with_ens"


class ProcedureCategory(StrEnum):
    """The procedure category letter in position 17 of an MRN; any other letter is invalid."""

    EXPORT = "A"
    EXPORT_AND_EXS = "B"
    EXS = "C"
    REEXPORT_NOTIFICATION = "D"
    SPECIAL_FISCAL_DISPATCH = "E"
    TRANSIT = "J"
    TRANSIT_AND_EXS = "K"
    TRANSIT_AND_ENS = "L"
    # J–M are the transit letters (the NCTS-P5 XSD's MRN pattern ends in [J-M][0-9]); a proof of Union status
    # (T2L/T2LF, customs goods manifest) is P.
    TRANSIT_EXS_AND_ENS = "M"
    PROOF_OF_UNION_STATUS = "P"
    IMPORT = "R"
    IMPORT_AND_ENS = "S"
    ENS = "T"
    TEMPORARY_STORAGE = "U"
    SPECIAL_FISCAL_INTRODUCTION = "V"
    TEMPORARY_STORAGE_AND_ENS = "W"

    @property
    def description(self) -> str:
        """The EU wording of the category."""
        return _DESCRIPTIONS[self]

    @property
    def declaration_kind(self) -> DeclarationKind:
        return _KIND_OF[self]

    @classmethod
    def from_letter(cls, letter: str) -> "ProcedureCategory":
        """The category for ``letter`` (case-insensitive); :class:`InvalidIdentifier` for any other letter."""
        if isinstance(letter, str):
            try:
                return cls(letter.strip().upper())
            except ValueError:
                pass
        allowed = "".join(c.value for c in cls)
        raise InvalidIdentifier("procedure category", letter, f"must be one of the letters {allowed}")


_DESCRIPTIONS: dict[ProcedureCategory, str] = {
    ProcedureCategory.EXPORT: "Export only",
    ProcedureCategory.EXPORT_AND_EXS: "Export and exit summary declaration",
    ProcedureCategory.EXS: "Exit summary declaration only",
    ProcedureCategory.REEXPORT_NOTIFICATION: "Re-export notification",
    ProcedureCategory.SPECIAL_FISCAL_DISPATCH: "Dispatch of goods in relation with special fiscal territories",
    ProcedureCategory.TRANSIT: "Transit declaration only",
    ProcedureCategory.TRANSIT_AND_EXS: "Transit declaration and exit summary declaration",
    ProcedureCategory.TRANSIT_AND_ENS: "Transit declaration and entry summary declaration",
    ProcedureCategory.TRANSIT_EXS_AND_ENS: "Transit declaration, exit summary declaration and entry summary declaration",
    ProcedureCategory.PROOF_OF_UNION_STATUS: "Proof of the customs status of Union goods",
    ProcedureCategory.IMPORT: "Import declaration only",
    ProcedureCategory.IMPORT_AND_ENS: "Import declaration and entry summary declaration",
    ProcedureCategory.ENS: "Entry summary declaration only",
    ProcedureCategory.TEMPORARY_STORAGE: "Temporary storage declaration",
    ProcedureCategory.SPECIAL_FISCAL_INTRODUCTION: "Introduction of goods in relation with special fiscal territories",
    ProcedureCategory.TEMPORARY_STORAGE_AND_ENS: "Temporary storage declaration and entry summary declaration",
}

_PROCEDURE_FOR: dict[DeclarationKind, ProcedureCategory] = {
    DeclarationKind.EXPORT: ProcedureCategory.EXPORT,
    DeclarationKind.EXPORT_WITH_EXS: ProcedureCategory.EXPORT_AND_EXS,
    DeclarationKind.EXS: ProcedureCategory.EXS,
    DeclarationKind.REEXPORT_NOTIFICATION: ProcedureCategory.REEXPORT_NOTIFICATION,
    DeclarationKind.SPECIAL_FISCAL_DISPATCH: ProcedureCategory.SPECIAL_FISCAL_DISPATCH,
    DeclarationKind.TRANSIT: ProcedureCategory.TRANSIT,
    DeclarationKind.TRANSIT_WITH_EXS: ProcedureCategory.TRANSIT_AND_EXS,
    DeclarationKind.TRANSIT_WITH_ENS: ProcedureCategory.TRANSIT_AND_ENS,
    DeclarationKind.TRANSIT_WITH_EXS_AND_ENS: ProcedureCategory.TRANSIT_EXS_AND_ENS,
    DeclarationKind.PROOF_OF_UNION_STATUS: ProcedureCategory.PROOF_OF_UNION_STATUS,
    DeclarationKind.IMPORT: ProcedureCategory.IMPORT,
    DeclarationKind.IMPORT_WITH_ENS: ProcedureCategory.IMPORT_AND_ENS,
    DeclarationKind.ENS: ProcedureCategory.ENS,
    DeclarationKind.TEMPORARY_STORAGE: ProcedureCategory.TEMPORARY_STORAGE,
    DeclarationKind.SPECIAL_FISCAL_INTRODUCTION: ProcedureCategory.SPECIAL_FISCAL_INTRODUCTION,
    DeclarationKind.TEMPORARY_STORAGE_WITH_ENS: ProcedureCategory.TEMPORARY_STORAGE_AND_ENS,
}
_KIND_OF: dict[ProcedureCategory, DeclarationKind] = {v: k for k, v in _PROCEDURE_FOR.items()}


def procedure_for(kind: DeclarationKind | str) -> ProcedureCategory:
    """The MRN procedure category letter for a declaration kind (a :class:`DeclarationKind` or its name)."""
    try:
        return _PROCEDURE_FOR[DeclarationKind(kind.strip().lower() if isinstance(kind, str) else kind)]
    except (ValueError, KeyError, AttributeError):
        names = ", ".join(k.value for k in DeclarationKind)
        raise InvalidIdentifier("declaration kind", kind, f"must be one of {names}") from None


def to_procedure(value: ProcedureCategory | DeclarationKind | str) -> ProcedureCategory:
    """A procedure category from a category, a declaration kind, a one-letter code or a kind name."""
    if isinstance(value, ProcedureCategory):
        return value
    if isinstance(value, DeclarationKind):
        return procedure_for(value)
    if isinstance(value, str) and len(value.strip()) > 1:
        return procedure_for(value)
    return ProcedureCategory.from_letter(value)
