"""``kompass`` and ``python -m pipeline``: the command line. Ctrl-C while the
command's modules are still loading is the same one line as during a
command (exit status 130), not a traceback of an import."""

import sys

from . import INTERRUPTED


def main() -> None:
    try:
        from .cli import cli
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        sys.exit(130)
    cli(prog_name="kompass")


if __name__ == "__main__":
    main()
