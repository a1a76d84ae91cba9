"""The CC messages the offices send to traders, as data for :func:`.xml.render` (which validates them).

Each builder takes the movement's record (or the message it answers) and returns the message's data without
its header; :class:`~.exchange.Exchange` adds the header and renders it. What a reply repeats of the
declaration (the holder, the consignment of the release for transit CC029C and of the unloading permission
CC043C) is the declared data as the reply's type declares it (:func:`.xml.project`), completed where the reply
requires what the declaration may leave out."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable

from eucustoms.core.errors import Issue
from eucustoms.systems.transit.xml import project
from eucustoms.systems.transit.xml.examples import functional_errors, xml_errors_entries
from eucustoms.systems.transit.xml.reading import XmlError

from . import codes
from .messages import nodes, text

_HEADER = ("@PhaseID", "messageSender", "messageRecipient", "preparationDateAndTime", "messageIdentification",
           "messageType", "correlationIdentifier")
_MEANS_REQUIRED = {
    "DepartureTransportMeans": ("typeOfIdentification", "identificationNumber", "nationality"),
    "ActiveBorderTransportMeans": ("customsOfficeAtBorderReferenceNumber", "typeOfIdentification", "identificationNumber",
                                   "nationality"),
}


def part(message_type: str, data: dict[str, Any], *names: str) -> dict[str, Any]:
    """The elements ``names`` of ``data`` (a message's dict form) as ``message_type`` declares them (at any depth)."""
    return project(message_type, {n: data[n] for n in names if data.get(n) not in (None, "")})


def _consignment(message_type: str, declaration: dict[str, Any]) -> dict[str, Any]:
    """The declared consignment as ``message_type`` (CC029C, CC043C) carries it: what the declaration may leave
    out and these require is given its default (container indicator 0) or left out (an incompletely identified
    means of transport)."""
    consignment = part(message_type, declaration, "Consignment").get("Consignment") or {}
    consignment.setdefault("containerIndicator", "0")
    for name, required in _MEANS_REQUIRED.items():
        if name in consignment:
            complete = [m for m in nodes(consignment, name) if all(text(m, r) for r in required)]
            consignment[name] = complete or None
    return consignment


def holder(declaration: dict[str, Any], message_type: str = "CC028C") -> dict[str, Any]:
    """HolderOfTheTransitProcedure as declared, as ``message_type`` carries it."""
    return part(message_type, declaration, "HolderOfTheTransitProcedure").get("HolderOfTheTransitProcedure") or {}


def representative(declaration: dict[str, Any], message_type: str) -> dict[str, Any] | None:
    return part(message_type, declaration, "Representative").get("Representative")


def _office(reference: str) -> dict[str, str]:
    return {"referenceNumber": reference}


# -- departure ---------------------------------------------------------------------------------------------

def positive_ack(row: dict[str, Any]) -> dict[str, Any]:
    """CC928C: the declaration was received and registered (with its MRN)."""
    return {"TransitOperation": {"LRN": row["lrn"], "MRN": row["mrn"]},
            "CustomsOfficeOfDeparture": _office(row["office_of_departure"]),
            "HolderOfTheTransitProcedure": holder(row["declaration"], "CC928C")}


def mrn_allocated(row: dict[str, Any]) -> dict[str, Any]:
    """CC028C: the declaration is accepted."""
    return {"TransitOperation": {"LRN": row["lrn"], "MRN": row["mrn"], "declarationAcceptanceDate": row["accepted_at"]},
            "CustomsOfficeOfDeparture": _office(row["office_of_departure"]),
            "HolderOfTheTransitProcedure": holder(row["declaration"], "CC028C")}


def control_decision(row: dict[str, Any], control_types: Iterable[str], at: datetime, note: str | None) -> dict[str, Any]:
    """CC060C: the goods will be controlled before release."""
    return {"TransitOperation": {"LRN": row["lrn"], "MRN": row["mrn"], "controlNotificationDateAndTime": at,
                                 "notificationType": codes.NOTIFICATION_INTENTION_TO_CONTROL},
            "CustomsOfficeOfDeparture": _office(row["office_of_departure"]),
            "HolderOfTheTransitProcedure": holder(row["declaration"], "CC060C"),
            "Representative": representative(row["declaration"], "CC060C"),
            "TypeOfControls": [{"sequenceNumber": n, "type": t, "text": note[:512] if note and n == 1 else None}
                               for n, t in enumerate(control_types, 1)]}


def _guarantees(declaration: dict[str, Any], covered: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """Guarantee (CC029C): every reference with the amount it covers (declared, or assumed in GUM)."""
    out = []
    for guarantee in part("CC029C", declaration, "Guarantee").get("Guarantee") or []:
        refs = []
        for ref in nodes(guarantee, "GuaranteeReference"):
            grn = (text(ref, "GRN") or "").upper()
            if text(ref, "amountToBeCovered") is None and grn in covered:
                ref = {**ref, "amountToBeCovered": covered[grn]["amount"], "currency": covered[grn]["currency"]}
            if text(ref, "amountToBeCovered") is not None and text(ref, "currency") is not None:
                refs.append({k: v for k, v in ref.items() if k != "accessCode"})
        out.append({**guarantee, "GuaranteeReference": refs or None})
    return out


def release_for_transit(row: dict[str, Any], control: dict[str, Any] | None) -> dict[str, Any]:
    """CC029C: the movement is released; the declaration as accepted, the control result if there was one."""
    d = row["declaration"]
    data = {k: v for k, v in project("CC029C", d).items() if k not in _HEADER}
    consignment = _consignment("CC029C", d)
    place = consignment.get("PlaceOfLoading") or {}
    if not place.get("UNLocode") and not place.get("country"):
        consignment["PlaceOfLoading"] = {**place, "country": row["country"]}
    data.update(
        TransitOperation={**(data.get("TransitOperation") or {}), "LRN": row["lrn"], "MRN": row["mrn"],
                          "declarationAcceptanceDate": row["accepted_at"], "releaseDate": row["released_at"]},
        ControlResult=control,
        Guarantee=_guarantees(d, {c["grn"]: c for c in row["guarantees"]}),
        Consignment=consignment)
    return data


def no_release(row: dict[str, Any], code: str, reason: str) -> dict[str, Any]:
    """CC051C: the goods are not released for transit."""
    return {"TransitOperation": {"MRN": row["mrn"], "declarationSubmissionDateAndTime": row["submitted_at"],
                                 "noReleaseMotivationCode": code, "noReleaseMotivationText": reason[:512]},
            "CustomsOfficeOfDeparture": _office(row["office_of_departure"]),
            "HolderOfTheTransitProcedure": holder(row["declaration"], "CC051C"),
            "Representative": representative(row["declaration"], "CC051C")}


def guarantee_not_valid(row: dict[str, Any], reasons: dict[str, list[Issue]]) -> dict[str, Any]:
    """CC055C: per GRN, every CL252 reason why it cannot cover the movement."""
    return {"TransitOperation": {"MRN": row["mrn"], "declarationAcceptanceDate": row["accepted_at"]},
            "CustomsOfficeOfDeparture": _office(row["office_of_departure"]),
            "HolderOfTheTransitProcedure": holder(row["declaration"], "CC055C"),
            "GuaranteeReference": [
                {"sequenceNumber": n, "GRN": grn,
                 "InvalidGuaranteeReason": [{"sequenceNumber": m, "code": i.code, "text": i.reason[:512]}
                                            for m, i in enumerate(issues[:9], 1)]}
                for n, (grn, issues) in enumerate(list(reasons.items())[:99], 1)]}


def amendment_accepted(row: dict[str, Any], submitted: datetime, accepted: datetime) -> dict[str, Any]:
    """CC004C."""
    return {"TransitOperation": {"LRN": row["lrn"], "MRN": row["mrn"], "amendmentSubmissionDateAndTime": submitted,
                                 "amendmentAcceptanceDateAndTime": accepted},
            "CustomsOfficeOfDeparture": _office(row["office_of_departure"]),
            "HolderOfTheTransitProcedure": holder(row["declaration"], "CC004C")}


def invalidation_decision(row: dict[str, Any], request: dict[str, Any], decided: datetime) -> dict[str, Any]:
    """CC009C: the invalidation the holder asked for is granted."""
    justification = text(request, "justification")
    return {"TransitOperation": {"LRN": row["lrn"], "MRN": row["mrn"]},
            "Invalidation": {"requestDateAndTime": text(request, "requestDateAndTime"), "decisionDateAndTime": decided,
                             "decision": "1", "initiatedByCustoms": "0",
                             "justification": justification[:512] if justification else None},
            "CustomsOfficeOfDeparture": _office(row["office_of_departure"]),
            "HolderOfTheTransitProcedure": holder(row["declaration"], "CC009C")}


def discrepancies(row: dict[str, Any], on: date, note: str | None) -> dict[str, Any]:
    """CC019C: the office of destination found discrepancies."""
    return {"TransitOperation": {"MRN": row["mrn"], "discrepanciesNotificationDate": on,
                                 "discrepanciesNotificationText": note[:512] if note else None},
            "CustomsOfficeOfDeparture": _office(row["office_of_departure"]),
            "HolderOfTheTransitProcedure": holder(row["declaration"], "CC019C")}


def write_off(row: dict[str, Any], on: date) -> dict[str, Any]:
    """CC045C: the transit procedure is ended and discharged."""
    return {"TransitOperation": {"MRN": row["mrn"], "writeOffDate": on},
            "CustomsOfficeOfDeparture": _office(row["office_of_departure"]),
            "HolderOfTheTransitProcedure": holder(row["declaration"], "CC045C")}


def recovery(row: dict[str, Any], on: date, amount: Decimal, currency: str, note: str | None,
             office: str) -> dict[str, Any]:
    """CC035C: the movement was not ended properly; the debt is recovered."""
    return {"TransitOperation": {"MRN": row["mrn"], "declarationAcceptanceDate": row["accepted_at"]},
            "RecoveryNotification": {"recoveryNotificationDate": on, "recoveryNotificationText": note[:512] if note else None,
                                     "amountClaimed": amount, "currency": currency},
            "CustomsOfficeOfDeparture": _office(row["office_of_departure"]),
            "CustomsOfficeOfRecoveryAtDeparture": _office(office),
            "HolderOfTheTransitProcedure": holder(row["declaration"], "CC035C")}


# -- destination -------------------------------------------------------------------------------------------

def unloading_permission(arrival: dict[str, Any]) -> dict[str, Any]:
    """CC043C: the authorised consignee may unload; the consignment as released, to check against."""
    aar = arrival["aar"]
    declared = holder({"HolderOfTheTransitProcedure": aar.get("holder") or {}}, "CC043C")
    return {"TransitOperation": {"MRN": arrival["mrn"], "declarationType": aar.get("declaration_type"),
                                 "declarationAcceptanceDate": aar.get("accepted_on"),
                                 "security": aar.get("security") or "0",
                                 "reducedDatasetIndicator": aar.get("reduced_dataset") or "0"},
            "CustomsOfficeOfDestinationActual": _office(arrival["office_actual"]),
            "HolderOfTheTransitProcedure": declared if declared.get("name") and declared.get("Address") else None,
            "TraderAtDestination": {"identificationNumber": arrival["trader"]},
            "Consignment": _consignment("CC043C", {"Consignment": aar.get("consignment") or {}}) or None}


def goods_release(arrival: dict[str, Any], on: date) -> dict[str, Any]:
    """CC025C: the goods are released at destination."""
    return {"TransitOperation": {"MRN": arrival["mrn"], "releaseDate": on, "releaseIndicator": codes.RELEASED},
            "CustomsOfficeOfDestinationActual": _office(arrival["office_actual"]),
            "TraderAtDestination": {"identificationNumber": arrival["trader"]}}


# -- rejections and acknowledgements -------------------------------------------------------------------------

def _summary(issues: list[Issue]) -> str:
    summary = "; ".join(f"{i.pointer or '/'}: {i.reason}" for i in issues)
    return summary if len(summary) <= 512 else summary[:509] + "..."


def departure_rejection(incoming: dict[str, Any], message_type: str, issues: list[Issue], at: datetime,
                        mrn: str | None) -> dict[str, Any]:
    """CC056C: a CC015C, CC013C, CC014C or CC170C is rejected, with every functional error."""
    return {"TransitOperation": {"LRN": text(incoming, "TransitOperation", "LRN"),
                                 "MRN": mrn or text(incoming, "TransitOperation", "MRN"),
                                 "businessRejectionType": codes.BUSINESS_REJECTION_TYPE[message_type],
                                 "rejectionDateAndTime": at, "rejectionCode": codes.REJECTION_FUNCTIONAL,
                                 "rejectionReason": _summary(issues)},
            "CustomsOfficeOfDeparture": _office(text(incoming, "CustomsOfficeOfDeparture", "referenceNumber") or ""),
            "HolderOfTheTransitProcedure": holder(incoming, "CC056C"),
            "Representative": representative(incoming, "CC056C"),
            "FunctionalError": functional_errors(issues)}


def destination_rejection(incoming: dict[str, Any], message_type: str, issues: list[Issue], at: datetime) -> dict[str, Any]:
    """CC057C: a CC007C or CC044C is rejected, with every functional error."""
    return {"TransitOperation": {"MRN": text(incoming, "TransitOperation", "MRN"),
                                 "businessRejectionType": codes.BUSINESS_REJECTION_TYPE[message_type],
                                 "rejectionDateAndTime": at, "rejectionCode": codes.REJECTION_FUNCTIONAL,
                                 "rejectionReason": _summary(issues)},
            "CustomsOfficeOfDestinationActual": _office(text(incoming, "CustomsOfficeOfDestinationActual", "referenceNumber") or ""),
            "TraderAtDestination": {"identificationNumber": text(incoming, "TraderAtDestination", "identificationNumber")},
            "FunctionalError": functional_errors(issues)}


def functional_nack(incoming: dict[str, Any], issues: list[Issue]) -> dict[str, Any]:
    """CC906C: a message the system cannot process at all (e.g. of a type traders do not send)."""
    mrn = text(incoming, "TransitOperation", "MRN")
    return {"Header": {"LRN": text(incoming, "TransitOperation", "LRN"),
                       "MRN": mrn if mrn and len(mrn) == 18 else None},
            "FunctionalError": functional_errors(issues)}


def xml_nack(errors: list[XmlError]) -> dict[str, Any]:
    """CC917C: the message is not well-formed or not valid against its schema."""
    return {"XMLError": xml_errors_entries(errors[:9999])}
