"""Curating themes: rename, merge, split and move, kept in the database and
applied again after every ingest and refit."""

from __future__ import annotations

import json
import shutil

import pytest
import sqlite_utils
from click.testing import CliRunner

from conftest import sample
from pipeline.cli import cli
from pipeline.nlp import curation
from pipeline.store import open_db


def run(*args, ok=True):
    res = CliRunner().invoke(cli, [str(a) for a in args])
    if ok:
        assert res.exit_code == 0, res.output
        assert res.exception is None
    return res


def themes_of(db_path) -> dict[int, dict]:
    db = sqlite_utils.Database(db_path)
    return {t["id"]: t for t in db.query("select * from themes")}


def members(db_path) -> dict[int | None, set[int]]:
    out: dict = {}
    for f in sqlite_utils.Database(db_path).query("select id, theme_id from findings"):
        out.setdefault(f["theme_id"], set()).add(f["id"])
    return out


def theme_of(db_path, finding_id):
    return sqlite_utils.Database(db_path).execute(
        "select theme_id from findings where id = ?", [finding_id]).fetchone()[0]


def assert_counts_add_up(db_path):
    got = members(db_path)
    for tid, t in themes_of(db_path).items():
        assert t["size"] == len(got.get(tid, ())), tid
        assert t["representative_finding_id"] in got[tid], tid
    # no finding points at a theme that is not there
    assert set(got) - {None} <= set(themes_of(db_path))


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """Torsås 2017 ingested (themes fitted); and, apart, the same database
    with 2021 added and nothing curated, to know where the model puts the new
    findings."""
    root = tmp_path_factory.mktemp("curation")
    first, second = root / "first", root / "second"
    first.mkdir(), second.mkdir()
    shutil.copy(sample(2017, "txt"), first)
    shutil.copy(sample(2021, "txt"), second)
    db_path = root / "f.db"
    run("ingest", first, "--db", db_path, "--no-json", "--quiet")
    plain = root / "plain" / "f.db"
    plain.parent.mkdir()
    shutil.copy(db_path, plain)
    shutil.copytree(root / "f-models", plain.parent / "f-models")
    run("ingest", second, "--db", plain, "--no-json", "--quiet")
    return {"db": db_path, "root": root, "second": second, "grown_plain": plain}


@pytest.fixture
def db(base, tmp_path):
    """A copy of the 2017 database and its model, for one test to curate."""
    path = tmp_path / "f.db"
    shutil.copy(base["db"], path)
    shutil.copytree(base["root"] / "f-models", tmp_path / "f-models")
    return path


def test_rename_is_curated_and_survives_a_refit(db):
    out = run("themes", "rename", 3, "Ledarskap och chefer", "--db", db).output
    assert "Ledarskap och chefer" in out and "curated" in out
    rows = {r["id"]: r for r in json.loads(run("themes", "--db", db, "--format", "json").output)}
    assert rows[3]["label"] == "Ledarskap och chefer" and rows[3]["label_source"] == "curated"
    assert {r["label_source"] for i, r in rows.items() if i != 3} == {"computed"}
    table = run("themes", "--db", db).output.splitlines()
    assert "source" in table[0].split()
    assert any("Ledarskap och chefer" in line and "curated" in line for line in table)
    out = run("themes", "--db", db, "--refit").output
    assert "Themes: refitted model" in out and "Curation: 1 of 1 decisions applied again." in out
    after = themes_of(db)
    assert after[3]["label"] == "Ledarskap och chefer" and after[3]["label_source"] == "curated"
    # the group's options still come before a subcommand, and the listing is the same
    run("themes", "--db", db, "rename", 3, "Ledarskap")
    assert themes_of(db)[3]["label"] == "Ledarskap"


def test_merge_leaves_nothing_in_the_merged_ids_and_sizes_add_up(db):
    before = themes_of(db)
    out = run("themes", "merge", 2, 9, 12, "--db", db).output
    assert "Merged 9, 12 into 2" in out
    after = themes_of(db)
    assert 9 not in after and 12 not in after
    assert not members(db).get(9) and not members(db).get(12)
    assert after[2]["size"] == before[2]["size"] + before[9]["size"] + before[12]["size"]
    assert_counts_add_up(db)
    # a refit on the same findings finds theme 9 again; it is folded into 2 again
    out = run("themes", "--db", db, "--refit").output
    assert "Curation: 1 of 1 decisions applied again." in out
    again = themes_of(db)
    assert 9 not in again and 12 not in again
    assert again[2]["size"] == after[2]["size"]
    assert_counts_add_up(db)


