"""Page structure for ``gongkai discover``: pure functions over parsel selectors and URLs.

Repeated sibling structures (listing rows, hub columns), readable CSS selectors for an element,
the largest text container of a page, link texts, and URL shapes generalised into patterns. No
Scrapy, no I/O: the inference (``crawler.discover.infer``) and its tests call these on saved pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from parsel import Selector

#: Tags whose text is never page content.
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "head", "title", "select", "option"})
#: Direct children of a text container that carry its text: paragraphs, tables, lists, headings.
PARAGRAPH_TAGS = frozenset({"p", "table", "tbody", "ul", "ol", "pre", "blockquote", "h2", "h3", "h4",
                            "h5", "h6", "section", "center", "font", "span", "strong"})
DATE = re.compile(r"(?:19|20)\d\d\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}")
_ID_SUFFIX = re.compile(r"[\d_-]+$")
_SAFE_CLASS = re.compile(r"^[A-Za-z_][\w-]*$")
_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
_SPECIAL = re.compile(r"([.^$*+?{}\[\]\\|()])")


def escape(text: str) -> str:
    """``re.escape`` for people: only the characters that mean something in a pattern."""
    return _SPECIAL.sub(r"\\\1", text)


@dataclass(frozen=True, slots=True)
class Link:
    url: str          # absolute, no fragment
    text: str         # the link's text, else its title attribute
    element: Selector


def parse(html: str, url: str) -> Selector:
    return Selector(text=html, base_url=url)


def tag(element: Selector) -> str:
    return element.root.tag if isinstance(element.root.tag, str) else ""


def classes(element: Selector) -> list[str]:
    return [c for c in element.attrib.get("class", "").split() if _SAFE_CLASS.match(c)]


def clean(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\xa0", " ")).strip()


def link_text(element: Selector) -> str:
    text = clean(" ".join(element.css("::text").getall()))
    return text or clean(element.attrib.get("title", ""))


def absolute(base: str, href: str | None) -> str | None:
    """``href`` resolved against ``base``; None for script, mail and fragment-only links."""
    if not href or not href.strip():
        return None
    url = urljoin(base, href.strip())
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return None
    return parts._replace(fragment="").geturl()


def links(page: Selector, url: str, within: Selector | None = None) -> list[Link]:
    """Every fetchable link of ``within`` (the whole page by default)."""
    found = []
    for element in (within if within is not None else page).css("a[href]"):
        target = absolute(url, element.attrib.get("href"))
        if target:
            found.append(Link(target, link_text(element), element))
    return found


def same_site(a: str, b: str) -> bool:
    return urlsplit(a).netloc == urlsplit(b).netloc


def children(element: Selector) -> list[Selector]:
    return [c for c in element.xpath("./*") if tag(c)]


def signature(element: Selector) -> tuple[str, tuple[str, ...]]:
    return tag(element), tuple(classes(element))


def repeated_groups(page: Selector, *, minimum: int = 2) -> Iterator[tuple[Selector, list[Selector]]]:
    """(parent, children) for every set of at least ``minimum`` siblings with the same tag and
    classes: the shape of listing rows, hub columns, menus and pagers alike."""
    for parent in page.xpath("//body//*"):
        if tag(parent) in SKIPPED_TAGS:
            continue
        groups: dict[tuple[str, tuple[str, ...]], list[Selector]] = {}
        for child in children(parent):
            groups.setdefault(signature(child), []).append(child)
        for members in groups.values():
            if len(members) >= minimum:
                yield parent, members


def element_selector(element: Selector) -> str:
    """A short CSS selector for ``element`` itself: ``tag[id^="prefix"]`` for numbered ids
    (``vsb_content_2``), ``tag#id``, ``tag.class.class``, or the bare tag."""
    name = tag(element)
    ident = element.attrib.get("id", "")
    if ident and _ID_SUFFIX.search(ident) and len(_ID_SUFFIX.sub("", ident)) >= 3:
        return f'{name}[id^="{_ID_SUFFIX.sub("", ident)}"]'
    if ident and _SAFE_CLASS.match(ident):
        return f"{name}#{ident}"
    names = classes(element)
    return name + "".join(f".{c}" for c in names)


