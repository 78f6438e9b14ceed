#!/usr/bin/env python3
"""Generate a benchmark corpus: many distinct Kommunkompassen-shaped reports from several producers.

Why
---
The fixtures hold two reports (Torsås 2017 and 2021) in a handful of renditions:
too few to time reading at scale, and a whole-ingest benchmark (~300 reports)
needs a corpus where every report is a different (municipality, year), as in
the real series, so that nothing is deduplicated away and the database grows
as it would. This script makes such a corpus from the two seeds with the
fixture tools' own builders, so every file has the shape kompass is tested on
(cover, running header, page footer, findings tables or lists, score
overview tables) while files differ in length, text and producer.

How
---
1. Plan (``plan_corpus``), deterministic from ``--seed``: report i takes the
   next municipality of a seeded shuffle of the register
   (``pipeline.extract.reference.municipalities()``; once all 290 are used, a
   new shuffle starts), seed ``SEEDS[(i // len(PRODUCERS)) % 2]`` (so every
   producer gets both seeds about equally), a year inside that seed's framework
   revision (``YEARS``) that the municipality has not had yet, and producer
   ``PRODUCERS[i % len(PRODUCERS)]``. No two reports share (municipality, year).
2. Vary the seed's blocks (``vary``; make_renditions' ``parse_seed`` gives the
   blocks), with a per-report seeded RNG:
   * rename: the report year where the seed year is the report's year (the
     evaluation sentence "… genomfördes i november 2021", the chart captions
     "Torsås resultat 2021", the total line "Torsås kommun 2021- 499 poäng");
     then every "Torsås": genitive where the seed uses it as one ("Torsås
     resultat" -> "Ales resultat"), compounds ("Torsåsborna",
     "Torsåsmagasinet"), web addresses and handles ("torsas.se",
     "@torsaskommun"), and the plain name ("Torsås kommun" -> "Trelleborgs
     kommun", "Arboga kommun"). The cover and the document title get the name
     and year through the ``Seed`` copy the builders take.
     No score is touched, so area sums and the total stay the seed's;
   * shuffle the findings inside each findings table cell (2021) and each
     bullet list under a STYRKOR / FÖRBÄTTRINGSOMRÅDEN label (2017);
   * drop ``DROP_FRACTION`` (10-30 %) of the long narrative paragraphs (body
     paragraphs of at least ``LONG_PARAGRAPH_CHARS``; never headings, tables,
     findings, labels, captions, or a paragraph naming points, the evaluation
     date or the evaluators: ``KEEP_PARAGRAPH``).
3. Build, by producer:
   * ``docx``: make_renditions' ``build_docx`` (ruled tables); its cached
     NUMPAGES field result is LibreOffice's page count (one scratch conversion);
   * ``lo-ruled``: LibreOffice PDF of that docx;
   * ``lo-borderless`` / ``lo-tagged``: make_producer_renditions'
     ``borderless_docx`` exported plain / tagged;
   * ``chromium``, ``reportlab``: make_producer_renditions' builders.
   Word files, chromium and reportlab PDFs are built in a process pool; the
   LibreOffice conversions go in batches of ``LO_BATCH`` files per soffice call
   (one call per export filter and batch, one private profile per parallel
   worker). LibreOffice PDFs get make_renditions' fixed dates and /ID, chromium's
   its fixed dates, reportlab runs invariant: the same arguments give the same
   files (and, with the same tool versions, the same bytes).
4. ``.manifest.json`` is written last (atomic rename): arguments, generator
   version, producers built, and per file its name, producer, municipality,
   code, year, seed, bytes and pages. A re-run with the same arguments and
   version whose files are all there (same sizes) does nothing.
5. ``--check`` reads every file with kompass (``read_document`` +
   ``extract_report``) and counts, per producer, the files giving the expected
   municipality code, year and total score (the seed's, as kompass extracts it
   from ``tests/fixtures/torsas-<year>.docx``) and exactly the findings (area,
   kind, text) that kompass reads from the same report's Word file (built
   again from the plan). Of the findings that differ it counts those marked
   doubtful (``Finding.doubt``): a wrong finding without a mark is a silent
   error. It lists every mismatch. Exit status 1 if there is any.

Needs soffice (LibreOffice) and chromium for their producers (skipped with a
note otherwise) and reportlab in the venv (``pip install -e '.[fixtures]'``).
No network.

Run:  .venv/bin/python tools/make_bench_corpus.py --out DIR [--reports 300] [--seed 0] [--check]
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_producer_renditions import (  # noqa: E402
    _chromium_binary,
    _is_findings_with_header,
    _stabilise_pdf,
    borderless_docx,
    build_chromium,
    build_reportlab,
)
from make_renditions import SEED_DIR, SEEDS, Para, Seed, Table, build_docx, parse_seed  # noqa: E402

from pipeline.extract.reference import Municipality, municipalities  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"

GENERATOR_VERSION = 1  # bump when the output for the same arguments changes
# hidden, so that kompass ingest (which skips hidden files) reads the folder as
# a folder of reports and nothing else
MANIFEST = ".manifest.json"
LEGACY_MANIFEST = "manifest.json"
DEFAULT_REPORTS = 300
PRODUCERS = ("docx", "lo-ruled", "lo-borderless", "lo-tagged", "chromium", "reportlab")
LO_PRODUCERS = frozenset({"lo-ruled", "lo-borderless", "lo-tagged"})
# Years of each seed's framework revision (2016 revision: 2016-2019; 2020 revision: 2020-).
YEARS = {"torsas-2017": range(2016, 2020), "torsas-2021": range(2020, 2025)}

SEED_NAME = "Torsås"
SEED_ASCII = "torsas"  # in web addresses and handles: "torsas.se", "Visittorsas", "@torsaskommun"
# Words after which the seeds use "Torsås" as a genitive ("Torsås resultat").
GENITIVE_BEFORE = ("resultat", "totalpoäng", "styrmodell", "medverkan", "marknad")
VOWELS = "aeiouyåäöé"
# Compounds led by the name ("Torsåsborna", "Torsåsmagasinet").
COMPOUND_TAILS = ("bor", "magasinet")
# Where the seed year is the report's year: the evaluation sentence, the chart
# captions and the printed total. ``{name}`` and ``{year}`` are filled per seed.
YEAR_CONTEXTS = (
    r"(genomfördes i [^.\d]{{0,40}}?){year}(?!\d)",
    r"({name} resultat (?:i jämförelse )?){year}(?!\d)",
    r"({name} kommun\s*[-–:,]?\s*){year}(?!\d)",
)
EVALUATION_SENTENCE = 0  # index in YEAR_CONTEXTS of the context every seed must have

DROP_FRACTION = (0.10, 0.30)
LONG_PARAGRAPH_CHARS = 200
KEEP_PARAGRAPH = re.compile(r"poäng|genomfördes|utvärderare", re.IGNORECASE)
FINDINGS_LABELS = frozenset({"STYRKOR", "FÖRBÄTTRINGSOMRÅDEN"})

LO_BATCH = 20  # files per soffice call
LO_TIMEOUT_PER_FILE = 60  # seconds
WORKERS = max(1, min(4, os.cpu_count() or 1))
TAGGED_FILTER = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'
PLAIN_FILTER = "pdf:writer_pdf_Export"


class BenchError(RuntimeError):
    """A one-line reason the corpus could not be built."""


# --------------------------------------------------------------------------
# 1. Plan
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    index: int  # 0-based position in the corpus
    producer: str
    seed: Seed  # the seed report (make_renditions.SEEDS)
    municipality: Municipality
    year: int
    rng_seed: int  # --seed
    width: int  # digits of the running number in file names

    @property
    def key(self) -> str:
        return f"{self.index + 1:0{self.width}d}-{self.municipality.code}-{slug(self.municipality.name)}-{self.year}"

    @property
    def filename(self) -> str:
        return f"{self.key}-{self.producer}.{'docx' if self.producer == 'docx' else 'pdf'}"

    def report_seed(self) -> Seed:
        """The Seed the builders take: this report's key, year and municipality (cover, title)."""
        return dataclasses.replace(self.seed, key=self.key, year=self.year,
                                   municipality=kommun_form(self.municipality.name))

    def rng(self) -> random.Random:
        return random.Random(f"kompass-bench:{self.rng_seed}:{self.index}")


