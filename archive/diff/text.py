"""Report text diff: sections aligned by heading, then sentences, then characters.

Chinese has no spaces between words, so nothing here splits on whitespace: sections are found by
their numbered headings (一、 二、 ... 第一部分), sentences end at 。！？； or a line break, headings
and sentences are compared with character bigrams, and changed sentences are diffed character by
character (``difflib.SequenceMatcher`` without its autojunk heuristic, which misfires on CJK), with each
run of digits or Latin letters kept whole so 2018 -> 2019 reads as one replaced number.
"""

from __future__ import annotations

import re
from operator import add
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from archive.diff.model import Op, SectionDiff, SentenceRow
from archive.diff.normalise import normalise_text

_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|第[一二三四五六七八九十]{1,3}部分)")
_HEADING_PREFIX = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|第[一二三四五六七八九十]{1,3}部分[、：:]?)\s*")
_TOKEN = re.compile(r"[0-9]+(?:\.[0-9]+)?%?|[A-Za-z]+|.", re.S)
_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]*|[。！？；]+")


@dataclass(frozen=True, slots=True)
class Section:
    heading: str | None          # None for the text before the first heading
    sentences: tuple[str, ...]


def split_sections(text: str, *, max_heading_chars: int = 40) -> tuple[Section, ...]:
    """Cut normalised text at numbered top-level headings; a long heading line keeps its tail as body."""
    sections: list[Section] = []
    heading: str | None = None
    body: list[str] = []
    for line in text.split("\n"):
        if _HEADING.match(line) and "\t" not in line:      # a table row (一、本年新收…\t0) is no heading
            if heading is not None or body:
                sections.append(Section(heading, tuple(split_sentences("\n".join(body)))))
            cut = _heading_end(line, max_heading_chars)
            heading, body = line[:cut], [line[cut:]] if line[cut:] else []
        else:
            body.append(line)
    if heading is not None or body:
        sections.append(Section(heading, tuple(split_sentences("\n".join(body)))))
    return tuple(sections)


def _heading_end(line: str, max_chars: int) -> int:
    if len(line) <= max_chars:
        return len(line)
    for stop in ("。", "：", "；"):
        at = line.find(stop, 0, max_chars)
        if at > 0:
            return at + 1
    return max_chars


_CLAUSE = re.compile(r"[^，、,：]*[，、,：]?")


def split_sentences(text: str, *, max_chars: int = 240) -> list[str]:
    """Sentences; one longer than ``max_chars`` (a table flattened to one line, a page without
    punctuation) is cut at clause commas, then hard, so no character diff runs on huge strings."""
    out: list[str] = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group().strip()
        if len(sentence) <= max_chars:
            if sentence:
                out.append(sentence)
            continue
        piece = ""
        for clause in _CLAUSE.findall(sentence):
            if len(clause) > max_chars:
                if piece:
                    out.append(piece)
                    piece = ""
                out.extend(_content_cut(clause, max_chars))
                continue
            if len(piece) + len(clause) > max_chars:
                out.append(piece)
                piece = ""
            piece += clause
        if piece:
            out.append(piece)
    return out


def _content_cut(text: str, max_chars: int, *, min_chars: int = 24, modulus: int = 53) -> list[str]:
    """Cut where the last three characters hash to 0 mod ``modulus`` (content-defined, so an
    insertion moves only the cuts next to it), and at ``max_chars`` at the latest."""
    pieces, start = [], 0
    for i in range(2, len(text)):
        size = i + 1 - start
        boundary = (ord(text[i - 2]) * 961 + ord(text[i - 1]) * 31 + ord(text[i])) % modulus == 0
        if size >= max_chars or (size >= min_chars and boundary):
            pieces.append(text[start:i + 1])
            start = i + 1
    if start < len(text):
        pieces.append(text[start:])
    return pieces


# The report formats' fixed sections, and words that name each across the 2016, 2019 and 2021
# templates and local variants; checked in order (复议 before 申请: 因…申请提起行政复议…).
SECTION_TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("review", ("行政复议", "行政诉讼")),
    ("fees", ("收费", "减免")),
    ("proactive", ("主动公开",)),
    ("applications", ("依申请", "申请")),
    ("problems", ("问题", "改进")),
    ("other", ("其他需要报告", "其他事项")),
    ("overview", ("概述", "总体情况", "基本情况", "概况")),
)


def heading_key(heading: str | None) -> str:
    return "" if heading is None else _HEADING_PREFIX.sub("", heading)


def section_topic(heading: str | None) -> str | None:
    key = heading_key(heading)
    for topic, words in SECTION_TOPICS:
        if any(word in key for word in words):
            return topic
    return None


def bigrams(text: str) -> frozenset[str]:
    if len(text) < 2:
        return frozenset((text,)) if text else frozenset()
    return frozenset(map(add, text, text[1:]))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def align(scores: Sequence[Sequence[float]], *, min_score: float) -> list[tuple[int | None, int | None]]:
    """Order-preserving alignment maximising the summed score of matched pairs (scores >= min_score).

    Returns (i, j) pairs in order, with (i, None) for a left item matched to nothing and (None, j)
    for a right one.
    """
    m = len(scores)
    n = len(scores[0]) if m else 0
    best = [[0.0] * (n + 1) for _ in range(m + 1)]
    for i in range(m - 1, -1, -1):
        row, below = best[i], best[i + 1]
        for j in range(n - 1, -1, -1):
            value = max(below[j], row[j + 1])
            if scores[i][j] >= min_score:
                value = max(value, scores[i][j] + below[j + 1])
            row[j] = value
    pairs: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < m and j < n:
        if scores[i][j] >= min_score and best[i][j] == scores[i][j] + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            pairs.append((i, None))
            i += 1
        else:
            pairs.append((None, j))
            j += 1
    pairs.extend((k, None) for k in range(i, m))
    pairs.extend((None, k) for k in range(j, n))
    return pairs


