"""Rejections list every error and store nothing; amendment and invalidation by state (code 92, state unchanged);
the trader sees only its own declarations; an export followed by transit is linked to its transit movement."""

from __future__ import annotations

import pytest
from export_support import AGENT, CARRIER_P, DE_OFFICER, FORWARDER, FR_OFFICER, NL_OFFICER, OTHER, TRADER
from sqlalchemy import func, select

from eucustoms.core.errors import Forbidden, IncorrectState, NotFound, Rejected
from eucustoms.core.identifiers import MRN
from eucustoms.platform import telemetry
from eucustoms.platform.bus import bus_message
from eucustoms.systems.export import examples, service
from eucustoms.systems.export import exit as exit_office
from eucustoms.systems.export.store import exp_declaration, exp_log

TRANSIT_MRN = str(MRN.build(2026, "DE", 77, "J"))


def nothing_stored(db) -> None:
    with db.read() as conn:
        for table in (exp_declaration, exp_log, bus_message):
            assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 0


def rejected(ctx, payload, principal=TRADER) -> dict[str, str]:
    with pytest.raises(Rejected) as exc:
        service.lodge(ctx, principal, payload)
    assert not isinstance(exc.value, IncorrectState)
    found: dict[str, str] = {}
    for i in exc.value.issues:  # several reasons at one pointer are joined, in order
        found[i.pointer] = found[i.pointer] + " | " + f"{i.code}: {i.reason}" if i.pointer in found else f"{i.code}: {i.reason}"
    return found


def test_every_business_error_is_listed_at_once_and_nothing_is_stored(ectx):
    bad_items = [
        examples.item(1, cn_code="99999999"),  # not in the nomenclature
        {**examples.item(2, cn_code="39151000"), "net_mass": "-5"},  # not a declarable subheading; negative mass
        {**examples.item(3), "net_mass": "300", "gross_mass": "200",  # gross < net
         "packages": [{"type": "Q9", "number": -1}], "statistical_value": {"amount": "-1", "currency": "XYZ"}},
        {**examples.item(3), "procedure": "3100"},  # duplicate item number; re-export without a special procedure
    ]
    payload = examples.declaration(
        exporter={"eori": "QQ1234567", "name": "x"},  # ill-formed EORI (no such country)
        declarant={"eori": "DE000000000001"},  # well-formed, not registered, and not the caller
        office_of_export="DE002150",  # no EXP role
        office_of_exit="XX000000",  # not an office at all
        destination="FR",  # inside the customs territory
        country_of_export="NL",
        procedure="9999",
        items=bad_items,
    )
    payload["transport"]["border_mode"] = "6"
    reasons = rejected(ectx, payload)
    expected = {
        "/exporter/eori": "14: invalid EORI", "/declarant/eori": "14: EORI DE000000000001 is not registered",
        "/office_of_export": "12: DE002150 is not a customs office of export (role EXP)",
        "/office_of_exit": "12: invalid customs office reference",
        "/country_of_destination": "14: FR is in the customs territory",
        "/procedure": "12: procedure 9999", "/transport/border_mode": "12: '6' is not a mode of transport",
        "/items/0/cn_code": "12: CN code 99999999 does not exist",
        "/items/1/cn_code": "14: CN code 39151000 is not a declarable subheading",
        "/items/1/net_mass": "14: -5 is negative",
        "/items/2/gross_mass": "14: the gross mass (200 kg) is less than the net mass (300 kg)",
        "/items/2/packages/0/type": "12: 'Q9' is not a kind of packages",
        "/items/2/packages/0/number": "14: -1 is negative",
        "/items/2/statistical_value/currency": "12: unknown currency",
        "/items/3/procedure": "14: re-export (31)",
        "/items": "26: goods item numbers must be unique",
    }
    for pointer, start in expected.items():
        assert pointer in reasons, pointer
        assert any(r.startswith(start) for r in reasons[pointer].split(" | ")), (pointer, reasons[pointer])
    nothing_stored(ectx.db)
    with ectx.db.read() as conn:
        assert telemetry.totals(conn, metric="rejected", system="export") == {("export", "DE"): 1}


def test_structure_errors_are_listed_and_the_exit_summary_data_required(sctx):
    reasons = rejected(sctx, {"lrn": "", "security": 1, "items": [{"item_number": 0}]})
    assert {"/lrn", "/security", "/exporter", "/declarant", "/office_of_export", "/office_of_exit",
            "/country_of_destination", "/items/0/item_number", "/items/0/description", "/items/0/cn_code"} <= set(reasons)
    exs = examples.declaration(security=2, consignee=None)
    exs["transport"] = {}
    exs["items"][0].pop("gross_mass")
    reasons = rejected(sctx, exs)
    assert {"/transport/border_mode", "/transport/active_at_border", "/consignee", "/items/0/gross_mass"} <= set(reasons)
    co = examples.special_fiscal_territory(special_fiscal_territory="DE-HELGOLAND", security=2)
    reasons = rejected(sctx, co)
    assert "/special_fiscal_territory" in reasons and reasons["/security"].startswith("15")
    assert "/special_fiscal_territory" in rejected(sctx, examples.declaration(special_fiscal_territory="ES-CN"))
    rep = examples.declaration(representative={"eori": FORWARDER})
    assert rejected(sctx, rep, AGENT)["/representative_status"].startswith("13")
    nothing_stored(sctx.db)


