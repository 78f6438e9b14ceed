"""Benchmark: fit themes on 20,000 findings and assign 1,000 new ones.

    python tools/bench_themes.py [--findings 20000] [--new 1000]

The findings are synthesised from the sample reports by recombining phrases of
real findings (fixed seed), so their words are real evaluators' words. Each step
runs in its own process, so that its peak memory (max RSS) is its own:

* ``baseline``: TF-IDF on raw words + k-means (n_init=10) with the number of
  themes the fit chose, the reference the other figures are divided by;
* ``fit``: what ``make ingest`` does on a database without a model: choose k,
  fit, label, save under a scratch ``models/``;
* ``assign``: load that model and assign the new findings (``make ingest`` on
  a database with a model);
* ``fit, other core busy``: the fit again while another process keeps one core
  busy, as when other work shares the machine.

Figures are for comparison within one run: these machines are noisy.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_PHRASE = re.compile(r",\s+|\s+(?:och|samt|för att|med|inom|genom)\s+")
_JOIN = [" och ", " för att ", " med ", " inom ", ", "]


def synthesise(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """``n`` findings made of 1-3 phrases of real ones, and the report text."""
    from pipeline import store
    from pipeline.ingest import ingest

    tmp = Path(tempfile.mkdtemp())
    ingest(sorted((ROOT / "raw_reports").glob("*.txt")), tmp / "b.db", None)
    db = store.open_db(tmp / "b.db")
    texts = [r["text"] for r in db.query("select text from findings order by id")]
    phrases = sorted({p.strip(" .") for t in texts for p in _PHRASE.split(t) if len(p.split()) >= 2})
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = rng.sample(phrases, rng.choice((1, 2, 2, 3)))
        text = parts[0]
        for part in parts[1:]:
            text += rng.choice(_JOIN) + part[0].lower() + part[1:]
        out.append(text[0].upper() + text[1:])
    return out, store.report_text(db)


def _vectors(texts: list[str]):
    """Stand-ins for the stored sentence vectors, of their shape: a fit reads
    them from the database (the encoder's cost is in make bench's ingest)."""
    import hashlib

    import numpy as np

    out = np.empty((len(texts), 384), dtype=np.float32)
    for i, t in enumerate(texts):
        seed = int.from_bytes(hashlib.sha256(t.encode()).digest()[:4], "little")
        out[i] = np.random.RandomState(seed).randn(384)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def step(name: str, data: Path, work: Path) -> dict:
    payload = json.loads(data.read_text("utf-8"))
    fit, new, corpus = payload["fit"], payload["new"], payload["corpus"]
    start = time.perf_counter()
    result: dict = {}
    if name == "baseline":
        from sklearn.cluster import KMeans
        from sklearn.feature_extraction.text import TfidfVectorizer

        X = TfidfVectorizer().fit_transform(fit)
        KMeans(payload["k"], n_init=10, random_state=0).fit(X)
    elif name == "fit":
        from pipeline.nlp.themes import ThemeModel

        model = ThemeModel(random_state=0).fit(fit, corpus, vectors=_vectors(fit))
        model.save(work / "models" / "themes")
        result = {"k": len(model.themes_), "outliers": int((model.labels_ < 0).sum()),
                  "ks_tried": len(model.k_scores_)}
    elif name == "assign":
        from pipeline.nlp.themes import ThemeModel

        model = ThemeModel.load(work / "models" / "themes")
        ids, _ = model.predict(new, vectors=_vectors(new))
        result = {"outliers": sum(i is None for i in ids)}
    result["seconds"] = time.perf_counter() - start
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def run(name: str, data: Path, work: Path, busy: bool = False) -> dict:
    # the busy process spins in pure Python: one core's worth of other work
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
    try:
        out = subprocess.run([sys.executable, __file__, "--step", name, "--data", str(data), "--work", str(work)],
                             check=True, capture_output=True, text=True)
    finally:
        if spinner is not None:
            spinner.kill()
            spinner.wait()
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=20_000)
    parser.add_argument("--new", type=int, default=1_000)
    parser.add_argument("--step")
    parser.add_argument("--data", type=Path)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args(argv)
    if args.step:
        print(json.dumps(step(args.step, args.data, args.work)))
        return
    work = Path(tempfile.mkdtemp())
    texts, corpus = synthesise(args.findings + args.new)
    data = work / "data.json"
    data.write_text(json.dumps({"fit": texts[: args.findings], "new": texts[args.findings:],
                                "corpus": corpus}, ensure_ascii=False), "utf-8")
    print(f"{args.findings} synthesised findings to fit, {args.new} to assign "
          f"({len(set(texts))} distinct texts).")
    fit = run("fit", data, work)
    payload = json.loads(data.read_text("utf-8"))
    payload["k"] = fit["k"]
    data.write_text(json.dumps(payload, ensure_ascii=False), "utf-8")
    base = run("baseline", data, work)
    assign = run("assign", data, work)
    busy = run("fit", data, work, busy=True)
    print(f"themes chosen: {fit['k']} (of {fit['ks_tried']} values of k tried), "
          f"outliers: {fit['outliers']} at fit, {assign['outliers']} of the new findings\n")
    print(f"{'step':44} {'seconds':>8} {'× baseline':>11} {'peak MB':>8} {'× baseline':>11}")
    for name, r in [("baseline: TF-IDF raw words + k-means, same k", base),
                    (f"fit {args.findings} (choose k, fit, label, save)", fit),
                    (f"assign {args.new} (load model, predict)", assign),
                    ("fit again, the other core busy", busy)]:
        print(f"{name:44} {r['seconds']:8.1f} {r['seconds'] / base['seconds']:11.2f} "
              f"{r['peak_mb']:8.0f} {r['peak_mb'] / base['peak_mb']:11.2f}")


if __name__ == "__main__":
    main()
