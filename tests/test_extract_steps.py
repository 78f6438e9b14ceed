"""The steps of extraction, each on its own: identifying the report,
collecting the overview's rows, reconciling area scores and the total.
Inputs are built here, so each rule is seen with nothing else in the way."""

from __future__ import annotations

import pytest

from pipeline.extract import (NotAReport, QuestionRows, SectionsRead, collect_questions, identify, reconcile_areas,
                              reconcile_total, require_a_report)
from pipeline.extract.model import Report
from pipeline.extract.reference import report_form
from pipeline.extract.tables import Overview, OverviewRow

FORM = report_form()


def _report(municipality: str | None = "Torsås") -> Report:
    return Report(municipality, "0834", "Kalmar län", 2017, "2016", None, None, None)


def _codes(report: Report) -> list[str]:
    return [f.code for f in report.flags]


def _rows(area: int, points: list[float | None], maxima: list[float]) -> list[OverviewRow]:
    return [OverviewRow(area, f"{area}.{k}", f"fråga {k}", p, m, None)
            for k, (p, m) in enumerate(zip(points, maxima), 1)]


def _areas(report: Report) -> dict[int, tuple]:
    return {a.number: (a.score, a.max, a.score_source) for a in report.areas}


def test_an_area_score_is_taken_from_where_the_report_prints_it_and_never_from_rows_missing():
    """Area 1: the overview's total row; area 2: only its section's box;
    area 3: every row there, nothing printed (their sum, flagged as
    derived); area 4: a row lost and nothing printed (unknown, flagged with
    the sum it is not); area 5: the box and the overview disagree (the
    overview's, both numbers said)."""
    rows = QuestionRows()
    rows.questions[1] = _rows(1, [20, 25], [50, 50])
    rows.totals[1] = OverviewRow(1, None, None, 45, 100, None)
    rows.questions[3] = _rows(3, [30, 20], [60, 40])
    rows.questions[4] = _rows(4, [30, 20], [40, 40])  # maxima sum to 80: a row is missing
    rows.totals[5] = OverviewRow(5, None, None, 61, 100, None)
    read = SectionsRead(scores={2: 52.0, 5: 60.0})
    for a in FORM.area_numbers:
        read.parts[a] += 1
    report = _report()
    reconcile_areas(report, Overview(), read, rows)
    areas = _areas(report)
    assert areas[1] == (45, 100, "overview")
    assert areas[2] == (52, 100, "section")
    assert areas[3] == (50, 100, "questions") and "area_score_from_questions" in _codes(report)
    assert areas[4] == (None, 100, None)
    [unknown] = [f for f in report.flags if f.code == "area_score_unknown"]
    assert "area 4" in unknown.message and "(50)" in unknown.message and unknown.severity == "error"
    [mismatch] = [f for f in report.flags if f.code == "area_score_mismatch"]
    assert "60" in mismatch.message and "61" in mismatch.message and areas[5][0] == 61
    assert len(report.areas) == FORM.areas
    assert "question_max_mismatch" in _codes(report)  # area 4's 80 of 100


def test_a_total_rows_misread_maximum_gives_way_to_the_framework_and_its_rows():
    rows = QuestionRows()
    rows.questions[1] = _rows(1, [20, 25], [50, 50])
    rows.totals[1] = OverviewRow(1, None, None, 45, 200, None)  # "200" read for 100
    report = _report()
    reconcile_areas(report, Overview(), SectionsRead(), rows)
    assert _areas(report)[1] == (45, FORM.area_max, "overview")
    assert "area_max_misread" in _codes(report)


def test_the_total_is_the_printed_one_else_the_sum_of_every_area_else_unknown():
    def with_scores(scores):
        report = _report()
        report.areas = [type("A", (), {"score": s, "max": 100.0})() for s in scores]
        return report

    report = with_scores([45] * FORM.areas)
    reconcile_total(report, ["Torsås kommun 2017 - 373 poäng", "totalt 370 poäng"])
    assert report.total_score == 370 and report.max_score == FORM.total_max
    assert {"total_printed_differently", "total_mismatch"} <= set(_codes(report))

    report = with_scores([45] * FORM.areas)
    reconcile_total(report, ["no total printed here"])
    assert report.total_score == 45 * FORM.areas
    assert [(f.code, f.severity) for f in report.flags] == [("total_not_printed", "info")]

    report = with_scores([45] * (FORM.areas - 1) + [None])
    reconcile_total(report, ["no total printed here"])
    assert report.total_score is None
    assert [(f.code, f.severity) for f in report.flags] == [("total_not_printed", "warning")]
    assert str(45 * (FORM.areas - 1)) in report.flags[0].message  # the sum it is not


def test_a_sub_question_number_read_twice_keeps_its_first_row():
    overview = Overview(rows=[*_rows(2, [5, 7], [10, 20]), OverviewRow(2, "2.1", "again", 9, 10, None),
                              OverviewRow(2, None, None, 12, 100, None)])
    report = _report()
    rows = collect_questions(report, overview)
    assert [(q.number, q.score) for q in report.questions] == [("2.1", 5), ("2.2", 7)]
    assert rows.totals[2].score == 12 and len(rows.questions[2]) == 2
    assert _codes(report) == ["question_number_repeated"]


def test_a_report_is_identified_by_its_municipality_year_and_framework():
    texts = ["Kommunkompassen", "Torsås kommun", "Utvärderingen genomfördes i oktober 2017."]
    report = identify([], texts, Overview())
    assert (report.municipality, report.municipality_code, report.year) == ("Torsås", "0834", 2017)
    assert report.framework == "2016" and _codes(report) == ["framework_from_year"]
    unknown = identify([], ["Ingen kommun nämns här."], Overview())
    assert {"unknown_municipality", "no_year", "unknown_framework"} <= set(_codes(unknown))


def test_a_document_without_scores_or_findings_is_not_a_report():
    with pytest.raises(NotAReport, match="'Kommunkompassen' is not mentioned"):
        require_a_report(Overview(), [], ["Protokoll från kommunstyrelsen"], _report(None))
