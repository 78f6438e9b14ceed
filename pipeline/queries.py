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


# -- follow-up ---------------------------------------------------------------------
def municipality_reports(db: sqlite_utils.Database, name_or_code: str) -> list[dict]:
    """A municipality's dated reports, by name (any case, å/ä/ö too: SQLite's
    lower() knows only ASCII) or kommunkod, oldest first."""
    q = name_or_code.strip().casefold()
    return [r for r in db.query(
        "select id, municipality, municipality_code, year, framework, total_score, max_score from reports "
        "where year is not null order by year, id")
        if r["municipality_code"] == q or (r["municipality"] or "").casefold() == q]


FOLLOW_UP = """
select s.id as recommendation_id, s.area, s.text as recommendation,
       l.kind as outcome, l.score, l.rank, l.evidence,
       t.id as target_id, t.area as target_area, t.kind as target_kind, t.text as target
from findings s
join links l on l.source_id = s.id and l.target_report_id = :later and l.kind != 'similar'
left join findings t on t.id = l.target_id
where s.report_id = :earlier and s.kind = 'improvement'
order by s.area, s.position, s.id, l.rank
"""


def follow_up(db: sqlite_utils.Database, earlier: str, later: str) -> list[dict]:
    """Every improvement recommendation of report ``earlier`` with what became of
    it in ``later``: outcome, score and the later finding(s), best first."""
    return list(db.query(FOLLOW_UP, {"earlier": earlier, "later": later}))


def domain_changes(db: sqlite_utils.Database, earlier: str, later: str) -> list[dict]:
    """Score per framework-independent domain in both reports, and the change."""
    rows = db.query(
        "select a.domain, r.id as report_id, r.framework, sum(a.score) as score, sum(a.max) as max "
        "from areas a join reports r on r.id = a.report_id where r.id in (?, ?) and a.domain is not null "
        "group by a.domain, r.id", [earlier, later])
    by: dict[str, dict] = {}
    for r in rows:
        d = by.setdefault(r["domain"], {"domain": r["domain"]})
        side = "earlier" if r["report_id"] == earlier else "later"
        d[f"{side}_score"], d[f"{side}_max"], d[f"{side}_framework"] = r["score"], r["max"], r["framework"]
    out = []
    for domain in sorted(by):
        d = by[domain]
        if d.get("earlier_score") is not None and d.get("later_score") is not None:
            d["change"] = d["later_score"] - d["earlier_score"]
        else:
            d["change"] = None
        out.append(d)
    return out


SIMILAR = """
select t.id, r.municipality, r.year, t.area, l.score, t.text,
       coalesce((select group_concat(fl.kind || ': ' || later.text, ' | ') from links fl
          join findings later on later.id = fl.target_id
          where fl.source_id = t.id and fl.kind in ('addressed', 'persisting') and fl.rank = 1),
        (select 'no_match' from links fl where fl.source_id = t.id and fl.kind = 'no_match' limit 1)) as became
from links l join findings t on t.id = l.target_id join reports r on r.id = t.report_id
where l.source_id = ? and l.kind = 'similar'
order by l.rank
"""


def similar(db: sqlite_utils.Database, finding_id: int) -> list[dict]:
    """A recommendation's nearest recommendations in other municipalities, and
    what became of each where that municipality was evaluated again."""
    return list(db.query(SIMILAR, [finding_id]))
