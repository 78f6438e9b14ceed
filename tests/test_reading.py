"""Files are read in worker processes: a file that hangs, crashes its reader or
runs out of memory is stopped and reported in one line while the others are
stored, and reading in parallel writes exactly what a serial run writes."""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest
import sqlite_utils

from conftest import sample
from pipeline import reading
from pipeline.ingest import ingest, report_files


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "reports"
    d.mkdir()
    for year in (2017, 2021):
        shutil.copy(sample(year, "txt"), d / f"torsas-{year}.txt")
        shutil.copy(sample(year, "docx"), d / f"torsas-{year}.docx")
    return d


def rows(db_path):
    db = sqlite_utils.Database(db_path)
    out = {}
    for t in ("reports", "areas", "questions", "findings", "sections", "flags", "sources"):
        out[t] = sorted(repr(sorted((k, v) for k, v in r.items() if k != "ingested_at")) for r in db[t].rows)
    return out


def test_parallel_reading_writes_what_serial_reading_writes(folder, tmp_path):
    one = ingest(report_files(folder), tmp_path / "one.db", None, jobs=1)
    two = ingest(report_files(folder), tmp_path / "two.db", None, jobs=2)
    assert [(o.path, o.status) for o in one.outcomes] == [(o.path, o.status) for o in two.outcomes]
    assert rows(tmp_path / "one.db") == rows(tmp_path / "two.db")
    assert sqlite_utils.Database(tmp_path / "two.db")["findings"].count == 142


@pytest.mark.parametrize("trouble", ["hangs", "crashes", "eats memory"])
def test_a_file_that_hangs_crashes_or_eats_memory_is_stopped_and_the_rest_stored(folder, tmp_path, monkeypatch,
                                                                                  trouble):
    real = reading.read_document

    def troubled(path, progress=None):
        if "2017.docx" in str(path):
            import tempfile

            (Path(tempfile.gettempdir()) / "page-0001.pgm").write_bytes(b"P5 an image OCR left")
            if trouble == "hangs":
                time.sleep(60)
            elif trouble == "crashes":
                os.kill(os.getpid(), signal.SIGSEGV)
            else:
                bytearray(8 * 1024 ** 3)  # over the reading process's address-space limit
        return real(path, progress)

    monkeypatch.setattr(reading, "read_document", troubled)  # the forked readers inherit it
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the readers' folders are made in it
    started = time.monotonic()
    summary = ingest(report_files(folder), tmp_path / "f.db", None, jobs=2, time_limit=2)
    assert time.monotonic() - started < 30
    failed = [(o.path.rsplit("/", 1)[-1], o.message) for o in summary.outcomes if o.status == "failed"]
    assert len(failed) == 1 and failed[0][0] == "torsas-2017.docx"
    expected = {"hangs": "took longer than 2 s", "crashes": "reading process died (killed by signal 11",
                "eats memory": "ran out of memory"}[trouble]
    assert expected in failed[0][1]
    db = sqlite_utils.Database(tmp_path / "f.db")
    assert db["reports"].count == 2 and db["findings"].count == 142  # 2017 from its text file
    # the stopped reader's temporary files are gone with its folder, however it ended
    assert not list(tmp_path.glob("kompass-read-*")) and not list(tmp_path.rglob("*.pgm"))


def test_all_readers_at_their_memory_limit_fit_the_machine():
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2 ** 20
    for jobs in (1, 2, 8, 64):
        limit = reading.memory_limit_mb_for(jobs)
        assert 512 <= limit <= reading.DEFAULT_MEMORY_LIMIT_MB
        assert limit == 512 or jobs * limit <= reading.MEMORY_SHARE * total
    assert reading.ReadPool(jobs=64).memory_limit_mb == reading.memory_limit_mb_for(64)
