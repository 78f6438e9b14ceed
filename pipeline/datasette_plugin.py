"""Datasette plugin (registered in pyproject.toml's ``datasette`` entry
points): every connection Datasette opens gets kompass's SQL functions
(:func:`pipeline.queries.sql_functions`), so the canned queries of ``make
serve`` answer as ``kompass query`` does: a name in any case, å/ä/ö
included, and a search that finds Swedish inflections; and every kompass
database it serves gets its metadata (:func:`pipeline.browse.metadata`:
descriptions, facets, canned queries), whoever started Datasette.

Interfaces room.
"""

from __future__ import annotations

from datasette import hookimpl

from .browse import is_kompass_database, metadata_for
from .queries import fts_expression, sql_functions


@hookimpl
def prepare_connection(conn) -> None:
    sql_functions(conn)


@hookimpl
def startup(datasette) -> None:
    # the Swedish word forms load once, here (1-2 s), not inside a search
    # that Datasette's time limit for a query would cut short
    fts_expression("medborgardialogen")


@hookimpl
def get_metadata(datasette, key, database, table) -> dict:
    return metadata_for([name for name, db in datasette.databases.items()
                         if db.path and is_kompass_database(str(db.path))])
