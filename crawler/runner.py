"""Run one crawl in this process: settings from the module, the site profile and the user.

``prepare_crawl`` checks everything a user can get wrong before anything starts (start URLs,
the site profile, the data directory, a shared frontier's Redis) and builds the Scrapy settings;
``start_crawl`` takes the data directory's lock and runs Scrapy until the crawl ends, with the
caller's database sessions for the checks around it (the crawl's archive extension opens its own
engine inside the crawl). ``run_crawl`` does both with an engine of its own.
"""

from __future__ import annotations

import gc
import logging
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from archive.runs.lock import EXIT_LOCKED, CrawlLock, LockHeld
from archive.sql.crawls import start_url_answers
from archive.sql.engine import Sessions, make_engine, make_sessionmaker
from archive.warc.files import warc_dir
from crawler.config import check_settings
from crawler.logs import network_errors_on_one_line
from crawler.profile import SiteProfile, load_profile
from crawler.spiders.reports import ReportsSpider

logger = logging.getLogger(__name__)

#: Settings for crawling a local replica quickly (the demo and the tests use them).
FAST_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "RETRY_TIMES": "1",
    "GONGKAI_RETRY_BACKOFF_BASE": "0.2",
}


class CrawlError(Exception):
    """A fatal crawl error a user can fix (bad URL, unwritable data dir, unreachable site)."""

    exit_code = 1


class CrawlLocked(CrawlError):
    """Another crawl holds the data directory's lock."""

    exit_code = EXIT_LOCKED


@dataclass(frozen=True, slots=True)
class CrawlOutcome:
    run_id: int | None
    data_dir: Path
    db_url: str
    start_urls: tuple[str, ...]
    seconds: float
    finish_reason: str | None
    stats: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PreparedCrawl:
    """A crawl checked and configured, not started."""

    profile: SiteProfile
    data_dir: Path
    db_url: str
    settings: Settings
    distributed: bool


def check_start_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CrawlError(f"not a crawlable URL: {url!r} (expected http:// or https:// with a host)")
    return url


def check_data_dir(data_dir: Path) -> None:
    try:
        warc_dir(data_dir).mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise CrawlError(f"cannot write to data dir {data_dir}: {exc.strerror or exc}") from exc


