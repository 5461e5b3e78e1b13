"""The HTML diff page (self-contained: inline CSS, no scripts, no external assets), in Chinese by
default or English: the two reports with their WARC citations, red flags, spam changes, the
statistics section by section through the concordance (zero rows collapsed), charts of the changed
figures, and the text side by side.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape

from archive.diff.html import CSP, anchor, citation, e, num, page
from archive.diff.i18n import action_name, comparison_name, field_name, finding_kind, relation_name, word
from archive.diff.model import Comparison, DiffKind, DiffResult, Op, SentenceRow, StatChange, TrendSeries
from archive.diff.render_trends import citations, group_by_metric, metric_block, render_trends
from archive.metrics.catalogue import SECTION_BY_ID, SECTIONS, Lang, template_name

__all__ = ["CSP", "changes_html", "render_diff", "render_trends", "sections_html", "stats_html"]


def _flag(lang: Lang | str) -> str:
    return f' <span class="flag">{word("red_flag", lang)}</span>'


def _side(row: SentenceRow, keep: Op) -> str:
    tag = "del" if keep is Op.DELETE else "ins"
    return "".join(escape(text) if op is Op.EQUAL else f"<{tag}>{escape(text)}</{tag}>"
                   for op, text in row.ops if op is Op.EQUAL or op is keep)


def _columns(result: DiffResult, lang: Lang | str) -> tuple[str, str]:
    if result.kind is DiffKind.YEARS:
        return (word("year_suffix", lang, y=result.a.report_year), word("year_suffix", lang, y=result.b.report_year))
    return word("version", lang, n=result.a.version_no), word("version", lang, n=result.b.version_no)


def _comparability(s: StatChange, result: DiffResult, lang: Lang | str) -> str:
    badge = f'<span class="badge b-{s.comparison.value}">{comparison_name(s.comparison.value, lang)}</span>'
    note = s.note_en if lang == Lang.EN else s.note_zh
    detail = ""
    if s.comparison is Comparison.COMPARABLE and s.relation == "renamed" and not note:
        detail = word("renamed_from", lang, w=s.from_wording)
    elif s.comparison is Comparison.CHANGED_DEFINITION:
        detail = relation_name(s.relation, lang)
    elif s.comparison is Comparison.NEW:
        detail = word("new_in", lang, t=template_name(result.b.template, lang))
    elif s.comparison is Comparison.DROPPED:
        detail = word("dropped_in", lang, t=template_name(result.b.template, lang))
    elif s.comparison is Comparison.ONE_SIDE:
        detail = word("only_in", lang, y=_columns(result, lang)[0 if s.from_value is not None else 1])
    extra = f'<br><span class="small muted">{e(note)}</span>' if note else ""
    return f'{badge} <span class="small">{e(detail)}</span>{extra}'


def _stat_table(rows: Sequence[StatChange], result: DiffResult, lang: Lang | str) -> str:
    a_col, b_col = _columns(result, lang)
    out = []
    for s in rows:
        cls = ' class="only"' if s.presence.value != "both" else ""
        trend = "num" if not s.delta else ("num up" if s.delta > 0 else "num down")
        pct = "—" if s.pct is None else f"{s.pct:+.1f}%"
        delta = "—" if s.delta is None else ("+" if s.delta > 0 else "") + num(s.delta)
        out.append(f'<tr{cls}><td>{e(s.label(lang))}</td><td class="num">{num(s.from_value)}</td>'
                   f'<td class="num">{num(s.to_value)}</td><td class="{trend}">{delta}</td>'
                   f'<td class="num">{pct}</td><td>{e(s.unit)}</td><td>{_comparability(s, result, lang)}</td></tr>')
    return (f"<table><tr><th>{word('metric', lang)}</th><th>{e(a_col)}</th><th>{e(b_col)}</th>"
            f"<th>{word('delta', lang)}</th><th>{word('pct', lang)}</th><th>{word('unit', lang)}</th>"
            f"<th>{word('comparability', lang)}</th></tr>{''.join(out)}</table>")


def stats_html(result: DiffResult, *, lang: Lang | str = Lang.ZH) -> str:
    """A summary line, then one table per section; rows that are zero collapse into one line."""
    counts = Counter(s.comparison.value for s in result.statistics)
    summary = word("stats_summary", lang, n=len(result.statistics),
                   **{c.value: counts.get(c.value, 0) for c in Comparison})
    parts = [f"<p>{summary}</p>"]
    known = [s.id for s in SECTIONS]
    order = known + sorted({s.section for s in result.statistics} - set(known))
    for section_id in order:
        rows = [s for s in result.statistics if s.section == section_id]
        if not rows:
            continue
        section = SECTION_BY_ID.get(section_id)
        parts.append(f"<h3>{e(section.text(lang) if section else word('statistics', lang))}</h3>")
        shown = [s for s in rows if not s.zero]
        zero = [s for s in rows if s.zero]
        if shown:
            parts.append(_stat_table(shown, result, lang))
        if zero:
            parts.append(f"<details><summary>{word('zero_rows', lang, n=len(zero))}</summary>"
                         f"{_stat_table(zero, result, lang)}</details>")
    return "\n".join(parts)


def sections_html(result: DiffResult, *, lang: Lang | str = Lang.ZH) -> str:
    """The text, section by section, side by side; unchanged sections collapsed."""
    a_col, b_col = _columns(result, lang)
    parts = []
    for section in result.sections:
        heading = (e(section.from_heading) if section.from_heading == section.to_heading else
                   f"<del>{e(section.from_heading) or '∅'}</del> → <ins>{e(section.to_heading) or '∅'}</ins>")
        label = heading or word("preamble", lang)
        rows = "".join(f'<tr><td class="quoted">{_side(r, Op.DELETE)}</td>'
                       f'<td class="quoted">{_side(r, Op.INSERT)}</td></tr>' for r in section.rows)
        parts.append(
            f"<details{' open' if section.changed else ''}><summary>{label} "
            f"<span class=\"muted\">{word('similarity', lang)} {section.similarity:.2f}</span></summary>"
            f"<table class=\"sbs\"><tr><th>{e(a_col)}</th><th>{e(b_col)}</th></tr>{rows}</table></details>")
    return "\n".join(parts)


def changes_html(result: DiffResult, lang: Lang | str) -> list[str]:
    parts = []
    if result.fields:
        rows = "".join(
            f"<tr><td>{e(field_name(f.name, lang))}{_flag(lang) if f.red_flag else ''}</td>"
            f"<td>{e(f.from_value)}</td><td>{e(f.to_value)}</td></tr>" for f in result.fields)
        a_col, b_col = _columns(result, lang)
        parts.append(f"<h2>{word('field_changes', lang)}</h2><table><tr><th>{word('field', lang)}</th>"
                     f"<th>{e(a_col)}</th><th>{e(b_col)}</th></tr>{rows}</table>")
    if result.findings:
        rows = "".join(
            f"<tr><td>{word(c.change, lang) if c.change in ('appeared', 'vanished') else e(c.change)}</td>"
            f"<td>{e(finding_kind(c.finding.kind, lang))}</td><td>{e(field_name(c.finding.field, lang))}</td>"
            f'<td class="quoted">{e(c.finding.text)}</td><td class="quoted">{e(c.finding.replacement)}</td>'
            f"<td>{e(action_name(c.finding.action, lang))}</td></tr>" for c in result.findings)
        parts.append(f"<h2>{word('spam_changes', lang)}</h2><table><tr><th>{word('change', lang)}</th>"
                     f"<th>{word('kind', lang)}</th><th>{word('field', lang)}</th><th>{word('injected', lang)}</th>"
                     f"<th>{word('restored_word', lang)}</th><th></th></tr>{rows}</table>")
    return parts


def diff_title(result: DiffResult, lang: Lang | str = Lang.ZH) -> str:
    a, b = result.a, result.b
    if result.kind is DiffKind.YEARS:
        return word("diff_title_years", lang, unit=a.name or "", a=a.report_year, b=b.report_year)
    return word("diff_title_captures", lang, unit=a.name or "", y=b.report_year or "?", a=a.version_no,
                b=b.version_no)


def render_diff(result: DiffResult, *, trends: Sequence[TrendSeries] = (), max_charts: int = 12,
                lang: Lang | str = Lang.ZH) -> str:
    a, b = result.a, result.b
    title = diff_title(result, lang)
    a_col, b_col = _columns(result, lang)
    heading_a = f"{word('from', lang)} · {e(a_col)} · {e(a.title)}"
    heading_b = f"{word('to', lang)} · {e(b_col)} · {e(b.title)}"
    parts = [f"<h1>{escape(title)}</h1>", citation(a, lang=lang, heading=heading_a),
             citation(b, lang=lang, heading=heading_b),
             f"<p>{word('similarity', lang)} {result.similarity:.3f}</p>"]
    if a.template and b.template and a.template != b.template:
        changed = word("template_changed", lang, a=template_name(a.template, lang), b=template_name(b.template, lang))
        parts.append(f'<p class="muted">{changed}</p>')
    parts += [f'<p class="muted">{escape(w)}</p>' for w in result.warnings if not w.startswith("template changed")]
    parts += changes_html(result, lang)
    if result.statistics:
        parts.append(f"<h2>{word('statistics', lang)}</h2>" + stats_html(result, lang=lang))
        both = [s for s in result.statistics if s.from_value is not None and s.to_value is not None]
        wanted = list(dict.fromkeys([s.metric for s in both if s.delta] + [s.metric for s in both if not s.zero]))
        groups = group_by_metric(trends)
        years = [y for y in (a.report_year, b.report_year) if y is not None]
        blocks = [metric_block(groups[m], lang=lang, highlight=years, width=420, height=220)
                  for m in wanted[:max_charts] if m in groups]
        if blocks:
            parts.append('<div class="charts">' + "".join(blocks) + "</div>")
            # the charts' other years link to their reports' citations, listed here
            others = [src.ref for m in wanted[:max_charts] if m in groups for s in groups[m] for src in s.sources
                      if anchor(src.ref) not in (anchor(a), anchor(b))]
            if others:
                parts.append(f"<h3>{word('reports_and_citations', lang)}</h3>" + citations(others, lang=lang))
    parts.append(f"<h2>{word('text', lang)}</h2>")
    parts.append(sections_html(result, lang=lang))
    return page(title, "\n".join(parts), lang=lang)
