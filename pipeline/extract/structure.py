"""Find the areas of a report in its stream of blocks.

A report's body is a run of area sections, each opening with a heading
("Område 3 Styrning och kontroll", or just the area's title), often a
"Rubriker | Poäng" box, an introduction ("Allmänt"), sub-headings per
question, and closing with its strengths and improvements. Real documents lose
some of these cues (a Word export that dropped the "Område" headings), so the
body is cut into segments wherever any cue says a new area may begin, and each
segment is then given an area number by weighing all the evidence it holds
(explicit number, title, sub-headings that match the overview's question
titles, its Rubriker topics) under the constraint that areas come in order.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..document import Document, Heading, Paragraph, Table
from .tables import (
    Overview,
    RubrikerTable,
    findings_columns,
    is_headerless_findings,
    printed_score,
    question_line,
    read_overview,
    read_overview_listing,
    read_rubriker,
    score_at_end,
)
from .reference import report_form
from .text import finding_label, similarity

_FORM = report_form()
#: an area's heading by its number ("Område 3 Styrning och kontroll"), the word the framework data's
AREA_NUMBER = re.compile(rf"^{_FORM.area_heading_word}\s+(\d)\b\s*[:.\-–]?\s*(.*)$", re.IGNORECASE)
MAX_ITEM_CHARS = 400  # a "finding" longer than this is running text, not a list item


@dataclass
class Item:
    """One finding as read, before it is placed in an area."""

    kind: str
    text: str
    page: int | None
    doubt: str | None = None


@dataclass
class Unit:
    """A block or a run of blocks with one role in the report."""

    role: str  # heading | text | rubriker | score_line | overview | findings | candidate_findings | table
    block: object
    index: int
    items: list[Item] = field(default_factory=list)
    data: object = None
    kinds_inferred: bool = False

    @property
    def title(self) -> str:
        """A heading's text without the score it may end with ("... kontroll 54 p")."""
        return score_at_end(_text_of(self.block))[0]


@dataclass
class Segment:
    units: list[Unit]
    area: int | None = None
    explicit_number: int | None = None
    evidence: str = ""
    #: opened by an area's own heading ("Område 3", or its title), not by a
    #: weaker cue (a heading every area has, a Rubriker box, text after findings)
    anchored: bool = False


def _text_of(block) -> str:
    return block.text if isinstance(block, (Heading, Paragraph)) else ""


def _findings_from_table(table: Table, kinds: list[str | None], skip_header: bool) -> list[Item]:
    items: list[Item] = []
    rows = table.rows[1:] if skip_header else table.rows
    # column by column, so a cell's findings stay together and in order
    for col, kind in enumerate(kinds):
        if kind is None:
            continue
        for row in rows:
            if col < len(row):
                for p in row[col].paragraphs:
                    if p.text and not finding_label(p.text):
                        items.append(Item(kind, p.text, p.page or table.page, p.doubt))
    return items


def to_units(doc: Document) -> list[Unit]:
    blocks = doc.blocks
    units: list[Unit] = []
    header_tables = [findings_columns(b) for b in blocks if isinstance(b, Table)]
    header_tables = [k for k in header_tables if k]
    shape = Counter(tuple(k) for k in header_tables).most_common(1)
    default_kinds = list(shape[0][0]) if shape else ["strength", "improvement"]
    area_hint: int | None = None
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if isinstance(b, Table):
            ov = read_overview(b, area_hint)
            if ov is not None:
                area_hint = ov.rows[-1].area if ov.rows else area_hint
                units.append(Unit("overview", b, i, data=ov))
            elif (rb := read_rubriker(b)) is not None:
                units.append(Unit("rubriker", b, i, data=rb))
            elif (kinds := findings_columns(b)) is not None:
                units.append(Unit("findings", b, i, items=_findings_from_table(b, kinds, True)))
            elif is_headerless_findings(b, len(default_kinds)):
                u = Unit("candidate_findings", b, i, items=_findings_from_table(b, default_kinds, False))
                u.kinds_inferred = True
                units.append(u)
            else:
                units.append(Unit("table", b, i))
            i += 1
            continue
        kind = finding_label(b.text)
        if kind is not None:
            items: list[Item] = []
            start = i
            while i < len(blocks) and not isinstance(blocks[i], Table) and finding_label(blocks[i].text):
                kind = finding_label(blocks[i].text)
                i += 1
                listed = i < len(blocks) and isinstance(blocks[i], Paragraph) and blocks[i].is_list_item
                while i < len(blocks) and isinstance(blocks[i], Paragraph) and not finding_label(blocks[i].text):
                    p = blocks[i]
                    if listed and not p.is_list_item:
                        break
                    if not listed and len(p.text) > MAX_ITEM_CHARS:
                        break
                    items.append(Item(kind, p.text, p.page, p.doubt))
                    i += 1
            units.append(Unit("findings", blocks[start], start, items=items))
            continue
        if (listing := read_overview_listing(blocks, i)) is not None:
            # the overview as lines of text ("3. Styrning och kontroll", "Poäng:
            # 66 av 100", "3.1 Strategi för styrning – 8 p (max 10)", ...)
            end, ov = listing
            units.append(Unit("overview", b, i, data=ov))
            i = end
            continue
        role = "heading" if isinstance(b, Heading) else "text"
        if role == "text" and AREA_NUMBER.match(b.text) and len(b.text) < 120:
            role = "heading"  # "Område 4 Effektivitet" set as a plain paragraph
        if role == "text" and (score := printed_score(b.text)) is not None:
            topics = _topics_above(units, i)
            if topics:
                # the "Rubriker | Poäng" box as a list of topics and a line of its score
                del units[-len(topics):]
                units.append(Unit("rubriker", topics[0].block, topics[0].index,
                                  data=RubrikerTable([u.block.text for u in topics], score.score)))
            else:
                units.append(Unit("score_line", b, i, data=score))  # "Poäng: 58 av 100"
        else:
            # a heading may end with its area's score ("... kontroll 54 p")
            units.append(Unit(role, b, i, data=score_at_end(b.text)[1] if role == "heading" else None))
        i += 1
    return units


