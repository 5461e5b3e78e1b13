"""Run one crawl in this process: settings from the module, the site profile and the user."""

from __future__ import annotations

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
from archive.sql.engine import DatabaseError, make_engine, make_sessionmaker
from crawler.profile import ProfileError, SiteProfile, load_profile
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


def check_start_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CrawlError(f"not a crawlable URL: {url!r} (expected http:// or https:// with a host)")
    return url


def check_data_dir(data_dir: Path) -> None:
    try:
        (data_dir / "warc").mkdir(parents=True, exist_ok=True)
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
    progress: bool = False,
) -> Settings:
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
            "GONGKAI_PROGRESS": progress,
            "LOG_LEVEL": log_level,
        },
        priority="cmdline",
    )
    if log_file:
        settings.set("LOG_FILE", log_file, priority="cmdline")
    settings.setdict(dict(overrides), priority="cmdline")
    return settings


def run_crawl(
    *,
    start_urls: list[str],
    site: str,
    data_dir: Path,
    db_url: str,
    settings: Mapping[str, str] | None = None,
    log_level: str = "WARNING",
    log_file: str | None = None,
    progress: bool = False,
    redis_url: str | None = None,
    worker_id: str | None = None,
    idle_timeout: float | None = None,
    redis_prefix: str | None = None,
) -> CrawlOutcome:
    """Crawl ``start_urls`` (or the profile's own) with the ``reports`` spider; blocks until done.

    With ``redis_url`` the crawl is one worker on a shared scrapy-redis frontier
    (:mod:`crawler.distributed`); ``worker_id`` names this worker (WARC file names, lock file).
    """
    try:
        profile = load_profile(site)
    except ProfileError as exc:
        raise CrawlError(str(exc)) from exc
    urls = [check_start_url(u) for u in start_urls]
    if urls:
        profile = profile.with_start_urls(urls)
    if not profile.start_urls:
        raise CrawlError("no start URL: pass --start-url or use a site profile that has start_urls")
    check_data_dir(data_dir)
    try:
        make_engine(db_url).dispose()  # fail early, in one line, on a bad or unreachable database
    except DatabaseError as exc:
        raise CrawlError(str(exc)) from exc
    scrapy_settings = crawl_settings(
        profile,
        data_dir=data_dir,
        db_url=db_url,
        overrides=settings or {},
        log_level=log_level,
        log_file=log_file,
        progress=progress,
    )
    if worker_id:
        scrapy_settings.set("GONGKAI_WORKER_ID", worker_id, priority="cmdline")
    if redis_url:
        from crawler.distributed import DEFAULT_IDLE_TIMEOUT, DistributedError, apply_distributed

        try:
            apply_distributed(
                scrapy_settings,
                redis_url,
                site=str(profile.path or profile.name),
                worker_id=worker_id,
                prefix=redis_prefix,
                idle_timeout=DEFAULT_IDLE_TIMEOUT if idle_timeout is None else idle_timeout,
            )
        except DistributedError as exc:
            raise CrawlError(str(exc)) from exc
    lock = CrawlLock(data_dir, scrapy_settings.get("GONGKAI_WORKER_ID") or None)
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
        process.start()
    finally:
        lock.release()
    stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
    outcome = CrawlOutcome(
        run_id=stats.get("gongkai/run_id"),
        data_dir=data_dir,
        db_url=db_url,
        start_urls=profile.start_urls,
        seconds=time.monotonic() - began,
        finish_reason=stats.get("finish_reason"),
        stats=stats,
    )
    if outcome.run_id is None:
        raise CrawlError("the crawl did not start; run with --log-level INFO for details")
    if not redis_url:
        # On a shared frontier another worker (or `gongkai seed`) may have fetched the start URLs.
        _check_reached(outcome)
    return outcome


def _check_reached(outcome: CrawlOutcome) -> None:
    """Fatal when no start URL answered at all: the site is unreachable or the URL is wrong."""
    engine = make_engine(outcome.db_url, migrate=False)
    try:
        with make_sessionmaker(engine)() as session:
            rows = start_url_answers(session, outcome.run_id, outcome.start_urls)
    finally:
        engine.dispose()
    if any(status is not None for _, status, _ in rows):
        return
    errors = "; ".join(sorted({error for _, _, error in rows if error})) or "no response"
    raise CrawlError(f"could not reach {', '.join(outcome.start_urls)}: {errors}")


