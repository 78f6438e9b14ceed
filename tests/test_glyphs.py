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


def _words(texts: list[str], font: str = "F", top: float = 100.0) -> list:
    from pipeline.readers.pdf.model import Word

    out, x = [], 72.0
    for t in texts:
        out.append(Word(t, x, x + 6 * len(t), top, top + 11, 11.0, font=font))
        x += 6 * len(t) + 4
    return out


def test_a_substituted_layer_is_decoded_glyph_by_glyph_by_what_ocr_read_there():
    """A font without its Unicode map reads "hej" as "\\x01\\x02\\x03": the
    glyphs OCR read alike often enough are decoded in every word, a glyph
    read once takes OCR's reading of its word, a minority misreading does
    not change a glyph, and the same code in another font is another glyph."""
    from pipeline.readers.pdf import PdfSettings
    from pipeline.readers.pdf.decoding import decode_words, glyph_votes, learn_map, read_alike

    plain = ["hej", "jeh", "eh", "he", "hej", "ej", "zoo"]
    cipher = {"h": "\x01", "e": "\x02", "j": "\x03", "z": "\x04", "o": "\x05"}
    layer = _words(["".join(cipher[c] for c in t) for t in plain])
    ocr = _words(["hej", "jeh", "eh", "ho", "hej", "ej", "zoo"])  # "he" misread once as "ho"
    pairs = read_alike(layer, ocr)
    assert len(pairs) == len(layer)
    table = learn_map(glyph_votes(pairs), PdfSettings())
    assert table.letters[("F", "\x01")] == "h" and table.letters[("F", "\x02")] == "e"
    assert ("F", "\x04") not in table.letters
    decoded = decode_words(layer, table, ocr)
    assert [w.text for w in decoded.words] == ["hej", "jeh", "eh", "he", "hej", "ej", "zoo"]
    assert decoded.from_ocr == 1 and decoded.undecided == []  # "zoo": z seen once
    # without OCR's reading at its place, the word keeps its glyphs and says so
    alone = decode_words(layer, table, ocr[:-1])
    assert alone.words[-1].text == "\x04\x05\x05" and alone.undecided == ["\x04\x05\x05"]
    # the same codes in another font are not decided by this font's votes
    other = decode_words(_words(["\x01\x02"], font="G", top=300.0), table, [])
    assert other.undecided == ["\x01\x02"]


def test_a_layer_that_lost_a_few_letters_keeps_the_others_as_the_pdf_gives_them():
    """Ghostscript's rewrite of a ReportLab PDF: "ä" reads as "\x01", every
    other glyph as itself. OCR misreading a comma as a full stop twice in
    five does not change the comma; a letter OCR never read beside (the "X")
    stays what the PDF says, a glyph without text does not."""
    from pipeline.readers.pdf import PdfSettings
    from pipeline.readers.pdf.decoding import decode_words, glyph_votes, learn_map, read_alike

    layer = _words(["v\x01l,", "n\x01r,", "h\x01r,", "s\x01g,", "l\x01t,", "XL", "\x02"])
    ocr = _words(["väl.", "när,", "här.", "säg,", "låt,"])  # "ä" once misread as "å"
    table = learn_map(glyph_votes(read_alike(layer, ocr)), PdfSettings())
    assert table.letters[("F", "\x01")] == "ä" and table.letters[("F", ",")] == ","
    decoded = decode_words(layer, table, ocr)
    assert [w.text for w in decoded.words] == ["väl,", "när,", "här,", "säg,", "lät,", "XL", "\x02"]
    assert decoded.undecided == ["\x02"]


