"""The business rules of the office of departure on a declaration (CC015C, or the CC013C that amends it),
every error listed at once; what acceptance must then do (the amounts to cover in GUM, the facts for the risk
analysis). Nothing here writes.

Codes are the functional error codes of CC056C (12 code list, 13 missing, 14 rule, 15 not allowed, 26
duplicate); pointers are the elements' paths (``/CC015C/Guarantee[1]/GuaranteeReference[1]/GRN``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Iterable

from sqlalchemy import Connection

from eucustoms.core.errors import ErrorCode, InvalidIdentifier, Issue, NotFound
from eucustoms.core.ids.countries import is_customs_country
from eucustoms.core.money import Money
from eucustoms.refdata import RefData
from eucustoms.systems.eos import service as eos
from eucustoms.systems.guarantees.amounts import amount_to_cover

from .codes import TYPES_WITH_GRN
from .messages import Declaration, node, nodes, text

#: MRN position 17 by the declaration's security indicator (DDNTA rule R0410): 0 J, 1 L (ENS), 2 K (EXS), 3 M (both).
MRN_LETTER = {"0": "J", "1": "L", "2": "K", "3": "M"}
#: Office roles (CS/RD2 CustomsOfficeRole) each declared office must have.
ROLE_DEPARTURE, ROLE_DESTINATION, ROLE_TRANSIT, ROLE_EXIT = "DEP", "DES", "TRA", "EXT"

_HS6 = re.compile(r"[0-9]{6}")


@dataclass(frozen=True)
class Cover:
    """An amount GUM must cover for the movement: per GRN, in the currency declared (EUR 10 000 by default)."""

    grn: str
    guarantee_type: str
    access_code: str
    amount: Money
    pointer: str

    def as_dict(self) -> dict[str, str]:
        return {"grn": self.grn, "type": self.guarantee_type, "amount": str(self.amount.amount),
                "currency": self.amount.currency, "pointer": self.pointer}


@dataclass
class Checked:
    """A declaration that passed the rules, and what its acceptance needs."""

    declaration: Declaration
    country: str  # of the office of departure
    destination_country: str
    transit_offices: list[str]
    covers: list[Cover] = field(default_factory=list)


def _code(refdata: RefData, issues: list[Issue], list_name: str, value: str | None, pointer: str, day: date,
          what: str) -> None:
    if value is not None and not refdata.code_valid(list_name, value, day):
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, pointer, f"{value!r} is not a valid {what} ({list_name})"))


def _office(refdata: RefData, issues: list[Issue], reference: str | None, role: str, pointer: str, day: date,
            what: str) -> str | None:
    if reference is None:
        issues.append(Issue(ErrorCode.MISSING, pointer, f"the {what} is required"))
        return None
    if refdata.office(reference, day) is None:
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, pointer, f"{reference} is not a customs office on {day}"))
        return None
    if not refdata.office_has_role(reference, role, day):
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, pointer,
                            f"{reference} is not a {what} (office role {role}) on {day}"))
        return None
    return reference


def _operator(conn: Connection, eori: str, pointer: str, day: date, issues: list[Issue], who: str) -> None:
    try:
        op = eos.get(conn, eori)
    except (NotFound, InvalidIdentifier):
        issues.append(Issue(ErrorCode.RULE_VIOLATION, pointer, f"the {who} {eori} is not registered in EOS"))
        return
    if op.status != "valid" or op.start_date > day or (op.end_date is not None and day > op.end_date):
        issues.append(Issue(ErrorCode.RULE_VIOLATION, pointer, f"the {who}'s EORI {eori} is not valid on {day}"))


def _guarantees(refdata: RefData, d: Declaration, day: date, issues: list[Issue]) -> list[Cover]:
    covers: list[Cover] = []
    if not d.guarantees:
        issues.append(Issue(ErrorCode.MISSING, d.at("Guarantee"), "a guarantee is required"))
    for g in d.guarantees:
        type_pointer = g.pointer.rsplit("/GuaranteeReference", 1)[0] + "/guaranteeType"
        if not refdata.code_valid("GuaranteeType", g.guarantee_type, day):
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, type_pointer,
                                f"{g.guarantee_type!r} is not a guarantee type (CL251)"))
            continue
        if g.guarantee_type not in TYPES_WITH_GRN:
            if g.grn:
                issues.append(Issue(ErrorCode.NOT_ALLOWED, f"{g.pointer}/GRN",
                                    f"a guarantee of type {g.guarantee_type} has no GRN"))
            if g.guarantee_type == "3" and not g.other_reference:
                issues.append(Issue(ErrorCode.MISSING, type_pointer.replace("guaranteeType", "otherGuaranteeReference"),
                                    "a cash guarantee (type 3) needs its reference"))
            if g.guarantee_type == "B":
                issues.append(Issue(ErrorCode.NOT_ALLOWED, type_pointer, "TIR guarantees (type B) are not handled"))
            continue
        problems = False
        if not g.grn:
            issues.append(Issue(ErrorCode.MISSING, f"{g.pointer}/GRN", f"a guarantee of type {g.guarantee_type} needs its GRN"))
            problems = True
        if not g.access_code:
            issues.append(Issue(ErrorCode.MISSING, f"{g.pointer}/accessCode", "the access code of the GRN is required"))
            problems = True
        declared = None
        if g.amount is not None:
            if not g.currency:
                issues.append(Issue(ErrorCode.MISSING, f"{g.pointer}/currency", "an amount to be covered needs its currency"))
                problems = True
            elif not refdata.code_valid("CurrencyCodes", g.currency, day):
                issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"{g.pointer}/currency",
                                    f"{g.currency!r} is not a currency of the list (CL048)"))
                problems = True
            else:
                declared = Money(g.amount, g.currency)
        elif g.currency:
            issues.append(Issue(ErrorCode.NOT_ALLOWED, f"{g.pointer}/currency", "a currency without an amount to be covered"))
        if problems:
            continue
        cover = amount_to_cover(g.guarantee_type, declared)
        if cover is not None and cover.amount > 0:
            covers.append(Cover(g.grn, g.guarantee_type, g.access_code, cover, g.pointer))  # type: ignore[arg-type]
    return covers


def _consignment(refdata: RefData, d: Declaration, day: date, issues: list[Issue]) -> None:
    c = d.consignment
    for key in ("countryOfDispatch", "countryOfDestination"):
        _code(refdata, issues, "CountryCodesFullList", text(c, key), d.at("Consignment", key), day, "country")
    numbers: dict[int, str] = {}
    for item in d.items():
        if item.number is not None:
            if item.number in numbers:
                issues.append(Issue(ErrorCode.RULE_VIOLATION, f"{item.pointer}/declarationGoodsItemNumber",
                                    f"goods item number {item.number} is used twice (also {numbers[item.number]})"))
            numbers.setdefault(item.number, item.pointer)
        commodity = node(item.data, "Commodity")
        hs = text(commodity, "CommodityCode", "harmonizedSystemSubHeadingCode")
        if hs is not None and not refdata.code_valid("HScode", hs, day):
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"{item.pointer}/Commodity/CommodityCode/harmonizedSystemSubHeadingCode",
                                f"{hs!r} is not an HS subheading (CL152)"))
        if text(commodity, "GoodsMeasure", "grossMass") is None:
            issues.append(Issue(ErrorCode.MISSING, f"{item.pointer}/Commodity/GoodsMeasure/grossMass",
                                "the gross mass of each goods item is required"))
        for n, package in enumerate(nodes(item.data, "Packaging"), 1):
            _code(refdata, issues, "KindOfPackages", text(package, "typeOfPackages"),
                  f"{item.pointer}/Packaging[{n}]/typeOfPackages", day, "kind of packages")
        for key in ("countryOfDispatch", "countryOfDestination"):
            _code(refdata, issues, "CountryCodesFullList", text(item.data, key), f"{item.pointer}/{key}", day, "country")


def check_declaration(conn: Connection, refdata: RefData, d: Declaration, filer: str, day: date,
                      domains: Iterable[str]) -> tuple[Checked | None, list[Issue]]:
    """Every business rule on the declaration ``d`` lodged by ``filer`` (EORI) on ``day``; ``domains`` are the
    member states connected to the box (the departure and destination must be among them)."""
    issues: list[Issue] = []
    domains = set(domains)
    # Transit operation.
    _code(refdata, issues, "DeclarationType", d.declaration_type, d.at("TransitOperation", "declarationType"), day,
          "declaration type")
    if d.declaration_type == "TIR":
        issues.append(Issue(ErrorCode.NOT_ALLOWED, d.at("TransitOperation", "declarationType"),
                            "the TIR procedure is not handled by this office"))
    _code(refdata, issues, "DeclarationTypeAdditional", d.additional_type,
          d.at("TransitOperation", "additionalDeclarationType"), day, "additional declaration type")
    _code(refdata, issues, "DeclarationTypeSecurity", d.security, d.at("TransitOperation", "security"), day,
          "security indicator")
    for n, auth in enumerate(nodes(d.data, "Authorisation"), 1):
        _code(refdata, issues, "AuthorisationTypeDeparture", text(auth, "type"), d.at(f"Authorisation[{n}]", "type"),
              day, "authorisation type at departure")
    # Offices.
    departure = _office(refdata, issues, d.office_of_departure, ROLE_DEPARTURE,
                        d.at("CustomsOfficeOfDeparture", "referenceNumber"), day, "customs office of departure")
    destination = _office(refdata, issues, d.office_of_destination, ROLE_DESTINATION,
                          d.at("CustomsOfficeOfDestinationDeclared", "referenceNumber"), day, "customs office of destination")
    for reference, what in ((departure, "departure"), (destination, "destination")):
        if reference and reference[:2] not in domains:
            pointer = d.at("CustomsOfficeOfDeparture" if what == "departure" else "CustomsOfficeOfDestinationDeclared",
                           "referenceNumber")
            issues.append(Issue(ErrorCode.RULE_VIOLATION, pointer,
                                f"{reference}: {reference[:2]}'s transit application is not connected to this union"))
    transit = []
    for pointer, reference in d.transit_offices:
        if _office(refdata, issues, reference, ROLE_TRANSIT, pointer, day, "customs office of transit"):
            transit.append(reference)
    for pointer, reference in d.exit_offices:
        _office(refdata, issues, reference, ROLE_EXIT, pointer, day, "customs office of exit for transit")
    # Parties: the holder (or its representative) lodges.
    holder, representative = d.holder_id, d.representative_id
    holder_pointer = d.at("HolderOfTheTransitProcedure", "identificationNumber")
    if holder is None:
        issues.append(Issue(ErrorCode.MISSING, holder_pointer, "the holder of the transit procedure's EORI is required"))
    else:
        _operator(conn, holder, holder_pointer, day, issues, "holder of the transit procedure")
    if representative is not None:
        _operator(conn, representative, d.at("Representative", "identificationNumber"), day, issues, "representative")
    if filer not in {holder, representative}:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, holder_pointer,
                            f"the holder of the transit procedure or its representative must be you ({filer})"))
    covers = _guarantees(refdata, d, day, issues)
    _consignment(refdata, d, day, issues)
    if issues:
        return None, issues
    assert departure is not None and destination is not None
    return Checked(d, departure[:2], destination[:2], transit, covers), []


def facts(d: Declaration, mrn: str, country: str, destination_country: str, transit_offices: list[str],
          day: date) -> dict[str, Any]:
    """The neutral view of the movement for the common risk criteria (only values that pass their checks)."""
    c = d.consignment

    def country_of(value: str | None) -> str | None:
        return value.upper() if value and len(value) == 2 and is_customs_country(value.upper()) else None

    def party(p: dict[str, Any]) -> dict[str, str]:
        out = {"id": text(p, "identificationNumber"), "name": text(p, "name"),
               "country": country_of(text(p, "Address", "country"))}
        return {k: v for k, v in out.items() if v}

    routing = [country_of(text(r, "country")) for r in nodes(c, "CountryOfRoutingOfConsignment")]
    routing += [o[:2] for o in transit_offices]
    items = []
    for n, item in enumerate(d.items(), 1):
        commodity = node(item.data, "Commodity")
        entry: dict[str, Any] = {"number": n}
        hs = text(commodity, "CommodityCode", "harmonizedSystemSubHeadingCode")
        if hs and _HS6.fullmatch(hs):
            entry["hs6"] = hs
        description = text(commodity, "descriptionOfGoods")
        if description:
            entry["description"] = description[:512]
        for key, name in (("grossMass", "gross_mass_kg"), ("netMass", "net_mass_kg")):
            value = text(commodity, "GoodsMeasure", key)
            try:
                if value is not None and Decimal(value) >= 0:
                    entry[name] = value
            except ArithmeticError:
                pass
        dangerous = [text(g, "UNNumber") for g in nodes(commodity, "DangerousGoods")]
        if dangerous and dangerous[0] and re.fullmatch(r"[0-9]{4}", dangerous[0]):
            entry["un_dg"] = dangerous[0]
        items.append(entry)
    mode = text(c, "modeOfTransportAtTheBorder") or text(c, "inlandModeOfTransport")
    parties = {"holder": {"id": d.holder_id} if d.holder_id else {}, "consignor": party(node(c, "Consignor")),
               "consignee": party(node(c, "Consignee"))}
    if d.representative_id:
        parties["representative"] = {"id": d.representative_id}
    return {
        "kind": "transit",
        "reference": mrn,
        **({"mode": mode} if mode in {"1", "2", "3", "4", "5", "7", "8", "9"} else {}),
        "countries": {k: v for k, v in {
            "dispatch": country_of(text(c, "countryOfDispatch")) or country,
            "destination": country_of(text(c, "countryOfDestination")) or destination_country,
            "routing": [r for r in routing if r] or None}.items() if v},
        "parties": {k: v for k, v in parties.items() if v},
        "items": items,
        "dates": {"lodged": day.isoformat()},
        "attributes": {"declaration_type": d.declaration_type or "", "security": d.security or "0"},
    }
