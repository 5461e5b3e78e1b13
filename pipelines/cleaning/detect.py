"""Find spam phrases in a string: lexicon entries and brand shapes unknown to the lexicon.

Two kinds of evidence, both from ``lexicon.txt``:

* ``lexicon``: a known brand or gambling term, or a weak brand stem (皇冠, 金沙) with a category,
  channel or Latin letters glued to it;
* ``register``: a shape foreign to government prose, whatever the brand: a Latin-letter stem
  glued to a category (kaiyun体育), or a two-character stem followed by category + channel
  (鼎盛体育app, 星辉娱乐官网) or by a strong channel (…app下载, …官网入口). Stems that are
  ordinary prose (文化体育平台, 全县体育平台) are listed in ``legitstem`` or end in an
  administrative character.

Matches inside a ``legit`` phrase (皇冠村, 政务平台) or inside a quoted document title 《…》 are
dropped. Matches separated only by separators (``,``, ``、``, spaces) are merged into one phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.cleaning.lexicon import Lexicon

LEXICON_SCORE = 1.0
SHAPE_SCORE = 0.85
EXTRA_SCORE = 0.8
MAX_CACHED_CHARS = 2_000  # longer strings (page bodies) are not remembered
MAX_CACHED_STRINGS = 20_000  # the cache starts over when it holds this many

_ADMIN_END = frozenset("县市省镇乡村区局委办校院站部厅馆所队组会府")
_GLUE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.]*[A-Za-z0-9])?")
_JOIN = re.compile(r"[ ,，、|/·\-]{0,2}")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    rule: str
    signal: str
    score: float


def find_spam(text: str, lexicon: Lexicon, *, extra_phrases: Iterable[str] = ()) -> list[Span]:
    """Non-overlapping spam spans of ``text``, sorted by position."""
    if not text:
        return []
    if extra_phrases:
        return _find(text, lexicon, extra_phrases)
    # the same nav, footer and field strings come back page after page: remember them
    cached = lexicon.spans.get(text)
    if cached is None:
        cached = tuple(_find(text, lexicon, ()))
        if len(text) <= MAX_CACHED_CHARS:
            if len(lexicon.spans) >= MAX_CACHED_STRINGS:
                lexicon.spans.clear()
            lexicon.spans[text] = cached
    return list(cached)


def _find(text: str, lexicon: Lexicon, extra_phrases: Iterable[str]) -> list[Span]:
    known = _known(text, lexicon)
    core = lexicon.shape_core is None or lexicon.shape_core.search(text) is not None
    shapes = list(lexicon.shape.finditer(text)) if core else []
    extra = [p for p in extra_phrases if p]
    if not known and not shapes and not extra:
        return []
    legit = [(m.start(), m.end()) for m in lexicon.legit.finditer(text)] if lexicon.legit else []
    found: list[Span] = []
    for m in known:
        if not _inside(m.start(), m.end(), legit) and not _quoted(text, m.start(), m.end()):
            found.append(Span(m.start(), m.end(), "lexicon", "lexicon", LEXICON_SCORE))
    legit_stems = lexicon.words("legitstem")
    for m in shapes:
        stem = m.group("stem")
        if stem is not None and (stem in legit_stems or stem[-1] in _ADMIN_END):
            continue
        if _covers_stem(m.start(), m.end(), legit) or _quoted(text, m.start(), m.end()):
            continue
        found.append(Span(m.start(), m.end(), "brand-shape", "register", SHAPE_SCORE))
    for phrase in extra:
        pos = text.find(phrase)
        while pos >= 0:
            if not _quoted(text, pos, pos + len(phrase)):
                found.append(Span(pos, pos + len(phrase), "site-repeated", "site-context", EXTRA_SCORE))
            pos = text.find(phrase, pos + len(phrase))
    return _merge(text, [_glue(text, s) for s in found])


def _known(text: str, lexicon: Lexicon) -> list[re.Match]:
    """``lexicon.known.finditer(text)``, tried only where a brand, term or weak word can start:
    the big case-insensitive alternation costs as much at every character as where it matches."""
    if lexicon.known_start is None:
        return list(lexicon.known.finditer(text))
    found = []
    pos = 0
    for start in lexicon.known_start.finditer(text):
        if start.start() < pos:
            continue
        m = lexicon.known.match(text, start.start())
        if m is not None:
            found.append(m)
            pos = m.end()
    return found


def _glue(text: str, span: Span) -> Span:
    """Widen a span over Latin letters and digits glued to either end (…app, bet365.com)."""
    start, end = span.start, span.end
    m = _GLUE.match(text, end)
    if m and (text[end - 1].isascii() or text[end].isalpha()):
        end = m.end()
    while start > 0 and text[start - 1].isascii() and text[start - 1].isalnum() and text[start].isascii():
        start -= 1
    return Span(start, end, span.rule, span.signal, span.score)


def _merge(text: str, spans: list[Span]) -> list[Span]:
    spans.sort(key=lambda s: (s.start, -s.end))
    merged: list[Span] = []
    for span in spans:
        if merged:
            last = merged[-1]
            gap = _JOIN.match(text, last.end) if span.start >= last.end else None
            if span.start < last.end or (gap and gap.end() == span.start and "\n" not in text[last.end : span.start]):
                best = last if last.score >= span.score else span
                merged[-1] = Span(
                    last.start, max(last.end, span.end), best.rule, best.signal, max(last.score, span.score)
                )
                continue
        merged.append(span)
    return merged


def _inside(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in ranges)


def _overlaps(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a < end and start < b for a, b in ranges)


def _covers_stem(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    """True when a legit phrase starts at or before the match and reaches into it (文化体育平台),
    not when it only overlaps the match's tail (盛世体育官方网站 keeps its stem 盛世)."""
    return any(a <= start < b for a, b in ranges)


def _quoted(text: str, start: int, end: int) -> bool:
    """True inside a quoted document title 《…》 on the same line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    opened = text.rfind("《", line_start, start)
    if opened < 0 or text.rfind("》", opened, start) >= 0:
        return False
    return text.find("》", end, line_end) >= 0
