"""Helpers of the browser tests (a module of its own: test modules must not import ``conftest``, whose name
other test directories share)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from eucustoms.platform.db import Database

SCREENSHOTS = Path(os.environ.get("EUCUSTOMS_SCREENSHOTS", Path(__file__).resolve().parents[2] / ".eucustoms" / "screenshots"))

TRADER_A, TRADER_B = "DE1234567890", "DE9876543210"
CARRIER = "DK41882766"  # the ICS2 examples' ocean carrier
ACCESS_CODE = "AB12"  # of TRADER_A's comprehensive guarantee (transit)


@dataclass
class Console:
    url: str
    db: Database
    tokens: dict[str, str]
    grn: str = ""  # TRADER_A's comprehensive guarantee


def shot(page, name: str) -> Path:
    """Save a screenshot of the page for people to look at (``.eucustoms/screenshots/<name>.png``)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target


def sign_in(page, console: Console, who: str) -> None:
    page.goto(f"{console.url}/web/signin")
    page.fill("#token", console.tokens[who])
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "Sign out" in page.inner_text("header"), page.inner_text("main")


def transit_declaration(grn: str, *, lrn: str, holder: str = TRADER_A, departure: str = "DE004851",
                        destination: str = "NL000854") -> bytes:
    """A CC015C (the XML layer's example) from ``holder``, Hamburg → Amsterdam by road, under ``grn``."""
    from eucustoms.systems.transit.xml import render
    from eucustoms.systems.transit.xml.examples import cc015c

    d = cc015c(lrn=lrn, grn=grn)
    d["messageSender"] = holder
    d["HolderOfTheTransitProcedure"]["identificationNumber"] = holder
    d["CustomsOfficeOfDeparture"] = {"referenceNumber": departure}
    d["CustomsOfficeOfDestinationDeclared"] = {"referenceNumber": destination}
    d.pop("CustomsOfficeOfTransitDeclared", None)
    reference = d["Guarantee"][0]["GuaranteeReference"][0]
    reference["accessCode"] = ACCESS_CODE
    reference.pop("amountToBeCovered"), reference.pop("currency")
    d["Consignment"]["countryOfDestination"] = destination[:2]
    d["Consignment"]["CountryOfRoutingOfConsignment"] = [{"sequenceNumber": 1, "country": departure[:2]},
                                                         {"sequenceNumber": 2, "country": destination[:2]}]
    return render("CC015C", d)


def no_error_page(page) -> None:
    """The page is not the console's error page and shows no internals."""
    text = page.content()
    assert "Traceback" not in text and "Something went wrong" not in text, page.url
