"""Realistic example instances of the NCTS phase 5 messages, as dicts ready for :func:`render`.

One movement runs through them: a T1 transit of machine parts by road from Hamburg (office of departure
DE004851) through Switzerland (office of transit CH001251, Basel) to Milan (office of destination IT277100),
declared by Elbe Logistik GmbH (EORI DE000000000001) under a comprehensive guarantee. Every builder takes
keyword arguments for the values that change from movement to movement and returns a fresh dict, so the
domain code can start from them and the tests can render each of them.

``EXAMPLES`` maps each message type to its builder: the types the office of departure, the office of
destination and the guarantee office emit (CC004C ... CC928C, CC906C, CC917C), plus the trader's CC015C
(declaration) and CC007C (arrival notification) that start the exchanges.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from eucustoms.core.errors import Issue
from eucustoms.core.ids.mrn import GRN, MRN
from eucustoms.systems.transit.xml.headers import header
from eucustoms.systems.transit.xml.reading import XmlError
from eucustoms.systems.transit.xml.writing import project

AT = datetime(2026, 3, 2, 9, 30, 0, tzinfo=UTC)  # the declaration is lodged; later steps add hours/days

DEPARTURE = "DE004851"  # Hamburg (roles DEP, DES, TRA)
TRANSIT = "CH001251"  # Zoll Nord - Basel Mitte (TRA): entry into a common transit country
DESTINATION = "IT277100"  # Milano 1 (DES)
GUARANTEE_OFFICE = "DE004600"  # Hamburg (GUA)

NTA_DEPARTURE = "NTA.DE"  # message sender/recipient of the national transit applications
NTA_DESTINATION = "NTA.IT"
HOLDER_EORI = "DE000000000001"
CONSIGNEE_EORI = "IT00000000001"  # authorised consignee / trader at destination

MRN_EXAMPLE = str(MRN.build(2026, "DE", "000000000017", "J"))  # J: transit declaration only
LRN_EXAMPLE = "ELBE-2026-000123"
GRN_EXAMPLE = str(GRN.build(2025, "DE", "000000000042"))
ACCESS_CODE = "7Q2K"

HOLDER = {
    "identificationNumber": HOLDER_EORI,
    "name": "Elbe Logistik GmbH",
    "Address": {"streetAndNumber": "Am Sandtorkai 50", "postcode": "20457", "city": "Hamburg", "country": "DE"},
}
GUARANTOR = {
    "identificationNumber": "DE000000000009",
    "name": "Hanseatische Kautionsversicherung AG",
    "Address": {"streetAndNumber": "Ballindamm 1", "postcode": "20095", "city": "Hamburg", "country": "DE"},
}


_HEADER_KEYS = ("@PhaseID", "messageSender", "messageRecipient", "preparationDateAndTime", "messageIdentification",
                "messageType", "correlationIdentifier")


def _at(at: datetime | None, hours: float = 0) -> datetime:
    return (at or AT) + timedelta(hours=hours)


def _trader_message(message_type: str, at: datetime | None, correlation: str | None, *, office_nta: str = NTA_DEPARTURE,
                    trader: str = HOLDER_EORI) -> dict:
    """Header of a message from a national transit application to a trader."""
    return header(message_type, office_nta, trader, correlation=correlation, at=_at(at))


# -- what the trader sends --------------------------------------------------------------------------------

def cc015c(*, lrn: str = LRN_EXAMPLE, at: datetime | None = None, grn: str = GRN_EXAMPLE, items: int = 2) -> dict:
    """IE015 declaration data: T1, road, one house consignment with ``items`` goods items."""
    goods = [
        ("84314980", "Parts of cranes and lifting machinery, steel", Decimal("1250.5"), Decimal(1180), 4),
        ("84829900", "Parts of ball bearings", Decimal(310), Decimal("295.25"), 12),
        ("73181590", "Steel screws and bolts", Decimal("95.4"), Decimal(90), 3),
    ]
    consignment_items = []
    for n in range(1, items + 1):
        code, text, gross, net, packages = goods[(n - 1) % len(goods)]
        consignment_items.append({
            "goodsItemNumber": n,
            "declarationGoodsItemNumber": n,
            "Commodity": {
                "descriptionOfGoods": text,
                "CommodityCode": {"harmonizedSystemSubHeadingCode": code[:6], "combinedNomenclatureCode": code[6:]},
                "GoodsMeasure": {"grossMass": gross, "netMass": net},
            },
            "Packaging": [{"sequenceNumber": 1, "typeOfPackages": "PX", "numberOfPackages": packages,
                           "shippingMarks": f"ELBE {LRN_EXAMPLE[-6:]}/{n}"}],
            "PreviousDocument": [{"sequenceNumber": 1, "type": "N380", "referenceNumber": f"INV-2026-0{n:03d}"}],
        })
    total = sum(Decimal(str(i["Commodity"]["GoodsMeasure"]["grossMass"])) for i in consignment_items)
    return {
        **header("CC015C", HOLDER_EORI, NTA_DEPARTURE, at=_at(at)),
        "TransitOperation": {
            "LRN": lrn, "declarationType": "T1", "additionalDeclarationType": "A", "security": "0",
            "reducedDatasetIndicator": False, "bindingItinerary": False,
        },
        "CustomsOfficeOfDeparture": {"referenceNumber": DEPARTURE},
        "CustomsOfficeOfDestinationDeclared": {"referenceNumber": DESTINATION},
        "CustomsOfficeOfTransitDeclared": [{"sequenceNumber": 1, "referenceNumber": TRANSIT}],
        "HolderOfTheTransitProcedure": {
            **HOLDER,
            "ContactPerson": {"name": "Jana Petersen", "phoneNumber": "+49 40 3009 1200", "eMailAddress": "zoll@elbe-logistik.example"},
        },
        "Guarantee": [{
            "sequenceNumber": 1, "guaranteeType": "1",  # comprehensive guarantee
            "GuaranteeReference": [{"sequenceNumber": 1, "GRN": grn, "accessCode": ACCESS_CODE,
                                    "amountToBeCovered": Decimal("18400.00"), "currency": "EUR"}],
        }],
        "Consignment": {
            "countryOfDispatch": "DE", "countryOfDestination": "IT", "containerIndicator": False,
            "inlandModeOfTransport": "3", "modeOfTransportAtTheBorder": "3",  # road
            "grossMass": total,
            "Consignee": {"identificationNumber": CONSIGNEE_EORI, "name": "Lombarda Macchine S.p.A.",
                          "Address": {"streetAndNumber": "Via Gallarate 210", "postcode": "20151", "city": "Milano", "country": "IT"}},
            "LocationOfGoods": {"typeOfLocation": "B", "qualifierOfIdentification": "V",  # authorised place, office id
                                "CustomsOffice": {"referenceNumber": DEPARTURE}},
            "DepartureTransportMeans": [{"sequenceNumber": 1, "typeOfIdentification": "30",  # road vehicle registration
                                         "identificationNumber": "HH-EL 2026", "nationality": "DE"}],
            "CountryOfRoutingOfConsignment": [{"sequenceNumber": 1, "country": "DE"}, {"sequenceNumber": 2, "country": "CH"},
                                              {"sequenceNumber": 3, "country": "IT"}],
            "PlaceOfLoading": {"UNLocode": "DEHAM"},
            "HouseConsignment": [{"sequenceNumber": 1, "grossMass": total, "ConsignmentItem": consignment_items}],
        },
    }


def cc007c(*, mrn: str = MRN_EXAMPLE, at: datetime | None = None) -> dict:
    """IE007 arrival notification: the goods are at the office of destination."""
    return {
        **header("CC007C", CONSIGNEE_EORI, NTA_DESTINATION, at=_at(at, 30)),
        "TransitOperation": {"MRN": mrn, "arrivalNotificationDateAndTime": _at(at, 30), "simplifiedProcedure": False},
        "CustomsOfficeOfDestinationActual": {"referenceNumber": DESTINATION},
        "TraderAtDestination": {"identificationNumber": CONSIGNEE_EORI},
        "Consignment": {"LocationOfGoods": {"typeOfLocation": "A", "qualifierOfIdentification": "V",
                                            "CustomsOffice": {"referenceNumber": DESTINATION}}},
    }


# -- office of departure -> holder of the transit procedure ----------------------------------------------

def cc928c(*, lrn: str = LRN_EXAMPLE, mrn: str | None = None, at: datetime | None = None, correlation: str | None = None) -> dict:
    """IE928 positive acknowledgement of a received declaration (MRN optional at this stage)."""
    return {
        **_trader_message("CC928C", at, correlation),
        "TransitOperation": {"LRN": lrn, "MRN": mrn},
        "CustomsOfficeOfDeparture": {"referenceNumber": DEPARTURE},
        "HolderOfTheTransitProcedure": dict(HOLDER),
    }


def functional_errors(issues: Iterable[Issue], *, with_sequence: bool = False) -> list[dict]:
    """FunctionalError entries (CC056C, CC057C, CC906C; CC022C with ``with_sequence``) for ``issues``.

    ``errorCode`` must be from CL180 (12, 13, 14, 15, 26, ...): carrier-level codes become 12. ``errorReason``
    is an..7 in the XSD, meant for the rule or condition identifier (``R0007``, ``C0569``): the issue's text does
    not fit, so the code is repeated there unless the reason is a short identifier.
    """
    entries = []
    for n, issue in enumerate(issues, 1):
        code = issue.code if issue.code in {"12", "13", "14", "15", "26", "90", "92", "93"} else "12"
        reason = issue.reason if len(issue.reason) <= 7 and " " not in issue.reason else code
        entry: dict[str, Any] = {"errorPointer": (issue.pointer or "/")[:512], "errorCode": code, "errorReason": reason}
        entries.append({"sequenceNumber": n, **entry} if with_sequence else entry)
    return entries


def xml_errors_entries(errors: Iterable[XmlError]) -> list[dict]:
    """XMLError entries of a CC917C for the errors a parse found (``XmlRejected.errors``)."""
    return [{
        "errorLineNumber": e.line, "errorColumnNumber": e.column, "errorPointer": e.pointer[:512],
        "errorCode": e.code, "errorText": e.reason[:512],
    } for e in errors]


_EXAMPLE_ISSUES = [
    Issue("13", "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[2]/Commodity/GoodsMeasure/grossMass", "C0112"),
    Issue("14", "/CC015C/Guarantee[1]/GuaranteeReference[1]/accessCode", "R0506"),
]


def cc056c(*, lrn: str = LRN_EXAMPLE, mrn: str | None = None, at: datetime | None = None, correlation: str | None = None,
           issues: Iterable[Issue] = _EXAMPLE_ISSUES, rejected_type: str = "015") -> dict:
    """IE056 rejection from the office of departure: business rejection type = the rejected message (015)."""
    errors = functional_errors(issues)
    return {
        **_trader_message("CC056C", at, correlation),
        "TransitOperation": {
            "LRN": lrn, "MRN": mrn, "businessRejectionType": rejected_type, "rejectionDateAndTime": _at(at),
            "rejectionCode": "12" if errors else "4",  # CL226: 12 functional errors, 4 other reasons
            "rejectionReason": None if errors else "Declaration not accepted",
        },
        "CustomsOfficeOfDeparture": {"referenceNumber": DEPARTURE},
        "HolderOfTheTransitProcedure": dict(HOLDER),
        "FunctionalError": errors,
    }


def cc028c(*, lrn: str = LRN_EXAMPLE, mrn: str = MRN_EXAMPLE, at: datetime | None = None, correlation: str | None = None,
           accepted: date | None = None) -> dict:
    """IE028 MRN allocated: the declaration is accepted."""
    return {
        **_trader_message("CC028C", at, correlation),
        "TransitOperation": {"LRN": lrn, "MRN": mrn, "declarationAcceptanceDate": accepted or _at(at).date()},
        "CustomsOfficeOfDeparture": {"referenceNumber": DEPARTURE},
        "HolderOfTheTransitProcedure": dict(HOLDER),
    }


def cc060c(*, lrn: str = LRN_EXAMPLE, mrn: str = MRN_EXAMPLE, at: datetime | None = None, correlation: str | None = None) -> dict:
    """IE060 control decision notification: the office will control the goods and wants the invoice."""
    return {
        **_trader_message("CC060C", at, correlation),
        "TransitOperation": {"LRN": lrn, "MRN": mrn, "controlNotificationDateAndTime": _at(at, 0.5),
                             "notificationType": "0"},  # one digit (its code list is not in our CS/RD2 extract)
        "CustomsOfficeOfDeparture": {"referenceNumber": DEPARTURE},
        "HolderOfTheTransitProcedure": dict(HOLDER),
        "TypeOfControls": [{"sequenceNumber": 1, "type": "10"}, {"sequenceNumber": 2, "type": "41"}],  # CL716
        "RequestedDocument": [{"sequenceNumber": 1, "documentType": "N380", "description": "Commercial invoice of item 2"}],
    }


def cc029c(*, lrn: str = LRN_EXAMPLE, mrn: str = MRN_EXAMPLE, at: datetime | None = None, correlation: str | None = None,
           declaration: dict | None = None) -> dict:
    """IE029 release for transit: the declaration data as accepted (from a CC015C's data), with MRN and dates."""
    released = _at(at, 1)
    source = project("CC029C", declaration or cc015c(lrn=lrn, at=at))  # what CC029C repeats of the declaration
    source["TransitOperation"].update({"MRN": mrn, "declarationAcceptanceDate": released.date(), "releaseDate": released.date()})
    source["Consignment"].setdefault("PlaceOfLoading", {"UNLocode": "DEHAM"})  # required in CC029C
    for key in _HEADER_KEYS:  # the declaration's header is not this message's
        source.pop(key, None)
    return {
        **source,
        **_trader_message("CC029C", at, correlation),
        "ControlResult": {"code": "A1", "date": released.date(), "controlledBy": "Zollamt Hamburg, Team 3",
                          "text": "Seals affixed"},  # control result A1: satisfactory
    }


def cc051c(*, mrn: str = MRN_EXAMPLE, at: datetime | None = None, correlation: str | None = None,
           submitted: datetime | None = None) -> dict:
    """IE051 no release for transit (e.g. the control found prohibited goods)."""
    return {
        **_trader_message("CC051C", at, correlation),
        "TransitOperation": {"MRN": mrn, "declarationSubmissionDateAndTime": submitted or _at(at),
                             "noReleaseMotivationCode": "02",  # two characters (code list not in our CS/RD2 extract)
                             "noReleaseMotivationText": "Goods not in conformity with the declaration"},
        "CustomsOfficeOfDeparture": {"referenceNumber": DEPARTURE},
        "HolderOfTheTransitProcedure": dict(HOLDER),
    }


def cc055c(*, mrn: str = MRN_EXAMPLE, at: datetime | None = None, correlation: str | None = None, grn: str = GRN_EXAMPLE,
           reasons: Iterable[tuple[str, str | None]] = (("G09", "Reference amount not sufficient"),)) -> dict:
    """IE055 guarantee not valid: per GRN, the CL252 reasons (G01 does not exist ... G13)."""
    return {
        **_trader_message("CC055C", at, correlation),
        "TransitOperation": {"MRN": mrn, "declarationAcceptanceDate": _at(at).date()},
        "CustomsOfficeOfDeparture": {"referenceNumber": DEPARTURE},
        "HolderOfTheTransitProcedure": dict(HOLDER),
        "GuaranteeReference": [{
            "sequenceNumber": 1, "GRN": grn,
            "InvalidGuaranteeReason": [{"sequenceNumber": n, "code": code, "text": text}
                                       for n, (code, text) in enumerate(reasons, 1)],
        }],
    }


def cc004c(*, lrn: str = LRN_EXAMPLE, mrn: str = MRN_EXAMPLE, at: datetime | None = None, correlation: str | None = None,
           submitted: datetime | None = None) -> dict:
    """IE004 amendment acceptance."""
    return {
        **_trader_message("CC004C", at, correlation),
        "TransitOperation": {"LRN": lrn, "MRN": mrn, "amendmentSubmissionDateAndTime": submitted or _at(at, -0.25),
                             "amendmentAcceptanceDateAndTime": _at(at)},
        "CustomsOfficeOfDeparture": {"referenceNumber": DEPARTURE},
        "HolderOfTheTransitProcedure": dict(HOLDER),
    }


def cc009c(*, lrn: str = LRN_EXAMPLE, mrn: str = MRN_EXAMPLE, at: datetime | None = None, correlation: str | None = None,
           accepted: bool = True, by_customs: bool = False) -> dict:
    """IE009 invalidation decision, on the holder's request (CC014C) or at the customs' own initiative."""
    return {
        **_trader_message("CC009C", at, correlation),
        "TransitOperation": {"LRN": lrn, "MRN": mrn},
        "Invalidation": {
            "requestDateAndTime": None if by_customs else _at(at, -1),
            "decisionDateAndTime": _at(at),
            "decision": accepted,
            "initiatedByCustoms": by_customs,
            "justification": "Goods will not leave: sale cancelled" if not by_customs else "Goods not presented within 30 days",
        },
        "CustomsOfficeOfDeparture": {"referenceNumber": DEPARTURE},
        "HolderOfTheTransitProcedure": dict(HOLDER),
    }


def cc022c(*, mrn: str = MRN_EXAMPLE, at: datetime | None = None, correlation: str | None = None,
           issues: Iterable[Issue] = _EXAMPLE_ISSUES[:1]) -> dict:
    """IE022 notification to the holder to amend the declaration (pointing at what to amend)."""
    return {
        **_trader_message("CC022C", at, correlation),
        "TransitOperation": {"MRN": mrn, "amendmentNotificationDateAndTime": _at(at)},
        "CustomsOfficeOfDeparture": {"referenceNumber": DEPARTURE},
        "HolderOfTheTransitProcedure": dict(HOLDER),
        "FunctionalError": functional_errors(issues, with_sequence=True),
    }


def cc019c(*, mrn: str = MRN_EXAMPLE, at: datetime | None = None, correlation: str | None = None) -> dict:
    """IE019 discrepancies found at destination, notified to the holder by the office of departure."""
    return {
        **_trader_message("CC019C", at, correlation),
        "TransitOperation": {"MRN": mrn, "discrepanciesNotificationDate": _at(at, 48).date(),
                             "discrepanciesNotificationText": "Item 2: 10 packages found, 12 declared"},
        "CustomsOfficeOfDeparture": {"referenceNumber": DEPARTURE},
        "HolderOfTheTransitProcedure": dict(HOLDER),
        "Guarantor": dict(GUARANTOR),
    }


def cc045c(*, mrn: str = MRN_EXAMPLE, at: datetime | None = None, correlation: str | None = None) -> dict:
    """IE045 write-off notification: the transit procedure is discharged."""
    return {
        **_trader_message("CC045C", at, correlation),
        "TransitOperation": {"MRN": mrn, "writeOffDate": _at(at, 48).date()},
        "CustomsOfficeOfDeparture": {"referenceNumber": DEPARTURE},
        "HolderOfTheTransitProcedure": dict(HOLDER),
        "Guarantor": dict(GUARANTOR),
    }


def cc035c(*, mrn: str = MRN_EXAMPLE, at: datetime | None = None, correlation: str | None = None,
           amount: Decimal = Decimal("18400.00")) -> dict:
    """IE035 recovery notification: the movement was not discharged, the debt is recovered."""
    return {
        **_trader_message("CC035C", at, correlation),
        "TransitOperation": {"MRN": mrn, "declarationAcceptanceDate": _at(at).date()},
        "RecoveryNotification": {"recoveryNotificationDate": _at(at, 24 * 60).date(),
                                 "recoveryNotificationText": "Movement not ended at destination; debt incurred",
                                 "amountClaimed": amount, "currency": "EUR"},
        "CustomsOfficeOfDeparture": {"referenceNumber": DEPARTURE},
        "CustomsOfficeOfRecoveryAtDeparture": {"referenceNumber": DEPARTURE},
        "HolderOfTheTransitProcedure": dict(HOLDER),
        "Guarantor": dict(GUARANTOR),
    }


# -- office of destination -> trader at destination -----------------------------------------------------

def _destination_message(message_type: str, at: datetime | None, correlation: str | None) -> dict:
    return _trader_message(message_type, at, correlation, office_nta=NTA_DESTINATION, trader=CONSIGNEE_EORI)


def cc057c(*, mrn: str = MRN_EXAMPLE, at: datetime | None = None, correlation: str | None = None,
           issues: Iterable[Issue] = (Issue("12", "/CC007C/CustomsOfficeOfDestinationActual/referenceNumber", "R0890"),),
           rejected_type: str = "007") -> dict:
    """IE057 rejection from the office of destination (of an arrival notification 007 or unloading remarks 044)."""
    errors = functional_errors(issues)
    return {
        **_destination_message("CC057C", at, correlation),
        "TransitOperation": {"MRN": mrn, "businessRejectionType": rejected_type, "rejectionDateAndTime": _at(at, 30),
                             "rejectionCode": "12" if errors else "4",
                             "rejectionReason": None if errors else "Arrival not accepted"},
        "CustomsOfficeOfDestinationActual": {"referenceNumber": DESTINATION},
        "TraderAtDestination": {"identificationNumber": CONSIGNEE_EORI},
        "FunctionalError": errors,
    }


def cc043c(*, mrn: str = MRN_EXAMPLE, at: datetime | None = None, correlation: str | None = None,
           declaration: dict | None = None) -> dict:
    """IE043 unloading permission for the authorised consignee, with the consignment as released."""
    source = declaration or cc015c(at=at)
    consignment = source["Consignment"]
    house = []
    for h in consignment["HouseConsignment"]:
        items = [{
            "goodsItemNumber": i["goodsItemNumber"], "declarationGoodsItemNumber": i["declarationGoodsItemNumber"],
            "Commodity": i["Commodity"], "Packaging": i["Packaging"],
        } for i in h["ConsignmentItem"]]
        house.append({"sequenceNumber": h["sequenceNumber"], "grossMass": h["grossMass"], "ConsignmentItem": items})
    return {
        **_destination_message("CC043C", at, correlation),
        "TransitOperation": {"MRN": mrn, "declarationType": source["TransitOperation"]["declarationType"],
                             "declarationAcceptanceDate": _at(at).date(),
                             "security": source["TransitOperation"]["security"],
                             "reducedDatasetIndicator": source["TransitOperation"]["reducedDatasetIndicator"]},
        "CustomsOfficeOfDestinationActual": {"referenceNumber": DESTINATION},
        "HolderOfTheTransitProcedure": {"identificationNumber": HOLDER_EORI, "name": HOLDER["name"], "Address": HOLDER["Address"]},
        "TraderAtDestination": {"identificationNumber": CONSIGNEE_EORI},
        "Consignment": {
            "countryOfDestination": consignment.get("countryOfDestination"),
            "containerIndicator": consignment["containerIndicator"],
            "inlandModeOfTransport": consignment.get("inlandModeOfTransport"),
            "grossMass": consignment["grossMass"],
            "Consignee": consignment.get("Consignee"),
            "DepartureTransportMeans": consignment.get("DepartureTransportMeans"),
            "CountryOfRoutingOfConsignment": consignment.get("CountryOfRoutingOfConsignment"),
            "HouseConsignment": house,
        },
    }


def cc025c(*, mrn: str = MRN_EXAMPLE, at: datetime | None = None, correlation: str | None = None) -> dict:
    """IE025 goods release notification at destination (release indicator 1: released)."""
    return {
        **_destination_message("CC025C", at, correlation),
        "TransitOperation": {"MRN": mrn, "releaseDate": _at(at, 36).date(), "releaseIndicator": "1"},
        "CustomsOfficeOfDestinationActual": {"referenceNumber": DESTINATION},
        "TraderAtDestination": {"identificationNumber": CONSIGNEE_EORI},
    }


# -- acknowledgements ---------------------------------------------------------------------------------

def cc906c(*, lrn: str | None = None, mrn: str = MRN_EXAMPLE, at: datetime | None = None, correlation: str | None = None,
           issues: Iterable[Issue] = (Issue("92", "/CC013C", "N/A"),)) -> dict:
    """IE906 functional NACK: a message that cannot be processed (here: out of sequence, code 92)."""
    return {
        **_trader_message("CC906C", at, correlation),
        "Header": {"LRN": lrn, "MRN": mrn},
        "FunctionalError": functional_errors(issues),
    }


def cc917c(*, lrn: str | None = LRN_EXAMPLE, mrn: str | None = None, at: datetime | None = None, correlation: str | None = None,
           errors: Iterable[XmlError] = (XmlError("13", "/CC015C/messageSender", "Element 'messageSender' is missing", 2, 0),)) -> dict:
    """IE917 XML NACK: the received message is not valid against its schema (``XmlRejected.errors``)."""
    return {
        **_trader_message("CC917C", at, correlation),
        "Header": {"LRN": lrn, "MRN": mrn},
        "XMLError": xml_errors_entries(errors),
    }


EXAMPLES: dict[str, Callable[..., dict]] = {
    "CC004C": cc004c, "CC007C": cc007c, "CC009C": cc009c, "CC015C": cc015c, "CC019C": cc019c, "CC022C": cc022c,
    "CC025C": cc025c, "CC028C": cc028c, "CC029C": cc029c, "CC035C": cc035c, "CC043C": cc043c, "CC045C": cc045c,
    "CC051C": cc051c, "CC055C": cc055c, "CC056C": cc056c, "CC057C": cc057c, "CC060C": cc060c, "CC906C": cc906c,
    "CC917C": cc917c, "CC928C": cc928c,
}


def example(message_type: str, **kwargs: Any) -> dict:
    """The example data of ``message_type`` (KeyError if there is none)."""
    return EXAMPLES[message_type](**kwargs)
