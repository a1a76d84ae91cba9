"""Each data-quality check on data that passes and on data that fails, and what the checks find in the 2024 report."""

from __future__ import annotations

from decimal import Decimal

from programme_support import document, ds_of, indicator, shipped_document

from eucustoms.systems.programme import dataset
from eucustoms.systems.programme.checks import (
    BY_ID,
    DISCREPANCY,
    FINDING,
    LABELLING,
    PASSED,
    ROUNDING,
    SKIPPED,
    UNVERIFIABLE,
    Val,
    compare,
    run_checks,
)


def outcomes(doc, check):
    return list(BY_ID[check].run(ds_of(doc)))


def statuses(doc, check):
    return [(o.status, o.severity) for o in outcomes(doc, check)]


def with_breakdown(value, printed_value, items, aggregate="sum", unit="count", **dim):
    return indicator(unit=unit, results={2024: {"value": value, "printed": printed_value, "line": 5, "breakdowns": [
        {"dimension": "d", "aggregate": aggregate, **dim, "items": [
            {"key": f"k{i}", "value": v, "printed": p, **({"share": s, "share_printed": f"{s}%"} if s is not None else {})}
            for i, (v, p, s) in enumerate(items)]}]}})


# -- the comparison itself -----------------------------------------------------------------------------------------------

def test_compare_allows_the_printed_rounding_and_flags_truncation():
    pct = lambda v, p: Val(Decimal(v), Decimal("0.005"), p, Decimal("0.01"))  # noqa: E731
    assert compare(pct("99.63", "99.63%"), Val(Decimal("99.632"), Decimal(0), "", Decimal(1)))[0] == PASSED
    status, severity, _ = compare(Val(Decimal(56), Decimal("0.5"), "56%", Decimal(1)), Val(Decimal("56.68"), Decimal(0), "", Decimal(1)))
    assert (status, severity) == (FINDING, ROUNDING)
    status, severity, _ = compare(Val(Decimal(7), Decimal("0.5"), "7%", Decimal(1)), Val(Decimal("3.125"), Decimal(0), "", Decimal(1)))
    assert (status, severity) == (FINDING, DISCREPANCY)


# -- BREAKDOWN_SUM -------------------------------------------------------------------------------------------------------

def test_breakdown_sum_passes_when_the_parts_add_up():
    doc = document(with_breakdown(307, "307", [(18, "18", None), (133, "133", None), (156, "156", None)]))
    assert statuses(doc, "BREAKDOWN_SUM") == [(PASSED, None)]


def test_breakdown_sum_flags_parts_that_do_not_add_up_with_the_figures():
    doc = document(with_breakdown(7815781631, "7 815 781 631", [(68566267, "68 566 267", None), (7747315364, "7 747 315 364", None)]))
    [o] = outcomes(doc, "BREAKDOWN_SUM")
    assert (o.status, o.severity) == (FINDING, DISCREPANCY)
    assert o.figures["sum of the parts"] == "7\u202f815\u202f881\u202f631" and "100\u202f000" in o.message


def test_breakdown_sum_uses_a_breakdowns_own_total_and_checks_overlaps_and_shares():
    own_total = with_breakdown(621408, "621 408", [(5, "5", None), (3, "3", None)], total={"value": 8, "printed": "8"})
    assert statuses(document(own_total), "BREAKDOWN_SUM") == [(PASSED, None)]
    overlap_ok = with_breakdown(85, "85", [(18, "18", None), (56, "56", None), (50, "50", None)], aggregate="overlap")
    overlap_bad = with_breakdown(85, "85", [(90, "90", None), (2, "2", None)], aggregate="overlap")
    assert statuses(document(overlap_ok), "BREAKDOWN_SUM") == [(PASSED, None)]
    assert statuses(document(overlap_bad), "BREAKDOWN_SUM") == [(FINDING, DISCREPANCY)]
    shares_ok = with_breakdown(72.21, "72.21%", [(32.14, "32.14%", None), (57.14, "57.14%", None), (7.14, "7.14%", None),
                                                 (3.57, "3.57%", None)], aggregate="shares", unit="%")
    shares_bad = with_breakdown(None, "—", [(72, "72%", None), (25, "25%", None), (7, "7%", None)], aggregate="shares", unit="%")
    assert statuses(document(shares_ok), "BREAKDOWN_SUM") == [(PASSED, None)]
    assert statuses(document(shares_bad), "BREAKDOWN_SUM") == [(FINDING, DISCREPANCY)]


