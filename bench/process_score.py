"""What a processor got right on the replica's report pages, against the replica's truth.

Pure functions over the truth row of a page (``truth.jsonl``: ``clean_text``, ``spam``,
``published_date``) and a processor's output for it (body text, date):

* **body text**: both texts reduced to their letters and digits (every Unicode letter and number:
  CJK characters, Latin, digits; whitespace, punctuation and table rulings dropped, since each
  tool lays text out its own way), aligned with ``difflib`` (characters, no junk heuristic: the
  longest common run first, then the same on either side of it, so text moved elsewhere on the
  page counts once at most). Matched characters over the truth's are the recall, over the
  output's the precision; summed over pages (micro average);
* **spam left**: an injected item is left when its text is in the output. Phrases (brand
  banners, swapped words, title and source brands, hidden and script-written links, frames) are
  looked for part by part (a brand's comma- or line-separated names, reduced as above, two
  characters or more, that the truth's clean text does not hold); a traditional-script
  character when it is in the output and not in the truth's clean text; a pinyin gloss when any
  of its ``(pinyin)`` parts is;
* **date**: the output's ``YYYY-MM-DD`` equals the truth's ``published_date`` (no date is wrong).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

#: the replica's kinds of injection (``replica.spam.SpamKind`` values) that alter the script
SCRIPT_KINDS = ("traditional_script", "pinyin_gloss")
_GLOSS = re.compile(r"\([a-z]+\)")
_PARTS = re.compile(r"[,\n]+")


def letters(text: str) -> str:
    """The letters and numbers of ``text`` (every Unicode L* and N* character), in order."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def matched_chars(truth: str, got: str) -> int:
    """Characters of ``truth`` found in ``got`` in order (the sum of difflib's matching blocks)."""
    if truth == got:
        return len(truth)
    matcher = difflib.SequenceMatcher(None, truth, got, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def spam_left(item: dict, got: str, *, truth_text: str) -> bool:
    """Whether the injected ``item`` (a truth ``spam`` entry: kind, text) is in the output."""
    kind, text = item["kind"], item["text"]
    if kind == "traditional_script":
        return text in got and text not in truth_text
    if kind == "pinyin_gloss":
        compact = re.sub(r"\s+", "", got)
        return any(gloss in compact for gloss in _GLOSS.findall(text))
    reduced, clean = letters(got), letters(truth_text)
    parts = (letters(p) for p in _PARTS.split(text))
    return any(len(part) >= 2 and part in reduced and part not in clean for part in parts)


@dataclass
class Score:
    """One processor's score over a set of pages."""

    pages: int = 0
    truth_chars: int = 0
    output_chars: int = 0
    matched: int = 0
    phrases: int = 0
    phrases_left: int = 0
    script_items: int = 0
    script_left: int = 0
    pages_spam_left: int = 0
    dates_right: int = 0
    wrong_dates: list[str] = field(default_factory=list)  # "key: got (truth)", for --problems

    @property
    def recall(self) -> float:
        return self.matched / self.truth_chars if self.truth_chars else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.output_chars if self.output_chars else 1.0

    def add(self, key: str, truth: dict, text: str, date: str | None) -> None:
        self.pages += 1
        want, got = letters(truth["clean_text"]), letters(text)
        self.truth_chars += len(want)
        self.output_chars += len(got)
        self.matched += matched_chars(want, got)
        any_left = False
        for item in truth["spam"]:
            left = spam_left(item, text, truth_text=truth["clean_text"])
            any_left |= left
            if item["kind"] in SCRIPT_KINDS:
                self.script_items += 1
                self.script_left += left
            else:
                self.phrases += 1
                self.phrases_left += left
        self.pages_spam_left += any_left
        if date == truth["published_date"]:
            self.dates_right += 1
        else:
            self.wrong_dates.append(f"{key}: {date} ({truth['published_date']})")

    def row(self) -> dict:
        return {
            "pages": self.pages,
            "body_recall": round(self.recall, 4),
            "body_precision": round(self.precision, 4),
            "spam_phrases_left": self.phrases_left,
            "spam_phrases": self.phrases,
            "script_spam_left": self.script_left,
            "script_spam": self.script_items,
            "pages_spam_left": self.pages_spam_left,
            "dates_right": self.dates_right,
        }


def score(keys: list[str], truths: dict[str, dict], results: list[dict]) -> Score:
    """Score ``results`` (a worker's, in the order of ``keys``) against the truth rows."""
    total = Score()
    for key, result in zip(keys, results, strict=True):
        total.add(key, truths[key], result["text"], result["date"])
    return total
