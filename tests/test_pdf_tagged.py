"""The tagged-PDF stage on hand-made pages: a structure tree (as the backend
gives it, page by page) plus words with marked-content ids. Checks that the
tree decides paragraph boundaries, list items and table cells; that an element
going on over a page break is read once; and that a page whose tags leave real
text out, or are far coarser than its paragraphs, is read by layout instead."""

from __future__ import annotations

from pipeline.document import Heading, Paragraph, Table
from pipeline.readers.pdf import PageContent, Word, analyse
from pipeline.readers.pdf.model import TagNode
from pipeline.readers.pdf.tagged import merge_pages

SIZE = 11.0
PITCH = 13.0
CW = 0.5


class Page:
    """Builds one page: words placed line by line, each line under an mcid."""

    def __init__(self, number: int):
        self.number = number
        self.words: list[Word] = []
        self.top = 72.0

    def line(self, text: str, mcid: int, x0: float = 72.0, size: float = SIZE, bold: bool = False,
             gap: float = 0.0, top: float | None = None) -> "Page":
        if top is None:
            self.top += gap
            top = self.top
            self.top += PITCH * size / SIZE
        x = x0
        for tok in text.split(" "):
            w = len(tok) * CW * size
            self.words.append(Word(tok, x, x + w, top, top + size, size, bold, mcid=mcid, page=self.number))
            x += w + 0.25 * size
        return self

    def content(self, tags: TagNode | None) -> PageContent:
        return PageContent(self.number, 595.0, 842.0, self.words, tags=tags)


def el(type_: str, page: int, *kids, slots=None) -> TagNode:
    """An element; int kids are mcids on ``page``."""
    node = TagNode(type_, page)
    for i, k in enumerate(kids):
        node.add(slots[i] if slots else i, (page, k) if isinstance(k, int) else k)
    return node


def root(page: int, *kids, slots=None) -> TagNode:
    return el("Root", page, el("Document", page, *kids, slots=slots))


def texts(blocks) -> list[str]:
    return [b.text for b in blocks]


def test_tags_decide_where_paragraphs_end_even_without_any_spacing():
    # Two findings set line under line with no gap and the first ending with "?"
    # at the line's end: geometry cannot tell, the P tags do.
    p = Page(1)
    p.line("Styrkor", 0, bold=True, size=14)
    p.line("Finns det en plan för hur medborgarna ska", 1).line("kunna delta i besluten?", 1)
    p.line("Kommunen har en tydlig vision som är känd", 2).line("av alla anställda.", 2)
    tags = root(1, el("H2", 1, 0), el("P", 1, 1), el("P", 1, 2))
    layout = analyse([p.content(tags)])
    assert layout.reader == "pdf-tags"
    assert isinstance(layout.blocks[0], Heading) and layout.blocks[0].level == 2
    assert texts(layout.blocks[1:]) == [
        "Finns det en plan för hur medborgarna ska kunna delta i besluten?",
        "Kommunen har en tydlig vision som är känd av alla anställda.",
    ]


def test_list_items_take_their_label_and_table_cells_their_paragraphs():
    p = Page(1)
    p.line("Styrkor", 0, x0=72, top=100).line("Förbättringsområden", 1, x0=300, top=100)
    p.line("•", 2, x0=72, top=120).line("Tydlig styrning", 3, x0=84, top=120)
    p.line("•", 4, x0=72, top=133).line("God ekonomi", 5, x0=84, top=133)
    p.line("Utveckla dialogen", 6, x0=300, top=120)  # an item whose bullet is drawn (no Lbl)
    tags = root(1, el("Table", 1,
                      el("TR", 1, el("TH", 1, el("P", 1, 0)), el("TH", 1, el("P", 1, 1))),
                      el("TR", 1,
                         el("TD", 1, el("L", 1, el("LI", 1, el("Lbl", 1, 2), el("LBody", 1, 3)),
                                        el("LI", 1, el("Lbl", 1, 4), el("LBody", 1, 5)))),
                         el("TD", 1, el("L", 1, el("LI", 1, el("LBody", 1, 6)))))))
    blocks = analyse([p.content(tags)]).blocks
    assert len(blocks) == 1 and isinstance(blocks[0], Table)
    rows = blocks[0].rows
    assert [c.text for c in rows[0]] == ["Styrkor", "Förbättringsområden"]
    left, right = rows[1]
    assert [(q.list_marker, q.text) for q in left.paragraphs] == [("•", "Tydlig styrning"), ("•", "God ekonomi")]
    assert [(q.list_marker, q.text) for q in right.paragraphs] == [("•", "Utveckla dialogen")]


