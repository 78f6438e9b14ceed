"""Writing a file whole or not at all, and never through a link.

Each file is written to a new temporary file beside it (``tempfile.mkstemp``:
created exclusively under a name no one could have planted a symlink at) and
renamed over the target, which replaces a link at the target's name rather
than writing where it points. Interrupted, the target is as it was and the
temporary file is removed.

Lowest room: imports nothing of the project.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator

#: the permissions a file made by open() would get (mkstemp makes 0600)
_UMASK = os.umask(0o022)
os.umask(_UMASK)


@contextlib.contextmanager
def replaced(path: str | Path, mode: str = "w", encoding: str | None = "utf-8",
             newline: str | None = None) -> Iterator[IO]:
    """A file to write ``path``'s new content into; it takes ``path``'s place
    when the block ends without an exception."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding, newline=newline) as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> None:
    """``text`` into ``path``, whole or not at all."""
    with replaced(path, encoding=encoding) as f:
        f.write(text)


def write_bytes(path: str | Path, data: bytes) -> None:
    """``data`` into ``path``, whole or not at all."""
    with replaced(path, "wb") as f:
        f.write(data)
