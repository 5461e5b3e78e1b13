"""Infer the word an injected phrase replaced, from independent signals.

* ``other-capture``: another capture of the same report, aligned on the text around the phrase:
  whatever stands there between the same left and right context is the original (an empty
  filler means the phrase was inserted, not substituted).
* ``site-context``: the words that stand between the same contexts in the site's clean texts
  (``其他`` between ``条，`` and ``信息``); votes of all occurrences of one phrase on the page are
  pooled, because a site-wide replacement swaps one word everywhere.
* ``known-map``: ``lexicon.KNOWN_REPLACEMENTS``, replacements seen in the wild.

Scores of agreeing signals combine as ``1 - prod(1 - c)``. Below ``threshold`` nothing is restored
and the caller removes the phrase, marking the spot ``unrestored``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from pipelines.cleaning.context import SiteContext
from pipelines.cleaning.detect import Span, find_spam
from pipelines.cleaning.lexicon import KNOWN_MAP_CONFIDENCE, KNOWN_REPLACEMENTS, Lexicon, phrase_key
from pipelines.cleaning.prose import ADMIN_END, common_words, ordinary

RESTORE_THRESHOLD = 0.6
CONTRADICTION = 0.45
CAPTURE_CONFIDENCE = 0.95
CONTEXT_WIDTH = 6
SLOT_SHAPES = ((3, 3), (3, 2), (2, 3), (2, 2), (3, 1), (1, 3), (2, 1), (1, 2))
MIN_SLOT_SHARE = 0.6
MIN_SLOT_SUPPORT = 3
_SEPARATORS = re.compile(r"^[\s,，、|/·\-_—–:：;；]*$")
_NO_WORD = re.compile(r"[\W_]*")  # a context half of punctuation alone says nothing
_CLEAN_FILLER = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9]{1,10}$")


@dataclass(frozen=True, slots=True)
class Decision:
    replacement: str | None  # None: remove
    confidence: float
    signal: str
    rule: str


def contexts(
    text: str, spans: list[Span], index: int, width: int = CONTEXT_WIDTH, *, lines: bool = True
) -> tuple[str, str]:
    """Left and right context of ``spans[index]``: same line, not reaching into another span.
    With ``lines`` (the text's lines are lines of the site's texts too: paragraphs, a <title>,
    a meta value), a context that reaches the start (end) of the line opens (closes) with
    ``\n``, and the slot is anchored there."""
    span = spans[index]
    line_start = text.rfind("\n", 0, span.start) + 1
    line_end = text.find("\n", span.end)
    line_end = len(text) if line_end < 0 else line_end
    left_limit = max(line_start, spans[index - 1].end if index else 0)
    right_limit = min(line_end, spans[index + 1].start) if index + 1 < len(spans) else line_end
    left = text[max(left_limit, span.start - width) : span.start]
    right = text[span.end : min(right_limit, span.end + width)]
    if lines and left_limit == line_start and span.start - width <= line_start:
        left = "\n" + left
    if lines and right_limit == line_end and span.end + width >= line_end:
        right += "\n"
    return left, right


def decide_all(
    text: str,
    spans: list[Span],
    lexicon: Lexicon,
    context: SiteContext | None,
    *,
    threshold: float = RESTORE_THRESHOLD,
    lines: bool = True,
) -> list[Decision]:
    """One decision per span of ``text`` (spans sorted, non-overlapping). ``lines``: the lines of
    ``text`` are whole lines of the site's texts (not so for a 来源 value, which follows its label
    on a line)."""
    around = [contexts(text, spans, i, lines=lines) for i in range(len(spans))]
    keys = [phrase_key(text[s.start : s.end]) for s in spans]
    pooled: dict[str, Counter] = defaultdict(Counter)
    support: dict[str, Counter] = defaultdict(Counter)
    # a site-wide replacement swaps one word everywhere: the original fits every spot the phrase
    # stands in, so the word found at the most occurrences wins (then the weightier)
    coverage: dict[str, Counter] = defaultdict(Counter)
    occurrences: Counter = Counter()
    if context is not None and context.corpus:
        for span, key, (left, right) in zip(spans, keys, around, strict=True):
            weighted, counts = _slot_votes(context, left, right, lexicon, text[span.start : span.end])
            pooled[key].update(weighted)
            support[key].update(counts)
            if weighted:
                occurrences[key] += 1
                coverage[key].update(weighted.keys())
    decisions = []
    for span, key, (left, right) in zip(spans, keys, around, strict=True):
        scores: dict[str, float] = {}
        signals: dict[str, list[str]] = defaultdict(list)

        def vote(word: str, confidence: float, signal: str, scores=scores, signals=signals) -> None:
            scores[word] = 1 - (1 - scores.get(word, 0.0)) * (1 - confidence)
            signals[word].append(signal)

        if context is not None:
            for word, confidence in _capture_votes(context, left, right, lexicon, text[span.start : span.end]):
                vote(word, confidence, "other-capture")
        slot = pooled.get(key)
        if slot:
            total = sum(slot.values())
            word = max(slot, key=lambda w: (coverage[key][w], slot[w], w))
            # words that fit as many spots share that evidence (twenty townships that each fit
            # every spot say nothing about which one stood here)
            fitting = sum(1 for w in coverage[key] if coverage[key][w] == coverage[key][word])
            share = max(coverage[key][word] / occurrences[key] / fitting, slot[word] / total)
            seen = support[key][word]
            vote(word, share * min(1.0, seen / MIN_SLOT_SUPPORT) * 0.9, "site-context")
        if key in KNOWN_REPLACEMENTS:
            known = KNOWN_REPLACEMENTS[key]
            # the site's own evidence for another word outranks a replacement seen elsewhere
            contradicted = any(w != known and c >= CONTRADICTION for w, c in scores.items())
            vote(known, KNOWN_MAP_CONFIDENCE * (0.5 if contradicted else 1.0), "known-map")
        if scores:
            word = max(scores, key=lambda w: (scores[w], len(signals[w]), w))
            if scores[word] >= threshold:
                signal = "+".join(signals[word])
                if word == "":
                    decisions.append(Decision(None, scores[word], signal, "inserted-phrase"))
                else:
                    decisions.append(Decision(word, scores[word], signal, "replaced-word"))
                continue
        decisions.append(Decision(None, span.score * 0.9, "unrestored", "replaced-word-unrestored"))
    return decisions


def _slot_votes(
    context: SiteContext, left: str, right: str, lexicon: Lexicon, phrase: str = ""
) -> tuple[Counter, Counter]:
    """Votes of the site's texts for the word between ``left`` and ``right``; the phrase itself
    (standing there on other hacked pages) is no vote.

    Slot shapes are tried from the most specific (three characters each side) down; the first
    one whose fillers agree (a word standing there at least twice, with MIN_SLOT_SHARE of the
    votes) answers alone. Otherwise every shape's fillers vote, weighted by context length. A
    context half made of punctuation alone (``，``) is no evidence."""
    votes: Counter = Counter()
    counts: Counter = Counter()
    left, right = left or "\n", right or "\n"  # a span next to another: anchored (as before)
    if left == "\n" and right[-1] != "\n":
        # a phrase opening a line whose rest other pages open lines with (a brand before a unit's
        # long name as the visible title: 仁寿经济开发区管理委员会): those pages show nothing stood
        # there; the word that opens another kind of line with the same name (本报告由…) is no vote
        bare = context.adjacent(left, right)
        worded = max((len(pages) for pages in context.slot_texts(left, right).values()), default=0)
        if bare >= 2 and bare >= worded:
            return Counter({"": bare * (1 + len(right))}), Counter({"": bare})
    for kl, kr in SLOT_SHAPES:
        if len(left) < kl or len(right) < kr:
            continue
        # a shape one character short of a line's edge reaches it (the anchor is free)
        lk = left if left[0] == "\n" and len(left) == kl + 1 else left[-kl:]
        rk = right if right[-1] == "\n" and len(right) == kr + 1 else right[:kr]
        if _SEPARATORS.match(lk + rk) or _weak(lk, rk) or _weak(rk, lk):
            continue
        if lk[0] == "\n" and rk[-1] == "\n":
            # the phrase's whole line: other pages that have that line without anything in the
            # phrase's place (a visible title 汪洋镇 with a brand glued before it) show it was
            # inserted, not put for a word
            bare = context.adjacent(lk, rk)
            if bare >= 2:
                return Counter({"": bare * (kl + kr)}), Counter({"": bare})
        pages = context.slot_texts(lk, rk)
        fillers = Counter(
            {
                word: count
                for word, count in context.slot_fillers(lk, rk).items()
                if _CLEAN_FILLER.match(word)
                and _word_like(word)
                and word not in phrase
                and phrase not in word
                and not find_spam(word, lexicon)
                # a word on one other page only may be that page's own spam: it must be ordinary
                and (len(pages.get(word, ())) >= 2 or ordinary(word))
            }
        )
        if not fillers:
            continue
        word = max(fillers, key=lambda w: (fillers[w], w))
        top = fillers[word]
        if top >= 2 and top / sum(fillers.values()) >= MIN_SLOT_SHARE:
            return Counter({word: top * (kl + kr)}), Counter({word: top})
        for word, count in fillers.items():
            votes[word] += count * (kl + kr)
            counts[word] += count
    return votes, counts


def _word_like(word: str) -> bool:
    """A replaced word is a word (其他, 关于, 政务公开) or a unit's name (仁寿县人民政府), not a
    piece of a sentence that happens to stand between the same neighbours (政府信息公开工作年)."""
    return len(word) <= 4 or word[-1] in ADMIN_END or word in common_words()


def _weak(half: str, other: str) -> bool:
    """A context half of punctuation alone is evidence only beside three or more characters on
    the other side (``-`` + ``人民政府`` in a title; not ``，`` + ``信息``)."""
    return half != "\n" and _NO_WORD.fullmatch(half) is not None and len(other) < 3


def _capture_votes(
    context: SiteContext, left: str, right: str, lexicon: Lexicon, phrase: str = ""
) -> list[tuple[str, float]]:
    found = []
    bare_left, bare_right = left.lstrip("\n"), right.rstrip("\n")
    for other in context.other_texts:
        for k in (6, 5, 4, 3, 2):
            lk, rk = left[-k:], right[:k]
            words = len(lk.lstrip("\n")) + len(rk.rstrip("\n"))
            if words < min(4, len(bare_left) + len(bare_right)) or not words:
                continue
            # an empty side, or one that reaches the line's edge, is anchored there
            opening = "^" + re.escape(lk[1:]) if lk.startswith("\n") else re.escape(lk) if lk else "^"
            closing = re.escape(rk[:-1]) + "$" if rk.endswith("\n") else re.escape(rk) if rk else "$"
            m = re.search(opening + r"(.{0,10}?)" + closing, other, re.MULTILINE)  # "." stops at a newline
            if m is None:
                continue
            filler = m.group(1)
            if find_spam(filler, lexicon):
                break  # that capture carries the injection too
            if filler and filler in phrase:
                continue  # aligned on a piece of the phrase itself: no evidence
            found.append((filler, CAPTURE_CONFIDENCE))
            break
    return found


def trim_common(text: str, start: int, end: int, replacement: str) -> tuple[int, int, str]:
    """Shrink a restoration to the part that differs (``X网站`` -> ``人民政府网站`` keeps 网站)."""
    while end - start > 1 and len(replacement) > 1 and text[end - 1] == replacement[-1]:
        end -= 1
        replacement = replacement[:-1]
    while end - start > 1 and len(replacement) > 1 and text[start] == replacement[0]:
        start += 1
        replacement = replacement[1:]
    return start, end, replacement
