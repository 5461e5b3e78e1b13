"""Where the lexicon's words stand in a text, found in one pass.

The lexicon's patterns (``Lexicon.known``, ``phrase_shape``, ``shape_core``) are big
case-insensitive alternations: the regular-expression engine tries every word at every character
of a page. Most pages hold none of them. One Aho-Corasick automaton (pyahocorasick) over the text
in lower case finds every occurrence of every word in one pass; the patterns remain the
definition and are then tried only where a word opens:

* ``known``: where a brand, term or weak word starts (every ``known`` match starts with one);
* ``phrase``: where a region, rank or betting word starts (every ``phrase_shape`` match does);
* ``core``: whether a category or strong word stands anywhere (``shape_core`` without its
  ``[0-9]彩``, which the caller checks).

Lower case stands for the patterns' IGNORECASE only where the two agree: the words' characters
are ASCII or caseless (Chinese), and the text holds none of the few characters that
IGNORECASE equates with an ASCII letter although their lower case is another (``İ``, ``ı``,
``ſ``). Otherwise ``scan`` returns None and the caller tries its patterns everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

KNOWN = 1
CORE = 2
PHRASE = 4

#: characters re.IGNORECASE matches to an ASCII letter whose ``str.lower()`` is not that letter
#: (the dotted capital I also lowers to two characters): tests/test_cleaning_cost.py rebuilds it
IGNORECASE_ODD = "\u0130\u0131\u017f"
_ODD = re.compile(f"[{IGNORECASE_ODD}]")


@dataclass(frozen=True, slots=True)
class Found:
    known: list[int]  # ascending starts of brand, term and weak words
    phrase: list[int]  # ascending starts of region, rank and betting words
    core: bool  # a category or strong word stands in the text


class Openings:
    """One automaton over the words of three groups (``KNOWN``, ``CORE``, ``PHRASE``)."""

    __slots__ = ("_automaton",)

    def __init__(self, known: Iterable[str], core: Iterable[str], phrase: Iterable[str]):
        flags: dict[str, int] = {}
        for flag, words in ((KNOWN, known), (CORE, core), (PHRASE, phrase)):
            for word in words:
                key = word.lower()
                flags[key] = flags.get(key, 0) | flag
        automaton = ahocorasick.Automaton()
        for key, flag in flags.items():
            automaton.add_word(key, (len(key), flag))
        if flags:
            automaton.make_automaton()
        self._automaton = automaton if flags else None

    @classmethod
    def build(cls, known: Iterable[str], core: Iterable[str], phrase: Iterable[str]) -> Openings | None:
        """The automaton, or None when a word has a cased character beyond ASCII (lower case
        would not stand for IGNORECASE)."""
        known, core, phrase = list(known), list(core), list(phrase)
        for word in (*known, *core, *phrase):
            if any(not c.isascii() and (c.lower() != c or c.upper() != c) for c in word):
                return None
        return cls(known, core, phrase)

    def scan(self, text: str) -> Found | None:
        """Where the words stand in ``text``; None when lower case cannot stand for IGNORECASE."""
        if _ODD.search(text):
            return None
        known: set[int] = set()
        phrase: set[int] = set()
        core = False
        if self._automaton is not None:
            for end, (length, flag) in self._automaton.iter(text.lower()):
                start = end - length + 1
                if flag & KNOWN:
                    known.add(start)
                if flag & PHRASE:
                    phrase.add(start)
                if flag & CORE:
                    core = True
        return Found(sorted(known), sorted(phrase), core)
