"""``kompass export DIR``: the database as files for R, Stata, pandas or Excel.

* one CSV per table (UTF-8, a header row, comma-separated, NULL as an empty
  field; integers written as integers, never ``45.0``);
* ``findings_long.csv``: every finding in one tidy row with its report,
  municipality, county, year, framework, area, domain and theme label;
* ``DATA_DICTIONARY.md``: every file and column, its type and meaning;
* ``datapackage.json``: the same as a Frictionless Data package (field types),
  which R's ``frictionless``, Python's ``frictionless`` and others read with
  the right types: an integer column with gaps stays integer.

Interfaces room. Each file is written beside its final name and renamed into
place (:mod:`pipeline.files`), so an interrupted export never leaves half a
file under the real name, and a link planted beside it is never written
through. A text cell a spreadsheet would run as a formula (starting with =,
+, -, @) is written with a ``'`` before it (:func:`spreadsheet_safe`).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import sqlite_utils

from . import __version__
from .dictionary import FINDINGS_LONG, TABLES
from .files import replaced, write_text
from .flags import markdown as flag_table
from .store import FINDINGS_LONG_SELECT

#: tables exported, in this order (kompass_state is bookkeeping, the FTS
#: tables are indexes, finding_vectors are blobs that only kompass reads)
EXPORTED = ("reports", "areas", "questions", "findings", "sections", "flags", "themes", "links",
            "follow_up_reviews", "codebooks", "codebook_themes", "municipalities", "sources")

_TYPES = {"INTEGER": "integer", "REAL": "number", "TEXT": "string"}


def _order(db: sqlite_utils.Database, table: str) -> str:
    pks = db[table].pks
    return ", ".join(f"[{c}]" for c in (pks if pks != ["rowid"] else list(db[table].columns_dict)))


#: a text cell starting with one of these is a formula to a spreadsheet
#: (=, +, -, @; a tab or carriage return before them): written with a "'"
#: before it, which Excel and LibreOffice show as text and do not run
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A CSV cell a spreadsheet opens as text, never as a formula (OWASP's
    rule); numbers are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _write_csv(path: Path, columns: list[str], rows) -> int:
    n = 0
    with replaced(path, newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if v is None else spreadsheet_safe(v) for v in row])
            n += 1
    return n


def _write_text(path: Path, text: str) -> None:
    write_text(path, text)


def export(db: sqlite_utils.Database, out: str | Path) -> list[tuple[str, int]]:
    """Write the export into folder ``out`` (created if missing; files of an
    earlier export are replaced). Returns (file, rows) for each CSV."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[tuple[str, int]] = []
    resources = []
    for table in EXPORTED:
        if not db[table].exists():
            continue
        types = {c.name: _TYPES.get(c.type.upper(), "string") for c in db[table].columns}
        columns = list(types)
        cursor = db.execute(f"select {', '.join(f'[{c}]' for c in columns)} from [{table}] order by {_order(db, table)}")
        n = _write_csv(out / f"{table}.csv", columns, cursor)
        written.append((f"{table}.csv", n))
        resources.append(_resource(table, TABLES[table][0], columns, types, TABLES[table][1],
                                   db[table].pks, db[table].foreign_keys))
    # the tidy file: what the view findings_long shows (the query itself, so that
    # a database made before the view exports too), typed after its sources
    long_types = _long_types(db)
    cols = list(FINDINGS_LONG)
    n = _write_csv(out / "findings_long.csv", cols,
                   db.execute(f"select {', '.join(cols)} from ({FINDINGS_LONG_SELECT}) order by report_id, area, "
                              "kind, position, finding_id"))
    written.append(("findings_long.csv", n))
    resources.append(_resource("findings_long", "Every finding in one tidy row: report, municipality, county, "
                               "year, framework, area, domain and theme label joined in.", cols, long_types,
                               FINDINGS_LONG, [], []))
    package = {"name": "kompass-export", "title": "Kommunkompassen evaluations read by kompass",
               "description": "Scores, strengths and improvement recommendations of SKR's Kommunkompassen "
                              "evaluation reports, with themes and follow-up links.",
               "created_by": f"kompass {__version__}", "resources": resources}
    _write_text(out / "datapackage.json", json.dumps(package, ensure_ascii=False, indent=1) + "\n")
    _write_text(out / "DATA_DICTIONARY.md", _dictionary(resources, dict(written)))
    return written


def _long_types(db: sqlite_utils.Database) -> dict[str, str]:
    source = {"finding_id": ("findings", "id"), "theme_label": ("themes", "label"), "area_title": ("areas", "title")}
    types = {}
    for col in FINDINGS_LONG:
        table, column = source.get(col, (None, col))
        tables = [table] if table else ["findings", "reports", "areas"]
        for t in tables:
            cd = {c.name: c.type for c in db[t].columns}
            if column in cd:
                types[col] = _TYPES.get(cd[column].upper(), "string")
                break
        else:
            types[col] = "string"
    return types


def _resource(name, description, columns, types, docs, pks, fks) -> dict:
    schema = {"fields": [{"name": c, "type": types[c], "description": docs.get(c, "")} for c in columns]}
    if pks and pks != ["rowid"]:
        schema["primaryKey"] = list(pks)
    if fks:
        schema["foreignKeys"] = [{"fields": fk.column, "reference": {"resource": fk.other_table,
                                                                    "fields": fk.other_column}}
                                 for fk in sorted(fks, key=lambda f: f.column)]
    return {"name": name, "path": f"{name}.csv", "description": description, "format": "csv",
            "encoding": "utf-8", "schema": schema}


def _dictionary(resources: list[dict], rows: dict[str, int]) -> str:
    lines = ["# Data dictionary", "",
             "Files written by `kompass export`. Every file is UTF-8 CSV with a header row; an empty field is NULL. "
             "`datapackage.json` says the same for tools (Frictionless Data).", "",
             "Integer columns hold integers. Ids are below 2^53, so a tool that reads them as floating point "
             "(JavaScript, R's doubles, pandas for a column with NULLs such as `links.target_id`) still keeps "
             "every id exactly. pandas reads a column with NULLs as float unless told: "
             "`pd.read_csv(\"findings.csv\", dtype={\"theme_id\": \"Int64\"})`; "
             "R's `readr::read_csv` and Stata's `import delimited` keep it integer.", "",
             "A text cell that a spreadsheet would run as a formula (one starting with `=`, `+`, `-` or `@`, "
             "or a tab or carriage return) is written with a `'` before it, as OWASP advises for CSV: Excel "
             "and LibreOffice then show it as text. Strip that first `'` from such a cell to get the text as "
             "stored; numbers are written as they are.", ""]
    for r in resources:
        lines += [f"## {r['path']}", "", f"{r['description']} {rows.get(r['path'], 0)} rows.", ""]
        keys = r["schema"].get("primaryKey")
        if keys:
            lines += [f"Key: {', '.join(f'`{k}`' for k in keys)}.", ""]
        lines += ["| column | type | meaning |", "|---|---|---|"]
        for f in r["schema"]["fields"]:
            lines.append(f"| `{f['name']}` | {f['type']} | {f['description'].replace('|', '/')} |")
        lines.append("")
    lines += ["## Flag codes", "", "`flags.code`: what each means, and the severities it is raised at.", "",
              flag_table(), ""]
    return "\n".join(lines)
