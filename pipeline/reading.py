"""Read and extract report files in worker processes, each within a time and
memory limit, several at once.

Reading is the slow part of an ingest and the part a bad file can blow up (a
document that takes minutes, a parser stuck in a loop, memory that runs
away). Each file is read in its own forked process: the parent waits at most
``time_limit`` seconds for it, then stops it; the child's address space is
capped at ``memory_limit_mb``. Up to ``jobs`` files are read at once (one per
core by default), and results come back in the order of the files, so a
parallel run writes exactly what a serial one writes.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .document import ReadError, ReadProgress, error_line
from .extract import NotAReport, Report, extract_report
from .readers import file_sha256, read_document, too_large

#: a report reads in well under a second; minutes mean a file the readers cannot
#: cope with, and it must not hold up the others
DEFAULT_TIME_LIMIT = 120.0
#: address space of one reading process: a report needs a few hundred MB at most
DEFAULT_MEMORY_LIMIT_MB = 4096
#: the share of the machine's memory all reading processes together may take
MEMORY_SHARE = 0.75


def memory_limit_mb_for(jobs: int, most: int = DEFAULT_MEMORY_LIMIT_MB) -> int:
    """Each reading process's limit: ``most``, less where ``jobs`` of them at
    their limit would not fit in :data:`MEMORY_SHARE` of this machine's memory."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024)
    except (ValueError, OSError, AttributeError):
        return most
    return max(512, min(most, int(total * MEMORY_SHARE / max(1, jobs))))
#: results read ahead of the one the writer waits for, per job (bounds memory)
LOOKAHEAD_PER_JOB = 4


@dataclass
class ReadResult:
    """A file as read: its content hash and report, or a one-line reason."""

    path: Path
    sha256: str | None = None
    pages: int | None = None
    reader: str | None = None
    report: Report | None = None
    error: str | None = None


def read_file(path: Path, progress: ReadProgress | None = None) -> ReadResult:
    """Read and extract one file in this process; every failure becomes ``error``."""
    try:
        if (why := too_large(path)) is not None:  # by its size alone, unread
            return ReadResult(path, error=why)
        result = ReadResult(path, file_sha256(path))
    except OSError as exc:
        return ReadResult(path, error=f"cannot read file: {exc.strerror or exc}")
    try:
        doc = read_document(path, progress)
        result.report = extract_report(doc)
        result.pages, result.reader = doc.origin.pages, doc.origin.reader
    except (ReadError, NotAReport) as exc:
        result.error = str(exc)
    except MemoryError:
        result.error = "ran out of memory while reading (over the limit of one reading process)"
    except RecursionError:
        result.error = "too deeply nested to read"
    except Exception as exc:  # a reader bug must not stop the other files
        result.error = f"unexpected error while reading ({error_line(exc)})"
    return result


