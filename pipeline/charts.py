"""The reports' own pictures, as self-contained HTML: inline SVG and CSS, no
script, nothing fetched when the page is viewed.

* :func:`profile_html`: one municipality: the area scores of each evaluation
  as bars, the radar ("spindeldiagram") of the latest evaluation per domain
  against the earlier one and against the mean of all ingested reports of the
  same framework revision, the follow-up of the last recommendations, and the
  themes of its findings (``kompass profile``);
* :func:`themes_plot_html`: the largest themes' prevalence over the years
  (``kompass themes --plot``).

Interfaces room: reads the database through plain queries, draws by hand
(a bar, a polygon and a polyline need no plotting library).
"""

from __future__ import annotations

import html
import math
from collections import defaultdict

import sqlite_utils

from .extract.reference import frameworks

#: the series' colours: the latest evaluation, the earlier one, the mean
COLOURS = ("#1f5f8b", "#d9822b", "#7a7a7a", "#3f9b5a", "#a23b72", "#6b4fbb", "#c0392b", "#2c8c99")
FONT = "font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


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


def bar_chart_svg(items: list[tuple[str, float | None, float]], width: int = 720) -> str:
    """Horizontal bars: (label, value, maximum) each; the value printed at the bar's end."""
    # the labels' column as wide as the longest label (about 7 px a character at
    # 13 px), so that no Swedish area title is cut
    label_w = min(520, 16 + 7 * max((len(label) for label, _, _ in items), default=10))
    row_h, pad = 26, 8
    bar_w = max(240, width - 300 - 60)
    width = label_w + bar_w + 60
    height = pad * 2 + row_h * len(items)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" style="{FONT}">']
    for i, (label, value, maximum) in enumerate(items):
        y = pad + i * row_h
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


def radar_svg(axes: list[str], series: list[tuple[str, list[float | None]]], size: int = 560) -> str:
    """A radar of shares (0-1) on ``axes``, one polygon per series (name, values)."""
    margin = 150  # room beside the circle for the axis labels, wrapped at 20 characters
    width = size + 2 * margin
    cx, cy = width / 2, size / 2
    r = size / 2 - 70
    n = len(axes)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{size}" role="img" style="{FONT}">']

    def point(k: int, share: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * k / n
        return cx + r * share * math.cos(angle), cy + r * share * math.sin(angle)

    for ring in (0.25, 0.5, 0.75, 1.0):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(k, ring) for k in range(n)))
        out.append(f'<polygon points="{pts}" fill="none" stroke="#d0d7de" stroke-width="1"/>')
        x, y = point(0, ring)
        out.append(f'<text x="{x + 4:.1f}" y="{y - 2:.1f}" font-size="10" fill="#777">{int(ring * 100)}</text>')
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
        for j, line in enumerate(lines):
            out.append(f'<text x="{lx:.1f}" y="{top + 14 * j:.1f}" font-size="12" text-anchor="{anchor}">'
                       f'{_e(line)}</text>')
    for s, (name, values) in enumerate(series):
        colour = COLOURS[s % len(COLOURS)]
        pts = [point(k, v) for k, v in enumerate(values) if v is not None]
        if len(pts) < 3:
            continue
        dash = ' stroke-dasharray="5,4"' if s == 2 else ""
        out.append(f'<polygon points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in pts)}" fill="{colour}" '
                   f'fill-opacity="{0.18 if s == 0 else 0.05}" stroke="{colour}" stroke-width="2"{dash}/>')
    out.append("</svg>")
    return "\n".join(out)


def line_chart_svg(xs: list[int], series: list[tuple[str, list[float | None]]], y_label: str,
                   width: int = 760, height: int = 380) -> str:
    """Lines over the years ``xs``, one per series (name, values), with a legend."""
    left, right, top, bottom = 56, 300, 20, 40
    pw, ph = width - left - right, height - top - bottom
    ymax = max([v for _, vs in series for v in vs if v is not None] + [1e-9])
    ymax = math.ceil(ymax / 10) * 10 if ymax > 10 else ymax
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" style="{FONT}">']

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (pw * i / (len(xs) - 1) if len(xs) > 1 else pw / 2)
        return x, top + ph * (1 - v / ymax)

    for t in range(5):
        v = ymax * t / 4
        _, y = xy(0, v)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="#e5e8eb"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{v:g}</text>')
    for i, x_value in enumerate(xs):
        x, _ = xy(i, 0)
        out.append(f'<text x="{x:.1f}" y="{top + ph + 18}" font-size="12" text-anchor="middle">{x_value}</text>')
    out.append(f'<text x="14" y="{top + ph / 2:.1f}" font-size="12" transform="rotate(-90 14 {top + ph / 2:.1f})" '
               f'text-anchor="middle">{_e(y_label)}</text>')
    for s, (name, values) in enumerate(series):
        colour = COLOURS[s % len(COLOURS)]
        pts = [xy(i, v) for i, v in enumerate(values) if v is not None]
        if len(pts) > 1:
            out.append(f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in pts)}" fill="none" '
                       f'stroke="{colour}" stroke-width="2"/>')
        for x, y in pts:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
        ly = top + 8 + 20 * s
        out.append(f'<rect x="{left + pw + 16}" y="{ly - 9}" width="12" height="12" fill="{colour}"/>')
        short = name if len(name) <= 34 else name[:33] + "…"
        out.append(f'<text x="{left + pw + 34}" y="{ly + 1}" font-size="12">{_e(short)}<title>{_e(name)}</title></text>')
    out.append("</svg>")
    return "\n".join(out)


