"""Extraction on documents built in code: layouts the seeds only hint at."""

import pytest

from pipeline.document import Cell, Document, Heading, Origin, Paragraph, Table
from pipeline.extract import NotAReport, extract_report

TITLES_2020 = ["Samspel mellan förtroendevalda och medborgare", "Samhällsutveckling", "Styrning och kontroll",
               "Effektivitet", "Brukarens fokus", "Kvalitetsutveckling", "Arbetsliv",
               "Chefs- och ledarskap samt medarbetarskap"]
# two sub-question titles per area, as an overview prints them
QUESTIONS = {
    1: ["Strategi för demokratiutveckling", "Medborgarnas möjlighet till dialog"],
    2: ["Social hållbarhet", "Ekologisk hållbarhet"],
    3: ["Politisk styrning", "Koncernstyrning"],
    4: ["Jämförelser för ökad effektivitet", "Ny teknik som ökar effektivitet"],
    5: ["Fokus på service", "Förenklade kontakter med kommunen"],
    6: ["Förbättringsarbete", "Samverkan för kvalitetsutveckling"],
    7: ["Strategisk kompetensförsörjning", "Arbetsmiljö och sjukfrånvaro"],
    8: ["Chefers uppdrag", "Intern kommunikation"],
}


def cells(*texts):
    return [Cell([Paragraph(t)]) for t in texts]


