"""Bad input: every error listed, and nothing allocated (no quota request, no guarantee debit)."""

from __future__ import annotations


import pytest
from imports_support import TRADER, declaration, issue_guarantee
from sqlalchemy import func, select

from eucustoms.core.errors import Rejected
from eucustoms.systems.guarantees.store import guarantee_movement
from eucustoms.systems.imports import service
from eucustoms.systems.imports.store import imp_declaration
from eucustoms.systems.tariff.store import quota_request


def nothing_stored(db) -> None:
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(imp_declaration)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(quota_request)).scalar_one() == 0
        debits = conn.execute(select(func.count()).select_from(guarantee_movement)
                              .where(guarantee_movement.c.kind == "debit")).scalar_one()
        assert debits == 0


def rejected(ctx, payload, dataset="H1") -> dict[str, str]:
    with pytest.raises(Rejected) as exc:
        service.lodge(ctx, TRADER, dataset, payload)
    return {i.pointer: i.reason for i in exc.value.issues}


def test_every_bad_input_is_listed_at_once_and_nothing_is_allocated(sctx):
    grn = issue_guarantee(sctx.db)
    items = [
        {"item_number": 1, "description": "unknown code", "cn_code": "99999999", "origin": "US",
         "item_price": {"amount": "100", "currency": "EUR"}, "net_mass": "10"},
        {"item_number": 2, "description": "preference without proof", "cn_code": "61091000", "origin": "VN",
         "preference": "300", "item_price": {"amount": "100", "currency": "EUR"}, "net_mass": "10"},
        {"item_number": 3, "description": "unknown quota", "cn_code": "61091000", "origin": "UA",
         "quota_order_number": "099999", "item_price": {"amount": "100", "currency": "EUR"}, "net_mass": "10"},
        {"item_number": 4, "description": "quota not open for the origin", "cn_code": "22042106", "taric_code": "00",
         "origin": "RS", "quota_order_number": "091528", "supplementary_units": {"LTR": "100"},
         "item_price": {"amount": "100", "currency": "EUR"}, "net_mass": "10"},
        {"item_number": 5, "description": "unknown currency", "cn_code": "61091000", "origin": "US",
         "item_price": {"amount": "100", "currency": "XYZ"}, "net_mass": "10"},
        {"item_number": 6, "description": "CITES without certificate", "cn_code": "01062000", "origin": "BR",
         "item_price": {"amount": "100", "currency": "EUR"}, "net_mass": "10"},
    ]
    d = declaration(items=items, guarantee={"grn": grn, "access_code": "AB12"})
    d.pop("items", None)
    d["items"] = items
    reasons = rejected(sctx, d)
    assert "/items/0/cn_code" in reasons
    assert "proof of origin" in reasons["/items/1/documents"]
    assert "does not exist" in reasons["/items/2/quota_order_number"]
    assert "not open for origin RS" in reasons["/items/3/quota_order_number"]
    assert "unknown currency" in reasons["/items/4/item_price/currency"]
    assert "C400" in reasons["/items/5/documents"]
    nothing_stored(sctx.db)


def test_a_code_not_valid_on_the_date_is_rejected(sctx, _fixed_clock):
    from datetime import datetime, timezone

    _fixed_clock.set(datetime(2020, 1, 2, tzinfo=timezone.utc))
    reasons = rejected(sctx, declaration())
    assert "not valid on 2020-01-02" in reasons["/items/0/cn_code"]


def test_an_insufficient_guarantee_or_one_not_valid_in_the_country(ictx):
    small = issue_guarantee(ictx.db, amount="100.00")
    reasons = rejected(ictx, declaration(guarantee={"grn": small, "access_code": "AB12"}))
    assert "exceeds" in reasons["/guarantee"]
    elsewhere = issue_guarantee(ictx.db, countries=["FR"])
    with pytest.raises(Rejected) as exc:
        service.lodge(ictx, TRADER, "H1", declaration("L2", guarantee={"grn": elsewhere, "access_code": "XX99"}))
    codes = {i.code for i in exc.value.issues}
    assert {"G08", "G03"} <= codes  # not valid in DE, and the access code is wrong
    # a quota item with an insufficient guarantee: the quota is not requested either
    reasons = rejected(ictx, declaration("L3", origin="UA", item={
        "quota_order_number": "094099", "supplementary_units": {"NAR": "5"}, "preference": "300",
        "documents": [{"type": "N954"}]}, value="100000", guarantee={"grn": small, "access_code": "AB12"}))
    assert "/guarantee" in reasons
    nothing_stored(ictx.db)


def test_structure_offices_parties_and_duplicates(sctx):
    bad = declaration(office="DE002150", supervising_office="XX000000", procedure="9999")
    bad["declarant"] = {"eori": "DE999999999999"}
    reasons = rejected(sctx, bad)
    assert {"/office_of_presentation", "/procedure", "/declarant/eori", "/supervising_office"} <= set(reasons)
    assert "structure" not in reasons
    reasons = rejected(sctx, {"lrn": "", "items": []})
    assert {"/lrn", "/items", "/importer", "/declarant", "/office_of_presentation"} <= set(reasons)
    service.lodge(sctx, TRADER, "H1", declaration("DUP"))
    assert "/lrn" in rejected(sctx, declaration("DUP"))


def test_h7_refuses_excise_goods_quotas_and_h1_refuses_an_ioss_number(sctx):
    reasons = rejected(sctx, declaration(code="22030001", value="20", mass="1", item={"quota_order_number": "094099"}), "H7")
    assert "excise" in reasons["/items/0/cn_code"] and "/items/0/quota_order_number" in reasons
    assert "/ioss_number" in rejected(sctx, declaration(ioss_number="IM2760000001"))
