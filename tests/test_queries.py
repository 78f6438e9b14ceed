"""Named queries (`kompass query`): each answers its question on the sample
database, and --sql never writes."""

from __future__ import annotations

import csv
import io
import json

import pytest
import sqlite_utils
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.queries import NAMED_QUERIES


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def rows_of(linked, *args):
    res = run("query", *args, "--db", linked["db"], "--format", "json")
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def test_list_shows_every_named_query_with_its_parameters(linked):
    out = run("query", "--list").output
    for q in NAMED_QUERIES:
        assert f"\n{q.name}" in "\n" + out and q.title in out
        for p in q.parameters:
            assert p.name.upper() in out


def test_trajectory_by_any_case_or_code(linked):
    rows = rows_of(linked, "trajectory", "TORSÅS")
    assert rows == rows_of(linked, "trajectory", "0834")
    assert {(r["year"], r["total_score"]) for r in rows} == {(2017, 373), (2021, 499)}
    assert len(rows) == 16 and all(isinstance(r["score"], (int, float)) for r in rows)
    assert {r["domain"] for r in rows if r["year"] == 2021} == {r["domain"] for r in rows if r["year"] == 2017}


def test_search_finds_swedish_inflections(linked):
    db = sqlite_utils.Database(linked["db"])
    expected = {r["id"] for r in db.query("select id from findings where lower(text) like '%medborgardialog%'")}
    for word in ("medborgardialog", "medborgardialogen", "Medborgardialoger"):
        rows = rows_of(linked, "search", word)
        found = {r["finding_id"] for r in rows if r["source"] == "finding"}
        assert found == expected and len(expected) >= 4
        assert any(r["source"] == "narrative" for r in rows)
        assert all("[" in r["text"] for r in rows)  # the match is marked
    # FTS5 syntax is passed through: an exact phrase
    assert rows_of(linked, "search", '"medborgardialog etablerat"')


def test_strongest_and_weakest_questions(linked):
    strong = rows_of(linked, "strongest-questions", "framework=2020", "limit=5")
    weak = rows_of(linked, "weakest-questions", "2020")
    assert len(strong) == 5 and {r["framework"] for r in strong + weak} == {"2020"}
    assert [r["mean_pct"] for r in strong] == sorted((r["mean_pct"] for r in strong), reverse=True)
    assert [r["mean_pct"] for r in weak] == sorted(r["mean_pct"] for r in weak)
    assert strong[0]["mean_pct"] >= weak[-1]["mean_pct"] and strong[0]["mean_pct"] > weak[0]["mean_pct"]


def test_recurring_improvements_and_theme_by_year_add_up(linked):
    db = sqlite_utils.Database(linked["db"])
    rows = rows_of(linked, "recurring-improvements")
    assert sum(r["recommendations"] for r in rows) == db.execute(
        "select count(*) from findings where kind = 'improvement' and theme_id is not null").fetchone()[0]
    theme = rows[0]["theme_id"]
    by_year = rows_of(linked, "theme-by-year", theme)
    assert sum(r["findings"] for r in by_year) == db.execute(
        "select count(*) from findings where theme_id = ?", [theme]).fetchone()[0]
    assert all(0 < r["pct_of_reports"] <= 100 for r in by_year)


def test_persisting_lists_the_persisting_links(linked):
    db = sqlite_utils.Database(linked["db"])
    rows = rows_of(linked, "persisting")
    assert len(rows) == db.execute("select count(*) from links where kind = 'persisting' and rank = 1").fetchone()[0]
    assert rows and all(r["year_from"] < r["year_to"] for r in rows)


def test_sql_runs_read_only_and_a_write_changes_nothing(linked):
    db = sqlite_utils.Database(linked["db"])
    before = db["findings"].count
    for statement in ("delete from findings", "drop table links", "pragma query_only = 0; delete from findings",
                      "insert into themes (id, label) values (999, 'x')"):
        res = run("query", "--sql", statement, "--db", linked["db"])
        assert res.exit_code == 1 and "Traceback" not in res.output
        assert len(res.output.strip().splitlines()) == 1
        assert "read-only" in res.output or "one statement" in res.output or "only reads" in res.output, res.output
    assert db["findings"].count == before and db["links"].exists()
    out = list(csv.DictReader(io.StringIO(run("query", "--sql", "select kind, count(*) as n from findings group by kind",
                                              "--db", linked["db"], "--format", "csv").output)))
    assert sum(int(r["n"]) for r in out) == before


def test_mistakes_are_one_line(linked):
    for args, words in ((["nosuch"], "no query named"), (["theme-by-year"], "needs theme"),
                        (["weakest-questions", "limit=x"], "limit must be a whole number, not 'x'"),
                        (["trajectory", "a", "b"], "takes 1 value"), ([], "give a query NAME")):
        res = run("query", *args, "--db", linked["db"])
        assert res.exit_code != 0 and words in res.output and "Traceback" not in res.output, res.output


def test_table_wraps_long_text_instead_of_cutting_it(linked):
    out = run("query", "--sql", "select text from findings order by length(text) desc limit 1",
              "--db", linked["db"]).output
    db = sqlite_utils.Database(linked["db"])
    longest = db.execute("select text from findings order by length(text) desc limit 1").fetchone()[0]
    assert len(longest) > 60 and " ".join(out.split()[2:]) == " ".join(longest.split())


