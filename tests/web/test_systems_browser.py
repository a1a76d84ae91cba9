"""Every system's pages in a real browser (headless Debian Chromium): a trader uploads a CC015C and follows the
movement, a proof of Union status requested by a trader and endorsed by an officer, the public EBTI and ECICS
searches, the programme dashboard with its charts, and a screenshot of each system's main page."""

from __future__ import annotations

import re

from console_support import CARRIER, TRADER_A, no_error_page, shot, sign_in, transit_declaration

MRN = r"\d\d[A-Z]{2}[0-9A-Z]{12}[A-Z]\d"


def submit(page) -> None:
    with page.expect_navigation():
        page.click("main form.card button[type=submit]")


def act(page, action: str) -> None:
    with page.expect_navigation():
        page.click(f"#act-{action} button[type=submit]")


def state_of(page) -> str:
    return page.inner_text("#state").strip()


def test_the_programme_dashboard_renders_its_charts(console, page):
    sign_in(page, console, "commission")
    page.goto(f"{console.url}/web/programme")
    no_error_page(page)
    targets = page.locator("#chart-targets svg")
    assert targets.is_visible()
    chart = page.inner_html("#chart-targets")
    assert "value as % of the target" in chart and "indicator" in chart  # both axes are labelled, with the unit
    assert page.locator("#chart-trends svg").is_visible()
    assert page.locator("#indicators tbody tr").count() > 30
    assert "RES 2.1.1" in page.inner_text("#indicators")
    assert page.locator("#findings tbody tr").count() > 5  # the year's data-quality findings, paginated
    assert "RES 2.1 sub-indicator 1" in page.inner_text("#live")
    shot(page, "programme-dashboard")
    pdf = page.request.get(console.url + page.locator("#report-pdf").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body()[:4] == b"%PDF"

    sign_in(page, console, "trader_a")  # every signed-in user reads the programme's data; the public does not
    assert page.goto(f"{console.url}/web/programme").status == 200
    page.context.clear_cookies()
    assert page.goto(f"{console.url}/web/programme").status == 401


def test_a_trader_uploads_a_cc015c_and_follows_the_movement(console, browser, tmp_path):
    trader = browser.new_context().new_page()
    sign_in(trader, console, "trader_a")
    trader.goto(f"{console.url}/web/transit/send")
    broken = tmp_path / "broken.xml"
    broken.write_text("<CC015C><nonsense/></CC015C>")
    trader.set_input_files("#file", str(broken))
    submit(trader)
    assert "Rejected" in trader.inner_text("[role=alert]")
    assert "CC917C" in trader.inner_text("#rejection")  # the XML NACK sent back, with every error

    declaration = tmp_path / "cc015c.xml"
    declaration.write_bytes(transit_declaration(console.grn, lrn="WEB-TRANSIT-1"))
    trader.goto(f"{console.url}/web/transit/send")
    trader.set_input_files("#file", str(declaration))
    submit(trader)
    assert re.search(rf"/web/transit/{MRN}$", trader.url), trader.inner_text("main")[:2000]
    mrn = trader.url.rsplit("/", 1)[1]
    assert state_of(trader) in ("accepted", "released", "under_control")
    log = trader.inner_text("main")
    assert "CC015C" in log and "CC028C" in log  # the declaration and the MRN allocated, in the message log
    shot(trader, "trader-transit-movement")
    with trader.expect_navigation():
        trader.click("a:text-is('XML') >> nth=0")
    assert "CC015C" in trader.inner_text("#xml")

    officer = browser.new_context().new_page()
    sign_in(officer, console, "officer")
    officer.goto(f"{console.url}/web/transit")
    assert mrn in officer.inner_text("table")
    shot(officer, "officer-transit-departure-queue")
    officer.goto(f"{console.url}/web/transit/{mrn}")
    assert "Risk analysis" in officer.inner_text("main")

    other = browser.new_context().new_page()
    sign_in(other, console, "trader_b")
    assert other.goto(f"{console.url}/web/transit/{mrn}").status == 404
    assert other.goto(f"{console.url}/web/transit/{mrn}/log/1").status == 404


def test_a_proof_of_union_status_requested_by_a_trader_is_endorsed_by_an_officer(console, browser):
    trader = browser.new_context().new_page()
    sign_in(trader, console, "trader_a")
    trader.goto(f"{console.url}/web/pous/new")
    trader.click("a:text-is('T2L')")
    trader.wait_for_url("**example=T2L")
    assert TRADER_A in trader.input_value("#document")
    submit(trader)
    assert re.search(rf"/web/pous/{MRN}$", trader.url), trader.inner_text("main")[:2000]
    mrn = trader.url.rsplit("/", 1)[1]
    assert state_of(trader) == "requested"
    shot(trader, "trader-pous-requested")

    officer = browser.new_context().new_page()
    sign_in(officer, console, "officer")
    officer.goto(f"{console.url}/web/pous?state=requested")
    officer.click(f"a[href='/web/pous/{mrn}']")
    act(officer, "reject")  # the reason is required: shown next to its field, nothing changes
    assert officer.locator("#err-reject-reason").is_visible()
    assert state_of(officer) == "requested"
    officer.fill("#endorse-remarks", "goods seen at the quay")
    act(officer, "endorse")
    assert state_of(officer) == "registered"
    assert "POUS" in officer.inner_text("main") or "registered" in officer.inner_text("main")
    shot(officer, "officer-pous-endorsed")

    other = browser.new_context().new_page()
    sign_in(other, console, "trader_b")
    assert other.goto(f"{console.url}/web/pous/{mrn}").status == 404
    assert mrn not in other.inner_text("main") or "not found" in other.inner_text("main")

    public = browser.new_context().new_page()
    public.goto(f"{console.url}/web/lookup/pous?mrn={mrn}")
    assert "usable" in public.inner_text("#result") and TRADER_A not in public.inner_text("main")
    shot(public, "public-pous-verification")


def test_the_public_ebti_and_ecics_searches(console, page):
    from eucustoms.platform.auth import Principal, Role
    from eucustoms.systems.ebti import examples, service
    from eucustoms.systems.ebti.messages import BtiApplicationRequest, DecisionRequest

    trader = Principal(role=Role.TRADER, name="Importer GmbH", eori=TRADER_A)
    officer = Principal(role=Role.OFFICER, name="DE officer", country="DE", office="DE002101")
    with console.db.begin() as conn:
        app = service.lodge(conn, trader, BtiApplicationRequest.model_validate(examples.application("drill", holder=TRADER_A)))
        service.accept(conn, officer, app.reference)
        bti = service.decide(conn, officer, app.reference, DecisionRequest.model_validate(examples.decision("drill")))

    page.goto(f"{console.url}/web/lookup/ebti")
    page.fill("#keywords", "drill")
    submit(page)
    assert bti.reference in page.inner_text("#result")
    shot(page, "public-ebti-search")
    page.click(f"a[href='/web/lookup/ebti/{bti.reference}']")
    assert "8467" in page.inner_text("main") and TRADER_A not in page.inner_text("main")  # never the holder

    page.goto(f"{console.url}/web/lookup/ecics")
    page.fill("#name", "ethanol")
    submit(page)
    assert "ethanol" in page.inner_text("#result").lower()
    shot(page, "public-ecics-search")
    page.fill("#cas", "64-17-4")  # wrong check digit: the error is shown by the field, the input kept
    submit(page)
    assert "check digit" in page.inner_text("#err-cas") and page.input_value("#cas") == "64-17-4"
    no_error_page(page)


def test_the_main_page_of_every_system(console, browser):
    """Each role's main pages render (a screenshot of each), and a trader lodges an export declaration and an ENS."""
    from datetime import date

    from eucustoms.systems.surveillance import service as surveillance

    with console.db.begin() as conn:  # releases to total (written by the releasing systems)
        surveillance.record(conn, [
            {"flow": "I", "mrn": f"26DE00000000009{n}R{n}", "item": 1, "country": "DE", "office": "DE002101",
             "release_date": date(2026, 3, n), "procedure": "4000", "goods_code": "6109100010", "origin": origin,
             "net_mass": str(50 * n), "value_eur": str(1000 * n)}
            for n, origin in enumerate(("CN", "CN", "CN", "VN", "BD", "BD", "BD", "TR"), 1)])
    public = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    for path, name in (("/web", "public-home"), ("/web/dds", "public-dds-services"),
                       ("/web/lookup/decision", None), ("/web/lookup/aeo?eori=DE1234567890", None),
                       ("/web/lookup/rex", None), ("/web/surveillance?goods_code=6109&group_by=origin", "public-surveillance")):
        assert public.goto(f"{console.url}{path}").status == 200, path
        no_error_page(public)
        if name:
            shot(public, name)

    trader = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(trader, console, "trader_a")
    shot(trader, "trader-home")
    trader.goto(f"{console.url}/web/export/new")
    trader.click("a:text-is('standard')")
    trader.wait_for_url("**example=standard")
    submit(trader)
    assert re.search(rf"/web/export/{MRN}$", trader.url), trader.inner_text("main")[:2000]
    export_mrn = trader.url.rsplit("/", 1)[1]
    shot(trader, "trader-export-declaration")
    for path, name in (("/web/decisions", "trader-decisions"), ("/web/decisions/new?example=AEOC", None),
                       ("/web/ebti/new", "trader-ebti-application"), ("/web/rex", None), ("/web/copis", None),
                       ("/web/certex", "trader-certificates"), ("/web/ics2/referrals", None)):
        assert trader.goto(f"{console.url}{path}").status == 200, path
        no_error_page(trader)
        if name:
            shot(trader, name)
    trader.goto(f"{console.url}/web/ebti/new")  # a rejected form: every error by its field, the input kept
    trader.fill("#goods_description", "Cordless drill")
    trader.fill("#proposed_code", "1234")
    submit(trader)
    assert trader.locator("#err-proposed_code").is_visible() and trader.input_value("#goods_description") == "Cordless drill"

    carrier = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(carrier, console, "carrier")
    carrier.goto(f"{console.url}/web/ics2/lodge?example=IE3F11")
    assert CARRIER in carrier.input_value("#document")
    submit(carrier)
    assert re.search(rf"/web/ens/{MRN}$", carrier.url), carrier.inner_text("main")[:2000]
    shot(carrier, "carrier-ens-filing")

    officer = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(officer, console, "officer")
    shot(officer, "officer-home")
    officer.goto(f"{console.url}/web/export")
    assert export_mrn in officer.inner_text("table")
    shot(officer, "officer-export-queue")
    for path, name in (("/web/decisions?view=applications&state=lodged", "officer-decision-queue"),
                       ("/web/certex/uses", None), ("/web/surveillance?flow=I&group_by=origin", "officer-surveillance"),
                       ("/web/copis", None), ("/web/rex?state=applied", None), ("/web/ebti", None),
                       ("/web/export?view=exit", None), ("/web/transit?view=arrivals", None)):
        assert officer.goto(f"{console.url}{path}").status == 200, path
        no_error_page(officer)
        if name:
            shot(officer, name)
    officer.goto(f"{console.url}/web/surveillance?flow=I&group_by=origin&group_by=month")
    assert officer.locator("#chart svg").is_visible() and "BD" in officer.inner_text("#result")
    public.goto(f"{console.url}/web/surveillance?goods_code=6109&group_by=origin")
    assert "BD" in public.inner_text("#result") and "VN" not in public.inner_text("#result")  # under 3 items: hidden
