"""Stage 5: reading order, and tables that go on over a page break.

Per page, body lines and tables top to bottom; pages in order. A table that
is the last block of page N and a table with the same columns that is the
first block of page N+1 (headers and footers already gone) are one table: a
repeated header row is dropped and a row split by the page break is merged
(rules in ``stitch``). A borderless table's cell that goes on at the top of
the next page with no second column beside it (so no gutter to find) is taken
into the table when its lines sit inside one of the table's columns.
"""

from __future__ import annotations

import re
from collections import Counter

from .borderless import _ATOMIC, build_grid, fits_columns, keeps_gutters
from .furniture import norm_key
from .lists import find_marker
from .model import CellLines, Grid, Line
from .paragraphs import MAY_BE_PART, Context, Draft, breaks


def _row_texts(row: list[CellLines]) -> list[str]:
    return [norm_key(" ".join(l.text for l in c.lines)) for c in row]


def same_columns(a: Grid, b: Grid, ctx: Context) -> bool:
    if a.n_cols != b.n_cols:
        return False
    if a.ruled and b.ruled:
        return all(abs(x - y) <= ctx.st.table_x_tolerance for x, y in zip(a.widths(), b.widths()))
    # a borderless table's columns are where its text is: compare the columns'
    # left edges, with room for a column whose widest text was on one page
    tol = max(ctx.st.table_x_tolerance, 2.0 * ctx.body_size)
    return all(abs(x - y) <= tol for x, y in zip(a.cols[:-1], b.cols[:-1]))

def stitch(a: Grid, b: Grid, ctx: Context, body_bottom: float) -> None:
    """Append continuation ``b`` (first on page N+1) to ``a`` (last on page N).

    * b's first row equal to a's first row (a repeated header row) is dropped.
    * A row split by the page break (Word lets rows break) is merged cell by
      cell when a reached the bottom of the text area, b's first row is not
      a bold header-like row, and either
      - some cell of b's first row continues a sentence: it starts in lower
        case and the paragraph rules join it to the cell's last line on page
        N (same indent, that line was full), or
      - some cell is empty in b's first row but not in a's last row (that
        column's text ended on page N while another column went on), and the
        cells that do go on start with a letter (a new row of numbers, such as
        a score table's total row, is not taken for a continuation).
      Merged cells go through the ordinary paragraph builder, which joins a
      paragraph cut by the page break. A split that falls between paragraphs
      in every column leaves no trace in the layout; it stays two rows.
    """
    rows = list(b.rows)
    if rows and a.rows and _row_texts(rows[0]) == _row_texts(a.rows[0]) and any(_row_texts(rows[0])):
        rows = rows[1:]
    if rows and a.rows:
        last, first = a.rows[-1], rows[0]
        reached = a.last_bottom >= body_bottom - 2.0 * ctx.pitch("cell", ctx.body_size) - 4.0
        header_like = all(all(l.bold for l in c.lines) for c in first if c.lines)
        cont = False
        if reached and not header_like and any(c.lines for c in first):
            going_on = [fc for fc in first if fc.lines]
            letters = all(re.match(r"[^\W\d_]", fc.lines[0].text) for fc in going_on)
            for lc, fc in zip(last, first):
                if lc.lines and not fc.lines and letters:
                    cont = True
                    break
                if lc.lines and fc.lines and _may_go_on(lc.lines[-1].text, fc.lines[0].text):
                    d = Draft(lc.lines[-1], None)
                    if len(lc.lines) >= 2:
                        d = Draft(lc.lines[-2], None)
                        d.lines.append(lc.lines[-1])
                    nl = fc.lines[0]
                    if find_marker(nl) is None and not breaks(d, nl, ctx, "cell"):
                        cont = True
                        break
        if cont:
            for lc, fc in zip(last, first):
                if fc.lines:
                    lc.lines.extend(fc.lines)
                    lc.doubt_last = fc.doubt_last  # its last paragraph is now the cell's
            rows = rows[1:]
        elif reached and not header_like:
            # Nothing says the row goes on, but where a cell on page N ends a
            # sentence and its column on page N+1 starts one, a row cut by
            # the page break would look exactly the same: say so.
            for lc, fc in zip(last, first):
                if (lc.lines and fc.lines and lc.lines[-1].text.rstrip().endswith((".", "!", "?"))
                        and find_marker(fc.lines[0]) is None and fc.lines[0].text[:1].isupper()):
                    lc.doubt_last = fc.doubt_first = MAY_BE_PART
    a.rows.extend(rows)
    a.continued += [(b.page, (b.x0, b.top, b.x1, b.bottom)), *b.continued]
    a.last_bottom = b.last_bottom
    a.last_page = b.last_page



