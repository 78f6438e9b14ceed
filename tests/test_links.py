"""Follow-up links on the seed pair: what became of the 2017 recommendations by
2021, who else was told the same, and the links kept in step with the reports."""

from __future__ import annotations

import json
import shutil

import sqlite_utils
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.nlp.links import update_links
from pipeline.store import open_db

PERSISTING = ("Samordna förbättringsarbetet centralt och ge stöd till det lokala",
              "Centralt stöd och samordning av kvalitetsarbetet.")
ADDRESSED = ("Utveckla ledarskapet för att de ska vara bärare och föredömen av visionen, mål och värdegrund.",
             "Kommun- och förvaltningscheferna lojala bärare av vision, värdegrund och mål.")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def outcome_of(db_path, source_prefix, report="0834-2021"):
    db = sqlite_utils.Database(db_path)
    return list(db.query(
        "select l.kind, l.score, t.text from links l join findings s on s.id = l.source_id "
        "left join findings t on t.id = l.target_id where s.text like ? and l.target_report_id = ? "
        "and l.kind != 'similar' order by l.rank", [source_prefix + "%", report]))


def test_the_two_known_pairs(linked):
    persisting = outcome_of(linked["db"], PERSISTING[0])
    assert persisting[0]["kind"] == "persisting" and persisting[0]["text"].startswith(PERSISTING[1])
    addressed = outcome_of(linked["db"], ADDRESSED[0])
    assert addressed[0]["kind"] == "addressed" and addressed[0]["text"].startswith(ADDRESSED[1])


def test_every_recommendation_has_one_outcome(linked):
    db = sqlite_utils.Database(linked["db"])
    recs = [r["id"] for r in db.query("select id from findings where report_id = '0834-2017' and kind = 'improvement'")]
    firsts = list(db.query("select source_id, outcome from follow_up_outcomes where target_report_id = '0834-2021'"))
    assert sorted(r["source_id"] for r in firsts) == sorted(recs)
    counts = {o: sum(r["outcome"] == o for r in firsts) for o in ("addressed", "persisting", "no_match")}
    assert counts == {o: linked["update"].outcomes.get(o, 0) for o in counts}
    assert linked["update"].recommendations == len(recs) and sum(linked["update"].outcomes.values()) == len(recs)
    # no outcome links across municipalities: Emmaboda is never a follow-up of Torsås
    assert db.execute("select count(*) from links where kind != 'similar' "
                      "and target_report_id not like '0834-%'").fetchone()[0] == 0


def test_similar_recommendations_elsewhere(linked):
    db = sqlite_utils.Database(linked["db"])
    rec = next(db.query("select id from findings where report_id = '0834-2021' and text like ?",
                        [PERSISTING[1] + "%"]))["id"]
    rows = json.loads(run("similar", rec, "--db", linked["db"], "--format", "json").output)
    assert rows and rows[0]["municipality"] == "Emmaboda" and rows[0]["text"].startswith(PERSISTING[1])
    assert rows[0]["score"] > 0.9
    assert "no finding 1" in run("similar", 1, "--db", linked["db"]).output


def test_follow_up_command_accounts_for_every_recommendation(linked):
    res = run("follow-up", "Torsås", "--db", linked["db"])
    assert res.exit_code == 0, res.output
    db = sqlite_utils.Database(linked["db"])
    n = db.execute("select count(*) from findings where report_id = '0834-2017' and kind = 'improvement'").fetchone()[0]
    summary = [l for l in res.output.splitlines() if " recommendations: " in l][0]
    assert summary.startswith(f"{n} recommendations:")
    counts = dict((w.split()[1], int(w.split()[0])) for w in summary.split(": ", 1)[1].split(", "))
    assert sum(counts.values()) == n
    assert "Score per domain, 2017 -> 2021 (framework 2016 -> 2020" in res.output
    data = json.loads(run("follow-up", "0834", "--db", linked["db"], "--format", "json").output)
    assert {d["domain"] for d in data["domains"]} >= {"democracy", "quality"}
    assert run("follow-up", "Ingenstans", "--db", linked["db"]).exit_code == 1
    assert "follow-up needs two" in run("follow-up", "Emmaboda", "--db", linked["db"]).output


def test_links_follow_the_reports(linked, tmp_path):
    db_path = tmp_path / "k.db"
    shutil.copy(linked["db"], db_path)
    db = open_db(db_path)
    assert update_links(db) is None  # nothing changed: nothing recomputed
    ids_before = {r["source_id"] for r in db.query("select source_id from links")}
    db.execute("delete from findings where report_id = '0834-2021'")
    db.execute("delete from areas where report_id = '0834-2021'")
    db.execute("delete from reports where id = '0834-2021'")
    db.conn.commit()
    update = update_links(db)
    assert update is not None and update.pairs == 0
    assert db.execute("select count(*) from links where kind != 'similar'").fetchone()[0] == 0
    assert {r["source_id"] for r in db.query("select source_id from links")} <= ids_before
    db.close()


