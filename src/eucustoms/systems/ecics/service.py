"""ECICS use cases: the public look-up (by CUS, CAS or EC number, name, CN code or formula; counted as
consultations) and the Commission's maintenance of the entries (add, amend, end, each kept in the history).

Every number is checked with its check digit (``eucustoms.core.identifiers``, python-stdnum); a CUS number must
also be in CS/RD2 CL016 and a UN number in CL101 when those lists are loaded, and the CN code must be in the
Combined Nomenclature on the day of the change. A malformed number in a search is rejected with the reason; a
well-formed one that no entry has gives an empty answer (or "not found" for :func:`lookup`).
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import contextmanager
from datetime import date
from typing import Any, Iterator

from sqlalchemy import Connection, delete, func, insert, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import ErrorCode, Forbidden, InvalidIdentifier, Issue, NotFound, Rejected
from eucustoms.core.identifiers import CASNumber, CNCode, CUSNumber, ECNumber
from eucustoms.platform import telemetry
from eucustoms.platform.auth import Principal, Role
from eucustoms.refdata import RefData, UnknownCodeList

from . import DDS_SERVICE, formula
from .messages import EndEntry, Substance, SubstanceAmendment, SubstanceEntry, SubstancePage
from .states import ACTIVE, next_state
from .store import ecics_history as H
from .store import ecics_name as N
from .store import ecics_substance as S

OFFICER_SOURCE = "officer"
#: Fields of an entry other than its names, in the order of the data file's columns.
FIELDS = ("cus", "cas", "ec", "cn_code", "inn", "iso_name", "formula", "synonyms", "drug_precursor_category",
          "un_number", "notes")


class _ThroughConnection:
    """Lets ``RefData`` read through the caller's connection (no second connection under the write lock)."""

    def __init__(self, conn: Connection):
        self._conn = conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        yield self._conn


def refdata(conn: Connection) -> RefData:
    return RefData.from_db(_ThroughConnection(conn))  # type: ignore[arg-type]


def fold(text: str) -> str:
    """Lower case without accents (NFKD without combining marks), spaces collapsed: ``Éthanol`` → ``ethanol``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def _today() -> date:
    return now().date()


# -- checking an entry -------------------------------------------------------------------------------------------

def _in_list(ref: RefData, cl: str, code: str, day: date) -> bool | None:
    """Whether ``code`` is in code list ``cl`` on ``day``; None when the list is not loaded."""
    try:
        return ref.code_valid(cl, code, day)
    except UnknownCodeList:
        return None


def check(values: dict[str, Any], ref: RefData, day: date, prefix: str = "") -> tuple[dict[str, Any], list[Issue]]:
    """The canonical values of an entry's fields and every problem found, pointed at ``prefix`` + field."""
    issues: list[Issue] = []
    out = dict(values)

    def bad(code: str, field: str, reason: str) -> None:
        issues.append(Issue(code, f"{prefix}/{field}", reason))

    for field, kind in (("cus", CUSNumber), ("cas", CASNumber), ("ec", ECNumber)):
        raw = values.get(field)
        if raw in (None, ""):
            out[field] = None
            continue
        try:
            out[field] = str(kind.parse(raw))
        except InvalidIdentifier as exc:
            out[field] = None
            bad(ErrorCode.RULE_VIOLATION, field, f"invalid {exc.kind} {raw!r}: {exc.reason}")
    if out.get("cus") and _in_list(ref, "CL016", out["cus"], day) is False:
        bad(ErrorCode.CODELIST_VIOLATION, "cus", f"CUS number {out['cus']} is not in the CS/RD2 list of CUS numbers (CL016)")
    if not out.get("cus") and not out.get("cas") and not any(values.get(f) for f in ("cus", "cas")):
        bad(ErrorCode.MISSING, "cas", "an entry is identified by its CUS number or its CAS number: give at least one")
    if "cn_code" in values:
        raw = values.get("cn_code") or ""
        try:
            cn = str(CNCode.parse(raw))
        except InvalidIdentifier as exc:
            bad(ErrorCode.CODELIST_VIOLATION, "cn_code", f"invalid CN code {raw!r}: {exc.reason}")
        else:
            found = ref.goods(cn, day)
            if found is None or found.level != "cn8":
                bad(ErrorCode.CODELIST_VIOLATION, "cn_code", f"CN code {cn} is not in the Combined Nomenclature on {day}")
            out["cn_code"] = cn
    if "names" in values and "en" not in (values.get("names") or {}):
        bad(ErrorCode.MISSING, "names/en", "every entry has at least one English name")
    if values.get("formula"):
        try:
            out["formula"] = formula.hill(values["formula"])
        except formula.FormulaError as exc:
            bad(ErrorCode.RULE_VIOLATION, "formula", f"{values['formula']!r} is not a molecular formula: {exc}")
    elif "formula" in values:
        out["formula"] = None
    un = values.get("un_number")
    if un:
        if not re.fullmatch(r"[0-9]{4}", un):
            bad(ErrorCode.RULE_VIOLATION, "un_number", f"{un!r} is not a UN number (4 digits)")
        elif _in_list(ref, "CL101", un, day) is False:
            bad(ErrorCode.CODELIST_VIOLATION, "un_number", f"UN number {un} is not in the CS/RD2 list of UN numbers (CL101)")
    elif "un_number" in values:
        out["un_number"] = None
    return out, issues


