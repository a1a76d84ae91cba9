"""Checks of a PoUS request and of a presentation that need the reference data, EOS or the recorded
authorisations. Nothing here writes; every function returns every problem found (an empty list when none)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from typing import Any, Iterator

from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, select
from stdnum import iso6346

from eucustoms.core.errors import (
    ErrorCode,
    InvalidIdentifier,
    Issue,
    NotFound,
    Rejected,
)
from eucustoms.platform.http.errors import issues_from_pydantic
from eucustoms.refdata import RefData
from eucustoms.systems.eos import service as eos

from .messages import ProofRequest
from .store import pous_authorisation

#: Participating in the Union's customs rules besides the member states: Northern Ireland (XI).
EXTRA_UNION = frozenset({"XI"})
SEA = "1"


class _Through:
    """Lets :class:`RefData` read through the caller's connection (no second connection while it writes)."""

    def __init__(self, conn: Connection):
        self.conn = conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        yield self.conn


def refdata(conn: Connection) -> RefData:
    return RefData.from_db(_Through(conn))  # type: ignore[arg-type]


def parse(model: type[BaseModel], payload: Any, message: str) -> Any:
    """``payload`` as ``model`` (a model instance passes through), or :class:`Rejected` listing every error."""
    if isinstance(payload, model):
        return payload
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise Rejected(issues_from_pydantic(exc.errors()), message) from None


def union_countries(ref: RefData, day: date) -> frozenset[str]:
    """Where proofs of Union status are issued and used: the member states and Northern Ireland."""
    return ref.member_states(day) | EXTRA_UNION


def imo_is_valid(number: str) -> bool:
    """IMO ship identification number: the 7th digit is the sum of the first six weighted 7..2, modulo 10."""
    if len(number) != 7 or not number.isdigit():
        return False
    return sum(int(d) * w for d, w in zip(number[:6], range(7, 1, -1))) % 10 == int(number[6])


def check_office(ref: RefData, office: str, day: date, pointer: str, what: str) -> list[Issue]:
    """The office exists on ``day`` and is an office of a member state (or of Northern Ireland)."""
    if ref.office(office, day) is None:
        return [Issue(ErrorCode.CODELIST_VIOLATION, pointer, f"{office} is not a customs office on {day}")]
    if office[:2] not in union_countries(ref, day):
        return [Issue(ErrorCode.RULE_VIOLATION, pointer,
                      f"{office} is an office of {office[:2]}, not of a member state of the Union: {what}")]
    return []


def check_operator(conn: Connection, eori: str, pointer: str, day: date) -> list[Issue]:
    try:
        op = eos.get(conn, eori)
    except (NotFound, InvalidIdentifier):
        return [Issue(ErrorCode.RULE_VIOLATION, pointer, f"EORI {eori} is not registered in EOS")]
    if op.status != "valid" or op.start_date > day or (op.end_date is not None and day > op.end_date):
        return [Issue(ErrorCode.RULE_VIOLATION, pointer, f"EORI {eori} is not valid on {day}")]
    return []


def _check_authorisation(conn: Connection, req: ProofRequest, day: date) -> list[Issue]:
    pointer = "/authorisation_reference"
    if not req.authorisation_reference:
        return [Issue(ErrorCode.MISSING, pointer, "an authorised issuer gives the reference of its authorisation (ACP)")]
    a = pous_authorisation.c
    row = conn.execute(select(pous_authorisation).where(a.reference == req.authorisation_reference)).mappings().first()
    if row is None:
        return [Issue(ErrorCode.RULE_VIOLATION, pointer,
                      f"no authorised issuer (ACP) authorisation {req.authorisation_reference} is recorded")]
    problems = []
    if row["holder"] != req.requester:
        problems.append(f"it is held by {row['holder']}, not by the requester")
    if row["valid_from"] > day or (row["valid_to"] is not None and day > row["valid_to"]):
        problems.append(f"it is not valid on {day}")
    if row["country"] != req.office_of_issue[:2]:
        problems.append(f"it was granted by {row['country']} and applies only there, not at an office of "
                        f"{req.office_of_issue[:2]}")
    if req.proof_type not in row["proof_types"]:
        problems.append(f"it does not cover {req.proof_type} (only {', '.join(row['proof_types'])})")
    if problems:
        return [Issue(ErrorCode.RULE_VIOLATION, pointer,
                      f"authorisation {req.authorisation_reference}: " + "; ".join(problems))]
    return []