def test_follow_up_is_found_by_any_case_and_says_when_links_are_stale(linked, tmp_path):
    assert run("follow-up", "TORSÅS", "--db", linked["db"]).exit_code == 0  # SQLite's lower() misses Å
    db_path = tmp_path / "k.db"
    shutil.copy(linked["db"], db_path)
    db = sqlite_utils.Database(db_path)
    db.execute("delete from findings where id = (select min(id) from findings)")  # a re-read that lost one
    db.execute("insert into reports (id, municipality, municipality_code) values ('unknown-1', 'Torsås', '0834')")
    db.conn.commit()
    res = run("follow-up", "Torsås", "--db", db_path)
    assert res.exit_code == 1 and "out of date" in res.output and "Traceback" not in res.output
    db.execute("delete from kompass_state")
    db.conn.commit()
    open_db(db_path).close()
    update_links(sqlite_utils.Database(db_path))
    res = run("follow-up", "Torsås", "--db", db_path)  # a report without a year is left out, not a crash
    assert res.exit_code == 0, res.output


def test_a_pairs_outcomes_do_not_depend_on_other_municipalities(linked):
    """Each pair's word weights come from its two reports alone."""
    from pipeline.nlp.links import compute_links
    from pipeline import store
    db = open_db(linked["db"])
    findings, sections = store.findings_for_links(db), store.sections_for_links(db)
    db.close()
    alone = [f for f in findings if f["municipality_code"] == "0834"]
    key = lambda rows: sorted((r["source_id"], r["target_id"] or 0, r["kind"], r["score"] or 0) for r in rows  # noqa: E731
                              if r["kind"] != "similar")
    assert key(compute_links(findings, sections)[0]) == key(compute_links(alone, sections)[0])


def test_evidence_is_the_municipalitys_own_narrative():
    """A recommendation without a later match is shown the later narrative's
    closest sentence, but never the framework's own words: the areas' general
    part ("Allmänt") or a sentence another municipality's report repeats."""
    from pipeline.nlp.links import compute_links
    rec = {"id": 1, "report_id": "A-2017", "municipality_code": "A", "year": 2017, "kind": "improvement",
           "domain": "quality", "text": "Sprid goda exempel på förbättringar mellan enheterna"}
    later = {"id": 2, "report_id": "A-2021", "municipality_code": "A", "year": 2021, "kind": "strength",
             "domain": "employer", "text": "Lönesättningen följer tydliga kriterier"}
    other = {"id": 3, "report_id": "B-2021", "municipality_code": "B", "year": 2021, "kind": "strength",
             "domain": "quality", "text": "Budgeten hålls väl"}
    general = "Goda exempel på förbättringar sprids mellan enheterna i en väl fungerande kommun."
    own = "Kommunen sprider goda exempel på förbättringar mellan enheterna på intranätet."
    one_word = "Många förbättringar har gjorts under året."
    shared = "Goda exempel på förbättringar sprids mellan enheterna genom ett nätverk."

    def evidence(sections):
        rows, _ = compute_links([rec, later, other], sections)
        (row,) = [r for r in rows if r["source_id"] == 1 and r["kind"] == "no_match"]
        return row["evidence"]

    area = lambda heading, text, rid="A-2021": {"report_id": rid, "domain": "quality",  # noqa: E731
                                                 "heading": heading, "text": text}
    assert evidence([area("Allmänt", general), area("Spridning", own)]) == own
    assert evidence([area("Allmänt", general), area("Spridning", one_word)]) is None
    assert evidence([area("Spridning", shared), area("Spridning", shared, "B-2021")]) is None
    assert evidence([area("Spridning", shared), area("Nätverk", own)]) == shared


def test_every_recommendation_keeps_its_three_best_later_findings(linked):
    """Ranked candidates whatever the outcome: the evidence is never empty,
    and a link's kind says whether it passed the threshold."""
    from pipeline.nlp.links import MAX_TARGETS, THRESHOLD

    db = sqlite_utils.Database(linked["db"])
    recs = [r["id"] for r in db.query("select id from findings where report_id = '0834-2017' and kind = 'improvement'")]
    for rec in recs:
        ranked = list(db.query("select l.kind, l.rank, l.score, t.kind as target_kind from links l join findings t "
                               "on t.id = l.target_id where l.source_id = ? and l.target_report_id = '0834-2021' "
                               "and l.kind != 'similar' order by l.rank", [rec]))
        assert [r["rank"] for r in ranked] == list(range(1, MAX_TARGETS + 1))
        assert [r["score"] for r in ranked] == sorted((r["score"] for r in ranked), reverse=True)
        for r in ranked:
            expected = ("candidate" if r["score"] < THRESHOLD
                        else "addressed" if r["target_kind"] == "strength" else "persisting")
            assert r["kind"] == expected
        no_match = db.execute("select count(*) from links where source_id = ? and kind = 'no_match' "
                              "and target_report_id = '0834-2021'", [rec]).fetchone()[0]
        assert no_match == (ranked[0]["score"] < THRESHOLD)


def _marked(path, out, marks):
    import csv

    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    for k, (verdict, target) in marks.items():
        rows[k]["verdict"], rows[k]["verdict_target"] = verdict, target
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return rows