def test_breakdown_sum_skips_subsets_and_breakdowns_without_a_total():
    subset = with_breakdown(99.49, "99.49%", [(99.24, "99.24%", None), (100, "100%", None)], aggregate="subset", unit="%")
    no_total = with_breakdown(None, "—", [(0, "0", None), (1, "1", None)])
    assert statuses(document(subset), "BREAKDOWN_SUM") == [(SKIPPED, None)]
    assert statuses(document(no_total), "BREAKDOWN_SUM") == [(SKIPPED, None)]


# -- BREAKDOWN_MEAN ------------------------------------------------------------------------------------------------------

def test_breakdown_mean_passes_within_rounding_and_flags_another_average():
    ok = with_breakdown(99.63, "99.63%", [(99.984, "99.984%", None), (99.28, "99.28%", None)], aggregate="mean", unit="%")
    bad = with_breakdown(93.84, "93.84%", [(96.90, "96.90%", None), (91.20, "91.20%", None)], aggregate="mean", unit="%")
    assert statuses(document(ok), "BREAKDOWN_MEAN") == [(PASSED, None)]
    [o] = outcomes(document(bad), "BREAKDOWN_MEAN")
    assert (o.status, o.severity) == (FINDING, DISCREPANCY)
    assert o.figures["mean of the parts"] == "94.05" and "weighted mean" in o.message


# -- PERCENT_FROM_COUNTS -------------------------------------------------------------------------------------------------

def test_percent_from_counts_on_shares_printed_next_to_counts():
    ok = with_breakdown(None, "—", [(23, "23", 72), (8, "8", 25), (1, "1", 3)], total={"value": 32, "printed": "32"})
    bad = with_breakdown(None, "—", [(23, "23", 72), (8, "8", 25), (1, "1", 7)], total={"value": 32, "printed": "32"})
    assert [s for s in statuses(document(ok), "PERCENT_FROM_COUNTS")] == [(PASSED, None)] * 3
    found = outcomes(document(bad), "PERCENT_FROM_COUNTS")
    assert [(o.status, o.severity) for o in found] == [(PASSED, None), (PASSED, None), (FINDING, DISCREPANCY)]
    assert found[2].figures == {"printed": "7%", "computed": "3.12%", "count": "1", "base": "32"}


def test_percent_from_counts_on_relations_and_truncation():
    facts = [{"key": "share", "value": 56, "printed": "56%", "unit": "%"}, {"key": "f2f", "value": 174, "printed": "174"},
             {"key": "all", "value": 307, "printed": "307"}, {"key": "good", "value": 57, "printed": "57%", "unit": "%"}]
    rels = [{"id": "truncated", "check": "PERCENT_FROM_COUNTS", "percent": "fact:share", "numerator": "fact:f2f", "denominator": "fact:all"},
            {"id": "rounded", "check": "PERCENT_FROM_COUNTS", "percent": "fact:good", "numerator": "fact:f2f", "denominator": "fact:all"},
            {"id": "missing", "check": "PERCENT_FROM_COUNTS", "percent": "fact:nope", "numerator": "fact:f2f", "denominator": "fact:all"}]
    found = {o.subject: (o.status, o.severity) for o in outcomes(document(facts=facts, relations=rels), "PERCENT_FROM_COUNTS")}
    assert found == {"truncated": (FINDING, ROUNDING), "rounded": (PASSED, None), "missing": (FINDING, UNVERIFIABLE)}


# -- SHARE_OF_RESPONDENTS ------------------------------------------------------------------------------------------------

def test_share_of_respondents_fits_whole_numbers_of_administrations():
    facts = [{"key": "a", "value": 33.33, "printed": "33.33%", "unit": "%"}, {"key": "b", "value": 85.71, "printed": "85.71%", "unit": "%"}]
    rels = [{"id": "fits", "check": "SHARE_OF_RESPONDENTS", "shares": ["fact:a"]},
            {"id": "misfits", "check": "SHARE_OF_RESPONDENTS", "shares": ["fact:b"]}]
    found = {o.subject: o for o in outcomes(document(facts=facts, relations=rels, survey={"respondents": 27}), "SHARE_OF_RESPONDENTS")}
    assert found["fits"].status == PASSED
    assert (found["misfits"].status, found["misfits"].severity) == (FINDING, DISCREPANCY)
    assert "28" in found["misfits"].figures["numbers of respondents that fit"]
    without = outcomes(document(facts=facts, relations=rels[:1]), "SHARE_OF_RESPONDENTS")
    assert [(o.status, o.severity) for o in without] == [(FINDING, UNVERIFIABLE)]