def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def plan_corpus(n: int, rng_seed: int) -> list[Plan]:
    register = sorted(municipalities(), key=lambda m: m.code)
    capacity = len(register) * sum(len(y) for y in YEARS.values())
    if n < 1 or n > capacity:
        raise BenchError(f"--reports must be between 1 and {capacity} (municipalities x years)")
    rng = random.Random(f"kompass-bench:{rng_seed}")
    width = max(3, len(str(n)))
    used: set[tuple[str, int]] = set()
    order: list[Municipality] = []
    plans = []
    for i in range(n):
        if i % len(register) == 0:
            order = register[:]
            rng.shuffle(order)
        m = order[i % len(register)]
        first = (i // len(PRODUCERS)) % len(SEEDS)
        seed = year = None
        for k in range(len(SEEDS)):  # the planned seed, or the other if its years are used up
            candidate = SEEDS[(first + k) % len(SEEDS)]
            years = [y for y in YEARS[candidate.key] if (m.code, y) not in used]
            if years:
                seed, year = candidate, rng.choice(years)
                break
        assert seed is not None and year is not None  # capacity checked above
        used.add((m.code, year))
        plans.append(Plan(i, PRODUCERS[i % len(PRODUCERS)], seed, m, year, rng_seed, width))
    return plans


# --------------------------------------------------------------------------
# 2. Vary the blocks
# --------------------------------------------------------------------------


@lru_cache(maxsize=None)
def seed_blocks(key: str) -> tuple:
    seed = next(s for s in SEEDS if s.key == key)
    return tuple(parse_seed((SEED_DIR / seed.src).read_text(encoding="utf-8"), seed))


def genitive(name: str) -> str:
    return name if name[-1].lower() in "sxz" else name + "s"


def kommun_form(name: str) -> str:
    """The name before "kommun" as official names print it: "Trelleborgs kommun", "Arboga kommun",
    "Torsås kommun" (a genitive s after a final consonant other than s, x, z)."""
    return name if name[-1].lower() in VOWELS + "sxz" else name + "s"


def compound_stem(name: str) -> str:
    return name + "-" if re.search(r"[\s-]", name) else name


def rename(text: str, name: str, year: int, seed_year: int, hits: Counter) -> str:
    """The seed's text about Torsås in seed_year, about ``name`` in ``year``; counts year contexts hit."""
    for k, pattern in enumerate(YEAR_CONTEXTS):
        rx = re.compile(pattern.format(name=SEED_NAME, year=seed_year))
        text, n = rx.subn(lambda m: m.group(1) + str(year), text)
        hits[k] += n
    text = text.replace(SEED_ASCII, slug(name).replace("-", ""))
    tails = "|".join(COMPOUND_TAILS)
    text = re.sub(rf"\b{SEED_NAME}(?=(?:{tails}))", compound_stem(name), text)
    text = re.sub(rf"\b{SEED_NAME}(?= kommun)", kommun_form(name), text)
    words = "|".join(GENITIVE_BEFORE)
    text = re.sub(rf"\b{SEED_NAME}(?= (?:{words})\b)", genitive(name), text)
    return re.sub(rf"\b{SEED_NAME}\b", name, text)


def _texts(blocks: list):
    """Every text-bearing object (Heading or Para, in tables too), in document order."""
    for b in blocks:
        if isinstance(b, Table):
            for row in b.rows:
                for cell in row:
                    yield from cell
        else:
            yield b


def _shuffle_findings(blocks: list, rng: random.Random) -> None:
    for i, b in enumerate(blocks):
        if isinstance(b, Table) and b.kind == "findings":
            for row in b.rows[1 if _is_findings_with_header(b) else 0:]:
                for cell in row:
                    slots = [k for k, p in enumerate(cell) if p.text.strip()]
                    moved = [cell[k] for k in slots]
                    rng.shuffle(moved)
                    for k, p in zip(slots, moved):
                        cell[k] = p
        elif isinstance(b, Para) and b.kind == "label" and b.text.strip() in FINDINGS_LABELS:
            j = i + 1
            while j < len(blocks) and isinstance(blocks[j], Para) and blocks[j].kind == "bullet":
                j += 1
            items = blocks[i + 1:j]
            rng.shuffle(items)
            blocks[i + 1:j] = items


def _drop_narrative(blocks: list, rng: random.Random) -> list:
    long = [
        i for i, b in enumerate(blocks)
        if isinstance(b, Para) and b.kind == "normal" and len(b.text.strip()) >= LONG_PARAGRAPH_CHARS
        and not KEEP_PARAGRAPH.search(b.text)
    ]
    drop = set(rng.sample(long, round(len(long) * rng.uniform(*DROP_FRACTION))))
    out: list = []
    for i, b in enumerate(blocks):
        if i in drop:
            continue
        empty = isinstance(b, Para) and b.kind == "empty"
        if empty and out and isinstance(out[-1], Para) and out[-1].kind == "empty":
            continue  # the dropped paragraph's spacing would double up
        out.append(b)
    return out


def vary(plan: Plan) -> list:
    """This report's blocks: the seed's, renamed, findings shuffled, some narrative dropped."""
    blocks = copy.deepcopy(list(seed_blocks(plan.seed.key)))
    hits: Counter = Counter()
    for obj in _texts(blocks):
        obj.text = rename(obj.text, plan.municipality.name, plan.year, plan.seed.year, hits)
    if not hits[EVALUATION_SENTENCE]:
        raise BenchError(f"{plan.seed.key}: the evaluation sentence with the year was not found")
    if plan.municipality.name != SEED_NAME:
        left = [o.text for o in _texts(blocks) if re.search(r"torsås|torsas", o.text, re.IGNORECASE)]
        if left:
            raise BenchError(f"{plan.seed.key}: the seed's name is left in {left[0][:60]!r}")
    rng = plan.rng()
    _shuffle_findings(blocks, rng)
    return _drop_narrative(blocks, rng)


# --------------------------------------------------------------------------
# 3. Build
# --------------------------------------------------------------------------


def available_producers() -> tuple[tuple[str, ...], list[str]]:
    """The producers this machine can build, and one note per missing tool."""
    skip: set[str] = set()
    notes = []
    if shutil.which("soffice") is None:
        skip |= LO_PRODUCERS
        notes.append("soffice (LibreOffice) not found: skipping " + ", ".join(sorted(LO_PRODUCERS)))
    if _chromium_binary() is None:
        skip.add("chromium")
        notes.append("chromium not found: skipping chromium")
    try:
        import reportlab  # noqa: F401
    except ImportError:
        skip.add("reportlab")
        notes.append("reportlab not installed (.venv/bin/pip install -e '.[fixtures]'): skipping reportlab")
    return tuple(p for p in PRODUCERS if p not in skip), notes


def _docx_bytes(plan: Plan, numpages: int) -> bytes:
    data = build_docx(vary(plan), plan.report_seed(), numpages)
    return borderless_docx(data, plan.report_seed()) if plan.producer in ("lo-borderless", "lo-tagged") else data


def prepare(plan: Plan, work: Path) -> Path:
    """Stage 1 (process pool): the final file (chromium, reportlab) or the Word file LibreOffice
    converts (lo-*, and docx's scratch conversion for its page count)."""
    if plan.producer in ("docx", *LO_PRODUCERS):
        path = work / "lo-in" / f"{plan.key}-{plan.producer}.docx"
        path.write_bytes(_docx_bytes(plan, 0))
        return path
    own = work / plan.key
    own.mkdir()
    builder = build_chromium if plan.producer == "chromium" else build_reportlab
    return builder(plan.report_seed(), vary(plan), own)


def final_docx(plan: Plan, numpages: int, out: Path) -> Path:
    """Stage 3 (process pool): the docx producer's file with NUMPAGES cached as LibreOffice counts."""
    path = out / plan.filename
    path.write_bytes(_docx_bytes(plan, numpages))
    return path


def soffice_batch(files: list[Path], out_dir: Path, profile: Path, export_filter: str) -> None:
    cmd = [
        "soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
        "--convert-to", export_filter, "--outdir", str(out_dir), *map(str, files),
    ]
    try:
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=60 + LO_TIMEOUT_PER_FILE * len(files))
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise BenchError(f"soffice failed on a batch of {len(files)} files starting {files[0].name}: {exc}") from exc
    for f in files:
        if not (out_dir / (f.stem + ".pdf")).exists():
            raise BenchError(f"LibreOffice did not convert {f.name}")


