"""Scanned pages read through OCR (Tesseract) into the same layout analysis:
the hOCR geometry, the marks found in the image, and a scanned page of the
sample report against its born-digital original."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from pipeline.extract import extract_report
from pipeline.readers.pdf import read_pdf
from pipeline.readers.pdf.model import Shape, Word
from pipeline.readers.pdf.ocr.image import image_marks, image_skew
from pipeline.readers.pdf.ocr.numbers import _agreed, _agreed_word
from pipeline.readers.pdf.ocr.words import PageOcr, drop_bullet_readings, mostly_vertical, page_words
from pipeline.readers.pdf.settings import OCR_DEFAULTS

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCANS = FIXTURES / "scans"


def _hocr(lines: list[tuple[int, int, float, list[str]]]) -> str:
    """hOCR of a 2480 x 3508 page (A4 at 300 dpi): (left, bottom, slope, words) per line."""
    out = ["<html><body><div class='ocr_page' title='bbox 0 0 2480 3508'>"]
    for n, (x, bottom, slope, words) in enumerate(lines):
        out.append(f"<span class='ocr_line' title='bbox {x} {bottom - 50} {x + 1800} {bottom}; "
                   f"baseline {slope} -10; x_size 42; x_descenders 10; x_ascenders 10'>")
        wx = x
        for w in words:
            y = bottom - 50 + int(slope * (wx - x))
            out.append(f"<span class='ocrx_word' title='bbox {wx} {y} {wx + 300} {y + 45}; x_wconf 95'>{w}</span> ")
            wx += 350
        out.append("</span>")
    out.append("</div></body></html>")
    return "".join(out)


def test_sloping_lines_are_turned_back_and_sized_from_their_line():
    slope = -0.0105  # a page scanned 0.6 degrees askew
    got = page_words(_hocr([(300, 600, slope, ["Styrkor", "och", "svagheter", "i", "kommunen", "idag"]),
                            (300, 700, slope, ["Nästa", "rad", "med", "fler", "ord", "här"])]), 4, 595.0, 842.0)
    assert got.skew == pytest.approx(-0.6, abs=0.02)
    first = [w for w in got.words if w.top < 150]
    second = [w for w in got.words if w.top >= 150]
    assert len(first) == len(second) == 6
    for line in (first, second):  # the words of a line share one top and bottom again
        assert max(w.top for w in line) - min(w.top for w in line) < 0.3
        assert max(w.bottom for w in line) - min(w.bottom for w in line) < 0.3
    assert second[0].top - first[0].top == pytest.approx(100 * 595 / 2480, abs=0.5)
    assert first[0].size == pytest.approx((42 - 10) * 595 / 2480 / OCR_DEFAULTS.x_height_per_point, abs=0.1)
    assert all(w.page == 4 and w.conf == 95 for w in got.words)
    assert [w.text for w in sorted(first, key=lambda w: w.x0)][:2] == ["Styrkor", "och"]


def test_a_line_with_tall_letters_has_the_size_of_its_neighbours():
    """Size comes from the x-height: a wrapped line whose "å" and "j" raise
    Tesseract's x_size by a tenth is not a heading."""
    lines = [("Under hösten noterade utvärderarna", 43, 8), ("tjänst för alla invånare.", 47, 12),
             ("Offentlighet och demokrati", 52, 11)]
    hocr = ["<html><body><div class='ocr_page' title='bbox 0 0 2480 3508'>"]
    for n, (text, x_size, asc) in enumerate(lines):
        bottom = 600 + 60 * n
        hocr.append(f"<span class='ocr_line' title='bbox 300 {bottom - 50} 2000 {bottom}; baseline 0 -10; "
                    f"x_size {x_size}; x_descenders 10; x_ascenders {asc}'>"
                    f"<span class='ocrx_word' title='bbox 300 {bottom - 45} 900 {bottom}; x_wconf 95'>{text}</span></span>")
    hocr.append("</div></body></html>")
    sizes = [w.size for w in sorted(page_words("".join(hocr), 1, 595.0, 842.0).words, key=lambda w: w.top)]
    assert sizes[0] == sizes[1]
    assert sizes[2] - sizes[0] > 1.5  # the 13 pt heading stays larger than the 11 pt text


