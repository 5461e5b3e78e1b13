"""What the rest of the site teaches the cleaner: clean sister texts and other captures.

Build it with ``SiteContext.from_texts(clean_texts, other_captures=...)``:

* ``clean_texts``: cleaned body texts of other pages of the same site (``CleanResult.clean_text``).
  They are joined into one corpus, keeping at most ``max_chars`` characters (the newest texts,
  i.e. the end of the sequence); nothing else is computed up front, so building is a join.
* ``other_captures``: earlier captures of the same report (same URL from an earlier crawl, or
  another URL carrying the same report), as raw HTML (rendered with ``body_text``) or plain text.

Slot queries ("which word stands between 和 and 媒体 on this site?") scan the corpus with a
regular expression; they and phrase look-ups are cached per context (shared by ``with_captures``:
a crawl asks the same questions page after page).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pipelines.text import body_text

MAX_CORPUS_CHARS = 2_000_000
MAX_FILLER = 6
MAX_SLOT_MATCHES = 300
_HTMLISH = re.compile(r"<\s*(html|body|div|p|form|table|br)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SiteContext:
    corpus: str = ""
    n_texts: int = 0
    other_texts: tuple[str, ...] = ()
    _slots: dict = field(default_factory=dict, compare=False, repr=False)
    _phrases: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_texts(
        cls,
        texts: Iterable[str] = (),
        *,
        other_captures: Sequence[str] = (),
        max_chars: int = MAX_CORPUS_CHARS,
    ) -> SiteContext:
        kept: list[str] = []
        size = 0
        for text in reversed(list(texts)):
            if not text:
                continue
            if size + len(text) > max_chars:
                break
            kept.append(text)
            size += len(text) + 1
        kept.reverse()
        others = tuple(_as_text(c) for c in other_captures if c)
        return cls(corpus="\n".join(kept), n_texts=len(kept), other_texts=tuple(t for t in others if t))

    def with_captures(self, other_captures: Sequence[str]) -> SiteContext:
        """The same site corpus with the other captures of one page (cheap: no re-join)."""
        others = tuple(t for t in (_as_text(c) for c in other_captures if c) if t)
        return SiteContext(
            corpus=self.corpus, n_texts=self.n_texts, other_texts=others, _slots=self._slots, _phrases=self._phrases
        )

    def slot_fillers(self, left: str, right: str, *, max_len: int = MAX_FILLER) -> Counter:
        """Counts of the strings (1..max_len chars, one line) standing between ``left`` and ``right``."""
        key = (left, right, max_len)
        cached = self._slots.get(key)
        if cached is not None:
            return cached
        counts: Counter = Counter()
        if self.corpus and (left or right):
            pattern = re.compile(re.escape(left) + "([^\n]{1,%d}?)" % max_len + re.escape(right))
            for n, m in enumerate(pattern.finditer(self.corpus)):
                if n >= MAX_SLOT_MATCHES:
                    break
                counts[m.group(1)] += 1
        self._slots[key] = counts
        return counts

    def contains(self, phrase: str) -> bool:
        if not phrase:
            return False
        found = self._phrases.get(phrase)
        if found is None:
            found = self._phrases[phrase] = phrase in self.corpus
        return found


def _as_text(capture: str) -> str:
    return body_text(capture) if _HTMLISH.search(capture) else capture.strip()
