"""Recognise the three kinds of table a Kommunkompassen report prints.

* overview tables: rows "N.M | question | points | max | (percent)", headed by
  "N. | area title | Uppnått | Max | (Procent)" and closed by a total row;
  one table per area or one for all;
* "Rubriker | Poäng" tables at the head of an area section: the sub-topics as a
  list and the area's points;
* findings tables: "Styrkor | Förbättringsmöjligheter" columns (any order, any
  of the label words), or the same without its header row.

Tables are recognised from their content, not their position, so a report that
moves them around still reads.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..document import Paragraph, Table
from .reference import report_form
from .text import finding_label, parse_number

QUESTION_ID = re.compile(r"^(\d)\.(\d{1,2})\.?$")
#: an area's maximum (the framework data's): a row carrying it is the area's
#: total, never a sub-question
AREA_MAX = report_form().area_max
AREA_ID = re.compile(r"^(\d)\.?$")

# Scores printed as lines of text (a table without rules, or no table at all).
_FORM = report_form()
#: a title's dashes as printed: hyphen, en dash, em dash and the other dashes
_DASH = "\u002d\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_NUM = r"\d{1,3}(?:[.,]\d)?"
_PTS = rf"(?:{re.escape(_FORM.points_word)}|{re.escape(_FORM.points_short)}\.?)"
_PCT = rf"(?:\s*[,(]?\s*(?P<pct>{_NUM})\s*%\s*\)?)?"
#: a score and its maximum after a title, in every form a writer uses: two
#: numbers (a table's columns run together, "8 10"), "out of" ("8 av 10",
#: "8/10", "13 av 25 poäng", "8 poäng av 10 möjliga"), a maximum named
#: ("8 p (max 10)", "8 poäng, max 10"); each may end with its percent
_SCORE_FORMS = (
    rf"(?P<score>{_NUM})\s+(?P<max>\d{{1,3}})",
    rf"(?P<score>{_NUM})(?:\s*{_PTS})?\s*(?:{_FORM.out_of_word}\s|/)\s*(?P<max>\d{{1,3}})"
    rf"(?:\s+{_FORM.possible_word})?(?:\s*{_PTS})?",
    rf"(?P<score>{_NUM})\s*{_PTS}\s*[(,]\s*{_FORM.max_word}\.?\s*(?P<max>\d{{1,3}})\s*\)?",
)
_QUESTION_LINES = tuple(
    re.compile(rf"^(?P<id>\d\.\d{{1,2}})\.?\s+(?P<title>.+?)\s*[{_DASH}:]?\s+{form}{_PCT}\s*\.?$", re.IGNORECASE)
    for form in _SCORE_FORMS)
#: an area's line in a listing of scores: "3. Styrning och kontroll", "Område 1
#: Offentlighet och demokrati: 45 av 100 poäng (45%)"
_AREA_LINES = tuple(
    re.compile(rf"^(?:{_FORM.area_heading_word}\s+)?(?P<area>\d)\.?\s+(?P<title>[^\d\s].*?)"
               rf"{tail}\s*\.?$", re.IGNORECASE)
    for tail in [*(rf"\s*[{_DASH}:]?\s+{form}{_PCT}" for form in _SCORE_FORMS), ""])
#: an area's line is a short title, not a sentence
AREA_LINE_MAX_CHARS = 100


def _number(text: str | None) -> float | None:
    return float(text.replace(",", ".")) if text else None


def question_line(text: str) -> OverviewRow | None:
    """A sub-question's row printed as a line of text ("3.1 Strategi för
    styrning 8 10", "3.1 Strategi för styrning – 8 p (max 10)", "1.3
    Informeras invånare om resultat? – 13 av 25 poäng (52%)"), or None."""
    for pattern in _QUESTION_LINES:
        m = pattern.match(text.strip())
        if m and float(m["max"]) > 0 and _number(m["score"]) <= float(m["max"]):
            a, q = m["id"].split(".")
            return OverviewRow(int(a), f"{a}.{int(q)}", m["title"], _number(m["score"]), float(m["max"]),
                               _number(m["pct"]))
    return None


