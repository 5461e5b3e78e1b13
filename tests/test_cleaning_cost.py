"""The cleaner's shortcuts give what the plain computations they replace give."""

from __future__ import annotations

import random
import re
import string
from bisect import bisect_right
from collections import Counter
from importlib import resources

import pytest

from pipelines.cleaning import context as context_module
from pipelines.cleaning import convert, inserted, openings, prose, repeats
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


def _zeroed(text: str) -> str:
    return "".join("0" if c in "123456789" else c for c in text)


def _pair_at_each_position(text: str, pair: str) -> int:
    text = _zeroed(text)
    return sum(1 for k in range(len(text) - 1) if text[k : k + 2] == pair)


def test_digits_become_zero_and_nothing_else_changes():
    text = "２０１９年第12条，0和9；٣ and 一二三 45"
    assert context_module.zero_digits(text) == _zeroed(text) == "２０１９年第00条，0和0；٣ and 一二三 00"


def test_a_pages_own_pairs_are_those_of_its_text_counted_position_by_position():
    rng = random.Random(7)
    texts = ["".join(rng.choice("信息00和\n9a") for _ in range(rng.randint(1, 60))) for _ in range(8)]
    site = SiteContext.from_texts(texts, keys=[f"u{n}" for n in range(len(texts))])
    for n in range(len(texts)):
        view = site.for_page(f"u{n}")
        for pair in {a + b for a in "信息0和\n9a" for b in "信息0和\n9a"} | {"0", ""}:
            own = _pair_at_each_position(texts[n], _zeroed(pair)) if len(pair) == 2 else 0
            total = _pair_at_each_position(site.corpus, _zeroed(pair)) if len(pair) == 2 else 0
            assert view.own_pair_count(_zeroed(pair)) == own
            assert view.bigram_count(pair) == total - own


def _plain_repeated_grams(words: list[str]) -> list[str]:
    """``repeats._repeated_grams`` by its definition: every gram counted at every position."""
    joined = "\n".join(words)
    known = prose.prose_context().pair_counts()
    counts: dict[str, int] = {}
    by_length = []
    for n in range(repeats.MIN_LEN, repeats.MAX_LEN + 1):
        grams = Counter(joined[i : i + n] for i in range(len(joined) - n + 1) if "\n" not in joined[i : i + n])
        repeated = {g: c for g, c in grams.items() if c >= repeats.MIN_REPEATS}
        counts.update(repeated)
        by_length.append(list(repeated))
    covered = {g[:-1] for g, c in counts.items() if len(g) > repeats.MIN_LEN and counts.get(g[:-1]) == c}
    covered |= {g[1:] for g, c in counts.items() if len(g) > repeats.MIN_LEN and counts.get(g[1:]) == c}
    novel = lambda g: any(_zeroed(g[k : k + 2]) not in known for k in range(len(g) - 1))  # noqa: E731
    return [g for grams in reversed(by_length) for g in grams if g not in covered and novel(g)]


def test_repeated_grams_counted_only_around_repeated_new_pairs_are_those_counted_everywhere():
    rng = random.Random(21)
    # prose pairs (工作, 信息, 公开), pairs prose never writes (鑫博, 宏运), figures, Latin
    pieces = ["工作", "信息", "公开", "鑫博", "宏运", "达", "12", "7", "ab", "年", "鑫"]
    for _ in range(60):
        words = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 6))) for _ in range(rng.randint(1, 40))]
        assert repeats._repeated_grams(words) == _plain_repeated_grams(words), words


def test_new_pairs_found_pair_by_pair_are_the_positions_of_new_pairs():
    rng = random.Random(5)
    alphabet = "工作信息公开鑫博宏运达12ab，。\n"
    for _ in range(40):
        texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120))) for _ in range(rng.randint(2, 14))]
        site = SiteContext.from_texts(texts, keys=[f"u{n}" for n in range(len(texts))])
        view = site.for_page(f"u{rng.randrange(len(texts))}")
        text = "".join(rng.choice(alphabet) for _ in range(200))
        expected = [i for i in range(len(text) - 1) if inserted._new(text[i : i + 2], view, prose.prose_context())]
        assert inserted._new_pairs(text, view, prose.prose_context()) == expected


