"""The decision types CDS handles, with what the customs legislation says about each: the time-limit for the
decision, the further period the authority may take, whether it may be valid in several member states, whom to
consult and for how long, and what the application must carry.

Codes are those of the UCC decision types (the codes of the customs offices' authorisation roles in the customs
office list, and of the EU decision reference). Time-limits are in calendar days (see ``deadlines``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DecisionType:
    code: str
    title: str
    legal_basis: str
    #: days after acceptance to take the decision (Art. 22(3) UCC: 120 unless otherwise provided)
    decision_days: int = 120
    #: the further period the authority may take once, informing the applicant before expiry (Art. 22(3) UCC)
    extension_days: int = 30
    #: may be valid in more than one member state (geographical validity)
    multi_state: bool = True
    #: the fewest member states the decision must cover
    min_states: int = 1
    #: recognised in every member state: no geographical validity is given (AEO, Art. 38(4) UCC)
    union_wide: bool = False
    #: time-limit the consulted customs authorities have to answer, in days
    consultation_days: int = 30
    #: the applicant must hold AEO for customs simplifications when the decision is taken (CCL, Art. 179(2) UCC)
    requires_aeoc: bool = False
    #: the application lists the goods (CN codes)
    requires_goods: bool = False
    #: the application gives the reference amount (comprehensive guarantee)
    requires_amount: bool = False
    #: the application gives the location of the facility or premises
    requires_location: bool = False
    #: the applicant must be established in the customs territory of the Union
    established: bool = True
    #: days between the decision and the day it takes effect (AEO: Art. 29 DA, the fifth day)
    effect_delay_days: int = 0
    #: role of the customs offices competent for this type in the customs office list (None: no such role)
    office_role: str | None = None

    @property
    def is_aeo(self) -> bool:
        return self.code.startswith("AEO")

    def as_dict(self) -> dict:
        return {"code": self.code, "title": self.title, "legal_basis": self.legal_basis,
                "decision_days": self.decision_days, "extension_days": self.extension_days,
                "multi_state": self.multi_state, "min_states": self.min_states, "union_wide": self.union_wide,
                "consultation_days": self.consultation_days, "requires_aeoc": self.requires_aeoc,
                "requires_goods": self.requires_goods, "requires_amount": self.requires_amount,
                "requires_location": self.requires_location, "established": self.established,
                "effect_delay_days": self.effect_delay_days, "office_role": self.office_role}


_AEO = dict(extension_days=60, union_wide=True, multi_state=True, consultation_days=80, effect_delay_days=5)
_AEO_BASIS = ("Art. 38-39 UCC; Art. 24-35 UCC DA (Art. 28: further 60 days, Art. 29: takes effect on the fifth day, "
              "Art. 30: suspension); Art. 24-35 UCC IA (Art. 31: consultation)")

TYPES: dict[str, DecisionType] = {t.code: t for t in (
    DecisionType("AEOC", "Authorised economic operator - customs simplifications", "Art. 38(2)(a) UCC; " + _AEO_BASIS, **_AEO),
    DecisionType("AEOS", "Authorised economic operator - security and safety", "Art. 38(2)(b) UCC; " + _AEO_BASIS, **_AEO),
    DecisionType("AEOF", "Authorised economic operator - customs simplifications and security and safety (both)",
                 "Art. 38(2)-(3) UCC; " + _AEO_BASIS, **_AEO),
    DecisionType("CCL", "Centralised clearance", "Art. 179 UCC; Art. 149 UCC DA; Art. 229-232 UCC IA",
                 min_states=2, consultation_days=45, requires_aeoc=True, office_role="CCL"),
    DecisionType("CGU", "Comprehensive guarantee, including a reduced amount or a waiver", "Art. 89(5) and 95 UCC",
                 requires_amount=True, office_role="CGU"),
    DecisionType("IPO", "Inward processing", "Art. 211 and 256-258 UCC; Art. 171 UCC DA (30 days)",
                 decision_days=30, requires_goods=True, requires_location=True, office_role="IPO"),
    DecisionType("OPO", "Outward processing", "Art. 211 and 259-262 UCC; Art. 171 UCC DA (30 days)",
                 decision_days=30, requires_goods=True, office_role="OPO"),
    DecisionType("TST", "Operation of temporary storage facilities", "Art. 148 UCC",
                 requires_location=True, office_role="TST"),
    DecisionType("ACP", "Authorised issuer of proof of the customs status of Union goods", "Art. 153 UCC; Art. 128 UCC DA",
                 multi_state=False, office_role="ACP"),
    DecisionType("ACR", "Authorised consignor for Union transit", "Art. 233(4)(a) UCC", office_role="ACR"),
    DecisionType("ACE", "Authorised consignee for Union transit", "Art. 233(4)(b) UCC", requires_location=True, office_role="ACE"),
    DecisionType("SDE", "Simplified declaration (regular use)", "Art. 166(2) UCC", office_role="SDE"),
    DecisionType("EIR", "Entry of data in the declarant's records", "Art. 182 UCC", office_role="EIR"),
    DecisionType("DPO", "Deferment of payment", "Art. 110 UCC", multi_state=False, office_role="DPO"),
    DecisionType("CWP", "Operation of storage facilities for customs warehousing (private)", "Art. 211(1)(b) and 240 UCC; "
                 "Art. 171 UCC DA (60 days)", decision_days=60, requires_location=True, office_role="CWP"),
    DecisionType("EUS", "End use", "Art. 211 and 254 UCC; Art. 171 UCC DA (30 days)", decision_days=30,
                 requires_goods=True, office_role="EUS"),
    DecisionType("TEA", "Temporary admission", "Art. 211 and 250 UCC; Art. 171 UCC DA (30 days)", decision_days=30,
                 requires_goods=True, established=False, office_role="TEA"),
)}

AEO_TYPES = frozenset(c for c in TYPES if c.startswith("AEO"))
CODES = tuple(TYPES)

#: What holding a type covers: AEOF is both AEOC and AEOS (Art. 38(3) UCC: both may be held at the same time).
COVERED_BY: dict[str, frozenset[str]] = {
    **{c: frozenset({c}) for c in TYPES},
    "AEOC": frozenset({"AEOC", "AEOF"}),
    "AEOS": frozenset({"AEOS", "AEOF"}),
}

#: Grounds of a revocation (Art. 28(1) UCC); "obligation_not_fulfilled" blocks a new application for the same
#: purpose for one year, three for AEO (Art. 11(1)(d) and (2) DA).
REVOCATION_GROUNDS = ("conditions_not_fulfilled", "obligation_not_fulfilled", "holder_request")

#: Grounds of an extension of the time-limit for the decision.
EXTENSION_GROUNDS = {
    "authority": "the authority cannot decide in time: a further period, once (Art. 22(3) second subparagraph UCC; AEO: Art. 28 DA)",
    "information": "additional information requested from the applicant after acceptance (Art. 13(1) DA)",
    "investigation": "investigations into a suspected infringement, at most nine months in all (Art. 13 DA)",
    "applicant": "the applicant asked for time to make adjustments to fulfil the conditions (Art. 22(3) third subparagraph UCC)",
}
#: Nine months of investigation, counted as 270 days.
INVESTIGATION_MAX_DAYS = 270
#: An applicant's request for time to make adjustments: at most a year in the box (the Code sets no figure).
APPLICANT_MAX_DAYS = 365
#: The period to express a point of view before an unfavourable decision (Art. 22(6) UCC, Art. 8 DA), which also
#: extends the time-limit for the decision (Art. 13 DA).
HEARING_DAYS = 30
#: Acceptance of an application: within 30 days of receipt (Art. 22(2) UCC); missing information: at most 30
#: days to supply it (Art. 12(2) IA).
ACCEPTANCE_DAYS = 30
INFORMATION_MAX_DAYS = 30
#: A revocation may be deferred by at most a year (Art. 28(4) UCC).
REVOCATION_DEFERRAL_DAYS = 365


def decision_type(code: str) -> DecisionType:
    return TYPES[code.upper()]
