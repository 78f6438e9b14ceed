"""Stage 2b: tables without rules, from the whitespace that runs down a block of lines.

The way stream-mode table finders work: a table's columns are separated by
*gutters*, x-intervals of whitespace at least ``gutter_min`` × size wide that no
word of any of the table's lines crosses. Ordinary text has gaps that wide
only by accident, and never one that lines up line after line.

1. ``segments``: each line's words split at gaps of ``gutter_min`` × size (a
   bullet glyph and its text stay one segment: a list is not a table).
2. ``grow``: a block starts at a line of two or more segments; its gutters are
   the gaps between them. Following lines join while they leave every gutter at
   least ``gutter_min`` × size of free width (the gutter narrows to what stays
   free), keep the block's text size, and follow within ``borderless_max_gap``
   × the usual pitch. A line that crosses a gutter (a full-width paragraph)
   ends the block.
3. Validation: a gutter must have text on both sides on at least
   ``borderless_min_rows`` lines; gutters that do not are dropped, and a block
   without gutters is no table.
4. ``rows``: lines are cut into per-column lines; a new row starts where at
   least one column starts a new paragraph and none continues one (so a cell
   that wraps stays one cell, and a score whose number sits on a wrapped
   title's second line stays in its row).
"""

from __future__ import annotations

import re

from .lists import find_marker, is_marker_glyph
from .model import CellLines, Grid, Line, Word
from .paragraphs import MAY_BE_PART, SENTENCE_END, SPACE, Context, build_paragraphs


