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

from console_support import ACCESS_CODE, CARRIER, TRADER_A, TRADER_B, Console

from eucustoms.platform.db import Database

ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = os.environ.get("EUCUSTOMS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
#: Systems whose tables may not be migrated yet: their stores are imported and the missing tables created.
UNMIGRATED = ("transit", "export", "ebti", "ecics", "programme")


def _missing_tables(db: Database) -> None:
    """Create the tables of the systems whose migration does not exist yet (the others exist: checkfirst)."""
    import importlib

    from eucustoms.platform.db import metadata

    for system in UNMIGRATED:
        importlib.import_module(f"eucustoms.systems.{system}.store")
    metadata.create_all(db.engine, checkfirst=True)


def _national_domains(ctx) -> None:
    """The export and transit handlers on the bus, where ``open_union`` does not install them yet."""
    import importlib

    from eucustoms.union import PARTICIPATING

    for system in ("transit", "export"):
        try:
            importlib.import_module(f"eucustoms.systems.{system}.domains").install(ctx, PARTICIPATING)
        except ValueError:
            pass  # installed by open_union already


def _reference_data(db: Database) -> str:
    """What the systems' pages need: the ECICS inventory, the programme's 2024 dataset, a guarantee for transit."""
    from decimal import Decimal

    from eucustoms.platform.auth import Principal, Role
    from eucustoms.systems.ecics.loader import load_ecics
    from eucustoms.systems.guarantees import service as gum
    from eucustoms.systems.guarantees.messages import Amount, GuaranteeIssue
    from eucustoms.systems.programme import service as programme

    load_ecics(db)
    with db.begin() as conn:
        programme.load_dataset(conn, Principal(role=Role.COMMISSION, name="test"))
        g = gum.issue(conn, Principal(role=Role.OFFICER, name="DE GUA", country="DE", office="DE002150"),
                      GuaranteeIssue(guarantee_type="1", holder=TRADER_A, office="DE002150",
                                     reference_amount=Amount(amount=Decimal("50000.00"), currency="EUR"),
                                     authorisation_reference="DECGU-2026-0001", access_code=ACCESS_CODE))
    return g.grn


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
    _missing_tables(db)
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
        tokens["nl_officer"], _ = issue_token(conn, role="officer", name="Officer Jansen", country="NL", office="NL000854")
        tokens["carrier"], _ = issue_token(conn, role="trader", name="Nordic Ocean Lines", eori=CARRIER)
    grn = _reference_data(db)
    ctx = open_union(db=db)
    _national_domains(ctx)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(ctx, deliver_messages=True), host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the console server did not start"
    yield Console(f"http://127.0.0.1:{port}", db, tokens, grn)
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
