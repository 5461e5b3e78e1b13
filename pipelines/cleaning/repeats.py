"""Unknown brands found by the site itself, without the lexicon.

A site-wide word replacement leaves a trace no lexicon is needed for: one phrase, repeated on
the page in different contexts, standing at every occurrence where the site's other pages have
one and the same word (``条，__信息`` -> 其他). Two cases:

* the phrase is on no other page (only this page was hacked, or the others were cleaned): the
  other pages' word at those spots is the original;
* the phrase is on other pages too (the hack replaced the word on many pages) but never on a
  page that still has the word, and at each spot the pages without the phrase agree on the word:
  the two are the same word, hacked and not. Which one is the original the site cannot say
  (the hack may cover most of it): ordinary government prose can (``prose.py``: 工作 is, 鸿运达
  is not), so the word must be ordinary and the phrase must not.

Township and department names fail the test (the other pages have *different* names at the same
spot, and a phrase ending in an administrative character such as 镇 or 局 is a unit's name), so
do phrases seen once on the page and phrases whose simplified form the site uses (traditional
text is the ``t2s`` rule's business). A phrase is returned trimmed of the characters it shares
with the site's word (``开鸿运达`` where the site has ``开工作`` -> ``鸿运达``).
"""

from __future__ import annotations

import operator
import re
from collections import Counter

from pipelines.cleaning import convert
from pipelines.cleaning.context import SiteContext, positions, zero_digits
from pipelines.cleaning.detect import find_spam
from pipelines.cleaning.lexicon import Lexicon
from pipelines.cleaning.prose import ADMIN_END, ordinary, prose_context

MIN_TEXTS = 2
MIN_REPEATS = 2
MIN_LEN = 2
MAX_LEN = 8
MIN_SHARE = 0.6
MIN_SUPPORT = 3
MIN_PAGES = 2  # pages without the phrase that must show the word, when the phrase is site-wide
MIN_SPOTS = 4  # ... unless the word stands in this many of the phrase's spots
MAX_CANDIDATES = 200
_WORDISH = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")
_FIGURE = re.compile(r"[0-9]")
_COUNTED = frozenset("年月日号条件个元万亿人次项家所名岁%.")
# digits in a phrase are a brand's (49图库, 246天天) when they open it, whole (no digit before them
# on the page), glued to characters that do not count them: not 12条, 2019年, 3月
_BRANDED_DIGITS = re.compile(r"^[0-9]{2,4}[\u4e00-\u9fffA-Za-z]{2,}$|^[\u4e00-\u9fffA-Za-z]{2,}[0-9]{1,3}$")
_UNITS = "局|镇|乡|县|市|街道|委员会|管委会|中心|办公室|人民政府|政府|社区|村委会"
_UNIT_SUFFIX = re.compile(_UNITS)
_UNIT_END = re.compile(f"(?:{_UNITS})$")


def site_repeated_phrases(text: str, context: SiteContext | None, lexicon: Lexicon | None = None) -> list[str]:
    """Phrases of ``text`` that stand where the site's other pages have one common word. With
    ``lexicon``, a gram that adds part of a place's name to a phrase the lexicon finds is not
    one (鑫博体育官网 + 县西 of 仁寿县西岭乡, where the site writes 仁寿县东岭乡)."""
    if context is None or context.sister_texts < MIN_TEXTS or not text:
        return []
    known = [text[s.start : s.end] for s in find_spam(text, lexicon)] if lexicon is not None else []
    # shortest first: the phrase itself (盛鼎) stands in more spots than the longer grams that
    # hold it with a neighbour (政府盛鼎公开), and those need not be checked once it is found
    repeated = sorted(_repeated_grams([m.group(0) for m in _WORDISH.finditer(text)]), key=len)
    found: list[str] = []
    checked = 0
    for phrase in repeated:
        if checked >= MAX_CANDIDATES:
            break
        if any(f in phrase for f in found) or any(_into_a_name(text, phrase, k) for k in known):
            continue
        if _FIGURE.search(phrase) and (not _BRANDED_DIGITS.search(phrase) or _cut_number(text, phrase)):
            continue  # figures and the words they count (12条, 2019年) differ from page to page
        if phrase[-1] in ADMIN_END or ordinary(phrase) or _names_a_unit(text, phrase) or _only_quoted(text, phrase):
            continue  # a unit's or an account's name (they differ from page to page), or ordinary prose
        holders = set(context.texts_with(phrase))
        contexts = _contexts(text, phrase)
        if len(contexts) < MIN_REPEATS:
            continue
        if context.contains(convert.to_simplified(phrase)) and convert.to_simplified(phrase) != phrase:
            continue  # the site's word in traditional characters: the t2s rule's business
        checked += 1
        word = _slot_word(phrase, contexts, context, holders)
        if word is not None:
            found.append(_trim(phrase, word))
    return [p for p in found if p]


