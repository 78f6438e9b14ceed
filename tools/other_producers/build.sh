#!/usr/bin/env bash
# Rebuild the fpdf2, WeasyPrint and groff renditions of the seed reports
# (torsas-<year>-{fpdf2,weasyprint,groff}.pdf), see README.md beside this script.
#
#   tools/other_producers/build.sh [--out DIR]      (default DIR: <repo>/build/other-producers)
#
# Needs the repository's .venv (python-docx, for make_renditions.parse_seed), python3,
# the Liberation 2 and DejaVu fonts, and, the first time, the package index (a
# private venv with fpdf2 and weasyprint is made in DIR/venv) and maybe apt-get
# (groff, see below). Reads nothing but the seeds; writes only into DIR.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT="$REPO/build/other-producers"
# the versions that made the fixtures in tests/fixtures/producers/
PIP_SPECS=(fpdf2==2.8.9 weasyprint==70.0)

while [ $# -gt 0 ]; do
    case "$1" in
        --out) OUT=${2:?--out needs a folder}; shift 2 ;;
        --out=*) OUT=${1#--out=}; shift ;;
        -h|--help) sed -n '2,10s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "build.sh: unknown argument $1 (only --out DIR)" >&2; exit 2 ;;
    esac
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

KPY="$REPO/.venv/bin/python"
[ -x "$KPY" ] || { echo "build.sh: no $KPY (make the repository's venv first)" >&2; exit 1; }

VENV="$OUT/venv"
if ! "$VENV/bin/python" -c 'import fpdf, weasyprint' 2>/dev/null; then
    echo "making $VENV with ${PIP_SPECS[*]}"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "${PIP_SPECS[@]}"
fi

"$KPY" "$HERE/dump_blocks.py" --out "$OUT"                 # seeds -> OUT/blocks-<year>.json
"$VENV/bin/python" "$HERE/build_fpdf2.py" --out "$OUT"      # OUT/torsas-<year>-fpdf2.pdf
"$VENV/bin/python" "$HERE/build_weasyprint.py" --out "$OUT" # OUT/torsas-<year>-weasyprint.pdf

# groff: the one on PATH if it has the ms macros and the PDF device (gropdf), else an
# unpacked Debian "groff" package in OUT/groff-root (build_groff.py uses it when present).
groff_makes_pdf() {
    local magic
    command -v groff >/dev/null 2>&1 || return 1
    magic=$(printf '.LP\nx\n' | groff -ms -Tpdf 2>/dev/null | head -c 4) || true
    [ "$magic" = "%PDF" ]
}
GROFF_ROOT="$OUT/groff-root"
if ! groff_makes_pdf && [ ! -e "$GROFF_ROOT/usr/bin/gropdf" ]; then
    echo "groff on PATH lacks the ms macros or gropdf: as in the first trial, fetching the Debian groff package (apt-get download groff) and unpacking it (dpkg-deb -x) into $GROFF_ROOT, nothing installed system-wide"
    mkdir -p "$OUT/groff-deb"
    if (cd "$OUT/groff-deb" && apt-get download groff) \
        && deb=$(ls "$OUT"/groff-deb/groff_*.deb 2>/dev/null | sort | tail -n 1) && [ -n "$deb" ] \
        && dpkg-deb -x "$deb" "$GROFF_ROOT" && [ -e "$GROFF_ROOT/usr/bin/gropdf" ]; then
        echo "unpacked $(basename "$deb") into $GROFF_ROOT"
    else
        rm -rf "$GROFF_ROOT"
    fi
fi
if groff_makes_pdf || [ -e "$GROFF_ROOT/usr/bin/gropdf" ]; then
    python3 "$HERE/build_groff.py" --out "$OUT"             # OUT/torsas-<year>-groff.{ms,pdf}
else
    echo "note: groff skipped (no groff with -ms and gropdf on PATH, and apt-get download groff failed): no torsas-<year>-groff.pdf" >&2
fi

ls -l "$OUT"/torsas-*.pdf
