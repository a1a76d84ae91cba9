"""What applications for action and detentions may say, and the time-limits of Regulation (EU) No 608/2013."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class RightType:
    code: str
    title: str
    union: bool  # may have effect throughout the Union, and so be the subject of a Union application (Art. 4)
    registered: bool  # carries a registration number
    pattern: re.Pattern[str] | None = None  # format of the number of a right with Union effect


#: Intellectual property rights (Art. 2(1)); the Union-wide ones are those based on Union law (Art. 4): EU trade
#: marks (EUIPO numbers, 9 digits), Community designs (9 digits, hyphen, 4 digits), geographical indications
#: protected by the Union, Community plant variety rights.
RIGHT_TYPES: dict[str, RightType] = {t.code: t for t in (
    RightType("trademark", "Trade mark", True, True, re.compile(r"\d{9}")),
    RightType("design", "Design", True, True, re.compile(r"\d{9}-\d{4}")),
    RightType("copyright", "Copyright or related right", False, False),
    RightType("geographical_indication", "Geographical indication", True, True),
    RightType("patent", "Patent", False, True),
    RightType("supplementary_protection_certificate", "Supplementary protection certificate", False, True),
    RightType("plant_variety", "Plant variety right", True, True),
    RightType("topography", "Topography of a semiconductor product", False, True),
    RightType("utility_model", "Utility model", False, True),
    RightType("trade_name", "Trade name", False, False),
)}
NATIONAL_NUMBER = re.compile(r"[0-9A-Za-z][0-9A-Za-z/.\- ]{0,48}")

#: Who may apply (Art. 3).
APPLICANT_STATUSES = (
    "right_holder", "exclusive_licensee", "licensee", "collective_rights_management_body", "professional_defence_body",
    "gi_producer_group", "gi_operator", "gi_inspection_body", "representative",
)
#: The customs situation of the goods when detained (Art. 1(1)).
SITUATIONS = ("import", "export", "re_export", "transit", "temporary_storage", "warehouse", "free_zone", "other")

DECISION_WORKING_DAYS = 30  # the competent customs department decides within 30 working days of receipt (Art. 9(1))
INFORMATION_WORKING_DAYS = 10  # missing information is supplied within 10 working days (Art. 7)
EXTENSION_REQUEST_WORKING_DAYS = 30  # a request for extension arrives 30 working days before expiry (Art. 11(2))
CONFIRMATION_WORKING_DAYS = 10  # to confirm, agree to destruction or start proceedings (Art. 23(1), (3))
PERISHABLE_WORKING_DAYS = 3  # the same for perishable goods
MAX_PROCEEDINGS_EXTENSION = 10  # the period may be extended by up to 10 working days, not for perishables (Art. 23(4))
SMALL_CONSIGNMENT_UNITS = 3  # a small consignment: at most three units or a gross weight under 2 kg (Art. 2(19))
SMALL_CONSIGNMENT_KG = 2
