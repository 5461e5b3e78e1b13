"""``pipelines.text.element_text`` with a map from each output character back to its text node.

Cleaning detects on the rendered body text (so findings carry offsets into ``body_text``) and
edits the parsed tree (so ``clean_html`` keeps its structure). This module connects the two: it
renders exactly like ``pipelines.text`` and remembers, for every character of the result, which
``(element, "text" | "tail")`` string and which slice of it produced the character.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.text import _CELL_SEP, BLOCK_TAGS, CELL_TAGS, SKIP_TAGS

_COLLAPSE = frozenset(" \t\r\f\v\u00a0\u3000")

# a source piece: (owner element, "text" | "tail") or None for separators the renderer adds
Owner = tuple[object, str] | None


@dataclass(slots=True)
class TextMap:
    text: str
    # per output character: index into ``pieces`` and [lo, hi) inside that piece's string
    piece: list[int]
    lo: list[int]
    hi: list[int]
    pieces: list[tuple[Owner, str]]

    def owner_spans(self, start: int, end: int) -> dict[tuple[object, str], tuple[int, int]]:
        """For output chars [start, end): the covered slice of each source string, in order."""
        spans: dict[tuple[object, str], tuple[int, int]] = {}
        for i in range(start, end):
            owner = self.pieces[self.piece[i]][0]
            if owner is None:
                continue
            lo, hi = self.lo[i], self.hi[i]
            if owner in spans:
                a, b = spans[owner]
                spans[owner] = (min(a, lo), max(b, hi))
            else:
                spans[owner] = (lo, hi)
        return spans

    def element_range(self, element) -> tuple[int, int] | None:
        """Output range rendered from ``element``'s text and its descendants (not its tail)."""
        inside = set(element.iter())
        first = last = None
        for i in range(len(self.text)):
            owner = self.pieces[self.piece[i]][0]
            if owner is None:
                continue
            node, attr = owner
            if node in inside and not (node is element and attr == "tail"):
                if first is None:
                    first = i
                last = i
        if first is None:
            return None
        return first, last + 1


def render(element) -> TextMap:
    pieces: list[tuple[Owner, str]] = []
    _walk(element, pieces)
    pieces.append((None, ""))  # sentinel: the source of the newlines joining lines
    return _normalise(pieces)


def _walk(element, pieces: list) -> None:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag in SKIP_TAGS or not isinstance(element.tag, str):
        if element.tail:
            pieces.append(((element, "tail"), element.tail))
        return
    block = tag in BLOCK_TAGS
    if block:
        pieces.append((None, "\n"))
    if element.text:
        pieces.append(((element, "text"), element.text))
    for child in element:
        _walk(child, pieces)
    if tag in CELL_TAGS:
        pieces.append((None, _CELL_SEP))
    if block:
        pieces.append((None, "\n"))
    if element.tail:
        pieces.append(((element, "tail"), element.tail))


def _normalise(pieces: list) -> TextMap:
    # flatten to (char, piece index, index in piece)
    chars: list[tuple[str, int, int]] = []
    for p, (_owner, s) in enumerate(pieces):
        for j, c in enumerate(s):
            chars.append((c, p, j))
    out_chars: list[str] = []
    piece: list[int] = []
    lo: list[int] = []
    hi: list[int] = []

    def emit(c, p, a, b):
        out_chars.append(c)
        piece.append(p)
        lo.append(a)
        hi.append(b)

    lines: list[list] = [[]]
    for item in chars:
        if item[0] == "\n":
            lines.append([])
        else:
            lines[-1].append(item)
    first_line = True
    for line in lines:
        cells: list[list] = [[]]
        seps: list[tuple] = []
        for item in line:
            if item[0] == _CELL_SEP:
                cells.append([])
                seps.append(item)
            else:
                cells[-1].append(item)
        rendered: list[list] = []
        for cell in cells:
            collapsed: list[tuple[str, int, int, int]] = []
            for c, p, j in cell:
                if c in _COLLAPSE:
                    if collapsed and collapsed[-1][0] == " " and collapsed[-1][4]:
                        last = collapsed[-1]
                        if last[1] == p:
                            collapsed[-1] = (" ", p, last[2], j + 1, True)
                        continue
                    collapsed.append((" ", p, j, j + 1, True))
                else:
                    collapsed.append((c, p, j, j + 1, False))
            while collapsed and collapsed[0][0].isspace():
                collapsed.pop(0)
            while collapsed and collapsed[-1][0].isspace():
                collapsed.pop()
            rendered.append(collapsed)
        while rendered and not rendered[-1]:
            rendered.pop()
        joined: list[tuple] = []
        for k, cell in enumerate(rendered):
            if k:
                _c, p, j = seps[k - 1]
                joined.append((_CELL_SEP, p, j, j + 1, False))
            joined.extend(cell)
        while joined and joined[0][0] == " ":
            joined.pop(0)
        while joined and joined[-1][0] == " ":
            joined.pop()
        if not joined:
            continue
        if not first_line:
            # the newline joining lines belongs to no text node
            emit("\n", len(pieces) - 1, 0, 0)
        first_line = False
        for c, p, a, b, _space in joined:
            emit(c, p, a, b)
    return TextMap("".join(out_chars), piece, lo, hi, pieces)
