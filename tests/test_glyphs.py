"""Glyphs mapped to wrong code points: repaired where the fault is known,
said where it is not (pipeline/readers/pdf/glyphs.py)."""

from pathlib import Path

from pipeline.document import Heading, Paragraph
from pipeline.readers.pdf import read_pdf
from pipeline.readers.pdf.glyphs import repair_word

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_a_ligature_written_with_its_utf16_bytes_swapped_is_its_letters_again():
    assert repair_word("e\u6600\u6600ektivitet") == ("effektivitet", "repaired")  # "ff"
    assert repair_word("\u6600\u6c00era") == ("flera", "repaired")  # "fl"
    assert repair_word("för\u6600\u6900na") == ("förfina", "repaired")  # "fi"
    assert repair_word("\u6600\u6900") == ("fi", "repaired")


def test_a_glyph_with_no_text_in_latin_text_is_counted_and_other_words_are_left_alone():
    assert repair_word("o\ue001entliga") == ("o\ue001entliga", "unrepaired")  # the private use area
    assert repair_word("o\ufffdentliga") == ("o\ufffdentliga", "unrepaired")
    assert repair_word("tillf\x01llen") == ("tillf\x01llen", "unrepaired")  # a control character for "ä"
    assert repair_word("ef\u6601ektiv") == ("ef\u6601ektiv", "unrepaired")  # no ASCII letter swapped
    assert repair_word("\uf0b7") == ("\uf0b7", None)  # a symbol font's bullet, on its own
    assert repair_word("Torsås") == ("Torsås", None)
    assert repair_word("北京") == ("北京", None)  # another script, not Latin text


def test_a_ghostscript_rendition_reads_as_its_original():
    """Page 7 of the WeasyPrint rendition of Torsås 2017 written again by
    Ghostscript's pdfwrite ("Område 5 Resultat och e昀昀ektivitet" in its text
    layer): every heading and paragraph reads as printed, and the reader says
    how many words it repaired."""
    ghost = read_pdf(FIXTURES / "glyphs" / "torsas-2017-weasyprint-ghostscript-p7.pdf")
    texts = [b.text for b in ghost.blocks if isinstance(b, (Heading, Paragraph))]
    assert "Område 5 Resultat och effektivitet" in texts
    assert any("återfinns inom respektive förvaltning" in t for t in texts)
    assert not any("\u6600" <= ch <= "\u9fff" for t in texts for ch in t)
    (note,) = [n for n in ghost.notes if n.code == "glyphs_repaired"]
    assert note.severity == "info" and note.message.startswith("6 words on page 1 ")
    assert not [n for n in ghost.notes if n.code == "glyphs_unrepaired"]


def test_a_font_named_regular_is_regular_whatever_weight_its_descriptor_gives():
    from pipeline.readers.pdf.backend import font_is_bold

    assert font_is_bold("Times-Bold", 690) and font_is_bold("ABCDEF+Arial-BoldMT", 0)
    assert not font_is_bold("Times-Roman", 695)  # Ghostscript's PostScript round trip
    assert font_is_bold("ABCDEF+SomeSans", 700) and not font_is_bold("ABCDEF+SomeSans", 400)


def test_a_postscript_round_trip_keeps_a_findings_table_whole():
    """Page 10 of Torsås 2021 (groff) through PostScript and back with
    Ghostscript: its fonts' descriptors call Times-Roman weight 695, which
    made every word bold and a strength's cell a heading that cut the table
    before its last three strengths (lost without a flag)."""
    from pipeline.document import Table

    doc = read_pdf(FIXTURES / "glyphs" / "torsas-2021-groff-postscript-p10.pdf")
    (table,) = [b for b in doc.blocks if isinstance(b, Table)]
    left = [row[0].text for row in table.rows]
    assert left[0] == "Styrkor" and len(left) == 7
    assert left[-1] == "Stödet till förenings- och näringsliv och rikt kulturliv"