def convert_all(jobs: list[tuple[Path, bool]], out_dir: Path, work: Path) -> None:
    """Convert (docx, tagged) jobs in batches, ``WORKERS`` soffice processes side by side,
    each with its own profile."""
    batches = []
    for tagged in (False, True):
        files = [f for f, t in jobs if t == tagged]
        batches += [(files[k:k + LO_BATCH], tagged) for k in range(0, len(files), LO_BATCH)]
    profiles: dict[int, Path] = {}
    lock = threading.Lock()

    def run(batch: tuple[list[Path], bool]) -> None:
        with lock:
            profile = profiles.setdefault(threading.get_ident(), work / f"lo-profile-{len(profiles)}")
        soffice_batch(batch[0], out_dir, profile, TAGGED_FILTER if batch[1] else PLAIN_FILTER)

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(run, batches))


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def build(plans: list[Plan], out: Path) -> list[dict]:
    """Build every planned file into ``out``; returns the manifest's file entries.

    Without LibreOffice the docx producer's page count is unknown: NUMPAGES is cached
    as 0 and the manifest says ``"pages": null``."""
    count_docx_pages = shutil.which("soffice") is not None
    with tempfile.TemporaryDirectory(prefix="kompass-bench-") as tmp:
        work = Path(tmp)
        (work / "lo-in").mkdir()
        lo_out = work / "lo-out"
        lo_out.mkdir()
        with ProcessPoolExecutor(WORKERS) as pool:
            prepared = list(pool.map(prepare, plans, [work] * len(plans)))

        jobs = [(p, plan.producer == "lo-tagged") for plan, p in zip(plans, prepared)
                if plan.producer in LO_PRODUCERS or (plan.producer == "docx" and count_docx_pages)]
        if jobs:
            convert_all(jobs, lo_out, work)

        pages: dict[int, int | None] = {}
        docx_plans = []
        for plan, src in zip(plans, prepared):
            if plan.producer == "docx":
                pages[plan.index] = page_count(lo_out / (src.stem + ".pdf")) if count_docx_pages else None
                docx_plans.append(plan)
                continue
            dst = out / plan.filename
            if plan.producer in LO_PRODUCERS:
                dst.write_bytes(_stabilise_pdf((lo_out / (src.stem + ".pdf")).read_bytes()))
            else:
                shutil.move(str(src), dst)
            pages[plan.index] = page_count(dst)
        if docx_plans:
            with ProcessPoolExecutor(WORKERS) as pool:
                list(pool.map(final_docx, docx_plans, [pages[p.index] or 0 for p in docx_plans],
                              [out] * len(docx_plans)))

    return [
        {
            "name": plan.filename,
            "producer": plan.producer,
            "municipality": plan.municipality.name,
            "municipality_code": plan.municipality.code,
            "year": plan.year,
            "seed": plan.seed.key,
            "bytes": (out / plan.filename).stat().st_size,
            "pages": pages[plan.index],
        }
        for plan in plans
    ]


