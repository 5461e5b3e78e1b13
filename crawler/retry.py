"""Retries with exponential backoff: Scrapy's RetryMiddleware re-sends at once, which hammers a
county server that is already failing. This subclass waits before handing back the retry
request: ``GONGKAI_RETRY_BACKOFF_BASE`` seconds, doubled per attempt, at most
``GONGKAI_RETRY_BACKOFF_MAX``. Only the failing request waits; the rest of the crawl goes on.
"""

from __future__ import annotations

import logging

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request
from scrapy.utils.defer import deferred_to_future
from twisted.internet import reactor
from twisted.internet.task import deferLater

from crawler.config import read

logger = logging.getLogger(__name__)


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings, *, backoff_base: float, backoff_max: float, stats=None):
        super().__init__(settings)  # Scrapy's own RETRY_* settings
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        middleware = cls(s, backoff_base=read(s, "GONGKAI_RETRY_BACKOFF_BASE"),
                         backoff_max=read(s, "GONGKAI_RETRY_BACKOFF_MAX"), stats=crawler.stats)
        middleware.crawler = crawler
        return middleware

    def delay_for(self, request: Request) -> float:
        """Seconds to wait before retry number ``retry_times`` (1, 2, ...) of a request."""
        attempt = max(int(request.meta.get("retry_times", 1)), 1)
        return min(self.backoff_base * 2 ** (attempt - 1), self.backoff_max)

    async def process_response(self, request, response, spider=None):
        result = super().process_response(request, response)
        return await self._wait_if_retry(result)

    async def process_exception(self, request, exception, spider=None):
        result = super().process_exception(request, exception)
        return await self._wait_if_retry(result)

    async def _wait_if_retry(self, result):
        if isinstance(result, Request) and self.backoff_base > 0:
            delay = self.delay_for(result)
            if self.stats is not None:
                self.stats.inc_value("gongkai/retry/backoff_seconds", delay)
            logger.debug("retrying %s in %.1f s", result.url, delay)
            await deferred_to_future(deferLater(reactor, delay, lambda: None))
        return result