def area_line(text: str) -> OverviewRow | None:
    """An area's line in a listing of scores, as its total row (score None
    when the line prints none: the next line may), or None."""
    text = text.strip()
    if len(text) > AREA_LINE_MAX_CHARS:
        return None
    for pattern in _AREA_LINES:
        m = pattern.match(text)
        if m and int(m["area"]) in _FORM.area_numbers:
            groups = m.groupdict()
            if groups.get("max") is not None and float(groups["max"]) != AREA_MAX:
                continue  # another maximum: no area's score
            if groups.get("score") is None and re.search(r"\d\W*$", m["title"]):
                return None  # a score of another form at its end
            return OverviewRow(int(m["area"]), None, m["title"].strip(), _number(groups.get("score")),
                               float(groups["max"]) if groups.get("max") else None, _number(groups.get("pct")))
    return None


def read_overview_listing(blocks: list, start: int) -> tuple[int, Overview] | None:
    """The overview printed as lines of text from ``blocks[start]``: area
    lines, each with its score or followed by a line of it ("Poäng: 66 av
    100"), and question lines, of at least two areas (a section listing its
    own questions is no overview); the index after it, and its rows."""
    out = Overview()
    j = start
    while j < len(blocks) and not isinstance(blocks[j], Table):
        text = blocks[j].text
        row = question_line(text)
        if row is not None:
            out.rows.append(row)
            j += 1
            continue
        row = area_line(text)
        if row is None:
            break
        nxt = blocks[j + 1].text if j + 1 < len(blocks) and not isinstance(blocks[j + 1], Table) else ""
        if row.score is None:
            if (score := printed_score(nxt)) is not None:
                row.score, row.max = score.score, score.max or AREA_MAX
                j += 1
            elif (q := question_line(nxt)) is None or q.area != row.area:
                break  # a numbered heading ("4. Översikt av poängfördelning"), not an area's line
        out.rows.append(row)
        out.area_titles[row.area] = row.title
        j += 1
    if len({r.area for r in out.rows if r.number}) < 2:
        return None
    return j, out


@dataclass
class OverviewRow:
    area: int
    number: str | None  # None for the area's total row
    title: str | None
    score: float | None
    max: float | None
    percent: float | None


@dataclass
class Overview:
    rows: list[OverviewRow] = field(default_factory=list)
    area_titles: dict[int, str] = field(default_factory=dict)
    #: question numbers taken from the rows around, the printed one unreadable
    inferred: list[str] = field(default_factory=list)
    #: question rows left out: their number unreadable, and the rows around
    #: them do not say it (their titles, for the flag)
    unplaced: list[str] = field(default_factory=list)
    #: question numbers read with another area's digit, out of the sequence
    #: around them ("1.5" after 7.4, before area 7's total): (read, taken)
    misread: list[tuple[str, str]] = field(default_factory=list)


def _numbers(cells: list[str]) -> tuple[list[float], float | None]:
    values, percent = [], None
    for c in cells:
        p = parse_number(c)
        if p is None:
            continue
        if p[1]:
            percent = p[0]
        else:
            values.append(p[0])
    return values, percent


#: a cell after a row's title this short that is no number is a number
#: misread (OCR's "åN" for a 7), not more of the title
UNREAD_NUMBER_MAX_CHARS = 3


def _unread_number(cell: str) -> bool:
    """A short cell that is no word of a title: not all lower-case letters
    ("av", a title's last word in a cell of its own) and without a question
    mark (a title's end)."""
    return len(cell) <= UNREAD_NUMBER_MAX_CHARS and "?" not in cell and not (cell.isalpha() and cell.islower())


def _row_points(cells: list[str]) -> tuple[float | None, float | None, float | None]:
    """Points, maximum and percent of a question row, by column: an empty cell
    where the points belong, or one that does not read as a number, leaves
    them missing rather than taking the maximum for the points."""
    slots: list[float | None] = []
    percent = None
    seen_title = False
    for c in cells:
        p = parse_number(c)
        if p is None:
            if c and not (seen_title and _unread_number(c)):
                seen_title = True
                slots = []  # numbers before or inside the title are not points
            elif seen_title:
                slots.append(None)
            continue
        if p[1]:
            percent = p[0]
        else:
            slots.append(p[0])
    while slots and slots[-1] is None:
        slots.pop()
    return (slots[0] if slots else None), (slots[1] if len(slots) > 1 else None), percent


