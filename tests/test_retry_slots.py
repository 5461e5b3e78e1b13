"""Retry backoff must not hold download slots: with many failing URLs and few slots, the good
pages go through while the retries wait (crawler.retry)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.rawserver import RawServer

pytestmark = pytest.mark.e2e

FAILING = 24
GOOD = 24
BACKOFF = 1.0

SPIDER = """
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

base, failing, good = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

class Probe(scrapy.Spider):
    name = "probe"
    async def start(self):
        for n in range(failing):  # the failing URLs first, so they take every slot
            yield scrapy.Request(f"{base}/fail/{n}", callback=self.ok, priority=10)
        for n in range(good):
            yield scrapy.Request(f"{base}/good/{n}", callback=self.ok)
    def ok(self, response):
        pass

settings = Settings()
settings.setmodule("crawler.settings", priority="project")
settings.setdict({
    "CONCURRENT_REQUESTS": 4, "CONCURRENT_REQUESTS_PER_DOMAIN": 4, "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False, "ROBOTSTXT_OBEY": False, "RETRY_TIMES": 2,
    "GONGKAI_RETRY_BACKOFF_BASE": %r, "ITEM_PIPELINES": {}, "LOG_LEVEL": "WARNING",
    "EXTENSIONS": {"scrapy.extensions.remote_control.RemoteControl": None},
    "DOWNLOADER_MIDDLEWARES": {"scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
                               "crawler.retry.BackoffRetryMiddleware": 550},
    "DOWNLOAD_HANDLERS": {},
}, priority="cmdline")
process = CrawlerProcess(settings)
crawler = process.create_crawler(Probe)
process.crawl(crawler)
process.start()
print(json.dumps({k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, (int, float, str))}))
""" % BACKOFF


def responses() -> dict[str, bytes]:
    fail = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy"
    good = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nok"
    out = {f"/fail/{n}": fail for n in range(FAILING)}
    out.update({f"/good/{n}": good for n in range(GOOD)})
    return out


@pytest.fixture(scope="module")
def run():
    with RawServer(responses=responses()) as server:
        result = subprocess.run([sys.executable, "-c", SPIDER, server.url, str(FAILING), str(GOOD)],
                                capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        assert result.returncode == 0, result.stderr[-3000:]
        return {"log": list(server.log), "stats": json.loads(result.stdout.strip().splitlines()[-1])}


def test_good_pages_are_not_held_up_by_waiting_retries(run):
    log = run["log"]
    seen: set[str] = set()
    first_retry = None
    for when, target in log:
        if target in seen and target.startswith("/fail/"):
            first_retry = when
            break
        seen.add(target)
    last_good = max(when for when, target in log if target.startswith("/good/"))
    assert first_retry is not None
    # Every good page was served before the first retry went out: no slot waited out a backoff.
    assert last_good < first_retry


def test_every_failing_url_is_retried_after_its_backoff(run):
    log = run["log"]
    for n in range(FAILING):
        times = [when for when, target in log if target == f"/fail/{n}"]
        assert len(times) == 3  # RETRY_TIMES + 1
        assert times[1] - times[0] >= BACKOFF * 0.9 and times[2] - times[1] >= 2 * BACKOFF * 0.9
    stats = run["stats"]
    assert stats["retry/max_reached"] == FAILING
    assert stats["gongkai/retry/parked"] == 2 * FAILING
    assert stats["finish_reason"] == "finished"


def test_waiting_retries_overlap(run):
    """All the retries wait at once: the whole crawl takes about the two backoffs, not the
    failing URLs times the backoffs over the slots (24 / 4 x 3 s = 18 s)."""
    log = run["log"]
    span = log[-1][0] - log[0][0]
    assert span < 3 * BACKOFF + 3
