"""CERTEX: certificates issued by the Union's non-customs systems (TRACES, FLEGT, the EUDR information
system…) are recorded in CERTEX, then used by the import declaration item that quotes them: the national import
system reserves the quantity at acceptance (``singlewindow.service.use``), as the EU CSW-CERTEX exchange does.

The report gives no CERTEX count; the simulator gives a certificate to the H1 declarations of goods a domain
covers (plant products, organic products, products subject to the deforestation regulation) with the share of
:data:`SHARE` (documented in docs/simulator.md)."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from eucustoms.systems.singlewindow import service as certex
from eucustoms.systems.singlewindow.catalogue import DOMAINS
from eucustoms.systems.singlewindow.messages import CertificateIssue

from .base import Sim

SHARE = 0.6  # of the H1 items whose goods a domain covers
# CN prefix → (domain, reference prefix, issuing authority)
CERTIFIED = {
    "0805": ("CHED-PP", "CHEDPP", "Border control post (TRACES)"),
    "1806": ("COI", "COI.EU", "Organic control authority (TRACES)"),
    "4407": ("EUDR", "EUDR", "EUDR information system (due diligence statement)"),
    "4011": ("EUDR", "EUDR", "EUDR information system (due diligence statement)"),
}


def certificate_for(items: list[dict[str, Any]], rnd: random.Random) -> dict[str, Any] | None:
    for n, item in enumerate(items):
        found = CERTIFIED.get(item["cn_code"][:4])
        if found and rnd.random() < SHARE:
            domain, prefix, authority = found
            return {"domain": domain, "prefix": prefix, "authority": authority, "item_index": n,
                    "item_number": item["item_number"], "goods_code": item["cn_code"][:4],
                    "document_code": DOMAINS[domain].document_codes[0] if DOMAINS[domain].document_codes else "C716",
                    "quantity": str(Decimal(item["net_mass"]) * 2), "unit": "KGM", "cn_code": item["cn_code"],
                    "net_mass": item["net_mass"]}
    return None


def issue_certificate(sim: Sim, cert: dict[str, Any]) -> None:
    day = sim.now().date()
    request = CertificateIssue(reference=cert["reference"], domain=cert["domain"], holder=cert["holder"],
                               goods_codes=[cert["goods_code"]], goods_description=f"Certificate for {cert['cn_code']}",
                               quantity=Decimal(cert["quantity"]), unit=cert["unit"], valid_from=day - timedelta(days=2),
                               valid_to=day + timedelta(days=60), issuing_authority=cert["authority"])
    with sim.ctx.db.begin() as conn:
        certex.issue(conn, sim.commission(), request)
    sim.count(f"certex.issued.{cert['domain']}")


def use_certificate(sim: Sim, cert: dict[str, Any], mrn: str, payload: dict[str, Any]) -> None:
    """The national import system reserves the quantity of the accepted declaration's item."""
    with sim.ctx.db.begin() as conn:
        certex.use(conn, cert["reference"], [cert["holder"], payload["declarant"]["eori"]], cert["cn_code"],
                   cert["net_mass"], "KGM", sim.now().date(), payload.get("procedure", "4000"), mrn,
                   cert["item_number"], f"{mrn}:{cert['item_number']}", document_code=cert["document_code"],
                   country=mrn[2:4], by="national import system")
    sim.count(f"certex.used.{cert['domain']}")
