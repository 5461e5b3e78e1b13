"""Many workers, one frontier: gongkai on scrapy-redis.

With a Redis URL, a crawl swaps Scrapy's scheduler and duplicate filter for scrapy-redis's
(``scrapy_redis.scheduler.Scheduler``, ``scrapy_redis.dupefilter.RFPDupeFilter``), so every worker
process pulls requests from, and adds discoveries to, one shared priority queue, and a URL is
requested once per job whichever worker found it. Each worker keeps its own data directory (its
own WARC files and lock) and writes to the shared database.

scrapy-redis 0.9.1 works with Scrapy 2.19 through these two classes; what this module adds:

* ``SCHEDULER_PERSIST`` is forced on: scrapy-redis's scheduler deletes the queue and the
  fingerprint set when *its* spider closes, so the first worker to finish would wipe the frontier
  under the others. The keys live until ``clear_frontier`` (``gongkai seed --fresh``).
* Politeness per host across workers (:class:`HostGate` in :class:`GatedHTTPDownloadHandler`):
  Scrapy's download slots live in each process, so N workers would each keep ``DOWNLOAD_DELAY``
  and together hit a host N times as often. Before each fetch a worker takes the host's gate, a
  Redis key set with ``NX``, holds it until the answer is back, and leaves it for
  ``DOWNLOAD_DELAY`` more; other workers wait for it.
* Idle shutdown across workers (:class:`FrontierIdleShutdown`): scrapy-redis's own
  ``SCHEDULER_IDLE_BEFORE_CLOSE`` blocks the reactor in ``BRPOP`` and is ignored by its priority
  queue, and ``RedisSpider``'s ``MAX_IDLE_TIME_BEFORE_CLOSE`` only exists on its spider classes.
  A worker here stops once the shared queue is empty, no other worker has been busy within
  ``busy_ttl`` seconds, and that has held for ``idle_timeout`` seconds.
* Seeding (:func:`seed`) without a running spider: requests are built by the ``reports`` spider's
  own code path and pushed with the same queue and fingerprint classes; a worker that is also
  given the start URLs yields them, and the shared dupefilter drops them as already seen.
* The nightly recheck, once per job (:meth:`FrontierIdleShutdown.spider_idle`): a worker's own
  recheck would fetch everything the *other* workers reached. Each worker adds its run ids to
  ``<prefix>:runs``; the first worker to find the whole frontier dry takes ``<prefix>:recheck``
  (``SET NX``), lists the known reports that no run of the job requested, and queues them as
  recheck requests for all workers to share. Whoever fetches one judges it ``removed`` or
  ``unlisted`` in its own run.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.settings import Settings
from scrapy.utils.misc import load_object

from crawler.wire import WireDownloadHandler

logger = logging.getLogger(__name__)

REDIS_SCHEDULER = "scrapy_redis.scheduler.Scheduler"
REDIS_DUPEFILTER = "scrapy_redis.dupefilter.RFPDupeFilter"
REDIS_QUEUE = "scrapy_redis.queue.PriorityQueue"
IDLE_EXTENSION = "crawler.distributed.FrontierIdleShutdown"
GATED_HANDLER = "crawler.distributed.GatedHTTPDownloadHandler"
#: Host gates are shared by every job on the Redis server, not per frontier: two jobs that
#: crawl one portal must still space their requests to it.
HOST_GATE_PREFIX = "gongkai:host"
DEFAULT_PREFIX = "gongkai"
DEFAULT_IDLE_TIMEOUT = 30.0
#: A worker that has not reported activity for this long is presumed dead, not busy.
DEFAULT_BUSY_TTL = 60.0
#: At most one "I am busy" write to Redis per worker per this many seconds.
BUSY_WRITE_INTERVAL = 1.0
#: How often an idle worker looks at the shared queue. Scrapy's engine only polls its scheduler
#: again on its 5 s heartbeat once it went idle; requests other workers push meanwhile would wait.
POLL_INTERVAL = 0.25


class DistributedError(Exception):
    """Redis is unreachable or the frontier settings are unusable."""


@dataclass(frozen=True, slots=True)
class FrontierKeys:
    """The Redis keys of one job's frontier; every worker of the job uses the same prefix."""

    prefix: str

    @property
    def requests(self) -> str:
        return f"{self.prefix}:requests"

    @property
    def dupefilter(self) -> str:
        return f"{self.prefix}:dupefilter"

    @property
    def workers(self) -> str:
        return f"{self.prefix}:workers"

    @property
    def runs(self) -> str:
        """A set: the ``crawl_runs`` ids of the job's workers (and the runs they resume)."""
        return f"{self.prefix}:runs"

    @property
    def recheck(self) -> str:
        """Taken (``SET NX``) by the one worker that queues the job's recheck."""
        return f"{self.prefix}:recheck"

    def all(self) -> tuple[str, ...]:
        return (self.requests, self.dupefilter, self.workers, self.runs, self.recheck)


