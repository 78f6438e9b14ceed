"""Stage 2a: ruled tables, from the page's ruling segments to grids of cells.

The lines strategy of pdfplumber's ``TableFinder``, in four inspectable
steps: ``merge_edges`` (snap nearly collinear rules together and join
overlapping ones) -> ``intersections`` -> ``cells`` (the smallest rectangle
whose four corners are intersections joined by rules) -> ``ruled_tables``
(cells that share corners). Then ``split_ruled_tables`` puts each word into
the cell that holds its centre; the other words are body text.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict

from .lines import group_lines
from .model import CellLines, Edge, Grid, PageContent, RuledTable, Word
from .settings import PdfSettings

#: rules shorter than this (points) are not table borders (underlines of a
#: letter, tick marks)
MIN_RULE_LENGTH = 3.0


def _cluster(values: list[float], tol: float) -> dict[float, float]:
    """Map each value to the mean of its cluster (values within ``tol`` chain)."""
    out: dict[float, float] = {}
    vs = sorted(set(values))
    group: list[float] = []
    for v in vs + [None]:
        if v is not None and group and v - group[-1] <= tol:
            group.append(v)
            continue
        if group:
            mean = sum(group) / len(group)
            for g in group:
                out[g] = mean
        group = [v] if v is not None else []
    return out


def merge_edges(edges: list[Edge], st: PdfSettings) -> list[Edge]:
    """Snap rules within ``rule_snap`` to one position and join overlapping ones."""
    out: list[Edge] = []
    for orient in ("h", "v"):
        es = [e for e in edges if e.orientation == orient]
        if not es:
            continue
        pos = (lambda e: e.top) if orient == "h" else (lambda e: e.x0)
        snap = _cluster([pos(e) for e in es], st.rule_snap)
        groups: dict[float, list[tuple[float, float]]] = defaultdict(list)
        for e in es:
            span = (e.x0, e.x1) if orient == "h" else (e.top, e.bottom)
            groups[snap[pos(e)]].append(span)
        for p, spans in sorted(groups.items()):
            spans.sort()
            cur = list(spans[0])
            for a, b in spans[1:] + [(None, None)]:
                if a is not None and a <= cur[1] + st.rule_snap:
                    cur[1] = max(cur[1], b)
                    continue
                if cur[1] - cur[0] >= MIN_RULE_LENGTH:
                    if orient == "h":
                        out.append(Edge("h", cur[0], p, cur[1], p))
                    else:
                        out.append(Edge("v", p, cur[0], p, cur[1]))
                if a is not None:
                    cur = [a, b]
    return out


def intersections(edges: list[Edge], st: PdfSettings) -> dict[tuple[float, float], tuple[set[int], set[int]]]:
    """Points where a vertical rule meets a horizontal one -> (ids of v rules, ids of h rules)."""
    tol = st.rule_snap
    hs = [(i, e) for i, e in enumerate(edges) if e.orientation == "h"]
    vs = [(i, e) for i, e in enumerate(edges) if e.orientation == "v"]
    out: dict[tuple[float, float], tuple[set[int], set[int]]] = {}
    for vi, v in vs:
        for hi, h in hs:
            if v.top - tol <= h.top <= v.bottom + tol and h.x0 - tol <= v.x0 <= h.x1 + tol:
                key = (round(v.x0, 2), round(h.top, 2))
                entry = out.setdefault(key, (set(), set()))
                entry[0].add(vi)
                entry[1].add(hi)
    return out


def cells(points: dict[tuple[float, float], tuple[set[int], set[int]]]) -> list[tuple[float, float, float, float]]:
    """The smallest rule-bounded rectangle right of and below each intersection."""
    keys = sorted(points)
    by_x: dict[float, list[tuple[float, float]]] = defaultdict(list)
    by_y: dict[float, list[tuple[float, float]]] = defaultdict(list)
    for k in keys:
        by_x[k[0]].append(k)
        by_y[k[1]].append(k)

    def v_joined(a, b) -> bool:
        return bool(points[a][0] & points[b][0])

    def h_joined(a, b) -> bool:
        return bool(points[a][1] & points[b][1])

    out = []
    for pt in keys:
        below = [p for p in by_x[pt[0]] if p[1] > pt[1]]
        right = [p for p in by_y[pt[1]] if p[0] > pt[0]]
        found = None
        for b in below:
            if not v_joined(pt, b):
                continue
            for r in right:
                if not h_joined(pt, r):
                    continue
                corner = (r[0], b[1])
                if corner in points and v_joined(corner, r) and h_joined(corner, b):
                    found = (pt[0], pt[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            out.append(found)
    return out


def ruled_tables(cell_boxes: list[tuple[float, float, float, float]]) -> list[RuledTable]:
    """Group cells that share a corner into tables; rows by top, columns by left edge."""
    remaining = list(cell_boxes)
    groups: list[list[tuple]] = []
    while remaining:
        group = [remaining.pop(0)]
        corners = {(c[0], c[1]) for c in group} | {(c[2], c[3]) for c in group} | {(c[0], c[3]) for c in group} | {(c[2], c[1]) for c in group}
        changed = True
        while changed:
            changed = False
            for c in list(remaining):
                cc = {(c[0], c[1]), (c[2], c[3]), (c[0], c[3]), (c[2], c[1])}
                if cc & corners:
                    group.append(c)
                    corners |= cc
                    remaining.remove(c)
                    changed = True
        groups.append(group)
    tables = []
    for g in groups:
        xs = sorted({c[0] for c in g})
        tops = sorted({c[1] for c in g})
        rows = []
        for t in tops:
            in_row = {c[0]: c for c in g if c[1] == t}
            rows.append([in_row.get(x) for x in xs])
        bbox = (min(c[0] for c in g), min(c[1] for c in g), max(c[2] for c in g), max(c[3] for c in g))
        tables.append(RuledTable(bbox, rows))
    tables.sort(key=lambda t: (t.bbox[1], t.bbox[0]))
    return tables


def find_ruled_tables(edges: list[Edge], st: PdfSettings) -> list[RuledTable]:
    merged = merge_edges(edges, st)
    return ruled_tables(cells(intersections(merged, st)))


def split_ruled_tables(page: PageContent) -> tuple[list[Word], list[Grid]]:
    """Assign words to ruled-table cells; return body words and grids."""
    if not page.tables:
        return page.words, []
    tables = []
    for t in page.tables:
        boxes = [c for r in t.rows for c in r if c is not None]
        if len(boxes) < 2:
            continue  # a framed box, not a table: read as body
        tops = [min((c[1] for c in r if c is not None), default=t.bbox[1]) for r in t.rows]
        tables.append((t, tops, [[[] for _ in r] for r in t.rows]))
    if not tables:
        return page.words, []
    body: list[Word] = []
    for w in page.words:
        cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        for t, tops, buckets in tables:
            x0, y0, x1, y1 = t.bbox
            if not (x0 <= cx <= x1 and y0 <= cy <= y1):
                continue
            ri = max(bisect_right(tops, cy) - 1, 0)
            slot = None
            for ci, c in enumerate(t.rows[ri]):
                if c is not None and c[0] <= cx <= c[2] and c[1] <= cy <= c[3]:
                    slot = (ri, ci)
                    break
            if slot is None:  # covered by a merged cell from an earlier row, or on a rule
                best = None
                for rj, r in enumerate(t.rows):
                    for cj, c in enumerate(r):
                        if c is None:
                            continue
                        dx = max(c[0] - cx, 0, cx - c[2])
                        dy = max(c[1] - cy, 0, cy - c[3])
                        d = dx + dy
                        if best is None or d < best[0]:
                            best = (d, rj, cj)
                slot = best[1:] if best else None
            if slot is not None:
                buckets[slot[0]][slot[1]].append(w)
                break
        else:
            body.append(w)
    grids = []
    for t, _tops, buckets in tables:
        if not any(b for r in buckets for b in r):
            continue  # rules without text (a drawing, a frame)
        xs = sorted({c[0] for r in t.rows for c in r if c is not None})
        cols = xs + [t.bbox[2]]
        rows = []
        for r, br in zip(t.rows, buckets):
            row = []
            for ci, (c, ws) in enumerate(zip(r, br)):
                cx0 = c[0] if c is not None else cols[ci]
                cx1 = c[2] if c is not None else cols[ci + 1]
                lines = group_lines(ws, page.number)
                set_region(lines, cx0, cx1)
                row.append(CellLines(lines, cx0, cx1))
            rows.append(row)
        grids.append(Grid(page.number, t.bbox[1], t.bbox[3], t.bbox[0], t.bbox[2], cols, rows))
    return body, grids


def set_region(lines, x0: float, x1: float) -> None:
    """Right edge for a cell: the cell's right minus the same padding as on its left."""
    if not lines:
        return
    min_x0 = min(l.x0 for l in lines)
    right = max(max(l.x1 for l in lines), x1 - max(min_x0 - x0, 0.0))
    for l in lines:
        l.right = right
        l.left = x0