def segments(line: Line, gutter: float, over_words: float = 0.0) -> list[list[Word]]:
    """A line's words split at gaps wider than ``gutter`` × size and, when
    ``over_words`` is set, wider than ``over_words`` × the median of the line's
    narrower gaps: a justified line stretches every space alike, so its gaps
    can pass ``gutter`` and line up with the next line's by chance, while a
    column's gutter stands out from the spaces between the words beside it."""
    words = line.words
    marker = find_marker(line, allow_numbers=False)
    bound = [gutter * max(a.size, b.size) for a, b in zip(words, words[1:])]
    gaps = [b.x0 - a.x1 for a, b in zip(words, words[1:])]
    if over_words:
        spaces = sorted(g for g, lim in zip(gaps, bound) if g <= lim)
        if spaces:
            space = spaces[len(spaces) // 2]
            bound = [max(lim, over_words * space) for lim in bound]
    segs = [[words[0]]]
    for k, b in enumerate(words[1:]):
        if k == 0 and marker is not None and not marker.ambiguous:
            segs[-1].append(b)  # a bullet and its text
        elif gaps[k] > bound[k]:
            segs.append([b])
        else:
            segs[-1].append(b)
    return segs


def _narrow(gutter: tuple[float, float], words: list[Word], need: float) -> tuple[float, float] | None:
    """The part of ``gutter`` a line leaves free (its widest overlap with the
    whitespace between the line's words); None if narrower than ``need``."""
    g0, g1 = gutter
    edges = [float("-inf")] + [x for w in words for x in (w.x0, w.x1)] + [float("inf")]
    best: tuple[float, float] | None = None
    for a, b in zip(edges[0::2], edges[1::2]):
        lo, hi = max(a, g0), min(b, g1)
        if hi - lo >= need and (best is None or hi - lo > best[1] - best[0]):
            best = (lo, hi)
    return best


def _column_bases(words: list[Word], gutters: list[tuple[float, float]]) -> dict[int, float]:
    """Bottom of a line's text in each column it has words in."""
    out: dict[int, float] = {}
    for w in words:
        k = sum(1 for g in gutters if w.x0 >= g[1] - 0.01)
        out[k] = max(out.get(k, w.bottom), w.bottom)
    return out


def _both_sides(words: list[Word], gutter: tuple[float, float]) -> bool:
    return any(w.x1 <= gutter[0] + 0.01 for w in words) and any(w.x0 >= gutter[1] - 0.01 for w in words)


def grow(lines: list[Line], start: int, ctx: Context) -> tuple[int, list[tuple[float, float]]]:
    """Grow a block from ``lines[start]``; return its end (exclusive) and gutters.

    Lines with text in one column only (a cell that wraps, or goes on below
    the others) join like any other. After the block's last line with text in
    two columns, when running text across the columns follows, they stay only
    while they keep to the spacing their column already has (a short paragraph
    after a table is set further off); the spacing is measured per column,
    since the findings of one column may be set apart by a blank line while
    the other column's wrap at plain pitch. When a heading, a wide gap or the
    page's end follows instead, they stay while no further from the line
    above than the table's rows were from each other, give or take a
    paragraph gap, or while they do not end a sentence."""
    st = ctx.st
    first = lines[start]
    segs = segments(first, st.gutter_min, st.gutter_over_spaces)
    gutters = [(a[-1].x1, b[0].x0) for a, b in zip(segs, segs[1:])]
    size = first.size
    j = start + 1
    prev = first
    widest: dict[int, float] = {}  # per column, the largest line-to-line distance up to the last two-column line
    pending: dict[int, float] = {}  # ... and since then
    rows_widest = rows_pending = 0.0  # the same from one line to the next, any column (rows)
    trail_ok = start + 1  # end of the block if it stopped now (running text follows) ...
    rows_ok = start + 1  # ... and if a heading, a wide gap or the page's end follows
    last_base = _column_bases(first.words, gutters)
    crossed = False  # did a line across a gutter (running text) end the block?
    while j < len(lines):
        line = lines[j]
        if line.page != prev.page:
            break
        if line.base - prev.base > st.borderless_max_gap * ctx.pitch("body", prev.size):
            break
        if abs(line.size - size) > st.size_tolerance:
            break
        need = st.gutter_min * line.size
        narrowed = [_narrow(g, line.words, need) for g in gutters]
        if any(g is None for g in narrowed):
            crossed = True
            break
        if line.bold and not prev.bold and not any(_both_sides(line.words, g) for g in narrowed):
            break  # a heading or a label in one column (a bold row across the columns is the table's)
        # distance to the line above in the same column: the columns of one
        # row need not share a baseline
        here = _column_bases(line.words, narrowed)
        for k, b in here.items():
            d = b - last_base[k] if k in last_base else line.base - prev.base
            pending[k] = max(pending.get(k, 0.0), d)
        last_base.update(here)
        rows_pending = max(rows_pending, line.base - prev.base)
        pitch = ctx.pitch("body", prev.size)
        in_step = all(d <= max(widest.get(k, 0.0), pitch) + st.small_paragraph_gap * prev.size
                      for k, d in pending.items() if k in here)
        if any(_both_sides(line.words, g) for g in narrowed) or (in_step and min(here) >= 1):
            # Text on both sides of a gutter, or text in a right-hand column
            # alone at that column's spacing (a cell going on below the
            # others: body text does not start at a column's edge mid-page),
            # is the table's: so is every line above it.
            for k, d in pending.items():
                widest[k] = max(widest.get(k, 0.0), d)
            pending = {}
            rows_widest, rows_pending = max(rows_widest, rows_pending), 0.0
            trail_ok = rows_ok = j + 1
        else:
            if trail_ok == j and all(d <= max(widest.get(k, 0.0), pitch) + st.small_paragraph_gap * prev.size
                                     for k, d in pending.items()):
                trail_ok = j + 1
            if rows_ok == j and (line.base - prev.base <= max(rows_widest, pitch) + st.paragraph_gap * prev.size
                                 or not line.text.rstrip().endswith(SENTENCE_END)):
                rows_ok = j + 1
        gutters = narrowed  # type: ignore[assignment]
        prev = line
        j += 1
    if not crossed:
        # Lines in one column below the table, ended by a heading, a wide gap
        # or the page's end rather than by running text across the columns:
        # the table's while they are no further apart than its rows were
        # (with a paragraph gap to spare: rows of one finding each, set as far
        # apart as the other column's taller cells had them), or do not end a
        # sentence (a paragraph of running text does; a finding often not)
        trail_ok = max(trail_ok, rows_ok)
    return trail_ok, gutters


def find_borderless_tables(lines: list[Line], ctx: Context) -> tuple[list[Line], list[Grid]]:
    """Find the borderless tables among one page's body lines (top to bottom).

    Returns the remaining body lines and the tables found."""
    st = ctx.st
    used = [False] * len(lines)
    grids: list[Grid] = []
    i = 0
    while i < len(lines):
        if len(segments(lines[i], st.gutter_min, st.gutter_over_spaces)) < 2:
            i += 1
            continue
        end, gutters = grow(lines, i, ctx)
        block = lines[i:end]
        gutters = [g for g in gutters if sum(_both_sides(l.words, g) for l in block) >= st.borderless_min_rows]
        if gutters and _markers_only(block, gutters[0]):
            gutters = gutters[1:]  # a list's markers in a column of their own
        if not gutters:
            i += 1
            continue
        top = _cell_tops(lines, i, end, used, gutters, ctx)
        grids.append(build_grid(lines[top:end], gutters, ctx))
        for k in range(top, end):
            used[k] = True
        i = end
    return [l for l, u in zip(lines, used) if not u], grids


def _cell_tops(lines: list[Line], start: int, end: int, used: list[bool], gutters: list[tuple[float, float]],
               ctx: Context) -> int:
    """Where the block ``lines[start:end]`` begins: the lines just above it
    with text in one right-hand column only, at its left edge and at the
    usual pitch, are the top of a cell that starts higher than its
    neighbours (cells aligned at the bottom, as LaTeX sets a header row). As
    in ``grow``: body text does not start at a column's edge mid-page."""
    st = ctx.st
    first = lines[start]
    lefts: dict[int, float] = {}
    for line in lines[start:end]:
        for w in line.words:
            col = sum(1 for g in gutters if w.x0 >= g[1] - 0.01)
            lefts[col] = min(lefts.get(col, w.x0), w.x0)
    top = start
    while top > 0 and not used[top - 1]:
        line, below = lines[top - 1], lines[top]
        if line.page != first.page or abs(line.size - first.size) > st.size_tolerance or (line.bold and not first.bold):
            break
        if below.base - line.base > ctx.pitch("body", line.size) + st.small_paragraph_gap * line.size:
            break
        if any(_narrow(g, line.words, st.gutter_min * line.size) is None for g in gutters):
            break
        cols = _column_bases(line.words, gutters)
        col = min(cols)
        if col < 1 or len(cols) > 1 or abs(line.x0 - lefts.get(col, line.x0 + 1e9)) > st.indent_tolerance:
            break
        top -= 1
    return top


def _markers_only(block: list[Line], gutter: tuple[float, float]) -> bool:
    """Is everything left of the first gutter a list marker ("1.", "a)", "–")?"""
    lefts = [[w for w in l.words if w.x1 <= gutter[0] + 0.01] for l in block]
    lefts = [ws for ws in lefts if ws]
    return bool(lefts) and all(len(ws) == 1 and is_marker_glyph(ws[0].text) for ws in lefts)


def _columns(block: list[Line], gutters: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """(left, right) of each column: from the text, the gutters between."""
    x0 = min(l.x0 for l in block)
    x1 = max(l.x1 for l in block)
    lefts = [x0] + [g[1] for g in gutters]
    rights = [g[0] for g in gutters] + [x1]
    return list(zip(lefts, rights))


def split_line(line: Line, cols: list[tuple[float, float]], gutter_pad: float) -> list[Line | None]:
    """One line cut at the gutters: a line per column, None where it has no words."""
    buckets: list[list[Word]] = [[] for _ in cols]
    for w in line.words:
        cx = (w.x0 + w.x1) / 2
        k = 0
        while k + 1 < len(cols) and cx >= (cols[k][1] + cols[k + 1][0]) / 2:
            k += 1
        buckets[k].append(w)
    out: list[Line | None] = []
    for k, ((left, right), ws) in enumerate(zip(cols, buckets)):
        if not ws:
            out.append(None)
            continue
        sub = Line(ws, line.page)
        # How far a cell's text could reach: its column's widest line at least;
        # the last column up to the body text's right margin, the others up to
        # the next column less a gutter (cell padding is not printed)
        if k + 1 < len(cols):
            limit = cols[k + 1][0] - gutter_pad * line.size
        else:
            limit = line.right
        sub.left, sub.right = left, max(right, limit)
        out.append(sub)
    return out


#: a cell that is one number, percentage or question number ("5", "4,5", "80 %", "1.2")
_ATOMIC = re.compile(r"^[-–+]?\d{1,4}(?:[.,]\d{1,2})*\.?\s*%?$")


def _continues(cell: list[Line], line: Line, ctx: Context) -> tuple[bool, bool]:
    """Does ``line`` go on with the cell's last paragraph? And if not, is the
    break a guess (``may_be_part``: the cell's edge is not known well enough
    to say the line was not wrapped)?"""
    drafts = build_paragraphs(cell + [line], ctx, "cell")
    last = drafts[-1]
    goes_on = len(last.lines) > 1
    return goes_on, (not goes_on and last.doubt is not None and MAY_BE_PART in last.doubt.split(","))


def bound_column(runs: list[list[Line]]) -> None:
    """A borderless column's right edge within bounds, from its text: its edge
    is not printed, so its text may reach at least as far as its widest line
    (``right_lo``), and less far than any wrapped line plus the word that went
    on to the next line (a line followed, in the same run of lines, by one
    starting in lower case was wrapped there), besides the limit the table's
    geometry sets (``right``)."""
    lines = [l for run in runs for l in run]
    if not lines:
        return
    lo = max(l.x1 for l in lines)
    wrapped = [a.x1 + SPACE * a.size + (b.words[0].x1 - b.words[0].x0)
               for run in runs for a, b in zip(run, run[1:]) if b.page == a.page and b.text[:1].islower()]
    hi = min(wrapped, default=float("inf"))
    for l in lines:
        l.right = max(lo, min(l.right, hi))
        l.right_lo = lo


def bound_columns(parts: list[list[Line | None]]) -> None:
    """Every column of a block cut into per-column lines, bounded (``bound_column``)."""
    for k in range(len(parts[0]) if parts else 0):
        bound_column([[p[k] for p in parts if p[k] is not None]])


def build_grid(block: list[Line], gutters: list[tuple[float, float]], ctx: Context) -> Grid:
    cols = _columns(block, gutters)
    all_parts = [split_line(line, cols, ctx.st.gutter_min) for line in block]
    bound_columns(all_parts)
    rows: list[list[list[Line]]] = []
    #: (row, column) pairs of cells split on a guess: the earlier cell and the one after it
    unsure: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for parts in all_parts:
        parts = list(parts)
        if not rows:
            rows.append([[p] if p else [] for p in parts])
            continue
        cur = rows[-1]
        above = rows[-2] if len(rows) > 1 else None
        states = []
        guessed = []  # columns whose new cell starts on a guess (after the row's last cell)
        guessed_above = []  # (row, column) of a cell above that a fresh part may go on from
        for k, (cell, part) in enumerate(zip(cur, parts)):
            if part is None:
                continue
            if not cell and above is not None and above[k]:
                # a row begun by another column while this one may still wrap
                # its cell (columns need not share their spacing)
                goes_on, guess = _continues(above[k], part, ctx)
                if goes_on:
                    above[k].append(part)
                    parts[k] = None
                    continue
                if guess:
                    guessed_above.append((len(rows) - 2, k))
                states.append("fresh")
            elif not cell:
                states.append("fresh")
            elif _ATOMIC.match(part.text) and _ATOMIC.match(cell[-1].text):
                states.append("atomic")  # a number under a number: never one wrapped cell
            else:
                goes_on, guess = _continues(cell, part, ctx)
                states.append("continue" if goes_on else "start")
                if guess:
                    guessed.append(k)
        if "atomic" in states or ("start" in states and "continue" not in states):
            rows.append([[p] if p else [] for p in parts])
            unsure += [((len(rows) - 2, k), (len(rows) - 1, k)) for k in guessed]
        else:
            for cell, part in zip(cur, parts):
                if part is not None:
                    cell.append(part)
        # the fresh part is in the row just decided on, new or current alike
        unsure += [((r, k), (len(rows) - 1, k)) for r, k in guessed_above]
    bounds = [c[0] for c in cols] + [cols[-1][1]]
    grid_rows = [[CellLines(cell, cols[k][0], cols[k][1]) for k, cell in enumerate(r)] for r in rows]
    for (r0, k0), (r1, k1) in unsure:
        grid_rows[r0][k0].doubt_last = MAY_BE_PART
        grid_rows[r1][k1].doubt_first = MAY_BE_PART
    top = min(l.top for l in block)
    bottom = max(l.bottom for l in block)
    grid = Grid(block[0].page, top, bottom, bounds[0], bounds[-1], bounds, grid_rows, ruled=False, gutters=gutters)
    grid.lines = list(block)
    return grid


def keeps_gutters(lines: list[Line], gutters: list[tuple[float, float]], ctx: Context) -> bool:
    """Do these lines leave every one of another block's gutters free?"""
    return bool(lines) and all(
        _narrow(g, l.words, ctx.st.gutter_min * l.size) is not None for l in lines for g in gutters)


def fits_columns(line: Line, grid: Grid, tol: float) -> bool:
    """Does a line sit inside one column of ``grid``, starting at its left edge
    (a cell that goes on at the top of the next page)?"""
    for k in range(grid.n_cols):
        left, right = grid.cols[k], grid.cols[k + 1]
        if line.x0 >= left - tol and line.x1 <= right + tol:
            return abs(line.x0 - left) <= tol or _indent_of_marker(line, left, tol)
    return False


def _indent_of_marker(line: Line, left: float, tol: float) -> bool:
    m = find_marker(line, allow_numbers=False)
    return m is not None and abs(line.x0 - left) <= 4 * tol


__all__ = ["build_grid", "find_borderless_tables", "fits_columns", "grow", "segments", "split_line"]
