"""AES end to end between two member states: an export lodged in Germany leaves through Rotterdam (IE515 → IE528
→ IE529 → IE501 → IE507 → IE525 → IE590 → IE518 → IE599); the controlled path at export and at exit; no release;
exit refused; pre-lodging; invalidation after release."""

from __future__ import annotations

from datetime import timedelta

import pytest
from export_support import (
    AGENT,
    CARRIER,
    CARRIER_P,
    COMMISSION,
    DE_OFFICER,
    EXPORTER,
    FORWARDER,
    NL_OFFICER,
    TRADER,
)
from sqlalchemy import select

from eucustoms.core.errors import Forbidden, IncorrectState, NotFound, Rejected
from eucustoms.platform import telemetry
from eucustoms.platform.notifications.store import notification
from eucustoms.systems.export import examples, service
from eucustoms.systems.export import exit as exit_office


def kinds(log: list[dict]) -> list[str]:
    return [m["message_type"] for m in log]


def notified(db, eori: str, mrn: str) -> list[str]:
    with db.read() as conn:
        rows = conn.execute(select(notification.c.message_type).where(
            notification.c.recipient == eori, notification.c.subject == mrn).order_by(notification.c.id)).scalars()
        return list(rows)


def test_export_from_germany_leaves_through_rotterdam_and_the_exit_is_certified(ectx, _fixed_clock):
    out = service.lodge(ectx, TRADER, examples.declaration())
    mrn = out["mrn"]
    assert mrn[2:4] == "DE" and mrn[16] == "A"  # the member state of the office of export; export only
    assert out["state"] == "released" and out["accepted_at"] == out["released_at"]  # green lane
    assert exit_office.work_queue(ectx, NL_OFFICER)["total"] == 0  # the AER is still on its way
    ectx.bus.drain()
    queue = exit_office.work_queue(ectx, NL_OFFICER)
    assert [(c["mrn"], c["state"]) for c in queue["items"]] == [(mrn, "aer_received")]

    _fixed_clock.advance(timedelta(hours=20))
    arrived = exit_office.arrive(ectx, CARRIER_P, examples.arrival(mrn))
    assert arrived["state"] == "released_for_exit" and arrived["control"] is None
    _fixed_clock.advance(timedelta(hours=3))
    done = exit_office.notify_exit(ectx, CARRIER_P, examples.exit_notification(mrn))
    assert done["state"] == "exited" and done["exit_control_result"] == "A2"  # not examined at exit
    assert service.consult(ectx, TRADER, mrn)["state"] == "released"  # until IE518 arrives
    ectx.bus.drain()

    seen = service.consult(ectx, TRADER, mrn)
    assert seen["state"] == "exited" and seen["actual_office_of_exit"] == "NL000396"
    assert seen["exited_at"] == _fixed_clock.now()
    assert kinds(seen["message_log"]) == ["IE515", "IE528", "IE529", "IE501", "IE518", "IE599"]
    assert seen["risk"] is None  # traders do not see the risk analysis
    officer_view = service.consult(ectx, DE_OFFICER, mrn)
    assert [(x["message_type"], x["sender"], x["recipient"]) for x in officer_view["domain_exchanges"]] == [
        ("IE501", "DE", "NL"), ("IE518", "NL", "DE")]
    assert officer_view["risk"]["export"]["suggested"] == "none"
    case = exit_office.case(ectx, NL_OFFICER, mrn)
    assert kinds(case["message_log"]) == ["IE501", "IE507", "IE525", "IE590", "IE518"]
    assert case["presented_by"] == CARRIER and case["carrier"] == CARRIER
    # Proof of exit to the declarant and to the exporter (here the same trader); the carrier got IE525.
    assert notified(ectx.db, EXPORTER, mrn) == ["IE528", "IE529", "IE599"]
    assert notified(ectx.db, CARRIER, mrn) == ["IE525"]
    # Each domain reads only its own records.
    with pytest.raises(NotFound):
        service.consult(ectx, NL_OFFICER, mrn)
    with pytest.raises(NotFound):
        exit_office.case(ectx, DE_OFFICER, mrn)
    with ectx.db.read() as conn:
        assert service.status(conn, mrn) == {"mrn": mrn, "system": "export", "state": "exited",
                                             "office_of_export": "DE002101", "office_of_exit": "NL000396",
                                             "updated_at": _fixed_clock.now()}
        day = _fixed_clock.now().date()
        totals = telemetry.totals(conn, metric="exited", system="export", since=day - timedelta(days=2), until=day)
        assert totals == {("export", "DE"): 1}
        lodged = telemetry.totals(conn, metric="lodged", system="export")
        assert lodged == {("export", "DE"): 1}
        # The release produced one surveillance record per goods item (flow E), exactly once.
        from eucustoms.platform.auth import Principal, Role
        from eucustoms.systems.surveillance import service as surveillance

        records = surveillance.records_of(conn, Principal(role=Role.COMMISSION, name="c"), mrn)
    items = examples.declaration()["items"]
    assert [(r["flow"], r["item"], r["goods_code"], r["partner"]) for r in records] == [
        ("E", i["item_number"], i["cn_code"], examples.declaration()["country_of_destination"]) for i in items]


