"""Curation: a researcher's decisions on the computed themes, kept in the
database (``theme_curation``) and re-applied after every save of the themes,
so that they survive new reports and refits.

Four decisions, each keyed by theme id (or finding id), applied in the order
they were taken:

* **rename** ``theme_id`` to ``label``: the label is the researcher's
  (``themes.label_source = 'curated'``).
* **merge** ``other_ids`` into ``theme_id``: their findings join it, their rows
  go. A finding the model later assigns to a merged-away id lands in the
  survivor, since the merge is applied again after the assignment.
* **split** ``theme_id`` into parts: k-means (fixed seed) on the members'
  sentence vectors, centred on their mean. The first part (the largest) keeps
  the id, the others get fresh ids (``other_ids``). The parts' members are kept
  in ``detail``, so that applying the split again gives the same parts; a
  finding that joined the theme since goes to the nearest part.
* **move** ``finding_id`` to ``theme_id`` (NULL: an outlier).

Applying is idempotent: the decisions are written for the state a save of the
themes leaves (the model's themes, curated findings where they were) and
applying them twice gives what applying them once gave. Across a refit, theme
ids follow the findings (``update._match_ids``); the refit is handed the
curated assignment, so a merged or split theme is what it matches against. A
decision whose theme is gone after a refit stays in the table with
``status`` "not applied: theme N dissolved in a refit".

Imports only numpy and the store at module level: an ingest with nothing to
curate stays quick; scikit-learn and the language data are loaded by a split.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .. import store

#: restarts and seed of a split's k-means: the same members give the same parts
SPLIT_N_INIT = 10
SPLIT_RANDOM_STATE = 0
#: the numbers of parts tried when a split chooses by silhouette
SPLIT_AUTO = (2, 3, 4)
#: a label's words must be in at least this share of a part's members (and in two)
LABEL_SHARE = 0.3

APPLIED = "applied"


class CurationError(ValueError):
    """A decision that cannot be taken; the message is one line, with the nearest valid value."""


@dataclass
class Outcome:
    seq: int
    action: str
    summary: str
    status: str

    @property
    def applied(self) -> bool:
        return self.status.startswith(APPLIED)


# -- describing decisions ----------------------------------------------------------
def describe(d: dict) -> str:
    """A decision in words: "rename theme 3 to 'Medborgardialog'"."""
    if d["action"] == "rename":
        return f"rename theme {d['theme_id']} to {d['label']!r}"
    if d["action"] == "merge":
        return f"merge theme{'s' if len(d['other_ids']) > 1 else ''} " \
               f"{', '.join(map(str, d['other_ids']))} into theme {d['theme_id']}"
    if d["action"] == "split":
        parts = [p["id"] for p in d["detail"].get("parts", [])]
        return f"split theme {d['theme_id']} into {len(parts)} (themes {', '.join(map(str, parts))})"
    target = "the outliers" if d["theme_id"] is None else f"theme {d['theme_id']}"
    return f"move finding {d['finding_id']} to {target}"


def decisions(db) -> list[Outcome]:
    """Every stored decision with its status from the last application."""
    return [Outcome(d["seq"], d["action"], describe(d), d["status"] or "not applied yet")
            for d in store.curation_decisions(db)]


# -- applying ------------------------------------------------------------------------
def apply(db) -> list[Outcome]:
    """Apply every stored decision, in order, to the themes as they are now;
    record each one's status; recount sizes and representatives. One
    transaction. Call after every ``store.save_themes``."""
    stored = store.curation_decisions(db)
    if not stored:
        return []
    out: list[Outcome] = []
    with db.atomic():
        for d in stored:
            status = _APPLY[d["action"]](db, d)
            out.append(Outcome(d["seq"], d["action"], describe(d), status))
        store.set_curation_status(db, {o.seq: o.status for o in out})
        store.recount_themes(db)
    return out


def _dissolved(theme_id: int) -> str:
    return f"not applied: theme {theme_id} dissolved in a refit"


def _apply_rename(db, d: dict) -> str:
    if store.theme_row(db, d["theme_id"]) is None:
        return _dissolved(d["theme_id"])
    store.set_theme_label(db, d["theme_id"], d["label"], "curated")
    return APPLIED


def _apply_merge(db, d: dict) -> str:
    if store.theme_row(db, d["theme_id"]) is None:
        return _dissolved(d["theme_id"])
    # which findings each merged-away theme held (those the model assigned to
    # it since are added): a refit matches its themes against these
    members = {int(k): v for k, v in d["detail"].get("members", {}).items()}
    grew = False
    for other, fids in store.findings_of_themes(db, d["other_ids"]).items():
        known = set(members.setdefault(other, []))
        new = [f for f in fids if f not in known]
        if new:
            members[other] = sorted(known | set(new))
            grew = True
    if grew:
        d["detail"]["members"] = {str(k): v for k, v in members.items()}
        store.set_curation_detail(db, d["seq"], d["detail"])
    store.merge_theme_findings(db, d["theme_id"], d["other_ids"])
    return APPLIED


def _apply_move(db, d: dict) -> str:
    exists, _ = store.finding_theme(db, d["finding_id"])
    if not exists:
        return f"not applied: finding {d['finding_id']} is no longer in the database (its report was replaced)"
    if d["theme_id"] is not None and store.theme_row(db, d["theme_id"]) is None:
        return _dissolved(d["theme_id"])
    store.set_findings_theme(db, [d["finding_id"]], d["theme_id"])
    return APPLIED


def _apply_split(db, d: dict) -> str:
    parts = d["detail"]["parts"]
    theme_id = d["theme_id"]
    row = store.theme_row(db, theme_id)
    if row is None:
        return _dissolved(theme_id)
    present = set(store.theme_ids(db))
    members = store.theme_members(db, theme_id)
    part_of = {fid: p["id"] for p in parts for fid in p["members"]}
    newcomers = [fid for fid in members if fid not in part_of]
    placed = {fid: part_of[fid] for fid in members if fid in part_of}
    placed.update(_nearest_parts(db, parts, newcomers, theme_id))
    version = row["model_version"]
    resplit = any(p["id"] not in present for p in parts)
    for p in parts:
        if p["id"] == theme_id:
            if resplit and row["label_source"] != "curated":
                store.set_theme_label(db, theme_id, p["label"], "computed", p["terms"])
        elif p["id"] not in present:
            store.insert_theme(db, p["id"], p["label"], p["terms"], None, version)
    by_part: dict[int, list[int]] = {}
    for fid, pid in placed.items():
        if pid != theme_id:
            by_part.setdefault(pid, []).append(fid)
    for pid, fids in by_part.items():
        store.set_findings_theme(db, fids, pid)
    for p in parts:
        if p.get("representative") in placed and placed[p["representative"]] == p["id"]:
            store.set_representative(db, p["id"], p["representative"])
    return APPLIED


def lineage(db, current: dict[int, int | None]) -> dict[int, int | None]:
    """The theme a refit should match each finding against: the merged-away
    theme the model had it in before a merge, else where it is now (a split's
    parts count as themes of their own). With this, a refit that finds a
    merged-away theme again gives it back its id, and the merge folds it into
    the survivor again. ``current``: finding id -> theme id now."""
    origin: dict[int, int] = {}
    for d in store.curation_decisions(db):
        if d["action"] == "merge":
            for other, fids in d["detail"].get("members", {}).items():
                for f in fids:
                    origin.setdefault(f, int(other))
        elif d["action"] == "move":
            origin.pop(d["finding_id"], None)  # a moved finding counts where it was put
    return {f: (origin.get(f, t) if t is not None else None) for f, t in current.items()}


_APPLY = {"rename": _apply_rename, "merge": _apply_merge, "move": _apply_move, "split": _apply_split}


def _nearest_parts(db, parts: list[dict], fids: list[int], default: int) -> dict[int, int]:
    """Findings that joined a split theme since the split: each to the part
    whose centre (in the split's centred space) is nearest; to ``default``
    (the part that kept the id) where no vector is stored."""
    if not fids:
        return {}
    from .vectors import ENCODER

    known = [fid for p in parts for fid in p["members"]]
    vectors = store.load_vectors(db, ENCODER, set(known) | set(fids))
    if not all(f in vectors for f in fids):
        return {f: default for f in fids}
    old = [f for f in known if f in vectors]
    if not old:
        return {f: default for f in fids}
    mean = np.mean([vectors[f] for f in old], axis=0)
    centres, ids = [], []
    for p in parts:
        got = [vectors[f] - mean for f in p["members"] if f in vectors]
        if got:
            centres.append(_unit(np.mean(got, axis=0)))
            ids.append(p["id"])
    if not centres:
        return {f: default for f in fids}
    C = np.vstack(centres)
    X = _unit_rows(np.vstack([vectors[f] - mean for f in fids]))
    best = (X @ C.T).argmax(axis=1)
    return {f: ids[b] for f, b in zip(fids, best.tolist())}


# -- taking decisions ----------------------------------------------------------------
def _ranges(ids: list[int]) -> str:
    """1, 2, 3, 5, 7, 8 -> "1-3, 5, 7-8"."""
    out: list[str] = []
    for i in sorted(ids):
        if out and int(out[-1].split("-")[-1]) == i - 1:
            out[-1] = f"{out[-1].split('-')[0]}-{i}"
        else:
            out.append(str(i))
    return ", ".join(out)


def _check_theme(db, theme_id: int, db_name: str) -> dict:
    row = store.theme_row(db, theme_id)
    if row is None:
        ids = store.theme_ids(db)
        if not ids:
            raise CurationError(f"{db_name}: no themes yet (run kompass ingest)")
        nearest = min(ids, key=lambda i: (abs(i - theme_id), i))
        raise CurationError(f"no theme {theme_id} in {db_name}; themes are {_ranges(ids)} (nearest: {nearest})")
    return row


def _check_finding(db, finding_id: int, db_name: str) -> int | None:
    exists, theme = store.finding_theme(db, finding_id)
    if not exists:
        raise CurationError(f"no finding {finding_id} in {db_name}; kompass themes --show ID lists a theme's "
                            "findings with their ids")
    return theme


def rename(db, theme_id: int, label: str, db_name: str = "the database") -> Outcome:
    label = " ".join((label or "").split())
    if not label:
        raise CurationError(f"rename: the label is empty; give theme {theme_id} a name, e.g. "
                            f"kompass themes rename {theme_id} \"Medborgardialog\"")
    _check_theme(db, theme_id, db_name)
    return _take(db, "rename", theme_id=theme_id, label=label)


def merge(db, theme_ids: list[int], db_name: str = "the database") -> Outcome:
    if len(theme_ids) < 2:
        raise CurationError("merge: give at least two theme ids, the first one keeps its id")
    seen: set[int] = set()
    for t in theme_ids:
        if t in seen:
            raise CurationError(f"merge: theme {t} is given twice; give different themes "
                                f"(e.g. kompass themes merge {theme_ids[0]} "
                                f"{next((i for i in store.theme_ids(db) if i not in seen), t)})")
        seen.add(t)
        _check_theme(db, t, db_name)
    members = store.findings_of_themes(db, list(theme_ids[1:]))
    return _take(db, "merge", theme_id=theme_ids[0], other_ids=list(theme_ids[1:]),
                 detail={"members": {str(k): v for k, v in members.items()}})


def move(db, finding_id: int, theme_id: int | None, db_name: str = "the database") -> Outcome:
    _check_finding(db, finding_id, db_name)
    if theme_id is not None:
        _check_theme(db, theme_id, db_name)
    # moving a finding to where it is is allowed: it keeps it there across refits
    return _take(db, "move", theme_id=theme_id, finding_id=finding_id)


def split(db, theme_id: int, into: int | None = 2, db_name: str = "the database") -> Outcome:
    """Split a theme into ``into`` parts (None: the number of parts, 2-4, with
    the highest silhouette)."""
    _check_theme(db, theme_id, db_name)
    members = store.theme_members(db, theme_id)
    if into is not None and into < 2:
        raise CurationError(f"split: --into {into}: a split makes at least 2 themes (--into 2)")
    need = 2 * (into or 2)
    if len(members) < need:
        most = len(members) // 2
        hint = f"; at most --into {most}" if most >= 2 else ""
        raise CurationError(f"split: theme {theme_id} has {len(members)} findings, too few to split into "
                            f"{into or 2} (at least {need}){hint}")
    parts = plan_split(db, theme_id, members, into)
    fresh = _fresh_ids(db, len(parts) - 1)
    for p, pid in zip(parts, [theme_id, *fresh]):
        p["id"] = pid
    return _take(db, "split", theme_id=theme_id, other_ids=fresh,
                 detail={"parts": parts, "method": f"k-means (k={len(parts)}, n_init={SPLIT_N_INIT}, "
                                                    f"random_state={SPLIT_RANDOM_STATE}) on sentence "
                                                    "vectors centred on the members' mean"})


def _take(db, action: str, **fields) -> Outcome:
    """Record a decision and apply all of them: the same code as after a refit."""
    with db.atomic():
        seq = store.add_curation(db, action, **fields)
        outcomes = apply(db)
    return next(o for o in outcomes if o.seq == seq)


def _fresh_ids(db, n: int) -> list[int]:
    """Ids no theme, finding or decision has used."""
    used = set(store.theme_ids(db)) | store.referenced_theme_ids(db)
    used |= {r[0] for r in db.execute("select distinct theme_id from findings where theme_id is not null")}
    start = max(used | {0}) + 1
    return list(range(start, start + n))


def plan_split(db, theme_id: int, members: list[int], into: int | None) -> list[dict]:
    """The parts of a split: members, label, terms and representative of each,
    the largest first (ties: the smallest finding id)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    from .threads import limited_threads
    from .vectors import finding_vectors

    X = finding_vectors(db, members).astype(np.float64)
    C = _unit_rows(X - X.mean(axis=0))

    def fit(k: int) -> np.ndarray:
        return KMeans(n_clusters=k, n_init=SPLIT_N_INIT, random_state=SPLIT_RANDOM_STATE).fit_predict(C)

    with limited_threads():
        if into is None:
            tried = {}
            for k in SPLIT_AUTO:
                if 2 * k > len(members):
                    continue
                labels = fit(k)
                if len(set(labels.tolist())) > 1:
                    tried[k] = (float(silhouette_score(C, labels, metric="cosine")), labels)
            k = max(tried, key=lambda k: (round(tried[k][0], 9), -k))
            labels = tried[k][1]
        else:
            labels = fit(into)
    groups = [np.flatnonzero(labels == c).tolist() for c in sorted(set(labels.tolist()))]
    groups.sort(key=lambda g: (-len(g), min(members[i] for i in g)))
    texts = {r["id"]: r["text"] for r in db.query(
        f"select id, text from findings where id in ({','.join('?' * len(members))})", members)}
    described = _describe([[texts[members[i]] for i in g] for g in groups])
    parts = []
    for g, (label, terms) in zip(groups, described):
        centre = _unit(C[g].mean(axis=0))
        rep = g[int(np.argmax(C[g] @ centre))]
        parts.append({"members": sorted(members[i] for i in g), "label": label, "terms": terms,
                      "representative": members[rep]})
    return parts


def _describe(part_texts: list[list[str]], n_terms: int = 8) -> list[tuple[str, list[str]]]:
    """A label and terms for each part: class-based TF-IDF over the parts
    (their words weighed against their spread over the parts), words shared
    by a good part of the members first."""
    lemmas = _lemmatizer()
    term_lists = [[[t for t in lemmas(x) if len(t) > 2] for x in texts] for texts in part_texts]
    counts = [Counter(t for terms in part for t in terms) for part in term_lists]
    total: Counter = Counter()
    for c in counts:
        total.update(c)
    avg = sum(total.values()) / max(1, len(counts))
    out = []
    for part, c in zip(term_lists, counts):
        size = sum(c.values()) or 1
        weight = {t: (n / size) * math.log(1 + avg / total[t]) for t, n in c.items()}
        share = Counter(t for terms in part for t in set(terms))
        need = max(2, math.ceil(LABEL_SHARE * len(part)))
        ranked = sorted(weight, key=lambda t: (-weight[t], t))
        shared = [t for t in ranked if share[t] >= need]
        top = (shared + [t for t in ranked if t not in shared])[:n_terms]
        label = ", ".join(shared[:3]) or (top[0] if top else "")
        out.append((label or "split part", top))
    return out


def _lemmatizer():
    """Content lemmas of a text (the themes' Swedish analyser); plain words
    when the language data is not there."""
    try:
        from .swedish import SwedishAnalyzer

        return SwedishAnalyzer(split_compounds=False).lemmas
    except (ImportError, OSError):  # pragma: no cover - spaCy is a dependency
        import re

        return lambda text: re.findall(r"[a-zåäöéü]{3,}", text.lower())


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v)
    return v / n if n > 0 else v


def _unit_rows(m: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(n == 0, 1, n)


__all__ = ["CurationError", "Outcome", "apply", "decisions", "describe", "lineage", "merge", "move", "rename",
           "split"]
