"""Self-contained HTML pages (inline CSS, no scripts, no external assets) for diffs and trends.

Report text comes from hacked sites: every piece of text goes through ``html.escape`` and the page
carries a Content-Security-Policy that forbids scripts even if something slipped through.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from urllib.parse import urlsplit

from archive.diff.model import DiffKind, DiffResult, Op, ReportRef, SentenceRow, StatChange, TrendSeries
from archive.diff.svg import FONT_STACK, line_chart

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
RED_FLAG = ' <span class="flag">RED FLAG</span>'
CSS = """
body{font-family:%s;margin:1.5em;color:#222;line-height:1.6}
table{border-collapse:collapse;margin:.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:.25em .6em;vertical-align:top}
th{background:#f3f3f3;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
table.sbs{width:100%%;table-layout:fixed}
table.sbs td{width:50%%;white-space:pre-wrap;word-break:break-all}
del{background:#ffd7d5;color:#82071e;text-decoration:line-through}
ins{background:#ccffd8;color:#055d20;text-decoration:none}
tr.only td{background:#fff8c5}
.up{color:#055d20}.down{color:#82071e}
.flag{color:#fff;background:#b00020;padding:0 .4em;border-radius:3px;font-weight:bold}
.muted{color:#777}.cite{font-family:monospace;font-size:.9em}
.charts{display:flex;flex-wrap:wrap;gap:12px}
details>summary{cursor:pointer;font-weight:bold;margin:.6em 0}
""" % FONT_STACK


def page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _e(value) -> str:
    return "" if value is None else escape(str(value))


def _link(url: str) -> str:
    """A link only for http(s) URLs; anything else (javascript:, data:) is shown as text."""
    if urlsplit(url).scheme.lower() in ("http", "https"):
        return f'<a href="{escape(url, quote=True)}" rel="noreferrer noopener">{escape(url)}</a>'
    return escape(url)


def _num(value) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"


def _ref_rows(label: str, ref: ReportRef) -> str:
    capture = ref.capture
    if capture is not None and capture.warc_filename:
        cite = (f'<span class="cite">{_e(capture.warc_filename)} @ {_e(capture.warc_offset)} '
                f'{_e(capture.warc_record_id)}</span> <span class="muted">fetched {_e(capture.fetched_at)}</span>')
    else:
        cite = '<span class="muted">no WARC record</span>'
    return (f"<tr><th>{label}</th><td>{_e(ref.township)} {_e(ref.report_year)} · v{ref.version_no}"
            f" · {_e(ref.title)}<br>{_link(ref.url)}<br>published {_e(ref.published_date) or '—'}"
            f" · template {_e(ref.template) or '—'}<br>WARC: {cite}</td></tr>")


def _stat_rows(stats: Sequence[StatChange]) -> str:
    rows = []
    for s in stats:
        cls = ' class="only"' if s.presence.value != "both" else ""
        trend = "" if not s.delta else (' class="num up"' if s.delta > 0 else ' class="num down"')
        pct = "—" if s.pct is None else f"{s.pct:+.1f}%"
        note = {"from_only": "only in from", "to_only": "only in to"}.get(s.presence.value, "")
        rows.append(
            f"<tr{cls}><td>{_e(s.metric)}</td><td class=\"num\">{_num(s.from_value)}</td>"
            f"<td class=\"num\">{_num(s.to_value)}</td><td{trend or ' class=num'}>"
            f"{'—' if s.delta is None else ('+' if s.delta > 0 else '') + _num(s.delta)}</td>"
            f"<td class=\"num\">{pct}</td><td>{_e(s.unit)}</td><td class=\"muted\">{note}</td></tr>")
    return ("<table><tr><th>metric</th><th>from</th><th>to</th><th>change</th><th>%</th><th>unit</th>"
            "<th></th></tr>" + "".join(rows) + "</table>")


def _side(row: SentenceRow, keep: Op) -> str:
    tag = "del" if keep is Op.DELETE else "ins"
    return "".join(escape(text) if op is Op.EQUAL else f"<{tag}>{escape(text)}</{tag}>"
                   for op, text in row.ops if op is Op.EQUAL or op is keep)


def charts(series: Sequence[TrendSeries], *, metrics: Sequence[str] | None = None,
           highlight: Sequence[int] = (), width: int = 560, height: int = 260) -> str:
    by_metric: dict[str, list[TrendSeries]] = {}
    for s in series:
        by_metric.setdefault(s.metric, []).append(s)
    names = [m for m in (metrics or by_metric) if m in by_metric]
    svgs = [line_chart([(s.township, s.points) for s in by_metric[m]], title=m, unit=by_metric[m][0].unit,
                       highlight=highlight, width=width, height=height) for m in names]
    return f'<div class="charts">{"".join(svgs)}</div>' if svgs else ""


def render_diff(result: DiffResult, *, trends: Sequence[TrendSeries] = (), max_charts: int = 12) -> str:
    a, b = result.a, result.b
    if result.kind is DiffKind.YEARS:
        title = f"{a.township or ''} {a.report_year} → {b.report_year}"
    else:
        title = f"{a.url} v{a.version_no} → v{b.version_no}"
    parts = [f"<h1>{escape(title)}</h1>",
             f"<table>{_ref_rows('from', a)}{_ref_rows('to', b)}</table>",
             f"<p>text similarity {result.similarity:.3f}</p>"]
    parts += [f"<p class=\"muted\">{escape(w)}</p>" for w in result.warnings]
    if result.fields:
        rows = "".join(
            f"<tr><td>{_e(f.name)}{RED_FLAG if f.red_flag else ''}</td>"
            f"<td>{_e(f.from_value)}</td><td>{_e(f.to_value)}</td></tr>" for f in result.fields)
        parts.append(f"<h2>Field changes</h2><table><tr><th>field</th><th>from</th><th>to</th></tr>{rows}</table>")
    if result.findings:
        rows = "".join(
            f"<tr><td>{_e(c.change)}</td><td>{_e(c.finding.kind)}</td><td>{_e(c.finding.field)}</td>"
            f"<td>{_e(c.finding.text)}</td><td>{_e(c.finding.replacement)}</td></tr>" for c in result.findings)
        parts.append("<h2>Spam findings</h2><table><tr><th>change</th><th>kind</th><th>field</th>"
                     f"<th>injected text</th><th>restored</th></tr>{rows}</table>")
    if result.statistics:
        parts.append("<h2>Statistics</h2>" + _stat_rows(result.statistics))
        compared = [s.metric for s in result.statistics if s.presence.value == "both"]
        changed = [s.metric for s in result.statistics if s.delta] + compared
        years = [y for y in (a.report_year, b.report_year) if y is not None]
        parts.append(charts(trends, metrics=list(dict.fromkeys(changed))[:max_charts], highlight=years,
                            width=420, height=220))
    parts.append("<h2>Text</h2>")
    for section in result.sections:
        heading = (_e(section.from_heading) if section.from_heading == section.to_heading else
                   f"<del>{_e(section.from_heading) or '∅'}</del> → <ins>{_e(section.to_heading) or '∅'}</ins>")
        label = heading or "(preamble)"
        rows = "".join(f"<tr><td>{_side(r, Op.DELETE)}</td><td>{_side(r, Op.INSERT)}</td></tr>"
                       for r in section.rows)
        parts.append(
            f"<details{' open' if section.changed else ''}><summary>{label} "
            f"<span class=\"muted\">similarity {section.similarity:.2f}</span></summary>"
            f"<table class=\"sbs\"><tr><th>from</th><th>to</th></tr>{rows}</table></details>")
    return page(title, "\n".join(parts))


def render_trends(series: Sequence[TrendSeries], *, title: str) -> str:
    years = sorted({year for s in series for year, _ in s.points})
    head = "".join(f"<th>{y}</th>" for y in years)
    rows = []
    for s in series:
        values = dict(s.points)
        cells = "".join(f'<td class="num">{_num(values.get(y))}</td>' for y in years)
        rows.append(f"<tr><td>{_e(s.township)}</td><td>{_e(s.metric)}</td><td>{_e(s.unit)}</td>{cells}</tr>")
    table = f"<table><tr><th>township</th><th>metric</th><th>unit</th>{head}</tr>{''.join(rows)}</table>"
    body = f"<h1>{escape(title)}</h1>\n{charts(series)}\n{table}" if series else \
        f"<h1>{escape(title)}</h1><p>No statistics archived.</p>"
    return page(title, body)
