"""The annual progress report: HTML with the tables and a chart (inline SVG) per figure, the PDF, the live section,
a 2025 report from recorded data, and the download from the API."""

from __future__ import annotations

import re

import pytest
from programme_support import ANNEX4, with_programme_tables

from eucustoms.migrations import upgrade
from eucustoms.platform import telemetry
from eucustoms.platform.clitools import ADMIN
from eucustoms.platform.db import Database
from eucustoms.systems.programme import report, service
from eucustoms.systems.programme.messages import ActionRecord, MeetingRecord


@pytest.fixture(scope="module")
def box2024(tmp_path_factory):
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('apr') / 'box.db'}")
    upgrade(db)
    with_programme_tables(db)
    with db.begin() as conn:
        service.load_dataset(conn, ADMIN)
        telemetry.count(conn, "dds", telemetry.CONSULTATIONS, "EOS", n=42)
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def built(box2024):
    with box2024.read() as conn:
        return report.build(conn, 2024, include_live=True)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", "", html, flags=re.S)))


def test_the_html_report_has_the_tables_and_a_chart_per_figure(built, tmp_path):
    html = built.html
    text = _text(html)
    for short, printed in ANNEX4.items():
        assert f"{short} " in text, short
    for figure in ("217 714 225", "7 815 781 631", "547 490", "93.84%", "99.984%", "2023: EUR 478.4 million", "131 311 proofs"):
        assert figure in text, figure  # thin spaces read as spaces
    assert "EUR 131 717 597.38" in text and "EUR 135 714 000.00" in text and "97.06%" in text
    for team in ("CLET3", "ETCIT3", "ICS2 SSA", "EUCABET", "BTI2", "CELBET 3"):
        assert team in text
    assert "68 listed" in text and "UCC PoUS" in text
    # The data-quality findings with their figures.
    assert "the parts add up to 7 815 881 631" in text and "BREAKDOWN_SUM" in text and "SHARE_OF_RESPONDENTS" in text
    assert "the register lists 68" in text and "CCN is 99.984%" in text
    # One inline SVG per chart, each a real plot with a title and an axis label with its unit.
    keys = [c.key for c in built.charts]
    assert {"meetings-by-format", "trained-by-training", "trained-by-professional", "ucc-completion", "consultations",
            "awareness", "actions-by-area", "budget"} <= set(keys)
    assert html.count("<svg") == len(built.charts)
    for c in built.charts:
        figure = html[html.index(f'id="chart-{c.key}"'):]
        svg = figure[figure.index("<svg"):figure.index("</svg>")]
        assert "<text" in svg or "<g id=\"text" in svg
        assert c.title.split(" in ")[0][:20] in svg, c.key
    assert "meetings (number)" in html and "completion (%)" in html and "consultations (number)" in html
    # Self-contained: no external resources.
    assert not re.search(r'<(link|script)[^>]+(href|src)=', html) and "http://" not in html.split("</style>")[0]
    # Figure 1's per-country data is not in the 2024 text: said, not drawn.
    assert "Figure 1 (participants per country)" in text
    paths = built.write(tmp_path)
    assert paths["html"].name == "report-apr-2024.html" and paths["pdf"].read_bytes().startswith(b"%PDF")


def test_the_pdf_and_the_live_section(built):
    assert built.pdf.startswith(b"%PDF") and len(built.pdf) > 50_000
    text = _text(built.html)
    assert 'id="box"' in built.html and "no source yet" in text
    eos = next(li for li in built.live["indicators"] if li.indicator_id == "RES 2.1 sub-indicator 1")
    assert next(r for r in eos.rows if r.key == "EOS").value == 42
    assert any(c.key.startswith("live-") for c in built.charts)


def test_a_2025_report_from_the_records(box2024):
    with box2024.begin() as conn:
        service.record_action(conn, ADMIN, ActionRecord.model_validate(
            {"reference": "PG-2025-9", "title": "Ports", "kind": "project_group", "areas": ["cooperation"], "start_date": "2025-01-01"}))
        service.record_meeting(conn, ADMIN, MeetingRecord.model_validate(
            {"reference": "M-2025-9", "action": "PG-2025-9", "title": "Antwerp", "format": "physical", "area": "other",
             "start_date": "2025-03-03", "host_country": "BE", "participants": {"BE": 9, "NL": 6}}))
    with box2024.read() as conn:
        built = report.build(conn, 2025, pdf=False)
    keys = [c.key for c in built.charts]
    assert "participants-by-country" in keys and "activity-types" in keys and "meetings-by-format" in keys
    assert "From the activity data recorded in the box for 2025" in built.html and built.pdf == b""
    assert "1 operational meetings recorded for 2025" in _text(built.html)


def test_the_report_and_the_checks_from_the_api(sqlite_prog_api):
    api = sqlite_prog_api
    headers = api.headers_for("trader", eori="DE000000000001")
    commission = api.headers_for("commission")
    api.post("/programme/actions", headers=commission, json={"reference": "A-1", "title": "Ports", "kind": "seminar",
                                                             "areas": ["cooperation"], "start_date": "2025-01-01"})
    api.post("/programme/meetings", headers=commission, json={"reference": "M-1", "action": "A-1", "title": "Antwerp", "format": "online",
                                                              "area": "other", "start_date": "2025-02-02", "participants": {"BE": 3}})
    html = api.get("/programme/reports/apr/2025.html", headers=headers)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html") and "<svg" in html.text
    pdf = api.get("/programme/reports/apr/2025.pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    assert api.get("/programme/reports/apr/2024.html").status_code == 401
    assert api.get("/programme/reports/apr/latest.html", headers=headers).status_code == 404
    checks = api.get("/programme/checks", params={"year": 2024, "findings_only": True}, headers=headers).json()
    assert checks["by_severity"]["discrepancy"] == 11 and "outcomes" not in checks
    one = api.get("/programme/indicators/RES 2.1.2", headers=headers).json()
    assert one["result"]["value"] == "7815781631" and one["target"]["printed"] == "20 billion"
    assert len(api.get("/programme/indicators", params={"level": "OP"}, headers=headers).json()) == 21
    live = api.get("/programme/live", headers=headers).json()
    assert {i["indicator"] for i in live["indicators"]} >= {"RES 2.1 sub-indicator 1", "OP 1.3 sub-indicator 3"}
    assert api.get("/programme/years", headers=headers).json() == [2023, 2024, 2025]
    assert api.post("/programme/probes", headers=headers).status_code == 403
