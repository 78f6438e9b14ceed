#!/usr/bin/env python3
"""A corpus of scans of our own for measuring the OCR path, split once into a
development half and a test half.

    .venv/bin/python tools/make_scan_corpus.py [--corpus build/bench-corpus] [--out build/scan-corpus] [--rebuild]

Sources: the short (at most ``MAX_PAGES`` pages: the 2016-2019 layout) PDFs
of the bench corpus (``tools/make_bench_corpus.py``), read whole so that the
score overview and every area section are there. Their producer is the last
part of the file name (``-chromium.pdf``, ``-lo-ruled.pdf``, ...). For each
producer the candidates are ranked by the SHA-256 of their file name (the
seed ``SEED``), and the first ``SCANS_PER_PRODUCER + 1`` are taken:

* ``SCANS_PER_PRODUCER`` are scanned by ``tools/make_scans.py``, each with one
  scanner-fault profile of ``PROFILES``: 14 fault kinds (resolution, grey /
  colour JPEG / 1-bit, skew, noise, blur, lid border, sheets fed upside down
  or sideways), each in a dev and a test version (a little different skew,
  noise or JPEG quality);
* one more becomes a "garbage text layer" file: every font's /ToUnicode map
  removed (``qpdf --qdf``, ``/ToUnicode`` renamed ``/ToUnicodX``, written
  again by qpdf), as a print round trip that loses them leaves it: the pages
  look exactly the same, but the text layer is glyph codes. Each is checked:
  pdftotext finds (almost) none of the Swedish words the original has, and
  page 1 renders to the same pixels.

The split is fixed by a rule decided once, not drawn: the dev versions of
the 14 fault kinds go to the producers in the order ``DEV_ORDER`` (round
robin), the test versions in ``TEST_ORDER`` (the same order turned by two),
so a fault kind meets a different producer in each half; a producer's
sources (in SHA-256 order) fill its dev places first, then its test places.
The two producers with one dev scan fewer have their garbage-layer file in
dev, the other two in test: every producer has 4 files in each half, and
each half has a Chromium (Skia) and a LibreOffice garbage layer, whose junk
differs (shifted letters vs. control characters).

``--crossings`` makes a second development set, for the pairings the dev
half lacks: each fault kind's *dev* options on the producer the *test* half
gave that kind (so every producer-and-fault pairing of the test half can be
studied without looking at it), from sources neither half uses (the next
ones in the same ranking). It goes to ``build/scan-corpus-cross/dev/``,
split "dev", without garbage layers.

Everything is written to ``build/scan-corpus/{dev,test}/`` with a manifest
``build/scan-corpus/manifest.json``: for each file its split, source PDF (and
its SHA-256), producer, profile, the make_scans options (with ``--seed``) or
"garbage-layer", its pages and its own SHA-256. The same arguments give the
same bytes; a file already there whose entry is unchanged is not made again
(``--rebuild`` makes everything again).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: names the selection's ranking (change it and a different corpus is drawn)
SEED = "scan-corpus-v1"
#: the 2016-2019 reports have 11-13 pages, the 2020-2024 ones 20-24
MAX_PAGES = 13
SCANS_PER_PRODUCER = 7
PRODUCERS = ("chromium", "lo-borderless", "lo-ruled", "lo-tagged")
DEV_ORDER = ("lo-borderless", "lo-tagged", "chromium", "lo-ruled")
TEST_ORDER = DEV_ORDER[2:] + DEV_ORDER[:2]
#: fault kind, dev options, test options (make_scans; the seed is added per file)
PROFILES = [
    ("300-grey", "--dpi 300 --angle 0.3 --noise 6", "--dpi 300 --angle -0.2 --noise 5"),
    ("200-grey-blur0.5", "--dpi 200 --angle -0.4 --noise 8 --blur 0.5", "--dpi 200 --angle 0.45 --noise 7 --blur 0.6"),
    ("150-grey", "--dpi 150 --angle 1.0 --noise 6", "--dpi 150 --angle -0.8 --noise 5"),
    ("300-colour-q60", "--dpi 300 --colour --angle -1.2 --noise 8 --jpeg-quality 60",
     "--dpi 300 --colour --angle 1.4 --noise 7 --jpeg-quality 65"),
    ("200-colour-q40", "--dpi 200 --colour --angle 0.8 --noise 10 --jpeg-quality 40",
     "--dpi 200 --colour --angle -0.6 --noise 9 --jpeg-quality 45"),
    ("150-colour-q75", "--dpi 150 --colour --angle -0.3 --noise 5 --jpeg-quality 75",
     "--dpi 150 --colour --angle 0.2 --noise 6 --jpeg-quality 70"),
    ("300-bilevel", "--dpi 300 --bilevel --angle 0.4 --noise 6", "--dpi 300 --bilevel --angle -0.35 --noise 8"),
    ("200-bilevel", "--dpi 200 --bilevel --angle -1.5 --noise 8", "--dpi 200 --bilevel --angle 1.3 --noise 6"),
    ("300-skew2", "--dpi 300 --angle 2.0 --noise 4", "--dpi 300 --angle -1.9 --noise 5"),
    ("200-skew-blur1", "--dpi 200 --angle -1.8 --noise 6 --blur 1.0", "--dpi 200 --angle 1.6 --noise 6 --blur 0.9"),
    ("300-border-noise12", "--dpi 300 --angle 0.6 --noise 12 --border", "--dpi 300 --angle -0.7 --noise 11 --border"),
    ("300-colour-border-blur", "--dpi 300 --colour --angle -0.7 --noise 8 --jpeg-quality 50 --border --blur 0.8",
     "--dpi 300 --colour --angle 0.9 --noise 7 --jpeg-quality 55 --border --blur 1.2"),
    ("300-rot180", "--dpi 300 --angle 0.45 --noise 6 --rotate 180", "--dpi 300 --angle -0.5 --noise 6 --rotate 180"),
    ("200-rot90", "--dpi 200 --angle -0.6 --noise 6 --rotate 90", "--dpi 200 --angle 0.7 --noise 7 --rotate 90"),
]
GARBAGE = "garbage-layer"
#: words every report's text has many of; a garbage layer must have next to none
SWEDISH_WORDS = ("och", "att", "kommun", "kommunen", "för", "som", "med", "har", "det", "av")
#: "<nnn>-<code>-<municipality>-<year>-<producer>.pdf"
NAME = re.compile(r"^\d+-\d{4}-.+-\d{4}-(?P<producer>[a-z][a-z0-9-]*)\.pdf$")


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def rel(path: Path) -> str:
    """``path`` relative to the repository when inside it."""
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def page_count(pdf: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def candidates(corpus: Path, extra: int = 0) -> dict[str, list[Path]]:
    """The short PDFs of each producer, ranked by the SHA-256 of ``SEED`` and
    the name (at least ``extra`` more than the corpus takes)."""
    found: dict[str, list[Path]] = {p: [] for p in PRODUCERS}
    for pdf in corpus.glob("*.pdf"):
        m = NAME.match(pdf.name)
        if m and m["producer"] in found and page_count(pdf) <= MAX_PAGES:
            found[m["producer"]].append(pdf)
    for producer, pdfs in found.items():
        if len(pdfs) < SCANS_PER_PRODUCER + 1 + extra:
            raise SystemExit(f"{corpus}: only {len(pdfs)} short {producer} PDFs, "
                             f"{SCANS_PER_PRODUCER + 1 + extra} needed (make the bench corpus first: make bench)")
        pdfs.sort(key=lambda p: sha256(f"{SEED}:{p.name}"))
    return found


def plan(corpus: Path, crossings: bool = False) -> list[dict]:
    """Every file of the corpus (or with ``crossings`` of the second dev set):
    source, split, profile, options (nothing made yet)."""
    ranked = candidates(corpus, extra=SCANS_PER_PRODUCER if crossings else 0)
    if crossings:
        entries = []
        taken = {p: SCANS_PER_PRODUCER + 1 for p in PRODUCERS}
        for k, profile in enumerate(PROFILES):
            producer = TEST_ORDER[k % len(TEST_ORDER)]
            src = ranked[producer][taken[producer]]
            taken[producer] += 1
            entries.append({"split": "dev", "source": src, "producer": producer, "profile": profile[0],
                            "options": profile[1]})
        return _named(entries)
    entries = []
    taken = {p: 0 for p in PRODUCERS}
    for split, column, order in (("dev", 1, DEV_ORDER), ("test", 2, TEST_ORDER)):
        for k, profile in enumerate(PROFILES):
            producer = order[k % len(order)]
            src = ranked[producer][taken[producer]]
            taken[producer] += 1
            entries.append({"split": split, "source": src, "producer": producer, "profile": profile[0],
                            "options": profile[column]})
    assert all(n == SCANS_PER_PRODUCER for n in taken.values()), taken
    dev_scans = {p: sum(e["split"] == "dev" and e["producer"] == p for e in entries) for p in PRODUCERS}
    fewest = min(dev_scans.values())
    for producer in PRODUCERS:
        entries.append({"split": "dev" if dev_scans[producer] == fewest else "test",
                        "source": ranked[producer][SCANS_PER_PRODUCER], "producer": producer,
                        "profile": GARBAGE, "options": GARBAGE})
    return _named(entries)


def _named(entries: list[dict]) -> list[dict]:
    """Each entry given its file name and its scan's seed (from that name)."""
    for e in entries:
        stem = e["source"].stem
        e["file"] = f"{e['split']}/{stem}--{e['profile']}.pdf"
        if e["options"] != GARBAGE:
            e["options"] += f" --seed {int(sha256(e['file'])[:8], 16)}"
    return entries