# -- NARRATIVE_VS_TARGET -------------------------------------------------------------------------------------------------

def claimed(value, printed, *claims, target=None, previous=None, unit="%"):
    results = {2024: {"value": value, "printed": printed, "line": 3, "narrative": " ".join(c["quote"] for c in claims),
                      "claims": list(claims)}}
    if previous is not None:
        results[2023] = {"value": previous, "printed": f"{previous}%"}
    return indicator(unit=unit, target=target, results=results)


def test_narrative_claims_that_hold_pass():
    doc = document(
        claimed(98.40, "98.40%", {"quote": "above the target of 98%", "relation": "above", "reference": "target"},
                target={"value": 98, "printed": "98%"}),
        claimed(71.29, "71.29%", {"quote": "slight reduction compared to 2023 (72.22%)", "relation": "decrease",
                                   "reference": "previous_year", "reference_value": 72.22, "reference_printed": "72.22%"},
                previous=72.22, target=None) | {"id": "OP 9.9 sub-indicator 2", "label": "OP 9.9. Sub-indicator 2"},
        claimed(60.18, "60.18%", {"quote": "10 percentage points lower than the 70% target", "relation": "below_by",
                                   "reference": "target", "reference_value": 70, "reference_printed": "70%", "amount": 10,
                                   "amount_printed": "10 percentage points"}) | {"id": "OP 9.9 sub-indicator 3", "label": "OP 9.9. Sub-indicator 3"},
    )
    assert {o.status for o in outcomes(doc, "NARRATIVE_VS_TARGET")} == {PASSED}


def test_narrative_claims_that_do_not_hold_are_findings_with_the_figures():
    wrong_direction = claimed(97.5, "97.50%", {"quote": "above the target of 98%", "relation": "above", "reference": "target"},
                              target={"value": 98, "printed": "98%"})
    wrong_gap = claimed(60.18, "60.18%", {"quote": "9 percentage point lower than the 70% target", "relation": "below_by",
                                          "reference": "target", "reference_value": 70, "reference_printed": "70%", "amount": 9,
                                          "amount_printed": "9 percentage point"}) | {"id": "OP 9.9 sub-indicator 2", "label": "OP 9.9. Sub-indicator 2"}
    far_gap = claimed(50.0, "50.00%", {"quote": "5 percentage points lower than the 70% target", "relation": "below_by",
                                       "reference": "target", "reference_value": 70, "reference_printed": "70%", "amount": 5}) | {
        "id": "OP 9.9 sub-indicator 3", "label": "OP 9.9. Sub-indicator 3"}
    all_values = indicator(unit="%", target={"value": 99.8, "printed": "99.8%"}, id="OP 9.9 sub-indicator 4", label="OP 9.9. Sub-indicator 4",
                           results={2024: {"value": 99.63, "printed": "99.63%", "line": 4, "breakdowns": [
                               {"dimension": "network", "aggregate": "mean", "items": [
                                   {"key": "CCN", "value": 99.984, "printed": "99.984%"}, {"key": "CCN2", "value": 99.28, "printed": "99.28%"}]}],
                               "claims": [{"quote": "Values are lower than the target", "subject": "all:network", "relation": "below",
                                           "reference": "target"}]}})
    unknown = claimed(776, "776", {"quote": "still above the target", "relation": "above", "reference": "target"}, unit="count") | {
        "id": "OP 9.9 sub-indicator 5", "label": "OP 9.9. Sub-indicator 5"}
    found = {o.subject: o for o in outcomes(document(wrong_direction, wrong_gap, far_gap, all_values, unknown), "NARRATIVE_VS_TARGET")}
    assert (found["OP 9.9.1 claim 1"].status, found["OP 9.9.1 claim 1"].severity) == (FINDING, DISCREPANCY)
    assert found["OP 9.9.2 claim 1"].severity == ROUNDING and "9.82 points" in found["OP 9.9.2 claim 1"].message
    assert found["OP 9.9.3 claim 1"].severity == DISCREPANCY
    assert found["OP 9.9.4 claim 1"].severity == DISCREPANCY and "CCN is 99.984%" in found["OP 9.9.4 claim 1"].message
    assert "CCN2" not in found["OP 9.9.4 claim 1"].message.replace("CCN2 99.28%", "")
    assert found["OP 9.9.5 claim 1"].severity == UNVERIFIABLE


