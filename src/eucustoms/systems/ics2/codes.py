"""The ICS2 message ids the box exchanges with traders, and the box's own messages between the common
repository (domain EU) and the national entry systems (national domains).

Trader-facing ids follow the ICS2 harmonised trader interface. The repository ↔ national-system exchanges
of the real ICS2 are not public; the box names its own (``ICS2_*``), documented in docs/decisions.md."""

# Trader → ICS2
AMENDMENT_PREFIX = "IE3A"  # IE3A10 … IE3A51: amendment of the filing IE3F10 … IE3F51
ARRIVAL_NOTIFICATION = "IE3N06"
INVALIDATION_REQUEST = "IE3Q04"
CONSULTATION_REQUEST = "IE3Q05"
RFI_RESPONSE = "IE3R02"
RFS_RESPONSE = "IE3R03"

# ICS2 → trader
REGISTRATION_RESPONSE = "IE3R01"
HOUSE_FILING_PENDING = "IE3N02"  # to the party named to lodge a part that is still missing
ENS_NOT_COMPLETE = "IE3N11"  # to the person filing: the ENS waits for other parts
ASSESSMENT_COMPLETE = "IE3N03"
DO_NOT_LOAD = "IE3Q01"
RFI = "IE3Q02"
RFS = "IE3Q03"
ARRIVAL_REGISTRATION = "IE3R04"
INVALIDATION_ACCEPTANCE = "IE3R07"
INCORRECT_STATE = "IE3N07"
AMENDMENT_NOTIFICATION = "IE3N10"
CONSULTATION_RESPONSE = "IE3R08"
ERROR_NOTIFICATION = "IE3N99"

# Common repository ↔ national entry systems (box-internal)
RA_REQUEST = "ICS2_RA_REQ"  # CR → NES of first entry: analyse these house consignments (with SSA signals)
RA_RESULT = "ICS2_RA_RES"  # NES → CR: outcome (none, referral, do-not-load) with the rules that hit
RISK_SIGNAL = "ICS2_SIGNAL"  # CR (SSA) → NES of another member state concerned
REFERRAL_ANSWER = "ICS2_REF_ANS"  # CR → NES: the trader answered the RFI/RFS
ARRIVAL = "ICS2_ARRIVAL"  # CR → NES: the means of transport arrived
PRESENTATION = "ICS2_PRES"  # NES → CR: goods presented
CONTROL_RESULT = "ICS2_CTRL"  # NES → CR: control performed and its result