def test_mrn_letters_follow_the_declaration(sctx):
    assert service.lodge(sctx, TRADER, examples.with_exit_summary())["mrn"][16] == "B"
    assert service.lodge(sctx, TRADER, examples.special_fiscal_territory())["mrn"][16] == "E"
    re_export = service.lodge(sctx, TRADER, examples.re_export())
    assert re_export["mrn"][16] == "A" and re_export["state"] == "released"


def test_status_of_an_unknown_or_ill_formed_mrn(sctx):
    from eucustoms.core.identifiers import MRN

    unknown = str(MRN.build(2026, "DE", 424242, "A"))
    with sctx.db.read() as conn:
        assert service.status(conn, unknown) is None
        with pytest.raises(Rejected) as exc:
            service.status(conn, "26DE000000000001A0")
    assert exc.value.issues[0].code == "93"


def test_controlled_at_export_then_released_and_not_examined_again_at_exit(sctx):
    out = service.lodge(sctx, TRADER, examples.controlled())
    mrn = out["mrn"]
    assert out["state"] == "under_control" and out["control"] == "physical"  # CRC-PR-009: plastic waste to VN
    assert "CRC-PR-009" in service.consult(sctx, DE_OFFICER, mrn)["risk"]["export"]["rules"]
    with pytest.raises(Rejected):  # no release while the control is pending
        service.release(sctx, DE_OFFICER, mrn)
    with pytest.raises(NotFound):  # another member state's officer
        service.record_control(sctx, NL_OFFICER, mrn, {"result": "no_irregularity"})
    r = service.record_control(sctx, DE_OFFICER, mrn, {"result": "no_irregularity", "findings": "sorted PE-HD bales"})
    assert r["state"] == "controlled"
    assert service.release(sctx, DE_OFFICER, mrn)["state"] == "released"
    sctx.bus.drain()
    log = kinds(service.consult(sctx, TRADER, mrn)["message_log"])
    assert log == ["IE515", "IE528", "IE560", "EXP_OCTR", "EXP_OREL", "IE529", "IE501"]
    # The same rule hits at exit, but the goods were examined at export without irregularity: released for exit.
    arrived = exit_office.arrive(sctx, CARRIER_P, examples.arrival(mrn))
    assert arrived["state"] == "released_for_exit"
    assert exit_office.case(sctx, NL_OFFICER, mrn)["risk"]["suggested"] == "physical"


