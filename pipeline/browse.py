"""``make serve`` / ``kompass serve``: the database in Datasette, read-only, on
this machine only, saying what it is.

The metadata is made here from the project's own descriptions, never written
by hand: titles and column descriptions from :mod:`pipeline.dictionary`, the
named queries of :mod:`pipeline.queries` as canned queries (the same SQL as
``kompass query``), facets for the columns a researcher filters by, and the
label columns that make foreign keys read as names (a finding shows its
report, its theme's label; a report its municipality). Full-text search comes
from the FTS5 indexes the store keeps on findings and sections. Datasette
takes it from the kompass plugin's ``get_metadata`` hook
(:mod:`pipeline.datasette_plugin`) for every kompass database it serves, so
``datasette findings.db`` shows the same as ``kompass serve``, and nothing is
written anywhere to serve.

Interfaces room.
"""

from __future__ import annotations

import os
import socket
import sys
from functools import lru_cache
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


def metadata_for(db_names: list[str]) -> dict:
    """Datasette metadata for the kompass databases served under ``db_names``
    (none: no metadata, so that a Datasette serving other files is left alone)."""
    if not db_names:
        return {}
    out = metadata(db_names[0])
    for name in db_names[1:]:
        out["databases"].update(metadata(name)["databases"])
    return out


@lru_cache(maxsize=64)
def is_kompass_database(path: str) -> bool:
    """Is the file at ``path`` a kompass database (read-only look, kept for the server's life)?"""
    from .store import DbError, open_db

    try:
        open_db(path, readonly=True).close()
        return True
    except (DbError, OSError):
        return False


def datasette_command(db_path: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> list[str]:
    """The datasette command line that serves ``db_path`` (its metadata comes from the kompass plugin)."""
    datasette = Path(sys.executable).with_name("datasette")
    return [str(datasette) if datasette.exists() else "datasette", "serve", str(db_path),
            "--host", host, "--port", str(port), "--setting", "default_page_size", "50"]


def port_taken(host: str, port: int) -> str | None:
    """Why Datasette could not listen on ``host``:``port`` (None: it can)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        try:
            s.bind((host, port))
        except OSError as exc:
            return f"cannot listen on {host}:{port} ({exc.strerror or exc}); is another server using it? try --port"
    return None


def serve(db_path: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Replace this process with Datasette serving the database (Ctrl-C stops it)."""
    cmd = datasette_command(db_path, host, port)
    os.execv(cmd[0], cmd)