def test_a_researchers_review_is_stored_and_survives_recomputation(linked, tmp_path):
    db_path = tmp_path / "k.db"
    shutil.copy(linked["db"], db_path)
    review = tmp_path / "review.csv"
    res = run("follow-up", "Torsås", "--db", db_path, "--review", review)
    assert res.exit_code == 0, res.output
    rows = _marked(review, tmp_path / "marked.csv", {0: ("addressed", "2"), 1: ("no_match", "")})
    assert rows[0]["candidate2_id"] and rows[0]["computed_outcome"] in ("addressed", "persisting", "no_match")
    res = run("follow-up", "--accept", tmp_path / "marked.csv", "--db", db_path)
    assert res.exit_code == 0 and "2 verdicts stored" in res.output, res.output
    db = open_db(db_path)
    update_links(db, force=True)  # recomputing the links leaves the verdicts alone
    got = {r["source_id"]: r for r in db.query("select * from follow_up_outcomes where method = 'reviewed'")}
    db.close()
    first, second = int(rows[0]["recommendation_id"]), int(rows[1]["recommendation_id"])
    assert set(got) == {first, second}
    assert got[first]["outcome"] == "addressed" and got[first]["target_id"] == int(rows[0]["candidate2_id"])
    assert got[second]["outcome"] == "no_match" and got[second]["target_id"] is None
    out = run("follow-up", "Torsås", "--db", db_path).output
    assert "addressed (reviewed)" in out and "no_match (reviewed)" in out
    page = tmp_path / "profile.html"
    assert run("profile", "Torsås", "--db", db_path, "--out", page).exit_code == 0
    assert page.read_text("utf-8").count("(granskad)") == 2
    exported = tmp_path / "export"
    assert run("export", exported, "--db", db_path).exit_code == 0
    assert len((exported / "follow_up_reviews.csv").read_text("utf-8").strip().splitlines()) == 3  # header + 2


def test_a_bad_review_file_is_one_line_and_stores_nothing(linked, tmp_path):
    db_path = tmp_path / "k.db"
    shutil.copy(linked["db"], db_path)
    review = tmp_path / "review.csv"
    run("follow-up", "Torsås", "--db", db_path, "--review", review)
    bad = {"verdict.csv": {0: ("addressed", "1"), 3: ("maybe", "")},
           "target.csv": {0: ("persisting", "")},
           "elsewhere.csv": {0: ("addressed", rows_id := "1")}}
    _marked(review, tmp_path / "verdict.csv", bad["verdict.csv"])
    _marked(review, tmp_path / "target.csv", bad["target.csv"])
    rows = _marked(review, tmp_path / "elsewhere.csv", {0: ("addressed", rows_id)})
    rows[0]["verdict_target"] = rows[0]["recommendation_id"]  # a 2017 finding is no later finding
    import csv
    with (tmp_path / "elsewhere.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    (tmp_path / "latin1.csv").write_bytes("verdict;å\n".encode("latin-1"))
    (tmp_path / "other.csv").write_text("a,b\n1,2\n", "utf-8")
    expected = {"verdict.csv": "line 5: verdict 'maybe'", "target.csv": "needs verdict_target",
                "elsewhere.csv": "is not in the later report", "latin1.csv": "not UTF-8",
                "other.csv": "not a kompass review file"}
    for name, message in expected.items():
        res = run("follow-up", "--accept", tmp_path / name, "--db", db_path)
        assert res.exit_code == 1 and message in res.output and str(tmp_path / name) in res.output, (name, res.output)
        assert "Traceback" not in res.output and len(res.output.strip().splitlines()) == 1
    assert sqlite_utils.Database(db_path)["follow_up_reviews"].count == 0


def test_the_review_file_shows_formula_like_texts_as_text_and_a_note_comes_back_as_written(linked, tmp_path):
    import csv

    db_path = tmp_path / "k.db"
    shutil.copy(linked["db"], db_path)
    db = open_db(db_path)
    rec = db.execute("select id from findings where report_id = '0834-2017' and kind = 'improvement' "
                     "order by area, position, id limit 1").fetchone()[0]
    db.execute("update findings set text = '=HYPERLINK(\"http://x\")' where id = ?", [rec])
    db.conn.commit()
    review = tmp_path / "review.csv"
    assert run("follow-up", "Torsås", "--db", db_path, "--review", review).exit_code == 0
    rows = list(csv.DictReader(open(review, encoding="utf-8-sig")))
    assert rows[0]["recommendation"] == "'=HYPERLINK(\"http://x\")"
    rows[0]["verdict"], rows[0]["note"] = "no_match", "'-3 poäng är inget genomslag"
    with open(tmp_path / "marked.csv", "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows[:1])
    assert run("follow-up", "--accept", tmp_path / "marked.csv", "--db", db_path).exit_code == 0
    note = open_db(db_path).execute("select note from follow_up_reviews where source_id = ?", [rec]).fetchone()[0]
    assert note == "-3 poäng är inget genomslag"
