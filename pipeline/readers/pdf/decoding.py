"""A text layer whose glyphs map to the wrong letters, decoded by what OCR
read at the same places. Pure functions of words.

A print to PostScript and back, or Ghostscript's rewrite of some fonts,
keeps every glyph where it was but loses the fonts' Unicode maps: each glyph
then reads as its code ("\\x05\\x13\\x14" for "Omr"), or a letter as a control
character. The substitution is the same for every use of a glyph in one
font, so a few hundred words that OCR read at the same places tell what each
glyph is (a vote per letter of every word OCR read with as many letters),
and the whole layer can then be read as the PDF drew it: exact boxes, sizes
and weights, no misread letter where the votes agree. This is how a reader
would decipher a substitution, with OCR as the crib.

A glyph is decoded when ``decode_min_votes`` readings agree on it and it is
read that way by at least ``decode_min_share`` of them (OCR misreads a letter
now and then, a font never changes its map). A code decided as another
letter that OCR also reads as itself ``decode_min_votes`` times is one two
glyphs share ("ö" and "-"), and is read in each word as OCR read it there. A word with a glyph no vote
decided takes OCR's reading of it (or keeps its glyphs, said in the flag).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from .glyphs import unmapped
from .model import Word
from .settings import PdfSettings

@dataclass(frozen=True)
class GlyphMap:
    """What each glyph of each font is: the letters the votes decided, and
    the fonts whose glyphs mostly read as themselves (a glyph of one of those
    that no vote decided keeps its own letter, unless it has no text)."""

    letters: dict[tuple[str, str], str]
    fonts_as_read: frozenset[str] = frozenset()
    #: codes two glyphs share (Ghostscript's rewrite of a ReportLab font reads
    #: both "ö" and "-" as "-"): read in each word as OCR read it there
    shared: frozenset[tuple[str, str]] = frozenset()

    def letter(self, font: str, glyph: str) -> str | None:
        got = self.letters.get((font, glyph))
        if got is None and font in self.fonts_as_read and not unmapped(glyph):
            return glyph
        return got


@dataclass(frozen=True)
class Decoded:
    """A page's layer words decoded: the words, and how many of them took
    OCR's reading (a glyph no vote decided) or kept an undecided glyph."""

    words: list[Word]
    from_ocr: int
    undecided: list[str]
    #: the words are OCR's, spelt by the layer (:func:`spell_ocr_words`):
    #: the page is OCR's page with these words
    ocr_layout: bool = False


def _same_place(a: Word, b: Word) -> bool:
    """Do two words cover the same place on the page (most of the narrower's
    width, and the same line)?"""
    overlap = min(a.x1, b.x1) - max(a.x0, b.x0)
    if overlap <= 0.6 * min(a.x1 - a.x0, b.x1 - b.x0):
        return False
    mid_a, mid_b = (a.top + a.bottom) / 2, (b.top + b.bottom) / 2
    return abs(mid_a - mid_b) <= 0.5 * max(a.bottom - a.top, b.bottom - b.top)


