"""Tolerances of the PDF reader: one validated, frozen settings object.

Every number the layout stages compare against lives here with its reason.
Sizes marked "× size" scale with the font size of the text at hand, so the
same settings serve a 9 pt table and 12 pt body text.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class PdfSettings:
    # -- running headers and footers ------------------------------------------------
    #: share of the page height at the top / bottom where running headers and
    #: footers may sit (A4 margins are 7-12 % of the height)
    header_band: float = 0.10
    footer_band: float = 0.10
    #: a band line is furniture when its text (digits normalised) is on at least
    #: this share of the pages ...
    repeat_fraction: float = 0.4
    #: ... and on at least this many pages
    repeat_min_pages: int = 2
    #: ... or when the same text sits at the same place (± ``repeat_position_tolerance``
    #: points) on this many pages, however long the document: a header that only
    #: some chapters carry
    repeat_same_place_pages: int = 3
    repeat_position_tolerance: float = 3.0
    #: a band line's text is compared across pages by its words, without signs
    #: standing alone ("=", "|") and without words recognised (OCR) with a
    #: confidence below this: Tesseract reads a speck beside a running header as
    #: "i" (confidence 14) or a rule's end as "=", and the header then repeats
    #: on no other page and stays in the body, breaking the list it falls in
    repeat_min_word_conf: float = 30.0

    # -- characters, words, lines ---------------------------------------------------
    #: characters whose vertical centres differ by less than this × size may
    #: share a line (superscripts and mixed fonts stay on their line)
    line_tolerance: float = 0.35
    #: horizontal gap (× size) between glyphs that separates two words when the
    #: PDF has no space glyphs (a space is about 0.25 × size)
    word_gap: float = 0.17

    # -- paragraphs -----------------------------------------------------------------
    #: extra vertical space (× size) above the usual line pitch that ends a
    #: paragraph (Word's 10 pt "space after" at 11 pt is 0.9) ...
    paragraph_gap: float = 0.4
    #: ... and a smaller one that ends it where the next line starts a
    #: sentence (capital, digit) or the previous one ended one
    small_paragraph_gap: float = 0.12
    #: points of x difference still counted as the same indentation
    indent_tolerance: float = 3.0
    #: points of size difference still counted as the same size (rounding of
    #: font sizes and of scaled text)
    size_tolerance: float = 0.6

    # -- headings -------------------------------------------------------------------
    #: points above the body size from which a line counts as heading-sized
    heading_size_delta: float = 1.0
    #: longer blocks are never headings
    max_heading_words: int = 20

    # -- lists ----------------------------------------------------------------------
    #: a small filled shape is a drawn bullet when its sides are at most this
    #: × the size of the text right of it (a bullet is a dot, not a box) ...
    drawn_bullet_max: float = 0.8
    #: ... at least this × size (not a speck or a hairline) ...
    drawn_bullet_min: float = 0.12
    #: ... and that text starts within this × size to its right
    drawn_bullet_reach: float = 3.0

    # -- tables ---------------------------------------------------------------------
    #: ruling segments closer than this (points) are the same rule (Word draws
    #: a cell border per cell, slightly offset)
    rule_snap: float = 3.0
    #: rules thinner than this (points) are lines; filled rectangles thicker than
    #: it still give their four sides (shaded cells)
    rule_max_thickness: float = 2.0
    #: points of difference allowed between the column widths of a ruled table
    #: on page N and its continuation on page N+1
    table_x_tolerance: float = 6.0
    #: look for tables without rules
    borderless_tables: bool = True
    #: whitespace (× size) that must run down every line of a borderless table
    #: between two columns; a space between words is 0.25-0.35 × size, a stretched
    #: justified one rarely above 0.6, and no gap lines up line after line
    gutter_min: float = 0.8
    #: lines with text on both sides of the gutters needed for a borderless table
    borderless_min_rows: int = 2
    #: a borderless table ends at a vertical gap of more than this × the usual
    #: line pitch (tables keep their rows closer than the space around them:
    #: findings set a blank line plus spacing apart stay in, text set off by
    #: two blank lines does not)
    borderless_max_gap: float = 3.0

    # -- tagged PDFs ------------------------------------------------------------------
    #: read a tagged PDF's structure tree (P, H1, L/LI, Table/TR/TD) for blocks
    use_tags: bool = True
    #: a page's tags are used only when the text they leave out (not marked as
    #: content, and not a running header or footer either) is at most this
    #: share of the page's characters: real content outside the tags means a
    #: partly tagged page, which the layout reads whole
    tags_max_untagged: float = 0.05
    #: ... and when they give at least this share of the blocks the layout finds
    #: on the page: fewer means tags too coarse to separate paragraphs (a page
    #: tagged as one P), and the layout's boundaries are better
    tags_min_block_ratio: float = 0.34

    # -- scanned pages ------------------------------------------------------------------
    #: recognise scanned pages with Tesseract (:mod:`.ocr`) ...
    ocr: bool = True
    #: ... a text-less page being a scan when its largest image covers at least
    #: this share of it (a photo on a cover or a divider page covers less)
    scan_image_share: float = 0.5
    #: a paragraph read by OCR whose words' mean confidence is below this is
    #: marked as doubtful, and so is a page of ``PAGE_CONFIDENCE_MIN_WORDS``
    #: words or more (clean print scores 90-97; a smudge or a misread word
    #: pulls a line below 80)
    ocr_low_confidence: float = 80.0
    #: a page's text layer is judged (:mod:`.text_layer`) when it has at least
    #: this many words; fewer follow the document's other pages ...
    text_layer_min_words: int = 20
    #: ... and is read by OCR instead when less than this share of its glyphs
    #: are letters (born-digital pages: 0.75 or more; glyph codes: under 0.05) ...
    text_layer_min_letters: float = 0.5
    #: ... or less than this share of its words are common Swedish words
    #: (prose about 0.4, score table pages 0.09 or more; other letters: none) ...
    text_layer_min_common: float = 0.03
    #: ... or more than this share of its glyphs have no Unicode (control
    #: characters, U+FFFD, the private use area)
    text_layer_max_unmapped: float = 0.1

    def __post_init__(self) -> None:
        for name in ("header_band", "footer_band"):
            v = getattr(self, name)
            if not 0.0 <= v < 0.5:
                raise ValueError(f"PdfSettings.{name} must be in [0, 0.5), got {v!r}")
        if not 0.0 < self.repeat_fraction <= 1.0:
            raise ValueError(f"PdfSettings.repeat_fraction must be in (0, 1], got {self.repeat_fraction!r}")
        for name in ("repeat_min_pages", "repeat_same_place_pages", "max_heading_words", "borderless_min_rows",
                     "text_layer_min_words"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"PdfSettings.{name} must be an integer >= 1, got {v!r}")
        for f in fields(self):
            v = getattr(self, f.name)
            if f.type in ("float", float):
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0:
                    raise ValueError(f"PdfSettings.{f.name} must be a number > 0, got {v!r}")
        if self.small_paragraph_gap > self.paragraph_gap:
            raise ValueError("PdfSettings.small_paragraph_gap must not exceed paragraph_gap")
        if self.gutter_min <= self.word_gap:
            raise ValueError("PdfSettings.gutter_min must be larger than word_gap")
        if self.drawn_bullet_min >= self.drawn_bullet_max:
            raise ValueError("PdfSettings.drawn_bullet_min must be smaller than drawn_bullet_max")
        for name in ("borderless_tables", "use_tags", "ocr"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"PdfSettings.{name} must be True or False")
        if not self.ocr_low_confidence < 100.0:
            raise ValueError("PdfSettings.ocr_low_confidence must be below 100 (Tesseract's scale)")
        for name in ("tags_max_untagged", "tags_min_block_ratio", "text_layer_min_letters", "text_layer_min_common",
                     "text_layer_max_unmapped"):
            if not getattr(self, name) <= 1.0:
                raise ValueError(f"PdfSettings.{name} must be a share in (0, 1]")

    @classmethod
    def resolve(cls, settings: "PdfSettings | dict | None") -> "PdfSettings":
        """Accept None (defaults), a dict of overrides, or an instance."""
        if settings is None:
            return cls()
        if isinstance(settings, cls):
            return settings
        if isinstance(settings, dict):
            known = {f.name for f in fields(cls)}
            unknown = sorted(set(settings) - known)
            if unknown:
                raise ValueError(f"unknown PdfSettings: {', '.join(unknown)}")
            return cls(**settings)
        raise TypeError(f"PDF settings must be PdfSettings, dict or None, not {type(settings).__name__}")