# --------------------------------------------------------------------------
# 4. Manifest
# --------------------------------------------------------------------------


def manifest_header(reports: int, rng_seed: int, producers: tuple[str, ...]) -> dict:
    return {
        "generator": "tools/make_bench_corpus.py",
        "version": GENERATOR_VERSION,
        "reports": reports,
        "seed": rng_seed,
        "producers": list(producers),
    }


def read_manifest(out: Path) -> dict | None:
    for name in (MANIFEST, LEGACY_MANIFEST):
        try:
            return json.loads((out / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return None


def up_to_date(manifest: dict | None, header: dict, out: Path) -> bool:
    if manifest is None or any(manifest.get(k) != v for k, v in header.items()):
        return False
    return all((out / f["name"]).is_file() and (out / f["name"]).stat().st_size == f["bytes"]
               for f in manifest.get("files", []))


def write_manifest(out: Path, manifest: dict) -> None:
    tmp = out / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, out / MANIFEST)
    (out / LEGACY_MANIFEST).unlink(missing_ok=True)


# --------------------------------------------------------------------------
# 5. Check with kompass
# --------------------------------------------------------------------------

CHECKED = ("municipality", "year", "total", "findings")


def _extract(path: Path) -> dict:
    from pipeline.extract import extract_report
    from pipeline.readers import read_document

    try:
        r = extract_report(read_document(path))
    except Exception as exc:  # a reading failure is a result here, not a crash
        return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}
    return {"municipality": r.municipality_code, "year": r.year, "total": r.total_score,
            "findings": [(f.area, f.kind, f.text, bool(f.doubt)) for f in r.findings], "name": r.municipality}


