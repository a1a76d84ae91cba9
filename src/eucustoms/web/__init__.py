"""The web console: server-rendered pages for customs officers, traders, programme managers and the public,
served by the same application as the API and calling the same service functions (so the same access
rules apply to a page as to the API call behind it).

``pages`` holds the foundation (sign-in, the first look-ups, imports, ENS, notifications, guarantees); each
``pages_<system>`` module adds one system's pages under ``/web/...`` and its navigation links."""

from __future__ import annotations

import importlib
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

#: The console's modules, one per system, in the order of the navigation.
MODULES = ("ics2", "transit", "export", "pous", "certex", "decisions", "rex", "copis", "ebti", "ecics",
           "surveillance", "dds", "programme")


def install(app: FastAPI) -> None:
    """Add the console (``/web``) and its static files to ``app``; ``/`` leads to it."""
    from .pages import router

    app.mount("/web/static", StaticFiles(directory=Path(__file__).parent / "static"), name="web-static")
    for name in MODULES:
        module = importlib.import_module(f"{__name__}.pages_{name}")
        app.include_router(module.router)
    app.include_router(router)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/web")