def _question_like(cells: list[str]) -> bool:
    """A row that reads like a question row whatever its first cell: a title,
    then points (a row whose number was lost or misread, by OCR say)."""
    nonempty = [c for c in cells if c]
    # the title is the first cell (the number's cell empty) or the second
    titles = [i for i, c in enumerate(nonempty[:2]) if parse_number(c) is None and len(c) > 6]
    return bool(titles) and any(parse_number(c) for c in nonempty[titles[-1] + 1:])


def read_overview(table: Table, current_area: int | None = None) -> Overview | None:
    """Read an overview table; None when the table is not one.

    A row that reads like a question row but whose number cannot be read (a
    number lost or misread by OCR: "1", "5:5", "Jil") takes the number its
    neighbours leave for it: between N.k-1 and N.k+1, or before N.2 as N.1;
    a run of such rows likewise; ``Overview.inferred`` lists them, for a flag."""
    out = Overview()
    area = current_area
    questions = 0
    unread: list[int] = []  # indices into out.rows of rows whose number is to be inferred
    starts: dict[int, int] = {}  # index into out.rows where an area's header row put its first question
    for texts in table.row_texts():
        cells = [t.strip() for t in texts]
        nonempty = [c for c in cells if c]
        if not nonempty:
            continue
        first = nonempty[0]
        qm = QUESTION_ID.match(first)
        am = AREA_ID.match(first)
        if qm and int(qm.group(2)) > 0:
            area = int(qm.group(1))
            title = next((c for c in nonempty[1:] if parse_number(c) is None), None)
            score, max_, pct = _row_points(cells[cells.index(first) + 1:])
            out.rows.append(OverviewRow(area, f"{qm.group(1)}.{int(qm.group(2))}", title, score, max_, pct))
            questions += 1
        elif am and len(nonempty) >= 2 and parse_number(nonempty[1]) is None and not _question_like(cells):
            area = int(am.group(1))
            out.area_titles[area] = nonempty[1]
            starts[len(out.rows)] = area  # the rows that follow are this area's, from N.1
        elif area is not None and all(parse_number(c) for c in nonempty) and len(nonempty) >= 2:
            values, pct = _numbers(nonempty)
            if len(values) >= 2:
                out.rows.append(OverviewRow(area, None, None, values[0], values[1], pct))
        elif _question_like(cells):
            # the title: the first long text (the number's cell may be empty or garbled)
            title = next((c for c in nonempty[:2] if parse_number(c) is None and len(c) > 6), None)
            score, max_, pct = _row_points(cells[cells.index(first) + 1:])
            if max_ is not None and max_ >= AREA_MAX:
                continue  # an area's total row into which a question's title ran over, not a question
            unread.append(len(out.rows))
            out.rows.append(OverviewRow(area or 0, "?", title, score, max_, pct))
    _correct_misread_areas(out, starts)
    # runs of consecutive unreadable rows take the numbers the rows around them
    # leave: between N.k and N.k+m+1, before N.m+1 at an area's start, after
    # N.k at its end (before its total row or the table's end), or all of an
    # area's rows between its header ("N.") and its total
    runs: list[list[int]] = []
    for i in unread:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        m = len(run)
        prev = out.rows[run[0] - 1] if run[0] > 0 else None
        nxt = out.rows[run[-1] + 1] if run[-1] + 1 < len(out.rows) else None
        before = prev if prev is not None and prev.number not in (None, "?") else None
        after = nxt if nxt is not None and nxt.number not in (None, "?") else None
        numbers = None
        if after is not None and (before is None or before.area != after.area) and \
                int(after.number.split(".")[1]) == m + 1:
            numbers = [f"{after.area}.{k}" for k in range(1, m + 1)]
        elif before is not None and after is not None and before.area == after.area and \
                int(after.number.split(".")[1]) - int(before.number.split(".")[1]) == m + 1:
            k0 = int(before.number.split(".")[1])
            numbers = [f"{before.area}.{k0 + k}" for k in range(1, m + 1)]
        elif run[0] in starts and (nxt is None or nxt.number is None):
            # every question row of an area unreadable: its header, then they, then its total
            numbers = [f"{starts[run[0]]}.{k}" for k in range(1, m + 1)]
        elif before is not None and (nxt is None or nxt.number is None):
            # the last rows of an area: after N.k, before the area's total row
            k0 = int(before.number.split(".")[1])
            numbers = [f"{before.area}.{k0 + k}" for k in range(1, m + 1)]
        if numbers is None:
            out.unplaced += [out.rows[i].title or "?" for i in run]
            continue
        for i, number in zip(run, numbers):
            out.rows[i].area, out.rows[i].number = int(number.split(".")[0]), number
            out.inferred.append(number)
            questions += 1
    out.rows = [r for r in out.rows if r.number != "?"]
    if questions == 0:
        return None
    return out