def _check_one(job: tuple[Path, Plan | None]) -> dict:
    """A corpus file as kompass reads it, with the findings kompass reads from
    the same report's Word file (its own when it is one)."""
    path, plan = job
    got = _extract(path)
    if plan is None or "error" in got:
        got["reference"] = got.get("findings")
        return got
    with tempfile.TemporaryDirectory() as tmp:
        docx = Path(tmp) / f"{plan.key}.docx"
        docx.write_bytes(_docx_bytes(plan, 0))
        ref = _extract(docx)
    got["reference"] = ref.get("findings")
    return got


def _compare_findings(got: list, reference: list | None) -> tuple[int, int, int]:
    """(findings that differ from the Word file's, of them marked doubtful, Word findings not found)."""
    if reference is None:
        return len(got), sum(d for *_, d in got), 0
    left = Counter((a, k, t) for a, k, t, _ in reference)
    wrong = marked = 0
    for a, k, t, doubt in got:
        if left[(a, k, t)] > 0:
            left[(a, k, t)] -= 1
        else:
            wrong += 1
            marked += doubt
    return wrong, marked, sum(left.values())


def expected_by_seed() -> dict[str, dict]:
    """What kompass extracts from each seed's Word fixture: total score and number of findings."""
    out = {}
    for seed in SEEDS:
        fixture = FIXTURES / f"{seed.key}.docx"
        if not fixture.exists():
            raise BenchError(f"--check needs the seed fixture {fixture.relative_to(ROOT)}")
        got = _extract(fixture)
        if "error" in got or got["total"] is None:
            raise BenchError(f"kompass cannot read the total of {fixture.name}: {got.get('error', 'no total')}")
        out[seed.key] = {"total": got["total"], "findings": len(got["findings"])}
    return out


