"""Typed results of spam cleaning: findings, the clean result, and how findings apply to text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

BODY = "body"
TITLE = "title"
VISIBLE_TITLE = "visible_title"
META_KEYWORDS = "meta:keywords"
META_DESCRIPTION = "meta:description"
SOURCE = "source"
PAGE = "page"


class FindingKind(StrEnum):
    BANNER = "banner"
    REPLACED_WORD = "replaced_word"
    TITLE_SPAM = "title_spam"
    META_SPAM = "meta_spam"
    SOURCE_SPAM = "source_spam"
    HIDDEN_BLOCK = "hidden_block"
    SCRIPT_LINK = "script_link"
    IFRAME = "iframe"
    PINYIN = "pinyin"
    TRADITIONAL = "traditional"


class Action(StrEnum):
    REMOVED = "removed"
    RESTORED = "restored"
    SUSPECTED = "suspected"  # evidence too weak to change the text: reported, left in place


@dataclass(frozen=True, slots=True)
class Finding:
    """One injected piece of a page and what the cleaner did with it.

    ``start``/``end`` are offsets into the raw text of ``field``; for ``body`` that is
    ``pipelines.text.body_text(raw_html)``. Whole elements removed outside any text field
    (banners, scripts, iframes, hidden blocks outside the body) have field ``page``, no offsets,
    and their serialized HTML as ``text``.
    """

    kind: FindingKind
    rule: str
    action: Action
    text: str
    replacement: str | None
    confidence: float
    field: str
    start: int | None
    end: int | None
    signal: str


@dataclass(frozen=True, slots=True)
class CleanResult:
    raw_text: str
    clean_text: str
    clean_html: str
    findings: tuple[Finding, ...]


def apply_findings(raw_text: str, findings: Iterable[Finding]) -> str:
    """``raw_text`` with every body finding applied (removed, or replaced by its replacement).

    Findings of other fields, findings without offsets and suspected findings (which change
    nothing) are ignored. Body findings must not overlap; they may come in any order.
    """
    spans = sorted(
        (
            f
            for f in findings
            if f.field == BODY and f.start is not None and f.end is not None and f.action is not Action.SUSPECTED
        ),
        key=lambda f: (f.start, f.end),
    )
    out: list[str] = []
    pos = 0
    for finding in spans:
        if finding.start < pos:
            raise ValueError(f"overlapping body findings at offset {finding.start}: {finding.text!r}")
        out.append(raw_text[pos : finding.start])
        if finding.action is Action.RESTORED and finding.replacement:
            out.append(finding.replacement)
        pos = finding.end
    out.append(raw_text[pos:])
    return "".join(out)


def findings_to_json(findings: Iterable[Finding]) -> list[dict]:
    """Plain dicts for SQL JSON columns and WARC metadata records (stable key set)."""
    return [
        {
            "text": f.text,
            "rule": f.rule,
            "kind": str(f.kind),
            "action": str(f.action),
            "replacement": f.replacement,
            "confidence": round(float(f.confidence), 4),
            "field": f.field,
            "start": f.start,
            "end": f.end,
            "signal": f.signal,
        }
        for f in findings
    ]
