"""GUM through the API: officers issue, check, adjust and suspend; holders see only their own guarantees."""

from __future__ import annotations

from guarantee_support import HOLDER, MRN1, OFFICE, OTHER_HOLDER, eur

from eucustoms.core.identifiers import GRN
from eucustoms.systems.guarantees import service

ISSUE = {"guarantee_type": "1", "holder": HOLDER, "office": OFFICE,
         "reference_amount": {"amount": "25000.00", "currency": "EUR"}, "authorisation_reference": "DECGU-1"}


def _officer(api):
    return api.headers_for("officer", country="DE", office=OFFICE)


def test_an_officer_issues_and_the_holder_follows_balance_and_movements(gum_api):
    api = gum_api
    r = api.post("/guarantees", json=ISSUE, headers=_officer(api))
    assert r.status_code == 201, r.text
    g = r.json()
    GRN.parse(g["grn"])
    assert len(g["access_code"]) == 4 and g["balance"] == {"amount": "25000.00", "currency": "EUR"}
    with api.ctx.db.begin() as conn:
        service.debit(conn, g["grn"], eur("4000"), MRN1, "op-1", "AT", g["access_code"])

    holder = api.headers_for("trader", eori=HOLDER)
    listed = api.get("/guarantees", headers=holder).json()
    assert listed["total"] == 1 and listed["items"][0]["grn"] == g["grn"] and "access_code" not in listed["items"][0]
    bal = api.get(f"/guarantees/{g['grn']}/balance", headers=holder).json()
    assert bal["balance"]["amount"] == "21000.00" and bal["in_use"]["amount"] == "4000.00"
    moves = api.get(f"/guarantees/{g['grn']}/movements", headers=holder).json()
    assert [(m["kind"], m["amount"]["amount"], m["reference"]) for m in moves] == [("debit", "-4000.00", MRN1)]

    other = api.headers_for("trader", eori=OTHER_HOLDER)
    assert api.get("/guarantees", headers=other).json()["total"] == 0
    for path in ("", "/balance", "/movements"):
        assert api.get(f"/guarantees/{g['grn']}{path}", headers=other).status_code == 404
    assert api.get("/guarantees").status_code == 401


def test_check_adjust_suspend_are_for_officers(gum_api):
    api = gum_api
    de = _officer(api)
    g = api.post("/guarantees", json={**ISSUE, "access_code": "QW12"}, headers=de).json()
    holder = api.headers_for("trader", eori=HOLDER)
    check = {"grn": g["grn"], "access_code": "QW12", "amount": {"amount": "30000", "currency": "EUR"}, "country": "US"}
    assert api.post("/guarantees/check", json=check, headers=holder).status_code == 403
    fr = api.headers_for("officer", country="FR", office="FR000690")
    answer = api.post("/guarantees/check", json=check, headers=fr).json()  # any customs office of departure may ask
    assert answer["valid"] is False and [r["code"] for r in answer["reasons"]] == ["G08", "G09"]

    adj = {"amount": {"amount": "-100", "currency": "EUR"}, "reason": "correction", "operation_id": "adj-1"}
    assert api.post(f"/guarantees/{g['grn']}/adjustments", json=adj, headers=holder).status_code == 403
    assert api.post(f"/guarantees/{g['grn']}/adjustments", json=adj, headers=fr).status_code == 404
    r = api.post(f"/guarantees/{g['grn']}/adjustments", json=adj, headers=de)
    assert r.status_code == 201 and r.json()["balance_after"]["amount"] == "24900.00"

    assert api.post(f"/guarantees/{g['grn']}/suspend", json={"reason": "debt unpaid"}, headers=de).json()["status"] == "suspended"
    again = api.post(f"/guarantees/{g['grn']}/suspend", json={"reason": "debt unpaid"}, headers=de)
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "92"
    assert api.post(f"/guarantees/{g['grn']}/revoke", json={"reason": "withdrawn"}, headers=de).json()["status"] == "revoked"
    amended = api.patch(f"/guarantees/{g['grn']}", json={"valid_to": "2030-12-31", "reason": "x"}, headers=de)
    assert amended.status_code == 409


def test_bad_input_is_rejected_with_every_error(gum_api):
    api = gum_api
    de = _officer(api)
    bad = {"guarantee_type": "12", "holder": "not an eori", "office": "DE",
           "reference_amount": {"amount": "lots", "currency": "EUR"}, "colour": "blue"}
    r = api.post("/guarantees", json=bad, headers=de)
    assert r.status_code == 422
    pointers = {e["pointer"] for e in r.json()["errors"]}
    assert {"/guarantee_type", "/holder", "/office", "/reference_amount/amount", "/colour"} <= pointers
    r = api.post("/guarantees", json={**ISSUE, "guarantee_type": "9", "office": "DE999999",
                                      "reference_amount": {"amount": "0", "currency": "XYZ"}}, headers=de)
    assert r.status_code == 422
    assert {e["pointer"] for e in r.json()["errors"]} == {"/office", "/reference_amount/currency"}
    assert api.get("/guarantees/NOTAGRN", headers=de).status_code == 404
    fr = api.headers_for("officer", country="FR", office="FR000690")
    assert api.post("/guarantees", json=ISSUE, headers=fr).status_code == 403
