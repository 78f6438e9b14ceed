"""Keep the database's themes in step with its own model (``models/`` beside
findings.db, ``<name>-models/`` beside any other database).

* No model of its own yet: fit one on every finding in the database and save it.
* A model: assign the findings it has not seen (new reports) to its themes, so
  that theme ids never reshuffle when a report is added.
* ``refit=True``: fit anew on purpose. New themes take the id of the old theme
  whose findings they mostly hold, and :class:`Movement` says where each old
  theme's findings went.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import sqlite_utils

from .. import store
from . import curation, vectors

if TYPE_CHECKING:
    from .themes import ThemeModel

# The themes module (scikit-learn, spaCy: 1.7 s to import) is imported where a
# model is loaded or fitted, so that an ingest with nothing to assign stays quick.

MODEL_NAME = "themes"


@dataclass
class Movement:
    """Where the findings of one old theme went in a refit."""

    old_id: int
    old_label: str
    size: int
    to: dict[int | None, int]  # new theme id (None: outlier) -> findings
    new_id: int | None  # the new theme that kept this id, if any

    @property
    def verdict(self) -> str:
        if self.new_id is None:
            return "dissolved"
        if self.to.get(self.new_id, 0) == self.size:
            return "kept"
        return "kept, part moved"


@dataclass
class ThemeUpdate:
    action: str  # "fitted", "refitted", "assigned", "unchanged", "skipped"
    themes: int = 0
    findings: int = 0
    outliers: int = 0
    version: str | None = None
    message: str = ""
    movements: list[Movement] = field(default_factory=list)


def model_path(models_dir: str | Path) -> Path:
    return Path(models_dir) / MODEL_NAME


def _theme_rows(model: ThemeModel, ids_of_rows: list[int] | None) -> list[dict]:
    return [{"id": t.id, "label": t.label, "terms": t.terms, "size": t.size,
             "representative_finding_id": (ids_of_rows[t.representative]
                                           if ids_of_rows is not None and t.representative >= 0 else None),
             "model_version": model.version_}
            for t in model.themes_]


def _match_ids(old: dict[int, int | None], new_labels: list[int], n_new: int,
               old_ids: set[int]) -> list[int]:
    """Ids for the new themes: an old theme's id goes to the new theme that
    holds most of its findings, if those are also most of that new theme's
    findings that existed before; every other new theme gets a fresh id."""
    overlap: Counter = Counter()
    before: Counter = Counter()
    for fid, new in zip(old, new_labels):
        if new < 0:
            continue
        if old[fid] is not None:
            overlap[(new, old[fid])] += 1
        before[new] += 1
    old_sizes = Counter(v for v in old.values() if v is not None)
    ids: list[int | None] = [None] * n_new
    taken: set[int] = set()
    for (new, old_id), n in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0])):
        if ids[new] is None and old_id not in taken and n * 2 > before[new] and n * 2 >= old_sizes[old_id]:
            ids[new] = old_id
            taken.add(old_id)
    next_id = max(old_ids | {0}) + 1
    for i in range(n_new):
        if ids[i] is None:
            ids[i] = next_id
            next_id += 1
    return ids  # type: ignore[return-value]


def _model_version(folder: Path) -> str | None:
    """The version a complete model folder holds (config.json is written last)."""
    try:
        return json.loads((folder / "config.json").read_text("utf-8")).get("version")
    except (OSError, ValueError):
        return None


def _matching_folder(path: Path, version: str | None) -> Path | None:
    """``path`` if it holds the model the database's themes came from, after
    putting back one left beside it by a save that was cut short (``.old``
    before the new one was in place, ``.tmp`` once complete; a model at
    ``path`` that the database does not name was never committed). None when
    no such model is there. Reads only the models' config, no language data."""
    if version is None:
        return None
    for folder in (path, path.with_name(path.name + ".old"), path.with_name(path.name + ".tmp")):
        if _model_version(folder) != version:
            continue
        if folder != path:
            from .themes import remove_tree

            if path.exists() or path.is_symlink():
                remove_tree(path)
            folder.rename(path)
        return path
    return None


def _load(folder: Path) -> ThemeModel | None:
    from .themes import ThemeModel

    try:
        model = ThemeModel.load(folder)
    except (OSError, ValueError, KeyError):
        return None
    # a model fitted on another encoder's vectors cannot place these findings
    return model if model.encoder == vectors.ENCODER else None


