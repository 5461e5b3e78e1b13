"""One parse of a VSB article page, cut into the parts extraction reads.

``Page.head`` holds the lines (each a tuple of cell texts) of the article form outside the body:
the visible title, the date/source line, an index block. ``Page.body_lines`` is the body's text
outside its tables. Both are rendered by the one walker of ``pipelines.text`` (the same text
``raw_text`` and cleaning see), with the body or the tables left out; tables are read cell by cell
from ``Page.tables``. The document is parsed once, with plain
``lxml.etree`` elements (no ``lxml.html`` class lookup: a third of the cost on table-heavy pages).
Hidden spam is the cleaning step's job; this module only reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from pipelines.extract.chrome import is_tool_row
from pipelines.container import find_container, head_scope, prose_children
from pipelines.text import BLANKS, cell_lines, walk

FORM_NAME = "_newscontent_fromname"
# the body is the .v_news_content inside div[id^="vsb_content"], else that div, else any .v_news_content
CONTAINER_ID_PREFIX = "vsb_content"
CONTENT_XPATH = '//*[contains(concat(" ", normalize-space(@class), " "), " v_news_content ")]'
CONTENT_CLASS = "v_news_content"
# where a visible title sits, most specific first (selectors as rule ids; matched by _title_rank
# while the head is walked, outside the body)
TITLE_RULES = ("td.titlestyle", ".article_title", "span.Head", "h1", "h2", "p.title", "h3", "*[class*=title]")


@dataclass(slots=True)
class Page:
    meta: dict[str, str] = field(default_factory=dict)
    title_tag: str | None = None
    visible_title: str | None = None
    visible_title_rule: str | None = None
    head: list[tuple[str, ...]] = field(default_factory=list)
    body_lines: list[str] = field(default_factory=list)
    tables: list = field(default_factory=list)                   # lxml <table> elements of the body
    _root: object = None
    _form: object = None

    def outer(self) -> list[tuple[str, ...]]:
        """Lines of the page outside the article form (an index block may sit there); computed on demand."""
        if self._root is None or self._form is None:
            return []
        return _lines(self._root, stop=(self._form,))


def _clean(text: str | None) -> str:
    return BLANKS.sub(" ", text or "").strip()


def parse(html: str):
    """An lxml document for ``html``, or None when it holds no element."""
    if not html or not html.strip():
        return None
    html = html.replace("\x00", "")
    try:
        return etree.fromstring(html, _PARSER)
    except ValueError:
        # lxml refuses str input that declares an encoding (<?xml … encoding=…?>): hand it UTF-8 bytes
        try:
            return etree.fromstring(html.encode("utf-8", "surrogatepass"), _PARSER_UTF8)
        except (etree.ParserError, ValueError):
            return None
    except etree.ParserError:
        return None


_PARSER = etree.HTMLParser(remove_comments=True)
_PARSER_UTF8 = etree.HTMLParser(remove_comments=True, encoding="utf-8")


def _text(node) -> str:
    return "".join(node.itertext())


def read_page(html: str) -> Page:
    page = Page()
    doc = parse(html)
    if doc is None:
        return page
    found = _Landmarks()
    for node in doc.iter("meta", "title", "body", "form", "div"):     # one C scan, document order
        found.see(node, doc, page.meta)
    if found.title is not None:
        page.title_tag = _clean(_text(found.title)) or None
    body = _find_body(doc, found.containers)
    form = found.form
    scope = form if form is not None else (found.body if found.body is not None else doc)
    head_stop = (body,) if body is not None else ()
    near = True
    if body is None and form is None:
        body = find_container(scope)        # another CMS: the container found by its prose
        if body is not None:
            scope, near = head_scope(body, scope)
            head_stop = prose_children(body) if scope is body else (body,)
    if body is not None:
        page.tables = [t for t in body.iter("table")]
        page.body_lines = [" ".join(cells) for cells in _lines(body, stop=tuple(page.tables)) if not is_tool_row(cells)]
    elif form is not None:
        page.body_lines = [" ".join(cells) for cells in _lines(form, stop=()) if not is_tool_row(cells)]
    titles: list = []
    page.head = [cells for cells in _lines(scope, stop=head_stop, titles=titles)
                 if not is_tool_row(cells)]
    if form is not None:
        page._root, page._form = found.body, form
    for rank, node in sorted(titles if near else (), key=lambda pair: pair[0]):
        text = _clean(_text(node))
        if text:
            page.visible_title, page.visible_title_rule = text, TITLE_RULES[rank]
            break
    return page


class _Landmarks:
    """What ``read_page`` needs from the whole document, gathered in one scan: each ``find`` or
    ``//`` XPath walks the whole tree (lxml's iterators look one match ahead, so even a ``find``
    that hits the ``<title>`` early goes on to the end)."""

    __slots__ = ("title", "body", "form", "containers")

    def __init__(self) -> None:
        self.title = self.body = self.form = None
        self.containers: list = []          # div[id^="vsb_content"], in document order

    def see(self, node, root, meta: dict[str, str]) -> None:
        tag = node.tag
        if tag == "div":
            if (node.get("id") or "").startswith(CONTAINER_ID_PREFIX):
                self.containers.append(node)
        elif tag == "meta":
            name = node.get("name") or node.get("property") or node.get("http-equiv")
            if name and name not in meta:
                meta[name] = _clean(node.get("content"))
        elif tag == "form":
            if self.form is None and node.get("name") == FORM_NAME:
                self.form = node
        elif node is not root:              # .//title and .//body: descendants of the root only
            if tag == "title" and self.title is None:
                self.title = node
            elif tag == "body" and self.body is None:
                self.body = node


def _find_body(doc, containers: list):
    """``div[id^="vsb_content"] .v_news_content``, else the vsb_content div, else any .v_news_content."""
    for container in containers:
        for node in container.iter():
            if CONTENT_CLASS in (node.get("class") or "").split():
                return node
    if containers:
        return containers[0]
    found = doc.xpath(CONTENT_XPATH)
    return found[0] if found else None


_TITLE_TAGS = frozenset(("td", "h1", "h2", "span", "p", "div", "h3", "strong"))


def _title_rank(node) -> int:
    """Index in TITLE_RULES of the selector ``node`` answers, or -1."""
    tag = node.tag
    cls = node.get("class") or ""
    if tag == "td" and cls.startswith("titlestyle"):
        return 0
    if "article_title" in cls.split():
        return 1
    if tag == "span" and cls == "Head":
        return 2
    if tag == "p" and cls == "title":
        return 5
    if tag in ("h1", "h2", "h3"):
        return {"h1": 3, "h2": 4, "h3": 6}[tag]
    return 7 if "title" in cls.lower() else -1


def _lines(root, *, stop: tuple, titles: list | None = None) -> list[tuple[str, ...]]:
    """Text of ``root`` without the ``stop`` subtrees, as lines of their non-empty cells;
    visible-title candidates met on the way are appended to ``titles`` as (rank, element)."""
    visit = None
    if titles is not None:
        def visit(element, tag: str) -> None:
            if tag in _TITLE_TAGS:
                rank = _title_rank(element)
                if rank >= 0:
                    titles.append((rank, element))
    parts = walk(root, stop=stop, visit=visit)
    return [tuple(cell for cell in cells if cell) for cells in cell_lines("".join(parts))]
