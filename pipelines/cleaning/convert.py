"""Traditional <-> simplified conversion through OpenCC's tables (package
``opencc-python-reimplemented``). Without the package both directions are the identity and
``available()`` is False: traditional-character findings are then not produced."""

from __future__ import annotations

from functools import lru_cache

try:  # optional at import so a missing converter degrades one rule, not the cleaner
    from opencc import OpenCC
except ImportError:  # pragma: no cover - exercised only without the dependency
    OpenCC = None


MAX_CACHED_CHARS = 1_000  # longer texts are converted without being remembered


def available() -> bool:
    return OpenCC is not None


@lru_cache(maxsize=2)
def _converter(config: str):
    return OpenCC(config) if OpenCC is not None else None


def to_simplified(text: str) -> str:
    if len(text) <= MAX_CACHED_CHARS:
        return _to_simplified(text)
    conv = _converter("t2s")
    return conv.convert(text) if conv is not None else text


@lru_cache(maxsize=8192)
def _to_simplified(text: str) -> str:
    # OpenCC's pure-Python matcher is slow; pages repeat their lines (second pass) and phrases
    conv = _converter("t2s")
    return conv.convert(text) if conv is not None and text else text


def to_traditional(text: str) -> str:
    conv = _converter("s2t")
    return conv.convert(text) if conv is not None and text else text


def traditional_chars(text: str) -> set[str]:
    """The distinct characters of ``text`` that ``is_traditional_char``: each character is
    judged once per process (remembered here), and a text's characters are then sorted by two
    set operations."""
    chars = set(text)
    for char in chars.difference(_JUDGED):
        if is_traditional_char(char):
            _TRADITIONAL.add(char)
        _JUDGED.add(char)  # after: another thread never sees a character judged but not sorted
    return chars & _TRADITIONAL


_JUDGED: set[str] = set()
_TRADITIONAL: set[str] = set()


def is_traditional_char(char: str) -> bool:
    """True for a character that simplified text does not use (its t2s form differs)."""
    if not ("\u4e00" <= char <= "\u9fff") or char in AMBIGUOUS:
        return False
    return to_simplified(char) != char


# characters that are also correct simplified in some words (显著, 乾坤, 于, 后...): never evidence
AMBIGUOUS = frozenset("著乾藉瞭夥覆徵鍾於後裡餘髮麼閒甦噁祇佔採蒐週妳")
