"""The reporting period: the 统计期限 / 统计数据时限 sentence of a report.

Variants: 从A起至B止, 为A起至B止, 为A至B, 自A起至B止, 于A起至B止, A—B, A-B; B may omit its year
(same year as A). The dates are read by ``damaged``: a period whose separators the markup lost
(``20191月1日至20191231日``), split over lines, written in Chinese numerals, with no year at all
(the report's year is taken) or with start and end swapped is read when one reading fits, and its
repairs are listed; a period sentence that cannot be read unambiguously gives a ``Period`` with
no dates and its raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pipelines.extract.damaged import atoms, first_number, read_period

_KEY = re.compile(r"统计(?:数据)?的?(?:期限|时限|期间|区间|时间|周期)|数据(?:的)?(?:统计)?(?:期限|时限)")
_STOP = re.compile(r"[。；;，,]")
WINDOW = 80          # characters after the key searched for the dates
LEAD = 12            # the first date starts within this many characters of the key
MIN_NUMBERS = 3      # digits / numerals a run needs to be taken for an attempted period


@dataclass(frozen=True, slots=True)
class Period:
    start: date | None          # None: the sentence is there but no single reading fits
    end: date | None
    raw: str
    repairs: tuple[str, ...]
    end_year_implied: bool

    @property
    def repaired(self) -> bool:
        return bool(self.repairs)


def find_period(text: str, *, year_hint: int | None = None) -> Period | None:
    """The first readable period sentence of ``text``; else the first unreadable one; else None."""
    unreadable: Period | None = None
    for key in _KEY.finditer(text):
        window = text[key.end(): key.end() + WINDOW].replace("开始", "起 ")
        stop = _STOP.search(window)
        if stop:
            window = window[: stop.start()]
        begin = first_number(window, limit=LEAD)
        if begin is None:
            continue
        reading, run_end = read_period(window, begin, year_hint=year_hint)
        if reading is None:
            run = atoms(window, begin)
            if unreadable is None and sum(a.kind in ("d", "n") for a in run) >= MIN_NUMBERS:
                unreadable = Period(None, None, text[key.start(): key.end() + run_end], (), False)
            continue
        end = reading.stop
        if window[end: end + 1] == "止":
            end += 1
        return Period(reading.start, reading.end, text[key.start(): key.end() + end], reading.repairs,
                      reading.end_year_implied)
    return unreadable
