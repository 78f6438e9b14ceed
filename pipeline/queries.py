"""Named queries over a kompass database (interfaces room): plain dicts out."""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass

import sqlite_utils

THEME_OVERVIEW = """
select t.id, t.size,
       round(100.0 * sum(f.kind = 'strength') / count(f.id), 1) as strength_pct,
       round(100.0 * sum(f.kind = 'improvement') / count(f.id), 1) as improvement_pct,
       count(distinct r.municipality_code) as municipalities,
       count(distinct r.year) as years,
       t.label, {label_source} as label_source, t.terms,
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
    how many municipalities and years it spans, label and whether a researcher
    gave it (label_source computed or curated), terms, representative."""
    # a database made before curation, listed read-only, has no label_source yet
    source = "t.label_source" if "label_source" in db["themes"].columns_dict else "'computed'"
    rows = list(db.query(THEME_OVERVIEW.format(label_source=source)))
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
    lower() knows only ASCII) or kommunkod (its leading zero may be lost, as
    a spreadsheet loses it: 834 is 0834), oldest first."""
    q = _code_or_name(name_or_code)
    return [r for r in db.query(
        "select id, municipality, municipality_code, year, framework, total_score, max_score from reports "
        "where year is not null order by year, id")
        if r["municipality_code"] == q or (r["municipality"] or "").casefold() == q]


def _code_or_name(text: str) -> str:
    q = text.strip().casefold()
    return q.zfill(4) if q.isdigit() and len(q) < 4 else q


def _folded(text: str) -> str:
    """``text`` in any case and without accents: "Torsas" is "Torsås" typed
    without å."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def no_such_municipality(db: sqlite_utils.Database, name_or_code: str, where: str = "the database") -> str:
    """One line for a municipality with no dated report in ``db`` (called
    ``where``): the nearest one that has (did you mean ...?), or what SCB's
    register calls it when it has none."""
    q = _code_or_name(name_or_code)
    stored = {(r["municipality"], r["municipality_code"]) for r in db.query(
        "select distinct municipality, municipality_code from reports where year is not null "
        "and municipality is not null")}
    register = ({(r["name"], r["code"]) for r in db.query("select name, code from municipalities")}
                if db["municipalities"].exists() else set())
    for name, code in sorted(register - stored):
        if q in (code, name.casefold()) or _folded(q) == _folded(name):
            return f"{name_or_code}: {name} ({code}) has no dated report in {where}"
    by_fold = {_folded(name): (name, code) for name, code in sorted(stored)}
    near = difflib.get_close_matches(_folded(q), list(by_fold), n=1, cutoff=0.6)
    hint = f"; did you mean {by_fold[near[0]][0]} ({by_fold[near[0]][1]})?" if near else (
        f"; it holds {', '.join(f'{n} ({c})' for n, c in sorted(stored)[:5])}{' …' if len(stored) > 5 else ''}"
        if stored else "; it holds no dated report")
    return f"{name_or_code}: no municipality of that name or kommunkod in {where}{hint}"


def check_values(db: sqlite_utils.Database, query: NamedQuery, values: dict[str, str]) -> None:
    """Raise ValueError (one line, with the nearest valid value) for a value
    of ``query`` that names nothing in ``db``: a framework revision no
    report has, a theme or codebook that does not exist."""
    def one_of(value: str, known: list[str], what: str, plural: str) -> None:
        if value not in known:
            near = difflib.get_close_matches(value, known, n=1, cutoff=0.5)
            raise ValueError(f"{query.name}: no {what} {value!r} in the database"
                             + (f"; did you mean {near[0]!r}?" if near else "")
                             + f" (its {plural}: {', '.join(known) or 'none'})")

    framework = values.get("framework", "")
    if framework:
        one_of(framework, [str(r["framework"]) for r in db.query(
            "select distinct framework from reports where framework is not null order by framework")],
            "report of framework", "frameworks")
    theme = values.get("theme", "")
    if query.name == "theme-by-year" and theme.strip().lstrip("-").isdigit():
        ids = [r["id"] for r in db.query("select id from themes order by id")]
        if int(theme) not in ids:
            raise ValueError(f"{query.name}: no theme {theme} in the database"
                             + (f" (themes {ids[0]} to {ids[-1]}; kompass themes lists them)" if ids
                                else " (it has no themes yet: kompass ingest fits them)"))
    codebook = values.get("codebook")
    if codebook:
        one_of(codebook, [r["codebook"] for r in db.query("select distinct codebook from codebooks order by codebook")]
               if db["codebooks"].exists() else [], "codebook", "codebooks")


