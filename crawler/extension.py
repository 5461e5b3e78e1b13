"""Scrapy extension that opens the crawl's archive (WARC writer + database + run row).

The capture middleware and the item pipeline reach the archive through this extension (the
pipeline finds the class through the ``GONGKAI_ARCHIVE_EXTENSION`` setting, so ``pipelines/``
never imports ``crawler/``). When the crawl runs dry it asks the spider to recheck the reports
known from earlier runs that this run did not reach, so deletions and unlisted pages are noticed.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy import signals
from twisted.internet import task
from scrapy.exceptions import DontCloseSpider, NotConfigured

from archive.crawlarchive import ArchiveConfig, CrawlArchive
from archive.db import default_url
from archive.lock import CrawlLock
from crawler import __version__

logger = logging.getLogger(__name__)

SOFTWARE = f"gongkai/{__version__}"
MIN_WARC_SIZE = 1_000_000


class ArchiveExtension:
    def __init__(self, archive: CrawlArchive, crawler, *, recheck: bool = True, lock: CrawlLock | None = None):
        self.archive = archive
        self.crawler = crawler
        self.stats = crawler.stats
        self.recheck = recheck
        self.lock = lock
        self._rechecked = False
        self._batch_timer: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        data_dir = Path(s.get("GONGKAI_DATA_DIR") or "gongkai-data")
        max_size = s.getint("GONGKAI_WARC_MAX_SIZE")
        if max_size < MIN_WARC_SIZE:
            raise NotConfigured(
                f"GONGKAI_WARC_MAX_SIZE={max_size} is too small (minimum {MIN_WARC_SIZE} bytes)"
            )
        worker_id = s.get("GONGKAI_WORKER_ID") or None
        config = ArchiveConfig(
            data_dir=data_dir,
            db_url=s.get("GONGKAI_DB_URL") or default_url(data_dir),
            software=SOFTWARE,
            warc_max_size=max_size,
            warc_fsync=s.getbool("GONGKAI_WARC_FSYNC"),
            warc_prefix=s.get("GONGKAI_WARC_PREFIX") or "gongkai",
            worker_id=worker_id,
            operator=s.get("GONGKAI_OPERATOR") or "",
            user_agent=s.get("USER_AGENT") or "",
            robots_obey=s.getbool("ROBOTSTXT_OBEY"),
            site=s.get("GONGKAI_SITE") or "",
            resume_hours=s.getfloat("GONGKAI_RESUME_HOURS", 20.0),
            warc_gzip_level=s.getint("GONGKAI_WARC_GZIP_LEVEL", 6),
            capture_batch=s.getint("GONGKAI_CAPTURE_BATCH", 100),
            capture_batch_seconds=s.getfloat("GONGKAI_CAPTURE_BATCH_SECONDS", 1.0),
        )
        if config.capture_batch < 1 or config.capture_batch_seconds <= 0:
            raise NotConfigured(
                f"GONGKAI_CAPTURE_BATCH={config.capture_batch} and GONGKAI_CAPTURE_BATCH_SECONDS="
                f"{config.capture_batch_seconds} must be positive"
            )
        if not 1 <= config.warc_gzip_level <= 9:
            raise NotConfigured(f"GONGKAI_WARC_GZIP_LEVEL={config.warc_gzip_level} must be 1 to 9")
        lock = None
        if not s.getbool("GONGKAI_LOCK_HELD"):
            # `scrapy crawl reports` path: `gongkai crawl` takes the lock before starting Scrapy.
            lock = CrawlLock(data_dir, worker_id)
            lock.acquire()
        # On a shared frontier the recheck is the job's, not the worker's: crawler.distributed
        # runs it once, when every worker has run dry (GONGKAI_RECHECK_SHARED).
        recheck = s.getbool("GONGKAI_RECHECK", True) and not s.getbool("GONGKAI_RECHECK_SHARED")
        ext = cls(CrawlArchive(config), crawler, recheck=recheck, lock=lock)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        profile = getattr(spider, "profile", None)
        try:
            run_id = self.archive.open(getattr(profile, "start_urls", ()) or ())
        except Exception:
            # Without its archive a crawl would fetch and keep nothing: stop before the first request.
            logger.exception("cannot open the archive in %s; stopping", self.archive.config.data_dir)
            self.crawler.engine.close_spider(spider, "archive_unavailable")
            raise
        self.stats.set_value("gongkai/run_id", run_id)
        # Capture rows wait at most GONGKAI_CAPTURE_BATCH_SECONDS, even when the crawl goes quiet.
        self._batch_timer = task.LoopingCall(self.archive.batch.commit_due)
        self._batch_timer.start(self.archive.batch.seconds, now=False)
        if self.archive.repairs:
            self.stats.set_value("gongkai/warc/repaired_files", len(self.archive.repairs))
        if len(self.archive.window) > 1:
            self.stats.set_value("gongkai/resumes_run", self.archive.window[1])

    def spider_idle(self, spider) -> None:
        if self._rechecked or not self.recheck or not hasattr(spider, "recheck_request"):
            return
        self._rechecked = True
        urls = self.archive.recheck_urls()
        if not urls:
            return
        logger.info("rechecking %d known reports this run did not reach", len(urls))
        self.stats.set_value("gongkai/recheck/scheduled", len(urls))
        for url in urls:
            self.crawler.engine.crawl(spider.recheck_request(url))
        raise DontCloseSpider

    def spider_closed(self, spider, reason: str) -> None:
        if self._batch_timer is not None and self._batch_timer.running:
            self._batch_timer.stop()
        if self.archive.batch is not None:
            self.stats.set_value("gongkai/capture/batch_commits", self.archive.batch.commits)
        counts = self.archive.counts
        self.stats.set_value("gongkai/warc/records", counts["records"])
        self.stats.set_value("gongkai/warc/bytes", counts["bytes"])
        self.stats.set_value("gongkai/captures", counts["captures"])
        self.stats.set_value("gongkai/fetch_errors", counts["errors"])
        self.stats.set_value("gongkai/not_modified", counts["not_modified"])
        self.stats.set_value("gongkai/revisits", counts["revisits"])
        events = self.archive.close(reason=reason, stats=self.stats.get_stats())
        for name, count in events.items():
            self.stats.set_value(f"gongkai/events/{name}", count)
        if self.lock is not None:
            self.lock.release()
