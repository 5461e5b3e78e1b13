"""Downloader middleware that archives every HTTP exchange into WARC as it came off the wire.

Ordered at 950, above HttpCompressionMiddleware (590), RedirectMiddleware (600) and every
middleware that adds request headers, so ``process_request`` has run for all of them by the time
the request is sent, and ``process_response`` sees the body before decompression and decoding.
Redirects, retries and robots.txt fetches are archived too: each is an exchange of its own.

Incremental capture: report and attachment requests carry ``If-None-Match`` from the last
capture, or ``If-Modified-Since`` when it had no ETag. A 304 is archived as a server-not-modified
revisit and the spider gets the original response read back from the WARC; a 200 with the last
capture's payload digest is archived as an identical-payload-digest revisit. A page already
captured by the crashed run this run resumes is served from the archive without a request.
"""

from __future__ import annotations

import logging
from functools import partial
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.responsetypes import responsetypes
from scrapy.utils.defer import deferred_to_future
from twisted.internet import threads

from archive.runs.crawlarchive import CrawlArchive
from archive.runs.incremental import ArchivedResponse
from archive.warc.wire import WireExchange
from crawler.config import read
from crawler.extension import ArchiveExtension
from crawler.meta import META_CAPTURE, META_KIND, META_PRIOR, META_VIA, META_WIRE

logger = logging.getLogger(__name__)

DEFAULT_PROTOCOL = "HTTP/1.1"
CONDITIONAL_KINDS = frozenset(("report", "attachment"))
#: Flags on responses that did not come off the wire in this exchange.
FLAG_NOT_MODIFIED = "gongkai:not-modified"
FLAG_FROM_ARCHIVE = "gongkai:from-archive"
#: Exchanges (request and response bytes) smaller than this are written on the reactor thread:
#: compressing 4 KB costs about what the hand-over to the thread pool and back does (~0.1 ms).
INLINE_BELOW = 4096


class WarcCaptureMiddleware:
    def __init__(self, crawler, *, conditional: bool = True, threads: bool = True):
        self._crawler = crawler
        self._stats = crawler.stats
        self._archive: CrawlArchive | None = None
        self._conditional = conditional
        self._threads = threads

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(crawler, conditional=read(s, "GONGKAI_CONDITIONAL_REQUESTS"),
                   threads=read(s, "GONGKAI_CAPTURE_THREADS"))

    @property
    def archive(self) -> CrawlArchive:
        if self._archive is None:
            self._archive = self._crawler.get_extension(ArchiveExtension).archive
        return self._archive

    def process_request(self, request: Request, spider=None):
        if request.method != "GET":
            return None
        conditional = page_kind(request) in CONDITIONAL_KINDS
        if conditional:
            done = self.archive.window_response(request.url)
            if done is not None:
                self._stats.inc_value("gongkai/resume/from_archive")
                return archived_response(request, done, FLAG_FROM_ARCHIVE)
        # Every page may turn out identical to its last capture (stored as a revisit); only
        # reports and attachments ask the server with validators (listings are always re-read).
        prior = self.archive.prior_capture(request.url)
        if prior is None:
            return None
        request.meta[META_PRIOR] = prior
        # Validators only when a 304 could be answered from this crawl's own WARC files.
        if conditional and self._conditional and prior.readable:
            # The ETag is the stronger validator, and a server must ignore If-Modified-Since
            # when If-None-Match is present (RFC 9110, 13.1.3); sending both would only repeat
            # a date in every request record of every nightly run.
            if prior.etag:
                request.headers.setdefault("If-None-Match", prior.etag)
            elif prior.last_modified:
                request.headers.setdefault("If-Modified-Since", prior.last_modified)
            self._stats.inc_value("gongkai/conditional/sent")
        return None

    async def process_response(self, request: Request, response: Response, spider=None) -> Response:
        if FLAG_FROM_ARCHIVE in response.flags:
            return response
        prior = request.meta.get(META_PRIOR)
        # The bytes as they crossed the wire (crawler.wire); without them (another download
        # handler) the records are rebuilt from Scrapy's objects.
        wire = request.meta.pop(META_WIRE, None)
        if not isinstance(wire, WireExchange):
            wire = None
        self._stats.inc_value("gongkai/capture/wire" if wire else "gongkai/capture/rebuilt")
        common = dict(
            url=response.url,
            method=request.method,
            kind=page_kind(request),
            via=request.meta.get(META_VIA),
            request_headers=[] if wire else request_header_list(request),
            protocol=response.protocol or DEFAULT_PROTOCOL,
            status=response.status,
            response_headers=header_list(response.headers),
            ip_address=str(response.ip_address) if response.ip_address else None,
        )
        if response.status == 304 and prior is not None:
            stored = self.archive.record_not_modified(prior=prior, wire=wire, **common)
            self._stats.inc_value("gongkai/captures/status/304")
            return archived_response(request, stored, FLAG_NOT_MODIFIED)
        if wire is not None:
            # Digests, compression and the append run in the reactor's thread pool (zlib and
            # hashlib release the GIL): the reactor goes on with other responses meanwhile. The
            # row is added back here, after the records are on disk. A small exchange (a 404, a
            # redirect, robots.txt) is cheaper to compress here than to hand over and back.
            job = partial(self.archive.write_wire, wire, url=response.url, status=response.status,
                          body=response.body, ip_address=common["ip_address"], prior=prior)
            if self._threads and len(wire.response) + len(wire.request) >= INLINE_BELOW:
                written = await deferred_to_future(threads.deferToThread(job))
            else:
                written = job()
            info = self.archive.add_written(
                written, kind=common["kind"], via=common["via"], headers=common["response_headers"]
            )
        else:
            info = self.archive.record_exchange(
                request_body=request.body or b"", body=response.body, prior=prior, wire=wire, **common
            )
        request.meta[META_CAPTURE] = info
        self._stats.inc_value(f"gongkai/captures/status/{response.status}")
        return response

    def process_exception(self, request: Request, exception: BaseException, spider=None):
        if isinstance(exception, IgnoreRequest):
            # Refused before any byte was sent (robots.txt, off-site): counted, not a fetch.
            self._stats.inc_value(f"gongkai/refused/{type(exception).__name__}")
            return None
        error = f"{type(exception).__name__}: {exception}"
        logger.info("fetch failed: %s %s", request.url, error)
        self._stats.inc_value(f"gongkai/fetch_failed/{type(exception).__name__}")
        self.archive.record_failure(
            url=request.url,
            method=request.method,
            kind=page_kind(request),
            via=request.meta.get(META_VIA),
            error=error,
        )
        return None


def archived_response(request: Request, stored: ArchivedResponse, flag: str) -> Response:
    """A Scrapy response rebuilt from an archived record (body still content-encoded: the
    decompression middleware below handles it as it would a live response)."""
    request.meta[META_CAPTURE] = stored.capture
    headers = [(name.encode("latin-1", "replace"), value.encode("latin-1", "replace")) for name, value in stored.headers]
    cls = responsetypes.from_args(headers=dict(headers), url=request.url, body=stored.body)
    return cls(
        url=request.url,
        status=stored.status,
        headers=headers,
        body=stored.body,
        request=request,
        flags=[flag],
    )


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
