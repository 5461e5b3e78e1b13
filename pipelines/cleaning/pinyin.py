"""Pinyin interleaving (``政(zheng)府(fu)``) and traditional-character conversion.

Both are page-level transformations, so both need the page to show the pattern repeatedly
before anything is touched: at least ``min_pinyin`` annotated characters, at least
``min_traditional`` characters that simplified text never uses. A run of annotated characters
becomes one finding whose replacement is the bare characters (converted to simplified when they
are traditional); the remaining traditional runs become findings of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.cleaning import convert

MIN_PINYIN = 3
MIN_TRADITIONAL = 5

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüÜ"
_PLAIN = "aaaaeeeeiiiioooouuuuvvvvvv"
_DETONE = str.maketrans(_TONED, _PLAIN)
_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|uai|uan|ian|iao|van|ai|ei|ao|ou|an|en|er|in|un|vn|ia|ie|iu|ua|uo|ui|ue|ve|a|o|e|i|u|v)"
    r"[1-5]?"
)
_ANNOTATED = re.compile(r"([\u4e00-\u9fff])[(（]([A-Za-z" + _TONED + r"]{1,7}[1-5]?)[)）]")


@dataclass(frozen=True, slots=True)
class Rewrite:
    start: int
    end: int
    replacement: str
    kind: str  # "pinyin" | "traditional"
    rule: str
    signal: str
    confidence: float


def is_pinyin(token: str) -> bool:
    return _SYLLABLE.fullmatch(token.lower().translate(_DETONE)) is not None


def find_rewrites(
    text: str,
    claimed: list[tuple[int, int]],
    *,
    min_pinyin: int = MIN_PINYIN,
    min_traditional: int = MIN_TRADITIONAL,
) -> list[Rewrite]:
    """Pinyin runs and traditional runs of ``text`` outside the ``claimed`` ranges."""
    free = _free(claimed)
    matches = [m for m in _ANNOTATED.finditer(text) if is_pinyin(m.group(2)) and free(m.start(), m.end())]
    rewrites: list[Rewrite] = []
    if len(matches) >= min_pinyin:
        run: list[re.Match] = []
        for m in matches + [None]:
            if m is not None and run and run[-1].end() == m.start():
                run.append(m)
                continue
            if run:
                chars = "".join(x.group(1) for x in run)
                simple = convert.to_simplified(chars)
                signal = "pinyin+traditional" if simple != chars else "pinyin"
                rewrites.append(
                    Rewrite(run[0].start(), run[-1].end(), simple, "pinyin", "pinyin-interleave", signal, 0.95)
                )
            run = [m] if m is not None else []
    if convert.available():
        taken = sorted(claimed + [(r.start, r.end) for r in rewrites])
        rewrites.extend(_traditional(text, taken, min_traditional))
    return sorted(rewrites, key=lambda r: r.start)


def script_view(text: str, rewrites: list[Rewrite]) -> tuple[str, ScriptMap]:
    """``text`` with ``rewrites`` applied (simplified, without pinyin glosses): what the site
    context holds of a page (``site.site_text`` normalises its texts the same way), so that a
    traditional page's 舉辦 is not a phrase new to a simplified site. The map takes a span of
    the view back to the raw text."""
    parts: list[str] = []
    first: list[int] = []  # raw start of each view character
    last: list[int] = []  # raw end of each view character
    pos = 0
    for rw in rewrites:
        parts.append(text[pos : rw.start])
        first.extend(range(pos, rw.start))
        last.extend(range(pos + 1, rw.start + 1))
        parts.append(rw.replacement)
        length = len(rw.replacement)
        glosses = list(_ANNOTATED.finditer(text, rw.start, rw.end)) if rw.kind == "pinyin" else []
        if len(glosses) == length:  # 政(zheng)府(fu): each character with its gloss
            first.extend(m.start() for m in glosses)
            last.extend(m.end() for m in glosses)
        elif rw.end - rw.start == length:  # character for character
            first.extend(range(rw.start, rw.end))
            last.extend(range(rw.start + 1, rw.end + 1))
        else:  # a conversion that changed the length: any part of it maps to all of it
            first.extend([rw.start] * length)
            last.extend([rw.end] * length)
        pos = rw.end
    parts.append(text[pos:])
    first.extend(range(pos, len(text)))
    last.extend(range(pos + 1, len(text) + 1))
    return "".join(parts), ScriptMap(tuple(first), tuple(last))


@dataclass(frozen=True, slots=True)
class ScriptMap:
    first: tuple[int, ...]
    last: tuple[int, ...]

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """The raw span a non-empty span of the view stands for."""
        return self.first[start], self.last[end - 1]

    def raw_forms(self, view: str, raw: str, phrases: list[str]) -> list[str]:
        """How ``phrases`` of the view are written in the raw text, wherever they stand."""
        forms = []
        for phrase in phrases:
            pos = view.find(phrase)
            while phrase and pos >= 0:
                forms.append(raw[slice(*self.to_raw(pos, pos + len(phrase)))])
                pos = view.find(phrase, pos + len(phrase))
        return forms


def simplified_text(text: str) -> str:
    """``text`` as ``script_view`` shows it (the page-level thresholds apply)."""
    rewrites = find_rewrites(text, [])
    return script_view(text, rewrites)[0] if rewrites else text


def _traditional(text: str, taken: list[tuple[int, int]], minimum: int) -> list[Rewrite]:
    segments = []
    pos = 0
    for a, b in taken:
        if a > pos:
            segments.append((pos, a))
        pos = max(pos, b)
    segments.append((pos, len(text)))
    count = 0
    for a, b in segments:
        segment = text[a:b]
        count += sum(segment.count(c) for c in convert.traditional_chars(segment))
    if count < minimum:
        return []
    found = []
    for a, b in segments:
        for line in re.finditer(r"[^\n]+", text[a:b]):
            piece = line.group(0)
            # The page is converted: every line t2s changes is converted back, including lines
            # whose only traditional characters are ambiguous ones (属於 -> 属于), which are
            # never evidence on their own.
            simple = convert.to_simplified(piece)
            if simple == piece:
                continue
            offset = a + line.start()
            if len(simple) != len(piece):
                found.append(Rewrite(offset, offset + len(piece), simple, "traditional", "t2s", "traditional", 0.9))
                continue
            changed = [k for k in range(len(piece)) if simple[k] != piece[k]]
            if changed:
                i, j = changed[0], changed[-1] + 1
                found.append(Rewrite(offset + i, offset + j, simple[i:j], "traditional", "t2s", "traditional", 0.9))
    return found


def _free(claimed: list[tuple[int, int]]):
    def check(start: int, end: int) -> bool:
        return not any(a < end and start < b for a, b in claimed)

    return check
