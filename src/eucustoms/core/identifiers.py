"""Identifier value types (MRN, GRN, EORI, LRN, UCR, office, goods and substance codes); re-exports ``core.ids``."""

from eucustoms.core.ids._base import Identifier
from eucustoms.core.ids.countries import (
    CUSTOMS_EXTRA_CODES,
    EORI_PREFIXES,
    EU_MEMBER_STATES,
    is_customs_country,
    is_eu_eori_prefix,
)
from eucustoms.core.ids.goods import CNCode, HSCode, TaricCode
from eucustoms.core.ids.mrn import GRN, MRN, check_character
from eucustoms.core.ids.offices import CustomsOfficeRef
from eucustoms.core.ids.parties import EORI
from eucustoms.core.ids.procedure import DeclarationKind, ProcedureCategory, procedure_for
from eucustoms.core.ids.references import LRN, UCR
from eucustoms.core.ids.substances import CASNumber, CUSNumber, ECNumber

__all__ = [
    "CASNumber",
    "CNCode",
    "CUSNumber",
    "CUSTOMS_EXTRA_CODES",
    "CustomsOfficeRef",
    "DeclarationKind",
    "ECNumber",
    "EORI",
    "EORI_PREFIXES",
    "EU_MEMBER_STATES",
    "GRN",
    "HSCode",
    "Identifier",
    "LRN",
    "MRN",
    "ProcedureCategory",
    "TaricCode",
    "UCR",
    "check_character",
    "is_customs_country",
    "is_eu_eori_prefix",
    "procedure_for",
]
