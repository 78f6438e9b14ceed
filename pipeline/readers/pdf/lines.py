"""Stage 1: characters -> words -> lines (backend independent).

Also turns drawn bullets (small filled shapes left of a line) into marker
words, so the list stage sees them like a glyph.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from .model import Line, Shape, Word
from .settings import PdfSettings

Char = tuple[str, float, float, float, float, float, bool]  # text, x0, x1, top, bottom, size, bold

#: the glyph a drawn bullet is given in the text (what Word lists print)
DRAWN_BULLET = "•"


def words_from_chars(chars: Iterable[Char], st: PdfSettings) -> list[Word]:
    """Group glyphs (text, x0, x1, top, bottom, size, bold) into words.

    For backends that give single glyphs. Glyphs are clustered into rows by
    vertical centre, then split into words at whitespace glyphs and at gaps
    wider than ``word_gap`` × size. Exact duplicates drawn on top of each
    other (fake bold) are dropped.
    """
    items = sorted(chars, key=lambda c: (c[3] + c[4]) / 2)
    rows: list[list[Char]] = []
    row: list[Char] = []
    r_top = r_bottom = 0.0
    for c in items:
        cy = (c[3] + c[4]) / 2
        if row:
            mid = (r_top + r_bottom) / 2
            if abs(cy - mid) <= st.line_tolerance * max(c[5], r_bottom - r_top) or (
                c[3] <= mid <= c[4] and r_top <= cy <= r_bottom
            ):
                row.append(c)
                continue
            rows.append(row)
        row = [c]
        r_top, r_bottom = c[3], c[4]
    if row:
        rows.append(row)

    words: list[Word] = []
    for row in rows:
        row.sort(key=lambda c: c[1])
        cur: list[Char] = []
        prev = None
        for c in row:
            text = c[0]
            if not text or text.isspace():
                if cur:
                    words.append(_make_word(cur))
                cur, prev = [], None
                continue
            if prev is not None:
                if text == prev[0] and abs(c[1] - prev[1]) < 0.5 * max(c[2] - c[1], 0.5):
                    continue  # duplicate glyph (fake bold / shadow)
                if c[1] - prev[2] > st.word_gap * max(c[5], prev[5]):
                    words.append(_make_word(cur))
                    cur = []
            cur.append(c)
            prev = c
        if cur:
            words.append(_make_word(cur))
    return words


def _make_word(cs: list[Char]) -> Word:
    text = "".join(c[0] for c in cs)
    sizes = Counter(round(c[5], 1) for c in cs)
    bold = sum(1 for c in cs if c[6]) * 2 > len(cs)
    return Word(
        text,
        min(c[1] for c in cs),
        max(c[2] for c in cs),
        min(c[3] for c in cs),
        max(c[4] for c in cs),
        sizes.most_common(1)[0][0],
        bold,
    )


def drawn_bullets(words: list[Word], shapes: list[Shape], st: PdfSettings) -> list[Word]:
    """Marker words for the shapes that are drawn bullets.

    A shape is a bullet when it is small for the text right of it (between
    ``drawn_bullet_min`` and ``drawn_bullet_max`` × that text's size, roughly
    square), its vertical centre lies inside that text's box, that text starts
    within ``drawn_bullet_reach`` × size to its right, and nothing else lies
    between. The word gets the box of the line it marks so it groups with it.
    """
    out: list[Word] = []
    if not shapes or not words:
        return out
    by_top = sorted(words, key=lambda w: w.top)
    for s in shapes:
        w_, h_ = s.x1 - s.x0, s.bottom - s.top
        cy = (s.top + s.bottom) / 2
        best = None
        for w in by_top:
            if w.top > cy:
                break
            if w.bottom < cy or w.x0 < s.x1 - 0.5:
                continue
            if w.x0 - s.x1 > st.drawn_bullet_reach * w.size:
                continue
            if best is None or w.x0 < best.x0:
                best = w
        if best is None:
            continue
        size = best.size
        if not (st.drawn_bullet_min * size <= w_ <= st.drawn_bullet_max * size
                and st.drawn_bullet_min * size <= h_ <= st.drawn_bullet_max * size):
            continue
        if max(w_, h_) > 2.0 * min(w_, h_):
            continue  # a dash or a bar, not a dot
        if any(w is not best and w.x1 > s.x1 and w.x0 < best.x0 and w.top <= cy <= w.bottom for w in by_top):
            continue
        out.append(Word(DRAWN_BULLET, s.x0, s.x1, best.top, best.bottom, size, best.bold, drawn=True, page=best.page))
    return out


def group_lines(words: list[Word], page: int = 1) -> list[Line]:
    """Cluster words of one region into lines (top to bottom, left to right).

    A word joins the current line when its vertical centre lies within the
    line's box or the line's centre within the word's box (so superscripts and
    mixed sizes stay on their line).
    """
    if not words:
        return []
    ws = sorted(words, key=lambda w: (w.top + w.bottom) / 2)
    groups: list[list[Word]] = []
    cur: list[Word] = []
    top = bottom = 0.0
    for w in ws:
        cy = (w.top + w.bottom) / 2
        mid = (top + bottom) / 2
        if cur and (top <= cy <= bottom or w.top <= mid <= w.bottom):
            cur.append(w)
            continue
        if cur:
            groups.append(cur)
        cur = [w]
        top, bottom = w.top, w.bottom
    groups.append(cur)
    lines = []
    for g in groups:
        g.sort(key=lambda w: w.x0)
        lines.append(Line(g, page))
    lines.sort(key=lambda l: (l.top, l.x0))
    return lines
