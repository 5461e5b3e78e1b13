"""Ordinary government report prose: what the cleaner knows of it before it sees a site.

``prose.txt`` is the project's own writing (the replica's synthetic reports and hand-written
sentences of department and county reports; ``bench/make_prose_corpus.py`` builds it). A site
can be hacked on most of its pages, so its own texts cannot tell which of two words standing in
the same places is the original: this corpus can (工作 is ordinary prose, 鸿运达 is not).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from pipelines.cleaning.context import SiteContext

#: last characters of unit names (向家镇, 教育和体育局, 仁寿县): ordinary by what they name
ADMIN_END = frozenset("县市省镇乡村区局委办校院站部厅馆所队组会府处科室道")


@lru_cache(maxsize=1)
def corpus() -> str:
    text = resources.files("pipelines.cleaning").joinpath("prose.txt").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.startswith("#"))


@lru_cache(maxsize=20_000)
def ordinary(word: str) -> bool:
    """Whether ``word`` is ordinary government prose: it occurs in the prose corpus, or it is a
    unit's name (ends in an administrative character)."""
    return bool(word) and (word[-1] in ADMIN_END or word in corpus())


@lru_cache(maxsize=1)
def prose_context() -> SiteContext:
    """The prose corpus as a site of its own, one text per line: the witness of last resort for
    which word stands where (``repeats.py``)."""
    lines = corpus().splitlines()
    return SiteContext.from_texts(lines, keys=[f"prose:{n}" for n in range(len(lines))])