def test_rules_and_solid_bullets_are_found_in_the_image():
    image = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    d = ImageDraw.Draw(image)
    d.line([(100, 300), (1100, 300)], fill=0, width=2)  # a table's rule
    d.line([(600, 200), (600, 500)], fill=0, width=2)  # a column's rule
    d.ellipse([100, 800, 108, 808], fill=0)  # a bullet: solid
    d.ellipse([300, 800, 310, 810], outline=0, width=1)  # an "o": a ring, no bullet
    d.text((130, 795), "Ett påstående", fill=0)
    edges, shapes = image_marks(image, 0.0, 595.0)
    scale = 595 / 1240
    h = [e for e in edges if e.orientation == "h"]
    v = [e for e in edges if e.orientation == "v"]
    assert len(h) == 1 and h[0].x0 == pytest.approx(100 * scale, abs=1) and h[0].x1 == pytest.approx(1100 * scale, abs=1)
    assert len(v) == 1 and v[0].top == pytest.approx(200 * scale, abs=1)
    assert len(shapes) == 1 and shapes[0].x0 == pytest.approx(100 * scale, abs=1)
    # the runs whiting out the rules found are the same marks, taken again
    from pipeline.readers.pdf.ocr.image import without_rules

    _clean, _rules, straight = without_rules(image, 595.0)
    assert image_marks(image, 0.0, 595.0, straight) == (edges, shapes)


def _rendered(path: Path, tmp_path: Path):
    """Page 1 of a PDF as the OCR path renders it (grey), and the page's width in points."""
    import pypdfium2 as pdfium

    from pipeline.readers.pdf.ocr.image import rendered_pages

    pdf = pdfium.PdfDocument(path)
    try:
        [(_, image)] = rendered_pages(pdf, [1])
        width = pdf[0].get_size()[0]
    finally:
        pdf.close()
    return image, width


def test_a_faint_grey_rule_is_found_whole_where_the_page_divides_into_ink_and_paper(tmp_path):
    """A hairline scanned at 150 dpi is grey: on page 11 of a ruled report's
    scan, the rule between a score table's title and score columns is 110-135
    on paper of 238, many of its pixels lighter than the ink level. Looked for
    below the level dividing the page's pixels (Otsu's: 171 here), it is one
    rule from the table's top to its bottom, as every other rule is."""
    import numpy as np

    from pipeline.readers.pdf.ocr.image import otsu_level, without_rules

    INK_LEVEL = OCR_DEFAULTS.ink_level

    image, width = _rendered(SCANS / "olofstrom-2019-lo-ruled-p11-150dpi-scan.pdf", tmp_path)
    a = np.asarray(image)
    px = image.width / width  # pixels per point
    rows = slice(round(190 * px), round(290 * px))  # the first table's rows 1.1-1.5, within it
    column = a[rows, round(356 * px):round(364 * px)]
    x = int(column.min(axis=0).argmin()) + round(356 * px)  # the rule's darkest column
    assert (a[rows, x] >= INK_LEVEL).mean() > 0.2  # in pieces at the fixed level
    assert INK_LEVEL < otsu_level(a) < 200
    _clean, _rules, (_h, v) = without_rules(image, width)
    assert v[rows, x - 2:x + 3].any(axis=1).all()


def test_the_joined_serifs_of_a_bold_heading_are_no_rule(tmp_path):
    """Page 6 of a borderless report's scan, 200 dpi colour JPEG: at the
    level that divides the page's pixels (161), the serifs on the baseline of
    the bold "FÖRBÄTTRINGSOMRÅDEN" join into a run 21 points long. With the
    letters' stems above it, it is no rule, and the heading is not whited out;
    the running header's rule, paper on both sides, is still found."""
    import numpy as np

    from pipeline.readers.pdf.ocr.image import otsu_level, without_rules

    image, width = _rendered(SCANS / "molndal-2018-lo-borderless-p6-200dpi-scan.pdf", tmp_path)
    px = image.width / width
    assert otsu_level(np.asarray(image)) > 150
    _clean, rules, (h, _v) = without_rules(image, width)
    heading = (slice(round(316 * px), round(330 * px)), slice(round(100 * px), round(140 * px)))
    assert not rules[heading].any()
    header = h[round(40 * px):round(54 * px)]
    assert header.any(axis=0).sum() > 300 * px  # the header's rule: most of the text width


