"""The ``reports`` spider: report hub -> year columns -> every listing page -> every report,
plus 上一条/下一条 in both directions and attachments.

Run it through ``gongkai crawl --start-url URL`` or ``scrapy crawl reports -a start_url=URL``.
All site-specific knowledge comes from a site profile (crawler/sites/*.toml).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse

from crawler.config import read
from crawler.meta import META_CAPTURE, META_COLUMN, META_DECODED, META_KIND, META_VIA
from crawler.profile import SiteProfile, load_profile
from pipelines.decode import html_text
from pipelines.items import ReportPage

logger = logging.getLogger(__name__)

FETCHABLE_SCHEMES = ("http", "https")
VIA_START = "start"
VIA_LISTING = "listing"
VIA_CHAIN = "chain"
VIA_RECHECK = "recheck"
REACHABLE_VIA = (VIA_START, VIA_LISTING, VIA_CHAIN)
_COLUMN_ID = re.compile(r"/(\d+)(?:/\d+)?\.htm$")
_ARTICLE_COLUMN = re.compile(r"/info/(\d+)/")
#: Links whose parent text mentions 一条/一篇 (上一条, 下一篇...): the only prev/next candidates.
CHAIN_CANDIDATES = '//a[@href][contains(string(..), "一条") or contains(string(..), "一篇")]'
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Bodies that are not HTML whatever the URL or the Content-Type says (PNG, GIF, JPEG, PDF, ZIP/OOXML, OLE).
BINARY_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


class PageKind:
    HUB = "hub"
    LISTING = "listing"
    REPORT = "report"
    ATTACHMENT = "attachment"


class ReportsSpider(scrapy.Spider):
    name = "reports"

    def __init__(self, start_url: str | None = None, site: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self._start_url_arg = start_url
        self._site_arg = site
        self.profile: SiteProfile | None = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        profile = load_profile(spider._site_arg or read(settings, "GONGKAI_SITE"))
        urls = _split_urls(spider._start_url_arg) or read(settings, "GONGKAI_START_URLS")
        if urls:
            profile = profile.with_start_urls(urls)
        spider.profile = profile
        # Scrapy's OffsiteMiddleware reads allowed_domains: keep the crawl on the site's hosts.
        spider.allowed_domains = list(profile.hosts())
        # It matches host names only: another port of an allowed host is another server.
        spider.site_ports = _ports(profile.start_urls)
        return spider

    async def start(self):
        for url in self.profile.start_urls:
            yield self.start_request(url)

    def start_request(self, url: str) -> scrapy.Request:
        """The request for a start URL (also what ``gongkai seed`` puts on a shared frontier)."""
        return scrapy.Request(
            url, callback=self.parse, meta={META_KIND: PageKind.HUB, META_VIA: VIA_START}
        )

    def recheck_request(self, url: str) -> scrapy.Request:
        """A known report this run did not reach: fetched once more to see if it still exists."""
        return scrapy.Request(
            url,
            callback=self.parse_report,
            errback=self.refused,
            meta={META_KIND: PageKind.REPORT, META_VIA: VIA_RECHECK},
            dont_filter=True,
        )

    # Any non-article page: a home page, the report hub, or a listing page.
    def parse(self, response: Response, **kwargs) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        response = decoded(response)
        if self._is_article(response.url):
            yield from self.parse_report(response)
            return
        rows = self._listing_rows(response) if self._is_listing(response.url) else None
        if rows:
            yield from self._parse_listing(response, rows)
        else:
            yield from self._parse_hub(response)

    def _parse_hub(self, response: TextResponse) -> Iterator[scrapy.Request]:
        pattern = self.profile.links.report_link_text
        for link in response.css("a[href]"):
            text = _link_text(link)
            url = self._absolute(response, link.attrib.get("href"))
            if url is None or self._is_article(url) or not pattern.search(text):
                continue
            kind = PageKind.LISTING if self._is_listing(url) else PageKind.HUB
            yield scrapy.Request(url, callback=self.parse, errback=self.refused, meta={META_KIND: kind})

    def _parse_listing(self, response: TextResponse, rows) -> Iterator[scrapy.Request]:
        column = response.meta.get(META_COLUMN) or self._column_of_listing(response)
        for row in rows:
            link = row.css(self.profile.selectors.row_link)
            if not link:
                continue
            url = self._absolute(response, link[0].attrib.get("href"))
            if url is None or not self._is_article(url):
                continue
            yield self._report_request(url, column=column, via=VIA_LISTING)
        for link in self._pager_links(response):
            url = self._absolute(response, link.attrib.get("href"))
            if url is not None:
                yield scrapy.Request(
                    url,
                    callback=self.parse,
                    errback=self.refused,
                    meta={META_KIND: PageKind.LISTING, META_COLUMN: column},
                )

    def parse_report(self, response: Response) -> Iterator[ReportPage | scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        if not _is_html(response):
            # archived by the capture middleware; not a report (an image or a file at an .htm URL)
            self.crawler.stats.inc_value("gongkai/skipped/not_html")
            return
        if response.meta.get(META_DECODED) is None:
            before = response.encoding
            response = decoded(response)
            if response.encoding != before:
                self.crawler.stats.inc_value("gongkai/decoded/page_charset")
        links = self.profile.links
        prev_url = next_url = None
        # Only links whose parent's text can hold 上一条/下一条 are labelled: walking back over
        # the page for every link of a big template costs ~10 ms a page.
        for link in response.xpath(CHAIN_CANDIDATES):
            label = _chain_label(link)
            if prev_url is None and links.prev_text.search(label):
                prev_url = self._absolute(response, link.attrib.get("href"))
            elif next_url is None and links.next_text.search(label):
                next_url = self._absolute(response, link.attrib.get("href"))
        attachments = tuple(
            dict.fromkeys(
                url
                for url in (
                    self._absolute(response, href) for href in response.css("a::attr(href)").getall()
                )
                if url and links.attachment_url.search(url)
            )
        )
        column = response.meta.get(META_COLUMN) or _column_from_article(response.url)
        capture = response.meta.get(META_CAPTURE)
        via = response.meta.get(META_VIA, VIA_LISTING)
        if capture is not None and self._is_article(response.url):
            encoding, html = response.meta[META_DECODED]
            yield ReportPage(
                url=response.url,
                html=html,
                encoding=encoding,
                capture=capture,
                column_id=column[0] if column else None,
                column_name=column[1] if column else None,
                via=via,
                prev_url=prev_url if prev_url and self._is_article(prev_url) else None,
                next_url=next_url if next_url and self._is_article(next_url) else None,
                attachments=attachments,
            )
        # A chain only makes a report reachable when it starts from a reachable one.
        chain_via = VIA_CHAIN if via in REACHABLE_VIA else VIA_RECHECK
        for url in (prev_url, next_url):
            if url and self._is_article(url):
                yield self._report_request(url, column=column, via=chain_via)
        for url in attachments:
            yield scrapy.Request(
                url, callback=self.parse_attachment, errback=self.refused, meta={META_KIND: PageKind.ATTACHMENT}
            )

    def parse_attachment(self, response: Response):
        """Attachments are archived by the capture middleware; nothing to parse."""
        return None

    def refused(self, failure) -> None:
        """Errback: a response refused after it was archived (a body that inflates past
        DOWNLOAD_MAXSIZE) is counted, not silently dropped."""
        if failure.check(IgnoreRequest) and "DOWNLOAD_MAXSIZE" in str(failure.value):
            self.crawler.stats.inc_value("gongkai/refused/decompressed_size")
            logger.warning("refused: %s", failure.value)

    # helpers
    def _report_request(self, url: str, *, column, via: str) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_report,
            errback=self.refused,
            meta={META_KIND: PageKind.REPORT, META_COLUMN: column, META_VIA: via},
        )

    def _listing_rows(self, response: TextResponse):
        for selector in self.profile.selectors.listing_rows:
            rows = response.css(selector)
            if rows:
                return rows
        return None

    def _pager_links(self, response: TextResponse):
        pattern = self.profile.links.next_page_text
        for selector in self.profile.selectors.pager_links:
            for link in response.css(selector):
                if pattern.search(_link_text(link)):
                    return [link]
        return []

    def _column_of_listing(self, response: TextResponse):
        match = _COLUMN_ID.search(urlsplit(response.url).path)
        title = response.css("title::text").get("").strip() or None
        return (match.group(1), title) if match else None

    def _is_listing(self, url: str) -> bool:
        parts = urlsplit(url)
        target = parts.path + ("?" + parts.query if parts.query else "")
        return bool(self.profile.links.listing_url.search(target))

    def _is_article(self, url: str) -> bool:
        return bool(self.profile.links.article_url.search(urlsplit(url).path))

    def _absolute(self, response: Response, href: str | None) -> str | None:
        """Resolve ``href`` against the page; None for links the crawl must never request."""
        if not href:
            return None
        href = href.strip()
        url = urljoin(response.url, href)
        parts = urlsplit(url)
        if parts.scheme not in FETCHABLE_SCHEMES:
            scheme = parts.scheme if parts.scheme.isalnum() else "other"
            self.crawler.stats.inc_value(f"gongkai/refused/scheme/{scheme or 'none'}")
            return None
        if any(p.search(url) for p in self.profile.links.never_fetch):
            return None
        ports = getattr(self, "site_ports", {}).get(parts.hostname or "")
        if ports and _port(parts) not in ports:
            self.crawler.stats.inc_value("gongkai/refused/other_port")
            return None
        return parts._replace(fragment="").geturl()


def decoded(response: TextResponse) -> TextResponse:
    """The response as ``pipelines.decode.html_text`` reads it: the decoding the stored text
    comes from, so the links the spider sees are those of that text. A page whose HTTP header
    says utf-8 for GB18030 bytes would otherwise lose its 上一条/下一条 labels to U+FFFD.
    The (encoding, text) pair is kept in the meta for the item."""
    text = response.text
    if "\ufffd" not in text:
        # Scrapy's decoding read every byte: html_text would pick the same encoding and text
        # (it departs from the HTTP charset only when that charset leaves U+FFFD behind).
        response.meta[META_DECODED] = (response.encoding, text)
        return response
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
    encoding, text = html_text(content_type or None, response.body)
    response.meta[META_DECODED] = (encoding, text)
    if encoding != response.encoding:
        response = response.replace(encoding=encoding)
    return response


def _is_html(response: TextResponse) -> bool:
    declared = response.headers.get(b"Content-Type", b"").split(b";")[0].strip().lower().decode("latin-1")
    if declared and declared not in HTML_TYPES:
        return False
    return not response.body[:8].startswith(BINARY_MAGIC)


def _port(parts) -> int | None:
    try:
        return parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:  # a malformed port
        return None


def _ports(urls) -> dict[str, set[int]]:
    """The ports each start-URL host is crawled on (a site is a host and a port)."""
    ports: dict[str, set[int]] = {}
    for url in urls:
        parts = urlsplit(url)
        if parts.hostname:
            ports.setdefault(parts.hostname, set()).add(_port(parts))
    return ports


def _split_urls(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, (list, tuple)):
        return [v for v in value if v]
    return [v for v in str(value).split(",") if v]


def _link_text(link) -> str:
    text = " ".join(t.strip() for t in link.css("::text").getall() if t.strip())
    return text or link.attrib.get("title", "")


def _chain_label(link) -> str:
    """The words that say whether a link is 上一条 or 下一条: its own text, else the text just
    before it (``<p>上一条：<a>石咀乡</a></p>``)."""
    own = _link_text(link)
    before = link.xpath("preceding::text()[normalize-space()][1]").get("")
    return f"{own} | {before.strip()[-8:]}" if before else own


def _column_from_article(url: str):
    match = _ARTICLE_COLUMN.search(urlsplit(url).path)
    return (match.group(1), None) if match else None
