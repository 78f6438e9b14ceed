"""A Python API for notebooks: a kompass database, read-only, as tables.

    import pipeline as kompass
    k = kompass.connect("findings.db")
    k.reports()
    k.findings(municipality="Torsås", year=2021, kind="improvement")
    k.follow_up("Torsås")
    k.themes()

Every method returns a pandas DataFrame when pandas is installed (``pip
install -e '.[pandas]'``), with the types a researcher expects (a kommunkod
is text, a column of whole numbers with gaps stays whole numbers), and a
list of dicts otherwise. The same SQL as ``kompass query`` answers, on a
connection that cannot write.

Interfaces room.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import queries
from .store import open_db


def connect(path: str | Path = "findings.db") -> "Kompass":
    """The kompass database at ``path``, read-only."""
    return Kompass(path)


def _table(rows: list[dict], columns: list[str] | None = None) -> Any:
    """``rows`` as a DataFrame when pandas is there, else as they are."""
    try:
        import pandas as pd
    except ImportError:
        return rows
    frame = pd.DataFrame.from_records(rows, columns=columns if not rows else None)
    for name in frame.columns:
        values = frame[name].dropna()
        # whole numbers with gaps: pandas would make them floats
        if len(values) and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            frame[name] = frame[name].astype("Int64")
    return frame


class Kompass:
    """A kompass database opened read-only (see the module's docstring)."""

    def __init__(self, path: str | Path = "findings.db"):
        self.path = Path(path)
        self.db = open_db(self.path, readonly=True)
        self.db.execute("pragma query_only = 1")
        queries.sql_functions(self.db.conn)
        queries.read_only(self.db.conn, seconds=float("inf"))  # no ATTACH, extension or pragma that writes

    def __enter__(self) -> "Kompass":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def sql(self, sql: str, params: dict | list | None = None) -> Any:
        """Your own SQL (read-only; kompass_fold and kompass_search available)."""
        cursor = self.db.execute(sql, params or [])
        columns = [d[0] for d in cursor.description or []]
        return _table([dict(zip(columns, r)) for r in cursor.fetchall()], columns)

    def reports(self) -> Any:
        """One row per report, by id (kommunkod-year)."""
        return self.sql("select * from reports order by id")

    def findings(self, municipality: str | None = None, year: int | None = None, kind: str | None = None,
                 area: int | None = None, theme: int | None = None) -> Any:
        """Findings in the tidy form of ``findings_long`` (report, municipality,
        county, year, framework, area, domain, kind, text, theme), in report
        order; each argument narrows them. ``municipality``: a name in any
        case or a kommunkod; ``kind``: "strength" or "improvement"."""
        where, params = [], {}
        if municipality is not None:
            found = queries.municipality_reports(self.db, municipality)
            if not found:
                raise ValueError(queries.no_such_municipality(self.db, municipality))
            where.append("municipality_code = :code")
            params["code"] = found[0]["municipality_code"]
        if kind is not None:
            if kind not in ("strength", "improvement"):
                raise ValueError(f"kind must be 'strength' or 'improvement', not {kind!r}")
            where.append("kind = :kind")
            params["kind"] = kind
        for name, value in (("year", year), ("area", area), ("theme_id", theme)):
            if value is not None:
                where.append(f"{name} = :{name}")
                params[name] = int(value)
        sql = "select * from findings_long" + (" where " + " and ".join(where) if where else "")
        return self.sql(sql, params)

    def follow_up(self, municipality: str, year_from: int | None = None, year_to: int | None = None) -> Any:
        """What became of the municipality's recommendations at its later
        evaluations: the named query ``follow-up`` (one row per link)."""
        found = queries.municipality_reports(self.db, municipality)
        if not found:
            raise ValueError(queries.no_such_municipality(self.db, municipality))
        if not self.db["links"].exists() or self.db["links"].count == 0:
            raise ValueError(f"{self.path}: no follow-up links yet; kompass ingest computes them "
                             "(not with --no-themes)")
        named = queries.named_query("follow-up")
        values = {"municipality": found[0]["municipality_code"],
                  "year_from": "" if year_from is None else str(year_from),
                  "year_to": "" if year_to is None else str(year_to)}
        rows = queries.run_named(self.db, named, values)
        return _table(rows, None)

    def themes(self) -> Any:
        """One row per theme: size, shares of strengths and improvements,
        municipalities and years it spans, label, terms, representative."""
        return _table(queries.theme_overview(self.db)) if self.db["themes"].exists() else _table([])
