"""The PDF reader: layout rules on hand-made pages, then real PDFs.

The small PDFs under tests/fixtures/pdf_reader/ are made by make.py there
(python-docx + LibreOffice, like real reports); their expected texts are the
constants of make.py, imported here so they are written down once.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from pathlib import Path

import pytest

from pipeline.document import Heading, Paragraph, ReadError, Table, clean_text
from pipeline.readers.pdf import (
    PageContent,
    PdfSettings,
    RuledTable,
    Word,
    group_lines,
    is_page_number,
    join_lines,
    layout_pages,
    read_pdf,
    words_from_chars,
)

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures" / "pdf_reader"


def _load_make():
    spec = importlib.util.spec_from_file_location("pdf_reader_make", FIX / "make.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


MAKE = _load_make()


# ---------------------------------------------------------------------------
# hand-made pages: words placed like a word processor would

CW = 0.5  # glyph width as a share of the font size


def W(text: str, x0: float, top: float, size: float = 11.0, bold: bool = False) -> list[Word]:
    """The words of one printed line starting at x0."""
    out = []
    x = x0
    for tok in text.split(" "):
        w = len(tok) * CW * size
        out.append(Word(tok, x, x + w, top, top + size, size, bold))
        x += w + 0.25 * size
    return out


def page(n: int, *lines: list[Word], tables=(), height: float = 842.0) -> PageContent:
    words = [w for line in lines for w in line]
    return PageContent(n, 595.0, height, words, list(tables))


def texts(blocks) -> list[str]:
    return [b.text for b in blocks if not isinstance(b, Table)]


PITCH = 13.0
LEFT = 72.0
# the longest line of the hand-made pages: it sets the right edge of the text
FULL = "Kommunen arbetar systematiskt med kvalitet och utveckling inom alla verksamheter och"


# ---------------------------------------------------------------------------
# settings


def test_settings_resolve_and_validate():
    assert PdfSettings.resolve(None) == PdfSettings()
    s = PdfSettings(header_band=0.08)
    assert PdfSettings.resolve(s) is s
    assert PdfSettings.resolve({"paragraph_gap": 0.5}).paragraph_gap == 0.5
    with pytest.raises(ValueError, match="unknown PdfSettings: nope"):
        PdfSettings.resolve({"nope": 1})
    with pytest.raises(TypeError):
        PdfSettings.resolve("fast")
    with pytest.raises(ValueError, match="header_band"):
        PdfSettings(header_band=0.7)
    with pytest.raises(ValueError, match="repeat_fraction"):
        PdfSettings(repeat_fraction=0)
    with pytest.raises(ValueError, match="word_gap"):
        PdfSettings(word_gap=-1)
    with pytest.raises(ValueError, match="borderless_min_rows"):
        PdfSettings(borderless_min_rows=0)
    with pytest.raises(ValueError, match="small_paragraph_gap"):
        PdfSettings(paragraph_gap=0.2, small_paragraph_gap=0.3)


# ---------------------------------------------------------------------------
# glyphs -> words -> lines


def test_words_from_chars_splits_on_gaps_and_drops_fake_bold_duplicates():
    chars = []
    x = 72.0
    for word in ("Torsås", "kommun"):
        for ch in word:
            chars.append((ch, x, x + 5.0, 100.0, 111.0, 11.0, False))
            if ch == "T":  # drawn twice, 0.2 pt apart (fake bold)
                chars.append((ch, x + 0.2, x + 5.2, 100.0, 111.0, 11.0, False))
            x += 5.0
        x += 3.0  # a space without a space glyph
    chars.append(("1", 300.0, 305.0, 200.0, 211.0, 11.0, True))
    words = words_from_chars(chars, PdfSettings())
    assert [(w.text, w.bold) for w in words] == [("Torsås", False), ("kommun", False), ("1", True)]


def test_group_lines_keeps_a_superscript_on_its_line():
    words = W("Kommunen har en vision", LEFT, 100) + [Word("1", 200, 205, 97, 104, 7, False)]
    words += W("som alla känner till.", LEFT, 113)
    lines = group_lines(words)
    assert [l.text for l in lines] == ["Kommunen har en vision 1", "som alla känner till."]
    assert lines[0].size == 11.0


# ---------------------------------------------------------------------------
# running headers and footers


def test_page_number_forms():
    for t in ("3", "3 (34)", "Sida 3 av 34", "sida 3", "Page 3 of 34", "- 3 -", "3/34"):
        assert is_page_number(t), t
    for t in ("3 områden", "Styrkor", "2021 Torsås", "Område 3"):
        assert not is_page_number(t), t


def _body(top: float, text: str = "Det här är en vanlig mening i rapporten.") -> list[Word]:
    return W(text, LEFT, top)


def test_running_header_and_footer_dropped_but_a_heading_near_the_top_once_is_kept():
    pages = []
    for n in range(1, 5):
        lines = [
            W("Kommunkompassen Torsås kommun 2021", 300, 30),
            W(f"{n} (4)", 290, 800),
            _body(120),
        ]
        if n == 3:
            lines.append(W("Styrkor", LEFT, 50, size=16, bold=True))
        if n == 2:
            lines.append(W("45", LEFT, 60))  # a bare number in the band, not a page number
        pages.append(page(n, *lines))
    blocks = layout_pages(pages)
    all_text = " | ".join(texts(blocks))
    assert "Kommunkompassen" not in all_text
    assert not re.search(r"\(4\)", all_text)
    heads = [b for b in blocks if isinstance(b, Heading)]
    assert [(h.text, h.page) for h in heads] == [("Styrkor", 3)]
    assert [(b.text, b.page) for b in blocks if b.text == "45"] == [("45", 2)]


def test_single_page_drops_only_the_page_number():
    p = page(1, W("Utvärderingsrapport", 300, 30), _body(120), W("Sida 1 av 1", 280, 800))
    assert texts(layout_pages([p])) == [
        "Utvärderingsrapport",
        "Det här är en vanlig mening i rapporten.",
    ]


# ---------------------------------------------------------------------------
# paragraphs


def test_wrapped_lines_join_and_gaps_short_lines_and_indents_separate():
    y = 100.0
    lines = []

    def add(text, x=LEFT, gap=0.0):
        nonlocal y
        y += gap
        lines.append(W(text, x, y))
        y += PITCH

    # 1: three wrapped lines
    add(FULL)
    add("förvaltningar som har kontakt med medborgarna och med det lokala näringslivet i hela")
    add("kommunen.")
    # 2: after a paragraph gap; its short first line is followed by a capital
    add("Resultaten redovisas varje år.", gap=8)
    # 3: no gap, but line 2 had room for "Nämnderna": a new paragraph
    add("Nämnderna följer upp sina mål två gånger per år.")
    # 4: a line broken early (forced break) but continuing in lower case
    add("Uppföljningen sker i")
    add("delårsrapporten.")
    # 5, 6: first-line indents
    add("Kommunen har en indragen första rad i det här stycket som fortsätter", x=LEFT + 18, gap=8)
    add(FULL.lower())
    add("slut.")
    add("Nästa stycke har också en indragen första rad.", x=LEFT + 18)
    blocks = layout_pages([page(1, *lines)])
    assert texts(blocks) == [
        FULL + " förvaltningar som har kontakt med medborgarna och med det lokala näringslivet i hela kommunen.",
        "Resultaten redovisas varje år.",
        "Nämnderna följer upp sina mål två gånger per år.",
        "Uppföljningen sker i delårsrapporten.",
        "Kommunen har en indragen första rad i det här stycket som fortsätter " + FULL.lower() + " slut.",
        "Nästa stycke har också en indragen första rad.",
    ]


def test_paragraph_continues_across_a_page_break():
    p1 = page(1, W(FULL, LEFT, 100), W(FULL, LEFT, 113))
    p2 = page(2, W("verksamheter i kommunen.", LEFT, 72), W("Ett nytt stycke börjar här.", LEFT, 100))
    blocks = layout_pages([p1, p2])
    assert texts(blocks) == [
        f"{FULL} {FULL} verksamheter i kommunen.",
        "Ett nytt stycke börjar här.",
    ]
    assert [b.page for b in blocks] == [1, 2]


@pytest.mark.parametrize(
    "a, b, joined",
    [
        ("arbetar med kompetens-", "försörjning i hela", "arbetar med kompetensförsörjning i hela"),
        ("en ledar-", "och medarbetarpolicy", "en ledar- och medarbetarpolicy"),
        ("barn-", "eller utbildning", "barn- eller utbildning"),
        ("nya IT-", "system", "nya IT-system"),
        ("en e-", "tjänst", "en e-tjänst"),
        ("åren 2018-", "2022", "åren 2018-2022"),
        ("Kompetens-", "Försörjning", "Kompetens-Försörjning"),
        ("kommunen -", "vilket", "kommunen - vilket"),
        ("mjuk\u00ad", "bindestreck", "mjukbindestreck"),
    ],
)
def test_join_lines_dehyphenates_conservatively(a, b, joined):
    assert join_lines(a, b) == joined


def test_join_lines_takes_the_documents_own_spelling_as_evidence():
    assert join_lines("nya skol-", "ledare", {"skol-ledare"}) == "nya skol-ledare"
    assert join_lines("nya skol-", "ledare", {"skolledare"}) == "nya skolledare"


# ---------------------------------------------------------------------------
# lists


def test_list_items_markers_and_continuations():
    y = 100.0
    lines = []

    def add(words):
        nonlocal y
        lines.append(words)
        y += PITCH

    add(W("Styrkorna är:", LEFT, y))
    for glyph in ("•", "\uf0b7"):
        add([Word(glyph, LEFT, LEFT + 4, y, y + 11, 11, False)] + W("Kort punkt.", LEFT + 18, y))
    add([Word("•", LEFT, LEFT + 4, y, y + 11, 11, False)] + W(FULL[:70], LEFT + 18, y))
    add(W("som fortsätter på nästa rad – indragen till texten.", LEFT + 18, y))
    add([Word("–", LEFT, LEFT + 5, y, y + 11, 11, False)] + W("Tankstreck med tabb.", LEFT + 18, y))
    add([Word("1.", LEFT, LEFT + 8, y, y + 11, 11, False)] + W("Första steget.", LEFT + 18, y))
    add([Word("2.", LEFT, LEFT + 8, y, y + 11, 11, False)] + W("Andra steget.", LEFT + 18, y))
    add([Word("a)", LEFT, LEFT + 8, y, y + 11, 11, False)] + W("Bokstav.", LEFT + 18, y))
    add(W("•Hopskriven punkt.", LEFT, y))
    # a wrapped sentence whose second line happens to start with a dash
    y += 8
    add(W(FULL, LEFT, y))
    add(W("– enligt kommunen själv.", LEFT, y))
    blocks = layout_pages([page(1, *lines)])
    got = [(b.list_marker, b.text) for b in blocks]
    assert got == [
        (None, "Styrkorna är:"),
        ("•", "Kort punkt."),
        ("\uf0b7", "Kort punkt."),
        ("•", FULL[:70] + " som fortsätter på nästa rad – indragen till texten."),
        ("–", "Tankstreck med tabb."),
        ("1.", "Första steget."),
        ("2.", "Andra steget."),
        ("a)", "Bokstav."),
        ("•", "Hopskriven punkt."),
        (None, FULL + " – enligt kommunen själv."),
    ]
    assert all(b.is_list_item for b in blocks[1:9])


# ---------------------------------------------------------------------------
# headings


def test_headings_by_size_rank_and_bold_labels_stay_separate():
    y = 80.0
    lines = []

    def add(text, size=11.0, bold=False, gap=0.0):
        nonlocal y
        y += gap
        lines.append(W(text, LEFT, y, size=size, bold=bold))
        y += size * 1.18

    for chapter in ("Första kapitlet", "Andra kapitlet"):
        add(chapter, size=16, bold=True, gap=12)
        add("Område ett", size=13, bold=True, gap=6)
        add("STYRKOR", bold=True, gap=4)
        add("Kommunen har en tydlig vision.")
        add("Kommunen har god ekonomi.", gap=6)
        add("Ett fetstilt stycke som är en hel mening och slutar med punkt.", bold=True, gap=6)
    blocks = layout_pages([page(1, *lines)])
    got = [(type(b).__name__, getattr(b, "level", None), b.text) for b in blocks[:6]]
    assert got == [
        ("Heading", 1, "Första kapitlet"),
        ("Heading", 2, "Område ett"),
        ("Heading", 3, "STYRKOR"),
        ("Paragraph", None, "Kommunen har en tydlig vision."),
        ("Paragraph", None, "Kommunen har god ekonomi."),
        ("Paragraph", None, "Ett fetstilt stycke som är en hel mening och slutar med punkt."),
    ]


# ---------------------------------------------------------------------------
# tables


def _cell_words(bbox, lines_text, bold=False, first_top=None):
    x0, top = bbox[0] + 5, (first_top or bbox[1] + 4)
    out = []
    for i, t in enumerate(lines_text):
        out += W(t, x0, top + i * PITCH, bold=bold)
    return out


def test_ruled_table_cells_and_stitching_across_pages():
    L, M, R = 70.0, 297.0, 525.0
    # page 1: paragraph, then a table ending at the bottom of the text area
    h1 = [(L, 700, M, 718), (M, 700, R, 718)]
    r1 = [(L, 718, M, 790), (M, 718, R, 790)]
    t1 = RuledTable((L, 700, R, 790), [h1, r1])
    p1 = page(
        1,
        W("Rapport 2021", 300, 30),
        _body(100, "Tabellen visar styrkor och förbättringar."),
        _cell_words(h1[0], ["Styrkor"], bold=True),
        _cell_words(h1[1], ["Förbättringar"], bold=True),
        _cell_words(r1[0], ["Tydlig vision.", "Kommunen har en tydlig vision som är"]),
        _cell_words(r1[1], ["Målen kan bli mer mätbara."]),
        tables=[t1],
    )
    # page 2: header row repeated, the split row continues in lower case
    h2 = [(L, 72, M, 90), (M, 72, R, 90)]
    c2 = [(L, 90, M, 110), (M, 90, R, 110)]
    r2 = [(L, 110, M, 130), (M, 110, R, 130)]
    t2 = RuledTable((L, 72, R, 130), [h2, c2, r2])
    p2 = page(
        2,
        W("Rapport 2021", 300, 30),
        _cell_words(h2[0], ["Styrkor"], bold=True),
        _cell_words(h2[1], ["Förbättringar"], bold=True),
        _cell_words(c2[0], ["känd av alla."]),
        _cell_words(r2[0], ["Bra skola."]),
        _cell_words(r2[1], ["Inför klimatbokslut."]),
        _body(160, "Text efter tabellen."),
        tables=[t2],
    )
    blocks = layout_pages([p1, p2])
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Table", "Paragraph"]
    table = blocks[1]
    assert table.page == 1
    assert table.row_texts() == [
        ["Styrkor", "Förbättringar"],
        ["Tydlig vision. Kommunen har en tydlig vision som är känd av alla.", "Målen kan bli mer mätbara."],
        ["Bra skola.", "Inför klimatbokslut."],
    ]
    first = table.rows[1][0].paragraphs
    assert [(p.text, p.page) for p in first] == [
        ("Tydlig vision.", 1),
        ("Kommunen har en tydlig vision som är känd av alla.", 1),
    ]
    assert table.rows[2][0].paragraphs[0].page == 2
    assert blocks[2].text == "Text efter tabellen."


def test_a_total_row_alone_on_the_next_page_stays_its_own_row():
    L, A, B, R = 70.0, 110.0, 420.0, 525.0
    cols = [(L, A), (A, B), (B, R)]

    def row(top, bottom):
        return [(x0, top, x1, bottom) for x0, x1 in cols]

    rows1 = [row(700 + 18 * i, 718 + 18 * i) for i in range(5)]  # down to 790
    t1 = RuledTable((L, 700, R, 790), rows1)
    texts1 = [("5.", "Brukarens fokus", "Poäng")] + [(f"5.{i}", f"Fråga nummer {i}", str(10 + i)) for i in range(1, 5)]
    words1 = [w for r, t in zip(rows1, texts1) for c, x in zip(r, t) for w in _cell_words(c, [x])]
    rows2 = [row(72, 90)]
    t2 = RuledTable((L, 72, R, 90), rows2)
    words2 = [w for c, x in zip(rows2[0], ("", "", "52")) if x for w in _cell_words(c, [x])]
    blocks = layout_pages([page(1, words1, tables=[t1]), page(2, words2, tables=[t2])])
    assert len(blocks) == 1
    assert blocks[0].row_texts()[-2:] == [["5.4", "Fråga nummer 4", "14"], ["", "", "52"]]


def test_tables_with_other_columns_are_not_stitched():
    L, M, R = 70.0, 297.0, 525.0
    t1 = RuledTable((L, 700, R, 790), [[(L, 700, M, 790), (M, 700, R, 790)]])
    t2 = RuledTable((L, 72, R, 100), [[(L, 72, 150, 100), (150, 72, 400, 100), (400, 72, R, 100)]])
    p1 = page(1, _cell_words((L, 700, M, 790), ["Vänster."]), _cell_words((M, 700, R, 790), ["Höger."]), tables=[t1])
    p2 = page(
        2,
        _cell_words((L, 72, 150, 100), ["Ett"]),
        _cell_words((150, 72, 400, 100), ["Två"]),
        _cell_words((400, 72, R, 100), ["Tre"]),
        tables=[t2],
    )
    blocks = layout_pages([p1, p2])
    assert [b.row_texts() for b in blocks] == [[["Vänster.", "Höger."]], [["Ett", "Två", "Tre"]]]


def test_a_single_framed_box_is_read_as_body_text():
    box = RuledTable((70, 100, 525, 140), [[(70, 100, 525, 140)]])
    p = page(1, W("En ram runt en mening.", 80, 110), tables=[box])
    blocks = layout_pages([p])
    assert [(type(b).__name__, b.text) for b in blocks] == [("Paragraph", "En ram runt en mening.")]


def test_plain_paragraphs_are_not_mistaken_for_a_borderless_table():
    lines = [W(FULL, LEFT, 100 + i * PITCH) for i in range(6)]
    lines.append(W("Slut.", LEFT, 100 + 6 * PITCH))
    blocks = layout_pages([page(1, *lines)])
    assert not any(isinstance(b, Table) for b in blocks)


def test_borderless_columns_become_a_table():
    rows = [("Område", "2017", "2021"), ("Demokrati", "52", "61"), ("Styrning", "47", "55"), ("Effektivitet", "30", "35")]
    lines = [_body(80, "Poäng per område.")]
    for i, (a, b, c) in enumerate(rows):
        y = 110 + i * PITCH
        lines.append(W(a, LEFT, y) + W(b, 330, y) + W(c, 420, y))
    lines.append(_body(110 + 4 * PITCH + 10, "Efter tabellen."))
    blocks = layout_pages([page(1, *lines)])
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Table", "Paragraph"]
    assert blocks[1].row_texts() == [list(r) for r in rows]


# ---------------------------------------------------------------------------
# real PDFs made by make.py


@pytest.fixture(scope="module")
def report():
    return read_pdf(FIX / "report.pdf")


def body(doc) -> list:
    return [b for b in doc.blocks if not isinstance(b, Table)]


def test_origin(report):
    data = (FIX / "report.pdf").read_bytes()
    assert report.origin.format == "pdf"
    assert report.origin.pages == 6
    assert report.origin.sha256 == hashlib.sha256(data).hexdigest()
    assert report.origin.path.endswith("report.pdf")


def test_no_running_header_or_footer(report):
    for b in report.text_blocks():
        assert MAKE.HEADER_TEXT not in b.text
        assert not re.search(r"\d+ \(6\)", b.text), b.text


def test_body_paragraphs_exact(report):
    paras = [b.text for b in body(report) if isinstance(b, Paragraph) and b.page == 1 and not b.list_marker]
    assert paras[: len(MAKE.INTRO)] == [t.replace("\u00ad", "") for t in MAKE.INTRO]
    # "kompetens-|försörjning" was hyphenated at the line end in the PDF
    assert "kompetensförsörjning" in paras[2]
    # the line ending "ledar-" keeps "ledar- och", the one ending "e-" keeps "e-tjänst"
    assert "gemensam ledar- och medarbetarpolicy" in paras[3]
    assert "gemensam e-tjänst för alla" in paras[4]


def test_headings_and_levels(report):
    heads = [(h.text, h.level, h.page) for h in report.blocks if isinstance(h, Heading)]
    assert heads == [
        ("Sammanfattning", 1, 1),
        ("Offentlighet och demokrati", 2, 1),
        ("STYRKOR", 3, 1),
        ("FÖRBÄTTRINGSOMRÅDEN", 3, 1),
        ("Resultat", 1, 2),  # the first line of page 2, right under the running header
        ("Styrkor och förbättringsmöjligheter", 2, 2),
        ("Delad rad", 1, 4),
    ]


def test_bullet_and_numbered_lists(report):
    blocks = body(report)
    i = next(k for k, b in enumerate(blocks) if b.text == "STYRKOR")
    strengths = blocks[i + 1 : i + 1 + len(MAKE.BULLETS_STRENGTHS)]
    assert [(b.list_marker, b.text) for b in strengths] == [("\uf0b7", t) for t in MAKE.BULLETS_STRENGTHS]
    j = next(k for k, b in enumerate(blocks) if b.text == "FÖRBÄTTRINGSOMRÅDEN")
    improve = blocks[j + 1 : j + 1 + len(MAKE.BULLETS_IMPROVE)]
    assert [b.text for b in improve] == MAKE.BULLETS_IMPROVE
    assert all(b.is_list_item for b in improve)
    k = next(k for k, b in enumerate(blocks) if b.text == "Arbetet sker i tre steg:")
    assert blocks[k].list_marker is None
    numbered = blocks[k + 1 : k + 4]
    assert [(b.list_marker, b.text) for b in numbered] == [
        (f"{n}.", t) for n, t in enumerate(MAKE.NUMBERED, start=1)
    ]


def test_score_table(report):
    tables = [b for b in report.blocks if isinstance(b, Table)]
    assert len(tables) == 3
    scores = tables[0]
    assert scores.page == 2
    assert scores.row_texts() == [["Område", "Poäng", "Max"]] + [list(r) for r in MAKE.SCORES]


def test_findings_table_across_pages_is_one_table_with_one_header(report):
    findings = [b for b in report.blocks if isinstance(b, Table)][1]
    assert findings.page == 2
    assert findings.n_cols == 2
    assert findings.row_texts()[0] == ["Styrkor", "Förbättringsmöjligheter"]
    assert sum(1 for r in findings.row_texts() if r[0] == "Styrkor") == 1  # repeat dropped
    body_rows = findings.rows[1:]
    assert len(body_rows) == len(MAKE.FINDINGS)
    for row, (left, right) in zip(body_rows, MAKE.FINDINGS):
        # one paragraph per finding, wrapped lines joined, columns not interleaved
        assert [p.text for p in row[0].paragraphs] == left
        assert [p.text for p in row[1].paragraphs] == right
    pages = [row[0].paragraphs[0].page for row in body_rows]
    assert pages == [2, 2, 2, 3, 3]
    # the cells' text is not repeated as body paragraphs
    cell_texts = {p.text for row in findings.rows for c in row for p in c.paragraphs}
    assert not cell_texts & {b.text for b in body(report)}
    i = report.blocks.index(findings)
    assert report.blocks[i + 1].text == "Text efter tabellen."


def test_row_split_across_pages_is_merged(report):
    split = [b for b in report.blocks if isinstance(b, Table)][2]
    assert split.page == 4
    assert len(split.rows) == 2
    left, right = split.rows[1]
    # 30 findings over pages 4-6; the last one is cut by the page break 5/6
    assert [p.text for p in left.paragraphs] == MAKE.SPLIT_LEFT
    assert [p.text for p in right.paragraphs] == MAKE.SPLIT_RIGHT
    assert {p.page for p in left.paragraphs} == {4, 5}
    assert body(report)[-1].text == "Slut på rapporten."
    assert body(report)[-1].page == 6


def test_borderless_table_pdf():
    doc = read_pdf(FIX / "borderless.pdf")
    assert doc.origin.pages == 2
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Heading", "Paragraph", "Table", "Paragraph", "Paragraph"]
    assert doc.blocks[2].row_texts() == [list(r) for r in MAKE.BORDERLESS_ROWS]
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == [
        "Tabellen nedan saknar ramar. Kolumnerna hålls ihop enbart av att texten står i "
        "samma position på varje rad.",
        "Efter tabellen kommer vanlig text igen.",
        "Andra sidan har bara en mening.",
    ]
    assert doc.blocks[-1].page == 2


def test_read_document_dispatches_to_the_pdf_reader():
    from pipeline.readers import read_document

    doc = read_document(FIX / "borderless.pdf")
    assert doc.origin.format == "pdf"


# ---------------------------------------------------------------------------
# bad input


def test_encrypted_pdf():
    with pytest.raises(ReadError) as exc:
        read_pdf(FIX / "encrypted.pdf")
    assert str(exc.value) == "encrypted PDF (password protected)"


def test_truncated_pdf():
    with pytest.raises(ReadError, match=r"^not a readable PDF: "):
        read_pdf(FIX / "truncated.pdf")


def test_not_a_pdf(tmp_path):
    f = tmp_path / "report.pdf"
    f.write_text("Det här är ingen PDF.", "utf-8")
    with pytest.raises(ReadError, match=r"^not a readable PDF: "):
        read_pdf(f)


def test_scanned_pdf_without_text_layer_and_ocr_off():
    with pytest.raises(ReadError) as exc:
        read_pdf(FIX / "scanned.pdf", {"ocr": False})
    assert str(exc.value) == "no text layer (scanned PDF?); OCR is switched off"


def test_scanned_pdf_without_tesseract_says_what_to_install(monkeypatch):
    from pipeline.readers.pdf import ocr

    monkeypatch.setattr(ocr, "tesseract_missing",
                        lambda language="swe": "no text layer (scanned PDF?) and Tesseract is not installed: "
                        + ocr.INSTALL_HINT)
    with pytest.raises(ReadError) as exc:
        read_pdf(FIX / "scanned.pdf")
    assert str(exc.value).endswith("apt-get install tesseract-ocr tesseract-ocr-swe")
    assert "\n" not in str(exc.value)


def test_missing_file_is_not_a_read_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_pdf(tmp_path / "missing.pdf")


# ---------------------------------------------------------------------------
# the seed reports (full renditions, when present)


def _seed(year: int) -> Path:
    for d in (ROOT / "tests" / "fixtures", ROOT / "raw_reports"):
        p = d / f"torsas-{year}.pdf"
        if p.exists():
            return p
    pytest.skip(f"torsas-{year}.pdf not present")


@pytest.fixture(scope="module")
def seeds():
    return {year: read_pdf(_seed(year)) for year in (2017, 2021)}


def test_seed_reports_have_no_running_text(seeds):
    for year, doc in seeds.items():
        for b in doc.text_blocks():
            assert not re.fullmatch(r"\d+ \(\d+\)", b.text)
            assert b.text != "Sveriges Kommuner och Regioner"


def test_seed_2017_labels_and_bullets(seeds):
    blocks = body(seeds[2017])
    labels = [k for k, b in enumerate(blocks) if b.text in ("STYRKOR", "FÖRBÄTTRINGSOMRÅDEN")]
    assert len(labels) == 16
    for k in labels:
        assert isinstance(blocks[k], Heading)
        assert blocks[k + 1].is_list_item and blocks[k + 1].text[0].isupper()


def test_seed_2021_findings_table_split_over_pages(seeds):
    tables = [b for b in seeds[2021].blocks if isinstance(b, Table)]
    t = next(t for t in tables if any("Analysgruppen är en viktig resurs" in c.text for r in t.rows for c in r))
    assert t.row_texts()[0] == ["Styrkor", "Förbättringsmöjligheter"]
    left = [p for p in t.rows[1][0].paragraphs]
    assert [p.text[:30] for p in left] == [
        "Torsås styrmodell är etablerad",
        "Den löpande rapporteringen av ",
        "Analysgruppen är en viktig res",
        "Samspelet mellan ledande polit",
    ]
    assert [p.page for p in left] == [14, 14, 15, 15]


def test_seed_2021_overview_score_table(seeds):
    tables = [b for b in seeds[2021].blocks if isinstance(b, Table) and b.n_cols == 4]
    assert len(tables) == 8
    assert tables[0].row_texts()[:2] == [
        ["1.", "Samspel mellan förtroendevalda och medborgare", "Uppnått", "Max"],
        ["1.1", "Strategi för demokratiutveckling och information", "16", "20"],
    ]
    assert tables[0].row_texts()[-1] == ["", "", "68", "100"]


def test_seed_findings_are_paragraphs(seeds):
    """Every finding a careful reader took from the seeds is one paragraph."""
    path = ROOT.parent / "shared" / "annotations" / "findings.json"
    if not path.exists():
        pytest.skip("shared/annotations/findings.json not present")
    findings = json.loads(path.read_text("utf-8"))
    for year, doc in seeds.items():
        paras = {p.text for p in doc.text_blocks()}
        expected = [clean_text(f["text"]) for f in findings if f["year"] == year]
        assert expected
        missing = [t for t in expected if t not in paras]
        assert not missing, (year, missing)


def test_a_score_table_continued_after_a_repeated_header_row_keeps_every_row():
    """Pages 25-26 of Torsås 2021 as LibreOffice prints the Word file with its
    area 6 score table marked to repeat its header row, the table split after
    6.2 by empty paragraphs added before it: one table, its header once, the
    rows on either side of the break (6.2 and 6.3) and the total kept."""
    from pipeline.document import Table

    doc = read_pdf(FIX.parent / "tables" / "score-table-repeated-header.pdf")
    tables = [b for b in doc.blocks if isinstance(b, Table) and b.rows[0][1].text == "Kvalitetsutveckling"]
    assert len(tables) == 1
    assert [r[0].text for r in tables[0].rows] == ["6.", "6.1", "6.2", "6.3", "6.4", ""]
    assert [r[2].text for r in tables[0].rows[1:]] == ["12", "8", "16", "15", "51"]


def test_pdfs_over_the_bounds_of_any_report_are_refused_or_their_pages_said(tmp_path):
    """More pages than a report has: refused in one line. A page holding a
    flood of characters, or the size of a wall: not read, and said in the
    notes (pages_over_bounds), the other pages read."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from hostile import simple_pdf, text_page

    from pipeline.document import ReadError
    from pipeline.readers.pdf import PdfSettings, read_pdf

    many = tmp_path / "many.pdf"
    many.write_bytes(simple_pdf([text_page("Sida")] * 1001))
    with pytest.raises(ReadError, match="a PDF of 1001 pages, over the 1000 pages"):
        read_pdf(many)
    flood = tmp_path / "flood.pdf"
    lines = b" ".join(b"(%s) Tj 0 -1 Td" % (b"A " * 5000) for _ in range(6))  # 60,000 characters
    flood.write_bytes(simple_pdf([text_page("Styrkor och svagheter"), b"BT /F1 1 Tf 72 800 Td " + lines + b" ET",
                                  text_page("Sista sidan")]))
    doc = read_pdf(flood)
    assert [b.text for b in doc.blocks] == ["Styrkor och svagheter", "Sista sidan"]
    (note,) = [n for n in doc.notes if n.code == "pages_over_bounds"]
    assert "page 2" in note.message and "characters on one page" in note.message
    wall = tmp_path / "wall.pdf"
    wall.write_bytes(simple_pdf([text_page("Stor")], size=(14400, 14400)))
    with pytest.raises(ReadError):  # nothing read on its one page
        read_pdf(wall)
    pages = __import__("pipeline.readers.pdf.backend", fromlist=["read_pages"]).read_pages(
        wall.read_bytes(), PdfSettings())
    assert pages[0].words == [] and pages[0].over_bounds == "a page of 200 × 200 inches"