def _duplicates(conn: Connection, values: dict[str, Any], own_id: int | None, prefix: str = "") -> list[Issue]:
    """A CUS number belongs to one entry; an entry without a CUS number is identified by its CAS number."""
    issues = []
    if values.get("cus"):
        q = select(S.c.id).where(S.c.cus == values["cus"])
        other = conn.execute(q if own_id is None else q.where(S.c.id != own_id)).scalar()
        if other is not None:
            issues.append(Issue(ErrorCode.DUPLICATE, f"{prefix}/cus", f"CUS number {values['cus']} is already entry {other}"))
    elif values.get("cas"):
        q = select(S.c.id).where(S.c.cas == values["cas"], S.c.cus.is_(None))
        other = conn.execute(q if own_id is None else q.where(S.c.id != own_id)).scalar()
        if other is not None:
            issues.append(Issue(ErrorCode.DUPLICATE, f"{prefix}/cas",
                                f"CAS number {values['cas']} is already entry {other}, which has no CUS number: amend that one"))
    return issues


# -- rows ------------------------------------------------------------------------------------------------------

def _to_substance(row: Any) -> Substance:
    return Substance(
        id=row["id"], cus=row["cus"], cas=row["cas"], ec=row["ec"], cn_code=row["cn_code"], names=row["names"] or {},
        inn=row["inn"], iso_name=row["iso_name"], formula=row["formula"], synonyms=list(row["synonyms"] or []),
        drug_precursor_category=row["drug_precursor_category"], un_number=row["un_number"], notes=row["notes"],
        status=row["status"], valid_from=row["valid_from"], valid_to=row["valid_to"], source=row["source"],
        updated_at=row["updated_at"], version=row["version"],
    )


def write_names(conn: Connection, substance_id: int, values: dict[str, Any]) -> None:
    """Replace the searchable names of an entry: names in every language, synonyms, INN and ISO name."""
    conn.execute(delete(N).where(N.c.substance_id == substance_id))
    rows = [{"substance_id": substance_id, "kind": "name", "language": lang, "name": n, "folded": fold(n)}
            for lang, names in sorted((values.get("names") or {}).items()) for n in names]
    rows += [{"substance_id": substance_id, "kind": "synonym", "language": None, "name": s, "folded": fold(s)}
             for s in values.get("synonyms") or []]
    for kind in ("inn", "iso_name"):
        if values.get(kind):
            rows.append({"substance_id": substance_id, "kind": kind[:3], "language": None, "name": values[kind],
                         "folded": fold(values[kind])})
    if rows:
        conn.execute(insert(N), rows)


def _history(conn: Connection, substance_id: int, version: int, action: str, who: str, reason: str | None,
             changes: dict[str, Any]) -> None:
    conn.execute(insert(H).values(substance_id=substance_id, version=version, action=action, changed_by=who,
                                  changed_at=now(), reason=reason, changes=changes))


def insert_entry(conn: Connection, values: dict[str, Any], *, who: str, source: str, day: date) -> int:
    """Store a checked entry with its names and its first history line; returns its id."""
    moment = now()
    row = {f: values.get(f) for f in FIELDS}
    row.update(names=values["names"], synonyms=values.get("synonyms") or [], status=ACTIVE,
               valid_from=values.get("valid_from") or day, valid_to=None, source=source, created_at=moment,
               updated_at=moment, updated_by=who, version=1)
    substance_id = conn.execute(insert(S).values(row).returning(S.c.id)).scalar_one()
    write_names(conn, substance_id, row)
    _history(conn, substance_id, 1, "add" if source == OFFICER_SOURCE else "load", who, None,
             {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()
              if k in FIELDS or k in ("names", "valid_from")})
    return substance_id