def test_the_rules_of_a_page_slightly_askew_are_found_once_and_turned_back_whole():
    """A page 0.6 degrees askew, below the angle that turns the image before
    recognition: its rules are found in the image as scanned (in pieces along
    their slope, as the whiting out needs them), and turned back with the
    words they are each one rule across the table, as finding them again in
    the turned image gives them."""
    from pipeline.readers.pdf.ocr.image import without_rules

    straight_page = Image.new("L", (2480, 3508), 255)  # A4 at 300 dpi
    d = ImageDraw.Draw(straight_page)
    for y in (800, 1000, 1200):
        d.line([(300, y), (2200, y)], fill=0, width=2)  # half a point
    for x in (300, 1500, 2200):
        d.line([(x, 800), (x, 1200)], fill=0, width=3)
    d.line([(300, 1600), (2200, 1600)], fill=0, width=1)  # a hairline: its pieces meet corner to corner
    d.ellipse([300, 2000, 330, 2030], fill=0)
    askew = straight_page.rotate(-0.6, resample=Image.BILINEAR, fillcolor=255)
    _clean, _rules, straight = without_rules(askew, 595.0)
    edges, shapes = image_marks(askew, 0.6, 595.0, straight)
    again = image_marks(askew.rotate(0.6, resample=Image.BILINEAR, fillcolor=255), 0.0, 595.0)
    scale = 595 / 2480
    h = sorted((e for e in edges if e.orientation == "h"), key=lambda e: e.top)
    [hairline] = [e for e in h if e.top > 1400 * scale]  # one rule, not its pieces
    assert hairline.x1 - hairline.x0 > 0.9 * 1900 * scale
    h = [e for e in h if e is not hairline]
    assert len(h) == 3 and all(e.x0 == pytest.approx(300 * scale, abs=2) and e.x1 == pytest.approx(2200 * scale, abs=2)
                               for e in h)
    assert [round(e.top) for e in h] == [round(e.top) for e in sorted(again[0], key=lambda e: e.top)
                                         if e.orientation == "h" and e.top < 1400 * scale]
    assert len([e for e in edges if e.orientation == "v"]) == 3
    assert len(shapes) == len(again[1]) == 1


def test_a_dark_border_along_the_edges_is_whited_out_and_the_page_inside_kept():
    """A lid's border: ink touching the image's edges, whited out within
    ``border_max_points`` of them; text beside it and a rule that runs from the
    border into the page (beyond the band) stay."""
    import numpy as np

    from pipeline.readers.pdf.ocr.image import without_border

    a = np.full((1754, 1240), 240, np.uint8)  # A4 at 150 dpi
    a[:, 1215:] = 30  # the border on the right, 12 pt wide
    a[:25, :] = 40  # and along the top
    a[400:420, 1100:1200] = 0  # a word near it, not touching
    a[800:803, 700:1215] = 0  # a rule running into the border
    image = Image.fromarray(a)
    clean = np.asarray(without_border(image, 595.0))
    band = round(OCR_DEFAULTS.border_max_points * 1240 / 595)
    assert (clean[:, 1215:] == 255).all() and (clean[:25, 10:1230] == 255).all()
    assert (clean[400:420, 1100:1200] == 0).all()
    assert (clean[800:803, 700:1240 - band - 2] == 0).all()
    assert not np.shares_memory(clean, a) and (a[25:, 1215:] == 30).all()  # the input is left as it was
    assert without_border(Image.fromarray(np.full((100, 100), 240, np.uint8)), 42.0).getpixel((0, 0)) == 240


