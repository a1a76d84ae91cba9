"""Message types and code values of the transit system.

Traders and the national transit applications exchange the NCTS phase 5 external-domain messages (``CCnnnC``,
XML, schemas in :mod:`.xml`); the national applications of the offices of departure, transit and destination
exchange the common-domain messages (``IEnnn``) over the box's message exchange, with JSON payloads (their
XSDs are not published with the external-domain set). Officers' actions are kept in the movement's log under
names of our own (``TRN_*``). Code values not in the shipped CS/RD2 snapshot are documented in docs/transit.md.
"""

# -- external domain: trader → office ---------------------------------------------------------------------
DECLARATION = "CC015C"  # declaration data (standard or pre-lodged)
AMENDMENT = "CC013C"  # declaration amendment
INVALIDATION_REQUEST = "CC014C"  # declaration invalidation (cancellation) request
PRESENTATION = "CC170C"  # presentation notification for the pre-lodged declaration
ARRIVAL_NOTIFICATION = "CC007C"  # arrival notification (at the office of destination)
UNLOADING_REMARKS = "CC044C"  # unloading remarks (authorised consignee)

DEPARTURE_INBOUND = (DECLARATION, AMENDMENT, INVALIDATION_REQUEST, PRESENTATION)
DESTINATION_INBOUND = (ARRIVAL_NOTIFICATION, UNLOADING_REMARKS)
INBOUND = DEPARTURE_INBOUND + DESTINATION_INBOUND

# -- external domain: office → trader ---------------------------------------------------------------------
AMENDMENT_ACCEPTANCE = "CC004C"
INVALIDATION_DECISION = "CC009C"
DISCREPANCIES = "CC019C"
GOODS_RELEASE = "CC025C"  # goods release notification (destination)
MRN_ALLOCATED = "CC028C"
RELEASE_FOR_TRANSIT = "CC029C"
RECOVERY = "CC035C"  # recovery notification
UNLOADING_PERMISSION = "CC043C"
WRITE_OFF = "CC045C"
NO_RELEASE = "CC051C"
GUARANTEE_NOT_VALID = "CC055C"
REJECTION_DEPARTURE = "CC056C"
REJECTION_DESTINATION = "CC057C"
CONTROL_DECISION = "CC060C"
FUNCTIONAL_NACK = "CC906C"
XML_NACK = "CC917C"
POSITIVE_ACK = "CC928C"

# -- common domain: national application ↔ national application (bus message types) -----------------------
AAR = "IE001"  # anticipated arrival record: departure → destination, at release
ARRIVAL_ADVICE = "IE006"  # destination → departure, when the arrival is accepted
DESTINATION_CONTROL_RESULTS = "IE018"  # destination → departure, when the goods are released at destination
ATR = "IE050"  # anticipated transit record: departure → each declared office of transit
CROSSING = "IE118"  # notification crossing frontier: office of transit → departure

# -- officers' actions (kept in the log of the office that took them) ----------------------------------------
OFFICER_CONTROL_DECISION = "TRN_OCTD"
OFFICER_CONTROL_RESULT = "TRN_OCTR"
OFFICER_RELEASE = "TRN_OREL"
OFFICER_NO_RELEASE = "TRN_ONREL"
OFFICER_WRITE_OFF = "TRN_OWOF"
OFFICER_RECOVERY = "TRN_OREC"
OFFICER_CROSSING = "TRN_OCRS"
OFFICER_UNLOADING_PERMISSION = "TRN_OUNL"
OFFICER_DESTINATION_RESULT = "TRN_ODCR"

# -- code values ----------------------------------------------------------------------------------------------
#: CL560 BusinessRejectionTypeDepExp (CC056C) and, for the office of destination (CC057C), the rejected
#: message's number in the same three-digit form.
BUSINESS_REJECTION_TYPE = {DECLARATION: "015", AMENDMENT: "013", INVALIDATION_REQUEST: "014",
                           PRESENTATION: "170", ARRIVAL_NOTIFICATION: "007", UNLOADING_REMARKS: "044"}
#: CL226 RejectionCodeDepartureExport: message with functional errors.
REJECTION_FUNCTIONAL = "12"

#: CL716 ControlType.
CONTROL_DOCUMENTARY = "10"
CONTROL_NON_INTRUSIVE = "30"
CONTROL_PHYSICAL = "40"
CONTROL_TYPES = {"documentary": CONTROL_DOCUMENTARY, "scan": CONTROL_NON_INTRUSIVE, "physical": CONTROL_PHYSICAL}

#: CC060C notification type (the box's reading of the NotificationType list): 0 = the goods will be controlled.
NOTIFICATION_INTENTION_TO_CONTROL = "0"

#: Control result codes (CC029C ControlResult, IE018): A1 satisfactory, B1 not satisfactory.
RESULT_SATISFACTORY = "A1"
RESULT_NOT_SATISFACTORY = "B1"

#: CC051C no release motivation (the box's codes, documented in docs/transit.md).
NO_RELEASE_CONTROL = "01"  # not released after the control at departure

#: CC025C release indicator / release type: 1 = released.
RELEASED = "1"

#: Guarantee types whose references carry a GRN managed in GUM (CS/RD2 GuaranteeTypeWithGRN).
TYPES_WITH_GRN = frozenset("01249")