def test_a_postscript_round_trip_is_read_from_its_layer_decoded_not_by_ocr(tmp_path):
    """Pages 4-5 of the LibreOffice rendition of Torsås 2017 printed to
    PostScript and back (Ghostscript ps2write, pdfwrite): its fonts lost
    their Unicode maps, every glyph reads as its code, some as tabs and
    spaces. Decoded by OCR's readings, the pages read as the same pages of
    the original read by layout: the same blocks, the same texts but where
    OCR taught a rare glyph wrong (an en dash as an em dash, a bold "y" seen
    three times)."""
    from difflib import SequenceMatcher

    import pypdfium2 as pdfium

    from pipeline.document import Table
    from pipeline.readers.pdf import PdfSettings

    def texts(doc):
        return [c.text for b in doc.blocks for c in ([c for r in b.rows for c in r] if isinstance(b, Table) else [b])]

    pages = pdfium.PdfDocument.new()
    pages.import_pages(pdfium.PdfDocument(FIXTURES / "producers" / "torsas-2017-lo-tagged.pdf"), [3, 4])
    pages.save(tmp_path / "p4-5.pdf")
    original = texts(read_pdf(tmp_path / "p4-5.pdf", PdfSettings(use_tags=False)))
    decoded = read_pdf(FIXTURES / "glyphs" / "torsas-2017-lo-tagged-postscript-p4-5.pdf")
    assert decoded.origin.reader == "pdf-layout"
    codes = {n.code for n in decoded.notes}
    assert "text_layer_decoded" in codes and "ocr" not in codes
    got = texts(decoded)
    assert len(got) == len(original) > 50
    assert sum(a == b for a, b in zip(original, got)) >= len(original) - 3
    assert all(SequenceMatcher(None, a, b).ratio() > 0.95 for a, b in zip(original, got))


def test_a_code_two_glyphs_share_is_read_in_each_word_as_ocr_read_it():
    """Ghostscript's rewrite of a ReportLab font reads both "ö" and "-" as
    "-": decided as "ö" by most readings, but read as itself three times,
    the code is shared, and each word takes OCR's letter there."""
    from pipeline.readers.pdf import PdfSettings
    from pipeline.readers.pdf.decoding import decode_words, glyph_votes, learn_map, read_alike

    plain = ["för", "för", "höra", "föra", "mål-", "kultur-", "frilufts-", "rör"]
    layer = _words([t.replace("ö", "-") for t in plain])
    ocr = _words(plain)
    table = learn_map(glyph_votes(read_alike(layer, ocr)), PdfSettings())
    assert table.letters[("F", "-")] == "ö" and ("F", "-") in table.shared
    assert [w.text for w in decode_words(layer, table, ocr).words] == plain
    # a word OCR did not read there takes the letter most readings gave
    assert decode_words(_words(["h-g"], top=400.0), table, []).words[0].text == "hög"