def test_what_tesseract_makes_of_a_bullet_goes_and_a_full_stop_is_no_bullet():
    bullet = Shape(70, 100, 74, 104)
    full_stop = Shape(200, 108, 201.5, 109.5)
    words = [Word("e", 69, 75, 97, 110, 11), Word("—", 80, 84, 97, 110, 11), Word("Information", 90, 150, 97, 110, 11),
             Word("m.m.", 185, 203, 97, 110, 11), Word("—", 300, 305, 97, 110, 11)]
    shapes = [bullet, full_stop]
    kept, bullets = drop_bullet_readings(words, shapes)
    assert [w.text for w in kept] == ["Information", "m.m.", "—"]  # a dash inside the text stays
    assert bullets == [bullet]
    assert shapes == [bullet, full_stop] and len(words) == 5  # its inputs as they were


@pytest.mark.parametrize("angle", [2.5, -3.5, 0.0])
def test_a_page_laid_askew_has_its_angle_found_from_its_lines_of_ink(angle):
    """Lines of "text" (dashes of ink of uneven length, as words), laid
    askew by a few degrees: the angle that turns them straight is found to a
    tenth of a degree (positive when the lines fall to the right, as the
    baselines' slope is given)."""
    import random

    rng = random.Random(1)
    image = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(image)
    for y in range(300, 3200, 60):
        x = 250
        while x < 2100:
            w = rng.randint(60, 260)
            draw.rectangle((x, y, x + w, y + 28), fill=0)
            x += w + 25
    turned = image.rotate(angle, fillcolor=255)  # counter-clockwise: the lines rise to the right
    assert image_skew(turned) == pytest.approx(-angle, abs=0.1)


def test_words_standing_on_end_say_the_page_was_fed_sideways():
    words = [Word(t, 0, 1, 0, 1, 11) for t in ("Styrkor", "och", "förbättringar", "i", "kommunen")]
    upright = PageOcr(words, 90.0, 0.0, pixel_boxes=[(0, 0, 300, 40), (0, 0, 90, 40), (0, 0, 500, 40),
                                                     (0, 0, 10, 40), (0, 0, 320, 40)])
    on_end = PageOcr(words, 90.0, 0.0, pixel_boxes=[(0, 0, 40, 300), (0, 0, 40, 90), (0, 0, 40, 500),
                                                    (0, 0, 40, 10), (0, 0, 320, 40)])
    assert not mostly_vertical(upright) and mostly_vertical(on_end)
    assert not mostly_vertical(PageOcr([], None, 0.0))


def test_a_number_read_again_takes_what_two_readings_agree_on():
    """The page's reading, the English and the Swedish model's: two agreeing
    on a number decide; the Swedish model's "4890" is the English "48%"; a
    word that is no number, or three different readings, decide nothing."""
    assert _agreed(["38", "8", "8"]) == "8"
    assert _agreed(["", "7", "7"]) == "7"
    assert _agreed(["5:5", "5.5", "5.5"]) == "5.5"
    assert _agreed(["4890", "48%", "4890"]) == "48%"
    assert _agreed(["30940", "30%", "17"]) == "30%"  # not "309%": the digits are the English reading's
    assert _agreed(["2017"] * 3) is None  # four digits: a year, never a score to change
    assert _agreed(["Zz", "7", "3"]) is None
    assert _agreed(["Max", "Max", "Max"]) is None
    assert _agreed(["i", "1", "i"]) is None


def test_ink_no_word_covers_is_a_word_when_both_models_spell_it_alike():
    """The English model has no Swedish letters: "Uppnatt" and "Uppnått" are
    one reading, the Swedish one kept; readings that differ otherwise, are
    short, or are not letters are no word."""
    assert _agreed_word("Uppnatt", "Uppnått") == "Uppnått"
    assert _agreed_word("Max", "Max") == "Max"
    assert _agreed_word("Uppnatt", "Uppnätt ") == "Uppnätt"
    assert _agreed_word("Upprratt", "Uppnått") is None
    assert _agreed_word("ee", "ee") is None  # two letters: a speck's reading as often as a word
    assert _agreed_word("15", "15") is None  # numbers are agreed as numbers
    assert _agreed_word("", "") is None