def update_themes(db: sqlite_utils.Database, models_dir: str | Path = "models", refit: bool = False,
                  n_themes: int | None = None, random_state: int = 0, progress=None) -> ThemeUpdate:
    """Keep the database's themes in step with its own model.

    A model is used only if it is the one the database's themes came from
    (same version): a model folder left by another database, or by an earlier
    database of the same name, is never applied to this one. Without its
    model (a new database, or the folder gone), the themes are fitted on the
    database's findings; where it already has themes, the new themes keep
    their ids as a refit does, so a lost model file does not renumber them.
    ``progress(stage, done, total)`` is told where a fit stands."""
    path = model_path(models_dir)
    stored = store.themes_version(db)
    if refit:
        return _fit(db, path, n_themes, random_state, progress)
    folder = _matching_folder(path, stored)
    rows = store.findings_for_themes(db, unthemed_only=True) if folder is not None else []
    if folder is not None and not rows:
        # nothing to assign: the model (and its language data) is not loaded
        return ThemeUpdate("unchanged", store.theme_count(db), 0, version=stored)
    model = _load(folder) if folder is not None else None
    if model is None:
        other = _model_version(path)
        update = _fit(db, path, n_themes, random_state, progress)
        if stored is not None:
            update.message = f"the model its themes came from ({stored}) is not in {path}"
        elif other is not None:
            update.message = f"the model in {path} ({other}) was fitted for another database"
        return update
    # a text some finding already has takes that finding's theme: one text, one theme
    known = store.themes_by_text(db, {r["text"] for r in rows})
    new = [r for r in rows if r["text"] not in known]
    ids, scores = (model.predict([r["text"] for r in new], [r["domain"] for r in new],
                                 vectors.finding_vectors(db, [r["id"] for r in new])) if new else ([], []))
    assignments = [(r["id"], *known[r["text"]]) for r in rows if r["text"] in known]
    assignments += [(r["id"], t, s) for r, t, s in zip(new, ids, scores)]
    store.save_themes(db, _theme_rows(model, None), assignments, replace=False)
    curation.apply(db)
    return ThemeUpdate("assigned", len(model.themes_), len(rows), sum(a[1] is None for a in assignments),
                       model.version_)


def _fit(db, path: Path, n_themes, random_state, progress=None) -> ThemeUpdate:
    rows = store.findings_for_themes(db)
    from .themes import ThemeModel

    # One row per distinct text, with the domains of all its findings as
    # shares: the same sentence in two reports is one item, so it weighs once
    # in the fit and gets one theme.
    first: dict[str, int] = {}
    shares: dict[str, Counter] = defaultdict(Counter)
    printed: Counter = Counter()
    for r in rows:
        first.setdefault(r["text"], r["id"])
        printed[r["text"]] += 1
        if r["domain"]:
            shares[r["text"]][r["domain"]] += 1
    texts = list(first)
    model = ThemeModel(n_themes=n_themes, random_state=random_state, encoder=vectors.ENCODER)
    try:
        model.fit(texts, store.report_text(db), [shares[t] for t in texts], progress=progress,
                  vectors=vectors.finding_vectors(db, [first[t] for t in texts]),
                  counts=[printed[t] for t in texts])
    except ValueError as exc:
        return ThemeUpdate("skipped", message=str(exc))
    item = {t: k for k, t in enumerate(texts)}
    labels = np.array([model.labels_[item[r["text"]]] for r in rows])
    item_scores = [float(model.scores_[item[r["text"]]]) for r in rows]
    first_ids = [first[t] for t in texts]
    lineage: dict = {}
    movements: list[Movement] = []
    # where each finding was, as curation saw it (a merged or split theme's findings count for the
    # theme the model had them in)
    old = curation.lineage(db, {r["id"]: r["theme_id"] for r in rows})
    old_themes = {r["id"]: r["label"] for r in db.query("select id, label from themes")}
    if old_themes:
        # ids a curation decision names are never given to a new theme (a
        # merged-away id would pull it into the survivor)
        ids = _match_ids(old, labels.tolist(), len(model.themes_),
                         set(old_themes) | store.referenced_theme_ids(db))
        model.renumber(ids)
        movements = _movements(old, model, labels, old_themes)
        lineage = {"refit_of": store.themes_version(db),
                   "kept_ids": sorted(m.old_id for m in movements if m.new_id is not None)}
    # the model first, then the database: a crash in between leaves a model
    # whose version the database does not name yet, and the next run fits again
    model.save(path, lineage=lineage)
    theme_ids = [t.id for t in model.themes_]
    assignments = [(r["id"], theme_ids[label] if label >= 0 else None, round(score, 6))
                   for r, label, score in zip(rows, labels.tolist(), item_scores)]
    store.save_themes(db, _theme_rows(model, first_ids), assignments, replace=True)
    curation.apply(db)
    return ThemeUpdate("refitted" if old_themes else "fitted", len(model.themes_), len(rows),
                       int((labels < 0).sum()), model.version_, movements=movements)


def _movements(old: dict[int, int | None], model: ThemeModel, labels, old_labels: dict[int, str]) -> list[Movement]:
    theme_ids = [t.id for t in model.themes_]
    went: dict[int, Counter] = defaultdict(Counter)
    for (fid, old_id), label in zip(old.items(), labels.tolist()):
        if old_id is not None:
            went[old_id][theme_ids[label] if label >= 0 else None] += 1
    return [Movement(old_id, old_labels[old_id], sum(went[old_id].values()), dict(went[old_id]),
                     old_id if old_id in theme_ids else None)
            for old_id in sorted(old_labels)]
