"""What the rest of the site teaches the cleaner: sister texts and other captures.

Build it with ``SiteContext.from_texts(texts, keys=..., other_captures=...)``:

* ``texts``: cleaned texts of the site's pages (``site.site_text``: body text and short fields;
  a removal the cleaner could not restore is marked ``GAP``, so no slot ever reads across it).
  They are joined into one corpus of at most ``max_chars`` characters, in the order given.
* ``keys``: one key per text (the page URL). ``for_page(key)`` gives the view a page is cleaned
  with: the same corpus without that page's own text, so that a page never counts as evidence
  for itself (a phrase is "absent from the site" when no *other* page has it).
* ``other_captures``: earlier captures of the same report, as raw HTML (rendered with
  ``body_text``) or plain text.

Slot queries ("which word stands between 和 and 媒体 on this site?") are answered once per query;
their matches are cached with the text each came from, and shared by every view of one context
(a crawl asks the same questions page after page). A query whose two sides are plain text is
answered from the places where its rarer side stands (found with ``str.find``, or, in a corpus
of INDEX_CHARS characters or more, from an index of every pair of adjacent characters built
once per context), checked character by character as the regular expression
``left(.{1,n}?)right`` would match them; other queries (digits, which match any figure; very
common sides) scan the corpus with that regular expression.
"""

from __future__ import annotations

import operator
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from pipelines.text import element_text, find_body, parse_html

