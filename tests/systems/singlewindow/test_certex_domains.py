"""The catalogue: 14 domains, their document codes against CS/RD2 CL213, the procedure rule table, and every
domain's example certificate issued and used on both databases."""

from __future__ import annotations

from decimal import Decimal

import pytest
from certex_support import DE_OFFICER, HOLDER, PARTNER, balance, issue, mrn, use

from eucustoms.core.errors import Conflict, Forbidden, Rejected
from eucustoms.platform.telemetry import totals
from eucustoms.refdata import RefData
from eucustoms.systems.singlewindow import examples, service
from eucustoms.systems.singlewindow.catalogue import BY_CODE, DOMAINS, RESERVE, TRANSIT, VERIFY, procedure_group
from eucustoms.systems.singlewindow.messages import CertificateIssue

#: Codes of the catalogue that the CS/RD2 NCTS-P5 snapshot lists in CL213 (SupportingDocumentType).
IN_CL213 = {"C640", "N853", "C678", "C085", "C690", "L100", "C400", "C638", "C716", "C673"}


def test_the_catalogue_has_the_fourteen_domains_with_distinct_codes():
    assert len(DOMAINS) == 14
    assert {"CHED-A", "CHED-P", "CHED-D", "CHED-PP", "COI", "FLEGT", "ODS", "FGAS", "ICG-LICENCE", "ICG-STATEMENT",
            "CITES", "CBAM"} <= set(DOMAINS)
    codes = [c for d in DOMAINS.values() for c in d.document_codes]
    assert len(codes) == len(set(codes)) == len(BY_CODE)
    assert BY_CODE["C640"] == "CHED-A" and BY_CODE["N853"] == "CHED-P" and BY_CODE["C644"] == "COI"
    assert BY_CODE["Y128"] == "CBAM" and "Y238" not in BY_CODE  # Y238 is a pending application, not the authorisation
    assert all(d.code_note for d in DOMAINS.values() if not d.document_codes)


def test_catalogue_codes_match_the_cs_rd2_supporting_document_list(sqlite_box):
    ref = RefData.from_db(sqlite_box)
    cl213 = ref.codelist("CL213")
    for code in IN_CL213:
        assert code in cl213, code
        assert code in BY_CODE
    assert "Common Health Entry Document for Animals" in cl213["C640"]
    assert "FLEGT" in cl213["C690"] and "ozone" in cl213["L100"]


@pytest.mark.parametrize(("procedure", "group"), [("4000", "40"), ("4071", "40"), ("40", "40"), ("5300", "53"),
                                                  ("1000", "10"), ("T1", TRANSIT), ("tir", TRANSIT), ("7100", "71")])
def test_procedure_groups(procedure, group):
    assert procedure_group(procedure) == (group, [])


@pytest.mark.parametrize("procedure", ["", "99", "X1", "400", "40000", None])
def test_unknown_procedures_are_refused(procedure):
    found, issues = procedure_group(procedure)
    assert found is None and len(issues) == 1 and issues[0].code in ("12", "13")


def test_the_rule_table():
    ched, coi, eudr, cbam = DOMAINS["CHED-P"], DOMAINS["COI"], DOMAINS["EUDR"], DOMAINS["CBAM"]
    assert [ched.action_for(g) for g in ("40", "61", "53", "51", "71", TRANSIT, "10")] == \
        [RESERVE, RESERVE, RESERVE, VERIFY, VERIFY, VERIFY, VERIFY]
    assert coi.action_for("40") == RESERVE and coi.action_for("53") == VERIFY
    assert eudr.action_for("10") == RESERVE and eudr.action_for("40") == RESERVE and eudr.action_for(TRANSIT) == VERIFY
    assert all(cbam.action_for(g) == VERIFY for g in ("40", "53", "10"))
    assert DOMAINS["ICG-LICENCE"].action_for("71") == RESERVE


#: (domain, goods code declared, quantity, unit) for each domain's example certificate.
USES = {
    "CHED-A": ("0102291000", "10", "NAR"),
    "CHED-P": ("03036310", "1500", "KGM"),
    "CHED-D": ("12024200", "1000", "KGM"),  # the certificate is in tonnes
    "CHED-PP": ("08051022", "2", "TNE"),  # the certificate is in kg
    "COI": ("09011100", "4800", "KGM"),
    "FLEGT": ("44072969", "12.5", "MTQ"),
    "ODS": ("29037100", "200", "KGM"),
    "FGAS": ("84151010", None, None),
    "ICG-LICENCE": ("97051000", "1", "NAR"),
    "ICG-STATEMENT": ("97012100", "1", "NAR"),
    "CITES": ("16043100", "2500", "GRM"),
    "CBAM": ("72085120", None, None),
    "EUDR": ("18010000", "5000", "KGM"),
    "CATCH": ("03034290", "7000", "KGM"),
}
#: What the use leaves of each example's total (certificate unit).
LEFT = {"CHED-A": "30", "CHED-P": "16500", "CHED-D": "23", "CHED-PP": "18000", "COI": "14.4", "FLEGT": "33",
        "ODS": "1000", "ICG-LICENCE": "0", "ICG-STATEMENT": "2", "CITES": "10", "EUDR": "20", "CATCH": "15000"}


