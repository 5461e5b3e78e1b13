"""From the pages ``gongkai discover`` fetched to a site profile with a confidence per item.

``assemble(home_url, pages, refused)`` is pure: it re-reads every fetched page with the
inference functions of ``crawler.discover.infer`` and decides each profile field by what most
pages agree on, saying from which pages and how sure it is (``Finding``). Raises ``NoHub`` when
no fetched page lists report columns.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from statistics import fmean
from urllib.parse import urlsplit

from crawler.discover.infer import (
    REPORT_WORDS,
    Article,
    Hub,
    HubColumn,
    Listing,
    UnitKind,
    article,
    hub_columns,
    listing,
    listing_hub,
    majority,
    column_kind,
)
from crawler.discover.structure import clean, escape, links, parse, shapes_pattern, words_pattern

#: Defaults written when a site never shows the thing (a pager when every column fits on a page).
FALLBACK_PAGER = ("a[href]",)
FALLBACK_NEXT_PAGE = "^(?:下一?页|下页)$"
ATTACHMENT_URL = r"download\.jsp|\.(pdf|docx?|xlsx?|wps|zip|rar)$"
NEVER_FETCH = (r"dynclicks\.jsp", "/system/resource/code/")


class DiscoverError(Exception):
    """Discovery cannot go on: the message names the URL and what was (not) found."""


class NoHub(DiscoverError):
    """No fetched page lists annual-report columns."""


class Role:
    HOME = "home"
    CANDIDATE = "candidate"
    LISTING = "listing"
    ARTICLE = "article"


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    role: str
    html: str


@dataclass(frozen=True, slots=True)
class Finding:
    item: str
    value: str
    confidence: float
    evidence: str


@dataclass(frozen=True, slots=True)
class Discovery:
    home_url: str
    site_title: str
    hub: Hub
    columns: tuple[HubColumn, ...]   # every column, those of sub-hubs included (not the sub-hubs)
    sub_hubs: tuple[str, ...]
    start_urls: tuple[str, ...]
    allowed_hosts: tuple[str, ...]
    report_link_text: str
    article_url: str
    listing_url: str
    next_page_text: str
    prev_text: str
    next_text: str
    listing_rows: tuple[str, ...]
    row_link: str
    pager_links: tuple[str, ...]
    article_form: str
    article_body: str
    findings: tuple[Finding, ...]
    refused: tuple[str, ...] = field(default=())
    pages_fetched: int = 0

    def finding(self, item: str) -> Finding:
        return next(f for f in self.findings if f.item == item)


def assemble(home_url: str, pages: Mapping[str, Fetched], refused: Mapping[str, str] | None = None) -> Discovery:
    refused = dict(refused or {})
    home = pages[home_url]
    hubs = [h for p in pages.values() if p.role in (Role.HOME, Role.CANDIDATE)
            if (h := hub_columns(p.html, p.url)) is not None]
    if not hubs:
        raise NoHub(f"{home_url}: no page within two links of the home page lists annual-report columns "
                    "(links naming 年度报告 or 年报): not a county portal, or its hub is further away "
                    "(pass the hub's URL instead)")
    hub = max(hubs, key=lambda h: (h.named, len(h.columns)))
    listings = [listing(p.html, p.url) for p in pages.values() if p.role == Role.LISTING]
    if (as_column := listing_hub(hub, pages[hub.url].html)) is not None:
        hub, first = as_column   # the hub is itself the one column listing the reports
        listings.insert(0, first)
    hint, _ = majority(item.rows.selector for item in listings if item.rows)
    listings = [item if item.rows or hint is None else listing(pages[item.url].html, item.url, rows_hint=hint)
                for item in listings]
    # column pages without rows that list further columns (部门年度报告 -> a column per year)
    sub_hubs = [h for item in listings if item.rows is None
                if (h := hub_columns(pages[item.url].html, item.url)) is not None]
    listings = [item for item in listings if item.rows is not None or not any(h.url == item.url for h in sub_hubs)]
    columns = _columns(hub, sub_hubs, listings)
    articles = [article(p.html, p.url) for p in pages.values() if p.role == Role.ARTICLE]
    findings = [_hub_finding(hub, sub_hubs, columns, refused, _route(home, hub.url, pages))]
    rows, row_link, rows_finding = _rows(listings)
    findings.append(rows_finding)
    pager, next_words, pager_finding = _pager(listings)
    findings.append(pager_finding)
    body, form, body_finding = _body(articles)
    findings.append(body_finding)
    prev_text, next_text, chain_finding = _chain(articles)
    findings.append(chain_finding)
    article_urls = [u for item in listings if item.rows for u in item.rows.article_urls]
    article_urls += [c.url for a in articles for c in a.chain if c.url]
    sub_urls = {h.url for h in sub_hubs}
    listing_urls = [c.url for c in columns if c.url not in refused and c.url not in sub_urls]
    listing_urls += [p.url for p in listings]
    listing_urls += [item.next_url for item in listings if item.next_url]
    article_url = shapes_pattern(article_urls, with_query=False)
    listing_url = shapes_pattern(listing_urls)
    findings.append(_url_finding("article_url", article_url, article_urls, listing_urls))
    findings.append(_url_finding("listing_url", listing_url, listing_urls, article_urls))
    texts = list(dict.fromkeys([c.text for c in hub.columns] + [c.text for c in columns]))
    extra = [t for t in texts if not REPORT_WORDS.search(t)]
    link_text = "|".join([REPORT_WORDS.pattern, *(escape(t) for t in extra)])
    findings.append(Finding("report_link_text", link_text, 0.95 if not extra else 0.7,
                            f"matches all {len(texts)} column links of the hub"
                            + (f"; {len(extra)} column names added as they are" if extra else "")))
    title = clean(" ".join(parse(home.html, home.url).css("title::text").getall())) or urlsplit(home_url).netloc
    return Discovery(
        home_url=home_url, site_title=title, hub=hub, columns=columns, sub_hubs=tuple(h.url for h in sub_hubs),
        start_urls=(hub.url,),
        allowed_hosts=(urlsplit(hub.url).hostname or "",),
        report_link_text=link_text, article_url=article_url, listing_url=listing_url,
        next_page_text=next_words, prev_text=prev_text, next_text=next_text,
        listing_rows=rows, row_link=row_link, pager_links=pager, article_form=form, article_body=body,
        findings=tuple(findings), refused=tuple(refused), pages_fetched=len(pages),
    )


def _route(home: Fetched, target: str, pages: Mapping[str, Fetched]) -> str:
    """How the home page leads to ``target``: the link texts followed (breadth first over the
    fetched pages)."""
    if home.url == target:
        return "the home page itself"
    paths = {home.url: ()}
    frontier = [home]
    while frontier:
        following = []
        for page in frontier:
            for link in links(parse(page.html, page.url), page.url):
                if link.url in paths:
                    continue
                paths[link.url] = (*paths[page.url], link.text)
                if link.url == target:
                    return "home -> " + " -> ".join(f'"{text}"' for text in paths[target])
                if link.url in pages and pages[link.url].role == Role.CANDIDATE:
                    following.append(pages[link.url])
        frontier = following
    return "not linked from the fetched pages"


def _columns(hub: Hub, sub_hubs: list[Hub], listings: list[Listing]) -> tuple[HubColumn, ...]:
    """The hub's columns with each sub-hub replaced by its own columns; a column whose name says
    no kind of unit takes the kind most of its rows' titles say."""
    nested = {h.url: h.columns for h in sub_hubs}
    titles = {item.url: item.rows.titles for item in listings if item.rows}
    out: dict[str, HubColumn] = {}
    for column in hub.columns:
        for leaf in nested.get(column.url, (column,)):
            if leaf.kind is UnitKind.OTHER and titles.get(leaf.url):
                kind, _ = majority(column_kind(t) for t in titles[leaf.url])
                leaf = replace(leaf, kind=kind)
            out.setdefault(leaf.url, leaf)
    return tuple(out.values())