def test_traditional_characters_sorted_by_sets_are_those_judged_one_by_one():
    text = "政府信息公開工作年度報告，屬於本機關的資訊；显著、乾坤，abc 123 於"
    assert convert.traditional_chars(text) == {c for c in set(text) if convert.is_traditional_char(c)}
    assert convert.traditional_chars(text) == set("開報屬於機關資訊") - convert.AMBIGUOUS


def test_the_characters_ignorecase_reads_as_another_ascii_letter_are_those_openings_refuses():
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    odd = set()
    for ascii_char in string.ascii_letters + string.digits:
        for m in re.finditer(re.escape(ascii_char), everything, re.IGNORECASE):
            if m.group().lower() != ascii_char.lower():
                odd.add(m.group())
    odd |= {c for c in everything if len(c.lower()) != 1}  # lower case would shift the offsets
    assert odd == set(openings.IGNORECASE_ODD)


def _random_page(rng: random.Random, lexicon) -> str:
    """Prose with the lexicon's words, their upper-case forms and the odd characters mixed in."""
    words = sorted(lexicon.words("brand") | lexicon.words("term") | lexicon.words("weak") | lexicon.words("region"))
    words += sorted(lexicon.words("rank") | lexicon.words("bet") | lexicon.words("category") | lexicon.words("channel"))
    pieces = ["工作", "信息公开", "，", "。", "\n", "2019年", "8彩", "体育局", "K"]
    out = []
    for _ in range(rng.randint(1, 40)):
        piece = rng.choice(words) if rng.random() < 0.4 else rng.choice(pieces)
        piece = rng.choice(openings.IGNORECASE_ODD) if rng.random() < 0.01 else piece
        out.append(piece.upper() if rng.random() < 0.2 else piece)
    return "".join(out)


def test_patterns_tried_where_the_automaton_finds_a_word_match_what_they_match_tried_everywhere():
    from pipelines.cleaning import detect
    from pipelines.cleaning.lexicon import default_lexicon

    lexicon = default_lexicon()
    assert lexicon.openings is not None
    rng = random.Random(3)
    scanned = 0
    for _ in range(400):
        text = _random_page(rng, lexicon)
        plain = []  # ``_known`` by its definition: the pattern tried at every character
        end = 0
        for at in range(len(text)):
            m = lexicon.known.match(text, at)
            if m is not None and m.end() > end:
                plain.append(m.span())
                end = m.end()
        assert [m.span() for m in detect._known(text, lexicon, None)] == plain
        words = lexicon.openings.scan(text)
        if words is None:
            assert openings._ODD.search(text)
            continue
        scanned += 1
        assert [m.span() for m in detect._known(text, lexicon, words)] == plain
        assert [m.span() for m in detect._phrases(text, lexicon, words)] == [m.span() for m in lexicon.phrase_shape.finditer(text)]
        core = words.core or detect._FIGURE_CAI.search(text) is not None
        assert core == (lexicon.shape_core.search(text) is not None)
    assert scanned > 300


def test_a_lexicon_word_with_a_cased_letter_beyond_ascii_leaves_the_patterns_tried_everywhere():
    assert openings.Openings.build(["必威", "bet365"], ["体育"], ["十大"]) is not None
    assert openings.Openings.build(["Σbet"], ["体育"], ["十大"]) is None


def test_a_lexicon_whose_shape_core_matches_anywhere_gets_no_automaton():
    from pipelines.cleaning.lexicon import build, default_lexicon

    terms = default_lexicon().terms
    assert build(terms).openings is not None
    assert build({**terms, "strong": frozenset()}).openings is None  # shape_core = "category||[0-9]彩"
