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
* Politeness per host across workers (``gate``: :class:`HostGate` in
  :class:`GatedHTTPDownloadHandler`; host gates are shared by every job on the Redis server,
  not per frontier: two jobs that crawl one portal must still space their requests to it):
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

Modules: ``frontier`` (settings, Redis keys, seeding), ``idle`` (the idle shutdown and the job's
recheck, a Scrapy extension) and ``gate`` (the per-host gate, a download handler).
"""

from crawler.distributed.frontier import (
    GATED_HANDLER,
    IDLE_EXTENSION,
    REDIS_DUPEFILTER,
    REDIS_QUEUE,
    REDIS_SCHEDULER,
    DistributedError,
    FrontierKeys,
    SeedResult,
    apply_distributed,
    clear_frontier,
    frontier_keys,
    frontier_status,
    ping,
    seed,
)

__all__ = [
    "GATED_HANDLER",
    "IDLE_EXTENSION",
    "REDIS_DUPEFILTER",
    "REDIS_QUEUE",
    "REDIS_SCHEDULER",
    "DistributedError",
    "FrontierKeys",
    "SeedResult",
    "apply_distributed",
    "clear_frontier",
    "frontier_keys",
    "frontier_status",
    "ping",
    "seed",
]
