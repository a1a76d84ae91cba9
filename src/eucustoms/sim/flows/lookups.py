"""Public look-ups (the data dissemination services, DDS2): EORI validation, customs offices, TARIC, quotas,
suspensions, surveillance totals, MRN follow-up… through the box's HTTP API (in process: the FastAPI app under
Starlette's test client, the real routes, their validation and their consultation counters), in the
proportions of the EU's 2024 consultations per service (RES 2.1 sub-indicator 1).

One story is an hour of look-ups; the services the box does not serve yet are reported, not faked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .base import Sim, Story

SYSTEM = "DDS"
TARIC_CODES = ["6109100000", "6403999300", "8471300000", "8507600090", "8712003000", "9403601000", "0805102200",
               "1806909000", "4011100000", "4407119000", "8517130000", "3304990000"]
QUOTAS = ["091528", "090161", "094099", "090032"]  # the last one is not in the tariff: a 404, as in real traffic
# The services the simulator knows how to ask (their parameters); CDS is served, but the simulator grants no
# customs decisions yet, so every look-up would be of an unknown one.
ASKED = ("EOS", "COL", "TARIC", "QUOTA", "SUSP", "SURV", "MRN")
NOT_SIMULATED = {"CDS": "the simulator grants no customs decisions yet (every look-up would be a 404)"}


def app_for(ctx: Any) -> Any:
    """The public DDS API of the box: its router, error handlers and context, as ``create_app`` mounts them."""
    from fastapi import FastAPI

    from eucustoms.platform.http import install_error_handlers
    from eucustoms.systems.dds import routes as dds

    app = FastAPI(title="eucustoms DDS (simulator)")
    app.state.context = ctx
    install_error_handlers(app)
    app.include_router(dds.router)
    return app


class Client:
    """Requests to the ASGI app in this process (httpx over the ASGI transport: no socket, no thread hop); a
    batch of look-ups runs on one event loop."""

    def __init__(self, app: Any):
        self.app = app

    def get_many(self, paths: list[str]) -> list[Any]:
        import asyncio

        import httpx

        async def run() -> list[Any]:
            transport = httpx.ASGITransport(app=self.app, client=("198.51.100.7", 50000))
            async with httpx.AsyncClient(transport=transport, base_url="http://box") as client:
                return [await client.get(p) for p in paths]

        return asyncio.run(run())

    def get(self, path: str) -> Any:
        return self.get_many([path])[0]


def served() -> dict[str, str]:
    """The services (catalogue key → path) the DDS router serves and the simulator knows how to ask."""
    from eucustoms.systems.dds import routes as dds
    from eucustoms.systems.dds.catalogue import SERVICES

    paths = [getattr(r, "path", "") for r in dds.router.routes]
    return {s.key: s.path for s in SERVICES
            if s.key in ASKED and any(p == s.path or p.startswith(s.path + "/") for p in paths)}


@dataclass
class LookupStory(Story):
    """An hour of public look-ups: ``counts`` per service."""

    counts: dict[str, int] = field(default_factory=dict)

    def plan(self) -> dict[str, Any]:
        return {"counts": self.counts}

    def step_start(self, sim: Sim) -> None:
        client = sim.http()
        world = sim.world
        paths: list[tuple[str, str]] = []
        r = self.rnd
        eoris = [o.eori for o in world.everyone()]
        offices = [o for v in world.presentation_offices.values() for o in v] + [ln.office for ln in world.lanes]
        day = sim.now().date().isoformat()
        mrns = sim.known_mrns()
        for key, n in sorted(self.counts.items()):
            for _ in range(n):
                if key == "EOS":
                    eori = r.choice(eoris) if r.random() < 0.9 else f"DE{r.randrange(10**11, 10**12)}"
                    path = f"/dds/eori/{eori}"
                elif key == "COL":
                    path = f"/dds/offices/{r.choice(offices)}"
                elif key == "TARIC":
                    path = f"/dds/taric/{r.choice(TARIC_CODES)}?on={day}&origin={r.choice(['CN', 'VN', 'US', 'TR', 'IN'])}"
                elif key == "QUOTA":
                    path = f"/dds/quotas/{r.choice(QUOTAS)}?on={day}"
                elif key == "SUSP":
                    path = f"/dds/suspensions/{r.choice(TARIC_CODES)}?on={day}"
                elif key == "SURV":
                    path = f"/dds/surveillance?goods_code={r.choice(TARIC_CODES)[:4]}&by=origin"
                elif key == "MRN":
                    if not mrns:
                        continue
                    path = f"/dds/mrn/{r.choice(mrns)}"
                else:
                    continue
                paths.append((key, path))
        for (key, path), response in zip(paths, client.get_many([p for _, p in paths])):
            sim.count(f"lookups.{key}")
            sim.count(f"lookups.status.{response.status_code}")
            if response.status_code >= 500:
                sim.unexpected(self, f"GET {path} answered {response.status_code}: {response.text[:200]}")