def _minor(row: OverviewRow) -> int:
    return int(row.number.split(".")[1])


def _segments(out: Overview, starts: dict[int, int]) -> list[tuple[int | None, list[int]]]:
    """The overview's question rows in runs: from an area's header or a total
    row to the next; each with the area its header names (or None)."""
    segments: list[tuple[int | None, list[int]]] = []
    header, rows = None, []
    for i, r in enumerate(out.rows):
        if i in starts or r.number is None:
            if rows:
                segments.append((header, rows))
            header, rows = starts.get(i), []
        if r.number is not None:
            rows.append(i)
    if rows:
        segments.append((header, rows))
    return segments


def _correct_misread_areas(out: Overview, starts: dict[int, int]) -> None:
    """A question number whose area digit was misread (OCR: "1.2" for 7.2,
    "3.1" for 8.1) takes the area of the run of rows it stands in, when its
    own question number is the one its place in the run gives. A run's area
    is its header's; without one, the area most of its rows are read with;
    at a tie, the one after the previous run's (areas follow in order).
    Otherwise every number stays as read."""
    previous = None
    seen: set[str] = set()
    for header, rows in _segments(out, starts):
        read = [out.rows[i] for i in rows if out.rows[i].number != "?"]
        # a number the overview gave before, or of an area before the previous
        # run's, is itself a misreading (areas follow in order): it has no vote
        voters = [r for r in read if r.number not in seen and (previous is None or r.area > previous)]
        counts = Counter(r.area for r in voters)
        top = max(counts.values(), default=0)
        leaders = sorted(a for a, c in counts.items() if c == top)
        area = header
        if len(leaders) == 1 and top >= 2 and 2 * top > len(voters):
            area = leaders[0] if header is None or not counts.get(header) else header
        elif header is None and previous is not None and (previous + 1 in leaders or not voters):
            area = previous + 1
        previous = area
        if area is not None:
            _give_run_its_area(out, rows, area)
        seen.update(r.number for r in read)  # as read, or as corrected


def _give_run_its_area(out: Overview, rows: list[int], area: int) -> None:
    """The rows of a run read with another area's digit take ``area`` where
    their question number is the one their place gives. The run's first row
    is question 1 + offset (a run that goes on from the page before starts
    further on): all its rows of the area must agree on the offset."""
    offsets = {_minor(out.rows[i]) - k for k, i in enumerate(rows, 1)
               if out.rows[i].number != "?" and out.rows[i].area == area}
    if len(offsets) != 1:
        return
    offset = offsets.pop()
    for k, i in enumerate(rows, 1):
        r = out.rows[i]
        if r.number != "?" and r.area != area and _minor(r) == k + offset:
            taken = f"{area}.{k + offset}"
            out.misread.append((r.number, taken))
            r.area, r.number = area, taken


def read_overview_lines(paragraphs: list[Paragraph]) -> Overview | None:
    """Question rows printed as lines of text rather than as a table."""
    out = Overview(rows=[r for r in map(question_line, (p.text for p in paragraphs)) if r is not None])
    return out if out.rows else None


@dataclass
class RubrikerTable:
    topics: list[str]
    score: float | None


_TOPICS, _SCORE = report_form().topics_word, report_form().score_word
_RUBRIKER_HEAD = re.compile(rf"^{_TOPICS}(\s*$|\s+[{_DASH}]\s)")
#: topics run together in one paragraph, each led by a dash list marker
_TOPIC_DASH = re.compile(rf"(?:^|(?<!\s)\s++)[{_DASH}]\s++")


