"""The data-dissemination services (DDS): the public look-ups of the union, what the EU counted for each in 2024
(RES 2.1 sub-indicator 1), what this box counted, and where the console serves each."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from eucustoms.platform import telemetry
from eucustoms.platform.auth import Principal
from eucustoms.systems.dds.catalogue import SERVICES, TOTAL_2024

from .kit import bar_chart
from .pages import _ctx, guarded, link, render

router = APIRouter(prefix="/web/dds", include_in_schema=False)
link("/web/dds", "All public services (DDS)", public=True)

#: Where the console serves each DDS service.
CONSOLE = {"CDS": "/web/lookup/decision", "COL": "/web/lookup/offices", "EBTI": "/web/lookup/ebti", "MRN": "/web/lookup/mrn",
           "QUOTA": "/web/lookup/quota", "TARIC": "/web/lookup/taric", "EOS": "/web/lookup/eori",
           "ECICS": "/web/lookup/ecics", "SUSP": "/web/lookup/taric", "SURV": "/web/surveillance", "REX": "/web/lookup/rex"}
EXTRA = (("", "Authorised economic operators (part of DDS2-EO: counted with it)", "/web/lookup/aeo"),
         ("pous", "Proof of Union status verification", "/web/lookup/pous"),
         ("", "Duty calculator (counted with TARIC)", "/web/lookup/duty"))


@router.get("", response_class=HTMLResponse)
def dds(request: Request) -> Response:
    def page(me: Principal) -> Response:
        with _ctx(request).db.read() as conn:
            counted = telemetry.totals(conn, metric=telemetry.CONSULTATIONS, system="dds")
        box = {key: n for (_system, key), n in counted.items()}
        rows = [{"key": s.key, "name": s.name, "api": s.path, "console": CONSOLE.get(s.key), "eu_2024": s.consultations_2024,
                 "box": box.get(s.key, 0)} for s in SERVICES]
        ranked = sorted((r for r in rows if r["eu_2024"]), key=lambda r: r["eu_2024"], reverse=True)
        chart = bar_chart([r["key"] for r in ranked], [r["eu_2024"] / 1e6 for r in ranked],
                          title="DDS consultations in the EU, 2024", xlabel="consultations (millions)", ylabel="service")
        return render(request, "dds_services.html", principal=me, rows=rows, extra=EXTRA, total_2024=TOTAL_2024, chart=chart,
                      box_total=sum(box.values()), others={k: n for k, n in box.items() if k not in {s.key for s in SERVICES}})
    return guarded(request, page)
