"""What a search returns: hits, each with a snippet of its text around the first match."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Snippet:
    text: str
    spans: tuple[tuple[int, int], ...]  # highlighted [start, end) in text


@dataclass(frozen=True, slots=True)
class Hit:
    version_id: int
    url: str
    version_no: int
    title: str | None
    unit: str | None
    unit_kind: str | None
    township: str | None
    report_year: int | None
    published_date: date | None
    source: str | None
    score: float
    snippet: Snippet
    captured_at: datetime | None
    warc_filename: str | None
    warc_offset: int | None
    warc_record_id: str | None


def make_snippet(value: str, terms: Sequence[str], *, width: int = 80, before: int = 20) -> Snippet:
    """A window of ``value`` around the first hit, with every term occurrence marked."""
    flat = " ".join(value.split())
    folded = fold(flat)
    needles = [fold(t) for t in terms if t]
    firsts = [p for p in (folded.find(n) for n in needles) if p >= 0]
    start = max(0, min(firsts) - before) if firsts else 0
    end = min(len(flat), start + width)
    spans = []
    for needle in needles:
        pos = folded.find(needle, start)
        while 0 <= pos < end:
            spans.append((pos - start, min(pos + len(needle), end) - start))
            pos = folded.find(needle, pos + len(needle))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    shift = len(prefix)
    return Snippet(prefix + flat[start:end] + suffix, tuple(sorted((a + shift, b + shift) for a, b in spans)))


def fold(value: str) -> str:
    """``value`` lower-cased character for character (the one case folding of search)."""
    lowered = value.lower()
    return lowered if len(lowered) == len(value) else "".join(c if len(c.lower()) != 1 else c.lower() for c in value)