def read_rubriker(table: Table) -> RubrikerTable | None:
    """The "Rubriker | Poäng" box at the head of an area section.

    Read paragraph by paragraph, column by column: a reader that could not
    tell the header row from the body (a box set all in bold) gives one row
    whose cells hold "Rubriker" and the topics, "Poäng" and the score."""
    if not table.rows:
        return None
    columns: list[list[str]] = []
    for k in range(table.n_cols):
        columns.append([p.text.strip() for row in table.rows if k < len(row)
                        for p in row[k].paragraphs if p.text.strip()])
    heads = [col[0].lower() if col else "" for col in columns]
    if not heads or not _RUBRIKER_HEAD.match(heads[0]) or not any(h.startswith(_SCORE) for h in heads):
        return None
    # the label and what follows it in one paragraph ("Rubriker – Strategi …
    # – Etik", "Poäng 45") when the reader ran them together
    for col in columns:
        rest = re.sub(rf"^({_TOPICS}|{_SCORE})\b\s*", "", col[0], flags=re.IGNORECASE)
        col[:1] = [t for t in _TOPIC_DASH.split(rest) if t.strip()] if rest else []
    topics: list[str] = []
    score = None
    for col in columns:
        for text in col:
            p = parse_number(text)
            if p is not None and not p[1] and p[0] <= AREA_MAX:
                score = p[0]
            else:
                topics.append(text)
    return RubrikerTable(topics, score)


def findings_columns(table: Table) -> list[str | None] | None:
    """The finding kind of each column when the first row is a findings header."""
    if not table.rows:
        return None
    kinds = [finding_label(c.text) for c in table.rows[0]]
    if any(kinds) and all(k or not c.text.strip() for k, c in zip(kinds, table.rows[0])):
        return kinds
    return None


def is_headerless_findings(table: Table, n_cols: int) -> bool:
    """A table shaped like the document's findings tables but without header row:
    same number of columns, text only (no scores), short items in each cell."""
    if table.n_cols != n_cols or not table.rows or read_rubriker(table) or findings_columns(table):
        return False
    for row in table.rows:
        for cell in row:
            if parse_number(cell.text) is not None:
                return False
            if any(len(p.text) > 400 for p in cell.paragraphs):
                return False
    return sum(len(c.paragraphs) for r in table.rows for c in r) >= n_cols


@dataclass
class PrintedScore:
    """An area's score printed as a line of text, with the maximum it names."""

    score: float
    max: float | None


_POINTS = report_form().points_word
#: an area's score on a line of its own: "Poäng: 58 av 100", "Poäng 58/100",
#: "Poäng: 58", "58 poäng av 100 möjliga"
_SCORE_LINES = (
    re.compile(rf"^{_POINTS}\s*[:=]?\s*(?P<score>\d{{1,3}})(?:\s*(?:av|/)\s*(?P<max>\d{{1,3}}))?"
               rf"(?:\s+(?:möjliga\s+)?{_POINTS})?\s*\.?$", re.IGNORECASE),
    re.compile(rf"^(?P<score>\d{{1,3}})\s*{_POINTS}\s+av\s+(?P<max>\d{{1,3}})(?:\s+möjliga)?(?:\s+{_POINTS})?\s*\.?$",
               re.IGNORECASE),
)
#: ... or at the end of the area's heading: "Område 3 Styrning och kontroll 54 p", "... – 54 poäng"
#: (one start per run of spaces, taken whole: a crafted heading of spaces is no cubic search)
_SCORE_AT_END = re.compile(rf"(?<!\s)\s++[{_DASH}:]?+\s*+(?P<score>\d{{1,3}})\s*+(?:p|{_POINTS})\.?$", re.IGNORECASE)


def printed_score(text: str) -> PrintedScore | None:
    """The area score a line prints, when it is one of the forms above and
    within the area's maximum (a line naming another maximum is no area
    score of this framework)."""
    for pattern in _SCORE_LINES:
        m = pattern.match(text.strip())
        if m:
            score, max_ = float(m["score"]), float(m["max"]) if m["max"] else None
            if score <= AREA_MAX and max_ in (None, AREA_MAX):
                return PrintedScore(score, max_)
    return None


def score_at_end(title: str) -> tuple[str, PrintedScore | None]:
    """A heading's title without the score printed at its end, and that score."""
    m = _SCORE_AT_END.search(title)
    if m and float(m["score"]) <= AREA_MAX and m.start() > 0:
        return title[:m.start()].rstrip(), PrintedScore(float(m["score"]), None)
    return title, None
