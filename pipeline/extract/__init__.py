"""Extraction: from a neutral :class:`~pipeline.document.Document` to a :class:`Report`.

Format-independent: nothing here knows whether the blocks came from a PDF, a
Word file or a text export. Every disagreement the document holds (sums,
totals, missing areas, an area without findings, an unknown municipality)
becomes a :class:`Flag`; only a document that is not a Kommunkompassen report
at all raises :class:`NotAReport`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..document import Document
from ..flags import Code, Doubt
from .metadata import find_evaluators, find_municipality_in, find_printed_totals, find_year
from .model import AreaScore, Finding, FindingKind, Flag, QuestionScore, Report, Section, Severity
from .reference import domain_of, frameworks, report_form, revision_areas
from .structure import AREA_NUMBER, AreaTitles, Segment, Unit, assign_areas, overview_of, segment, to_units
from .tables import AREA_MAX, Overview, OverviewRow
from .text import num, similarity

#: what every report has: its areas, their maximum, its labels (the framework data)
FORM = report_form()

__all__ = [
    "AreaScore", "Finding", "FindingKind", "Flag", "NotAReport", "QuestionRows", "QuestionScore", "Report",
    "Section", "SectionsRead", "Severity", "check_report", "collect_findings", "collect_questions",
    "extract_report", "identify", "reconcile_areas", "reconcile_total", "require_a_report",
]


class NotAReport(ValueError):
    """The document holds no Kommunkompassen scores or findings."""


#: areas that share a pattern (both kinds of finding, sub-question rows) it
#: takes for an area without it to stand out as a likely misreading
PATTERN_MIN_AREAS = 4


def _flag_areas_of_one_kind(report: Report) -> None:
    """An area with strengths but no improvements (or the reverse) where the
    report gives most areas both: a label may have been misread (OCR's
    "FÖRBÄLTRINGSOMRÅDEN") and its list lost, or the area has none."""
    kinds: dict[int, set[str]] = defaultdict(set)
    for f in report.findings:
        if f.area is not None:
            kinds[f.area].add(f.kind)
    both = [a for a, k in kinds.items() if len(k) > 1]
    if len(both) < PATTERN_MIN_AREAS:
        return
    for a in sorted(a for a, k in kinds.items() if len(k) == 1):
        (only,) = kinds[a]
        missing = "improvements" if only == "strength" else "strengths"
        report.flag(Severity.WARNING, Code.AREA_FINDINGS_ONE_KIND,
                    f"area {a}: {missing} not found, though {len(both)} other areas give both; a label may have "
                    "been misread and its list lost")


def _detect_framework(candidates: list[str], year: int | None) -> tuple[str | None, str]:
    scores: dict[str, float] = {}
    for rev in frameworks()["revisions"]:
        total = 0.0
        for area in revision_areas(rev).values():
            names = [area["title"], *area["aliases"]]
            best = max((similarity(c, n) for c in candidates for n in names), default=0.0)
            total += best if best >= 0.75 else 0.0
        scores[rev] = total
    by_year = None
    if year:
        by_year = max((r for r, v in frameworks()["revisions"].items() if v["first_year"] <= year), default=None,
                      key=lambda r: frameworks()["revisions"][r]["first_year"])
    top = max(scores.values(), default=0.0)
    if top < 2.0:  # fewer than two areas recognised: the titles say nothing
        return by_year, "year"
    best = [r for r, s in scores.items() if s >= top - 1e-9]
    if len(best) == 1:
        return best[0], "area titles"
    if by_year in best:
        return by_year, "area titles and year"
    return sorted(best)[-1], "area titles"


def _segment_title(seg: Segment) -> str | None:
    for u in seg.units:
        if u.role == "heading":
            text = u.title
            m = AREA_NUMBER.match(text)
            if m:
                return m.group(2).strip() or None
            return text if seg.evidence.startswith("title") else None
    return None


def _sections(units: list[Unit], area: int | None) -> list[Section]:
    out: list[Section] = []
    heading, page, texts = None, None, []

    def close():
        if texts:
            out.append(Section(area, heading, "\n".join(texts), page))

    for u in units:
        if u.role == "heading":
            close()
            heading, page, texts = u.block.text, u.block.page, []
        elif u.role == "text":
            if page is None:
                page = u.block.page
            texts.append(u.block.text)
    close()
    return out


def extract_report(doc: Document) -> Report:
    """The report a document holds: who and when, its findings and sections,
    its scores reconciled with each other, and a flag for every doubt. Raises
    :class:`NotAReport` when the document holds no scores or findings."""
    units = to_units(doc)
    texts = [b.text for b in doc.text_blocks() if b.text]
    overview = overview_of(units, doc)
    report = identify(units, texts, overview)
    catalog = ({a: [v["title"], *v["aliases"]] for a, v in revision_areas(report.framework).items()}
               if report.framework else {})
    titles = AreaTitles(overview, catalog)
    front, segments, back = segment(units, titles)
    assign_areas(segments, titles)
    require_a_report(overview, segments, texts, report)
    read = collect_findings(report, front, segments, back)
    rows = collect_questions(report, overview)
    reconcile_areas(report, overview, read, rows)
    _flag_areas_of_one_kind(report)
    reconcile_total(report, texts)
    check_report(report)
    for note in doc.notes:  # what the reader itself was unsure of
        report.flag(note.severity, note.code, note.message)
    return report


def identify(units: list[Unit], texts: list[str], overview: Overview) -> Report:
    """A report with its municipality, year, framework revision and
    evaluators, each flagged where it could not be read."""
    municipality, _printed_name, _others = find_municipality_in(texts)
    year, _year_how = find_year(texts)
    headings = [u.title for u in units if u.role == "heading"]
    candidates = list(overview.area_titles.values()) + [
        (m.group(2) if (m := AREA_NUMBER.match(text)) else text) for text in headings
    ]
    revision, revision_how = _detect_framework(candidates, year)
    report = Report(
        municipality=municipality.name if municipality else None,
        municipality_code=municipality.code if municipality else None,
        county=municipality.county if municipality else None,
        year=year, framework=revision, total_score=None, max_score=None,
        evaluators=find_evaluators(texts),
    )
    if municipality is None:
        report.flag(Severity.ERROR, Code.UNKNOWN_MUNICIPALITY,
                    "no municipality of SCB's register is named in the report (looked for forms like "
                    "'Torsås kommun', 'Helsingborgs stad', 'Region Gotland')")
    if year is None:
        report.flag(Severity.ERROR, Code.NO_YEAR, "the evaluation year is printed nowhere recognisable")
    if revision is None:
        report.flag(Severity.ERROR, Code.UNKNOWN_FRAMEWORK, "framework revision not recognised from area titles or year")
    elif revision_how == "year":
        report.flag(Severity.INFO, Code.FRAMEWORK_FROM_YEAR,
                    f"framework {revision} assumed from the year: too few area titles recognised")
    return report


def require_a_report(overview: Overview, segments: list[Segment], texts: list[str], report: Report) -> None:
    """Raise NotAReport unless the document has score rows, a score box or
    findings. Findings only from a table without a header row (their kinds
    guessed) say little on their own (an illegible scan's junk lines in two
    columns look like one): they count with a municipality or the word
    "Kommunkompassen" to go by."""
    has_kommunkompassen = any("kommunkompass" in t.lower() for t in texts[:400])
    identified = has_kommunkompassen or report.municipality is not None
    if not overview.rows and not any(u.items and (identified or not u.kinds_inferred)
                                     for s in segments for u in s.units) and not any(
        u.role == "rubriker" for s in segments for u in s.units
    ):
        reason = "no area scores or findings found" + ("" if has_kommunkompassen else "; 'Kommunkompassen' is not mentioned")
        raise NotAReport(f"not a Kommunkompassen report ({reason})")


@dataclass
class SectionsRead:
    """What the area sections gave besides their findings and text."""

    #: area -> the score its section's box ("Rubriker | Poäng") prints
    scores: dict[int, float] = field(default_factory=dict)
    #: area -> the title its section's heading gives
    titles: dict[int, str] = field(default_factory=dict)
    #: area -> how many parts of the document it was read from
    parts: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def collect_findings(report: Report, front: list[Unit], segments: list[Segment], back: list[Unit]) -> SectionsRead:
    """The findings and narrative sections of each area (and of the text
    before and after the areas, with area None) added to ``report``,
    numbered within their area and kind."""
    positions: dict[tuple, int] = defaultdict(int)
    read = SectionsRead()
    for seg in segments:
        read.parts[seg.area] += 1
        title = _segment_title(seg)
        if title and seg.area not in read.titles:
            read.titles[seg.area] = title
        if seg.explicit_number is not None and seg.explicit_number != seg.area:
            report.flag(Severity.WARNING, Code.AREA_NUMBER_OVERRULED,
                        f"a section headed 'Område {seg.explicit_number}' was read as area {seg.area} from the order of sections")
        printed = _printed_scores(seg)
        if printed:
            read.scores.setdefault(seg.area, printed[0])
            if len(set(printed)) > 1:
                said = " and ".join(str(num(p)) for p in dict.fromkeys(printed))
                report.flag(Severity.WARNING, Code.AREA_SCORE_MISMATCH,
                            f"area {seg.area}: its section prints {said} points; took {num(printed[0])}")
        for u in seg.units:
            if u.role in ("findings", "candidate_findings"):
                if u.kinds_inferred:
                    report.flag(Severity.WARNING, Code.FINDINGS_TABLE_WITHOUT_HEADER,
                                f"area {seg.area}: a findings table has no header row; its columns were read as "
                                f"{' | '.join(i.kind for i in _first_of_each(u.items))} like the document's other findings tables")
                for item in u.items:
                    key = (seg.area, item.kind)
                    positions[key] += 1
                    report.findings.append(Finding(seg.area, item.kind, positions[key], item.text, item.page, item.doubt))
        report.sections.extend(_sections(seg.units, seg.area))
    for area, count in read.parts.items():
        if count > 1:
            report.flag(Severity.INFO, Code.AREA_IN_SEVERAL_PARTS,
                        f"area {area} was read from {count} consecutive parts of the document")
    for part in (front, back):
        for u in part:
            for item in u.items if u.role == "findings" else []:
                key = (None, item.kind)
                positions[key] += 1
                report.findings.append(Finding(None, item.kind, positions[key], item.text, item.page, item.doubt))
        report.sections.extend(_sections(part, None))
    if any(f.area is None for f in report.findings):
        report.flag(Severity.INFO, Code.FINDINGS_OUTSIDE_AREAS,
                    f"{sum(f.area is None for f in report.findings)} findings stand outside any area section (stored with area NULL)")
    return read


def _printed_scores(seg: Segment) -> list[float]:
    """The scores an area's section prints, in order: its heading's ("... 54 p",
    the heading that opens it), its "Rubriker | Poäng" box's, a line's ("Poäng:
    58 av 100")."""
    out = []
    opening = next((u for u in seg.units if u.role == "heading"), None)
    for u in seg.units:
        if u.role == "heading" and u is opening and u.data is not None:
            out.append(u.data.score)
        elif u.role == "rubriker" and u.data.score is not None:
            out.append(u.data.score)
        elif u.role == "score_line":
            out.append(u.data.score)
    return out


@dataclass
class QuestionRows:
    """The overview's rows by area: its sub-questions, and its total row."""

    questions: dict[int, list[OverviewRow]] = field(default_factory=lambda: defaultdict(list))
    totals: dict[int, OverviewRow] = field(default_factory=dict)


def collect_questions(report: Report, overview: Overview) -> QuestionRows:
    """The overview's sub-question rows added to ``report`` (the first of a
    number printed or read twice), and flags for the numbers inferred,
    unreadable or repeated."""
    rows = QuestionRows()
    repeated: list[str] = []
    for r in overview.rows:
        if r.number:
            if any(q.number == r.number for q in report.questions):
                # a number printed twice, or misread (OCR: "2.2" for "2.3"):
                # the first row is kept, and the document is said to disagree
                repeated.append(r.number)
                continue
            rows.questions[r.area].append(r)
            report.questions.append(QuestionScore(r.area, r.number, r.title or "", r.score, r.max, r.percent))
        else:
            rows.totals.setdefault(r.area, r)
    if overview.inferred or overview.misread:
        said = []
        if overview.inferred:
            said.append(f"sub-question number(s) {', '.join(overview.inferred)} could not be read in the overview "
                        "and were taken from the rows around them (the previous and next numbers)")
        if overview.misread:
            said.append(f"sub-question number(s) {', '.join(f'{t} (read as {r})' for r, t in overview.misread)} "
                        "stood out of the sequence around them and were given the area of the rows around them")
        report.flag(Severity.WARNING, Code.QUESTION_NUMBER_INFERRED, "; ".join(said))
    if overview.unplaced:
        report.flag(Severity.WARNING, Code.QUESTION_NUMBER_UNREADABLE,
                    f"{len(overview.unplaced)} overview row(s) whose sub-question number could not be read, nor "
                    f"taken from the rows around, were left out (e.g. {overview.unplaced[0][:60]!r})")
    if repeated:
        report.flag(Severity.WARNING, Code.QUESTION_NUMBER_REPEATED,
                    f"sub-question number(s) {', '.join(sorted(set(repeated)))} appear more than once in the "
                    "overview; the first row of each is kept")
    return rows


def reconcile_areas(report: Report, overview: Overview, read: SectionsRead, rows: QuestionRows) -> None:
    """Each area's score and maximum added to ``report``, from where the
    report prints them (the overview's total row, then the section's box),
    else the sum of its sub-questions when every row is there; never a sum
    of the rows read when rows are missing (then the score is unknown). Every
    disagreement between them is flagged with both numbers."""
    area_numbers = sorted(set(FORM.area_numbers) | set(rows.questions) | set(read.scores))
    for a in area_numbers:
        qs = rows.questions.get(a, [])
        total_row = rows.totals.get(a)
        q_sum = sum(q.score for q in qs if q.score is not None) if qs else None
        q_max = sum(q.max for q in qs if q.max is not None) if qs else None
        score, source = None, None
        if total_row is not None and total_row.score is not None:
            score, source = total_row.score, "overview"
        elif a in read.scores:
            score, source = read.scores[a], "section"
        elif q_sum is not None and _rows_whole(qs):
            score, source = q_sum, "questions"
            report.flag(Severity.INFO, Code.AREA_SCORE_FROM_QUESTIONS,
                        f"area {a}: no area score printed; stored the sum of its sub-question points ({num(q_sum)})")
        elif q_sum is not None:
            # rows lost or without points: their sum is not the area's score
            report.flag(Severity.ERROR, Code.AREA_SCORE_UNKNOWN,
                        f"area {a}: no area score printed, and its sub-questions are incomplete (maxima sum to "
                        f"{num(q_max)} of {AREA_MAX}, {sum(q.score is None for q in qs)} without points): "
                        f"the score is unknown, not the sum of the rows read ({num(q_sum)})")
        # without a total row the area's maximum is the framework's, never
        # the sum of the maxima read (a row lost would shrink it unseen)
        max_ = total_row.max if total_row is not None and total_row.max else (
            float(AREA_MAX) if score is not None or q_max else None)
        if max_ is not None and max_ != AREA_MAX and q_max is not None and abs(q_max - AREA_MAX) < 1e-6:
            # the framework and every row's maximum say one thing, the total
            # row another: the one printed number is the one misread
            report.flag(Severity.WARNING, Code.AREA_MAX_MISREAD,
                        f"area {a}: its total row prints a maximum of {num(max_)}, but the framework's and its "
                        f"sub-questions' maxima are {AREA_MAX}; stored {AREA_MAX}")
            max_ = float(AREA_MAX)
        if score is None and not qs and a not in read.parts:
            report.flag(Severity.ERROR, Code.MISSING_AREA, f"area {a}: no score, sub-questions or section found")
            continue
        if score is None and not (q_sum is not None and not _rows_whole(qs)):
            report.flag(Severity.ERROR, Code.MISSING_AREA_SCORE, f"area {a}: no score printed")
        if source == "overview" and a in read.scores and read.scores[a] != score:
            report.flag(Severity.WARNING, Code.AREA_SCORE_MISMATCH,
                        f"area {a}: the section prints {num(read.scores[a])} points, the overview {num(score)}; stored the overview's")
        if q_sum is not None and score is not None and source != "questions" and abs(q_sum - score) > 1e-6:
            report.flag(Severity.WARNING, Code.QUESTION_SUM_MISMATCH,
                        f"area {a}: sub-question points sum to {num(q_sum)} but the area score is {num(score)}"
                        f"{_percent_detail(qs, score)}")
        if q_max is not None and max_ is not None and abs(q_max - max_) > 1e-6:
            report.flag(Severity.WARNING, Code.QUESTION_MAX_MISMATCH,
                        f"area {a}: sub-question maxima sum to {num(q_max)} but the area maximum is {num(max_)}")
        report.areas.append(AreaScore(
            number=a,
            title=read.titles.get(a) or overview.area_titles.get(a),
            domain=domain_of(report.framework, a),
            score=score, max=max_,
            overview_title=overview.area_titles.get(a),
            score_source=source,
        ))
        if a in read.parts and not any(f.area == a for f in report.findings):
            report.flag(Severity.WARNING, Code.AREA_WITHOUT_FINDINGS, f"area {a}: no strengths or improvements found")
        elif a not in read.parts:
            report.flag(Severity.WARNING, Code.AREA_WITHOUT_SECTION, f"area {a}: no section of text found for this area")


def _percent_detail(qs: list[OverviewRow], score: float) -> str:
    """What the printed percents say of a sum that is not the area's score."""
    pct = [q for q in qs if q.percent is not None and q.max]
    if len(pct) != len(qs):
        return ""
    exact = sum(q.percent * q.max / 100 for q in qs)
    # each percent is printed rounded (half a percent of its maximum), the
    # area's points rounded to a whole (a half)
    slack = 0.5 + sum(PERCENT_ROUNDING * q.max for q in qs)
    if abs(exact - score) > slack:
        why = "which is no rounding of the area score either: a number may be misread"
    elif all(_rounds_to(q) for q in qs):
        why = "so the overview's points are rounded"
    else:
        why = "as the area score says: a sub-question's points are misread (question_percent_mismatch)"
    return f"; from the printed percentages the sub-questions give {exact:.1f}, {why}"


def reconcile_total(report: Report, texts: list[str]) -> None:
    """The report's total and maximum: the total as printed (the last, when
    printed differently), else the sum of the area scores when all are
    known, else unknown; flagged where they disagree."""
    scored = [ar for ar in report.areas if ar.score is not None]
    area_sum = sum(ar.score for ar in scored)
    printed = find_printed_totals(texts)
    report.max_score = sum(ar.max for ar in report.areas if ar.max is not None) or None
    if printed:
        report.total_score = printed[-1]
        if len(set(printed)) > 1:
            report.flag(Severity.WARNING, Code.TOTAL_PRINTED_DIFFERENTLY,
                        f"the total is printed as {', '.join(str(num(p)) for p in dict.fromkeys(printed))}; stored the last")
        if len(scored) == FORM.areas and abs(area_sum - report.total_score) > 1e-6:
            report.flag(Severity.WARNING, Code.TOTAL_MISMATCH,
                        f"area scores sum to {num(area_sum)} but the printed total is {num(report.total_score)}")
    elif len(scored) == FORM.areas:
        report.total_score = area_sum
        report.flag(Severity.INFO, Code.TOTAL_NOT_PRINTED, f"no total printed; stored the sum of the area scores ({num(area_sum)})")
    elif scored:
        # a sum over the areas read is not the total: it stays unknown
        report.flag(Severity.WARNING, Code.TOTAL_NOT_PRINTED,
                    f"no total printed, and only {len(scored)} of {FORM.areas} area scores are known: the total is unknown "
                    f"(not the sum of those, {num(area_sum)})")


def check_report(report: Report) -> None:
    """Flags for what a whole report should have and this one lacks: every
    area's score, findings, each sub-question's points, sub-question rows in
    every area when most have them; and each finding's doubts."""
    scored = [ar for ar in report.areas if ar.score is not None]
    if len(report.areas) != FORM.areas or len(scored) != FORM.areas:
        report.flag(Severity.ERROR, Code.INCOMPLETE_AREAS, f"{len(scored)} of {FORM.areas} area scores found")
    if not report.findings:
        report.flag(Severity.ERROR, Code.NO_FINDINGS, "no strengths or improvements found")
    _flag_doubtful_findings(report)
    _flag_replaced_characters(report)
    for q in report.questions:
        if q.score is None:
            report.flag(Severity.ERROR, Code.QUESTION_SCORE_MISSING,
                        f"sub-question {q.number}: no points read from its row of the overview")
    _flag_question_rows(report)
    with_questions = {q.area for q in report.questions}
    if not with_questions:
        report.flag(Severity.WARNING, Code.QUESTIONS_NOT_FOUND,
                    "no sub-question scores were read: no overview table of them was found")
    elif len(with_questions) >= PATTERN_MIN_AREAS:
        lacking = [a.number for a in report.areas if a.number not in with_questions]
        if lacking:
            report.flag(Severity.WARNING, Code.AREA_WITHOUT_QUESTIONS,
                        f"area(s) {', '.join(map(str, lacking))}: no sub-question scores read, though "
                        f"{len(with_questions)} other areas have them; their rows may have been misread")


def _flag_replaced_characters(report: Report) -> None:
    """A flag where the stored text holds U+FFFD: a character a reader could
    not give as text (see ``clean_text``), said rather than dropped."""
    places = [(f"finding '{f.text[:60]}'", f.text.count("\ufffd")) for f in report.findings]
    places += [(f"section '{s.heading or s.text[:40]}'", s.text.count("\ufffd")) for s in report.sections]
    places = [(where, n) for where, n in places if n]
    if places:
        report.flag(Severity.WARNING, Code.TEXT_REPAIRED,
                    f"{sum(n for _, n in places)} character(s) that no text can hold were stored as U+FFFD, "
                    f"first in {places[0][0]}")


#: a printed percent is rounded to a whole: it may be off by half a percent
#: of its maximum
PERCENT_ROUNDING = 0.005


def _rows_whole(qs) -> bool:
    """Whether an area's sub-question rows are all there with their points:
    their maxima make the area's maximum and none lacks its score."""
    return (bool(qs) and all(q.score is not None and q.max is not None for q in qs)
            and abs(sum(q.max for q in qs) - AREA_MAX) < 1e-6)


def _rounds_to(q) -> bool:
    """Whether a sub-question's points are its printed percent of its maximum, rounded."""
    return q.score is None or q.percent is None or not q.max or (
        q.score <= q.max and abs(q.score - q.percent * q.max / 100) <= 0.5 + PERCENT_ROUNDING * q.max + 1e-9)


def _flag_question_rows(report: Report) -> None:
    """A sub-question's own row disagreeing with itself: more points than its
    maximum, or points that no rounding of its printed percent gives (4 of
    10 printed as 10%): one of the numbers is misread or misprinted."""
    above, off = [], []
    for q in report.questions:
        if q.score is None or not q.max:
            continue
        if q.score > q.max:
            above.append(f"{q.number} ({num(q.score)} of {num(q.max)})")
        elif not _rounds_to(q):
            off.append(f"{q.number} ({num(q.score)} of {num(q.max)}, printed as {num(q.percent)}%)")
    if above:
        report.flag(Severity.ERROR, Code.QUESTION_SCORE_ABOVE_MAX,
                    f"sub-question(s) {', '.join(above)}: more points than the maximum; a number is misread")
    if off:
        report.flag(Severity.WARNING, Code.QUESTION_PERCENT_MISMATCH,
                    f"sub-question(s) {', '.join(off)}: the points are no rounding of the printed percent; "
                    "one of them is misread or misprinted")


#: a finding with fewer words than this (of two letters or more) and two or
#: more other glyphs is a page's furniture or a table's stray cell ("6 (33)",
#: "Poäng = - | 68"), not a sentence; one word alone ("Medborgardialog") is not
FURNITURE_MAX_WORDS = 2
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")


def _looks_like_furniture(text: str) -> bool:
    words = _LETTER_WORD.findall(text)
    others = sum(1 for ch in text if not ch.isspace() and not ch.isalpha())
    return len(words) < FURNITURE_MAX_WORDS and others >= 2


#: words a Swedish sentence does not end on: a finding ending on one was cut
_OPEN_ENDINGS = {"och", "eller", "samt", "i", "av", "för", "med", "att", "till", "på", "om", "som",
                 "en", "ett", "den", "det", "de", "inom", "från", "vid", "mellan", "genom", "mot"}


def _flag_doubtful_findings(report: Report) -> None:
    """Findings that may be misread, marked one by one (``Finding.doubt``) and
    summed up in a report flag per kind of doubt:

    * ``starts_lowercase``: a wrapped line read as a finding of its own;
    * ``ends_open``: a finding cut short, ending on "och", "för", a comma or a hyphen;
    * ``may_join_two`` (from the reader): a full line ending a sentence was
      joined with a line starting one, so the finding may be two;
    * ``may_be_part`` (from the reader): a cell or paragraph was cut where a
      page ends with a sentence and the next begins with one, so the finding
      may be half of one;
    * ``ocr_low_confidence`` (from the reader): a scanned page's words that
      Tesseract was unsure of;
    * ``may_cross_columns`` (from the reader): a line of the finding leaves one
      gap as wide as a column gutter and many times its other gaps: the lines of
      two columns (a findings table's, set close) may have been read as one;
    * ``looks_like_furniture``: hardly a word and some numbers or signs (a page
      number, a score line): a page's furniture or a stray cell taken for a finding.

    A reader that loses a table's or a list's structure produces exactly
    these, so they are said rather than stored silently."""
    checks = (
        (Doubt.STARTS_LOWERCASE, Code.FINDING_STARTS_LOWERCASE, "start in lower case, as a wrapped line does",
         lambda f: f.text[:1].islower() and not re.match(r"^[a-zåäö]{1,2}-", f.text)),
        (Doubt.ENDS_OPEN, Code.FINDING_ENDS_OPEN, "end where a sentence cannot end",
         lambda f: f.text.rstrip()[-1:] in {",", "-", "–"}
         or f.text.rstrip(" .").rsplit(" ", 1)[-1].lower() in _OPEN_ENDINGS),
        (Doubt.MAY_JOIN_TWO, Code.FINDING_MAY_JOIN_TWO,
         "may be two findings read as one (a full line ends a sentence and the next starts one, "
         "with no spacing between them to tell a new finding from a new sentence)",
         lambda f: Doubt.MAY_JOIN_TWO.value in (f.doubt or "").split(",")),
        (Doubt.MAY_BE_PART, Code.FINDING_MAY_BE_PART,
         "may be parts of one finding (cut where a page ends with a sentence and the next begins with one)",
         lambda f: Doubt.MAY_BE_PART.value in (f.doubt or "").split(",")),
        (Doubt.OCR_LOW_CONFIDENCE, Code.FINDING_OCR_LOW_CONFIDENCE,
         "were recognised by OCR with low confidence (their words may be misread)",
         lambda f: Doubt.OCR_LOW_CONFIDENCE.value in (f.doubt or "").split(",")),
        (Doubt.MAY_CROSS_COLUMNS, Code.FINDING_MAY_CROSS_COLUMNS,
         "may join two columns' text (a line leaves one gap as wide as a column gutter)",
         lambda f: Doubt.MAY_CROSS_COLUMNS.value in (f.doubt or "").split(",")),
        (Doubt.LOOKS_LIKE_FURNITURE, Code.FINDING_LOOKS_LIKE_FURNITURE,
         "are hardly words: numbers or signs, as a page number or a stray table cell is",
         lambda f: _looks_like_furniture(f.text)),
    )
    for doubt, code, what, test in checks:
        found = [f for f in report.findings if test(f)]
        for f in found:
            codes = [c for c in (f.doubt or "").split(",") if c]
            if doubt.value not in codes:
                f.doubt = ",".join(codes + [doubt.value])
        if not found:
            continue
        areas = sorted({f.area for f in found if f.area is not None})
        example = found[0].text if len(found[0].text) <= 60 else found[0].text[:57] + "..."
        report.flag(Severity.WARNING, code,
                    f"{len(found)} of {len(report.findings)} findings {what} (areas "
                    f"{', '.join(map(str, areas)) or '-'}; e.g. {example!r}); the document's layout may have "
                    f"been misread; findings.doubt marks them")


def _first_of_each(items) -> list:
    seen, out = set(), []
    for i in items:
        if i.kind not in seen:
            seen.add(i.kind)
            out.append(i)
    return out