def _check_items(ref: RefData, req: ProofRequest, day: date) -> list[Issue]:
    issues: list[Issue] = []
    seen: set[int] = set()
    for n, item in enumerate(req.items):
        base = f"/items/{n}"
        if item.item_number in seen:
            issues.append(Issue(ErrorCode.DUPLICATE, f"{base}/item_number",
                                f"goods item number {item.item_number} is used twice"))
        seen.add(item.item_number)
        if item.cn_code and not ref.is_valid_goods_code(item.cn_code, day):
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"{base}/cn_code",
                                f"{item.cn_code} is not a valid HS/CN code on {day}"))
        if item.package_kind and not ref.code_valid("KindOfPackages", item.package_kind, day):
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, f"{base}/package_kind",
                                f"{item.package_kind!r} is not a kind of packages (KindOfPackages)"))
        for c, number in enumerate(item.containers):
            if not iso6346.is_valid(number):
                issues.append(Issue(ErrorCode.RULE_VIOLATION, f"{base}/containers/{c}",
                                    f"{number!r} is not an ISO 6346 container number (owner code, category, serial, check digit)"))
        if len(set(item.containers)) != len(item.containers):
            issues.append(Issue(ErrorCode.DUPLICATE, f"{base}/containers", "a container is listed twice"))
    return issues


def _check_port(ref: RefData, code: str | None, pointer: str, *, port: bool) -> tuple[Any, list[Issue]]:
    if code is None:
        return None, []
    place = ref.place(code)
    if place is None:
        return None, [Issue(ErrorCode.CODELIST_VIOLATION, pointer, f"{code} is not a UN/LOCODE")]
    if port and not place.is_port:
        return place, [Issue(ErrorCode.RULE_VIOLATION, pointer, f"{code} ({place.name}) is not a port")]
    return place, []


def _check_transport(ref: RefData, req: ProofRequest, day: date) -> list[Issue]:
    t, cgm = req.transport, req.proof_type == "CGM"
    issues: list[Issue] = []
    if t is None:
        if cgm:
            issues.append(Issue(ErrorCode.MISSING, "/transport",
                                "a customs goods manifest gives the vessel, its IMO number and the ports of departure and arrival"))
        return issues
    if cgm:
        for field in ("vessel_name", "imo_number", "port_of_departure", "port_of_arrival"):
            if getattr(t, field) is None:
                issues.append(Issue(ErrorCode.MISSING, f"/transport/{field}", f"a customs goods manifest needs the {field.replace('_', ' ')}"))
        if t.mode is not None and t.mode != SEA:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/transport/mode",
                                "a customs goods manifest covers goods carried by sea (transport mode 1)"))
    if t.mode is not None and not ref.code_valid("TransportModeCode", t.mode, day):
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/transport/mode", f"{t.mode!r} is not a transport mode"))
    if t.imo_number is not None and not imo_is_valid(t.imo_number):
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/transport/imo_number",
                            f"{t.imo_number} is not a valid IMO number (wrong check digit)"))
    union = union_countries(ref, day)
    departure, found = _check_port(ref, t.port_of_departure, "/transport/port_of_departure", port=cgm)
    issues += found
    arrival, found = _check_port(ref, t.port_of_arrival, "/transport/port_of_arrival", port=cgm)
    issues += found
    if cgm and departure is not None and departure.country != req.office_of_issue[:2]:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/transport/port_of_departure",
                            f"{departure.unlocode} is in {departure.country}: a manifest is issued in the member state of the "
                            f"port of departure, but the office of issue {req.office_of_issue} is in {req.office_of_issue[:2]}"))
    if arrival is not None and arrival.country not in union:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/transport/port_of_arrival",
                            f"{arrival.unlocode} is in {arrival.country}: the proof is presented where the goods arrive in the Union"))
    if departure is not None and arrival is not None and departure.unlocode == arrival.unlocode:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/transport/port_of_arrival", "the ports of departure and arrival are the same"))
    return issues


def check_request(conn: Connection, ref: RefData, req: ProofRequest, filer: str, day: date) -> list[Issue]:
    """Every problem of ``req`` lodged by ``filer`` (the trader's EORI) on ``day``."""
    issues: list[Issue] = []
    if req.requester != filer:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/requester", f"the requester must be you ({filer})"))
    issues += check_operator(conn, req.requester, "/requester", day)
    issues += check_office(ref, req.office_of_issue, day, "/office_of_issue",
                           "proofs of Union status are issued by the customs authorities of the member states")
    if req.authorised_issuer:
        issues += _check_authorisation(conn, req, day)
    elif req.authorisation_reference:
        issues.append(Issue(ErrorCode.NOT_ALLOWED, "/authorisation_reference",
                            "an authorisation reference is given by an authorised issuer only (authorised_issuer: true)"))
    issues += _check_items(ref, req, day)
    issues += _check_transport(ref, req, day)
    return issues