#: a Rubriker topic is a short list item, and a box lists at least this many
TOPIC_MAX_CHARS = 120
MIN_TOPICS = 2


def _topics_above(units: list[Unit], i: int) -> list[Unit]:
    """The list items right above block ``i`` (a score line), when they are
    an area's topics: short, at least two, each its own unit of text."""
    topics: list[Unit] = []
    for u in reversed(units):
        b = u.block
        if (u.role != "text" or not isinstance(b, Paragraph) or not b.is_list_item or len(b.text) > TOPIC_MAX_CHARS
                or u.index != i - len(topics) - 1):
            break
        topics.insert(0, u)
    return topics if len(topics) >= MIN_TOPICS else []


def overview_of(units: list[Unit], doc: Document) -> Overview:
    merged = Overview()
    for u in units:
        if u.role == "overview":
            merged.rows.extend(u.data.rows)
            merged.area_titles.update(u.data.area_titles)
            merged.inferred.extend(u.data.inferred)
            merged.unplaced.extend(u.data.unplaced)
            merged.misread.extend(u.data.misread)
    # question rows a reader left as lines of text: all of them (a table
    # without rules), or one that fell out of its table (a row the layout
    # did not see as one, between two parts of the table)
    from .tables import read_overview_lines

    lines = [b for b in doc.blocks if isinstance(b, Paragraph) and question_line(b.text)]
    found = read_overview_lines(lines)
    if found and not merged.rows:
        merged = found
    elif found:
        known, areas = {r.number for r in merged.rows}, {r.area for r in merged.rows}
        merged.rows.extend(r for r in found.rows if r.number not in known and r.area in areas)
    return merged


class AreaTitles:
    """Every title an area is known by in this document and in the catalog."""

    def __init__(self, overview: Overview, catalog_titles: dict[int, list[str]]):
        self.by_area: dict[int, list[str]] = {a: list(t) for a, t in catalog_titles.items()}
        for a, t in overview.area_titles.items():
            self.by_area.setdefault(a, []).append(t)
        self.questions: dict[int, list[str]] = {}
        for r in overview.rows:
            if r.number and r.title:
                self.questions.setdefault(r.area, []).append(r.title)

    def title_match(self, text: str) -> tuple[int | None, float]:
        best, score = None, 0.0
        for a, titles in self.by_area.items():
            for t in titles:
                s = similarity(text, t)
                if s > score:
                    best, score = a, s
        return best, score

    def question_match(self, text: str, area: int) -> float:
        return max((similarity(text, q) for q in self.questions.get(area, [])), default=0.0)


def _area_anchor(u: Unit, titles: AreaTitles) -> tuple[int | None, bool]:
    """(area number if printed, whether this heading opens an area)."""
    if u.role != "heading":
        return None, False
    text = u.title
    m = AREA_NUMBER.match(text)
    if m:
        return int(m.group(1)), True
    area, score = titles.title_match(text)
    if area is not None and score >= 0.8:
        # a sub-heading may share words with its area's title ("Strategi för
        # effektivitet"); only a heading closer to an area than to any question opens one
        q = max((titles.question_match(text, a) for a in titles.questions), default=0.0)
        if score > q:
            return None, True
    return None, False


