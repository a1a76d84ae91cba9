"""A console server over a fresh box (uvicorn in a thread, the bus delivering), its users' tokens, and headless
Debian Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from datetime import date
from typing import Iterator

import pytest

from console_support import TRADER_A, TRADER_B, Console

from eucustoms.platform.db import Database

ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = os.environ.get("EUCUSTOMS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def console(_sqlite_template, tmp_path_factory) -> Iterator[Console]:
    import uvicorn

    from eucustoms.app import create_app
    from eucustoms.platform.auth import Principal, Role, issue_token
    from eucustoms.systems.eos import service as eos
    from eucustoms.systems.eos.messages import Address, OperatorRegistration
    from eucustoms.union import open_union

    path = tmp_path_factory.mktemp("console") / "box.db"
    shutil.copyfile(_sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    officer = Principal(role=Role.OFFICER, name="DE officer", country="DE", office="DE002101")
    tokens = {}
    with db.begin() as conn:
        for eori, name in ((TRADER_A, "Importer GmbH"), (TRADER_B, "Other Trading GmbH")):
            eos.register(conn, officer, OperatorRegistration(
                eori=eori, name=name, address=Address(street_and_number="Hauptstr. 1", postcode="10115",
                                                      city="Berlin", country="DE"),
                established_in_union=True, publication_consent=True, start_date=date(2020, 1, 1)))
        tokens["trader_a"], _ = issue_token(conn, role="trader", name="Importer GmbH", eori=TRADER_A)
        tokens["trader_b"], _ = issue_token(conn, role="trader", name="Other Trading GmbH", eori=TRADER_B)
        tokens["officer"], _ = issue_token(conn, role="officer", name="Officer Weber", country="DE", office="DE002101")
        tokens["commission"], _ = issue_token(conn, role="commission", name="DG TAXUD")
    ctx = open_union(db=db)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(ctx, deliver_messages=True), host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the console server did not start"
    yield Console(f"http://127.0.0.1:{port}", db, tokens)
    server.should_exit = True
    thread.join(timeout=10)
    db.dispose()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        message = "Chromium is not installed (apt-get install chromium; dev.py test installs it)"
        if ON_CI:
            pytest.fail(message + " (CI=true: the browser tests must run)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    p = context.new_page()
    p.set_default_timeout(15_000)
    yield p
    context.close()
