"""Scrapy settings for gongkai, and every gongkai setting with its default (``GONGKAI_*``).

This module is the one place a setting is defaulted: components read their settings in
``from_crawler`` through ``crawler.config`` (typed, checked, one line naming a bad value), and
``docs/configuration.md`` documents each one (a test keeps the two in step).
"""

from crawler import __version__

BOT_NAME = "gongkai"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Politeness: robots.txt, AutoThrottle, a descriptive User-Agent with a contact address.
ROBOTSTXT_OBEY = True
GONGKAI_CONTACT = "https://github.com/gongkai-archive/gongkai"
# Bot convention (name/version, then "+" and a page that says who runs it and why). It is
# kept short because every request record of every nightly run repeats it.
USER_AGENT = f"gongkai/{__version__} (+{GONGKAI_CONTACT})"
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_DELAY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# What one callback's output is processed with, at once. Scrapy (2.13+) starts this many asyncio
# tasks for every response however little the callback yields; at its default of 100 that was
# 0.77 ms of CPU a response (4 tasks: 0.13 ms). A callback here yields at most one item and a
# page's links, and the item pipeline does not wait on anything.
CONCURRENT_ITEMS = 4
DOWNLOAD_TIMEOUT = 60
RETRY_TIMES = 3
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Size limits, on the wire and after decompression: HttpCompressionMiddleware applies the same
# cap to the inflated body, so a gzip bomb is refused (its compressed bytes stay in the WARC).
# Report pages are a few hundred KB; a larger body on the wire is a failed fetch in `captures`.
# See docs/reliability.md.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
LOG_LEVEL = "INFO"

# Breadth-first: listings before deep prev/next chains keeps memory flat on big sites.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

DOWNLOADER_MIDDLEWARES = {
    # Retries wait (exponential backoff) instead of re-sending at once to a failing server.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.retry.BackoffRetryMiddleware": 550,
    # Above HttpCompressionMiddleware (590) and every header-adding middleware, so it sees the
    # request as sent and the response body as received, before decompression and decoding.
    "crawler.capture.WarcCaptureMiddleware": 950,
}

# Wire-exact capture (crawler/wire.py): Scrapy's HTTP/1.1 handler with a tee on each connection,
# so WARC records hold the bytes sent and received, not a rebuild from Scrapy's objects.
DOWNLOAD_HANDLERS = {
    "http": "crawler.wire.WireDownloadHandler",
    "https": "crawler.wire.WireDownloadHandler",
}

EXTENSIONS = {
    # No control port: a crawler of government sites listens on nothing.
    "scrapy.extensions.remote_control.RemoteControl": None,
    "crawler.extension.ArchiveExtension": 100,
}

ITEM_PIPELINES = {
    "pipelines.store.ReportStorePipeline": 300,
}

FEED_EXPORT_ENCODING = "utf-8"

# ---------------------------------------------------------------- gongkai (docs/configuration.md)

# The archive: where it is, what the WARC files are called, how big they grow.
GONGKAI_DATA_DIR = "gongkai-data"
GONGKAI_DB_URL = ""  # default: the SQLite file DATA_DIR/gongkai.sqlite
GONGKAI_WARC_MAX_SIZE = 1_000_000_000
GONGKAI_WARC_FSYNC = False
GONGKAI_WARC_PREFIX = "gongkai"
# zlib level of each record's gzip member (1-9). 6 (zlib's default) deflates replica pages to
# within 1 % of 9 at about half the CPU time.
GONGKAI_WARC_GZIP_LEVEL = 6
GONGKAI_OPERATOR = ""
GONGKAI_ARCHIVE_EXTENSION = "crawler.extension.ArchiveExtension"

# What to crawl (gongkai crawl sets them from --site and --start-url).
GONGKAI_SITE = "renshou"
GONGKAI_START_URLS: list[str] = []

# Fetching: retries wait, known reports are asked for with their validators.
GONGKAI_RETRY_BACKOFF_BASE = 1.0
GONGKAI_RETRY_BACKOFF_MAX = 60.0
GONGKAI_CONDITIONAL_REQUESTS = True

# Capturing: capture rows per transaction, and the longest a row waits for its batch
# (archive/sql/capturebatch.py). Every WARC record is on disk before its row commits; a kill
# loses at most one batch of rows. Each exchange's records are built and appended in the
# reactor's thread pool (compression and digests release the GIL), its row added back on the
# reactor thread; False: all on the reactor thread.
GONGKAI_CAPTURE_BATCH = 100
GONGKAI_CAPTURE_BATCH_SECONDS = 1.0
GONGKAI_CAPTURE_THREADS = True

# Nightly runs: a crashed run is resumed within this many hours; known reports the run did not
# reach are fetched once more at its end.
GONGKAI_RESUME_HOURS = 20.0
GONGKAI_RECHECK = True

# Cleaning and storing (pipelines/siterun.py): how many of the site's pages teach the cleaner,
# worker processes ("auto": one per core but one; 0: in the crawl's own process), and report
# versions stored per transaction. Versions are made once everything is fetched, from the WARC
# records: a killed crawl has stored none, and the next run (or gongkai reprocess) makes them.
GONGKAI_CONTEXT_TEXTS = 5000
GONGKAI_PROCESS_WORKERS = "auto"
GONGKAI_STORE_BATCH = 20

# Many workers on one Redis frontier (gongkai crawl --redis-url sets the first three).
GONGKAI_WORKER_ID = ""
GONGKAI_REDIS_PREFIX = ""
GONGKAI_IDLE_TIMEOUT = 30.0
GONGKAI_BUSY_TTL = 60.0
GONGKAI_HOST_GATE_PREFIX = "gongkai:host"

# Set by the crawl itself, not by users: the runner holds the data dir's lock; the job's workers
# share one recheck.
GONGKAI_LOCK_HELD = False
GONGKAI_RECHECK_SHARED = False