def test_a_report_with_a_scanned_page_reads_as_its_born_digital_original(tesseract, tmp_path):
    """The 2017 sample with pages 4 (area 1, its findings) and 11 (the first
    page of the overview) replaced by those pages printed and scanned (250
    dpi, 0.6 and -0.4 degrees askew, noise): the same total, area scores and
    findings as the born-digital report (the scanned page's findings by text
    similarity), every sub-question score the same, and the report says which pages were read by OCR. Read
    as an ingest reads, in a worker process with a time limit (2 s) that the
    recognition needs more than: the worker is granted time for its page, and
    says how far its recognition has come."""
    import pypdfium2 as pdfium

    from pipeline.reading import ReadPool

    mixed = pdfium.PdfDocument(FIXTURES / "torsas-2017.pdf")
    for page in (11, 4):  # the first page of the overview, and area 1's page with its findings
        mixed.del_page(page - 1)
        mixed.import_pages(pdfium.PdfDocument(SCANS / f"torsas-2017-p{page}-scan.pdf"), [0], index=page - 1)
    path = tmp_path / "torsas-2017-mixed.pdf"
    mixed.save(path)
    pages = []
    got = ReadPool(jobs=1, time_limit=2, on_progress=lambda *a: pages.append(a)).read(path)
    assert got.error is None and got.reader == "pdf-layout+ocr"
    assert pages == [(path, 1, 2), (path, 2, 2)]  # the pages' progress, from the worker
    scan, digital = got.report, extract_report(read_pdf(FIXTURES / "torsas-2017.pdf"))
    assert scan.total_score == digital.total_score == 373
    assert [(a.number, a.score) for a in scan.areas] == [(a.number, a.score) for a in digital.areas]
    assert len(scan.findings) == len(digital.findings) == 88
    for s, d in zip(scan.findings, digital.findings):
        assert (s.area, s.kind) == (d.area, d.kind)
        if d.page == 4:
            assert difflib.SequenceMatcher(None, s.text, d.text).ratio() >= 0.9, (s.text, d.text)
        else:
            assert s.text == d.text
    # every sub-question's number, points and maximum as printed, and no flag
    # about them the born-digital reading does not raise, but that a number
    # lost to recognition was taken from the rows around it
    assert [(q.number, q.score, q.max) for q in scan.questions] == \
        [(q.number, q.score, q.max) for q in digital.questions]
    assert {f.code for f in scan.flags if f.code.startswith("question_")} - {"question_number_inferred"} == \
        {f.code for f in digital.flags if f.code.startswith("question_")}
    (ocr,) = [f for f in scan.flags if f.code == "ocr"]
    assert ocr.severity == "warning"
    assert ocr.message.startswith("pages 4, 11 read by OCR") and "mean word confidence" in ocr.message
    assert "-0.6°" in ocr.message and "+0.4°" in ocr.message



def _turned_file(monkeypatch, upright: set[int]):
    """Recognition and orientation stubbed: a page in ``upright`` reads well
    as it is, any other only turned 180 degrees. Returns the readings made
    ((page, turned) each) and the pages asked their orientation."""
    from pipeline.readers.pdf.ocr import pages as ocr

    reads: list[tuple[int, bool]] = []
    asked: list[int] = []

    def recognise(image, stem, number, width, height, st):
        turned = stem.name.endswith("-turned")
        reads.append((number, turned))
        return PageOcr([], 90.0 if turned != (number in upright) else 30.0, 0.0)

    def orientation(path, st):
        asked.append(int(path.name.split("-")[1]))
        return 180

    monkeypatch.setattr(ocr, "_recognise", recognise)
    monkeypatch.setattr(ocr, "orientation", orientation)
    return reads, asked


def _recognised(tmp_path, numbers):
    from pipeline.readers.pdf.ocr import pages as ocr

    pages = ((n, Image.new("L", (60, 80), 255)) for n in numbers)
    return ocr.recognise_pages(pages, {n: (595.0, 842.0) for n in numbers}, tmp_path, workers=1)