def split_state(db_path, theme_id, into="2"):
    out = run("themes", "split", theme_id, "--into", into, "--db", db_path).output
    decision = [d for d in json.loads(run("themes", "curation", "--db", db_path, "--format", "json").output)
                if d["action"] == "split"][-1]
    return out, decision, {tid: ids for tid, ids in members(db_path).items()}


def test_split_partitions_the_theme_deterministically(db, base, tmp_path):
    old = members(db)[1]
    n_before = len(themes_of(db))
    out, decision, got = split_state(db, 1, "2")
    assert out.startswith("Split theme 1 into 2")
    new_ids = sorted(set(themes_of(db)) - set(range(1, n_before + 1)))
    assert len(new_ids) == 1 and new_ids[0] > n_before
    parts = [got[1], got[new_ids[0]]]
    assert parts[0] and parts[1] and not parts[0] & parts[1] and parts[0] | parts[1] == old
    assert len(parts[0]) >= len(parts[1])  # the largest part keeps the id
    assert len(themes_of(db)) == n_before + 1
    assert_counts_add_up(db)
    # the same members give the same parts, on another copy
    other = tmp_path / "other" / "f.db"
    other.parent.mkdir()
    shutil.copy(base["db"], other)
    shutil.copytree(base["root"] / "f-models", other.parent / "f-models")
    _, _, got2 = split_state(other, 1, "2")
    assert got2 == got
    # applying the decisions again changes nothing
    state = (themes_of(db), members(db))
    d = open_db(db)
    assert all(o.applied for o in curation.apply(d))
    d.close()
    assert (themes_of(db), members(db)) == state


def test_split_into_three_and_by_silhouette(db):
    n = max(themes_of(db))
    old = members(db)[2]
    _, _, got = split_state(db, 2, "3")
    new = sorted(set(themes_of(db)) - {t for t in range(1, n + 1)})
    assert len(new) == 2
    parts = [got[2], *(got[t] for t in new)]
    assert sum(map(len, parts)) == len(old) and set().union(*parts) == old
    out = run("themes", "split", 1, "--into", "auto", "--db", db).output
    n = int(out.split("into ")[1].split()[0])
    assert 2 <= n <= 4


def test_a_split_survives_a_refit(db):
    n = max(themes_of(db))
    _, _, got = split_state(db, 1)
    part_ids = sorted(t for t in got if t is not None and t not in range(1, n + 1))
    out = run("themes", "--db", db, "--refit").output
    assert "Curation: 1 of 1 decisions applied again." in out
    assert members(db)[1] == got[1] and members(db)[part_ids[0]] == got[part_ids[0]]
    assert_counts_add_up(db)


def test_move_survives_a_refit(db):
    finding = min(members(db)[4])
    out = run("themes", "move", finding, 5, "--db", db).output
    assert f"Moved finding {finding} from theme 4 to theme 5" in out
    assert theme_of(db, finding) == 5
    run("themes", "--db", db, "--refit")
    assert theme_of(db, finding) == 5
    other = min(members(db)[6])
    run("themes", "move", other, "none", "--db", db)
    assert theme_of(db, other) is None
    shown = json.loads(run("themes", "--db", db, "--show", "outliers", "--format", "json").output)
    assert other in {f["id"] for f in shown}
    run("themes", "--db", db, "--refit")
    assert theme_of(db, other) is None and theme_of(db, finding) == 5
    assert_counts_add_up(db)


def test_decisions_hold_when_a_new_report_is_added(db, base):
    plain = members(base["grown_plain"])
    old_ids = set().union(*members(db).values())
    # the theme that gets most of the new report's findings is merged away
    arrivals = {t: ids - old_ids for t, ids in plain.items() if t is not None}
    merged = max((t for t in arrivals if t not in (1, 3, 4, 5)), key=lambda t: (len(arrivals[t]), -t))
    assert arrivals[merged], "the model assigns new findings to the merged theme"
    keeper = 1
    moved = min(members(db)[3])
    run("themes", "rename", 3, "Ledarskap och chefer", "--db", db)
    run("themes", "merge", keeper, merged, "--db", db)
    run("themes", "move", moved, 4, "--db", db)
    run("themes", "split", 5, "--db", db)
    out = run("ingest", base["second"], "--db", db, "--no-json", "--quiet").output
    assert "54 findings assigned" in out and "Curation: 4 of 4 decisions applied again." in out
    now = members(db)
    assert themes_of(db)[3]["label"] == "Ledarskap och chefer"
    assert merged not in themes_of(db) and not now.get(merged)
    assert arrivals[merged] <= now[keeper]  # what the model put in the merged id landed in the survivor
    assert theme_of(db, moved) == 4
    split = [d for d in open_db(db).query("select * from theme_curation where action = 'split'")][0]
    part = json.loads(split["other_ids"])[0]
    assert now[5] and now[part]
    # the new findings the model gave theme 5 are shared out among its parts
    assert arrivals.get(5, set()) <= now[5] | now[part]
    assert_counts_add_up(db)


