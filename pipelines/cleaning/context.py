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

Slot queries ("which word stands between 和 and 媒体 on this site?") scan the corpus with a
regular expression once per query; their matches are cached with the text each came from, and
shared by every view of one context (a crawl asks the same questions page after page).
"""

from __future__ import annotations

import operator
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from pipelines.text import element_text, find_body, parse_html

MAX_CORPUS_CHARS = 2_000_000
MAX_FILLER = 10  # a unit's name replaced whole: 仁寿县人民政府
MAX_SLOT_MATCHES = 300
#: stands in a context text where the cleaner removed a phrase it could not restore
GAP = "\ufffc"
_DIGITS = re.compile(r"\d+")
#: str.translate table: every ASCII digit to 0 (figures differ from page to page)
DIGIT_ZERO = str.maketrans("123456789", "000000000")
_NO_PAIRS: Counter = Counter()
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
        return replace(self, other_texts=others, _slots=self._slots, _phrases=self._phrases, _bigrams=self._bigrams)

    def for_page(self, key: str, other_captures: Sequence[str] = ()) -> SiteContext:
        """The view one page is cleaned with: without its own text, with its other captures."""
        index = self.keys.index(key) if key and key in self.keys else None
        others = tuple(t for t in (_as_text(c) for c in other_captures if c) if t)
        return replace(
            self, other_texts=others, exclude=index, _slots=self._slots, _phrases=self._phrases, _bigrams=self._bigrams
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
            pattern = re.compile(_part(left) + _part(right))
            found = self._phrases[key] = tuple(sorted({self._text_at(m.start()) for m in pattern.finditer(self.corpus)}))
        return sum(1 for i in found if i != self.exclude)

    def bigram_count(self, pair: str) -> int:
        """How often the two characters ``pair`` stand side by side in the other pages' texts
        (any digit for a digit)."""
        key = pair.translate(DIGIT_ZERO)
        return self.pair_counts().get(key, 0) - self.own_pair_counts().get(key, 0)

    def pair_counts(self) -> Counter:
        """Adjacent character pairs of the whole corpus (digits as 0), counted once per context."""
        counts = self._bigrams.get("all")
        if counts is None:
            counts = self._bigrams["all"] = bigrams(self.corpus)
        return counts

    def own_pair_counts(self) -> Counter:
        """The pairs of the page being cleaned (its own text in the corpus), or nothing."""
        if self.exclude is None:
            return _NO_PAIRS
        last = self._bigrams.get("own")  # only the latest page's are kept
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
        if literal and (left not in self.corpus or right not in self.corpus):
            pass  # a side the corpus never writes: no match, and no pattern to compile
        elif self.corpus and (left or right):
            # "." (not a newline) compiles in half the time of a class without GAP as well:
            # a filler across a GAP is dropped after the match instead
            pattern = re.compile(_part(left) + "(.{1,%d}?)" % max_len + _part(right))
            for m in pattern.finditer(self.corpus):
                if GAP in m.group(1):
                    continue
                found.append((self._text_at(m.start(1)), m.group(1)))
                if len(found) >= MAX_SLOT_MATCHES:
                    break
        self._slots[key] = found = tuple(found)
        return found

    def _text_at(self, pos: int) -> int:
        return max(bisect_right(self.starts, pos) - 1, 0)


def bigrams(text: str) -> Counter:
    """Counts of adjacent character pairs of ``text`` (digits as 0)."""
    text = text.translate(DIGIT_ZERO)
    return Counter(map(operator.add, text, text[1:]))


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