MAX_CORPUS_CHARS = 2_000_000
MAX_FILLER = 10  # a unit's name replaced whole: 仁寿县人民政府
MAX_SLOT_MATCHES = 300
#: a corpus this long gets an index of its character pairs (a slot query then reads no corpus)
INDEX_CHARS = 200_000
#: a side standing more often than this (and than a 1,024th of the corpus) is not worth anchoring
#: a slot query on: one scan of the corpus by the regular expression costs less
MIN_ANCHORS = 256
#: stands in a context text where the cleaner removed a phrase it could not restore
GAP = "\ufffc"
_DIGITS = re.compile(r"\d+")
_NONZERO_DIGIT = re.compile("[1-9]")
_DIGIT_SPLIT = re.compile(r"(\d+)")
_HTMLISH = re.compile(r"<\s*(html|body|div|p|form|table|br)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SiteContext:
    corpus: str = ""
    n_texts: int = 0
    other_texts: tuple[str, ...] = ()
    starts: tuple[int, ...] = ()  # offset of each text in the corpus
    keys: tuple[str, ...] = ()  # one per text ("" when unknown)
    exclude: int | None = None  # the text of the page being cleaned: never evidence for itself
    _slots: dict = field(default_factory=dict, compare=False, repr=False)
    _phrases: dict = field(default_factory=dict, compare=False, repr=False)
    _bigrams: dict = field(default_factory=dict, compare=False, repr=False)  # "all": Counter, once
    _index: dict = field(default_factory=dict, compare=False, repr=False)  # "pairs": _PairIndex, once

    @classmethod
    def from_texts(
        cls,
        texts: Iterable[str] = (),
        *,
        keys: Iterable[str] | None = None,
        other_captures: Sequence[str] = (),
        max_chars: int = MAX_CORPUS_CHARS,
    ) -> SiteContext:
        """Keep the texts in the order given up to ``max_chars`` characters (the caller orders
        them: the site cleaning by a stable hash of the URL, so every part of the site counts)."""
        texts = list(texts)
        keys = list(keys) if keys is not None else [""] * len(texts)
        kept: list[str] = []
        kept_keys: list[str] = []
        starts: list[int] = []
        size = 0
        for text, key in zip(texts, keys, strict=True):
            if not text:
                continue
            if size + len(text) > max_chars:
                break
            starts.append(size)
            kept.append(text)
            kept_keys.append(key)
            size += len(text) + 1
        others = tuple(t for t in (_as_text(c) for c in other_captures if c) if t)
        return cls(
            corpus="\n".join(kept), n_texts=len(kept), other_texts=others, starts=tuple(starts), keys=tuple(kept_keys)
        )

    def with_captures(self, other_captures: Sequence[str]) -> SiteContext:
        """The same site corpus with the other captures of one page (cheap: no re-join)."""
        others = tuple(t for t in (_as_text(c) for c in other_captures if c) if t)
        return replace(
            self, other_texts=others, _slots=self._slots, _phrases=self._phrases, _bigrams=self._bigrams,
            _index=self._index,
        )

    def for_page(self, key: str, other_captures: Sequence[str] = ()) -> SiteContext:
        """The view one page is cleaned with: without its own text, with its other captures."""
        index = self.keys.index(key) if key and key in self.keys else None
        others = tuple(t for t in (_as_text(c) for c in other_captures if c) if t)
        return replace(
            self, other_texts=others, exclude=index, _slots=self._slots, _phrases=self._phrases, _bigrams=self._bigrams,
            _index=self._index,
        )

    @property
    def sister_texts(self) -> int:
        """How many texts of other pages the view holds."""
        return self.n_texts - (self.exclude is not None)

    def slot_fillers(self, left: str, right: str, *, max_len: int = MAX_FILLER) -> Counter:
        """Counts of the strings (1..max_len chars, one line, no gap) standing between ``left``
        and ``right`` in the other pages' texts."""
        counts: Counter = Counter()
        for text, filler in self._slot_matches(left, right, max_len):
            if text != self.exclude:
                counts[filler] += 1
        return counts

    def slot_texts(self, left: str, right: str, *, max_len: int = MAX_FILLER) -> dict[str, set[int]]:
        """For each filler of the slot, the texts (indices) it stands in, this page's excluded."""
        found: dict[str, set[int]] = {}
        for text, filler in self._slot_matches(left, right, max_len):
            if text != self.exclude:
                found.setdefault(filler, set()).add(text)
        return found

    def contains(self, phrase: str) -> bool:
        """Whether another page's text holds ``phrase``."""
        return bool(self.texts_with(phrase))

    def texts_with(self, phrase: str) -> tuple[int, ...]:
        """The texts (indices) holding ``phrase``, this page's excluded."""
        if not phrase:
            return ()
        found = self._phrases.get(phrase)
        if found is None and self._pairs() is not None and self._count(phrase) <= self._anchor_limit():
            found = self._phrases[phrase] = tuple(sorted({self._text_at(p) for p in self._occurrences(phrase)}))
        if found is None:
            hits = []
            pos = self.corpus.find(phrase)
            while pos >= 0:
                index = self._text_at(pos)
                hits.append(index)
                following = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.corpus)
                pos = self.corpus.find(phrase, following)
            found = self._phrases[phrase] = tuple(hits)
        return tuple(i for i in found if i != self.exclude)

    def adjacent(self, left: str, right: str) -> int:
        """How many other pages write ``left`` right before ``right`` (any digits for digits)."""
        key = ("adjacent", _DIGITS.sub("0", left), _DIGITS.sub("0", right))
        found = self._phrases.get(key)
        if found is None:
            if _DIGITS.search(left) or _DIGITS.search(right):
                pattern = _pattern(_part(left) + _part(right))
                starts = [m.start() for m in pattern.finditer(self.corpus)]
            elif self._pairs() is not None and self._count(left + right) > self._anchor_limit():
                starts = _apart(occurrences(self.corpus, left + right), len(left + right))
            else:
                starts = _apart(self._occurrences(left + right), len(left + right))
            found = self._phrases[key] = tuple(sorted({self._text_at(p) for p in starts}))
        return sum(1 for i in found if i != self.exclude)

    def bigram_count(self, pair: str) -> int:
        """How often the two characters ``pair`` stand side by side in the other pages' texts
        (any digit for a digit)."""
        key = zero_digits(pair)
        total = self.pair_counts().get(key, 0)
        return total - self.own_pair_count(key) if total else 0  # the page's own text is in the corpus

    def pair_counts(self) -> Counter:
        """Adjacent character pairs of the whole corpus (digits as 0), counted once per context."""
        counts = self._bigrams.get("all")
        if counts is None:
            counts = self._bigrams["all"] = bigrams(self.corpus)
        return counts

    def pair_set(self) -> frozenset[str]:
        """The pairs of ``pair_counts`` as a set, once per context: a page's pairs minus this
        set is one C-level difference (a Counter is no exact dict, so ``set.difference`` would
        read all of it)."""
        pairs = self._bigrams.get("set")
        if pairs is None:
            pairs = self._bigrams["set"] = frozenset(self.pair_counts())
        return pairs

    def own_pair_count(self, pair: str) -> int:
        """How often the two characters ``pair`` (digits as 0) stand side by side in the page's
        own text in the corpus, 0 without one."""
        return self.own_pair_counts().get(pair, 0) if len(pair) == 2 else 0

    def own_pair_counts(self) -> Counter:
        """``bigrams`` of the page's own text in the corpus (empty without one): counted once for
        the latest page asked about, which asks about a hundred pairs or more."""
        if self.exclude is None:
            return Counter()
        last = self._bigrams.get("own")  # only the latest page's counts are kept
        if last is None or last[0] != self.exclude:
            start = self.starts[self.exclude]
            end = self.starts[self.exclude + 1] - 1 if self.exclude + 1 < len(self.starts) else len(self.corpus)
            last = self._bigrams["own"] = (self.exclude, bigrams(self.corpus[start:end]))
        return last[1]

    def _slot_matches(self, left: str, right: str, max_len: int) -> tuple[tuple[int, str], ...]:
        # figures differ from page to page (17条 here, 23条 there): any run of digits matches
        key = (_DIGITS.sub("0", left), _DIGITS.sub("0", right), max_len)
        cached = self._slots.get(key)
        if cached is not None:
            return cached
        found = []
        literal = not _DIGITS.search(left) and not _DIGITS.search(right)
        anchors = self._slot_anchors(left, right, max_len) if literal and left and right else None
        if anchors is not None:
            found = self._literal_slot(left, right, max_len, anchors)
        elif literal and (left not in self.corpus or right not in self.corpus):
            pass  # a side the corpus never writes: no match, and no pattern to compile
        elif self.corpus and (left or right):
            # "." (not a newline) compiles in half the time of a class without GAP as well:
            # a filler across a GAP is dropped after the match instead
            pattern = _pattern(_part(left) + "(.{1,%d}?)" % max_len + _part(right))
            for m in pattern.finditer(self.corpus):
                if GAP in m.group(1):
                    continue
                found.append((self._text_at(m.start(1)), m.group(1)))
                if len(found) >= MAX_SLOT_MATCHES:
                    break
        self._slots[key] = found = tuple(found)
        return found

    def _literal_slot(self, left: str, right: str, max_len: int, anchors: list[int]) -> list[tuple[int, str]]:
        """What ``re.finditer(left + "(.{1,max_len}?)" + right)`` finds (fillers across a GAP
        dropped, at most MAX_SLOT_MATCHES), trying only ``anchors``: ascending positions that
        include every start of ``left`` a match can begin at."""
        corpus = self.corpus
        found: list[tuple[int, str]] = []
        resume = 0  # the end of the last match: the next one starts there or later
        for start in anchors:
            if start < resume or not corpus.startswith(left, start):
                continue
            filler_start = start + len(left)
            newline = corpus.find("\n", filler_start, filler_start + max_len)  # "." is not a newline
            longest = max_len if newline < 0 else newline - filler_start
            # the shortest filler first (lazy): the first ``right`` 1..longest characters on
            right_at = corpus.find(right, filler_start + 1, filler_start + longest + len(right))
            if right_at >= 0:
                resume = right_at + len(right)
                filler = corpus[filler_start:right_at]
                if GAP not in filler:
                    found.append((self._text_at(filler_start), filler))
            if len(found) >= MAX_SLOT_MATCHES:
                break
        return found

    def _slot_anchors(self, left: str, right: str, max_len: int) -> list[int] | None:
        """Where a match of the slot can start, from the cheaper of its two sides (every start of
        ``left``, or every start of ``left`` that ends 1..max_len characters before a ``right``:
        a search or two before each ``right``); None when both sides are too common to be worth
        it."""
        costs = [(self._count(left), 0), (self._count(right) * 2, 1)]
        (cost, side), _other = sorted(costs)
        if cost > self._anchor_limit():
            return None
        if side == 0:
            return self._occurrences(left)
        corpus, found = self.corpus, set()
        for right_at in self._occurrences(right):
            end = right_at - 1  # a filler of one character at least
            start = corpus.find(left, max(0, end - max_len - len(left) + 1), end)
            while start >= 0:
                found.add(start)
                start = corpus.find(left, start + 1, end)
        return sorted(found)

    def _anchor_limit(self) -> int:
        return max(MIN_ANCHORS, len(self.corpus) >> 10)

    def _count(self, text: str) -> int:
        """How often ``text`` stands in the corpus, or more (a cost, not a fact: what is counted
        is its first two characters, from the pair index or the corpus's pair counts)."""
        if len(text) > 1:
            pairs = self._pairs()
            return pairs.count(text[:2]) if pairs is not None else self.pair_counts().get(zero_digits(text[:2]), 0)
        return self.corpus.count(text) if self._pairs() is None else len(self.corpus)

    def _occurrences(self, text: str) -> list[int]:
        """Every position ``text`` starts at in the corpus (overlapping ones too), ascending."""
        corpus = self.corpus
        pairs = self._pairs()
        if pairs is not None and len(text) > 1:
            return [p for p in pairs.positions(text[:2]) if corpus.startswith(text, p)]
        return occurrences(corpus, text)

    def _pairs(self) -> _PairIndex | None:
        if len(self.corpus) < INDEX_CHARS:
            return None
        index = self._index.get("pairs")
        if index is None:
            index = self._index["pairs"] = _PairIndex(self.corpus)
        return index

    def _text_at(self, pos: int) -> int:
        return max(bisect_right(self.starts, pos) - 1, 0)