def _page(title: str, body: list[str]) -> str:
    return "\n".join([
        "<!doctype html>", '<html lang="sv"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title>",
        "<style>body{%s;max-width:1000px;margin:2em auto;padding:0 1em;color:#1f2328}"
        "h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em}"
        "table{border-collapse:collapse;font-size:13px;margin:.5em 0}"
        "td,th{border-bottom:1px solid #e5e8eb;padding:4px 8px;text-align:left;vertical-align:top}"
        "th{background:#f6f8fa}.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;"
        "vertical-align:-1px}.note{color:#57606a;font-size:13px}</style></head><body>" % FONT,
        *body, "</body></html>"])


def _table(headers: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def profile_html(db: sqlite_utils.Database, reports: list[dict], follow_up: list[dict] | None) -> str:
    """The profile page of one municipality: ``reports`` its dated reports,
    oldest first; ``follow_up`` the links of the last pair (None: none)."""
    names = frameworks()["domains"]
    latest = reports[-1]
    earlier = reports[-2] if len(reports) > 1 else None
    name = latest["municipality"]
    body = [f"<h1>{_e(name)}: Kommunkompassen {', '.join(str(r['year']) for r in reports)}</h1>",
            f'<p class="note">{_e(latest.get("county") or "")}. Made by kompass from the ingested reports; '
            "every number is the report's own.</p>"]
    body.append("<h2>Poäng per område</h2>")
    for r in reversed(reports):
        areas = list(db.query("select number, title, score, max from areas where report_id = ? order by number",
                              [r["id"]]))
        body.append(f"<h3>{r['year']} (ramverk {_e(r['framework'])}): {r['total_score']:g} av "
                    f"{r['max_score']:g} poäng</h3>")
        body.append(bar_chart_svg([(f"{a['number']}. {a['title']}", a["score"], a["max"]) for a in areas]))

    def by_domain(report_id: str) -> dict[str, float]:
        return {a["domain"]: a["score"] / a["max"] for a in db.query(
            "select domain, score, max from areas where report_id = ? and domain is not null and max > 0",
            [report_id])}

    mean = {row["domain"]: row["share"] for row in db.query(
        "select a.domain, avg(a.score / a.max) as share, count(distinct r.id) as n from areas a "
        "join reports r on r.id = a.report_id where r.framework = ? and a.domain is not null and a.max > 0 "
        "group by a.domain", [latest["framework"]])}
    n_same = db.execute("select count(*) from reports where framework = ?", [latest["framework"]]).fetchone()[0]
    domains = list(names)
    series = [(f"{name} {latest['year']}", [by_domain(latest["id"]).get(d) for d in domains])]
    if earlier is not None:
        series.append((f"{name} {earlier['year']}", [by_domain(earlier["id"]).get(d) for d in domains]))
    series.append((f"medel, {n_same} {'rapport' if n_same == 1 else 'rapporter'} med ramverk {latest['framework']}",
                   [mean.get(d) for d in domains]))
    body.append("<h2>Spindeldiagram: andel av maxpoäng per område</h2>")
    legend = "".join(f'<span style="background:{COLOURS[i]}"></span>{_e(s[0])}' for i, s in enumerate(series))
    body.append(f'<p class="legend">{legend}</p>')
    body.append(radar_svg([names[d] for d in domains], series))
    if earlier is not None and earlier["framework"] != latest["framework"]:
        body.append(f'<p class="note">{earlier["year"]} och {latest["year"]} följer olika ramverk '
                    f'({earlier["framework"]} och {latest["framework"]}): områdena jämförs genom kompass '
                    "domännyckel och är inte samma frågor.</p>")
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
            outcome = f["outcome"] + (" (granskad)" if f.get("outcome_method") == "reviewed" else "")
            rows.append([f["area"], f["recommendation"], outcome,
                         "" if f["score"] is None else f"{f['score']:.2f}", later])
        body.append('<p class="note">utfall: addressed (en senare styrka säger att det är gjort), persisting '
                    "(rekommenderas igen), no_match (inget i den senare rapporten är nära nog; en mening ur "
                    "berättelsen visas där en talar om saken); granskad: en forskares bedömning. Likhet 0-1.</p>")
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


def themes_plot_html(db: sqlite_utils.Database, top: int = 8) -> str:
    """The ``top`` largest themes: the share of each year's reports they occur in."""
    years = [r[0] for r in db.execute("select distinct year from reports where year is not null order by year")]
    per_year = dict(db.execute("select year, count(*) from reports where year is not null group by year").fetchall())
    themes = list(db.query("select id, label from themes order by size desc, id limit ?", [top]))
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for row in db.query("select f.theme_id, r.year, count(distinct r.id) as n from findings f join reports r "
                        "on r.id = f.report_id where f.theme_id is not null and r.year is not null "
                        "group by f.theme_id, r.year"):
        counts[row["theme_id"]][row["year"]] = row["n"]
    series = [(f"{t['id']}: {t['label']}", [100.0 * counts[t["id"]].get(y, 0) / per_year[y] for y in years])
              for t in themes]
    body = ["<h1>Teman över åren</h1>",
            f'<p class="note">Andel av årets rapporter där temat förekommer, de {len(themes)} största temana; '
            f"{sum(per_year.values())} rapporter, {years[0] if years else ''}–{years[-1] if years else ''}.</p>",
            line_chart_svg(years, series, "% av årets rapporter")]
    body.append(_table(["år"] + [str(y) for y in years], [["rapporter"] + [per_year[y] for y in years]]))
    return _page("Teman över åren", body)
