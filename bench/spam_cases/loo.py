"""Leave-one-out: how the cleaner does on a brand or term it has never seen.

For each entry of the lexicon classes in ``LOO_CLASSES``, the lexicon is rebuilt without it (and
without its traditional/simplified variants: ``lexicon.parse`` then ``lexicon.build``), and a
small site is cleaned whose ONLY spam is that entry, in the shapes real hacks use:

* one word (其他) replaced by ``<entry>体育`` (a term: by the term alone) on two pages of the
  site (site-wide), the commonest shape of the real pages;
* ``英国<entry>公司`` (brands) or ``十大正规<entry>平台`` (terms) inserted into a sentence;
* ``<entry>官网-`` put in front of a page's <title>.

Weak entries (also place names: 皇冠, 金沙) only ever appear with a category glued to them.
The site has four clean sister pages besides, so site evidence can work. Score: removal
recall without fragments, per entry; mean and worst per class. The same pages cleaned with the
full lexicon are scored too, for comparison.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from pipelines.cleaning import convert
from pipelines.cleaning.lexicon import build, parse

from . import scoring
from .hacks import _Marks, hack_insert, hack_word
from .sites import Site, _base, _finish, _pages_of, _units
from .vocab import Entry, Phrase

LOO_CLASSES = ("brand", "weak", "term")


@dataclass
class EntryScore:
    cls: str
    term: str
    injections: int
    clean: int  # removed without fragments, lexicon without the entry
    clean_full: int  # the same, full lexicon

    @property
    def recall(self) -> float:
        return self.clean / self.injections if self.injections else 1.0

    @property
    def recall_full(self) -> float:
        return self.clean_full / self.injections if self.injections else 1.0


def lexicon_text() -> str:
    return resources.files("pipelines.cleaning").joinpath("lexicon.txt").read_text(encoding="utf-8")


def entries(text: str, classes: tuple[str, ...] = LOO_CLASSES) -> list[tuple[str, str]]:
    """(class, term) of the listed entries, one per term up to traditional/simplified form."""
    seen: set[tuple[str, str]] = set()
    out = []
    for line in text.splitlines():
        parts = line.strip().split("\t")
        if len(parts) < 2 or parts[0] not in classes:
            continue
        cls, term = parts[0], parts[1].strip()
        key = (cls, convert.to_simplified(term).lower())
        if key not in seen:
            seen.add(key)
            out.append((cls, convert.to_simplified(term)))
    return out


def without(terms: dict[str, frozenset[str]], cls: str, term: str) -> dict[str, frozenset[str]]:
    variants = {term, convert.to_traditional(term), convert.to_simplified(term)}
    variants |= {v.lower() for v in variants}
    def keep(word: str) -> bool:
        return word not in variants and word.lower() not in variants

    return {c: frozenset(filter(keep, words)) if c in LOO_CLASSES else words for c, words in terms.items()}


class LooSet:
    """The small site: four clean sister pages (cached) and three pages to carry one entry."""

    def __init__(self, seed: int = 7):
        rng = random.Random(seed)
        self.base = _base(3, "vsb", rng)
        units, self.negative = _units(self.base, ("town", "town", "town", "town", "town"), rng)
        reports = _pages_of(self.base, units, [2019, 2021, 2023], rng, places=False)
        self.reports = reports
        self.sisters = [_finish(self.base, n, y, c, None, None, "plain") for n, (u, y, c) in enumerate(reports[:4])]
        self.carriers = reports[5:8]

    def site(self, cls: str, term: str, rng: random.Random) -> Site:
        entry = Entry(term, cls, "lexicon")
        if cls == "term":
            word = Phrase(term, "term", (entry,))
        else:
            word = Phrase(term + "体育", "brand+category", (entry,))
        if cls == "term":
            inserted = Phrase(f"十大正规{term}平台", "ranking", (entry,))
        else:
            inserted = Phrase(f"英国{term}{'体育' if cls == 'weak' else ''}公司", "company", (entry,))
        title = Phrase(term + ("体育官网" if cls == "weak" else "官网"), "brand+channel", (entry,))
        pages = list(self.sisters)
        for k, (unit, year, clean) in enumerate(self.carriers):
            hacked, marks = copy.deepcopy(clean), _Marks()
            if k < 2:
                hack_word(hacked, marks, "其他", word)
            else:
                hack_insert(hacked, marks, [inserted], rng)
                hacked.title = marks.wrap(title.text + "-", "title", title, None) + hacked.title
            pages.append(_finish(self.base, 4 + k, year, clean, hacked, marks, None))
        return Site(f"loo-{cls}-{term}", "loo", "vsb", pages)


def run(
    clean_site: Callable | None = None,
    *,
    classes: tuple[str, ...] = LOO_CLASSES,
    limit: int | None = None,
    timing: list[float] | None = None,
) -> list[EntryScore]:
    """Score every entry of ``classes`` (the first ``limit``); ``timing`` receives CPU ms per page."""
    text = lexicon_text()
    full_terms = parse(text)
    full = build(full_terms)
    loo_set = LooSet()
    scores = []
    for i, (cls, term) in enumerate(entries(text, classes)[:limit]):
        site = loo_set.site(cls, term, random.Random(1000 + i))
        counts = []
        for lexicon in (build(without(full_terms, cls, term)), full):
            outputs = scoring.run([site], clean_site, lexicon=lexicon)
            if timing is not None:
                timing.extend(outputs["__cpu_ms__"])
            result = scoring.score([site], outputs)
            counts.append(sum(o.removed and not o.fragment for o in result.outcomes))
        n = sum(len(p.injections) for p in site.pages)
        scores.append(EntryScore(cls, term, n, counts[0], counts[1]))
    return scores


def summary(scores: list[EntryScore]) -> str:
    lines = [
        "| class | entries | mean recall (entry left out) | worst | mean recall (full lexicon) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for cls in LOO_CLASSES:
        group = [s for s in scores if s.cls == cls]
        if not group:
            continue
        mean = sum(s.recall for s in group) / len(group)
        worst = min(group, key=lambda s: s.recall)
        ties = sum(s.recall == worst.recall for s in group)
        full = sum(s.recall_full for s in group) / len(group)
        more = f" and {ties - 1} more" if ties > 1 else ""
        lines.append(f"| {cls} | {len(group)} | {mean:.3f} | {worst.recall:.3f} ({worst.term}{more}) | {full:.3f} |")
    return "\n".join(lines)


def mean_recall(scores: list[EntryScore]) -> float:
    """The lowest of the per-class mean recalls (the target holds for each class)."""
    means = []
    for cls in LOO_CLASSES:
        group = [s for s in scores if s.cls == cls]
        if group:
            means.append(sum(s.recall for s in group) / len(group))
    return min(means) if means else 1.0
