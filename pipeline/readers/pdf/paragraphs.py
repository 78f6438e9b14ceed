"""Stage 4b: paragraphs from line pitch, indentation and sentence cues.

One builder serves the body flow and every table cell (cells are read one by
one, so columns never interleave). A line starts a new paragraph at a change
of size or boldness; a gap above the usual pitch of more than
``paragraph_gap`` × size, or of more than ``small_paragraph_gap`` × size
where a sentence ends or starts; an indentation that is not the paragraph's
own (first-line and hanging list indents are understood); a list marker; or
when the previous line had room for this line's first word (so it was not
wrapped) and a sentence ends or starts there. A full line that ends a
sentence followed by one that starts a sentence, at the usual pitch, is
joined but marked as a guess (``Draft.doubt``): paragraphs set without
spacing and a paragraph of several sentences look the same there. Across a page break there is no
gap to measure: a sentence end plus a capital, or a capitalised ordinary word
(one the document also writes in lower case, or a Swedish word form of
:mod:`pipeline.lexicon`) after a line that did not end
in "och", "i", ..., starts a new paragraph; otherwise the paragraph (or table
cell) goes on.

Hyphens: a line ending in "word-" followed by a lower-case word is joined
without the hyphen unless the next word is a conjunction ("ledar- och"), the
fragment is short, an abbreviation or has digits ("e-", "IT-", "2018-"), or
the document spells the pair with a hyphen elsewhere.
"""

from __future__ import annotations

import re
from typing import Iterable

from ...flags import Doubt
from ...lexicon import is_ordinary_word
from .lists import Marker, find_marker, same_kind
from .model import Line
from .settings import PdfSettings

#: width of a space, × size: a word that fits in the room left on the line
#: above (with its space) would have been set there had the line wrapped
SPACE = 0.25

_CONJUNCTIONS = {
    "och", "eller", "samt", "respektive", "resp", "som", "till", "men", "utan",
    "liksom", "såväl", "än", "and", "or", "nor", "to",
}
SENTENCE_END = (".", "!", "?", ":", ";")
#: words that do not end a sentence (Swedish and English function words)
_CONTINUES = {
    "och", "eller", "samt", "i", "av", "för", "med", "att", "till", "på", "om", "som",
    "en", "ett", "den", "det", "de", "är", "har", "inom", "från", "vid", "under",
    "mellan", "enligt", "genom", "hos", "mot", "efter", "utan", "men", "både", "än",
    "dess", "sin", "sitt", "sina", "vår", "våra", "deras", "kan", "ska", "bör",
    "the", "a", "an", "of", "and", "or", "to", "in", "for", "with", "by", "on",
}



def _starts_sentence(text: str) -> bool:
    t = text.lstrip("\"'“”‘’«»([")
    return bool(t) and (t[0].isupper() or t[0].isdigit())


_WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


def build_vocabulary(texts: Iterable[str]) -> set[str]:
    vocab: set[str] = set()
    for t in texts:
        for w in _WORD_RE.findall(t):
            vocab.add(w.lower())
    return vocab


def join_lines(a: str, b: str, vocab: set[str] | None = None) -> str:
    """Join two wrapped lines of one paragraph.

    A line ending in a hyphen right after a letter or digit was split at that
    hyphen: "ledar-" + "och ..." keeps "ledar- och" (a suspended compound);
    "kompetens-" + "försörjning" becomes "kompetensförsörjning" when the
    hyphen looks like a soft one (see ``_dehyphenate``); otherwise the hyphen
    stays and the halves are joined without a space ("IT-" + "system").
    """
    if not a:
        return b
    if not b:
        return a
    if a.endswith("\u00ad"):
        return a[:-1] + b
    if a[-1] in "-\u2010" and len(a) >= 2 and a[-2].isalnum() and b[0].isalnum():
        nxt_m = re.match(r"[^\W\d_]+", b)
        nxt = nxt_m.group(0) if nxt_m else ""
        if nxt.lower() in _CONJUNCTIONS and (len(b) == len(nxt) or not b[len(nxt)].isalnum()):
            return a + " " + b
        # the last word, from its first letter only (one start per run of letters)
        frag_m = re.search(r"(?<![^\W\d_])([^\W\d_]+)[-\u2010]$", a)
        if frag_m and nxt and b[0].islower() and _dehyphenate(frag_m.group(1), nxt, a, vocab):
            return a[:-1] + b
        return a + b
    return a + " " + b


