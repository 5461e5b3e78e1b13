"""Plain-text rendering of a diff: ANSI colours for a terminal, ``[-old-]{+new+}`` marks when piped."""

from __future__ import annotations

from archive.diff.model import DiffResult, Op, ReportRef

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
    return f"{ref.township or '?'} {ref.report_year or '?'} v{ref.version_no} {ref.url}{cite}"


def render_text(result: DiffResult, *, color: bool = False, context: bool = False) -> str:
    """The diff as text; unchanged sentences are left out unless ``context``."""
    def paint(text: str, code: str) -> str:
        return f"{code}{text}{RESET}" if color else text

    out = [paint(f"--- {_ref(result.a)}", RED), paint(f"+++ {_ref(result.b)}", GREEN),
           f"text similarity {result.similarity:.3f}"]
    out += [paint(f"note: {w}", YELLOW) for w in result.warnings]
    for f in result.fields:
        flag = paint(" RED FLAG", BOLD + RED) if f.red_flag else ""
        out.append(f"field {f.name}: {f.from_value} -> {f.to_value}{flag}")
    for c in result.findings:
        out.append(f"spam {c.change}: {c.finding.kind} in {c.finding.field}: {c.finding.text!r}")
    if result.statistics:
        out.append("")
        out.append(paint("statistics", BOLD))
        width = max(_width(s.metric) for s in result.statistics) + 2
        for s in result.statistics:
            pct = "" if s.pct is None else f" ({s.pct:+.1f}%)"
            delta = "" if s.delta is None else f" {'+' if s.delta > 0 else ''}{_num(s.delta)}{pct}"
            note = {"from_only": "  only in from", "to_only": "  only in to"}.get(s.presence.value, "")
            line = f"  {_pad(s.metric, width)}{_num(s.from_value):>10} -> {_num(s.to_value):<10}{delta}{note}"
            code = GREEN if s.delta and s.delta > 0 else RED if s.delta and s.delta < 0 else YELLOW if note else ""
            out.append(paint(line, code) if code else line)
    for section in result.sections:
        if not section.changed and not context:
            continue
        out.append("")
        if section.from_heading == section.to_heading:
            title = section.from_heading or "(preamble)"
        else:
            title = f"{section.from_heading or '(none)'} => {section.to_heading or '(none)'}"
        out.append(paint(f"@@ {title} (similarity {section.similarity:.2f})", BOLD))
        for row in section.rows:
            if not row.changed and not context:
                continue
            out.append("  " + "".join(_mark(op, text, color) for op, text in row.ops))
    return "\n".join(out) + "\n"


def _mark(op: Op, text: str, color: bool) -> str:
    if op is Op.EQUAL:
        return text
    if color:
        return f"{RED}\x1b[9m{text}{RESET}" if op is Op.DELETE else f"{GREEN}\x1b[4m{text}{RESET}"
    return f"[-{text}-]" if op is Op.DELETE else f"{{+{text}+}}"