def test_a_decision_whose_theme_dissolves_is_kept_and_reported(db):
    n = max(themes_of(db))  # the smallest theme: a refit into 3 dissolves it
    run("themes", "rename", n, "Ansvar", "--db", db)
    run("themes", "rename", 1, "Extern samverkan", "--db", db)
    out = run("themes", "--db", db, "--refit", "--themes", 3).output
    assert f"decision 1 (rename theme {n} to 'Ansvar'): not applied: theme {n} dissolved in a refit" in out
    listed = json.loads(run("themes", "curation", "--db", db, "--format", "json").output)
    assert [d["seq"] for d in listed] == [1, 2]
    assert listed[0]["status"] == f"not applied: theme {n} dissolved in a refit"
    table = run("themes", "curation", "--db", db).output
    assert "dissolved in a refit" in table and f"rename theme {n}" in table


@pytest.mark.parametrize("args, message", [
    (["rename", 99, "x"], "no theme 99 in {db}; themes are 1-{n} (nearest: {n})"),
    (["rename", 3, "  "], "rename: the label is empty"),
    (["merge", 3, 3], "merge: theme 3 is given twice"),
    (["merge", 3], "merge: give at least two theme ids"),
    (["merge", 3, 40], "no theme 40 in {db}; themes are 1-{n}"),
    (["move", 12345, 3], "no finding 12345 in {db}"),
    (["move", "abc", 3], "a finding id must be a number"),
    (["move", "{finding}", 77], "no theme 77 in {db}"),
    (["split", "{n}"], "split: theme {n} has {size} findings, too few to split into 2 (at least 4)"),
    (["split", 1, "--into", "x"], "--into takes a number of parts"),
    (["split", 1, "--into", "1"], "a split makes at least 2 themes"),
])
def test_bad_decisions_are_one_line_and_exit_1(db, args, message):
    finding = min(members(db)[1])
    n = max(themes_of(db))
    size = len(members(db)[n])
    assert size < 4  # the smallest theme, too small to split
    before = (themes_of(db), members(db))
    res = run("themes", *[str(a).format(finding=finding, n=n) for a in args], "--db", db, ok=False)
    assert res.exit_code == 1, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message.format(db=db, n=n, size=size) in lines[0], \
        res.output
    assert "Traceback" not in res.output and not isinstance(res.exception, Exception) or \
        isinstance(res.exception, SystemExit)
    assert (themes_of(db), members(db)) == before
    assert not json.loads(run("themes", "curation", "--db", db, "--format", "json").output)


def test_a_missing_database_is_one_line(tmp_path):
    res = run("themes", "rename", 1, "x", "--db", tmp_path / "none.db", ok=False)
    assert res.exit_code == 1 and res.output.strip().count("\n") == 0 and "no such database" in res.output
    # the bare listing says the same
    res = run("themes", "--db", tmp_path / "none.db", ok=False)
    assert res.exit_code == 1 and res.output.strip().count("\n") == 0 and "no such database" in res.output


def test_an_older_database_gets_label_source(db):
    d = sqlite_utils.Database(db)
    d.execute("alter table themes drop column label_source")
    d.execute("drop table theme_curation")
    d.execute("pragma user_version = 6")
    d.close()
    rows = json.loads(run("themes", "--db", db, "--format", "json").output)  # read-only: not upgraded
    assert {r["label_source"] for r in rows} == {"computed"}
    open_db(db).close()
    assert "label_source" in sqlite_utils.Database(db)["themes"].columns_dict
    run("themes", "rename", 2, "Resultat", "--db", db)
    assert themes_of(db)[2]["label_source"] == "curated"