def _issue_and_use(db, domain: str) -> None:
    cert = issue(db, domain)
    assert cert.domain == domain and cert.status == "valid" and cert.holder == HOLDER
    assert cert.partner_system == DOMAINS[domain].partner_system
    goods, quantity, unit = USES[domain]
    country = (cert.countries or ["DE"])[0]
    declaration = mrn(1, country)
    moved = use(db, cert.reference, quantity, unit, goods=goods, declaration=declaration, op=f"{domain}-1")
    if DOMAINS[domain].quantity_managed:
        assert moved.kind == "use" and moved.balance_after.value == Decimal(LEFT[domain])
        assert balance(db, cert.reference) == Decimal(LEFT[domain])
        assert moved.declared.value == Decimal(quantity) and moved.declared.unit == unit
    else:
        assert moved.kind == "verify" and moved.quantity is None and cert.balance is None
    assert moved.country == country and moved.declaration_ref == declaration
    if domain == "ICG-LICENCE":
        with db.read() as conn:
            assert service.get(conn, cert.reference).status == "exhausted"


@pytest.mark.parametrize("domain", list(DOMAINS))
def test_every_domain_is_issued_and_used(sqlite_cbox, domain):
    _issue_and_use(sqlite_cbox, domain)
    with sqlite_cbox.read() as conn:
        assert totals(conn, metric="uses", system="certex") == {("certex", domain): 1}
        assert totals(conn, metric="certificates_issued", system="certex") == {("certex", domain): 1}


def test_all_domains_on_both_databases(cbox):
    for domain in DOMAINS:
        _issue_and_use(cbox, domain)
    with cbox.read() as conn:
        assert totals(conn, metric="uses", system="certex") == {("certex", d): 1 for d in DOMAINS}
        assert totals(conn, metric="certificates_issued", system="certex") == {("certex", d): 1 for d in DOMAINS}


def test_every_example_is_valid_input():
    for data in examples.examples():
        CertificateIssue.model_validate(data)
    with pytest.raises(KeyError):
        examples.example("XYZ")


def test_issue_rejections_list_every_error(cbox):
    bad = examples.example("CHED-P", document_code="C640", goods_codes=["0303", "99", "123"], quantity="-5", unit="QQQ",
                           valid_to="2020-01-01", countries=["DE", "US"])
    with pytest.raises(Rejected) as caught:
        with cbox.begin() as conn:
            service.issue(conn, PARTNER, CertificateIssue(**bad))
    pointers = sorted(i.pointer for i in caught.value.issues)
    assert pointers == ["/countries/1", "/document_code", "/goods_codes/1", "/goods_codes/2", "/quantity", "/unit", "/valid_to"]
    cbam = examples.example("CBAM", quantity="10", unit="TNE")
    with pytest.raises(Rejected) as caught:
        with cbox.begin() as conn:
            service.issue(conn, PARTNER, CertificateIssue(**cbam))
    assert [(i.code, i.pointer) for i in caught.value.issues] == [("15", "/quantity"), ("15", "/unit")]
    missing = examples.example("COI", quantity=None, unit=None)
    with pytest.raises(Rejected) as caught:
        with cbox.begin() as conn:
            service.issue(conn, PARTNER, CertificateIssue(**missing))
    assert [(i.code, i.pointer) for i in caught.value.issues] == [("13", "/quantity"), ("13", "/unit")]
    unknown = {**examples.example("COI"), "domain": "OZONE"}
    with pytest.raises(Rejected) as caught:
        with cbox.begin() as conn:
            service.issue(conn, PARTNER, CertificateIssue(**unknown))
    assert caught.value.issues[0].pointer == "/domain"


def test_a_reference_is_recorded_once_and_only_the_partner_issues(cbox):
    issue(cbox, "COI")
    with pytest.raises(Conflict):
        issue(cbox, "COI")
    with pytest.raises(Forbidden):
        with cbox.begin() as conn:
            service.issue(conn, DE_OFFICER, CertificateIssue(**examples.example("COI", reference="COI.EU.DE.2026.0000001")))
    with cbox.read() as conn:
        assert service.list_certificates(conn, PARTNER)[0] == 1
