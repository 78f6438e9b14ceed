"""Named queries over a kompass database (interfaces room): plain dicts out."""

from __future__ import annotations

import json

import sqlite_utils

THEME_OVERVIEW = """
select t.id, t.size,
       round(100.0 * sum(f.kind = 'strength') / count(f.id), 1) as strength_pct,
       round(100.0 * sum(f.kind = 'improvement') / count(f.id), 1) as improvement_pct,
       count(distinct r.municipality_code) as municipalities,
       count(distinct r.year) as years,
       t.label, t.terms,
       t.representative_finding_id,
       (select text from findings where id = t.representative_finding_id) as representative
from themes t
join findings f on f.theme_id = t.id
join reports r on r.id = f.report_id
group by t.id
order by t.size desc, t.id
"""

THEME_FINDINGS = """
select f.id, r.municipality, r.year, f.area, f.kind, round(f.theme_score, 3) as score, f.text
from findings f join reports r on r.id = f.report_id
where {where}
order by f.theme_score desc, f.id
"""


def theme_overview(db: sqlite_utils.Database) -> list[dict]:
    """One row per theme: size, share of strengths and improvements (per cent),
    how many municipalities and years it spans, label, terms, representative."""
    rows = list(db.query(THEME_OVERVIEW))
    for row in rows:
        row["terms"] = json.loads(row["terms"])
    return rows


def theme_findings(db: sqlite_utils.Database, theme_id: int | None) -> list[dict]:
    """The findings of one theme, closest to its centre first; None: the outliers."""
    if theme_id is None:
        return list(db.query(THEME_FINDINGS.format(
            where="f.theme_id is null and f.theme_score is not null")))
    return list(db.query(THEME_FINDINGS.format(where="f.theme_id = ?"), [theme_id]))
