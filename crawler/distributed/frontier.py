"""The shared frontier: the settings that put a worker on it, its Redis keys, and seeding it
(see ``crawler.distributed`` for how the workers share it)."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scrapy.settings import Settings

REDIS_SCHEDULER = "scrapy_redis.scheduler.Scheduler"
REDIS_DUPEFILTER = "scrapy_redis.dupefilter.RFPDupeFilter"
REDIS_QUEUE = "scrapy_redis.queue.PriorityQueue"
IDLE_EXTENSION = "crawler.distributed.idle.FrontierIdleShutdown"
GATED_HANDLER = "crawler.distributed.gate.GatedHTTPDownloadHandler"
DEFAULT_PREFIX = "gongkai"


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
    idle_timeout: float | None = None,
) -> dict[str, Any]:
    """The Scrapy settings that put one worker on the shared frontier (``idle_timeout`` None:
    GONGKAI_IDLE_TIMEOUT as the settings have it)."""
    if idle_timeout is not None and idle_timeout < 0:
        raise DistributedError(f"idle timeout must be >= 0 seconds, got {idle_timeout}")
    values = {
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
        "GONGKAI_WORKER_ID": worker_id,
        "GONGKAI_RECHECK_SHARED": True,
    }
    if idle_timeout is not None:
        values["GONGKAI_IDLE_TIMEOUT"] = idle_timeout
    return values


def apply_distributed(
    settings: Settings,
    redis_url: str,
    *,
    site: str,
    worker_id: str | None = None,
    prefix: str | None = None,
    idle_timeout: float | None = None,
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
