"""The console in a real browser (headless Debian Chromium): the officer releases what a trader lodged, a trader
cannot open another trader's declaration, the public duty calculator, forms that keep what was typed."""

from __future__ import annotations

import json
import re

from console_support import TRADER_A, shot, sign_in

SHIRTS = {"lrn": "WEB-LRN-1", "declaration_type": "IM", "additional_declaration_type": "A", "procedure": "4000",
          "importer": {"eori": TRADER_A, "name": "Importer GmbH", "country": "DE"}, "declarant": {"eori": TRADER_A},
          "exporter": {"name": "Shirts Inc", "country": "US"}, "office_of_presentation": "DE002101",
          "location_of_goods": "DEBERDE002101",
          "items": [{"item_number": 1, "description": "T-shirts of cotton", "cn_code": "61091000", "taric_code": "00",
                     "origin": "US", "item_price": {"amount": "1000.00", "currency": "EUR"}, "net_mass": "50",
                     "gross_mass": "50"}]}


def state_of(page) -> str:
    return page.inner_text("#state").strip()


def lodge(page, console, payload: dict) -> str:
    page.goto(f"{console.url}/web/imports/new")
    page.fill("#declaration", json.dumps(payload, indent=2))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert re.search(r"/web/imports/\d\d[A-Z]{2}\w{12}R\d$", page.url), page.inner_text("main")[:2000]
    return page.url.rsplit("/", 1)[-1]


def act(page, action: str) -> None:
    with page.expect_navigation():
        page.click(f"form:has(input[value={action}]) button[type=submit]")


def test_an_officer_releases_a_declaration_that_a_trader_lodged(console, browser):
    trader = browser.new_context().new_page()
    sign_in(trader, console, "trader_a")
    mrn = lodge(trader, console, SHIRTS)
    assert state_of(trader) == "accepted"
    shot(trader, "trader-declaration-accepted")

    officer = browser.new_context().new_page()
    sign_in(officer, console, "officer")
    officer.goto(f"{console.url}/web/imports?state=accepted")
    assert mrn in officer.inner_text("table")
    shot(officer, "officer-work-queue")
    officer.click(f"a[href='/web/imports/{mrn}']")
    officer.select_option("#control", "documentary")
    act(officer, "decide_control")
    assert state_of(officer) == "under_control"
    officer.select_option("#result", "no_irregularity")
    officer.fill("#findings", "invoice and certificate checked")
    act(officer, "record_control")
    assert state_of(officer) == "controlled"

    # Release needs the debt paid or secured: the console says so next to the action, and nothing changes.
    act(officer, "release")
    assert "neither paid nor secured" in officer.inner_text("[role=alert]")
    assert state_of(officer) == "controlled"

    trader.reload()
    act(trader, "pay")
    officer.goto(f"{console.url}/web/imports/{mrn}")
    act(officer, "release")
    assert state_of(officer) == "released"
    log = officer.inner_text("main")
    assert "officer" in log.lower()
    shot(officer, "officer-declaration-released")
    trader.reload()
    assert state_of(trader) == "released"


def test_a_trader_cannot_open_another_traders_declaration(console, page, browser):
    owner = browser.new_context().new_page()
    sign_in(owner, console, "trader_a")
    mrn = lodge(owner, console, {**SHIRTS, "lrn": "WEB-LRN-2"})

    sign_in(page, console, "trader_b")
    response = page.goto(f"{console.url}/web/imports/{mrn}")
    assert response.status == 404
    assert mrn not in page.inner_text("main") or "not found" in page.inner_text("main").lower()
    page.goto(f"{console.url}/web/imports")
    assert mrn not in page.inner_text("main")
    # Nor by posting an action to its URL.
    page.goto(f"{console.url}/web/imports/{mrn}")
    result = page.request.post(f"{console.url}/web/imports/{mrn}/action", form={"action": "invalidate"},
                               headers={"origin": console.url})
    assert result.status == 404
    owner.goto(f"{console.url}/web/imports/{mrn}")
    assert state_of(owner) == "accepted"


def test_the_public_duty_calculator_returns_the_right_total(console, page):
    page.goto(f"{console.url}/web/lookup/duty")
    page.fill("#goods_code", "6109100000")
    page.fill("#origin", "VN")
    page.fill("#customs_value", "1000")
    page.fill("#on", "2026-03-02")
    page.fill("#member_state", "DE")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.wait_for_selector("#result")
    # 12 % third-country duty (no preference claimed) = 120.00; VAT 19 % of 1,120.00 = 212.80; total 332.80.
    assert page.inner_text("#customs-duties") == "120.00"
    assert page.inner_text("#total") == "332.80"
    shot(page, "public-duty-calculator")


def test_a_rejected_form_shows_each_error_by_its_field_and_keeps_the_input(console, page):
    page.goto(f"{console.url}/web/lookup/duty")
    page.fill("#goods_code", "0000")
    page.fill("#origin", "QQ")
    page.fill("#customs_value", "12")
    page.fill("#currency", "ABC")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.input_value("#goods_code") == "0000" and page.input_value("#currency") == "ABC"
    for field in ("goods_code", "origin", "currency"):
        assert page.locator(f"#err-{field}").count() >= 1, field
    assert "Traceback" not in page.content()

    sign_in(page, console, "trader_a")
    page.goto(f"{console.url}/web/imports/new")
    broken = json.dumps({**SHIRTS, "lrn": "", "items": [{**SHIRTS["items"][0], "net_mass": "fifty"}]})
    page.fill("#declaration", broken)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    alert = page.inner_text("[role=alert]")
    assert "/lrn" in alert and "/items/0/net_mass" in alert
    assert page.input_value("#declaration") == broken
    shot(page, "trader-rejected-declaration")


def test_public_look_ups_and_signed_in_pages_render(console, page):
    for path in ("/web", "/web/lookup/eori?eori=DE1234567890", "/web/lookup/offices?country=NL&role=ENT",
                 "/web/lookup/taric?code=6109100000&origin=VN&on=2026-03-02", "/web/lookup/quota?order_number=091528&on=2026-05-01"):
        response = page.goto(f"{console.url}{path}")
        assert response.status == 200, path
    page.goto(f"{console.url}/web/lookup/eori?eori=DE1234567890")
    assert "valid" in page.inner_text("#result") and "Importer GmbH" in page.inner_text("#result")
    shot(page, "public-quota")
    sign_in(page, console, "officer")
    for path in ("/web/ens", "/web/guarantees", "/web/imports"):
        assert page.goto(f"{console.url}{path}").status == 200, path
    shot(page, "officer-declarations")
