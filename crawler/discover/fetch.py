"""The fetch step of ``gongkai discover``: a small Scrapy spider that walks from a home page to
the report hub, its column pages, a second page of a few columns and a few articles, keeping
each page for ``crawler.discover.assemble``.

Scrapy's own middlewares bring the politeness: robots.txt (``ROBOTSTXT_OBEY``), the delay
between requests and one request at a time per host. The walk decides what to fetch next with
the same pure functions that ``assemble`` reads the pages with; it stops at ``max_pages``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler import settings as defaults
from crawler.discover.assemble import Fetched, Role
from crawler.discover.infer import hub_candidates, hub_columns, listing, listing_hub
from crawler.spiders.reports import HTML_TYPES, decoded

logger = logging.getLogger(__name__)

META_ROLE = "gongkai_discover_role"
META_DEPTH = "gongkai_discover_depth"
META_NESTED = "gongkai_discover_nested"
#: How far the walk goes: links tried from each page towards the hub, link levels from the home
#: page, column pages followed to a next page, article pages read.
CANDIDATES_PER_PAGE = 4
HUB_DEPTH = 2
COLUMNS_WALKED = 2
ARTICLES = 4


@dataclass(slots=True)
class Journal:
    """What the walk fetched and what it could not (URL -> reason), in order."""

    home_url: str
    pages: dict[str, Fetched] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)
    home_error: str | None = None
    home_type: str | None = None
    requested: int = 0
    scheduled: set[str] = field(default_factory=set)
    hub_found: bool = False
    walked: int = 0
    articles: int = 0


class DiscoverSpider(scrapy.Spider):
    name = "discover"

    def __init__(self, journal: Journal, max_pages: int = 40, **kwargs):
        super().__init__(**kwargs)
        self.journal = journal
        self.max_pages = max_pages

    async def start(self):
        self.journal.requested += 1
        yield scrapy.Request(self.journal.home_url, callback=self.parse_home, errback=self.failed,
                             meta={META_ROLE: Role.HOME, META_DEPTH: 0}, dont_filter=True)

    def _follow(self, url: str, callback, role: str, *, depth: int = 0, priority: int = 0):
        """A request for ``url`` unless it was asked for already or the budget is spent."""
        if self.journal.requested >= self.max_pages or url in self.journal.scheduled:
            self.crawler.stats.inc_value("gongkai/discover/skipped")
            return
        self.journal.requested += 1
        self.journal.scheduled.add(url)
        yield scrapy.Request(url, callback=callback, errback=self.failed, priority=priority,
                             meta={META_ROLE: role, META_DEPTH: depth})

    def _keep(self, response: Response) -> Fetched | None:
        role = response.meta[META_ROLE]
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").split(";")[0].strip().lower()
        if not isinstance(response, TextResponse) or (ctype and ctype not in HTML_TYPES):
            if role == Role.HOME:
                self.journal.home_type = ctype or "binary"
            self.crawler.stats.inc_value("gongkai/discover/not_html")
            return None
        response = decoded(response)
        page = Fetched(response.url, role, response.text)
        self.journal.pages[response.url] = page
        self.crawler.stats.inc_value(f"gongkai/discover/pages/{role}")
        if role == Role.HOME:
            self.journal.home_url = response.url   # after redirects
        return page

    def parse_home(self, response: Response):
        page = self._keep(response)
        if page is None:
            return
        yield from self._towards_hub(page, depth=0)

    def parse_candidate(self, response: Response):
        page = self._keep(response)
        if page is not None:
            yield from self._towards_hub(page, depth=response.meta[META_DEPTH])

    def _towards_hub(self, page: Fetched, *, depth: int):
        hub = hub_columns(page.html, page.url)
        if hub is not None and not self.journal.hub_found:
            self.journal.hub_found = True
            if listing_hub(hub, page.html) is not None:   # the hub lists the reports itself
                yield from self._walk_listing(page, first_page=True, nested=True)
                return
            # leave room in the budget for next pages and articles
            room = max(1, self.max_pages - self.journal.requested - COLUMNS_WALKED - min(ARTICLES, 2))
            for column in hub.columns[:room]:
                yield from self._follow(column.url, self.parse_listing, Role.LISTING, priority=10)
            return
        if self.journal.hub_found or depth >= HUB_DEPTH:
            return
        candidates = hub_candidates(page.html, page.url)
        best = max((c.score for c in candidates), default=0)
        for candidate in [c for c in candidates if c.score == best][:CANDIDATES_PER_PAGE]:
            yield from self._follow(candidate.url, self.parse_candidate, Role.CANDIDATE, depth=depth + 1,
                                priority=candidate.score - depth)

    def parse_listing(self, response: Response):
        page = self._keep(response)
        if page is not None:
            yield from self._walk_listing(page, first_page=response.meta[META_DEPTH] == 0,
                                          nested=bool(response.meta.get(META_NESTED)))

    def _walk_listing(self, page: Fetched, *, first_page: bool, nested: bool):
        found = listing(page.html, page.url)
        if found.rows is None:
            # a page of further columns (部门年度报告 -> one column per year); not nested deeper
            sub = hub_columns(page.html, page.url) if first_page and not nested else None
            for column in sub.columns if sub else ():
                for request in self._follow(column.url, self.parse_listing, Role.LISTING, priority=9):
                    request.meta[META_NESTED] = True
                    yield request
            return
        if self.journal.articles < ARTICLES and found.rows.article_urls:
            self.journal.articles += 1
            # the second row: the first report of a column is at the end of its 上一条/下一条 chain
            sample = found.rows.article_urls[min(1, len(found.rows.article_urls) - 1)]
            yield from self._follow(sample, self.parse_article, Role.ARTICLE, priority=5)
        # the pager: one page further on the first COLUMNS_WALKED columns that have one
        if found.next_url and first_page and self.journal.walked < COLUMNS_WALKED:
            self.journal.walked += 1
            yield from self._follow(found.next_url, self.parse_listing, Role.LISTING, depth=1, priority=8)

    def parse_article(self, response: Response):
        self._keep(response)

    def failed(self, failure) -> None:
        url = failure.request.url
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            reason = "forbidden by robots.txt" if "robots" in str(failure.value).lower() else str(failure.value)
        elif failure.check(HttpError):
            reason = f"HTTP {failure.value.response.status}"
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        self.journal.refused[url] = reason
        self.crawler.stats.inc_value("gongkai/discover/refused")
        if failure.request.meta.get(META_ROLE) == Role.HOME:
            self.journal.home_error = reason
        logger.info("discover: %s not fetched (%s)", url, reason)


def discovery_settings(*, delay: float, log_level: str = "ERROR") -> dict:
    """Scrapy settings for the walk: the crawl's user agent and robots.txt, a fixed delay."""
    return {
        "USER_AGENT": defaults.USER_AGENT,
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_DELAY": delay,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "AUTOTHROTTLE_ENABLED": False,
        "RETRY_TIMES": 1,
        "DOWNLOAD_TIMEOUT": 30,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": log_level,
        "LOG_INSTALL_ROOT_HANDLER": False,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }


def walk(url: str, *, delay: float = 1.0, max_pages: int = 40, log_level: str = "ERROR") -> Journal:
    """Fetch what discovery needs, starting from ``url``; runs Scrapy in this process (once)."""
    journal = Journal(url)
    process = CrawlerProcess(discovery_settings(delay=delay, log_level=log_level))
    process.crawl(DiscoverSpider, journal=journal, max_pages=max_pages)
    process.start()
    return journal