def crawl_settings(
    profile: SiteProfile,
    *,
    data_dir: Path,
    db_url: str,
    overrides: Mapping[str, str],
    log_level: str = "WARNING",
    log_file: str | None = None,
    extensions: Mapping[str, int] | None = None,
) -> Settings:
    """The project's settings, then the profile's politeness, then the run's own, then the user's
    ``-s`` overrides; ``extensions`` are added to the project's (e.g. a progress display)."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    politeness = profile.politeness
    settings.setdict(
        {
            "DOWNLOAD_DELAY": politeness.download_delay,
            "CONCURRENT_REQUESTS_PER_DOMAIN": politeness.concurrent_requests_per_domain,
            "AUTOTHROTTLE_TARGET_CONCURRENCY": politeness.autothrottle_target_concurrency,
        },
        priority="spider",
    )
    settings.setdict(
        {
            "GONGKAI_DATA_DIR": str(data_dir),
            "GONGKAI_DB_URL": db_url,
            "GONGKAI_SITE": str(profile.path or profile.name),
            "GONGKAI_START_URLS": list(profile.start_urls),
            "LOG_LEVEL": log_level,
        },
        priority="cmdline",
    )
    if log_file:
        settings.set("LOG_FILE", log_file, priority="cmdline")
    settings.setdict(dict(overrides), priority="cmdline")
    if extensions:
        merged = settings.getdict("EXTENSIONS")  # set() would replace the project's dict
        merged.update(extensions)
        settings.set("EXTENSIONS", merged, priority="cmdline")
    return settings


def prepare_crawl(
    *,
    start_urls: list[str],
    site: str,
    data_dir: Path,
    db_url: str,
    settings: Mapping[str, str] | None = None,
    log_level: str = "WARNING",
    log_file: str | None = None,
    extensions: Mapping[str, int] | None = None,
    redis_url: str | None = None,
    worker_id: str | None = None,
    idle_timeout: float | None = None,
    redis_prefix: str | None = None,
) -> PreparedCrawl:
    """Check the crawl's inputs and build its settings; raises ``CrawlError`` (one line).

    With ``redis_url`` the crawl is one worker on a shared scrapy-redis frontier
    (:mod:`crawler.distributed`); ``worker_id`` names this worker (WARC file names, lock file).
    """
    profile = load_profile(site)
    urls = [check_start_url(u) for u in start_urls]
    if urls:
        profile = profile.with_start_urls(urls)
    if not profile.start_urls:
        raise CrawlError("no start URL: pass --start-url or use a site profile that has start_urls")
    check_data_dir(data_dir)
    scrapy_settings = crawl_settings(
        profile,
        data_dir=data_dir,
        db_url=db_url,
        overrides=settings or {},
        log_level=log_level,
        log_file=log_file,
        extensions=extensions,
    )
    if worker_id:
        scrapy_settings.set("GONGKAI_WORKER_ID", worker_id, priority="cmdline")
    if redis_url:
        from crawler.distributed import DistributedError, apply_distributed

        try:
            apply_distributed(
                scrapy_settings,
                redis_url,
                site=str(profile.path or profile.name),
                worker_id=worker_id,
                prefix=redis_prefix,
                idle_timeout=idle_timeout,
            )
        except DistributedError as exc:
            raise CrawlError(str(exc)) from exc
    check_settings(scrapy_settings)
    return PreparedCrawl(profile, data_dir, db_url, scrapy_settings, distributed=bool(redis_url))


def start_crawl(prepared: PreparedCrawl, sessions: Sessions) -> CrawlOutcome:
    """Run the prepared crawl with the ``reports`` spider; blocks until done. ``sessions`` (the
    caller's engine) serve the check that a start URL answered."""
    profile, scrapy_settings = prepared.profile, prepared.settings
    lock = CrawlLock(prepared.data_dir, scrapy_settings.get("GONGKAI_WORKER_ID") or None)
    try:
        lock.acquire()
    except LockHeld as exc:
        raise CrawlLocked(str(exc)) from exc
    scrapy_settings.set("GONGKAI_LOCK_HELD", True, priority="cmdline")
    began = time.monotonic()
    try:
        process = CrawlerProcess(scrapy_settings)
        crawler = process.create_crawler(ReportsSpider)
        process.crawl(crawler, start_url=",".join(profile.start_urls), site=str(profile.path or profile.name))
        # What start-up made (modules, classes, settings: ~150,000 objects, more than the bare
        # spider's as the command line loads SQLAlchemy, Alembic and its commands) lives as long
        # as the crawl: out of the collector's way, a full collection no longer walks it. Thawed
        # after, so a process that runs several crawls (the tests) can still free the first's.
        gc.freeze()
        with network_errors_on_one_line(scrapy_settings):
            process.start()
    finally:
        gc.unfreeze()
        lock.release()
    stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
    outcome = CrawlOutcome(
        run_id=stats.get("gongkai/run_id"),
        data_dir=prepared.data_dir,
        db_url=prepared.db_url,
        start_urls=profile.start_urls,
        seconds=time.monotonic() - began,
        finish_reason=stats.get("finish_reason"),
        stats=stats,
    )
    if outcome.run_id is None:
        raise CrawlError("the crawl did not start; run with --log-level INFO for details")
    if not prepared.distributed:
        # On a shared frontier another worker (or `gongkai seed`) may have fetched the start URLs.
        _check_reached(outcome, sessions)
    return outcome


def run_crawl(**kwargs: Any) -> CrawlOutcome:
    """``prepare_crawl`` (same arguments), open the database (one engine), ``start_crawl``."""
    prepared = prepare_crawl(**kwargs)
    engine = make_engine(prepared.db_url)  # fails early, in one line, on a bad or unreachable database
    try:
        return start_crawl(prepared, make_sessionmaker(engine))
    finally:
        engine.dispose()


def _check_reached(outcome: CrawlOutcome, sessions: Sessions) -> None:
    """Fatal when no start URL answered at all: the site is unreachable or the URL is wrong."""
    with sessions() as session:
        rows = start_url_answers(session, outcome.run_id, outcome.start_urls)
    if any(status is not None for _, status, _ in rows):
        return
    errors = "; ".join(sorted({error for _, _, error in rows if error})) or "no response"
    raise CrawlError(f"could not reach {', '.join(outcome.start_urls)}: {errors}")
