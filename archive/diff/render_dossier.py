"""The dossier page of one reporting unit: one self-contained HTML file (inline CSS, no script, no
asset from the archived pages, CJK font stack, the same strict CSP as the diff pages), printable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from html import escape

from archive.diff.dossier import Dossier, Evidence, PageHistory
from archive.diff.html import cite_link, citation, e, link, page, when
from archive.diff.i18n import (
    action_name,
    field_name,
    finding_kind,
    signal_name,
    similar_relation,
    word,
)
from archive.diff.model import Comparison, DiffResult, TrendSeries
from archive.diff.render_html import changes_html, sections_html, stats_html
from archive.diff.render_trends import figures_table, group_by_metric, metric_block
from archive.diff.similar import DocRef
from archive.metrics.catalogue import SECTION_BY_ID, SECTIONS, Lang

EVIDENCE_ROWS = 12          # evidence groups shown per version before the rest collapse
PASSAGE_CHARS = 160


def render_dossier(dossier: Dossier, *, lang: Lang | str = Lang.ZH) -> str:
    title = word("dossier_title", lang, unit=dossier.unit)
    parts = [f"<h1>{escape(title)}</h1>", f"<p class=\"muted\">{word('dossier_intro', lang, unit=e(dossier.unit))}</p>"]
    parts.append(f"<p>{_summary(dossier, lang)}</p>")
    toc = "".join(f'<li><a href="#{key}">{word(key, lang)}</a></li>'
                  for key in ("reports", "figures", "edits", "spam", "similar"))
    parts.append(f'<ul class="noprint">{toc}</ul>')
    parts += [_reports(dossier, lang), _figures(dossier.series, lang), _edits(dossier.pages, lang),
              _spam(dossier.pages, lang), _similar(dossier, lang)]
    return page(title, "\n".join(parts), lang=lang)


def _summary(dossier: Dossier, lang: Lang | str) -> str:
    years = sorted({p.year for p in dossier.pages if p.year is not None})
    spam_pages = sum(1 for p in dossier.pages if any(v.findings for v in p.versions))
    return word("dossier_summary", lang, reports=len(dossier.pages), years="、".join(map(str, years)) or "—",
                versions=sum(len(p.versions) for p in dossier.pages), edits=dossier.silent_edits,
                spam=dossier.spam_findings, spam_pages=spam_pages, pairs=len(dossier.similar.pairs))


def _reports(dossier: Dossier, lang: Lang | str) -> str:
    rows, cites = [], []
    for p in dossier.pages:
        latest = p.versions[-1]
        rows.append(
            f"<tr><td>{e(p.year)}</td><td>{e(latest.ref.title)}</td><td>{e(latest.ref.published_date) or '—'}</td>"
            f"<td>{e(latest.period) or '—'}</td><td>{e(latest.source) or '—'}</td><td>{e(latest.issuer) or '—'}</td>"
            f"<td class=\"num\">{len(p.versions)}</td><td>"
            + " ".join(cite_link(v.ref, word("version", lang, n=v.ref.version_no)) for v in p.versions)
            + "</td></tr>")
        cites += [f"<li>{citation(v.ref, lang=lang)}</li>" for v in p.versions]
    head = "".join(f"<th>{word(k, lang)}</th>" for k in (
        "report_year", "title", "published", "period", "source", "issuer", "versions", "citation"))
    return (f'<h2 id="reports">{word("reports", lang)}</h2><table><tr>{head}</tr>{"".join(rows)}</table>'
            f'<h3>{word("reports_and_citations", lang)}</h3><ol class="citations">{"".join(cites)}</ol>')


def _figures(series: Sequence[TrendSeries], lang: Lang | str) -> str:
    """Per section: charts of the figures stated in two years or more (not all zero), then one
    table of every figure by year; all-zero rows collapse."""
    parts = [f'<h2 id="figures">{word("figures", lang)}</h2>', f'<p class="muted">{word("trends_intro", lang)}</p>']
    groups = group_by_metric(series)
    for section in [*SECTIONS, None]:
        members = [g[0] for g in groups.values()
                   if (g[0].section == section.id if section else g[0].section not in SECTION_BY_ID)]
        if not members:
            continue
        parts.append(f"<h3>{e(section.text(lang) if section else word('statistics', lang))}</h3>")
        charted = [s for s in members if len(s.points) >= 2 and any(v for _, v in s.points)]
        if charted:
            parts.append('<div class="charts">' + "".join(
                metric_block([s], lang=lang, width=420, height=220, table=False) for s in charted) + "</div>")
        shown = [s for s in members if any(v for _, v in s.points)]
        zero = [s for s in members if not any(v for _, v in s.points)]
        if shown:
            parts.append(figures_table(shown, lang=lang, label_column=word("metric", lang)))
        if zero:
            parts.append(f"<details><summary>{word('all_zero', lang, n=len(zero))}</summary>"
                         f"{figures_table(zero, lang=lang, label_column=word('metric', lang))}</details>")
    return "\n".join(parts)


def _edits(pages: Sequence[PageHistory], lang: Lang | str) -> str:
    parts = [f'<h2 id="edits">{word("edits", lang)}</h2>']
    found = [(p, edit) for p in pages for edit in p.edits]
    if not found:
        parts.append(f"<p>{word('no_edits', lang)}</p>")
    for p, edit in found:
        older = next(v for v in p.versions if v.ref.version_no == edit.a.version_no)
        a, b = edit.a.version_no, edit.b.version_no
        first = when(edit.b.capture.fetched_at if edit.b.capture else None)
        parts.append(f"<h3>{word('edit_heading', lang, y=p.year or '?', a=a, b=b)}</h3>")
        between = word("captured_between", lang, a=a, b=b, la=e(when(older.last_captured)), fb=e(first))
        parts.append(f"<p class=\"muted\">{between}"
                     f" · {cite_link(edit.a, word('version', lang, n=edit.a.version_no))} → "
                     f"{cite_link(edit.b, word('version', lang, n=edit.b.version_no))}</p>")
        parts.append(_edit_body(edit, lang))
    return "\n".join(parts)


def _edit_body(edit: DiffResult, lang: Lang | str) -> str:
    parts = changes_html(edit, lang)
    changed = tuple(s for s in edit.statistics if s.delta or s.comparison is not Comparison.COMPARABLE)
    if changed:
        parts.append(f"<h4>{word('changed_figures', lang)}</h4>"
                     + stats_html(replace(edit, statistics=changed), lang=lang))
    text = tuple(s for s in edit.sections if s.changed)
    if text:
        parts.append(f"<h4>{word('changed_text', lang)}</h4>" + sections_html(replace(edit, sections=text), lang=lang))
    return "\n".join(parts)


def _evidence_row(ev: Evidence, lang: Lang | str) -> str:
    if ev.before or ev.after:
        shown = (f"…{e(ev.before)}<mark>{e(ev.text)}</mark>{e(ev.after)}…"
                 + (f" → <ins>{e(ev.replacement)}</ins>" if ev.replacement else ""))
    else:
        shown = "—"             # only the body's raw text is stored; the injected text is the evidence
    return (f"<tr><td class=\"nw\">{e(finding_kind(ev.kind, lang))}</td>"
            f"<td class=\"nw\">{e(field_name(ev.field, lang))}</td>"
            f"<td class=\"nw\">{e(action_name(ev.action, lang))}</td>"
            f"<td class=\"quoted\">{e(ev.text)}</td>"
            f"<td class=\"quoted\">{e(ev.replacement) or '—'}</td><td class=\"quoted\">{shown}</td>"
            f"<td>{e(signal_name(ev.signal, lang))}</td><td class=\"num\">{ev.confidence:.2f}</td>"
            f"<td class=\"num\">{ev.count}</td></tr>")


def _spam(pages: Sequence[PageHistory], lang: Lang | str) -> str:
    parts = [f'<h2 id="spam">{word("spam", lang)}</h2>']
    head = "".join(f"<th>{word(k, lang)}</th>" for k in (
        "kind", "where", "action", "injected", "restored_word", "evidence", "signal", "confidence", "times"))
    any_found = False
    for p in pages:
        for v in p.versions:
            if not v.evidence:
                continue
            any_found = True
            captured = when(v.ref.capture.fetched_at if v.ref.capture else None)
            heading = word("spam_heading", lang, y=p.year or "?", n=v.ref.version_no, t=e(captured), k=v.findings)
            if v.suspected:
                heading += word("suspected_count", lang, n=v.suspected)
            parts.append(f"<h3>{heading}"
                         f" <span class=\"small\">{cite_link(v.ref, word('citation', lang))}</span></h3>")
            rows = [_evidence_row(ev, lang) for ev in v.evidence]
            parts.append(f"<table><tr>{head}</tr>{''.join(rows[:EVIDENCE_ROWS])}</table>")
            if len(rows) > EVIDENCE_ROWS:
                parts.append(f"<details><summary>{word('more_findings', lang, n=len(rows) - EVIDENCE_ROWS)}</summary>"
                             f"<table><tr>{head}</tr>{''.join(rows[EVIDENCE_ROWS:])}</table></details>")
    if not any_found:
        parts.append(f"<p>{word('no_spam', lang)}</p>")
    return "\n".join(parts)


def _doc(ref: DocRef) -> str:
    return f"{e(ref.township) or '?'} {e(ref.year) or '?'} · {link(ref.url)}"


def _similar(dossier: Dossier, lang: Lang | str) -> str:
    result = dossier.similar
    parts = [f'<h2 id="similar">{word("similar", lang)}</h2>',
             f"<p class=\"muted\">{word('threshold', lang, t=dossier.threshold)}</p>"]
    if result.pairs:
        rows = []
        for pair in result.pairs:
            passages = "".join(f"<li>{e(p[:PASSAGE_CHARS])}{'…' if len(p) > PASSAGE_CHARS else ''}</li>"
                               for p in pair.passages[:3])
            rows.append(f"<tr><td>{_doc(pair.a)}</td><td>{_doc(pair.b)}</td>"
                        f"<td>{e(similar_relation(pair.relation.value, lang))}</td>"
                        f"<td class=\"num\">{pair.similarity:.3f}</td><td class=\"num\">{pair.shared_shingles}</td>"
                        f"<td class=\"quoted\"><ul>{passages}</ul></td></tr>")
        parts.append(f"<table><tr><th>{word('this_report', lang)}</th><th>{word('other_report', lang)}</th>"
                     f"<th>{word('relation', lang)}</th><th>{word('similarity', lang)}</th>"
                     f"<th>{word('shared_shingles', lang)}</th><th>{word('shared_passages', lang)}</th></tr>"
                     f"{''.join(rows)}</table>")
    else:
        parts.append(f"<p>{word('no_pairs', lang)}</p>")
    rows = []
    for ref, neighbours in result.neighbours:
        shown = "<br>".join(
            f"{_doc(n.doc)} · {e(similar_relation(n.relation.value, lang))} · {n.similarity:.3f}"
            + (f" · {word('shared_shingles', lang)} {n.shared_shingles}" if n.shared_shingles is not None else "")
            + (f' <span class="flag">{word("red_flag", lang)}</span>' if n.flagged else "") for n in neighbours)
        rows.append(f"<tr><td>{e(ref.year)}</td><td>{shown or '—'}</td></tr>")
    if rows:
        parts.append(f"<h3>{word('neighbours', lang)}</h3><table><tr><th>{word('report_year', lang)}</th>"
                     f"<th>{word('neighbours', lang)}</th></tr>{''.join(rows)}</table>")
    return "\n".join(parts)