def _dehyphenate(frag: str, nxt: str, before: str, vocab: set[str] | None) -> bool:
    """Is the hyphen between ``frag`` and ``nxt`` a soft (line-break) one?

    The document is the dictionary: the joined word written elsewhere says
    yes, the hyphenated spelling written elsewhere says no. Without evidence,
    yes for a plain lower-case fragment of 2+ letters (not "e-", "IT-",
    "2021-")."""
    # the fragment must be the whole token before the hyphen (not "IT-", "e-", "2021-")
    tok = before.rsplit(" ", 1)[-1][:-1]
    if tok != frag and not tok.endswith(frag):
        return False
    if re.search(r"[\d]", tok):
        return False
    if len(frag) < 2 or sum(ch.isupper() for ch in frag) > 1:
        return False
    if vocab:
        joined = (frag + nxt).lower()
        hyph = f"{frag}-{nxt}".lower()
        if joined in vocab:
            return True
        if hyph in vocab:
            return False
    return True


class Draft:
    """A paragraph being built: its lines, marker and text so far."""

    __slots__ = ("lines", "marker", "text_x0", "text", "doubt")

    def __init__(self, line: Line, marker: Marker | None):
        self.lines = [line]
        self.marker = marker
        #: why the paragraph's extent is a guess (None: the layout said so)
        self.doubt: str | None = None
        if marker is not None:
            self.text_x0 = marker.text_x0 - line.left
            self.text = " ".join(w.text for w in marker.rest)
        else:
            self.text_x0 = line.rx0
            self.text = line.text

    @property
    def first(self) -> Line:
        return self.lines[0]

    def add_doubt(self, code: str) -> None:
        codes = self.doubt.split(",") if self.doubt else []
        if code not in codes:
            self.doubt = ",".join(codes + [code])

    def drop_doubt(self, code: str) -> None:
        codes = [c for c in (self.doubt or "").split(",") if c and c != code]
        self.doubt = ",".join(codes) or None

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return line_parts(self.lines)[0][1]

    @property
    def continued(self) -> list[tuple[int, tuple[float, float, float, float]]]:
        return line_parts(self.lines)[1:]


def line_parts(lines: list[Line]) -> list[tuple[int, tuple[float, float, float, float]]]:
    """The (page, box) of each part of a block's lines in reading order: a part
    ends where the next line is on another page or above it (the next column)."""
    parts: list[list[Line]] = []
    for line in lines:
        if not parts or line.page != parts[-1][-1].page or line.top < parts[-1][-1].top:
            parts.append([line])
        else:
            parts[-1].append(line)
    return [(part[0].page, (min(l.x0 for l in part), min(l.top for l in part),
                            max(l.x1 for l in part), max(l.bottom for l in part))) for part in parts]


class Context:
    """Document statistics the paragraph builder needs."""

    def __init__(self, st: PdfSettings, body_size: float, pitches: dict, texts: list[str]):
        self.st = st
        self.body_size = body_size
        self.pitches = pitches  # (family, size) -> pitch
        #: every word, lower-cased (dehyphenation evidence)
        self.vocab = build_vocabulary(texts)
        #: words the document writes in lower case somewhere
        self.lower_words = {w for t in texts for w in _WORD_RE.findall(t) if w.islower()}

    def is_ordinary(self, word: str) -> bool:
        """Is lower-case ``word`` an ordinary word, not a name? The document
        writes it in lower case somewhere, or Swedish has it as a word form."""
        return word in self.lower_words or is_ordinary_word(word)

    def pitch(self, family: str, size: float) -> float:
        key = round(size * 2) / 2
        p = self.pitches.get((family, key))
        if p is None:
            p = self.pitches.get(("body", key))
        # 1.2 × size: the usual single line spacing of fonts, when nothing was measured
        return p if p is not None else 1.2 * size