def test_once_a_page_was_found_turned_the_next_are_read_turned_first(tmp_path, monkeypatch):
    """A file scanned upside down: its first page is read, found noise,
    asked its orientation and read again turned; the pages after it are read
    once, turned, without asking."""
    reads, asked = _turned_file(monkeypatch, upright=set())
    got = _recognised(tmp_path, (1, 2, 3))
    assert reads == [(1, False), (1, True), (2, True), (3, True)]
    assert asked == [1]
    assert all(got[n].turned == 180 and got[n].size == (595.0, 842.0) for n in (1, 2, 3))


def test_when_the_turned_sheets_end_the_next_page_is_read_as_it_lies(tmp_path, monkeypatch):
    """One sheet fed upside down among upright ones: the page after it is
    tried turned, reads as noise, and is read as it lies; the pages after
    that are read once."""
    reads, asked = _turned_file(monkeypatch, upright={1, 3, 4})
    got = _recognised(tmp_path, (1, 2, 3, 4))
    assert reads == [(1, False), (2, False), (2, True), (3, True), (3, False), (4, False)]
    assert asked == [2]
    assert [got[n].turned for n in (1, 2, 3, 4)] == [0, 180, 0, 0]


def test_long_runs_are_the_opening_by_a_line_of_that_length():
    """The rules' ink by running sums is exactly a morphological opening by a
    line (SciPy's), on random pages of every density and run length."""
    import numpy as np
    from scipy import ndimage

    from pipeline.readers.pdf.ocr.image import long_runs

    rng = np.random.default_rng(0)
    for _ in range(30):
        ink = rng.random((40, 70)) < rng.uniform(0.3, 0.97)
        run = int(rng.integers(2, 30))
        assert (long_runs(ink, run, 1) == ndimage.binary_opening(ink, structure=np.ones((1, run), bool))).all()
        assert (long_runs(ink, run, 0) == ndimage.binary_opening(ink, structure=np.ones((run, 1), bool))).all()
    assert not long_runs(np.ones((5, 5), bool), 9, 1).any()  # a run longer than the page


def test_numbers_read_again_keep_their_line_and_one_reading_each():
    """A number read again from its crop takes its page line's top, bottom and
    size (a crop is too small to size a line by: a number sized apart from its
    row breaks a table without rules); two crops of the same ink give one
    reading, the longer; ink touching a word is that word's, not a number."""
    from pipeline.readers.pdf.ocr.numbers import _beside_a_word, _on_line, _one_reading_each

    line = Word("Informeras", 113, 160, 185.6, 195.9, 10.1)
    number = Word("1.2", 76, 89, 182.8, 197.0, 15.0)
    placed = _on_line(number, line)
    assert (placed.top, placed.bottom, placed.size, placed.x0, placed.text) == (185.6, 195.9, 10.1, 76, "1.2")
    words = [Word("4", 80, 90, 213, 224, 10.0), Word("1.4", 77, 90, 213, 224, 10.0), Word("16", 405, 417, 213, 224, 10.0)]
    boxes = [(330, 880, 370, 930), (318, 880, 370, 930), (1690, 880, 1740, 930)]
    kept, kept_boxes = _one_reading_each(words, boxes)
    assert [w.text for w in kept] == ["1.4", "16"] and kept_boxes == [boxes[1], boxes[2]]
    assert _beside_a_word((372, 885, 380, 925), [(318, 880, 370, 930)], 8)
    assert not _beside_a_word((420, 885, 440, 925), [(318, 880, 370, 930)], 8)


def test_sizes_within_a_few_per_cent_of_the_body_size_are_the_body_size():
    from pipeline.readers.pdf.ocr.words import snap_to_body_size

    sizes = [10.1, 9.3, 10.7, 10.1, 10.4, 9.8, 13.0, 10.1]
    got = PageOcr([Word(f"w{i}", 0, 1, 10 * i, 10 * i + 9, s) for i, s in enumerate(sizes)], 95.0, 0.0)
    snapped = snap_to_body_size(got)
    assert [w.size for w in snapped.words] == [10.1] * 6 + [13.0, 10.1]  # the 13 pt heading stays a heading
    assert [w.size for w in got.words] == sizes  # a new page, its input as it was


