"""Validation of an export declaration (IE515/IE513): every error listed at once, with a pointer to the field.

Nothing here writes. :func:`prepare` reads the reference data (offices and their roles, countries, special
territories, code lists), the goods nomenclature of the tariff and EOS, and answers what acceptance needs (the
member states of export and exit, the MRN procedure letter, the facts for the risk analysis), or raises
:class:`Rejected` listing every problem (IE556)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection

from eucustoms.core.errors import ErrorCode, InvalidIdentifier, Issue, NotFound, Rejected
from eucustoms.core.identifiers import EORI, MRN, CustomsOfficeRef, ProcedureCategory
from eucustoms.core.money import Money
from eucustoms.platform.http.errors import issues_from_pydantic
from eucustoms.refdata import RefData
from eucustoms.systems.eos import service as eos
from eucustoms.systems.tariff.tariff import Tariff

from .messages import PREVIOUS_PROCEDURES, REQUESTED_PROCEDURES, SPECIAL_PROCEDURES, Declaration

TRANSIT_LETTERS = (ProcedureCategory.TRANSIT.value, ProcedureCategory.TRANSIT_AND_EXS.value)


@dataclass
class Prepared:
    """A valid declaration and what its registration needs."""

    declaration: Declaration
    country: str  # member state of the office of export
    exit_country: str  # member state of the declared office of exit
    letter: str  # MRN procedure category: A export, B export + exit summary data, E dispatch to a special fiscal territory
    facts: dict[str, Any] = field(default_factory=dict)
    transit_mrn: str | None = None


def parse(payload: Any) -> Declaration:
    """The message's shape (types, lengths, required fields); :class:`Rejected` with every structural error."""
    try:
        return Declaration.model_validate(payload)
    except ValidationError as exc:
        raise Rejected(issues_from_pydantic(exc.errors()), "the export declaration was rejected") from None


def mrn_letter(d: Declaration) -> str:
    """Position 17 of the MRN (UCC IA Annex B, as in :class:`ProcedureCategory`)."""
    if d.declaration_type == "CO":
        return ProcedureCategory.SPECIAL_FISCAL_DISPATCH.value  # E
    return (ProcedureCategory.EXPORT_AND_EXS if d.security == 2 else ProcedureCategory.EXPORT).value  # B | A


class _Checks:
    def __init__(self, conn: Connection, refdata: RefData, day: date):
        self.conn, self.refdata, self.day = conn, refdata, day
        self.issues: list[Issue] = []
        self._eos: dict[str, str | None] = {}  # EORI → why it cannot be used (the declarant is often the exporter)

    def add(self, code: str, pointer: str, reason: str) -> None:
        self.issues.append(Issue(code, pointer, reason))

    def eori(self, eori: str | None, pointer: str, *, required: str | None = None, registered: bool = True) -> str | None:
        """A well-formed EORI, registered in EOS and valid on the day (unless ``registered`` is False)."""
        if not eori:
            if required:
                self.add(ErrorCode.MISSING, pointer, required)
            return None
        try:
            eori = str(EORI.parse(eori))
        except InvalidIdentifier as exc:
            self.add(ErrorCode.RULE_VIOLATION, pointer, f"invalid EORI {eori!r}: {exc.reason}")
            return None
        if not registered:
            return eori
        if eori not in self._eos:
            try:
                op = eos.get(self.conn, eori)
            except (NotFound, InvalidIdentifier):
                self._eos[eori] = f"EORI {eori} is not registered in EOS"
            else:
                valid = op.status == "valid" and op.start_date <= self.day and (op.end_date is None or self.day <= op.end_date)
                self._eos[eori] = None if valid else f"EORI {eori} is not valid on {self.day}"
        if self._eos[eori]:
            self.add(ErrorCode.RULE_VIOLATION, pointer, self._eos[eori])  # type: ignore[arg-type]
        return eori

    def office(self, ref: str, pointer: str, role: str, what: str) -> str | None:
        try:
            ref = str(CustomsOfficeRef.parse(ref))
        except InvalidIdentifier as exc:
            self.add(ErrorCode.CODELIST_VIOLATION, pointer, f"invalid customs office reference {ref!r}: {exc.reason}")
            return None
        if self.refdata.office(ref, self.day) is None:
            self.add(ErrorCode.CODELIST_VIOLATION, pointer, f"{ref} is not in the customs office list on {self.day}")
            return None
        if not self.refdata.office_has_role(ref, role, self.day):
            self.add(ErrorCode.CODELIST_VIOLATION, pointer, f"{ref} is not a {what} (role {role}) on {self.day}")
            return None
        return ref

    def country(self, code: str | None, pointer: str) -> bool:
        if code is None:
            return False
        if self.refdata.code("Country", code, self.day) is None:
            self.add(ErrorCode.CODELIST_VIOLATION, pointer, f"{code!r} is not an ISO 3166 country code")
            return False
        return True

    def codelist(self, list_name: str, code: str | None, pointer: str, what: str) -> None:
        if code is not None and not self.refdata.code_valid(list_name, code, self.day):
            self.add(ErrorCode.CODELIST_VIOLATION, pointer, f"{code!r} is not a {what} (CS/RD2 {list_name})")

    def procedure(self, code: str, pointer: str) -> None:
        requested, previous = code[:2], code[2:]
        if not code.isdigit() or requested not in REQUESTED_PROCEDURES or previous not in PREVIOUS_PROCEDURES:
            allowed = ", ".join(sorted(REQUESTED_PROCEDURES))
            self.add(ErrorCode.CODELIST_VIOLATION, pointer,
                     f"procedure {code} is not an export procedure (requested {allowed} + a previous procedure)")
            return
        if requested == "31" and previous not in SPECIAL_PROCEDURES:
            self.add(ErrorCode.RULE_VIOLATION, pointer,
                     f"re-export (31) is for non-Union goods leaving a special procedure ({', '.join(SPECIAL_PROCEDURES)}), "
                     f"not after {previous}")
        elif requested != "31" and previous in SPECIAL_PROCEDURES:
            self.add(ErrorCode.RULE_VIOLATION, pointer,
                     f"goods leaving special procedure {previous} ({PREVIOUS_PROCEDURES[previous]}) are re-exported: "
                     f"declare 31{previous}")