def _hub_finding(hub: Hub, sub_hubs: list[Hub], columns: tuple[HubColumn, ...], refused: Mapping[str, str],
                 route: str) -> Finding:
    kinds = Counter(c.kind for c in columns)
    summary = ", ".join(f"{kind} {kinds[kind]}" for kind in UnitKind if kinds[kind])
    blocked = [c for c in columns if c.url in refused]
    note = f"; {len(blocked)} refused by robots.txt" if blocked else ""
    nested = sum(len(h.columns) for h in sub_hubs)
    if nested:
        note += f"; {nested} of them on {len(sub_hubs)} page(s) the hub links ({', '.join(h.url for h in sub_hubs)})"
    sure = 0.95 if hub.named >= 3 else 0.75
    return Finding("hub", hub.url, sure, f"reached {route}; {len(columns)} columns in {hub.group} "
                                          f"({summary}){note}")


def _rows(listings: list[Listing]) -> tuple[tuple[str, ...], str, Finding]:
    found = [item.rows for item in listings if item.rows]
    if not found:
        raise DiscoverError("no column page of the hub shows rows of dated article links: "
                            "the listing pages may be built by script")
    counts = Counter(r.selector for r in found)
    selectors = tuple(s for s, _ in counts.most_common())
    link, link_share = majority(r.link_selector for r in found)
    if link_share < 1.0:
        link = "a[href]"
    share = len(found) / len(listings)
    per_page = fmean(len(r.article_urls) for r in found)
    evidence = (f"{len(found)} of {len(listings)} column pages: repeated rows with a link and a date, "
                f"{per_page:.0f} a page")
    return selectors, link, Finding("listing_rows", " , ".join(selectors), round(0.95 * share, 2), evidence)