def test_a_word_where_the_image_has_no_ink_is_no_word():
    """Tesseract may put a low-confidence "=" in a column gutter's
    whitespace, which joins the columns; a word over ink stays."""
    import numpy as np

    ink = np.zeros((3508, 2480), dtype=bool)
    ink[1000:1045, 100:400:3] = True  # strokes under the first and third words' boxes only
    ink[1000:1045, 800:1100:3] = True
    got = page_words(_hocr([(100, 1050, 0.0, ["Uppföljning", "=", "insatserna"])]), 1, 595.0, 842.0, ink)
    assert [w.text for w in got.words] == ["Uppföljning", "insatserna"]
    assert len(got.pixel_boxes) == 2
    assert [w.text for w in page_words(_hocr([(100, 1050, 0.0, ["a", "=", "b"])]), 1, 595.0, 842.0).words] == [
        "a", "=", "b"]


def test_a_line_tesseract_ran_across_two_columns_keeps_each_columns_height():
    """The rows of a findings table's two columns set 14 px apart, run into
    one line by Tesseract: the right column's words sit on their own
    baseline; a line whose parts share a height keeps its one baseline."""
    from pipeline.readers.pdf.ocr.engine import HocrLine
    from pipeline.readers.pdf.ocr.words import parts_at_their_own_height

    words = [("Antalet", (327, 1149, 450, 1181), 95.0), ("medarbetare", (469, 1149, 700, 1181), 95.0),
             ("Ledar-", (1275, 1135, 1390, 1167), 95.0), ("och", (1400, 1135, 1460, 1167), 95.0)]
    line = HocrLine(327, 1190, 0.0, -10.0, 40.0, 9.0, words, 10.0)
    left, right = parts_at_their_own_height(line)
    assert [w[0] for w in left.words] == ["Antalet", "medarbetare"] and left.offset == line.offset
    assert right.offset == line.offset - 13 and right.x_height == left.x_height == line.x_height
    level = [(t, (b[0], 1149, b[2], 1181), c) for t, b, c in words]
    assert {p.offset for p in parts_at_their_own_height(HocrLine(327, 1190, 0.0, -10.0, 40.0, 9.0, level, 10.0))} \
        == {-10.0}