def prepare(conn: Connection, refdata: RefData, t: Tariff, d: Declaration, filer: str, day: date) -> Prepared:
    """Check ``d`` as of ``day``; :class:`Rejected` lists every problem."""
    c = _Checks(conn, refdata, day)
    # Parties (D.E. 3/1–3/2, 3/17–3/20): the declarant or its representative lodges.
    declarant = c.eori(d.declarant.eori, "/declarant/eori", required="the declarant's EORI is required")
    c.eori(d.exporter.eori, "/exporter/eori", required="the exporter's EORI is required (an exporter is established in the Union)")
    representative = None
    if d.representative is not None:
        representative = c.eori(d.representative.eori, "/representative/eori",
                                required="the representative's EORI is required")
        if d.representative_status is None:
            c.add(ErrorCode.MISSING, "/representative_status", "a representative declares its status: 2 direct, 3 indirect")
    elif d.representative_status is not None:
        c.add(ErrorCode.NOT_ALLOWED, "/representative_status", "no representative is declared")
    if filer not in {declarant, representative} - {None}:
        c.add(ErrorCode.RULE_VIOLATION, "/declarant/eori", f"the declarant or its representative must be you ({filer})")
    if d.carrier is not None and d.carrier.eori:
        c.eori(d.carrier.eori, "/carrier/eori", registered=False)
    for role in ("exporter", "consignee", "carrier"):
        p = getattr(d, role)
        if p is not None and p.country:
            c.country(p.country, f"/{role}/country")

    # Offices (customs office of export, D.E. 5/12 customs office of exit) and countries (5/14, 5/8).
    office_of_export = c.office(d.office_of_export, "/office_of_export", "EXP", "customs office of export")
    office_of_exit = c.office(d.office_of_exit, "/office_of_exit", "EXT", "customs office of exit")
    if office_of_exit and not refdata.in_customs_territory(office_of_exit[:2], day):
        c.add(ErrorCode.RULE_VIOLATION, "/office_of_exit", f"{office_of_exit} is not in the customs territory of the Union")
    if d.country_of_export and office_of_export and d.country_of_export != office_of_export[:2]:
        c.add(ErrorCode.RULE_VIOLATION, "/country_of_export",
              f"the country of export is the member state of the office of export ({office_of_export[:2]}), "
              f"not {d.country_of_export}")
    destination = d.country_of_destination
    if c.country(destination, "/country_of_destination") and d.declaration_type == "EX" \
            and not refdata.is_third_country(destination, day):
        c.add(ErrorCode.RULE_VIOLATION, "/country_of_destination",
              f"{destination} is in the customs territory of the Union: goods are exported to a third country")
    if d.declaration_type == "CO":
        sft = refdata.special_territory(d.special_fiscal_territory, day) if d.special_fiscal_territory else None
        if d.special_fiscal_territory is None:
            c.add(ErrorCode.MISSING, "/special_fiscal_territory",
                  "a CO declaration names the special fiscal territory of destination")
        elif sft is None or not sft.customs_territory or sft.vat_territory:
            c.add(ErrorCode.CODELIST_VIOLATION, "/special_fiscal_territory",
                  f"{d.special_fiscal_territory} is not a special fiscal territory (in the customs territory, "
                  f"outside the VAT territory) on {day}")
        elif sft.declared_as != destination:
            c.add(ErrorCode.RULE_VIOLATION, "/country_of_destination",
                  f"{sft.name} is declared as {sft.declared_as}, not {destination}")
        if d.security == 2:
            c.add(ErrorCode.NOT_ALLOWED, "/security",
                  "goods dispatched to a special fiscal territory do not leave the customs territory: no exit summary data")
    elif d.special_fiscal_territory is not None:
        c.add(ErrorCode.NOT_ALLOWED, "/special_fiscal_territory", "only a CO declaration names a special fiscal territory")

    # Procedure (D.E. 1/10), per declaration and per item.
    c.procedure(d.procedure, "/procedure")

    # Transport (D.E. 7/4, 7/5, 7/7, 7/14) and the exit summary data (security 2).
    tr = d.transport
    c.codelist("TransportModeCode", tr.border_mode, "/transport/border_mode", "mode of transport")
    c.codelist("TransportModeCode", tr.inland_mode, "/transport/inland_mode", "mode of transport")
    if tr.departure is not None:
        c.codelist("TypeOfIdentificationOfMeansOfTransport", tr.departure.type, "/transport/departure/type",
                   "type of identification of the means of transport")
    if tr.active_at_border is not None:
        c.codelist("TypeOfIdentificationofMeansOfTransportActive", tr.active_at_border.type,
                   "/transport/active_at_border/type", "type of identification of the active means of transport")
        if tr.active_at_border.nationality:
            c.country(tr.active_at_border.nationality, "/transport/active_at_border/nationality")
    if d.security == 2:
        if not tr.border_mode:
            c.add(ErrorCode.MISSING, "/transport/border_mode", "the exit summary data need the mode of transport at the border")
        if tr.active_at_border is None:
            c.add(ErrorCode.MISSING, "/transport/active_at_border",
                  "the exit summary data need the active means of transport crossing the border")
        if d.consignee is None or not (d.consignee.name and d.consignee.country):
            c.add(ErrorCode.MISSING, "/consignee", "the exit summary data need the consignee's name and country")

    # Export followed by transit.
    transit_mrn = None
    if d.transit is not None and d.transit.transit_mrn:
        transit_mrn = check_transit_mrn(d.transit.transit_mrn, "/transit/transit_mrn", c.issues)
        if not d.transit.followed_by_transit:
            c.add(ErrorCode.NOT_ALLOWED, "/transit/transit_mrn", "a transit MRN is given only when a transit follows")

    # Goods items.
    numbers = [i.item_number for i in d.items]
    if len(set(numbers)) != len(numbers):
        c.add(ErrorCode.DUPLICATE, "/items", f"goods item numbers must be unique, got {numbers}")
    fact_items = []
    total_gross = Decimal(0)
    for n, item in enumerate(d.items):
        p = f"/items/{n}"
        if item.procedure is not None:
            c.procedure(item.procedure, f"{p}/procedure")
        code = item.cn_code.replace(" ", "").replace(".", "")
        cn_ok = False
        if not (code.isdigit() and len(code) == 8):
            c.add(ErrorCode.CODELIST_VIOLATION, f"{p}/cn_code", f"{item.cn_code!r} is not a CN code (8 digits)")
        else:
            problem = cn_problem(t, code, day)
            if problem:
                c.add(problem[0], f"{p}/cn_code", problem[1])
            else:
                cn_ok = True
        for name in ("net_mass", "gross_mass", "supplementary_units"):
            value = getattr(item, name)
            if value is not None and value < 0:
                c.add(ErrorCode.RULE_VIOLATION, f"{p}/{name}", f"{value} is negative")
        if item.net_mass is not None and item.gross_mass is not None and 0 <= item.gross_mass < item.net_mass:
            c.add(ErrorCode.RULE_VIOLATION, f"{p}/gross_mass",
                  f"the gross mass ({item.gross_mass} kg) is less than the net mass ({item.net_mass} kg)")
        if d.security == 2 and item.gross_mass is None:
            c.add(ErrorCode.MISSING, f"{p}/gross_mass", "the exit summary data need the gross mass of each item")
        if item.gross_mass is not None and item.gross_mass > 0:
            total_gross += item.gross_mass
        for k, pkg in enumerate(item.packages):
            c.codelist("KindOfPackages", pkg.type, f"{p}/packages/{k}/type", "kind of packages")
            if pkg.number < 0:
                c.add(ErrorCode.RULE_VIOLATION, f"{p}/packages/{k}/number", f"{pkg.number} is negative")
        value = None
        if item.statistical_value is not None:
            try:
                value = Money(item.statistical_value.amount, item.statistical_value.currency)
            except (InvalidIdentifier, ValueError) as exc:
                c.add(ErrorCode.CODELIST_VIOLATION, f"{p}/statistical_value/currency",
                      f"unknown currency: {getattr(exc, 'reason', exc)}")
            else:
                if value.amount < 0:
                    c.add(ErrorCode.RULE_VIOLATION, f"{p}/statistical_value/amount", f"{value.amount} is negative")
        if item.origin:
            c.country(item.origin, f"{p}/origin")
        fact_items.append({
            "number": item.item_number, "description": item.description[:512],
            **({"cn8": code} if cn_ok else {}),
            **({"net_mass_kg": str(item.net_mass)} if item.net_mass is not None and item.net_mass >= 0 else {}),
            **({"gross_mass_kg": str(item.gross_mass)} if item.gross_mass is not None and item.gross_mass >= 0 else {}),
            **({"value": str(value.amount), "currency": value.currency} if value is not None and value.amount >= 0 else {}),
            **({"origin": item.origin} if item.origin else {}),
        })
    if c.issues:
        raise Rejected(c.issues, "the export declaration was rejected")

    country = office_of_export[:2]  # type: ignore[index]
    parties = {role: {k: v for k, v in {"id": p.eori, "name": p.name, "country": p.country}.items() if v}
               for role, p in (("exporter", d.exporter), ("declarant", d.declarant), ("consignee", d.consignee),
                               ("representative", d.representative), ("carrier", d.carrier)) if p is not None}
    facts = {
        "kind": "export" if d.security == 0 else "exs",
        **({"mode": tr.border_mode} if tr.border_mode else {}),
        "countries": {"dispatch": country, "destination": destination},
        "parties": {k: v for k, v in parties.items() if v},
        "items": fact_items,
        "dates": {"lodged": day.isoformat()},
        "attributes": {"declaration_type": d.declaration_type, "procedure": d.procedure, "security": d.security,
                       "office_of_exit": office_of_exit},
    }
    return Prepared(d, country, office_of_exit[:2], mrn_letter(d), facts, transit_mrn)  # type: ignore[index]


