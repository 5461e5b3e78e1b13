"""Politeness per host across workers: a gate in Redis, taken around each download
(``crawler.distributed``)."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from crawler.config import read
from crawler.distributed.frontier import default_worker_id, redis_client
from crawler.wire import WireDownloadHandler


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

    def __init__(self, server, *, delay: float, prefix: str, lease: float = 180.0, stats=None,
                 worker_id: str = ""):
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
    distributed crawl or with ``DOWNLOAD_DELAY`` 0 it is the wire handler alone.
    """

    def __init__(self, crawler, *, gate: HostGate | None = None):
        super().__init__(crawler)
        self.gate = gate

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        delay = s.getfloat("DOWNLOAD_DELAY")
        gate = None
        if s.get("REDIS_URL") and delay > 0:
            gate = HostGate(redis_client(s.get("REDIS_URL")), delay=delay, stats=crawler.stats,
                            lease=s.getfloat("DOWNLOAD_TIMEOUT", 180.0) + delay,
                            prefix=read(s, "GONGKAI_HOST_GATE_PREFIX"),
                            worker_id=read(s, "GONGKAI_WORKER_ID"))
        return cls(crawler, gate=gate)

    async def download_request(self, request, *args, **kwargs):
        if self.gate is None:
            return await super().download_request(request, *args, **kwargs)
        token = await self.gate.take(request.url)
        try:
            return await super().download_request(request, *args, **kwargs)
        finally:
            self.gate.release(request.url, token)
