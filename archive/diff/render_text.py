"""Plain-text rendering of a diff: ANSI colours for a terminal, ``[-old-]{+new+}`` marks when piped."""

from __future__ import annotations

from archive.diff.i18n import comparison_name, field_name, finding_kind, word
from archive.diff.model import Comparison, DiffResult, Op, ReportRef, StatChange
from archive.metrics.catalogue import SECTION_BY_ID, SECTIONS, Lang, template_name

RED, GREEN, YELLOW, BOLD, DIM, RESET = "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[1m", "\x1b[2m", "\x1b[0m"


def _num(value) -> str:
    if value is None:
        return "-"
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _ref(ref: ReportRef) -> str:
    cite = ""
    if ref.capture is not None and ref.capture.warc_filename:
        cite = f" [{ref.capture.warc_filename}@{ref.capture.warc_offset} {ref.capture.warc_record_id}]"
    return f"{ref.name or '?'} {ref.report_year or '?'} v{ref.version_no} {ref.url}{cite}"


def render_text(result: DiffResult, *, color: bool = False, context: bool = False,
                lang: Lang | str = Lang.ZH) -> str:
    """The diff as text; unchanged sentences and zero statistics rows are left out unless ``context``."""
    def paint(text: str, code: str) -> str:
        return f"{code}{text}{RESET}" if color else text

    out = [paint(f"--- {_ref(result.a)}", RED), paint(f"+++ {_ref(result.b)}", GREEN),
           f"{word('similarity', lang)} {result.similarity:.3f}"]
    a, b = result.a, result.b
    if a.template and b.template and a.template != b.template:
        out.append(paint(word("template_changed", lang, a=template_name(a.template, lang),
                              b=template_name(b.template, lang)), YELLOW))
    out += [paint(f"note: {w}", YELLOW) for w in result.warnings if not w.startswith("template changed")]
    for f in result.fields:
        flag = paint(f" {word('red_flag', lang)}", BOLD + RED) if f.red_flag else ""
        out.append(f"{field_name(f.name, lang)}: {f.from_value} -> {f.to_value}{flag}")
    for c in result.findings:
        out.append(f"{word(c.change, lang)}: {finding_kind(c.finding.kind, lang)} "
                   f"({field_name(c.finding.field, lang)}): {c.finding.text!r}")
    if result.statistics:
        out.append("")
        out.append(paint(word("statistics", lang), BOLD))
        width = max((_width(s.label(lang)) for s in result.statistics if context or not s.zero), default=8) + 2
        order = [s.id for s in SECTIONS] + sorted({s.section for s in result.statistics} - set(SECTION_BY_ID))
        for section_id in order:
            rows = [s for s in result.statistics if s.section == section_id]
            shown = rows if context else [s for s in rows if not s.zero]
            if not rows:
                continue
            section = SECTION_BY_ID.get(section_id)
            out.append(f" [{section.text(lang) if section else word('statistics', lang)}]")
            out += [_stat_line(s, width, lang, paint) for s in shown]
            if len(shown) < len(rows):
                out.append(paint(f"  · {word('zero_rows', lang, n=len(rows) - len(shown))}", DIM))
    for section in result.sections:
        if not section.changed and not context:
            continue
        out.append("")
        if section.from_heading == section.to_heading:
            title = section.from_heading or word("preamble", lang)
        else:
            title = f"{section.from_heading or '(none)'} => {section.to_heading or '(none)'}"
        out.append(paint(f"@@ {title} ({word('similarity', lang)} {section.similarity:.2f})", BOLD))
        for row in section.rows:
            if not row.changed and not context:
                continue
            out.append("  " + "".join(_mark(op, text, color) for op, text in row.ops))
    return "\n".join(out) + "\n"


def _stat_line(s: StatChange, width: int, lang: Lang | str, paint) -> str:
    pct = "" if s.pct is None else f" ({s.pct:+.1f}%)"
    delta = "" if s.delta is None else f" {'+' if s.delta > 0 else ''}{_num(s.delta)}{pct}"
    note = "" if s.comparison is Comparison.COMPARABLE else f"  [{comparison_name(s.comparison.value, lang)}]"
    line = f"  {_pad(s.label(lang), width)}{_num(s.from_value):>10} -> {_num(s.to_value):<10}{delta}{note}"
    code = GREEN if s.delta and s.delta > 0 else RED if s.delta and s.delta < 0 else YELLOW if note else ""
    return paint(line, code) if code else line


def _mark(op: Op, text: str, color: bool) -> str:
    if op is Op.EQUAL:
        return text
    if color:
        return f"{RED}\x1b[9m{text}{RESET}" if op is Op.DELETE else f"{GREEN}\x1b[4m{text}{RESET}"
    return f"[-{text}-]" if op is Op.DELETE else f"{{+{text}+}}"