def _into_a_name(text: str, gram: str, known: str) -> bool:
    """Whether ``gram`` adds to ``known`` the end of a name before it (向家镇 + 龙腾娱乐) or the
    start of one after it, whose suffix follows the gram (鑫博体育官网 + 县西 | 岭乡)."""
    at = gram.find(known)
    if at < 0:
        # the gram may end inside the phrase: a name's end glued to its first characters
        # (仁寿县松峰乡 + 盛世 of 盛世体育平台, where the site writes 仁寿县 + 体育事业发展中心)
        head = next((j for j in range(min(len(known), len(gram)) - 1, 0, -1) if gram.endswith(known[:j])), 0)
        return head > 0 and gram[-head - 1] in ADMIN_END
    if gram == known:
        return False
    before, after = gram[:at], gram[at + len(known) :]
    if before and before[-1] in ADMIN_END:
        return True
    if not after:
        return False
    pos = text.find(gram)
    while pos >= 0:
        end = pos + len(gram)
        if any(c in ADMIN_END for c in text[end : end + 2]):
            return True
        pos = text.find(gram, end)
    return False


def _cut_number(text: str, phrase: str) -> bool:
    """Whether some occurrence of ``phrase`` cuts a number (2049图库 -> 049图库, 信息828条 ->
    信息82) or ends in a figure that counts what follows it (幸运28条)."""
    start = text.find(phrase)
    while start >= 0:
        end = start + len(phrase)
        if (start and text[start - 1].isdigit() and phrase[0].isdigit()) or (
            end < len(text) and phrase[-1].isdigit() and (text[end].isdigit() or text[end] in _COUNTED)
        ):
            return True
        start = text.find(phrase, start + 1)
    return False


def _only_quoted(text: str, phrase: str) -> bool:
    """Whether every occurrence of ``phrase`` stands inside quotes “…” (an account's name such as
    “i兴文”: each unit has its own)."""
    start = text.find(phrase)
    while start >= 0:
        opened = text.rfind("“", 0, start)
        closed = text.rfind("”", 0, start)
        end = start + len(phrase)
        if opened <= closed or text.find("”", end) < 0 or "\n" in text[opened:start]:
            return False
        start = text.find(phrase, end)
    return True


def _names_a_unit(text: str, phrase: str) -> bool:
    """Whether ``phrase`` is a unit's name (体育彩票管理中心, 本中心) or stands before a unit
    suffix somewhere on the page (古林 of 古林镇, 文化体育和旅游 of 文化体育和旅游局): names differ
    between pages by nature."""
    if _UNIT_END.search(phrase):
        return True
    start = text.find(phrase)
    while start >= 0:
        end = start + len(phrase)
        if _UNIT_SUFFIX.match(text, end):
            return True
        start = text.find(phrase, end)
    return False


def _repeated_grams(words: list[str]) -> list[str]:
    """The substrings of ``words`` (MIN_LEN..MAX_LEN characters) seen at least MIN_REPEATS times,
    longest first, each length in order of first occurrence, without those that always come with
    the same neighbour (a longer phrase explains them).

    Counted length by length, only where the gram one character shorter repeats: a gram can
    repeat only where its prefix does, so the counts of the repeated grams are exact."""
    joined = "\n".join(words)  # grams across a "\n" are not words: never counted as repeated
    counts: dict[str, int] = {}
    by_length: list[list[str]] = []
    # a candidate is not ordinary prose: it holds a pair of characters prose never writes, and
    # since it repeats, so does that pair. Only grams around such a pair are counted (every
    # occurrence of such a gram is around one)
    known = prose_context().pair_set()
    norm = zero_digits(joined)
    pairs = Counter(map(operator.add, norm, norm[1:]))
    novel = {p for p, n in pairs.items() if n >= MIN_REPEATS and "\n" not in p}.difference(known)
    near = set()
    for p in positions(norm, novel):
        near.update(range(max(0, p - MAX_LEN + 2), p + 1))
    places = sorted(i for i in near if i <= len(joined) - MIN_LEN)
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
    novel_pair = lambda g: any(zero_digits(g[k : k + 2]) not in known for k in range(len(g) - 1))  # noqa: E731
    return [g for grams in reversed(by_length) for g in grams if g not in covered and novel_pair(g)]


