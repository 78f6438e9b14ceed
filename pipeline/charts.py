"""The reports' own pictures, as self-contained HTML: inline SVG and CSS, no
script, nothing fetched when the page is viewed.

* :func:`profile_html`: one municipality, in Swedish: the area scores of each
  evaluation as bars, the radar ("spindeldiagram") of the latest evaluation on
  its own areas against the earlier one (across revisions through the domain
  crosswalk) and against the mean of other municipalities' reports of the same
  revision (only when there are at least two), the follow-up of the last
  recommendations, and the themes of its findings (``kompass profile``);
  :func:`profile_charts` gives the same charts as standalone SVG files;
* :func:`themes_plot_html`: the largest themes' prevalence over the years, one
  small panel per theme, counts ("3 av 5") and shares on a time axis
  proportional to the years (``kompass themes --plot``); :func:`themes_svg`
  is the chart alone.

Every chart is a standalone SVG document too (:func:`svg_document`), and a PNG
where Chromium is installed (:func:`svg_to_png`: headless Chromium draws it;
nothing is fetched, no plotting library needed).

Interfaces room: reads the database through plain queries, draws by hand
(a bar, a polygon and a polyline need no plotting library).
"""

from __future__ import annotations

import html
import math
import re
import shutil
import subprocess
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from .extract.reference import frameworks
from .files import write_bytes, write_text

#: the radar's colours: the latest evaluation, the earlier one, the mean
COLOURS = ("#1f5f8b", "#d9822b", "#7a7a7a")
#: the theme panels' colours: saturated and far from the greys of axes and text,
#: so that each panel's line can be told (and found in a rendered PNG)
PANEL_COLOURS = ("#1f5f8b", "#d9822b", "#3f9b5a", "#a23b72", "#6b4fbb", "#c0392b", "#2c8c99", "#b8860b")
FONT = "font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

#: the follow-up outcomes in the page's language (the code stays in a title attribute)
OUTCOMES_SV = {"addressed": "åtgärdat", "persisting": "kvarstår", "no_match": "ingen motsvarighet"}

#: a theme panel's size, and its plot area inside it
PANEL_W, PANEL_H = 470, 210
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 48, 24, 30, 44
#: room above 100 % and below 0 % for a point's "k av n" label
HEADROOM = 16


class ChartError(Exception):
    """A chart that cannot be written (one line for the command line)."""


def _e(text) -> str:
    return html.escape("" if text is None else str(text))