def frontier_keys(site: str, prefix: str | None = None) -> FrontierKeys:
    """``prefix`` as given, else ``gongkai:<site name>`` (one frontier per site)."""
    if prefix:
        return FrontierKeys(prefix)
    name = os.path.splitext(os.path.basename(str(site)))[0] or "default"
    return FrontierKeys(f"{DEFAULT_PREFIX}:{name}")


def default_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def distributed_settings(
    redis_url: str,
    *,
    keys: FrontierKeys,
    worker_id: str,
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
) -> dict[str, Any]:
    """The Scrapy settings that put one worker on the shared frontier."""
    if idle_timeout < 0:
        raise DistributedError(f"idle timeout must be >= 0 seconds, got {idle_timeout}")
    return {
        "SCHEDULER": REDIS_SCHEDULER,
        "DUPEFILTER_CLASS": REDIS_DUPEFILTER,
        "SCHEDULER_QUEUE_CLASS": REDIS_QUEUE,
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": False,
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,
        "REDIS_URL": redis_url,
        "GONGKAI_REDIS_PREFIX": keys.prefix,
        "GONGKAI_IDLE_TIMEOUT": idle_timeout,
        "GONGKAI_WORKER_ID": worker_id,
        "GONGKAI_RECHECK_SHARED": True,
    }


def apply_distributed(
    settings: Settings,
    redis_url: str,
    *,
    site: str,
    worker_id: str | None = None,
    prefix: str | None = None,
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
) -> str:
    """Switch ``settings`` to the shared frontier (checks Redis first); returns the worker id.

    User ``-s`` settings already in ``settings`` at cmdline priority win over these defaults,
    except the scheduler and dupefilter classes, which are the point of the switch.
    """
    worker = worker_id or settings.get("GONGKAI_WORKER_ID") or default_worker_id()
    keys = frontier_keys(site, prefix or settings.get("GONGKAI_REDIS_PREFIX") or None)
    ping(redis_url)
    values = distributed_settings(redis_url, keys=keys, worker_id=worker, idle_timeout=idle_timeout)
    for name, value in values.items():
        forced = name in ("SCHEDULER", "DUPEFILTER_CLASS", "SCHEDULER_PERSIST", "REDIS_URL")
        if forced or settings.getpriority(name) is None or settings.getpriority(name) < 40:
            settings.set(name, value, priority="cmdline")
    extensions = settings.getdict("EXTENSIONS")  # set() would replace the project's dict
    extensions[IDLE_EXTENSION] = 200
    settings.set("EXTENSIONS", extensions, priority="cmdline")
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    handlers.update({"http": GATED_HANDLER, "https": GATED_HANDLER})
    settings.set("DOWNLOAD_HANDLERS", handlers, priority="cmdline")
    return worker


def redis_client(redis_url: str):
    import redis

    return redis.Redis.from_url(redis_url, socket_connect_timeout=5, socket_timeout=30)


def ping(redis_url: str) -> None:
    try:
        redis_client(redis_url).ping()
    except Exception as exc:  # redis raises several unrelated classes for a bad URL or host
        raise DistributedError(f"cannot reach Redis at {redis_url}: {exc}") from exc


# seeding -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeedResult:
    prefix: str
    queued: tuple[str, ...]
    already_seen: tuple[str, ...]
    queue_length: int


