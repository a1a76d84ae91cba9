"""Transit test helpers: the traders and offices, their set-up, and the XML messages traders send (a module of
its own: test modules must not import ``conftest``, whose name other test directories share)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.db import Database, metadata

HOLDER = "DE000000000001"  # Elbe Logistik GmbH, the examples' holder of the transit procedure
OTHER = "DE000000000077"
CONSIGNEE = "NL000000000002"  # authorised consignee at destination (Amsterdam)
HU_CONSIGNEE = "HU00000000003"

DEPARTURE = "DE004851"  # Hamburg (DEP)
DESTINATION = "NL000854"  # Kantoor Amsterdam (DES)
TRANSIT_CH = "CH001251"  # Basel (TRA): Switzerland is not connected to the box
TRANSIT_AT = "AT920400"  # Tisis (TRA): re-entry into the Union
DESTINATION_HU = "HU101000"  # Budapest (DES)
ACCESS_CODE = "AB12"

TRADER = Principal(role=Role.TRADER, name="Elbe Logistik", eori=HOLDER)
OTHER_TRADER = Principal(role=Role.TRADER, name="Other GmbH", eori=OTHER)
NL_TRADER = Principal(role=Role.TRADER, name="Amstel Import BV", eori=CONSIGNEE)
HU_TRADER = Principal(role=Role.TRADER, name="Duna Kft", eori=HU_CONSIGNEE)
DE_OFFICER = Principal(role=Role.OFFICER, name="Hamburg desk", country="DE", office=DEPARTURE)
NL_OFFICER = Principal(role=Role.OFFICER, name="Amsterdam desk", country="NL", office=DESTINATION)
AT_OFFICER = Principal(role=Role.OFFICER, name="Tisis desk", country="AT", office=TRANSIT_AT)
HU_OFFICER = Principal(role=Role.OFFICER, name="Budapest desk", country="HU", office=DESTINATION_HU)
FR_OFFICER = Principal(role=Role.OFFICER, name="Paris desk", country="FR", office="FR000690")
COMMISSION = Principal(role=Role.COMMISSION, name="commission")


def prepare(db: Database) -> None:
    """The transit tables (until their migration exists), the traders in EOS."""
    from eucustoms.systems.eos import service as eos
    from eucustoms.systems.eos.messages import Address, OperatorRegistration
    from eucustoms.systems.transit import store

    metadata.create_all(db.engine, tables=list(store.TABLES))
    admin = Principal(role=Role.COMMISSION, name="test")
    with db.begin() as conn:
        for eori, name, country in ((HOLDER, "Elbe Logistik GmbH", "DE"), (OTHER, "Other GmbH", "DE"),
                                    (CONSIGNEE, "Amstel Import BV", "NL"), (HU_CONSIGNEE, "Duna Kft", "HU")):
            eos.register(conn, admin, OperatorRegistration(
                eori=eori, name=name, address=Address(street_and_number="Hauptstr. 1", postcode="10115", city="Berlin",
                                                      country=country),
                established_in_union=True, start_date=date(2020, 1, 1)))


def issue_guarantee(db: Database, amount: str = "50000.00", *, holder: str = HOLDER, countries: list[str] | None = None,
                    guarantee_type: str = "1") -> str:
    from eucustoms.systems.guarantees import service as gum
    from eucustoms.systems.guarantees.messages import Amount, GuaranteeIssue

    office = Principal(role=Role.OFFICER, name="DE GUA", country="DE", office="DE002150")
    with db.begin() as conn:
        g = gum.issue(conn, office, GuaranteeIssue(
            guarantee_type=guarantee_type, holder=holder, office="DE002150",
            reference_amount=Amount(amount=Decimal(amount), currency="EUR"),
            authorisation_reference="DECGU-2026-0001" if guarantee_type in "01" else None, access_code=ACCESS_CODE,
            countries=countries))
    return g.grn


def open_context(db: Database):
    from eucustoms.systems.transit import domains
    from eucustoms.union import PARTICIPATING, open_union

    ctx = open_union(db=db)
    try:
        domains.install(ctx, PARTICIPATING)
    except ValueError:
        pass  # union.py installs them already
    return ctx


# -- the messages traders send ------------------------------------------------------------------------------

def declaration(grn: str | None, *, lrn: str = "ELBE-2026-000123", departure: str = DEPARTURE,
                destination: str = DESTINATION, transit: tuple[str, ...] = (), holder: str = HOLDER,
                access_code: str = ACCESS_CODE, amount: str | None = None, pre_lodged: bool = False,
                security: str = "0", description: str | None = None, **changes: Any) -> bytes:
    """A CC015C (the XML layer's example, sent to our offices)."""
    from eucustoms.systems.transit.xml import render
    from eucustoms.systems.transit.xml.examples import cc015c

    d = cc015c(lrn=lrn, grn=grn or "26DE000000000000H")
    d["messageSender"] = holder
    d["TransitOperation"].update(additionalDeclarationType="D" if pre_lodged else "A", security=security)
    d["CustomsOfficeOfDeparture"] = {"referenceNumber": departure}
    d["CustomsOfficeOfDestinationDeclared"] = {"referenceNumber": destination}
    d["HolderOfTheTransitProcedure"]["identificationNumber"] = holder
    if transit:
        d["CustomsOfficeOfTransitDeclared"] = [{"sequenceNumber": n, "referenceNumber": o} for n, o in enumerate(transit, 1)]
    else:
        d.pop("CustomsOfficeOfTransitDeclared", None)
    reference = d["Guarantee"][0]["GuaranteeReference"][0]
    reference["accessCode"] = access_code
    if grn is None:
        d["Guarantee"] = [{"sequenceNumber": 1, "guaranteeType": "3", "otherGuaranteeReference": "CASH-DE-42"}]
    elif amount is None:
        reference.pop("amountToBeCovered"), reference.pop("currency")
    else:
        reference["amountToBeCovered"] = Decimal(amount)
    d["Consignment"]["countryOfDestination"] = destination[:2]
    d["Consignment"]["CountryOfRoutingOfConsignment"] = [
        {"sequenceNumber": n, "country": c} for n, c in enumerate(dict.fromkeys([departure[:2], *(o[:2] for o in transit),
                                                                               destination[:2]]), 1)]
    if description:
        d["Consignment"]["HouseConsignment"][0]["ConsignmentItem"][0]["Commodity"]["descriptionOfGoods"] = description
    for path, value in changes.items():
        target = d
        *head, last = path.split("__")
        for key in head:
            target = target[key]
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    return render("CC015C", d)


def _header(message_type: str, sender: str, recipient: str) -> dict:
    from eucustoms.systems.transit.xml import header

    return header(message_type, sender, recipient)


def message(message_type: str, data: dict, *, sender: str = HOLDER, recipient: str = "NTA.DE") -> bytes:
    from eucustoms.systems.transit.xml import render

    return render(message_type, {**_header(message_type, sender, recipient), **data})


def amendment(xml: bytes, mrn: str, **changes: Any) -> bytes:
    """The CC013C amending the CC015C ``xml`` (with ``changes`` as for :func:`declaration`)."""
    from eucustoms.systems.transit.xml import parse, render

    d = parse(xml).data
    data = {k: v for k, v in d.items() if k not in ("messageType", "messageIdentification", "@PhaseID")}
    data["TransitOperation"] = {**d["TransitOperation"], "MRN": mrn, "amendmentTypeFlag": "0"}
    for path, value in changes.items():
        target = data
        *head, last = path.split("__")
        for key in head:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[last] = value
    return render("CC013C", {**data, **_header("CC013C", HOLDER, "NTA.DE")})


def invalidation(mrn: str | None = None, lrn: str | None = None, *, office: str = DEPARTURE, sender: str = HOLDER) -> bytes:
    return message("CC014C", {
        "TransitOperation": {"MRN": mrn, "LRN": lrn},
        "Invalidation": {"requestDateAndTime": datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc), "initiatedByCustoms": "0",
                         "justification": "sale cancelled"},
        "CustomsOfficeOfDeparture": {"referenceNumber": office},
        "HolderOfTheTransitProcedure": {"identificationNumber": sender}}, sender=sender)


