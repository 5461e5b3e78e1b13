"""Idle shutdown across workers, and the job's one recheck: a Scrapy extension of every worker on
a shared frontier (``crawler.distributed``)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.misc import load_object

from crawler.config import SettingError, read
from crawler.distributed.frontier import (
    REDIS_QUEUE,
    REDIS_SCHEDULER,
    FrontierKeys,
    default_worker_id,
    redis_client,
)

logger = logging.getLogger(__name__)

#: At most one "I am busy" write to Redis per worker per this many seconds.
BUSY_WRITE_INTERVAL = 1.0
#: How often an idle worker looks at the shared queue. Scrapy's engine only polls its scheduler
#: again on its 5 s heartbeat once it went idle; requests other workers push meanwhile would wait.
POLL_INTERVAL = 0.25


class FrontierIdleShutdown:
    """Keep an idle worker alive while the shared frontier may still grow; stop it once the
    queue has been empty and every other worker idle for ``idle_timeout`` seconds.

    Each worker keeps ``<prefix>:workers`` (a hash: worker id -> wall time of its last activity)
    up to date while it downloads, and deletes its entry when it goes idle or closes. A worker
    that died holding an entry stops counting as busy after ``busy_ttl`` seconds
    (GONGKAI_BUSY_TTL: a worker that has not reported activity for that long is presumed dead).
    """

    def __init__(
        self,
        crawler,
        server,
        *,
        keys: FrontierKeys,
        worker_id: str,
        idle_timeout: float,
        busy_ttl: float,
        queue_cls: str = REDIS_QUEUE,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        recheck: bool = False,
        archive_extension: type | None = None,
    ):
        self.crawler = crawler
        self.stats = crawler.stats
        self.server = server
        self.keys = keys
        self.worker_id = worker_id
        self.idle_timeout = idle_timeout
        self.busy_ttl = max(busy_ttl, idle_timeout)
        self.queue_cls = queue_cls
        self.clock = clock
        self.wall = wall
        self._queue = None
        self._poller = None
        self._waiting = False
        self._idle_since: float | None = None
        self._last_busy_write = float("-inf")
        #: The worker's CrawlArchive (run ids, recheck list), found on spider_opened through
        #: ``archive_extension`` (GONGKAI_ARCHIVE_EXTENSION: extensions are all built by then).
        self.archive = None
        self.archive_extension = archive_extension
        self.recheck = recheck
        self._registered = False

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        redis_url = s.get("REDIS_URL")
        if not redis_url or s.get("SCHEDULER") != REDIS_SCHEDULER:
            raise NotConfigured("not a distributed crawl (REDIS_URL and the scrapy-redis SCHEDULER unset)")
        prefix = read(s, "GONGKAI_REDIS_PREFIX")
        if not prefix:
            raise SettingError("setting GONGKAI_REDIS_PREFIX='' is not usable: a crawl on a shared frontier needs "
                               "the job's Redis key prefix (gongkai crawl --redis-url sets it)")
        recheck = read(s, "GONGKAI_RECHECK") and read(s, "GONGKAI_RECHECK_SHARED")
        ext = cls(
            crawler,
            redis_client(redis_url),
            keys=FrontierKeys(prefix),
            worker_id=read(s, "GONGKAI_WORKER_ID") or default_worker_id(),
            idle_timeout=read(s, "GONGKAI_IDLE_TIMEOUT"),
            busy_ttl=read(s, "GONGKAI_BUSY_TTL"),
            queue_cls=s.get("SCHEDULER_QUEUE_CLASS") or REDIS_QUEUE,
            recheck=recheck,
            archive_extension=load_object(read(s, "GONGKAI_ARCHIVE_EXTENSION")) if recheck else None,
        )
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.request_started, signal=signals.request_reached_downloader)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        from twisted.internet.task import LoopingCall

        if self.recheck and self.archive_extension is not None:
            self.archive = self.crawler.get_extension(self.archive_extension).archive
        self.recheck = self.recheck and self.archive is not None

        self._queue = load_object(self.queue_cls)(self.server, spider, self.keys.requests)
        self._mark_busy(force=True)
        self._poller = LoopingCall(self._poll)
        self._poller.start(POLL_INTERVAL, now=False)

    def request_started(self, request, spider) -> None:
        self._register_runs()
        self._idle_since = None
        self._waiting = False
        self._mark_busy()

    def response_received(self, response, request, spider) -> None:
        self._idle_since = None
        self._waiting = False
        self._mark_busy()

    def _poll(self) -> None:
        """While this worker waits, hand the engine a request as soon as one is queued."""
        if not self._waiting or self._queue is None:
            return
        request = self._queue.pop()
        if request is None:
            return
        self._waiting = False
        self._mark_busy(force=True)  # before the engine has it, so no other worker sees all idle
        self.stats.inc_value("gongkai/distributed/polled")
        # Its fingerprint entered the shared set when it was first queued: not a duplicate.
        self.crawler.engine.crawl(request.replace(dont_filter=True))

    def spider_idle(self, spider) -> None:
        self._register_runs()
        self.stats.inc_value("gongkai/distributed/idle_checks")
        self.server.hdel(self.keys.workers, self.worker_id)
        self._last_busy_write = float("-inf")
        queued = len(self._queue) if self._queue is not None else 0
        busy = self.busy_workers()
        if queued or busy:
            # More work may come: the engine pulls from the shared queue on its next heartbeat.
            self._idle_since = None
            self._waiting = True
            self.stats.inc_value("gongkai/distributed/waited_for_frontier")
            raise DontCloseSpider
        self._waiting = True
        now = self.clock()
        if self._idle_since is None:
            self._idle_since = now
        if now - self._idle_since < self.idle_timeout:
            raise DontCloseSpider
        # The job's recheck waits for the same quiet period as a worker's stop: a request popped
        # by another worker just now is not on the queue nor yet marked busy.
        if self._queue_job_recheck(spider):
            self._idle_since = None
            raise DontCloseSpider
        logger.info("frontier %s idle for %.0f s: worker %s stops", self.keys.prefix,
                    now - self._idle_since, self.worker_id)
        self.stats.set_value("gongkai/distributed/stopped_idle", True)

    def spider_closed(self, spider, reason: str) -> None:
        self._waiting = False
        if self._poller is not None and self._poller.running:
            self._poller.stop()
        self.server.hdel(self.keys.workers, self.worker_id)

    def _register_runs(self) -> None:
        """Add this worker's run (and the crashed runs it resumes) to the job's registry, before
        its first request: what it captures must count as reached in the job's recheck."""
        if self._registered or self.archive is None or not self.archive.window:
            return
        self.server.sadd(self.keys.runs, *self.archive.window)
        self._registered = True

    def _queue_job_recheck(self, spider) -> bool:
        """Once per job, when the whole frontier is dry: queue the known reports no worker
        requested. True when this worker did (the crawl goes on)."""
        if not self.recheck or self._queue is None or not hasattr(spider, "recheck_request"):
            return False
        if not self.server.set(self.keys.recheck, self.worker_id, nx=True):
            return False
        self._mark_busy(force=True)  # others wait while the list is built
        runs = [int(r) for r in self.server.smembers(self.keys.runs)]
        urls = self.archive.recheck_urls(job_runs=runs)
        for url in urls:
            self._queue.push(spider.recheck_request(url))
        logger.info("job %s: %d known reports no worker reached, queued for a recheck (%d runs)",
                    self.keys.prefix, len(urls), len(runs))
        self.stats.set_value("gongkai/recheck/scheduled", len(urls))
        self.stats.set_value("gongkai/distributed/recheck_leader", True)
        return bool(urls)

    def busy_workers(self) -> list[str]:
        """Other workers that reported activity within ``busy_ttl`` seconds."""
        horizon = self.wall() - self.busy_ttl
        return [
            name.decode()
            for name, stamp in self.server.hgetall(self.keys.workers).items()
            if name.decode() != self.worker_id and float(stamp) >= horizon
        ]

    def _mark_busy(self, *, force: bool = False) -> None:
        now = self.clock()
        if not force and now - self._last_busy_write < BUSY_WRITE_INTERVAL:
            return
        self._last_busy_write = now
        self.server.hset(self.keys.workers, self.worker_id, repr(self.wall()))