def _check_commission(principal: Principal) -> None:
    if principal.role is not Role.COMMISSION:
        raise Forbidden("ECICS entries are maintained by the Commission (CLEN)")


def _row(conn: Connection, substance_id: int, *, for_update: bool = False) -> dict[str, Any]:
    q = select(S).where(S.c.id == substance_id)
    if for_update and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).mappings().first()
    if row is None:
        raise NotFound("ECICS entry", substance_id)
    return dict(row)


# -- maintenance (the Commission) ------------------------------------------------------------------------------

def add(conn: Connection, principal: Principal, entry: SubstanceEntry) -> Substance:
    """Add an entry; every problem is listed and nothing is stored then."""
    _check_commission(principal)
    day = _today()
    values, issues = check(entry.model_dump(), refdata(conn), day)
    issues += _duplicates(conn, values, None)
    if issues:
        raise Rejected(issues, "the ECICS entry was rejected")
    substance_id = insert_entry(conn, values, who=principal.name, source=OFFICER_SOURCE, day=day)
    return _to_substance(_row(conn, substance_id))


def amend(conn: Connection, principal: Principal, substance_id: int, change: SubstanceAmendment) -> Substance:
    """Change the given fields of an active entry."""
    _check_commission(principal)
    row = _row(conn, substance_id, for_update=True)
    next_state(substance_id, row["status"], "amend")
    given = change.model_dump(exclude_unset=True)
    reason = given.pop("reason", None)
    if not given:
        raise Rejected.one(ErrorCode.MISSING, "/", "the amendment changes nothing")
    merged = {f: row[f] for f in (*FIELDS, "names")}
    merged.update(given)
    values, issues = check({k: merged[k] for k in merged if k in given or k in ("cus", "cas")}, refdata(conn), _today())
    merged.update({k: v for k, v in values.items() if k in given})
    issues += _duplicates(conn, merged, substance_id)
    if issues:
        raise Rejected(issues, "the ECICS amendment was rejected")
    version = row["version"] + 1
    update_values = {k: merged[k] for k in given}
    if "synonyms" in update_values and update_values["synonyms"] is None:
        update_values["synonyms"] = []
    conn.execute(update(S).where(S.c.id == substance_id).values(
        **update_values, version=version, updated_at=now(), updated_by=principal.name))
    if {"names", "synonyms", "inn", "iso_name"} & set(given):
        write_names(conn, substance_id, merged)
    _history(conn, substance_id, version, "amend", principal.name, reason, update_values)
    return _to_substance(_row(conn, substance_id))


def end(conn: Connection, principal: Principal, substance_id: int, request: EndEntry) -> Substance:
    """End an entry's validity (it stays in the history and in searches that include ended entries)."""
    _check_commission(principal)
    row = _row(conn, substance_id, for_update=True)
    state = next_state(substance_id, row["status"], "end")
    last = request.end_date or _today()
    if last < row["valid_from"]:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/end_date", f"the end date {last} is before the start {row['valid_from']}")
    version = row["version"] + 1
    conn.execute(update(S).where(S.c.id == substance_id).values(
        status=state, valid_to=last, version=version, updated_at=now(), updated_by=principal.name))
    _history(conn, substance_id, version, "end", principal.name, request.reason, {"valid_to": last.isoformat()})
    return _to_substance(_row(conn, substance_id))


def history(conn: Connection, substance_id: int) -> list[dict[str, Any]]:
    _row(conn, substance_id)
    rows = conn.execute(select(H).where(H.c.substance_id == substance_id).order_by(H.c.version, H.c.id)).mappings()
    return [{k: v for k, v in r.items() if k != "id"} for r in rows]


def get(conn: Connection, substance_id: int) -> Substance:
    return _to_substance(_row(conn, substance_id))


# -- the public look-up (DDS2-ECICS) ---------------------------------------------------------------------------

def _parse_filter(kind, raw: str, pointer: str) -> str:  # noqa: ANN001
    try:
        return str(kind.parse(raw))
    except InvalidIdentifier as exc:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, pointer, f"invalid {exc.kind} {raw!r}: {exc.reason}") from None


