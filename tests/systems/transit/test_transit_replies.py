"""Every message the offices send is valid against its schema: each emitted type driven through the service and
its logged XML validated again; the release and unloading permission of a sparse declaration."""

from __future__ import annotations

from decimal import Decimal

from transit_support import (
    DE_OFFICER, NL_OFFICER, NL_TRADER, OTHER, TRADER, arrival, declaration, invalidation, issue_guarantee,
    unloading_remarks,
)
from sqlalchemy import select

from eucustoms.systems.transit import destination, service
from eucustoms.systems.transit.exchange import MessageRejected
from eucustoms.systems.transit.store import transit_log
from eucustoms.systems.transit.xml import parse, validate

EMITTED = {"CC928C", "CC028C", "CC029C", "CC060C", "CC051C", "CC055C", "CC004C", "CC009C", "CC043C", "CC025C",
           "CC045C", "CC019C", "CC035C", "CC056C", "CC057C", "CC906C", "CC917C"}


def _try(ctx, principal, body: bytes) -> None:
    try:
        service.submit(ctx, principal, body)
    except MessageRejected:
        pass


def test_every_emitted_type_is_schema_valid(sctx):
    from transit_support import amendment, presentation

    grn = issue_guarantee(sctx.db)
    small = issue_guarantee(sctx.db, "100.00")
    # Released, arrived, unloaded, written off: CC928C CC028C CC029C CC043C CC025C CC045C.
    mrn = service.submit(sctx, TRADER, declaration(grn, lrn="A"))["mrn"]
    sctx.bus.drain()
    service.submit(sctx, NL_TRADER, arrival(mrn))
    service.submit(sctx, NL_TRADER, unloading_remarks(mrn))
    sctx.bus.drain()
    # Discrepancies and recovery: CC019C, CC035C.
    mrn = service.submit(sctx, TRADER, declaration(grn, lrn="B"))["mrn"]
    sctx.bus.drain()
    service.submit(sctx, NL_TRADER, arrival(mrn, simplified=False))
    destination.permit_unloading(sctx, NL_OFFICER, mrn)
    service.submit(sctx, NL_TRADER, unloading_remarks(mrn, conform=False))
    destination.record_results(sctx, NL_OFFICER, mrn, "discrepancies", "one pallet missing")
    sctx.bus.drain()
    service.recover(sctx, DE_OFFICER, mrn, Decimal("1250.00"))
    # Control and no release: CC060C, CC051C.
    mrn = service.submit(sctx, TRADER, declaration(grn, lrn="C", description="BMK glycidate"))["mrn"]
    service.record_control(sctx, DE_OFFICER, mrn, "seizure")
    service.refuse_release(sctx, DE_OFFICER, mrn, "prohibited goods")
    # Guarantee not valid, amendment, invalidation: CC055C, CC004C, CC009C.
    xml = declaration(small, lrn="D", amount="5000.00")
    mrn = service.submit(sctx, TRADER, xml)["mrn"]
    service.submit(sctx, TRADER, amendment(xml, mrn, Consignment__grossMass="1500"))
    service.submit(sctx, TRADER, invalidation(mrn))
    # Rejections: CC056C, CC057C, CC906C, CC917C.
    _try(sctx, TRADER, presentation("NO-SUCH-LRN"))
    _try(sctx, NL_TRADER, unloading_remarks(mrn))
    _try(sctx, TRADER, b"<CC015C/>")
    from eucustoms.systems.transit.xml import render
    from eucustoms.systems.transit.xml.examples import cc045c
    _try(sctx, TRADER, render("CC045C", cc045c()))
    with sctx.db.read() as conn:
        sent = conn.execute(select(transit_log.c.message_type, transit_log.c.xml)
                            .where(transit_log.c.direction == "out")).all()
    assert {t for t, _ in sent} == EMITTED
    for message_type, body in sent:
        assert validate(body.encode()) == [], message_type
        assert parse(body.encode(), expected=message_type).data["messageSender"].startswith("NTA.")


def test_release_and_unloading_permission_of_a_sparse_declaration(sctx):
    """What CC029C/CC043C require and a CC015C may leave out: the container indicator, the place of loading, a
    fully identified means of transport."""
    grn = issue_guarantee(sctx.db)
    body = declaration(grn, Consignment__containerIndicator=None, Consignment__PlaceOfLoading=None,
                       Consignment__DepartureTransportMeans=[{"sequenceNumber": 1, "nationality": "DE"}],
                       HolderOfTheTransitProcedure={"identificationNumber": "DE000000000001"})
    out = service.submit(sctx, TRADER, body)
    release = parse(out["replies"][-1]["xml"].encode(), expected="CC029C").data
    consignment = release["Consignment"]
    assert consignment["containerIndicator"] == "0" and consignment["PlaceOfLoading"] == {"country": "DE"}
    assert "DepartureTransportMeans" not in consignment
    assert release["HolderOfTheTransitProcedure"] == {"identificationNumber": "DE000000000001"}
    sctx.bus.drain()
    permission = service.submit(sctx, NL_TRADER, arrival(out["mrn"]))["replies"][0]
    data = parse(permission["xml"].encode(), expected="CC043C").data
    assert "HolderOfTheTransitProcedure" not in data  # CC043C needs the holder's name and address, or none
    assert data["Consignment"]["containerIndicator"] == "0"


def test_rejection_lists_every_error_with_the_original_sender(sctx):
    grn = issue_guarantee(sctx.db)
    try:
        service.submit(sctx, TRADER, declaration(grn, holder=OTHER, destination="NL000396"))
    except MessageRejected as exc:
        data = parse(exc.replies[0].xml.encode(), expected="CC056C").data
    assert data["messageRecipient"] == OTHER  # the declaration's messageSender
    assert data["TransitOperation"]["rejectionCode"] == "12" and data["TransitOperation"]["businessRejectionType"] == "015"
    assert len(data["FunctionalError"]) == 2
    assert "NL000396 is not a customs office of destination" in data["TransitOperation"]["rejectionReason"]