def test_pages_of_a_drawing_flood_or_a_giant_image_are_not_read_and_said(tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from hostile import image_pdf, simple_pdf, text_page

    from pipeline.readers.pdf import PdfSettings
    from pipeline.readers.pdf.backend import read_pages

    flood = simple_pdf([text_page("Styrkor") + b" " + b"0 0 1 1 re f " * 100_001])
    (page,) = read_pages(flood, PdfSettings())
    assert page.words == [] and page.over_bounds == "100002 objects on one page"
    (page,) = read_pages(image_pdf(20_000, 20_000), PdfSettings(ocr=False))
    assert page.over_bounds == "an image of 400 million pixels" and page.image_share == 0.0
    (page,) = read_pages(image_pdf(2_480, 3_508), PdfSettings(ocr=False))  # A4 at 300 dpi: a scan
    assert page.over_bounds == "" and page.image_share > 0.9


def test_scanned_pages_beyond_the_ocr_ceiling_are_not_read_and_said():
    """OCR reads at most OcrSettings.max_pages pages of one file: the rest of
    a longer scan are pages over bounds (no reader held for hours)."""
    from pipeline.readers.pdf.backend import _with_ocr
    from pipeline.readers.pdf.model import PageContent
    from pipeline.readers.pdf.settings import OcrSettings, PdfSettings

    st = PdfSettings(ocr=False, recognition=OcrSettings(max_pages=2))
    scans = [PageContent(n, 595.0, 842.0, [], image_share=1.0) for n in range(1, 6)]
    got = _with_ocr(None, scans, st)
    assert [p.over_bounds for p in got] == ["", "", *["beyond the 2 pages OCR reads in one file"] * 3]


def test_a_page_whose_content_inflates_without_end_is_refused_before_pdfium_reads_it():
    """A Flate bomb: a few kilobytes of zlib that inflate to megabytes of
    spaces (gigabytes in a crafted file) in a page's content. It is counted
    in blocks and refused at the bound, in one line; a report's pages pass."""
    import sys
    import zlib

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from hostile import written

    from pipeline.document import ReadError
    from pipeline.readers.pdf import PdfSettings
    from pipeline.readers.pdf.backend import read_pages
    from pipeline.readers.pdf.bombs import inflates_too_far

    bomb = zlib.compress(b" " * (4 * 2 ** 20), 9)
    pdf = written([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                   b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream"])
    assert len(pdf) < 10_000
    with pytest.raises(ReadError, match="page 1's content inflates to more than 1 MB"):
        read_pages(pdf, PdfSettings(max_content_bytes=2 ** 20))
    assert inflates_too_far(pdf, 8 * 2 ** 20) is None
    fixture = (Path(__file__).resolve().parent / "fixtures" / "torsas-2021.pdf").read_bytes()
    assert inflates_too_far(fixture, PdfSettings().max_content_bytes) is None