def _wrap(text: str, width: int) -> list[str]:
    """Words onto lines of at most ``width`` characters (a label under an axis)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + ([line] if line else [])


def _svg_open(width: float, height: float) -> str:
    # a white background: a standalone file shown on a dark viewer stays legible
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{height:g}" '
            f'viewBox="0 0 {width:g} {height:g}" role="img" style="{FONT}">'
            f'<rect width="{width:g}" height="{height:g}" fill="#fff"/>')


def bar_chart_svg(items: list[tuple[str, float | None, float]], width: int = 720, title: str | None = None) -> str:
    """Horizontal bars: (label, value, maximum) each; the value printed at the bar's end.
    ``title``: a caption on top (for the standalone file; the page has its heading)."""
    # the labels' column as wide as the longest label (about 7 px a character at
    # 13 px), so that no Swedish area title is cut
    label_w = min(520, 16 + 7 * max((len(label) for label, _, _ in items), default=10))
    row_h, pad = 26, 8
    bar_w = max(240, width - 300 - 60)
    width = label_w + bar_w + 60
    cap = 28 if title else 0
    height = pad * 2 + row_h * len(items) + cap
    out = [_svg_open(width, height)]
    if title:
        out.append(f'<text x="8" y="20" font-size="14" font-weight="600">{_e(title)}</text>')
    for i, (label, value, maximum) in enumerate(items):
        y = cap + pad + i * row_h
        out.append(f'<text x="{label_w - 8}" y="{y + row_h * 0.65:.1f}" font-size="13" text-anchor="end">'
                   f'{_e(label)}</text>')
        out.append(f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="{row_h - 8}" fill="#eef2f5"/>')
        if value is not None and maximum:
            w = bar_w * max(0.0, min(1.0, value / maximum))
            out.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{COLOURS[0]}"/>')
            out.append(f'<text x="{label_w + w + 6:.1f}" y="{y + row_h * 0.65:.1f}" font-size="13">'
                       f'{value:g}</text>')
    out.append("</svg>")
    return "\n".join(out)


@dataclass
class Series:
    """One polygon of the radar: its legend name, a share (0-1) per axis (None: no value)."""

    name: str
    values: list[float | None]
    colour: str
    dashed: bool = False
    fill: float = 0.05


def radar_svg(axes: list[str], series: list[Series], size: int = 560, title: str | None = None) -> str:
    """A radar of shares (0-1) on ``axes``, one polygon per series, the legend
    under it (so that the file alone says what is drawn)."""
    margin = 150  # room beside the circle for the axis labels, wrapped at 20 characters
    width = size + 2 * margin
    cap = 28 if title else 0
    legend_top = cap + size
    height = legend_top + 22 * len(series) + 8
    cx, cy = width / 2, cap + size / 2
    r = size / 2 - 70
    n = len(axes)
    out = [_svg_open(width, height)]
    if title:
        out.append(f'<text x="8" y="20" font-size="14" font-weight="600">{_e(title)}</text>')

    def point(k: int, share: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * k / n
        return cx + r * share * math.cos(angle), cy + r * share * math.sin(angle)

    for ring in (0.25, 0.5, 0.75, 1.0):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(k, ring) for k in range(n)))
        out.append(f'<polygon points="{pts}" fill="none" stroke="#d0d7de" stroke-width="1"/>')
        x, y = point(0, ring)
        out.append(f'<text x="{x + 4:.1f}" y="{y - 2:.1f}" font-size="10" fill="#777">{int(ring * 100)} %</text>')
    for k, label in enumerate(axes):
        x, y = point(k, 1.0)
        out.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#d0d7de"/>')
        lx, ly = point(k, 1.12)
        anchor = "middle" if abs(lx - cx) < 20 else ("start" if lx > cx else "end")
        lines = _wrap(label, 20)
        # above the circle a label ends at the point, below it starts there, beside it is centred
        if ly < cy - 20:
            top = ly - 14 * (len(lines) - 1) - 4
        elif ly > cy + 20:
            top = ly + 8
        else:
            top = ly - 7 * (len(lines) - 1) + 4
        # one <text> per axis (its lines as tspans): the label is one string to read back
        spans = "".join(f'<tspan x="{lx:.1f}" y="{top + 14 * j:.1f}">{_e(line)}</tspan>'
                        for j, line in enumerate(lines))
        out.append(f'<text class="axis" font-size="12" text-anchor="{anchor}">{spans}</text>')
    for s in series:
        pts = [point(k, v) for k, v in enumerate(s.values) if v is not None]
        if len(pts) < 3:
            continue
        dash = ' stroke-dasharray="5,4"' if s.dashed else ""
        out.append(f'<polygon points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in pts)}" fill="{s.colour}" '
                   f'fill-opacity="{s.fill}" stroke="{s.colour}" stroke-width="2"{dash}/>')
    for i, s in enumerate(series):
        y = legend_top + 22 * i + 12
        dash = ' stroke-dasharray="5,4"' if s.dashed else ""
        out.append(f'<line x1="24" y1="{y}" x2="52" y2="{y}" stroke="{s.colour}" stroke-width="3"{dash}/>')
        out.append(f'<text x="60" y="{y + 4}" font-size="13">{_e(s.name)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def panels_svg(years: list[int], per_year: dict[int, int], panels: list[tuple[str, dict[int, int]]],
               columns: int = 2, title: str | None = None) -> str:
    """Small multiples: one panel per (name, {year: reports with it}), all on the
    same axes: x proportional to the year, y the share 0-100 % of that year's
    ``per_year`` reports; each point labelled "k av n", each year tick "n=..."."""
    rows = max(1, math.ceil(len(panels) / columns))
    cap = 30 if title else 0
    width, height = columns * PANEL_W, cap + rows * PANEL_H
    pw = PANEL_W - PLOT_LEFT - PLOT_RIGHT
    ph = PANEL_H - PLOT_TOP - PLOT_BOTTOM
    first, last = (years[0], years[-1]) if years else (0, 0)

    def x_of(year: int) -> float:
        # proportional to the year's value, not its index: 2017-2021 is wider than 2021-2022
        if last == first:
            return PLOT_LEFT + pw / 2
        return PLOT_LEFT + pw * (year - first) / (last - first)

    def y_of(share: float) -> float:
        return PLOT_TOP + HEADROOM + (ph - 2 * HEADROOM) * (1 - share)

    out = [_svg_open(width, height)]
    if title:
        out.append(f'<text x="8" y="20" font-size="14" font-weight="600">{_e(title)}</text>')
    for p, (name, counts) in enumerate(panels):
        colour = PANEL_COLOURS[p % len(PANEL_COLOURS)]
        px, py = (p % columns) * PANEL_W, cap + (p // columns) * PANEL_H
        out.append(f'<g class="panel" data-colour="{colour}" data-width="{PANEL_W}" data-height="{PANEL_H}" '
                   f'transform="translate({px},{py})">')
        short = name if len(name) <= 58 else name[:57] + "…"
        out.append(f'<text x="{PLOT_LEFT}" y="18" font-size="13" font-weight="600">{_e(short)}'
                   f'<title>{_e(name)}</title></text>')
        for share in (0.0, 0.5, 1.0):
            y = y_of(share)
            out.append(f'<line x1="{PLOT_LEFT}" y1="{y:.1f}" x2="{PLOT_LEFT + pw}" y2="{y:.1f}" stroke="#e5e8eb"/>')
            out.append(f'<text x="{PLOT_LEFT - 6}" y="{y + 4:.1f}" font-size="10" fill="#57606a" '
                       f'text-anchor="end">{int(share * 100)} %</text>')
        for year in years:
            x = x_of(year)
            out.append(f'<line x1="{x:.1f}" y1="{PLOT_TOP + ph}" x2="{x:.1f}" y2="{PLOT_TOP + ph + 4}" '
                       'stroke="#8c959f"/>')
            out.append(f'<text class="year" x="{x:.1f}" y="{PLOT_TOP + ph + 17}" font-size="11" '
                       f'text-anchor="middle">{year}</text>')
            out.append(f'<text class="n" x="{x:.1f}" y="{PLOT_TOP + ph + 31}" font-size="10" fill="#57606a" '
                       f'text-anchor="middle">n={per_year[year]}</text>')
        pts = [(year, counts.get(year, 0), per_year[year]) for year in years]
        xy = [(x_of(year), y_of(k / n)) for year, k, n in pts]
        if len(xy) > 1:
            out.append(f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in xy)}" fill="none" '
                       f'stroke="{colour}" stroke-width="2"/>')
        last_x, last_side = None, None
        for i, ((year, k, n), (x, y)) in enumerate(zip(pts, xy)):
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                       f'<title>{year}: {k} av {n} rapporter ({round(100 * k / n)} %)</title></circle>')
            # the label on the side the line does not go: below a point lower than its
            # neighbours, else above (there is headroom beyond 0 and 100 %); the other
            # side when it would run into the previous year's label
            neighbours = [ny for _, ny in xy[max(0, i - 1):i] + xy[i + 1:i + 2]]
            side = "below" if neighbours and all(ny < y for ny in neighbours) else "above"
            if last_x is not None and x - last_x < 44 and side == last_side:
                side = "above" if side == "below" else "below"
            last_x, last_side = x, side
            ly = y - 7 if side == "above" else y + 15
            out.append(f'<text class="count" x="{x:.1f}" y="{ly:.1f}" font-size="10" fill="#1f2328" '
                       f'text-anchor="middle">{k} av {n}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def svg_document(svg: str) -> str:
    """An inline SVG as a standalone .svg file."""
    return '<?xml version="1.0" encoding="utf-8"?>\n' + svg + "\n"


def chromium() -> str | None:
    """The Chromium (or Chrome) on PATH, if any."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def svg_to_png(svg: str, path: Path, scale: int = 2) -> None:
    """Draw ``svg`` into the PNG ``path`` with headless Chromium (``scale``: pixels
    per SVG unit). Raises :class:`ChartError` when there is no Chromium or it fails."""
    browser = chromium()
    if browser is None:
        raise ChartError(f"{path}: writing a PNG needs Chromium on PATH (chromium --headless); "
                         "write .svg instead")
    m = re.search(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"', svg)
    width, height = (math.ceil(float(m.group(1))), math.ceil(float(m.group(2)))) if m else (1000, 1000)
    with tempfile.TemporaryDirectory(prefix="kompass-png-") as tmp:
        src, png = Path(tmp) / "chart.svg", Path(tmp) / "chart.png"
        src.write_text(svg_document(svg), "utf-8")
        # --no-sandbox: a container's root user has no sandbox; the file is our own SVG
        # and nothing is fetched. A fresh profile: no state shared with a running browser.
        cmd = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               f"--user-data-dir={Path(tmp) / 'profile'}", f"--force-device-scale-factor={scale}",
               f"--window-size={width},{height}", f"--screenshot={png}", src.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ChartError(f"{path}: Chromium could not draw the chart ({exc})") from None
        if not png.exists():
            raise ChartError(f"{path}: Chromium could not draw the chart (exit {done.returncode})")
        try:
            write_bytes(path, png.read_bytes())
        except OSError as exc:
            raise ChartError(f"{path}: cannot write ({exc.strerror or exc})") from None


def write_chart(svg: str, path: Path) -> None:
    """``svg`` into ``path``: an SVG file, or a PNG when the name ends in .png."""
    if path.suffix.lower() == ".png":
        svg_to_png(svg, path)
        return
    try:
        write_text(path, svg_document(svg))  # renamed into place: never half a file
    except OSError as exc:
        raise ChartError(f"{path}: cannot write ({exc.strerror or exc})") from None


def _page(title: str, body: list[str]) -> str:
    return "\n".join([
        "<!doctype html>", '<html lang="sv"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title>",
        "<style>body{%s;max-width:1000px;margin:2em auto;padding:0 1em;color:#1f2328}"
        "h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em}"
        "table{border-collapse:collapse;font-size:13px;margin:.5em 0}"
        "td,th{border-bottom:1px solid #e5e8eb;padding:4px 8px;text-align:left;vertical-align:top}"
        "th{background:#f6f8fa}.note{color:#57606a;font-size:13px}</style></head><body>" % FONT,
        *body, "</body></html>"])


def _cell(c) -> str:
    """A table cell: a value, or (text, title) for a cell with a tooltip."""
    if isinstance(c, tuple):
        return f'<td title="{_e(c[1])}">{_e(c[0])}</td>'
    return f"<td>{_e(c)}</td>"


def _table(headers: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# -- the profile ---------------------------------------------------------------


def _areas(db: sqlite_utils.Database, report: dict) -> list[dict]:
    """A report's areas in number order, each titled as the report titles it
    (else as its revision does)."""
    own = frameworks()["revisions"].get(str(report.get("framework")), {}).get("areas", {})
    rows = list(db.query("select number, title, domain, score, max from areas where report_id = ? order by number",
                         [report["id"]]))
    for a in rows:
        a["title"] = a["title"] or own.get(str(a["number"]), {}).get("title") or f"Område {a['number']}"
    return rows


def _share(a: dict | None) -> float | None:
    return a["score"] / a["max"] if a and a["score"] is not None and a["max"] else None


@dataclass
class Radar:
    """The profile's radar: axes (the latest report's own area titles), series,
    notes saying what is compared, and the crosswalk rows when revisions differ."""

    axes: list[str]
    series: list[Series]
    notes: list[str]
    crosswalk: list[list[str]]


def profile_radar(db: sqlite_utils.Database, reports: list[dict]) -> Radar:
    """The latest report on its own areas, the earlier one on them (by area number
    within a revision, through the domain crosswalk across revisions), and the
    mean of at least two other municipalities' reports of the latest's revision."""
    latest = reports[-1]
    earlier = reports[-2] if len(reports) > 1 else None
    name, fw = latest["municipality"], latest["framework"]
    axes_areas = _areas(db, latest)
    series = [Series(f"{name} {latest['year']} (ramverk {fw})", [_share(a) for a in axes_areas], COLOURS[0],
                     fill=0.18)]
    notes: list[str] = []
    crosswalk: list[list[str]] = []
    if earlier is not None:
        before = _areas(db, earlier)
        if earlier["framework"] == fw:
            by_number = {a["number"]: a for a in before}
            matched = [by_number.get(a["number"]) for a in axes_areas]
            label = f"{name} {earlier['year']} (ramverk {earlier['framework']})"
        else:
            by_domain = {a["domain"]: a for a in before if a["domain"]}
            matched = [by_domain.get(a["domain"]) if a["domain"] else None for a in axes_areas]
            label = f"{name} {earlier['year']} (ramverk {earlier['framework']}, genom domännyckeln)"
            notes.append(
                f"{earlier['year']} och {latest['year']} följer olika ramverk ({earlier['framework']} och {fw}). "
                f"Axlarna bär {latest['year']} års egna områdesnamn; {earlier['year']} års områden är placerade "
                "på dem genom kompass domännyckel, som parar det område som huvudsakligen täcker samma sak. "
                "Det är inte samma frågor.")
            crosswalk = [[f"{a['number']}. {a['title']}",
                          f"{m['number']}. {m['title']}" if m else "inget motsvarande område"]
                         for a, m in zip(axes_areas, matched)]
        series.append(Series(label, [_share(m) for m in matched], COLOURS[1]))
    # the comparison: other municipalities' reports of the same revision, never a "mean" of one
    own_ids = {r["id"] for r in reports}
    others = [r["id"] for r in db.query("select id, municipality_code from reports where framework = ?", [fw])
              if r["id"] not in own_ids and r["municipality_code"] != latest["municipality_code"]]
    if fw is None:
        notes.append("Inget medelvärde att jämföra med: rapportens ramverk är okänt.")
    elif len(others) < 2:
        what = "inga andra rapporter" if not others else "bara en annan rapport"
        notes.append(f"Inget medelvärde att jämföra med: databasen har {what} med ramverk {fw} "
                     "(ett medelvärde kräver minst två).")
    else:
        shares: dict[int, list[float]] = defaultdict(list)
        for rid in others:
            for a in _areas(db, {"id": rid, "framework": fw}):
                if _share(a) is not None:
                    shares[a["number"]].append(_share(a))
        mean = [sum(shares[a["number"]]) / len(shares[a["number"]]) if shares[a["number"]] else None
                for a in axes_areas]
        series.append(Series(f"medelvärde av {len(others)} andra rapporter med ramverk {fw}", mean, COLOURS[2],
                             dashed=True))
    return Radar([a["title"] for a in axes_areas], series, notes, crosswalk)


def _bars(db: sqlite_utils.Database, report: dict, title: str | None = None) -> str:
    return bar_chart_svg([(f"{a['number']}. {a['title']}", a["score"], a["max"]) for a in _areas(db, report)],
                         title=title)


def _points(report: dict) -> str:
    total, top = report["total_score"], report["max_score"]
    return f"{total:g} av {top:g} poäng" if total is not None and top is not None else "poäng saknas"


def profile_charts(db: sqlite_utils.Database, reports: list[dict]) -> list[tuple[str, str]]:
    """The profile's charts as standalone SVG, each with its caption: (file stem, svg),
    the area bars of each report ("<report id>-omraden") and the radar ("<id>-spindel")."""
    latest = reports[-1]
    charts = [(f"{r['id']}-omraden",
               _bars(db, r, f"{r['municipality']} {r['year']} (ramverk {r['framework']}): {_points(r)}"))
              for r in reversed(reports)]
    radar = profile_radar(db, reports)
    if len(radar.axes) >= 3:  # a radar needs three axes (a report whose areas were not read has none)
        charts.append((f"{latest['id']}-spindel",
                       radar_svg(radar.axes, radar.series,
                                 title=f"{latest['municipality']} {latest['year']}: andel av maxpoäng per område")))
    return charts


def profile_html(db: sqlite_utils.Database, reports: list[dict], follow_up: list[dict] | None) -> str:
    """The profile page of one municipality, in Swedish: ``reports`` its dated
    reports, oldest first; ``follow_up`` the links of the last pair (None: none)."""
    latest = reports[-1]
    earlier = reports[-2] if len(reports) > 1 else None
    name = latest["municipality"]
    body = [f"<h1>{_e(name)}: Kommunkompassen {', '.join(str(r['year']) for r in reports)}</h1>",
            f'<p class="note">{_e(latest.get("county") or "")}. Sammanställd av kompass ur de inlästa '
            "rapporterna; varje siffra är rapportens egen.</p>"]
    body.append("<h2>Poäng per område</h2>")
    for r in reversed(reports):
        body.append(f"<h3>{r['year']} (ramverk {_e(r['framework'])}): {_points(r)}</h3>")
        body.append(_bars(db, r))
    radar = profile_radar(db, reports)
    body.append(f"<h2>Spindeldiagram: andel av maxpoäng per område ({latest['year']} års områden)</h2>")
    if len(radar.axes) >= 3:
        body.append(radar_svg(radar.axes, radar.series))
        body.extend(f'<p class="note">{_e(note)}</p>' for note in radar.notes)
        if radar.crosswalk:
            body.append(_table([f"område {latest['year']} (ramverk {latest['framework']})",
                                f"jämförs med {earlier['year']} (ramverk {earlier['framework']})"], radar.crosswalk))
    else:
        body.append(f'<p class="note">Inget spindeldiagram: {latest["year"]} års rapport har inga lästa '
                    "områden.</p>")
    if follow_up is not None and earlier is not None:
        body.append(f"<h2>Vad hände med förbättringsområdena från {earlier['year']}?</h2>")
        rows, seen = [], set()
        for f in follow_up:
            if f["recommendation_id"] in seen:
                continue
            seen.add(f["recommendation_id"])
            kind = {"strength": "styrka", "improvement": "förbättringsområde"}.get(f["target_kind"], f["target_kind"])
            later = (f"{kind} (område {f['target_area']}): {f['target']}" if f["target"]
                     else (f"berättelsen: {f['evidence']}" if f["evidence"] else ""))
            outcome = OUTCOMES_SV.get(f["outcome"], f["outcome"] or "")
            outcome += " (granskad)" if f.get("outcome_method") == "reviewed" else ""
            rows.append([f["area"], f["recommendation"], (outcome, f["outcome"] or ""),
                         "" if f["score"] is None else f"{f['score']:.2f}".replace(".", ","), later])
        body.append(f'<p class="note">Utfall: {OUTCOMES_SV["addressed"]} (en senare styrka säger att det är '
                    f'gjort), {OUTCOMES_SV["persisting"]} (rekommenderas igen), {OUTCOMES_SV["no_match"]} '
                    "(inget i den senare rapporten är nära nog; en mening ur berättelsen visas där en talar om "
                    "saken); granskad: en forskares bedömning. Likhet 0–1.</p>")
        body.append(_table(["område", f"förbättringsområde {earlier['year']}", "utfall", "likhet",
                            f"i {latest['year']}"], rows))
    themes = list(db.query(
        "select t.id, t.label, sum(f.kind = 'strength') as strengths, sum(f.kind = 'improvement') as improvements, "
        "count(*) as n from findings f join themes t on t.id = f.theme_id where f.report_id = ? "
        "group by t.id order by n desc, t.id", [latest["id"]]))
    if themes:
        body.append(f"<h2>Teman i {latest['year']} års styrkor och förbättringsområden</h2>")
        body.append(_table(["tema", "etikett", "styrkor", "förbättringsområden"],
                           [[t["id"], t["label"], t["strengths"], t["improvements"]] for t in themes]))
    for book in (db["codebooks"].exists() and db.query("select distinct codebook from codebooks order by codebook")) or []:
        coded = list(db.query(
            "select c.theme, c.label, sum(f.kind = 'strength') as strengths, "
            "sum(f.kind = 'improvement') as improvements, count(*) as n from codebook_themes ct "
            "join findings f on f.id = ct.finding_id join codebooks c on c.codebook = ct.codebook and c.theme = ct.theme "
            "where f.report_id = ? and ct.codebook = ? group by c.theme order by n desc, c.theme",
            [latest["id"], book["codebook"]]))
        if coded:
            body.append(f"<h2>Kodbok {_e(book['codebook'])}: {latest['year']} års styrkor och förbättringsområden</h2>")
            body.append(_table(["tema", "etikett", "styrkor", "förbättringsområden"],
                               [[t["theme"], t["label"], t["strengths"], t["improvements"]] for t in coded]))
    return _page(f"{name}: Kommunkompassen", body)


# -- the themes over the years ---------------------------------------------------


@dataclass
class Prevalence:
    """Per year with reports: how many reports (``per_year``), and per theme in
    how many of them it occurs (``counts``: theme id -> year -> reports)."""

    years: list[int]
    per_year: dict[int, int]
    themes: list[dict]
    counts: dict[int, dict[int, int]]


def theme_prevalence(db: sqlite_utils.Database, top: int = 8) -> Prevalence:
    """The ``top`` largest themes: in how many of each year's reports they occur
    (a report has the theme when one of its findings, of either kind, has it)."""
    per_year = dict(db.execute("select year, count(*) from reports where year is not null group by year").fetchall())
    themes = list(db.query("select id, label from themes order by size desc, id limit ?", [top]))
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for row in db.query("select f.theme_id, r.year, count(distinct r.id) as n from findings f join reports r "
                        "on r.id = f.report_id where f.theme_id is not null and r.year is not null "
                        "group by f.theme_id, r.year"):
        counts[row["theme_id"]][row["year"]] = row["n"]
    return Prevalence(sorted(per_year), per_year, themes, counts)


def themes_svg(db: sqlite_utils.Database, top: int = 8, title: bool = True) -> str:
    """The themes' panels alone (``title``: with a caption, for a standalone file)."""
    p = theme_prevalence(db, top)
    caption = ("Teman över åren: antal och andel av årets rapporter där temat förekommer" if title else None)
    return panels_svg(p.years, p.per_year, [(f"{t['id']}: {t['label']}", p.counts[t["id"]]) for t in p.themes],
                      title=caption)


def themes_plot_html(db: sqlite_utils.Database, top: int = 8) -> str:
    """The ``top`` largest themes, one panel each: in how many of each year's
    reports they occur ("k av n") and the share, and the same as a table."""
    p = theme_prevalence(db, top)
    span = f"{p.years[0]}–{p.years[-1]}" if p.years else "inga daterade rapporter"
    body = ["<h1>Teman över åren</h1>",
            f'<p class="note">De {len(p.themes)} största temana, ett diagram per tema med samma axlar: i hur '
            "många av årets rapporter temat förekommer (en styrka eller ett förbättringsområde med temat), "
            "som antal (k av n) och andel. Åren står på en tidsaxel: avståndet mellan dem är det verkliga; "
            f"n under året är antalet rapporter det året. {sum(p.per_year.values())} rapporter, {span}.</p>",
            panels_svg(p.years, p.per_year, [(f"{t['id']}: {t['label']}", p.counts[t["id"]]) for t in p.themes])]
    rows = [[f"{t['id']}: {t['label']}"]
            + [f"{p.counts[t['id']].get(y, 0)} av {p.per_year[y]} "
               f"({round(100 * p.counts[t['id']].get(y, 0) / p.per_year[y])} %)" for y in p.years]
            for t in p.themes]
    body.append(_table(["tema"] + [str(y) for y in p.years], rows + [["rapporter"] + [p.per_year[y] for y in p.years]]))
    return _page("Teman över åren", body)