def overview(scores):
    rows = []
    for a in range(1, 9):
        rows.append(cells(f"{a}.", TITLES_2020[a - 1], "Uppnått", "Max"))
        q1, q2 = QUESTIONS[a]
        rows.append(cells(f"{a}.1", q1, str(scores[a - 1] // 2), "50"))
        rows.append(cells(f"{a}.2", q2, str(scores[a - 1] - scores[a - 1] // 2), "50"))
        rows.append(cells("", "", str(scores[a - 1]), "100"))
    return Table(rows)


def doc(blocks):
    return Document(Origin("test.pdf", "pdf", "0" * 64, 10), blocks)


FRONT = [
    Heading("KommunKompassen"),
    Paragraph("ANALYS AV HELSINGBORGS STAD 2022"),
    Heading("Utvärderingen", 2),
    Paragraph("Utvärderingen av Helsingborgs stad genomfördes i mars 2022 av två utvärderare."),
]
SCORES = [60, 50, 70, 40, 55, 45, 65, 50]


def test_areas_found_from_subheadings_alone_even_with_an_area_missing():
    """No "Område" headings at all, and area 4 has no section: sub-headings that
    match the overview's question titles place each section, and order fills in."""
    blocks = list(FRONT)
    for a in [1, 2, 3, 5, 6, 7, 8]:
        blocks += [Heading("Allmänt", 3), Paragraph(f"Inledande text om område {a} och dess betydelse.")]
        blocks += [Heading(QUESTIONS[a][0], 3), Paragraph("Beskrivning av arbetet i kommunen.")]
        blocks += [Paragraph("Styrkor"), Paragraph(f"Styrka i område {a}", list_marker="•"),
                   Paragraph("Förbättringsområden"), Paragraph(f"Förbättring i område {a}", list_marker="–")]
    blocks += [Heading("Översikt av poängfördelning", 1), overview(SCORES)]
    r = extract_report(doc(blocks))
    assert (r.municipality, r.municipality_code, r.year, r.framework) == ("Helsingborg", "1283", 2022, "2020")
    placed = {f.text: f.area for f in r.findings}
    for a in [1, 2, 3, 5, 6, 7, 8]:
        assert placed[f"Styrka i område {a}"] == a
        assert placed[f"Förbättring i område {a}"] == a
    assert [a.score for a in r.areas] == SCORES
    assert r.total_score == sum(SCORES)
    codes = {f.code: f.message for f in r.flags}
    assert "area 4" in codes["area_without_section"]


def test_findings_table_with_columns_the_other_way_round_and_bullets_of_all_kinds():
    body = [
        Heading("Område 1 Samspel mellan förtroendevalda och medborgare", 2),
        Paragraph("Text om demokrati."),
        Table([
            cells("Förbättringsområden", "Styrkor"),
            [Cell([Paragraph("Utveckla medborgardialogen", list_marker="\uf0b7"),
                   Paragraph("Tydligare mål", list_marker="1.")]),
             Cell([Paragraph("Bra hemsida"), Paragraph("Öppna protokoll")])],
        ]),
        Heading("Område 2 Samhällsutveckling", 2),
        Paragraph("UTVECKLINGSOMRÅDEN:"),
        Paragraph("Hållbarhetsprogrammet bör följas upp"),
        Paragraph("Folkhälsoarbetet kan samordnas bättre"),
        Heading("Översikt", 1),
        overview(SCORES),
    ]
    r = extract_report(doc(FRONT + body))
    got = [(f.area, f.kind, f.position, f.text) for f in r.findings]
    assert got == [
        (1, "improvement", 1, "Utveckla medborgardialogen"),
        (1, "improvement", 2, "Tydligare mål"),
        (1, "strength", 1, "Bra hemsida"),
        (1, "strength", 2, "Öppna protokoll"),
        (2, "improvement", 1, "Hållbarhetsprogrammet bör följas upp"),
        (2, "improvement", 2, "Folkhälsoarbetet kan samordnas bättre"),
    ]


def test_question_rows_printed_as_text_lines_are_read():
    lines = []
    for a in range(1, 9):
        lines.append(Paragraph(f"{a}.1 {QUESTIONS[a][0]} 12 20 60%"))
    blocks = FRONT + [Heading("Område 1 Samspel mellan förtroendevalda och medborgare", 2),
                      Paragraph("Styrkor"), Paragraph("En styrka", list_marker="•"),
                      Heading("Översikt", 1)] + lines
    r = extract_report(doc(blocks))
    q = {x.number: x for x in r.questions}
    assert len(q) == 8
    assert (q["3.1"].title, q["3.1"].score, q["3.1"].max, q["3.1"].percent) == ("Politisk styrning", 12, 20, 60)


def test_unknown_municipality_is_a_flag_not_a_guess():
    front = [Paragraph("ANALYS AV ATLANTIS KOMMUN 2022"),
             Paragraph("Utvärderingen genomfördes i mars 2022.")]
    blocks = front + [Heading("Område 1 Samspel mellan förtroendevalda och medborgare", 2),
                      Paragraph("Styrkor"), Paragraph("En styrka", list_marker="•"), overview(SCORES)]
    r = extract_report(doc(blocks))
    assert r.municipality is None and r.municipality_code is None
    assert r.id is None
    assert any(f.code == "unknown_municipality" and f.severity == "error" for f in r.flags)
    assert r.year == 2022


def test_printed_total_that_disagrees_with_the_areas_is_flagged():
    blocks = FRONT + [Heading("Område 1 Samspel mellan förtroendevalda och medborgare", 2),
                      Paragraph("Styrkor"), Paragraph("En styrka", list_marker="•"),
                      Heading("Översikt", 1), overview(SCORES),
                      Paragraph("Helsingborgs stad 2022 – 430 poäng")]
    r = extract_report(doc(blocks))
    assert r.total_score == 430
    assert any(f.code == "total_mismatch" and "sum to 435" in f.message for f in r.flags)


def test_a_document_that_is_not_a_report_is_refused():
    blocks = [Heading("Protokoll"), Paragraph("Kommunstyrelsen i Torsås kommun sammanträdde."),
              Paragraph("Beslut fattades om budget.")]
    with pytest.raises(NotAReport, match="not a Kommunkompassen report"):
        extract_report(doc(blocks))


def test_evaluators_where_printed():
    front = FRONT + [Paragraph("Utvärderare: Anna Andersson och Bo Berg")]
    blocks = front + [Heading("Område 1 Samspel mellan förtroendevalda och medborgare", 2),
                      Paragraph("Styrkor"), Paragraph("En styrka", list_marker="•"), overview(SCORES)]
    assert extract_report(doc(blocks)).evaluators == "Anna Andersson och Bo Berg"
    blocks[3] = Paragraph("Utvärderingen har genomförts av Anna Andersson och Bo Berg under våren.")
    assert extract_report(doc(blocks)).evaluators == "Anna Andersson och Bo Berg"


def test_findings_that_look_like_fragments_are_flagged_and_whole_ones_are_not():
    """What a reader that lost a table's structure produces: a wrapped line as a
    finding of its own (lower case), a finding cut after "och". Whole findings
    ("e-tjänster" may start in lower case) raise nothing."""
    def report(improvements):
        body = [Heading("Område 1 Samspel mellan förtroendevalda och medborgare", 2),
                Paragraph("Text om demokrati."),
                Table([cells("Styrkor", "Förbättringsområden"),
                       [Cell([Paragraph("Bra hemsida")]), Cell([Paragraph(t) for t in improvements])]]),
                Heading("Översikt", 1), overview(SCORES)]
        return extract_report(doc(FRONT + body))

    whole = report(["Utveckla medborgardialogen", "e-tjänster för fler ärenden"])
    assert not {f.code for f in whole.flags} & {"finding_starts_lowercase", "finding_ends_open"}
    broken = report(["Utveckla uppföljningen av nämndernas mål och", "resultaten över tid"])
    flags = {f.code: f for f in broken.flags}
    assert flags["finding_starts_lowercase"].severity == "warning"
    assert "1 of 3 findings" in flags["finding_starts_lowercase"].message
    assert "'resultaten över tid'" in flags["finding_starts_lowercase"].message
    assert "areas 1" in flags["finding_ends_open"].message
    doubts = {f.text: f.doubt for f in broken.findings}
    assert doubts == {"Bra hemsida": None, "Utveckla uppföljningen av nämndernas mål och": "ends_open",
                      "resultaten över tid": "starts_lowercase"}


def test_a_page_number_or_score_line_taken_for_a_finding_is_marked():
    """A reader that keeps a page footer or a stray score cell among the
    findings ("6 (33)", "Poäng = - | 68") leaves it marked, never silent; a
    finding of one word stays unmarked."""
    body = [Heading("Område 1 Samspel mellan förtroendevalda och medborgare", 2),
            Paragraph("Text om demokrati."),
            Table([cells("Styrkor", "Förbättringsområden"),
                   [Cell([Paragraph("Medborgardialog"), Paragraph("6 (33)")]),
                    Cell([Paragraph("Utveckla webben"), Paragraph("Poäng = - | 68")])]]),
            Heading("Översikt", 1), overview(SCORES)]
    report = extract_report(doc(FRONT + body))
    doubts = {f.text: f.doubt for f in report.findings}
    assert doubts == {"Medborgardialog": None, "6 (33)": "looks_like_furniture", "Utveckla webben": None,
                      "Poäng = - | 68": "looks_like_furniture"}
    flag = next(f for f in report.flags if f.code == "finding_looks_like_furniture")
    assert flag.severity == "warning" and "2 of 4 findings" in flag.message


def test_a_join_the_reader_doubts_is_marked_on_its_finding_and_flagged():
    """The reader joined two lines it could not tell apart from a new finding
    (Paragraph.doubt): the finding carries the doubt and the report says so."""
    body = [Heading("Område 1 Samspel mellan förtroendevalda och medborgare", 2),
            Table([cells("Styrkor", "Förbättringsområden"),
                   [Cell([Paragraph("Bra hemsida")]),
                    Cell([Paragraph("Ett samlat styrdokument? Fortsätt arbetet", doubt="may_join_two"),
                          Paragraph("Utveckla dialogen")])]]),
            Heading("Översikt", 1), overview(SCORES)]
    r = extract_report(doc(FRONT + body))
    assert [(f.text, f.doubt) for f in r.findings if f.kind == "improvement"] == [
        ("Ett samlat styrdokument? Fortsätt arbetet", "may_join_two"), ("Utveckla dialogen", None)]
    flag = next(f for f in r.flags if f.code == "finding_may_join_two")
    assert flag.severity == "warning" and "1 of 3 findings" in flag.message


def test_a_sub_question_row_without_points_is_an_error_flag():
    table = overview(SCORES)
    table.rows[1] = cells("1.1", QUESTIONS[1][0], "", "50")
    r = extract_report(doc(FRONT + [Heading("Översikt", 1), table]))
    assert [q.score for q in r.questions if q.number == "1.1"] == [None]
    assert any(f.code == "question_score_missing" and "1.1" in f.message and f.severity == "error" for f in r.flags)


def test_a_section_without_evidence_stays_with_the_area_heading_above_it():
    """Under "Område 2" the Rubriker box came out as plain text (its table was
    cut by a page break), so the "Allmänt" heading every area has starts a new
    part. With nothing saying which area that part is, it stays with area 2
    rather than taking area 3's number before area 3's own heading."""
    blocks = list(FRONT)
    for a in range(1, 9):
        blocks += [Heading(f"Område {a} {TITLES_2020[a - 1]}", 2)]
        if a == 2:
            blocks += [Paragraph("Rubriker Poäng"), Paragraph("Strategi för hållbarhet 41")]
        blocks += [Heading("Allmänt", 3), Paragraph(f"Inledande text om område {a} och dess betydelse.")]
        blocks += [Paragraph("Styrkor"), Paragraph(f"Styrka i område {a}", list_marker="•"),
                   Paragraph("Förbättringsområden"), Paragraph(f"Förbättring i område {a}", list_marker="–")]
    blocks += [Heading("Översikt", 1), overview(SCORES)]
    r = extract_report(doc(blocks))
    assert [(f.area, f.text) for f in r.findings if f.kind == "strength"] == [
        (a, f"Styrka i område {a}") for a in range(1, 9)]
    assert not {f.code for f in r.flags} & {"area_without_findings", "area_number_overruled"}


def test_a_rubriker_box_run_together_by_the_reader_is_still_a_rubriker_box():
    """A "Rubriker | Poäng" box set all in bold: the reader cannot tell its
    header row and gives one row, "Rubriker – topic – topic" and "Poäng 45".
    It is read as the box (score and topics), never as findings ("Poäng",
    "45" as improvements)."""
    blocks = list(FRONT)
    for a in range(1, 9):
        blocks += [Heading(f"Område {a} {TITLES_2020[a - 1]}", 2),
                   Table([[Cell([Paragraph(f"Rubriker – {QUESTIONS[a][0]} – {QUESTIONS[a][1]}")]),
                           Cell([Paragraph(f"Poäng {SCORES[a - 1]}")])]]),
                   Paragraph("Styrkor"), Paragraph(f"Styrka i område {a}", list_marker="•"),
                   Paragraph("Förbättringsområden"), Paragraph(f"Förbättring i område {a}", list_marker="–")]
    r = extract_report(doc(blocks))
    assert sorted(f.text for f in r.findings) == sorted(
        [f"Styrka i område {a}" for a in range(1, 9)] + [f"Förbättring i område {a}" for a in range(1, 9)])
    assert [(a.number, a.score, a.score_source) for a in r.areas] == [
        (a, float(SCORES[a - 1]), "section") for a in range(1, 9)]


def test_a_sub_question_number_read_twice_keeps_the_first_and_says_so(tmp_path):
    """OCR (or a careless table) gives two rows "2.1": one report, one row per
    number, a flag, and the report is stored (a repeated key once stopped the
    whole ingest)."""
    table = overview(SCORES)
    table.rows.insert(6, cells("2.1", "Samma nummer igen", "9", "50"))
    blocks = FRONT + [Heading("Område 1 Samspel mellan förtroendevalda och medborgare", 2),
                      Paragraph("Styrkor"), Paragraph("En styrka", list_marker="•"), table]
    r = extract_report(doc(blocks))
    numbers = [q.number for q in r.questions]
    assert len(numbers) == len(set(numbers)) == 16
    assert next(q for q in r.questions if q.number == "2.1").title == QUESTIONS[2][0]
    assert any(f.code == "question_number_repeated" and "2.1" in f.message for f in r.flags)
    from pipeline.store import Source, open_db, save_report
    db = open_db(tmp_path / "k.db")
    save_report(db, "1283-2022", r, Source("test.pdf", "0" * 64, "pdf", 10), "test")
    assert db["questions"].count == 16


def test_unreadable_sub_question_numbers_are_taken_from_their_neighbours():
    """OCR lost or garbled some numbers of an overview: "1" for 1.1 (first of
    its area), "2:2" between 2.1 and 2.3, "Jil" for 3.2 (the last before the
    area's total row); area 4's two rows both unreadable between its header
    and its total; area 5's rows with its header lost too: nothing says which
    they are, so they are said to be left out, not guessed."""
    table = overview(SCORES)
    table.rows[1] = cells("1", QUESTIONS[1][0], "10", "50")
    table.rows.insert(6, cells("2:2", "En fråga mitt i området", "5", "10"))
    table.rows[7] = cells("2.3", QUESTIONS[2][1], "7", "40")
    table.rows[11] = cells("Jil", QUESTIONS[3][1], "9", "50")  # 3.2, the last of area 3
    table.rows[14] = cells("4:", QUESTIONS[4][0], "20", "50")  # 4.1 and 4.2 both unreadable, between
    table.rows[15] = cells("", QUESTIONS[4][1], "20", "50")  # area 4's header and its total
    table.rows[17] = cells("", TITLES_2020[4], "Uppnått", "Max")  # area 5's header lost ...
    table.rows[18] = cells("5,", QUESTIONS[5][0], "13", "50")  # ... and both its numbers:
    table.rows[19] = cells("", QUESTIONS[5][1], "14", "50")  # nothing says which they are
    blocks = FRONT + [Heading("Område 1 Samspel mellan förtroendevalda och medborgare", 2),
                      Paragraph("Styrkor"), Paragraph("En styrka", list_marker="•"), table]
    r = extract_report(doc(blocks))
    by_number = {q.number: q for q in r.questions}
    assert by_number["1.1"].title == QUESTIONS[1][0] and by_number["1.1"].score == 10
    assert by_number["2.2"].title == "En fråga mitt i området" and by_number["2.3"].score == 7
    assert by_number["3.2"].title == QUESTIONS[3][1] and by_number["3.2"].score == 9
    assert by_number["4.1"].title == QUESTIONS[4][0] and by_number["4.2"].title == QUESTIONS[4][1]
    assert "5.1" not in by_number and "5.2" not in by_number
    flags = {f.code: f.message for f in r.flags}
    assert all(n in flags["question_number_inferred"] for n in ("1.1", "2.2", "3.2", "4.1", "4.2"))
    assert flags["question_number_unreadable"].startswith("2 overview row(s)")
    assert QUESTIONS[5][0][:20] in flags["question_number_unreadable"]


def test_a_question_number_with_another_areas_digit_takes_the_area_around_it():
    """OCR reads "7.2" as "1.2" and "6.1" as "5.1": each stands in its area's
    run of rows (after its header, before its total) in the place of question
    k, and is question k: it takes that area's digit, with a flag. With the
    header lost too ("Ifö" for "8."), "3.1" and "8.2" tie: the area after
    the run before (7) decides. Numbers in their places stay as read."""
    table = overview(SCORES)
    table.rows[4 * 5 + 1] = cells("5.1", QUESTIONS[6][0], "20", "50")  # 6.1, after area 6's header
    table.rows[4 * 6 + 2] = cells("1.2", QUESTIONS[7][1], "30", "50")  # 7.2, before area 7's total
    table.rows[4 * 7] = cells("Ifö", TITLES_2020[7], "Uppnått", "Max")  # area 8's header garbled ...
    table.rows[4 * 7 + 1] = cells("3.1", QUESTIONS[8][0], "25", "50")  # ... and 8.1 read as 3.1
    blocks = FRONT + [Heading("Område 1 Samspel mellan förtroendevalda och medborgare", 2),
                      Paragraph("Styrkor"), Paragraph("En styrka", list_marker="•"), table]
    r = extract_report(doc(blocks))
    by_number = {q.number: q for q in r.questions}
    assert (by_number["6.1"].title, by_number["6.1"].score) == (QUESTIONS[6][0], 20)
    assert (by_number["7.2"].title, by_number["7.2"].score) == (QUESTIONS[7][1], 30)
    assert by_number["5.1"].title == QUESTIONS[5][0] and by_number["1.2"].title == QUESTIONS[1][1]
    assert (by_number["8.1"].title, by_number["3.1"].title) == (QUESTIONS[8][0], QUESTIONS[3][0])
    assert len(r.questions) == 16
    flags = {f.code: f.message for f in r.flags}
    assert all(f"{t} (read as {m})" in flags["question_number_inferred"]
               for t, m in (("6.1", "5.1"), ("7.2", "1.2"), ("8.1", "3.1")))
    assert "question_number_repeated" not in flags and "question_max_mismatch" not in flags


def test_an_area_without_a_total_row_keeps_the_frameworks_maximum_and_says_when_rows_fall_short():
    """Area 3's total row and its second question were not read: its maximum
    is the framework's 100, not the 50 its one question adds up to, and its
    score is unknown, never the sum of the rows read; the shortfall is flagged."""
    table = overview(SCORES)
    del table.rows[4 * 2 + 2:4 * 2 + 4]
    blocks = FRONT + [Heading("Område 1 Samspel mellan förtroendevalda och medborgare", 2),
                      Paragraph("Styrkor"), Paragraph("En styrka", list_marker="•"), table]
    r = extract_report(doc(blocks))
    area3 = next(a for a in r.areas if a.number == 3)
    assert area3.max == 100 and area3.score is None and area3.score_source is None
    flags = {f.code: f for f in r.flags}
    assert "area 3: sub-question maxima sum to 50 but the area maximum is 100" in flags["question_max_mismatch"].message
    assert flags["area_score_unknown"].severity == "error"
    assert f"not the sum of the rows read ({SCORES[2] // 2})" in flags["area_score_unknown"].message
    assert r.total_score is None  # no total printed: the sum of seven areas is not the total
    assert "only 7 of 8 area scores are known: the total is unknown" in flags["total_not_printed"].message


def test_a_total_rows_maximum_against_the_framework_and_its_rows_is_misread():
    """Area 4's total row reads "200" for its maximum (OCR); the framework
    and its rows' maxima (50 + 50) both say 100: 100 is stored, with a
    warning naming both numbers. A maximum the rows agree with stays."""
    table = overview(SCORES)
    table.rows[4 * 3 + 3] = cells("", "", str(SCORES[3]), "200")
    blocks = FRONT + [Heading("Område 1 Samspel mellan förtroendevalda och medborgare", 2),
                      Paragraph("Styrkor"), Paragraph("En styrka", list_marker="•"), table]
    r = extract_report(doc(blocks))
    assert [(a.number, a.score, a.max) for a in r.areas][3] == (4, SCORES[3], 100)
    flags = {f.code: f for f in r.flags}
    assert flags["area_max_misread"].severity == "warning"
    assert "area 4: its total row prints a maximum of 200" in flags["area_max_misread"].message
    assert "question_max_mismatch" not in flags
    assert r.max_score == 800


def test_an_area_whose_rows_are_all_there_without_a_total_row_takes_their_sum():
    table = overview(SCORES)
    del table.rows[4 * 2 + 3]  # area 3's total row only
    blocks = FRONT + [Heading("Område 1 Samspel mellan förtroendevalda och medborgare", 2),
                      Paragraph("Styrkor"), Paragraph("En styrka", list_marker="•"), table]
    r = extract_report(doc(blocks))
    area3 = next(a for a in r.areas if a.number == 3)
    assert (area3.score, area3.max, area3.score_source) == (SCORES[2], 100, "questions")
    assert "area_score_unknown" not in {f.code for f in r.flags}


def test_a_long_label_read_with_a_letter_wrong_still_announces_its_findings():
    """OCR reads "FÖRBÄTTRINGSOMRÅDEN" as "FÖRBÄLTRINGSOMRÅDEN": one letter in
    ten may be wrong in a long label, and its list is still the area's
    improvements (two letters wrong in one of 16 or more: "FÖRBÄLLRINGSOMRÅDEN");
    a short label one letter off, or another word, is no label."""
    from pipeline.extract.text import finding_label

    assert finding_label("FÖRBÄLTRINGSOMRÅDEN") == finding_label("Förbättringsområden:") == "improvement"
    assert finding_label("Utvecklingsomraden") == finding_label("FÖRBÄLLRINGSOMRÅDEN") == "improvement"
    assert finding_label("FORBATTRINGSOMRADEN") == "improvement"  # the dots and rings lost
    assert finding_label("FÖRBÄLTTRKRINGSOMRÅDEN") == "improvement"
    assert finding_label("Förbättringsarbete") is None and finding_label("Utvecklingsarbete") is None
    assert finding_label("STYRKDR") is None and finding_label("Förbättringar") is None
    assert finding_label("Förbättringsområdena inom") is None
    blocks = FRONT + [Heading("Område 1 Samspel mellan förtroendevalda och medborgare", 2),
                      Paragraph("STYRKOR"), Paragraph("En styrka", list_marker="•"),
                      Paragraph("FÖRBÄLTRINGSOMRÅDEN"), Paragraph("En förbättring", list_marker="•"),
                      overview(SCORES)]
    r = extract_report(doc(blocks))
    assert [(f.area, f.kind, f.text) for f in r.findings] == [(1, "strength", "En styrka"),
                                                              (1, "improvement", "En förbättring")]


def test_an_area_with_one_kind_of_finding_stands_out_where_the_others_give_both():
    blocks = list(FRONT)
    for a in range(1, 6):
        blocks += [Heading(f"Område {a} {TITLES_2020[a - 1]}", 2), Paragraph("Styrkor"),
                   Paragraph(f"Styrka {a}", list_marker="•")]
        if a != 3:
            blocks += [Paragraph("Förbättringsområden"), Paragraph(f"Förbättring {a}", list_marker="•")]
    blocks.append(overview(SCORES))
    flags = [f for f in extract_report(doc(blocks)).flags if f.code == "area_findings_one_kind"]
    assert [f.message.split(":")[0] for f in flags] == ["area 3"]
    assert "improvements not found, though 4 other areas give both" in flags[0].message


def test_a_sub_question_row_that_disagrees_with_itself_is_flagged():
    """OCR reads "7" as "74" (of 20) and "1" as "4" (of 10, printed 10%):
    more points than the maximum, and points no rounding of the printed
    percent gives, are flagged by row; a row whose points are its percent
    rounded (8 of 15 printed 50%: 7.5) is not. The area's sum then differs
    by more than rounding, and the message no longer calls it rounding."""
    table = overview(SCORES)
    table.rows[1] = cells("1.1", QUESTIONS[1][0], "74", "20", "36%")
    table.rows[2] = cells("1.2", QUESTIONS[1][1], "4", "10", "10%")
    table.rows[5] = cells("2.1", QUESTIONS[2][0], "8", "15", "50%")
    blocks = FRONT + [Heading("Område 1 Samspel mellan förtroendevalda och medborgare", 2),
                      Paragraph("Styrkor"), Paragraph("En styrka", list_marker="•"), table]
    flags = {f.code: f.message for f in extract_report(doc(blocks)).flags}
    assert flags["question_score_above_max"].startswith("sub-question(s) 1.1 (74 of 20)")
    assert flags["question_percent_mismatch"].startswith("sub-question(s) 1.2 (4 of 10, printed as 10%)")
    assert "2.1" not in flags["question_percent_mismatch"]
    sums = [f.message for f in extract_report(doc(blocks)).flags if f.code == "question_sum_mismatch"]
    assert any(m.startswith("area 1:") and "no rounding of the area score" in m for m in sums)
    # area 3: the percentages agree with the area score, one row's points do not: misread, not rounded
    table.rows[9] = cells("3.1", QUESTIONS[3][0], "45", "50", "70%")  # 35 printed, read 45
    table.rows[10] = cells("3.2", QUESTIONS[3][1], "35", "50", "70%")
    sums = [f.message for f in extract_report(doc(blocks)).flags if f.code == "question_sum_mismatch"]
    (area3,) = [m for m in sums if m.startswith("area 3:")]
    assert "give 70.0, as the area score says: a sub-question's points are misread" in area3


def test_areas_without_sub_questions_are_flagged_where_others_have_them():
    table = overview(SCORES)
    del table.rows[4 * 6 + 1:4 * 6 + 3]  # area 7's two question rows lost
    blocks = FRONT + [Heading("Område 1 Samspel mellan förtroendevalda och medborgare", 2),
                      Paragraph("Styrkor"), Paragraph("En styrka", list_marker="•"), table]
    flags = {f.code: f.message for f in extract_report(doc(blocks)).flags}
    assert flags["area_without_questions"].startswith("area(s) 7: no sub-question scores read, though 7 other")
    # no question row read at all (a scanned table whose numbers were skipped)
    headers_and_totals = Table([r for i, r in enumerate(overview(SCORES).rows) if i % 4 in (0, 3)])
    blocks = FRONT + [Heading("Område 1 Samspel mellan förtroendevalda och medborgare", 2),
                      Paragraph("Styrkor"), Paragraph("En styrka", list_marker="•"), headers_and_totals]
    r = extract_report(doc(blocks))
    assert not r.questions
    assert {f.code: f.message for f in r.flags}["questions_not_found"].startswith("no sub-question scores were read")


def test_misread_numbers_that_repeat_earlier_ones_do_not_outvote_the_area_they_stand_in():
    """Area 7's header garbled and its first two numbers read as 1.1 and 1.2
    (area 1's, given before): they have no vote, so the run is area 7's,
    not area 1's, and 7.3 is not 'corrected' to 1.3."""
    table = overview(SCORES)
    table.rows[4 * 6] = cells("Ta", TITLES_2020[6], "Uppnått", "Max")
    table.rows[4 * 6 + 1] = cells("1.1", QUESTIONS[7][0], "10", "30")
    table.rows[4 * 6 + 2] = cells("1.2", QUESTIONS[7][1], "10", "30")
    table.rows.insert(4 * 6 + 3, cells("7.3", "En tredje fråga", "12", "40"))
    blocks = FRONT + [Heading("Område 1 Samspel mellan förtroendevalda och medborgare", 2),
                      Paragraph("Styrkor"), Paragraph("En styrka", list_marker="•"), table]
    r = extract_report(doc(blocks))
    by_number = {q.number: q for q in r.questions}
    assert [by_number[n].title for n in ("7.1", "7.2", "7.3")] == [*QUESTIONS[7], "En tredje fråga"]
    assert [by_number[n].title for n in ("1.1", "1.2")] == QUESTIONS[1]
    assert "7.1 (read as 1.1), 7.2 (read as 1.2)" in {f.code: f.message for f in r.flags}["question_number_inferred"]


def test_a_score_cell_that_is_no_number_leaves_the_score_unknown():
    """OCR's "åN" or ">" where a row's points belong: the points are unknown
    and the maximum stays the maximum, not taken for the points."""
    from pipeline.extract.tables import _row_points

    assert _row_points(["Hur informerar kommunen om service?", "åN", "20", "36%"]) == (None, 20.0, 36.0)
    assert _row_points(["Rapporterar förvaltningen", ">", "25", "35%"]) == (None, 25.0, 35.0)
    # a title's last word wrapped into a cell of its own is still the title
    assert _row_points(["Hur arbetar kommunen med", "in-", "?", "7", "20", "36%"])[:2] == (7.0, 20.0)


def test_a_rubriker_box_read_with_em_dashes_gives_its_topics_and_score():
    """A scan's en dashes read as em dashes ("Rubriker — Strategi …")."""
    from pipeline.document import Cell, Paragraph, Table
    from pipeline.extract.tables import read_rubriker

    def cell(*texts):
        return Cell([Paragraph(t) for t in texts])

    box = Table([[cell("Rubriker — Strategi för demokratiutveckling — Information till medborgare"),
                  cell("Poäng 45")]])
    got = read_rubriker(box)
    assert got is not None and got.score == 45
    assert got.topics == ["Strategi för demokratiutveckling", "Information till medborgare"]


def test_a_short_word_of_a_title_in_a_cell_of_its_own_is_no_score():
    from pipeline.extract.tables import _row_points

    assert _row_points(["Hur arbetar kommunen med mål och", "av", "7", "20", "36%"]) == (7.0, 20.0, 36.0)


def test_a_question_row_that_fell_out_of_its_table_as_a_line_is_kept():
    """An overview whose row 7.2 the reader left as a line of text between
    two parts of the table (OCR measured that row's size apart) keeps the
    row with its points; a line of another area's number is not taken."""
    from pipeline.extract.structure import overview_of, to_units

    def row(*texts):
        return [Cell([Paragraph(t)]) if t else Cell() for t in texts]

    doc = Document(Origin("x.pdf", "pdf", "0"), [
        Table([row("7.", "Ständiga förbättringar", "Uppnått", "Max", "Procent"),
               row("7.1", "Finns en strategi för ständiga förbättringar?", "4", "15", "28%")]),
        Paragraph("7.2 Arbetar verksamheterna med analys av avvikelser, brister 11 25 43%"),
        Paragraph("och problem?"),
        Table([row("7.3", "Sker extern omvärldsspaning och samverkan?", "8", "20", "41%")]),
        Paragraph("9.1 Tjugo saker 3 10 30%"),
    ])
    got = overview_of(to_units(doc), doc)
    rows = {r.number: (r.score, r.max) for r in got.rows}
    assert rows == {"7.1": (4.0, 15.0), "7.2": (11.0, 25.0), "7.3": (8.0, 20.0)}


def test_findings_only_from_a_headerless_table_need_a_name_to_make_a_report():
    """An illegible scan's junk lines in two columns look like a findings
    table without its header: with nothing else (no municipality, no
    "Kommunkompassen") it is no report; with the municipality named it is."""
    def cell(text):
        return Cell([Paragraph(text)])

    junk = Table([[cell("Talar fefen fährer ft Kökar"), cell("Emir OA uven fed")],
                  [cell("Erna dep tba ov"), cell("Poli i fyrirkg AT")]])
    with pytest.raises(NotAReport):
        extract_report(Document(Origin("scan.pdf", "pdf", "0"), [Paragraph("Taslkörrmran västern"), junk]))
    named = extract_report(Document(Origin("scan.pdf", "pdf", "0"), [Paragraph("Torsås kommun 2021"), junk]))
    assert named.municipality == "Torsås" and len(named.findings) == 4


def test_an_area_score_printed_in_any_form_is_read_and_never_the_sum_of_the_rows_found():
    """No overview total rows, and area 3's second row lost. Each area's
    section prints its score another way: "Poäng: 60 av 100" (area 1), "50
    poäng av 100 möjliga" (2), at the end of its heading "... kontroll 70 p"
    (3, whose rows are incomplete: 70 is printed, not the 35 found), "Poäng
    40/100" (4); areas 5-8 print none (their rows are whole: the sum). Each
    printed score is stored from the section, with the framework's maximum;
    the total is the sum of the eight, as nothing prints one."""
    table = overview(SCORES)
    for a in range(8, 0, -1):  # every total row out
        del table.rows[4 * (a - 1) + 3]
    del table.rows[3 * 2 + 2]  # area 3's second question
    forms = {1: [Paragraph("Poäng: 60 av 100")], 2: [Paragraph("50 poäng av 100 möjliga")],
             3: [], 4: [Paragraph("Poäng 40/100")]}
    blocks = list(FRONT) + [table]
    for a in range(1, 9):
        title = f"Område {a} {TITLES_2020[a - 1]}" + (" 70 p" if a == 3 else "")
        blocks += [Heading(title, 2), *forms.get(a, []), Paragraph("Styrkor"),
                   Paragraph(f"Styrka i område {a}", list_marker="•"), Paragraph("Förbättringsområden"),
                   Paragraph(f"Förbättring i område {a}", list_marker="•")]
    r = extract_report(doc(blocks))
    got = {a.number: (a.score, a.max, a.score_source) for a in r.areas}
    assert got[1] == (60, 100, "section") and got[2] == (50, 100, "section")
    assert got[3] == (70, 100, "section") and got[4] == (40, 100, "section")
    assert all(got[a] == (SCORES[a - 1], 100, "questions") for a in range(5, 9))
    assert r.areas[2].title == TITLES_2020[2]  # the score is not part of the title
    flags = {f.code: f for f in r.flags}
    assert "area 3: sub-question points sum to 35 but the area score is 70" in flags["question_sum_mismatch"].message
    assert "area_score_unknown" not in flags
    assert r.total_score == sum(SCORES) and flags["total_not_printed"].severity == "info"
    # the line is no narrative text of its area
    assert not any("Poäng" in s.text for s in r.sections)


def test_an_area_section_that_prints_two_scores_says_so():
    blocks = list(FRONT) + [Heading(f"Område 1 {TITLES_2020[0]} 58 p", 2), Paragraph("Poäng: 60 av 100"),
                            Paragraph("Styrkor"), Paragraph("En styrka", list_marker="•")]
    r = extract_report(doc(blocks))
    assert r.areas[0].score == 58
    [flag] = [f for f in r.flags if f.code == "area_score_mismatch"]
    assert "58 and 60" in flag.message


@pytest.mark.parametrize("form", ["poäng av", "p (max)"])
def test_a_report_printed_without_any_table_gives_every_score_and_places_every_section(form):
    """No table anywhere: each section's topics as a list and a line of its
    score, no "Område" headings for areas 3-6, and an overview of lines (an
    area's line, its score on the next line or on the same, its questions)."""
    def question(a, k, score, max_):
        title = QUESTIONS[a][k]
        return (f"{a}.{k + 1} {title} – {score} av {max_} poäng ({round(100 * score / max_)}%)" if form == "poäng av"
                else f"{a}.{k + 1} {title} – {score} p (max {max_})")

    blocks = list(FRONT) + [Heading("Genomgång per område", 1)]
    for a in range(1, 9):
        if a not in (3, 4, 5, 6):
            blocks.append(Heading(f"Område {a} {TITLES_2020[a - 1]}", 2))
        blocks += [Paragraph(t, list_marker="•") for t in QUESTIONS[a]]
        blocks.append(Paragraph(f"Poäng: {SCORES[a - 1]} av 100" if form == "p (max)" else f"{SCORES[a - 1]} poäng av 100"))
        blocks += [Heading("Allmänt", 3), Paragraph(f"Inledande text om område {a}."),
                   Heading(QUESTIONS[a][1], 3), Paragraph("Beskrivning av arbetet i kommunen."),
                   Paragraph("Styrkor"), Paragraph(f"Styrka i område {a}", list_marker="•"),
                   Paragraph("Förbättringsområden"), Paragraph(f"Förbättring i område {a}", list_marker="•")]
    blocks.append(Heading("4. Översikt av poängfördelning", 1))
    for a in range(1, 9):
        half = SCORES[a - 1] // 2
        if form == "p (max)":
            blocks += [Heading(f"{a}. {TITLES_2020[a - 1]}", 3), Paragraph(f"Poäng: {SCORES[a - 1]} av 100")]
        else:
            blocks.append(Paragraph(f"Område {a} {TITLES_2020[a - 1]}: {SCORES[a - 1]} av 100 poäng ({SCORES[a - 1]}%)"))
        blocks += [Paragraph(question(a, 0, half, 50)), Paragraph(question(a, 1, SCORES[a - 1] - half, 50))]
    r = extract_report(doc(blocks))
    placed = {f.text: f.area for f in r.findings}
    assert all(placed[f"Styrka i område {a}"] == a and placed[f"Förbättring i område {a}"] == a for a in range(1, 9))
    assert [a.score for a in r.areas] == SCORES and [a.max for a in r.areas] == [100] * 8
    assert {a.title for a in r.areas} >= {"Styrning och kontroll", "Kvalitetsutveckling"}
    q = {x.number: (x.title, x.score, x.max) for x in r.questions}
    assert len(q) == 16 and q["3.2"] == (QUESTIONS[3][1], 35, 50)
    assert r.total_score == sum(SCORES)
    assert not {"area_number_overruled", "questions_not_found", "incomplete_areas", "total_mismatch",
                "missing_area_score"} & {f.code for f in r.flags}
