"""Can a page's text layer be trusted? A pure check of the words a backend read.

A PDF can look right and carry a text layer that is not the text: a print
round trip that dropped the fonts' Unicode maps gives "+ - 0 / 1<" for every
line, a font without a map gives its glyph codes. Such a page is read from
its image instead (:mod:`.ocr`). The layer is judged on what any Swedish page
of prose or tables has:

* letters: the share of its glyphs that are letters (a score table page has
  about 0.8, a layer of glyph codes almost none);
* common words: the share of its words that are among the commonest Swedish
  words of three letters or more (``pipeline/data/swedish_common_words.txt``:
  about 0.3 in prose, 0.05-0.1 on a table page, none in a layer whose letters
  were mapped to other letters);
* unmapped glyphs: control characters, U+FFFD and the private use area,
  which a font without a Unicode map yields;
* broken words: the share of its words with such a glyph among Latin
  letters (:mod:`.glyphs`): a map that lost only some letters (Ghostscript's
  rewrite of a ReportLab PDF gives "å", "ä" as control characters and "ö" as
  "-"), 0.2 of a page's words there and none on 3,265 born-digital pages.

A page with too few words to judge follows the document's other pages (a
cover page of six words is as unreadable as the rest). OCR's own words are
judged the same way before they replace the layer, so a page whose layer is
fine but unusual (an English summary, a list of names) keeps it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .glyphs import repair_word, unmapped
from .model import PageContent, Word
from .settings import PdfSettings

_WORD = re.compile(r"[^\W\d_]+")
#: only words this long count as common words: letters mapped to other
#: letters make one- and two-letter words by chance ("du", "vi") but almost
#: never "och", "att", "för" (bench corpus and fixtures, 220 PDFs: 0.05 or more
#: of a page's words; such layers: none)
COMMON_MIN_LETTERS = 3


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    text = resources.files("pipeline.data").joinpath("swedish_common_words.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@dataclass(frozen=True)
class LayerCheck:
    """What a page's words read like (shares in 0..1)."""

    words: int
    letters: float
    common: float
    unmapped: float
    broken: float = 0.0

    def trusted(self, st: PdfSettings) -> bool | None:
        """True or False, or None when the page has too few words to say."""
        if self.words < st.text_layer_min_words:
            return None
        return (self.letters >= st.text_layer_min_letters and self.common >= st.text_layer_min_common
                and self.unmapped <= st.text_layer_max_unmapped and self.broken <= st.text_layer_max_broken_words)

    def describe(self) -> str:
        return (f"{self.letters:.0%} of its glyphs letters, {self.common:.0%} of its words common Swedish words"
                + (f", {self.unmapped:.0%} glyphs without Unicode" if self.unmapped else "")
                + (f", {self.broken:.0%} of its words with a glyph that has no text" if self.broken else ""))


def check_words(words: list[Word]) -> LayerCheck:
    glyphs = [c for w in words for c in w.text if not c.isspace()]
    if not glyphs:
        return LayerCheck(0, 0.0, 0.0, 0.0)
    common = common_words()
    found = sum(1 for w in words for t in _WORD.findall(w.text.lower()) if len(t) >= COMMON_MIN_LETTERS and t in common)
    broken = sum(repair_word(w.text)[1] == "unrepaired" for w in words)
    return LayerCheck(len(words), sum(c.isalpha() for c in glyphs) / len(glyphs), found / len(words),
                      sum(unmapped(c) for c in glyphs) / len(glyphs), broken / len(words))


def untrusted_pages(pages: list[PageContent], st: PdfSettings) -> dict[int, LayerCheck]:
    """The pages with words whose text layer cannot be trusted, with what was found.

    A page with too few words to judge is untrusted when most of the judged
    pages are (and when none could be judged but all together fail)."""
    checks = {p.number: check_words(p.words) for p in pages if p.words}
    verdicts = {n: c.trusted(st) for n, c in checks.items()}
    judged = [v for v in verdicts.values() if v is not None]
    if judged:
        follow = sum(1 for v in judged if not v) > len(judged) / 2
    else:
        together = check_words([w for p in pages for w in p.words])
        follow = together.words >= st.text_layer_min_words and together.trusted(st) is False
    return {n: checks[n] for n, v in verdicts.items() if v is False or (v is None and follow)}


def ocr_reads_better(layer: LayerCheck, ocr: LayerCheck, st: PdfSettings) -> bool:
    """OCR's words replace an untrusted layer when they read as text where the
    layer does not (a page that is unusual rather than broken keeps its layer)."""
    if not ocr.words:
        return False
    verdict = ocr.trusted(st)
    if verdict is None:  # a short page: better on every count
        return ocr.letters > layer.letters or ocr.common > layer.common
    return verdict