def anchored(element: Selector, *, levels: int = 4) -> str:
    """``element``'s selector, preceded by its nearest ancestor with an id or a class (within
    ``levels``) when it has neither itself: ``div.lg-page a``."""
    own = element_selector(element)
    if own != tag(element):
        return own
    for ancestor in element.xpath("ancestor::*")[::-1][:levels]:
        outer = element_selector(ancestor)
        if outer != tag(ancestor):
            return f"{outer} {own}"
    return own


def rows_selector(parent: Selector, members: list[Selector]) -> str:
    """A selector for a group of repeated rows: a shared id prefix (``li[id^="line_u"]``), else
    the rows' own classes under their parent (``table.list_tbl tr.list_item``)."""
    ids = [m.attrib.get("id", "") for m in members]
    if all(ids):
        prefix = _ID_SUFFIX.sub("", _common_prefix(ids))
        if len(prefix) >= 3:
            return f'{tag(members[0])}[id^="{prefix}"]'
    row = tag(members[0]) + "".join(f".{c}" for c in classes(members[0]))
    return f"{anchored(parent)} {row}"


def _common_prefix(values: list[str]) -> str:
    first, last = min(values), max(values)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]


def text_length(element: Selector, *, without_links: bool = True) -> int:
    """Characters of visible text under ``element`` (link text left out by default)."""
    skipped = " or ".join(f"ancestor::{t}" for t in sorted(SKIPPED_TAGS))
    if without_links:
        skipped += " or ancestor::a"
    return sum(len(clean(t)) for t in element.xpath(f".//text()[not({skipped})]").getall())


@dataclass(frozen=True, slots=True)
class Container:
    element: Selector
    selector: str
    length: int       # text characters the container's own paragraphs hold
    share: float      # of the page's text outside links


def text_container(page: Selector) -> Container | None:
    """The largest text container: the element whose direct paragraphs (and direct text) hold
    the most characters: the article body, not its wrappers and not one of its tables."""
    best: tuple[int, Selector] | None = None
    for element in page.xpath("//body//*[p or table or text()[normalize-space()]]"):
        if tag(element) in SKIPPED_TAGS or tag(element) == "a":
            continue
        own = sum(len(clean(t)) for t in element.xpath("./text()").getall())
        own += sum(text_length(c) for c in children(element) if tag(c) in PARAGRAPH_TAGS)
        if best is None or own > best[0]:
            best = (own, element)
    if best is None or best[0] == 0:
        return None
    total = max(1, text_length(page.xpath("//body")[0]) if page.xpath("//body") else best[0])
    element = best[1]
    selector = element_selector(element)
    parent = element.xpath("..")
    if parent and parent[0].attrib.get("id") and element_selector(parent[0]) != tag(parent[0]):
        selector = f"{element_selector(parent[0])} {selector}".replace(f" {tag(element)}.", " .")
    elif selector == tag(element):
        selector = anchored(element)
    return Container(element, selector, best[0], min(1.0, best[0] / total))


def url_shape(url: str, *, with_query: bool = True) -> str:
    """A URL's path (and query) as a regular expression: digit runs become ``\\d+``."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if with_query and parts.query else "")
    pieces = _DIGITS.split(target)
    return r"\d+".join(escape(piece) for piece in pieces)


def shapes_pattern(urls: Iterable[str], *, with_query: bool = True) -> str:
    """One anchored pattern matching each URL's shape: ``^(?:/info/\\d+/\\d+\\.htm)$``."""
    shapes = sorted(dict.fromkeys(url_shape(u, with_query=with_query) for u in urls))
    if not shapes:
        return ""
    if len(shapes) == 1:
        return f"^{shapes[0]}$"
    return "^(?:" + "|".join(shapes) + ")$"


def words_pattern(words: Iterable[str]) -> str:
    """Link texts as an anchored alternation: ``^(?:下页|下一页)$``."""
    unique = sorted(dict.fromkeys(w for w in words if w), key=lambda w: (len(w), w))
    if not unique:
        return ""
    return "^(?:" + "|".join(escape(w) for w in unique) + ")$"
