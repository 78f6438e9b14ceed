# Two commands set everything up on a fresh machine: `make ingest` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
REPORTS ?= raw_reports
DB ?= findings.db

.PHONY: ingest test install renditions clean eval bench bench-scans serve golden

# The environment is (re)built when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

ingest: $(VENV)/.installed
	$(BIN)/kompass ingest $(REPORTS) --db $(DB)

# Browse the database in Datasette, read-only, at http://127.0.0.1:8001
serve: $(VENV)/.installed
	$(BIN)/kompass serve --db $(DB)

# On every core (pytest-xdist), a test file's tests together in one worker so
# that its shared fixtures are built once.
test: $(VENV)/.installed
	$(BIN)/python -m pytest -q -n auto --dist loadfile

# Agreement of the themes with the reader's coding in ../shared/annotations,
# side by side with a TF-IDF + k-means baseline (docs/themes.md).
CODING ?= ../shared/annotations/themes-A.json
eval: $(VENV)/.installed
	$(BIN)/python tools/evaluate_themes.py --coding $(CODING)
	@# follow-up links against our own gold reading of the seed pair (docs/follow-up.md)
	$(BIN)/python tools/evaluate_links.py
	@# a codebook made of the same coding's labels and glosses, applied (docs/themes.md, "Codebooks")
	$(BIN)/python tools/evaluate_codebook.py --coding $(CODING)

# Speed and memory: PDF reading against pdftotext over the fixture PDFs (several
# producers; needs poppler-utils); the whole ingest of a 300-report corpus and its
# re-ingest against pdftotext over the same PDFs; then themes fitted on 20,000
# synthesised findings and 1,000 assigned.
bench: $(VENV)/.installed
	@command -v pdftotext >/dev/null || { echo "make bench needs pdftotext: apt-get install poppler-utils"; exit 2; }
	$(BIN)/python tools/bench_read.py tests/fixtures/producers tests/fixtures/torsas-2017.pdf tests/fixtures/torsas-2021.pdf
	@# a corpus of 300 distinct reports from six producers (needs LibreOffice and Chromium; built once, reused)
	$(BIN)/python tools/make_bench_corpus.py --out build/bench-corpus --reports 300
	$(BIN)/python tools/bench_read.py --runs 1 --no-plumber build/bench-corpus
	$(BIN)/python tools/bench_ingest.py build/bench-corpus
	$(BIN)/python tools/bench_themes.py
	@# seconds per scanned page, and the OCR reading against the born-digital one (needs Tesseract)
	$(BIN)/python tools/bench_ocr.py
	@# the producer fixtures rewritten by Ghostscript, read against their originals (needs ghostscript)
	@if command -v gs >/dev/null; then $(BIN)/python tools/bench_rewrites.py; else echo "skipped tools/bench_rewrites.py: apt-get install ghostscript"; fi
	@# hostile input: regular expressions on crafted text, and a mutation campaign beside a good report
	$(BIN)/python tools/bench_regexes.py
	$(BIN)/python tools/fuzz_ingest.py --files 100 --batch 25

# scans as different scanners make them (resolution, colour, black and white,
# skew, turned sheets, blur): built once into build/scan-variants/, each read
# and compared with its born-digital PDF; about 20 minutes
bench-scans: $(VENV)/.installed
	$(BIN)/python tools/bench_ocr_variants.py
	@# our own scan corpus: 32 bench-corpus reports (~400 pages) scanned with scanner
	@# faults or stripped of their /ToUnicode maps, split once into dev and test halves
	@# (needs the bench corpus of `make bench`, and qpdf); both halves about 30 minutes
	$(BIN)/python tools/make_bench_corpus.py --out build/bench-corpus --reports 300
	$(BIN)/python tools/make_scan_corpus.py
	$(BIN)/python tools/bench_scan_corpus.py
	@# the test half's producer-and-fault pairings in dev options, from other sources
	$(BIN)/python tools/make_scan_corpus.py --crossings
	$(BIN)/python tools/bench_scan_corpus.py --corpus build/scan-corpus-cross --split dev
	@# scans of four producers the corpus lacks (the fixtures' renditions): a development
	@# counterpart to study their layouts on, and the held-out set
	$(BIN)/python tools/make_scan_producers.py --dev
	$(BIN)/python tools/bench_scan_corpus.py --corpus build/scan-producers-dev --split dev
	$(BIN)/python tools/make_scan_producers.py
	$(BIN)/python tools/bench_scan_corpus.py --corpus build/scan-producers

# Rebuild the Word and PDF renditions of the seed reports (needs LibreOffice:
# apt-get install libreoffice-writer-nogui). CI does not: the results are committed.
renditions: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,fixtures]'
	$(BIN)/python tools/make_renditions.py

# the golden documents (tests/golden/): written again on purpose after a reader
# change that is meant; read the diff before committing it
golden: $(VENV)/.installed
	$(BIN)/python tools/write_golden.py

clean:
	rm -rf $(VENV) findings.db extracted/*.json .pytest_cache
