"""Dates in Chinese page text: strict candidate patterns, groups parsed directly.

Digits may be ASCII, full-width (２０１９) or Chinese numerals (二〇一九年二月二十八日); spaces
may stand between the parts (2019 年 10 月 30 日). Every result is a valid ``date`` or nothing:
impossible dates (2月30日) and years outside ``MIN_YEAR..MAX_YEAR`` are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

MIN_YEAR = 1990
MAX_YEAR = 2100

_FULL_WIDTH_CHARS = "０１２３４５６７８９：／－．"
_FULL_WIDTH = str.maketrans(_FULL_WIDTH_CHARS, "0123456789:/-.")
_FULL_WIDTH_RUN = re.compile(f"[{re.escape(_FULL_WIDTH_CHARS)}]+")
_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "o": 0, "一": 1, "二": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_D = "0-9０-９〇零○Ｏ一二三四五六七八九"
_MD = "0-9０-９一二三四五六七八九十"

# 年 may be missing between a four-digit year and the month (a typo seen as 20231月1日).
CN_DATE = re.compile(
    rf"(?P<y>[{_D}]{{4}})\s*(?P<nian>年?)\s*(?P<m>[{_MD}]{{1,3}})\s*月\s*(?P<d>[{_MD}]{{1,3}})\s*[日号]"
    r"(?:\s*(?P<H>[0-9０-９]{1,2})\s*[:：时]\s*(?P<M>[0-9０-９]{2})(?:\s*[:：分]\s*(?P<S>[0-9０-９]{2}))?)?"
)
NUM_DATE = re.compile(
    r"(?<![0-9０-９])(?P<y>[0-9０-９]{4})\s*(?P<sep>[-/.／－．])\s*(?P<m>[0-9０-９]{1,2})\s*(?P=sep)\s*"
    r"(?P<d>[0-9０-９]{1,2})(?![0-9０-９])"
    r"(?:[\sT]*(?P<H>[0-9０-９]{1,2})[:：](?P<M>[0-9０-９]{2})(?:[:：](?P<S>[0-9０-９]{2}))?)?"
)


@dataclass(frozen=True, slots=True)
class FoundDate:
    value: date
    time: datetime | None      # naive local time when the text gives one
    raw: str
    start: int
    end: int
    repaired: bool             # a typo was read through (missing 年)


def normalise_digits(text: str) -> str:
    """Full-width digits and separators to ASCII; length-preserving, so offsets still hold."""
    # str.translate would look every character of a Han text up in a dict: translate only the runs
    return _FULL_WIDTH_RUN.sub(_translate_run, text)


def _translate_run(match: re.Match) -> str:
    return match.group().translate(_FULL_WIDTH)


def cn_number(text: str) -> int | None:
    """``"28"``, ``"２８"``, ``"二十八"``, ``"十"``, ``"二〇一九"`` (digit by digit) -> int."""
    text = normalise_digits(text.strip())
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if "十" in text:
        head, _, tail = text.partition("十")
        if len(head) > 1 or len(tail) > 1:
            return None
        tens = _CN_DIGITS.get(head, None) if head else 1
        ones = _CN_DIGITS.get(tail, None) if tail else 0
        if tens is None or ones is None:
            return None
        return tens * 10 + ones
    digits = [_CN_DIGITS.get(ch) if not ch.isdigit() else int(ch) for ch in text]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


def make_date(year: int | None, month: int | None, day: int | None) -> date | None:
    if year is None or month is None or day is None or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _found(match: re.Match, *, repaired: bool) -> FoundDate | None:
    value = make_date(cn_number(match["y"]), cn_number(match["m"]), cn_number(match["d"]))
    if value is None:
        return None
    when = None
    if match["H"] is not None:
        hour, minute = int(normalise_digits(match["H"])), int(normalise_digits(match["M"]))
        second = int(normalise_digits(match["S"])) if match["S"] else 0
        if hour < 24 and minute < 60 and second < 60:
            when = datetime(value.year, value.month, value.day, hour, minute, second)
    return FoundDate(value, when, match.group(0), match.start(), match.end(), repaired)


def find_dates(text: str) -> list[FoundDate]:
    """Every valid date in ``text``, in order of position."""
    found: list[FoundDate] = []
    for match in CN_DATE.finditer(text):
        # a missing 年 is only a typo when the year is written in digits
        repaired = not match["nian"]
        if repaired and not normalise_digits(match["y"]).isdigit():
            continue
        hit = _found(match, repaired=repaired)
        if hit:
            found.append(hit)
    for match in NUM_DATE.finditer(text):
        if any(f.start <= match.start() < f.end for f in found):
            continue
        hit = _found(match, repaired=False)
        if hit:
            found.append(hit)
    found.sort(key=lambda f: f.start)
    return found


def first_date(text: str) -> FoundDate | None:
    found = find_dates(text)
    return found[0] if found else None


_META_DATE = re.compile(
    r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)


def parse_meta_datetime(value: str) -> tuple[date, datetime | None] | None:
    """``PubDate`` content: ``YYYY-MM-DD[ HH:MM[:SS]]`` -> (date, naive datetime or None)."""
    match = _META_DATE.match(normalise_digits(value or ""))
    if not match:
        found = first_date(value or "")
        return (found.value, found.time) if found else None
    day = make_date(int(match[1]), int(match[2]), int(match[3]))
    if day is None:
        return None
    when = None
    if match[4] is not None:
        hour, minute, second = int(match[4]), int(match[5]), int(match[6] or 0)
        if hour < 24 and minute < 60 and second < 60:
            when = datetime(day.year, day.month, day.day, hour, minute, second)
    return day, when


_YEAR = re.compile(rf"(?<![0-9０-９])([{_D}]{{4}})\s*年")


def year_in(text: str | None) -> tuple[int, str] | None:
    """The first ``YYYY年`` (any digit form) in ``text`` within the valid range, with its raw text."""
    if not text:
        return None
    for match in _YEAR.finditer(text):
        year = cn_number(match[1])
        if year is not None and MIN_YEAR <= year <= MAX_YEAR:
            return year, match.group(0)
    return None
