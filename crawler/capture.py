"""Downloader middleware that archives every HTTP exchange into WARC as it came off the wire.

Ordered at 950, above HttpCompressionMiddleware (590), RedirectMiddleware (600) and every
middleware that adds request headers, so ``process_request`` has run for all of them by the time
the request is sent, and ``process_response`` sees the body before decompression and decoding.
Redirects, retries and robots.txt fetches are archived too: each is an exchange of its own.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy.http import Request, Response

from archive.crawlarchive import CrawlArchive
from crawler.extension import ArchiveExtension
from crawler.meta import META_CAPTURE, META_KIND

logger = logging.getLogger(__name__)

DEFAULT_PROTOCOL = "HTTP/1.1"


class WarcCaptureMiddleware:
    def __init__(self, crawler):
        self._crawler = crawler
        self._stats = crawler.stats
        self._archive: CrawlArchive | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def archive(self) -> CrawlArchive:
        if self._archive is None:
            self._archive = self._crawler.get_extension(ArchiveExtension).archive
        return self._archive

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        info = self.archive.record_exchange(
            url=response.url,
            method=request.method,
            kind=page_kind(request),
            request_headers=request_header_list(request),
            request_body=request.body or b"",
            protocol=response.protocol or DEFAULT_PROTOCOL,
            status=response.status,
            response_headers=header_list(response.headers),
            body=response.body,
            ip_address=str(response.ip_address) if response.ip_address else None,
        )
        request.meta[META_CAPTURE] = info
        self._stats.inc_value("gongkai/captures/status/%d" % response.status)
        return response

    def process_exception(self, request: Request, exception: BaseException, spider=None):
        error = f"{type(exception).__name__}: {exception}"
        logger.info("fetch failed: %s %s", request.url, error)
        self._stats.inc_value("gongkai/fetch_failed/%s" % type(exception).__name__)
        self.archive.record_failure(
            url=request.url, method=request.method, kind=page_kind(request), error=error
        )
        return None


def page_kind(request: Request) -> str:
    kind = request.meta.get(META_KIND)
    if kind:
        return kind
    return "robots" if urlsplit(request.url).path == "/robots.txt" else "other"


def header_list(headers) -> list[tuple[str, str]]:
    """Scrapy headers as an ordered list of (name, value), repeated headers kept."""
    out: list[tuple[str, str]] = []
    for name, values in headers.items():
        for value in values:
            out.append((name.decode("latin-1"), value.decode("latin-1")))
    return out


def request_header_list(request: Request) -> list[tuple[str, str]]:
    """The request headers as sent: Twisted adds ``Host`` when the request has none."""
    headers = header_list(request.headers)
    if not any(name.lower() == "host" for name, _ in headers):
        parts = urlsplit(request.url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        headers.insert(0, ("Host", host))
    return headers
