"""The cleaner's shortcuts give what the plain computations they replace give."""

from __future__ import annotations

import random
import re
from bisect import bisect_right
from importlib import resources

import pytest

from pipelines.cleaning import context as context_module
from pipelines.cleaning import prose
from pipelines.cleaning.context import GAP, MAX_SLOT_MATCHES, SiteContext


def test_common_words_read_without_jieba_are_the_dictionary_lines_split_one_by_one():
    words = set()
    with resources.files("jieba").joinpath("dict.txt").open(encoding="utf-8") as fh:
        for line in fh:
            word, frequency, _tag = line.split(" ", 2)
            if len(word) > 1 and int(frequency) >= prose.COMMON_FREQUENCY:
                words.add(word)
    assert prose.common_words() == frozenset(words)


def _regex_slot(corpus: str, starts: tuple[int, ...], left: str, right: str, max_len: int) -> list[tuple[int, str]]:
    """The slot query as one regular expression over the corpus (what the anchored search replaces)."""
    found = []
    for m in re.compile(re.escape(left) + "(.{1,%d}?)" % max_len + re.escape(right)).finditer(corpus):
        if GAP not in m.group(1):
            found.append((max(bisect_right(starts, m.start(1)) - 1, 0), m.group(1)))
            if len(found) >= MAX_SLOT_MATCHES:
                break
    return found


def _texts(rng: random.Random, n: int) -> list[str]:
    alphabet = "和与信息其他条，\n" + GAP + "ab"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80))) for _ in range(n)]


@pytest.mark.parametrize("indexed", [False, True])
def test_slot_queries_anchored_on_a_side_find_what_the_regular_expression_finds(monkeypatch, indexed):
    if indexed:
        monkeypatch.setattr(context_module, "INDEX_CHARS", 0)
    rng = random.Random(14)
    sides = ["和", "信息", "其他", "，\n", "\n其", "条，", "aa", "a", "息\n", "他" + GAP, "ab和", "和和"]
    for round_ in range(30):
        monkeypatch.setattr(context_module, "MIN_ANCHORS", rng.choice((0, 5, 10_000)))
        texts = _texts(rng, rng.randint(1, 12))
        context = SiteContext.from_texts(texts, keys=[f"u{n}" for n in range(len(texts))])
        for left in sides:
            for right in sides:
                max_len = rng.choice((1, 3, 10))
                expected = _regex_slot(context.corpus, context.starts, left, right, max_len)
                assert list(context._slot_matches(left, right, max_len)) == expected, (round_, left, right, max_len)
                pattern = re.compile(re.escape(left + right))
                assert context.adjacent(left, right) == len({context._text_at(m.start()) for m in pattern.finditer(context.corpus)})
                holding = sorted({context._text_at(m.start()) for m in re.finditer(f"(?={re.escape(left + right)})", context.corpus)})
                assert list(context.texts_with(left + right)) == holding


def test_a_pages_own_pairs_counted_one_by_one_are_those_of_its_text():
    rng = random.Random(7)
    texts = ["".join(rng.choice("信息00和\n9a") for _ in range(rng.randint(1, 60))) for _ in range(8)]
    site = SiteContext.from_texts(texts, keys=[f"u{n}" for n in range(len(texts))])
    for n in range(len(texts)):
        view = site.for_page(f"u{n}")
        for pair in {a + b for a in "信息0和\n9a" for b in "信息0和\n9a"} | {"0", ""}:
            own = context_module.bigrams(texts[n])[pair.translate(context_module.DIGIT_ZERO)]
            assert view.own_pair_count(pair.translate(context_module.DIGIT_ZERO)) == own
            assert view.bigram_count(pair) == site.pair_counts()[pair.translate(context_module.DIGIT_ZERO)] - own
