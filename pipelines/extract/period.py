"""The reporting period: the 统计期限 / 统计数据时限 sentence of a report.

Variants: 从A起至B止, 为A起至B止, 为A至B, 自A起至B止, 于A起至B止; B may omit its year (same year
as A). A start date written without 年 (``20231月1日``) is read as a typo and flagged repaired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pipelines.extract.dates import CN_DATE, cn_number, make_date

_KEY = re.compile(r"统计(?:数据)?的?(?:期限|时限|期间|区间|时间|周期)|数据(?:的)?(?:统计)?(?:期限|时限)")
_END = re.compile(
    r"^\s*(?:起|开始)?\s*(?:至|到|—|－|-|~|～)\s*"
    r"(?:(?P<y>[0-9０-９〇零○一二三四五六七八九]{4})\s*年\s*)?"
    r"(?P<m>[0-9０-９一二三四五六七八九十]{1,3})\s*月\s*(?P<d>[0-9０-９一二三四五六七八九十]{1,3})\s*[日号]"
)
WINDOW = 40


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date
    raw: str
    repaired: bool
    end_year_implied: bool


def find_period(text: str) -> Period | None:
    for key in _KEY.finditer(text):
        window = text[key.end(): key.end() + WINDOW]
        stop = re.search(r"[。；;\n]", window)
        if stop:
            window = window[: stop.start()]
        start_match = CN_DATE.search(window)
        if not start_match or start_match.start() > 12:
            continue
        repaired = not start_match["nian"]
        start = make_date(cn_number(start_match["y"]), cn_number(start_match["m"]), cn_number(start_match["d"]))
        if start is None:
            continue
        tail = window[start_match.end():]
        end_match = _END.match(tail)
        if not end_match:
            continue
        implied = end_match["y"] is None
        end_year = start.year if implied else cn_number(end_match["y"])
        end = make_date(end_year, cn_number(end_match["m"]), cn_number(end_match["d"]))
        if end is None or end < start:
            continue
        raw = text[key.start(): key.end() + start_match.end() + end_match.end()]
        after = text[key.end() + start_match.end() + end_match.end():][:1]
        if after == "止":
            raw += after
        return Period(start, end, raw, repaired, implied)
    return None
