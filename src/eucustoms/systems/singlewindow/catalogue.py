"""The CERTEX domains: which certificate each Union non-customs system issues, its TARIC document codes
(D.E. 12 03 / CL213 supporting documents), its partner system, and which customs procedures consume its
quantity (the others only verify it). Sources and uncertainties are listed in docs/singlewindow.md.

Procedures are the first two digits of D.E. 1/10 (requested procedure, CL procedure codes) or a transit
declaration type (T, T1, T2, T2F, T2SM, TIR, ...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from eucustoms.core.errors import ErrorCode, Issue

RESERVE: Literal["reserve"] = "reserve"
VERIFY: Literal["verify"] = "verify"
Action = Literal["reserve", "verify"]

#: Release for free circulation, including end-use (44), with simultaneous re-dispatch (01, 42, 43...) and
#: re-importation (61, 63, 68).
FREE_CIRCULATION = frozenset({"01", "07", "40", "42", "43", "44", "45", "46", "48", "61", "63", "68"})
#: Special procedures on entry: inward processing (51), temporary admission (53), customs warehousing (71),
#: free zone (78).
SPECIAL_ON_ENTRY = frozenset({"51", "53", "71", "78"})
#: Export, re-export and outward processing.
EXPORT = frozenset({"10", "11", "21", "22", "23", "31"})
#: Everything CL procedure codes start with that the box recognises.
KNOWN_PROCEDURES = FREE_CIRCULATION | SPECIAL_ON_ENTRY | EXPORT | frozenset({"76"})
TRANSIT = "transit"
TRANSIT_TYPES = frozenset({"T", "T1", "T2", "T2F", "T2SM", "TIR"})

#: CHEDs: quantity reservation on release for free circulation and temporary admission; verification for
#: inward processing, customs warehousing and transit (the table published by Luxembourg customs for
#: CERTEX-TRACES, see docs/singlewindow.md).
CHED_CONSUMING = FREE_CIRCULATION | {"53"}
ALL_ENTRY = FREE_CIRCULATION | SPECIAL_ON_ENTRY


@dataclass(frozen=True)
class Domain:
    """A kind of certificate CERTEX knows."""

    id: str
    name: str
    document_codes: tuple[str, ...]  # TARIC/CL213 codes a declaration quotes it with; empty: not confirmed
    partner_system: str
    legal_basis: str
    quantity_managed: bool  # False: an authorisation or registration, only verified
    consuming: frozenset[str]  # procedure groups (first two digits) that reserve the quantity
    units: tuple[str, ...] = ()  # usual units of the certificate (others of a compatible dimension are converted)
    code_note: str = ""  # why a code is missing or uncertain

    @property
    def document_code(self) -> str | None:
        """The main document code."""
        return self.document_codes[0] if self.document_codes else None

    def action_for(self, procedure_group: str) -> Action:
        """Reserve (decrement) for the consuming procedures of a quantity-managed domain, else verify only."""
        if self.quantity_managed and procedure_group in self.consuming:
            return RESERVE
        return VERIFY

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "document_codes": list(self.document_codes),
                "partner_system": self.partner_system, "legal_basis": self.legal_basis,
                "quantity_managed": self.quantity_managed, "consuming_procedures": sorted(self.consuming),
                "units": list(self.units), "code_note": self.code_note or None}


TRACES = "TRACES (IMSOC)"
_ICG_NOTE = ("the TARIC document codes for cultural goods (Regulation (EU) 2019/880, from 28 June 2025) could not be "
             "confirmed from the sources available; the certificate is found by its reference and any quoted code "
             "that belongs to another domain is refused")

DOMAINS: dict[str, Domain] = {d.id: d for d in (
    Domain("CHED-A", "Common Health Entry Document for animals", ("C640",), TRACES,
           "Regulation (EU) 2017/625; Implementing Regulation (EU) 2019/1715", True, CHED_CONSUMING, ("NAR", "KGM")),
    Domain("CHED-P", "Common Health Entry Document for products of animal origin", ("N853",), TRACES,
           "Regulation (EU) 2017/625; Implementing Regulation (EU) 2019/1715", True, CHED_CONSUMING, ("KGM",)),
    Domain("CHED-D", "Common Health Entry Document for feed and food of non-animal origin", ("C678",), TRACES,
           "Regulation (EU) 2017/625; Implementing Regulation (EU) 2019/1793", True, CHED_CONSUMING, ("KGM",)),
    Domain("CHED-PP", "Common Health Entry Document for plants and plant products", ("C085",), TRACES,
           "Regulation (EU) 2017/625; Regulation (EU) 2016/2031", True, CHED_CONSUMING, ("KGM", "NAR")),
    Domain("COI", "Certificate of inspection for organic products", ("C644",), TRACES,
           "Regulation (EU) 2018/848; Delegated Regulation (EU) 2021/2306", True, FREE_CIRCULATION, ("KGM", "TNE")),
    Domain("FLEGT", "FLEGT import licence for timber", ("C690",), "TRACES (FLEGT licensing)",
           "Regulation (EC) No 2173/2005", True, FREE_CIRCULATION, ("MTQ",)),
    Domain("ODS", "Import licence for ozone-depleting substances (controlled substances)", ("L100",),
           "ODS Licensing System", "Regulation (EU) 2024/590", True, ALL_ENTRY, ("KGM",)),
    Domain("FGAS", "Registration in the F-gas Portal (licence to import and export fluorinated gases)", ("Y123",),
           "F-gas Portal & HFC Licensing System", "Regulation (EU) 2024/573, Articles 20 and 22", False, frozenset(),
           code_note="the HFC quota codes (Y120, Y125, Y951, Y972, C057, C079, C082) are not modelled: the box checks "
                     "the registration only"),
    Domain("ICG-LICENCE", "Import licence for cultural goods (Part B of the Annex)", (), "ICG (Import of Cultural Goods)",
           "Regulation (EU) 2019/880, Article 4", True, ALL_ENTRY, ("NAR",), code_note=_ICG_NOTE),
    Domain("ICG-STATEMENT", "Importer statement for cultural goods (Part C of the Annex)", (),
           "ICG (Import of Cultural Goods)", "Regulation (EU) 2019/880, Article 5", True, ALL_ENTRY, ("NAR",),
           code_note=_ICG_NOTE),
    Domain("CITES", "CITES import permit", ("C400", "C638"), "EU CITES e-permitting system",
           "Regulation (EC) No 338/97", True, ALL_ENTRY, ("NAR", "KGM")),
    Domain("CBAM", "Authorised CBAM declarant (CBAM account number)", ("Y128",), "CBAM Registry",
           "Regulation (EU) 2023/956, Articles 5, 17 and 25", False, frozenset(),
           code_note="Y238 is the code for a pending application for the status, not the authorisation"),
    Domain("EUDR", "Due diligence statement for deforestation-free products", ("C716",), "EUDR Information System (TRACES)",
           "Regulation (EU) 2023/1115, Articles 4 and 26", True, FREE_CIRCULATION | EXPORT, ("KGM", "TNE")),
    Domain("CATCH", "Catch certificate (IUU fishing)", ("C673",), "CATCH IT system",
           "Regulation (EC) No 1005/2008; Regulation (EU) 2023/2842", True, FREE_CIRCULATION, ("KGM",)),
)}

#: Document code → domain id.
BY_CODE: dict[str, str] = {code: d.id for d in DOMAINS.values() for code in d.document_codes}


def domain(domain_id: str) -> Domain | None:
    return DOMAINS.get(domain_id.strip().upper()) if isinstance(domain_id, str) else None


def procedure_group(procedure: object, pointer: str = "/procedure") -> tuple[str | None, list[Issue]]:
    """The group of D.E. 1/10 (``"4000"`` → ``"40"``) or ``"transit"`` for a transit declaration type."""
    if not isinstance(procedure, str) or not procedure.strip():
        return None, [Issue(ErrorCode.MISSING, pointer, "the customs procedure (D.E. 1/10) or transit declaration type is required")]
    text = procedure.strip().upper()
    if text in TRANSIT_TYPES:
        return TRANSIT, []
    if text[:2].isdigit() and len(text) in (2, 4) and text.isdigit():
        if text[:2] in KNOWN_PROCEDURES:
            return text[:2], []
        return None, [Issue(ErrorCode.CODELIST_VIOLATION, pointer, f"{text[:2]} is not a requested procedure the box knows")]
    return None, [Issue(ErrorCode.CODELIST_VIOLATION, pointer,
                        f"{procedure!r} is neither a procedure code (e.g. 4000) nor a transit declaration type (T1, T2, TIR...)")]
