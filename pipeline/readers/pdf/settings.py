"""Tolerances of the PDF reader: validated, frozen settings objects, one for
the layout (:class:`PdfSettings`) and one for recognising scans
(:class:`OcrSettings`, carried as ``PdfSettings.recognition``).

Every number the layout and OCR stages compare against lives here with its
reason; OCR lengths are in points unless the name says pixels, so they hold
at any resolution.
Sizes marked "× size" scale with the font size of the text at hand, so the
same settings serve a 9 pt table and 12 pt body text.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass(frozen=True)
class OcrSettings:
    # -- Tesseract ------------------------------------------------------------------
    #: Tesseract's language: its Swedish model
    language: str = "swe"
    #: seconds one page may take (a page is recognised in a few seconds)
    page_time_limit: float = 120.0
    #: seconds of extra reading time a file is granted per page to recognise:
    #: a page takes 3-5 s of a core here; the margin covers a busy machine
    seconds_per_page_allowed: float = 30.0
    #: pages recognised in one file at most (a report has 20-60): the rest of a
    #: longer scan is not read, and said, so that no file holds a reader for hours
    max_pages: int = 200
    #: a line's x-height over its x_size, for a line without an x-height to see:
    #: fewer than ``x_height_min_letters`` lower-case letters (numbers,
    #: capitals), or no ascenders given
    x_height_share: float = 0.81
    x_height_min_letters: int = 3

    # -- orientation and angle --------------------------------------------------------
    #: a page read with a mean word confidence below this (or with no word) may
    #: have been fed sideways or upside down: its orientation is checked ...
    orientation_check_confidence: float = 70.0
    #: ... and it is turned when Tesseract's orientation detection is at least
    #: this confident (its scale; upright and turned pages of our scans give
    #: 10-20, a page without enough text below 2)
    orientation_min_confidence: float = 2.0
    #: a page image whose text lies at this angle (degrees) or more is turned
    #: straight before recognition; below it the words are turned back from
    #: their baselines instead: resampling the image blurs its small digits and
    #: below a degree rules and rows are still found straight. Tried at 0.2 on
    #: the scan corpus: its test half gained a little (areas 0.90 -> 0.96,
    #: sub-questions 0.64 -> 0.66), but the reportlab scan at 0.8 degrees lost
    #: 16 of its 45 sub-questions and the development half 0.06 of them
    image_deskew_min_degrees: float = 1.0
    #: how far the search for a page's angle goes (degrees): a sheet laid on
    #: the glass by hand, or fed crooked, is off by a few degrees at most ...
    skew_search_degrees: float = 6.0
    #: ... in steps of this much, then of this much around the best
    skew_coarse_step: float = 0.25
    skew_fine_step: float = 0.05
    #: the angle is sought on the image reduced this many times (300 dpi to
    #: 75: text lines stay apart, and each trial turn is quick)
    skew_reduce: int = 4
    #: baselines sloping less than this (degrees) are left as they are: a
    #: line's words stay on it, and turning would only move them by rounding
    min_skew_degrees: float = 0.05
    #: lines shorter than this share of the page width say little about the angle
    skew_line_share: float = 0.3

    # -- the image ------------------------------------------------------------------
    #: resolution scanned pages are rendered at for recognition (Tesseract
    #: reads 10-12 pt text best at about 300 dpi)
    dpi: int = 300
    #: a pixel darker than this (0 black - 255 white) is ink
    ink_level: int = 128
    #: a rule is looked for in pixels darker than the level that best divides
    #: the page's pixels in two (Otsu's), when that is lighter than ink_level:
    #: a hairline scanned at 150 dpi, blurred or resampled, is grey (110-135 on
    #: paper of 238, the page dividing at 171) and falls apart into pieces at
    #: ink_level, and the cells it bounds run together. At most this level,
    #: so that a page of little ink does not take its paper's grain for ink
    rule_ink_max_level: int = 192
    #: a rule has paper on both sides: the band of this many points along each
    #: side holds at most this share of ink. At the lighter level the serifs
    #: of a bold line of capitals join into a run as long as a rule, with the
    #: letters' stems above it (on the development scans: 0.51-0.84 of the
    #: band; rules at most 0.18, a table's text keeping its cell's padding)
    rule_side_points: float = 1.0
    rule_side_max_ink: float = 0.35
    #: ink running straight at least this long (points) is a rule: a table's
    #: border or a cell's side (the shortest cell side in reports is over 15 pt)
    rule_min_points: float = 12.0
    #: a vertical run is a rule by its length alone when it is this many times
    #: ``rule_min_points`` (longer than any letter); shorter ones must end on a
    #: horizontal rule
    vertical_rule_alone: float = 2.5
    #: a rule is at most this thick (points); thicker ink is a picture
    rule_max_points: float = 3.0
    #: a solid blob of ink this size (points) may be a bullet; the layout
    #: decides from its size against the text beside it (``drawn_bullet_*``),
    #: as for a bullet a PDF draws as a shape ...
    bullet_min_points: float = 1.8
    bullet_max_points: float = 9.0
    #: ... solid: at least this share of its box is ink (an "o" or a "c" is not)
    bullet_fill: float = 0.6
    #: a scanner's lid or a copier leaves a dark border along the sheet's
    #: edges; the ink touching the image's edge is whited out within this many
    #: points of it (a lid border is 3-20 pt wide; a page's text keeps a margin
    #: of 40 pt or more, and ink further in that touches the border is left)
    border_max_points: float = 30.0

    # -- words ------------------------------------------------------------------------
    #: a line's x-height over its font size (11 pt sans serif: 35 px at 300 dpi)
    x_height_per_point: float = 0.76
    #: a table cell's line whose size is read within this share of the cells'
    #: usual size has the usual size (see snap_cell_sizes)
    size_snap_share: float = 0.3
    #: how far (share of the size) a line's size read from its x-height may be
    #: off: a pixel or two of a 30-pixel x-height (see snap_to_body_size) ...
    body_size_precision: float = 0.09
    #: ... a line of fewer letters than this this many times less precisely ...
    short_line_letters: int = 8
    short_line_size_factor: float = 2.0
    #: a line whose x-height band in the image (see x_band) is within this
    #: share of the page's usual band is body text whatever size Tesseract
    #: gives it (within two_row_size_precision): body lines' bands on the
    #: development scans 20-22 pixels at 300 dpi, a heading's 20 % more ...
    x_band_precision: float = 0.1
    #: ... measured on a page of this many words or more
    band_min_words: int = 20
    #: ... and one measured over two rows at different heights (a line run
    #: across a table's columns, on a page slightly askew) to this share: its
    #: x_size spans both rows; 18-20 % too large on the development scans
    two_row_size_precision: float = 0.25
    #: a page of fewer words (a cover's title in a large face, which Tesseract
    #: reads with middling confidence) is not called doubtful as a whole: its
    #: paragraphs and findings still are, each on its own words
    page_confidence_min_words: int = 20
    #: a recognised line is cut where its words leave a gap this many times its
    #: x_size (ascender to descender) wide: a column gutter, wider than any
    #: word space of justified text ...
    line_gap_x_sizes: float = 1.5
    #: ... and a part sitting this share of the x_size above or below the rest
    #: is put on its own baseline (see parts_at_their_own_height)
    line_part_shift: float = 0.2
    #: a word whose box in the image it was read from is less than this share
    #: ink read nothing: Tesseract's page segmentation sometimes puts a low-
    #: confidence glyph ("=") in the whitespace of a column gutter, which joins
    #: the columns. The faintest word seen on a scan is above 0.1 (a thin "-6-")
    word_min_ink_share: float = 0.02
    #: a word whose strokes are this many times as wide as the page's usual
    #: stroke is bold: on the development scans (150-300 dpi, grey, colour,
    #: 1-bit) bold words measured 1.40-2.0 times the usual, regular ones at
    #: most 1.11
    bold_stroke_ratio: float = 1.25
    #: a word of fewer letters or digits is not measured (see with_weights) ...
    weight_min_chars: int = 3
    #: ... nor a page of fewer measured words: the usual stroke needs a few
    weight_min_words: int = 20

    # -- numbers read again ---------------------------------------------------------------
    #: a table cell (a space the rules enclose) holding ink but no recognised
    #: word is read again on its own: Tesseract's page segmentation skips a
    #: lone short number in a narrow cell ("5.1", "9"), the very cells that
    #: carry scores
    cell_min_ink_pixels: int = 30
    #: ... cells are at most this tall (points), and at least this tall and
    #: wide; a larger enclosed space is a frame
    cell_max_points: float = 150.0
    cell_min_points: float = 5.0
    #: a cell's short reading, whatever it is ("ih" for 7), and a short word
    #: outside the cells holding digits or only letters that digits are
    #: misread as ("TT" for 11, "To" for 1.1, "Zz" for 7), may be a number:
    #: read again
    number_max_chars: int = 6
    #: a short word with this many numbers above or below it, in its width and
    #: within this many of its heights, stands in a column of numbers and is
    #: read again whatever its letters
    number_column_min: int = 2
    number_column_lines: float = 4.0
    #: a number read again is cropped to its ink with this margin (points):
    #: read in its whole cell or at a crop's edge, a lone digit comes out wrong
    #: ("38" for 8, "3" for 7), cropped close with a margin it reads as printed
    number_margin_points: float = 3.0
    #: ink no word covers is looked for beyond each word's box plus this margin
    #: (points), its letters joined across gaps up to this wide (points) ...
    unread_pad_points: float = 1.0
    unread_join_points: float = 2.0
    #: ... in blobs as tall as a digit or a word (points; smaller is a speck or
    #: a full stop, larger a picture) and no wider than a short number's column
    unread_min_points: float = 4.0
    unread_max_points: float = 20.0
    unread_max_width_points: float = 60.0
    #: white space (pixels) between crops laid one under another on a sheet
    sheet_gap: int = 30
    #: ink no word covers that both models read as the same word of at least
    #: this many letters (the English one has no "å", "ä", "ö": it reads them
    #: unaccented) is that word: a column header page segmentation passed over
    #: ("Uppnått" over a score column)
    unread_word_min_letters: int = 3

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if f.type in ("str", str):
                if not isinstance(v, str) or not v:
                    raise ValueError(f"OcrSettings.{f.name} must be a non-empty string, got {v!r}")
            elif f.type in ("int", int):
                if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                    raise ValueError(f"OcrSettings.{f.name} must be an integer >= 1, got {v!r}")
            elif isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0:
                raise ValueError(f"OcrSettings.{f.name} must be a number > 0, got {v!r}")
        for name in ("ink_level", "rule_ink_max_level"):
            if not getattr(self, name) <= 255:
                raise ValueError(f"OcrSettings.{name} must be a grey level in 1..255")
        if self.rule_ink_max_level < self.ink_level:
            raise ValueError("OcrSettings.rule_ink_max_level must not be below ink_level")
        for name in ("x_height_share", "rule_side_max_ink", "bullet_fill", "skew_line_share", "word_min_ink_share",
                     "size_snap_share", "body_size_precision", "x_band_precision", "two_row_size_precision"):
            if not getattr(self, name) <= 1.0:
                raise ValueError(f"OcrSettings.{name} must be a share in (0, 1]")
        for name in ("orientation_check_confidence", "orientation_min_confidence"):
            if not getattr(self, name) < 100.0:
                raise ValueError(f"OcrSettings.{name} must be below 100 (Tesseract's scale)")
        if self.bullet_min_points >= self.bullet_max_points:
            raise ValueError("OcrSettings.bullet_min_points must be smaller than bullet_max_points")
        if self.cell_min_points >= self.cell_max_points:
            raise ValueError("OcrSettings.cell_min_points must be smaller than cell_max_points")
        if self.unread_min_points >= self.unread_max_points:
            raise ValueError("OcrSettings.unread_min_points must be smaller than unread_max_points")
        if self.skew_fine_step > self.skew_coarse_step:
            raise ValueError("OcrSettings.skew_fine_step must not exceed skew_coarse_step")

    @classmethod
    def resolve(cls, settings: "OcrSettings | dict | None") -> "OcrSettings":
        """Accept None (defaults), a dict of overrides, or an instance."""
        return _resolved(cls, settings)


#: the OCR settings a stage uses when its caller gives none
OCR_DEFAULTS = OcrSettings()


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

    #: a paragraph with a line whose widest gap between words is at least this
    #: × size and this many times the line's usual gap may join two columns'
    #: lines (doubt ``may_cross_columns``): justification stretches a line's
    #: gaps alike. On 200 born-digital bench-corpus PDFs no finding reaches
    #: both; the lines that do are headings with a number set off by a tab, a
    #: score table's header row read as a line, and two rows of a findings
    #: table that its tags then read apart
    column_gap_min: float = 1.5
    column_gap_ratio: float = 4.0

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
    #: ... and at least this × the median space between the line's other words
    #: (a justified line's spaces all stretch, to 0.8 × size on a short line)
    gutter_over_spaces: float = 1.5
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
    #: ... with these tolerances
    recognition: OcrSettings = field(default_factory=OcrSettings)
    #: ... a text-less page being a scan when its largest image covers at least
    #: this share of it (a photo on a cover or a divider page covers less)
    scan_image_share: float = 0.5
    #: a paragraph read by OCR whose words' mean confidence is below this is
    #: marked as doubtful, and so is a page of ``recognition.page_confidence_min_words``
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
    #: ... or more than this share of its words hold such a glyph among Latin
    #: letters (a map that lost some letters: Ghostscript's rewrite of a
    #: ReportLab PDF, 0.2 of a page's words; 3,265 born-digital pages of the
    #: bench corpus: none)
    text_layer_max_broken_words: float = 0.02
    #: an untrusted layer is decoded by what OCR read at the same places
    #: (:mod:`.decoding`): a glyph of a font is read as the letter at least
    #: this many OCR readings of it agree on ...
    decode_min_votes: int = 3
    #: ... that are at least this share of its readings (OCR misreads a letter
    #: now and then; a font never changes its map)
    decode_min_share: float = 0.6
    #: a decoded page is read from its layer unless more than this share of
    #: its words had a glyph no vote decided (then OCR's page is read instead)
    decode_max_undecided: float = 0.1

    # -- bounds: what no report has (a crafted or damaged file) ------------------------
    #: pages a PDF may have (a report has 20-60; a file over this is refused)
    max_pages: int = 1000
    #: characters one page may hold (a page of 8 pt text holds about 6,000): a
    #: page over this is not read, and said
    max_chars_per_page: int = 50_000
    #: a page's area in square points (A0 is 8.0 million): a larger one is not
    #: read (rendered for OCR it would take gigabytes), and said
    max_page_area: float = 16_000_000.0
    #: bytes a page's content streams may inflate to (a report's page: under a
    #: megabyte; a dense chart some tens): a PDF with a page over this is refused
    max_content_bytes: int = 256 * 2 ** 20
    #: drawing objects one page may hold (a report's page has hundreds) ...
    max_objects_per_page: int = 100_000
    #: ... and pixels its largest image may have (an A3 sheet scanned at 600 dpi
    #: has 70 million): a page over either is not read, and said
    max_image_pixels: int = 200_000_000
    #: a bitmap (Type 3) font's size is its cap height over this (Helvetica
    #: 0.72, Times 0.66, DejaVu 0.73): within about 5 % of the font's size,
    #: the same for every word of one font, which the layout's rules bear ...
    type3_cap_height: float = 0.7
    #: ... its cap height its x-height over this where no font of the
    #: document has both (x-heights vary more: 0.45 to 0.55 of the size)
    type3_x_per_cap: float = 0.72

    def __post_init__(self) -> None:
        for name in ("header_band", "footer_band"):
            v = getattr(self, name)
            if not 0.0 <= v < 0.5:
                raise ValueError(f"PdfSettings.{name} must be in [0, 0.5), got {v!r}")
        if not 0.0 < self.repeat_fraction <= 1.0:
            raise ValueError(f"PdfSettings.repeat_fraction must be in (0, 1], got {self.repeat_fraction!r}")
        for name in ("repeat_min_pages", "repeat_same_place_pages", "max_heading_words", "borderless_min_rows",
                     "text_layer_min_words", "decode_min_votes", "max_pages", "max_chars_per_page",
                     "max_objects_per_page", "max_image_pixels", "max_content_bytes"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"PdfSettings.{name} must be an integer >= 1, got {v!r}")
        for f in fields(self):
            v = getattr(self, f.name)
            if f.type in ("float", float):
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0:
                    raise ValueError(f"PdfSettings.{f.name} must be a number > 0, got {v!r}")
        if not isinstance(self.recognition, OcrSettings):
            raise ValueError("PdfSettings.recognition must be OcrSettings")
        if self.small_paragraph_gap > self.paragraph_gap:
            raise ValueError("PdfSettings.small_paragraph_gap must not exceed paragraph_gap")
        if self.gutter_min <= self.word_gap:
            raise ValueError("PdfSettings.gutter_min must be larger than word_gap")
        if self.drawn_bullet_min >= self.drawn_bullet_max:
            raise ValueError("PdfSettings.drawn_bullet_min must be smaller than drawn_bullet_max")
        for f in fields(self):
            if f.type in (bool, "bool") and not isinstance(getattr(self, f.name), bool):
                raise ValueError(f"PdfSettings.{f.name} must be True or False")
        if not self.ocr_low_confidence < 100.0:
            raise ValueError("PdfSettings.ocr_low_confidence must be below 100 (Tesseract's scale)")
        for name in ("tags_max_untagged", "tags_min_block_ratio", "text_layer_min_letters", "text_layer_min_common",
                     "text_layer_max_unmapped", "text_layer_max_broken_words", "decode_min_share", "decode_max_undecided",
                     "type3_cap_height", "type3_x_per_cap"):
            if not getattr(self, name) <= 1.0:
                raise ValueError(f"PdfSettings.{name} must be a share in (0, 1]")

    @classmethod
    def resolve(cls, settings: "PdfSettings | dict | None") -> "PdfSettings":
        """Accept None (defaults), a dict of overrides (``recognition`` a dict
        of OcrSettings' overrides or an instance), or an instance."""
        if isinstance(settings, dict) and "recognition" in settings:
            settings = {**settings, "recognition": OcrSettings.resolve(settings["recognition"])}
        return _resolved(cls, settings)


def _resolved(cls, settings):
    """``cls``'s defaults for None, the instance itself, or one from a dict of
    overrides whose names ``cls`` has."""
    if settings is None:
        return cls()
    if isinstance(settings, cls):
        return settings
    if isinstance(settings, dict):
        unknown = sorted(set(settings) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"unknown {cls.__name__}: {', '.join(unknown)}")
        return cls(**settings)
    raise TypeError(f"settings must be {cls.__name__}, dict or None, not {type(settings).__name__}")