def test_follow_up_accounts_for_every_recommendation(linked):
    db = sqlite_utils.Database(linked["db"])
    rows = rows_of(linked, "follow-up", "torsås", "2017", "year_to=2021")
    recs = {r["id"] for r in db.query("select id from findings where report_id = '0834-2017' and kind = 'improvement'")}
    assert {r["recommendation_id"] for r in rows} == recs
    firsts = [r for r in rows if r["rank"] == 1]
    assert len(firsts) == len(recs) and {r["outcome"] for r in firsts} <= {"addressed", "persisting", "no_match"}
    assert {r["outcome_method"] for r in rows} == {"computed"}
    for r in firsts:  # the outcome is the first candidate's kind, unless it is under the threshold
        if r["outcome"] == "no_match":
            assert r["link_kind"] == "candidate"
        else:
            assert r["link_kind"] == r["outcome"] and r["later_finding_id"]
            assert r["later_kind"] == ("strength" if r["outcome"] == "addressed" else "improvement")
    no_match = {r["recommendation_id"] for r in rows if r["link_kind"] == "no_match"}
    assert no_match == {r["recommendation_id"] for r in firsts if r["outcome"] == "no_match"}
    assert rows_of(linked, "follow-up", "0834", "2021") == []  # no evaluation after 2021


def test_a_misspelt_name_or_value_gets_the_nearest_one_and_exit_1(linked):
    """The mistakes a new user makes get one line with what was meant, exit
    status 1: a name typed without å, a kommunkod that lost its zero (an
    answer, not an error), a misspelt parameter, a year where a framework
    is meant, a theme that does not exist, a municipality of SCB's register
    that has no report."""
    db = linked["db"]

    def error(*args):
        res = run("query", *args, "--db", db)
        assert res.exit_code == 1, res.output
        lines = res.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ")
        return lines[0]

    assert "did you mean Torsås (0834)?" in error("trajectory", "Torsas")
    assert rows_of(linked, "trajectory", "834") == rows_of(linked, "trajectory", "0834")
    assert "no parameter 'limt'; did you mean 'limit'?" in error("weakest-questions", "limt=4")
    assert "no report of framework '2021'" in error("weakest-questions", "2021")
    assert "did you mean '2020'?" in error("weakest-questions", "2021")
    themes = [r["id"] for r in sqlite_utils.Database(db).query("select id from themes order by id")]
    line = error("theme-by-year", max(themes) + 1)
    assert f"no theme {max(themes) + 1}" in line and f"themes {themes[0]} to {themes[-1]}" in line
    assert "Kalmar (0880) has no dated report" in error("trajectory", "Kalmar")
    for command in (["follow-up", "Torsas"], ["profile", "Torsas"]):
        res = run(*command, "--db", db)
        assert res.exit_code == 1 and "did you mean Torsås (0834)?" in res.output, res.output


@pytest.mark.parametrize("sql", ["attach database '{tmp}/new.db' as x", "vacuum into '{tmp}/copy.db'",
                                 "select load_extension('{tmp}/lib')", "pragma user_version = 3",
                                 "pragma journal_mode = delete"])
def test_sql_that_would_make_or_change_a_file_is_refused_in_one_line(linked, tmp_path, sql):
    before = sorted(p.name for p in tmp_path.iterdir())
    res = CliRunner().invoke(cli, ["query", "--sql", sql.format(tmp=tmp_path), "--db", str(linked["db"])])
    assert res.exit_code == 1 and "refused" in res.output and len(res.output.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert sqlite_utils.Database(linked["db"]).execute("pragma user_version").fetchone()[0] != 3


def test_sql_that_reads_runs_and_a_statement_over_the_time_limit_is_stopped(linked, monkeypatch):
    import pipeline.queries

    ok = CliRunner().invoke(cli, ["query", "--sql", "pragma table_info(reports)", "--db", str(linked["db"])])
    assert ok.exit_code == 0 and "municipality_code" in ok.output
    monkeypatch.setattr(pipeline.queries, "SQL_TIME_LIMIT", 0.5)
    endless = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
    res = CliRunner().invoke(cli, ["query", "--sql", endless, "--db", str(linked["db"])])
    assert res.exit_code == 1 and "stopped after 0.5 s" in res.output


def test_control_characters_never_reach_the_terminal(linked, tmp_path):
    """A text holding a terminal escape sequence: a reader stores U+FFFD
    for each control character, and a table printed from an older database
    that holds one shows U+FFFD too."""
    import shutil

    from pipeline.document import clean_text

    assert clean_text("Bra\x1b[31m arbete\x07") == "Bra\ufffd[31m arbete\ufffd"
    db_path = tmp_path / "k.db"
    shutil.copy(linked["db"], db_path)
    db = sqlite_utils.Database(db_path)
    fid = db.execute("select id from findings order by id limit 1").fetchone()[0]
    db.execute("update findings set text = ? where id = ?", ["Bra \x1b]0;pwned\x07 arbete\r", fid])
    db.conn.commit()
    res = CliRunner().invoke(cli, ["query", "--sql", f"select text from findings where id = {fid}", "--db", str(db_path)])
    assert res.exit_code == 0 and "pwned" in res.output
    assert not any(ch in res.output for ch in "\x1b\x07\r")
