"""The benchmark's baseline: the ``reports`` spider with nothing behind it.

Same link following as ``gongkai crawl`` (it *is* the reports spider and its site profile), same
politeness settings, robots.txt obeyed, but no WARC capture middleware, no archive extension, no
item pipeline: no cleaning, extraction, SQL or disk writes. Prints one JSON line of results.

Run: ``python bench/bare_spider.py http://127.0.0.1:8080/ [--site renshou]``
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.spiders.reports import ReportsSpider

#: The same values as ``crawler.runner.FAST_SETTINGS`` (what the benchmark passes to gongkai);
#: not imported from there, which would load SQLAlchemy and Alembic into the baseline's memory.
FAST_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "RETRY_TIMES": "1",
}


def bare_settings() -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(
        {
            **FAST_SETTINGS,
            "LOG_LEVEL": "WARNING",
            "ITEM_PIPELINES": {},
            "DOWNLOADER_MIDDLEWARES": {},
            "DOWNLOAD_HANDLERS": {},  # Scrapy's own HTTP/1.1 handler, no wire tee
            "EXTENSIONS": {"scrapy.extensions.remote_control.RemoteControl": None},
        },
        priority="cmdline",
    )
    return settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--site", default="renshou")
    args = parser.parse_args(argv)
    began = time.monotonic()
    process = CrawlerProcess(bare_settings())
    crawler = process.create_crawler(ReportsSpider)
    process.crawl(crawler, start_url=args.url, site=args.site)
    process.start()
    stats = crawler.stats.get_stats()
    print(json.dumps({
        "pages": stats.get("response_received_count", 0),
        "seconds": time.monotonic() - began,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "finish_reason": stats.get("finish_reason"),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