FOLLOW_UP = """
select s.id as recommendation_id, s.area, s.text as recommendation,
       o.outcome, o.method as outcome_method, o.computed_outcome, o.reviewed_target_id, o.review_note,
       l.kind as link_kind, l.score, l.rank, l.evidence,
       t.id as target_id, t.area as target_area, t.kind as target_kind, t.text as target
from findings s
join links l on l.source_id = s.id and l.target_report_id = :later and l.kind != 'similar'
left join follow_up_outcomes o on o.source_id = s.id and o.target_report_id = :later
left join findings t on t.id = l.target_id
where s.report_id = :earlier and s.kind = 'improvement'
order by s.area, s.position, s.id, l.rank is not null, l.rank
"""


def follow_up(db: sqlite_utils.Database, earlier: str, later: str) -> list[dict]:
    """Every improvement recommendation of report ``earlier`` with what became of
    it in ``later``: its outcome (a researcher's verdict where there is one,
    ``outcome_method`` reviewed, else computed), and its ranked later
    candidates with their link kind and score, best first."""
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


# -- named queries: one definition, for `kompass query` and Datasette -------------
@dataclass(frozen=True)
class Parameter:
    name: str
    help: str
    #: None: required; otherwise the value when none is given ("" = all)
    default: str | None = None
    #: "int" for a whole number (checked before the query runs), else "text"
    kind: str = "text"


@dataclass(frozen=True)
class NamedQuery:
    """A question researchers ask often, as one SQL statement with named
    parameters (``:name``). ``kompass query NAME`` runs it, and ``make serve``
    offers it in Datasette as a canned query of the same name."""

    name: str
    title: str
    description: str
    sql: str
    parameters: tuple[Parameter, ...] = ()


def fold(text: str | None) -> str | None:
    """SQL's ``kompass_fold``: ``text`` in any case, å/ä/ö included (SQLite's
    lower() folds ASCII letters only: lower('TORSÅS') is 'torsÅs')."""
    return text.casefold() if isinstance(text, str) else text


def sql_functions(conn) -> None:
    """Give an SQLite connection the functions the named queries use, so
    that the same SQL answers alike in ``kompass query``, ``--sql`` and
    Datasette (whose plugin, :mod:`pipeline.datasette_plugin`, calls this):
    ``kompass_fold(text)``, and ``kompass_search(words)``, the full-text
    query that finds Swedish inflections (:func:`fts_expression`)."""
    conn.create_function("kompass_fold", 1, fold, deterministic=True)
    conn.create_function("kompass_search", 1, lambda q: fts_expression(q) if isinstance(q, str) else q,
                         deterministic=True)


#: pragmas that only read, asked with an argument (a table, an index) ...
_PRAGMAS_ASKING = frozenset({"table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
                             "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check"})
#: ... or without one (with one, these would set what they read)
_PRAGMAS_READING = frozenset({"user_version", "schema_version", "application_id", "page_count", "page_size",
                              "freelist_count", "encoding", "journal_mode", "data_version", "database_list",
                              "collation_list", "function_list", "module_list", "pragma_list", "compile_options",
                              "foreign_keys", "query_only"})
#: how long one statement of ``kompass query`` may run (seconds)
SQL_TIME_LIMIT = 60.0
#: SQLite calls the time check every this many virtual-machine steps
_STEPS = 20_000