def _may_go_on(last: str, first: str) -> bool:
    """Could a cell's text ``first`` at the top of page N+1 go on with ``last``
    on page N? A lower-case start, or a number inside a sentence ("... ska
    inte överstiga" / "30 personer"); not a number under a number (a score
    table's next row) nor after a finished sentence. The paragraph rules
    then decide (see ``stitch``)."""
    if first[:1].islower():
        return True
    return (first[:1].isdigit() and not _ATOMIC.match(last.rsplit(" ", 1)[-1])
            and not last.rstrip().endswith((".", "!", "?", ":")))


def continuation(prev: Grid, lines: list[Line], ctx: Context) -> tuple[Grid | None, int]:
    """The first lines of a page that go on with borderless table ``prev``.

    Returns a grid of those lines (columns as ``prev``'s) and how many lines it took."""
    if prev.ruled or not lines:
        return None, 0
    tol = max(ctx.st.indent_tolerance, 0.5 * ctx.body_size)
    sizes = Counter(l.size for row in prev.rows for c in row for l in c.lines)
    size = sizes.most_common(1)[0][0] if sizes else ctx.body_size
    def fits(line: Line) -> bool:
        # inside one column from its left edge, or across the columns
        # leaving the table's gutters free (a row going on in both cells)
        return fits_columns(line, prev, tol) or (
            line.x0 >= prev.cols[0] - tol and line.x1 <= prev.cols[-1] + 2.0 * ctx.body_size
            and keeps_gutters([line], prev.gutters, ctx))

    k = 0
    while k < len(lines) and fits(lines[k]) and abs(lines[k].size - size) <= ctx.st.size_tolerance:
        if k and lines[k].base - lines[k - 1].base > ctx.st.borderless_max_gap * ctx.pitch("body", lines[k - 1].size):
            break
        k += 1
    if not k:
        return None, 0
    block = lines[:k]
    grid = build_grid(block, prev.gutters, ctx)
    grid.cols = list(prev.cols)
    return grid, k


def reading_order(per_page: list[tuple[object, list[Line], list[Grid]]], ctx: Context) -> list[Line | Grid]:
    """Body lines and tables of all pages in reading order, tables stitched."""
    body_bottom = 0.0
    for _page, lines, grids in per_page:
        for l in lines:
            body_bottom = max(body_bottom, l.bottom)
        for g in grids:
            body_bottom = max(body_bottom, g.last_bottom)
    flow: list[Line | Grid] = []
    for _page, lines, grids in per_page:
        items: list[tuple[float, int, Line | Grid]] = [(l.top, 1, l) for l in lines]
        items += [(g.top, 0, g) for g in grids]
        items.sort(key=lambda t: (t[0], t[1]))
        ordered = [obj for _, _, obj in items]
        # a borderless cell going on at the top of this page
        prev = flow[-1] if flow else None
        if isinstance(prev, Grid) and not prev.ruled and ordered and isinstance(ordered[0], Line):
            head = []
            for obj in ordered:
                if not isinstance(obj, Line):
                    break
                head.append(obj)
            if head and head[0].page == prev.last_page + 1:
                grid, taken = continuation(prev, head, ctx)
                if grid is not None:
                    ordered = [grid] + ordered[taken:]
        for obj in ordered:
            prev = flow[-1] if flow else None
            if (
                isinstance(obj, Grid) and isinstance(prev, Grid) and not obj.ruled and not prev.ruled
                and obj.page == prev.last_page + 1 and obj.n_cols < prev.n_cols
                and keeps_gutters(obj.lines, prev.gutters, ctx)
            ):
                # The rest of a table at the top of the next page, too few rows
                # to show all its gutters (a question row and the total row):
                # cut at the columns it had on the page before.
                regrid = build_grid(obj.lines, prev.gutters, ctx)
                regrid.cols = list(prev.cols)
                obj = regrid
            if (
                isinstance(obj, Grid)
                and isinstance(prev, Grid)
                and obj.page == prev.last_page + 1
                and same_columns(prev, obj, ctx)
            ):
                stitch(prev, obj, ctx, body_bottom)
                continue
            flow.append(obj)
    return flow
