"""A page's text layer judged against what Swedish text reads like: pages whose
layer is glyph codes (a print round trip that lost the fonts' Unicode maps)
are read by OCR instead, and say so; every born-digital fixture keeps its layer."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from pipeline.document import ReadError, Table
from pipeline.readers.pdf import PageContent, PdfSettings, Word, read_pdf
from pipeline.readers.pdf.backend import read_pages
from pipeline.readers.pdf.text_layer import check_words, ocr_reads_better, untrusted_pages

FIX = Path(__file__).resolve().parent / "fixtures"
GARBAGE = FIX / "pdf_reader" / "garbage-layer.pdf"
_spec = importlib.util.spec_from_file_location("make_pdf_fixtures", FIX / "pdf_reader" / "make.py")
MAKE = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(MAKE)

PROSE = ("Kommunen har ett väl utvecklat system för medborgardialog där invånarna kan lämna synpunkter och "
         "få återkoppling inom en vecka, vilket uppskattas av många. Det finns en tydlig plan för det "
         "förebyggande arbetsmiljöarbetet och den följs upp varje år av kommunstyrelsen.")


def words(text: str) -> list[Word]:
    return [Word(t, 10.0 * i, 10.0 * i + 8, 100.0, 111.0, 11.0) for i, t in enumerate(text.split())]


def shifted(text: str, by: int = 1) -> str:
    """Every letter mapped to one ``by`` places on: a font whose codes are off
    (Chromium's print to PDF without Unicode maps reads "och" as "RFK")."""
    return "".join(chr(ord(c) + by) if c.isalpha() else c for c in text)


def page(n: int, text: str) -> PageContent:
    return PageContent(n, 595.0, 842.0, words(text))


def test_swedish_prose_is_trusted_and_glyph_codes_or_shifted_letters_are_not():
    st = PdfSettings()
    assert check_words(words(PROSE)).trusted(st) is True
    codes = " ".join("+-0/1<!$%')(*" [i % 13] * (1 + i % 3) for i in range(60))
    assert check_words(words(codes)).trusted(st) is False
    off_by_one = check_words(words(shifted(PROSE)))
    assert off_by_one.letters > 0.9 and off_by_one.trusted(st) is False
    caesar = words(shifted(PROSE, -29) + " " + " ".join(["du", "vi", "de", "ni"] * 5))  # short words by chance
    assert check_words(caesar).trusted(st) is False
    controls = " ".join("\x01\x02\x03ab" for _ in range(30))
    assert check_words(words(controls)).unmapped > 0.5
    assert check_words(words("Torsås kommun 2017")).trusted(st) is None  # too little to say


def test_a_short_page_follows_the_rest_of_its_document():
    st = PdfSettings()
    good = [page(1, "Kommunkompassen Torsås kommun 2017"), page(2, PROSE), page(3, PROSE)]
    assert untrusted_pages(good, st) == {}
    bad = [page(1, shifted("Kommunkompassen Torsås kommun 2017")), page(2, shifted(PROSE)), page(3, shifted(PROSE))]
    assert sorted(untrusted_pages(bad, st)) == [1, 2, 3]


def test_ocr_replaces_a_layer_only_when_it_reads_better():
    st = PdfSettings()
    broken = check_words(words(shifted(PROSE)))
    assert ocr_reads_better(broken, check_words(words(PROSE)), st)
    english = check_words(words("The municipality has a clear vision that is known to politicians and staff " * 3))
    assert not ocr_reads_better(english, english, st)  # unusual, not broken: the layer stays


@pytest.mark.parametrize("pdf", sorted((FIX / "producers").glob("*.pdf")) + [FIX / "torsas-2017.pdf",
                                                                              FIX / "pdf_reader" / "report.pdf"],
                         ids=lambda p: p.name)
def test_every_born_digital_fixture_keeps_its_text_layer(pdf):
    pages = read_pages(pdf.read_bytes(), PdfSettings(ocr=False))
    assert [p.number for p in pages if p.text_layer_doubt] == []
    assert sum(len(p.words) for p in pages) > 100


def test_a_layer_of_glyph_codes_without_ocr_is_one_line_saying_so():
    with pytest.raises(ReadError) as err:
        read_pdf(GARBAGE, PdfSettings(ocr=False))
    message = str(err.value)
    assert "text layer does not read as text" in message and "OCR is switched off" in message
    assert "\n" not in message


@pytest.mark.parametrize("decode", [True, False], ids=["decoded", "ocr"])
def test_a_layer_of_glyph_codes_is_decoded_or_read_by_ocr_and_says_so(tesseract, decode):
    """A layer of glyph codes is decoded by what OCR read at the same places
    (:mod:`pipeline.readers.pdf.decoding`) and read by layout; where the
    votes cannot decide (here: no glyph decided, as if every font were
    nameless), OCR's own page is read. Either way, the same blocks."""
    st = PdfSettings() if decode else PdfSettings(decode_min_votes=10**6)
    doc = read_pdf(GARBAGE, st)
    notes = {n.code: n for n in doc.notes}
    if decode:
        assert doc.origin.reader == "pdf-layout" and "ocr" not in notes
        assert "maps its glyphs to other letters" in notes["text_layer_decoded"].message
    else:
        assert doc.origin.reader == "pdf-ocr" and "text_layer_decoded" not in notes
        assert "instead of a text layer that does not read as text" in notes["ocr"].message
    scores = [b for b in doc.blocks if isinstance(b, Table)][0]
    assert scores.row_texts()[1:] == [list(r) for r in MAKE.SCORES]
    texts = [b.text for b in doc.blocks if not isinstance(b, Table)]
    i = texts.index("STYRKOR")
    assert texts[i + 1: i + 1 + len(MAKE.BULLETS_STRENGTHS)] == MAKE.BULLETS_STRENGTHS
    assert "Delad rad" in texts and "Resultat" in texts  # headings whose stems are not taken for rules


def test_a_layer_that_lost_only_some_letters_is_not_trusted():
    """Ghostscript's rewrite of a ReportLab PDF maps "å", "ä", "ö" to control
    characters: too few glyphs to count as unmapped, but one word in five
    holds one among its letters."""
    st = PdfSettings()
    lost = PROSE.replace("ä", "\x01").replace("å", "\x04").replace("ö", "\x03")
    got = check_words(words(lost))
    assert got.unmapped < st.text_layer_max_unmapped  # the old measure alone kept it
    assert got.broken > st.text_layer_max_broken_words and got.trusted(st) is False
    assert check_words(words(PROSE)).broken == 0.0


def test_a_ghostscript_rewrite_that_lost_letters_is_read_from_its_layer_decoded(tesseract):
    """Page 3 of Torsås 2017 (ReportLab) written again by Ghostscript: its
    layer reads "Utv\\x01rderingen". OCR's reading of the page teaches the
    lost letters; the page is then read from its layer, as the original."""
    doc = read_pdf(FIX / "glyphs" / "torsas-2017-reportlab-ghostscript-p3.pdf")
    text = " ".join(b.text for b in doc.blocks if hasattr(b, "text"))
    assert doc.origin.reader == "pdf-layout"
    assert "Utvärderingen av Torsås kommun genomfördes" in text
    assert "förändringar inom områdena 3, 5 och 7." in text
    assert not any(ord(c) < 0x20 for c in text)
    assert {n.code for n in doc.notes} >= {"text_layer_decoded"} and "ocr" not in {n.code for n in doc.notes}