def test_bold_words_are_told_by_their_strokes_and_short_words_by_their_line():
    """Strokes twice as wide as the page's usual ones are bold; "av" (too
    short to measure) takes its line's weight."""
    import numpy as np

    from pipeline.readers.pdf.ocr.words import with_weights

    ink = np.zeros((40 * 30, 400), dtype=bool)
    words, boxes = [], []
    for row in range(30):
        bold = row in (3, 17)
        y0 = 40 * row + 5
        for k, text in enumerate(("Strategi", "av", "styrning")):
            x0 = 10 + 130 * k
            for x in range(x0, x0 + 100, 8):
                ink[y0:y0 + 25, x:x + (4 if bold else 2)] = True
            words.append(Word(text, x0 / 4, (x0 + 100) / 4, row * 10, row * 10 + 7, 10.0))
            boxes.append((x0, y0, x0 + 100, y0 + 25))
    got = with_weights(PageOcr(words, 95.0, 0.0, pixel_boxes=boxes), ink)
    bold_rows = sorted({int(w.top // 10) for w in got.words if w.bold})
    assert bold_rows == [3, 17]
    assert all(w.bold for w in got.words if w.text == "av" and int(w.top // 10) in (3, 17))
    assert not any(w.bold for w in words)  # its input as it was


def test_a_short_line_read_smaller_than_the_body_is_body_text():
    """A line of a few letters ("kön)?", a question's last word) is sized from
    an x-height seen on three letters: 14 % off is still the body size; a
    long line 14 % off is not."""
    from pipeline.readers.pdf.ocr.words import snap_to_body_size

    body = [Word(f"ordet{i}", 0, 1, 10 * i, 10 * i + 9, 9.5) for i in range(10)]
    short = Word("kön)?", 0, 1, 200, 209, 8.2)
    long = [Word("Fotnoten", 10 * k, 10 * k + 8, 220, 229, 8.2) for k in range(3)]
    snapped = snap_to_body_size(PageOcr(body + [short] + long, 95.0, 0.0))
    assert [w.size for w in snapped.words[10:]] == [9.5, 8.2, 8.2, 8.2]


def test_a_short_word_in_a_column_of_numbers_is_read_again():
    """A score Tesseract read as letters ("åN" for 7) stands in a column of
    numbers: it is read again as a number; a short word in running text is not."""
    from pipeline.readers.pdf.ocr.numbers import _in_number_column

    texts = ["8", "11", "åN", "6", "9", "av"]
    boxes = [(1600, 100 + 50 * k, 1640, 140 + 50 * k) for k in range(5)] + [(400, 200, 440, 240)]
    got = PageOcr([Word(t, 0, 1, 0, 1, 10.0) for t in texts], 90.0, 0.0, pixel_boxes=boxes)
    numbers = [0, 1, 3, 4]
    assert OCR_DEFAULTS.number_column_min <= 4
    assert _in_number_column(got, 2, numbers, OCR_DEFAULTS)
    assert not _in_number_column(got, 5, numbers, OCR_DEFAULTS)


def test_a_bullet_read_into_its_word_is_a_bullet_glued_to_the_text():
    """A faint bullet no blob was found for, read as "«" glued to the word it
    marks, is written as a bullet the layout knows; not after a blob found,
    not inside a line, not before a lower-case letter."""
    from pipeline.readers.pdf.ocr.words import glued_bullets_read_as_bullets

    words = [Word("«Regelbunden", 79, 140, 585, 596, 10.4), Word("utgivning", 145, 190, 585, 596, 10.4),
             Word("«Information", 79, 140, 600, 611, 10.4), Word("«åtgärder»", 79, 140, 615, 626, 10.4),
             Word("ser", 20, 40, 630, 641, 10.4), Word("«Kallelser»", 45, 90, 630, 641, 10.4)]
    blob = Shape(70, 603, 73, 606)
    got = glued_bullets_read_as_bullets(words, [blob])
    assert [w.text for w in got] == ["•Regelbunden", "utgivning", "«Information", "«åtgärder»", "ser", "«Kallelser»"]
    assert words[0].text == "«Regelbunden"


def test_a_body_line_tesseract_sized_small_is_body_text_by_its_x_height_in_the_image():
    """Tesseract's x-height moves by 3-4 pixels between body lines (8.2 pt
    read for 9.5): the band of rows where the lower-case strokes run is
    measured in the image instead, and a line whose band is the body's is
    body text; a heading's band is larger, and it stays a heading."""
    import numpy as np

    from pipeline.readers.pdf.ocr.engine import HocrLine
    from pipeline.readers.pdf.ocr.words import snap_to_body_size, x_band

    ink = np.zeros((3000, 2000), dtype=bool)
    ink[1000:1021, 100:900:2] = True  # x-height strokes, 21 rows
    ink[990:1000, 100:900:20] = True  # a few ascenders
    line = HocrLine(100, 1021, 0.0, 0.0, 40.0, 9.0, [("verksamheterna", (100, 990, 900, 1021), 95.0)], 10.0)
    assert x_band(ink, line) == 21
    assert x_band(ink, HocrLine(100, 1021, 0.0, 0.0, 40.0, 9.0, [("2021", (100, 990, 900, 1021), 95.0)])) is None

    body = [Word(f"ordet{i}", 0, 1, 10 * i, 10 * i + 9, 9.5) for i in range(24)]
    small = Word("verksamheterna", 0, 1, 300, 309, 8.2)
    heading = Word("Samhällsutveckling", 0, 1, 320, 331, 11.4)
    bands = {(0, w.top, w.bottom, w.size): 21 for w in body + [small]}
    bands[(0, heading.top, heading.bottom, heading.size)] = 26
    snapped = snap_to_body_size(PageOcr(body + [small, heading], 95.0, 0.0, x_bands=bands))
    assert [w.size for w in snapped.words[-2:]] == [9.5, 11.4]
    assert [w.size for w in snap_to_body_size(PageOcr(body + [small, heading], 95.0, 0.0)).words[-2:]] == [8.2, 11.4]
