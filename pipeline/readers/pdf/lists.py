"""Stage 4a: list markers, from a glyph or a drawn shape.

Unmistakable glyphs (•, ▪, ◦, ·, private-use Symbol glyphs such as U+F0B7,
and the "•" the line stage gives a drawn bullet) always start an item;
ambiguous ones ("-", "–", "o", "1.", "a)") only after a tab-like gap, where
a new block starts anyway, or in a run of items of the same kind (decided by
the paragraph builder). ``list_marker`` keeps the glyph as printed, like the
docx reader; it is removed from the text.
"""

from __future__ import annotations

import re

from ...document import DASH_BULLETS, SURE_BULLETS
from .model import Line, Word

_SURE_BULLETS = SURE_BULLETS
#: a dash, or an "o" (a Symbol bullet without its font)
_AMBIG_BULLETS = DASH_BULLETS | {"o"}
_NUMBER_MARK = re.compile(r"^(?:\d{1,2}|[a-zA-Z]|[ivxIVX]{1,5})[.)]$|^\((?:\d{1,2}|[a-zA-Z])\)$")
#: a gap after a marker wider than this × size is a tab stop (about two spaces)
TAB_GAP = 0.55


def is_pua(ch: str) -> bool:
    return 0xE000 <= ord(ch) <= 0xF8FF


def is_sure_bullet(ch: str) -> bool:
    return ch in _SURE_BULLETS or is_pua(ch)


class Marker:
    __slots__ = ("glyph", "ambiguous", "tab", "text_x0", "rest", "drawn")

    def __init__(self, glyph: str, ambiguous: bool, tab: bool, text_x0: float, rest: list[Word], drawn: bool = False):
        self.glyph = glyph
        self.ambiguous = ambiguous
        self.tab = tab
        self.text_x0 = text_x0
        self.rest = rest
        self.drawn = drawn


def find_marker(line: Line, allow_numbers: bool = True) -> Marker | None:
    """The list marker at the start of a line, if any."""
    words = line.words
    first = words[0].text
    if len(words) >= 2:
        nxt = words[1]
        gap = nxt.x0 - words[0].x1
        tab = gap > TAB_GAP * line.size
        if words[0].drawn:
            return Marker(first, False, True, nxt.x0, words[1:], drawn=True)
        if len(first) == 1 and is_sure_bullet(first):
            return Marker(first, False, tab, nxt.x0, words[1:])
        if first in _AMBIG_BULLETS:
            return Marker(first, True, tab, nxt.x0, words[1:])
        if allow_numbers and _NUMBER_MARK.match(first):
            return Marker(first, True, tab, nxt.x0, words[1:])
    if len(first) >= 2 and is_sure_bullet(first[0]) and not first[1].isspace():
        # bullet glued to the text ("•Text")
        w0 = words[0]
        rest_word = Word(first[1:], w0.x0, w0.x1, w0.top, w0.bottom, w0.size, w0.bold)
        return Marker(first[0], False, False, w0.x0, [rest_word] + words[1:])
    return None


def is_marker_glyph(text: str) -> bool:
    """A word that can only be a list marker when it starts a line."""
    return (len(text) == 1 and is_sure_bullet(text)) or text in _AMBIG_BULLETS or bool(_NUMBER_MARK.match(text))


def same_kind(a: str, b: str) -> bool:
    """Two markers of one list: the same glyph, or both numbers/letters."""
    return a == b or bool(_NUMBER_MARK.match(a) and _NUMBER_MARK.match(b))