def segment(units: list[Unit], titles: AreaTitles) -> tuple[list[Unit], list[Segment], list[Unit]]:
    """Split units into front matter, area segments and back matter."""
    anchors = [i for i, u in enumerate(units) if _area_anchor(u, titles)[1] or u.role == "rubriker"]
    finding_idx = [i for i, u in enumerate(units) if u.role in ("findings", "candidate_findings")]
    if anchors:
        start = anchors[0]
        # a Rubriker box right under its area heading belongs with the heading
        while start > 0 and units[start].role == "rubriker" and units[start - 1].role == "heading":
            start -= 1
    elif finding_idx:
        start = 0
    else:
        return units, [], []

    overview_idx = [i for i, u in enumerate(units) if u.role == "overview" and i > start]
    end = overview_idx[0] if overview_idx else len(units)
    anchor_levels = [
        units[i].block.level for i in anchors if units[i].role == "heading" and isinstance(units[i].block, Heading)
    ]
    anchor_level = min(anchor_levels) if anchor_levels else 2
    last_content = max([i for i in finding_idx + anchors if i < end], default=start)
    for j in range(end - 1, last_content, -1):
        u = units[j]
        if u.role == "heading" and isinstance(u.block, Heading) and u.block.level <= anchor_level:
            end = j
    heading_counts = Counter(
        _text_of(u.block).lower() for u in units[start:end] if u.role == "heading"
    )

    segments: list[Segment] = []
    current: list[Unit] = []
    has_content = False
    after_findings = False
    for u in units[start:end]:
        number, opens = _area_anchor(u, titles)
        soft = (
            u.role == "rubriker"
            or (u.role == "heading" and heading_counts[_text_of(u.block).lower()] >= 3)
            or (after_findings and u.role not in ("findings", "candidate_findings"))
        )
        if current and (opens or (soft and has_content)):
            segments.append(Segment(current, anchored=_area_anchor(current[0], titles)[1]))
            current, has_content = [], False
        current.append(u)
        if u.role in ("text", "findings", "candidate_findings", "table"):
            has_content = True
        after_findings = u.role in ("findings", "candidate_findings")
    if current:
        segments.append(Segment(current, anchored=_area_anchor(current[0], titles)[1]))
    return units[:start], segments, units[end:]


def _evidence(seg: Segment, titles: AreaTitles) -> dict[int, float]:
    ev: dict[int, float] = {a: 0.0 for a in _FORM.area_numbers}
    notes = []
    headings = [u for u in seg.units if u.role == "heading"]
    for k, u in enumerate(headings):
        text = _text_of(u.block)
        number, opens = _area_anchor(u, titles)
        if number is not None and 1 <= number <= 8:
            ev[number] += 10.0
            seg.explicit_number = number
            notes.append(f"'Område {number}'")
        elif k == 0 and opens:
            area, score = titles.title_match(text)
            ev[area] += 5.0 * score
            notes.append(f"title '{text}'")
        for a in ev:
            s = titles.question_match(text, a)
            if s >= 0.6:
                ev[a] += s
    for u in seg.units:
        if u.role == "rubriker":
            for topic in u.data.topics:
                for a in ev:
                    s = titles.question_match(topic, a)
                    if s >= 0.6:
                        ev[a] += s
    seg.evidence = ", ".join(notes)
    return ev


def assign_areas(segments: list[Segment], titles: AreaTitles) -> None:
    """Give each segment an area: the best total evidence with areas in order.

    Dynamic programming over (segment, area); a segment may repeat its
    predecessor's area at a cost (a boundary cue that was not one): high
    where an area's own heading opened it, low where a weaker cue did (a
    heading that every area has, such as "Allmänt"), so that a section
    without evidence of its own stays with the area above it rather than
    taking the next one's. Skipping an area costs a little (a report may
    lack an area's section).
    """
    if not segments:
        return
    skip_cost, anchored_same_cost, soft_same_cost = 0.5, 2.0, 0.25
    evs = [_evidence(s, titles) for s in segments]
    areas = _FORM.area_numbers
    best = [{a: evs[0][a] - skip_cost * (a - 1) for a in areas}]
    back: list[dict[int, int]] = [{}]
    for k in range(1, len(segments)):
        row, ptr = {}, {}
        for a in areas:
            same_cost = anchored_same_cost if segments[k].anchored else soft_same_cost
            options = [(best[k - 1][a] - same_cost, a)]
            options += [(best[k - 1][p] - skip_cost * (a - p - 1), p) for p in areas if p < a]
            score, prev = max(options)
            row[a], ptr[a] = score + evs[k][a], prev
        best.append(row)
        back.append(ptr)
    a = max(areas, key=lambda x: (best[-1][x] - skip_cost * (_FORM.areas - x), -x))
    for k in range(len(segments) - 1, -1, -1):
        segments[k].area = a
        if k:
            a = back[k][a]
