"""The Word reader on documents made in the test: styles, list numbering, hand formatting, merged cells."""

from pathlib import Path

import docx
import pytest

from pipeline.document import Heading, Paragraph, ReadError, Table
from pipeline.readers.docx import read_docx


@pytest.fixture
def made(tmp_path):
    d = docx.Document()
    d.add_heading("Område 3 Styrning och kontroll", level=2)
    bold = d.add_paragraph()
    bold.add_run("Förbättringsområden").bold = True  # a label set in bold by hand
    d.add_paragraph("Tydligare mål", style="List Number")
    d.add_paragraph("Bättre uppföljning", style="List Number")
    d.add_paragraph("Hemsidan", style="List Bullet")
    d.add_paragraph("Löptext som inte är en lista och som slutar med punkt.")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "Styrkor"
    t.cell(0, 1).text = "Förbättringsmöjligheter"
    t.cell(1, 0).text = "Öppna protokoll"
    t.cell(1, 0).add_paragraph("Bra hemsida")
    t.cell(1, 1).text = "Fler dialoger"
    merged = d.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "Rubriker"
    merged.cell(0, 2).text = "Poäng"
    path = tmp_path / "made.docx"
    d.save(path)
    return read_docx(path)


def test_headings_lists_and_bold_labels(made):
    b = made.blocks
    assert isinstance(b[0], Heading) and (b[0].text, b[0].level) == ("Område 3 Styrning och kontroll", 2)
    assert isinstance(b[1], Heading) and b[1].text == "Förbättringsområden"
    items = [(p.text, p.list_marker) for p in b[2:5]]
    # Word's default bullet is the Symbol-font glyph U+F0B7, kept as printed
    assert items == [("Tydligare mål", "1."), ("Bättre uppföljning", "2."), ("Hemsidan", "\uf0b7")]
    assert isinstance(b[5], Paragraph) and b[5].list_marker is None


def test_tables_cell_by_cell_with_their_paragraphs(made):
    tables = [x for x in made.blocks if isinstance(x, Table)]
    assert tables[0].row_texts() == [["Styrkor", "Förbättringsmöjligheter"],
                                     ["Öppna protokoll Bra hemsida", "Fler dialoger"]]
    assert [p.text for p in tables[0].rows[1][0].paragraphs] == ["Öppna protokoll", "Bra hemsida"]
    # a merged cell is one cell, not repeated
    assert tables[1].row_texts() == [["Rubriker", "Poäng"]]


def test_truncated_docx_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ReadError, match="Word"):
        read_docx(bad)


def test_bullets_typed_into_the_text_are_list_markers_not_text(tmp_path):
    """A Word file whose findings start with a typed "• " or "- " (no Word
    numbering): each is a list item with its marker, and the text is clean,
    as the text reader and the PDF of the same report give it; a number or a
    minus sign at the start of text stays."""
    import docx

    from pipeline.readers import read_document

    d = docx.Document()
    for text in ("Styrkor", "• Regelbunden utgivning av nyheter", "-\tInformation på webben", "•Kallelser",
                 "-5 grader är kallt", "1. Inledning"):
        d.add_paragraph(text)
    path = tmp_path / "typed.docx"
    d.save(path)
    got = [(b.text, b.list_marker) for b in read_document(path).blocks if hasattr(b, "list_marker")]
    assert got[1:4] == [("Regelbunden utgivning av nyheter", "•"), ("Information på webben", "-"), ("Kallelser", "•")]
    assert ("-5 grader är kallt", None) in got
    assert all(not t.startswith(("•", "- ")) for t, _ in got)


def test_styles_based_on_each_other_in_a_cycle_are_read_once_each(tmp_path):
    """A crafted file whose heading styles inherit from each other: the chain
    stops where it comes round (it ran until the time limit), and the
    document reads as the same file without the cycle."""
    from hostile import docx_with_style_cycle

    from pipeline.readers.docx import read_docx

    src = Path(__file__).resolve().parent.parent / "raw_reports" / "torsas-2017.docx"
    out = tmp_path / "cycle.docx"
    docx_with_style_cycle(src, out)
    got, want = read_docx(out), read_docx(src)
    assert [b.text for b in got.text_blocks()] == [b.text for b in want.text_blocks()]


def test_a_damaged_word_file_is_one_line_naming_the_damage(tmp_path):
    import zipfile

    from pipeline.document import ReadError
    from pipeline.readers.docx import read_docx

    assert str(ReadError("lxml says:\n  line 1\n\tcolumn 2")) == "lxml says: line 1 column 2"
    src = Path(__file__).resolve().parent.parent / "raw_reports" / "torsas-2017.docx"
    out = tmp_path / "damaged.docx"
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(out, "w") as w:
        for name in z.namelist():
            w.writestr(name, b"<w:document>\n<unclosed>\n" if name == "word/document.xml" else z.read(name))
    with pytest.raises(ReadError) as err:
        read_docx(out)
    assert "\n" not in str(err.value) and "Word" in str(err.value)