def test_inline_elements_belong_to_their_paragraph():
    p = Page(1)
    p.line("Kommunen har", 0).line("en tydlig vision.", 1)
    tags = root(1, el("P", 1, el("Span", 1, 0), el("Link", 1, 1)))
    assert texts(analyse([p.content(tags)]).blocks) == ["Kommunen har en tydlig vision."]


def test_a_table_row_split_by_a_page_break_is_one_row():
    # Row 2's first cell holds a list that goes on to page 2 while its second
    # cell ended on page 1: the same element on both pages has the same slot path.
    p1, p2 = Page(1), Page(2)
    p1.line("Rubriker", 0, top=700).line("Poäng", 1, x0=400, top=700)
    p1.line("• Strategi för demokrati", 2, top=720).line("52", 3, x0=400, top=720)
    p2.line("• Medborgardialog", 0, top=72)
    t1 = root(1, el("Table", 1,
                    el("TR", 1, el("TD", 1, el("P", 1, 0)), el("TD", 1, el("P", 1, 1))),
                    el("TR", 1, el("TD", 1, el("L", 1, el("LI", 1, 2), slots=[0])), el("TD", 1, el("P", 1, 3)))),
              slots=[5])
    # page 2: the Document's 6th kid (slot 5) is the same table, its 2nd row, 1st cell, the list's 2nd item
    li2 = el("LI", 2, 0)
    t2 = root(2, el("Table", 2,
                    el("TR", 2, el("TD", 2, el("L", 2, li2, slots=[1])), slots=[0]),
                    slots=[1]),
              slots=[5])
    layout = analyse([p1.content(t1), p2.content(t2)])
    assert layout.tagged_pages == [1, 2]
    tables = [b for b in layout.blocks if isinstance(b, Table)]
    assert len(tables) == 1
    rows = tables[0].row_texts()
    assert rows == [["Rubriker", "Poäng"], ["Strategi för demokrati Medborgardialog", "52"]]
    assert [q.page for q in tables[0].rows[1][0].paragraphs] == [1, 2]


def test_merge_pages_orders_kids_by_their_slots():
    a = el("Document", 1, el("P", 1, 0), el("P", 1, 1), slots=[0, 2])
    b = el("Document", 2, el("P", 2, 0), el("P", 2, 1), slots=[1, 3])
    merged = merge_pages([a, b])
    assert merged.slots == [0, 1, 2, 3]
    assert [k.kids[0] for k in merged.kids] == [(1, 0), (2, 0), (1, 1), (2, 1)]


def test_a_page_whose_tags_leave_text_out_is_read_by_layout():
    p1, p2 = Page(1), Page(2)
    p1.line("Kommunen har en tydlig vision.", 0)
    p2.line("Tagged text on the second page.", 0)
    p2.line("Text the producer did not tag at all, a whole paragraph of it.", -1, gap=10)
    layout = analyse([p1.content(root(1, el("P", 1, 0))), p2.content(root(2, el("P", 2, 0)))])
    assert layout.tagged_pages == [1]
    assert layout.reader == "pdf-tags+layout"
    assert "Text the producer did not tag at all, a whole paragraph of it." in texts(layout.blocks)


def test_a_page_tagged_as_one_paragraph_is_read_by_layout():
    p = Page(1)
    paras = [("Första stycket handlar om styrning", "och om hur den följs upp."),
             ("Andra stycket handlar om ekonomi", "och om budgetens process."),
             ("Tredje stycket handlar om dialog", "med medborgare och företag."),
             ("Fjärde stycket handlar om kvalitet", "i alla verksamheter.")]
    for a, b in paras:
        p.line(a, 0, gap=PITCH).line(b, 0)
    layout = analyse([p.content(root(1, el("P", 1, 0)))])
    assert layout.reader == "pdf-layout"
    assert texts(layout.blocks) == [f"{a} {b}" for a, b in paras]


def test_untagged_pdf_is_read_by_layout():
    p = Page(1)
    p.line("Kommunen har en tydlig vision.", -1)
    layout = analyse([p.content(None)])
    assert layout.reader == "pdf-layout" and layout.tagged_pages == []
    assert isinstance(layout.blocks[0], Paragraph)