#: a number that leads a line as its label ("3.1", "4.", "12")
_NUMBER_LABEL = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?$")


def _x_ok(draft: Draft, line: Line, tol: float) -> bool:
    x = line.rx0
    if len(draft.lines) == 1:
        first = draft.first
        if draft.marker is not None:
            return abs(x - draft.text_x0) <= tol or abs(x - first.rx0) <= tol
        if x <= first.rx0 + tol:
            return True  # same indent, or first-line indent
        # a hanging indent under a leading number ("3.1 Rapporterar ... över
        # / förvaltningen? – 9 av 25 poäng"): the line goes on where the
        # first line's text after the number starts
        words = first.words
        return (len(words) > 1 and _NUMBER_LABEL.match(words[0].text) is not None
                and abs(line.x0 - words[1].x0) <= tol)
    return abs(x - draft.lines[1].rx0) <= tol


def breaks(draft: Draft, line: Line, ctx: Context, family: str) -> bool:
    """Does ``line`` start a new paragraph after ``draft``? (markers aside)"""
    return break_reason(draft, line, ctx, family) is not None


#: reasons to break that are guesses: across a page break there is no gap to
#: go by, and a new sentence may as well go on with its paragraph (a capital
#: ordinary word after a line that did not end a sentence is no guess: in
#: Swedish, only names are capitalised inside a sentence)
PAGE_BREAK_GUESSES = ("page_sentence",)


def break_reason(draft: Draft, line: Line, ctx: Context, family: str) -> str | None:
    """Why ``line`` starts a new paragraph after ``draft`` (None: it does not)."""
    prev = draft.lines[-1]
    st = ctx.st
    if abs(line.size - prev.size) > st.size_tolerance or line.bold != prev.bold:
        return "style"
    sentence = _starts_sentence(line.text) or prev.text.rstrip().endswith(SENTENCE_END)
    if line.page == prev.page:
        delta = line.base - prev.base
        if delta < 0.5 * prev.size:
            return "column"  # beside or above: another column
        extra = delta - ctx.pitch(family, prev.size)
        if extra > st.paragraph_gap * prev.size:
            return "gap"
        if extra > st.small_paragraph_gap * prev.size and sentence:
            return "small_gap"  # a small gap counts where a sentence starts or ends
    elif line.page != prev.page + 1:
        return "pages_apart"
    if not _x_ok(draft, line, st.indent_tolerance):
        return "indent"
    if line.page != prev.page and _starts_sentence(line.text) and prev.text.rstrip().endswith(SENTENCE_END):
        # No gap to measure across a page break. A sentence end followed by a
        # capital is taken as a new paragraph (splitting a paragraph at a
        # sentence costs less than gluing two findings together), and said.
        return "page_sentence"
    if (line.page != prev.page or family == "cell") and _capital_ordinary_word(prev, line, ctx):
        # A capitalised ordinary word (not a name: see Context.is_ordinary) after a line that did not end a sentence does not go on with
        # it, unless that line ends in a word that cannot end one ("och",
        # "i", ...). Across a page break there is no gap to go by; in table
        # cells, findings are short items without full stops, one under the
        # other, often without any space between them.
        return "page_capital" if line.page != prev.page else "cell_capital"
    if _had_room(prev, line) and sentence:
        return "room"
    return None


def _had_room(prev: Line, line: Line, sure: bool = False) -> bool:
    """Would ``line``'s first word have fitted at the end of ``prev``? With
    ``sure``, even at the least the right edge can be (``Line.right_lo``)."""
    first = line.words[0]
    right = prev.right if not sure or prev.right_lo is None else min(prev.right, prev.right_lo)
    return right - prev.x1 - 1.0 >= SPACE * prev.size + (first.x1 - first.x0)


