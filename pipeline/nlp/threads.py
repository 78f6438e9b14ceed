"""How many threads the numerical libraries may use in the language steps,
and how those steps tell where they stand.

k-means (OpenMP) and the linear algebra (BLAS) start one thread per core by
default. On the matrices of a themes fit (20,000 findings x 200 dimensions)
each k-means step is short, and two threads spend as much time waiting on
each other as they save: measured on this 2-core machine, a fit takes the same
time with one thread as with two on a quiet machine, and two and a half times
as long with two when another process keeps one core busy (the threads spin,
waiting for the one that lost its core). One thread is as fast and does not
fight: the other core stays free for whatever else runs, such as the readers
of the next ingest.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable

from threadpoolctl import threadpool_limits

#: told where a long language step stands: (stage, done, total)
Progress = Callable[[str, int, int], None]

#: threads for OpenMP and BLAS during fitting, assigning and linking
LANGUAGE_STEP_THREADS = 1


@contextmanager
def limited_threads(limit: int = LANGUAGE_STEP_THREADS):
    """Run the block with at most ``limit`` OpenMP and BLAS threads."""
    with threadpool_limits(limits=limit):
        yield