def _contexts(text: str, phrase: str) -> list[tuple[str, str]]:
    """Distinct (two characters before, two after) around the occurrences of ``phrase``, sorted
    (every later choice among them must not depend on the process's hash seed)."""
    found = set()
    start = text.find(phrase)
    while start >= 0:
        end = start + len(phrase)
        left, right = text[max(0, start - 2) : start], text[end : end + 2]
        if "\n" not in left + right and len(left) == 2 and len(right) == 2:
            found.add((left, right))
        start = text.find(phrase, end)
    return sorted(found)


def _slot_word(phrase: str, contexts: list[tuple[str, str]], context: SiteContext, holders: set[int]) -> str | None:
    """The one word the site's other pages have where ``phrase`` stands here, or None.

    Pages that hold the phrase are no witnesses. The word must stand in at least two thirds of
    the spots that have witnesses (a replacement swaps every occurrence, so the original fits
    them all). When the phrase is on other pages too, the word must also never share a page
    with it, be ordinary prose, and stand on MIN_PAGES pages or in four spots or more. Where the
    site's pages do not witness, ordinary prose itself (``prose.py``) may, under the same terms."""
    word = _covering_word(phrase, contexts, context, holders, min_pages=1 if holders else MIN_SUPPORT)
    if word is None:
        word = _covering_word(phrase, contexts, prose_context(), set(), min_pages=1)
        return word if word is not None and ordinary(word) else None
    if word is None:
        return None
    if not holders:
        # the phrase is on no other page: the word must be ordinary prose, or the site's own
        # on MIN_SUPPORT pages (not one other unit's name: 兴文发改 where this page says i兴文)
        return word if ordinary(word) or _pages_with(word, contexts, context) >= MIN_SUPPORT else None
    spots = [context.slot_texts(left, right) for left, right in contexts]
    swapped = set().union(*(spot.get(phrase, set()) for spot in spots))  # holders with the phrase in these spots
    if not ordinary(word) or any(spot.get(word, set()) & swapped for spot in spots):
        return None  # a page with the phrase in these spots also has the word in one of them
    return word


def _pages_with(word: str, contexts: list[tuple[str, str]], context: SiteContext) -> int:
    pages: set[int] = set()
    for left, right in contexts:
        pages |= context.slot_texts(left, right).get(word, set())
    return len(pages)


def _covering_word(
    phrase: str, contexts: list[tuple[str, str]], context: SiteContext, holders: set[int], *, min_pages: int
) -> str | None:
    cover: Counter = Counter()
    pages: dict[str, set[int]] = {}
    spots = 0
    for left, right in contexts:
        fillers = {w: t - holders for w, t in context.slot_texts(left, right).items() if w != phrase and t - holders}
        if not fillers:
            continue
        spots += 1
        cover.update(fillers.keys())
        for w, t in fillers.items():
            pages.setdefault(w, set()).update(t)
    if not cover:
        return None
    ranked = sorted(cover, key=lambda w: (-cover[w], -len(pages[w]), len(w), w))
    word = ranked[0]
    agree = cover[word]
    if len(ranked) > 1 and (cover[ranked[1]], len(pages[ranked[1]])) == (agree, len(pages[word])):
        return None  # two words fit as well: no evidence for either
    if agree < MIN_REPEATS or agree * 3 < spots * 2 or agree * 3 < len(contexts):
        return None
    if len(pages[word]) < min_pages and agree < MIN_SPOTS:
        return None
    return word


def _trim(phrase: str, word: str) -> str:
    """``phrase`` without the leading and trailing characters it shares with ``word``."""
    while len(phrase) > 1 and len(word) > 1 and phrase[0] == word[0]:
        phrase, word = phrase[1:], word[1:]
    while len(phrase) > 1 and len(word) > 1 and phrase[-1] == word[-1]:
        phrase, word = phrase[:-1], word[:-1]
    return phrase
