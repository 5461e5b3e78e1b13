"""``pipelines.text.element_text`` with a map from each output character back to its text node.

Cleaning detects on the rendered body text (so findings carry offsets into ``body_text``) and
edits the parsed tree (so ``clean_html`` keeps its structure). This module connects the two: it
renders exactly like ``pipelines.text`` and remembers, for every character of the result, which
``(element, "text" | "tail")`` string and which slice of it produced the character.

The map is kept as runs, not per character: a run is a stretch of output copied character for
character from one source string, or one blank that a stretch of blanks collapsed into.
Separators the renderer adds (newlines, cell tabs) belong to no source string and have no run.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from pipelines.text import _CELL_SEP, _SPACES, BLOCK_TAGS, CELL_TAGS, SKIP_TAGS
from pipelines.text import _normalise as _render_text

# a source piece: (owner element, "text" | "tail") or None for separators the renderer adds
Owner = tuple[object, str] | None
_NEWLINE: tuple[Owner, str] = (None, "\n")
_CELL: tuple[Owner, str] = (None, _CELL_SEP)

# (output start, output end, piece index, lo, hi): output [start, end) made from the piece's
# string [lo, hi), copied character for character when the lengths agree, else one blank that a
# stretch of blanks collapsed into
Run = tuple[int, int, int, int, int]


@dataclass(slots=True)
class TextMap:
    text: str
    pieces: list[tuple[Owner, str]]
    # built on first use (most pages are never edited): runs in output order, disjoint, and the
    # output start of each run, for bisection
    _runs: list[Run] | None = None
    _starts: list[int] | None = None

    @property
    def runs(self) -> list[Run]:
        if self._runs is None:
            self._runs = _runs(self.pieces)
            self._starts = [run[0] for run in self._runs]
        return self._runs

    def owner_spans(self, start: int, end: int) -> dict[tuple[object, str], tuple[int, int]]:
        """For output chars [start, end): the covered slice of each source string, in order."""
        spans: dict[tuple[object, str], tuple[int, int]] = {}
        if start >= end:
            return spans
        runs = self.runs
        for k in range(max(bisect_right(self._starts, start) - 1, 0), len(runs)):
            a, b, p, lo, hi = runs[k]
            if a >= end:
                break
            if b <= start:
                continue
            if b - a == hi - lo:  # copied: clip to [start, end)
                lo, hi = lo + max(start, a) - a, lo + min(end, b) - a
            owner = self.pieces[p][0]
            if owner in spans:
                x, y = spans[owner]
                spans[owner] = (min(x, lo), max(y, hi))
            else:
                spans[owner] = (lo, hi)
        return spans

    def element_range(self, element) -> tuple[int, int] | None:
        """Output range rendered from ``element``'s text and its descendants (not its tail)."""
        inside = set(element.iter())
        first = last = None
        for a, b, p, _lo, _hi in self.runs:
            node, attr = self.pieces[p][0]
            if node in inside and not (node is element and attr == "tail"):
                if first is None:
                    first = a
                last = b
        if first is None:
            return None
        return first, last


def render(element) -> TextMap:
    pieces: list[tuple[Owner, str]] = []
    _walk(element, pieces)
    return TextMap(_render_text("".join(s for _owner, s in pieces)), pieces)


def _walk(element, pieces: list) -> None:
    tag = element.tag
    if not isinstance(tag, str) or tag.lower() in SKIP_TAGS:
        tail = element.tail
        if tail:
            pieces.append(((element, "tail"), tail))
        return
    tag = tag.lower()
    block = tag in BLOCK_TAGS
    if block:
        pieces.append(_NEWLINE)
    text = element.text
    if text:
        pieces.append(((element, "text"), text))
    for child in element:
        _walk(child, pieces)
    if tag in CELL_TAGS:
        pieces.append(_CELL)
    if block:
        pieces.append(_NEWLINE)
    tail = element.tail
    if tail:
        pieces.append(((element, "tail"), tail))


def _runs(pieces: list[tuple[Owner, str]]) -> list[Run]:
    """The rules of ``pipelines.text._normalise`` applied to the joined pieces line by line and
    cell by cell, with a run per copied stretch (split where a piece ends) and per blank."""
    joined = "".join(s for _owner, s in pieces)
    ends = []  # where each piece ends in ``joined``
    size = 0
    for _owner, s in pieces:
        size += len(s)
        ends.append(size)
    runs: list[Run] = []
    pos = 0  # output length so far
    p = 0  # the piece holding the current source position (positions only grow)

    def copy(a: int, b: int) -> None:
        nonlocal pos, p
        while a < b:
            while ends[p] <= a:
                p += 1
            stop = min(b, ends[p])
            if pieces[p][0] is not None:
                base = ends[p] - len(pieces[p][1])
                runs.append((pos, pos + stop - a, p, a - base, stop - base))
            pos += stop - a
            a = stop

    line_start = 0
    for line in joined.split("\n"):
        start, line_start = line_start, line_start + len(line) + 1
        if not line or line.isspace():  # nothing but blanks and tabs: no cell survives
            continue
        cells = []  # (cell start, stripped start, stripped end)
        for cell in line.split(_CELL_SEP) if _CELL_SEP in line else (line,):
            stripped = cell.strip()
            lead = len(cell) - len(cell.lstrip()) if stripped else 0
            cells.append((start, start + lead, start + lead + len(stripped)))
            start += len(cell) + 1
        while cells[-1][1] == cells[-1][2]:
            cells.pop()
        if pos:
            pos += 1  # the newline joining lines: no source string
        for k, (cell_start, a, b) in enumerate(cells):
            if k:
                copy(cell_start - 1, cell_start)  # the tab before the cell
            for blank in _SPACES.finditer(joined, a, b):
                copy(a, blank.start())
                while ends[p] <= blank.start():
                    p += 1
                if pieces[p][0] is not None:  # the blank maps to the piece where it starts
                    base = ends[p] - len(pieces[p][1])
                    runs.append((pos, pos + 1, p, blank.start() - base, min(blank.end(), ends[p]) - base))
                pos += 1
                a = blank.end()
            copy(a, b)
    return runs
