"""Issuing guarantees: GRN allocation, CL251 types, the CGU authorisation, offices, currencies, who may issue."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from eucustoms.core.errors import Forbidden, Rejected
from eucustoms.core.identifiers import GRN
from eucustoms.platform.auth import Principal, Role
from eucustoms.systems.guarantees import access, service
from eucustoms.systems.guarantees.amounts import DEFAULT_COVER, amount_to_cover
from eucustoms.systems.guarantees.messages import Amount

from guarantee_support import DE_OFFICER, FR_OFFICER, HOLDER, OFFICE, eur, issue, issue_request


def test_an_issued_guarantee_has_a_valid_grn_of_its_country_and_a_full_balance(gbox):
    g = issue(gbox)
    grn = GRN.parse(g.grn)
    assert grn.country == "DE" and str(grn) == g.grn and grn.voucher is None
    assert g.balance == g.reference_amount and g.reference_amount.amount == Decimal("10000.00")
    assert g.status == "valid" and g.holder == HOLDER and g.office == OFFICE and g.version == 1
    assert g.access_code == "AB12"
    second = issue(gbox)
    assert second.grn != g.grn and GRN.parse(second.grn).serial_number == grn.serial_number + 1


def test_the_access_code_is_generated_when_omitted_and_stored_only_hashed(gbox):
    g = issue(gbox, access_code=None)
    assert access.is_well_formed(g.access_code)
    from sqlalchemy import select

    from eucustoms.systems.guarantees.store import guarantee_guarantee
    with gbox.read() as conn:
        stored = conn.execute(select(guarantee_guarantee.c.access_code_hash)).scalar_one()
    assert g.access_code not in stored and access.verify(g.access_code, stored)
    assert not access.verify("ZZZZ", stored) and not access.verify(None, stored) and not access.verify("toolong", stored)


def test_every_problem_of_an_issue_is_reported_at_once(sqlite_gbox):
    with sqlite_gbox.begin() as conn, pytest.raises(Rejected) as caught:
        service.issue(conn, DE_OFFICER, issue_request(
            guarantee_type="1", authorisation_reference=None, office="DE999999",
            reference_amount=Amount(amount=Decimal("-5"), currency="USD"), countries=["DE", "US"],
            valid_from=date(2026, 5, 1), valid_to=date(2026, 4, 1)))
    pointers = {i.pointer for i in caught.value.issues}
    assert pointers == {"/authorisation_reference", "/office", "/reference_amount/amount",
                        "/reference_amount/currency", "/valid_to", "/countries/1"}


@pytest.mark.parametrize("gtype,code", [("Z", "12"), ("A", "14"), ("B", "14"), ("5", "14")])
def test_types_outside_cl251_or_without_an_amount_to_manage_are_refused(sqlite_gbox, gtype, code):
    with sqlite_gbox.begin() as conn, pytest.raises(Rejected) as caught:
        service.issue(conn, DE_OFFICER, issue_request(guarantee_type=gtype))
    assert [(i.code, i.pointer) for i in caught.value.issues] == [(code, "/guarantee_type")]


def test_individual_guarantees_need_no_authorisation_and_national_currency_is_accepted(sqlite_gbox):
    g = issue(sqlite_gbox, guarantee_type="2", authorisation_reference=None)
    assert g.guarantee_type == "2" and g.authorisation_reference is None
    with sqlite_gbox.begin() as conn:
        pl = service.issue(conn, Principal(role=Role.OFFICER, name="PL", country="PL"),
                           issue_request(office=_pl_office(conn), reference_amount=Amount(amount=Decimal("40000"), currency="PLN")))
    assert pl.grn[2:4] == "PL" and pl.reference_amount.currency == "PLN"


def _pl_office(conn) -> str:
    return service.refdata_for(conn).offices(country="PL", role="GUA")[0].reference_number


def test_only_the_customs_authority_of_the_office_country_issues(sqlite_gbox):
    with sqlite_gbox.begin() as conn, pytest.raises(Forbidden):
        service.issue(conn, FR_OFFICER, issue_request())
    with sqlite_gbox.begin() as conn, pytest.raises(Forbidden):
        service.issue(conn, Principal(role=Role.TRADER, name="t", eori=HOLDER), issue_request())


def test_ncts_assumes_eur_10000_for_types_0_1_2_4_9_without_a_declared_amount():
    assert amount_to_cover("1", None) == DEFAULT_COVER == eur("10000")
    assert amount_to_cover("9", None) == DEFAULT_COVER and amount_to_cover("3", None) is None
    assert amount_to_cover("1", eur("5")) == eur("5")
