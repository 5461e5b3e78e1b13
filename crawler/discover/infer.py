"""What ``gongkai discover`` infers from a portal's pages: pure functions, one per question.

* ``hub_candidates``: which links of a page may lead to the annual-report hub;
* ``hub_columns``: the columns a hub lists (the repeated group with the most report links) and
  what kind of unit each is for;
* ``listing``: a column page's rows (repeated siblings, each with an article link and a date),
  their selector, and the pager's next link;
* ``article``: an article page's body (the largest text container) and its 上一条/下一条 links.

Each guess carries the evidence a person needs to check it. ``crawler.discover.assemble`` turns
the guesses of every fetched page into a profile with a confidence per item.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from parsel import Selector

from crawler.discover.structure import (
    DATE,
    Container,
    Link,
    absolute,
    anchored,
    classes,
    clean,
    element_selector,
    links,
    parse,
    repeated_groups,
    rows_selector,
    same_site,
    tag,
    text_container,
)
from pipelines.extract.unit import UnitKind

REPORT_WORDS = re.compile(r"年度报告|年报")
#: Link texts that lead towards a hub when the home page does not link it directly.
PORTAL_WORDS = re.compile(r"政府信息公开|政务公开|信息公开")
#: A pager's "next page" button, after brackets and spaces are stripped.
NEXT_WORDS = re.compile(r"^(?:下一?页|后一?页|下页|next|>|›|»|>>)$", re.IGNORECASE)
CHAIN_LABEL = re.compile(r"([上下])一\s*([条篇页个])")
NONE_LEFT = re.compile(r"没有了|无|已经是")
#: Words between the links of a breadcrumb trail (当前位置：首页 > 年度报告 > 2018年...).
BREADCRUMB = re.compile(r"位置|>|»|→|›")
_BRACKETS = re.compile(r"[\[\]【】<>《》()（）\s]")


_KIND_WORDS: tuple[tuple[UnitKind, re.Pattern[str]], ...] = (
    (UnitKind.TOWNSHIP, re.compile(r"乡镇|街道")),
    (UnitKind.DEPARTMENT, re.compile(r"部门|[局委办]|中心")),
    (UnitKind.TOWNSHIP, re.compile(r"[镇乡]")),
    (UnitKind.GOVERNMENT, re.compile(r"[县区市]人民政府|[县区市]政府|本级|政府")),
)


def column_kind(text: str) -> UnitKind:
    """What kind of unit a column (or a report title) is for, from its words anywhere in it (a
    column names a group of units, ``2018年乡镇…年报``; ``pipelines.extract.unit.unit_kind`` reads
    one unit's name by its ending). Townships and subdistricts share one column kind."""
    for kind, words in _KIND_WORDS:
        if words.search(text):
            return kind
    return UnitKind.OTHER


@dataclass(frozen=True, slots=True)
class Candidate:
    url: str
    text: str
    score: int        # 2: names the reports; 1: names the disclosure section


def hub_candidates(html: str, url: str) -> list[Candidate]:
    """Same-site links that may lead to the report hub, best first: links naming the annual
    reports, then links to the government-information section."""
    page = parse(html, url)
    found: dict[str, Candidate] = {}
    for link in links(page, url):
        if link.url == url or not same_site(link.url, url):
            continue
        score = 2 if REPORT_WORDS.search(link.text) else 1 if PORTAL_WORDS.search(link.text) else 0
        if score and (link.url not in found or found[link.url].score < score):
            found[link.url] = Candidate(link.url, link.text, score)
    return sorted(found.values(), key=lambda c: -c.score)


@dataclass(frozen=True, slots=True)
class HubColumn:
    url: str
    text: str
    kind: UnitKind


@dataclass(frozen=True, slots=True)
class Hub:
    url: str
    columns: tuple[HubColumn, ...]
    group: str        # selector of the repeated group the columns sit in
    named: int        # columns whose text names the reports


def hub_columns(html: str, url: str) -> Hub | None:
    """The columns of a report hub: the repeated sibling group with the most links naming annual
    reports (each member's first same-site link). None when no group has two such links."""
    page = parse(html, url)
    best: tuple[int, Selector, list[Link]] | None = None
    for parent, members in repeated_groups(page):
        if BREADCRUMB.search(" ".join(parent.xpath("./text()").getall())):
            continue
        if any(CHAIN_LABEL.search(" ".join(m.css("::text").getall())) for m in members):
            continue  # 上一条/下一条 on an article page
        first = []
        for member in members:
            found = [k for k in links(page, url, member) if same_site(k.url, url) and k.url != url]
            if found:
                first.append(found[0])
        named = sum(bool(REPORT_WORDS.search(k.text)) for k in first)
        if named >= 2 and named * 2 >= len(first) and (best is None or named > best[0]):
            best = (named, parent, first)
    if best is None:
        return None
    named, parent, first = best
    unique = {k.url: k for k in first}.values()
    columns = tuple(HubColumn(k.url, k.text, column_kind(k.text)) for k in unique)
    return Hub(url, columns, anchored(parent), named)


@dataclass(frozen=True, slots=True)
class Rows:
    selector: str
    article_urls: tuple[str, ...]
    titles: tuple[str, ...]
    dated: int        # rows with a date
    link_selector: str


@dataclass(frozen=True, slots=True)
class Listing:
    url: str
    rows: Rows | None
    next_url: str | None
    next_text: str | None
    pager_selector: str | None


def _dated_links(page: Selector, url: str, members: list[Selector]) -> list[Link]:
    """The first same-site link of each member that shows a date."""
    found = []
    for member in members:
        own = [k for k in links(page, url, member) if same_site(k.url, url)]
        if own and DATE.search(clean(" ".join(member.css("::text").getall()))):
            found.append(own[0])
    return found


def listing(html: str, url: str, *, rows_hint: str | None = None) -> Listing:
    """A column page: its rows (the repeated sibling group whose members each hold a same-site
    link and a date, the most such members winning) and the link to its next page.

    A page with a single row has no repeated group: ``rows_hint``, the rows selector other
    pages of the site agree on, finds it then."""
    page = parse(html, url)
    best: tuple[int, Selector, list[Selector], list[Link]] | None = None
    hinted = False
    for parent, members in repeated_groups(page):
        row_links = _dated_links(page, url, members)
        dated = len(row_links)
        if dated >= 2 and dated * 2 >= len(members) and (best is None or dated > best[0]):
            best = (dated, parent, members, row_links)
    if best is None and rows_hint:
        members = page.css(rows_hint)
        row_links = _dated_links(page, url, members)
        if members and len(row_links) == len(members):
            best, hinted = (len(row_links), members[0].xpath("..")[0], members, row_links), True
    if best is None:
        return Listing(url, None, None, None, None)
    dated, parent, members, row_links = best
    link_classes = {tuple(classes(k.element)) for k in row_links}
    link_selector = "a[href]"
    if len(link_classes) == 1 and (only := next(iter(link_classes))):
        link_selector = "a" + "".join(f".{c}" for c in only)
    selector = rows_hint if hinted else rows_selector(parent, members)
    rows = Rows(selector, tuple(k.url for k in row_links),
                tuple(k.text for k in row_links), dated, link_selector)
    row_urls = set(rows.article_urls)
    for link in links(page, url):
        label = _BRACKETS.sub("", link.text)
        if NEXT_WORDS.match(label) and link.url not in row_urls and link.url != url and same_site(link.url, url):
            return Listing(url, rows, link.url, link.text, anchored(link.element))
    return Listing(url, rows, None, None, None)


def listing_hub(hub: Hub, html: str) -> tuple[Hub, Listing] | None:
    """A hub that is itself a column: its "columns" are the dated rows of reports (many portals
    list every report of one 年度报告 column, page after page). Returns the hub as one column and
    the page's listing, or None for a hub of columns."""
    found = listing(html, hub.url)
    if found.rows is None:
        return None
    rows = set(found.rows.article_urls)
    if sum(c.url in rows for c in hub.columns) * 2 <= len(hub.columns):
        return None
    kind, _ = majority(column_kind(t) for t in found.rows.titles)
    title = clean(" ".join(parse(html, hub.url).css("title::text").getall())) or hub.url
    return Hub(hub.url, (HubColumn(hub.url, title, kind or UnitKind.OTHER),), found.rows.selector, hub.named), found


@dataclass(frozen=True, slots=True)
class ChainLink:
    label: str        # 上一条, 下一篇...
    url: str | None   # None when the page prints 没有了


@dataclass(frozen=True, slots=True)
class Article:
    url: str
    body: Container | None
    form: str | None
    chain: tuple[ChainLink, ...]


def article(html: str, url: str) -> Article:
    """An article page: the body (largest text container), the element holding the whole article
    (a named form, else the nearest ancestor holding the chain), and the 上一条/下一条 links."""
    page = parse(html, url)
    body = text_container(page)
    chain = []
    for element in page.xpath("//body//*[text()[normalize-space()]]"):
        if tag(element) in ("script", "style"):
            continue
        text = clean(" ".join(element.xpath("./text()").getall()))
        match = CHAIN_LABEL.search(text)
        if not match or len(text) > 12:
            continue
        label = match.group(0).replace(" ", "")
        if tag(element) == "a":
            target = [element]
        else:
            target = element.xpath("./a[@href][1]")
            after = clean(" ".join(element.xpath("following::text()[normalize-space()][1]").getall()))
            if not target and not NONE_LEFT.match(after):
                target = element.xpath("following::a[@href][1]")
        href = absolute(url, target[0].attrib.get("href")) if target else None
        chain.append(ChainLink(label, href))
    form = None
    if body is not None:
        named = body.element.xpath("ancestor::form[@name][1]")
        if named:
            form = f'form[name="{named[0].attrib["name"]}"]'
        else:
            for ancestor in body.element.xpath("ancestor::*")[::-1]:
                if tag(ancestor) in ("body", "html"):
                    break
                if CHAIN_LABEL.search(" ".join(ancestor.css("::text").getall())):
                    form = element_selector(ancestor) if element_selector(ancestor) != tag(ancestor) else None
                    break
    return Article(url, body, form, tuple(chain))


def majority(values, *, default=None):
    """The most common value and its share (``(default, 0.0)`` when there are none)."""
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return default, 0.0
    value, count = counts.most_common(1)[0]
    return value, count / sum(counts.values())
