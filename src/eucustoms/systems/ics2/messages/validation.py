"""Validation of an ENS filing: every problem, in one answer.

:func:`validate_filing` checks, in order, and collects all issues (never stopping at the first):

1. the structure (pydantic): types, lengths, formats, time zones, unknown fields - code 13 for a missing
   element, 15 for a field that does not exist, 14 otherwise;
2. only if the structure parsed: the particulars the filing type must carry (13) and must not carry (15);
3. code lists and reference data (12): kinds of packages (CL017), transport mode (CL218) and identification
   type (CL219), transport document types (CL754), countries (CL008), UN/LOCODEs, the customs office of first
   entry (exists, role ENT), HS/CN codes in the nomenclature on that date, CUS codes, UN numbers, payment
   methods, representative status; and identifiers: EORI numbers where the HTI requires them (R3005) and
   the format of other trader identification numbers;
4. cross-field rules (14): gross masses, goods item numbering (R3017), times (R3053), the office of first
   entry in the ICS2 area and on the routing (R3018), routing against places (R3013, R3014, R3022), unique
   house documents (R3052), IMO numbers (R3009), container numbers (R3021), modes (R3011, R3012).

Pointers are JSON pointers into the payload (``/consignment/house_consignments/0/goods_items/2/hs_code``).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterator, Protocol

from pydantic import ValidationError

from eucustoms.core.errors import ErrorCode, Issue, Issues
from eucustoms.core.identifiers import EORI, EORI_PREFIXES

from .common import ActiveMeansOfTransport, Location, Party, TransportDocument, TransportEquipment
from .consignment import Consignment, HouseConsignment
from .filing import Filing
from .filing_types import AnyOf, FilingType, Particular, filing_type
from .goods import GoodsItem, Packaging
from .linking import Links, LinkingKey, linking_key, unmet

# --------------------------------------------------------------------------------------------- reference data


class _Office(Protocol):
    country: str
    roles: tuple[str, ...]


class _Place(Protocol):
    country: str
    subdivision: str | None


class ReferenceData(Protocol):
    """What the validator needs from :class:`eucustoms.refdata.RefData` (a fake can stand in for tests)."""

    def code_valid(self, list_name: str, code: str, as_of: date | None = None) -> bool: ...

    def office(self, reference: str, as_of: date | None = None) -> _Office | None: ...

    def place(self, unlocode: str) -> _Place | None: ...

    def ics2_area(self, as_of: date | None = None) -> frozenset[str]: ...

    def is_valid_goods_code(self, code: str, as_of: date | None = None) -> bool: ...


# Code lists by their RefData names.
KIND_OF_PACKAGES = "KindOfPackages"  # CL017
TRANSPORT_MODE = "TransportModeCode"  # CL218
MEANS_IDENTIFICATION = "TypeOfIdentificationofMeansOfTransportActive"  # CL219 (ICS2: CL750, same codes)
TRANSPORT_DOCUMENT = "TransportDocumentType"  # CL754
COUNTRY = "CountryCodesFullList"  # CL008 (ICS2: CL718)
CUS_CODE = "CUSCode"  # CL016
UN_NUMBER = "UnDangerousGoodsCode"  # CL101
PAYMENT_METHOD = "TransportChargesMethodOfPayment"  # CL116
REPRESENTATIVE_STATUS = "RepresentativeStatusCode"  # CL094

# Lists the reference data does not carry (ICS2-only code lists), kept here.
TYPE_OF_PERSON = {"1": "natural person", "2": "legal person", "3": "association of persons"}  # CL729
SUPPLEMENTARY_FILING_TYPE = {"1": "house level filing", "2": "sub-house level filing"}  # CL745
ENTRY_ROLE = "ENT"  # COL role of a customs office of (first) entry

_PHONE = re.compile(r"^\+(?:[0-9] ?){6,14}[0-9]$")  # R3006
_TIN = re.compile(r"^[0-9A-Z]{1,17}$")
_CONTAINER = re.compile(r"^[A-Z]{3}[UJZR][0-9]{7}$")  # ISO 6346 (R3021)
_IMO = re.compile(r"^IMO[0-9]{7}$")  # R3009

C = ErrorCode


# --------------------------------------------------------------------------------------------- entry point


def validate_filing(message_type: str, payload: Any, refdata: ReferenceData, *,
                    as_of: date | datetime) -> tuple[Filing | None, list[Issue]]:
    """Validate ``payload`` as an ENS filing of ``message_type`` (``IE3F11`` or ``F11``).

    Returns ``(filing, [])`` when it is acceptable, else ``(None, issues)`` with every issue found. An unknown
    message type gives one issue, code 12 at ``/message_type``; a payload whose structure does not parse gives
    the structural issues only (the later checks need the parsed filing).
    """
    kind = filing_type(message_type or "")
    if kind is None:
        return None, [Issue(C.CODELIST_VIOLATION, "/message_type",
                            f"unknown ENS message type {message_type!r}: expected IE3F10-IE3F17, IE3F20-IE3F29, "
                            "IE3F30-IE3F34, IE3F40-IE3F45, IE3F50 or IE3F51")]
    issues = Issues()
    if not isinstance(payload, dict):
        return None, [Issue(C.RULE_VIOLATION, "", "the filing must be a JSON object")]
    data = dict(payload)
    given = data.get("message_type")
    if given is not None and (not isinstance(given, str) or filing_type(given) is not kind):
        issues.add(C.RULE_VIOLATION, "/message_type",
                   f"message_type {given!r} does not match the message lodged ({kind.message_type})")
    data["message_type"] = kind.message_type
    try:
        filing = Filing.model_validate(data)
    except ValidationError as exc:
        issues.extend(structure_issues(exc))
        return None, issues.items
    day = as_of.date() if isinstance(as_of, datetime) else as_of
    _Checker(filing, kind, refdata, day, issues).run()
    return (None, issues.items) if issues else (filing, [])


def structure_issues(exc: ValidationError) -> list[Issue]:
    """Pydantic errors as issues: 13 missing, 15 not allowed (unknown field), 14 anything else."""
    found = []
    for error in exc.errors(include_url=False):
        kind = error["type"]
        code = C.MISSING if kind == "missing" else C.NOT_ALLOWED if kind == "extra_forbidden" else C.RULE_VIOLATION
        loc = [part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-"))]
        pointer = "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in loc)
        reason = {"missing": "is required", "extra_forbidden": "is not a data element of this message"}.get(
            kind, error["msg"])
        found.append(Issue(code, pointer, f"{loc[-1] if loc else 'filing'}: {reason}"))
    return found


# --------------------------------------------------------------------------------------------- paths


def _walk(obj: Any, segments: list[str], pointer: str, ancestors: tuple, depth: int = 0
          ) -> Iterator[tuple[str, Any, tuple, int]]:
    """Yield ``(pointer, value, ancestors, depth)`` for every place ``segments`` reaches from ``obj``. When a
    parent on the way is None the parent itself is yielded (value None, depth = segments consumed); an empty
    list on the way makes the deeper path vacuous."""
    segment, rest = segments[0], segments[1:]
    each = segment.endswith("[]")
    name = segment[:-2] if each else segment
    value = getattr(obj, name)
    here = f"{pointer}/{name}"
    if each:
        if not rest:
            yield here, value, ancestors, depth + 1
            return
        for index, element in enumerate(value or ()):
            yield from _walk(element, rest, f"{here}/{index}", ancestors + (element,), depth + 1)
        return
    if not rest or value is None:
        yield here, value, ancestors, depth + 1
        return
    yield from _walk(value, rest, here, ancestors + (value,), depth + 1)


def _present(value: Any) -> bool:
    return value is not None and value != [] and value != ""


def _nearest(ancestors: tuple, cls: type) -> Any:
    for obj in reversed(ancestors):
        if isinstance(obj, cls):
            return obj
    return None


def _natural_persons(ancestors: tuple) -> bool:
    """C3025: consignor and consignee both natural persons - no commodity code required."""
    house = _nearest(ancestors, HouseConsignment)
    return bool(house and house.consignor and house.consignee
                and house.consignor.type_of_person == "1" and house.consignee.type_of_person == "1")


def _to_order(ancestors: tuple) -> bool:
    house = _nearest(ancestors, HouseConsignment)
    return bool(house and house.to_order)


def _bulk(ancestors: tuple) -> bool:
    packaging = _nearest(ancestors, Packaging)
    return bool(packaging and packaging.is_bulk)


EXEMPTIONS = {"natural_persons": _natural_persons, "to_order": _to_order, "bulk": _bulk}


# --------------------------------------------------------------------------------------------- the checks


class _Checker:
    def __init__(self, filing: Filing, kind: FilingType, refdata: ReferenceData, day: date, issues: Issues):
        self.f = filing
        self.kind = kind
        self.ref = refdata
        self.day = day
        self.issues = issues
        self._seen: set[tuple[str, str]] = set()

    def add(self, code: str, pointer: str, reason: str) -> None:
        if (code, pointer) not in self._seen:  # one issue per place and code (a missing parent once)
            self._seen.add((code, pointer))
            self.issues.add(code, pointer, reason)

    def run(self) -> None:
        self.particulars()
        self.header()
        self.consignment(self.f.consignment, "/consignment")

    # -- 2. particulars per filing type

    def particulars(self) -> None:
        kind, names = self.kind, {}
        for req in kind.requires:
            if isinstance(req, Particular):
                names.setdefault(req.path, req.element)
        for req in kind.requires:
            if isinstance(req, AnyOf):
                self._any_of(req)
                continue
            segments = req.path.split(".")
            for pointer, value, ancestors, depth in _walk(self.f, segments, "", (self.f,)):
                if _present(value):
                    continue
                if req.unless and EXEMPTIONS[req.unless](ancestors):
                    continue
                prefix = ".".join(segments[:depth])
                element = names.get(prefix, req.element) if depth < len(segments) else req.element
                self.add(C.MISSING, pointer, f"{element} is missing: required in {kind.code} ({kind.title})")
        for forbidden in kind.forbids:
            segments = forbidden.path.split(".")
            for pointer, value, _, depth in _walk(self.f, segments, "", (self.f,)):
                if depth == len(segments) and _present(value):
                    self.add(C.NOT_ALLOWED, pointer,
                             f"{forbidden.element}: not allowed in {kind.code} ({kind.title})")
        limit = kind.max_house_consignments
        if limit is not None and len(self.f.consignment.house_consignments) > limit:
            self.add(C.RULE_VIOLATION, "/consignment/house_consignments",
                     f"{kind.code} carries at most {limit} house consignment(s), got "
                     f"{len(self.f.consignment.house_consignments)}")

    def _any_of(self, req: AnyOf) -> None:
        first = None
        for path in req.paths:
            for pointer, value, _, _ in _walk(self.f, path.split("."), "", (self.f,)):
                first = first or pointer
                if _present(value):
                    return
        self.add(C.MISSING, first or "", f"{req.element} is missing: required in {self.kind.code}")

    # -- 3./4. header

    def header(self) -> None:
        f, kind = self.f, self.kind
        sci = f.specific_circumstance_indicator
        if sci is not None:
            if filing_type(sci) is None:
                self.add(C.CODELIST_VIOLATION, "/specific_circumstance_indicator",
                         f"specific circumstance indicator {sci!r} is not an ENS filing type (CL742)")
            elif sci != kind.code:
                self.add(C.RULE_VIOLATION, "/specific_circumstance_indicator",
                         f"specific circumstance indicator {sci} does not match the message {kind.message_type}")
        self.party(f.declarant, "/declarant", eori=True)
        if f.representative is not None:
            rep = f.representative
            self.party(rep, "/representative", eori=True)
            if rep.status is not None and not self.ref.code_valid(REPRESENTATIVE_STATUS, rep.status, self.day):
                self.add(C.CODELIST_VIOLATION, "/representative/status",
                         f"representative status {rep.status!r} is not in CL094")
            if rep.identification_number and rep.identification_number == f.declarant.identification_number:
                self.add(C.RULE_VIOLATION, "/representative/identification_number",
                         "the representative cannot be the declarant (R3033)")
        if f.addressed_member_state is not None and f.addressed_member_state not in self.ref.ics2_area(self.day):
            self.add(C.CODELIST_VIOLATION, "/addressed_member_state",
                     f"{f.addressed_member_state} is not a member state of the ICS2 area (CL717)")

    # -- parties and identifiers

    def party(self, party: Party | None, pointer: str, *, eori: bool) -> None:
        """``eori``: the HTI requires an EORI number (R3005) - declarant, representative, carrier, notify party;
        other parties (consignor, consignee, buyer, seller) may carry another trader identification number, but
        one with an EU EORI prefix must be a valid EORI."""
        if party is None:
            return
        ident = party.identification_number
        if ident:
            if eori or ident[:2] in EORI_PREFIXES:
                if not EORI.is_valid(ident):
                    reason = "not an EORI number"
                    try:
                        EORI.parse(ident)
                    except ValueError as exc:
                        reason = getattr(exc, "reason", str(exc))
                    self.add(C.CODELIST_VIOLATION, f"{pointer}/identification_number",
                             f"{ident!r} is not a valid EORI number (R3005): {reason}")
            elif not _TIN.fullmatch(ident):
                self.add(C.CODELIST_VIOLATION, f"{pointer}/identification_number",
                         f"{ident!r} is not a valid trader identification number (an..17, [0-9A-Z])")
        if party.type_of_person is not None and party.type_of_person not in TYPE_OF_PERSON:
            self.add(C.CODELIST_VIOLATION, f"{pointer}/type_of_person",
                     f"type of person {party.type_of_person!r} is not in CL729 (1, 2, 3)")
        if party.address is not None:
            address = party.address
            self.country(address.country, f"{pointer}/address/country")
            if not (address.street or address.po_box):
                self.add(C.MISSING, f"{pointer}/address/street",
                         "Address - Street (with number) or P.O. Box is missing (R3002)")
        for i, comm in enumerate(party.communications):
            if comm.type == "TE" and not _PHONE.fullmatch(comm.identifier):
                self.add(C.RULE_VIOLATION, f"{pointer}/communications/{i}/identifier",
                         f"{comm.identifier!r} is not an international phone number (E.123, R3006)")

    def country(self, code: str | None, pointer: str) -> None:
        if code is not None and not self.ref.code_valid(COUNTRY, code, self.day):
            self.add(C.CODELIST_VIOLATION, pointer, f"country {code!r} is not in CL008")

    def document(self, doc: TransportDocument | None, pointer: str) -> None:
        if doc is not None and not self.ref.code_valid(TRANSPORT_DOCUMENT, doc.type, self.day):
            self.add(C.CODELIST_VIOLATION, f"{pointer}/type",
                     f"transport document type {doc.type!r} is not in CL754")

    def location(self, loc: Location | None, pointer: str) -> None:
        if loc is None:
            return
        if loc.unlocode:
            if self.ref.place(loc.unlocode) is None:
                self.add(C.CODELIST_VIOLATION, f"{pointer}/unlocode", f"{loc.unlocode} is not a UN/LOCODE (CL244)")
        elif not (loc.location and loc.country):
            self.add(C.MISSING, f"{pointer}/unlocode",
                     "UN/LOCODE, or location with country, is missing (C3003-C3008)")
        self.country(loc.country, f"{pointer}/country")

    def supplementary(self, declarants, pointer: str) -> None:
        for i, s in enumerate(declarants):
            here = f"{pointer}/{i}"
            if not EORI.is_valid(s.identification_number):
                self.add(C.CODELIST_VIOLATION, f"{here}/identification_number",
                         f"{s.identification_number!r} is not a valid EORI number (R3005)")
            if s.supplementary_filing_type not in SUPPLEMENTARY_FILING_TYPE:
                self.add(C.CODELIST_VIOLATION, f"{here}/supplementary_filing_type",
                         f"supplementary filing type {s.supplementary_filing_type!r} is not in CL745 (1, 2)")
            elif self.kind.code == "F15" and s.supplementary_filing_type != "2":
                self.add(C.CODELIST_VIOLATION, f"{here}/supplementary_filing_type",
                         "only 2 (sub-house level filing) can be used in F15 (R3051)")

    def equipment(self, items: list[TransportEquipment], pointer: str) -> None:
        for i, eq in enumerate(items):
            number = eq.container_identification_number
            if not _container_valid(number):
                self.add(C.RULE_VIOLATION, f"{pointer}/{i}/container_identification_number",
                         f"{number!r} is not an ISO 6346 container number with a valid check digit (R3021)")

    # -- consignment (master level)

    def consignment(self, c: Consignment, p: str) -> None:
        self.document(c.transport_document, f"{p}/transport_document")
        self.party(c.carrier, f"{p}/carrier", eori=True)
        self.party(c.consignor, f"{p}/consignor", eori=False)
        self.party(c.consignee, f"{p}/consignee", eori=False)
        self.party(c.notify_party, f"{p}/notify_party", eori=True)
        self.means(c.active_means, f"{p}/active_means")
        for i, code in enumerate(c.countries_of_routing_of_means):
            self.country(code, f"{p}/countries_of_routing_of_means/{i}")
        self.location(c.place_of_loading, f"{p}/place_of_loading")
        self.location(c.place_of_unloading, f"{p}/place_of_unloading")
        self.office(c, p)
        self.equipment(c.transport_equipment, f"{p}/transport_equipment")
        self.supplementary(c.supplementary_declarants, f"{p}/supplementary_declarants")
        self.times(c, p)
        self.routing(c, p)
        house_documents: dict[str, int] = {}
        for i, house in enumerate(c.house_consignments):
            self.house(house, f"{p}/house_consignments/{i}")
            if house.transport_document is not None:
                ref = "".join(house.transport_document.reference_number.split()).upper()
                if ref in house_documents:
                    self.add(C.RULE_VIOLATION, f"{p}/house_consignments/{i}/transport_document/reference_number",
                             f"house transport document {ref} is also in house consignment {house_documents[ref]} "
                             "(R3052)")
                house_documents.setdefault(ref, i)
        if c.gross_mass is not None and c.house_consignments:
            total = c.houses_gross_mass
            if total > c.gross_mass:
                self.add(C.RULE_VIOLATION, f"{p}/gross_mass",
                         f"total gross mass {_kg(c.gross_mass)} is less than the sum of the house consignments' "
                         f"gross masses {_kg(total)}")

    def means(self, m: ActiveMeansOfTransport | None, p: str) -> None:
        if m is None:
            return
        if not self.ref.code_valid(TRANSPORT_MODE, m.mode, self.day):
            self.add(C.CODELIST_VIOLATION, f"{p}/mode", f"mode of transport {m.mode!r} is not in CL218")
        elif m.mode not in self.kind.modes:
            self.add(C.RULE_VIOLATION, f"{p}/mode",
                     f"mode of transport {m.mode} is not allowed in {self.kind.code} (allowed: "
                     f"{', '.join(sorted(self.kind.modes))})")
        if m.type_of_identification is not None:
            if not self.ref.code_valid(MEANS_IDENTIFICATION, m.type_of_identification, self.day):
                self.add(C.CODELIST_VIOLATION, f"{p}/type_of_identification",
                         f"type of identification {m.type_of_identification!r} is not in CL750")
            elif m.mode == "1" and m.type_of_identification != "10":
                self.add(C.RULE_VIOLATION, f"{p}/type_of_identification",
                         "a sea-going vessel is identified by its IMO number (type 10, R3011)")
            elif m.mode == "8" and m.type_of_identification != "80":
                self.add(C.RULE_VIOLATION, f"{p}/type_of_identification",
                         "an inland waterway vessel is identified by its ENI number (type 80, R3012)")
            elif m.type_of_identification == "10" and m.identification_number and not _imo_valid(
                    m.identification_number):
                self.add(C.RULE_VIOLATION, f"{p}/identification_number",
                         f"{m.identification_number!r} is not an IMO ship identification number (R3009)")
            elif m.type_of_identification == "80" and m.identification_number and not re.fullmatch(
                    r"[0-9]{8}", m.identification_number):
                self.add(C.RULE_VIOLATION, f"{p}/identification_number",
                         f"{m.identification_number!r} is not an 8-digit ENI number (R3010)")
        self.country(m.nationality, f"{p}/nationality")

    def office(self, c: Consignment, p: str) -> None:
        ref = c.customs_office_of_first_entry
        if ref is None:
            return
        pointer = f"{p}/customs_office_of_first_entry"
        office = self.ref.office(ref, self.day)
        if office is None:
            self.add(C.CODELIST_VIOLATION, pointer, f"{ref} is not a customs office on {self.day} (CL141)")
            return
        if ENTRY_ROLE not in office.roles:
            self.add(C.CODELIST_VIOLATION, pointer,
                     f"{ref} is not a customs office of entry (no role {ENTRY_ROLE}) on {self.day}")
        area = self.ref.ics2_area(self.day)
        if office.country not in area:
            self.add(C.RULE_VIOLATION, pointer,
                     f"{ref} is in {office.country}, outside the ICS2 area (EU member states, XI, NO, CH)")
        elif c.countries_of_routing_of_means:
            first = next((country for country in c.countries_of_routing_of_means if country in area), None)
            if first is not None and first != office.country:
                self.add(C.RULE_VIOLATION, pointer,
                         f"the first ICS2 country on the routing is {first}, not the office's country "
                         f"{office.country} (R3018)")

    def times(self, c: Consignment, p: str) -> None:
        if c.expected_arrival is not None:
            if c.loading_datetime is not None and c.expected_arrival <= c.loading_datetime:
                self.add(C.RULE_VIOLATION, f"{p}/expected_arrival",
                         "the estimated arrival must be after the loading (R3053)")
            if c.departure_datetime is not None and c.expected_arrival <= c.departure_datetime:
                self.add(C.RULE_VIOLATION, f"{p}/expected_arrival",
                         "the estimated arrival must be after the departure (R3053)")
        if c.departure_datetime is not None and c.loading_datetime is not None \
                and c.departure_datetime < c.loading_datetime:
            self.add(C.RULE_VIOLATION, f"{p}/departure_datetime", "the departure cannot be before the loading")

    def routing(self, c: Consignment, p: str) -> None:
        route = c.countries_of_routing_of_means
        if not route:
            return
        if len(route) < 2:
            self.add(C.RULE_VIOLATION, f"{p}/countries_of_routing_of_means",
                     "the routing of the means of transport has at least 2 countries")
        loading = c.place_of_loading.country_code if c.place_of_loading else None
        unloading = c.place_of_unloading.country_code if c.place_of_unloading else None
        if loading and route[0] != loading:
            self.add(C.RULE_VIOLATION, f"{p}/countries_of_routing_of_means/0",
                     f"the routing starts in {route[0]}, not in the country of the place of loading {loading} (R3013)")
        if unloading and route[-1] != unloading:
            self.add(C.RULE_VIOLATION, f"{p}/countries_of_routing_of_means/{len(route) - 1}",
                     f"the routing ends in {route[-1]}, not in the country of the place of unloading {unloading} "
                     "(R3014)")

    # -- house level and goods

    def house(self, h: HouseConsignment, p: str) -> None:
        self.document(h.transport_document, f"{p}/transport_document")
        self.document(h.master_transport_document, f"{p}/master_transport_document")
        self.party(h.carrier, f"{p}/carrier", eori=True)
        for role in ("consignor", "consignee", "buyer", "seller"):
            self.party(getattr(h, role), f"{p}/{role}", eori=False)
        self.party(h.notify_party, f"{p}/notify_party", eori=True)
        self.location(h.place_of_acceptance, f"{p}/place_of_acceptance")
        self.location(h.place_of_delivery, f"{p}/place_of_delivery")
        for i, code in enumerate(h.countries_of_routing):
            self.country(code, f"{p}/countries_of_routing/{i}")
        if h.countries_of_routing:
            for name, place in (("place_of_acceptance", h.place_of_acceptance), ("place_of_delivery", h.place_of_delivery)):
                country = place.country_code if place else None
                if country and country not in h.countries_of_routing:
                    self.add(C.RULE_VIOLATION, f"{p}/countries_of_routing",
                             f"the routing of the consignment does not contain {country}, the country of the "
                             f"{name.replace('_', ' ')} (R3022)")
        method = h.transport_charges_method_of_payment
        if method is not None and not self.ref.code_valid(PAYMENT_METHOD, method, self.day):
            self.add(C.CODELIST_VIOLATION, f"{p}/transport_charges_method_of_payment",
                     f"method of payment {method!r} is not in CL116")
        self.supplementary(h.supplementary_declarants, f"{p}/supplementary_declarants")
        self.equipment(h.transport_equipment, f"{p}/transport_equipment")
        if h.container_indicator and not h.transport_equipment and h.goods_items \
                and not any(item.transport_equipment for item in h.goods_items) \
                and not self.f.consignment.transport_equipment:
            self.add(C.MISSING, f"{p}/transport_equipment",
                     "Transport equipment is missing: the container indicator is set (C3014)")
        numbers = [item.goods_item_number for item in h.goods_items]
        if numbers and numbers != list(range(1, len(numbers) + 1)):
            self.add(C.RULE_VIOLATION, f"{p}/goods_items",
                     f"goods item numbers must be unique and sequential from 1 (R3017), got {numbers}")
        for i, item in enumerate(h.goods_items):
            self.goods(item, f"{p}/goods_items/{i}")
        if h.gross_mass is not None and h.goods_items:
            total = h.items_gross_mass
            if total > h.gross_mass:
                self.add(C.RULE_VIOLATION, f"{p}/gross_mass",
                         f"total gross mass {_kg(h.gross_mass)} is less than the sum of the goods items' gross "
                         f"masses {_kg(total)}")

    def goods(self, item: GoodsItem, p: str) -> None:
        if item.hs_code is not None and not self.ref.is_valid_goods_code(item.hs_code, self.day):
            self.add(C.CODELIST_VIOLATION, f"{p}/hs_code",
                     f"{item.hs_code} is not a Harmonized System subheading on {self.day}")
        if item.cn_code is not None:
            if item.hs_code is not None and not item.cn_code.startswith(item.hs_code):
                self.add(C.RULE_VIOLATION, f"{p}/cn_code",
                         f"CN code {item.cn_code} is not a subdivision of HS code {item.hs_code}")
            elif not self.ref.is_valid_goods_code(item.cn_code, self.day):
                self.add(C.CODELIST_VIOLATION, f"{p}/cn_code",
                         f"{item.cn_code} is not a Combined Nomenclature code on {self.day}")
        if item.cus_code is not None and not self.ref.code_valid(CUS_CODE, item.cus_code, self.day):
            self.add(C.CODELIST_VIOLATION, f"{p}/cus_code", f"{item.cus_code} is not a CUS code (CL016)")
        for i, number in enumerate(item.un_dangerous_goods_codes):
            if not self.ref.code_valid(UN_NUMBER, number, self.day):
                self.add(C.CODELIST_VIOLATION, f"{p}/un_dangerous_goods_codes/{i}",
                         f"UN {number} is not a UN dangerous goods number (CL101)")
        for i, pack in enumerate(item.packaging):
            here = f"{p}/packaging/{i}"
            if not self.ref.code_valid(KIND_OF_PACKAGES, pack.type_of_packages, self.day):
                self.add(C.CODELIST_VIOLATION, f"{here}/type_of_packages",
                         f"type of packages {pack.type_of_packages!r} is not in CL017")
            elif pack.is_bulk:
                for name in ("number_of_packages", "shipping_marks"):
                    if getattr(pack, name) is not None:
                        self.add(C.NOT_ALLOWED, f"{here}/{name}",
                                 f"{name.replace('_', ' ')} is not used for goods in bulk ({pack.type_of_packages}, "
                                 "C3036)")
        self.equipment(item.transport_equipment, f"{p}/transport_equipment")


# --------------------------------------------------------------------------------------------- helpers


def _kg(value: Decimal) -> str:
    return f"{value.normalize():f} kg"


def _imo_valid(text: str) -> bool:
    """IMO + 7 digits; the 7th is the check digit: the first six weighted 7..2, summed, modulo 10 (R3009)."""
    if not _IMO.fullmatch(text):
        return False
    digits = [int(d) for d in text[3:]]
    return sum(d * w for d, w in zip(digits[:6], range(7, 1, -1))) % 10 == digits[6]


_ISO6346_VALUES = {ch: v for ch, v in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", [
    v for v in range(10, 39) if v % 11 != 0])}


def _container_valid(number: str) -> bool:
    """ISO 6346: owner code (3 letters), category (U, J, Z or R), 6-digit serial, check digit."""
    if not _CONTAINER.fullmatch(number):
        return False
    total = 0
    for position, ch in enumerate(number[:10]):
        value = _ISO6346_VALUES[ch] if ch.isalpha() else int(ch)
        total += value * (2 ** position)
    return total % 11 % 10 == int(number[10])


def container_check_digit(prefix: str) -> str:
    """The check digit completing a 10-character ISO 6346 prefix (owner, category, serial)."""
    total = sum((_ISO6346_VALUES[ch] if ch.isalpha() else int(ch)) * (2 ** i) for i, ch in enumerate(prefix))
    return str(total % 11 % 10)


__all__ = [
    "Links", "LinkingKey", "ReferenceData", "container_check_digit", "linking_key", "structure_issues", "unmet",
    "validate_filing",
]
