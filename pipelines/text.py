"""HTML to text for VSB article pages: the one walker, its text, and the map back to the tree.

One deterministic rendering of an element's text is shared by ``raw_text`` (``body_text``), by
cleaning (whose findings point at character offsets in it, and which edits the tree through
``TextMap``) and by extraction (``cell_lines``, with subtrees left out and visible-title
candidates noted on the way), so the three cannot disagree:

* ``walk`` visits the tree once and yields its text as pieces: the text and tail of every element
  outside ``script``/``style``/``noscript``/``template`` (comments keep their tails), a newline
  before and after every block element (``p``, ``div``, ``br``, ``tr``, ``li``, headings...), a tab
  after every table cell; a subtree in ``stop`` becomes one newline;
* ``cell_lines`` splits the pieces into lines of cells: blanks (including ``&nbsp;`` and U+3000)
  collapse to one space, cells are stripped, trailing empty cells and blank lines dropped;
* ``element_text`` joins those lines (cells by a tab), one paragraph or table row per line;
  ``render`` gives the same text with its ``TextMap``: which ``(element, "text" | "tail")``
  string, and which slice of it, each character of the text came from.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Collection
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html
from lxml.etree import ParserError

from pipelines.container import find_container

BODY_XPATHS = (
    '//div[starts-with(@id, "vsb_content")]//*[contains(concat(" ", normalize-space(@class), " "), " v_news_content ")]',
    '//div[starts-with(@id, "vsb_content")]',
    '//form[@name="_newscontent_fromname"]',
    "//body",
)

_BODY_XPATHS = tuple(etree.XPath(xpath) for xpath in BODY_XPATHS)  # compiled once, not per page

BLOCK_TAGS = frozenset(
    "p div br tr li ul ol table tbody thead tfoot h1 h2 h3 h4 h5 h6 section article "
    "header footer blockquote pre hr dl dt dd form center".split()
)
CELL_TAGS = frozenset(("td", "th"))
SKIP_TAGS = frozenset(("script", "style", "noscript", "template"))

#: Characters XML (and so lxml) cannot hold: C0 controls other than tab/LF/CR, lone surrogates,
#: U+FFFE/U+FFFF. Invisible in a browser; dropped before parsing so that every rendering of the
#: page (raw text, cleaned HTML, cleaned text) agrees on them.
XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
BLANKS = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
CELL_SEP = "\t"
NEWLINE = "\n"

#: Where a piece of text comes from: (element, "text" | "tail"), or None for a separator the walk adds.
Owner = tuple[object, str] | None
#: Called with each element the walk renders (not skipped, not stopped) and its lower-case tag.
Visit = Callable[[object, str], None]


# lxml.html's own parser picks each element's class in Python (forms, inputs, labels get their
# own), once per element proxy made: the cleaner's walks make a hundred thousand of them on the
# realistic set. Every element here is an HtmlElement, picked in C; nothing reads a form.
_PARSER = etree.HTMLParser()
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml_html.HtmlElement,
        comment=lxml_html.HtmlComment,
        pi=lxml_html.HtmlProcessingInstruction,
        entity=lxml_html.HtmlEntity,
    )
)


def parse_html(html: str):
    """Parse ``html`` into an lxml document, tolerating fragments and junk.

    Returns ``None`` for input that holds no element at all.
    """
    if not html or not html.strip():
        return None
    try:
        return lxml_html.document_fromstring(XML_INCOMPATIBLE.sub("", html), parser=_PARSER)
    except (ParserError, ValueError):
        return None


def find_body(doc):
    """The element holding the article body, by the first selector that matches; on a page with
    neither the VSB container nor its form (another CMS), the element holding the most prose
    (``pipelines.container``), else ``<body>``."""
    for xpath in _BODY_XPATHS[:-1]:
        found = xpath(doc)
        if found:
            return found[0]
    found = _BODY_XPATHS[-1](doc)
    top = found[0] if found else doc
    container = find_container(top)
    return container if container is not None else top


# ---------------------------------------------------------------------- the walk


def walk(element, *, stop: Collection = (), visit: Visit | None = None,
         owners: list[Owner] | None = None) -> list[str]:
    """The text pieces of ``element`` in document order (see the module docstring); with
    ``owners``, the owner of each piece is appended to it, piece for piece."""
    parts: list[str] = []
    _walk(element, parts, owners, stop, visit)
    return parts


def _walk(element, parts: list[str], owners: list[Owner] | None, stop: Collection, visit: Visit | None) -> None:
    tag = element.tag
    tag = tag.lower() if isinstance(tag, str) else ""
    if not tag or tag in SKIP_TAGS or element in stop:
        # comments and processing instructions carry no text, but their tail does
        if tag and element in stop:
            parts.append(NEWLINE)
            if owners is not None:
                owners.append(None)
        tail = element.tail
        if tail:
            parts.append(tail)
            if owners is not None:
                owners.append((element, "tail"))
        return
    if visit is not None:
        visit(element, tag)
    block = tag in BLOCK_TAGS
    if block:
        parts.append(NEWLINE)
        if owners is not None:
            owners.append(None)
    text = element.text
    if text:
        parts.append(text)
        if owners is not None:
            owners.append((element, "text"))
    for child in element:
        _walk(child, parts, owners, stop, visit)
    if tag in CELL_TAGS:
        parts.append(CELL_SEP)
        if owners is not None:
            owners.append(None)
    if block:
        parts.append(NEWLINE)
        if owners is not None:
            owners.append(None)
    tail = element.tail
    if tail:
        parts.append(tail)
        if owners is not None:
            owners.append((element, "tail"))


def cell_lines(joined: str) -> list[list[str]]:
    """The lines of walked text, each a list of its cells (blanks collapsed, cells stripped,
    trailing empty cells dropped); lines with no text are left out."""
    lines = []
    for line in joined.split(NEWLINE):
        if not line or line.isspace():  # most of them: every block element opens and closes one
            continue
        cells = [BLANKS.sub(" ", cell).strip() for cell in line.split(CELL_SEP)]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            lines.append(cells)
    return lines


def _joined_lines(joined: str) -> str:
    return NEWLINE.join(CELL_SEP.join(cells) for cells in cell_lines(joined))


def element_text(element) -> str:
    """Render ``element`` (an lxml element) as text by the rules in the module docstring."""
    return _joined_lines("".join(walk(element)))


def body_text(html: str) -> str:
    """Text of the article body of a VSB page (see module docstring)."""
    doc = parse_html(html)
    if doc is None:
        return ""
    return element_text(find_body(doc))


# ---------------------------------------------------------------------- the map back to the tree

# (output start, output end, piece index, lo, hi): output [start, end) made from the piece's
# string [lo, hi), copied character for character when the lengths agree, else one blank that a
# stretch of blanks collapsed into
Run = tuple[int, int, int, int, int]


@dataclass(slots=True)
class TextMap:
    """``element_text`` of an element, and where each of its characters came from.

    The map is kept as runs, not per character: a run is a stretch of output copied character
    for character from one source string, or one blank that a stretch of blanks collapsed into.
    Separators the walk adds (newlines, cell tabs) belong to no source string and have no run.
    """

    text: str
    parts: list[str]
    owners: list[Owner]
    # built on first use (most pages are never edited): runs in output order, disjoint, and the
    # output start of each run, for bisection
    _runs: list[Run] | None = None
    _starts: list[int] | None = None

    @property
    def runs(self) -> list[Run]:
        if self._runs is None:
            self._runs = _runs(self.parts, self.owners)
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
            owner = self.owners[p]
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
            node, attr = self.owners[p]
            if node in inside and not (node is element and attr == "tail"):
                if first is None:
                    first = a
                last = b
        if first is None:
            return None
        return first, last


def render(element) -> TextMap:
    """``element_text(element)`` with its ``TextMap``."""
    owners: list[Owner] = []
    parts = walk(element, owners=owners)
    return TextMap(_joined_lines("".join(parts)), parts, owners)


def _runs(parts: list[str], owners: list[Owner]) -> list[Run]:
    """The rules of ``cell_lines`` applied to the joined pieces line by line and cell by cell,
    with a run per copied stretch (split where a piece ends) and per blank."""
    joined = "".join(parts)
    ends = []  # where each piece ends in ``joined``
    size = 0
    for s in parts:
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
            if owners[p] is not None:
                base = ends[p] - len(parts[p])
                runs.append((pos, pos + stop - a, p, a - base, stop - base))
            pos += stop - a
            a = stop

    line_start = 0
    for line in joined.split(NEWLINE):
        start, line_start = line_start, line_start + len(line) + 1
        if not line or line.isspace():  # nothing but blanks and tabs: no cell survives
            continue
        cells = []  # (cell start, stripped start, stripped end)
        for cell in line.split(CELL_SEP) if CELL_SEP in line else (line,):
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
            for blank in BLANKS.finditer(joined, a, b):
                copy(a, blank.start())
                while ends[p] <= blank.start():
                    p += 1
                if owners[p] is not None:  # the blank maps to the piece where it starts
                    base = ends[p] - len(parts[p])
                    runs.append((pos, pos + 1, p, blank.start() - base, min(blank.end(), ends[p]) - base))
                pos += 1
                a = blank.end()
            copy(a, b)
    return runs
