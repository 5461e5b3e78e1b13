"""The cleaner's shortcuts give what the plain computations they replace give."""

from __future__ import annotations

from importlib import resources

from pipelines.cleaning import prose


def test_common_words_read_without_jieba_are_the_dictionary_lines_split_one_by_one():
    words = set()
    with resources.files("jieba").joinpath("dict.txt").open(encoding="utf-8") as fh:
        for line in fh:
            word, frequency, _tag = line.split(" ", 2)
            if len(word) > 1 and int(frequency) >= prose.COMMON_FREQUENCY:
                words.add(word)
    assert prose.common_words() == frozenset(words)