def check(out: Path, files: list[dict], plans: dict[str, Plan]) -> int:
    expected = expected_by_seed()
    jobs = [(out / f["name"], plans.get(f["name"]) if f["producer"] != "docx" else None) for f in files]
    with ProcessPoolExecutor(WORKERS) as pool:
        results = list(pool.map(_check_one, jobs))
    per: dict[str, Counter] = defaultdict(Counter)
    mismatches = []
    for f, got in zip(files, results):
        c = per[f["producer"]]
        c["files"] += 1
        if "error" in got:
            mismatches.append(f"{f['name']}: read error: {got['error']}")
            continue
        want = {"municipality": f["municipality_code"], "year": f["year"], "total": expected[f["seed"]]["total"]}
        wrong, marked, missing = _compare_findings(got["findings"], got["reference"])
        c["read"] += len(got["findings"])
        c["wrong"] += wrong
        c["marked"] += marked
        bad = [k for k in CHECKED if k != "findings" and got[k] != want[k]]
        if wrong or missing:
            bad.append("findings")
        for k in CHECKED:
            c[k] += k not in bad
        c["ok"] += not bad
        if bad:
            detail = ", ".join(
                f"{k} {want[k]} != {got[k]}" + (f" ({got['name']})" if k == "municipality" else "")
                for k in bad if k != "findings"
            )
            if "findings" in bad:
                detail += (", " if detail else "") + (
                    f"findings: {wrong} of {len(got['findings'])} differ from the Word file's ({marked} marked "
                    f"doubtful), {missing} of the Word file's not found")
            mismatches.append(f"{f['name']} [{f['seed']}]: {detail}")
    cols = ("files", *CHECKED, "ok")
    print(f"{'producer':<14}" + "".join(f"{c:>13}" for c in cols))
    total: Counter = Counter()
    for producer in [p for p in PRODUCERS if p in per]:
        c = per[producer]
        total.update(c)
        print(f"{producer:<14}{c['files']:>13}" + "".join(f"{c[k]:>13}" for k in cols[1:]))
    print(f"{'all':<14}{total['files']:>13}" + "".join(f"{total[k]:>13}" for k in cols[1:]))
    print("expected per seed: "
          + "; ".join(f"{k}: total {v['total']:g}, {v['findings']} findings" for k, v in expected.items()))
    print(f"findings read: {total['read']}; differing from the Word file's: {total['wrong']}, of them marked "
          f"doubtful (findings.doubt and a report flag): {total['marked']}; silent: {total['wrong'] - total['marked']}")
    if mismatches:
        print(f"{len(mismatches)} mismatches:")
        for m in mismatches:
            print("  " + m)
    else:
        print("no mismatches")
    return 1 if mismatches else 0


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, required=True, help="folder for the corpus and its .manifest.json")
    ap.add_argument("--reports", type=int, default=DEFAULT_REPORTS,
                    help=f"number of reports (default {DEFAULT_REPORTS})")
    ap.add_argument("--seed", type=int, default=0, help="random seed of the plan and the variations (default 0)")
    ap.add_argument("--check", action="store_true", help="read every file with kompass and compare with the plan")
    args = ap.parse_args(argv)

    try:
        producers, notes = available_producers()
        for note in notes:
            print(note)
        out: Path = args.out
        out.mkdir(parents=True, exist_ok=True)
        header = manifest_header(args.reports, args.seed, producers)
        manifest = read_manifest(out)
        if up_to_date(manifest, header, out):
            print(f"corpus up to date: {out} ({len(manifest['files'])} files)")
            if (out / LEGACY_MANIFEST).exists():
                write_manifest(out, manifest)  # under its hidden name
        else:
            plans = [p for p in plan_corpus(args.reports, args.seed) if p.producer in producers]
            if manifest is not None:
                for name in (MANIFEST, LEGACY_MANIFEST):  # an interrupted rebuild must not look up to date
                    (out / name).unlink(missing_ok=True)
            started = time.perf_counter()
            files = build(plans, out)
            stale = {f["name"] for f in (manifest or {}).get("files", [])} - {f["name"] for f in files}
            for name in sorted(stale):
                (out / name).unlink(missing_ok=True)
            manifest = {**header, "files": files}
            write_manifest(out, manifest)
            by = Counter(f["producer"] for f in files)
            print(
                f"built {len(files)} files, {sum(f['pages'] or 0 for f in files)} pages, in "
                f"{time.perf_counter() - started:.0f} s into {out}: "
                + ", ".join(f"{p} {by[p]}" for p in PRODUCERS if by[p])
            )
        if args.check:
            return check(out, manifest["files"], {p.filename: p for p in plan_corpus(args.reports, args.seed)})
        return 0
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
