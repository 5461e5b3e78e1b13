"""Retries with exponential backoff, waiting outside the downloader.

Scrapy's RetryMiddleware re-sends at once, which hammers a county server that is already
failing. This subclass makes the retry wait ``GONGKAI_RETRY_BACKOFF_BASE`` seconds, doubled per
attempt, at most ``GONGKAI_RETRY_BACKOFF_MAX``.

The wait must not hold a download slot. A request inside the downloader (its middlewares
included) counts against ``CONCURRENT_REQUESTS``, so an earlier version that awaited the delay
in ``process_response`` let a burst of failing URLs fill every slot with sleeping retries and
stalled the crawl. Now the retry request is parked in a delayed queue (a reactor timer per
request) and this download ends with :class:`RetryScheduled`, an ``IgnoreRequest`` (the way a
downloader middleware drops a response; errbacks see it, nothing is logged as an error). When
the timer fires the request goes to the engine, hence the scheduler (the shared Redis frontier in
a distributed crawl), like any new request. While retries are parked the spider is kept open
(``spider_idle`` raises ``DontCloseSpider``); retries still parked when the spider closes for
another reason are counted (``gongkai/retry/dropped_at_close``).
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Request

from crawler.config import read

logger = logging.getLogger(__name__)


class RetryScheduled(IgnoreRequest):
    """This response or failure will be retried later; the download that got it ends here."""


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings, *, backoff_base: float, backoff_max: float, stats=None):
        super().__init__(settings)  # Scrapy's own RETRY_* settings
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.stats = stats
        self.crawler = None  # set by from_crawler: parked retries go back through its engine
        self._parked: dict[int, object] = {}  # id(request) -> the reactor's DelayedCall

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        middleware = cls(s, backoff_base=read(s, "GONGKAI_RETRY_BACKOFF_BASE"),
                         backoff_max=read(s, "GONGKAI_RETRY_BACKOFF_MAX"), stats=crawler.stats)
        middleware.crawler = crawler
        crawler.signals.connect(middleware.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    @property
    def parked(self) -> int:
        return len(self._parked)

    def delay_for(self, request: Request) -> float:
        """Seconds to wait before retry number ``retry_times`` (1, 2, ...) of a request."""
        attempt = max(int(request.meta.get("retry_times", 1)), 1)
        return min(self.backoff_base * 2 ** (attempt - 1), self.backoff_max)

    def process_response(self, request, response, spider=None):
        return self._park_if_retry(super().process_response(request, response))

    def process_exception(self, request, exception, spider=None):
        return self._park_if_retry(super().process_exception(request, exception))

    def _park_if_retry(self, result):
        if not isinstance(result, Request) or self.backoff_base <= 0 or self.crawler is None:
            return result
        from twisted.internet import reactor

        delay = self.delay_for(result)
        if self.stats is not None:
            self.stats.inc_value("gongkai/retry/backoff_seconds", delay)
            self.stats.inc_value("gongkai/retry/parked")
        logger.debug("retrying %s in %.1f s", result.url, delay)
        self._parked[id(result)] = reactor.callLater(delay, self._release, result)
        raise RetryScheduled(f"{result.url} retried in {delay:.1f} s")

    def _release(self, request: Request) -> None:
        self._parked.pop(id(request), None)
        self.crawler.engine.crawl(request)

    def spider_idle(self, spider) -> None:
        if self._parked:
            raise DontCloseSpider

    def spider_closed(self, spider, reason: str) -> None:
        for call in self._parked.values():
            if call.active():
                call.cancel()
        if self._parked and self.stats is not None:
            self.stats.set_value("gongkai/retry/dropped_at_close", len(self._parked))
        self._parked.clear()