def _type3_pdf(pages: list[list[str]]) -> bytes:
    """A PDF whose page n has its own Type 3 font drawing ``pages[n]`` (names
    of drawings: "bar", "box", "dot") at codes 1, 2, ..., each font mapping
    code k to U+2700 + k, as Ghostscript's print to PostScript and back maps
    its bitmap glyphs: the same code, other drawings, on every page."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject, StreamObject

    drawn = {"bar": b"10 0 0 0 8 10 d1 0 0 8 10 re f", "box": b"10 0 0 0 8 10 d1 0 0 8 4 re f",
             "dot": b"10 0 0 0 8 10 d1 2 2 4 4 re f"}
    writer = PdfWriter()

    def stream(data: bytes):
        s = StreamObject()
        s.set_data(data)
        return writer._add_object(s)

    def name(n: str):
        return NameObject(n)

    for drawings in pages:
        page = writer.add_blank_page(200, 100)
        procs = DictionaryObject({name(f"/g{i}"): stream(drawn[d]) for i, d in enumerate(drawings)})
        cmap = (f"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def /CMapType 2 def "
                f"1 begincodespacerange <00> <ff> endcodespacerange {len(drawings)} beginbfchar "
                + " ".join(f"<{i + 1:02x}> <{0x2701 + i:04x}>" for i in range(len(drawings)))
                + " endbfchar endcmap CMapName currentdict /CMap defineresource pop end end")
        font = DictionaryObject({
            name("/Type"): name("/Font"), name("/Subtype"): name("/Type3"),
            name("/FontBBox"): ArrayObject([NumberObject(v) for v in (0, 0, 10, 10)]),
            name("/FontMatrix"): ArrayObject([FloatObject(v) for v in (0.1, 0, 0, 0.1, 0, 0)]),
            name("/CharProcs"): procs,
            name("/Encoding"): DictionaryObject({name("/Differences"): ArrayObject(
                [NumberObject(1)] + [name(f"/g{i}") for i in range(len(drawings))])}),
            name("/FirstChar"): NumberObject(1), name("/LastChar"): NumberObject(len(drawings)),
            name("/Widths"): ArrayObject([NumberObject(10)] * len(drawings)),
            name("/ToUnicode"): stream(cmap.encode())})
        page[name("/Resources")] = DictionaryObject({name("/Font"): DictionaryObject({name("/T1"): writer._add_object(font)})})
        codes = "".join(f"\\{i + 1:03o}" for i in range(len(drawings)))
        page[name("/Contents")] = stream(f"BT /T1 12 Tf 20 50 Td ({codes}) Tj ET".encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_type3_glyphs_read_alike_wherever_their_drawing_is_used():
    """Each page's Type 3 font gives its first glyph U+2701, whatever it
    draws: the copy with glyph tokens reads one drawing as one character on
    every page, and two drawings as two, and leaves a PDF without Type 3
    fonts (or no PDF) alone."""
    import pypdfium2 as pdfium

    from pipeline.readers.pdf.glyph_tokens import with_glyph_tokens

    def texts(data: bytes) -> list[str]:
        pdf = pdfium.PdfDocument(data)
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]

    data = _type3_pdf([["bar", "box", "dot"], ["dot", "bar"]])
    assert texts(data) == ["✁✂✃", "✁✂"]  # "bar" and "dot" both read "✁"
    first, second = texts(with_glyph_tokens(data))
    bar, box, dot = first
    assert len({bar, box, dot}) == 3 and second == dot + bar
    assert all(0xE000 <= ord(c) <= 0xF8FF for c in first)
    assert with_glyph_tokens((FIXTURES / "producers" / "torsas-2017-reportlab.pdf").read_bytes()) is None
    assert with_glyph_tokens(b"%PDF-1.4 not really") is None


def test_ocr_words_are_spelt_by_the_layer_word_at_their_place():
    """OCR's words keep their places and sizes and take the layer's
    letters where the table decodes every glyph of the one layer word
    there (or of the layer words it spans, on one line); an OCR word over a
    glyph no vote decided, or over a small part of a layer word, keeps what
    OCR read."""
    from dataclasses import replace

    from pipeline.readers.pdf.decoding import GlyphMap, spell_ocr_words

    table = GlyphMap({("T3", "\ue000"): "h", ("T3", "\ue001"): "e", ("T3", "\ue002"): "j"})
    layer = _words(["\ue000\ue001\ue002", "\ue002\ue001", "\ue001", "\ue002", "\ue000\ue003"], font="T3")
    ocr = [replace(w, size=10.0, top=w.top + 1) for w in _words(["hcj", "je", "eJ", "J", "hx"])]
    # OCR read the third and fourth layer words as one: it takes both's letters
    ocr[2:4] = [replace(ocr[2], x1=ocr[3].x1)]
    spelt = spell_ocr_words(ocr, layer, table)
    assert [w.text for w in spelt.words] == ["hej", "je", "ej", "hx"]
    assert [w.size for w in spelt.words] == [10.0] * 4 and spelt.ocr_layout
    assert spelt.from_ocr == 1  # "hx": an undecided glyph
    # a short OCR word inside a long layer word's tall box keeps its letters
    (long,) = _words(["\ue000\ue001\ue002\ue002\ue001\ue000"], font="T3")
    short = replace(long, text="i", x1=long.x0 + 4, size=10.0)
    assert [w.text for w in spell_ocr_words([short], [long], table).words] == ["i"]


def test_a_bitmap_glyphs_word_is_sized_by_its_fonts_letters_ink():
    """A Type 3 bitmap font has no size: the drawings that share words are
    one font at one size, and its words are sized by the ink of its glyphs
    decided as cap-height letters, or as x-height letters through the ratio
    of the two in the fonts that have both; a word of a font whose
    glyphs tell nothing takes the nearest line's size, and a page with
    nothing that tells has none."""
    from pipeline.readers.pdf.glyph_tokens import sizes_by_ink

    CAP_HEIGHT_PER_SIZE = 0.7

    letters = {"\ue000": "n", "\ue001": "E", "\ue002": "o", "\ue003": "n", "\ue004": "E", "\ue005": "n",
               "\ue006": "-"}
    # body and heading fonts ("n", "E", "o"), a font of small letters only, a dash
    ink = {"\ue000": 5.0, "\ue001": 7.0, "\ue002": 5.2, "\ue003": 8.0, "\ue004": 11.2, "\ue005": 10.0,
           "\ue006": 2.5}
    body = _words(["\ue001\ue000", "\ue002", "\ue001", "\ue000\ue002"])  # "En", "o", "E", "no"
    heading = _words(["\ue004\ue003", "\ue004"], top=200.0)  # "En", "E"
    small = _words(["\ue005\ue005"], top=300.0)  # "nn"
    dash = _words(["\ue006"], top=320.0)
    got = sizes_by_ink({1: body + heading + small + dash}, ink, letters.get, lambda w: w.bottom, CAP_HEIGHT_PER_SIZE, 0.5)[1]
    assert got[:4] == [7.0 / CAP_HEIGHT_PER_SIZE] * 4  # "o" and "n" alone: their font's size
    assert got[4:6] == [11.2 / CAP_HEIGHT_PER_SIZE] * 2
    # x-height over cap height is 5/7 in both fonts that have both
    assert abs(got[6] - 10.0 * 7 / 5 / CAP_HEIGHT_PER_SIZE) < 1e-9
    assert got[7] == got[6]  # the dash: the nearest line's
    assert sizes_by_ink({2: dash}, ink, letters.get, lambda w: w.bottom, CAP_HEIGHT_PER_SIZE, 0.5) == {2: [None]}



def test_a_bitmap_fonts_weight_is_what_ocr_reads_most_of_its_words_as():
    """OCR's strokes mislead it now and then: a font is bold when most of
    the words OCR read at its words' places are."""
    from dataclasses import replace

    from pipeline.readers.pdf.glyph_tokens import bold_fonts, drawing_fonts

    heading = _words(["\ue000\ue001", "\ue001\ue000", "\ue000"], font="T3")
    body = _words(["\ue002\ue003", "\ue003", "\ue002"], font="T3", top=200.0)
    fonts = drawing_fonts({1: heading + body})
    assert fonts["\ue000"] == fonts["\ue001"] != fonts["\ue002"] == fonts["\ue003"]
    seen = [True, True, False, False, True, False]  # one heading word and one body word misread
    pairs = [(w, replace(w, text="x", bold=b)) for w, b in zip(heading + body, seen)]
    assert bold_fonts(pairs, fonts) == {fonts["\ue000"]}


def test_a_word_ocr_cut_in_two_votes_as_one():
    """OCR read "Förbättringsmöjligheter" as "Förbättring" "smöjligheter":
    the two parts, on one line within the layer word, are its reading; two
    words of two lines at a tall box's place are not."""
    from dataclasses import replace

    from pipeline.readers.pdf.decoding import read_alike

    (layer,) = _words(["\x01" * 23])
    half = (layer.x1 - layer.x0) / 2
    ocr = [replace(layer, text="Förbättring", x1=layer.x0 + half - 1),
           replace(layer, text="smöjligheter", x0=layer.x0 + half + 1)]
    ((w, o),) = read_alike([layer], ocr)
    assert o.text == "Förbättringsmöjligheter" and (o.x0, o.x1) == (layer.x0, layer.x1)
    tall = replace(layer, top=layer.top - 10, bottom=layer.bottom + 10)
    lines = [replace(ocr[0], top=95.0, bottom=102.0), replace(ocr[1], top=103.0, bottom=110.0)]
    assert read_alike([tall], lines) == []