def cn_problem(t: Tariff, code: str, day: date) -> tuple[str, str] | None:
    """Why the 8-digit ``code`` is not a declarable subheading of the combined nomenclature on ``day``, or None.
    An export declaration gives the CN code only: TARIC subdivisions (digits 9–10) do not matter."""
    line = code + "00"
    if not t.known(line):
        return ErrorCode.CODELIST_VIOLATION, f"CN code {code} does not exist in the combined nomenclature"
    item = t.item(line, day)
    if item is None:
        return ErrorCode.CODELIST_VIOLATION, f"CN code {code} is not valid on {day}"
    below = [g.code[:8] for g in t.children_of(line, day) if g.code[:8] != code]
    if item.suffix != "80" or below:
        subs = ", ".join(sorted(set(below))[:8])
        return ErrorCode.RULE_VIOLATION, (f"CN code {code} is not a declarable subheading on {day}"
                                          + (f": declare one of its subdivisions ({subs} …)" if subs else ""))
    return None


def check_transit_mrn(value: str, pointer: str, issues: list[Issue]) -> str | None:
    """A transit MRN (procedure letter J or K); appends the problem to ``issues``."""
    try:
        mrn = MRN.parse(value)
    except InvalidIdentifier as exc:
        issues.append(Issue(ErrorCode.INVALID_MRN, pointer, exc.reason))
        return None
    if mrn.procedure.value not in TRANSIT_LETTERS:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, pointer,
                            f"{mrn} is not a transit MRN (letter {mrn.procedure.value}, not J or K)"))
        return None
    return str(mrn)