def test_duplicate_lrn_and_the_caller_must_be_declarant_or_representative(sctx):
    service.lodge(sctx, TRADER, examples.declaration("DUP"))
    assert rejected(sctx, examples.declaration("DUP"))["/lrn"].startswith("26")
    assert "you (DE555555555555)" in rejected(sctx, examples.declaration("X1"), OTHER)["/declarant/eori"]
    with pytest.raises(Forbidden):
        service.lodge(sctx, DE_OFFICER, examples.declaration("X2"))


def _state(ctx, mrn):
    return service.consult(ctx, DE_OFFICER, mrn)["state"]


def test_amendment_and_invalidation_are_allowed_or_refused_by_state(sctx):
    released = service.lodge(sctx, TRADER, examples.declaration("R1"))["mrn"]
    controlled = service.lodge(sctx, TRADER, examples.controlled("C1"))["mrn"]
    pre = service.lodge(sctx, TRADER, examples.pre_lodged("P1"))["mrn"]
    # Released: no amendment (Art. 173 UCC) — the state stays.
    with pytest.raises(IncorrectState) as exc:
        service.amend(sctx, TRADER, released, examples.declaration("R1"))
    assert exc.value.issues[0].code == "92" and _state(sctx, released) == "released"
    # Under control: neither amendment nor invalidation (Art. 173(1), 174(2) UCC).
    for action in (lambda: service.amend(sctx, TRADER, controlled, examples.controlled("C1")),
                   lambda: service.invalidate(sctx, TRADER, controlled)):
        with pytest.raises(IncorrectState):
            action()
        assert _state(sctx, controlled) == "under_control"
    # Pre-lodged: amended, but the LRN, the office of export and the MRN category stay.
    with pytest.raises(Rejected) as exc:
        service.amend(sctx, TRADER, pre, examples.with_exit_summary("P2", additional_declaration_type="D"))
    assert {i.pointer for i in exc.value.issues} == {"/lrn", "/security"}
    assert service.amend(sctx, TRADER, pre, examples.pre_lodged("P1", destination="CA"))["version"] == 2
    # Controlled: invalidation allowed; then nothing more.
    service.record_control(sctx, DE_OFFICER, controlled, {"result": "no_irregularity"})
    assert service.invalidate(sctx, TRADER, controlled)["state"] == "invalidated"
    for action in (lambda: service.invalidate(sctx, TRADER, controlled),
                   lambda: service.release(sctx, DE_OFFICER, controlled),
                   lambda: service.present(sctx, TRADER, controlled)):
        with pytest.raises(IncorrectState):
            action()
    # Exited: no invalidation.
    sctx.bus.drain()
    exit_office.arrive(sctx, CARRIER_P, examples.arrival(released))
    exit_office.notify_exit(sctx, CARRIER_P, examples.exit_notification(released))
    sctx.bus.drain()
    with pytest.raises(IncorrectState):
        service.invalidate(sctx, TRADER, released)
    assert _state(sctx, released) == "exited"
    assert service.consult(sctx, TRADER, released)["allowed_messages"] == []
    assert service.consult(sctx, TRADER, pre)["allowed_messages"] == ["amend", "invalidate", "link_transit", "present"]


def test_a_trader_sees_only_its_own_declarations(sctx):
    own = service.lodge(sctx, TRADER, examples.declaration("OWN"))["mrn"]
    by_agent = service.lodge(sctx, AGENT, examples.declaration("AG1", declarant={"eori": FORWARDER}))["mrn"]
    for principal in (OTHER, CARRIER_P, FR_OFFICER, NL_OFFICER):
        with pytest.raises(NotFound):
            service.consult(sctx, principal, own)
    # The exporter sees what its customs agent lodged; the agent does not see the exporter's own declaration.
    assert service.consult(sctx, TRADER, by_agent)["declarant"] == FORWARDER
    with pytest.raises(Forbidden):  # but only the declarant (or its representative) asks for an invalidation
        service.invalidate(sctx, TRADER, by_agent)
    with pytest.raises(NotFound):
        service.consult(sctx, AGENT, own)
    assert service.search(sctx, TRADER)["total"] == 2
    assert service.search(sctx, AGENT)["total"] == 1
    assert service.search(sctx, OTHER)["total"] == 0
    assert service.search(sctx, DE_OFFICER)["total"] == 2 and service.search(sctx, NL_OFFICER)["total"] == 0
    with pytest.raises(NotFound):  # another trader cannot invalidate it either (the same answer as unknown)
        service.invalidate(sctx, OTHER, own)
    sctx.bus.drain()
    with pytest.raises(NotFound):  # nor read the exit case
        exit_office.case(sctx, OTHER, own)
    assert exit_office.case(sctx, TRADER, own)["state"] == "aer_received"


