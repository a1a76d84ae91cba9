"""One realistic certificate per CERTEX domain, as its partner system would issue it (``eucustoms certex example``).

References follow the partner systems' printed formats where they are published (TRACES: ``CHEDP.FR.2026.0001234``,
``COI.EU.IT.2026.0004321``; CBAM: ``CBAM-DE-2026-AAA12345678901``); the others are illustrative."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from eucustoms.core.clock import now

from .catalogue import DOMAINS

HOLDER = "DE1234567890"  # an importer in Hamburg


def _examples(today: date, holder: str) -> dict[str, dict[str, Any]]:
    year = today.year
    soon, month, year_end = today + timedelta(days=30), today + timedelta(days=90), date(year, 12, 31)
    return {
        "CHED-A": dict(reference=f"CHEDA.DE.{year}.0004711", goods_codes=["0102"], quantity="40", unit="NAR",
                       goods_description="Live bovine animals for breeding (Bos taurus), 40 heifers from Uruguay",
                       valid_to=soon, countries=["DE"], issuing_authority="BCP Hamburg port (DEHAM4)"),
        "CHED-P": dict(reference=f"CHEDP.DE.{year}.0012345", goods_codes=["030363", "030471"], quantity="18000", unit="KGM",
                       goods_description="Frozen cod (Gadus morhua), whole and fillets, from Norway",
                       valid_to=soon, countries=["DE"], issuing_authority="BCP Bremerhaven (DEBRV4)"),
        "CHED-D": dict(reference=f"CHEDD.NL.{year}.0007654", goods_codes=["120242"], quantity="24", unit="TNE",
                       goods_description="Groundnuts, shelled, from the United States (aflatoxin controls)",
                       valid_to=soon, countries=["NL"], issuing_authority="BCP Rotterdam (NLRTM4)"),
        "CHED-PP": dict(reference=f"CHEDPP.ES.{year}.0003210", goods_codes=["080510", "080521"], quantity="20000", unit="KGM",
                        goods_description="Fresh oranges and mandarins from South Africa",
                        valid_to=soon, countries=["ES"], issuing_authority="BCP Valencia (ESVLC4)"),
        "COI": dict(reference=f"COI.EU.DE.{year}.0004321", goods_codes=["090111"], quantity="19.2", unit="TNE",
                    goods_description="Organic green coffee beans, not decaffeinated, from Peru",
                    valid_to=month, issuing_authority="Control authority DE-ÖKO-006"),
        "FLEGT": dict(reference=f"FLEGT.ID.{year}.00012345", goods_codes=["4407"], quantity="45.5", unit="MTQ",
                      goods_description="Sawn meranti wood, kiln dried, from Indonesia (V-Legal)",
                      valid_to=today + timedelta(days=180), issuing_authority="Licensing authority of Indonesia"),
        "ODS": dict(reference=f"ODS-IM-{year}-000045", goods_codes=["290371", "290379"], quantity="1200", unit="KGM",
                    goods_description="HCFC-22 (chlorodifluoromethane) for use as feedstock", valid_to=year_end,
                    issuing_authority="European Commission, DG CLIMA"),
        "FGAS": dict(reference="FGAS-DE-0004711", goods_codes=["290341", "290342", "8415", "8418"], valid_to=None,
                     goods_description="Hydrofluorocarbons in bulk and refrigeration and air-conditioning equipment",
                     issuing_authority="European Commission, DG CLIMA"),
        "ICG-LICENCE": dict(reference=f"ICG.IL.DE.{year}.0000012", goods_codes=["970510", "970610"], quantity="1", unit="NAR",
                            goods_description="Roman marble relief, 2nd century, archaeological object (Part B)",
                            valid_to=today + timedelta(days=180), countries=["DE"],
                            issuing_authority="Kulturstaatsministerin (DE competent authority)"),
        "ICG-STATEMENT": dict(reference=f"ICG.IS.DE.{year}.0000345", goods_codes=["970121"], quantity="3", unit="NAR",
                              goods_description="Three oil paintings, 18th century, EUR 25 000 each (Part C)",
                              valid_to=today + timedelta(days=180)),
        "CITES": dict(reference=f"DE-{year}-IM-000123", goods_codes=["160431"], quantity="12.5", unit="KGM",
                      goods_description="Caviar of Acipenser baerii (Annex B), from China", valid_to=today + timedelta(days=180),
                      countries=["DE"], issuing_authority="Bundesamt für Naturschutz"),
        "CBAM": dict(reference=f"CBAM-DE-{year}-AAA12345678901", goods_codes=["72", "73", "76", "2523", "3102"],
                     goods_description="Authorised CBAM declarant: iron and steel, aluminium, cement, fertilisers",
                     valid_to=None, issuing_authority="Deutsche Emissionshandelsstelle (DEHSt)"),
        "EUDR": dict(reference=f"EUDR.DE.{year}.00012345", goods_codes=["1801"], quantity="25", unit="TNE",
                     goods_description="Cocoa beans, whole, raw, from Côte d'Ivoire (due diligence statement)",
                     valid_to=year_end),
        "CATCH": dict(reference=f"CC.VN.{year}.0000987", goods_codes=["030342", "030343"], quantity="22000", unit="KGM",
                      goods_description="Frozen yellowfin and skipjack tuna, caught by FV Hai Long 18, Viet Nam",
                      valid_to=month, issuing_authority="Directorate of Fisheries of Viet Nam"),
    }


def example(domain: str, *, holder: str = HOLDER, today: date | None = None, **overrides: Any) -> dict[str, Any]:
    """A certificate of ``domain`` as JSON-ready data for :class:`CertificateIssue` (dates as ISO text)."""
    key = domain.strip().upper()
    if key not in DOMAINS:
        raise KeyError(f"{domain!r} is not a CERTEX domain: one of {', '.join(DOMAINS)}")
    today = today or now().date()
    data = {"domain": key, "holder": holder, "valid_from": today, **_examples(today, holder)[key], **overrides}
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}


def examples(*, holder: str = HOLDER, today: date | None = None) -> list[dict[str, Any]]:
    """One certificate of every domain."""
    return [example(d, holder=holder, today=today) for d in DOMAINS]
