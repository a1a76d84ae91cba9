"""The API of the box, assembled from every system's routes."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from eucustoms import __version__
from eucustoms.platform.auth import Principal
from eucustoms.platform.context import Context
from eucustoms.platform.http import current_principal, install_error_handlers
from eucustoms.platform.notifications import Pusher
from eucustoms.platform.notifications.routes import router as notifications_router
from eucustoms.systems.export.routes import router as export_router
from eucustoms.systems.guarantees.routes import router as guarantees_router
from eucustoms.systems.ics2.routes import router as ics2_router
from eucustoms.systems.imports.routes import router as imports_router
from eucustoms.systems.tariff.routes import router as tariff_router
from eucustoms import web
from eucustoms.systems.eos.routes import router as eos_router
from eucustoms.systems.dds import routes as dds
from eucustoms.systems.copis.routes import router as copis_router
from eucustoms.systems.decisions.routes import router as decisions_router
from eucustoms.systems.ebti.routes import router as ebti_router
from eucustoms.systems.ecics.routes import router as ecics_router
from eucustoms.systems.programme.routes import router as programme_router
from eucustoms.systems.rex.routes import router as rex_router
from eucustoms.systems.singlewindow.routes import router as certex_router
from eucustoms.systems.status.routes import router as pous_router
from eucustoms.systems.surveillance.routes import router as surveillance_router
from eucustoms.systems.transit.routes import router as transit_router

DESCRIPTION = """The EU customs union in a box: the trans-European customs systems as one runnable API.

Authenticate with `Authorization: Bearer <token>` (issue tokens with `eucustoms token issue`).
Public look-ups (`/dds/...`) need no token. Every rejection lists every error found, each with a
`code` (CS/RD2 functional error codes where one fits), a `pointer` to the field and a `reason`."""


def create_app(ctx: Context, *, deliver_messages: bool = True) -> FastAPI:
    """Build the API over ``ctx``. With ``deliver_messages`` the bus delivers in the background while serving."""

    pusher = Pusher(ctx.db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if deliver_messages:
            ctx.bus.start()
            pusher.start()
        try:
            yield
        finally:
            if deliver_messages:
                pusher.stop()
                ctx.bus.stop()
            dds.tally(ctx).stop()  # the look-ups counted since the last write

    app = FastAPI(title="eucustoms", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.context = ctx
    install_error_handlers(app)

    @app.get("/health", tags=["platform"])
    def health() -> dict:
        with ctx.db.read() as conn:
            conn.exec_driver_sql("SELECT 1")
        return {"status": "ok", "version": __version__, "database": ctx.db.dialect}

    @app.get("/whoami", tags=["platform"])
    def whoami(principal: Principal = Depends(current_principal)) -> dict:
        return principal.as_dict()

    app.include_router(eos_router)
    app.include_router(dds.router)
    app.include_router(notifications_router)
    app.include_router(ics2_router)
    app.include_router(guarantees_router)
    app.include_router(tariff_router)
    app.include_router(imports_router)
    app.include_router(surveillance_router)
    app.include_router(pous_router)
    app.include_router(certex_router)
    app.include_router(decisions_router)
    app.include_router(rex_router)
    app.include_router(copis_router)
    app.include_router(ebti_router)
    app.include_router(ecics_router)
    app.include_router(transit_router)
    app.include_router(export_router)
    app.include_router(programme_router)
    web.install(app)
    return app