def presentation(lrn: str, *, office: str = DEPARTURE) -> bytes:
    return message("CC170C", {
        "TransitOperation": {"LRN": lrn},
        "CustomsOfficeOfDeparture": {"referenceNumber": office},
        "HolderOfTheTransitProcedure": {"identificationNumber": HOLDER},
        "Consignment": {
            "LocationOfGoods": {"typeOfLocation": "B", "qualifierOfIdentification": "V",
                                "CustomsOffice": {"referenceNumber": office}},
            "TransportEquipment": [{"sequenceNumber": 1, "numberOfSeals": 1,
                                    "Seal": [{"sequenceNumber": 1, "identifier": "DE-SEAL-0042"}]}],
            "HouseConsignment": [{"sequenceNumber": 1, "DepartureTransportMeans": [
                {"sequenceNumber": 1, "typeOfIdentification": "30", "identificationNumber": "HH-EL 2027",
                 "nationality": "DE"}]}]}})


def arrival(mrn: str, *, office: str = DESTINATION, trader: str = CONSIGNEE, simplified: bool = True) -> bytes:
    data = {"TransitOperation": {"MRN": mrn, "arrivalNotificationDateAndTime": datetime(2026, 3, 3, 10, 0, tzinfo=timezone.utc),
                                 "simplifiedProcedure": simplified},
            "CustomsOfficeOfDestinationActual": {"referenceNumber": office},
            "TraderAtDestination": {"identificationNumber": trader},
            "Consignment": {"LocationOfGoods": {"typeOfLocation": "B", "qualifierOfIdentification": "V",
                                                "CustomsOffice": {"referenceNumber": office}}}}
    if simplified:
        data["Authorisation"] = [{"sequenceNumber": 1, "type": "C522", "referenceNumber": f"{office[:2]}ACE0001"}]
    return message("CC007C", data, sender=trader, recipient=f"NTA.{office[:2]}")


def unloading_remarks(mrn: str, *, office: str = DESTINATION, trader: str = CONSIGNEE, conform: bool = True,
                      remark: str | None = None) -> bytes:
    return message("CC044C", {
        "TransitOperation": {"MRN": mrn},
        "CustomsOfficeOfDestinationActual": {"referenceNumber": office},
        "TraderAtDestination": {"identificationNumber": trader},
        "UnloadingRemark": {"conform": conform, "unloadingCompletion": True, "unloadingDate": date(2026, 3, 3),
                            "stateOfSeals": True, "unloadingRemark": remark}}, sender=trader, recipient=f"NTA.{office[:2]}")


def replies(out: dict) -> list[str]:
    return [r["message_type"] for r in out["replies"]]


def outstanding(db: Database, grn: str, mrn: str) -> Decimal:
    from eucustoms.systems.guarantees import service as gum

    with db.read() as conn:
        return gum.outstanding(conn, grn, mrn).amount
