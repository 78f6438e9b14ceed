"""A researcher's review of the follow-up: a CSV to mark, and its verdicts stored.

``write_review`` writes one row per recommendation of an earlier evaluation
with the computed outcome and its ranked later candidates (id, kind, area,
text, score); the researcher fills ``verdict`` (addressed, persisting,
no_match) and, for addressed or persisting, ``verdict_target`` (1, 2 or 3 for
a candidate, or any later finding's id), and may leave a ``note``. A row left
without a verdict is not reviewed. ``accept_review`` checks the whole file
before it stores anything, then stores its verdicts in ``follow_up_reviews``
in one transaction: the links are recomputed by every ingest, the verdicts
never, and every output shows a reviewed outcome as such.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from . import store
from .export import FORMULA_START, spreadsheet_safe
from .files import write_text

VERDICTS = ("addressed", "persisting", "no_match")
CANDIDATES = 3
COLUMNS = (["recommendation_id", "later_report_id", "year_from", "year_to", "area", "recommendation",
            "computed_outcome", "reviewed_outcome"]
           + [f"candidate{k}_{c}" for k in range(1, CANDIDATES + 1) for c in ("id", "kind", "area", "score", "text")]
           + ["verdict", "verdict_target", "note"])


class ReviewError(Exception):
    """A review file that cannot be used; one line naming the file and the problem."""


def review_rows(db, earlier: dict, later: dict) -> list[dict]:
    """The rows of the review file of one pair of evaluations."""
    recs = list(db.query(
        "select id, area, text from findings where report_id = ? and kind = 'improvement' "
        "order by area, position, id", [earlier["id"]]))
    links = list(db.query(
        "select l.source_id, l.kind, l.rank, l.score, t.id, t.kind as target_kind, t.area, t.text from links l "
        "left join findings t on t.id = l.target_id where l.target_report_id = ? and l.kind != 'similar' "
        "order by l.source_id, l.rank", [later["id"]]))
    outcomes = {r["source_id"]: r for r in db.query(
        "select * from follow_up_outcomes where target_report_id = ?", [later["id"]])}
    by_source: dict[int, list[dict]] = {}
    for link in links:
        if link["rank"] is not None:
            by_source.setdefault(link["source_id"], []).append(link)
    out = []
    for rec in recs:
        o = outcomes.get(rec["id"], {})
        row = {"recommendation_id": str(rec["id"]), "later_report_id": later["id"], "year_from": earlier["year"],
               "year_to": later["year"], "area": rec["area"], "recommendation": rec["text"],
               "computed_outcome": o.get("computed_outcome") or "", "reviewed_outcome": o.get("reviewed_outcome") or ""}
        for k in range(1, CANDIDATES + 1):
            c = by_source.get(rec["id"], [])[k - 1] if len(by_source.get(rec["id"], [])) >= k else None
            row.update({f"candidate{k}_id": str(c["id"]) if c else "", f"candidate{k}_kind": c["target_kind"] if c else "",
                        f"candidate{k}_area": c["area"] if c else "",
                        f"candidate{k}_score": f"{c['score']:.3f}" if c else "",
                        f"candidate{k}_text": c["text"] if c else ""})
        row.update({"verdict": o.get("reviewed_outcome") or "",
                    "verdict_target": str(o["reviewed_target_id"]) if o.get("reviewed_target_id") else "",
                    "note": o.get("review_note") or ""})
        out.append(row)
    return out


def _unquoted(text: str) -> str:
    """A note as the researcher wrote it: the "'" the review file put before a
    formula-like start taken off again."""
    return text[1:] if text.startswith("'") and text[1:2] and text[1:2] in FORMULA_START else text


def write_review(db, earlier: dict, later: dict, path: Path) -> int:
    """Write the review file (UTF-8 with a byte-order mark, so that Excel
    reads its å, ä and ö); returns the number of recommendations."""
    rows = review_rows(db, earlier, later)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    # texts a spreadsheet would run as formulas are written as text (see export.spreadsheet_safe)
    writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()} for row in rows)
    write_text(path, buf.getvalue(), encoding="utf-8-sig")
    return len(rows)


def read_verdicts(db, path: Path) -> list[dict]:
    """The verdicts of a marked review file, every row checked first."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ReviewError(f"{path}: not UTF-8 text (save the review as CSV UTF-8)") from None
    except OSError as exc:
        raise ReviewError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    reader = csv.DictReader(io.StringIO(text))
    need = {"recommendation_id", "later_report_id", "verdict", "verdict_target"}
    missing = sorted(need - set(reader.fieldnames or []))
    if missing:
        raise ReviewError(f"{path}: not a kompass review file (no column {', '.join(missing)})")
    verdicts = []
    for line, row in enumerate(reader, start=2):
        verdict = (row.get("verdict") or "").strip().casefold()
        if not verdict:
            continue
        where = f"{path}, line {line}"
        if verdict not in VERDICTS:
            raise ReviewError(f"{where}: verdict {row['verdict']!r} is not one of {', '.join(VERDICTS)}")
        try:
            source = int(row["recommendation_id"])
        except (TypeError, ValueError):
            raise ReviewError(f"{where}: recommendation_id {row.get('recommendation_id')!r} is not a finding id") from None
        later = (row.get("later_report_id") or "").strip()
        rec = next(db.query("select report_id, kind from findings where id = ?", [source]), None)
        if rec is None or rec["kind"] != "improvement":
            raise ReviewError(f"{where}: no improvement recommendation {source} in the database")
        if not db["reports"].count_where("id = ?", [later]):
            raise ReviewError(f"{where}: no report {later!r} in the database")
        target = (row.get("verdict_target") or "").strip()
        target_id = None
        if verdict != "no_match":
            if not target:
                raise ReviewError(f"{where}: verdict {verdict} needs verdict_target (1-{CANDIDATES} or a finding id)")
            if target.isdigit() and 1 <= int(target) <= CANDIDATES:
                target = (row.get(f"candidate{target}_id") or "").strip()
            if not target.isdigit():
                raise ReviewError(f"{where}: verdict_target {row['verdict_target']!r} is no candidate or finding id")
            target_id = int(target)
            found = next(db.query("select report_id, kind from findings where id = ?", [target_id]), None)
            if found is None or found["report_id"] != later:
                raise ReviewError(f"{where}: finding {target_id} is not in the later report {later}")
        verdicts.append({"source_id": source, "target_report_id": later, "outcome": verdict,
                         "target_id": target_id, "note": _unquoted((row.get("note") or "").strip()) or None})
    return verdicts


def accept_review(db, path: Path) -> int:
    """Store the verdicts of a marked review file; returns how many."""
    verdicts = read_verdicts(db, path)
    store.save_reviews(db, verdicts)
    return len(verdicts)
