"""Scrapy extension that opens the crawl's archive (WARC writer + database + run row).

The capture middleware and the item pipeline reach the archive through this extension (the
pipeline finds the class through the ``GONGKAI_ARCHIVE_EXTENSION`` setting, so ``pipelines/``
never imports ``crawler/``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archive.crawlarchive import ArchiveConfig, CrawlArchive
from archive.db import default_url
from crawler import __version__

logger = logging.getLogger(__name__)

SOFTWARE = f"gongkai/{__version__}"
MIN_WARC_SIZE = 1_000_000


class ArchiveExtension:
    def __init__(self, archive: CrawlArchive, stats):
        self.archive = archive
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        data_dir = Path(s.get("GONGKAI_DATA_DIR") or "gongkai-data")
        max_size = s.getint("GONGKAI_WARC_MAX_SIZE")
        if max_size < MIN_WARC_SIZE:
            raise NotConfigured(
                f"GONGKAI_WARC_MAX_SIZE={max_size} is too small (minimum {MIN_WARC_SIZE} bytes)"
            )
        config = ArchiveConfig(
            data_dir=data_dir,
            db_url=s.get("GONGKAI_DB_URL") or default_url(data_dir),
            software=SOFTWARE,
            warc_max_size=max_size,
            warc_fsync=s.getbool("GONGKAI_WARC_FSYNC"),
            warc_prefix=s.get("GONGKAI_WARC_PREFIX") or "gongkai",
            worker_id=s.get("GONGKAI_WORKER_ID") or None,
            operator=s.get("GONGKAI_OPERATOR") or "",
            user_agent=s.get("USER_AGENT") or "",
            robots_obey=s.getbool("ROBOTSTXT_OBEY"),
            site=s.get("GONGKAI_SITE") or "",
        )
        ext = cls(CrawlArchive(config), crawler.stats)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        profile = getattr(spider, "profile", None)
        run_id = self.archive.open(getattr(profile, "start_urls", ()) or ())
        self.stats.set_value("gongkai/run_id", run_id)

    def spider_closed(self, spider, reason: str) -> None:
        counts = self.archive.counts
        self.stats.set_value("gongkai/warc/records", counts["records"])
        self.stats.set_value("gongkai/warc/bytes", counts["bytes"])
        self.stats.set_value("gongkai/captures", counts["captures"])
        self.stats.set_value("gongkai/fetch_errors", counts["errors"])
        self.archive.close(reason=reason, stats=self.stats.get_stats())