def test_export_followed_by_transit_is_linked(sctx):
    out = service.lodge(sctx, TRADER, examples.followed_by_transit("T1", transit_mrn=TRANSIT_MRN))
    assert out["followed_by_transit"] and out["transit_mrn"] == TRANSIT_MRN
    sctx.bus.drain()
    assert exit_office.case(sctx, NL_OFFICER, out["mrn"])["aer"]["transit_mrn"] == TRANSIT_MRN
    # Recorded later, by the declarant (or the transit system through record_transit).
    later = service.lodge(sctx, TRADER, examples.followed_by_transit("T2"))["mrn"]
    with pytest.raises(Rejected) as exc:
        service.link_transit(sctx, TRADER, later, out["mrn"])  # an export MRN, not a transit one
    assert "not a transit MRN" in exc.value.issues[0].reason
    other_transit = str(MRN.build(2026, "DE", 78, "K"))
    linked = service.link_transit(sctx, TRADER, later, other_transit)
    assert linked["transit_mrn"] == other_transit
    seen = service.consult(sctx, TRADER, later)
    assert seen["message_log"][-1]["message_type"] == "EXP_TRL" and seen["transit_mrn"] == other_transit
    with pytest.raises(Rejected):  # one transit movement per export
        service.link_transit(sctx, TRADER, later, TRANSIT_MRN)
    with sctx.db.begin() as conn:  # the same link again is harmless
        assert service.record_transit(conn, later, other_transit, by="NCTS DE")["transit_mrn"] == other_transit
    valid = str(MRN.build(2026, "DE", 79, "J"))
    broken = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    assert rejected(sctx, examples.followed_by_transit("T3", transit_mrn=broken))["/transit/transit_mrn"].startswith("93")
    assert "/transit/transit_mrn" in rejected(sctx, examples.followed_by_transit("T4", transit_mrn=out["mrn"]))


def test_the_api_answers_with_the_right_statuses(eapi):
    trader = eapi.headers_for("trader", eori=TRADER.eori)
    other = eapi.headers_for("trader", eori=OTHER.eori)
    carrier = eapi.headers_for("trader", eori=CARRIER_P.eori)
    de = eapi.headers_for("officer", country="DE", office="DE002101")
    nl = eapi.headers_for("officer", country="NL", office="NL000396")
    r = eapi.post("/export/declarations", json=examples.controlled(), headers=trader)
    assert r.status_code == 201, r.text
    mrn = r.json()["mrn"]
    assert eapi.get(f"/export/declarations/{mrn}").status_code == 401
    assert eapi.get(f"/export/declarations/{mrn}", headers=other).status_code == 404
    assert eapi.get(f"/export/declarations/{mrn}", headers=nl).status_code == 404
    assert eapi.post(f"/export/declarations/{mrn}/release", headers=trader).status_code == 403
    assert eapi.post(f"/export/declarations/{mrn}/invalidation", json={}, headers=trader).status_code == 409
    assert eapi.post(f"/export/declarations/{mrn}/control-result", json={"result": "no_irregularity"},
                     headers=de).json()["state"] == "controlled"
    assert eapi.post(f"/export/declarations/{mrn}/release", headers=de).json()["state"] == "released"
    eapi.drain()
    assert eapi.get("/export/exit/cases", headers=nl).json()["total"] == 1
    assert eapi.post("/export/exit/notifications", json=examples.exit_notification(mrn), headers=carrier).status_code == 409
    assert eapi.post("/export/exit/arrivals", json=examples.arrival(mrn), headers=carrier).status_code == 201
    assert eapi.post("/export/exit/notifications", json=examples.exit_notification(mrn), headers=carrier).status_code == 201
    eapi.drain()
    seen = eapi.get(f"/export/declarations/{mrn}", headers=trader).json()
    assert seen["state"] == "exited" and seen["message_log"][-1]["message_type"] == "IE599"
    assert eapi.get(f"/export/exit/cases/{mrn}", headers=carrier).json()["state"] == "exited"
    bad = eapi.post("/export/declarations", json=examples.declaration("X", items=[examples.item(cn_code="12")]),
                    headers=trader)
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "/items/0/cn_code"
    counts = eapi.get("/export/indicators/counts", params={"since": "2026-03-01", "until": "2026-03-02"}, headers=de).json()
    assert counts["by_country"]["DE"]["lodged"] == 1 and counts["by_country"]["DE"]["exited"] == 1
    assert eapi.get("/export/indicators/counts", params={"since": "2026-03-01", "until": "2026-03-02", "country": "DE"},
                    headers=nl).status_code == 403