class _PairIndex:
    """Where each pair of adjacent characters stands in a corpus: the pairs' codes sorted
    (numpy, stable: the positions of one pair stay ascending), and the positions in that order."""

    __slots__ = ("codes", "int64", "order")

    def __init__(self, corpus: str):
        import numpy as np  # only a corpus of INDEX_CHARS characters needs it

        chars = np.frombuffer(corpus.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
        codes = (chars[:-1] << 21) | chars[1:]  # a code point has 21 bits
        self.order = np.argsort(codes, kind="stable")
        self.codes = codes[self.order]
        self.int64 = np.int64

    def _range(self, pair: str) -> tuple[int, int]:
        # an int64 to look for in the int64 codes: anything else would convert the whole array
        code = self.int64((ord(pair[0]) << 21) | ord(pair[1]))
        return int(self.codes.searchsorted(code, "left")), int(self.codes.searchsorted(code, "right"))

    def count(self, pair: str) -> int:
        lo, hi = self._range(pair)
        return hi - lo

    def positions(self, pair: str) -> list[int]:
        lo, hi = self._range(pair)
        return self.order[lo:hi].tolist()


def occurrences(text: str, sub: str) -> list[int]:
    """Every position ``sub`` starts at in ``text``, overlapping ones too (00 twice in 000),
    ascending."""
    found = []
    pos = text.find(sub)
    while pos >= 0:
        found.append(pos)
        pos = text.find(sub, pos + 1)
    return found


def positions(text: str, subs: Iterable[str]) -> list[int]:
    """Every position any of ``subs`` starts at in ``text`` (overlapping ones too), ascending:
    each distinct string is looked up once."""
    return sorted(pos for sub in subs for pos in occurrences(text, sub))


def _apart(starts: list[int], length: int) -> list[int]:
    """The starts ``re.finditer`` reports for a literal of ``length`` characters standing at
    ``starts`` (ascending): each match resumes the search where the last one ended."""
    kept: list[int] = []
    resume = 0
    for start in starts:
        if start >= resume:
            kept.append(start)
            resume = start + length
    return kept


def bigrams(text: str) -> Counter:
    """Counts of adjacent character pairs of ``text`` (digits as 0)."""
    text = zero_digits(text)
    return Counter(map(operator.add, text, text[1:]))


def zero_digits(text: str) -> str:
    """``text`` with every ASCII digit as 0 (figures differ from page to page). A pattern, not
    ``str.translate``: translating by a table reads a mapping per character of a CJK text,
    six times slower than the pattern's scan for the few digits."""
    return _NONZERO_DIGIT.sub("0", text)


@lru_cache(maxsize=4096)
def _pattern(source: str) -> re.Pattern:
    """A slot query's pattern, compiled once per process: every site asks the same few thousand
    (its template's labels around figures), more than ``re``'s own cache of 512 holds."""
    return re.compile(source)


def _part(context: str) -> str:
    """A slot context as a pattern: literal, but any run of digits for a run of digits."""
    return "".join(r"\d+" if piece.isdigit() else re.escape(piece) for piece in _DIGIT_SPLIT.split(context) if piece)


def page_text(html: str, body: str | None = None) -> str:
    """A page as the site context reads it: the body text (``body`` when the caller has it, e.g.
    with removals marked), then the rest of the page's text (visible title, the 来源 line, the
    footer's 主办 line...), then the <title> and every named meta value, one per line: a word
    replaced site-wide stands in all of them."""
    doc = parse_html(html)
    if doc is None:
        return body or ""
    return "\n".join(page_lines(doc, body))


def page_lines(doc, body: str | None = None) -> list[str]:
    """``page_text``'s lines from a parsed page (which loses its body container: parse a copy)."""
    container = find_body(doc)
    lines = [element_text(container) if body is None else body]
    if container is not doc and container.getparent() is not None:
        container.drop_tree()
        lines.append(element_text(doc))
    for title in doc.iter("title"):
        lines.append(" ".join(title.text_content().split()))
    for meta in doc.iter("meta"):
        if meta.get("name") and meta.get("content"):
            lines.append(" ".join(meta.get("content").split()))
    return [line for line in lines if line]


def _as_text(capture: str) -> str:
    return page_text(capture) if _HTMLISH.search(capture) else capture.strip()
