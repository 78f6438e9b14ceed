"""``make serve`` / ``kompass serve``: the database in Datasette, read-only, on
this machine only, saying what it is.

The metadata is made here from the project's own descriptions, never written
by hand: titles and column descriptions from :mod:`pipeline.dictionary`, the
named queries of :mod:`pipeline.queries` as canned queries (the same SQL as
``kompass query``), facets for the columns a researcher filters by, and the
label columns that make foreign keys read as names (a finding shows its
report, its theme's label; a report its municipality). Full-text search comes
from the FTS5 indexes the store keeps on findings and sections.

Interfaces room.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from .dictionary import FINDINGS_LONG, TABLES
from .queries import NAMED_QUERIES

#: Datasette listens here unless told otherwise: this machine only
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001

FACETS = {
    "findings_long": ["municipality", "county", "year", "framework", "area", "domain", "kind", "theme_label"],
    "findings": ["kind", "area", "theme_id", "doubt"],
    "reports": ["county", "year", "framework", "source_format"],
    "areas": ["domain", "number"],
    "links": ["kind"],
    "flags": ["severity", "code"],
    "sections": ["area"],
    "theme_prevalence": ["year", "framework", "domain", "kind"],
    "codebook_themes": ["codebook", "theme"],
    "follow_up_reviews": ["outcome"],
}
LABEL_COLUMNS = {"reports": "id", "themes": "label", "municipalities": "name"}
#: plain SQL for Datasette's canned-query form: a value left empty takes the
#: named query's default (Datasette offers no defaults of its own)
_HIDDEN = {"kompass_state", "finding_vectors"}  # blobs: read through kompass or SQL


def _canned_sql(query) -> str:
    sql = query.sql.strip()
    for p in query.parameters:
        if p.default not in (None, ""):
            sql = sql.replace(f":{p.name}", f"coalesce(nullif(:{p.name}, ''), {p.default})")
    return sql


def metadata(db_name: str) -> dict:
    """Datasette metadata for a kompass database served under ``db_name``."""
    tables: dict[str, dict] = {}
    for name, (description, columns) in TABLES.items():
        entry: dict = {"description": description, "columns": dict(columns)}
        if name in FACETS:
            entry["facets"] = FACETS[name]
        if name in LABEL_COLUMNS:
            entry["label_column"] = LABEL_COLUMNS[name]
        if name in _HIDDEN:
            entry["hidden"] = True
        tables[name] = entry
    tables["findings_long"] = {
        "description": "Every finding in one row with its report, municipality, county, year, framework, "
                       "area, domain and theme label, in report order: search it, facet by any of them.",
        "columns": dict(FINDINGS_LONG), "facets": FACETS["findings_long"],
        # the findings' own index: the view's finding_id is the findings' rowid
        "fts_table": "findings_fts", "fts_pk": "finding_id"}
    tables["themes"]["sort_desc"] = "size"  # the largest themes first
    tables["theme_prevalence"] = {
        "description": "Each theme's findings, reports and municipalities by year, framework revision, "
                       "domain and kind.", "facets": FACETS["theme_prevalence"]}
    tables["follow_up_outcomes"] = {
        "description": "One row per recommendation and later evaluation: the computed outcome, the "
                       "researcher's verdict where there is one, the outcome to use and its method "
                       "(computed or reviewed).", "facets": ["outcome", "method"]}
    queries = {q.name: {"title": q.title, "description": q.description
                        + "".join(f" {p.name}: {p.help}." for p in q.parameters),
                        "sql": _canned_sql(q)} for q in NAMED_QUERIES}
    description = ("Scores, strengths and improvement recommendations of SKR's Kommunkompassen evaluation "
                   "reports, read by kompass, with themes and follow-up links. Search the findings (table "
                   "findings) or the narrative (sections): a word ending in * finds its inflections, "
                   "medborgardialog* finds medborgardialogen. findings_long has every finding with its "
                   "report, area, domain and theme, to facet by.")
    source = "Kommunkompassen evaluation reports (SKR), read by kompass"
    return {
        "title": "Kommunkompassen findings",
        "description": description,
        "source": source,
        # said again on the database's own page, where a researcher lands from a link
        "databases": {db_name: {"description": description, "source": source, "tables": tables,
                                "queries": queries}},
    }


def datasette_command(db_path: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                      metadata_path: Path | None = None) -> list[str]:
    """The datasette command line that serves ``db_path`` with its metadata."""
    datasette = Path(sys.executable).with_name("datasette")
    cmd = [str(datasette) if datasette.exists() else "datasette", "serve", str(db_path),
           "--host", host, "--port", str(port), "--setting", "default_page_size", "50"]
    if metadata_path is not None:
        cmd += ["--metadata", str(metadata_path)]
    return cmd


def write_metadata(db_path: Path) -> Path:
    """The metadata as a JSON file in a temporary folder (Datasette reads it at start)."""
    folder = Path(tempfile.mkdtemp(prefix="kompass-serve-"))
    path = folder / "metadata.json"
    path.write_text(json.dumps(metadata(Path(db_path).stem), ensure_ascii=False, indent=1), "utf-8")
    return path


def serve(db_path: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Replace this process with Datasette serving the database (Ctrl-C stops it)."""
    cmd = datasette_command(db_path, host, port, write_metadata(db_path))
    os.execv(cmd[0], cmd)