def _pager(listings: list[Listing]) -> tuple[tuple[str, ...], str, Finding]:
    with_next = [item for item in listings if item.next_url]
    if not with_next:
        return FALLBACK_PAGER, FALLBACK_NEXT_PAGE, Finding(
            "pager", " , ".join(FALLBACK_PAGER), 0.3, "no column page had a next-page link: defaults written")
    by_url = {item.url: item for item in listings}
    walked = ok = 0
    for item in with_next:
        following = by_url.get(item.next_url)
        if following is None or item.rows is None:
            continue
        walked += 1
        fresh = following.rows is not None and not set(following.rows.article_urls) & set(item.rows.article_urls)
        ok += bool(fresh and following.rows.selector == item.rows.selector)
    selectors = tuple(s for s, _ in Counter(i.pager_selector for i in with_next).most_common())
    words = words_pattern(i.next_text for i in with_next)
    sure = 0.95 * ok / walked if walked else 0.6
    evidence = (f"next-page link {words} on {len(with_next)} column pages; followed {walked}, "
                f"{ok} led to new rows of the same shape")
    return selectors, words, Finding("pager", " , ".join(selectors), round(sure, 2), evidence)


def _body(articles: list[Article]) -> tuple[str, str, Finding]:
    bodies = [a.body for a in articles if a.body]
    if not bodies:
        raise DiscoverError("no article page was fetched (raise --max-pages) or none has a text container")
    selector, agree = majority(b.selector for b in bodies)
    form, _ = majority((a.form for a in articles), default="body")
    share = fmean(b.share for b in bodies if b.selector == selector)
    sure = round(agree * min(1.0, 0.5 + share / 2 + 0.05), 2)
    evidence = (f"largest text container on {agree * len(bodies):.0f} of {len(articles)} article pages, "
                f"{share:.0%} of their text")
    return selector, form or "body", Finding("article_body", selector, sure, evidence)


def _chain(articles: list[Article]) -> tuple[str, str, Finding]:
    prev = Counter(c.label for a in articles for c in a.chain if c.label.startswith("上"))
    after = Counter(c.label for a in articles for c in a.chain if c.label.startswith("下"))
    linked = sum(any(c.url for c in a.chain) for a in articles)
    if not prev and not after:
        return "上一[条篇]", "下一[条篇]", Finding(
            "prev_next", "上一[条篇] / 下一[条篇]", 0.3, "no 上一条/下一条 labels on the article pages: defaults written")
    # a sampled article at an end of its chain shows one side only: the other side mirrors it
    prev_text = "|".join(sorted(prev)) or "|".join(sorted("上" + label[1:] for label in after))
    next_text = "|".join(sorted(after)) or "|".join(sorted("下" + label[1:] for label in prev))
    sure = round(0.95 * linked / len(articles), 2) if articles else 0.0
    return prev_text, next_text, Finding("prev_next", f"{prev_text} / {next_text}", sure,
                                         f"labelled links on {linked} of {len(articles)} article pages")


def _url_finding(item: str, pattern: str, urls: list[str], others: list[str]) -> Finding:
    compiled = re.compile(pattern) if pattern else None

    def target(url: str) -> str:
        parts = urlsplit(url)
        if item == "article_url":
            return parts.path
        return parts.path + (f"?{parts.query}" if parts.query else "")

    clashes = [u for u in others if compiled and compiled.search(target(u))]
    sure = 0.95 if urls and not clashes else 0.5 if urls else 0.0
    evidence = f"generalised from {len(set(urls))} URLs"
    if clashes:
        evidence += f"; also matches {len(clashes)} URLs of the other kind: tighten it"
    return Finding(item, pattern, sure, evidence)