#: what a join on no evidence either way is called (stored with the finding) ...
JOINED_AT_SENTENCE = Doubt.MAY_JOIN_TWO.value
#: ... and a split on no sure evidence (at a page break, at a cell edge not known well)
MAY_BE_PART = Doubt.MAY_BE_PART.value


def guessed_join(prev: Line, line: Line) -> bool:
    """A join the layout cannot confirm: ``prev`` is full and ``line`` starts
    with a capital, on the same page at the usual pitch, and either ``prev``
    ends a sentence or ``line`` starts with a name (a capitalised word that
    is no ordinary word, see ``Context.is_ordinary``; ordinary ones break)
    after a word that can end one. A paragraph of several sentences, a name
    wrapped to the next line and two paragraphs set without spacing look
    exactly alike here; joining is the usual case, so it is kept, and said."""
    if line.page != prev.page or not _starts_sentence(line.text) or _had_room(prev, line):
        return False
    text = prev.text.rstrip()
    if text.endswith((".", "!", "?")):
        return True
    last = text.rsplit(" ", 1)[-1].lower()
    return line.text[:1].isupper() and not text.endswith((",", ":", ";", "-", "–")) and last not in _CONTINUES


def _capital_ordinary_word(prev: Line, line: Line, ctx: Context) -> bool:
    if prev.text.rstrip().endswith(SENTENCE_END):
        return False
    if line.text[:1] in "\"'“”‘’«»([":
        return False  # a quoted or bracketed name or title
    w = _WORD_RE.match(line.text)
    last = prev.text.rsplit(" ", 1)[-1].lower()
    return bool(w and w.group(0)[0].isupper() and last not in _CONTINUES and ctx.is_ordinary(w.group(0).lower()))


def build_paragraphs(lines: list[Line], ctx: Context, family: str = "body") -> list[Draft]:
    """Group lines (in reading order) into paragraph drafts."""
    drafts: list[Draft] = []
    cur: Draft | None = None
    number_limit = ctx.body_size + ctx.st.heading_size_delta
    for line in lines:
        mk = find_marker(line, allow_numbers=line.size < number_limit and not line.bold)
        if cur is None:
            cur = Draft(line, mk)
            drafts.append(cur)
            continue
        if mk is not None and mk.ambiguous:
            same_list = (
                cur.marker is not None
                and same_kind(cur.marker.glyph, mk.glyph)
                and abs(line.rx0 - cur.first.rx0) <= ctx.st.indent_tolerance
            )
            if not (mk.tab or same_list or breaks(cur, line, ctx, family)):
                mk = None  # a dash or number that merely starts a wrapped line
        reason = None if mk is not None else break_reason(cur, line, ctx, family)
        if mk is not None or reason is not None:
            nxt = Draft(line, mk)
            if reason in PAGE_BREAK_GUESSES or (reason == "room" and not _had_room(cur.lines[-1], line, sure=True)):
                # no gap to go by at a page break; or the word would have
                # fitted only if the cell reaches further than its text shows
                cur.add_doubt(MAY_BE_PART)
                nxt.add_doubt(MAY_BE_PART)
            cur = nxt
            drafts.append(cur)
        else:
            if cur.marker is None and guessed_join(cur.lines[-1], line):
                cur.add_doubt(JOINED_AT_SENTENCE)
            cur.lines.append(line)
            cur.text = join_lines(cur.text, line.text, ctx.vocab)
    if _spaced(drafts, ctx, family):
        for d in drafts:
            d.drop_doubt(JOINED_AT_SENTENCE)
    return drafts


def _spaced(drafts: list[Draft], ctx: Context, family: str) -> bool:
    """Are these paragraphs set apart by spacing? Then a line at the usual
    pitch goes on with its paragraph, and a guessed join is no guess."""
    gaps = []
    for a, b in zip(drafts, drafts[1:]):
        prev, nxt = a.lines[-1], b.first
        if nxt.page == prev.page and b.marker is None:
            gaps.append(nxt.base - prev.base - ctx.pitch(family, prev.size) > ctx.st.small_paragraph_gap * prev.size)
    return bool(gaps) and all(gaps)