def seed(
    redis_url: str,
    start_urls: Iterable[str],
    *,
    site: str = "renshou",
    prefix: str | None = None,
    fresh: bool = False,
) -> SeedResult:
    """Put start URLs on the shared frontier (once: a URL already seen is not queued again).

    With ``fresh``, the previous job's queue, fingerprints, worker table, run registry and
    recheck mark are deleted first: a nightly run starts from a new frontier, or every URL of
    last night would count as seen.
    """
    from scrapy_redis.dupefilter import RFPDupeFilter
    from scrapy_redis.queue import PriorityQueue

    from crawler.spiders.reports import ReportsSpider

    keys = frontier_keys(site, prefix)
    server = redis_client(redis_url)
    ping(redis_url)
    if fresh:
        clear_frontier(redis_url, keys)
    spider = ReportsSpider(site=site)
    queue = PriorityQueue(server, spider, keys.requests)
    seen = RFPDupeFilter(server, keys.dupefilter)
    queued, already = [], []
    for url in start_urls:
        request = spider.start_request(url)
        if seen.request_seen(request):
            already.append(url)
            continue
        queue.push(request)
        queued.append(url)
    return SeedResult(keys.prefix, tuple(queued), tuple(already), len(queue))


def clear_frontier(redis_url: str, keys: FrontierKeys) -> int:
    """Delete a job's frontier keys; returns how many existed."""
    return int(redis_client(redis_url).delete(*keys.all()))


def frontier_status(redis_url: str, keys: FrontierKeys) -> Mapping[str, Any]:
    """Queue length, fingerprints seen and the workers' last activity (for operators)."""
    server = redis_client(redis_url)
    workers = {k.decode(): float(v) for k, v in server.hgetall(keys.workers).items()}
    return {
        "prefix": keys.prefix,
        "queued": int(server.zcard(keys.requests)),
        "seen": int(server.scard(keys.dupefilter)),
        "workers": workers,
    }


# idle shutdown -------------------------------------------------------------------------------


class FrontierIdleShutdown:
    """Keep an idle worker alive while the shared frontier may still grow; stop it once the
    queue has been empty and every other worker idle for ``idle_timeout`` seconds.

    Each worker keeps ``<prefix>:workers`` (a hash: worker id -> wall time of its last activity)
    up to date while it downloads, and deletes its entry when it goes idle or closes. A worker
    that died holding an entry stops counting as busy after ``busy_ttl`` seconds.
    """

    def __init__(
        self,
        crawler,
        server,
        *,
        keys: FrontierKeys,
        worker_id: str,
        idle_timeout: float,
        busy_ttl: float = DEFAULT_BUSY_TTL,
        queue_cls: str = REDIS_QUEUE,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        recheck: bool = False,
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
        #: GONGKAI_ARCHIVE_EXTENSION (extensions are all built by then).
        self.archive = None
        self.recheck = recheck
        self._registered = False

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        redis_url = s.get("REDIS_URL")
        if not redis_url or s.get("SCHEDULER") != REDIS_SCHEDULER:
            raise NotConfigured("not a distributed crawl (REDIS_URL and the scrapy-redis SCHEDULER unset)")
        prefix = s.get("GONGKAI_REDIS_PREFIX")
        if not prefix:
            raise NotConfigured("GONGKAI_REDIS_PREFIX is empty")
        timeout = s.getfloat("GONGKAI_IDLE_TIMEOUT", DEFAULT_IDLE_TIMEOUT)
        if timeout < 0:
            raise NotConfigured(f"GONGKAI_IDLE_TIMEOUT={timeout} must be >= 0")
        ext = cls(
            crawler,
            redis_client(redis_url),
            keys=FrontierKeys(prefix),
            worker_id=s.get("GONGKAI_WORKER_ID") or default_worker_id(),
            idle_timeout=timeout,
            busy_ttl=s.getfloat("GONGKAI_BUSY_TTL", DEFAULT_BUSY_TTL),
            queue_cls=s.get("SCHEDULER_QUEUE_CLASS") or REDIS_QUEUE,
            recheck=s.getbool("GONGKAI_RECHECK", True) and s.getbool("GONGKAI_RECHECK_SHARED"),
        )
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.request_started, signal=signals.request_reached_downloader)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        from twisted.internet.task import LoopingCall

        archive_ext = self.crawler.settings.get("GONGKAI_ARCHIVE_EXTENSION")
        if self.recheck and archive_ext:
            self.archive = self.crawler.get_extension(load_object(archive_ext)).archive
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


