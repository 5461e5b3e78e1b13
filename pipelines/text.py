"""HTML to text for VSB article pages.

One deterministic rendering of an element's text is shared by cleaning (whose findings point
at character offsets in it), extraction and the replica's ground truth. Block elements end a
line, table cells are separated by a tab, ``&nbsp;`` becomes a space, lines are stripped and
blank lines dropped, so each paragraph or table row is one line.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html
from lxml.etree import ParserError

BODY_XPATHS = (
    '//div[starts-with(@id, "vsb_content")]//*[contains(concat(" ", normalize-space(@class), " "), " v_news_content ")]',
    '//div[starts-with(@id, "vsb_content")]',
    '//form[@name="_newscontent_fromname"]',
    "//body",
)

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
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
_CELL_SEP = "\t"


def parse_html(html: str):
    """Parse ``html`` into an lxml document, tolerating fragments and junk.

    Returns ``None`` for input that holds no element at all.
    """
    if not html or not html.strip():
        return None
    try:
        return lxml_html.document_fromstring(XML_INCOMPATIBLE.sub("", html))
    except (ParserError, ValueError):
        return None


def find_body(doc):
    """The element holding the article body, by the first selector that matches."""
    for xpath in BODY_XPATHS:
        found = doc.xpath(xpath)
        if found:
            return found[0]
    return doc


def element_text(element) -> str:
    """Render ``element`` (an lxml element) as text by the rules in the module docstring."""
    parts: list[str] = []
    _walk(element, parts)
    return _normalise("".join(parts))


def body_text(html: str) -> str:
    """Text of the article body of a VSB page (see module docstring)."""
    doc = parse_html(html)
    if doc is None:
        return ""
    return element_text(find_body(doc))


def _walk(element, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    tag = tag.lower()
    if tag in SKIP_TAGS or not isinstance(element.tag, str):
        # comments and processing instructions carry no text, but their tail does
        if element.tail:
            parts.append(element.tail)
        return
    block = tag in BLOCK_TAGS
    if block:
        parts.append("\n")
    if element.text:
        parts.append(element.text)
    for child in element:
        _walk(child, parts)
    if tag in CELL_TAGS:
        parts.append(_CELL_SEP)
    if block:
        parts.append("\n")
    if element.tail:
        parts.append(element.tail)


def _normalise(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        cells = [_SPACES.sub(" ", cell).strip() for cell in line.split(_CELL_SEP)]
        while cells and not cells[-1]:
            cells.pop()
        lines.append(_CELL_SEP.join(cells).strip(" "))
    return "\n".join(line for line in lines if line)
