"""The trends page: charts grouped by section, each with its table, every point linked to the
citation of the report it comes from; printable (see ``html.CSS``). No script, no external asset.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from archive.diff.html import anchor, cite_link, citation, e, num, page
from archive.diff.i18n import word
from archive.diff.model import ReportRef, TrendSeries
from archive.diff.svg import line_chart
from archive.metrics.catalogue import SECTION_BY_ID, SECTIONS, Lang

MAX_LABELLED_LINES = 3      # more lines than this: values in the table and tooltips, not on the chart


def group_by_metric(series: Sequence[TrendSeries]) -> dict[str, list[TrendSeries]]:
    groups: dict[str, list[TrendSeries]] = {}
    for s in series:
        groups.setdefault(s.metric, []).append(s)
    return groups


def metric_block(group: Sequence[TrendSeries], *, lang: Lang | str = Lang.ZH, highlight: Sequence[int] = (),
                 width: int = 560, height: int = 260, table: bool = True) -> str:
    """One concept: its chart (one line per unit) and, unless ``table`` is off, the table of its figures."""
    first = group[0]
    links = [{src.year: f"#{anchor(src.ref)}" for src in s.sources} for s in group]
    svg = line_chart([(s.township, s.points) for s in group], title=first.label(lang), unit=first.unit,
                     highlight=highlight, width=width, height=height, links=links,
                     breaks=[set(s.breaks) for s in group], value_labels=len(group) <= MAX_LABELLED_LINES)
    return f'<div class="metric">{svg}{figures_table(group, lang=lang) if table else ""}</div>'


def figures_table(group: Sequence[TrendSeries], *, lang: Lang | str = Lang.ZH, label_column: str | None = None) -> str:
    """Rows: one per series (unit, or metric when ``label_column`` names that column); columns:
    years. Each value links to its report's citation; † marks a changed definition."""
    years = sorted({y for s in group for y, _ in s.points})
    head = "".join(f"<th>{y}</th>" for y in years)
    first_head = label_column or word("unit_name", lang)
    rows = []
    several = len({s.township for s in group}) > 1
    for s in group:
        refs = {src.year: src.ref for src in s.sources}
        cells = []
        for year in years:
            value = dict(s.points).get(year)
            text = num(value) + ("†" if year in s.breaks else "")
            ref = refs.get(year)
            cells.append(f'<td class="num">{cite_link(ref, text) if ref and value is not None else text}</td>')
        name = (s.label(lang) + (f" · {s.township}" if several else "")) if label_column else s.township
        rows.append(f"<tr><td>{e(name)}</td><td>{e(s.unit)}</td>{''.join(cells)}</tr>")
    note = (f'<p class="small muted">{word("definition_changed", lang)}</p>'
            if any(s.breaks for s in group) else "")
    return (f"<table><tr><th>{e(first_head)}</th><th>{word('unit', lang)}</th>{head}</tr>{''.join(rows)}</table>"
            + note)


def _years(group: Sequence[TrendSeries]) -> int:
    return max(len(s.points) for s in group)


def _zero(group: Sequence[TrendSeries]) -> bool:
    return all(v == 0 for s in group for _, v in s.points)


def citations(refs: Sequence[ReportRef], *, lang: Lang | str = Lang.ZH) -> str:
    unique = {anchor(r): r for r in refs}
    items = "".join(f"<li>{citation(r, lang=lang, heading=f'{e(r.title) or e(r.url)}')}</li>"
                    for r in sorted(unique.values(), key=lambda r: (r.township or "", r.report_year or 0, r.url)))
    return f'<ol class="citations">{items}</ol>'


def render_trends(series: Sequence[TrendSeries], *, title: str, lang: Lang | str = Lang.ZH,
                  min_years: int = 2) -> str:
    """Sections in report order; in each, a chart and table per metric with figures in at least
    ``min_years`` years, then (collapsed) the metrics that are 0 every year and those with fewer years."""
    if not series:
        return page(title, f"<h1>{escape(title)}</h1><p>{word('no_statistics', lang)}</p>", lang=lang)
    groups = group_by_metric(series)
    charted = [m for m, g in groups.items() if _years(g) >= min_years and not _zero(g)]
    fewer = sum(1 for g in groups.values() if _years(g) < min_years)
    parts = [f"<h1>{escape(title)}</h1>", f"<p class=\"muted\">{word('trends_intro', lang)}</p>",
             f"<p>{word('trends_shown', lang, k=min_years, n=len(charted), m=fewer)}</p>"]
    order = [s.id for s in SECTIONS] + sorted({g[0].section for g in groups.values()} - set(SECTION_BY_ID))
    for section_id in order:
        members = {m: g for m, g in groups.items() if g[0].section == section_id}
        if not members:
            continue
        section = SECTION_BY_ID.get(section_id)
        parts.append(f"<h2>{e(section.text(lang) if section else word('statistics', lang))}</h2>")
        shown = [m for m in members if m in charted]
        if shown:
            parts.append('<div class="charts">' + "".join(metric_block(members[m], lang=lang) for m in shown)
                         + "</div>")
        zero = [s for m, g in members.items() if _zero(g) and _years(g) >= min_years for s in g]
        few = [s for m, g in members.items() if _years(g) < min_years for s in g]
        for rows, key in ((zero, "all_zero"), (few, "trends_few")):
            if rows:
                count = len({s.metric for s in rows})
                parts.append(f"<details><summary>{word(key, lang, n=count, k=min_years)}</summary>"
                             f"{figures_table(rows, lang=lang, label_column=word('metric', lang))}</details>")
    parts.append(f"<h2>{word('reports_and_citations', lang)}</h2>")
    parts.append(citations([src.ref for s in series for src in s.sources], lang=lang))
    return page(title, "\n".join(parts), lang=lang)