def words(text: str) -> int:
    """How many of ``SWEDISH_WORDS`` ``text`` has."""
    return sum(w in SWEDISH_WORDS for w in re.findall(r"\w+", text.lower()))


def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True, errors="replace").stdout


def same_rendering(a: Path, b: Path, page: int = 0) -> bool:
    import numpy as np
    import pypdfium2 as pdfium

    def pixels(pdf: Path):
        doc = pdfium.PdfDocument(pdf)
        try:
            return np.asarray(doc[page].render(scale=100 / 72, grayscale=True).to_pil().convert("L"))
        finally:
            doc.close()

    pa, pb = pixels(a), pixels(b)
    return pa.shape == pb.shape and bool((pa == pb).all()) and (pa < 128).mean() > 0.005


def make_garbage_layer(src: Path, out: Path) -> None:
    """``src`` with every font's /ToUnicode map gone (renamed: the same length,
    so qpdf's QDF offsets stay right), written again by qpdf (deterministic
    /ID); checked to render the same and to give pdftotext no Swedish."""
    for tool in ("qpdf", "pdftotext"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is needed: apt-get install -y {'qpdf' if tool == 'qpdf' else 'poppler-utils'}")
    with tempfile.TemporaryDirectory() as tmp:
        qdf, cut = Path(tmp) / "qdf.pdf", Path(tmp) / "cut.pdf"
        subprocess.run(["qpdf", "--qdf", "--object-streams=disable", "--deterministic-id", str(src), str(qdf)],
                       check=True)
        data = qdf.read_bytes()
        if b"/ToUnicode" not in data:
            raise SystemExit(f"{src}: no /ToUnicode map to remove")
        cut.write_bytes(data.replace(b"/ToUnicode", b"/ToUnicodX"))
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["qpdf", "--deterministic-id", str(cut), str(out)], check=True)
    before, after = words(pdftotext(src)), words(pdftotext(out))
    if before < 50 or after > before * 0.02:
        raise SystemExit(f"{out}: the text layer still reads ({after} Swedish words, {before} before): "
                         "choose another producer")
    if not same_rendering(src, out):
        raise SystemExit(f"{out}: page 1 no longer renders as {src.name} does")


