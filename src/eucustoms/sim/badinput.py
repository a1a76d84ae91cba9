"""Bad messages: a documented share of the traffic is malformed, in the wrong state, about unknown references,
or a duplicate — as real traffic is. Each bad message is sent next to a good story (its *victim*: the
filing it duplicates, the declaration it tries to move out of turn), and must be rejected with the error the
specifications give, while the victim stays exactly as it was (nothing lost, nothing changed).

==========================  ===============================================  ===================================
kind                        what is sent                                     expected rejection
==========================  ===============================================  ===================================
``ics2.malformed``          a copy of an ENS filing (new LRN) without the     422, code 13 (missing)
                            declarant
``ics2.duplicate``          the same ENS filing again (same LRN)             422, code 26 (duplicate)
``ics2.unknown_reference``  an arrival notification for an MRN never given   422, code 90 (unknown MRN)
``ics2.wrong_state``        a second arrival notification                    422, code 92 (incorrect state)
``imports.malformed``       a copy of a declaration (new LRN) with a goods   422, code 12 (code list)
                            code that is not in the nomenclature
``imports.duplicate``       the same import declaration again (same LRN)     422, code 26
``imports.wrong_state``     an invalidation of a released declaration        409, code 92
``imports.unknown_reference`` a payment for an MRN never given               404 (not found)
``pous.wrong_state``        a second use of a used T2L/T2LF                  409 or 422, code 92
``certex.duplicate``        the same certificate recorded again              409, code 26
``dds.malformed``           a quota look-up with a malformed order number    422, code 12
``transit.duplicate``       the same CC015C again (same LRN): a CC056C       422, code 26
``export.unknown_reference`` an arrival at exit for an MRN never given       422, code 90
==========================  ===============================================  ===================================

The run's summary counts, per kind, the bad messages sent, those rejected as expected, and any mismatch
(accepted, or rejected with another error); and whether any victim changed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from eucustoms.core.errors import CustomsError, Rejected
from eucustoms.core.identifiers import MRN

from .flows.base import Sim, Story

SHARE = 0.01  # of the good stories: one bad message per hundred
#: kind → (expected HTTP status(es), expected code or None (any), the victim's flow, when after the victim's start)
EXPECTED: dict[str, tuple[tuple[int, ...], str | None, str, str]] = {
    "ics2.malformed": ((422,), "13", "ens", "start"),
    "ics2.duplicate": ((422,), "26", "ens", "start"),
    "ics2.unknown_reference": ((422,), "90", "ens", "start"),
    "ics2.wrong_state": ((422, 409), "92", "ens", "arrived"),
    "imports.malformed": ((422,), "12", "import", "start"),
    "imports.duplicate": ((422,), "26", "import", "start"),
    "imports.wrong_state": ((409, 422), "92", "import", "released"),
    "imports.unknown_reference": ((404,), None, "import", "start"),
    "pous.wrong_state": ((409, 422), "92", "pous", "used"),
    "certex.duplicate": ((409,), "26", "import_certified", "start"),
    "dds.malformed": ((422,), "12", "lookups", "start"),
    "transit.duplicate": ((422,), "26", "transit", "start"),
    "export.unknown_reference": ((422, 404), "90", "export", "start"),
}
KINDS = tuple(EXPECTED)


def observed(exc: BaseException | None, status: int | None = None, codes: list[str] | None = None) -> tuple[int, list[str]]:
    """The HTTP status and error codes an exception (or an HTTP answer) amounts to."""
    if exc is None:
        return status or 200, codes or []
    if isinstance(exc, Rejected):
        return exc.status, [i.code for i in exc.issues]
    if isinstance(exc, CustomsError):
        issue = getattr(exc, "issue", None)
        return exc.status, [issue.code] if issue is not None else []
    return 500, [type(exc).__name__]


@dataclass
class BadStory(Story):
    """One bad message about ``victim``."""

    bad_kind: str = ""
    victim: Story | None = None
    result: dict[str, Any] = field(default_factory=dict)

    def plan(self) -> dict[str, Any]:
        return {"kind": self.bad_kind, "victim": self.victim.key if self.victim else None}

    def step_start(self, sim: Sim) -> list[tuple[timedelta, str]]:
        v = self.victim
        if v is None or (not v.refs.get("mrn") and self.bad_kind != "dds.malformed") or v.error:
            self.result = {"kind": self.bad_kind, "skipped": "the victim has no reference"}
            return []
        wanted = EXPECTED[self.bad_kind][3]
        if wanted in ("arrived", "released", "used") and v.outcome != wanted:
            if sim.now() < sim.end - timedelta(minutes=30) and self.rnd.random() < 0.97:
                return [(timedelta(minutes=30), "start")]  # not yet: try again later
            self.result = {"kind": self.bad_kind, "skipped": f"the victim never reached {wanted}"}
            return []
        before = _state_of(sim, v)
        exc: BaseException | None = None
        status = codes = None
        try:
            status, codes = SEND[self.bad_kind](sim, self, v)
        except (CustomsError, ValueError) as e:
            exc = e
        got_status, got_codes = observed(exc, status, codes)
        statuses, code, *_ = EXPECTED[self.bad_kind]
        ok = got_status in statuses and (code is None or code in got_codes)
        after = _state_of(sim, v)
        self.result = {"kind": self.bad_kind, "victim": v.refs.get("mrn") or v.key, "status": got_status,
                       "codes": got_codes, "as_expected": ok, "victim_unchanged": before == after,
                       "reason": getattr(exc, "message", None)}
        sim.count(f"bad.{self.bad_kind}.{'as_expected' if ok else 'mismatch'}")
        return []


def _state_of(sim: Sim, story: Story) -> Any:
    """The victim as the systems see it (state and version), to check that a bad message changed nothing."""
    from eucustoms.systems.ics2 import service as ics2
    from eucustoms.systems.imports import service as imports
    from eucustoms.systems.status import service as pous

    mrn = story.refs.get("mrn")
    if not mrn:
        return None
    admin = sim.commission()
    if story.kind == "ens":
        x = ics2.consult(sim.ctx, admin, mrn)
        return (x["state"], x["version"], len(x["message_log"]))
    if story.kind == "import":
        x = imports.consult(sim.ctx, admin, mrn)
        return (x["state"], x["version"], x["debt_status"])
    if story.kind == "transit":
        from eucustoms.systems.transit import service as transit

        x = transit.consult(sim.ctx, admin, mrn)
        return (x.get("state"), x.get("version"))
    if story.kind == "export":
        from eucustoms.systems.export import service as export

        x = export.consult(sim.ctx, admin, mrn)
        return (x.get("state"), x.get("version"))
    if story.kind == "pous":
        with sim.ctx.db.read() as conn:
            p = pous.get(conn, mrn)
        return (p.state, getattr(p, "items_used", None))
    return None


# -- the bad messages -----------------------------------------------------------------------------------------------

def _ics2_malformed(sim: Sim, bad: BadStory, v: Any) -> tuple[int, list[str]]:
    from eucustoms.systems.ics2 import service as ics2

    f = v.filings[0]
    payload = copy.deepcopy(f["payload"])
    payload["lrn"] = payload["lrn"][:-1] + "X"
    payload.pop("declarant")
    ics2.lodge(sim.ctx, sim.trader(f["filer"]), f["message_type"], payload)
    return 201, []


def _ics2_duplicate(sim: Sim, bad: BadStory, v: Any) -> tuple[int, list[str]]:
    from eucustoms.systems.ics2 import service as ics2

    f = v.filings[0]
    ics2.lodge(sim.ctx, sim.trader(f["filer"]), f["message_type"], f["payload"])
    return 201, []


def _unknown_mrn(known: str) -> str:
    parsed = MRN.parse(known)
    # A serial far beyond any the durable sequences will reach: a well-formed MRN nobody was given.
    return str(MRN.build(parsed.year, parsed.country, 35 * 36**11 + bad_serial(known), parsed.procedure))


def bad_serial(mrn: str) -> int:
    return sum(ord(c) for c in mrn) % 1000


def _ics2_unknown(sim: Sim, bad: BadStory, v: Any) -> tuple[int, list[str]]:
    from eucustoms.systems.ics2 import service as ics2

    ics2.notify_arrival(sim.ctx, sim.trader(v.filings[0]["filer"]), [_unknown_mrn(v.refs["mrn"])])
    return 200, []


def _ics2_wrong_state(sim: Sim, bad: BadStory, v: Any) -> tuple[int, list[str]]:
    from eucustoms.systems.ics2 import service as ics2

    ics2.notify_arrival(sim.ctx, sim.trader(v.filings[0]["filer"]), [v.refs["mrn"]])
    return 200, []


def _imports_malformed(sim: Sim, bad: BadStory, v: Any) -> tuple[int, list[str]]:
    from eucustoms.systems.imports import service as imports

    payload = copy.deepcopy(v.payload)
    payload["lrn"] = (payload["lrn"][:-1] + "X")[:22]
    payload["items"][0]["cn_code"] = "99999999"
    payload["items"][0].pop("taric_code", None)
    imports.lodge(sim.ctx, sim.trader(v.declarant), v.dataset, payload)
    return 201, []


def _imports_duplicate(sim: Sim, bad: BadStory, v: Any) -> tuple[int, list[str]]:
    from eucustoms.systems.imports import service as imports

    imports.lodge(sim.ctx, sim.trader(v.declarant), v.dataset, v.payload)
    return 201, []


def _imports_wrong_state(sim: Sim, bad: BadStory, v: Any) -> tuple[int, list[str]]:
    from eucustoms.systems.imports import service as imports

    imports.invalidate(sim.ctx, sim.trader(v.declarant), v.refs["mrn"], "sent by mistake")
    return 200, []


def _imports_unknown(sim: Sim, bad: BadStory, v: Any) -> tuple[int, list[str]]:
    from eucustoms.systems.imports import service as imports

    imports.pay(sim.ctx, sim.trader(v.declarant), _unknown_mrn(v.refs["mrn"]))
    return 200, []


def _pous_wrong_state(sim: Sim, bad: BadStory, v: Any) -> tuple[int, list[str]]:
    from eucustoms.systems.status import service as pous

    officer = sim.officer(v.use_office[:2], v.use_office)
    with sim.ctx.db.begin() as conn:
        pous.use(conn, officer, v.refs["mrn"], {"office": v.use_office})
    return 200, []


def _certex_duplicate(sim: Sim, bad: BadStory, v: Any) -> tuple[int, list[str]]:
    from .flows.certex import issue_certificate

    issue_certificate(sim, v.certificate)
    return 201, []


def _dds_malformed(sim: Sim, bad: BadStory, v: Any) -> tuple[int, list[str]]:
    response = sim.http().get("/dds/quotas/09AB12")
    body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
    return response.status_code, [e.get("code") for e in body.get("errors", [])]


def _transit_duplicate(sim: Sim, bad: BadStory, v: Any) -> tuple[int, list[str]]:
    v._send(sim, v.holder, "CC015C", copy.deepcopy(v.declaration), f"NTA.{v.route[0][:2]}")
    return 200, []


def _export_unknown(sim: Sim, bad: BadStory, v: Any) -> tuple[int, list[str]]:
    from eucustoms.systems.export import examples
    from eucustoms.systems.export import exit as office_of_exit

    office_of_exit.arrive(sim.ctx, sim.trader(v.carrier), examples.arrival(_unknown_mrn(v.refs["mrn"]), v.exit_office))
    return 200, []


SEND: dict[str, Callable[[Sim, BadStory, Any], tuple[int, list[str]]]] = {
    "ics2.malformed": _ics2_malformed, "ics2.duplicate": _ics2_duplicate, "ics2.unknown_reference": _ics2_unknown,
    "ics2.wrong_state": _ics2_wrong_state, "imports.malformed": _imports_malformed,
    "imports.duplicate": _imports_duplicate, "imports.wrong_state": _imports_wrong_state,
    "imports.unknown_reference": _imports_unknown, "pous.wrong_state": _pous_wrong_state,
    "certex.duplicate": _certex_duplicate, "dds.malformed": _dds_malformed,
    "transit.duplicate": _transit_duplicate, "export.unknown_reference": _export_unknown,
}


def summarise(stories: list[BadStory]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in KINDS:
        mine = [s.result or {"skipped": "not due before the end of the period"} for s in stories if s.bad_kind == kind]
        sent = [r for r in mine if "as_expected" in r]
        statuses, code, *_ = EXPECTED[kind]
        out[kind] = {"planned": len(mine), "sent": len(sent), "skipped": len(mine) - len(sent),
                     "expected": f"{'/'.join(map(str, statuses))}" + (f" code {code}" if code else ""),
                     "rejected_as_expected": sum(1 for r in sent if r["as_expected"]),
                     "mismatches": [r for r in sent if not r["as_expected"]],
                     "victims_changed": sum(1 for r in sent if not r["victim_unchanged"])}
    return out
