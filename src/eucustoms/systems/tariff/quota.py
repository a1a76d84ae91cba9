"""QUOTA2: tariff quota requests, the daily first-come-first-served allocation (pro rata when a day's requests
exceed the balance), critical and exhausted events, returns of unused quantities and balance look-ups.

Requests of declarations accepted on the same day are treated as simultaneous (Art. 49(5) UCC-IA): they are
allocated together, in full when the balance suffices, otherwise pro rata. Days are served in order of
acceptance. Every change of a definition's balance happens under a lock on that definition's row
(``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the write transaction already holds the database write lock,
taken by ``BEGIN IMMEDIATE``), so concurrent runs can never allocate more than the balance.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import Connection, bindparam, insert, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import Conflict, ErrorCode, IncorrectState, Issue, NotFound, Rejected
from eucustoms.core.money import to_decimal

from .store import (
    geographical_membership,
    quota_definition,
    quota_event,
    quota_order_number,
    quota_order_origin,
    quota_request,
)

PRECISION = Decimal("0.001")  # TARIC quota "maximum precision" 3: allocations are rounded down to it


def _on(day: date, start: date, end: date | None) -> bool:
    return start <= day and (end is None or day <= end)


# Built once: building a statement costs more than executing it (a request is made per quota item accepted).
_ORIGINS = select(quota_order_origin).where(quota_order_origin.c.order_number == bindparam("order_number"))
_MEMBER = select(geographical_membership.c.member_id, geographical_membership.c.valid_from,
                 geographical_membership.c.valid_to).where(geographical_membership.c.group_id == bindparam("group"),
                                                           geographical_membership.c.member_id == bindparam("member"))
_NUMBER = select(quota_order_number).where(quota_order_number.c.order_number == bindparam("order_number"))
_DEFINITION_ON = select(quota_definition).where(quota_definition.c.order_number == bindparam("order_number"),
                                                quota_definition.c.valid_from <= bindparam("day"),
                                                quota_definition.c.valid_to >= bindparam("day"))
_REQUEST_OF = select(quota_request.c.id).where(quota_request.c.declaration_ref == bindparam("ref"))
_STATUS = select(quota_request).where(quota_request.c.declaration_ref == bindparam("ref"))
_INSERT_REQUEST = insert(quota_request)


def _open_for(conn: Connection, order_number: str, origin: str, day: date) -> bool:
    """Is the quota open for goods originating in ``origin`` on ``day`` (an origin area covering it, not excluded)?"""
    origins = conn.execute(_ORIGINS, {"order_number": order_number}).mappings().all()
    for o in origins:
        if not _on(day, o["valid_from"], o["valid_to"]) or origin in (o["excluded"] or ()):
            continue
        area = o["area_id"]
        if area in (origin, "1011"):
            return True
        group = "1013" if area == "1008" else area
        members = conn.execute(_MEMBER, {"group": group, "member": origin}).all()
        is_member = any(_on(day, r.valid_from, r.valid_to) for r in members)
        if is_member != (area == "1008"):  # 1008: every country *not* in the Union
            return True
    return False


def _definition_on(conn: Connection, order_number: str, day: date, *, lock: bool = False):
    q = _DEFINITION_ON
    if lock and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    return conn.execute(q, {"order_number": order_number, "day": day}).mappings().first()


def _lock(conn: Connection, sid: int):
    q = select(quota_definition).where(quota_definition.c.sid == sid)
    if conn.dialect.name == "postgresql":
        q = q.with_for_update()  # SQLite: BEGIN IMMEDIATE already serialises every writer
    return dict(conn.execute(q).mappings().one())


def _event(conn: Connection, sid: int, kind: str, day: date, balance: Decimal, **detail) -> None:
    conn.execute(insert(quota_event).values(definition_sid=sid, kind=kind, day=day, at=now(), balance=balance,
                                            detail={k: str(v) for k, v in detail.items()}))


def request_allocation(conn: Connection, order_number: str, origin: str, quantity: object, accepted_at: datetime,
                       declaration_ref: str, *, unit: str | None = None) -> dict:
    """Record the request of an accepted declaration for ``quantity`` of quota ``order_number``; it is served by
    the next :func:`allocate_day` run. Rejects (listing every problem) an unknown or closed quota, an origin the
    quota is not open for, a bad quantity or unit; a second request for the same declaration is a conflict."""
    issues: list[Issue] = []
    day = accepted_at.date()
    origin = (origin or "").upper()
    definition = _definition_on(conn, order_number, day)  # a period open on the day: its order number exists
    exists = definition is not None or conn.execute(_NUMBER, {"order_number": order_number}).first() is not None
    if not exists:
        issues.append(Issue(ErrorCode.CODELIST_VIOLATION, "/order_number", f"quota order number {order_number} does not exist"))
    else:
        if not _open_for(conn, order_number, origin, day):
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/origin", f"quota {order_number} is not open for origin {origin} on {day}"))
        if definition is None:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/accepted_at", f"quota {order_number} has no quota period open on {day}"))
    try:
        qty = to_decimal(quantity, "quantity")
        if qty <= 0:
            issues.append(Issue(ErrorCode.RULE_VIOLATION, "/quantity", "the quantity must be positive"))
    except ValueError as exc:
        qty = Decimal(0)
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/quantity", str(exc)))
    if definition is not None and unit is not None and unit.upper() != definition["unit"]:
        issues.append(Issue(ErrorCode.RULE_VIOLATION, "/unit", f"quota {order_number} is managed in {definition['unit']}, not {unit}"))
    if issues:
        raise Rejected(issues, "the quota request was rejected")
    if conn.execute(_REQUEST_OF, {"ref": declaration_ref}).first():
        raise Conflict(f"declaration {declaration_ref} already has a quota request", pointer="/declaration_ref")
    conn.execute(_INSERT_REQUEST, {
        "declaration_ref": declaration_ref, "definition_sid": definition["sid"], "order_number": order_number,
        "origin": origin, "quantity": qty, "accepted_at": accepted_at, "day": day, "status": "pending"})
    return request_status(conn, declaration_ref)


def request_status(conn: Connection, declaration_ref: str) -> dict:
    row = conn.execute(_STATUS, {"ref": declaration_ref}).mappings().first()
    if row is None:
        raise NotFound("quota request of declaration", declaration_ref)
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items() if k != "id"}


def allocate_day(conn: Connection, day: date) -> list[dict]:
    """Allocate every pending request accepted on or before ``day``, day by day, per quota definition."""
    sids = sorted(set(conn.execute(select(quota_request.c.definition_sid).where(
        quota_request.c.status == "pending", quota_request.c.day <= day)).scalars()))
    return [_allocate_definition(conn, sid, day) for sid in sids]  # sorted: a stable lock order on PostgreSQL


def _allocate_definition(conn: Connection, sid: int, until: date) -> dict:
    d = _lock(conn, sid)
    # Read the requests only once the definition is locked: a concurrent run has then finished with them.
    r = quota_request.c
    pending = conn.execute(select(quota_request).where(r.definition_sid == sid, r.status == "pending", r.day <= until)
                           .order_by(r.day, r.accepted_at, r.id)).mappings().all()
    balance: Decimal = d["balance"]
    allocated_total = Decimal(0)
    results = []
    by_day: dict[date, list] = {}
    for p in pending:
        by_day.setdefault(p["day"], []).append(p)
    for day, requests in by_day.items():
        wanted = sum((p["quantity"] for p in requests), Decimal(0))
        coefficient = Decimal(1) if wanted <= balance else (balance / wanted if wanted else Decimal(0))
        for p in requests:
            # Rounded down, so that the sum of a pro-rata day never exceeds the balance.
            share = p["quantity"] if coefficient == 1 else (p["quantity"] * coefficient).quantize(PRECISION, rounding=ROUND_DOWN)
            conn.execute(update(quota_request).where(r.id == p["id"], r.status == "pending").values(
                status="allocated", allocated=share, allocated_on=until))
            balance -= share
            allocated_total += share
            results.append({"declaration_ref": p["declaration_ref"], "requested": str(p["quantity"]), "allocated": str(share)})
        _event(conn, sid, "allocation", day, balance, requested=wanted, coefficient=coefficient.quantize(Decimal("0.000001")))
    values: dict = {"balance": balance}
    threshold = d["initial_volume"] * (Decimal(100) - d["critical_threshold"]) / Decimal(100)
    if d["critical"] == "N" and balance <= threshold:
        values["critical"] = "Y"
        _event(conn, sid, "critical", until, balance, threshold=d["critical_threshold"])
    if d["exhausted"] == "N" and balance <= 0:
        values["exhausted"] = "Y"
        _event(conn, sid, "exhausted", until, balance)
    conn.execute(update(quota_definition).where(quota_definition.c.sid == sid).values(**values))
    return {"order_number": d["order_number"], "definition_sid": sid, "allocated": str(allocated_total),
            "balance": str(balance), "requests": results}


def return_quantity(conn: Connection, declaration_ref: str, *, quantity: object | None = None) -> dict:
    """Give back what a declaration was allocated (all of it when invalidated, or the unused ``quantity``); a
    request not yet allocated is cancelled, so a rejected or invalidated declaration never keeps quota."""
    row = conn.execute(select(quota_request).where(quota_request.c.declaration_ref == declaration_ref)).mappings().first()
    if row is None:
        raise NotFound("quota request of declaration", declaration_ref)
    d = _lock(conn, row["definition_sid"])
    row = conn.execute(select(quota_request).where(quota_request.c.id == row["id"])).mappings().one()  # after the lock
    r = quota_request.c
    if row["status"] == "pending":
        conn.execute(update(quota_request).where(r.id == row["id"]).values(status="cancelled"))
        return request_status(conn, declaration_ref)
    if row["status"] != "allocated":
        raise IncorrectState(f"quota request of {declaration_ref}", row["status"], "return")
    give = row["allocated"] if quantity is None else to_decimal(quantity, "quantity")
    if give <= 0 or give > row["allocated"]:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/quantity", f"can return between 0 and {row['allocated']}, not {give}")
    balance = min(d["initial_volume"], d["balance"] + give)
    conn.execute(update(quota_request).where(r.id == row["id"]).values(
        status="returned" if give == row["allocated"] else "allocated", allocated=row["allocated"] - give,
        returned=(row["returned"] or Decimal(0)) + give))
    values: dict = {"balance": balance}
    today = now().date()
    _event(conn, d["sid"], "return", today, balance, declaration_ref=declaration_ref, quantity=give)
    if d["exhausted"] == "Y" and balance > 0:
        values["exhausted"] = "N"
        _event(conn, d["sid"], "reopened", today, balance)
    conn.execute(update(quota_definition).where(quota_definition.c.sid == d["sid"]).values(**values))
    return request_status(conn, declaration_ref)


def reduce_request(conn: Connection, declaration_ref: str, quantity: object) -> dict:
    """The declaration needs only ``quantity`` of what it requested (a control found less, or the declaration was
    amended downwards): a pending request is reduced (cancelled at zero); of an allocated one the excess over
    ``quantity`` is returned to the balance. More than requested needs a request of its own (FCFS order)."""
    row = conn.execute(select(quota_request).where(quota_request.c.declaration_ref == declaration_ref)).mappings().first()
    if row is None:
        raise NotFound("quota request of declaration", declaration_ref)
    try:
        qty = to_decimal(quantity, "quantity")
    except ValueError as exc:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/quantity", str(exc)) from None
    _lock(conn, row["definition_sid"])
    row = conn.execute(select(quota_request).where(quota_request.c.id == row["id"])).mappings().one()  # after the lock
    if qty < 0 or qty > row["quantity"]:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/quantity",
                           f"can reduce the request to between 0 and {row['quantity']}, not {qty}")
    r = quota_request.c
    if row["status"] == "pending":
        if qty == 0:
            conn.execute(update(quota_request).where(r.id == row["id"]).values(status="cancelled"))
        else:
            conn.execute(update(quota_request).where(r.id == row["id"]).values(quantity=qty))
        return request_status(conn, declaration_ref)
    if row["status"] != "allocated":
        raise IncorrectState(f"quota request of {declaration_ref}", row["status"], "reduce")
    excess = row["allocated"] - qty
    if excess > 0:
        return return_quantity(conn, declaration_ref, quantity=excess)
    return request_status(conn, declaration_ref)


def balance(conn: Connection, order_number: str, on: date) -> dict:
    """The quota period open on ``on`` with its initial volume, balance, status and pending requests."""
    if conn.execute(select(quota_order_number.c.order_number).where(quota_order_number.c.order_number == order_number)).first() is None:
        raise NotFound("quota order number", order_number)
    d = _definition_on(conn, order_number, on)
    if d is None:
        raise NotFound(f"quota period of {order_number} on", on)
    r = quota_request.c
    pending = sum((p for p in conn.execute(select(r.quantity).where(r.definition_sid == d["sid"], r.status == "pending")).scalars()), Decimal(0))
    status = "exhausted" if d["exhausted"] == "Y" else "critical" if d["critical"] == "Y" else "open"
    return {"order_number": order_number, "definition_sid": d["sid"], "valid_from": d["valid_from"], "valid_to": d["valid_to"],
            "initial_volume": str(d["initial_volume"]), "balance": str(d["balance"]), "unit": d["unit"],
            "critical_threshold": d["critical_threshold"], "status": status, "pending": str(pending),
            "description": d["description"]}


def events(conn: Connection, order_number: str) -> list[dict]:
    e, q = quota_event.c, quota_definition.c
    rows = conn.execute(select(quota_event).join(quota_definition, e.definition_sid == q.sid)
                        .where(q.order_number == order_number).order_by(e.id)).mappings()
    return [{"definition_sid": x["definition_sid"], "kind": x["kind"], "day": x["day"], "balance": str(x["balance"]),
             "detail": x["detail"]} for x in rows]
