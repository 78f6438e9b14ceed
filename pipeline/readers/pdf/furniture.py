"""Stage 3: running headers and footers (the page's furniture), found by
repetition and position and dropped from the body.

* A line (or a table) in the top or bottom band of the page
  (``header_band`` / ``footer_band``) whose text, digits replaced by "#", is
  on at least ``repeat_fraction`` of the pages (and ``repeat_min_pages``), so
  "3 (34)" and "4 (34)" match.
* The same text at the same place (± ``repeat_position_tolerance``) on
  ``repeat_same_place_pages`` pages or more: a header that only one chapter's
  pages carry.
* Page-number lines in the bands ("3", "3 (34)", "Sida 3 av 34", "Page 3 of
  34", "- 3 -", "3/34") when their number minus the page index is the
  document's usual offset (a bare "45" in the band of one page is kept).

A heading near the top of one page does not repeat, so it stays.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from ...document import clean_text
from .model import Grid, Line, PageContent
from .settings import PdfSettings

_PAGE_NO = re.compile(
    r"^(?:(?:sida|sid\.?|s\.|page|p\.)\s*)?[-–—]?\s*#\s*[-–—]?\s*"
    r"(?:\(\s*#\s*\)|(?:av|of|/)\s*#)?$"
)


def norm_key(text: str) -> str:
    text = clean_text(text).lower()
    text = re.sub(r"\d+", "#", text)
    return re.sub(r"\s+", " ", text).strip()


def repeat_key(obj, st: PdfSettings) -> str:
    """What a band line (or table) is compared across pages by: its text's
    key (:func:`norm_key`) without signs standing alone, and for a line
    without the words the recogniser doubted (``repeat_min_word_conf``); the
    plain key when nothing else is left (a page number "- 3 -")."""
    if isinstance(obj, Line):
        text = " ".join(w.text for w in obj.words if w.conf is None or w.conf >= st.repeat_min_word_conf)
    else:
        text = obj.text()
    words = [w.strip(".,;:") for w in norm_key(text).split()]
    kept = " ".join(w for w in words if any(ch.isalnum() or ch == "#" for ch in w))
    return kept or norm_key(obj.text if isinstance(obj, Line) else obj.text())


def is_page_number(text: str) -> bool:
    """'3', '3 (34)', 'Sida 3 av 34', 'Page 3 of 34', '- 3 -', '3/34'."""
    return bool(_PAGE_NO.match(norm_key(text)))


def running_lines(pages: list[tuple[PageContent, list[Line], list[Grid]]], st: PdfSettings) -> list[tuple[int, object]]:
    """The running headers and footers among the pages' body lines and
    tables, as (page number, line or grid); the pages are left as they are."""
    n_pages = len(pages)
    need = max(st.repeat_min_pages, math.ceil(st.repeat_fraction * n_pages))
    seen: dict[str, set[int]] = defaultdict(set)
    places: dict[tuple[str, int], set[int]] = defaultdict(set)
    cands: list[tuple[int, object, str, float]] = []
    tol = st.repeat_position_tolerance
    for pi, (page, lines, grids) in enumerate(pages):
        top_lim = page.height * st.header_band
        bot_lim = page.height * (1.0 - st.footer_band)
        for obj, text in [(l, l.text) for l in lines] + [(g, g.text()) for g in grids]:
            if obj.bottom <= top_lim or obj.top >= bot_lim:
                key, same = norm_key(text), repeat_key(obj, st)
                cands.append((pi, obj, key, same, obj.top))
                seen[same].add(pi)
                places[(same, round(obj.top / tol))].add(pi)
    offsets: Counter = Counter()
    numbered = {}
    for pi, obj, key, _same, _top in cands:
        if isinstance(obj, Line) and _PAGE_NO.match(key):
            m = re.search(r"\d+", obj.text)
            if m:
                numbered[id(obj)] = int(m.group(0)) - pages[pi][0].number
                offsets[numbered[id(obj)]] += 1
    top_offset = offsets.most_common(1)[0][1] if offsets else 0
    good_offsets = {o for o, c in offsets.items() if c == top_offset or c >= 2}
    drop: dict[int, set[int]] = defaultdict(set)
    for pi, obj, _key, same, top in cands:
        if id(obj) in numbered:
            if numbered[id(obj)] in good_offsets:
                drop[pi].add(id(obj))
            continue
        same_place = max(len(places[(same, round(top / tol) + d)]) for d in (-1, 0, 1))
        if len(seen[same]) >= need or same_place >= st.repeat_same_place_pages:
            drop[pi].add(id(obj))
    dropped: list[tuple[int, object]] = []
    for pi in sorted(drop):
        page, lines, grids = pages[pi]
        dropped += [(page.number, o) for o in [*lines, *grids] if id(o) in drop[pi]]
    return dropped