def read_only(conn, seconds: float | None = None) -> None:
    """Let ``conn`` run reading SQL only, each statement for at most ``seconds``:
    SQLite's authorizer refuses ATTACH and DETACH (which open or make files:
    ``VACUUM INTO`` asks for an ATTACH), ``load_extension`` and any pragma that
    is not one that reads; a statement still running at the limit is
    interrupted (sqlite3.OperationalError "interrupted"). Denied statements
    fail with "not authorized" before they run."""
    import sqlite3
    import time

    def authorize(action, arg1, arg2, _db, _trigger):
        if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
            return sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_FUNCTION and arg2 and arg2.lower() == "load_extension":
            return sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_PRAGMA:
            name = (arg1 or "").lower()
            if not (name in _PRAGMAS_ASKING or (arg2 is None and name in _PRAGMAS_READING)):
                return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    conn.set_authorizer(authorize)
    limit = SQL_TIME_LIMIT if seconds is None else seconds
    started = [time.monotonic()]

    def too_long() -> int:
        return int(time.monotonic() - started[0] > limit)

    conn.set_progress_handler(too_long, _STEPS)
    conn.set_trace_callback(lambda _sql: started.__setitem__(0, time.monotonic()))  # the clock per statement


_FRAMEWORK = Parameter("framework", "framework revision, e.g. 2020 (empty: every revision)", "")
_MUNICIPALITY = Parameter("municipality", "municipality name (Torsås, torsås) or kommunkod (0834)")
#: a municipality by kommunkod or name in any case (kompass_fold: see sql_functions)
_BY_MUNICIPALITY = ("({r}.municipality_code = :municipality or {r}.municipality = :municipality "
                    "or kompass_fold({r}.municipality) = kompass_fold(:municipality))")

#: sub-questions by mean share of their maximum; strongest and weakest differ in order only
_QUESTIONS_BY_SHARE = """
select r.framework, q.number, min(q.title) as title, count(*) as reports,
       round(100.0 * avg(q.score / q.max), 1) as mean_pct,
       round(100.0 * min(q.score / q.max), 1) as min_pct, round(100.0 * max(q.score / q.max), 1) as max_pct
from questions q join reports r on r.id = q.report_id
where q.max > 0 and q.score is not null and (:framework = '' or r.framework = :framework)
group by r.framework, q.number
order by mean_pct {order}, r.framework, q.number
limit :limit
"""
#: the search words as FTS5 takes them: each word and its lemma as a prefix,
#: FTS5 syntax as it is (kompass_search: see sql_functions)
_MATCH = "kompass_search(:q)"