def search(conn: Connection, *, cus: str | None = None, cas: str | None = None, ec: str | None = None,
           name: str | None = None, cn: str | None = None, formula_text: str | None = None,
           precursor: str | None = None, include_ended: bool = False, on: date | None = None,
           limit: int = 20, offset: int = 0, counted: bool = True) -> SubstancePage:
    """Entries matching every filter given: CUS, CAS or EC number (exact, check digit verified), name (substring
    of a name in any language, a synonym, the INN or ISO name; case and accents ignored), CN code (start of),
    formula (any order of elements: compared in Hill notation), drug precursor category. Only entries valid on
    ``on`` (today) unless ``include_ended``. Counted as a consultation (``counted``)."""
    issues: list[Issue] = []
    q = select(S)
    for raw, kind, column, pointer in ((cus, CUSNumber, S.c.cus, "query:cus"), (cas, CASNumber, S.c.cas, "query:cas"),
                                       (ec, ECNumber, S.c.ec, "query:ec")):
        if raw:
            try:
                q = q.where(column == str(kind.parse(raw)))
            except InvalidIdentifier as exc:
                issues.append(Issue(ErrorCode.RULE_VIOLATION, pointer, f"invalid {exc.kind} {raw!r}: {exc.reason}"))
    if name is not None:
        folded = fold(name)
        if len(folded) < 2:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "query:name", "give at least two characters of the name"))
        else:
            q = q.where(S.c.id.in_(select(N.c.substance_id).where(N.c.folded.contains(folded, autoescape=True))))
    if cn:
        text = cn.replace(" ", "").replace(".", "")
        if not text.isdigit() or not 2 <= len(text) <= 8:
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "query:cn", f"{cn!r} is not a CN code or its start (2 to 8 digits)"))
        else:
            q = q.where(S.c.cn_code.startswith(text))
    if formula_text:
        try:
            q = q.where(S.c.formula == formula.hill(formula_text))
        except formula.FormulaError as exc:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "query:formula", f"{formula_text!r} is not a molecular formula: {exc}"))
    if precursor:
        if precursor.upper() not in ("1", "2A", "2B", "3", "4"):
            issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "query:precursor", "drug precursor categories are 1, 2A, 2B, 3 and 4"))
        q = q.where(S.c.drug_precursor_category == precursor.upper())
    if issues:
        raise Rejected(issues, "the ECICS search was rejected")
    if not include_ended:
        day = on or _today()
        q = q.where(S.c.valid_from <= day, (S.c.valid_to.is_(None)) | (S.c.valid_to >= day))
    total = conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()
    rows = conn.execute(q.order_by(S.c.id).limit(limit).offset(offset)).mappings().all()
    if counted:
        telemetry.count(conn, "dds", telemetry.CONSULTATIONS, DDS_SERVICE)
    return SubstancePage(total=total, limit=limit, offset=offset, items=[_to_substance(r) for r in rows])


_KINDS = (("CUS number", re.compile(r"[0-9]{7}-?[0-9]"), CUSNumber, S.c.cus),
          ("EC number", re.compile(r"[0-9]{3}-[0-9]{3}-[0-9]"), ECNumber, S.c.ec),
          ("CAS number", re.compile(r"[0-9]{2,7}-[0-9]{2}-[0-9]"), CASNumber, S.c.cas))


def lookup(conn: Connection, number: str, *, counted: bool = True) -> list[Substance]:
    """The entries with a CUS (``0000001-6``), EC (``200-578-6``) or CAS (``64-17-5``) number, recognised by its
    shape. A malformed number is rejected with the reason; one that no entry has is not found (neither is
    counted; an answer is)."""
    text = number.strip()
    for label, shape, kind, column in _KINDS:
        if shape.fullmatch(text):
            canonical = _parse_filter(kind, text, "path:number")
            rows = conn.execute(select(S).where(column == canonical).order_by(S.c.id)).mappings().all()
            if not rows:
                raise NotFound(label, canonical)
            if counted:
                telemetry.count(conn, "dds", telemetry.CONSULTATIONS, DDS_SERVICE)
            return [_to_substance(r) for r in rows]
    raise Rejected.one(ErrorCode.RULE_VIOLATION, "path:number",
                       f"{number!r} is neither a CUS number (NNNNNNN-C), an EC number (NNN-NNN-C) nor a CAS number "
                       "(2-7 digits, 2 digits and a check digit, joined by hyphens)")


def show(conn: Connection, substance_id: int) -> Substance:
    """One entry by its id, counted as a consultation."""
    found = get(conn, substance_id)
    telemetry.count(conn, "dds", telemetry.CONSULTATIONS, DDS_SERVICE)
    return found


def count(conn: Connection) -> dict[str, int]:
    """Entries per status."""
    return {s: n for s, n in conn.execute(select(S.c.status, func.count()).group_by(S.c.status))}
