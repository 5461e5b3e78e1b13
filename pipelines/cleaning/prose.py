"""Ordinary government report prose: what the cleaner knows of it before it sees a site.

``prose.txt`` is the project's own writing (the replica's synthetic reports and hand-written
sentences of department and county reports; ``bench/make_prose_corpus.py`` builds it). A site
can be hacked on most of its pages, so its own texts cannot tell which of two words standing in
the same places is the original: this corpus can (工作 is ordinary prose, 鸿运达 is not).

Beyond the reports' own vocabulary, the common words of Chinese (jieba's dictionary, words seen
at least ``COMMON_FREQUENCY`` times in its corpus) are ordinary too: 官方, 免费, 赛事 are not a
brand wherever they stand. Brand names are rare there or absent (葡京 8, 金狮 10, 必威 absent).
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pipelines.cleaning.context import SiteContext

COMMON_FREQUENCY = 100
MAX_WORD = 6
#: last characters of unit names (向家镇, 教育和体育局, 仁寿县): ordinary by what they name
ADMIN_END = frozenset("县市省镇乡村区局委办校院站部厅馆所队组会府处科室道")


@lru_cache(maxsize=1)
def corpus() -> str:
    text = resources.files("pipelines.cleaning").joinpath("prose.txt").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.startswith("#"))


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Words of two characters or more that jieba's dictionary counts COMMON_FREQUENCY times.

    The dictionary (``word frequency tag`` lines) is read where jieba is installed, without
    importing jieba (which costs twice the reading), and with one pattern over the whole file
    rather than a split per line."""
    text = _jieba_dictionary().read_text(encoding="utf-8")
    return frozenset(_COMMON_LINE.findall(text))


#: a dictionary line's word of two characters or more, when its frequency (digits, no sign) is
#: COMMON_FREQUENCY (100) or more: three digits or more after any leading zeros. Matching the
#: frequency in the pattern spares converting 350,000 of them (0.08 s once per process);
#: tests/test_cleaning_cost.py checks the words against COMMON_FREQUENCY line by line
_COMMON_LINE = re.compile(r"^([^ \n]{2,}) 0*[1-9][0-9]{2,} ", re.MULTILINE)


def _jieba_dictionary() -> Path:
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jieba is not installed: its dictionary gives the cleaner the common words of Chinese")
    return Path(spec.submodule_search_locations[0]) / "dict.txt"


@lru_cache(maxsize=20_000)
def ordinary(word: str) -> bool:
    """Whether ``word`` is ordinary government prose: it occurs in the prose corpus, it is a
    unit's name (ends in an administrative character), or it is a common word."""
    return bool(word) and (word[-1] in ADMIN_END or word in corpus() or word in common_words())


@lru_cache(maxsize=20_000)
def mostly_common(word: str) -> bool:
    """Whether common words cover at least half of ``word`` (免费或低 is 免费 and two
    characters; 宏运 and 金狮 are not common words)."""
    return ordinary(word) or _common_share(word) * 2 >= len(word)


def _common_share(word: str) -> int:
    """How many characters of ``word`` the longest common words found from the left cover."""
    common = common_words()
    covered = i = 0
    while i < len(word):
        for n in range(min(MAX_WORD, len(word) - i), 1, -1):
            if word[i : i + n] in common:
                covered += n
                i += n
                break
        else:
            i += 1
    return covered


@lru_cache(maxsize=1)
def prose_context() -> SiteContext:
    """The prose corpus as a site of its own, one text per line: the witness of last resort for
    which word stands where (``repeats.py``)."""
    lines = corpus().splitlines()
    return SiteContext.from_texts(lines, keys=[f"prose:{n}" for n in range(len(lines))])