NAMED_QUERIES: tuple[NamedQuery, ...] = (
    NamedQuery(
        "recurring-improvements", "The most recurring improvement themes",
        "Themes of improvement recommendations, by framework revision: how many recommendations, reports and "
        "municipalities each spans, the most widespread first.",
        """
select r.framework, t.id as theme_id, t.label,
       count(*) as recommendations,
       count(distinct f.report_id) as reports,
       count(distinct r.municipality_code) as municipalities
from findings f
join themes t on t.id = f.theme_id
join reports r on r.id = f.report_id
where f.kind = 'improvement' and (:framework = '' or r.framework = :framework)
group by r.framework, t.id
order by r.framework, reports desc, recommendations desc, t.id
""", (_FRAMEWORK,)),
    NamedQuery(
        "theme-by-year", "A theme's prevalence by year",
        "For one theme, each year: its findings (strengths, improvements), the reports they come from, and "
        "the share of that year's reports in which the theme occurs.",
        """
select r.year, count(*) as findings,
       sum(f.kind = 'strength') as strengths, sum(f.kind = 'improvement') as improvements,
       count(distinct f.report_id) as reports,
       (select count(*) from reports y where y.year = r.year) as reports_that_year,
       round(100.0 * count(distinct f.report_id) / (select count(*) from reports y where y.year = r.year), 1)
         as pct_of_reports
from findings f join reports r on r.id = f.report_id
where f.theme_id = :theme
group by r.year
order by r.year
""", (Parameter("theme", "theme id (kompass themes lists them)", kind="int"),)),
    NamedQuery(
        "codebook-by-year", "A codebook's themes by year",
        "For a codebook applied with kompass codebook apply: each theme and year, its findings (strengths, "
        "improvements), the reports they come from, and the share of that year's reports in which it occurs.",
        """
select ct.theme, c.label, r.year, count(*) as findings,
       sum(f.kind = 'strength') as strengths, sum(f.kind = 'improvement') as improvements,
       count(distinct f.report_id) as reports,
       round(100.0 * count(distinct f.report_id) / (select count(*) from reports y where y.year = r.year), 1)
         as pct_of_reports
from codebook_themes ct
join codebooks c on c.codebook = ct.codebook and c.theme = ct.theme
join findings f on f.id = ct.finding_id
join reports r on r.id = f.report_id
where ct.codebook = :codebook and (:theme = '' or ct.theme = :theme)
group by ct.theme, r.year
order by ct.theme, r.year
""", (Parameter("codebook", "codebook name (kompass codebook list)"),
      Parameter("theme", "one theme's key (empty: every theme)", ""))),
    NamedQuery(
        "trajectory", "A municipality's trajectory",
        "Every evaluation of one municipality (name or kommunkod): the total, then the score of each "
        "framework-independent domain (through the crosswalk: compare across revisions with care).",
        """
select r.year, r.framework, r.total_score, r.max_score, a.domain, a.number as area, a.title as area_title,
       a.score, a.max
from reports r join areas a on a.report_id = r.id
where """ + _BY_MUNICIPALITY.format(r="r") + """
order by r.year, r.id, a.domain
""", (_MUNICIPALITY,)),
    *(NamedQuery(
        f"{which}-questions", f"The {which} sub-questions across reports",
        "Sub-questions by their mean score as a share of their maximum, over every report of a framework "
        f"revision, {first} first.", _QUESTIONS_BY_SHARE.format(order=order),
        (_FRAMEWORK, Parameter("limit", "rows at most", "20", kind="int")))
      for which, first, order in (("strongest", "highest", "desc"), ("weakest", "lowest", "asc"))),
    NamedQuery(
        "search", "Search findings and narrative",
        "Full-text search of the findings and the reports' narrative: any inflected form finds the others "
        "(medborgardialogen finds medborgardialog, -er, -erna: each word and its lemma as a prefix); SQLite FTS5 "
        "syntax passes through.",
        """
select 'finding' as source, f.report_id, r.municipality, r.year, f.area, f.kind as kind_or_heading,
       f.id as finding_id, snippet(findings_fts, 0, '[', ']', '…', 16) as text
from findings_fts join findings f on f.rowid = findings_fts.rowid join reports r on r.id = f.report_id
where findings_fts match """ + _MATCH + """
union all
select 'narrative', s.report_id, r.municipality, r.year, s.area, s.heading,
       null, snippet(sections_fts, 1, '[', ']', '…', 16)
from sections_fts join sections s on s.rowid = sections_fts.rowid join reports r on r.id = s.report_id
where sections_fts match """ + _MATCH + """
order by 1, 2, 5, 8
""", (Parameter("q", "what to search for, e.g. medborgardialog*"),)),
    NamedQuery(
        "follow-up", "What became of a municipality's recommendations",
        "Each improvement recommendation of a municipality's evaluation (name or kommunkod) and its outcome at "
        "a later one: addressed (a later strength), persisting (recommended again) or no_match (with a sentence "
        "of the later narrative where one speaks of it), computed or reviewed by a researcher; then its three "
        "best later findings, best first, each with its link kind (addressed/persisting above the threshold, "
        "candidate below it) and similarity.",
        """
select r1.year as year_from, r2.year as year_to, s.area, s.text as recommendation, o.outcome,
       o.method as outcome_method, l.kind as link_kind, l.rank,
       l.score, t.kind as later_kind, t.area as later_area, coalesce(t.text, l.evidence) as later,
       s.id as recommendation_id, t.id as later_finding_id
from links l
join findings s on s.id = l.source_id
join reports r1 on r1.id = s.report_id
join reports r2 on r2.id = l.target_report_id
left join follow_up_outcomes o on o.source_id = l.source_id and o.target_report_id = l.target_report_id
left join findings t on t.id = l.target_id
where l.kind != 'similar' and """ + _BY_MUNICIPALITY.format(r="r1") + """
  and (:year_from = '' or r1.year = :year_from) and (:year_to = '' or r2.year = :year_to)
order by r1.year, r2.year, s.area, s.position, s.id, l.rank is not null, l.rank
""", (_MUNICIPALITY,
      Parameter("year_from", "year of the earlier evaluation (empty: every one)", "", kind="int"),
      Parameter("year_to", "year of the later evaluation (empty: every one)", "", kind="int"))),
    NamedQuery(
        "persisting", "Recommendations that persisted",
        "Improvement recommendations recommended again at the municipality's next evaluation (follow-up "
        "links): the earlier recommendation, the later one that repeats it, and their similarity.",
        """
select r1.municipality, r1.year as year_from, r2.year as year_to, s.area, s.text as recommendation,
       t.area as later_area, t.text as later_recommendation, l.score, s.id as finding_id
from links l
join findings s on s.id = l.source_id
join findings t on t.id = l.target_id
join reports r1 on r1.id = s.report_id
join reports r2 on r2.id = l.target_report_id
where l.kind = 'persisting' and l.rank = 1
order by r1.municipality, r1.year, r2.year, s.area, l.score desc, s.id
"""),
)


