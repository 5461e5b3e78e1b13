"""Dates whose separators a page's markup lost, read back only where one reading fits.

A run of date characters (digits, Chinese numerals, 年/月/日/号, 至/到/—/~, 起/止, ``-`` ``/`` ``.``
and blanks) is cut into atoms: single digits, whole Chinese-numeral numbers, and markers. Every
way of reading the atoms as ``Y M D`` (one date) or ``Y M D [Y] M D`` (a period) is tried, with
these rules:

* a year is four digits (or one Chinese-numeral number) within ``MIN_YEAR..MAX_YEAR``; a month or
  a day one or two digits; a digit run may be cut anywhere, but a marker must stand where a field
  ends and must fit it (年 after a year, 月 after a month, 日/号 after a day, 至 after the start);
* each field boundary with no marker at it is one *repair* (``20191231`` has two);
* a period's end year is the start's or the next (else the reading is dropped); without an end
  year the start's is implied; a period with no year at all takes ``year_hint`` (a repair).

Among the readings that read furthest into the run, those with the fewest repairs are kept; when
they all give the same dates (or, failing that, the same among those in ``year_hint``) the value is
returned; otherwise the text is ambiguous and nothing is returned. A period whose only readings end
before they start is swapped (a repair). Blanks inside a number (``20 19年``) are read through
only when no reading keeps them as boundaries (a repair).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from pipelines.extract.dates import MAX_YEAR, MIN_YEAR, cn_number, make_date, normalise_digits

# marker kinds: Y M D (what field they end), S (start/end separator), B (a boundary of any field)
_MARKERS = {"年": "Y", "月": "M", "日": "D", "号": "D", "至": "S", "到": "S", "—": "S", "～": "S",
            "~": "S", "起": "B", "止": "B", "-": "B", "－": "B", "/": "B", "／": "B", ".": "B", "．": "B"}
_CN = "〇零○一二三四五六七八九十"
_BLANK = " \t\r\n\u00a0\u3000"
RUN_CHARS = frozenset("0123456789０１２３４５６７８９" + _CN + "".join(_MARKERS) + _BLANK)
_FIELDS_DATE = ("Y", "M", "D")
_FIELDS_PERIOD = ("Y", "M", "D", "Y2", "M", "D")
_MAX_READINGS = 64


@dataclass(frozen=True, slots=True)
class Atom:
    kind: str           # "d" digit, "n" Chinese-numeral number, "ws" blank, or a marker kind
    value: int | str
    start: int          # offsets in the text the run was cut from
    end: int


@dataclass(frozen=True, slots=True)
class Reading:
    start: date
    end: date | None    # None in single-date mode
    repairs: tuple[str, ...]
    end_year_implied: bool
    stop: int           # offset just after the last atom read


def atoms(text: str, begin: int = 0) -> list[Atom]:
    """The atoms of the date run starting at ``text[begin]`` (empty when it starts no run)."""
    out: list[Atom] = []
    i = begin
    while i < len(text) and text[i] in RUN_CHARS:
        ch = text[i]
        if ch in _CN:
            j = i
            while j < len(text) and text[j] in _CN:
                j += 1
            value = cn_number(text[i:j])
            if value is None:
                break
            out.append(Atom("n", value, i, j))
            i = j
            continue
        digit = normalise_digits(ch)
        if digit.isdigit():
            out.append(Atom("d", digit, i, i + 1))
        elif ch in _BLANK:
            if not out or out[-1].kind != "ws":
                out.append(Atom("ws", ch, i, i + 1))
            else:
                out[-1] = Atom("ws", out[-1].value, out[-1].start, i + 1)
        else:
            out.append(Atom(_MARKERS[ch], ch, i, i + 1))
        i += 1
    while out and out[-1].kind in ("ws", "B", "S"):
        out.pop()
    return out


def _numbers(run: list[Atom], i: int, field: str) -> Iterator[tuple[int, int]]:
    """(value, next index) of every way field ``field`` can be read at ``run[i]``."""
    if i >= len(run):
        return
    atom = run[i]
    if atom.kind == "n":
        yield int(atom.value), i + 1
        return
    if atom.kind != "d":
        return
    lengths = (4,) if field.startswith("Y") else (1, 2)
    for length in lengths:
        chunk = run[i: i + length]
        if len(chunk) == length and all(a.kind == "d" for a in chunk):
            yield int("".join(str(a.value) for a in chunk)), i + length


def _markers(run: list[Atom], i: int, field: str, slot: int, period: bool) -> int | None:
    """Index after the markers that follow field ``field`` (the ``slot``-th), or None when one
    of them does not fit the field."""
    while i < len(run) and run[i].kind not in ("d", "n"):
        kind = run[i].kind
        if kind in ("Y", "M", "D") and kind != field[0]:
            return None
        if kind == "S" and not (period and slot == 2):
            return None
        i += 1
    return i


def read_date(text: str, *, year_hint: int | None = None) -> Reading | None:
    """The one date of ``text`` read through lost separators, or None (none or ambiguous)."""
    begin = first_number(text, limit=len(text))
    if begin is None:
        return None
    return _choose(_read(atoms(text, begin), period=False, year_hint=year_hint), period=False,
                   year_hint=year_hint)


# the common, undamaged spelling, read without enumerating (most pages): 2019年1月1日(起)至(2019年)12月31日
_CLEAN_PERIOD = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*起?\s*[至到—]\s*(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月"
    r"\s*(\d{1,2})\s*[日号](?![\d年月日])"
)


def _clean_period(text: str, begin: int) -> Reading | None:
    match = _CLEAN_PERIOD.match(normalise_digits(text), begin)
    if not match:
        return None
    y1, m1, d1, y2, m2, d2 = match.groups()
    start = make_date(int(y1), int(m1), int(d1))
    end = make_date(int(y2 or y1), int(m2), int(d2))
    if start is None or end is None or not start <= end or end.year - start.year > 1:
        return None             # left to the enumeration, which names the repair
    return Reading(start, end, (), y2 is None, match.end())


def read_period(text: str, begin: int, *, year_hint: int | None = None) -> tuple[Reading | None, int]:
    """The period whose run starts at ``text[begin]``: (reading or None, end of the run)."""
    clean = _clean_period(text, begin)
    if clean is not None:
        return clean, clean.stop
    run = atoms(text, begin)
    if not run:
        return None, begin
    return _choose(_read(run, period=True, year_hint=year_hint), period=True, year_hint=year_hint), run[-1].end


def first_number(text: str, *, limit: int) -> int | None:
    """Offset of the first digit or Chinese numeral within ``limit`` characters of ``text``."""
    for i, ch in enumerate(text[:limit]):
        if ch in _CN or normalise_digits(ch).isdigit():
            return i
    return None


def _read(run: list[Atom], *, period: bool, year_hint: int | None) -> list[Reading]:
    found = _enumerate(run, period=period, year_hint=year_hint)
    if not found and any(a.kind == "ws" for a in run):
        squeezed = [a for a in run if a.kind != "ws"]
        found = [Reading(r.start, r.end, (*r.repairs, "blank-inside-number"), r.end_year_implied, r.stop)
                 for r in _enumerate(squeezed, period=period, year_hint=year_hint)]
    return found


def _enumerate(run: list[Atom], *, period: bool, year_hint: int | None) -> list[Reading]:
    fields = _FIELDS_PERIOD if period else _FIELDS_DATE
    found: list[Reading] = []
    for no_year in (False, True):
        if no_year and (found or year_hint is None):
            break
        for values, repairs, stop in _walk(run, fields, period=period, no_year=no_year):
            reading = _reading(values, repairs, stop, period=period, year_hint=year_hint)
            if reading is not None:
                found.append(reading)
    return found


def _walk(run: list[Atom], fields: tuple[str, ...], *, period: bool, no_year: bool):
    """(values per slot, repairs, stop offset) of every cut of ``run`` into ``fields``."""
    results: list[tuple[list[int | None], list[str], int]] = []

    def step(i: int, slot: int, values: list[int | None], repairs: list[str]) -> None:
        if len(results) >= _MAX_READINGS:
            return
        if slot == len(fields):
            results.append((values, repairs, run[i - 1].end))
            return
        field = fields[slot]
        if (field == "Y2") or (slot == 0 and no_year):
            step(i, slot + 1, [*values, None], repairs)
            if slot == 0:
                return
        last = slot == len(fields) - 1
        for value, nxt in _numbers(run, i, field):
            if field.startswith("Y") and not MIN_YEAR <= value <= MAX_YEAR:
                continue
            if last:
                if nxt < len(run) and run[nxt].kind not in (field[0], "B", "ws"):
                    continue                    # a reading ends where a number ends, at a fitting marker
                end = nxt
                while end < len(run) and run[end].kind == field[0]:
                    end += 1                    # its own marker (日) belongs to it
                results.append(([*values, value], repairs, run[end - 1].end))
                continue
            after = _markers(run, nxt, field, slot, period)
            if after is None or after >= len(run):
                continue
            fixed = repairs if after > nxt else [*repairs, f"missing-separator-after-{field[0]}"]
            if period and slot == 2 and after > nxt and not any(a.kind in ("S", "B") for a in run[nxt:after]):
                fixed = [*fixed, "missing-separator-between-dates"]
            step(after, slot + 1, [*values, value], fixed)

    step(0, 0, [], [])
    return results


def _reading(values, repairs, stop, *, period: bool, year_hint: int | None) -> Reading | None:
    repairs = list(repairs)
    year = values[0]
    if year is None:
        year = year_hint
        repairs.append("year-from-report")
    start = make_date(year, values[1], values[2])
    if start is None:
        return None
    if not period:
        return Reading(start, None, tuple(repairs), False, stop)
    implied = values[3] is None
    end_year = year if implied else values[3]
    if end_year not in (year, year + 1):
        return None
    end = make_date(end_year, values[4], values[5])
    if end is None:
        return None
    return Reading(start, end, tuple(repairs), implied, stop)


def _choose(found: list[Reading], *, period: bool, year_hint: int | None) -> Reading | None:
    """The reading the text leaves no doubt about (given the report year), or None."""
    if period:
        ordered = [r for r in found if r.end >= r.start]
        if not ordered:
            ordered = [Reading(r.end, r.start, (*r.repairs, "start-end-swapped"), r.end_year_implied, r.stop)
                       for r in found]
        found = ordered
    if not found:
        return None
    longest = max(r.stop for r in found)      # a reading that leaves numbers of the run unread loses
    found = [r for r in found if r.stop == longest]
    fewest = min(len(r.repairs) for r in found)
    best = [r for r in found if len(r.repairs) == fewest]
    if year_hint is not None and len({(r.start, r.end) for r in best}) > 1:
        best = [r for r in best if r.start.year == year_hint] or best
    if len({(r.start, r.end) for r in best}) != 1:
        return None
    return max(best, key=lambda r: r.stop)