def test_narrative_pace_and_on_track_against_a_cycle_target():
    ind = indicator(unit="messages", target={"value": 20000000000, "printed": "20 billion", "kind": "cycle_total", "from": 2021, "to": 2027},
                    results={2024: {"value": 7815781631, "printed": "7 815 781 631", "line": 1, "claims": [
                        {"quote": "well on track", "relation": "on_track", "reference": "target"},
                        {"quote": "approximately 2.9 billion messages each year", "subject": "target", "relation": "pace",
                         "reference": "target", "reference_value": 2900000000, "reference_printed": "2.9 billion"},
                        {"quote": "approximately 2.8 billion messages each year", "subject": "target", "relation": "pace",
                         "reference": "target", "reference_value": 2800000000, "reference_printed": "2.8 billion"}]}})
    assert statuses(document(ind), "NARRATIVE_VS_TARGET") == [(PASSED, None), (PASSED, None), (FINDING, ROUNDING)]


# -- CROSS_REFERENCE, COUNT_FROM_REGISTER, BUDGET_TOTAL, UNIQUE_LABEL, EXPERT_TEAM_DATES -----------------------------------

def test_cross_reference_agrees_or_lists_each_disagreeing_quote():
    facts = [{"key": "a", "value": 156, "printed": "156"}, {"key": "b", "value": 156, "printed": "156"},
             {"key": "c", "value": 155, "printed": "155"}, {"key": "approx", "value": 99.50, "printed": "close to 99.50%", "unit": "%", "qualifier": "approx"},
             {"key": "exact", "value": 99.49, "printed": "99.49%", "unit": "%"}]
    rels = [{"id": "same", "check": "CROSS_REFERENCE", "refs": ["fact:a", "fact:b"]},
            {"id": "differs", "check": "CROSS_REFERENCE", "refs": ["fact:a", "fact:b", "fact:c"]},
            {"id": "approximately", "check": "CROSS_REFERENCE", "refs": ["fact:exact", "fact:approx"]},
            {"id": "sum", "check": "CROSS_REFERENCE", "refs": ["fact:a", "fact:c + fact:approx"]}]
    found = {o.subject: o for o in outcomes(document(facts=facts, relations=rels), "CROSS_REFERENCE")}
    assert found["same"].status == PASSED and found["approximately"].status == PASSED
    assert found["differs"].severity == DISCREPANCY and "155 (fact:c)" in found["differs"].message
    assert found["sum"].status == FINDING


def test_count_from_register():
    registers = {"it_projects": [{"name": "A", "phase": "initiating", "status": "ongoing"},
                                 {"name": "B", "phase": "initiating", "status": "on_hold"},
                                 {"name": "C", "phase": "executing", "status": "ongoing", "revised_delivery": "2025-Q1"}]}
    facts = [{"key": "two", "value": 2, "printed": "2"}, {"key": "one", "value": 1, "printed": "1"}]
    rels = [{"id": "ok", "check": "COUNT_FROM_REGISTER", "count": "fact:two", "register": "register:it_projects?phase=initiating"},
            {"id": "revised", "check": "COUNT_FROM_REGISTER", "count": "fact:one", "register": "register:it_projects?revised=true"},
            {"id": "bad", "check": "COUNT_FROM_REGISTER", "count": "fact:one", "register": "register:it_projects?status=ongoing"}]
    found = {o.subject: o for o in outcomes(document(facts=facts, relations=rels, registers=registers), "COUNT_FROM_REGISTER")}
    assert found["ok"].status == PASSED and found["revised"].status == PASSED
    assert found["bad"].severity == DISCREPANCY and "A, C" in found["bad"].message


def test_budget_total():
    lines = [{"category": "a", "amount": 100.25, "printed": "EUR 100.25"}, {"category": "b", "amount": 50, "printed": "EUR 50.00"},
             {"category": "total", "amount": 150.25, "printed": "EUR 150.25", "kind": "total"},
             {"category": "decision", "amount": 200, "printed": "EUR 200.00", "kind": "financing_decision"}]
    assert {o.status for o in outcomes(document(budget={"lines": lines}), "BUDGET_TOTAL")} == {PASSED}
    lines[2]["amount"] = 150.20
    lines[3]["amount"] = 100
    found = outcomes(document(budget={"lines": lines}), "BUDGET_TOTAL")
    assert [(o.status, o.severity) for o in found] == [(FINDING, DISCREPANCY), (FINDING, DISCREPANCY)]
    assert "0.05" in found[0].message


