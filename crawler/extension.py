"""Scrapy extension that opens the crawl's archive (WARC writer + database + run row).

The capture middleware and the item pipeline reach the archive through this extension (the
pipeline finds the class through the ``GONGKAI_ARCHIVE_EXTENSION`` setting, so ``pipelines/``
never imports ``crawler/``). When the crawl runs dry it asks the spider to recheck the reports
known from earlier runs that this run did not reach, so deletions and unlisted pages are noticed.

It is the first component a crawl builds, so it checks every gongkai setting there
(``crawler.config``): a bad value stops the crawl before anything starts, with a message that
names it. Under ``scrapy crawl`` (no runner holding it) it takes the data directory's lock when
the spider opens.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from twisted.internet import task

from archive.runs.crawlarchive import ArchiveConfig, CrawlArchive
from archive.runs.lock import CrawlLock, LockHeld
from archive.sql.engine import default_url
from crawler import __version__
from crawler.config import check_settings, read

logger = logging.getLogger(__name__)

SOFTWARE = f"gongkai/{__version__}"


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
        check_settings(s)
        data_dir = Path(read(s, "GONGKAI_DATA_DIR"))
        worker_id = read(s, "GONGKAI_WORKER_ID") or None
        config = ArchiveConfig(
            data_dir=data_dir,
            db_url=read(s, "GONGKAI_DB_URL") or default_url(data_dir),
            software=SOFTWARE,
            warc_max_size=read(s, "GONGKAI_WARC_MAX_SIZE"),
            warc_fsync=read(s, "GONGKAI_WARC_FSYNC"),
            warc_prefix=read(s, "GONGKAI_WARC_PREFIX"),
            worker_id=worker_id,
            operator=read(s, "GONGKAI_OPERATOR"),
            user_agent=s.get("USER_AGENT") or "",
            robots_obey=s.getbool("ROBOTSTXT_OBEY"),
            site=read(s, "GONGKAI_SITE"),
            resume_hours=read(s, "GONGKAI_RESUME_HOURS"),
            warc_gzip_level=read(s, "GONGKAI_WARC_GZIP_LEVEL"),
            capture_batch=read(s, "GONGKAI_CAPTURE_BATCH"),
            capture_batch_seconds=read(s, "GONGKAI_CAPTURE_BATCH_SECONDS"),
        )
        # `gongkai crawl` takes the lock before starting Scrapy; `scrapy crawl` leaves it to us.
        lock = None if read(s, "GONGKAI_LOCK_HELD") else CrawlLock(data_dir, worker_id)
        # On a shared frontier the recheck is the job's, not the worker's: crawler.distributed
        # runs it once, when every worker has run dry (GONGKAI_RECHECK_SHARED).
        recheck = read(s, "GONGKAI_RECHECK") and not read(s, "GONGKAI_RECHECK_SHARED")
        ext = cls(CrawlArchive(config), crawler, recheck=recheck, lock=lock)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        profile = getattr(spider, "profile", None)
        try:
            if self.lock is not None:
                self.lock.acquire()
            run_id = self.archive.open(getattr(profile, "start_urls", ()) or ())
        except LockHeld as exc:
            self.lock = None  # not ours to release
            logger.error("%s", exc)
            self.crawler.engine.close_spider(spider, "locked")
            raise
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
