"""Compose two cleaning passes into one set of findings on the raw text.

Removing or rewriting text can make neighbours meet (``政(zheng)`` + ``体育平台`` ->
``政体育平台``). ``clean_page`` therefore cleans its own output again until nothing is found; the
findings of a later pass, whose offsets point into the earlier clean text, are mapped back onto
the raw text here. A later finding that touches an earlier replacement absorbs it, so body
findings stay disjoint and ``clean_text == apply_findings(raw_text, findings)`` keeps holding.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

from pipelines.cleaning.model import BODY, Action, CleanResult, Finding, apply_findings


def compose(first: CleanResult, second: CleanResult) -> CleanResult | None:
    """One result equal to applying ``first`` then ``second``; None when they cannot be mapped."""
    raw = first.raw_text
    mid = first.clean_text
    if second.raw_text != mid:
        return None
    earlier = sorted(
        (f for f in first.findings if f.field == BODY and f.start is not None and f.action is not Action.SUSPECTED),
        key=lambda f: f.start,
    )
    suspects = [f for f in first.findings if f.action is Action.SUSPECTED]
    # segments of the intermediate text that came from a finding: (mid_start, mid_end, finding)
    segments = []
    shift = 0
    for f in earlier:
        length = len(f.replacement or "") if f.action is Action.RESTORED else 0
        segments.append((f.start + shift, f.start + shift + length, f))
        shift += length - (f.end - f.start)
    body = [f for f in second.findings if f.field == BODY and f.start is not None]
    absorbed: set[int] = set()
    combined: list[Finding] = []
    for g in sorted(body, key=lambda f: f.start):
        lo, hi = g.start, g.end
        for k, (a, b, _f) in enumerate(segments):
            if (a < hi and lo < b) or (a == b and lo < a < hi):
                absorbed.add(k)
                lo, hi = min(lo, a), max(hi, b)
        raw_lo, raw_hi = _to_raw(lo, segments, start=True), _to_raw(hi, segments, start=False)
        text = mid[lo : g.start] + (g.replacement or "" if g.action is Action.RESTORED else "") + mid[g.end : hi]
        combined.append(
            replace(
                g,
                text=raw[raw_lo:raw_hi],
                start=raw_lo,
                end=raw_hi,
                action=Action.RESTORED if text else Action.REMOVED,
                replacement=text or None,
                rule=f"{g.rule}+second-pass",
            )
        )
    kept = [f for k, (_a, _b, f) in enumerate(segments) if k not in absorbed]
    others = [f for f in first.findings if (f.field != BODY or f.start is None) and f.action is not Action.SUSPECTED]
    later = [
        replace(f, start=None, end=None, rule=f"{f.rule}+second-pass")
        for f in second.findings
        if f.field != BODY or f.start is None
    ]
    findings = sorted(kept + combined, key=lambda f: f.start) + others + later + suspects
    if not _disjoint(findings):
        return None
    result = CleanResult(
        raw_text=raw, clean_text=apply_findings(raw, findings), clean_html=second.clean_html, findings=tuple(findings)
    )
    return result if result.clean_text == second.clean_text else None


def _to_raw(pos: int, segments, *, start: bool) -> int:
    """Raw offset of intermediate offset ``pos`` (never strictly inside a replaced segment).

    A removal sitting exactly at ``pos`` counts as before a start and after an end, so spans do
    not swallow neighbouring removals."""
    shift = 0
    for a, b, f in segments:
        before = b <= pos if start else (b < pos or (b == pos and a < b))
        if not before:
            break
        shift += (b - a) - (f.end - f.start)
    return pos - shift


def _disjoint(findings: list[Finding]) -> bool:
    body = sorted(
        (f for f in findings if f.field == BODY and f.start is not None and f.action is not Action.SUSPECTED),
        key=lambda f: (f.start, f.end),
    )
    return all(b.start >= a.end for a, b in pairwise(body))