def char_ops(a: str, b: str, *, merge_equal_below: int = 2) -> tuple[tuple[Op, str], ...]:
    """Character-level ops turning ``a`` into ``b``; equal runs shorter than ``merge_equal_below``
    between two changes are folded into the change so a rewritten phrase reads as one edit."""
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)   # a number or a Latin word is one token
    raw: list[tuple[Op, str, str]] = []   # (EQUAL, text, text) or (DELETE meaning "changed", old, new)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        old, new = "".join(ta[i1:i2]), "".join(tb[j1:j2])
        raw.append((Op.EQUAL if tag == "equal" else Op.DELETE, old, new))
    merged: list[tuple[Op, str, str]] = []
    for k, (op, old, new) in enumerate(raw):
        if (op is Op.EQUAL and len(old) < merge_equal_below and 0 < k < len(raw) - 1):
            op = Op.DELETE
        if merged and op is Op.DELETE and merged[-1][0] is Op.DELETE:
            merged[-1] = (Op.DELETE, merged[-1][1] + old, merged[-1][2] + new)
        else:
            merged.append((op, old, new))
    ops: list[tuple[Op, str]] = []
    for op, old, new in merged:
        if op is Op.EQUAL:
            ops.append((Op.EQUAL, old))
            continue
        if old:
            ops.append((Op.DELETE, old))
        if new:
            ops.append((Op.INSERT, new))
    return tuple(ops)


def diff_sentences(a: Sequence[str], b: Sequence[str], *, min_pair_similarity: float = 0.3,
                   max_align_cells: int = 4000) -> tuple[SentenceRow, ...]:
    rows: list[SentenceRow] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, list(a), list(b), autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend(SentenceRow(((Op.EQUAL, s),)) for s in a[i1:i2])
            continue
        left, right = a[i1:i2], b[j1:j2]
        if left and right and len(left) * len(right) <= max_align_cells:
            lg = [bigrams(s) for s in left]
            rg = [bigrams(s) for s in right]
            scores = [[dice(x, y) for y in rg] for x in lg]
            pairs = align(scores, min_score=min_pair_similarity)
        else:
            pairs = [(k, None) for k in range(len(left))] + [(None, k) for k in range(len(right))]
        for i, j in pairs:
            if i is not None and j is not None:
                rows.append(SentenceRow(char_ops(left[i], right[j])))
            elif i is not None:
                rows.append(SentenceRow(((Op.DELETE, left[i]),)))
            else:
                rows.append(SentenceRow(((Op.INSERT, right[j]),)))
    return tuple(rows)


def _similarity(rows: Sequence[SentenceRow]) -> float:
    equal = left = right = 0
    for row in rows:
        for op, text in row.ops:
            if op is Op.EQUAL:
                equal += len(text)
                left += len(text)
                right += len(text)
            elif op is Op.DELETE:
                left += len(text)
            else:
                right += len(text)
    return 1.0 if left + right == 0 else 2 * equal / (left + right)


def diff_texts(a: str, b: str, *, min_section_score: float = 0.4,
               heading_weight: float = 0.5, same_number_bonus: float = 0.15) -> tuple[tuple[SectionDiff, ...], float]:
    """(section diffs in reading order, overall similarity 0..1) of two report texts."""
    sa = split_sections(normalise_text(a))
    sb = split_sections(normalise_text(b))
    ha = [bigrams(heading_key(s.heading)) for s in sa]
    hb = [bigrams(heading_key(s.heading)) for s in sb]
    ca = [bigrams("".join(s.sentences)) for s in sa]
    cb = [bigrams("".join(s.sentences)) for s in sb]
    scores = [[
        _section_score(sa[i], sb[j], ha[i], hb[j], ca[i], cb[j], heading_weight, same_number_bonus)
        for j in range(len(sb))] for i in range(len(sa))]
    sections: list[SectionDiff] = []
    all_rows: list[SentenceRow] = []
    for i, j in align(scores, min_score=min_section_score):
        left = sa[i] if i is not None else None
        right = sb[j] if j is not None else None
        rows = diff_sentences(left.sentences if left else (), right.sentences if right else ())
        all_rows.extend(rows)
        sections.append(SectionDiff(
            from_heading=left.heading if left else None,
            to_heading=right.heading if right else None,
            similarity=_similarity(rows) if left and right else 0.0,
            rows=rows,
        ))
    return tuple(sections), _similarity(all_rows)


def _section_score(left: Section, right: Section, ha, hb, ca, cb, heading_weight: float,
                   same_number_bonus: float) -> float:
    """Heading likeness (1 for the same template section, else bigram Dice) and body likeness,
    plus a bonus when both carry the same number (一、)."""
    if left.heading is None or right.heading is None:
        # the preamble only pairs with the preamble
        return 1.0 if left.heading is None and right.heading is None else 0.0
    topic = section_topic(left.heading)
    heading = 1.0 if topic is not None and topic == section_topic(right.heading) else dice(ha, hb)
    score = heading_weight * heading + (1 - heading_weight) * dice(ca, cb)
    number = _HEADING_PREFIX.match(left.heading)
    if number and number.group().strip() == (_HEADING_PREFIX.match(right.heading) or number).group().strip():
        score += same_number_bonus
    return score
