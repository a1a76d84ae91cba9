"""Helpers of the browser tests (a module of its own: test modules must not import ``conftest``, whose name
other test directories share)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from eucustoms.platform.db import Database

SCREENSHOTS = Path(os.environ.get("EUCUSTOMS_SCREENSHOTS", Path(__file__).resolve().parents[2] / ".eucustoms" / "screenshots"))

TRADER_A, TRADER_B = "DE1234567890", "DE9876543210"


@dataclass
class Console:
    url: str
    db: Database
    tokens: dict[str, str]


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