_FTS_SYNTAX = re.compile(r'["*():^]|\b(?:AND|OR|NOT|NEAR)\b')


def fts_expression(text: str) -> str:
    """A full-text query that finds Swedish inflections and compounds: each
    word, and its lemma where that differs, as a prefix ("medborgardialogen"
    finds medborgardialog, -en, -er, -erna; "städer" also finds "stad"), all
    words required. Text already in FTS5 syntax (quotes, *, OR, NEAR, …) is
    left as it is."""
    if _FTS_SYNTAX.search(text):
        return text
    from .nlp.swedish import SwedishAnalyzer

    analyzer = SwedishAnalyzer()
    parts = []
    for word in re.findall(r"\w+", text.lower()):
        forms = dict.fromkeys([word, analyzer.lemma(word)])
        terms = [f'"{f}"*' for f in forms if f]
        parts.append(terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")")
    return " ".join(parts)


def named_query(name: str) -> NamedQuery | None:
    return next((q for q in NAMED_QUERIES if q.name == name), None)


def run_named(db: sqlite_utils.Database, query: NamedQuery, values: dict[str, str]) -> list[dict]:
    """Rows of ``query`` with its parameters from ``values`` (defaults filling
    the rest). Raises ValueError naming a missing or unknown parameter."""
    known = {p.name for p in query.parameters}
    unknown = sorted(set(values) - known)
    if unknown:
        near = difflib.get_close_matches(unknown[0], sorted(known), n=1, cutoff=0.5)
        raise ValueError(f"{query.name} has no parameter {unknown[0]!r}"
                         + (f"; did you mean {near[0]!r}?" if near else "")
                         + (f" (it takes {', '.join(sorted(known))})" if known else " (it takes none)"))
    params = {}
    for p in query.parameters:
        value = values.get(p.name, p.default)
        if value is None:
            raise ValueError(f"{query.name} needs {p.name}: {p.help}")
        if p.kind == "int" and value != "" and not value.strip().lstrip("-").isdigit():
            raise ValueError(f"{query.name}: {p.name} must be a whole number, not {value!r}")
        params[p.name] = value
    return list(db.query(query.sql, params))