def make(entry: dict, out_dir: Path) -> None:
    from tools.make_scans import main as make_scans

    out = out_dir / entry["file"]
    if entry["options"] == GARBAGE:
        make_garbage_layer(ROOT / entry["source"], out)
    else:
        make_scans([str(ROOT / entry["source"]), *shlex.split(entry["options"]), "--out", str(out)])


def made(planned: list[dict], out_dir: Path, rebuild: bool, folders: tuple[str, ...]) -> list[dict]:
    """Each planned file (file, split, source, producer, profile, options)
    made into ``out_dir``, or kept when its manifest entry and bytes are
    unchanged; files in ``folders`` no longer planned removed. Returns the
    manifest entries (with pages and SHA-256)."""
    manifest_path = out_dir / "manifest.json"
    before = {}
    if manifest_path.exists() and not rebuild:
        before = {e["file"]: e for e in json.loads(manifest_path.read_text())["files"]}
    entries = []
    for e in planned:
        src = e["source"]
        pages = page_count(src)
        entry = {"file": e["file"], "split": e["split"], "source": rel(src),
                 "source_sha256": sha256(src.read_bytes()), "producer": e["producer"], "profile": e["profile"],
                 "options": e["options"], "pages": list(range(1, pages + 1))}
        out = out_dir / entry["file"]
        old = before.get(entry["file"])
        if (old and out.exists() and {k: old.get(k) for k in entry} == entry
                and sha256(out.read_bytes()) == old.get("sha256")):
            print(f"kept {entry['file']}")
        else:
            make(entry, out_dir)
        if page_count(out) != pages:
            raise SystemExit(f"{out}: {page_count(out)} pages, {rel(src)} has {pages}")
        entry["sha256"] = sha256(out.read_bytes())
        entries.append(entry)
    wanted = {out_dir / e["file"] for e in entries}
    for folder in folders:
        for stale in sorted((out_dir / folder).glob("*.pdf")):
            if stale not in wanted:
                stale.unlink()
                print(f"removed {stale.relative_to(out_dir)} (not planned any more)")
    return entries


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "build" / "bench-corpus")
    ap.add_argument("--out", type=Path, help="default build/scan-corpus (build/scan-corpus-cross with --crossings)")
    ap.add_argument("--crossings", action="store_true",
                    help="the second dev set: the test half's producer-and-fault pairings with dev options")
    ap.add_argument("--rebuild", action="store_true", help="make every file again")
    args = ap.parse_args(argv)
    out = args.out or ROOT / "build" / ("scan-corpus-cross" if args.crossings else "scan-corpus")
    manifest_path = out / "manifest.json"
    entries = made(plan(args.corpus.resolve(), args.crossings), out, args.rebuild,
                   ("dev",) if args.crossings else ("dev", "test"))
    rule = (f"dev fault versions round robin over {list(DEV_ORDER)}, test over "
            f"{list(TEST_ORDER)}; sources by sha256('{SEED}:' + name) within a producer; "
            "garbage layers of the producers with fewer dev scans in dev")
    if args.crossings:
        rule = (f"dev fault versions round robin over {list(TEST_ORDER)} (the test half's pairings); "
                f"sources by sha256('{SEED}:' + name) within a producer, after the {SCANS_PER_PRODUCER + 1} "
                "the corpus takes")
    manifest = {"generator": "tools/make_scan_corpus.py" + (" --crossings" if args.crossings else ""),
                "seed": SEED, "corpus": rel(args.corpus), "split_rule": rule, "files": entries}
    write_manifest(manifest_path, manifest, PRODUCERS)
    return 0


def write_manifest(path: Path, manifest: dict, producers) -> None:
    """The manifest written, and per split what it holds (files, pages, files per producer)."""
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    entries = manifest["files"]
    for split in sorted({e["split"] for e in entries}):
        part = [e for e in entries if e["split"] == split]
        print(f"{split}: {len(part)} files, {sum(len(e['pages']) for e in part)} pages, producers "
              + ", ".join(f"{p} {sum(e['producer'] == p for e in part)}" for p in producers))
    print(f"wrote {rel(path)}")


if __name__ == "__main__":
    sys.exit(main())