def test_controlled_at_exit_by_the_officer(sctx):
    mrn = service.lodge(sctx, TRADER, examples.declaration())["mrn"]
    sctx.bus.drain()
    # Stated discrepancies are always checked.
    arrived = exit_office.arrive(sctx, CARRIER_P, examples.arrival(mrn, stated_discrepancies="11 cartons, not 12"))
    assert arrived["state"] == "under_control" and arrived["control"] == "documentary"
    with pytest.raises(IncorrectState):  # IE590 only once released for exit
        exit_office.notify_exit(sctx, CARRIER_P, examples.exit_notification(mrn))
    exit_office.decide_control(sctx, NL_OFFICER, mrn, "physical")
    with pytest.raises(Rejected):
        exit_office.release_for_exit(sctx, NL_OFFICER, mrn)
    exit_office.record_control(sctx, NL_OFFICER, mrn, {"result": "no_irregularity", "findings": "12 cartons counted"})
    assert exit_office.release_for_exit(sctx, NL_OFFICER, mrn)["state"] == "released_for_exit"
    assert exit_office.notify_exit(sctx, CARRIER_P, examples.exit_notification(mrn))["exit_control_result"] == "A1"
    sctx.bus.drain()
    seen = service.consult(sctx, TRADER, mrn)
    assert seen["state"] == "exited" and seen["exit_result"]["exit_control_result"] == "A1"
    assert kinds(exit_office.case(sctx, CARRIER_P, mrn)["message_log"]) == [
        "IE501", "IE507", "IE561", "EXP_XCTD", "IE561", "EXP_XCTR", "EXP_XREL", "IE525", "IE590", "IE518"]


def test_no_release_for_export(sctx):
    mrn = service.lodge(sctx, TRADER, examples.controlled())["mrn"]
    service.record_control(sctx, DE_OFFICER, mrn, {"result": "seizure", "findings": "mixed municipal waste"})
    out = service.refuse_release(sctx, DE_OFFICER, mrn, "waste shipment prohibited (Reg. (EU) 2024/1157)")
    assert out["state"] == "not_released"
    sctx.bus.drain()
    assert exit_office.work_queue(sctx, NL_OFFICER)["total"] == 0  # no AER was sent
    assert kinds(service.consult(sctx, TRADER, mrn)["message_log"])[-2:] == ["EXP_ONREL", "IE551"]
    with pytest.raises(IncorrectState):
        service.release(sctx, DE_OFFICER, mrn)
    assert service.invalidate(sctx, TRADER, mrn, "goods destroyed")["state"] == "invalidated"


def test_exit_refused_at_the_office_of_exit(sctx):
    mrn = service.lodge(sctx, TRADER, examples.declaration())["mrn"]
    sctx.bus.drain()
    exit_office.arrive(sctx, CARRIER_P, examples.arrival(mrn, stated_discrepancies="seal broken"))
    exit_office.record_control(sctx, NL_OFFICER, mrn, {"result": "irregularity", "findings": "2 pallets of batteries"})
    refused = exit_office.refuse_exit(sctx, NL_OFFICER, mrn, "undeclared dangerous goods")
    assert refused["state"] == "exit_refused" and refused["exit_control_result"] == "B1"
    sctx.bus.drain()
    seen = service.consult(sctx, TRADER, mrn)
    assert seen["state"] == "exit_refused" and kinds(seen["message_log"])[-2:] == ["IE518", "EXP_XREF"]
    assert notified(sctx.db, CARRIER, mrn)[-1] == "IE525"
    assert service.invalidate(sctx, TRADER, mrn)["state"] == "invalidated"  # the goods did not leave


def test_pre_lodged_declaration_amended_then_presented(sctx, _fixed_clock):
    out = service.lodge(sctx, AGENT, examples.pre_lodged(declarant={"eori": FORWARDER},
                                                          representative={"eori": FORWARDER, "name": "Havel"},
                                                          representative_status="2"))
    mrn = out["mrn"]
    assert out["state"] == "pre_lodged" and out["accepted_at"] is None
    amended = service.amend(sctx, AGENT, mrn, examples.pre_lodged(
        declarant={"eori": FORWARDER}, representative={"eori": FORWARDER}, representative_status="2",
        items=[examples.item(packages=14, gross_mass="260")]))
    assert amended["version"] == 2 and amended["state"] == "pre_lodged"
    _fixed_clock.advance(timedelta(hours=6))
    presented = service.present(sctx, DE_OFFICER, mrn)
    assert presented["state"] == "released" and presented["accepted_at"] == _fixed_clock.now()
    log = service.consult(sctx, TRADER, mrn)["message_log"]  # the exporter sees it too
    assert kinds(log) == ["IE515", "IE528", "IE513", "IE504", "IE511", "IE529", "IE501"]
    assert log[1]["payload"]["accepted_at"] is None
    assert service.consult(sctx, TRADER, mrn)["declaration"]["items"][0]["packages"][0]["number"] == 14