def test_unique_label():
    a = indicator(id="RES 3.2 sub-indicator 1", label="RES 3.2. Sub-indicator 2")
    b = indicator(id="RES 3.2 sub-indicator 2", label="RES 3.2. Sub-indicator 2")
    c = indicator(id="RES 4 sub-indicator 1", label="RES 4. Sub-indicator 1")
    found = outcomes(document(a, b, c), "UNIQUE_LABEL")
    assert sorted((o.status, o.severity) for o in found) == [(FINDING, LABELLING), (PASSED, None)]
    a["label"] = "RES 3.2. Sub-indicator 1"
    assert {o.status for o in outcomes(document(a, b, c), "UNIQUE_LABEL")} == {PASSED}


def test_expert_team_dates():
    good = {"code": "OK", "mff": [2021, 2027], "duration_months": 60, "initial_duration_months": 36,
            "extensions": [{"year": 2024, "to_months": 60}], "end": "2026-11", "status": "active"}
    early = dict(good, code="EARLY", duration_months=85, extensions=[{"to_months": 85}])  # starts in 2019: before its MFF
    closed = dict(good, code="CLOSED", status="closed")  # closed although it runs until 2026
    found = {o.subject: o for o in outcomes(document(registers={"expert_teams": [good, early, closed]}), "EXPERT_TEAM_DATES")}
    assert found["OK"].status == PASSED and found["OK"].figures["start (computed)"] == "2021-12"
    assert found["EARLY"].severity == DISCREPANCY and "2019-11" in found["EARLY"].message
    assert found["CLOSED"].severity == DISCREPANCY


# -- the 2024 report -------------------------------------------------------------------------------------------------------

def test_the_checks_on_the_2024_report():
    report = run_checks(dataset.from_document(shipped_document()))
    findings = {(f.check, f.subject): f for f in report.findings}
    discrepancies = {k for k, f in findings.items() if f.severity == DISCREPANCY}
    assert discrepancies == {
        ("BREAKDOWN_SUM", "RES 2.1.2 by system"),  # the parts add up to 7 815 881 631, not 7 815 781 631
        ("BREAKDOWN_SUM", "IMP 3.2 by format (shares)"),  # 72% + 25% + 7% = 104%
        ("PERCENT_FROM_COUNTS", "IMP 3.2 format/paper"),  # 1 of 32 administrations is 3.1%, printed 7%
        ("BREAKDOWN_MEAN", "OP 1.2.4 by component"),  # the mean of 96.90% and 91.20% is 94.05%, printed 93.84%
        ("NARRATIVE_VS_TARGET", "OP 1.2.4 claim 1"),  # the narrative says 96% at the end of 2024
        ("NARRATIVE_VS_TARGET", "OP 1.3.1 claim 1"),  # "values are lower than the target": CCN is 99.984% > 99.8%
        ("COUNT_FROM_REGISTER", "projects-initiating"),  # 4 projects listed in the initiating phase, 2 printed
        ("COUNT_FROM_REGISTER", "projects-released"),  # 4 released as required by law per the narrative, 2 printed
        ("COUNT_FROM_REGISTER", "systems-financed"),  # 69 systems, Annex 5 lists 68
        ("SHARE_OF_RESPONDENTS", "awareness-levels"),  # shares of 28 respondents, footnote 95 names 27
        ("SHARE_OF_RESPONDENTS", "uniform-interpretation"),  # 85.71% = 24/28, not k/27
    }
    assert {k for k, f in findings.items() if f.severity == ROUNDING} == {
        ("NARRATIVE_VS_TARGET", "RES 4.1 claim 1"),  # "9 percentage point lower": 9.82
        ("NARRATIVE_VS_TARGET", "RES 2.1.2 claim 2"),  # "approximately 2.8 billion a year": 2.857
        ("PERCENT_FROM_COUNTS", "face-to-face-meetings"),  # 56%: 174/307 = 56.68%
    }
    assert {k for k, f in findings.items() if f.severity == LABELLING} == {("UNIQUE_LABEL", "RES 3.2 sub-indicator 2")}
    assert sum(1 for f in report.findings if f.severity == UNVERIFIABLE) == 16
    summary = report.summary()
    assert summary["checks"]["CROSS_REFERENCE"] == {PASSED: 22, FINDING: 0, SKIPPED: 0}
    assert summary["checks"]["BUDGET_TOTAL"][PASSED] == 2
    assert summary["checks"]["RECORDS_VS_REPORTED"][SKIPPED] == 1
