"""Unknown brands found by the site itself, without the lexicon.

A site-wide word replacement leaves a trace no lexicon is needed for: one phrase, repeated on
the page, that never occurs in the site's clean texts, standing at every occurrence where those
texts have one and the same common word (``条，__信息`` -> 其他). Township names fail the test
(the sister pages have a different township at the same spot), phrases the site also uses fail
it, and so do phrases seen once.
"""

from __future__ import annotations

import re
from collections import Counter

from pipelines.cleaning import convert
from pipelines.cleaning.context import SiteContext

MIN_TEXTS = 5
MIN_REPEATS = 2
MIN_LEN = 2
MAX_LEN = 8
MIN_SHARE = 0.6
MIN_SUPPORT = 3
MAX_CANDIDATES = 200
_WORDISH = re.compile(r"[\u4e00-\u9fffA-Za-z]+")


def site_repeated_phrases(text: str, context: SiteContext | None) -> list[str]:
    """Phrases of ``text`` that stand where the site's clean texts have one common word."""
    if context is None or context.n_texts < MIN_TEXTS or not text:
        return []
    repeated = _repeated_grams([m.group(0) for m in _WORDISH.finditer(text)])
    found: list[str] = []
    checked = 0
    for phrase in repeated:
        if checked >= MAX_CANDIDATES:
            break
        if context.contains(phrase):  # cheap test first
            continue
        contexts = _contexts(text, phrase)
        if len(contexts) < MIN_REPEATS:
            continue
        if context.contains(convert.to_simplified(phrase)):
            continue  # the site's word in traditional characters: the t2s rule's business
        checked += 1
        if _slot_word(phrase, contexts, context) is not None:
            found.append(phrase)
    return found


def _repeated_grams(words: list[str]) -> list[str]:
    """The substrings of ``words`` (MIN_LEN..MAX_LEN characters) seen at least MIN_REPEATS times,
    longest first, each length in order of first occurrence, without those that always come with
    the same neighbour (a longer phrase explains them).

    Counted length by length, only where the gram one character shorter repeats: a gram can
    repeat only where its prefix does, so the counts of the repeated grams are exact."""
    joined = "\n".join(words)  # grams across a "\n" are not words: never counted as repeated
    counts: dict[str, int] = {}
    by_length: list[list[str]] = []
    places = range(len(joined) - MIN_LEN + 1)
    for n in range(MIN_LEN, MAX_LEN + 1):
        grams = [joined[i : i + n] for i in places]
        repeated = {g: c for g, c in Counter(grams).items() if c >= MIN_REPEATS and "\n" not in g}
        counts.update(repeated)
        by_length.append(list(repeated))
        places = [i for i, g in zip(places, grams, strict=True) if g in repeated and i + n < len(joined)]
    covered = set()
    for g, c in counts.items():
        if len(g) > MIN_LEN:
            if counts.get(g[:-1]) == c:
                covered.add(g[:-1])
            if counts.get(g[1:]) == c:
                covered.add(g[1:])
    return [g for grams in reversed(by_length) for g in grams if g not in covered]


def _contexts(text: str, phrase: str) -> set[tuple[str, str]]:
    """Distinct (two characters before, two after) around the occurrences of ``phrase``."""
    found = set()
    start = text.find(phrase)
    while start >= 0:
        end = start + len(phrase)
        left, right = text[max(0, start - 2) : start], text[end : end + 2]
        if "\n" not in left + right and len(left) == 2 and len(right) == 2:
            found.add((left, right))
        start = text.find(phrase, end)
    return found


def _slot_word(phrase: str, contexts: set[tuple[str, str]], context: SiteContext) -> str | None:
    winners: Counter = Counter()
    for left, right in contexts:
        fillers = context.slot_fillers(left, right)
        total = sum(fillers.values())
        if total:
            word, votes = fillers.most_common(1)[0]
            if votes >= MIN_SUPPORT and votes / total >= MIN_SHARE and word != phrase:
                winners[word] += 1
    if not winners:
        return None
    word, agree = winners.most_common(1)[0]
    return word if agree >= MIN_REPEATS and agree * 3 >= len(contexts) * 2 else None