def _die_with_parent() -> None:
    """Linux: the reading process is killed when the ingest that started it
    dies (kill -9), instead of reading on and holding the database's lock."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child(path: Path, conn, memory_limit_mb: int | None, tmp: str | None = None) -> None:
    _die_with_parent()
    import signal
    import tempfile

    if tmp is not None:  # its temporary files (OCR's page images) where the parent removes them
        tempfile.tempdir = tmp
        os.environ["TMPDIR"] = tmp

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops its readers
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # held off by the parent while it forked
    import faulthandler

    faulthandler.disable()  # a crash is reported in one line by the parent, not as a stack dump
    if memory_limit_mb:
        try:
            import resource

            limit = memory_limit_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ImportError, ValueError, OSError):
            pass  # no limit where the system does not allow one
    from .readers.pdf.settings import OCR_DEFAULTS

    # a scanned file takes seconds a page to recognise: the parent is told how
    # many pages, and waits that much longer before it stops the reading
    progress = ReadProgress(lambda pages: conn.send(("extend", pages * OCR_DEFAULTS.seconds_per_page_allowed)),
                            lambda done, total: conn.send(("progress", done, total)))
    try:
        conn.send(read_file(path, progress))
    except Exception as exc:  # a result that cannot be sent (too big, unpicklable)
        conn.send(ReadResult(path, error=f"unexpected error while reading ({type(exc).__name__}: {exc})"))
    finally:
        conn.close()


@dataclass
class _Running:
    index: int
    path: Path
    process: mp.Process
    conn: object
    started: float
    #: seconds granted beyond the time limit (pages to recognise by OCR)
    extra: float = 0.0
    #: the folder of its temporary files, removed when it ends however it ends
    tmp: str | None = None


class ReadPool:
    """Files read in forked worker processes, results in the files' order."""

    def __init__(self, jobs: int | None = None, time_limit: float | None = DEFAULT_TIME_LIMIT,
                 memory_limit_mb: int | None = DEFAULT_MEMORY_LIMIT_MB,
                 on_progress: "Callable[[Path, int, int], None] | None" = None):
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        #: told (file, pages done, pages in all) as a long file's pages are recognised by OCR
        self.on_progress = on_progress
        self.time_limit = time_limit
        # all readers at their limit must fit the machine
        self.memory_limit_mb = memory_limit_mb and memory_limit_mb_for(self.jobs, memory_limit_mb)
        self._ctx = mp.get_context("fork")

    def read(self, path: Path) -> ReadResult:
        return next(self.map(iter([path])))

    def map(self, paths: Iterable[Path]) -> Iterator[ReadResult]:
        pending = deque(enumerate(paths))
        running: dict[int, _Running] = {}
        done: dict[int, ReadResult] = {}
        next_out = 0
        try:
            while pending or running or next_out in done:
                while next_out in done:
                    yield done.pop(next_out)
                    next_out += 1
                while (pending and len(running) < self.jobs
                       and pending[0][0] < next_out + LOOKAHEAD_PER_JOB * self.jobs):
                    index, path = pending.popleft()
                    running[index] = self._start(index, Path(path))
                if not running:
                    continue
                timeout = None
                if self.time_limit is not None:
                    now = time.monotonic()
                    timeout = max(0.0, min(r.started + self.time_limit + r.extra - now for r in running.values()))
                ready = wait([r.conn for r in running.values()], timeout)
                for r in list(running.values()):
                    if r.conn in ready:
                        result = self._finish(r)
                        if isinstance(result, tuple):  # a message from a file being read by OCR
                            if result[0] == "extend":  # seconds granted for its pages
                                r.extra += result[1]
                            elif result[0] == "progress" and self.on_progress is not None:
                                self.on_progress(r.path, result[1], result[2])
                            continue
                        done[r.index] = result
                        del running[r.index]
                    elif self.time_limit is not None and time.monotonic() - r.started >= self.time_limit + r.extra:
                        self._stop(r)
                        limit = self.time_limit + r.extra
                        done[r.index] = ReadResult(r.path, error=(
                            f"reading took longer than {limit:g} s, the limit for this file "
                            "(--time-limit, and more for each page recognised by OCR); stopped"))
                        del running[r.index]
        finally:
            for r in running.values():
                self._stop(r)

    def _start(self, index: int, path: Path) -> _Running:
        import signal
        import tempfile

        receive, send = self._ctx.Pipe(duplex=False)
        tmp = tempfile.mkdtemp(prefix="kompass-read-")
        process = self._ctx.Process(target=_child, args=(path, send, self.memory_limit_mb, tmp), daemon=True)
        # Ctrl-C held off while forking: one arriving inside fork's own handlers
        # (logging's locks) is an "Exception ignored" traceback, in either
        # process; after it, the parent takes it and the child ignores it
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        send.close()  # the child holds the other end: EOF here when it dies
        return _Running(index, path, process, receive, time.monotonic(), tmp=tmp)

    def _finish(self, r: _Running) -> "ReadResult | tuple":
        try:
            result = r.conn.recv()
            if isinstance(result, tuple):
                return result  # a message while reading: the process goes on
        except (EOFError, OSError):
            r.process.join()
            code = r.process.exitcode
            why = f"killed by signal {-code}" if code is not None and code < 0 else f"exit status {code}"
            result = ReadResult(r.path, error=f"the reading process died ({why}; out of memory?)")
        r.conn.close()
        r.process.join()
        _remove(r.tmp)
        return result

    @staticmethod
    def _stop(r: _Running) -> None:
        r.process.kill()
        r.process.join()
        r.conn.close()
        _remove(r.tmp)


def _remove(folder: str | None) -> None:
    """A reading process's temporary folder, gone (it may have been killed mid-page)."""
    if folder is not None:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


__all__ = ["DEFAULT_MEMORY_LIMIT_MB", "DEFAULT_TIME_LIMIT", "ReadPool", "ReadResult", "read_file"]