def test_invalidation_after_release_closes_the_exit_case(sctx):
    mrn = service.lodge(sctx, TRADER, examples.declaration())["mrn"]
    sctx.bus.drain()
    out = service.invalidate(sctx, TRADER, mrn, "order cancelled")
    assert out["state"] == "invalidated"
    sctx.bus.drain()
    case = exit_office.case(sctx, NL_OFFICER, mrn)
    assert case["state"] == "cancelled" and kinds(case["message_log"]) == ["IE501", "EXP_AERX"]
    with pytest.raises(IncorrectState):
        exit_office.arrive(sctx, CARRIER_P, examples.arrival(mrn))


def test_goods_presented_elsewhere_or_twice(sctx):
    mrn = service.lodge(sctx, TRADER, examples.declaration())["mrn"]
    sctx.bus.drain()
    with pytest.raises(Rejected) as exc:  # France holds no AER for it
        exit_office.arrive(sctx, CARRIER_P, examples.arrival(mrn, office_of_exit="FR000690"))
    assert exc.value.issues[0].code == "90"
    with pytest.raises(Rejected) as exc:  # not an office of exit
        exit_office.arrive(sctx, CARRIER_P, examples.arrival(mrn, office_of_exit="DE002150"))
    assert exc.value.issues[0].pointer == "/office_of_exit"
    # Another office of exit of the same member state than declared: accepted, and recorded.
    exit_office.arrive(sctx, CARRIER_P, examples.arrival(mrn, office_of_exit="NL000854"))
    with pytest.raises(IncorrectState) as exc:
        exit_office.arrive(sctx, CARRIER_P, examples.arrival(mrn, office_of_exit="NL000854"))
    assert exc.value.issues[0].code == "92"
    with pytest.raises(Rejected):  # the exit is notified at the office where the goods were presented
        exit_office.notify_exit(sctx, CARRIER_P, examples.exit_notification(mrn))
    exit_office.notify_exit(sctx, CARRIER_P, examples.exit_notification(mrn, office_of_exit="NL000854"))
    sctx.bus.drain()
    with sctx.db.read() as conn:
        assert service.status(conn, mrn)["office_of_exit"] == "NL000854"


def test_direct_export_from_the_member_state_of_exit(sctx):
    """Office of export and office of exit in the same member state: the AER still goes over the bus."""
    out = service.lodge(sctx, TRADER, examples.declaration(office_of_export="NL000396", country_of_export="NL",
                                                           location_of_goods="NLRTM"))
    assert out["mrn"][2:4] == "NL"
    sctx.bus.drain()
    # Here an officer of exit records the arrival and confirms the exit itself (no IE590 from the carrier).
    with pytest.raises(Forbidden):
        exit_office.arrive(sctx, DE_OFFICER, examples.arrival(out["mrn"]))
    assert exit_office.arrive(sctx, NL_OFFICER, examples.arrival(out["mrn"]))["state"] == "released_for_exit"
    with pytest.raises(NotFound):
        exit_office.confirm_exit(sctx, DE_OFFICER, out["mrn"])
    assert exit_office.confirm_exit(sctx, NL_OFFICER, out["mrn"], note="seen loaded on MSC Anna")["state"] == "exited"
    with pytest.raises(IncorrectState):
        exit_office.notify_exit(sctx, CARRIER_P, examples.exit_notification(out["mrn"]))
    sctx.bus.drain()
    case = exit_office.case(sctx, NL_OFFICER, out["mrn"])
    assert kinds(case["message_log"]) == ["IE501", "IE507", "IE525", "EXP_XCNF", "IE518"] and case["presented_by"] is None
    assert service.consult(sctx, COMMISSION, out["mrn"])["state"] == "exited"
    assert service.consult(sctx, NL_OFFICER, out["mrn"])["state"] == "exited"