def read_alike(layer: list[Word], ocr: list[Word]) -> list[tuple[Word, Word]]:
    """The (layer word, OCR word) pairs at the same place, each layer word
    with the one OCR word there; or with the OCR words there joined, when
    OCR cut one word in two ("Förbättring smöjligheter") and each part lies
    within the layer word on one line; none when OCR read words of two lines
    there, or none."""
    by_line: dict[int, list[Word]] = defaultdict(list)
    for o in ocr:
        by_line[int(o.top // 4)].append(o)
    pairs = []
    for w in layer:
        near = [o for k in range(int(w.top // 4) - 3, int(w.top // 4) + 4) for o in by_line.get(k, ()) if _same_place(w, o)]
        if len(near) == 1:
            pairs.append((w, near[0]))
        elif near and _parts_of(w, near):
            parts = sorted(near, key=lambda o: o.x0)
            pairs.append((w, replace(parts[0], text="".join(o.text for o in parts), x1=parts[-1].x1)))
    return pairs


def _parts_of(w: Word, parts: list[Word]) -> bool:
    """Are ``parts`` (OCR words) pieces of the one word ``w``: on one line,
    each within it?"""
    first = parts[0]
    one_line = all(abs(o.top - first.top) <= 0.5 * (first.bottom - first.top) for o in parts)
    within = all(min(o.x1, w.x1) - max(o.x0, w.x0) >= 0.8 * (o.x1 - o.x0) for o in parts)
    return one_line and within


def glyph_votes(pairs: list[tuple[Word, Word]]) -> dict[tuple[str, str], Counter]:
    """For each (font, glyph), what OCR read it as, over every pair of words
    of the same length."""
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for w, o in pairs:
        if w.font and len(w.text) == len(o.text):  # a font without a name or program cannot be told apart
            for g, c in zip(w.text, o.text):
                votes[(w.font, g)][c] += 1
    return votes


def learn_map(votes: dict[tuple[str, str], Counter], st: PdfSettings) -> GlyphMap:
    """The glyphs the votes decide (see the module's docstring). A glyph that
    OCR reads as itself often enough that no other letter has the share to
    win keeps its letter: a layer that lost only some letters keeps the rest
    as the PDF gives them, whatever OCR misread now and then. And in a font
    whose decided glyphs mostly read as themselves, a glyph too rare to be
    decided keeps its letter too (unless it is one without text)."""
    out: dict[tuple[str, str], str] = {}
    shared = set()
    for key in sorted(votes):
        counts, glyph = votes[key], key[1]
        (best, n), total = max(counts.items(), key=lambda kv: (kv[1], kv[0])), sum(counts.values())
        if counts[glyph] > (1.0 - st.decode_min_share) * total:
            out[key] = glyph
        elif n >= st.decode_min_votes and n >= st.decode_min_share * total:
            out[key] = best
            if counts[glyph] >= st.decode_min_votes:
                shared.add(key)  # it also stands for itself: two glyphs share the code
    decided: dict[str, list[bool]] = defaultdict(list)
    for (font, glyph), letter in out.items():
        decided[font].append(letter == glyph)
    return GlyphMap(out, frozenset(font for font, same in decided.items() if sum(same) > len(same) / 2),
                    frozenset(shared))


def decode_words(words: list[Word], table: GlyphMap, ocr: list[Word]) -> Decoded:
    """``words`` with every glyph decoded by ``table``; a word with a glyph
    the table lacks takes the OCR word at its place, if there is one."""
    at_place = dict((id(w), o) for w, o in read_alike(words, ocr))
    out, from_ocr, undecided = [], 0, []
    for w in words:
        letters = [table.letter(w.font, g) for g in w.text]
        seen = at_place.get(id(w))
        if seen is not None and len(seen.text) == len(w.text):
            letters = [o if (w.font, g) in table.shared else c for g, c, o in zip(w.text, letters, seen.text)]
        if all(c is not None for c in letters):
            out.append(replace(w, text="".join(letters)))  # type: ignore[arg-type]
        elif id(w) in at_place:
            out.append(replace(w, text=at_place[id(w)].text))
            from_ocr += 1
        else:
            out.append(w)
            undecided.append(w.text)
    return Decoded(out, from_ocr, undecided)


def spell_ocr_words(ocr: list[Word], layer: list[Word], table: GlyphMap) -> Decoded:
    """OCR's words, each spelt as the layer's word at its place when
    ``table`` decodes every glyph of it. For a layer whose boxes do not give
    the text's size (a Type 3 font draws its glyphs as bitmaps, whose size
    PDFium cannot tell): OCR gives the page's words, lines and sizes, the
    layer their letters. An OCR word at the place of two layer words, or of
    one with a glyph no vote decided, keeps OCR's reading (``from_ocr``); so
    does one that covers little of the layer word or it of the OCR word (a
    bitmap's box is tall: a short word of one line would take the letters
    of a long word of the next)."""
    layer_at = dict((id(o), w) for o, w in read_alike(ocr, layer)
                    if min(o.x1, w.x1) - max(o.x0, w.x0) > 0.6 * max(o.x1 - o.x0, w.x1 - w.x0))
    out, from_ocr = [], 0
    for o in ocr:
        w = layer_at.get(id(o))
        letters: list[str | None] = [None]
        if w is not None:
            letters = [o.text[i] if (w.font, g) in table.shared and len(o.text) == len(w.text) else table.letter(w.font, g)
                       for i, g in enumerate(w.text)]
        if all(c is not None for c in letters):
            out.append(replace(o, text="".join(letters)))  # type: ignore[arg-type]
        else:
            out.append(o)
            from_ocr += 1
    return Decoded(out, from_ocr, [], ocr_layout=True)