# politeness ----------------------------------------------------------------------------------


class HostGate:
    """One request at a time to a host, and ``delay`` seconds between the end of one and the
    start of the next, summed over every worker on the Redis server.

    The gate of ``host[:port]`` is the key ``gongkai:host:<host>``. A worker takes it with
    ``SET NX`` as a lease (``lease`` seconds at most, so a worker that dies does not hold it for
    ever), sends its request, and when the answer (or an error) is back, shortens the lease to
    ``delay``. Holding it until the answer is what keeps the spacing on the wire: a worker whose
    reactor is busy (cleaning a page) may put its request on the socket well after it took the
    gate, and a gate that only lasted ``delay`` from the taking would let the next worker's
    request out at the same moment. Waiting workers look again every ``poll`` seconds.
    """

    #: Shorten the lease to the delay only if this worker still holds it (it may have expired).
    _RELEASE = (
        "if redis.call('get', KEYS[1]) == ARGV[1] then "
        "return redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) else return 0 end"
    )

    def __init__(self, server, *, delay: float, lease: float = 180.0, stats=None,
                 prefix: str = HOST_GATE_PREFIX, worker_id: str = ""):
        self.server = server
        self.delay_ms = max(int(delay * 1000), 1)
        self.lease_ms = max(int(lease * 1000), self.delay_ms)
        self.poll = min(max(delay / 5, 0.01), 0.25)
        self.stats = stats
        self.prefix = prefix
        self.worker_id = worker_id or default_worker_id()
        self._release = server.register_script(self._RELEASE)

    def key(self, url: str) -> str:
        return f"{self.prefix}:{urlsplit(url).netloc.lower()}"

    def try_take(self, url: str, token: str) -> bool:
        """Take the host's gate for ``url`` under ``token``; False while another holds it."""
        return bool(self.server.set(self.key(url), token, nx=True, px=self.lease_ms))

    def release(self, url: str, token: str) -> None:
        """The request is answered: keep the gate for ``delay`` more, then it is free."""
        self._release(keys=[self.key(url)], args=[token, self.delay_ms])

    async def take(self, url: str) -> str:
        """Wait until this worker holds the host's gate; returns the token to release it with."""
        from scrapy.utils.defer import deferred_to_future
        from twisted.internet import reactor
        from twisted.internet.task import deferLater

        token = f"{self.worker_id}:{uuid.uuid4().hex}"
        while not self.try_take(url, token):
            if self.stats is not None:
                self.stats.inc_value("gongkai/distributed/host_gate_waits")
            await deferred_to_future(deferLater(reactor, self.poll, lambda: None))
        return token


class GatedHTTPDownloadHandler(WireDownloadHandler):
    """The wire-capturing HTTP/1.1 handler (:mod:`crawler.wire`) behind a :class:`HostGate`.

    The gate sits in the download handler, not in a downloader middleware: middlewares run
    before the request joins its download slot, where the worker's own ``DOWNLOAD_DELAY`` and
    concurrency may hold it longer, so spacing taken there would not be the spacing on the wire.
    The handler runs when the slot releases the request. The worker's own delay (and
    AutoThrottle) still applies first; the gate adds the spacing between workers. Without a
    distributed crawl or with ``DOWNLOAD_DELAY`` 0 it is the plain handler.
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        s = crawler.settings
        delay = s.getfloat("DOWNLOAD_DELAY")
        self.gate = None
        if s.get("REDIS_URL") and delay > 0:
            self.gate = HostGate(redis_client(s.get("REDIS_URL")), delay=delay, stats=crawler.stats,
                                 lease=s.getfloat("DOWNLOAD_TIMEOUT", 180.0) + delay,
                                 prefix=s.get("GONGKAI_HOST_GATE_PREFIX") or HOST_GATE_PREFIX,
                                 worker_id=s.get("GONGKAI_WORKER_ID") or "")

    async def download_request(self, request, *args, **kwargs):
        if self.gate is None:
            return await super().download_request(request, *args, **kwargs)
        token = await self.gate.take(request.url)
        try:
            return await super().download_request(request, *args, **kwargs)
        finally:
            self.gate.release(request.url, token)
