"""The web console: server-rendered pages for customs officers, traders, programme managers and the public,
served by the same application as the API and calling the same service functions (so the same access
rules apply to a page as to the API call behind it)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles


def install(app: FastAPI) -> None:
    """Add the console (``/web``) and its static files to ``app``; ``/`` leads to it."""
    from .pages import router

    app.mount("/web/static", StaticFiles(directory=Path(__file__).parent / "static"), name="web-static")
    app.include_router(router)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/web")
